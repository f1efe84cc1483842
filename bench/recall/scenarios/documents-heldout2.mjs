import { F, U, A } from './dsl.mjs';

export default {
  id: 'documents-riverbend',
  kind: 'documents',
  split: 'heldout2',
  title: 'A conversation mostly made of pasted documents: the Node.js stream and path reference, read while designing the riverbend sensor-ingest service',
  system: 'You are a senior Node.js engineer helping design "riverbend", a service that ingests readings from river sensors. The user pastes reference documentation; answer briefly and keep track of design decisions.',
  opening: 'I will paste the Node stream docs (and path, later) piece by piece while we design the riverbend ingest. Interrupt me when something matters for us; otherwise short answers are fine.',
  units: 175,
  pools: { doc: { files: ['docs-heldout2.txt'], min: 500, max: 1700 } },
  final: 'Let us write the design doc section "Data flow and backpressure" now, based on what we read and decided.',
  facts: [
    F('store', 'technology', 'Which database will hold the parsed readings?', ['influxdb'], [
      U('Quick context before the next section, since you asked where the records end up. The analytics people already run influxdb for the dashboards, and they offered us a database on it. It handles our volume without tuning, so the ingest writes there directly. I do not want a second store just for us.'),
      A('Then the last stage of the pipeline is a writable stream that batches inserts into it — the docs on writable streams are exactly what we need.'),
    ]),
    F('splitter', 'file_created', 'Which file holds the line splitter?', ['ingest/lineSplitter.mjs'], [
      U('I wrote the line splitter as a Transform, like the docs suggest. It lives in src/ingest/lineSplitter.mjs and has no dependencies.'),
      A('Good — make sure it flushes the last partial line in flush(), that is the usual bug.'),
    ]),
    F('gateway-rate', 'rate_limit', 'How many events per second can the sensor gateway push?', ['five thousand events a second'], [
      U('Numbers for sizing. The gateway team measured it during the spring flood last year, which is the worst case we know of. It peaked at five thousand events a second for about ten minutes and stayed at a few hundred otherwise. So the ingest has to survive the peak without dropping readings, not be fast on average.'),
      A('At that rate backpressure matters more than raw speed; we should let the socket pause instead of buffering.'),
    ]),
    F('tenant', 'account_id', 'What is the tenant id of riverbend at the gateway?', ['tnt_8f3a21c9'], [
      A('For the connection config: which tenant id did the gateway team give us? It goes into the handshake.'),
      U('tnt_8f3a21c9 — it is in the onboarding mail too', { gap: 2 }),
    ]),
    F('ingest-host', 'host', 'Which host does the ingest service run on?', ['ingest-b.rvb.internal'], [
      U('Deployment detail, so you know what we are dealing with: we got one VM, ingest-b.rvb.internal, with four cores and eight gigs. The other one, the "a" machine, is reserved for the dashboards. So no horizontal scaling for now.'),
    ]),
    F('demo', 'deadline', 'When is the demo for the water board?', ['last Friday of April'], [
      A('Is there a date we are building towards? It changes how much of the error handling we do now.'),
      U('yes — the water board wants a live demo on the last Friday of April, with real sensors', { gap: 2 }),
    ]),
    F('drain-fn', 'function_added', 'Which helper was added to detect a stuck writer?', ['withDrainTimeout'], [
      A('One gap the docs leave open: if the database stops accepting writes, write() returns false and we wait for "drain" forever. I would wrap the wait in a small helper that gives up after a while and tears the pipeline down with a clear error.'),
      U('Added it as withDrainTimeout() in the sink module, 30 seconds by default. Works in my test with a paused stream.'),
    ]),
    F('one-file', 'constraint', 'What is the memory rule for the ingest?', ['one file in memory'], [
      U('Hard rule from ops, because the box is small and shared with the archiver: at no point may the ingest hold more than one file in memory. Everything streams. If a code path needs the whole file, it is wrong by definition.'),
      A('Agreed. That rules out readFile and any JSON.parse of a whole upload; we parse line by line.'),
    ]),
    F('upload-retry', 'retry_policy', 'How are failed batch inserts retried?', ['capped at two minutes'], [
      A('For failed batch inserts I suggest exponential backoff starting at one second, doubling each time and capped at two minutes between attempts, while the upstream stays paused. Nothing is dropped; the gateway buffers on its side during that time, and we log each retry with the batch size.'),
      U('ok'),
    ]),
    F('intermediate', 'preference', 'Which format does the user prefer for intermediate files?', ['NDJSON'], [
      U('For the intermediate files on disk I prefer NDJSON over CSV. Sensor payloads have nested fields, and quoting rules in CSV have bitten me before. Plus we can append without rewriting a header.'),
    ]),
    F('through2', 'deleted_module', 'Which dependency was removed from the project?', ['through2'], [
      U('After reading the Transform section I threw out through2 from package.json. The built-in class does everything we used it for.'),
      A('Yes, the native Transform covers that; one dependency less to audit.'),
    ]),
    F('worker-mem', 'max_amount', 'How much memory may one ingest worker use?', ['half a gigabyte'], [
      U('Memory budget per worker: ops gave us two hundred and fifty-six megabytes each, hard limit in the unit file.'),
      U('Ops came back on the memory limit after seeing the flood numbers. They are fine with half a gigabyte per worker, so the highWaterMark can be a bit more generous than we planned.', { gap: 'far' }),
      A('Good, I will size the buffers for that limit.'),
    ], { old: ['two hundred and fifty-six megabytes'] }),
    F('idle-close', 'error_seen', 'Which error did the gateway connection end with?', ['after 30000 ms idle'], [
      U('The test run ended with "Error: gateway closed the socket after 30000 ms idle" in the log, right when the test sensors went quiet at night.'),
      A('Then we need a heartbeat on our side; the gateway treats silence as a dead client.'),
    ]),
    F('collector-version', 'release_version', 'Which version of the gateway collector is deployed?', ['0.27.4-rc.1'], [
      A('Which collector version does the gateway run? Heartbeats were added at some point.'),
      U('0.27.4-rc.1 according to their status page'),
    ]),
    F('partial-lines', 'feature_flag', 'Which option makes the splitter emit an unterminated last line?', ['emit_partial_lines'], [
      A('About the end of a file: sensors sometimes cut off mid-line when they lose power. I would not silently drop that last fragment and not silently parse it either. My proposal is an option, emit_partial_lines, off by default; when it is on, the splitter emits the fragment flagged as partial, and the parser stores it in a quarantine table instead of the readings table.'),
      U('sounds good'),
    ]),
    F('reset-time', 'time_of_day', 'At what time does the gateway reset its connections?', ['twenty past midnight'], [
      U('Another thing from the gateway team. Every night at twenty past midnight they restart their front end, and all connections drop at once. So reconnecting has to be boring and automatic, and it must not count as an outage in our alerts.'),
    ]),
    F('gzip-bench', 'open_task', 'What still needs to be measured?', ['benchmark the gzip path'], [
      U('not now, but someone has to benchmark the gzip path before the demo. some sensors upload compressed batches'),
      A('Noted as an open item.'),
    ]),
    F('cert-renewal', 'rotation_interval', 'How often are the gateway client certificates renewed?', ['every thirty days'], [
      A('From their onboarding mail: the client certificates for the gateway are renewed every thirty days, and the old one stops working a day after the new one is issued. We should reload certificates without restarting the service.'),
      U('fine, reload on SIGHUP then'),
    ]),
    F('gateway-owner', 'owner', 'Who owns the gateway side?', ['Sunniva'], [
      U('for questions about the gateway itself, Sunniva owns it on their side. she is quick on chat'),
    ]),
    F('spool', 'path_url', 'Where are incoming files spooled?', ['/var/spool/riverbend/incoming'], [
      U('Files that arrive by upload land in /var/spool/riverbend/incoming first; the ingest picks them up from there and moves them when done.'),
      A('Then path.join with that base and a check that the result stays inside it — the path docs will matter there.'),
    ]),
  ],
};
