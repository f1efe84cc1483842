import { F, U, A } from './dsl.mjs';

export default {
  id: 'documents-wickerlight',
  kind: 'documents',
  split: 'heldout3',
  title: 'A conversation mostly made of pasted documents: the Node.js http and timers reference, read while designing the wickerlight webhook relay',
  system: 'You are a senior Node.js engineer helping design "wickerlight", a relay that delivers webhooks from an order system to customers\' endpoints. The user pastes reference documentation; answer briefly and keep track of design decisions.',
  opening: 'I will paste the Node http docs section by section (timers later) while we design the wickerlight relay. Say something when a part matters for us; short answers otherwise.',
  units: 180,
  pools: { doc: { files: ['docs-heldout3.txt'], min: 500, max: 1700 } },
  final: 'Now let us write the design doc section "Delivery, retries and timeouts", based on what we read and agreed.',
  facts: [
    F('queue', 'technology', 'Which messaging system buffers the outgoing deliveries?', ['jetstream'], [
      U('Before the agent section, where the deliveries wait. The order system already publishes every event to NATS, and the platform team runs jetstream on the same cluster with persistence switched on. So pending deliveries sit in a stream there, and the relay consumes from it with explicit acks. I do not want Redis or a database table just for the queue.'),
      A('That fits: an ack after a successful POST, a nak with a delay after a failure, and the stream keeps what is not delivered yet.'),
    ]),
    F('agent-module', 'file_created', 'Which module holds the shared connection pool?', ['relay/agentPool.mjs'], [
      U('I put the keep-alive Agent setup into src/relay/agentPool.mjs, one Agent per receiving host with maxSockets from config. Everything else imports from there.'),
      A('Good; then the socket limits are in one place.'),
    ]),
    F('per-host', 'rate_limit', 'How fast may wickerlight hit a single customer endpoint?', ['20 requests per second'], [
      A('Some of the customers\' endpoints are small shops on shared hosting. To be a polite sender I would cap deliveries at 20 requests per second per receiving host, with a token bucket in front of each Agent. Big customers can get a higher cap in their settings later.'),
      U('sure'),
    ]),
    F('merchant', 'account_id', "What is the relay's merchant account at the payment provider?", ['pp_acct_3K8Q2'], [
      A('The payment events carry our merchant account at the provider in a header, and we should check it before relaying. Which account id did they give us?'),
      U('pp_acct_3K8Q2 — it is also on the provider dashboard', { gap: 2 }),
    ]),
    F('relay-host', 'host', 'On which server is the relay deployed?', ['edge-relay-2.wkl.internal'], [
      U('Deployment, so you know the limits: the relay gets one VM, edge-relay-2.wkl.internal, behind the existing haproxy. Two cores, four gigs. The first machine of that pair runs the old cron-based sender until we switch.'),
    ]),
    F('pilot', 'deadline', 'When does the first customer start receiving webhooks through the relay?', ['2 April'], [
      U('Dates: the pilot customer goes live on 12 March, they want order events in their warehouse system from that day.'),
      U('The pilot moved. Their warehouse integration is not ready, so the first deliveries through the relay now start on 2 April. Fine by me, we get the timers part done properly.', { gap: 'far' }),
      A('Then we have time for the retry scheduler before any real traffic.'),
    ], { old: ['12 March'] }),
    F('redelivery', 'function_added', 'Which function queues another attempt after a delivery fails?', ['scheduleRedelivery'], [
      A('After reading the timers page: for the short delays we can keep a timer in-process, as long as it is unref\'d so it never keeps the process alive on shutdown; longer ones go back to the stream with a delay.'),
      U('Wrote it as scheduleRedelivery() in the dispatcher: under a minute it uses setTimeout(...).unref(), otherwise it naks the message with the delay.'),
    ]),
    F('no-bodies', 'constraint', 'What is forbidden regarding the webhook bodies?', ['never be written to logs'], [
      U('Privacy rule from legal, and it is a hard one: payload bodies must never be written to logs, not even at debug level and not in error messages. The order events contain names and addresses of our customers\' customers. Log the event id, the size, the status code and the timing, nothing from the body.'),
      A('Agreed. I will make the logger take a fixed set of fields so a body cannot slip in by accident.'),
    ]),
    F('schedule', 'retry_policy', 'What is the redelivery schedule for failed webhooks?', ['10 s, 1 min, 10 min, 1 h'], [
      A('For failed deliveries I would use a fixed schedule that receivers can rely on and that we can document: retry after 10 s, 1 min, 10 min, 1 h, and then every hour until 24 hours have passed since the first attempt. After that the event is dead-lettered and shows up in the customer\'s dashboard with the last status code. Exponential with jitter is nicer in theory, but a fixed table is easier to explain to customers.'),
      U('ok, fixed table'),
    ]),
    F('client-api', 'preference', 'Which client API does the user want the relay built on?', ['node:http directly'], [
      U('I know everyone uses fetch now, but for the relay I want node:http directly. We need the Agent, the socket events and the exact timeouts we are reading about, and I do not want another layer between us and them.'),
    ]),
    F('old-lib', 'deleted_module', 'Which outdated HTTP library was taken out of package.json?', ['request-promise-native'], [
      U('Threw request-promise-native out of package.json; the old sender was the only thing using it, and it has been deprecated for years.'),
      A('Good riddance.'),
    ]),
    F('body-cap', 'max_amount', 'What is the largest webhook body the relay accepts?', ['256 KiB'], [
      U('Payload size: we accept events up to 1 MiB from the order system.'),
      U('Talked to the receivers\' side. Several customers run endpoints that reject big bodies, so we cap events at 256 KiB and send a link to the full order for anything larger.', { gap: 'far' }),
      A('Then the limit check moves to the consumer, before we even open a connection.'),
    ], { old: ['1 MiB'] }),
    F('header-overflow', 'error_seen', "What error did Node raise on the partner's oversized response?", ['HPE_HEADER_OVERFLOW'], [
      U('Staging delivery to the big partner failed with "Error: Parse Error: Header overflow", code HPE_HEADER_OVERFLOW. Their endpoint sends back a huge cookie.'),
      A('That is the parser\'s header size limit; we can raise maxHeaderSize for that Agent only, since we ignore their response headers anyway.'),
    ]),
    F('node-version', 'release_version', 'Which Node.js release runs in production?', ['20.11.1'], [
      A('Which Node version is on the production VM? Some of the agent options we read about changed between majors.'),
      U('node --version says v20.11.1', { gap: 2 }),
    ]),
    F('timestamp', 'feature_flag', "Which option adds a time to each delivery's signature?", ['sign_with_timestamp'], [
      A('On signatures: an HMAC over the body alone lets anyone who captured a request replay it later. I would add an option, sign_with_timestamp, which includes the send time in the signed string and in a header, so receivers can reject anything older than five minutes. On for new customers, off for the two who verify the old way.'),
      U('ok'),
    ]),
    F('maintenance', 'time_of_day', "When is the big partner's weekly maintenance window?", ['03:00 CET'], [
      U('The big partner does maintenance every Sunday at 03:00 CET, roughly an hour. Their endpoint answers 503 the whole time, so do not page anyone for it.'),
    ]),
    F('load-test', 'open_task', 'What load test is still outstanding?', ['2,000 sockets'], [
      A('Still open: nobody has load-tested the keep-alive pool with 2,000 sockets yet; that is roughly the pilot\'s peak, and the agent settings we picked are untested at that size.'),
    ]),
    F('secrets', 'rotation_interval', 'How often are the signing secrets replaced?', ['twice a year'], [
      U('Security wants the signing secrets replaced twice a year, with an overlap of a week where both the old and the new one are valid.'),
      A('Then the receiver docs should show how to verify against two secrets.'),
    ]),
    F('oncall', 'owner', 'Who is on the hook when the relay pages at night?', ['Thandiwe'], [
      U('Operationally Thandiwe owns the relay, she carries the pager for it. Anything that changes alerting goes through her.'),
    ]),
    F('probe', 'path_url', 'Which URL path does the load balancer probe?', ['/internal/healthz/deep'], [
      A('For haproxy I would add a health check on GET /internal/healthz/deep, which also checks the connection to the stream, not just that the process answers.'),
      U('fine'),
    ]),
  ],
};
