import { F, U, A } from './dsl.mjs';

export default {
  id: 'support-forgeyard',
  kind: 'support',
  split: 'heldout',
  title: 'Support chat: a game studio and the Forgeyard git hosting support assistant, with knowledge-base excerpts (git push/fetch/clone, wget manuals)',
  system: 'You are Forgeyard’s support assistant (git hosting for teams). Be friendly and exact; quote the git documentation where useful.',
  opening: 'Hello, Rafael here from Hollow Pine Games. Our pushes keep failing since the art team started committing the new level assets, and CI clones are slow. Can you help?',
  units: 200,
  pools: { kb: { files: ['support-heldout.txt'], min: 250, max: 800 } },
  final: 'Could you summarise what we should change in our CI configuration, as a numbered list I can paste into our wiki?',
  facts: [
    F('org-id', 'account_id', "What is the customer's organisation id?", ['FY-ORG-330917'], [
      U('Our organisation id is FY-ORG-330917, in case you need it.'),
      A('Thanks, I found your organisation.'),
    ]),
    F('mirror', 'host', 'Which mirror host should their CI use?', ['git-mirror-ams-4.forgeyard.com'], [
      A('For CI in Europe, point your clones at git-mirror-ams-4.forgeyard.com; it is read-only but much closer to your runners.'),
      U('Switched the runners to the ams-4 mirror, clones are twice as fast already.'),
    ]),
    F('clone-rate', 'rate_limit', 'How many clones per minute does Forgeyard allow per IP?', ['45 clones per minute'], [
      U('Sometimes CI gets "429 Too Many Requests" when 20 jobs start at once. What is the limit?'),
      A('Anonymous and token clones are limited to 45 clones per minute per IP address. With 20 parallel jobs plus retries you can cross that.'),
    ]),
    F('http413', 'error_seen', 'What error did the pushes fail with?', ['HTTP 413'], [
      U('The push error is: "error: RPC failed; HTTP 413 curl 22 The requested URL returned error: 413". Then it just hangs.'),
      A('HTTP 413 means the push was larger than your plan allows in one request; splitting it or moving the big files out of git will fix it.'),
    ]),
    F('push-cap', 'max_amount', 'What is the maximum push size on their plan?', ['10 GB'], [
      A('Your current plan accepts pushes of up to 5 GB in one go.'),
      U('We upgraded to the Studio plan this morning, does that change the push limit?', { gap: 'far' }),
      A('It does: on Studio a single push can be up to 10 GB.'),
    ], { old: ['5 GB'] }),
    F('lfs', 'technology', 'Where are the art assets moving to?', ['Git LFS'], [
      A('Long term, the .psd and .fbx files belong in Git LFS rather than in the normal history. Would that work for your artists?'),
      U('Yes, we will move the art assets to Git LFS over the next sprint.'),
    ]),
    F('milestone', 'deadline', 'When is the milestone build due?', ['19 January', 'January 19'], [
      A('Is there a deadline I should know about, so I can prioritise the ticket?'),
      U('Our milestone build for the publisher is due on 19 January. If we cannot push by then we are in trouble.', { gap: 2 }),
    ]),
    F('escalation', 'owner', 'Who on the storage team took over the case?', ['Svetlana'], [
      A('I have escalated this to our storage team; Svetlana will look at the repository’s pack sizes directly.'),
    ]),
    F('language', 'preference', 'In which language does the customer prefer replies?', ['Portuguese'], [
      U('By the way, if it is easier for your team, replies in Portuguese are welcome — half of our studio is in Porto.'),
    ]),
    F('partial-clone', 'feature_flag', 'Which feature was enabled for the organisation?', ['partial_clone_filter'], [
      A('I enabled partial_clone_filter for your organisation, so CI can clone with --filter=blob:none and fetch big blobs only on demand.'),
      U('Great, trying it now.'),
    ]),
    F('ci-retry', 'retry_policy', 'How does their CI retry a failed fetch?', ['20-second pause'], [
      U('Our CI retries a failed fetch 4 times with a 20-second pause between attempts. Should we change that?'),
      A('That retry loop is reasonable; with the mirror it should rarely be needed.'),
    ]),
    F('no-force', 'constraint', 'Which branches must never be force-pushed?', ['release/*'], [
      U('Please make sure nobody at Forgeyard suggests force-pushing as a fix — we never force-push to the release/* branches, our build numbers depend on the history.'),
      A('Understood, no force pushes to release/*. I will also suggest branch protection so it cannot happen by accident.'),
    ]),
    F('engine', 'release_version', 'Which Unity version does the studio use?', ['2022.3.21f1'], [
      A('Which Unity version are you on? The LFS lock behaviour differs between versions.'),
      U('Unity 2022.3.21f1 on all machines.'),
    ]),
    F('nightly', 'time_of_day', 'When does the nightly build start?', ['22:45'], [
      U('Our nightly build kicks off at 22:45 CET, that is when most failures happen.'),
    ]),
    F('deploy-keys', 'open_task', 'What did support still have to confirm?', ['deploy keys'], [
      U('Can we revoke the old deploy keys from the contractor, or will that break something?'),
      A('Let me check which jobs still use those deploy keys before you revoke them; I will get back to you on that.'),
    ]),
    F('token-rotation', 'rotation_interval', 'How often do deploy tokens have to be rotated?', ['180 days'], [
      A('Note that organisation deploy tokens expire after 180 days on your plan; set a calendar reminder to rotate them.'),
    ]),
    F('repo', 'path_url', 'What is the repository path?', ['hollowpine/brambleheart'], [
      A('Which repository is affected? Please give me the full path.'),
      U('forgeyard.com/hollowpine/brambleheart — the main game repo.'),
    ]),
    F('size-check', 'file_created', 'Which script did the customer add to check push sizes?', ['prepush-size-check'], [
      U('I added tools/prepush-size-check.sh as a pre-push hook, it refuses pushes over 1 GB locally.'),
    ]),
    F('fmod', 'deleted_module', 'Which submodule did the customer remove?', ['fmod-old'], [
      U('We also removed the vendor/fmod-old submodule, it was 3 GB of history for a library we replaced.'),
      A('Good call, removing fmod-old makes every fresh clone a lot lighter.'),
    ]),
    F('shallow-fn', 'function_added', 'Which helper did the customer add to the build script?', ['shallow_since'], [
      U('Our build engineer added a shallow_since() helper to the build script so CI only fetches the last two weeks of history.'),
    ]),
  ],
};
