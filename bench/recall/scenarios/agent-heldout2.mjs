import { F, U, A, CALL } from './dsl.mjs';

const TMPFILES = `# Scratch area cleanup (created by the ops agent)
# type path              mode user              group age
d      /srv/scratch       2775 -                 render 21d
x      /srv/scratch/legal-hold
`;
const PURGE = `#!/bin/sh
set -eu
skip_open_files() {
  # prints the candidates that no process holds open
  while read -r f; do fuser -s "$f" 2>/dev/null || printf '%s\\n' "$f"; done
}
find /srv/scratch -xdev -type f -mtime +21 | skip_open_files | xargs -r rm -f --
`;

export default {
  id: 'agent-millrace',
  kind: 'agent',
  split: 'heldout2',
  title: 'Long agent run: auditing disk usage on a render-farm file server and setting up scratch cleanup, with hundreds of tool results (man pages, configs, sources)',
  system: 'You are an operations agent with shell access to "mill-03", the file server of a small animation studio\'s render farm. Work through the task with tools, report briefly, and ask before deleting anything.',
  opening: 'Task for today: /srv on mill-03 is at 94 %. Work out what is eating the space, read up on the tools you need, and set up an automatic cleanup of the scratch area so this stops happening. I will be in and out; I will add details as they come up.',
  units: 290,
  pools: { out: { files: ['agent-heldout2.txt'], min: 150, max: 520 } },
  final: 'Thanks. Write the handover note for the on-call channel: what you found, what you changed, and what is still open. Then stop.',
  facts: [
    F('offload-host', 'host', 'To which machine should old renders be moved instead of deleted?', ['pebble'], [
      U('Before you delete finished renders: anything older than a month that is not scratch goes to pebble instead, that is the archive box in the basement. It has plenty of room. Scratch can just go.'),
      A('Understood — finished renders are moved to pebble, only scratch is deleted.'),
    ]),
    F('cleanup-tool', 'technology', 'Which mechanism was chosen for the scratch cleanup?', ['systemd-tmpfiles'], [
      A('For the cleanup itself I would rather not write another find loop in cron. The distribution already ships systemd-tmpfiles, which can age out files in a directory, exclude subtrees, and runs from a timer we can inspect with systemctl. It also documents itself in one config line. OK to use that?'),
      U('yes fine'),
    ]),
    F('tmpfiles-conf', 'file_created', 'Which config file did the agent create for the cleanup?', ['scratch-cleanup.conf'], [
      CALL('write_file', { path: '/etc/tmpfiles.d/scratch-cleanup.conf', content: TMPFILES }, `wrote ${TMPFILES.length} bytes to /etc/tmpfiles.d/scratch-cleanup.conf`),
      A('Created /etc/tmpfiles.d/scratch-cleanup.conf: files in /srv/scratch older than 21 days are removed, the excluded subtree is left alone.'),
    ], { after: 'cleanup-tool' }),
    F('open-files', 'function_added', 'Which function makes the purge script leave files that are in use?', ['skip_open_files'], [
      U('careful, some render jobs keep files open for days. do not delete anything a process still has open'),
      CALL('write_file', { path: '/usr/local/sbin/scratch-purge-now', content: PURGE, mode: '0755' }, `wrote ${PURGE.length} bytes to /usr/local/sbin/scratch-purge-now`),
      A('The manual purge script now pipes the candidates through skip_open_files(), which drops every file fuser reports as open.'),
    ]),
    F('nfs-rate', 'rate_limit', 'How fast may data be copied over to the archive box?', ['twenty megabytes a second'], [
      U('When you copy to the archive box, keep it slow. The link is shared with the render nodes and they pull textures over it all day. Twenty megabytes a second is the ceiling the network folks gave me, anything above and the artists complain within minutes.'),
      A('I will pass --bwlimit to rsync accordingly.'),
    ]),
    F('svc-account', 'account_id', 'Which account does the cleanup run as?', ['svc-scratchkeeper'], [
      A('Which account should own the cleanup? Running it as root works but I would prefer a dedicated user.'),
      U('there is already a service account for that, svc-scratchkeeper. use it', { gap: 2 }),
    ]),
    F('audit-date', 'deadline', 'By when must the server be cleaned up?', ['ninth of October'], [
      U('Some pressure from above, fyi. The insurance auditors arrive on the ninth of October and they look at backup and retention on exactly this machine. I would like /srv below seventy percent and the cleanup documented by then.'),
    ]),
    F('legal-hold', 'constraint', 'Which directory must never be cleaned up?', ['legal-hold'], [
      U('IMPORTANT, should have said this first: /srv/scratch/legal-hold is untouchable. It holds the footage for the lawsuit with the old client and our lawyer will kill me if a single file disappears. Whatever you set up has to exclude it explicitly, not by accident of age.'),
      A('Understood. It is excluded explicitly in the config and I will check the exclusion with a dry run before anything is enabled.'),
    ]),
    F('stale-nfs', 'retry_policy', 'What does the job do when the archive mount is stale?', ['remount once'], [
      A('One failure mode I saw in the logs: the archive mount goes stale after the archive box reboots. I would have the job remount once, wait thirty seconds, and if the mount still does not answer, give up for the night and send an alert instead of retrying in a loop.'),
      U('sounds right'),
    ]),
    F('show-first', 'preference', 'How does the user want deletions handled?', ['list before anything is deleted'], [
      U('General preference for this whole exercise: I would rather see a list before anything is deleted, even if it slows us down. Print it, summarise it by directory, then wait for my ok.'),
    ]),
    F('old-purge', 'deleted_module', 'Which old cron script was removed?', ['scratch-purge'], [
      CALL('run_shell', { command: 'cat /etc/cron.daily/scratch-purge; ls -l /etc/cron.daily/' }, '#!/bin/sh\n# purge scratch (TODO: fix path after migration)\nfind /mnt/oldscratch -mtime +30 -delete\n\ntotal 12\n-rwxr-xr-x 1 root root 1478 Jan 31  2023 apt-compat\n-rwxr-xr-x 1 root root  123 Mar 12  2023 dpkg\n-rwxr-xr-x 1 root root   91 Jun  2  2021 scratch-purge'),
      A('The old daily cron job points at a path that has not existed since the migration, so it never cleaned anything. May I remove it?'),
      U('yes remove it'),
      CALL('run_shell', { command: 'rm /etc/cron.daily/scratch-purge' }, ''),
    ]),
    F('night-cap', 'max_amount', 'How much may be deleted per night?', ['eight hundred gigabytes'], [
      U('Limit the damage if something goes wrong: at most three hundred gigabytes deleted per night, the job should stop when it reaches that.'),
      U('Spoke to Yusuf from storage. Snapshots make deletes cheap to undo for a week, so he is fine with eight hundred gigabytes a night. Please change the cap.', { gap: 'far' }),
      A('Changed the nightly cap accordingly.'),
    ], { old: ['three hundred gigabytes'] }),
    F('busy', 'error_seen', 'Which error did rm report during the trial purge?', ['Device or resource busy'], [
      CALL('run_shell', { command: '/usr/local/sbin/scratch-purge-now --limit 20 2>&1 | tail -n 3' }, "removed 17 files\nrm: cannot remove '/srv/scratch/render-77/.nfs0000000001a2b3c4': Device or resource busy\nexit status 1"),
      A('The trial purge removed 17 files and hit one leftover NFS placeholder that a client still holds; that is harmless and will disappear when the client lets go.'),
    ]),
    F('renderer-version', 'release_version', 'Which renderer version do the farm nodes run?', ['3.6.5'], [
      U('If it matters for the cache cleanup: the farm nodes all run blender 3.6.5, nobody is on the 4.x line yet.'),
    ]),
    F('hold-flag', 'feature_flag', 'Which setting makes the cleanup respect the legal hold?', ['honor_legal_hold'], [
      A('To make the exclusion visible beyond the config file, I also added a switch to the manual purge script, honor_legal_hold, which is on by default and makes the script refuse to run if that exclusion is missing from the tmpfiles config.'),
      U('ok good'),
    ], { after: 'legal-hold' }),
    F('cleanup-time', 'time_of_day', 'At what time does the nightly cleanup run?', ['ten to three'], [
      U('Schedule it for ten to three in the morning. The last renders finish around two and the backup starts at four, so that is the quiet window.'),
      A('Set the timer accordingly.'),
    ]),
    F('sim-cache', 'open_task', 'What is still waiting for the render team?', ['sim-cache'], [
      A('Open item: /srv/scratch/sim-cache holds 1.9 TB of simulation caches from June. I have not touched it; the render team still has to confirm whether they can go.'),
    ]),
    F('log-rotation', 'rotation_interval', 'How often is the deletion log rotated?', ['every Sunday'], [
      U('The deletion log should be kept, the auditors like that. Rotate it every Sunday and keep about a quarter of history.'),
      A('Configured: rotated weekly on Sundays, thirteen files kept.'),
    ]),
    F('scratch-owner', 'owner', "Whose team does the scratch area belong to?", ['Noor'], [
      U('For the handover: the scratch area belongs to Noor\'s team (lighting and comp). Questions about what can go, go to her, not to me.'),
    ]),
    F('usage-report', 'path_url', 'Where is the usage report published?', ['reports/scratch-usage'], [
      CALL('run_shell', { command: 'du -sh /srv/* | sort -h > /tmp/usage.txt && publish-report /tmp/usage.txt' }, 'published: https://ops.millrace.example/reports/scratch-usage (updated hourly)'),
      A('The usage report is published at https://ops.millrace.example/reports/scratch-usage and updates every hour.'),
    ]),
  ],
};
