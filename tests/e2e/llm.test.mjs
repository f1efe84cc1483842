// End to end against a real llama.cpp server (started by scripts/test-e2e.sh; LLM_BASE is its
// OpenAI base URL). The model is tiny: these tests assert shape — text, finish reason, usage,
// chunk order, errors — never facts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cw } from '../js/helpers.mjs';

const base = process.env.LLM_BASE;
const root = base.replace(/\/v1\/?$/, '');
const messages = [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'Say hello in one short sentence.' }];
const model = 'smollm2';

test('OpenAI format: complete answer with usage', async () => {
  const p = cw.createProvider({ kind: 'openai', baseUrl: base, timeoutMs: 120000 });
  const r = await p.chat({ model, messages, maxTokens: 24 });
  assert.equal(typeof r.message.content, 'string');
  assert.ok(r.message.content.length > 0);
  assert.ok(['stop', 'length'].includes(r.finishReason), r.finishReason);
  assert.ok(r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
  assert.ok(r.usage.completionTokens <= 24);
});

test('OpenAI format: stream of text deltas, then usage', async () => {
  const p = cw.createProvider({ kind: 'openai', baseUrl: base, timeoutMs: 120000 });
  const s = p.stream({ model, messages, maxTokens: 24 });
  const deltas = [];
  for await (const d of s) deltas.push(d);
  const r = await s.result;
  assert.ok(deltas.length > 1, 'several chunks');
  assert.ok(deltas.every((d) => d.type === 'text' && typeof d.text === 'string'));
  assert.equal(deltas.map((d) => d.text).join(''), r.message.content);
  assert.ok(r.usage && r.usage.promptTokens > 0, 'usage arrives with include_usage');
  assert.ok(['stop', 'length'].includes(r.finishReason));
});

test('Anthropic format: complete answer and stream', async () => {
  const p = cw.createProvider({ kind: 'anthropic', baseUrl: root, apiKey: 'unused', timeoutMs: 120000 });
  const r = await p.chat({ model, messages, maxTokens: 24 });
  assert.ok(typeof r.message.content === 'string' && r.message.content.length > 0);
  assert.ok(['end_turn', 'max_tokens', 'stop_sequence'].includes(r.finishReason), r.finishReason);
  assert.ok(r.usage.promptTokens > 0 && r.usage.completionTokens > 0);
  const s = p.stream({ model, messages, maxTokens: 24 });
  let text = '';
  for await (const d of s) text += d.text ?? '';
  const sr = await s.result;
  assert.equal(text, sr.message.content);
});

test('a prompt over the 4,096-token window is a clear 400', async () => {
  const p = cw.createProvider({ kind: 'openai', baseUrl: base, timeoutMs: 120000, retries: 0 });
  const huge = [{ role: 'user', content: 'lorem ipsum dolor sit amet '.repeat(2500) }];
  await assert.rejects(p.chat({ model, messages: huge, maxTokens: 8 }), (e) => {
    assert.equal(e.code, 'PROVIDER_HTTP');
    assert.equal(e.status, 400);
    assert.equal(e.retryable, false);
    assert.match(e.message, /context|exceed/i);
    return true;
  });
});
