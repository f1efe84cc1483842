import { F, U, A } from './dsl.mjs';

export default {
  id: 'planning-harrowgate',
  kind: 'planning',
  split: 'heldout5',
  title: 'Planning discussion: project Harrowgate, a university library\'s web archive (crawling the university\'s sites, storing and replaying them), going through the findutils, less and wget NEWS files',
  system: 'You are helping the digital preservation lead of a university library plan project Harrowgate: archiving the university\'s own websites every month, storing the captures and offering a replay service. Keep track of what is agreed, and point out risks.',
  opening: 'Hello. Harrowgate was approved by the library board this week. Today the university\'s sites are mirrored with a pile of wget and find scripts, so I will paste the upstream NEWS of those tools now and then, and tell you what the faculties and IT tell me.',
  units: 210,
  pools: { notes: { files: ['planning-heldout5.txt'], min: 300, max: 1000 } },
  final: 'Please draft the one-page plan for the library board: scope, schedule, budget, and who is responsible for what.',
  facts: [
    F('crawler', 'technology', 'Which crawler will Harrowgate be built on?', ['Heritrix'], [
      A('For the crawler there are two serious candidates. We could keep wget with its WARC output, which the team knows, but it has no real scope rules and struggles with the JavaScript-heavy faculty sites. Or we adopt Heritrix, which the national libraries use, with proper scoping, politeness settings and deduplication. It needs a Java server, but I would take it.'),
      U('sure, go with that'),
    ]),
    F('scope-doc', 'file_created', 'Where is the crawl scope being written down?', ['docs/crawl-scope.md'], [
      U('I started docs/crawl-scope.md in the project repository, with the list of domains and the exclusions the faculties asked for. It is rough, please assume it is the reference.'),
      A('Good; I will refer to it whenever we talk about scope.'),
    ]),
    F('politeness', 'rate_limit', 'How many pages per hour may the crawler fetch from one site?', ['2,400 pages per hour', '2400 pages per hour'], [
      U('Politeness first, since the faculty servers are small. Oona from the national library said their guideline is at most 2,400 pages per hour per site for institutional crawls, and that the faculty webmasters will complain above that. Some of our sites run on a single old VM, so that limit is more than a formality.'),
      A('Then the crawl profile caps each host at 2400 pages per hour, with a longer delay for the small servers.'),
    ]),
    F('grant', 'account_id', 'Under which grant number is Harrowgate funded?', ['HRZ-GR-2719'], [
      A('For the budget section I need the grant reference the costs are booked against.'),
      U('the finance office has it, I will ask'),
      U('finance says HRZ-GR-2719', { gap: 3 }),
    ]),
    F('storage', 'host', 'Which server will hold the WARC files?', ['cobnut-store2'], [
      U('Storage will be on mallow-store1, the library\'s existing file server.'),
      U('IT changed its mind about storage. The library file server is being retired next year, so the captures go to cobnut-store2 in the university data centre instead. It is on the backed-up tier, which was my main worry anyway.', { gap: 'far' }),
      A('Better; the plan now names the new server.'),
    ], { old: ['mallow-store1'] }),
    F('first-crawl', 'deadline', 'When must the first full crawl be finished?', ['14th of October'], [
      U('The board wants the first full crawl finished not at the end of September but on the 14th of October, the day of the anniversary event where the rector will show it off. That is a hard date.'),
      A('Then the test crawls have to start in August to leave room for fixing the scope.'),
    ]),
    F('dedupe', 'function_added', 'Which new function in the crawl scripts avoids storing the same file twice?', ['dedupe_by_digest'], [
      U('Ravi mentioned he added dedupe_by_digest to the post-processing scripts: it compares the payload digests against the previous month and writes a revisit record instead of the full file. He thinks it saves most of the space.'),
      A('That matches how the replay tools expect revisits; good.'),
    ]),
    F('login-rule', 'constraint', 'What part of the university\'s sites must the crawler stay out of?', ['behind the student login'], [
      U('Legal was very clear about this. Nothing behind the student login may be crawled, even if a session cookie would make it possible. Those pages contain grades and personal data, and archiving them would be a breach. The scope file has to exclude the login paths explicitly.'),
      A('Understood; the exclusions will be explicit and tested before each crawl.'),
    ]),
    F('site-retry', 'retry_policy', 'What does the crawler do when a site does not answer?', ['three times at one-hour intervals'], [
      U('When a faculty site is down during the crawl, I do not want a hole for the whole month. The crawler should come back three times at one-hour intervals, and only then give up until the next crawl. Most outages here are reboots that take twenty minutes.'),
      A('Noted in the crawl profile.'),
    ]),
    F('warc-style', 'preference', 'How does the preservation lead want the capture files stored?', ['WARC files compressed per record'], [
      U('A format preference, from experience. I want WARC files compressed per record, not whole-file gzip. Replay needs random access, and the tools that repair damaged files only work record by record. It costs a little space.'),
      A('Agreed, that is also what the replay software expects.'),
    ]),
    F('linkrot', 'deleted_module', 'Which old job is being retired?', ['linkrot-cron'], [
      U('we can drop the linkrot-cron job, the link checker reports will come from the crawl logs'),
      A('Removed from the plan\'s list of things to migrate.'),
    ]),
    F('budget', 'max_amount', 'What is the approved budget for Harrowgate?', ['€26,500'], [
      U('Budget is €18,000 for the first year, hardware included.'),
      U('Good news from the board: they added the replay service to the first year, so the budget is now €26,500. The extra covers the replay server and two months of a student assistant.', { gap: 'far' }),
      A('Updated the cost table.'),
    ], { old: ['€18,000'] }),
    F('robots-error', 'error_seen', 'What went wrong with the test crawl of the catalogue site?', ['robots.txt fetch timed out after 30s'], [
      U('the test crawl of the catalogue site stopped with "robots.txt fetch timed out after 30s" and then skipped the whole host. should it do that?'),
      A('That is the cautious default: no robots file, no crawl. For our own sites we can allow a longer timeout.'),
    ]),
    F('pywb', 'release_version', 'Which version of the replay software will be installed?', ['pywb 2.8.3'], [
      A('For the replay service, which versions are we committing to? It matters for the server sizing.'),
      U('From the IT spreadsheet:\n\n| component | version | owner |\n|---|---|---|\n| crawler | Heritrix 3 | library |\n| pywb 2.8.3 | replay | IT |\n| Solr 9 | search | IT |', { gap: 2 }),
    ], { after: 'crawler' }),
    F('crawl-delay', 'feature_flag', 'Which crawler setting respects the delay a site asks for?', ['honour_crawl_delay'], [
      A('One more setting I would turn on: honour_crawl_delay, so a site that asks for a delay in its robots file gets it, on top of our own cap. Shall I put it in the profile?'),
      U('ok'),
    ]),
    F('crawl-start', 'time_of_day', 'At what time do the monthly crawls begin?', ['21:40'], [
      U('Timing: the faculty servers are quiet in the evening, so the monthly crawls should begin at 21:40, after the backups have started but before the nightly reports.'),
    ]),
    F('consent', 'open_task', 'What still has to be arranged before the law faculty\'s sites can be archived?', ['ask the law faculty for consent'], [
      U('Open point: we still need to ask the law faculty for consent, their sites host guest lecturers\' material.'),
      A('Added to the open items with the legal office as contact.'),
    ]),
    F('report', 'rotation_interval', 'How often does the library board get a progress report?', ['every fortnight', 'every two weeks'], [
      U('the board wants a short progress report every fortnight, one page'),
      A('Fine, every two weeks it is; the first one after the test crawl.'),
    ]),
    F('takedown-owner', 'owner', 'Who deals with copyright takedown requests?', ['Marisol'], [
      U('So that it is in the plan: anything about copyright takedowns goes to Marisol in the legal office. The archive team must never answer those requests directly.'),
      A('Added to the responsibilities table.'),
    ]),
    F('replay-url', 'path_url', 'At which address will the archive be browsable?', ['archive.harrowgate.example/wayback'], [
      U('The replay will be public at https://archive.harrowgate.example/wayback once it is up, linked from the library homepage.'),
      A('Noted for the announcement.'),
    ]),
  ],
};
