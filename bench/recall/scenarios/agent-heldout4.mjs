import { F, U, A, CALL } from './dsl.mjs';

const COLLECTOR = `# Skerrywind station collector — written by the migration agent
service:
  flush: 5
  log_level: info
  timestamps: utc
inputs:
  - name: gateway
    listen: 0.0.0.0:5170
    format: json
outputs:
  - name: ingest
    url: https://ingest.skerrywind.example/v1/readings
    batch: 200
`;
const UNIT = `[Unit]
Description=Skerrywind station collector
After=network-online.target

[Service]
ExecStart=/usr/bin/fluent-bit -c /etc/skerrywind/collector.yaml
Restart=on-failure
RestartSec=45s
StartLimitBurst=5
User=skerry

[Install]
WantedBy=multi-user.target
`;
const COMPRESS = `#!/bin/sh
# Daily housekeeping for the raw reading files (never deletes anything).
set -eu
RAW=/srv/skerrywind/raw
compress_yesterday() {
  day=$(date -u -d yesterday +%F)
  find "$RAW/$day" -name '*.jsonl' -exec xz -T2 -9 {} +
}
compress_yesterday
`;

export default {
  id: 'agent-skerrywind',
  kind: 'agent',
  split: 'heldout4',
  title: 'Long agent run: moving a weather-station network\'s reading collector to a new VM (log shipping, systemd unit, housekeeping script), with hundreds of tool results (coreutils manuals, logging.handlers source, /etc files)',
  system: 'You are an operations agent with shell access to "plover-02", the new VM of Skerrywind, a small network of coastal weather stations. Work through the task with tools, report briefly, and ask before anything destructive.',
  opening: 'Task: move the station collector from the old VM to plover-02. It receives readings from the station gateways, writes the raw files and forwards them to the ingestion API. Set up the collector, its service, log handling and the daily housekeeping. Read whatever docs you need; I will drop in with details.',
  units: 295,
  pools: { out: { files: ['agent-heldout4.txt'], min: 150, max: 520 } },
  final: 'Thanks. Write the handover note for the on-call rota: what you found, what you changed, what is still open. Then stop.',
  facts: [
    F('archive-box', 'host', 'Which machine keeps the long-term archive of the raw readings?', ['dunlin-arch01'], [
      U('The compressed raw files also have to be copied to the archive machine every night. I do not remember its name, let me look in the inventory.'),
      U('found it: dunlin-arch01, user "skerry", the key from the old VM works there', { gap: 2 }),
      CALL('run_shell', { command: 'ssh -o BatchMode=yes skerry@dunlin-arch01 df -h /archive' }, 'Filesystem      Size  Used Avail Use% Mounted on\n/dev/sdb1        11T  3.9T  6.6T  37% /archive'),
    ]),
    F('shipper', 'technology', 'What forwards the readings from the new VM to the ingestion API?', ['Fluent Bit'], [
      A('For forwarding there are two options. rsyslog with omhttp is already installed but its batching is crude and it retries the whole batch on any error. Fluent Bit needs installing but batches properly, buffers to disk when the API is down and has a JSON input we can point the gateways at. I would take Fluent Bit. OK?'),
      U('sure'),
      CALL('run_shell', { command: 'apt-get install -y fluent-bit' }, 'Reading package lists...\nSetting up fluent-bit (2.2.3) ...\nCreated symlink /etc/systemd/system/multi-user.target.wants/fluent-bit.service.'),
    ]),
    F('collector-conf', 'file_created', 'Which configuration file did the agent write for the collector?', ['/etc/skerrywind/collector.yaml'], [
      CALL('write_file', { path: '/etc/skerrywind/collector.yaml', content: COLLECTOR }, `wrote ${COLLECTOR.length} bytes to /etc/skerrywind/collector.yaml`),
      A('The collector configuration is written; the gateways send to port 5170 as before.'),
    ], { after: 'shipper' }),
    F('housekeeping', 'function_added', 'Which shell function in the housekeeping script packs the previous day\'s files?', ['compress_yesterday'], [
      CALL('write_file', { path: '/usr/local/sbin/skerry-housekeeping', content: COMPRESS, mode: '0755' }, `wrote ${COMPRESS.length} bytes to /usr/local/sbin/skerry-housekeeping`),
      A('The housekeeping script is in place. It only compresses; nothing is removed.'),
    ]),
    F('ingest-limit', 'rate_limit', 'How many readings may each station send to the ingestion API?', ['1,200 readings per minute', '1200 readings per minute'], [
      U('About the ingestion API, since you are configuring the batching. The API team limits every station to 1,200 readings per minute, and the big stations at the headlands produce close to that in a storm because they switch to one-second gusts. If a station goes over, the API drops the excess silently. So the batching must not bunch up several minutes of backlog in one go after an outage.'),
      A('Then I cap the flush so that a station never exceeds 1200 readings per minute, also when the buffer drains after an outage.'),
    ]),
    F('station-group', 'account_id', 'Under which group identifier are the stations registered with the ingestion service?', ['SKW-GRP-5518'], [
      CALL('run_shell', { command: 'cat /etc/skerrywind/station.env' }, '# written by the provisioning playbook\nSTATION_GROUP=SKW-GRP-5518\nREGION=north-coast\nGATEWAYS=14'),
      A('The group identifier is in station.env; I will reference that file from the unit instead of copying the value.'),
    ]),
    F('old-vm-off', 'deadline', 'When will the old collector VM be shut down?', ['Monday the 10th'], [
      U('Timing. The old VM gets switched off by the hosting company not on Friday the 7th as I said on the phone, but on Monday the 10th — they moved it because of their own maintenance. Everything must run on plover-02 and be checked before that, there is no way to get the old disk back afterwards.'),
    ]),
    F('raw-keep', 'constraint', 'What must never happen to the raw reading files?', ['raw readings must never be deleted'], [
      U('The one rule here, please take it seriously. The raw readings must never be deleted, not by housekeeping, not by log rotation, not to free space in an emergency. They are the only record for the insurance claims after storms, and the met office asks for them years later. Compress them if you must, but keep every file.'),
      A('Understood. The housekeeping script only compresses, and I will keep the raw directory out of every rotation rule.'),
    ]),
    F('restart', 'retry_policy', 'How long does systemd wait before it restarts the collector after a crash?', ['RestartSec=45s', '45 seconds'], [
      CALL('write_file', { path: '/etc/systemd/system/skerry-collector.service', content: UNIT }, `wrote ${UNIT.length} bytes to /etc/systemd/system/skerry-collector.service`),
      CALL('run_shell', { command: 'systemctl daemon-reload && systemctl enable --now skerry-collector' }, 'Created symlink /etc/systemd/system/multi-user.target.wants/skerry-collector.service → /etc/systemd/system/skerry-collector.service.'),
    ], { after: 'collector-conf' }),
    F('utc', 'preference', 'In which form should times appear in the collector\'s logs?', ['UTC timestamps'], [
      U('Please make every log on this box use UTC timestamps, not local time. The stations are in two time zones, the gateways already report in UTC, and the summer time switch made a mess of the old logs twice a year. I want to be able to grep one log against another without converting.'),
    ]),
    F('old-scraper', 'deleted_module', 'Which obsolete program did the agent remove from the VM?', ['wx-scrape-old'], [
      A('There is an old scraper under /usr/local/bin that polls a station website that was shut down; it fails every ten minutes. May I remove it?'),
      U('yes, remove it'),
      CALL('run_shell', { command: 'rm -v /usr/local/bin/wx-scrape-old && crontab -l | grep -v wx-scrape | crontab -' }, "removed '/usr/local/bin/wx-scrape-old'"),
    ]),
    F('log-space', 'max_amount', 'How much disk space may the collector\'s logs take up?', ['38 GB'], [
      U('Disk budget for the logs: at most 20 GB, the rest of the volume is for the raw files.'),
      U('Good news on the storage front: the hosting company enlarged the volume this morning, so the logs may now use up to 38 GB. That should keep a full winter of debug logs.', { gap: 'far' }),
      A('Adjusted the retention of the collector logs to the new budget.'),
    ], { old: ['20 GB'] }),
    F('log-perm', 'error_seen', 'What did tail report when the agent first tried to follow the ingest log?', ["cannot open '/var/log/skerrywind/ingest.log'"], [
      CALL('run_shell', { command: 'tail -n 20 /var/log/skerrywind/ingest.log' }, "tail: cannot open '/var/log/skerrywind/ingest.log' for reading: Permission denied"),
      A('The log belongs to the service user and is not group-readable. I will read it with sudo -u skerry instead of changing its mode.'),
    ]),
    F('fb-version', 'release_version', 'Which version of the forwarder ended up installed?', ['v2.2.3'], [
      CALL('run_shell', { command: 'fluent-bit --version' }, 'fluent-bit v2.2.3\nGit commit: 2a0e4b8c1d\n'),
    ], { after: 'shipper' }),
    F('dedupe', 'feature_flag', 'Which setting discards readings a gateway sends twice?', ['drop_duplicate_readings'], [
      A('The gateways resend their last minute after a reconnect, so the API gets duplicates. I could add a filter with a setting, drop_duplicate_readings, that discards a reading whose station and timestamp were already sent in the last ten minutes. On by default. Shall I?'),
      U('yes'),
    ]),
    F('compress-time', 'time_of_day', 'At what time does the daily compression of raw files run?', ['02:50'], [
      U('Run the housekeeping at 00:20, right after the day rolls over.'),
      U('Scratch the earlier timing. The stations upload their buffered night readings until about half past two, and compressing a day that is still receiving files leaves stragglers. Make it 02:50.', { gap: 'far' }),
      A('Moved the timer and reloaded systemd.'),
    ], { old: ['00:20'] }),
    F('calibration', 'open_task', 'What still has to be brought over to the new VM?', ['calibration offsets'], [
      U('One thing I know is still missing: the calibration offsets for the anemometers are only on the old VM, in a spreadsheet. They need to come over before the winter storms.'),
      A('Noted as open in the handover.'),
    ]),
    F('token', 'rotation_interval', 'How often must the ingestion API token be renewed?', ['every 28 days'], [
      U('The ingestion token: Freya from the API team says it has to be renewed every 28 days, and an expired token just gives 401s without any warning beforehand.'),
      A('Then I will log the token\'s age at start-up and warn a week before it runs out.'),
    ]),
    F('api-contact', 'owner', 'Who should be contacted about problems with the ingestion API?', ['Adaeze'], [
      A('If the API rejects our batches at night, who do I name in the handover as the contact on their side?'),
      U('Here is the contact sheet:\n\n| area | person | reachable |\n|---|---|---|\n| station gateways | Ottilie | office hours |\n| ingestion API | Adaeze | on call, phone |\n| archive machine | Rasmus | mail only |', { gap: 2 }),
    ]),
    F('ingest-url', 'path_url', 'At which address does the ingestion API receive the readings?', ['ingest.skerrywind.example/v1/readings'], [
      CALL('run_shell', { command: 'curl -sI https://ingest.skerrywind.example/v1/readings | head -n 3' }, 'HTTP/2 405\nallow: POST\ncontent-type: application/json'),
      A('The endpoint answers and only allows POST, as expected.'),
    ], { after: 'collector-conf' }),
  ],
};
