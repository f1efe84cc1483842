// Bad input gets a typed error with a stable code and a message that says what to do — and the
// instance keeps working after every one of them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cw, throwsCode } from './helpers.mjs';

await cw.loadEncoding('o200k_base');
const ok = () => assert.equal(cw.countTokens('still works', { encoding: 'o200k_base' }), 2);
const chat = (messages) => () => cw.countMessages(messages, { model: 'gpt-4o' });

const cases = [
  ['non-string content', chat([{ role: 'user', content: 42 }]), 'INVALID_MESSAGE', /messages\[0\]\.content must be a string or an array of parts, got a number/],
  ['object content', chat([{ role: 'user', content: { text: 'x' } }]), 'INVALID_MESSAGE', /content must be a string or an array/],
  ['unknown role', chat([{ role: 'robot', content: 'x' }]), 'INVALID_MESSAGE', /role is 'robot'; use system, developer, user, assistant or tool/],
  ['missing role', chat([{ content: 'x' }]), 'INVALID_MESSAGE', /has no role/],
  ['missing content', chat([{ role: 'user' }]), 'INVALID_MESSAGE', /messages\[0\] has no content/],
  ['unknown part type', chat([{ role: 'user', content: [{ type: 'video', url: 'x' }] }]), 'INVALID_MESSAGE', /type 'video' is not supported/],
  ['messages not an array', chat('hello'), 'INVALID_MESSAGE', /messages must be an array/],
  ['null message', chat([null]), 'INVALID_MESSAGE', /messages\[0\] must be an object/],
  ['non-string text', () => cw.countTokens(42, { encoding: 'o200k_base' }), 'INVALID_ARGUMENT', /text must be a string, got number/],
  ['no model or encoding', () => cw.countTokens('x', {}), 'INVALID_ARGUMENT', /model: 'gpt-4o'.*encoding: 'o200k_base'/],
  ['typo in options', () => cw.countTokens('x', { modle: 'gpt-4o' }), 'INVALID_ARGUMENT', /unknown field `modle`/],
  ['unknown model', () => cw.countTokens('x', { model: 'gpt-17' }), 'UNKNOWN_MODEL', /unknown model 'gpt-17'.*models\.register/],
  ['unknown model in chat', () => cw.countMessages([], { model: 'nope' }), 'UNKNOWN_MODEL'],
  ['unknown encoding', () => cw.countTokens('x', { encoding: 'latin1' }), 'UNKNOWN_ENCODING', /use one of cl100k_base, o200k_base/],
  ['negative limit', () => cw.isWithinTokenLimit('x', -1, { encoding: 'o200k_base' }), 'INVALID_ARGUMENT', /non-negative integer/],
  ['fractional limit', () => cw.isWithinTokenLimit('x', 1.5, { encoding: 'o200k_base' }), 'INVALID_ARGUMENT'],
  ['NaN limit', () => cw.isWithinTokenLimit('x', NaN, { encoding: 'o200k_base' }), 'INVALID_ARGUMENT'],
  ['bad token id', () => cw.decode([999999999], { encoding: 'o200k_base' }), 'INVALID_TOKEN', /not in o200k_base/],
  ['non-numeric tokens', () => cw.decode(['a'], { encoding: 'o200k_base' }), 'INVALID_ARGUMENT'],
  ['encode with an estimated model', () => cw.encode('x', { model: 'claude-sonnet-4-5' }), 'INVALID_ARGUMENT', /no public tokenizer/],
  ['unknown allowedSpecial', () => cw.encode('x', { encoding: 'o200k_base', allowedSpecial: ['<|nope|>'] }), 'INVALID_ARGUMENT', /special tokens are/],
  ['decreasing thresholds', () => cw.assessRisk([], { model: 'gpt-4o', thresholds: { caution: 0.9, warning: 0.8, critical: 0.95 } }), 'INVALID_CONFIG', /must increase/],
  ['threshold above 1', () => cw.assessRisk([], { model: 'gpt-4o', thresholds: { critical: 1.5 } }), 'INVALID_CONFIG', /within \(0, 1\]/],
  ['zero threshold', () => cw.assessRisk([], { model: 'gpt-4o', thresholds: { caution: 0 } }), 'INVALID_CONFIG'],
  ['negative reserve', () => cw.assessRisk([], { model: 'gpt-4o', reserveOutput: -5 }), 'INVALID_ARGUMENT'],
  ['reserve larger than the window', () => cw.assessRisk([], { model: 'gpt-4o', reserveOutput: 200000 }), 'INVALID_ARGUMENT', /smaller than the context window/],
  ['register without fields', () => cw.models.register({ id: 'x' }), 'INVALID_CONFIG', /missing field/],
  ['register with an unknown encoding', () => cw.models.register({ id: 'x', provider: 'p', tokenizer: { encoding: 'bogus' }, contextWindow: 10, maxOutputTokens: 5 }), 'INVALID_CONFIG', /tokenizer\.encoding/],
  ['register with output > window', () => cw.models.register({ id: 'x', provider: 'p', tokenizer: { encoding: 'o200k_base' }, contextWindow: 10, maxOutputTokens: 50 }), 'INVALID_CONFIG', /maxOutputTokens/],
  ['calibrate with a negative count', () => cw.calibrate('claude-sonnet-4-5', -3, 10), 'INVALID_ARGUMENT'],
  ['corrupt rank bytes', () => cw.loadEncodingBytes('cl100k_base', new Uint8Array([1, 2, 3])), 'INVALID_RANKS', /pkg\/ranks\/cl100k_base\.bin/],
  ['tools not an array', () => cw.countMessages([{ role: 'user', content: 'x' }], { model: 'gpt-4o', tools: { a: 1 } }), 'INVALID_ARGUMENT', /tools must be an array/],
  ['negative cache capacity', () => cw.configureCountCache({ capacity: -1 }), 'INVALID_CONFIG'],
];

for (const [name, fn, code, re] of cases) {
  test(`${code}: ${name}`, () => {
    throwsCode(assert, fn, code, re);
    ok();
  });
}

test('rank bytes of another encoding are rejected, and the loaded one keeps working', async () => {
  const fs = await import('node:fs');
  const { root } = await import('./helpers.mjs');
  const p50k = fs.readFileSync(`${root}/pkg/ranks/p50k_base.bin`);
  throwsCode(assert, () => cw.loadEncodingBytes('o200k_base', p50k), 'INVALID_RANKS', /ranks but o200k_base has/);
  ok();
});

test('a failed load rejects with ENCODING_LOAD_FAILED and can be retried', async () => {
  await assert.rejects(cw.loadEncoding('r50k_base', '/nonexistent/r50k_base.bin'), (e) => e.code === 'ENCODING_LOAD_FAILED' && /pass the bytes/.test(e.message));
  await cw.loadEncoding('r50k_base');
  assert.equal(cw.countTokens('hello', { encoding: 'r50k_base' }), 1);
});

test('unknown encoding in loadEncoding rejects with UNKNOWN_ENCODING', async () => {
  await assert.rejects(cw.loadEncoding('gpt5_base'), (e) => e.code === 'UNKNOWN_ENCODING');
});

test('50 MB strings are counted, not refused, and nothing breaks', () => {
  const chunk = 'The quick brown fox jumps over the lazy dog. ';
  const big = chunk.repeat(Math.ceil(50_000_000 / chunk.length));
  assert.ok(big.length >= 50_000_000);
  const per = cw.countTokens(chunk, { encoding: 'o200k_base' });
  const n = cw.countTokens(big, { encoding: 'o200k_base' });
  assert.ok(Math.abs(n - per * (big.length / chunk.length)) <= big.length / chunk.length, `count ${n}`);
  assert.equal(cw.isWithinTokenLimit(big, 1000, { encoding: 'o200k_base' }), false);
  ok();
});

test('one 1 MB unsplittable piece (base64-like) is counted in reasonable time', () => {
  const blob = 'QUJD'.repeat(250_000);
  assert.ok(cw.countTokens(blob, { encoding: 'o200k_base' }) > 0);
  ok();
});

test('Node loads the encoding it needs by itself: a fresh process counts with no loadEncoding', async () => {
  const { spawnSync } = await import('node:child_process');
  const { pkgRoot } = await import('./helpers.mjs');
  const script = `const cw = require(${JSON.stringify(`${pkgRoot}/pkg/node/index.js`)});
    console.log(JSON.stringify([cw.loadedEncodings(), cw.countTokens('hello world', { model: 'gpt-4o' }),
      cw.countMessages([{ role: 'user', content: 'hi' }], { model: 'gpt-4' }).total, cw.loadedEncodings()]));`;
  const r = spawnSync(process.execPath, [...process.execArgv, '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [[], 2, 8, ['cl100k_base', 'o200k_base']]);
});

test('browsers: an encoding that is not loaded is ENCODING_NOT_LOADED naming the loadEncoding call', async () => {
  const { pkgRoot } = await import('./helpers.mjs');
  const { serve, launchChromium } = await import('./static-server.mjs');
  const server = await serve(pkgRoot);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/blank`); // any page of the origin; the demo app would load encodings itself
    const r = await page.evaluate(async () => {
      const cw = await import('/pkg/web/index.js');
      await cw.init();
      const codeOf = (f) => { try { f(); return null; } catch (e) { return { code: e.code, message: e.message }; } };
      return [codeOf(() => cw.countTokens('x', { encoding: 'r50k_base' })), codeOf(() => cw.countTokens('x', { model: 'gpt-4' }))];
    });
    assert.equal(r[0].code, 'ENCODING_NOT_LOADED');
    assert.match(r[0].message, /await loadEncoding\('r50k_base'\)/);
    assert.equal(r[1].code, 'ENCODING_NOT_LOADED');
    assert.match(r[1].message, /loadEncoding\('cl100k_base'\)/);
  } finally {
    await browser.close();
    await server.close();
  }
});
