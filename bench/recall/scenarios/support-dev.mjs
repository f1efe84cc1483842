import { F, U, A } from './dsl.mjs';

export default {
  id: 'support-parcelry',
  kind: 'support',
  split: 'dev',
  title: 'Support chat: a shop owner and the Parcelry hosting support assistant, with knowledge-base excerpts (curl, ssh, scp manuals)',
  system: 'You are the support assistant of Parcelry, a web hosting and deployment platform. Be precise, quote the documentation when it helps, and never ask for secrets in the chat.',
  opening: 'Hi! I run the web shop for Kiln & Cobalt (ceramics). Our deploys and the API uploads have been flaky since last week and I need help, I am not very technical.',
  units: 205,
  pools: { kb: { files: ['support-dev.txt'], min: 250, max: 800 } },
  final: 'Thanks for all the help so far. Could you write me a short checklist I can give our new freelancer for deploying safely?',
  facts: [
    F('account', 'account_id', "What is the customer's Parcelry account number?", ['ACC-58213-KC'], [
      A('So I can look at your setup: could you give me your account number? It starts with ACC- and is on every invoice.'),
      U('Sure, it is ACC-58213-KC.'),
      A('Thanks, I have your account open now.'),
    ]),
    F('ticket', 'account_id', 'Which ticket number is the upload problem filed under?', ['PRC-104877'], [
      A('I have opened ticket PRC-104877 for the upload failures so the engineers can see the history.'),
      U('great, I will mention PRC-104877 if I call in'),
    ]),
    F('deploy-host', 'host', 'Which host does the shop deploy to?', ['deploy-7.fra.parcelry.net'], [
      A('Your deploys go to deploy-7.fra.parcelry.net — that is the host to use in your SSH config, not the generic deploy address.'),
      U('ok, changed it to deploy-7.fra.parcelry.net in the config and the connection works now'),
    ]),
    F('plan-rate', 'rate_limit', "What API rate limit does the customer's plan have?", ['600 requests per minute', '600 calls per minute'], [
      U('Is there some limit on how fast our stock sync can call your API? It sends a lot of small updates.'),
      A('On your plan the API accepts 600 requests per minute per account; above that you get HTTP 429 and should wait for the Retry-After header.'),
    ]),
    F('ssl-error', 'error_seen', 'What error did the upload script show?', ['unable to get local issuer certificate'], [
      U('The upload script now says "SSL certificate problem: unable to get local issuer certificate". It worked on Friday!'),
      A('That message means the machine running the script does not trust the certificate chain — usually an outdated CA bundle, not a problem on our side.'),
    ]),
    F('launch', 'deadline', 'When does the customer launch the new shop?', ['28 November', 'November 28'], [
      A('How urgent is this for you — is there a date the shop has to be ready?'),
      U('Very urgent honestly. We relaunch the shop on 28 November, for Black Friday, and everything has to be stable a week before.', { gap: 3 }),
    ]),
    F('http3', 'feature_flag', 'Which beta feature was enabled on the account?', ['http3_edge'], [
      A('I can switch on the http3_edge beta for your account; it often helps with slow mobile visitors. Shall I?'),
      U('Yes please, turn it on.'),
      A('Done — http3_edge is active now, it takes about ten minutes to roll out.'),
    ]),
    F('webhook-retry', 'retry_policy', 'How does Parcelry retry failed webhooks?', ['8 times over 24 hours', 'eight times over 24 hours'], [
      U('What happens if our server is down when you send the order webhook?'),
      A('We retry a failed webhook 8 times over 24 hours, with growing pauses, and then mark it as failed in the dashboard.'),
    ]),
    F('no-secret', 'constraint', 'What must never be pasted into the ticket?', ['API secret'], [
      U('Please make sure nobody ever asks me to paste our API secret into this ticket — our accountant’s compliance person reads these threads and will flag it.'),
      A('Absolutely. We never need the API secret in a ticket; if an engineer needs access we send you a one-time vault link instead.'),
    ]),
    F('region', 'preference', 'Which region does the customer prefer?', ['Frankfurt'], [
      U('If you ever move our servers around, I would rather stay in Frankfurt than go to Amsterdam — most of our customers are in Bavaria and Austria.'),
    ]),
    F('credit', 'max_amount', 'How much credit was the customer offered for the outage?', ['€480', '480 EUR', '480 euros'], [
      A('For the downtime I can offer a service credit of up to €300 on your next invoice.'),
      U('Hm, the outage cost us a full sales day. Is that really the most you can do?'),
      A('I checked with my supervisor: given the length of the outage we can raise the credit to €480. It will appear on the next invoice.', { gap: 'far' }),
      U('Thank you, that is fair.'),
    ], { old: ['€300', '300 EUR'] }),
    F('plugin-version', 'release_version', 'Which version of the shop plugin is the customer running?', ['4.12.3'], [
      A('Which version of the parcelry-connect plugin is installed in your shop? It is on the plugin page.'),
      U('It says parcelry-connect 4.12.3, installed in August.'),
    ]),
    F('maintenance', 'time_of_day', 'When is the maintenance window?', ['23:30'], [
      U('When do you do maintenance on your side? I want to avoid running big imports then.'),
      A('Our maintenance window is Tuesdays from 23:30 CET for up to an hour; we announce it on the status page two days before.'),
    ]),
    F('token-rotation', 'rotation_interval', 'How often do the API tokens expire?', ['60 days'], [
      A('One more thing that catches people out: API tokens on your plan expire after 60 days, so the sync will stop if nobody renews them. You can set a reminder in the dashboard.'),
      U('Ahh, that may be what happened in the summer. Thanks.'),
    ]),
    F('tier2', 'owner', 'Who at Parcelry owns the escalated case?', ['Tomasz'], [
      A('I have escalated the case to tier 2; Tomasz will own it from here and will contact you by email.'),
    ]),
    F('status-url', 'path_url', 'Where can the customer follow the incident?', ['status.parcelry.net/incidents/8817'], [
      A('You can follow the incident at https://status.parcelry.net/incidents/8817 — updates are posted there first.'),
    ]),
    F('spf-task', 'open_task', 'What did support promise to send the customer?', ['SPF record'], [
      U('Also, our order confirmation mails land in spam since the move.'),
      A('I will send you the correct SPF record for kilnandcobalt.de after this chat — that is most likely why.'),
    ]),
    F('old-app', 'deleted_module', 'Which app did the customer remove from the account?', ['legacy-cdn-purge'], [
      U('I removed that old legacy-cdn-purge app from the account, the freelancer said it was from the old theme and does nothing.'),
      A('That is fine, nothing on your account depended on legacy-cdn-purge anymore.'),
    ]),
    F('shopware', 'technology', 'Which shop system is the customer moving to?', ['Shopware 6'], [
      U('For context: we are moving the storefront from our old WooCommerce install to Shopware 6 as part of the relaunch.'),
    ]),
    F('webhook-fn', 'function_added', 'Which function did the customer add to their checkout code?', ['verify_webhook_signature'], [
      A('To be safe, your checkout code should check each webhook’s signature before trusting it.'),
      U('Our freelancer added a verify_webhook_signature() call to the checkout code, like in your example. Is that enough?'),
      A('Yes, as long as it runs before anything else reads the payload.'),
    ]),
    F('deploy-config', 'file_created', 'Which config file did the customer create for deploys?', ['.parcelry/deploy.toml'], [
      U('I created the .parcelry/deploy.toml file you described, with the build command and the public folder in it.'),
    ]),
  ],
};
