// Providers from the built package against local servers that speak each documented wire
// format, including their faults. Every fault ends in its documented outcome and the provider
// stays usable.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cw } from './helpers.mjs';
import { providerServer } from './provider-servers.mjs';

const KEY = 'sk-test-SECRET-9f8e7d';
const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }];

async function withServer(kind, fn) {
  const s = await providerServer(kind);
  try { await fn(s); } finally { await s.close(); }
}

async function drain(stream) {
  const deltas = [];
  for await (const d of stream) deltas.push(d);
  return { deltas, result: await stream.result };
}

test('OpenAI-compatible: request shape, answer, usage, cost and stats', () => withServer('openai', async (s) => {
  const p = cw.createProvider({ kind: 'openai', baseUrl: s.base, apiKey: KEY });
  const r = await p.chat({ model: 'gpt-4o', messages, maxTokens: 50 });
  const req = s.requests[0];
  assert.equal(req.url, '/v1/chat/completions');
  assert.equal(req.headers.authorization, `Bearer ${KEY}`);
  assert.deepEqual(req.body, { model: 'gpt-4o', messages, max_tokens: 50 });
  assert.match(r.message.content, /^The image shows/);
  assert.deepEqual(r.usage, { promptTokens: 1117, completionTokens: 46, cachedTokens: 1024 });
  // gpt-4o: $2.50 / M input, $1.25 / M cached, $10 / M output
  assert.ok(Math.abs(r.cost - ((1117 - 1024) * 2.5 + 1024 * 1.25 + 46 * 10) / 1e6) < 1e-12);
  assert.equal(r.finishReason, 'stop');
  const st = cw.usageStats().models['gpt-4o'];
  assert.ok(st.requests >= 1 && st.promptTokens >= 1117 && st.cost > 0);
}));

test('OpenAI-compatible stream: deltas, tool call, usage; chunks split mid-UTF-8', () => withServer('openai', async (s) => {
  const p = cw.createProvider({ kind: 'openai', baseUrl: s.base });
  const { deltas, result } = await drain(p.stream({ model: 'gpt-4o-mini', messages }));
  assert.equal(s.requests[0].body.stream, true);
  assert.deepEqual(s.requests[0].body.stream_options, { include_usage: true });
  assert.equal(deltas.filter((d) => d.type === 'text').map((d) => d.text).join(''), 'Hello, wörld 👋');
  assert.equal(result.message.content, 'Hello, wörld 👋');
  assert.equal(result.message.tool_calls[0].function.arguments, '{"location":"Paris"}');
  assert.equal(result.usage.promptTokens, 24);
}));

test('Anthropic: system separate, max_tokens, version header, blocks, stream events', () => withServer('anthropic', async (s) => {
  const p = cw.createProvider({ kind: 'anthropic', baseUrl: s.base, apiKey: KEY });
  const r = await p.chat({ model: 'claude-sonnet-4-5', messages });
  const req = s.requests[0];
  assert.equal(req.url, '/v1/messages');
  assert.equal(req.headers['x-api-key'], KEY);
  assert.equal(req.headers['anthropic-version'], '2023-06-01');
  assert.equal(req.headers['anthropic-dangerous-direct-browser-access'], undefined, 'not from Node');
  assert.equal(req.body.system, 'Be brief.');
  assert.equal(req.body.max_tokens, 1024);
  assert.deepEqual(req.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }]);
  assert.equal(r.message.tool_calls[0].function.name, 'get_weather');
  assert.equal(r.usage.promptTokens, 572);
  const { result } = await drain(p.stream({ model: 'claude-sonnet-4-5', messages }));
  assert.match(result.message.content, /ünïcödé 漢字$/);
  assert.equal(result.finishReason, 'tool_use');
}));

test('Ollama native: keep_alive from hot-swap, LRU unload, NDJSON stream', () => withServer('ollama', async (s) => {
  const p = cw.createProvider({ kind: 'ollama', baseUrl: s.base, hotSwap: { cache: 'ram', maxModels: 1 } });
  const r = await p.chat({ model: 'qwen2.5:7b', messages, maxTokens: 20 });
  assert.equal(s.requests[0].body.keep_alive, '30m');
  assert.equal(s.requests[0].body.stream, false);
  assert.deepEqual(s.requests[0].body.options, { num_predict: 20 });
  assert.equal(r.message.content, 'The sky is blue — ☀️');
  const { result } = await drain(p.stream({ model: 'llama3.1:8b', messages }));
  // a second model over maxModels = 1: the first is unloaded with keep_alive 0 first
  assert.deepEqual(s.requests[1].body, { model: 'qwen2.5:7b', messages: [], keep_alive: 0 });
  assert.equal(s.requests[2].body.model, 'llama3.1:8b');
  assert.equal(result.usage.completionTokens, 282);
  assert.throws(() => cw.createProvider({ kind: 'openai', baseUrl: s.base, hotSwap: {} }), (e) => e.code === 'INVALID_CONFIG');
}));

test('429 with Retry-After waits and succeeds; 500 then success; 400 fails at once', () => withServer('openai', async (s) => {
  const p = cw.createProvider({ kind: 'openai', baseUrl: s.base, apiKey: KEY });
  s.script.push('429');
  const t0 = Date.now();
  const r = await p.chat({ model: 'gpt-4o', messages });
  assert.equal(r.attempts, 2);
  assert.ok(Date.now() - t0 >= 950, 'waited for Retry-After: 1');
  s.script.push('500');
  assert.equal((await p.chat({ model: 'gpt-4o', messages })).attempts, 2);
  s.script.push('400');
  const n = s.requests.length;
  await assert.rejects(p.chat({ model: 'gpt-4o', messages }), (e) => {
    assert.equal(e.code, 'PROVIDER_HTTP');
    assert.equal(e.status, 400);
    assert.equal(e.retryable, false);
    assert.equal(e.provider, 'openai');
    assert.match(e.message, /Invalid value for 'messages'/);
    assert.ok(!e.message.includes(KEY) && !String(e.stack).includes(KEY), 'no API key in errors');
    return true;
  });
  assert.equal(s.requests.length, n + 1, 'no retry on 400');
  assert.equal((await p.chat({ model: 'gpt-4o', messages })).attempts, 1, 'still usable');
  // without retries, a 429's Retry-After reaches the caller (the proxy passes it on)
  s.script.push('429');
  await assert.rejects(cw.createProvider({ kind: 'openai', baseUrl: s.base, retries: 0 }).chat({ model: 'gpt-4o', messages }), (e) => {
    assert.equal(e.status, 429);
    assert.equal(e.retryAfter, 1);
    return true;
  });
}));

test('a server that never answers times out; invalid JSON is PROVIDER_PARSE; the provider stays usable', () => withServer('openai', async (s) => {
  const p = cw.createProvider({ kind: 'openai', baseUrl: s.base, timeoutMs: 300, retries: 1 });
  s.script.push('hang', 'hang');
  await assert.rejects(p.chat({ model: 'gpt-4o', messages }), (e) => e.code === 'PROVIDER_TIMEOUT' && e.retryable === true);
  assert.equal(s.requests.length, 2, 'retried once');
  s.script.push('badjson');
  await assert.rejects(p.chat({ model: 'gpt-4o', messages }), (e) => e.code === 'PROVIDER_PARSE');
  assert.equal((await p.chat({ model: 'gpt-4o', messages })).finishReason, 'stop');
}));

test('a stream cut off mid-event is PROVIDER_STREAM_CUT; a slow stream completes', () => withServer('anthropic', async (s) => {
  const p = cw.createProvider({ kind: 'anthropic', baseUrl: s.base, timeoutMs: 2000 });
  s.script.push('cut');
  const stream = p.stream({ model: 'claude-sonnet-4-5', messages });
  await assert.rejects(drain(stream), (e) => e.code === 'PROVIDER_STREAM_CUT');
  await assert.rejects(stream.result, (e) => e.code === 'PROVIDER_STREAM_CUT');
  s.script.push('slow');
  const { result } = await drain(p.stream({ model: 'claude-sonnet-4-5', messages }));
  assert.equal(result.finishReason, 'tool_use');
}));

test('an abort while waiting for the response headers rejects with ABORTED (no trap), and the provider stays usable', () => withServer('openai', async (s) => {
  const p = cw.createProvider({ kind: 'openai', baseUrl: s.base, timeoutMs: 5000, retries: 0 });
  s.script.push('hang');
  const ctrl = new AbortController();
  setTimeout(() => ctrl.abort(), 50);
  await assert.rejects(p.chat({ model: 'gpt-4o', messages, signal: ctrl.signal }), (e) => e.code === 'ABORTED');
  assert.equal((await p.chat({ model: 'gpt-4o', messages })).finishReason, 'stop');
}));

test('AbortSignal stops the request and the stream', () => withServer('openai', async (s) => {
  const p = cw.createProvider({ kind: 'openai', baseUrl: s.base });
  const ctrl = new AbortController();
  s.script.push('slow');
  const seen = [];
  await assert.rejects((async () => {
    for await (const d of p.stream({ model: 'gpt-4o-mini', messages, signal: ctrl.signal })) {
      seen.push(d);
      ctrl.abort();
    }
  })(), (e) => e.code === 'ABORTED');
  assert.equal(seen.length, 1);
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(p.chat({ model: 'gpt-4o', messages, signal: pre.signal }), (e) => e.code === 'ABORTED');
  assert.equal((await p.chat({ model: 'gpt-4o', messages })).finishReason, 'stop', 'usable after abort');
}));

test('network errors and bad configuration', async () => {
  const p = cw.createProvider({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', retries: 0 });
  await assert.rejects(p.chat({ model: 'gpt-4o', messages }), (e) => e.code === 'PROVIDER_NETWORK' && e.retryable === true);
  assert.throws(() => cw.createProvider({ kind: 'openai', baseUrl: 'ftp://x' }), (e) => e.code === 'INVALID_CONFIG');
  assert.throws(() => cw.createProvider({ kind: 'gemini', baseUrl: 'http://x' }), (e) => e.code === 'INVALID_CONFIG');
  // an async call never throws synchronously: bad options reject
  await assert.rejects(p.chat({ model: 'gpt-4o' }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('usage from estimated models calibrates their factor', () => withServer('anthropic', async (s) => {
  await cw.loadEncoding('cl100k_base');
  const before = cw.models.get('claude-sonnet-4-5').calibrationSamples;
  const p = cw.createProvider({ kind: 'anthropic', baseUrl: s.base });
  await p.chat({ model: 'claude-sonnet-4-5', messages });
  assert.equal(cw.models.get('claude-sonnet-4-5').calibrationSamples, before + 1);
}));

test('a provider is a condensation summarizer', () => withServer('openai', async (s) => {
  await cw.loadEncoding('o200k_base');
  const p = cw.createProvider({ kind: 'openai', baseUrl: s.base, model: 'gpt-4o' });
  const long = Array.from({ length: 60 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `Message ${i} about the billing service and its retry limits. `.repeat(8) }));
  const r = await cw.condense(long, { model: 'gpt-4o', target: 1500, strategy: 'summary', provider: p, session: 'prov' });
  assert.equal(r.metrics.strategyUsed, 'summary');
  assert.match(r.summary, /^The image shows/);
  assert.match(s.requests.at(-1).body.messages[1].content, /<conversation>/);
}));
