import { F, U, A } from './dsl.mjs';

export default {
  id: 'planning-saltcote',
  kind: 'planning',
  split: 'heldout4',
  title: 'Planning discussion: project Saltcote, rebuilding a regional newspaper\'s nightly text pipeline (wire feeds, sed and grep clean-up scripts, typesetting) on new servers, going through the grep, sed and patch NEWS files',
  system: 'You are helping the technical lead of a regional newspaper plan project Saltcote: replacing the nightly pipeline that pulls agency copy, cleans it with grep and sed scripts and hands it to typesetting. Keep track of what is agreed, and point out risks.',
  opening: 'Hi. Saltcote got the green light yesterday. The old pipeline is twenty years of shell scripts nobody dares touch, so I will paste the upstream NEWS of the tools we depend on and tell you what the newsroom and IT tell me.',
  units: 210,
  pools: { notes: { files: ['planning-heldout4.txt'], min: 300, max: 1000 } },
  final: 'Please write the one-page plan for the editor-in-chief: what changes, when, what it costs, and who decides what.',
  facts: [
    F('orchestrator', 'technology', 'What will schedule and watch the steps of the new pipeline?', ['Dagster'], [
      A('For running the steps there are two realistic choices. One: Dagster, which gives us retries per step, a web view the night desk can read and a record of every run. Two: keep cron and add our own lock files and alert mails, which is cheaper now and more work later. I lean to the first, mainly for the night desk.'),
      U('ok, the first one'),
    ]),
    F('risk-file', 'file_created', 'Where is the project\'s list of risks kept?', ['saltcote-risks.ods'], [
      U('I started the risk register as saltcote-risks.ods in the project folder, with the three risks from the kickoff. Add whatever you spot as we go.'),
      A('Will do. The first thing I would add is the regular-expression changes in the newer grep, which can change what our filters match.'),
    ]),
    F('feed-limit', 'rate_limit', 'How often may Saltcote query the news agency\'s feed?', ['300 requests per 15 minutes'], [
      U('Something from the agency call this morning. Dorota, their integration person, said the feed allows 300 requests per 15 minutes per subscriber key, and above that they return errors for the rest of the window. Our old scripts poll every story separately, so on a busy election night we would hit that in minutes. The new pipeline has to fetch in batches.'),
      A('Noted in the register; the fetch step will ask for changes since the last cursor instead of story by story.'),
    ]),
    F('cost-centre', 'account_id', 'Which cost centre are Saltcote\'s expenses booked against?', ['KST-2219-SC'], [
      A('For the hardware order finance will want a cost centre. Do you have the one for Saltcote?'),
      U('not yet, the controller creates it this week'),
      U('Finance sent it: KST-2219-SC. Use it for everything, licences included.', { gap: 3 }),
    ]),
    F('prod-host', 'host', 'Which machine will do the typesetting in production?', ['inkwell-p1'], [
      U('IT assigned the machines, here is their table:\n\n| role | machine | notes |\n|---|---|---|\n| staging, all steps | inkwell-s1 | shared with the web team |\n| production typesetting | inkwell-p1 | new, 64 GB RAM |\n| production fetch and clean | quire-p2 | the old archive box, reused |'),
      A('Good split. I would keep the fetch step off the typesetting machine, as they did, so a hung feed cannot slow the pages.'),
    ]),
    F('go-live', 'deadline', 'When is the new pipeline supposed to take over from the old one?', ['1 July'], [
      U('Go-live is planned for 3 June, the Monday after the local elections.'),
      U('News from the management meeting. The board does not want any change to the night process during the summer festival coverage, and IT cannot deliver the second machine before mid-June anyway. So the switch-over moves to 1 July. It gives us time for a proper parallel run.', { gap: 'far' }),
      A('Then I would plan two weeks of parallel running before the switch-over, both pipelines producing pages and the night desk comparing them.'),
    ], { old: ['3 June'] }),
    F('dashes', 'function_added', 'Which new clean-up step deals with the agencies\' inconsistent dashes?', ['normalise_dashes'], [
      A('The agencies mix hyphens, en dashes and em dashes, and the old sed scripts fix them in four different places, inconsistently. I suggest one step, normalise_dashes, before everything else, with the rules in one table the chief sub-editor can review. Fine?'),
      U('fine'),
    ]),
    F('archive-ro', 'constraint', 'What restriction applies to the text archive while the migration is under way?', ['read-only during the migration'], [
      U('A hard constraint from the legal department, please put it at the top. The archive of published stories is evidence in a defamation case that is still running. So the archive stays read-only during the migration, no re-indexing, no clean-up, no "fixing" old encodings. We copy from it, we never write to it.'),
      A('Understood. The migration reads from a snapshot, and the archive mount on the new machines will be read-only as well.'),
    ]),
    F('feed-retry', 'retry_policy', 'What happens when a fetch from the agency feed fails?', ['every 2 minutes, at most 10 attempts', 'ten attempts, two minutes apart'], [
      U('for failed fetches from the agency: try again every 2 minutes, at most 10 attempts, then alert the night desk'),
      A('So ten attempts, two minutes apart, and after the last one a message to the night desk. That fits inside the request allowance even on a bad night.'),
    ]),
    F('status', 'preference', 'How does the editor-in-chief want to be kept informed about the project?', ['written status every Friday'], [
      U('About reporting. Lotte, the editor-in-chief, told me she does not want another weekly meeting. She prefers a short written status every Friday, half a page, with what is late in bold. Can you remind me to write it?'),
    ]),
    F('hyphen-pl', 'deleted_module', 'Which old script will not be carried over into the new pipeline?', ['hyphen.pl'], [
      U('One decision from the typesetters: hyphen.pl goes. The layout software does its own hyphenation now and the script only introduces errors in names. So we do not port it.'),
      A('One script fewer. I will check that nothing else reads its output.'),
    ]),
    F('budget', 'max_amount', 'How much money is available for Saltcote?', ['48,000'], [
      U('Budget: €36,000 for everything, hardware and licences included.'),
      U('The board approved more money after IT explained the second machine: the budget is now €48,000, and they want the extra spent on the parallel run, not on features.', { gap: 'far' }),
      A('Updated the cost sheet; the parallel run and the second machine fit with a small reserve.'),
    ], { old: ['36,000'] }),
    F('sed-error', 'error_seen', 'What did sed report when the old clean-up scripts were tried on the new server?', ['expression #3, char 41'], [
      U('first trial run of the old scripts on the new box, and sed stops with: sed: -e expression #3, char 41: unterminated `s\' command. same script works on the old server'),
      A('That is usually an unescaped newline or a delimiter inside the replacement that the old sed tolerated. The NEWS files may list the change; let us look for it.'),
    ]),
    F('legacy-tag', 'release_version', 'Which version of the old pipeline is running today?', ['legacy-2.7.14'], [
      A('To compare output in the parallel run we need to pin the old pipeline. Which version is deployed now?'),
      U('I have to look in the deploy log'),
      U('It is tagged saltcote-legacy-2.7.14, deployed in 2019 and never touched since.', { gap: 2 }),
    ]),
    F('dry-run', 'feature_flag', 'Which setting sends the new pipeline\'s output to staging instead of the printer?', ['dry_run_to_staging'], [
      A('For the parallel run, the new pipeline must not send pages to the printer. I would add a single setting, dry_run_to_staging, that diverts the final hand-off to the staging share and nothing else, so we test the real path up to the last step. Do we do that?'),
      U('yep'),
    ]),
    F('nightly-start', 'time_of_day', 'At what time does the nightly run start?', ['01:45'], [
      U('For the schedule: the nightly run starts at one — no, not at one, that was the old timing; it starts at 01:45, after the sports desk closes its last page. Anything that runs before that misses the late results.'),
      A('So the fetch and clean steps are scheduled from then on, and typesetting when they finish.'),
    ]),
    F('fonts', 'open_task', 'What is still unresolved before the new typesetting machine can be used?', ['licence check for the fonts'], [
      U('Open point for the list: the licence check for the fonts. Our font licence may be per machine, and we are adding two machines.'),
      A('Added to the register as open, with you as the one asking the foundry.'),
    ]),
    F('key-life', 'rotation_interval', 'How long is the agency subscriber key valid before it is replaced?', ['every 200 days'], [
      U('the agency subscriber key has to be renewed every 200 days, and they do not remind anyone. last time the feed was down for a night because of it'),
      A('Then the new pipeline should warn two weeks before expiry, and the renewal should be in the handover document.'),
    ]),
    F('signoff', 'owner', 'Who gives the final approval for the switch-over?', ['Ansgar'], [
      A('Who on the newsroom side signs off the switch-over? It should not be IT alone.'),
      U('Good question, I will ask Lotte.'),
      U('Ansgar, the night editor, signs it off. He is the one who would be woken up if it breaks.', { gap: 2 }),
    ]),
    F('board', 'path_url', 'Where does the project track its tasks?', ['plan.saltcote.example/board/42'], [
      U('The tasks live on https://plan.saltcote.example/board/42 now, the spreadsheet is frozen.'),
    ]),
  ],
};
