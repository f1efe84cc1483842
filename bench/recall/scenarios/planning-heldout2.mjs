import { F, U, A } from './dsl.mjs';

export default {
  id: 'planning-windrose',
  kind: 'planning',
  split: 'heldout2',
  title: 'Planning discussion: project Windrose, moving the build runners to a new toolchain image (bash 5.2, newer binutils and diffutils), going through the upstream NEWS files',
  system: 'You are helping a platform team lead plan project Windrose, the move of all CI build runners to a new toolchain image. Keep track of what is decided and be concrete about risks.',
  opening: 'Morning. I need to get Windrose planned properly this time: new runner image, newer bash, binutils and diffutils. I will paste the upstream NEWS in chunks so we see what could bite us, and mix in whatever people tell me in the hallway.',
  units: 205,
  pools: { notes: { files: ['planning-heldout2.txt'], min: 300, max: 1000 } },
  final: 'Please draft the announcement mail to all engineering teams: what changes, when, and whom to ask.',
  facts: [
    F('image-tool', 'technology', 'Which tool will build the runner images?', ['packer'], [
      A('For building the image itself we have two realistic options: keep extending the hand-written bootstrap script, or describe the image in packer and build it in CI. The second gives us a reviewable definition and reproducible rebuilds, at the cost of a day or two to port the script.'),
      U('go with packer'),
    ]),
    F('inventory', 'file_created', 'Where is the migration inventory kept?', ['windrose/inventory.md'], [
      U('Rafa was faster than me and already started the inventory of every job that calls bash or objdump directly. He put it in docs/windrose/inventory.md in the platform repo, one line per job with the owning team. It is about half done.'),
    ]),
    F('mirror-limit', 'rate_limit', 'How many parallel downloads does the package mirror allow per runner?', ['eight parallel downloads'], [
      U('The mirror people replied about the big re-image day. They are fine with it, but each runner may do at most eight parallel downloads from the package mirror, otherwise it starts dropping connections for everybody. So we cannot just re-image the whole fleet in one go.'),
      A('Then we re-image in waves of about a quarter of the fleet; at eight downloads each that stays well within what the mirror handles.'),
    ]),
    F('cost-centre', 'account_id', 'On which cost centre is the Windrose work booked?', ['4471-WR'], [
      A('Finance will ask where the overtime and the extra runner hours go. Do you have a cost centre for Windrose?'),
      U('I asked Carla. It is 4471-WR, she opened it specially for this.', { gap: 3 }),
    ]),
    F('canary', 'host', 'Which runner is the canary for the new image?', ['sandpiper'], [
      A('Which machine should get the new image first? Ideally one that runs a representative mix of jobs but that nobody depends on for releases.'),
      U('Good question, let me check with the fleet owner which one is least loaded.'),
      U('Answer from the fleet side: use sandpiper. It runs a bit of everything and nobody releases from it.', { gap: 2 }),
    ]),
    F('freeze', 'deadline', 'When is the change freeze for Windrose?', ['fifteenth of June'], [
      U('Dates. Leadership wants all runners on the new image before the summer change freeze, which is the first of June this year. That is tight but doable if nothing big comes up.'),
      U('Update from the leadership sync, and it is good news for once. The change freeze moved to the fifteenth of June because of the audit, so we get two more weeks. I would still aim for the earlier date internally and keep the rest as buffer.', { gap: 'far' }),
      A('Agreed. I will keep the internal target and mark the remaining two weeks as buffer in the plan.'),
    ], { old: ['first of June'] }),
    F('bash-check', 'function_added', 'Which function was added to the shared shell library?', ['require_bash_52'], [
      U('To catch jobs that accidentally run on an old runner during the transition, I added a require_bash_52 function to our shared shell library; it exits with a clear message if BASH_VERSINFO is too old. Jobs can call it in their first line.'),
      A('Good idea. Once every runner is migrated we can make it a no-op instead of deleting it, so nothing breaks.'),
    ]),
    F('close', 'constraint', 'During which period must the release runners not be touched?', ['quarter-end close'], [
      U('One hard rule from finance, and it overrides everything else in this plan: nobody touches the release runners during the quarter-end close. Those runners build the invoicing exports and an outage there means people cannot bill. If the schedule collides with it, we shift the schedule.'),
      A('Understood — I will block out the close in the schedule for the release runners and plan their wave after it.'),
    ]),
    F('flaky', 'retry_policy', 'How are flaky jobs retried after the move?', ['one automatic retry'], [
      A('For the transition I would not hide flakiness behind retries. My proposal is one automatic retry for jobs that fail on a new-image runner, never more, and every retried job gets tagged so we can see whether the new image is the cause.'),
      U('fine by me'),
    ]),
    F('rollout-order', 'preference', 'How does Marguerite want the rollout done?', ['team by team'], [
      U('Marguerite had an opinion in the corridor, as usual, and I think she is right. She would rather we roll out team by team than machine by machine, because then each team has one bad day instead of a week of random failures. Can the waves be built that way?'),
      A('Yes: runners are already tagged by team, so each wave can be one or two teams.'),
    ]),
    F('ksh', 'deleted_module', 'What old tooling is being removed with Windrose?', ['ksh wrappers'], [
      U('Also, the old ksh wrappers go. Only two jobs still use them and both owners agreed to switch to plain bash.'),
      A('Then I will list them in the inventory as "remove" with the two jobs as blockers.'),
    ]),
    F('overtime', 'max_amount', 'How much overtime may the team spend on Windrose?', ['forty hours'], [
      U('Budget for people: the weekend re-image waves need someone on call. Carla approved overtime but capped it at forty hours for the whole project, so we need to be smart about which waves happen at weekends.'),
    ]),
    F('objdump', 'error_seen', 'Which warning did objdump print in the trial run?', ['Unrecognized form: 0x22'], [
      U('Trial run on my laptop image went mostly fine. One thing: the firmware job printed "objdump: Warning: Unrecognized form: 0x22" a few hundred times. The build still succeeded.'),
      A('That comes from debug info written by a newer compiler than the objdump that reads it; with the new binutils it should go away. Worth re-checking on the canary.'),
    ]),
    F('bash-version', 'release_version', 'Which bash version does the new image ship?', ['5.2.15'], [
      A('Do we know the exact bash release on the new image? Some of the NEWS items are patch-level.'),
      U('5.2.15, from the distribution package'),
    ]),
    F('shim', 'feature_flag', 'Which switch keeps the old sh behaviour on the new image?', ['legacy_sh_shim'], [
      A('For the two weeks after each team\'s wave, I would ship the image with a switch, legacy_sh_shim, that points /bin/sh back at the old behaviour for jobs that opt in. Teams get a way out without asking us, and we can see from the logs who still needs it.'),
      U('ok'),
    ]),
    F('rollout-time', 'time_of_day', 'At what time do the rollout waves start?', ['half past seven'], [
      U('Practical detail for the waves: we start them at half past seven in the morning, before the Lisbon team logs in, so the worst of it is over when the first pipelines run.'),
    ]),
    F('cron-audit', 'open_task', 'What still needs doing on the old runners?', ['audit the cron jobs'], [
      U('Before we forget: someone has to audit the cron jobs on the old runners. Half of them were set up by people who left.'),
      A('I put it on the open list; it has to be done before the last wave, since re-imaging wipes them.'),
    ]),
    F('rebuild', 'rotation_interval', 'How often will the runner image be rebuilt?', ['every other Monday'], [
      A('After the migration the image should not rot again. I would rebuild it every other Monday from the image definition, run the canary on it for a day, and then promote it automatically unless something fails.'),
      U('sounds good'),
    ]),
    F('fleet-owner', 'owner', 'Who owns the runner fleet?', ['Dario'], [
      U('For the plan document: the runner fleet is owned by Dario; anything that changes the machines goes through him.'),
    ]),
    F('runbook', 'path_url', 'Where is the rollback runbook?', ['platform/windrose/-/wikis/rollback'], [
      A('I wrote the rollback steps down: https://git.internal.example/platform/windrose/-/wikis/rollback. It covers pinning a team back to the old image in one command.'),
      U('perfect'),
    ]),
  ],
};
