import { F, U, A } from './dsl.mjs';

export default {
  id: 'planning-larkspur',
  kind: 'planning',
  split: 'dev',
  title: 'Planning discussion: project Larkspur, upgrading a server fleet to a new base image, going through the systemd release notes',
  system: 'You are helping an engineering manager plan the Larkspur fleet upgrade. Be concrete; keep track of decisions.',
  opening: 'Hi. We need a plan for project Larkspur: moving our whole fleet to the new base image, which brings a much newer systemd. I will paste the upstream release notes in pieces and we go through them, and I will throw in whatever gets agreed in other meetings.',
  units: 210,
  pools: { notes: { files: ['planning-dev.txt'], min: 300, max: 1000 } },
  final: 'Can you turn all of this into an agenda for Monday’s kickoff meeting, with 30 minutes per block?',
  facts: [
    F('scheduler', 'technology', 'Which scheduler did we pick for the batch fleet?', ['Nomad'], [
      U('Kubernetes came up again in the architecture review, but for the batch fleet we settled on Nomad. Smaller team, fewer moving parts.'),
      A('Nomad is a reasonable fit for batch work; I will plan the image with the Nomad client baked in.'),
    ]),
    F('cutover', 'deadline', 'When is the cut-over weekend?', ['14 June', 'June 14', '14–15 June'], [
      U('The cut-over is planned for the weekend of 7 June.'),
      U('Bad news from the datacenter: they have a power test that weekend, so the cut-over slips by one week, to the weekend of 14–15 June.', { gap: 'far' }),
      A('Updated: cut-over on 14–15 June. That gives us one more week for the pilot, which we needed anyway.'),
    ], { old: ['7 June', 'June 7'] }),
    F('rollout-owner', 'owner', 'Who owns the Larkspur rollout?', ['Priya'], [
      A('Before we go further: who is the single owner of the rollout itself? The plan needs one name.'),
      U('Priya Raman — she ran the last OS migration too.', { gap: 2 }),
    ]),
    F('canary', 'host', 'Which host is the first canary?', ['larkspur-canary-03'], [
      U('First canary will be larkspur-canary-03; 01 and 02 have odd hardware.'),
    ]),
    F('pace', 'rate_limit', 'How fast may machines be upgraded during the rollout?', ['25 machines per hour', '25 machines an hour'], [
      A('I would limit the pace to 25 machines per hour, so the on-call person can actually watch the dashboards. Does that work for you?'),
      U('Yes, 25 an hour is fine, ops agreed.'),
    ]),
    F('image-version', 'release_version', 'Which golden image version are we rolling out?', ['v2024.06.1'], [
      U('The golden image we roll out is v2024.06.1; anything newer waits for the second wave.'),
    ]),
    F('gate-flag', 'feature_flag', 'Which flag gates the canary stage?', ['fleet_canary_gate'], [
      U('Deployments only move past the canary stage when fleet_canary_gate is flipped by a human; no automation there.'),
      A('Good — a manual gate at the canary stage keeps a bad image away from the payment hosts.'),
    ]),
    F('reboot-window', 'time_of_day', 'During which hours may hosts reboot?', ['04:00'], [
      U('Reboots only between 04:00 and 05:30 local time, that is our quietest window.'),
    ]),
    F('db-pairs', 'constraint', 'What must never happen to the database replica pairs?', ['both replicas'], [
      U('One rule we cannot break: never reboot both replicas of a database pair at the same time. Ever. Even if the plan gets slower.'),
      A('Understood; I will pin the pairs to different waves so both replicas are never down together.'),
    ]),
    F('health-retry', 'retry_policy', 'What happens when a host fails its health check after the upgrade?', ['once after 10 minutes'], [
      A('Proposal for failed health checks: retry the upgrade once after 10 minutes, and if it fails again, park the host and page nobody at night.'),
      U('I like that. Let’s do it.'),
    ]),
    F('memo', 'preference', 'In what format does the manager want the weekly updates?', ['one-page memo'], [
      U('For the weekly updates I prefer a one-page memo over slides. Nobody reads slides.'),
    ]),
    F('shim', 'deleted_module', 'Which wrapper are we dropping?', ['fleetctl-shim'], [
      U('We are dropping the fleetctl-shim wrapper with this migration, nobody should build on it anymore.'),
      A('I will list fleetctl-shim as removed in the migration notes and check which cron jobs still call it.'),
    ]),
    F('budget', 'max_amount', 'What is the budget cap for contractor hours?', ['€22,000', '22,000'], [
      U('Budget for contractor hours is capped at €18,500.'),
      U('Finance approved more: the contractor cap is now €22,000, because of the extra pilot week.', { gap: 'far' }),
    ], { old: ['18,500'] }),
    F('pilot-error', 'error_seen', 'Which error did the pilot hosts show at boot?', ['UUID=7c2e9b41'], [
      U('Two pilot hosts did not come back; the console showed "ALERT! UUID=7c2e9b41 does not exist. Dropping to a shell!"'),
      A('That is the initramfs not finding the root filesystem — probably the disk UUID changed with the new partition layout.'),
    ]),
    F('nagios', 'open_task', 'What still needs checking before the rollout?', ['Nagios'], [
      U('Open item: someone has to check whether our Nagios checks survive the switch to cgroup v2. Nobody has volunteered yet.'),
    ]),
    F('ssh-ca', 'rotation_interval', 'How often will the fleet SSH CA be rotated?', ['every 30 days', '30 days'], [
      A('While we touch every host: should the fleet SSH CA rotation change?'),
      U('Yes, security wants it rotated every 30 days from now on.'),
    ]),
    F('aws-account', 'account_id', 'Which cloud account does the fleet run in?', ['4418-2093-7765'], [
      U('All of this is in the AWS account 4418-2093-7765, the old shared one is out of scope.'),
    ]),
    F('runbook', 'path_url', 'Where does the runbook live?', ['larkspur/runbook-v3'], [
      U('The runbook lives at https://wiki.internal/larkspur/runbook-v3, please link it in everything you write.'),
    ]),
    F('waves-file', 'file_created', 'Which file describes the rollout waves?', ['waves.yaml'], [
      U('I created rollout/waves.yaml with the host groups per wave, it is in the repo now.'),
      A('Thanks — I will refer to the wave names from waves.yaml from now on.'),
    ]),
    F('drain-fn', 'function_added', 'Which step was added to the playbook?', ['drain_and_reboot'], [
      U('Dmitri added a drain_and_reboot() step to the playbook, so we do not need to drain by hand anymore.'),
    ]),
  ],
};
