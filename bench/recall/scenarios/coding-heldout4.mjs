import { F, U, A, CALL } from './dsl.mjs';

const UU = `"""Decodes the uuencoded attachments the older analysers still send."""
import binascii
import io


def decode_legacy(body: bytes) -> bytes:
    out = io.BytesIO()
    lines = iter(body.splitlines())
    for line in lines:
        if line.startswith(b"begin "):
            break
    for line in lines:
        if line.strip() == b"end":
            break
        out.write(binascii.a2b_uu(line))
    return out.getvalue()
`;

const RETRY = `"""Posting parsed results to the clinics' portal.

A failed POST is retried six times with exponential backoff starting at 2 s; after that the
result goes to the dead-letter folder and the run continues with the next message.
"""
import time

DELAYS = (2, 4, 8, 16, 32, 64)


def post_with_retry(session, url, payload):
    for delay in (*DELAYS, None):
        response = session.post(url, json=payload, timeout=20)
        if response.ok or delay is None:
            return response
        time.sleep(delay)
`;

const PORTAL = `# portal client settings, read at start-up
[portal]
base = "https://results.vetlab-north.example/api/v2/ingest"
tenant_id = "VLN-0088-4471"
timeout_s = 20
verify_tls = true
`;

export default {
  id: 'coding-mossgiel',
  kind: 'coding',
  split: 'heldout4',
  title: 'Coding session: the mossgiel lab-result mail ingester (quoted-printable and uuencoded attachments, batch splitting, portal uploads), with tool calls, pasted stdlib sources, dpkg logs and tracebacks',
  system: 'You are a coding assistant in the user\'s repository "mossgiel", a Python service that reads the e-mails a veterinary laboratory network receives from its analysers, decodes the attached result files and forwards them to the clinics. Tools: read_file, write_file, edit_file, grep, run_shell.',
  opening: 'morning. mossgiel again. the lab network is adding clinics and the ingester is creaking, so this week is cleanup. a lot of it sits on base64, quopri, uu and fileinput, so I will paste stdlib code now and then.',
  units: 112,
  pools: {
    code: { files: ['code-heldout4.txt'], min: 250, max: 1100 },
    tb: { files: ['logs-heldout4.txt'], only: ['tracebacks'], min: 40, max: 320 },
    logs: { files: ['logs-heldout4.txt'], only: ['dpkg.log'], min: 300, max: 900 },
  },
  final: 'Good work. Please draft the changelog entry for this week, a few bullet points the lab\'s IT people can follow.',
  facts: [
    F('broker', 'technology', 'What carries the parsed results from mossgiel over to the clinic software?', ['Redpanda'], [
      A('For handing the parsed results to the clinic software there are two sensible options. One: keep writing JSON files into the shared folder and let the clinics poll it, which is what breaks every time a clinic\'s sync client hangs. Two: publish each result to a Redpanda topic per clinic, so a clinic that was offline replays what it missed. The second needs one small server but removes the polling entirely.'),
      U('ok, the second one'),
    ]),
    F('uu-file', 'file_created', 'Where did the decoder for the attachments from the old analysers end up?', ['decoders/uu_legacy.py'], [
      U('the two old haematology analysers still send their files uuencoded and the decoding is a mess of inline code in mail.py. give it a module of its own?'),
      CALL('write_file', { path: 'mossgiel/decoders/uu_legacy.py', content: UU }, `wrote ${UU.length} bytes to mossgiel/decoders/uu_legacy.py`),
      A('Done; mail.py now calls decode_legacy() and nothing else.'),
    ]),
    F('imap-cap', 'rate_limit', 'How fast may mossgiel read from the laboratory\'s mail server before it gets locked out?', ['90 fetches per minute'], [
      U('About the mailbox side. Priyanka, who runs the lab\'s IT, said their mail server cuts a client off above 90 fetches per minute, and then the account stays blocked until someone unlocks it by hand. That happened twice last month during the morning rush. So whatever you do with the poller, keep it under that even when the queue is long.'),
      A('Understood. I will put a token bucket in front of the IMAP fetches with some headroom below that figure.'),
    ]),
    F('tenant', 'account_id', 'Under which customer number is the lab network registered with the results portal?', ['VLN-0088-4471'], [
      U('where do we keep the portal tenant? I never remember and I need it for a support ticket'),
      CALL('read_file', { path: 'config/portal.toml' }, PORTAL),
      A('It is in config/portal.toml, next to the base URL — copy it from there for the ticket.'),
    ]),
    F('worker-host', 'host', 'On which server does the parsing worker run these days?', ['quince-03'], [
      U('In case you need to look at logs: the worker runs on hollyhock, the old VM in the lab\'s basement rack.'),
      U('Update on the infrastructure. IT finally retired the basement VM over the weekend, so the parsing worker was moved to quince-03 in the new cluster. Same user, same paths, the systemd unit was copied over unchanged.', { gap: 'far' }),
      A('Thanks; I changed the host in the runbook and the log-fetching script.'),
    ], { old: ['hollyhock'] }),
    F('cutover', 'deadline', 'From which day do the clinics send results in the new layout?', ['16th of March', '16 March', 'March 16'], [
      U('Correction to what I said at the standup, I mixed up two mails: the clinics switch to the new result layout not on the 14th but on the 16th of March. The 14th is only the test day with the two pilot clinics. So the parser has to accept both layouts for a while.'),
      A('Then I will keep the old layout parser and choose between them by the header line.'),
    ]),
    F('soft-breaks', 'function_added', 'Which helper was added to undo the line wrapping in quoted-printable bodies?', ['strip_soft_line_breaks'], [
      A('The result tables arrive quoted-printable and the analysers wrap long lines with "=" at the end, which breaks our CSV parsing in the middle of a row. quopri handles most of it, but two analysers also put a space before the "=". I could add a small helper, strip_soft_line_breaks, that normalises that before decoding. Shall I?'),
      U('yes do that'),
      CALL('edit_file', { path: 'mossgiel/decoders/qp.py', after_line: 12, insert: 'def strip_soft_line_breaks(raw: bytes) -> bytes:\n    """Joins lines wrapped with a trailing "=" (also " =") before quopri sees them."""\n' }, 'inserted 2 lines after line 12'),
    ]),
    F('analytics', 'constraint', 'What may identify an animal in the data sent to the analytics bucket?', ['only the accession number'], [
      U('Something legal that the lab\'s data protection officer insisted on. The analytics bucket is shared with the university group, so nothing that identifies an owner or a patient may go there. Results sent to it carry only the accession number, no owner name, no animal name, no clinic address. If a field is not on the allowed list, drop it.'),
      A('I will build the analytics record from an allow-list instead of removing fields from the full record, so new fields are excluded by default.'),
    ]),
    F('post-retry', 'retry_policy', 'What does mossgiel do when a post to the clinics\' portal fails?', ['six times with exponential backoff'], [
      U('the portal returns 503 whenever they deploy. can the upload be less fragile?'),
      CALL('write_file', { path: 'mossgiel/portal/post.py', content: RETRY }, `wrote ${RETRY.length} bytes to mossgiel/portal/post.py`),
      A('Written; failures that survive the retries land in the dead-letter folder instead of stopping the run.'),
    ]),
    F('result-type', 'preference', 'How does the user want a parsed lab result represented in the code?', ['frozen dataclasses'], [
      U('A style thing before you touch the parser. At the moment a parsed result is a dict that every function adds keys to, and nobody knows which keys exist at which point. I want results as frozen dataclasses, built once by the parser and never mutated afterwards. If a step needs to change something it returns a new one.'),
    ]),
    F('ftp-module', 'deleted_module', 'Which module for the old file-transfer pickup was taken out of the repository?', ['legacy_ftp'], [
      A('The old FTP pickup from before the mail-based flow is still in the tree. Nothing in the service imports it any more. Remove it?'),
      U('go ahead'),
      CALL('run_shell', { command: 'git rm -q mossgiel/legacy_ftp.py tests/test_legacy_ftp.py && python -m pytest -q' }, '83 passed in 6.02s'),
    ]),
    F('batch-size', 'max_amount', 'How many results may a single batch for a clinic contain at most?', ['2,500 results', '2500 results'], [
      U('The clinic software chokes on big uploads, their import dialog times out. Max 2,500 results per batch, and the big clinics in the south easily produce more than that on a Monday, so we need to split.'),
      A('So the splitter caps each batch at 2500 results and numbers the parts, so the clinic sees "part 2 of 3".'),
    ]),
    F('decode-error', 'error_seen', 'What decoding failure did the test run report for the sample from the Lyon clinic?', ['byte 0xe9 in position 212'], [
      CALL('run_shell', { command: 'python -m pytest -q tests/test_samples.py -k lyon' }, "F\n___ test_lyon_sample ___\nUnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position 212: invalid continuation byte\n1 failed in 0.31s"),
      A('The Lyon analyser writes Latin-1, not UTF-8. I will read the charset from the MIME part instead of assuming one.'),
    ]),
    F('deployed', 'release_version', 'Which mossgiel release is the lab running in production?', ['4.13.2'], [
      A('Before I backport the charset fix, which release is installed on the worker? `pip show mossgiel` there tells you.'),
      U('just a sec, the VPN is being slow'),
      U('Version: 4.13.2', { gap: 2 }),
    ]),
    F('quarantine', 'feature_flag', 'Which switch holds back results whose mail signature cannot be checked?', ['quarantine_unsigned_results'], [
      A('One more safeguard: a few analysers sign their mails and most do not. I could add a setting, quarantine_unsigned_results, that parks results from the signing analysers when the signature is missing or wrong, instead of forwarding them. Off for the others. Want it?'),
      U('sure'),
    ]),
    F('first-poll', 'time_of_day', 'When does the first mailbox check of the day happen?', ['quarter past seven', '07:15'], [
      U('The poller starts at 05:30 every morning, before the first clinics open.'),
      U('The lab asked for a later start: the night shift sends their batches between six and half past, and picking them up piecemeal confused the clinics. So the first poll is at quarter past seven from now on.', { gap: 'far' }),
      A('Changed the timer; the rest of the day keeps its five-minute cadence.'),
    ], { old: ['05:30'] }),
    F('brno', 'open_task', 'What is still missing for the clinics in Brno?', ['windows-1250 decoding'], [
      U('not now, but note it: windows-1250 decoding for the Brno clinics is still missing, their analyser sends Czech names in that code page and they come out garbled.'),
      A('Put it in TODO.md under "charsets".'),
    ]),
    F('imap-password', 'rotation_interval', 'How often does the mailbox app password get replaced?', ['every 40 days'], [
      U('Here is the secrets table from the wiki, so you know what exists and what not to hardcode:\n\n| secret | stored in | rotated |\n|---|---|---|\n| IMAP app password | vault: mossgiel/imap | every 40 days |\n| portal API key | vault: mossgiel/portal | yearly, by the portal team |\n| NATS credentials | vault: mossgiel/nats | never (per-host nkey) |'),
      A('Good. The service reads all three from the vault at start-up, so a rotation only needs a restart.'),
    ]),
    F('portal-owner', 'owner', 'Who is responsible for the code that talks to the results portal?', ['Radomir'], [
      U('Do not restructure the portal client package please. Ines told me Radomir owns that part; he wrote it and wants to review every change there.'),
    ]),
    F('endpoint', 'path_url', 'To which address does mossgiel deliver the parsed results?', ['results.vetlab-north.example/api/v2/ingest'], [
      A('Before the first test upload I want to be sure we point at the right place.'),
      CALL('run_shell', { command: 'python -m mossgiel.portal --print-endpoint' }, 'endpoint: https://results.vetlab-north.example/api/v2/ingest (from config/portal.toml)'),
    ], { after: 'tenant' }),
  ],
};
