import { F, U, A, CALL } from './dsl.mjs';

export default {
  id: 'coding-tidepool',
  kind: 'coding',
  split: 'heldout',
  title: 'Coding session: appointment reminders for the tidepool clinic service, with tool calls, pasted stdlib sources, apt logs and tracebacks',
  system: 'You are a pair-programming assistant in the "tidepool" repository, a Python service that sends appointment reminders for dental clinics. Tools: read_file, write_file, grep, run_shell.',
  opening: 'hey. tidepool again. Goal for this week: the SMS reminder pipeline. We use tempfile/queue/calendar from the stdlib a lot, so we will be reading those.',
  units: 108,
  pools: {
    code: { files: ['code-heldout.txt'], min: 250, max: 1100 },
    tb: { files: ['logs-heldout.txt'], only: ['tracebacks'], min: 40, max: 300 },
    logs: { files: ['logs-heldout.txt'], only: ['apt term.log'], min: 300, max: 900 },
  },
  final: 'Let us move on: please write a migration that adds a nullable "channel" column to the reminders table, with a down migration.',
  facts: [
    F('queue-tech', 'technology', 'What backs the reminder queue?', ['Valkey'], [
      A('For the reminder queue we could use Postgres SKIP LOCKED or a small Valkey instance. Which do you prefer?'),
      U('Valkey. Ops already runs it for the sessions, one more keyspace costs nothing.'),
    ]),
    F('window-file', 'file_created', 'Which file holds the SMS sending-window logic?', ['reminders/sms_window.py'], [
      CALL('write_file', { path: 'tidepool/reminders/sms_window.py', content: 'from datetime import time\n\nEARLIEST = time(8, 15)\nLATEST = time(20, 30)\n\n\ndef allowed(now):\n    return EARLIEST <= now.time() <= LATEST\n' }, 'ok'),
      A('I put the sending-window check into tidepool/reminders/sms_window.py, separate from the queue consumer.'),
    ], { after: 'earliest' }),
    F('sms-rate', 'rate_limit', 'How fast may we send SMS through the gateway?', ['3 messages per second'], [
      U('TextBridge throttles us to 3 messages per second with a burst of 15 — the consumer needs a token bucket.'),
      A('I will add a token bucket in front of the sender: refill 3 per second, capacity 15.'),
    ]),
    F('sms-account', 'account_id', 'What is the SMS provider account id?', ['AC-7F3B-99120'], [
      A('The sender needs the TextBridge account id in its config — do you have it?'),
      U('AC-7F3B-99120 (prod). Sandbox uses the same with -TEST appended.', { gap: 2 }),
    ]),
    F('queue-name', 'host', 'What is the name of the outbound reminder queue?', ['reminders.outbound.v2'], [
      U('Use the queue name reminders.outbound.v2 — v1 still has old payloads in it and we drain it separately.'),
    ]),
    F('go-live', 'deadline', 'When does the clinic group go live?', ['2 September', 'September 2'], [
      U('Brightsmile (the clinic group) goes live on 2 September. Their first reminders go out that morning.'),
      A('That leaves us enough time for a week of sandbox traffic before 2 September.'),
    ]),
    F('slot-fn', 'function_added', 'Which function finds the next free appointment slot?', ['next_business_slot'], [
      U('we need a helper that returns the next slot on a working day, skipping the clinic’s holidays'),
      CALL('write_file', { path: 'tidepool/scheduling/slots.py', content: 'import calendar\nfrom datetime import timedelta\n\n\ndef next_business_slot(start, holidays, step=timedelta(minutes=15)):\n    t = start\n    while t.weekday() >= 5 or t.date() in holidays:\n        t += timedelta(days=1)\n    return t\n' }, 'ok'),
      A('Added next_business_slot() in tidepool/scheduling/slots.py; weekends and the holiday set are skipped.'),
    ]),
    F('no-diagnosis', 'constraint', 'What must never be included in an SMS?', ['diagnosis'], [
      U('Non-negotiable: an SMS never contains the patient’s diagnosis or treatment. Only date, time, clinic and a link.'),
      A('Understood. The template renderer will only get those four fields, so a diagnosis cannot leak into an SMS even by mistake.'),
    ]),
    F('sms-retry', 'retry_policy', 'How are failed SMS retried?', ['1, 5 and 30 minutes'], [
      U('If TextBridge rejects a message, retry after 1, 5 and 30 minutes, then give up and mark the reminder as failed.'),
    ]),
    F('parametrize', 'preference', 'How does the user want repetitive tests written?', ['parametrize'], [
      U('Please write the tests with pytest.mark.parametrize instead of loops inside the test, I want to see each case fail separately.'),
    ]),
    F('ical-removed', 'deleted_module', 'Which module was deleted?', ['legacy_ical'], [
      U('The ical export nobody uses — remove it.'),
      CALL('run_shell', { command: 'git rm -q tidepool/export/legacy_ical.py && git status --short' }, 'D  tidepool/export/legacy_ical.py'),
      A('Deleted tidepool/export/legacy_ical.py; the only import was in a test, which I removed too.'),
    ]),
    F('max-reminders', 'max_amount', 'How many reminders may one appointment get at most?', ['4 reminders', 'four reminders'], [
      U('Max 3 reminders per appointment, the clinics complained about spam in the pilot.'),
      U('Change of plan: Brightsmile wants a fourth one the evening before, so the cap is 4 reminders per appointment now.', { gap: 'far' }),
    ], { old: ['3 reminders', 'three reminders'] }),
    F('unique-violation', 'error_seen', 'Which database error did the scheduler hit?', ['appointments_slot_key'], [
      U('Seeing this in staging: psycopg.errors.UniqueViolation: duplicate key value violates unique constraint "appointments_slot_key". Two workers booked the same slot.'),
      A('That is the race between the two workers; we should catch the violation and pick the next slot instead of crashing.'),
    ]),
    F('version', 'release_version', 'What version will the reminder release be tagged?', ['1.18.0'], [
      A('Shall I bump the version for the reminder release? We are on 1.17.4.'),
      U('yes, make it 1.18.0 — new feature, minor bump'),
    ]),
    F('quiet-flag', 'feature_flag', 'Which feature flag controls quiet hours?', ['REMINDERS_QUIET_HOURS'], [
      U('Put the quiet-hours logic behind REMINDERS_QUIET_HOURS so we can switch it off per clinic.'),
    ]),
    F('earliest', 'time_of_day', 'What is the earliest time an SMS may be sent?', ['08:15'], [
      U('No SMS before 08:15 local time. Dentists open at 8 and patients call immediately if they get a message earlier.'),
    ]),
    F('welsh', 'open_task', 'What is still missing for the templates?', ['Welsh'], [
      U('Remind me at some point: the Welsh versions of the templates are still missing, the Cardiff clinics need them by law.'),
      A('Noted as open: Welsh templates for the Cardiff clinics.'),
    ]),
    F('secret-rotation', 'rotation_interval', 'How often is the webhook signing secret rotated?', ['21 days'], [
      U('The delivery-receipt webhook secret rotates every 21 days on their side; we have to fetch the new one automatically.'),
    ]),
    F('sms-owner', 'owner', 'Who owns the SMS integration?', ['Oluwaseun'], [
      A('Who should review the SMS integration? It needs someone who knows the TextBridge contract.'),
      U('Oluwaseun, he owns that integration.', { gap: 3 }),
    ]),
    F('provider-docs', 'path_url', "Where are the SMS provider's API docs?", ['api.textbridge.io/v3/docs'], [
      U('Docs for delivery receipts: https://api.textbridge.io/v3/docs#delivery-receipts'),
    ]),
  ],
};
