import { F, U, A } from './dsl.mjs';

export default {
  id: 'planning-quillfeather',
  kind: 'planning',
  split: 'heldout',
  title: 'Planning discussion: the Quillfeather analytics platform’s move to Python 3.11, reading the CPython and coreutils release notes',
  system: 'You assist the tech lead of the Quillfeather analytics platform in planning its Python 3.11 upgrade. Summarise risks, keep the plan consistent.',
  opening: 'Let’s plan the Quillfeather upgrade to Python 3.11. I will paste the CPython changelog (and some coreutils notes, our ETL shells out a lot) and we note what affects us. What other meetings settle will come in between.',
  units: 205,
  pools: { notes: { files: ['planning-heldout.txt'], min: 300, max: 1000 } },
  final: 'Draft the e-mail that announces the upgrade plan to the data-science teams, friendly and under 200 words.',
  facts: [
    F('dataframes', 'technology', 'Which dataframe library will new pipelines use?', ['Polars'], [
      U('The data-eng sync went the way I hoped: new pipelines use Polars; existing pandas code stays until it is touched anyway.'),
      A('Then the 3.11 image needs Polars wheels pinned; they ship them for 3.11, so no build step.'),
    ]),
    F('freeze', 'deadline', 'When is the code freeze?', ['21 November', 'November 21'], [
      U('Code freeze for the upgrade is end of October.'),
      U('The freeze moved: the platform team cannot finish the base images in time, so code freeze is now 21 November.', { gap: 'far' }),
      A('Updated the plan — code freeze on 21 November. The second pilot group gets two extra weeks.'),
    ], { old: ['end of October'] }),
    F('upgrade-owner', 'owner', 'Who owns the upgrade?', ['Kwame'], [
      A('Who is accountable for the upgrade overall? Several teams will ask.'),
      U('Kwame. He volunteered and his team has the most 3.11-sensitive code.', { gap: 2 }),
    ]),
    F('staging', 'host', 'Which cluster is staging?', ['qf-stage-eu-1'], [
      U('Staging runs are on the qf-stage-eu-1 cluster, do not use the old one.'),
    ]),
    F('warehouse-rate', 'rate_limit', 'What rate limit does the warehouse API impose?', ['90 queries per minute'], [
      U('Reminder for the test plan: the warehouse API caps us at 90 queries per minute per service account, so the backfill tests must be throttled.'),
    ]),
    F('qf-version', 'release_version', 'Which Quillfeather version carries the upgrade?', ['5.0.0a3'], [
      A('Which Quillfeather release will be the first on 3.11? It should be a major bump.'),
      U('The first 3.11 build is 5.0.0a3; a1 and a2 were the packaging experiments.'),
    ]),
    F('scheduler-flag', 'feature_flag', 'Which flag enables the new scheduler?', ['QF_NEW_SCHEDULER'], [
      U('The new scheduler ships dark: QF_NEW_SCHEDULER stays false in prod until after the upgrade.'),
    ]),
    F('standup', 'time_of_day', 'When is the upgrade stand-up?', ['09:50'], [
      U('The upgrade stand-up moves to 09:50, right after the platform sync.'),
    ]),
    F('v1-endpoints', 'constraint', 'What must not break before the sunset?', ['v1 REST endpoints'], [
      U('Whatever we do, the v1 REST endpoints must keep working until the sunset date. Customers still call them from Excel.'),
      A('Then the contract tests for the v1 REST endpoints become a release gate for every wave.'),
    ]),
    F('flaky-rerun', 'retry_policy', 'How are flaky integration tests retried?', ['one automatic rerun'], [
      A('For flaky integration tests I would allow one automatic rerun, no more, and track every rerun in a dashboard.'),
      U('Agreed, one automatic rerun and we track them.'),
    ]),
    F('async-updates', 'preference', 'How does the lead want to receive updates?', ['#qf-upgrade'], [
      U('I prefer async updates in the #qf-upgrade channel to more meetings. Post there, not in DMs.'),
    ]),
    F('compat-shim', 'deleted_module', 'Which compatibility shim are we dropping?', ['qf_compat_py38'], [
      U('With 3.11 we finally drop the qf_compat_py38 shim. Anyone importing it gets a clear error.'),
      A('I will add a check to CI that fails when qf_compat_py38 is imported anywhere.'),
    ]),
    F('cloud-spend', 'max_amount', 'What is the cap on cloud spend for the test matrix?', ['$3,400'], [
      U('Finance set a cap of $3,400 a month on cloud spend for the test matrix.'),
    ]),
    F('import-error', 'error_seen', 'Which error broke the trial run?', ["'Mapping' from 'collections'"], [
      U("The trial run died in the reporting service: ImportError: cannot import name 'Mapping' from 'collections'. Some old dependency."),
      A('That import was removed in 3.10; the dependency has to be upgraded or patched to import from collections.abc.'),
    ]),
    F('cron-inventory', 'open_task', 'What still needs to be inventoried?', ['legacy scheduler'], [
      U('Still open: somebody has to inventory the cron jobs on the legacy scheduler. They all run with the system Python.'),
    ]),
    F('on-call', 'rotation_interval', 'How often does the upgrade on-call rotate?', ['fortnight'], [
      A('During the waves, how often should the upgrade on-call rotate?'),
      U('Every fortnight; the first shift is platform, then data-eng.'),
    ]),
    F('cost-center', 'account_id', 'Which cost center is the work booked on?', ['CC-4471-QF'], [
      U('Book all hours and cloud cost for this on cost center CC-4471-QF.'),
    ]),
    F('tracker', 'path_url', 'Where is the upgrade tracked?', ['tracker.quillfeather.dev/epic/PY311'], [
      U('Everything is tracked in https://tracker.quillfeather.dev/epic/PY311.'),
    ]),
    F('matrix-doc', 'file_created', 'Which file lists the compatibility matrix?', ['py311-matrix.md'], [
      U('I created docs/upgrade/py311-matrix.md with every service and its blockers.'),
      A('Good, I will keep py311-matrix.md in sync with what we decide here.'),
    ]),
    F('loop-helper', 'function_added', 'Which helper did Lena add?', ['get_event_loop_safe'], [
      U('Lena added compat.get_event_loop_safe() so the asyncio deprecation warnings stop.'),
    ]),
  ],
};
