import { F, U, A } from './dsl.mjs';

export default {
  id: 'documents-beaconry',
  kind: 'documents',
  split: 'heldout',
  title: 'A conversation mostly made of pasted documents: the Node.js crypto and dns reference, read while building the Beaconry domain-monitoring service',
  system: 'You are helping build Beaconry, a domain and certificate monitoring service in Node.js. The user pastes documentation; point out what matters and remember decisions.',
  opening: 'I will go through the Node crypto and dns docs with you, section by section. We need them for the webhook signing and for the DNS probes of Beaconry.',
  units: 176,
  pools: { doc: { files: ['docs-heldout.txt'], min: 500, max: 1700 } },
  final: 'Now write the outline of the architecture doc for Beaconry, one line per component.',
  facts: [
    F('results-db', 'technology', 'Where are the probe results stored?', ['ClickHouse'], [
      A('Where should the probe results go? Time series with heavy aggregation points at a columnar store.'),
      U('ClickHouse. We already run it for the marketing analytics.', { gap: 2 }),
    ]),
    F('hmac-file', 'file_created', 'Which file implements webhook signature verification?', ['lib/signing/hmac-verify.mjs'], [
      U('Created lib/signing/hmac-verify.mjs, based on the createHmac example we just read.'),
      A('Use timingSafeEqual in hmac-verify.mjs for the comparison, not ===.'),
    ]),
    F('resolver-rate', 'rate_limit', 'How many resolver queries per second are allowed per region?', ['800 per second', '800 queries per second'], [
      U('The resolvers we rent allow 800 queries per second per region. The probe scheduler has to respect that.'),
    ]),
    F('zone-id', 'account_id', "What is the customer zone's id?", ['9c41e7a2b0d4'], [
      U('The first customer zone we monitor has the id 9c41e7a2b0d4 in their DNS provider.'),
    ]),
    F('probe-host', 'host', 'Which host runs the DNS probes?', ['ns-probe-3.beaconry.net'], [
      U('Probes run from ns-probe-3.beaconry.net for now; 1 and 2 are being rebuilt.'),
    ]),
    F('audit', 'deadline', 'When is the SOC 2 evidence due?', ['30 April', 'April 30'], [
      U('The SOC 2 auditors want the evidence by 30 April, including how we handle keys.'),
      A('Then the key-handling section of the docs should be done well before 30 April.'),
    ]),
    F('dnssec-fn', 'function_added', 'Which function checks DNSSEC?', ['checkDnssecChain'], [
      U('I added checkDnssecChain() to the probe, it walks from the zone up to the root.'),
    ]),
    F('no-secrets', 'constraint', 'What must never be logged?', ['webhook secret'], [
      U('Rule: never log private keys or the webhook secret, not even at debug level.'),
      A('Agreed — I will add a redaction test that fails if the webhook secret appears in any log line.'),
    ]),
    F('probe-retry', 'retry_policy', 'What happens when a DNS probe fails?', ['different region'], [
      A('For failed probes I suggest: retry twice from a different region before alerting, to avoid paging on local network blips.'),
      U('Yes, do that.'),
    ]),
    F('esm', 'preference', 'How does the user want code examples written?', ['ESM imports'], [
      U('Please write all examples with ESM imports, no require(). The codebase is ESM only.'),
    ]),
    F('md5', 'deleted_module', 'Which file was removed?', ['md5-fallback'], [
      U('I removed md5-fallback.js, it was only there for a customer that left.'),
    ]),
    F('free-tier', 'max_amount', 'How many domains does the free tier allow?', ['25 domains'], [
      U('The free tier allows 50 domains.'),
      U('Pricing changed its mind: the free tier is 25 domains, the 50 were too generous for the probe costs.', { gap: 'far' }),
    ], { old: ['50 domains'] }),
    F('refused', 'error_seen', 'Which resolver refused connections?', ['10.8.0.53'], [
      U('The probe logs show "connect ECONNREFUSED 10.8.0.53:53" every few minutes.'),
      A('That internal resolver at 10.8.0.53 is not answering on TCP; dns.Resolver should fall back to the public ones instead of failing the check.'),
    ]),
    F('rc', 'release_version', 'Which version is the release candidate?', ['1.7.0-rc.3'], [
      U('We cut 1.7.0-rc.3 tonight with the DNS probes in it.'),
    ]),
    F('doh-flag', 'feature_flag', 'Which flag enables DNS-over-HTTPS probes?', ['BEACONRY_DOH_PROBES'], [
      A('Should DNS-over-HTTPS probing be on by default?'),
      U('No, behind BEACONRY_DOH_PROBES until we have tested it.'),
    ]),
    F('report-time', 'time_of_day', 'When is the daily report e-mail sent?', ['07:05'], [
      U('The daily report e-mail goes out at 07:05 in the customer’s time zone.'),
    ]),
    F('badge-docs', 'open_task', 'Which docs are still missing?', ['status badge'], [
      U('Somebody still has to write the docs for the status badge. Probably me.'),
    ]),
    F('hmac-rotation', 'rotation_interval', 'How often do the HMAC keys rotate?', ['every 7 days'], [
      A('How often do you want to rotate the HMAC signing keys? Shorter is safer, but customers must fetch the new key.'),
      U('every 7 days, with the old key valid for one more day'),
    ]),
    F('probe-owner', 'owner', 'Who owns the probe network?', ['Benedikt'], [
      U('Benedikt owns the probe network; ask him before changing anything about the regions.'),
    ]),
    F('public-api', 'path_url', 'What is the URL of the public checks API?', ['api.beaconry.net/v2/checks'], [
      U('The public API for checks is https://api.beaconry.net/v2/checks, v1 is deprecated.'),
    ]),
  ],
};
