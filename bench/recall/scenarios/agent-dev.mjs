import { F, U, A, CALL } from './dsl.mjs';

const SCRIPT = `#!/bin/sh
# nightly archive of the build box before decommissioning
set -eu
. /etc/default/nightly-archive
tar --create --file=- --exclude-caches /srv/builds /etc /home | archive_upload
`;

export default {
  id: 'agent-buildbox',
  kind: 'agent',
  split: 'dev',
  title: 'Long agent run: inventory and backup setup of a legacy build server, with hundreds of tool results (man pages, configs, sources)',
  system: 'You are an autonomous operations agent with shell access to the build server "buildbox-legacy". Work through the checklist, call tools, and report briefly.',
  opening: 'Task: before we decommission buildbox-legacy, inventory what is on it, read up on the archiving tools available, and set up a nightly archive job. Work autonomously; I will drop in with details as I remember them.',
  units: 295,
  pools: { out: { files: ['agent-dev.txt'], min: 150, max: 520 } },
  final: 'Good. Now write a short summary of the current state for the handover note, then stop.',
  facts: [
    F('backup-target', 'host', 'Which host is the backup target?', ['nas-archive-02.lan'], [
      U('The archive should land on nas-archive-02.lan, not on the old NAS — that one is full.'),
      A('Using nas-archive-02.lan as the target.'),
    ]),
    F('backup-tool', 'technology', 'Which backup tool did we choose?', ['restic'], [
      A('For the nightly job I would use restic rather than plain tar over ssh: deduplication and encryption come for free. OK?'),
      U('fine, use restic'),
    ]),
    F('script', 'file_created', 'Which script did the agent create for the nightly job?', ['nightly-archive.sh'], [
      CALL('write_file', { path: '/usr/local/sbin/nightly-archive.sh', content: SCRIPT, mode: '0755' }, `wrote ${SCRIPT.length} bytes to /usr/local/sbin/nightly-archive.sh`),
      A('Created /usr/local/sbin/nightly-archive.sh; it streams one tarball of /srv/builds, /etc and /home to the upload step.'),
    ]),
    F('space-fn', 'function_added', 'Which function does the nightly script run first?', ['check_free_space'], [
      U('Make sure the script refuses to run when /srv is almost full.'),
      CALL('edit_file', { path: '/usr/local/sbin/nightly-archive.sh', after_line: 4, insert: 'check_free_space() {\n  avail=$(df --output=avail -k /srv | tail -n 1)\n  [ "$avail" -gt 20971520 ] || { echo "not enough space" >&2; exit 1; }\n}\ncheck_free_space\n' }, 'inserted 5 lines after line 4'),
      A('Added check_free_space(); it runs before anything else and exits when less than 20 GB are free.'),
    ], { after: 'script' }),
    F('bwlimit', 'rate_limit', 'How fast may the NAS be written to?', ['40 MB/s'], [
      U('The NAS chokes above 40 MB/s, so throttle the upload to that.'),
    ]),
    F('storage-account', 'account_id', 'What is the id of the offsite storage account?', ['sa_98f3c2e1'], [
      U('Offsite copy goes to the storage account sa_98f3c2e1, credentials are already in /root/.config.'),
    ]),
    F('decommission', 'deadline', 'When is the box decommissioned?', ['31 March', 'March 31'], [
      A('Is there a hard date for switching the box off? It changes how much I test the restore.'),
      U('It gets switched off on 31 March, no extension possible.', { gap: 3 }),
    ]),
    F('ledger-hold', 'constraint', 'Which directory must not be touched?', ['/srv/ledger'], [
      U('Important: do not touch /srv/ledger at all — not even read it into the archive. It is under legal hold and handled separately.'),
      A('Understood, /srv/ledger is excluded from every command and from the archive list.'),
    ]),
    F('upload-retry', 'retry_policy', 'How does the nightly job retry a failed upload?', ['waiting 5 minutes between tries'], [
      A('If the upload fails, the job will retry up to 3 times, waiting 5 minutes between tries, and then exit non-zero so the monitoring sees it.'),
    ]),
    F('long-opts', 'preference', 'How should options be written in scripts?', ['long options'], [
      U('Style thing: in scripts always use long options (--create, not -c). Future me has to read this.'),
    ]),
    F('old-cron', 'deleted_module', 'Which old cron job was removed?', ['old-rsync-mirror'], [
      CALL('run_shell', { command: 'rm -v /etc/cron.d/old-rsync-mirror' }, "removed '/etc/cron.d/old-rsync-mirror'"),
      A('Removed /etc/cron.d/old-rsync-mirror; it mirrored to a host that no longer resolves.'),
    ]),
    F('archive-cap', 'max_amount', 'What is the maximum size of the archive?', ['500 GB'], [
      U('Cap the archive at 350 GB, the NAS quota is tight.'),
      U('Update: the NAS quota was raised, so the archive may grow to 500 GB now.', { gap: 'far' }),
      A('Adjusted the size check to 500 GB.'),
    ], { old: ['350 GB'] }),
    F('rsync-error', 'error_seen', 'Which error did the test transfer report?', ['(code 23)'], [
      CALL('run_shell', { command: 'rsync -a --dry-run /srv/builds/ nas-archive-02:/tmp/probe/' }, 'rsync: [sender] send_files failed to open "/srv/builds/.cache/lock": Permission denied (13)\nrsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1338) [sender=3.2.7]'),
      A('The test transfer ended with rsync error code 23 — one lock file is unreadable. Harmless for the archive, but I will exclude the .cache directories.'),
    ]),
    F('nas-version', 'release_version', 'Which firmware version does the NAS run?', ['7.2.1-69057'], [
      U('The NAS runs DSM 7.2.1-69057, in case you need to check compatibility.'),
    ]),
    F('dry-run-flag', 'feature_flag', 'Which variable keeps the job in dry-run mode?', ['ARCHIVE_DRY_RUN'], [
      U('Keep ARCHIVE_DRY_RUN=1 set in the job until I explicitly tell you to go live.'),
      A('ARCHIVE_DRY_RUN=1 stays in the environment file for now.'),
    ]),
    F('job-time', 'time_of_day', 'At what time does the nightly job start?', ['01:40'], [
      U('Schedule it at 01:40, after the last build of the day has finished.'),
    ]),
    F('restore-test', 'open_task', 'What still has to be tested?', ['mail spool'], [
      U('Before we call this done we still need a restore test of the mail spool. Do not forget it.'),
    ]),
    F('snapshots', 'rotation_interval', 'How many snapshots are kept?', ['14 daily'], [
      A('For retention I suggest keeping 14 daily snapshots and 8 weekly ones; older ones are pruned after each run.'),
      U('ok'),
    ]),
    F('nas-owner', 'owner', 'Who owns the NAS?', ['Hamid'], [
      U('If anything about the NAS is unclear, ask Hamid, he owns it.'),
    ]),
    F('log-dir', 'path_url', 'Where does the nightly job write its logs?', ['/var/log/archivist'], [
      U('Logs of the job go to /var/log/archivist/, one file per night.'),
    ]),
  ],
};
