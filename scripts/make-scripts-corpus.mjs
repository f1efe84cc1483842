// Assembles bench/scripts-corpus/ (issue 18): public text of thirteen languages in their scripts,
// plus emoji, for the per-script tokenizer table (bench/scripts.mjs) and the count tests. Sources
// on a Debian machine: the translations in the gettext catalogues
// /usr/share/locale/<lang>/LC_MESSAGES/*.mo, and /usr/share/unicode/emoji/emoji-test.txt (package
// unicode-data). Run once by hand; its output
// (the .txt.gz files and SOURCES.md) is committed:
//   apt-get install -y unicode-data && node scripts/make-scripts-corpus.mjs
//
// Split (fixed; a tokenizer may be tuned on `tuning` only, `heldout` judges it): a catalogue whose
// domain (file name without .mo) starts with a letter a–m, case ignored, is tuning; any other is
// heldout. Emoji: emoji-test.txt's subgroups, numbered in file order from 0, even → tuning,
// odd → heldout. The output depends only on the files read (no clock, no randomness).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outDir = path.join(root, 'bench/scripts-corpus');
const LOCALE = '/usr/share/locale';
const EMOJI_TEST = '/usr/share/unicode/emoji/emoji-test.txt';
const CAP = 90_000; // bytes of UTF-8 per file (a file stops at the first string that reaches it)

// language → a string is kept when it has at least one character of this script
const LANGS = {
  th: ['Thai', /\p{Script=Thai}/u],
  ja: ['Japanese', /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u],
  zh_CN: ['Chinese (simplified)', /\p{Script=Han}/u],
  ko: ['Korean', /\p{Script=Hangul}/u],
  ta: ['Tamil', /\p{Script=Tamil}/u],
  bn: ['Bengali', /\p{Script=Bengali}/u],
  hi: ['Hindi (Devanagari)', /\p{Script=Devanagari}/u],
  ka: ['Georgian', /\p{Script=Georgian}/u],
  ar: ['Arabic', /\p{Script=Arabic}/u],
  he: ['Hebrew', /\p{Script=Hebrew}/u],
  ru: ['Russian (Cyrillic)', /\p{Script=Cyrillic}/u],
  el: ['Greek', /\p{Script=Greek}/u],
  vi: ['Vietnamese (Latin with diacritics)', /(?=\p{Script=Latin})[^\p{ASCII}]/u],
};
const partOf = (domain) => (/^[a-m]/i.test(domain) ? 'tuning' : 'heldout');

// ---- gettext .mo: magic, revision, N, offset of the original-string table, offset of the
// translation table; each table holds N (length, offset) pairs. A translation with plural forms
// holds them separated by NUL. Entry 0 (empty msgid) is the header, which names the charset.
function readMo(file) {
  const buf = fs.readFileSync(file);
  const magic = buf.readUInt32LE(0);
  const le = magic === 0x950412de;
  if (!le && magic !== 0xde120495) throw new Error(`${file}: not a .mo file`);
  const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const n = u32(8), origTable = u32(12), transTable = u32(16);
  const slice = (table, i) => buf.subarray(u32(table + 8 * i + 4), u32(table + 8 * i + 4) + u32(table + 8 * i));
  let decoder = new TextDecoder('utf-8');
  const out = [];
  for (let i = 0; i < n; i++) {
    const msgid = slice(origTable, i);
    const msgstr = slice(transTable, i);
    if (msgid.length === 0) {
      const charset = /charset=([\w-]+)/i.exec(msgstr.toString('latin1'))?.[1];
      if (charset && !/^utf-?8$/i.test(charset)) decoder = new TextDecoder(charset);
      continue;
    }
    for (const s of decoder.decode(msgstr).split('\0')) out.push(s);
  }
  return out;
}

// ---- provenance: the Debian package that ships a file, its version and the licences its
// copyright file names (machine-readable copyright files only)
const pkgCache = new Map();
function packageOf(file) {
  let pkg;
  try { pkg = execFileSync('dpkg', ['-S', file], { encoding: 'utf8' }).split(':')[0].trim(); } catch { return { pkg: '?', version: '?', licences: '?' }; }
  if (pkgCache.has(pkg)) return pkgCache.get(pkg);
  const version = execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' }).trim();
  const docName = pkg.replace(/:.*/, '');
  let licences = `see /usr/share/doc/${docName}/copyright`;
  try {
    const copyright = fs.readFileSync(`/usr/share/doc/${docName}/copyright`, 'utf8');
    const names = [...new Set([...copyright.matchAll(/^License:[ \t]*(\S[^\n]*)$/gm)].map((m) => m[1].trim()))];
    if (names.length) licences = names.join('; ');
  } catch { /* no copyright file */ }
  const info = { pkg, version, licences };
  pkgCache.set(pkg, info);
  return info;
}

// ---- one file per (part, language): strings taken round-robin, one from each catalogue of the
// part in turn (catalogues sorted by domain, strings in catalogue order), trimmed, deduplicated,
// kept only with a character of the script, until CAP bytes
function catalogueText(lang, part) {
  const [, script] = LANGS[lang];
  const dir = path.join(LOCALE, lang, 'LC_MESSAGES');
  const domains = fs.readdirSync(dir).filter((f) => f.endsWith('.mo')).map((f) => f.slice(0, -3))
    .filter((d) => partOf(d) === part).sort();
  const queues = domains.map((d) => ({ domain: d, strings: readMo(path.join(dir, `${d}.mo`)), next: 0, used: 0 }));
  const seen = new Set();
  const lines = [];
  let bytes = 0;
  let progress = true;
  while (bytes < CAP && progress) {
    progress = false;
    for (const q of queues) {
      while (q.next < q.strings.length) {
        const s = q.strings[q.next++].trim();
        if (!s || seen.has(s) || !script.test(s)) continue;
        seen.add(s);
        lines.push(s);
        bytes += Buffer.byteLength(s) + 1;
        q.used++;
        progress = true;
        break;
      }
      if (bytes >= CAP) break;
    }
  }
  const used = queues.filter((q) => q.used > 0).map((q) => ({ domain: q.domain, strings: q.used, ...packageOf(path.join(dir, `${q.domain}.mo`)) }));
  return { text: lines.join('\n') + '\n', strings: lines.length, used };
}

// ---- emoji: chat-like lines over the part's emoji (every emoji of the part at least once)
function emojiText(part) {
  const entries = [];
  let subgroup = -1, group = '';
  for (const line of fs.readFileSync(EMOJI_TEST, 'utf8').split('\n')) {
    if (line.startsWith('# group: ')) group = line.slice(9).trim();
    else if (line.startsWith('# subgroup: ')) subgroup++;
    const m = /^([0-9A-F ]+);\s*(fully-qualified|component)\s*#\s*(\S+)\s+E[\d.]+\s+(.+)$/.exec(line);
    if (!m || (subgroup % 2 === 0 ? 'tuning' : 'heldout') !== part) continue;
    const e = String.fromCodePoint(...m[1].trim().split(/\s+/).map((h) => parseInt(h, 16)));
    entries.push({ e, name: m[4].trim(), group });
  }
  // a fixed linear congruential generator, so the file is the same on every run
  let seed = part === 'tuning' ? 0x1234567 : 0x7654321;
  const rand = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
  const pick = () => entries[rand(entries.length)].e;
  const phrases = ['ok', 'thanks!', 'haha', 'lol', 'see you soon', 'on my way', 'happy birthday', 'good morning',
    'congrats!!', 'love it', 'so tired', 'brb', 'nice', 'omg', 'yes', 'no way', 'miss you', 'good night', 'same',
    'that was fun', 'where are you?', 'running late, sorry', 'can\'t wait', 'well done', 'lunch?', 'done ✔', 'me too'];
  const lines = [];
  let bytes = 0;
  for (let i = 0; bytes < CAP; i++) {
    const { e, name } = entries[i % entries.length];
    const phrase = phrases[rand(phrases.length)];
    let line;
    switch (rand(6)) {
      case 0: line = `${phrase} ${e}`; break;
      case 1: line = e.repeat(2 + rand(4)); break;
      case 2: line = e + Array.from({ length: 1 + rand(5) }, pick).join(''); break;
      case 3: line = `${e} ${name}`; break;
      case 4: line = `${phrase} ${e}${e} ${pick()}`; break;
      default: line = [e, ...Array.from({ length: 1 + rand(4) }, pick)].join(' ');
    }
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  const licences = 'Unicode, Inc. License Agreement – Data Files and Software (Exhibit 1 of the copyright file)';
  return { text: lines.join('\n') + '\n', strings: lines.length, emoji: entries.length, ...packageOf(EMOJI_TEST), licences };
}

const gz = (text) => zlib.gzipSync(Buffer.from(text), { level: 9 }); // no name, mtime 0: same bytes each run
const rows = [];
let total = 0;
const sources = { tuning: [], heldout: [] };
for (const part of ['tuning', 'heldout']) {
  fs.mkdirSync(path.join(outDir, part), { recursive: true });
  const write = (lang, text) => {
    const z = gz(text);
    fs.writeFileSync(path.join(outDir, part, `${lang}.txt.gz`), z);
    total += z.length;
    console.log(`${part}/${lang}.txt.gz`, Buffer.byteLength(text), '→', z.length);
    return z.length;
  };
  for (const lang of Object.keys(LANGS)) {
    const r = catalogueText(lang, part);
    const gzBytes = write(lang, r.text);
    rows.push({ part, lang, bytes: Buffer.byteLength(r.text), gzBytes, strings: r.strings });
    sources[part].push({ lang, used: r.used });
  }
  const em = emojiText(part);
  const gzBytes = write('emoji', em.text);
  rows.push({ part, lang: 'emoji', bytes: Buffer.byteLength(em.text), gzBytes, strings: em.strings });
  sources[part].push({ lang: 'emoji', emoji: em });
}
console.log('total gzip bytes', total);

// ---- SOURCES.md
const n = (x) => x.toLocaleString('en-US');
const md = [];
md.push('# The per-script corpus (issue 18)', '');
md.push('Generated by `scripts/make-scripts-corpus.mjs` on a Debian system; do not edit by hand. Used by');
md.push('`bench/scripts.mjs` (the per-script table of `npm run bench`) and by tests/js/counts.test.mjs.', '');
md.push('## What the files are', '');
md.push('Each `<part>/<lang>.txt.gz` is UTF-8 text, one string per line (a string may itself hold line breaks),');
md.push(`at most about ${n(CAP)} bytes (the file stops at the first string that reaches that size); a file`);
md.push('under that size holds every usable string of its part\'s catalogues.', '');
md.push('- **Languages**: the translations (msgstr, every plural form) of the gettext catalogues installed in');
md.push('  `/usr/share/locale/<lang>/LC_MESSAGES/*.mo` — user-interface messages, error messages, option help,');
md.push('  country and language names of real programs, written by each project\'s translators. A string is kept');
md.push('  when it has at least one character of the language\'s script (Vietnamese: a non-ASCII Latin letter),');
md.push('  so untranslated strings are left out; it is trimmed, and a string already taken is not taken again.');
md.push('  Strings are taken round-robin, one from each catalogue of the part in turn (catalogues sorted by');
md.push('  domain, strings in catalogue order), so a big catalogue does not crowd out the others. Placeholders,');
md.push('  option names, markup and ASCII words stay in the strings as they are, as in real text.');
md.push('- **emoji**: chat-like lines built from `/usr/share/unicode/emoji/emoji-test.txt` (Unicode 15.0): its');
md.push('  fully-qualified emoji and components (ZWJ sequences, skin tones, flags, keycaps) in short lines —');
md.push('  an emoji after a chat phrase, runs of one emoji, several emoji without spaces or with spaces, an emoji');
md.push('  with its CLDR name — every emoji of the part at least once, the choices made by a fixed-seed generator.', '');
md.push('## The split: `tuning` and `heldout`', '');
md.push('A tokenizer change may be tuned on `tuning` only; `heldout` (the default of `bench/scripts.mjs` and of');
md.push('`npm run bench`) judges it. The rule is fixed in advance and mechanical:', '');
md.push('- a catalogue whose domain (file name without `.mo`) starts with a letter a–m, case ignored, is `tuning`;');
md.push('  any other (n–z, or not a letter) is `heldout`. The two parts share no catalogue; a string that both');
md.push('  parts\' catalogues hold (a common word) can be in both;');
md.push('- emoji: the subgroups of emoji-test.txt, numbered in file order from 0, even → `tuning`, odd →');
md.push('  `heldout` (so both parts have faces, people with skin tones and ZWJ sequences, flags, symbols).', '');
md.push('## Files', '');
md.push('| part | file | text bytes | gzip bytes | strings (emoji: lines) |');
md.push('|---|---|---:|---:|---:|');
for (const r of rows) md.push(`| ${r.part} | ${r.lang}.txt.gz | ${n(r.bytes)} | ${n(r.gzBytes)} | ${n(r.strings)} |`);
md.push(`| | **total** | ${n(rows.reduce((s, r) => s + r.bytes, 0))} | ${n(total)} | |`, '');
md.push('## Sources and licences', '');
md.push('Translations in a gettext catalogue are part of the package that ships it and carry that package\'s');
md.push('licence (the translation files of the upstream project, normally under the same licence as the');
md.push('program). The licences below are the `License:` fields of each package\'s Debian copyright file');
md.push('(`/usr/share/doc/<package>/copyright`), which may cover more than the translations; the copyright');
md.push('file is the authority. emoji-test.txt is Unicode data, under the Unicode licence (terms of use:');
md.push('https://www.unicode.org/terms_of_use.html).', '');
const allPkgs = new Map();
for (const part of ['tuning', 'heldout']) {
  md.push(`### ${part}`, '');
  md.push('| file | catalogues (domain: strings taken) | Debian packages |');
  md.push('|---|---|---|');
  for (const s of sources[part]) {
    if (s.emoji) {
      md.push(`| emoji | emoji-test.txt: ${n(s.emoji.emoji)} emoji of the ${part === 'tuning' ? 'even' : 'odd'} subgroups | ${s.emoji.pkg} ${s.emoji.version} |`);
      allPkgs.set(s.emoji.pkg, s.emoji);
      continue;
    }
    const pkgs = [...new Set(s.used.map((u) => u.pkg))].sort();
    for (const u of s.used) allPkgs.set(u.pkg, u);
    md.push(`| ${s.lang} | ${s.used.map((u) => `${u.domain}: ${u.strings}`).join(', ')} | ${pkgs.join(', ')} |`);
  }
  md.push('');
}
md.push('### Packages', '');
md.push('| package | version | licences named in its copyright file |');
md.push('|---|---|---|');
for (const [pkg, info] of [...allPkgs].sort(([a], [b]) => a.localeCompare(b))) md.push(`| ${pkg} | ${info.version} | ${info.licences.replace(/\|/g, '\\|')} |`);
md.push('');
md.push('## Regenerating', '');
md.push('```sh');
md.push('apt-get install -y unicode-data   # emoji-test.txt; the catalogues come with the installed packages');
md.push('node scripts/make-scripts-corpus.mjs');
md.push('```', '');
md.push('The output depends only on the catalogues installed: another set of packages (or versions) gives');
md.push('other text, and this file lists what was used. The gzip files carry no name or time, so the same');
md.push('input gives the same bytes.');
fs.writeFileSync(path.join(outDir, 'SOURCES.md'), md.join('\n') + '\n');
