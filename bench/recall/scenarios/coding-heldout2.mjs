import { F, U, A, CALL } from './dsl.mjs';

const UNIFIED = `"""Renders the snapshot diff as the e-mail body."""
import difflib


def render(old_lines, new_lines, station):
    return difflib.HtmlDiff(wrapcolumn=72).make_table(old_lines, new_lines, f"{station} before", f"{station} after", context=True)
`;

export default {
  id: 'coding-saltmarsh',
  kind: 'coding',
  split: 'heldout2',
  title: 'Coding session: snapshot diffs and reports for the saltmarsh tide-gauge service, with tool calls, pasted stdlib sources, apt logs and tracebacks',
  system: 'You are a coding assistant in the user\'s repository "saltmarsh", a small Python service that fetches tide-gauge readings, keeps daily snapshots and mails a diff report. Tools: read_file, write_file, edit_file, grep, run_shell.',
  opening: 'hey. saltmarsh again — the diff report is what I want to finish this week. it leans on difflib, fractions and string.Template, so we will be reading some stdlib code together.',
  units: 106,
  pools: {
    code: { files: ['code-heldout2.txt'], min: 250, max: 1100 },
    tb: { files: ['logs-heldout2.txt'], only: ['tracebacks'], min: 40, max: 320 },
    logs: { files: ['logs-heldout2.txt'], only: ['history.log', 'alternatives.log'], min: 300, max: 900 },
  },
  final: 'Alright. Please write the CHANGELOG entry for this week\'s work on the report, in plain sentences, no bullet soup.',
  facts: [
    F('db', 'technology', 'Where does saltmarsh keep its daily snapshots?', ['questdb'], [
      U('Some background before you touch the storage code. The snapshots used to be a folder of csv files and that got out of hand around the third station. Since the summer everything goes into questdb, one table per station, and the fetcher just appends. I have no strong feelings about the schema, it grew organically. Just do not be surprised by the SQL in there.'),
    ]),
    F('renderer', 'file_created', 'Which new module renders the e-mail diff?', ['render/unified.py'], [
      U('can you put the html rendering in its own module? the report script is a mess'),
      CALL('write_file', { path: 'saltmarsh/render/unified.py', content: UNIFIED }, `wrote ${UNIFIED.length} bytes to saltmarsh/render/unified.py`),
      A('Done: the rendering lives in saltmarsh/render/unified.py now, and the report script only imports render() from it.'),
    ]),
    F('api-quota', 'rate_limit', "How many requests does the harbour authority's API allow?", ['two hundred requests an hour', '200 requests an hour'], [
      U('Context on the feed, since you asked why the fetcher is so slow. The harbour authority API is public but stingy: they let us do two hundred requests an hour per key, and if you go over they block the key until midnight. That is why the fetcher walks the stations one by one with a sleep in between. Anyway, back to the diff.'),
    ]),
    F('client-id', 'account_id', 'Under which client id is the fetcher registered with the harbour API?', ['hbr-client-40918'], [
      A('For the README: which client id is the fetcher registered under at the harbour authority? The config only has a placeholder.'),
      U('hold on, it is in the vault, give me a sec'),
      U('found it, hbr-client-40918. the key itself stays in the vault of course', { gap: 2 }),
    ]),
    F('cron-box', 'host', 'Which machine runs the nightly saltmarsh job?', ['heron'], [
      U('Where it runs: nothing fancy, the nightly job lives on heron, the old mac mini under the stairs at the office. It has the database file on its local disk. If heron is off, nobody gets a report, which has happened twice already.'),
      A('Noted, I will keep paths in the job relative to the checkout on that machine.'),
    ]),
    F('first-report', 'deadline', 'When does the harbour authority expect the first report?', ['second Tuesday of March'], [
      U('Timeline-wise I talked to the authority this morning. They are fine with a rough first version as long as it arrives on the second Tuesday of March, and they want the polished one some time in spring. So the html part matters more than the edge cases right now.'),
      A('Understood — I will get the html report working end to end first and leave the rarer input cases for later.'),
    ]),
    F('collapse', 'function_added', 'Which helper was added to shorten long unchanged stretches in the diff?', ['collapse_unchanged_runs'], [
      A('The reports are huge because every unchanged reading is printed. I would add a small helper that folds long unchanged stretches into one "… 214 unchanged readings …" line before the diff is rendered. Shall I?'),
      U('yes'),
      CALL('edit_file', { path: 'saltmarsh/report.py', after_line: 31, insert: 'def collapse_unchanged_runs(lines, keep=3):\n    """Folds unchanged stretches longer than 2*keep into one marker line."""\n' }, 'inserted 2 lines after line 31'),
      A('Added collapse_unchanged_runs() to saltmarsh/report.py; it keeps three lines of context on each side.'),
    ]),
    F('evidence', 'constraint', 'Which folder must saltmarsh never write to?', ['raw_gauge'], [
      U('One rule that is not negotiable, because the authority uses our copies as evidence in disputes: the raw_gauge folder is read-only for every part of saltmarsh, including tests and cleanup scripts. If something needs a modified copy, it copies first. I have had a test delete files in there once and it was not fun.'),
      A('Understood. I will make the tests use a temporary copy and add a check that fails when anything opens a file under that folder for writing.'),
    ]),
    F('fetch-retry', 'retry_policy', 'How does the fetcher retry a failed request?', ['one minute, then five, then fifteen'], [
      A('About the flaky fetches: with the hourly quota we cannot hammer the API, so I would retry a failed request three times with growing pauses — wait one minute, then five, then fifteen — and after that skip the station for the night and mention it in the report. That keeps us far below the limit even on a bad night.'),
      U('sounds good'),
    ]),
    F('diff-style', 'preference', 'Which diff layout does the user want in the report e-mails?', ['side-by-side'], [
      U('Tried both layouts on my phone. The unified one is unreadable there, honestly. I want side-by-side in the mails, even if it means the table is wider. The harbour people read them on desktops anyway.'),
    ]),
    F('legacy-csv', 'deleted_module', 'Which old module was removed from saltmarsh?', ['legacy_tidecsv'], [
      U('Is anything still importing the old csv reader? I think it is dead since we moved storage.'),
      CALL('grep', { pattern: 'legacy_tidecsv', path: 'saltmarsh/' }, 'saltmarsh/legacy_tidecsv.py:1:"""Reads the pre-2023 csv snapshots."""'),
      CALL('run_shell', { command: 'git rm -q saltmarsh/legacy_tidecsv.py && python -m pytest -q' }, '41 passed in 3.12s'),
      A('Nothing imported it, so I removed saltmarsh/legacy_tidecsv.py; all 41 tests still pass.'),
    ]),
    F('vm-budget', 'max_amount', 'How much may the hosting for saltmarsh cost per month?', ['five hundred euros'], [
      U('If we move it to a hosted machine at some point, keep in mind the budget. The foundation pays for hosting but capped it at three hundred and fifty euros a month, which rules out the managed database offers I looked at.'),
      U('Small update on money. Elin talked to the foundation board yesterday and they agreed to go up to five hundred euros a month, so the managed option is back on the table if it saves us time.', { gap: 'far' }),
      A('Good to know — with that budget a small managed instance fits, I will note it in the hosting section.'),
    ], { old: ['three hundred and fifty euros'] }),
    F('missing-key', 'error_seen', 'Which key was missing when the report crashed?', ['tide_offset_cm'], [
      U("the report died on the Vlissingen station with KeyError: 'tide_offset_cm' — the other stations were fine. no traceback beyond that, the wrapper swallowed it"),
      A('That key is only present for stations with a calibration record; Vlissingen has none. I will default the offset to zero and log it instead of failing.'),
    ]),
    F('pin', 'release_version', 'Which saltmarsh release does the harbour authority run?', ['2.7.0rc3'], [
      A('Which version does the authority actually have installed? I want the fix to go on the right branch.'),
      U('they are on 2.7.0rc3, we never got them to the final one'),
    ]),
    F('strict', 'feature_flag', 'Which setting makes unknown stations fail the run?', ['strict_station_match'], [
      A('There are two ways to treat readings from a station that is not in the registry. We can drop them quietly, or stop the whole run so somebody looks. I would put the second behind a setting, strict_station_match, off by default on developer machines and on in the nightly job, so the real run cannot silently lose a station while local runs stay convenient.'),
      U('ok'),
    ]),
    F('run-time', 'time_of_day', 'When does the saltmarsh job kick off each night?', ['quarter past six'], [
      U('About the schedule — the cron line is a bit of a lie because the mac mini is in a different timezone setting than the rest of us. In practice the job starts at quarter past six in the morning, after the authority publishes the night readings, and it finishes before anybody is at their desk. Please keep it that way, people like finding the mail with their coffee.'),
    ]),
    F('hoek', 'open_task', 'Which station still has to be added to the registry?', ['Hoek van Holland'], [
      U('todo for later, not now: Hoek van Holland still needs to go into the station registry, the authority asked for it in January and we keep forgetting.'),
      A('I have added a TODO in stations.toml so it shows up in the next review.'),
    ]),
    F('key-rotation', 'rotation_interval', 'How often must the harbour API key be rotated?', ['ninety days'], [
      A('One operational thing from their terms of use, since you pasted them earlier: keys have to be rotated every ninety days or the authority disables them without warning. It would be worth a calendar reminder, or a check in the fetcher that warns two weeks before.'),
      U('ok, calendar reminder is fine'),
    ]),
    F('owner', 'owner', 'Who is responsible for the fetcher?', ['Ingrid'], [
      U('If something is wrong with the fetching itself, that is Ingrid\'s code and she wants to hear about it before anyone patches it. The report side is mine.'),
    ]),
    F('api-url', 'path_url', 'Which endpoint does the fetcher call?', ['api.havenwater.example/v2/gauges'], [
      U('the endpoint we call is https://api.havenwater.example/v2/gauges?station=…, paged by 500. the v1 one is gone'),
    ]),
  ],
};
