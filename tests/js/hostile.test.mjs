// Reproductions of the hardening issue (hostile input, hostile servers) against the built
// package. Each test names the defect it reproduces; each fails on the build from before the fix
// (CW_ROOT=/tmp/before). Scenarios that crash, trap, hang or block the old build run in a child
// process (runChild) and are judged by what the child reports.
import test from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { cw, throwsCode } from './helpers.mjs';
import {
  KEY, HDR, redirectPair, echoServer, runChild, childResult, assertCwError, settle,
} from './hostile-servers.mjs';

await cw.loadEncoding('o200k_base');
const ok = () => assert.equal(cw.countTokens('still works', { encoding: 'o200k_base' }), 2);
const msgs = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }];
const modelFor = (kind) => (kind === 'anthropic' ? 'claude-sonnet-4-5' : 'gpt-4o');
const drain = async (stream) => { for await (const _ of stream); return stream.result; };
/** Expects a ContextwiseError with `code`, thrown synchronously or as a rejection. */
async function failsWith(fn, code, re) {
  const r = await settle(fn, 10_000);
  assert.ok(r.how === 'threw' || r.how === 'rejected', `expected ${code}, the call ${r.how}`);
  return assertCwError(assert, r.error, code, re);
}

// ---- 1. The summary cache hands one conversation's summary to another ----

/** 30 turns that differ only in the account number (same length): the same "shape". */
function conversation(account) {
  const m = [{ role: 'system', content: 'You are a support assistant.' }];
  for (let i = 0; i < 30; i++) {
    m.push({ role: i % 2 ? 'assistant' : 'user', content: `Turn ${i}: the customer account number is ${account} and we went through the invoice line by line. `.repeat(4) });
  }
  return m;
}
function summarizer(answer) {
  const calls = [];
  return { calls, complete: async (system, prompt) => { calls.push(prompt); return answer; } };
}
const condenseSummary = (messages, provider) => cw.condense(messages, { model: 'gpt-4o', strategy: 'summary', target: 1500, provider });

test('1. summary of conversation A is not served to conversation B of the same shape (no session)', async () => {
  const a = summarizer('Summary: account 4111-2222 disputes the invoice.');
  const ra = await condenseSummary(conversation('4111-2222'), a);
  assert.equal(ra.metrics.strategyUsed, 'summary');
  assert.equal(a.calls.length, 1);
  const b = summarizer('Summary: account 5999-8888 disputes the invoice.');
  const rb = await condenseSummary(conversation('5999-8888'), b);
  assert.equal(rb.metrics.cacheHit, false, 'B got a cache hit on A\'s summary');
  assert.equal(b.calls.length, 1, 'B\'s own provider was called');
  assert.ok(!String(rb.summary).includes('4111-2222'), `B's summary leaks A's account: ${rb.summary}`);
  assert.ok(!JSON.stringify(rb.messages).includes('4111-2222'), 'A\'s account in B\'s condensed context');
  ok();
});

test('1. editing an earlier message invalidates the cached summary', async () => {
  const original = conversation('4111-7777');
  await condenseSummary(original, summarizer('Summary v1: account 4111-7777.'));
  const edited = structuredClone(original);
  edited[1].content = edited[1].content.replaceAll('4111-7777', '4111-7000');
  const v2 = summarizer('Summary v2: account 4111-7000.');
  const r = await condenseSummary(edited, v2);
  assert.equal(r.metrics.cacheHit, false, 'stale summary returned after an edit');
  assert.equal(v2.calls.length, 1);
  assert.match(String(r.summary), /Summary v2/);
});

test('1. (guard, passes before the fix) identical content condensed again is a cache hit', async () => {
  const first = await condenseSummary(conversation('7000-1234'), summarizer('Summary: account 7000-1234.'));
  const again = summarizer('should not be asked');
  const r = await condenseSummary(conversation('7000-1234'), again);
  assert.equal(r.metrics.cacheHit, true);
  assert.equal(again.calls.length, 0);
  assert.equal(r.summary, first.summary);
});

// ---- 2. Redirects to another origin carry the key, the headers and the body along ----

for (const status of [302, 307, 308]) {
  for (const [kind, mode] of [['anthropic', 'chat'], ['openai', 'chat'], ['openai', 'stream']]) {
    test(`2. ${kind} ${mode}: HTTP ${status} to another origin is PROVIDER_REDIRECT, nothing reaches it`, { timeout: 20_000 }, async () => {
      const pair = await redirectPair(status);
      try {
        const baseUrl = kind === 'openai' ? `${pair.redirector.url}/v1` : pair.redirector.url;
        const p = cw.createProvider({ kind, baseUrl, apiKey: KEY, headers: { 'x-custom': HDR }, retries: 0, timeoutMs: 5000 });
        const opts = { model: modelFor(kind), messages: msgs };
        const r = await settle(() => (mode === 'chat' ? p.chat(opts) : drain(p.stream(opts))), 10_000);
        assert.equal(pair.redirector.requests.length, 1, 'one request, not retried');
        const leaked = pair.target.requests.map((q) => `${q.method} ${q.url} key=${JSON.stringify(q.headers).includes(KEY)}`);
        assert.deepEqual(leaked, [], 'the other origin received a request');
        assert.equal(r.how, 'rejected', `the call ${r.how}`);
        assertCwError(assert, r.error, 'PROVIDER_REDIRECT');
        assert.equal(r.error.retryable, false);
        assert.equal(r.error.status, status);
        assert.ok(r.error.message.includes(pair.target.url), `message names the Location: ${r.error.message}`);
        ok();
      } finally { await pair.close(); }
    });
  }
}

// ---- 3. Error bodies that echo the key or a custom header value end up in err.message ----

const echoCases = [
  ['openai', 'chat', '401'], ['openai', 'chat', '400'], ['openai', 'chat', '429'], ['openai', 'chat', '500'],
  ['openai', 'stream', '401'], ['anthropic', 'chat', 'anthropic401'], ['anthropic', 'stream', '400'],
];
for (const [kind, mode, behaviour] of echoCases) {
  test(`3. ${kind} ${mode} ${behaviour}: an echoed key / header value is redacted everywhere`, { timeout: 20_000 }, async () => {
    const s = await echoServer();
    try {
      s.script.push(behaviour);
      const baseUrl = kind === 'openai' ? `${s.url}/v1` : s.url;
      const p = cw.createProvider({ kind, baseUrl, apiKey: KEY, headers: { 'x-custom': HDR }, retries: 0, timeoutMs: 5000 });
      const opts = { model: modelFor(kind), messages: msgs };
      const r = await settle(() => (mode === 'chat' ? p.chat(opts) : drain(p.stream(opts))), 10_000);
      assert.ok(JSON.stringify(s.requests[0]?.headers).includes(KEY), 'the server did get the key (sanity)');
      assert.equal(r.how, 'rejected');
      assert.equal(r.error.name, 'ContextwiseError');
      const e = r.error;
      for (const [where, text] of [['message', e.message], ['String(err)', String(e)], ['stack', String(e.stack)], ['util.inspect', util.inspect(e, { depth: 8 })]]) {
        assert.ok(!text.includes(KEY), `API key in ${where}: ${text.slice(0, 300)}`);
        assert.ok(!text.includes(HDR), `custom header value in ${where}: ${text.slice(0, 300)}`);
      }
      assert.match(e.message, /\[redacted\]/);
      ok();
    } finally { await s.close(); }
  });
}

// ---- 4. A throwing getter / Proxy leaks wasm memory: ~2,000 calls brick the instance ----

for (const target of ['countTokens options', 'countMessages message', 'countMessages options', 'models.register', 'createProvider',
  'provider.chat', 'route', 'planCondensation', 'assessRisk', 'condense']) {
  test(`4. ${target}: throwing getters and Proxies, 2,000 times each → INVALID_ARGUMENT, instance keeps working`, () => {
    const r = childResult(assert, runChild(`report({ variants: await H.hammer(cw, ${JSON.stringify(target)}), ok: ok() });`, { timeout: 120_000 }));
    for (const [variant, v] of Object.entries(r.variants)) {
      assert.equal(v.bad, 0, `${variant}: ${v.bad} wrong outcomes, first at call ${v.first?.i}: ${v.first?.how} ${JSON.stringify(v.first?.error)}`);
    }
    assert.ok(r.ok, 'the normal count fails afterwards');
  });
}

// ---- 5. Deeply nested tool arguments overflow the wasm stack ----

test('5. tool arguments / tool_use input nested 4,000 deep → INVALID_MESSAGE naming the depth limit', () => {
  const r = childResult(assert, runChild(`
let v = {}; for (let i = 0; i < 4000; i++) v = { a: v };
let shallow = { x: 1 }; for (let i = 0; i < 10; i++) shallow = { a: shallow };
const openai = (args) => [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: args } }] }];
const anthropic = (input) => [{ role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input }] }];
const out = {};
for (const [name, m] of [['openai deep', openai(v)], ['anthropic deep', anthropic(v)], ['openai shallow', openai(shallow)], ['anthropic shallow', anthropic(shallow)]]) {
  const r = await settle(() => cw.countMessages(m, { model: 'gpt-4o' }));
  out[name] = { how: r.how, error: r.error && describeError(r.error), ok: ok() };
}
report(out);`));
  for (const name of ['openai deep', 'anthropic deep']) {
    assert.equal(r[name].how, 'threw', name);
    assertCwError(assert, r[name].error, 'INVALID_MESSAGE', /deep|depth|nest/i);
    assert.match(r[name].error.message, /\d/, 'names the limit');
    assert.ok(r[name].ok, `the instance broke after ${name}`);
  }
  for (const name of ['openai shallow', 'anthropic shallow']) assert.equal(r[name].how, 'returned', `${name}: ${JSON.stringify(r[name].error)}`);
});

// ---- 6. Size limits (configureLimits) and recovery from a wasm trap ----

test('6. configureLimits: input above maxInputChars is INPUT_TOO_LARGE; below it works', () => {
  const defaults = { maxInputChars: 67_108_864, maxDepth: 64 };
  assert.equal(typeof cw.configureLimits, 'function', 'configureLimits is exported');
  assert.deepEqual(cw.configureLimits(), defaults);
  try {
    assert.deepEqual(cw.configureLimits({ maxInputChars: 1000 }), { maxInputChars: 1000, maxDepth: 64 });
    throwsCode(assert, () => cw.countTokens('a'.repeat(1001), { encoding: 'o200k_base' }), 'INPUT_TOO_LARGE', /configureLimits/);
    // below the limit works (900, not exactly 1,000: the options' strings count towards the sum too)
    assert.equal(typeof cw.countTokens('a'.repeat(900), { encoding: 'o200k_base' }), 'number');
    // summed over all strings of one call: two 600-char messages exceed 1,000
    const two = [{ role: 'user', content: 'b'.repeat(600) }, { role: 'assistant', content: 'c'.repeat(600) }];
    throwsCode(assert, () => cw.countMessages(two, { model: 'gpt-4o' }), 'INPUT_TOO_LARGE');
    ok();
  } finally {
    cw.configureLimits?.(defaults);
  }
  assert.deepEqual(cw.configureLimits(), defaults, 'restored');
});

test('6. a string of 67,108,865 chars is refused by default with INPUT_TOO_LARGE', { timeout: 60_000 }, () => {
  const big = 'The quick brown fox jumps over the lazy dog. '.repeat(1_500_000).slice(0, 67_108_865); // prose: cheap for the old build to count
  assert.equal(big.length, 67_108_865);
  throwsCode(assert, () => cw.countTokens(big, { encoding: 'o200k_base' }), 'INPUT_TOO_LARGE');
  ok();
});

test('6. after a wasm trap (INTERNAL) encodings, registered models, providers and limits survive — twice', () => {
  const r = childResult(assert, runChild(`
await cw.loadEncoding('cl100k_base');
const s = await H.recordingServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1 } })); });
const out = { rounds: [] };
try {
  cw.models.register({ id: 'trap-model', provider: 'local', tokenizer: { encoding: 'cl100k_base' }, contextWindow: 4096, maxOutputTokens: 512 });
  const p = cw.createProvider({ kind: 'openai', baseUrl: s.url + '/v1', retries: 0 });
  out.limits = cw.configureLimits({ maxInputChars: 5_000_000, maxDepth: 32 });
  for (let round = 0; round < 2; round++) {
    const trap = await settle(() => cw.__forceTrapForTesting());
    const row = { trap: trap.how, error: trap.error && describeError(trap.error) };
    try {
      row.o200k = cw.countTokens('hello world', { encoding: 'o200k_base' });
      row.cl100k = cw.countTokens('hello world', { encoding: 'cl100k_base' });
      row.model = cw.models.get('trap-model').contextWindow;
      row.chat = (await p.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'ping' }] })).message.content;
      row.limits = cw.configureLimits();
    } catch (e) { row.after = describeError(e); }
    row.ok = ok();
    out.rounds.push(row);
  }
} catch (e) { out.setup = describeError(e); }
try { cw.configureLimits?.({ maxInputChars: 67108864, maxDepth: 64 }); } catch {}
await s.close();
report(out);`));
  assert.equal(r.setup, undefined, `setup failed: ${JSON.stringify(r.setup)}`);
  for (const [i, row] of r.rounds.entries()) {
    assert.equal(row.trap, 'threw', `round ${i}`);
    assertCwError(assert, row.error, 'INTERNAL');
    assert.equal(row.after, undefined, `round ${i}: after the trap: ${JSON.stringify(row.after)}`);
    assert.deepEqual([row.o200k, row.cl100k, row.model, row.chat, row.ok], [2, 2, 4096, 'pong', true], `round ${i}`);
    assert.deepEqual(row.limits, { maxInputChars: 5_000_000, maxDepth: 32 }, `round ${i}: limits kept`);
  }
  assert.equal(r.rounds.length, 2);
});

// ---- 7. Promises that never settle / exceptions nobody can catch ----

const condenseCases = {
  'options Proxy whose get throws': `cw.condense(M, new Proxy({ model: 'gpt-4o' }, { get() { throw new Error('trap'); } }))`,
  'throwing provider getter': `cw.condense(M, { model: 'gpt-4o', strategy: 'summary', get provider() { throw new Error('provider getter'); } })`,
  'messages Proxy whose get throws': `cw.condense(new Proxy(M, { get() { throw new Error('trap'); } }), { model: 'gpt-4o' })`,
  'message with a throwing content getter': `cw.condense([{ role: 'user', get content() { throw new Error('content getter'); } }], { model: 'gpt-4o' })`,
  'snippets Proxy whose get throws': `cw.condense(M, { model: 'gpt-4o', snippets: new Proxy(['a'], { get() { throw new Error('trap'); } }) })`,
};
for (const [name, call] of Object.entries(condenseCases)) {
  test(`7. condense with a ${name} rejects with a ContextwiseError (no uncaught exception)`, () => {
    const r = childResult(assert, runChild(`const M = [{ role: 'user', content: 'Hello there' }];
const r = await settle(() => ${call});
await sleep(50);
report({ how: r.how, error: r.error && describeError(r.error), ok: ok() });`, { timeout: 30_000 }));
    assert.equal(r.how, 'rejected', `condense ${r.how} ${JSON.stringify(r.error)}`);
    assert.equal(r.error.name, 'ContextwiseError', JSON.stringify(r.error));
    assert.ok(r.ok);
  });
}

for (const [name, cfg] of [['non-ASCII apiKey', { apiKey: 'ключ' }], ['apiKey with an inner newline', { apiKey: 'a\nb' }],
  ['header value with CRLF', { headers: { 'x-h': 'a\r\nb' } }], ['header name with a space', { headers: { 'x bad': 'v' } }]]) {
  test(`7. createProvider with a ${name} throws INVALID_CONFIG synchronously (not uncaught at chat time)`, () => {
    const r = childResult(assert, runChild(`const cfg = { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', retries: 0, ...${JSON.stringify(cfg)} };
const made = await settle(() => cw.createProvider(cfg));
const out = { how: made.how, error: made.error && describeError(made.error) };
if (made.how === 'returned') { const c = await settle(() => made.value.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })); out.chat = c.how; }
report({ ...out, ok: ok() });`, { timeout: 30_000 }));
    assert.equal(r.how, 'threw', `createProvider ${r.how}; chat ${r.chat}`);
    assertCwError(assert, r.error, 'INVALID_CONFIG');
    if (cfg.apiKey) assert.ok(!r.error.message.includes(cfg.apiKey), 'the key is not in the message');
    assert.ok(r.ok);
  });
}

// ---- 8. Unbounded responses: bodies that never end, SSE lines that never end ----

// A child script: an endless server, a provider with the new limit options (a build that refuses
// them gets a provider without them, so the old behaviour shows), the call, a 10 ms ticker.
const endless = (opts, limits, call, settleMs = 15_000) => `
const s = await H.endlessServer(${opts});
const base = { kind: 'openai', baseUrl: s.url + '/v1', retries: 0 };
let p, optionRefused;
try { p = cw.createProvider({ ...base, ...${limits} }); } catch (e) { optionRefused = describeError(e); p = cw.createProvider(base); }
let maxGap = 0, last = performance.now();
const ticker = setInterval(() => { const t = performance.now(); maxGap = Math.max(maxGap, t - last); last = t; }, 10);
const t0 = performance.now();
const r = await settle(() => ${call}, ${settleMs});
const ms = Math.round(performance.now() - t0);
clearInterval(ticker);
const closed = await s.allClosedWithin(2000);
await s.close();
report({ how: r.how, error: r.error && describeError(r.error), ms, maxGap: Math.round(maxGap), closed, sent: s.state.sent, optionRefused, ok: ok() });`;
const JSON_PREFIX = `'{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"'`;
const chatCall = `p.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })`;

function endlessCase(name, script, code, timeout = 60_000) {
  test(`8. ${name}`, () => {
    const r = childResult(assert, runChild(script, { timeout }));
    assert.equal(r.how, 'rejected', `the call ${r.how} after ${r.ms} ms (server sent ${r.sent} bytes)`);
    assertCwError(assert, r.error, code);
    assert.ok(r.closed, 'the server still has an open socket 2 s later: the download was not cancelled');
    assert.equal(r.optionRefused, undefined, `createProvider refused the limit options: ${JSON.stringify(r.optionRefused)}`);
    assert.ok(r.ok);
    return r;
  });
}
endlessCase('a JSON body that never ends → RESPONSE_TOO_LARGE (maxResponseBytes 1,000,000), download cancelled',
  endless(`{ prefix: ${JSON_PREFIX}, capBytes: 64 * 2 ** 20 }`, `{ maxResponseBytes: 1_000_000 }`, chatCall, 10_000), 'RESPONSE_TOO_LARGE');
endlessCase('a JSON body that never ends → RESPONSE_TOO_LARGE at the default 32 MiB',
  endless(`{ prefix: ${JSON_PREFIX}, capBytes: 96 * 2 ** 20 }`, `{}`, chatCall, 20_000), 'RESPONSE_TOO_LARGE', 40_000);
endlessCase('an AbortSignal aborted 200 ms into a never-ending body (12 MiB fast, then silence) → ABORTED, settles, download cancelled',
  endless(`{ prefix: ${JSON_PREFIX}, capBytes: 12 * 2 ** 20 }`, `{}`,
    `(() => { const c = new AbortController(); setTimeout(() => c.abort(), 200); return p.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], signal: c.signal }); })()`, 10_000),
  'ABORTED', 30_000);
for (const [name, limits] of [['maxEventBytes 100,000', '{ maxEventBytes: 100_000 }'], ['the default 1 MiB', '{}']]) {
  test(`8. SSE "data: xxx…" without a newline → RESPONSE_TOO_LARGE (${name}); the event loop stays live`, () => {
    const r = childResult(assert, runChild(endless(`{ type: 'text/event-stream', prefix: 'data: ', chunk: 'x'.repeat(16384), capBytes: 64 * 2 ** 20 }`, limits,
      `(async () => { const st = p.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }); for await (const _ of st); return st.result; })()`, 10_000), { timeout: 30_000 }));
    assert.equal(r.how, 'rejected', `the stream ${r.how} after ${r.ms} ms (server sent ${r.sent} bytes; longest event-loop gap ${r.maxGap} ms)`);
    assertCwError(assert, r.error, 'RESPONSE_TOO_LARGE');
    assert.ok(r.maxGap < 500, `event loop blocked for ${r.maxGap} ms`);
    assert.ok(r.closed, 'the download was not cancelled');
    assert.equal(r.optionRefused, undefined, `createProvider refused maxEventBytes: ${JSON.stringify(r.optionRefused)}`);
    assert.ok(r.ok);
  });
}

// ---- 9. Smaller holes: non-finite numbers, bad timeouts, null configs, ignored signals, registry ----

const nonFinite = [
  ['assessRisk reserveOutput NaN', () => cw.assessRisk(msgs, { model: 'gpt-4o', reserveOutput: NaN })],
  ['assessRisk reserveOutput Infinity', () => cw.assessRisk(msgs, { model: 'gpt-4o', reserveOutput: Infinity })],
  ['assessRisk reserveOutput -Infinity', () => cw.assessRisk(msgs, { model: 'gpt-4o', reserveOutput: -Infinity })],
  ['planCondensation target Infinity', () => cw.planCondensation(msgs, { model: 'gpt-4o', target: Infinity })],
  ['planCondensation target NaN', () => cw.planCondensation(msgs, { model: 'gpt-4o', target: NaN })],
  ['planCondensation keepRecent -Infinity', () => cw.planCondensation(msgs, { model: 'gpt-4o', keepRecent: -Infinity })],
  ['planCondensation maxMessageTokens NaN', () => cw.planCondensation(msgs, { model: 'gpt-4o', maxMessageTokens: NaN })],
  ['condense target NaN', () => cw.condense(msgs, { model: 'gpt-4o', target: NaN })],
  ['condense timeoutMs Infinity', () => cw.condense(msgs, { model: 'gpt-4o', timeoutMs: Infinity })],
  ['condense timeoutMs -5', () => cw.condense(msgs, { model: 'gpt-4o', timeoutMs: -5 })],
  ['condense timeoutMs "abc"', () => cw.condense(msgs, { model: 'gpt-4o', timeoutMs: 'abc' })],
  ['isWithinTokenLimit limit null', () => cw.isWithinTokenLimit('hi', null, { encoding: 'o200k_base' })],
  ['routedChat options undefined', () => cw.routedChat(msgs, undefined)],
  ['chat maxTokens NaN', () => cw.createProvider({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', retries: 0 }).chat({ model: 'gpt-4o', messages: msgs, maxTokens: NaN })],
  ['chat signal {}', () => cw.createProvider({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', retries: 0 }).chat({ model: 'gpt-4o', messages: msgs, signal: {} })],
];
for (const [name, fn] of nonFinite) {
  test(`9. ${name} → INVALID_ARGUMENT`, { timeout: 15_000 }, async () => { await failsWith(fn, 'INVALID_ARGUMENT'); ok(); });
}

test('9. countMessages with a NaN / Infinity image size is refused', async () => {
  for (const [w, h] of [[NaN, 10], [Infinity, Infinity], [-Infinity, 5]]) {
    const m = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' }, width: w, height: h }] }];
    const r = await settle(() => cw.countMessages(m, { model: 'gpt-4o' }));
    assert.equal(r.how, 'threw', `${w}×${h}: ${r.how} ${JSON.stringify(r.value)?.slice(0, 80)}`);
    assert.ok(['INVALID_ARGUMENT', 'INVALID_MESSAGE'].includes(r.error.code), r.error.message);
  }
  ok();
});

const badConfigs = [
  ['timeoutMs 2**31', { timeoutMs: 2 ** 31 }], ['timeoutMs Infinity', { timeoutMs: Infinity }], ['retries NaN', { retries: NaN }],
];
for (const [name, extra] of badConfigs) {
  test(`9. createProvider ${name} → INVALID_CONFIG`, () => {
    throwsCode(assert, () => cw.createProvider({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', ...extra }), 'INVALID_CONFIG');
    ok();
  });
}
test('9. (guard) createProvider timeoutMs 2**31 - 1 is accepted', () => {
  assert.equal(typeof cw.createProvider({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 2 ** 31 - 1 }).chat, 'function');
});
for (const v of [null, undefined]) {
  test(`9. createProvider(${v}) → INVALID_CONFIG`, () => { throwsCode(assert, () => cw.createProvider(v), 'INVALID_CONFIG'); ok(); });
}

const base = { provider: 'local', tokenizer: { encoding: 'o200k_base' }, contextWindow: 4096, maxOutputTokens: 512 };
const badModels = [
  ['tile image formula with tile 4e9', { id: 'x-tile', image: { kind: 'tile', base: 85, tile: 4e9 } }],
  ['patch image formula with multiplier -1', { id: 'x-patch', image: { kind: 'patch', multiplier: -1 } }],
  ['framing perMessage -100', { id: 'x-framing', framing: { perMessage: -100, perName: 1, replyPriming: 3 } }],
  ['an alias that is a built-in id (gpt-4o)', { id: 'x-alias', aliases: ['gpt-4o'] }],
];
for (const [name, entry] of badModels) {
  test(`9. models.register with ${name} → INVALID_CONFIG; gpt-4o is not shadowed`, () => {
    throwsCode(assert, () => cw.models.register({ ...base, ...entry }), 'INVALID_CONFIG');
    assert.equal(cw.models.get('gpt-4o').id, 'gpt-4o');
    ok();
  });
}
