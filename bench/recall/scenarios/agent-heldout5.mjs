import { F, U, A, CALL } from './dsl.mjs';

const SYNC_CONF = `# Gallowglass kiosk content sync — written by the migration agent
[source]
remote = rsync://media.gallowglass.example/exhibits
[transfer]
bwlimit = 40M
attempts = 4
wait_between = 300
[target]
dir = /srv/kiosk/content
`;
const PRUNE = `#!/bin/sh
# Moves superseded kiosk bundles aside; never deletes visitor data.
set -eu
CONTENT=/srv/kiosk/content
park_stale_bundles() {
  stamp=$(mktemp -d /srv/kiosk/parked.XXXXXX)
  find "$CONTENT" -maxdepth 1 -name '*.bundle' -mtime +30 -exec mv -t "$stamp" {} +
}
park_stale_bundles
`;

export default {
  id: 'agent-gallowglass',
  kind: 'agent',
  split: 'heldout5',
  title: 'Long agent run: moving a museum\'s exhibit-kiosk content sync to a new server (sync config, housekeeping script, kiosk checks), with hundreds of tool results (coreutils manuals, /etc files)',
  system: 'You are an operations agent with shell access to "gannet-03", the new content server of the Gallowglass museum, whose gallery kiosks show exhibit media. Work through the task with tools, report briefly, and ask before anything destructive.',
  opening: 'Task: move the kiosk content sync from the old server to gannet-03. It pulls the exhibit media from the collections team, prepares the bundles and serves them to the kiosks in the galleries. Set up the sync, its housekeeping and the checks. Read whatever docs you need; I will drop in with details.',
  units: 295,
  pools: { out: { files: ['agent-heldout5.txt'], min: 150, max: 520 } },
  final: 'Thanks. Write the handover note for the museum\'s IT rota: what you found, what you changed, what is still open. Then stop.',
  facts: [
    F('backup-box', 'host', 'Which machine receives the nightly copy of the kiosk bundles?', ['curlew-bak02'], [
      U('The bundles also get copied to the backup machine each night. I forget its name, let me check the network diagram.'),
      U('there: curlew-bak02, user "kiosk", same key as the old server', { gap: 2 }),
      CALL('run_shell', { command: 'ssh -o BatchMode=yes kiosk@curlew-bak02 df -h /backup' }, 'Filesystem      Size  Used Avail Use% Mounted on\n/dev/sdc1       7.3T  2.1T  5.2T  29% /backup'),
    ]),
    F('sync-tool', 'technology', 'What transfers the exhibit media to the new server?', ['rclone'], [
      A('For pulling the media there are two options. The old server used a loop of wget calls, which re-downloads whole files after every interruption. rclone can resume, check sizes and hashes and limit its bandwidth so the galleries\' network is not saturated during opening hours. I would switch to rclone. OK?'),
      U('go ahead'),
      CALL('run_shell', { command: 'apt-get install -y rclone' }, 'Reading package lists...\nSetting up rclone (1.60.1+dfsg-2) ...'),
    ]),
    F('sync-conf', 'file_created', 'Which configuration file did the agent write for the content sync?', ['/etc/gallowglass/kiosk-sync.ini'], [
      CALL('write_file', { path: '/etc/gallowglass/kiosk-sync.ini', content: SYNC_CONF }, `wrote ${SYNC_CONF.length} bytes`),
      A('The sync configuration is written; the source and target match the old server.'),
    ], { after: 'sync-tool' }),
    F('prune-func', 'function_added', 'Which shell function in the housekeeping script moves old bundles out of the way?', ['park_stale_bundles'], [
      CALL('write_file', { path: '/usr/local/sbin/kiosk-housekeeping', content: PRUNE, mode: '0755' }, `wrote ${PRUNE.length} bytes`),
      A('The housekeeping script is in place; it only moves bundles aside, nothing is deleted.'),
    ]),
    F('kiosk-limit', 'rate_limit', 'How many requests may each kiosk make to the content server?', ['2,000 requests per hour', '2000 requests per hour'], [
      U('About load on the content server, before you tune the web server. The kiosks fetch their playlist and thumbnails all the time, and Gwenllian from the exhibitions team told me the vendor firmware is supposed to stay under 2,000 requests per hour per kiosk. One kiosk in the east wing has a bug and goes far above that after a reboot. Please make sure a single kiosk cannot starve the others.'),
      A('I will cap each kiosk at 2000 requests per hour at the web server, so the buggy one is throttled and the others are not affected.'),
    ]),
    F('licence', 'account_id', 'Under which licence number does the kiosk software run?', ['GGM-KSK-71406'], [
      CALL('run_shell', { command: 'cat /etc/gallowglass/kiosk.env' }, '# written by the vendor installer\nKIOSK_LICENCE=GGM-KSK-71406\nGALLERIES=9\nKIOSKS=31'),
      A('The licence is in kiosk.env; the sync does not need it, so I leave the file as it is.'),
    ]),
    F('old-off', 'deadline', 'When is the old content server switched off?', ['Wednesday the 21st'], [
      U('Timing. The old server is switched off not on Monday the 19th, which is what facilities first said, but on Wednesday the 21st — the electricians need that room for two days. Everything must be running and checked on gannet-03 before then.'),
    ]),
    F('visitor-rule', 'constraint', 'What must never be removed from the content server?', ['visitor recordings must never be deleted'], [
      U('One rule, please treat it as absolute. The visitor recordings must never be deleted, the ones from the oral-history booth included, not by housekeeping, not to free space, not even the ones that look empty. The museum has consent forms for each of them and the archive wants every file. Move things if you must, but keep them.'),
      A('Understood; the housekeeping only moves bundles, and the recordings directory is excluded from it.'),
    ]),
    F('sync-retry', 'retry_policy', 'How does the content sync handle a transfer that fails?', ['attempts = 4', 'wait_between = 300'], [
      CALL('run_shell', { command: 'grep -A3 "\\[transfer\\]" /etc/gallowglass/kiosk-sync.ini' }, '[transfer]\nbwlimit = 40M\nattempts = 4\nwait_between = 300'),
    ], { after: 'sync-conf' }),
    F('quiet', 'preference', 'When should heavy transfers happen in the galleries?', ['outside opening hours'], [
      U('Please keep every heavy transfer outside opening hours. The galleries share the network with the ticket desks, and when a sync ran at noon last month the card terminals timed out. Small playlist updates during the day are fine.'),
    ]),
    F('old-player', 'deleted_module', 'Which obsolete program did the agent remove?', ['flashplayer-shim'], [
      A('There is an old flashplayer-shim under /opt that the kiosks stopped using two firmware versions ago; it still starts at boot. May I remove it?'),
      U('yes, remove it'),
      CALL('run_shell', { command: 'systemctl disable --now kiosk-shim.service && rm -rv /opt/flashplayer-shim' }, "removed directory '/opt/flashplayer-shim'"),
    ]),
    F('bundle-space', 'max_amount', 'How much disk space may the kiosk bundles use?', ['220 GB'], [
      U('Space budget for the bundles: 80 GB at most, the rest is for the recordings.'),
      U('Update on storage. Facilities approved the bigger disk and it was installed this morning, so the bundles can now take up to 220 GB. That covers the new high-resolution films for the spring exhibition.', { gap: 'far' }),
      A('Adjusted the housekeeping threshold to the new budget.'),
    ], { old: ['80 GB'] }),
    F('mktemp-error', 'error_seen', 'What did mktemp report on the first test run of the housekeeping script?', ["failed to create directory via template '/srv/kiosk/parked.XXXXXX'"], [
      CALL('run_shell', { command: 'sudo -u kiosk /usr/local/sbin/kiosk-housekeeping' }, "mktemp: failed to create directory via template '/srv/kiosk/parked.XXXXXX': Permission denied"),
      A('The kiosk user cannot write to /srv/kiosk itself. I will give it a parked/ directory it owns instead of widening the permissions.'),
    ], { after: 'prune-func' }),
    F('rclone-version', 'release_version', 'Which rclone version got installed?', ['rclone v1.60.1-DEV'], [
      CALL('run_shell', { command: 'rclone version | head -n 2' }, 'rclone v1.60.1-DEV\n- os/version: debian 12.5 (64 bit)'),
    ], { after: 'sync-tool' }),
    F('checksum', 'feature_flag', 'Which setting makes the sync compare file hashes?', ['verify_checksums'], [
      A('The collections team sometimes replaces a film with a re-encoded one of exactly the same size. I could add verify_checksums to the sync so it compares hashes, not just sizes and times. It costs some CPU at night. Shall I?'),
      U('yes'),
    ]),
    F('sync-time', 'time_of_day', 'At what time does the nightly content sync run?', ['01:55'], [
      U('Run the sync at 23:00, after closing.'),
      U('Change that. The cleaners switch the gallery power circuits off and on around midnight, and a kiosk that reboots during a sync shows a black screen in the morning. Make it 01:55.', { gap: 'far' }),
      A('Moved the timer and reloaded systemd.'),
    ], { old: ['23:00'] }),
    F('subtitles', 'open_task', 'What still has to be moved to the new server?', ['subtitle files for the Welsh audio guide'], [
      U('Still missing: the subtitle files for the Welsh audio guide are only on the old server, in a folder nobody synced. They need to come over before the exhibition opens.'),
      A('Noted as open in the handover.'),
    ]),
    F('cert', 'rotation_interval', 'How often is the content server\'s certificate renewed?', ['every 60 days'], [
      U('Certificates: Ifan from IT says the kiosk certificate is renewed every 60 days by their ACME job, and the kiosks refuse an expired one without any message.'),
      A('I will add a check that warns two weeks before expiry.'),
    ]),
    F('media-contact', 'owner', 'Who should be contacted about problems with the exhibit media?', ['Rhiannon'], [
      A('If a film arrives broken at night, who do I name in the handover as the contact for the media?'),
      U('the contact list:\n\n| area | person | reachable |\n|---|---|---|\n| kiosk hardware | Bryn | office hours |\n| exhibit media | Rhiannon | phone, also weekends |\n| network | Ifor | mail only |', { gap: 2 }),
    ]),
    F('source-url', 'path_url', 'From which address does the sync pull the exhibit media?', ['media.gallowglass.example/exhibits'], [
      CALL('run_shell', { command: 'rsync --list-only rsync://media.gallowglass.example/exhibits/ | head -n 3' }, 'drwxr-xr-x          4,096 2024/03/02 09:14:55 .\ndrwxr-xr-x          4,096 2024/03/01 17:02:11 spring\ndrwxr-xr-x          4,096 2024/02/27 11:40:03 permanent'),
      A('The source answers; the listing matches what the old server had.'),
    ], { after: 'sync-conf' }),
  ],
};
