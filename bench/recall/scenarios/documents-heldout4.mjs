import { F, U, A } from './dsl.mjs';

export default {
  id: 'documents-thistledown',
  kind: 'documents',
  split: 'heldout4',
  title: 'A conversation mostly made of pasted documents: the Node.js child_process and zlib reference, read while designing the thistledown build runner',
  system: 'You are a senior Node.js engineer helping design "thistledown", a build runner that starts compilers and packagers as child processes and compresses the artifacts they produce. The user pastes reference documentation; answer briefly and keep track of design decisions.',
  opening: 'I will paste the child_process docs bit by bit (zlib after that) while we design the thistledown runner. Tell me when something matters for us; short answers otherwise.',
  units: 180,
  pools: { doc: { files: ['docs-heldout4.txt'], min: 500, max: 1700 } },
  final: 'Let us write the design doc section "Running tools and collecting artifacts", based on what we read and agreed.',
  facts: [
    F('pool', 'technology', 'What will thistledown use to run the CPU-heavy packaging work off the main thread?', ['piscina'], [
      A('For the packaging steps that hash and compress in JavaScript, we should not block the event loop that supervises the children. We could hand-roll a pool on worker_threads, or use piscina, which already handles queueing, cancellation and worker recycling. I would take piscina and keep our code to the task functions.'),
      U('ok'),
    ]),
    F('adr', 'file_created', 'In which file is the decision about the process model recorded?', ['0007-process-model.md'], [
      U('I wrote the process model decision down as docs/adr/0007-process-model.md, with the spawn-versus-exec discussion from yesterday. Link it from the design doc when we get there.'),
    ]),
    F('upload-limit', 'rate_limit', 'How quickly may thistledown push artifacts to the artifact store?', ['40 uploads per minute'], [
      U('One external limit to keep in mind while we read. Farid, who runs the artifact store, said it accepts 40 uploads per minute per project, and anything above is rejected with 429 for the rest of the minute. A monorepo build produces a few hundred artifacts at the end. So the upload step needs its own queue.'),
      A('Understood; the upload step gets a token bucket, separate from the process pool.'),
    ]),
    F('store-account', 'account_id', 'Which storage account do the artifacts go to?', ['thd-artifacts-9081'], [
      A('For the upload configuration I need the artifact store account name. Do you have it?'),
      U('let me check the infra repo'),
      U('thd-artifacts-9081, same for staging and production, the buckets differ.', { gap: 2 }),
    ]),
    F('cache-host', 'host', 'Which server holds the shared build cache now?', ['curlew-cache-2'], [
      U('The shared build cache is on egret-cache, for the record.'),
      U('Infra news: the cache machine was replaced last night because of a failing disk, and the shared build cache now lives on curlew-cache-2. Same port, same protocol.', { gap: 'far' }),
      A('Then only the host name in the default configuration changes.'),
    ], { old: ['egret-cache'] }),
    F('prototype', 'deadline', 'By when must the thistledown prototype be ready?', ['30 October'], [
      U('The milestones, as agreed with the platform team:\n\n| milestone | date | scope |\n|---|---|---|\n| design doc | 9 October | process model, artifacts |\n| prototype | 30 October | one repository, Linux only |\n| beta | 4 December | all repositories, Windows too |'),
      A('That is tight for the prototype but doable if we leave Windows out as planned.'),
    ]),
    F('kill-tree', 'function_added', 'Which helper ends a tool together with everything it started?', ['killProcessTree'], [
      A('Reading this part: killing a child only signals that one process, and compilers start their own helpers that survive. I would add a helper, killProcessTree, that starts children detached in their own process group and signals the whole group on timeout. Shall I put it in the design?'),
      U('sure'),
    ]),
    F('no-shell', 'constraint', 'What is forbidden when thistledown launches a tool?', ['never started with shell: true'], [
      U('A security rule before we go further. Paths in our builds come from user repositories, and some of them contain spaces, quotes and worse. So tools are never started with shell: true, and never through exec with a built command string. Arguments always go as an array.'),
      A('Agreed; that rules out exec for us and leaves spawn and execFile with argument arrays.'),
    ]),
    F('segfault', 'retry_policy', 'What happens when a compiler crashes with a segmentation fault?', ['rerun it once', 'one retry on a segfault'], [
      U('if a compiler dies with SIGSEGV, rerun it once, and if it crashes again, fail the build'),
      A('So one retry on a segfault, then the build fails with the signal in the message. We can read it from the exit event.'),
    ]),
    F('modules', 'preference', 'Which module format does the user want the runner written in?', ['ESM only'], [
      U('A style choice for the code base. I want it ESM only, no CommonJS files and no dual build, because the runner is an application and not a library. If a dependency only ships CommonJS we import it through createRequire in one place.'),
    ]),
    F('shelljs', 'deleted_module', 'Which dependency was removed from the runner?', ['shelljs'], [
      U('FYI I removed shelljs from the dependencies this morning, the two places that used it now call spawn directly.'),
      A('Good, one dependency less that runs commands through a shell.'),
    ]),
    F('artifact-size', 'max_amount', 'What is the biggest artifact the runner will accept?', ['1,536 MB', '1536 MB'], [
      U('Artifacts above 512 MB are rejected by the runner, that is the store\'s limit.'),
      U('The store team raised the per-object limit for the game assets: the runner may accept artifacts up to 1,536 MB now. Anything bigger still fails the build.', { gap: 'far' }),
      A('Then I will stream artifacts through zlib instead of buffering them; at that size buffering is not an option.'),
    ], { old: ['512 MB'] }),
    F('enoent', 'error_seen', 'What error did the first Windows test run show?', ['spawn cl.exe ENOENT'], [
      U('first try on the Windows box: Error: spawn cl.exe ENOENT. it is installed, I can run it from the developer prompt'),
      A('The developer prompt sets PATH for the compiler; our child inherits the normal environment. We should resolve the toolchain environment once and pass it explicitly.'),
    ]),
    F('node-version', 'release_version', 'Which Node.js release does thistledown target?', ['Node 20.11'], [
      U('For the engines field: we target Node 20.11, not 18 — 18 leaves support before our beta, and the platform team already runs 20 everywhere.'),
      A('Then we can also rely on the newer AbortSignal helpers without checks.'),
    ]),
    F('keep-workdirs', 'feature_flag', 'Which option keeps the working directories of failed steps for inspection?', ['keepFailedWorkdirs'], [
      A('Debugging failed steps is painful when the temporary directory is gone. I would add an option, keepFailedWorkdirs, that leaves the working directory of a failed step in place and prints its path; successful steps are cleaned up as before. Off in CI, on locally. Want that?'),
      U('yes do that'),
    ]),
    F('purge', 'time_of_day', 'At what time is the shared cache purged?', ['04:30 UTC'], [
      U('The cache purge runs at 02:00 UTC every night.'),
      U('Change from infra: the purge collided with the nightly builds in Asia, so it now runs at 04:30 UTC.', { gap: 'far' }),
      A('Noted; the runner will retry cache reads once if the cache answers with a purge-in-progress status.'),
    ], { old: ['02:00 UTC'] }),
    F('job-objects', 'open_task', 'What is still missing in the Windows support?', ['Windows job objects'], [
      U('Open item for the doc: Windows job objects. Process groups do not exist there, so the tree-killing helper needs another mechanism on Windows and nobody has looked at it yet.'),
      A('Added to the open questions section.'),
    ], { after: 'kill-tree' }),
    F('signing-cert', 'rotation_interval', 'How often is the certificate that signs the artifacts replaced?', ['every 6 weeks'], [
      U('Security rotates the artifact signing certificate every 6 weeks, so the runner must fetch the current one at start-up and never bake it into the image.'),
    ]),
    F('win-owner', 'owner', 'Who looks after the Windows build machines?', ['Olusegun'], [
      A('Whoever runs the Windows build machines should review the toolchain part of the design. Do you know who that is?'),
      U('no idea, will ask around'),
      U('Farid mentioned that Olusegun owns the Windows runners, so anything about toolchain setup there goes through him.', { gap: 2 }),
    ]),
    F('rfc', 'path_url', 'Where is the process model RFC published?', ['wiki.thistledown.example/rfc/process-model'], [
      U('The RFC for the process model is at https://wiki.thistledown.example/rfc/process-model if the reviewers ask.'),
    ]),
  ],
};
