import { F, U, A } from './dsl.mjs';

export default {
  id: 'documents-driftwood',
  kind: 'documents',
  split: 'dev',
  title: 'A conversation mostly made of pasted documents: the Node.js fs and url reference, read while designing the driftwood file-sync client',
  system: 'You are a senior Node.js engineer helping design "driftwood", a file-sync client. The user pastes reference documentation; answer briefly and track the design decisions.',
  opening: 'I am going to paste the Node fs and url docs section by section while we design the sync client. Stop me when something matters for driftwood.',
  units: 178,
  pools: { doc: { files: ['docs-dev.txt'], min: 500, max: 1700 } },
  final: 'Let us write the README section "How syncing works" now, based on what we have read.',
  facts: [
    F('index-store', 'technology', 'What stores the sync index on the device?', ['LMDB'], [
      U('For the local sync index I want something embedded and crash-safe with fast reads. Let us use LMDB, I have had good experiences with it.'),
      A('LMDB works; the single-writer model matches our one-sync-loop design.'),
    ]),
    F('manifest', 'file_created', 'Which file did the user create for the manifest code?', ['src/sync/manifest.ts'], [
      U('I created src/sync/manifest.ts with the types for the file manifest, nothing else in it yet.'),
    ]),
    F('upload-rate', 'rate_limit', 'How many files per second does the upload endpoint accept?', ['12 files per second'], [
      A('What is the upload endpoint’s limit per device? The batching depends on it.'),
      U('The backend accepts at most 12 files per second per device, they told me today.', { gap: 3 }),
    ]),
    F('tenant', 'account_id', "What is the Halvorsen tenant's id?", ['tn_4Q8ZK2'], [
      U('The first pilot customer is Halvorsen; their tenant id is tn_4Q8ZK2, use it in the staging configs.'),
    ]),
    F('relay', 'host', 'Where does the relay run?', ['relay-eu.driftwood.app'], [
      U('The relay runs on relay-eu.driftwood.app for now, US comes later.'),
    ]),
    F('beta-date', 'deadline', 'When must the beta be out?', ['9th of May', 'May 9', '9 May'], [
      U('The beta has to be out before the 9th of May, that is when Halvorsen starts their migration.'),
    ]),
    F('conflict-fn', 'function_added', 'Which function was added for conflicts?', ['resolveConflict'], [
      U('I added resolveConflict() to the sync loop: newer mtime wins, the loser is kept as a "conflicted copy".'),
      A('That is the usual approach. Make resolveConflict() deterministic when the mtimes are equal, e.g. by comparing device ids.'),
    ]),
    F('symlinks', 'constraint', 'What must the client never do with symlinks?', ['outside the sync root'], [
      U('Hard rule: we never follow a symlink that points outside the sync root. People have symlinks to their whole home directory.'),
      A('Agreed. We resolve every link with realpath and refuse it if the result is outside the sync root.'),
    ]),
    F('retry', 'retry_policy', 'How does the client retry a failed upload?', ['6 tries', 'six tries'], [
      A('For failed uploads: back off 1 s, 2 s, 4 s and so on, at most 6 tries, then mark the file as stuck and move on. Sound right?'),
      U('yes, that is good'),
    ]),
    F('pkg-manager', 'preference', 'Which package manager does the user want?', ['pnpm'], [
      U('Please write all commands for pnpm, not npm — the repo uses pnpm workspaces.'),
    ]),
    F('old-watcher', 'deleted_module', 'Which package did we delete?', ['legacy-watcher'], [
      U('I deleted the legacy-watcher package from the monorepo, the new loop replaces it.'),
    ]),
    F('size-cap', 'max_amount', 'What is the largest file the client syncs?', ['1.2 GB'], [
      U('For now files over 750 MB are skipped, the backend cannot take more.'),
      U('Backend deployed the chunked upload: we can raise the cap to 1.2 GB per file.', { gap: 'far' }),
      A('OK, 1.2 GB; I would still stream those files instead of reading them into memory.'),
    ], { old: ['750 MB'] }),
    F('cursor-error', 'error_seen', 'Which error did the sync loop hit?', ['ERR_SYNC_CURSOR_STALE'], [
      U('The test run ended with ERR_SYNC_CURSOR_STALE after the laptop woke up from sleep.'),
      A('That happens when the server compacted past our cursor; the client has to fall back to a full listing when it sees ERR_SYNC_CURSOR_STALE.'),
    ]),
    F('version', 'release_version', 'Which version will the beta be?', ['2.3.0-beta.2'], [
      U('We publish the beta as 2.3.0-beta.2, beta.1 was internal only.'),
    ]),
    F('case-flag', 'feature_flag', 'Which flag turns on case folding?', ['DRIFTWOOD_CASE_FOLD'], [
      U('Case-insensitive matching stays behind DRIFTWOOD_CASE_FOLD until we have tests on macOS and Windows.'),
    ]),
    F('compaction', 'time_of_day', 'When does the relay compact?', ['03:20'], [
      A('When does the relay run its compaction? Clients should avoid syncing then.'),
      U('At 03:20 UTC every night.'),
    ]),
    F('nfd-task', 'open_task', 'Which tests still need writing?', ['NFD'], [
      U('Still to do: tests for NFC vs NFD file names on macOS. I keep postponing it.'),
    ]),
    F('token-rotation', 'rotation_interval', 'How often do device tokens rotate?', ['12 hours'], [
      U('Device tokens rotate every 12 hours; the client must refresh before they expire.'),
      A('Then the refresh should run at around 10 hours, with a jitter so not all devices hit the server at once.'),
    ]),
    F('relay-owner', 'owner', 'Who owns the relay?', ['Aiko'], [
      U('Aiko owns the relay, ask her about anything on the server side.'),
    ]),
    F('spec-url', 'path_url', 'Where is the conflict spec?', ['docs.driftwood.app/spec/v2/conflicts'], [
      U('The conflict spec is at https://docs.driftwood.app/spec/v2/conflicts — please read it before we change resolveConflict again.'),
    ], { after: 'conflict-fn' }),
  ],
};
