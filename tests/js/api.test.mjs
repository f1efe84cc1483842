// loadEncoding sources and sharing, the registry, calibration — on the built package.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { cw, root, get_encoding } from './helpers.mjs';

const rankPath = (n) => `${root}/pkg/ranks/${n}.bin`;

test('concurrent loadEncoding calls share one load', async () => {
  // p50k_base is loaded by no other test in this file before this one.
  const a = cw.loadEncoding('p50k_base');
  const b = cw.loadEncoding('p50k_base');
  assert.equal(a, b, 'the same promise');
  await Promise.all([a, b]);
  assert.ok(cw.loadedEncodings().includes('p50k_base'));
  assert.equal(await cw.loadEncoding('p50k_base'), undefined, 'a loaded encoding resolves at once');
});

test('loadEncoding from bytes, ArrayBuffer, path, file URL and an http URL', async () => {
  const bytes = fs.readFileSync(rankPath('cl100k_base'));
  await cw.loadEncoding('cl100k_base', new Uint8Array(bytes));
  await cw.loadEncoding('cl100k_base', bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  await cw.loadEncoding('cl100k_base', rankPath('cl100k_base'));
  await cw.loadEncoding('cl100k_base', pathToFileURL(rankPath('cl100k_base')));
  const server = http.createServer((req, res) => {
    if (req.url === '/cl100k_base.bin') { res.writeHead(200); res.end(bytes); } else { res.writeHead(404); res.end(); }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    await cw.loadEncoding('cl100k_base', `${base}/cl100k_base.bin`);
    await assert.rejects(cw.loadEncoding('cl100k_base', `${base}/missing.bin`), (e) => e.code === 'ENCODING_LOAD_FAILED' && /HTTP 404/.test(e.message));
  } finally {
    await new Promise((r) => server.close(r));
  }
  const ref = get_encoding('cl100k_base');
  assert.equal(cw.countTokens('hello world', { encoding: 'cl100k_base' }), ref.encode('hello world').length);
  ref.free();
});

test('init() resolves at once in Node', async () => {
  assert.equal(await cw.init(), undefined);
});

test('the registry lists the required models with prices, limits and sources', () => {
  const ids = cw.models.list().map((m) => m.id);
  for (const id of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o1', 'o3', 'o3-mini', 'o4-mini',
    'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'claude-3-5-sonnet-20241022', 'claude-sonnet-4-5', 'claude-opus-4-5', 'claude-haiku-4-5',
    'deepseek-chat', 'deepseek-coder', 'deepseek-reasoner', 'glm-4.6', 'glm-4.6v', 'qwen2.5:32b', 'qwen2.5:7b',
    'deepseek-coder-v2:16b', 'llama3.1:8b']) {
    assert.ok(ids.includes(id), id);
    const m = cw.models.get(id);
    assert.ok(m.contextWindow > 0 && m.maxOutputTokens > 0, id);
    assert.ok(m.sources.limits.url && /^\d{4}-\d{2}-\d{2}$/.test(m.sources.pricing.date), id);
    assert.equal(typeof m.pricing.input, 'number');
  }
  assert.equal(cw.models.get('gpt-4o').tokenizer.exact, true);
  assert.equal(cw.models.get('qwen2.5:7b').local, true);
  assert.equal(cw.models.get('gpt-4o-2024-11-20').id, 'gpt-4o');
});

test('register adds a model that counts and assesses like any other', async () => {
  await cw.loadEncoding('o200k_base');
  cw.models.register({ id: 'my-llm', provider: 'custom', tokenizer: { encoding: 'o200k_base', factor: 1.25 }, contextWindow: 8000, maxOutputTokens: 1000, aliases: ['my-llm-latest'] });
  assert.equal(cw.models.get('my-llm-latest').id, 'my-llm');
  const base = cw.countTokens('hello world, how are you', { encoding: 'o200k_base' });
  assert.equal(cw.countTokens('hello world, how are you', { model: 'my-llm' }), Math.round(base * 1.25));
  assert.equal(cw.assessRisk([{ role: 'user', content: 'hi' }], { model: 'my-llm' }).limit, 7000);
});

test('calibrate moves an estimate toward what the provider reports', async () => {
  await cw.loadEncoding('cl100k_base');
  const model = 'deepseek-chat';
  const msgs = [{ role: 'user', content: 'Summarize the design of a rate limiter in three sentences.' }];
  const truth = (raw) => Math.round(raw * 1.18); // pretend DeepSeek's tokenizer yields 18 % more
  const raw = cw.countMessages(msgs, { model }).total / cw.models.get(model).tokenizer.factor;
  let errBefore = Math.abs(cw.countMessages(msgs, { model }).total - truth(raw));
  for (let i = 0; i < 30; i++) {
    const ours = cw.countMessages(msgs, { model }).total;
    cw.calibrate(model, ours, truth(raw));
  }
  const after = cw.countMessages(msgs, { model });
  assert.ok(Math.abs(after.total - truth(raw)) < errBefore, `${after.total} vs ${truth(raw)}`);
  assert.ok(Math.abs(after.total - truth(raw)) <= 1);
  assert.equal(after.estimated, true);
  assert.equal(cw.calibrate('gpt-4o', 100, 140), 1, 'exact models are not calibrated');
});
