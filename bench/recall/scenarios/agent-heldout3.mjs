import { F, U, A, CALL } from './dsl.mjs';

const TIMER = `[Unit]
Description=Nightly tarball of the tile cache

[Timer]
OnCalendar=daily
RandomizedDelaySec=0
Persistent=true

[Install]
WantedBy=timers.target
`;
const SCRIPT = `#!/bin/sh
set -eu
. /etc/default/tile-backup   # BACKUP_HOST, BACKUP_DIR
DEST="backup@$BACKUP_HOST:$BACKUP_DIR"
prune_old_archives() {
  # keeps the newest tarballs until the share is under its quota
  ssh "\${DEST%%:*}" "ls -1t $BACKUP_DIR/*.tar.xz | tail -n +15 | xargs -r rm -f --"
}
tar -C /srv/tiles -cJf "/var/tmp/tiles-$(date +%F).tar.xz" --exclude=z19-tmp .
rsync --partial --bwlimit=5000 /var/tmp/tiles-*.tar.xz "$DEST/" && prune_old_archives
`;

export default {
  id: 'agent-ternmoss',
  kind: 'agent',
  split: 'heldout3',
  title: 'Long agent run: moving a map-tile cache to a new disk on a GIS server and setting up nightly backups, with hundreds of tool results (man pages for ip, ss, lsblk, mount and coreutils, configs, sources)',
  system: 'You are an operations agent with shell access to "tern-07", the map-tile server of a small geodata company. Work through the task with tools, report briefly, and ask before anything destructive.',
  opening: 'Task: the tile cache on tern-07 has outgrown its disk. A new volume is attached; move /srv/tiles onto it, mount it properly, and set up a nightly backup of the cache to the backup box. Read up on whatever you need. I will drop in with details when I have them.',
  units: 295,
  pools: { out: { files: ['agent-heldout3.txt'], min: 150, max: 520 } },
  final: 'Thanks. Write the handover note for the on-call channel: what you found, what you changed, what is still open. Then stop.',
  facts: [
    F('backup-box', 'host', 'Which machine receives the backup tarballs?', ['kittiwake-bk01'], [
      U('For the backup target: Lars set up a box for it last year, the one in the second rack. I need to look up its name, give me a minute.'),
      U('it is kittiwake-bk01, user "backup", key already installed', { gap: 2 }),
      CALL('run_shell', { command: 'ssh -o BatchMode=yes backup@kittiwake-bk01 df -h /backups' }, 'Filesystem      Size  Used Avail Use% Mounted on\n/dev/md0        7.3T  2.1T  5.2T  29% /backups'),
    ]),
    F('filesystem', 'technology', 'Which filesystem was chosen for the new tile volume?', ['xfs'], [
      A('Before I format the new disk: the cache is about forty million small files and keeps growing. ext4 would need its inode count raised at mkfs time; xfs allocates inodes dynamically and copes better with directories of that size. I would go with the second. OK?'),
      U('go ahead'),
      CALL('run_shell', { command: 'mkfs.xfs -L tiles /dev/vdc1' }, 'meta-data=/dev/vdc1              isize=512    agcount=4, agsize=65536000 blks\ndata     =                       bsize=4096   blocks=262144000, imaxpct=25\nnaming   =version 2              bsize=4096   ascii-ci=0, ftype=1'),
    ]),
    F('timer', 'file_created', 'What did the agent create to trigger the archive job every night?', ['tile-backup.timer'], [
      CALL('write_file', { path: '/etc/systemd/system/tile-backup.timer', content: TIMER }, `wrote ${TIMER.length} bytes to /etc/systemd/system/tile-backup.timer`),
      CALL('run_shell', { command: 'systemctl daemon-reload && systemctl enable --now tile-backup.timer' }, 'Created symlink /etc/systemd/system/timers.target.wants/tile-backup.timer → /etc/systemd/system/tile-backup.timer.'),
    ], { after: 'backup-box' }),
    F('prune', 'function_added', 'Which shell function in the backup script deletes outdated tarballs?', ['prune_old_archives'], [
      CALL('write_file', { path: '/usr/local/sbin/tile-backup', content: SCRIPT, mode: '0755' }, `wrote ${SCRIPT.length} bytes to /usr/local/sbin/tile-backup`),
      A('The backup script is in place; old archives on the backup box are removed by a function at the end, only after a successful transfer.'),
    ], { after: 'backup-box' }),
    F('bandwidth', 'rate_limit', 'What bandwidth cap applies when sending backups off the VM?', ['40 Mbit/s'], [
      U('One thing about the network, since you will be pushing a lot of data. The uplink from this VM is metered by the hosting company and shared with the tile requests of the field teams. Keep the backup transfers under 40 Mbit/s, otherwise the maps get slow out in the field and I get phone calls. The night is no exception, some teams work in other time zones.'),
      A('Understood; rsync gets a bandwidth limit of 5000 KB/s, which stays just under that.'),
    ]),
    F('billing', 'account_id', 'Under which billing project does the VM run?', ['geo-prj-6613'], [
      CALL('run_shell', { command: 'cat /etc/tern/billing.env' }, '# set by the provisioning script, do not edit\nBILLING_PROJECT=geo-prj-6613\nCOST_CENTRE=field-ops\nPROVISIONED=2022-03-14'),
      A('The VM is billed to the project in /etc/tern/billing.env; I will quote it in the handover so the volume cost lands in the same place.'),
    ]),
    F('old-disk', 'deadline', 'When will the old data disk stop being available?', ['1 December'], [
      U('Timing: the contract for the old disk runs out on 1 December, and the provider deletes it right after, no grace period. So the move has to be complete and checked well before that.'),
    ]),
    F('office-hours', 'constraint', 'When must the map server not be restarted?', ['during office hours'], [
      U('Hard rule, and I mean it: the tile server must never be restarted during office hours. The field teams pull maps live on their tablets from eight to six, and a restart drops every session and the tablets do not reconnect by themselves. If something needs a restart, prepare it and I will schedule it for the evening.'),
      A('Understood. Anything that needs a restart goes on a list for you, and I will only reload what can be reloaded without dropping connections.'),
    ]),
    F('transfer-retry', 'retry_policy', 'How does the backup job handle a failed transfer?', ['three attempts, five minutes apart'], [
      A('For the transfer I would rely on rsync --partial so an interrupted upload resumes instead of starting over, and have the unit make three attempts, five minutes apart. If all three fail the tarball stays in /var/tmp and the job exits non-zero, which shows up in the monitoring.'),
      U('yes, sounds right'),
    ]),
    F('fstab-style', 'preference', 'How should the new disk be referred to in the mount table?', ['by UUID'], [
      U('When you put it in fstab, reference the volume by UUID and never as /dev/vdc1. That is a personal rule of mine. The device names on this hosting platform change after a reboot if they attach another volume, and I have been burned by that before.'),
    ]),
    F('old-cron', 'deleted_module', 'Which obsolete cron entry did the agent delete?', ['tiles-rsync-old'], [
      CALL('run_shell', { command: 'ls -l /etc/cron.d/ && cat /etc/cron.d/tiles-rsync-old' }, 'total 8\n-rw-r--r-- 1 root root 102 Feb  2  2023 e2scrub_all\n-rw-r--r-- 1 root root 188 May 17  2022 tiles-rsync-old\n# old sync to the retired NAS\n30 1 * * * root rsync -a /srv/tiles/ nas-old:/tiles/'),
      A('There is an old cron job still syncing the cache to a NAS that no longer exists; it fails every night. May I delete it?'),
      U('yes, delete it'),
      CALL('run_shell', { command: 'rm /etc/cron.d/tiles-rsync-old' }, ''),
    ]),
    F('quota', 'max_amount', 'How much space may the backups take up on the receiving box?', ['1.5 TB'], [
      U('Space on the backup box: we may use at most 600 GB there, the rest belongs to the accounting backups.'),
      U('Lars cleaned up the backup box this morning and gave us more room: our share is now 1.5 TB, so the script can keep more tarballs.', { gap: 'far' }),
      A('Adjusted the pruning so the archives stay below the new share.'),
    ], { old: ['600 GB'] }),
    F('superblock', 'error_seen', 'What did mount report when the agent first tried the new disk?', ['bad superblock on /dev/vdc1'], [
      CALL('run_shell', { command: 'mount /dev/vdc1 /mnt/newtiles' }, 'mount: /mnt/newtiles: wrong fs type, bad option, bad superblock on /dev/vdc1, missing codepage or helper program, or other error.\n       dmesg(1) may have more information after failed mount system call.'),
      A('The mount failed because the partition has no filesystem yet — the volume arrived blank. I will format it before retrying.'),
    ]),
    F('tileserver', 'release_version', 'Which version of the map server is installed on the VM?', ['4.7.3'], [
      CALL('run_shell', { command: 'tileserver-gl --version; systemctl is-active tileserver' }, 'tileserver-gl v4.7.3\nactive'),
    ]),
    F('verify', 'feature_flag', 'Which option makes the job check each tarball once it has been copied?', ['verify_after_upload'], [
      A('I can also make the backup job compare a checksum of each tarball on the backup box with the local one after the transfer. It adds a few minutes per night. I would put it behind an option, verify_after_upload, on by default, so it can be turned off if the window gets tight. Want that?'),
      U('ok'),
    ]),
    F('backup-time', 'time_of_day', 'At what time does the nightly backup run?', ['04:20'], [
      U('Schedule the backup for 02:10, that is when the tile requests are lowest.'),
      U('Change of schedule. The re-render of the base map now runs until about four, and tarring while it writes gives inconsistent archives. Move the backup to 04:20 please.', { gap: 'far' }),
      A('Moved the timer to the later slot and reloaded systemd.'),
    ], { old: ['02:10'] }),
    F('legacy-tiles', 'open_task', 'Which leftover tile directory still awaits a decision?', ['z19-legacy'], [
      A('Open item: /srv/tiles/z19-legacy holds about 800 GB of zoom-19 tiles from the old projection. Nothing has read them in months. I have copied them along but not included them in the backup; someone has to decide whether they can go.'),
    ]),
    F('cert', 'rotation_interval', "How often does the map server's certificate get renewed?", ['every eight weeks'], [
      U('fyi the TLS certificate of the tile server is renewed every eight weeks by the hosting panel, it restarts nothing, so ignore it if you see it change.'),
    ]),
    F('vm-owner', 'owner', 'Who is responsible for the tern-07 machine?', ['Henrike'], [
      U('For the handover: the VM belongs to Henrike, the GIS lead. Anything about what the cache must contain goes to her.'),
    ]),
    F('status-page', 'path_url', "Where can someone check whether last night's backup worked?", ['tern-07.internal:9105/backup-status'], [
      CALL('run_shell', { command: 'curl -s http://tern-07.internal:9105/backup-status | head -n 3' }, 'last_run=never\nlast_result=unknown\nnext_run=scheduled'),
      A('The exporter serves the backup status on http://tern-07.internal:9105/backup-status; monitoring can scrape it from there.'),
    ], { after: 'timer' }),
  ],
};
