import { F, U, A, CALL } from './dsl.mjs';

export default {
  id: 'coding-ledgerline',
  kind: 'coding',
  split: 'dev',
  title: 'Coding session: SEPA exports for the ledgerline CLI, with tool calls, pasted stdlib sources, logs and tracebacks',
  system: 'You are a coding assistant working in the user\'s repository "ledgerline" (a Python CLI that exports invoices). You can call read_file, write_file, grep and run_shell.',
  opening: 'Morning. Today I want to get the SEPA export for ledgerline going. Most of the parsing leans on the standard library, so expect me to ask you to read stdlib code a lot.',
  units: 112,
  pools: {
    code: { files: ['code-dev.txt'], min: 250, max: 1100 },
    tb: { files: ['logs-dev.txt'], only: ['tracebacks'], min: 40, max: 300 },
    logs: { files: ['logs-dev.txt'], only: ['dpkg.log'], min: 300, max: 900 },
  },
  final: 'Next: add a --dry-run flag to the export command that prints what it would upload without touching the network, and a test for it.',
  facts: [
    F('state-store', 'technology', 'Where does the export job keep its local state?', ['DuckDB'], [
      U("For the export job's local state I don't want to run a server next to a CLI. Single file, sits next to the exports — I'm going with DuckDB."),
      A('Makes sense; one DuckDB file per export directory, and we can query it for the report afterwards.'),
    ]),
    F('sepa-file', 'file_created', 'Which file did we create for the SEPA XML exporter?', ['exporters/sepa_xml.py'], [
      U('Can you start the SEPA exporter module? Just the skeleton with a class and a TODO for the XML writer.'),
      CALL('write_file', { path: 'ledgerline/exporters/sepa_xml.py', content: '"""SEPA credit transfer (pain.001) export."""\nfrom __future__ import annotations\n\n\nclass SepaXmlExporter:\n    def __init__(self, batch):\n        self.batch = batch\n\n    def render(self) -> bytes:\n        raise NotImplementedError  # TODO: XML writer\n' }, 'wrote 243 bytes'),
      A('Created the skeleton in ledgerline/exporters/sepa_xml.py; `render()` is still a stub.'),
    ]),
    F('bank-rate', 'rate_limit', "What is the rate limit of Norvik Bank's API?", ['40 calls per 10 seconds', '40 requests per 10 seconds', '40 per 10 seconds'], [
      U('Heads-up from their integration team: the sandbox throttles us at 40 calls per 10 seconds, counted per client id, and the production limit is the same.'),
    ]),
    F('merchant-id', 'account_id', 'What is our merchant account ID in the Norvik sandbox?', ['NB-SBX-2290417'], [
      A('To call the sandbox I need the merchant account — which id did Norvik give you?'),
      U('NB-SBX-2290417. It is in the welcome mail too.'),
    ]),
    F('sftp-host', 'host', 'Which host do the exported files get uploaded to?', ['sftp-drop.eu2.norvikbank.net'], [
      U('Uploads go over SFTP, not their REST API. Host is sftp-drop.eu2.norvikbank.net, port 22, key auth only.'),
      A('Noted — SFTP to sftp-drop.eu2.norvikbank.net with key auth. I will keep the REST client for status queries only.'),
    ]),
    F('pilot-deadline', 'deadline', 'By when does Norvik need the pilot files?', ['27 February', 'February 27', 'Feb 27'], [
      U('Do you remember when Norvik wanted the pilot files? I lost the thread.'),
      A("It wasn't mentioned here yet, so I can't tell — could you check with Ingrid?"),
      U('Ingrid answered: pilot files have to reach them by 27 February, end of their business day.', { gap: 6 }),
    ]),
    F('iban-fn', 'function_added', 'Which function did we add to validate and normalise IBANs?', ['normalize_iban'], [
      U('The IBAN handling is all over the place. Put one helper in util/banking.py that strips spaces, upper-cases and checks the mod-97.'),
      CALL('write_file', { path: 'ledgerline/util/banking.py', content: 'def normalize_iban(raw: str) -> str:\n    iban = raw.replace(" ", "").upper()\n    rearranged = iban[4:] + iban[:4]\n    digits = "".join(str(int(c, 36)) for c in rearranged)\n    if int(digits) % 97 != 1:\n        raise ValueError("invalid IBAN checksum")\n    return iban\n' }, 'wrote 287 bytes'),
      A('Added `normalize_iban()` to ledgerline/util/banking.py. It raises ValueError on a bad checksum instead of returning None.'),
    ]),
    F('no-iban-logs', 'constraint', 'What must never be written to the logs?', ['full IBAN'], [
      U("One hard rule from compliance: a full IBAN never goes into the logs. Last four characters at most, everything else masked."),
      A('Understood. I will route every log call in the exporter through the masking formatter so the full IBAN cannot slip through.'),
    ]),
    F('upload-retry', 'retry_policy', 'How are failed SFTP uploads retried?', ['five attempts', '5 attempts'], [
      A('For failed uploads I would suggest five attempts with the wait doubling from 2 seconds and capped at 60 — SFTP drops are usually transient. OK with you?'),
      U('yes, go with that'),
    ]),
    F('formatter', 'preference', 'Which code formatter does the user want?', ['ruff format'], [
      U('Small thing: please stop formatting with black, I moved the repo to ruff format last week and the diffs keep fighting.'),
    ]),
    F('legacy-fw', 'deleted_module', 'Which module did we delete?', ['legacy_fixedwidth'], [
      U('Nobody has used the old fixed-width exporter since 2021. Delete it.'),
      CALL('run_shell', { command: 'git rm ledgerline/exporters/legacy_fixedwidth.py tests/test_legacy_fixedwidth.py' }, "rm 'ledgerline/exporters/legacy_fixedwidth.py'\nrm 'tests/test_legacy_fixedwidth.py'"),
      A('Removed legacy_fixedwidth and its test; nothing else imported it.'),
    ]),
    F('batch-max', 'max_amount', 'What is the maximum total of a single SEPA batch?', ['150,000', '150 000', '150k'], [
      U('The bank caps a single batch at €250,000 total, so the splitter has to start a new batch before that.'),
      U('Correction on the batch cap: finance wants some headroom, we split at €150,000 per batch, not the bank maximum.', { gap: 'far' }),
      A('Changed the splitter threshold to €150,000; the test now builds three batches from the sample file.'),
    ], { old: ['250,000', '250 000', '250k'] }),
    F('encode-error', 'error_seen', 'What error did the Polish customer names trigger?', ['UnicodeEncodeError', "'\\u0141'"], [
      U("Export died on the Gdańsk customer file: UnicodeEncodeError: 'latin-1' codec can't encode character '\\u0141' in position 14. I bet the XML writer still opens the file with the wrong encoding."),
      A('Yes — the writer inherited latin-1 from the old fixed-width code path. SEPA XML has to be UTF-8; I will set the encoding explicitly.'),
    ]),
    F('release', 'release_version', 'Which version are we shipping the SEPA export as?', ['0.9.0rc2'], [
      A('Which version should the pilot build carry? The last tag was 0.9.0rc1.'),
      U("Tag it 0.9.0rc2, it's still a release candidate until Norvik signs off."),
    ], { /* 0.9.0rc1 is an earlier tag, not a superseded value of this fact */ }),
    F('instant-flag', 'feature_flag', 'Which feature flag gates SEPA Instant payments?', ['LEDGERLINE_SEPA_INSTANT'], [
      U('Instant payments stay behind an env flag, LEDGERLINE_SEPA_INSTANT, off unless someone sets it to 1.'),
    ]),
    F('cron-time', 'time_of_day', 'At what time does the nightly export run?', ['02:15'], [
      U('The nightly export should run at 02:15 UTC — after the invoice batch closes and before the bank’s morning cut-off.'),
      A('02:15 UTC it is; I put it in the systemd timer example in the README.'),
    ]),
    F('xsd-task', 'open_task', 'What do we still need to get from Norvik?', ['pain.001.001.09'], [
      U("Still open: we need Norvik's XSD for pain.001.001.09, ours is from the ISO site and they may have restrictions. Remind me if I forget."),
    ]),
    F('key-rotation', 'rotation_interval', 'How often must the SFTP key be rotated?', ['every 45 days', '45 days'], [
      U('Their security team wants the SFTP key rotated every 45 days, otherwise the account gets locked.'),
    ]),
    F('bank-owner', 'owner', 'Who owns the relationship with Norvik Bank on our side?', ['Solberg'], [
      U('By the way, Ingrid Solberg owns the bank relationship — anything contractual or about limits goes through her, not through me.'),
    ]),
    F('docs-url', 'path_url', "Where are Norvik's sandbox docs?", ['developer.norvikbank.net/sandbox/pain001'], [
      U('Their sandbox docs are at https://developer.norvikbank.net/sandbox/pain001 if you need the field list.'),
    ]),
  ],
};
