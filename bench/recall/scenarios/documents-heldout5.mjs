import { F, U, A } from './dsl.mjs';

export default {
  id: 'documents-quernstone',
  kind: 'documents',
  split: 'heldout5',
  title: 'A conversation mostly made of pasted documents: the Node.js os and readline reference, read while designing the quernstone interactive setup wizard',
  system: 'You are a senior Node.js engineer helping design "quernstone", an interactive command-line wizard that sets up a home-lab server (detects the machine, asks questions, writes configuration). The user pastes reference documentation; answer briefly and keep track of design decisions.',
  opening: 'I will paste the os docs and then readline, bit by bit, while we design the quernstone wizard. Flag anything that matters for us; keep it short otherwise.',
  units: 180,
  pools: { doc: { files: ['docs-heldout5.txt'], min: 500, max: 1700 } },
  final: 'Let us write the design section "Detecting the machine and asking the questions", based on what we read and agreed.',
  facts: [
    F('prompts', 'technology', 'What will the wizard use to ask its questions?', ['the built-in readline/promises'], [
      A('For the questions themselves we have two options. A prompt library like inquirer gives nice menus but pulls in a lot of dependencies and fights with piped input. Or we use the built-in readline/promises with our own small menu helper, which works the same in a terminal and in a script. For a setup tool that people run over SSH I would go with the built-in one.'),
      U('fine, built-in'),
    ]),
    F('answers-file', 'file_created', 'Where does the wizard store the answers so a run can be repeated?', ['~/.config/quernstone/answers.json'], [
      U('I added the answers file: every run writes ~/.config/quernstone/answers.json, and a second run offers those answers as defaults. Does readline make defaults easy?'),
      A('Not directly; you write the default into the line after the prompt. The docs on rl.write:'),
    ]),
    F('telemetry', 'rate_limit', 'How often may the wizard send anonymous usage pings?', ['1,000 pings per day', '1000 pings per day'], [
      U('About the optional usage pings. Our hosting plan for the collector allows 1,000 pings per day in total, and Elodie mentioned that last release a bug sent one per keystroke. We need to make sure a single run sends exactly one. Everything above the quota is simply dropped by the collector.'),
      A('One ping per completed run then, and none for aborted runs; with 1000 pings per day that leaves plenty of room.'),
    ]),
    F('project-id', 'account_id', 'What is quernstone\'s project identifier at the package registry?', ['QRN-PRJ-40821'], [
      A('For the publishing step I need the project identifier the registry assigned; it is in the registry settings, not in package.json.'),
      U('let me log in there'),
      U('QRN-PRJ-40821', { gap: 2 }),
    ]),
    F('test-box', 'host', 'On which machine is the wizard tested end to end now?', ['hazel-lab7'], [
      U('End-to-end tests run on pipit-nuc, the little box on my shelf.'),
      U('The shelf box died, its SSD gave up. End-to-end tests now run on hazel-lab7, a spare mini PC from the office with the same CPU family, so the os.cpus() output should look similar. I reinstalled it from scratch yesterday.', { gap: 'far' }),
      A('Fine; the expected CPU model in the tests needs updating then.'),
    ], { old: ['pipit-nuc'] }),
    F('beta', 'deadline', 'When is the public beta planned?', ['first of August'], [
      U('Schedule: the public beta is planned not for mid-July but for the first of August, because the documentation site will not be ready earlier. Code should be done two weeks before.'),
      A('Noted.'),
    ]),
    F('mem-func', 'function_added', 'Which helper decides whether the machine has enough memory for the chosen services?', ['check_memory_headroom'], [
      U('I wrote check_memory_headroom(): it takes the selected services, adds up their documented minimums and compares against os.totalmem() minus what is in use. Is freemem() the right thing for "in use"?'),
      A('Not quite; on Linux freemem() ignores reclaimable cache, so it looks worse than it is. The docs say:'),
    ]),
    F('no-root', 'constraint', 'What must the wizard never do without asking?', ['never write outside the home directory without asking'], [
      U('A rule I want written into the design. The wizard must never write outside the home directory without asking, and it must show the exact path before it does. People run it on machines that already host things, and a setup tool that silently edits /etc is exactly what we promised not to be.'),
      A('Agreed; system-wide writes will be a separate confirmed step listing each path.'),
    ]),
    F('fetch-retry', 'retry_policy', 'What does the wizard do when downloading a service image fails?', ['up to three attempts with 2, 4 and 8 seconds in between'], [
      A('When a service image download fails, I suggest the wizard makes up to three attempts with 2, 4 and 8 seconds in between, then stops and prints the mirror list. Home connections drop briefly more often than they fail for minutes.'),
      U('ok'),
    ]),
    F('plain-output', 'preference', 'How should the wizard\'s output look when it is not on a terminal?', ['no colours or spinners when output is piped'], [
      U('Output style: no colours or spinners when output is piped. People log the wizard to a file or run it from Ansible, and escape codes make those logs unreadable. In a real terminal colours are fine.'),
      A('The readline docs have what we need to tell the cases apart:'),
    ]),
    F('old-detect', 'deleted_module', 'Which part did the team remove from the code base?', ['detect-legacy.js'], [
      U('Deleted detect-legacy.js, it parsed /proc by hand and os covers all of it now.'),
      A('Good, one platform-specific file fewer.'),
    ]),
    F('swap', 'max_amount', 'How much swap does the wizard create at most?', ['4 GiB'], [
      U('The wizard creates a swap file of at most 1 GiB.'),
      U('Rethinking the swap cap after the feedback from the forum. Machines with many services but little RAM were swapping heavily with the small file, and disks are large these days. Let us allow up to 4 GiB.', { gap: 'far' }),
      A('Changed in the design.'),
    ], { old: ['1 GiB'] }),
    F('eol-error', 'error_seen', 'What failed when the wizard ran on the Windows test machine?', ['ERR_WICKER_PROMPT_CLOSED'], [
      U('On the Windows machine the wizard crashed right after the last question with ERR_WICKER_PROMPT_CLOSED. We close the interface in the summary step, I think the summary then asks one more thing.'),
      A('That is it: a question after close() throws that. The docs on the close event:'),
    ]),
    F('min-node', 'release_version', 'Which Node.js release does quernstone require at least?', ['v18.19.0'], [
      A('Several of these readline features arrived late; which Node version is the minimum we support?'),
      U('our support table:\n\n| platform | minimum Node |\n|---|---|\n| Debian 12 | v18.19.0 |\n| Ubuntu 24.04 | v18.19.0 |\n| macOS | v20.11.1 |', { gap: 2 }),
      A('readline/promises is stable there; good.'),
    ]),
    F('expert', 'feature_flag', 'Which option skips the explanations between questions?', ['--expert-mode'], [
      A('Experienced users will find the explanations between questions slow. I could add a flag, --expert-mode, that shows only the questions and the defaults. Worth it?'),
      U('yes'),
    ]),
    F('update-check', 'time_of_day', 'At what time does the installed wizard check for updates?', ['03:10'], [
      U('The installed wizard checks for updates once a night, Milena told me she picked 03:10 so that it never overlaps the backup window of the typical home NAS.'),
      A('I will add a random spread of a few minutes around that so the server does not get every request at once.'),
    ]),
    F('arm', 'open_task', 'What still needs testing before the beta?', ['test on the 32-bit ARM boards'], [
      U('Still open before the beta: we have to test on the 32-bit ARM boards, os.arch() says arm there and some service images do not exist for it.'),
      A('Noted as open.'),
    ]),
    F('sign-key', 'rotation_interval', 'How often is the release signing key replaced?', ['once a year', 'every twelve months'], [
      U('the release signing key gets replaced once a year, in January'),
      A('Then the wizard should ship the next public key ahead of time; with a key renewed every twelve months that is easy to plan.'),
    ]),
    F('docs-owner', 'owner', 'Who looks after the quernstone documentation site?', ['Casimir'], [
      U('For the design doc: anything about the documentation site goes to Casimir. He also decides the wording of the help texts, so check them with him.'),
      A('Noted.'),
    ]),
    F('mirror-url', 'path_url', 'Where does the wizard download the service images from?', ['images.quernstone.example/stable/'], [
      U('Images come from https://images.quernstone.example/stable/ with a fallback to the community mirrors.'),
      A('The fallback list should then be in the answers file too, so users can pin one.'),
    ]),
  ],
};
