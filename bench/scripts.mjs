// Per-script tokenizer speed (issue 18): contextwise against gpt-tokenizer and tiktoken (WASM) on
// the per-script corpus (bench/scripts-corpus/, SOURCES.md there), both big encodings. Part of
// `npm run bench` (the heldout part); alone:
//   node bench/scripts.mjs [--part heldout|tuning] [--langs th,ja,...] [--runs N] [--ms M] [--pkg <dir>]
// --pkg: another build of contextwise (its pkg/ folder, or a checkout holding pkg/); default this
// checkout's pkg/. Numbers are measurements on this machine, never asserted by tests.
//
// Warm: each file whole per call, repeated for --ms milliseconds (after one uncounted call);
// gpt-tokenizer keeps its default merge cache. --runs rounds, each taking every file and library
// in turn; the figure is the median over rounds (MB/s of contextwise; each ratio is the median of
// the rounds' ratios, so a busy moment of the machine hits both sides of a ratio).
// Never-seen: one pass over each file, in chunks of about 1 KB (whole lines), by a fresh Node
// process that has counted nothing of the corpus — each library first counts three generated texts
// of random characters of every script (no real word of any language), so its code is compiled
// (JS JIT, WASM tier-up) and the pass measures text it has not seen, not start-up; gpt-tokenizer's
// merge cache is off (setMergeCacheSize(0)). --runs such processes; median as above.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(path.join(root, 'package.json'));
export const ENCODINGS = ['cl100k_base', 'o200k_base'];
export const SCRIPTS = {
  th: 'Thai', ja: 'Japanese', zh_CN: 'Chinese', ko: 'Korean', ta: 'Tamil', bn: 'Bengali', hi: 'Hindi',
  ka: 'Georgian', ar: 'Arabic', he: 'Hebrew', ru: 'Russian', el: 'Greek', vi: 'Vietnamese', emoji: 'emoji',
};
const LIBS = ['contextwise', 'gpt-tokenizer', 'tiktoken (wasm)'];

const corpusDir = path.join(here, 'scripts-corpus');
export const readScript = (part, lang) => zlib.gunzipSync(fs.readFileSync(path.join(corpusDir, part, `${lang}.txt.gz`))).toString('utf8');

/** The entry module of a contextwise build: `dir` is a pkg/ folder or a checkout holding one. */
function pkgEntry(dir) {
  const d = path.resolve(dir ?? path.join(root, 'pkg'));
  for (const p of [path.join(d, 'node/index.mjs'), path.join(d, 'pkg/node/index.mjs')]) if (fs.existsSync(p)) return p;
  throw new Error(`no contextwise build at ${d} (expected node/index.mjs or pkg/node/index.mjs)`);
}

async function counters(enc, pkg) {
  const cw = await import(pathToFileURL(pkgEntry(pkg)).href);
  await cw.loadEncoding(enc);
  const opts = { encoding: enc };
  const gt = await import(`gpt-tokenizer/encoding/${enc}`);
  const tk = require('tiktoken').get_encoding(enc);
  return {
    contextwise: (t) => cw.countTokens(t, opts),
    'gpt-tokenizer': (t) => gt.countTokens(t),
    'tiktoken (wasm)': (t) => tk.encode(t, [], []).length,
    gptTokenizer: gt,
    free: () => tk.free(),
  };
}

/** Whole lines joined into chunks of at least `size` bytes (the never-seen calls). */
function chunks(text, size = 1000) {
  const out = [];
  let cur = '';
  for (const line of text.split('\n')) {
    cur = cur ? cur + '\n' + line : line;
    if (Buffer.byteLength(cur) >= size) { out.push(cur); cur = ''; }
  }
  if (cur) out.push(cur);
  return out;
}

/** Random "words" of every script the corpus has (and ASCII, digits, punctuation): JIT warm-up text. */
function warmUpText(seed) {
  const ranges = [[0x0e01, 0x0e3a], [0x0e40, 0x0e4e], [0x3041, 0x3096], [0x30a1, 0x30fa], [0x4e00, 0x9fff], [0xac00, 0xd7a3],
    [0x0b82, 0x0bcd], [0x0985, 0x09cd], [0x0905, 0x094d], [0x10d0, 0x10fa], [0x0621, 0x064a], [0x05d0, 0x05ea],
    [0x0410, 0x044f], [0x0391, 0x03c9], [0x1ea0, 0x1ef9], [0x00c0, 0x00ff], [0x61, 0x7a], [0x41, 0x5a], [0x30, 0x39],
    [0x1f600, 0x1f64f], [0x1f300, 0x1f5ff]];
  let s = seed >>> 0;
  const rand = (n) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 8) % n; };
  const seps = [' ', ' ', ' ', ', ', '. ', '\n', ': ', ' (', ') ', '「', '」', '、', '。', ' %s ', ' — '];
  let text = '';
  while (text.length < 12_000) {
    const [a, b] = ranges[rand(ranges.length)];
    const len = 1 + rand(8);
    for (let i = 0; i < len; i++) text += String.fromCodePoint(a + rand(b - a + 1));
    text += seps[rand(seps.length)];
  }
  return text;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function warmThroughput(count, text, budgetMs) {
  const bytes = Buffer.byteLength(text);
  count(text); // uncounted: compiles, fills caches
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < budgetMs || n < 2) { count(text); n++; t = performance.now(); }
  return (bytes * n) / ((t - t0) / 1000) / 1e6;
}

/** One fresh process's never-seen pass: { enc: { lang: { lib: MB/s } } }. */
async function neverSeenPass({ part, langs, pkg }) {
  const texts = Object.fromEntries(langs.map((l) => [l, chunks(readScript(part, l))]));
  const warm = [1, 2, 3].map((k) => chunks(warmUpText(k * 7919)));
  const result = {};
  for (const enc of ENCODINGS) {
    const c = await counters(enc, pkg);
    c.gptTokenizer.setMergeCacheSize(0);
    result[enc] = {};
    for (const lib of LIBS) for (const w of warm) for (const p of w) c[lib](p);
    for (const lang of langs) {
      const bytes = texts[lang].reduce((n, p) => n + Buffer.byteLength(p), 0);
      result[enc][lang] = {};
      for (const lib of LIBS) {
        const f = c[lib];
        const t0 = performance.now();
        for (const p of texts[lang]) f(p);
        result[enc][lang][lib] = bytes / ((performance.now() - t0) / 1000) / 1e6;
      }
    }
    c.gptTokenizer.setMergeCacheSize(c.gptTokenizer.DEFAULT_MERGE_CACHE_SIZE ?? 100_000);
    c.free();
  }
  return result;
}

/**
 * The per-script tables as markdown lines (also passed to `log` as they are made).
 * Options: part ('heldout' | 'tuning'), langs (array of keys of SCRIPTS), runs, ms, pkg.
 */
export async function scriptsBench({ part = 'heldout', langs = Object.keys(SCRIPTS), runs = 3, ms = 250, pkg, log = () => {} } = {}) {
  for (const l of langs) if (!SCRIPTS[l]) throw new Error(`unknown script ${l}; one of ${Object.keys(SCRIPTS).join(', ')}`);
  if (!['heldout', 'tuning'].includes(part)) throw new Error(`--part is heldout or tuning, not ${part}`);
  const lines = [];
  const out = (s = '') => { lines.push(s); log(s); };

  // never-seen first, each run in its own process (this process has then still seen nothing)
  const childArgs = [fileURLToPath(import.meta.url), '--never-seen-child', '--part', part, '--langs', langs.join(',')];
  if (pkg) childArgs.push('--pkg', path.resolve(pkg));
  const cold = [];
  for (let r = 0; r < runs; r++) cold.push(JSON.parse(execFileSync(process.execPath, childArgs, { encoding: 'utf8', maxBuffer: 1 << 24 })));

  const texts = Object.fromEntries(langs.map((l) => [l, readScript(part, l)]));
  const c = {};
  for (const enc of ENCODINGS) c[enc] = await counters(enc, pkg);
  // every library must agree before its speed means anything
  for (const enc of ENCODINGS) {
    for (const lang of langs) {
      const want = c[enc]['tiktoken (wasm)'](texts[lang]);
      for (const lib of LIBS) {
        const got = c[enc][lib](texts[lang]);
        if (got !== want) console.warn(`note: ${lib} counts ${got} on ${part}/${lang} (${enc}), tiktoken ${want}`);
      }
    }
  }
  const warm = [];
  for (let r = 0; r < runs; r++) {
    const round = {};
    for (const enc of ENCODINGS) {
      round[enc] = {};
      for (const lang of langs) {
        round[enc][lang] = {};
        for (const lib of LIBS) round[enc][lang][lib] = warmThroughput(c[enc][lib], texts[lang], ms);
      }
    }
    warm.push(round);
  }
  const tokens = {};
  for (const enc of ENCODINGS) tokens[enc] = Object.fromEntries(langs.map((l) => [l, c[enc]['tiktoken (wasm)'](texts[l])]));
  for (const enc of ENCODINGS) c[enc].free();

  const fmt = (x, d = 1) => x.toFixed(d);
  const cell = (rounds, enc, lang) => {
    const cw = median(rounds.map((r) => r[enc][lang].contextwise));
    const ratio = (lib) => median(rounds.map((r) => r[enc][lang].contextwise / r[enc][lang][lib]));
    return [fmt(cw), fmt(ratio('gpt-tokenizer'), 2) + '×', fmt(ratio('tiktoken (wasm)'), 2) + '×'];
  };
  for (const enc of ENCODINGS) {
    out();
    out(`### ${enc}, ${part} part`);
    out();
    out('| script | KB | tokens | warm: contextwise MB/s | ÷ gpt-tokenizer | ÷ tiktoken | never-seen: contextwise MB/s | ÷ gpt-tokenizer (no cache) | ÷ tiktoken |');
    out('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const lang of langs) {
      const kb = Buffer.byteLength(texts[lang]) / 1000;
      out(`| ${SCRIPTS[lang]} | ${fmt(kb, 0)} | ${tokens[enc][lang].toLocaleString('en-US')} | ${cell(warm, enc, lang).join(' | ')} | ${cell(cold, enc, lang).join(' | ')} |`);
    }
  }
  return lines;
}

export const SCRIPTS_METHOD = [
  `Ratios are contextwise ÷ that library (above 1× contextwise is faster). Warm: each file whole per call,`,
  'repeated (gpt-tokenizer with its default merge cache); never-seen: one pass in chunks of about 1 KB over',
  'text a fresh process has not counted, after every library counted generated text of random characters',
  'of every script (compiles the code, caches no real word), gpt-tokenizer with its merge cache off. Medians',
  'of the runs; method in bench/scripts.mjs, the text in bench/scripts-corpus/SOURCES.md.',
];

// ---- command line
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return def;
    return args[i].includes('=') ? args[i].slice(args[i].indexOf('=') + 1) : args[i + 1];
  };
  const part = opt('part', 'heldout');
  const langs = opt('langs', Object.keys(SCRIPTS).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const pkg = opt('pkg', undefined);
  if (args.includes('--never-seen-child')) {
    process.stdout.write(JSON.stringify(await neverSeenPass({ part, langs, pkg })));
  } else {
    const runs = Number(opt('runs', 3));
    const ms = Number(opt('ms', 250));
    console.log(`# Per-script tokenizer speed (${part} part)`);
    console.log();
    console.log(`Node ${process.version}, contextwise from ${path.dirname(path.dirname(pkgEntry(pkg)))}, ${runs} runs, ${ms} ms per warm measurement.`);
    for (const l of SCRIPTS_METHOD) console.log(l);
    await scriptsBench({ part, langs, runs, ms, pkg, log: (s = '') => console.log(s) });
  }
}
