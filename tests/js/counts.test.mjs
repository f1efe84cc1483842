// Counts of the built package equal the `tiktoken` npm package (the reference) on the corpus.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { cw, corpus, get_encoding, root } from './helpers.mjs';

const files = corpus();
await cw.loadEncoding('cl100k_base');
await cw.loadEncoding('o200k_base');
await cw.loadEncoding('p50k_base');
await cw.loadEncoding('r50k_base');

test('corpus is real and big enough', () => {
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  assert.ok(bytes >= 2_000_000, `corpus has ${bytes} bytes`);
});

for (const encoding of ['cl100k_base', 'o200k_base', 'p50k_base', 'r50k_base']) {
  test(`${encoding}: counts and tokens equal tiktoken on every corpus file and paragraph`, () => {
    const ref = get_encoding(encoding);
    try {
      for (const { name, text } of files) {
        const want = ref.encode(text, [], []);
        assert.equal(cw.countTokens(text, { encoding }), want.length, `${name} whole file`);
        assert.deepEqual(Array.from(cw.encode(text, { encoding })), Array.from(want), `${name} tokens`);
        for (const para of text.split(/\n\n/).slice(0, 400)) {
          const n = ref.encode(para, [], []).length;
          if (cw.countTokens(para, { encoding }) !== n) assert.fail(`${encoding} ${name}: differs on ${JSON.stringify(para.slice(0, 200))}`);
        }
      }
    } finally { ref.free(); }
  });
}

// bench/scripts-corpus (issue 18): thirteen languages in their scripts and emoji, both parts
const scriptsDir = path.join(root, 'bench/scripts-corpus');
const scriptFiles = ['tuning', 'heldout'].flatMap((part) => fs.readdirSync(path.join(scriptsDir, part))
  .filter((f) => f.endsWith('.txt.gz')).sort()
  .map((f) => ({ name: `${part}/${f}`, text: zlib.gunzipSync(fs.readFileSync(path.join(scriptsDir, part, f))).toString('utf8') })));

test('per-script corpus: both parts have all fourteen files', () => {
  for (const part of ['tuning', 'heldout']) {
    assert.equal(scriptFiles.filter((f) => f.name.startsWith(`${part}/`)).length, 14, part);
  }
  for (const { name, text } of scriptFiles) assert.ok(Buffer.byteLength(text) >= 40_000, `${name} is ${Buffer.byteLength(text)} bytes`);
});

for (const encoding of ['cl100k_base', 'o200k_base']) {
  test(`${encoding}: counts and tokens equal tiktoken on every per-script corpus file and on every 4th line`, () => {
    const ref = get_encoding(encoding);
    try {
      for (const { name, text } of scriptFiles) {
        const want = ref.encode(text, [], []);
        assert.equal(cw.countTokens(text, { encoding }), want.length, `${name} whole file`);
        assert.deepEqual(Array.from(cw.encode(text, { encoding })), Array.from(want), `${name} tokens`);
        const lines = text.split('\n');
        for (let i = 0; i < lines.length; i += 4) {
          const line = lines[i];
          const ids = ref.encode(line, [], []);
          if (cw.countTokens(line, { encoding }) !== ids.length) assert.fail(`${encoding} ${name}: count differs on line ${i + 1} ${JSON.stringify(line.slice(0, 200))}`);
          const got = cw.encode(line, { encoding });
          if (got.length !== ids.length || got.some((t, k) => t !== ids[k])) assert.fail(`${encoding} ${name}: tokens differ on line ${i + 1} ${JSON.stringify(line.slice(0, 200))}`);
        }
      }
    } finally { ref.free(); }
  });
}

test('special-token strings count as plain text, never an error', () => {
  const ref = get_encoding('cl100k_base');
  const s = 'x <|endoftext|> y <|im_start|>user<|im_end|> <|fim_prefix|>';
  assert.equal(cw.countTokens(s, { encoding: 'cl100k_base' }), ref.encode(s, [], []).length);
  assert.deepEqual(Array.from(cw.encode(s, { encoding: 'cl100k_base', allowedSpecial: 'all' })),
    Array.from(ref.encode(s, 'all')));
  ref.free();
});

test('lone surrogates count like tiktoken (as U+FFFD)', () => {
  const ref = get_encoding('o200k_base');
  for (const s of ['a\uD800b', '\uDC00', 'x\uD83D', '\uD83D\uDE00\uDE00 end']) {
    assert.equal(cw.countTokens(s, { encoding: 'o200k_base' }), ref.encode(s, [], []).length, JSON.stringify(s));
  }
  ref.free();
});

test('model ids pick their encoding', () => {
  const ref = get_encoding('o200k_base');
  const text = files[0].text.slice(0, 5000);
  for (const model of ['gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4.1-mini', 'o3', 'gpt-5']) {
    assert.equal(cw.countTokens(text, { model }), ref.encode(text).length, model);
  }
  ref.free();
});

test('decode round-trips and isWithinTokenLimit stops at the limit', () => {
  const text = files[1].text.slice(0, 20000);
  const ids = cw.encode(text, { encoding: 'cl100k_base' });
  assert.ok(ids instanceof Uint32Array);
  assert.equal(cw.decode(ids, { encoding: 'cl100k_base' }), text);
  assert.equal(cw.decode(Array.from(ids), { encoding: 'cl100k_base' }), text);
  const n = ids.length;
  assert.equal(cw.isWithinTokenLimit(text, n, { encoding: 'cl100k_base' }), n);
  assert.equal(cw.isWithinTokenLimit(text, n - 1, { encoding: 'cl100k_base' }), false);
  assert.equal(cw.isWithinTokenLimit('', 0, { encoding: 'cl100k_base' }), 0);
});

test('estimated models scale the nearest encoding by their factor', () => {
  const info = cw.models.get('claude-sonnet-4-5');
  assert.equal(info.tokenizer.exact, false);
  const text = files[0].text.slice(0, 3000);
  const base = cw.countTokens(text, { encoding: info.tokenizer.encoding });
  assert.equal(cw.countTokens(text, { model: 'claude-sonnet-4-5' }), Math.round(base * info.tokenizer.factor));
});

test('generated strings: counts equal tiktoken for both big encodings', () => {
  const pool = ['a', 'Z', 'é', 'ß', 'ǅ', 'x\u0301', '\u0301', 'ж', '漢', 'の', '한', 'ก', 'ع', 'अ', 'ि', '0', '7', '٣', '²', "'", "'s", "'LL", '’',
    '.', ',', '!', '?', '-', '_', '/', '(', '<|endoftext|>', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '🙂', '👍🏽',
    '👨\u200d👩\u200d👧', '🇫🇷', '\ud800', 'HELLO', 'World', '$', '€'];
  let seed = 12345;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (const encoding of ['cl100k_base', 'o200k_base']) {
    const ref = get_encoding(encoding);
    try {
      for (let i = 0; i < 1500; i++) {
        const text = Array.from({ length: rand(40) }, () => pool[rand(pool.length)]).join('');
        const want = ref.encode(text, [], []).length;
        if (cw.countTokens(text, { encoding }) !== want) assert.fail(`${encoding}: differs on ${JSON.stringify(text)}`);
      }
    } finally { ref.free(); }
  }
});

test('counting a 100,000-token string allocates no per-token array on the JS side', async () => {
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--expose-gc');
  const gc = (await import('node:vm')).runInNewContext('gc');
  const text = files.find((f) => f.name === 'code.txt').text.slice(0, 520_000);
  const opts = { encoding: 'cl100k_base' };
  const n = cw.countTokens(text, opts); // warm: the wasm memory has grown to fit the text
  assert.ok(n >= 100_000, `the text has ${n} tokens`);
  cw.encode(text, opts);
  // JS heap + ArrayBuffers allocated by one call (no GC can run between the two readings
  // unless the call allocates megabytes)
  const allocated = (f) => {
    gc();
    const m0 = process.memoryUsage();
    f();
    const m1 = process.memoryUsage();
    return (m1.heapUsed - m0.heapUsed) + (m1.arrayBuffers - m0.arrayBuffers);
  };
  const counting = allocated(() => cw.countTokens(text, opts));
  const encoding = allocated(() => cw.encode(text, opts)); // the control: a per-token array
  assert.ok(encoding >= n * 4, `encode allocated ${encoding} bytes for ${n} tokens: the measurement sees arrays`);
  assert.ok(counting < 64 * 1024, `countTokens allocated ${counting} bytes for ${n} tokens`);
});
