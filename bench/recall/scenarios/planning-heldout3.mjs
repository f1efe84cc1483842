import { F, U, A } from './dsl.mjs';

export default {
  id: 'planning-hollowmere',
  kind: 'planning',
  split: 'heldout3',
  title: 'Planning discussion: project Hollowmere, moving a library\'s digitisation archive from gzip tarballs to xz on tape, going through the tar, gzip and xz-utils NEWS files',
  system: 'You are helping the systems librarian of a city library plan project Hollowmere: re-packing the digitisation archive (scanned books, newspapers, maps) into xz-compressed tarballs on LTO tape. Keep track of what is agreed and point out risks.',
  opening: 'Hello. Hollowmere is finally funded, so we need a real plan: new tar, xz instead of gzip, and the tape robot. I will paste the upstream NEWS files as we go and add what the curators and facilities tell me.',
  units: 210,
  pools: { notes: { files: ['planning-heldout3.txt'], min: 300, max: 1000 } },
  final: 'Please write the project summary for the library board: what we change, when, what it costs, and who is responsible for what.',
  facts: [
    F('compressor', 'technology', 'Which compressor will pack the archive tarballs in parallel?', ['pixz'], [
      A('Single-threaded xz at a sensible preset would need about nine days for the whole archive on the packing server. Two ways around that: run several xz processes side by side on separate batches, or use pixz, which compresses one tarball on all cores and also writes an index, so a single file can later be pulled out of a big archive without decompressing everything before it. The index matters for your restore requests.'),
      U('sure, the second one'),
    ]),
    F('checklist', 'file_created', 'In which document are the steps for the switch-over day being collected?', ['cutover-checklist.md'], [
      U('Amara got ahead of us and started the list of everything that has to happen on the day we flip to the new chain. It is ops/hollowmere/cutover-checklist.md in our admin repository, about twenty items so far, most of them about the robot.'),
    ]),
    F('robot-jobs', 'rate_limit', 'How many jobs may write to the tape robot in parallel?', ['three write jobs at once'], [
      U('Facilities sent the specs of the tape robot. It has four drives, but one is reserved for restores requested by readers, and the controller firmware gets unstable with more than three write jobs at once. So even if the packing is faster, the writing side is capped. Could you take that into account when you estimate the duration?'),
      A('Yes — with three writers the tape side becomes the bottleneck after the first week; I will plan the packing to run ahead by a few days and buffer on disk.'),
    ]),
    F('grant', 'account_id', 'Which grant reference is the archive work charged to?', ['HLM-2291-DIG'], [
      A('The tape order and the overtime will need a cost reference. Is Hollowmere booked on the digitisation grant or on the regular IT budget?'),
      U('The grant. I need to look up the reference, it is on the award letter.'),
      U('Here it is: HLM-2291-DIG.', { gap: 3 }),
    ]),
    F('restore-box', 'host', 'On which server are trial restores carried out?', ['sedge'], [
      U('Test restores: we will do them on marram, the old catalogue server, it has enough disk.'),
      U('Scratch what I said about the restore machine. IT is retiring the old catalogue server in spring, so the trial restores go to sedge instead. It is newer and it is closer to the robot on the network.', { gap: 'far' }),
      A('Fine; I will change the restore drill to use that host.'),
    ], { old: ['marram'] }),
    F('board-date', 'deadline', 'When must the compression switch be finished according to the board?', ['30th of September'], [
      U('About timing: the board meets in autumn and they want to report the project as finished. In practice that means the last batch has to be on tape by the 30th of September, not just packed. I would like two weeks of slack before that, in case the robot has a bad day.'),
      A('Then the internal target is mid-September, with the last fortnight as buffer.'),
    ]),
    F('integrity', 'function_added', 'Which check was added to the nightly script to test compressed archives?', ['verify_xz_integrity'], [
      U('I added verify_xz_integrity() to the nightly script. It runs xz -t on every new archive and stops the tape step when one fails, so we never write a damaged file to tape.'),
      A('Good. It might be worth logging the duration as well, to notice when a tape drive is getting slow.'),
    ]),
    F('masters', 'constraint', 'What must hold for the scanned originals when they are archived?', ['bit-identical'], [
      U('The curators were very clear in the meeting, and they have the final word on this. The TIFF scans must stay bit-identical to what the scanner produced: no conversion to another format, no "harmless" metadata rewrite, no recompression inside the TIFF. Only the outer tarball gets compressed. If a tool cannot guarantee that, we do not use it.'),
      A('Understood. I will add a checksum comparison of every TIFF before and after a restore to the drill, so we can prove it.'),
    ]),
    F('tape-retry', 'retry_policy', 'What happens when writing to a tape fails?', ['retry on a different drive once'], [
      A('For write errors I propose a simple rule: retry on a different drive once, and if that also fails, mark the cartridge suspect, take it out of the pool and send a mail to facilities. Retrying on the same drive mostly hides a dirty head.'),
      U('ok'),
    ]),
    F('preset', 'preference', 'Which xz compression setting does Fenna favour?', ['preset 6'], [
      U('Fenna from the scanning team did some measurements on a sample of the newspapers. She says preset 6 is the sweet spot; going to 9 saves almost nothing on scanned images and doubles the time. She would rather we keep the faster one, and I trust her numbers.'),
    ]),
    F('bzip2', 'deleted_module', 'Which leftover code path is being removed from the archive script?', ['bzip2 fallback'], [
      U('And while we are at it, the bzip2 fallback in the archive script goes. It was added for a tape drive we no longer own, and nobody has seen it run in years.'),
      A('Agreed, one branch less to test.'),
    ]),
    F('tape-budget', 'max_amount', 'How much money is available for buying LTO cartridges?', ['1,800 euros'], [
      U('The grant includes 2,400 euros for new tapes, so we can buy a full set for the re-pack.'),
      U('Bad news from finance. They had to move money to the roof repair, and the amount for tape cartridges is now 1,800 euros. We might have to reuse some of the old tapes after all.', { gap: 'far' }),
      A('That buys about two thirds of a full set; I will plan the last batches onto erased old cartridges.'),
    ], { old: ['2,400 euros'] }),
    F('eof', 'error_seen', 'What did tar print when the 2019 batch was extracted?', ['Unexpected EOF in archive'], [
      U('Bad sign from the trial run: extracting the 2019 batch stopped with "tar: Unexpected EOF in archive" about two thirds in. The gzip file on disk looks complete.'),
      A('That usually means the original write to tape was cut short and the copy on disk is from the truncated tape. We should check that batch against the scanner checksums before re-packing it.'),
    ]),
    F('archivematica', 'release_version', 'Which Archivematica release does the library run?', ['1.15.1'], [
      A('Which Archivematica version does the library run? The packing step has to produce what its storage service expects.'),
      U('1.15.1, we upgraded in January', { gap: 2 }),
    ]),
    F('keep-gzip', 'feature_flag', 'Which switch keeps the old-format archive alongside the new one?', ['keep_gzip_copy'], [
      A('For the first months I would not delete the old gzip tarballs right after re-packing. A switch in the script, keep_gzip_copy, could leave them on the old tapes until the xz version has passed one restore drill, and we turn it off batch by batch afterwards. That costs tape space but gives a way back if something in the new chain is wrong.'),
      U('ok, agreed'),
    ]),
    F('night-start', 'time_of_day', 'At what time does the archive job start at night?', ['01:15'], [
      U('Scheduling detail from IT. The nightly packing run begins at 01:15, after the catalogue export has finished, and must be done before the reading room opens. That is about seven hours, which is why the parallel compression matters.'),
    ]),
    F('newspapers', 'open_task', 'Which collection still needs a test restore?', ['2014 newspaper set'], [
      U('Still open, and I do not want to forget it: nobody has test-restored the 2014 newspaper set yet. It is the biggest single collection and the one readers ask for most.'),
      A('I have put it at the top of the restore drill.'),
    ]),
    F('offsite', 'rotation_interval', 'How often do tapes go to the off-site vault?', ['every second Friday'], [
      A('For the offsite copy I would cycle the tapes to the vault every second Friday rather than once a month; a month of lost work would mean re-scanning, which is the expensive part of the whole operation.'),
      U('yes'),
    ]),
    F('robot-owner', 'owner', 'Who is in charge of the tape robot?', ['Brandauer'], [
      U('For questions about the robot itself, go to Ilse Brandauer from facilities. She has the service contract and the key to the room.'),
    ]),
    F('drill', 'path_url', 'Where is the restore drill written up?', ['hollowmere.example/archive/restore-drill'], [
      A('I wrote the restore drill down on the wiki: https://wiki.hollowmere.example/archive/restore-drill — it includes the checksum comparison and who to call when a tape fails.'),
      U('perfect, thanks'),
    ]),
  ],
};
