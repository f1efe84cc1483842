import { F, U, A } from './dsl.mjs';

export default {
  id: 'support-brackenforge',
  kind: 'support',
  split: 'heldout5',
  title: 'Support chat: a bank\'s mobile release engineer and the Brackenforge code-review support assistant (backports, reverts, blame, cleaning build agents), with knowledge-base excerpts (git-blame, git-cherry-pick, git-revert, git-clean manuals)',
  system: 'You are the support assistant of Brackenforge, a hosted code-review and git service for regulated companies (signed commits, audit trails, self-hosted build agents). Be precise, quote the git documentation when it helps, and never ask for credentials.',
  opening: 'Hello. I run releases for the mobile apps at Nordvik Sparebank. We are three weeks on Brackenforge and I have collected a pile of questions, from tiny to important. Thanks for your patience.',
  units: 205,
  pools: { kb: { files: ['support-heldout5.txt'], min: 250, max: 800 } },
  final: 'Great, thank you. Could you turn what we settled today into a short checklist for the release rota?',
  facts: [
    F('backports', 'technology', 'How will the bank get fixes onto its release branches?', ['cherry-picked backports'], [
      A('For the fixes that must reach the release branches you have two workable models. You can merge main into each release branch, which drags in unrelated changes your auditors then have to review. Or you use cherry-picked backports: each fix is picked with -x so the original commit is recorded, and only that change lands. For a bank I would recommend the second.'),
      U('the second, yes'),
    ]),
    F('ignore-file', 'file_created', 'What did the engineer add so that formatting commits are skipped when tracing lines?', ['tools/blame-ignore.txt'], [
      U('FYI, I created tools/blame-ignore.txt with the three big reformatting commits in it and pointed blame.ignoreRevsFile at it in our shared config. Blame in the review UI still shows the formatter as the author though.'),
      A('The review UI reads its own setting; I will show you where to point it at the same list.'),
    ]),
    F('webhooks', 'rate_limit', 'How many hook notifications can Brackenforge send to the bank per minute?', ['1,500 webhook deliveries per minute', '1500 webhook deliveries per minute'], [
      U('Our relay sometimes falls behind on release days. Sunniva from your sales team said the limit is at most 1,500 webhook deliveries per minute for our plan. Is that per repository or for the whole workspace? We have nine repositories on one relay.'),
      A('That is for the whole workspace: 1500 webhook deliveries per minute, shared by all nine repositories.'),
    ]),
    F('workspace', 'account_id', 'What is the bank\'s workspace identifier at Brackenforge?', ['BF-WS-60473'], [
      A('To enable audit export I need your workspace identifier; it is shown under Admin → Workspace → General.'),
      U('one sec, I need a colleague with admin access'),
      U('here: BF-WS-60473', { gap: 3 }),
    ]),
    F('agent-host', 'host', 'Which build agent signs the release builds now?', ['tamarack-ci2'], [
      U('The signing agent is juniper-ci, in case you see its name in the audit log.'),
      U('We replaced the signing agent after the security review, the old one had an unsupported OS. The new one is tamarack-ci2, it has the HSM attached and already signed last night\'s build. Please tell me if it shows up differently on your side.', { gap: 'far' }),
      A('It is registered in your workspace with the signing role; nothing else to change.'),
    ], { old: ['juniper-ci'] }),
    F('audit-date', 'deadline', 'By when must the audit trail export be working?', ['9th of June'], [
      U('Compliance asked for the audit export to be working not by the 3rd of June as the first mail said but by the 9th of June, because the regulator moved its visit. After that date every release needs the exported trail attached.'),
      A('That leaves enough time; the export is a setting plus a storage target.'),
    ]),
    F('alias', 'function_added', 'What is the helper called that the team uses to backport a fix?', ['backport_to_release'], [
      U('I wrote a shell function backport_to_release for the team: it takes a commit and a release number, cherry-picks with -x onto the branch and opens a review. Anything in cherry-pick behaviour that could surprise us?'),
      A('Mostly empty picks and conflicts in generated files. The manual on how cherry-pick handles them:'),
    ]),
    F('clean-rule', 'constraint', 'Which cleanup command is forbidden on the signing agents?', ['never run git clean with -x'], [
      U('One thing that is not negotiable for us. On the signing agents we must never run git clean with -x, because the provisioning profiles and the keystore pointer sit in ignored files. Someone did it once and we lost a day re-provisioning. The default clean is fine.'),
      A('Understood. Then the agent template should use plain git clean -fd; I will check the pipeline defaults for you.'),
    ]),
    F('relay-retry', 'retry_policy', 'How does the bank\'s relay retry a failed hook delivery?', ['retry_delay = 90s'], [
      U('About deliveries that fail. Our relay already retries on its own, this is its config:\n\n[webhook]\nendpoint = /hooks/brackenforge\nretries = 5\nretry_delay = 90s\n\nDo we also need your side to retry? I do not want double builds.'),
      A('No; if your relay acknowledges with 202 before it processes, our side never retries, so the relay\'s own settings are the only ones that apply.'),
    ]),
    F('no-force', 'preference', 'How does the release engineer want mistakes on shared branches undone?', ['revert commits instead of force-pushes'], [
      U('Policy question. On shared branches I want revert commits instead of force-pushes, always. The auditors need to see that a change happened and was undone, and force-pushes break everybody\'s clones. Can the platform enforce that?'),
      A('Yes, with branch protection; git revert then is the only way back. The manual on reverting merges is worth reading:'),
    ]),
    F('sdk-sub', 'deleted_module', 'Which submodule did the mobile team drop?', ['legacy-ios-sdk submodule'], [
      U('We removed the legacy-ios-sdk submodule on Monday; the SDK comes from the package manager now. Some clones show an untracked folder.'),
      A('That folder is the old checkout; it can be deleted, and git clean -ffd removes it if it holds a nested repository.'),
    ]),
    F('seats', 'max_amount', 'How many user seats does the bank\'s plan have now?', ['65 seats'], [
      U('We have 40 seats on the plan at the moment, correct?'),
      A('Correct.'),
      U('Procurement signed the extension after the consultants joined. We should now have 65 seats in total, can you check it is applied?', { gap: 'far' }),
      A('Yes, the larger plan is active and the seat count is updated.'),
    ], { old: ['40 seats'] }),
    F('pick-error', 'error_seen', 'What did git print when the backport of the token fix failed?', ['could not apply 3f9c2e1'], [
      U('backport failed: error: could not apply 3f9c2e1... Fix token refresh race. hint: after resolving the conflicts, mark the corrected paths. is that the generated file again?'),
      A('Very likely the generated API client; resolve it by regenerating, then continue the pick:'),
    ]),
    F('mac-git', 'release_version', 'Which git version runs on the Mac signing agent?', ['2.44.0 (Homebrew)'], [
      A('Some of the blame options depend on the git version. What do your agents run?'),
      U('from our inventory:\n\n- lin-agent-01: git 2.39.2\n- mac-sign-01: git 2.44.0 (Homebrew)\n- win-agent-02: git 2.45.1.windows.1', { gap: 2 }),
      A('All recent enough for the ignore-revs file.'),
    ]),
    F('unsigned', 'feature_flag', 'Which workspace setting refuses backports without a signature?', ['block_unsigned_backports'], [
      A('Since backports go straight to release branches, I suggest enabling block_unsigned_backports on the workspace: a cherry-pick pushed to release/* without a valid signature is then refused. Should I enable it?'),
      U('yes please'),
    ]),
    F('freeze', 'time_of_day', 'At what time does the code freeze start on release days?', ['16:00 Oslo time'], [
      U('Scheduling: Dagny, our release manager, told me the code freeze starts at 16:00 Oslo time on release days, and she wants the merge button locked from then. Can the lock be scheduled?'),
      A('Yes, a scheduled lock can be set per branch with a timezone.'),
    ]),
    F('android', 'open_task', 'What is still left of the migration to Brackenforge?', ['move the Android repository'], [
      U('Reminder for later: we still have to move the Android repository, it is on the old server because of its size.'),
      A('When you are ready, send me its size; large imports run as a separate job.'),
    ]),
    F('tokens', 'rotation_interval', 'How often are the agents\' access tokens renewed?', ['three times a year', 'every four months'], [
      U('the agent tokens are renewed three times a year, by the security team. does a running build break when that happens?'),
      A('No, running jobs keep their session; renewing them every four months is safe while builds run.'),
    ]),
    F('access-owner', 'owner', 'Who handles permission requests at the bank?', ['Leopold'], [
      U('For your records: anything about access rights goes to Leopold in IT security. I can not grant them myself, so please do not send those requests to me.'),
      A('Noted; I will address permission questions to him.'),
    ]),
    F('repo-url', 'path_url', 'At which address is the mobile app reviewed?', ['brackenforge.example/nordvik/mobile-app'], [
      U('Our main repository is https://review.brackenforge.example/nordvik/mobile-app — the old links in the wiki still point to the previous host.'),
      A('The redirect from the old host keeps working for six months.'),
    ]),
  ],
};
