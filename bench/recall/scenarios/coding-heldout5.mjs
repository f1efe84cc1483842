import { F, U, A, CALL } from './dsl.mjs';

const RIFF = `"""Reads the RIFF/WAVE chunks of a master recording without decoding the audio."""
import chunk
import struct


def iter_chunks(fp):
    while True:
        try:
            ck = chunk.Chunk(fp, bigendian=False)
        except EOFError:
            return
        yield ck.getname(), ck
        ck.skip()
`;
const UPLOADER = `from urllib3.util.retry import Retry

# object store uploads: transient 5xx and throttling answers are retried here, nowhere else
UPLOAD_RETRY = Retry(total=6, backoff_factor=2, status_forcelist=(429, 500, 502, 503))
`;

export default {
  id: 'coding-larchmere',
  kind: 'coding',
  split: 'heldout5',
  title: 'Coding session: the larchmere audio archive of a podcast studio (RIFF chunk reading, cue points, transcoding, object-store uploads), with tool calls, pasted stdlib sources, dpkg logs and tracebacks',
  system: 'You are a coding assistant in the user\'s repository "larchmere", a Python service that archives the master recordings of a podcast studio, reads their metadata, transcodes listening copies and uploads both to object storage. Tools: read_file, write_file, edit_file, grep, run_shell.',
  opening: 'hi. larchmere week. the archive grew past what the old scripts can handle, so I want to clean up the probing and the uploads. some of it leans on chunk, sndhdr, pipes and getpass, so expect stdlib code pasted now and then.',
  units: 112,
  pools: {
    code: { files: ['code-heldout5.txt'], min: 250, max: 1100 },
    tb: { files: ['logs-heldout5.txt'], only: ['tracebacks'], min: 40, max: 320 },
    logs: { files: ['logs-heldout5.txt'], only: ['dpkg.log'], min: 300, max: 900 },
  },
  final: 'Thanks. Please write the changelog for this week in a few bullet points the studio\'s producers can follow.',
  facts: [
    F('probe-lib', 'technology', 'What will larchmere use to read the tags and durations of the recordings?', ['mutagen'], [
      A('For the tags and durations there are two routes. We can shell out to ffprobe for every file and parse its JSON, which is what the old scripts did and which costs a process per file. Or we use mutagen, a pure-Python library that reads the headers directly and is far quicker on thousands of files. I would go with the library.'),
      U('ok, the library'),
      CALL('run_shell', { command: 'pip install mutagen==1.47.0 && python -m pytest -q tests/probe' }, 'Successfully installed mutagen-1.47.0\n41 passed in 3.88s'),
    ]),
    F('riff-file', 'file_created', 'Which new module reads the chunk structure of the master files?', ['larchmere/probe/riff_reader.py'], [
      CALL('write_file', { path: 'larchmere/probe/riff_reader.py', content: RIFF }, `wrote ${RIFF.length} bytes`),
      A('Done; it walks the chunks and skips the audio data, so even the three-hour masters open instantly.'),
    ]),
    F('put-limit', 'rate_limit', 'How fast may larchmere send uploads to the object store?', ['3,000 PUT requests per minute', '3000 PUT requests per minute'], [
      U('Something about throttling before you touch the uploader. Tomasz from the hosting company told me the object store allows 3,000 PUT requests per minute per bucket. Above that it answers 503 SlowDown and the old script treated that as a hard failure. We hit it last week when we re-uploaded a whole season.'),
      A('Then the uploader keeps a token bucket at 3000 PUT requests per minute and treats SlowDown as a reason to wait, not to fail.'),
    ]),
    F('storage-acct', 'account_id', 'Under which storage account are the masters kept?', ['LRM-ST-88214'], [
      CALL('run_shell', { command: 'grep STORAGE_ .env.production' }, 'STORAGE_ACCOUNT=LRM-ST-88214\nSTORAGE_REGION=eu-north\nSTORAGE_BUCKET_PREFIX=larchmere'),
      A('The account is configured in the production env file, so the uploader can read it from there.'),
    ]),
    F('tx-host', 'host', 'On which machine does the transcoding run now?', ['kestrel-tx3'], [
      U('transcoding runs on wren-tx1 by the way, the box under the desk in the studio'),
      U('Heads-up on infrastructure. The studio box died during the heatwave, so transcoding moved to kestrel-tx3 in the rack at the hosting company. It has a proper GPU, and the job picked up fine this morning.', { gap: 'far' }),
      A('Good; I will make the job read the machine name from the config instead of the hard-coded one.'),
    ], { old: ['wren-tx1'] }),
    F('launch', 'deadline', 'When must the new archive be running?', ['Tuesday the 17th'], [
      U('Timing: the producers want the new archive live not on Thursday the 12th as planned but on Tuesday the 17th, because the season finale is recorded on the 16th and they do not want changes that week. That gives us a little more room.'),
      A('Good, then we finish the uploader before the cue-point work.'),
    ]),
    F('cue-func', 'function_added', 'Which function reads the chapter markers from a master file?', ['read_cue_points'], [
      CALL('edit_file', { path: 'larchmere/probe/riff_reader.py', append: '\n\ndef read_cue_points(path):\n    with open(path, "rb") as fp:\n        fp.seek(12)\n        for name, ck in iter_chunks(fp):\n            if name == b"cue ":\n                count, = struct.unpack("<I", ck.read(4))\n                return [struct.unpack("<II4sIII", ck.read(24)) for _ in range(count)]\n    return []\n' }, 'edited larchmere/probe/riff_reader.py (+10 lines)'),
      A('The chapter markers are now read straight from the cue chunk.'),
    ]),
    F('masters-rule', 'constraint', 'What must larchmere never do to the original recordings?', ['never re-encode a master in place'], [
      U('The one rule that matters more than speed. We never re-encode a master in place, not even to fix a broken header. The masters are what the studio sells to the radio stations, and a lossy pass would be noticed by their engineers. Any repair writes a new file next to the original.'),
      A('Understood; every writer in the code path will open a new file and the masters are opened read-only.'),
    ]),
    F('upload-retry', 'retry_policy', 'How does the uploader retry an upload the object store rejects?', ['total=6, backoff_factor=2'], [
      CALL('write_file', { path: 'larchmere/upload/retry.py', content: UPLOADER }, `wrote ${UPLOADER.length} bytes`),
      A('The retry settings live in one place now; the upload functions import them.'),
    ], { after: 'put-limit' }),
    F('typing', 'preference', 'What does the developer insist on in the code style?', ['type hints on every public function'], [
      U('Style note, since you will write a fair amount of code. I want type hints on every public function, including the small helpers. The last contractor left half the package untyped and mypy was useless. Private helpers can skip them if they are obvious.'),
      A('Noted, I will type the public API throughout.'),
    ]),
    F('waveform', 'deleted_module', 'Which part of the code base was removed this week?', ['legacy_waveform'], [
      A('The web player draws its own waveforms now, and the old waveform renderer is still in the tree with nothing importing it. Remove it?'),
      U('go ahead'),
      CALL('run_shell', { command: 'git rm -rq larchmere/legacy_waveform && python -m pytest -q' }, '57 passed in 4.41s'),
    ]),
    F('upload-cap', 'max_amount', 'What is the largest single file the uploader accepts now?', ['7.5 GB'], [
      U('The uploader refuses anything over 2.5 GB, that is fine for episodes.'),
      U('Change of plan on sizes. The studio now records the live shows as one multitrack file, and those come out much bigger than an episode. Let the uploader accept files up to 7.5 GB, the object store handles that with multipart anyway.', { gap: 'far' }),
      A('Raised it and switched those files to multipart uploads.'),
    ], { old: ['2.5 GB'] }),
    F('cue-error', 'error_seen', 'What error stopped the probe on the corrupted episode?', ['cue chunk length 4294967295 exceeds file size'], [
      CALL('run_shell', { command: 'python -m larchmere.probe masters/s04e09.wav' }, 'Traceback (most recent call last):\n  File "larchmere/probe/riff_reader.py", line 27, in read_cue_points\nValueError: cue chunk length 4294967295 exceeds file size'),
      A('That file has a cue chunk whose length field is all ones, a known bug of one recorder firmware. I will make the reader skip such a chunk with a warning.'),
    ]),
    F('ffmpeg', 'release_version', 'Which ffmpeg build is installed on the transcoding machines?', ['6.1.1-0larch2'], [
      A('Before I rely on the newer loudness filter: which ffmpeg do the machines have?'),
      U('this is what the inventory says:\n\n| tool | version |\n|---|---|\n| sox | 14.4.2 |\n| ffmpeg | 6.1.1-0larch2 |\n| flac | 1.4.3 |', { gap: 2 }),
      A('That build has the filter; good.'),
    ]),
    F('silent-tails', 'feature_flag', 'Which option trims the silence at the end of the listening copies?', ['trim_trailing_silence'], [
      A('Many masters end with a minute of room tone. I can add an option, trim_trailing_silence, that cuts it from the listening copies only; the masters stay untouched. Turn it on?'),
      U('yes'),
      CALL('edit_file', { path: 'larchmere/transcode/options.py', append: '\nTRIM_TRAILING_SILENCE = True  # listening copies only\n' }, 'edited larchmere/transcode/options.py (+1 line)'),
    ]),
    F('batch-time', 'time_of_day', 'At what time does the nightly upload batch start?', ['05:15', 'a quarter past five in the morning'], [
      U('the nightly batch should start at a quarter past five in the morning, after the backup of the studio NAS finished'),
      A('Scheduled the upload batch for 05:15.'),
    ]),
    F('transcripts', 'open_task', 'What archive work is still outstanding?', ['backfill the season 3 transcripts'], [
      U('Not for this week: we still need to backfill the season 3 transcripts, they only exist as Word files on someone\'s laptop.'),
      A('Noted for the changelog as open.'),
    ]),
    F('key-rotation', 'rotation_interval', 'How often are the storage access keys replaced?', ['every 50 days'], [
      U('About the access keys: Ines said the storage keys get rotated every 50 days by the hosting company, and the new one lands in the vault the day before.'),
      A('Then I will read the key from the vault at start-up instead of caching it.'),
    ]),
    F('feeds-owner', 'owner', 'Whom should the team ask about the RSS feeds?', ['Bartholomew'], [
      U('If anything in the feed generator looks odd, do not guess: anything about the RSS feeds goes to Bartholomew, he built them and he knows why the enclosure URLs look the way they do.'),
      A('Good to know; I will leave the feed code alone and note questions for him.'),
    ]),
    F('bucket-url', 'path_url', 'Where in object storage do the raw masters go?', ['larchmere-masters/raw'], [
      A('Which bucket path should the masters be uploaded to? The code has two candidates.'),
      U('let me check the console'),
      U('s3://larchmere-masters/raw/ — the listening copies go elsewhere', { gap: 2 }),
    ]),
  ],
};
