import { F, U, A, CALL } from './dsl.mjs';

const GATE = `"""Finds stretches of dead air in a master before it is published."""
import audioop
import wave


def dead_air(path, threshold=64, min_seconds=4.0):
    with wave.open(path, "rb") as w:
        rate, width = w.getframerate(), w.getsampwidth()
        quiet = 0
        while frames := w.readframes(rate // 10):
            quiet = quiet + 1 if audioop.rms(frames, width) < threshold else 0
            if quiet / 10 >= min_seconds:
                return True
    return False
`;

export default {
  id: 'coding-brackenridge',
  kind: 'coding',
  split: 'heldout3',
  title: 'Coding session: the brackenridge podcast packager (WAV checks, metadata plists, feed publishing), with tool calls, pasted stdlib sources, dpkg logs and tracebacks',
  system: 'You are a coding assistant in the user\'s repository "brackenridge", a Python tool that checks podcast masters, writes their metadata and publishes episodes to the network\'s hosting provider. Tools: read_file, write_file, edit_file, grep, run_shell.',
  opening: 'ok, brackenridge. the network wants the packager cleaned up before they send us the back catalogue, and half of it leans on wave, mimetypes and plistlib, so expect me to paste stdlib code at you.',
  units: 110,
  pools: {
    code: { files: ['code-heldout3.txt'], min: 250, max: 1100 },
    tb: { files: ['logs-heldout3.txt'], only: ['tracebacks'], min: 40, max: 320 },
    logs: { files: ['logs-heldout3.txt'], only: ['dpkg.log'], min: 300, max: 900 },
  },
  final: 'Good. Write me a short summary of this week\'s changes for the network\'s tech contact, plain prose, no headings.',
  facts: [
    F('loudness', 'technology', 'What tool levels the episode loudness in brackenridge?', ['ffmpeg-normalize'], [
      A('About the loudness pass: writing our own EBU R128 measurement on top of audioop would take a week and still be slower than what exists. I would shell out to ffmpeg-normalize with the podcast target of -16 LUFS, keep its JSON report next to the episode, and only fail the job when the measured value is off by more than one LU afterwards. That leaves us one binary to pin in the image.'),
      U('sure'),
    ]),
    F('gate', 'file_created', 'Where does the new dead-air detector live?', ['checks/silence_gate.py'], [
      U('the silence thing keeps growing inside publish.py. can it go somewhere of its own?'),
      CALL('write_file', { path: 'brackenridge/checks/silence_gate.py', content: GATE }, `wrote ${GATE.length} bytes to brackenridge/checks/silence_gate.py`),
      A('Moved it out; publish.py now only calls dead_air().'),
    ]),
    F('upload-cap', 'rate_limit', 'How often may brackenridge publish to the Fernhill hosting API before it is throttled?', ['twelve uploads an hour', '12 uploads an hour'], [
      U('While you are in the publisher, some context that is not written down anywhere. Fernhill is the hosting company the network pays for, and their API is fine until you go fast. The limit they told us is twelve uploads an hour per account; the thirteenth gets a 429 and the account is then frozen for the rest of the hour, which bit us when Jonas re-published a whole season in one go. So the back-catalogue import has to pace itself.'),
    ]),
    F('publisher-no', 'account_id', "What is the podcast network's publisher number at Fernhill?", ['FH-PUB-77313'], [
      A('The config has `publisher = "CHANGEME"`. Do you know what the real value is?'),
      U('not by heart, I need to dig through the contract mails'),
      U('there: FH-PUB-77313. it is not secret, the token is', { gap: 3 }),
    ]),
    F('encoder', 'host', 'Which machine does the audio encoding now?', ['shearwater'], [
      U('For the record, the encoding jobs run on gannet, the big desktop in the studio. It is noisy but it has the cores.'),
      U('Change of plan on the hardware front, sorry. The studio desktop lost a disk last night, and rather than rebuild it we moved the encoding jobs to shearwater, which is the rack box at the co-working space. It has more cores anyway. The paths are the same, I copied the checkout over.', { gap: 'far' }),
      A('Good, then nothing in the repository changes; I will only update the hostname in the deploy notes.'),
    ], { old: ['gannet'] }),
    F('catalogue-date', 'deadline', 'By what date must the old episodes be moved over to the new host?', ['3rd of November'], [
      U('Timeline, because you will ask. The network signed with Fernhill in the summer and the old host stops serving files at the end of the year, so they want every back-catalogue episode migrated before the 3rd of November, to leave a buffer for the RSS redirects. After that I would like to stop thinking about this project for a while.'),
    ]),
    F('peak', 'function_added', 'Which helper keeps peaks from clipping in brackenridge?', ['clamp_true_peak'], [
      A('Some masters come in with inter-sample peaks above 0 dBTP, and after the MP3 encode they clip audibly. I can add a small helper that measures the true peak on the oversampled signal and applies just enough gain reduction to land at -1 dBTP. Want it?'),
      U('ok'),
      CALL('edit_file', { path: 'brackenridge/audio.py', after_line: 58, insert: 'def clamp_true_peak(samples, rate, ceiling_db=-1.0):\n    """Reduces gain so the 4x-oversampled peak stays below ceiling_db."""\n' }, 'inserted 2 lines after line 58'),
    ]),
    F('masters', 'constraint', 'Which files must brackenridge never overwrite?', ['master WAVs'], [
      U('Please take this one seriously, it is the only thing the hosts ever yell at me about. The master WAVs we receive are the only copy; the hosts record on a portable recorder and wipe the cards. So nothing in brackenridge writes over them, ever — not the normaliser, not the tagger, not a test fixture. Work on a copy in the scratch folder and leave the original where it is.'),
      A('Understood. I will open the originals read-only everywhere and add a test that fails if any code path opens one for writing.'),
    ]),
    F('upload-retry', 'retry_policy', 'What happens when an upload to the hosting API fails?', ['four times, thirty seconds apart'], [
      A('On failed uploads: Fernhill\'s API sometimes answers 502 for a minute or two when they deploy. Given the hourly limit I would not retry aggressively. My suggestion is to try again four times, thirty seconds apart, and if it still fails, park the episode in the "stuck" list and carry on with the next one, so a bad minute does not block the whole batch.'),
      U('fine'),
    ]),
    F('chapters', 'preference', 'In what form should the chapter information travel with each episode?', ['ID3 CHAP frames'], [
      U('Chapters. The previous developer wrote them into a side JSON file that no podcast app reads. I want them inside the MP3 as ID3 CHAP frames, with the table of contents frame too, so they show up in the apps people actually use.'),
      A('That is what mutagen can write directly; I will switch the tagger over.'),
    ]),
    F('soxwrap', 'deleted_module', 'Which old module that wrapped the sox command was deleted from brackenridge?', ['soxwrap'], [
      U('is the thing that shelled out to sox still used? I think the normaliser replaced it'),
      CALL('grep', { pattern: 'import soxwrap', path: 'brackenridge/' }, ''),
      CALL('run_shell', { command: 'git rm -q brackenridge/soxwrap.py && python -m pytest -q' }, '57 passed in 4.81s'),
      A('Nothing imported it any more, so it is gone; the 57 tests still pass.'),
    ]),
    F('episode-size', 'max_amount', 'What is the largest episode file the hosting will accept?', ['220 MB'], [
      U('One constraint from Fernhill: uploads above a hundred and fifty megabytes are rejected, so the two-hour specials have to go at a lower bitrate.'),
      U('Fernhill support got back to me about the long specials. They raised our per-file ceiling to 220 MB, so we can keep the normal bitrate for everything except the marathon episode.', { gap: 'far' }),
      A('Then I will drop the special-case bitrate and keep only a size check against the new ceiling.'),
    ], { old: ['hundred and fifty megabytes'] }),
    F('wave-error', 'error_seen', 'What did the wave module complain about when reading the Tuesday episode?', ['unknown format: 65534'], [
      U('the tuesday episode blows up in the checker: wave.Error: unknown format: 65534. it plays fine in every player I tried'),
      A('65534 is WAVE_FORMAT_EXTENSIBLE, which the wave module does not parse. The recorder writes it for 24-bit files; we can rewrite the header to plain PCM on the scratch copy before checking.'),
    ]),
    F('deployed', 'release_version', "Which brackenridge version is live on the network's server?", ['0.19.4'], [
      A('Before I backport the header fix: which tag is deployed on their server? pip show in the venv will tell you.'),
      U('Version: 0.19.4'),
    ]),
    F('mono', 'feature_flag', 'Which setting refuses masters recorded in a single channel?', ['reject_mono_masters'], [
      A('Twice now a host sent a master where the second microphone was not recorded, and we only noticed after publishing. I would add a setting, reject_mono_masters, that makes the checker stop when a file has one channel, or two identical ones. On for the network, off for the test fixtures. Shall I?'),
      U('sure, do it'),
    ]),
    F('release-hour', 'time_of_day', 'At what hour are new episodes released to listeners?', ['6 a.m. Eastern'], [
      U('The scheduling bit in publish.py is confusing, so here is the rule it is supposed to implement: new episodes go out at 6 a.m. Eastern on their release day, because most of the audience listens on the commute. The publish job uploads the night before and flips the visibility at that hour.'),
    ]),
    F('transcripts', 'open_task', 'What is still left to do for the episodes coming from Libsyn?', ['transcript import'], [
      U('not for today, but write it down: the transcript import for the Libsyn episodes is still missing. they exported the audio but the transcripts are in a separate zip.'),
      A('Added to TODO.md under the catalogue migration.'),
    ]),
    F('token-life', 'rotation_interval', 'How long does a Fernhill access token last before it must be replaced?', ['50 days'], [
      U('Heads-up on the token in the vault. Fernhill tokens expire after 50 days and nobody gets a warning, the uploads just start failing with 401. Could the publisher at least log how old the token is?'),
      A('I will read the issue date from the token and warn when it is older than five weeks.'),
    ]),
    F('feed-owner', 'owner', "Who maintains the code that builds the podcast's RSS?", ['Tobias'], [
      U('Do not refactor feed.py on the side, please. That part is Tobias\'s, he wrote it and he reviews every change to it.'),
    ]),
    F('feed-url', 'path_url', 'Where can the published podcast feed be fetched?', ['feeds.fernhill.example/brackenridge/main.xml'], [
      CALL('run_shell', { command: 'python -m brackenridge.publish --dry-run --print-feed-url' }, 'feed: https://feeds.fernhill.example/brackenridge/main.xml (cached 300 s)'),
      A('The publisher points at the right feed URL; it is cached for five minutes, so checks right after an upload may look stale.'),
    ]),
  ],
};
