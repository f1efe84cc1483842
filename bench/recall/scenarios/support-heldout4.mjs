import { F, U, A } from './dsl.mjs';

export default {
  id: 'support-cinderhub',
  kind: 'support',
  split: 'heldout4',
  title: 'Support chat: a game studio\'s build engineer and the Cinderhub code-hosting support assistant (worktrees, bisecting, release tags, repository settings), with knowledge-base excerpts (git-worktree, git-bisect, git-tag, git-config manuals)',
  system: 'You are the support assistant of Cinderhub, a managed git hosting service for game studios (large repositories, self-hosted build runners). Be precise, quote the git documentation when it helps, and never ask for private keys or tokens.',
  opening: 'Hi! I do builds and tooling at Emberfall Games. We moved our repositories to you last month and I have a long list of questions, some small, some not. Bear with me.',
  units: 205,
  pools: { kb: { files: ['support-heldout4.txt'], min: 250, max: 800 } },
  final: 'Thanks, this was really useful. Could you put together a short onboarding note for the two new build engineers, based on what we sorted out today?',
  facts: [
    F('big-files', 'technology', 'How will the studio keep its large art files under version control?', ['git-annex'], [
      A('For the textures and audio stems there are two ways on our platform. You can track those extensions with LFS, which is simple for everybody but keeps every version of every texture on our servers and on the runners\' caches. Or you use git-annex with our annex remote, which lets artists drop old versions locally and lets the runners fetch only what a build needs. It is more to learn, but with your asset churn I would pick the second.'),
      U('yes, the second'),
    ]),
    F('hook', 'file_created', 'What did the customer add to the template repository to stop oversized pushes?', ['hooks/pre-push-sizecheck'], [
      U('Small thing so you know it exists if someone complains: I added hooks/pre-push-sizecheck to our template repository. It refuses a push when a single file over the size threshold is committed as a normal blob.'),
      A('Good idea; client-side hooks are the friendliest place for that check. Server-side we also enforce a limit, but its message is less helpful.'),
    ]),
    F('api-limit', 'rate_limit', 'How many calls may the studio\'s automation make against the Cinderhub API?', ['5,000 requests per hour', '5000 requests per hour'], [
      U('Question about the API. Our release bot talks to your API a lot on release days, and last time it got throttled halfway through. Henrik from your sales team told us the allowance is 5,000 requests per hour per token. Is that right, and is it per token or per organisation?'),
      A('That is right: 5000 requests per hour, counted per token, not per organisation. Giving the release bot its own token keeps it out of the developers\' budget.'),
    ]),
    F('org-id', 'account_id', 'What is Emberfall\'s organisation identifier on Cinderhub?', ['CH-ORG-30917'], [
      A('To raise the storage limit I need to file an internal request with your organisation identifier. You find it under Settings → Organisation → Billing.'),
      U('hang on, I do not have admin rights, asking someone'),
      U('got it: CH-ORG-30917', { gap: 3 }),
    ]),
    F('runner', 'host', 'Which machine runs the studio\'s self-hosted build jobs now?', ['foxglove-runner2'], [
      U('Our self-hosted runner is the big Windows box called bluebell-ci, in case you see it in the logs.'),
      U('We had to replace the runner hardware, the old one kept overheating during shader compiles. The new machine is registered as foxglove-runner2 and already picked up jobs this morning. It has twice the RAM, so the parallel builds should stop failing.', { gap: 'far' }),
      A('I can see it online in your organisation, registered with the same labels. Nothing else needs changing.'),
    ], { old: ['bluebell-ci'] }),
    F('renewal', 'deadline', 'On what date does Emberfall\'s Cinderhub plan renew?', ['2nd of May', 'May 2nd'], [
      U('Budget question from our finance person. The plan renews on the 30th of April — sorry, no, not the 30th, I just checked the invoice and it renews on the 2nd of May. Any change to the plan should be done before that so we do not pay twice.'),
      A('Plan changes take effect immediately and are prorated, so there is no double charge either way, but doing it before the renewal keeps the invoice simple.'),
    ]),
    F('wt-func', 'function_added', 'What is the shell helper called that gives each ticket its own checkout?', ['new_ticket_worktree'], [
      U('I wrote a bash function new_ticket_worktree for the team: it takes a ticket number, creates a worktree under ~/wt/ with a branch named after the ticket and opens it in the editor. Is there anything in worktree handling that could bite us with that?'),
      A('Mainly stale entries: when someone deletes a worktree folder by hand, git keeps its administrative files until you prune. The manual explains it:'),
    ]),
    F('tags-rule', 'constraint', 'What rule applies to the studio\'s release tags once they exist?', ['never be moved or deleted'], [
      U('This one is important for us. The console platform holders certify a build by its tag, and their paperwork references the tag name and the commit. So once a release tag is pushed it must never be moved or deleted, not even if the build turns out broken. A broken build gets a new tag with a higher number.'),
      A('Understood. Then tag protection is worth enabling on the repository; I will explain the setting.'),
    ]),
    F('mirror-retry', 'retry_policy', 'What does the nightly mirror job do when the push to the backup remote fails?', ['four tries, ten minutes apart'], [
      A('Your nightly mirror to the backup remote occasionally fails when the remote is doing its own maintenance. My suggestion is to let the job make four tries, ten minutes apart, and only alert if the last attempt also fails. That removes almost all false alarms without hiding real outages.'),
      U('sounds good, do that'),
    ]),
    F('signing', 'preference', 'How does the build engineer want tags to be signed?', ['with SSH keys'], [
      U('About signing. We sign release tags, and I would like to do it with SSH keys rather than GPG. Everybody already has an SSH key registered with you, nobody understands GPG, and the key servers are a mess. Does git support that properly?'),
      A('Yes, since 2.34 git can sign with SSH; set gpg.format to ssh and point user.signingKey at the public key. The git-config manual has the details:'),
    ]),
    F('submodule', 'deleted_module', 'Which submodule did the studio take out of its main repository?', ['engine-vendor submodule'], [
      U('Also, we removed the engine-vendor submodule yesterday; the engine code is now vendored directly. Old clones show a dirty folder there now, what do people do?'),
      A('They can delete the leftover folder; git no longer tracks it. A `git submodule deinit` before pulling avoids it.'),
    ]),
    F('lfs-quota', 'max_amount', 'How much space for large files does Emberfall\'s plan include now?', ['750 GB'], [
      U('Our current plan has 250 GB of large-file storage, right?'),
      A('Correct for the Studio plan.'),
      U('Management approved the bigger tier after the last asset drop nearly filled us up. We switched this morning, so the large-file storage included should be 750 GB now. Can you check it shows correctly on your side?', { gap: 'far' }),
      A('Yes, the new tier is active on the organisation and the quota already reflects it.'),
    ], { old: ['250 GB'] }),
    F('wt-error', 'error_seen', 'What did git complain about when the release branch was checked out a second time?', ["already checked out at '/home/build/wt/hotfix'"], [
      U("trying to check out the release branch on the runner and git says: fatal: 'release/2.4' is already checked out at '/home/build/wt/hotfix'. what does that mean, the hotfix job finished hours ago"),
      A('A branch can only be checked out in one worktree at a time, and the hotfix job left its worktree registered. Remove or prune it and the checkout works:'),
    ]),
    F('win-git', 'release_version', 'Which git version is installed on the Windows build machine?', ['2.43.0.windows.1'], [
      A('Some of what I described depends on the git version. Which versions do your build machines have?'),
      U('here is the inventory:\n\n| machine | OS | git |\n|---|---|---|\n| mac-build-01 | macOS 14 | 2.39.3 (Apple Git-146) |\n| win-build-01 | Windows 11 | 2.43.0.windows.1 |\n| lin-build-01 | Ubuntu 22.04 | 2.34.1 |', { gap: 2 }),
      A('All of them support SSH signing and worktree pruning; only the Linux one is too old for some of the newer config options I mentioned.'),
    ]),
    F('tag-protection', 'feature_flag', 'Which repository setting will stop anyone from rewriting release tags?', ['protect_release_tags'], [
      A('Given your certification rule, I would turn on protect_release_tags for the game repository. With it, pushes that move or delete a tag matching release/* are refused for everyone, including admins, unless the setting is turned off first. Shall I switch it on?'),
      U('yes please'),
    ]),
    F('nightly-tag', 'time_of_day', 'At what time are the nightly builds tagged?', ['03:30 Helsinki time'], [
      U('One scheduling question. Aino, our producer, wants the nightly builds tagged at 03:30 Helsinki time, so the QA team in Manila has the build when they start. Does your scheduler use UTC, or can I give it a timezone?'),
      A('The scheduler accepts a timezone per job, so you can write the time as she gave it.'),
    ]),
    F('wiki', 'open_task', 'What is still left over from the move to Cinderhub?', ['migrate the design wiki'], [
      U('Note for later, not today: we still have to migrate the design wiki, it is still on the old host and the export is huge.'),
      A('When you are ready, send me the export size; wikis above a few GB go through a separate import job.'),
    ]),
    F('deploy-keys', 'rotation_interval', 'How often are the studio\'s deploy keys replaced?', ['every quarter', 'every three months'], [
      U('we swap the deploy keys every quarter, on the first Monday. does anything break if a key is replaced while a job is running?'),
      A('Running jobs keep their connection; only new fetches use the new key. So replacing the deploy keys every three months on a Monday morning is safe.'),
    ]),
    F('org-admin', 'owner', 'Who administers the Emberfall organisation on Cinderhub?', ['Mireille'], [
      A('Changing the runner registration token needs an organisation admin. Who is that on your side?'),
      U('I will have to ask, the person who set it up left'),
      U('It is Mireille from the tools team, she will do the token change this afternoon.', { gap: 2 }),
    ]),
    F('clone-url', 'path_url', 'What address do the runners clone the game repository from?', ['cinderhub.example:2222/emberfall/game.git'], [
      U('The runners clone from ssh://git@cinderhub.example:2222/emberfall/game.git — we use the non-standard port because the office firewall blocks 22. Is that fine for the annex remote too?'),
      A('Yes; the annex remote follows the same SSH remote, port included.'),
    ]),
  ],
};
