// Holes found by reviewing the hardening fix, each reproduced here: hostile signals, huge
// summarizer answers, secrets in configuration errors and cut error bodies, streams the caller
// stops, aborts during a retry wait, listener leaks, buffers reused after loading, typed arrays
// with hostile getters, aliases that take over snapshots.
import test from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { cw } from './helpers.mjs';
import { KEY, recordingServer, sleep } from './hostile-servers.mjs';
import { providerServer } from './provider-servers.mjs';

await cw.loadEncoding('o200k_base');
const ok = () => assert.equal(cw.countTokens('still works', { encoding: 'o200k_base' }), 2);
const messages = [{ role: 'user', content: 'Hello there' }];
const isCw = (code) => (e) => cw.isContextwiseError(e) && e.code === code;
const noKey = (e) => { for (const s of [e.message, String(e), e.stack]) assert.ok(!s.includes(KEY), s); return true; };

test('a signal whose getter throws later never reaches the wasm; later calls work', async () => {
  const s = await providerServer('openai');
  try {
    const p = cw.createProvider({ kind: 'openai', baseUrl: s.base, retries: 0 });
    let reads = 0;
    const hostile = { get aborted() { if (reads++) throw new Error('boom'); return false; }, addEventListener() {}, removeEventListener() {} };
    const r = await p.chat({ model: 'gpt-4o', messages, signal: hostile });
    assert.ok(r.message);
    assert.ok((await p.chat({ model: 'gpt-4o', messages })).message, 'the next call works');
  } finally { await s.close(); }
  ok();
});

test('a summarizer answer of 2 M characters is refused before it is copied, and condense settles', async () => {
  const msgs = Array.from({ length: 60 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `Turn ${i} about retries and limits. `.repeat(20) }));
  const r = await cw.condense(msgs, { model: 'gpt-4o', target: 1500, strategy: 'summary', provider: { complete: async () => 'x'.repeat(2 ** 21) } });
  assert.equal(r.metrics.strategyUsed, 'extractive');
  assert.match(r.metrics.fallbacks[0].reason, /at most \d+ are read/);
  ok();
});

test('configuration errors never quote a key: in baseUrl, in a header name, as headers, or as user:password@', () => {
  const cases = [
    { kind: 'openai', baseUrl: `api.example.com/v1?key=${KEY}` },
    { kind: 'openai', baseUrl: 'https://api.example.com/v1', headers: { [`Authorization: Bearer ${KEY}`]: 'x' } },
    { kind: 'openai', baseUrl: 'https://api.example.com/v1', headers: KEY },
    { kind: 'openai', baseUrl: `https://user:${KEY}@api.example.com/v1` },
  ];
  for (const c of cases) assert.throws(() => cw.createProvider(c), (e) => isCw('INVALID_CONFIG')(e) && noKey(e));
});

test('a non-JSON error body that echoes the key across the 300-character cut is redacted whole', async () => {
  const s = await recordingServer((req, res) => { res.writeHead(401, { 'content-type': 'text/plain' }); res.end(`${'.'.repeat(290)}${KEY} rest`); });
  try {
    const p = cw.createProvider({ kind: 'openai', baseUrl: `${s.url}/v1`, apiKey: KEY, retries: 0 });
    await assert.rejects(p.chat({ model: 'gpt-4o', messages }), (e) => isCw('PROVIDER_HTTP')(e) && noKey(e) && !e.message.includes(KEY.slice(0, 12)));
  } finally { await s.close(); }
});

test('breaking out of a stream settles its result (ABORTED) and stops the download', async () => {
  const s = await recordingServer(async (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let i = 0; i < 10_000 && !res.destroyed; i++) {
      res.write(`data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n`);
      await sleep(5);
    }
    res.end();
  });
  try {
    const p = cw.createProvider({ kind: 'openai', baseUrl: `${s.url}/v1`, retries: 0 });
    const st = p.stream({ model: 'gpt-4o', messages });
    let n = 0;
    for await (const _ of st) if (++n === 3) break;
    await assert.rejects(st.result, isCw('ABORTED'));
    assert.ok(await s.allClosedWithin(8000), 'the connection was closed');
  } finally { await s.close(); }
  ok();
});

test('an abort during a retry wait settles at once, and no listener is left on the caller\'s signal', async () => {
  const s = await recordingServer((req, res) => { res.writeHead(429, { 'retry-after': '30', 'content-type': 'application/json' }); res.end('{"error":{"message":"slow down"}}'); });
  try {
    const p = cw.createProvider({ kind: 'openai', baseUrl: `${s.url}/v1`, retries: 2 });
    const c = new AbortController();
    const t0 = Date.now();
    setTimeout(() => c.abort(), 300);
    await assert.rejects(p.chat({ model: 'gpt-4o', messages, signal: c.signal }), isCw('ABORTED'));
    assert.ok(Date.now() - t0 < 5000, `settled after ${Date.now() - t0} ms`);
  } finally { await s.close(); }
  const ok200 = await providerServer('openai');
  try {
    const p = cw.createProvider({ kind: 'openai', baseUrl: ok200.base, retries: 0 });
    const shared = new AbortController();
    for (let i = 0; i < 30; i++) await p.chat({ model: 'gpt-4o', messages, signal: shared.signal });
    assert.equal(getEventListeners(shared.signal, 'abort').length, 0);
  } finally { await ok200.close(); }
});


test('typed arrays with a hostile length getter are ContextwiseErrors or copied safely', async () => {
  const fs = await import('node:fs');
  const { pkgRoot } = await import('./helpers.mjs');
  const buf = new Uint8Array(fs.readFileSync(`${pkgRoot}/pkg/ranks/p50k_base.bin`));
  cw.loadEncodingBytes('p50k_base', buf);
  buf.fill(0); // the caller reuses its buffer
  assert.throws(() => cw.__forceTrapForTesting(), isCw('INTERNAL'));
  assert.equal(cw.countTokens('hello world', { encoding: 'p50k_base' }), 2, 'restored from contextwise\'s own copy');
  const ids = new Uint32Array([15339, 1917]);
  Object.defineProperty(ids, 'length', { get() { throw new Error('boom'); } });
  let r;
  try { r = cw.decode(ids, { encoding: 'o200k_base' }); } catch (e) { assert.ok(cw.isContextwiseError(e), String(e)); }
  if (r !== undefined) assert.equal(typeof r, 'string');
  ok();
});

test('an alias cannot take over another model\'s dated snapshots; prices are bounded', () => {
  const base = { id: 'x-alias-model', provider: 'local', tokenizer: { encoding: 'o200k_base' }, contextWindow: 4096, maxOutputTokens: 512 };
  assert.throws(() => cw.models.register({ ...base, aliases: ['gpt-4o-2025'] }), isCw('INVALID_CONFIG'));
  assert.equal(cw.models.get('gpt-4o-2025-06-01').id, 'gpt-4o');
  assert.throws(() => cw.models.register({ ...base, pricing: { input: 1e308, output: 1 } }), isCw('INVALID_CONFIG'));
});

test('two instances do not see each other\'s registrations, calibration or stats; encodings are shared', () => {
  const a = cw.createInstance();
  const b = cw.createInstance();
  a.models.register({ id: 'tenant-a-model', provider: 'local', tokenizer: { encoding: 'o200k_base' }, contextWindow: 4096, maxOutputTokens: 512 });
  assert.equal(a.models.get('tenant-a-model').id, 'tenant-a-model');
  assert.throws(() => b.models.get('tenant-a-model'), isCw('UNKNOWN_MODEL'));
  assert.throws(() => cw.models.get('tenant-a-model'), isCw('UNKNOWN_MODEL'), 'the default instance does not see it either');
  const f = a.calibrate('claude-sonnet-4-5', 1000, 1300);
  assert.ok(f > 1);
  assert.equal(b.models.get('claude-sonnet-4-5').calibrationSamples, 0);
  assert.equal(a.models.get('claude-sonnet-4-5').calibrationSamples, 1);
  a.route(messages, { models: { primary: 'gpt-4o' } });
  assert.equal(b.routingStats().total ?? 0, 0);
  assert.equal(a.countTokens('hello world', { encoding: 'o200k_base' }), 2, 'encodings are shared');
  a.configureSummaryCache({ capacity: 3 });
  assert.equal(b.summaryCacheStats().capacity, 256);
});
