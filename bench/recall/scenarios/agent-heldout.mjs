import { F, U, A, CALL } from './dsl.mjs';

const UNIT = `[Unit]
Description=orchard background worker
After=network-online.target postgresql.service

[Service]
User=orchard
ExecStart=/opt/orchard/bin/worker --config /etc/orchard/worker.toml
Restart=on-failure
RestartSec=7

[Install]
WantedBy=multi-user.target
`;

export default {
  id: 'agent-orchard',
  kind: 'agent',
  split: 'heldout',
  title: 'Long agent run: preparing the move of the orchard service and its PostgreSQL database to new VMs, with hundreds of tool results (man pages, configs, sources)',
  system: 'You are an operations agent with root shell access on orchard-vm-01. Carry out the migration preparation step by step with tools; keep notes short.',
  opening: 'Job for today: get orchard-vm-01 ready for the move to the new VMs. Read up on systemd, journald and pg_dump as you need, check the PostgreSQL config, and set up the worker unit. I will chime in with details.',
  units: 285,
  pools: { out: { files: ['agent-heldout.txt'], min: 150, max: 520 } },
  final: 'That is enough for today. Write the status for the change ticket: what is done, what is open, in at most ten lines.',
  facts: [
    F('backup-tool', 'technology', 'Which tool will take the database backups?', ['pgBackRest'], [
      U('For backups on the new VMs we go with pgBackRest, not pg_dump cron jobs. Plan the config accordingly.'),
      A('OK — pgBackRest with a repository on the backup volume; pg_dump only for ad-hoc exports.'),
    ]),
    F('replica', 'host', 'Which host is the replica?', ['pg-replica-b.orchard.internal'], [
      A('Which host will be the streaming replica? pg_hba.conf needs an entry for it.'),
      U('pg-replica-b.orchard.internal — replica a is being retired.', { gap: 2 }),
    ]),
    F('worker-unit', 'file_created', 'Which unit file did the agent create?', ['orchard-worker.service'], [
      CALL('write_file', { path: '/etc/systemd/system/orchard-worker.service', content: UNIT }, `wrote ${UNIT.length} bytes`),
      CALL('run_shell', { command: 'systemctl daemon-reload && systemctl enable --now orchard-worker.service' }, 'Created symlink /etc/systemd/system/multi-user.target.wants/orchard-worker.service → /etc/systemd/system/orchard-worker.service.'),
      A('The worker now runs as orchard-worker.service and starts at boot.'),
    ]),
    F('restart-policy', 'retry_policy', 'How does systemd restart the worker?', ['RestartSec=7'], [
      U('If the worker crashes, systemd should restart it after a few seconds, but only on failure.'),
      A('That is already in the unit: Restart=on-failure with RestartSec=7, so a crash loop is throttled too.'),
    ], { after: 'worker-unit' }),
    F('ingest-rate', 'rate_limit', 'What rate limit does the ingest endpoint have?', ['250 events per second'], [
      U('The ingest endpoint is limited to 250 events per second per client; tell me if the worker config exceeds that.'),
    ]),
    F('billing', 'account_id', 'Which billing account are the new VMs on?', ['BA-20-77310'], [
      U('The new VMs are billed to BA-20-77310, please tag them with it.'),
    ]),
    F('cutover', 'deadline', 'When is the cut-over?', ['8 February', 'February 8'], [
      U('Cut-over is Saturday 8 February, early morning.'),
      A('Understood; I will have the dry run done well before 8 February.'),
    ]),
    F('lag-fn', 'function_added', 'Which function did the agent add to the cut-over script?', ['wait_for_replica_lag'], [
      U('The cut-over script must wait until the replica has caught up before switching.'),
      CALL('edit_file', { path: '/opt/orchard/bin/cutover.py', insert_before: 'def switch_primary', insert: 'def wait_for_replica_lag(conn, max_bytes=0, timeout=300):\n    """Block until the replica replayed everything (pg_wal_lsn_diff == max_bytes)."""\n' }, 'ok'),
      A('Added wait_for_replica_lag() to cutover.py; switch_primary() calls it first and aborts after five minutes.'),
    ]),
    F('no-vacuum-full', 'constraint', 'What must never run during the day?', ['VACUUM FULL'], [
      U('Never run VACUUM FULL on the events table during the day, it locks the table for an hour. Night only, and only with me online.'),
    ]),
    F('report-length', 'preference', 'How long should the agent’s reports be?', ['under 15 lines'], [
      U('Keep your status reports under 15 lines, I read them on my phone.'),
    ]),
    F('cron-bridge', 'deleted_module', 'Which old unit was removed?', ['orchard-cron-bridge'], [
      CALL('run_shell', { command: 'systemctl disable --now orchard-cron-bridge.timer && rm /etc/systemd/system/orchard-cron-bridge.*' }, 'Removed /etc/systemd/system/timers.target.wants/orchard-cron-bridge.timer.'),
      A('Removed the old orchard-cron-bridge timer and service; the worker does that job now.'),
    ]),
    F('wal-budget', 'max_amount', 'How much disk may the WAL archive use?', ['64 GB'], [
      U('The WAL archive may use at most 40 GB of disk.'),
      U('Storage gave us a bigger volume: the WAL archive can now use up to 64 GB.', { gap: 'far' }),
      A('Adjusted the retention so the archive stays under 64 GB.'),
    ], { old: ['40 GB'] }),
    F('slots-error', 'error_seen', 'Which error appeared in the PostgreSQL log?', ['remaining connection slots are reserved'], [
      CALL('run_shell', { command: 'journalctl -u postgresql@15-main --since today --no-pager | tail -n 3' }, 'FATAL:  remaining connection slots are reserved for non-replication superuser connections\nFATAL:  remaining connection slots are reserved for non-replication superuser connections\nLOG:  checkpoint starting: time'),
      A('The log shows "remaining connection slots are reserved" — the worker pool exhausts max_connections. I will lower the pool size before raising the limit.'),
    ]),
    F('orchard-version', 'release_version', 'Which orchard version gets deployed on the new VMs?', ['3.4.2'], [
      A('Which orchard build should the new VMs run? The current one is 3.3.9.'),
      U('Deploy 3.4.2 on the new VMs; it has the connection pool fix.'),
    ]),
    F('readonly-flag', 'feature_flag', 'Which flag puts orchard in read-only mode?', ['ORCHARD_READONLY_MODE'], [
      U('During the cut-over set ORCHARD_READONLY_MODE=true so nobody writes while we switch.'),
    ]),
    F('window', 'time_of_day', 'When does the maintenance window start?', ['05:10'], [
      U('The maintenance window starts at 05:10 UTC; nothing disruptive before that.'),
    ]),
    F('grafana', 'open_task', 'What still needs to be re-pointed?', ['Grafana'], [
      U('Open item for later: the Grafana datasource still points at the old VM. Do not forget it.'),
    ]),
    F('repl-password', 'rotation_interval', 'How often is the replication password rotated?', ['120 days'], [
      A('Should the replication user’s password rotate on a schedule?'),
      U('Yes, every 120 days, same as the other service accounts.'),
    ]),
    F('dba', 'owner', 'Who is the DBA on call?', ['Esperanza'], [
      U('If you are unsure about anything in postgresql.conf, Esperanza is the DBA on call this week.'),
    ]),
    F('wal-path', 'path_url', 'Where is the WAL archived to?', ['/mnt/walarchive/orchard'], [
      U('archive_command must copy to /mnt/walarchive/orchard — that volume is mounted on both VMs.'),
    ]),
  ],
};
