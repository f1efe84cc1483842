// session.send in Node, end to end: the built package against local OpenAI-compatible and
// Anthropic servers that answer in the documented formats and record every request. A model
// registered with a 4,096-token window: every request the server receives fits (counted with the
// tiktoken npm package and OpenAI's framing); condensation runs when due; facts of the first turns
// reach the server at the last turn; nothing is lost; the conversation resumes in a new process
// from SQLite; turns of a session are queued; an abort keeps the user's message.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cw, get_encoding, root } from './helpers.mjs';
import { providerServer } from './provider-servers.mjs';

const { ContextManager, models } = cw;
const run = promisify(execFile);
const o200k = get_encoding('o200k_base');
test.after(() => o200k.free());
const tk = (s) => o200k.encode(s, [], []).length;
/** OpenAI's documented count of a request body's messages. */
const requestTokens = (body) => body.messages.reduce((n, m) => n + 3 + tk(m.role) + tk(typeof m.content === 'string' ? m.content : ''), 3);

models.register({ id: 'turn-small', provider: 'local', tokenizer: { encoding: 'o200k_base', exact: true }, contextWindow: 4096, maxOutputTokens: 512, pricing: { input: 1, output: 2 }, capabilities: { tools: true, streaming: true } });
models.register({ id: 'turn-summarizer', provider: 'local', tokenizer: { encoding: 'o200k_base', exact: true }, contextWindow: 16384, maxOutputTokens: 1024, pricing: { input: 0.1, output: 0.2 } });
models.register({ id: 'turn-claude', provider: 'anthropic', tokenizer: { encoding: 'o200k_base', exact: true }, contextWindow: 8192, maxOutputTokens: 1024, pricing: { input: 3, output: 15 } });

const userTurn = (i) => [
  'I created the file src/billing/invoice.rs for the invoice generator.',
  'We decided to use Postgres 16 for the orders service.',
  'Never log the card CVV anywhere, not even in debug builds.',
][i] ?? `Step ${i}: please review this handler.\n\`\`\`js\nexport async function handler${i}(req) {\n  const rows = await db.query('select * from items where owner = $1', [req.params.id]);\n  return rows.map((r) => r.name);\n}\n\`\`\`\nLatency is around ${100 + i} ms under load and the retry loop seems to fire twice.`;

let openai, anthropic, dir;
test.before(async () => {
  openai = await providerServer('openai');
  anthropic = await providerServer('anthropic');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-turns-'));
});
test.after(async () => {
  await openai?.close();
  await anthropic?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const config = (extra = {}) => ({
  appName: 'turns',
  providers: { local: { kind: 'openai', baseUrl: openai.base, apiKey: 'sk-turns-secret-key', retries: 0 } },
  router: { models: { primary: 'turn-small' }, useHybrid: false },
  condensation: { strategies: ['summary', 'extractive', 'truncate'], summarizer: 'turn-summarizer' },
  ...extra,
});

test('60 turns in a 4,096-token window: every request fits, facts survive, nothing is lost, usage adds up', async () => {
  const events = [];
  const file = path.join(dir, 'turns.sqlite');
  const manager = await ContextManager.open(config({ store: { kind: 'sqlite', path: file }, onEvent: (e) => events.push(e) }));
  try {
    const session = await manager.session('long');
    const first = openai.requests.length;
    let condensed = 0;
    for (let i = 0; i < 60; i++) {
      const r = await session.send(userTurn(i));
      assert.equal(r.message.role, 'assistant');
      assert.equal(r.model, 'turn-small');
      assert.deepEqual(r.seq, [2 * i, 2 * i + 1]);
      assert.ok(r.contextInfo.tokensAfter <= r.contextInfo.limit, JSON.stringify(r.contextInfo));
      if (r.contextInfo.condensationApplied) condensed++;
    }
    assert.ok(condensed > 20, `condensation ran when due (${condensed} turns)`);
    const sent = openai.requests.slice(first);
    for (const req of sent) {
      const window = req.body.model === 'turn-summarizer' ? 16384 : 4096;
      assert.ok(requestTokens(req.body) + req.body.max_tokens <= window, `${req.body.model}: ${requestTokens(req.body)} + ${req.body.max_tokens} > ${window}`);
      assert.equal(req.headers.authorization, 'Bearer sk-turns-secret-key');
    }
    const last = JSON.stringify(sent.filter((r) => r.body.model === 'turn-small').at(-1).body);
    for (const fact of ['src/billing/invoice.rs', 'Postgres 16', 'card CVV']) assert.ok(last.includes(fact), `the last request carries ${fact}`);
    assert.ok(sent.some((r) => r.body.model === 'turn-summarizer'), 'the summarizer was called');

    const stored = await session.messages();
    assert.equal(stored.length, 120);
    stored.forEach((m, k) => assert.equal(m.message.role, k % 2 ? 'assistant' : 'user'));
    // every call the server answered is stored as usage (its fixture reports 1117 / 46 tokens)
    const usage = await session.usage();
    assert.equal(usage.length, sent.length);
    assert.equal(usage.reduce((n, u) => n + u.promptTokens, 0), 1117 * sent.length);
    assert.ok(usage.some((u) => u.model === 'turn-summarizer' && u.cost > 0));
    assert.ok((await session.facts()).some((f) => f.text.includes('Postgres 16')));
    assert.ok((await session.summaries()).length > 0);

    // stats: kept in the store, equal to the usage stored (summaries included)
    const stats = await manager.stats();
    assert.equal(stats.turns, 60);
    for (const [model, m] of Object.entries(stats.models)) {
      const mine = usage.filter((u) => u.model === model);
      assert.equal(m.requests, mine.length, model);
      assert.equal(m.promptTokens, mine.reduce((n, u) => n + u.promptTokens, 0), model);
      assert.ok(Math.abs(m.cost - mine.reduce((n, u) => n + u.cost, 0)) < 1e-9, model);
      // the same latencies as stored with the usage: their mean and 95th percentile (nearest rank)
      const lat = mine.map((u) => u.latencyMs).sort((a, b) => a - b);
      assert.ok(Math.abs(m.avgLatencyMs - lat.reduce((n, x) => n + x, 0) / lat.length) < 1e-6, model);
      assert.equal(m.p95LatencyMs, lat[Math.min(lat.length, Math.ceil(0.95 * lat.length)) - 1], model);
    }
    assert.equal(stats.condensations.count, condensed);
    assert.ok(stats.countCacheHitRatio > 0.5, 'counts of the growing conversation come from the cache');
    const table = await manager.formatStats();
    assert.match(table, /^model\s+requests\s+errors/);
    assert.match(table, /turn-small/);
    assert.match(table, /turns 60 /);

    await new Promise((r) => setTimeout(r, 0));
    const types = new Set(events.map((e) => e.type));
    for (const t of ['storage', 'route.decided', 'condensation.triggered', 'condensation.done']) assert.ok(types.has(t), t);
    assert.match(events.find((e) => e.type === 'condensation.triggered').message, /^Compression triggered: \d+ tokens > \d+ threshold$/);
    assert.match(events.find((e) => e.type === 'condensation.done').message, /^Original: \d+ tokens, Compressed: \d+ tokens$/);
    assert.ok(!JSON.stringify(events).includes('sk-turns-secret-key'));
  } finally {
    await manager.close();
  }

  // the same conversation in a new process, from the SQLite file: it continues with its facts
  const script = path.join(dir, 'resume.mjs');
  fs.writeFileSync(script, `import { ContextManager, models } from ${JSON.stringify(path.join(root, 'pkg/node/index.mjs'))};
models.register({ id: 'turn-small', provider: 'local', tokenizer: { encoding: 'o200k_base' }, contextWindow: 4096, maxOutputTokens: 512 });
const manager = await ContextManager.open({ appName: 'turns', store: { kind: 'sqlite', path: ${JSON.stringify(file)} },
  providers: { local: { kind: 'openai', baseUrl: ${JSON.stringify(openai.base)} } }, router: { models: { primary: 'turn-small' }, useHybrid: false } });
const session = await manager.session('long');
const r = await session.send('What was the database again?');
console.log(JSON.stringify({ seq: r.seq, stored: (await session.messages()).length, condensed: r.contextInfo.condensationApplied, turns: (await manager.stats()).turns }));
await manager.close();
`);
  const before = openai.requests.length;
  const { stdout } = await run(process.execPath, [script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(stdout), { seq: [120, 121], stored: 122, condensed: true, turns: 61 }, 'stats survive in the store');
  const resumed = JSON.stringify(openai.requests.slice(before).at(-1).body);
  assert.ok(resumed.includes('Postgres 16') && resumed.includes('src/billing/invoice.rs'), 'the resumed turn carries the facts');
});

test('turns of one session are queued in order; an abort keeps the message; other errors are typed', async () => {
  const manager = await ContextManager.open(config({ store: 'memory' }));
  try {
    const s = await manager.session('queued');
    const [a, b, c] = await Promise.all([s.send('first'), s.send('second'), s.send('third')]);
    assert.deepEqual([a.seq, b.seq, c.seq], [[0, 1], [2, 3], [4, 5]]);
    assert.deepEqual((await s.messages()).filter((m) => m.message.role === 'user').map((m) => m.message.content), ['first', 'second', 'third']);

    openai.script.push('hang');
    const controller = new AbortController();
    const pending = s.send('this one is aborted', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, (e) => e.code === 'ABORTED');
    const after = await s.messages();
    assert.equal(after.at(-1).message.content, 'this one is aborted', 'the user message stays stored');
    // the next turn works
    assert.equal((await s.send('and this one works')).message.role, 'assistant');

    openai.script.push('400');
    await assert.rejects(s.send('bad request'), (e) => e.code === 'PROVIDER_HTTP' && e.status === 400 && !String(e.message).includes('sk-turns-secret-key'));
    await assert.rejects(s.send('word '.repeat(20000)), (e) => e.code === 'CONTEXT_OVERFLOW' && /stored/.test(e.message));
    await assert.rejects(s.send({ role: 'assistant', content: 'not a user message' }), (e) => e.code === 'INVALID_MESSAGE');
    const count = (await s.messages()).length;
    await assert.rejects(s.send('x', { maxTokens: -1 }), (e) => e.code === 'INVALID_ARGUMENT');
    await assert.rejects(s.send('x', { model: 'no-such-model' }), (e) => e.code === 'UNKNOWN_MODEL');
    assert.equal((await s.messages()).length, count, 'bad options store nothing');
  } finally {
    await manager.close();
  }
  await assert.rejects(ContextManager.open(config({ store: 'memory', summarizationThreshold: 2 })), (e) => e.code === 'INVALID_CONFIG' && /^summarizationThreshold/.test(e.message));
  await assert.rejects(ContextManager.open(config({ store: 'memory', router: { models: { primary: 'nope-model' } } })), (e) => e.code === 'INVALID_CONFIG' && /router/.test(e.message));
  await assert.rejects(ContextManager.open(config({ store: 'memory', providers: { local: { kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'bad\nkey' } } })), (e) => e.code === 'INVALID_CONFIG' && /^providers\.local/.test(e.message) && !e.message.includes('bad\nkey'));
  const plain = await ContextManager.open({ appName: 'no-providers', store: 'memory' });
  await assert.rejects((await plain.session()).send('hi'), (e) => e.code === 'INVALID_CONFIG' && /providers/.test(e.message));
  await plain.close();
});

test('an Anthropic provider and a fallback to it; memory from an earlier session', async () => {
  const manager = await ContextManager.open(config({
    store: 'memory',
    providers: {
      local: { kind: 'openai', baseUrl: openai.base, retries: 0 },
      anthropic: { kind: 'anthropic', baseUrl: anthropic.base, apiKey: 'sk-ant-turns' },
    },
    router: { models: { primary: 'turn-small' }, fallbacks: ['turn-claude'], useHybrid: false },
    memory: { crossSession: true },
  }));
  try {
    const earlier = await manager.session('earlier');
    await earlier.commitTurn({ facts: [{ kind: 'decision', text: 'The billing service deploys to eu-west-3', subject: 'billing region' }] });
    const s = await manager.session('later');
    const before = openai.requests.length;
    const r = await s.send('Where does the billing service deploy?');
    assert.equal(r.contextInfo.memory, 1);
    assert.match(JSON.stringify(openai.requests.at(-1).body.messages), /eu-west-3/);
    assert.equal(openai.requests.length, before + 1);
    // a server's default: no memory across sessions (every user's sessions share the store)
    const plainManager = await ContextManager.open(config({ store: 'memory' }));
    try {
      const other = await plainManager.session('earlier');
      await other.commitTurn({ facts: [{ kind: 'decision', text: 'The billing service deploys to eu-west-3', subject: 'billing region' }] });
      const r0 = await (await plainManager.session('later')).send('Where does the billing service deploy?');
      assert.equal(r0.contextInfo.memory, 0);
      assert.doesNotMatch(JSON.stringify(openai.requests.at(-1).body.messages), /eu-west-3/);
    } finally {
      await plainManager.close();
    }

    openai.script.push('500');
    const fb = await s.send('And the orders service?');
    assert.equal(fb.model, 'turn-claude');
    assert.deepEqual(fb.contextInfo.attempts.map((a) => [a.model, a.ok]), [['turn-small', false], ['turn-claude', true]]);
    const req = anthropic.requests.at(-1);
    assert.equal(req.url, '/v1/messages');
    assert.equal(req.headers['x-api-key'], 'sk-ant-turns');
    assert.equal(req.body.model, 'turn-claude');
    assert.ok(req.body.messages.every((m) => m.role === 'user' || m.role === 'assistant'), 'system goes apart in the Anthropic format');
    assert.equal((await s.messages()).length, 4);
  } finally {
    await manager.close();
  }
});

test('session.stream: deltas as they arrive, the turn stored at the end; a stop keeps the partial reply only when asked', async () => {
  const manager = await ContextManager.open(config({ store: 'memory' }));
  try {
    const s = await manager.session('streamed');
    const stream = s.stream('Describe the picture');
    let text = '';
    for await (const d of stream) if (d.type === 'text') text += d.text;
    const r = await stream.result;
    assert.ok(text.length > 0);
    assert.equal(r.message.content, text, 'the stored reply is what was streamed');
    assert.equal(openai.requests.at(-1).body.stream, true);
    assert.ok(r.usage && r.usage.promptTokens > 0, 'usage from the stream');
    assert.deepEqual((await s.messages()).map((m) => m.message.content), ['Describe the picture', text]);

    // leaving the loop early: the user's message stays, no reply without keepPartial
    openai.script.push('slow');
    const early = s.stream('Again, slowly');
    for await (const d of early) { void d; break; }
    await assert.rejects(early.result, (e) => e.code === 'ABORTED');
    assert.deepEqual((await s.messages()).slice(2).map((m) => m.message.role), ['user']);

    // an abort with keepPartial: what arrived is stored
    openai.script.push('slow');
    const controller = new AbortController();
    const partial = s.stream('Once more', { signal: controller.signal, keepPartial: true });
    let got = '';
    await assert.rejects((async () => {
      for await (const d of partial) {
        if (d.type === 'text') got += d.text;
        if (got.length > 5) controller.abort();
      }
    })(), (e) => e.code === 'ABORTED');
    const stored = await s.messages();
    assert.equal(stored.at(-2).message.content, 'Once more');
    assert.equal(stored.at(-1).message.role, 'assistant');
    assert.ok(got.startsWith(stored.at(-1).message.content) || stored.at(-1).message.content.startsWith(got), 'the partial reply');

    // and the session goes on
    const next = await s.send('Thanks');
    assert.equal(next.seq[0], stored.length);
  } finally {
    await manager.close();
  }
});

test('plan() shows the exact context the next turn sends: condensed by a local strategy, then through the view it keeps', async () => {
  const manager = await ContextManager.open(config({ store: 'memory', system: 'You are terse.', condensation: { strategies: ['extractive', 'truncate'] } }));
  try {
    const s = await manager.session('exact-next');
    const small = await s.plan('hi');
    assert.deepEqual(small.context, [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'hi' }], 'below the threshold: everything verbatim');
    // options are checked as a turn checks them
    await assert.rejects(s.plan('hi', { maxTokens: -1 }), (e) => e.code === 'INVALID_ARGUMENT' && /maxTokens/.test(e.message));
    await assert.rejects(s.assess({ role: 'robot', content: 'x' }), (e) => e.code === 'INVALID_MESSAGE' && /user's text/.test(e.message));
    assert.equal((await s.assess('hi')).riskLevel, 'SAFE', 'and the next call works');
    let condensed = 0;
    for (let i = 0; i < 40; i++) {
      const next = userTurn(i);
      const p = await s.plan(next);
      const sent = openai.requests.length;
      const r = await s.send(next);
      const body = openai.requests[sent].body;
      assert.deepEqual(body.messages, p.context, `turn ${i}: the request holds exactly the previewed context`);
      assert.equal(p.condensationNeeded, r.contextInfo.condensationApplied, `turn ${i}`);
      if (r.contextInfo.condensationApplied) condensed++;
    }
    assert.ok(condensed > 5, `condensed turns: ${condensed}`);
  } finally {
    await manager.close();
  }
});

test('assess, plan, summary and fork: the next turn previewed without sending, a branch of a conversation', async () => {
  const manager = await ContextManager.open(config({ store: 'memory' }));
  try {
    const s = await manager.session('preview');
    const requests = openai.requests.length;
    const empty = await s.assess('hello there');
    assert.equal(empty.model, 'turn-small');
    assert.equal(empty.tokens, requestTokens({ messages: [{ role: 'user', content: 'hello there' }] }));
    assert.deepEqual([empty.window, empty.reserve, empty.limit], [4096, 512, 3584]);
    assert.equal(empty.riskLevel, 'SAFE');
    assert.equal(empty.condensationNeeded, false);
    assert.equal(openai.requests.length, requests, 'nothing sent');
    assert.equal((await s.messages()).length, 0, 'nothing stored');

    for (let i = 0; i < 40; i++) await s.send(userTurn(i));
    const stored = await s.messages();
    const next = 'And now the last question';
    const p = await s.plan(next);
    const all = [...stored.map((m) => m.message), { role: 'user', content: next }];
    assert.equal(p.tokens, requestTokens({ messages: all }), 'the preview counts the whole conversation and the pending message');
    assert.equal(p.condensationNeeded, p.utilization >= 0.75);
    assert.ok(p.condensationNeeded, JSON.stringify({ tokens: p.tokens, utilization: p.utilization }));
    assert.ok(p.plan.messages.some((m) => m.action !== 'keep'), 'the plan evicts older turns');
    assert.equal(p.plan.messages.at(-1).action, 'keep', 'the new message is kept');
    assert.equal((await s.messages()).length, stored.length, 'a plan stores nothing');

    // condense now: the summary is stored (the summarizer's answer), the messages stay
    const summarizerCalls = openai.requests.filter((r) => r.body.model === 'turn-summarizer').length;
    const c = await s.condense();
    assert.equal(c.model, 'turn-small');
    assert.ok(c.tokensAfter < c.tokensBefore);
    assert.equal(c.strategy, 'summary');
    // the turns before condensed the same history: its summary comes from the cache, or the summarizer is asked
    assert.ok(c.fallbacks.length === 0);
    assert.ok(openai.requests.filter((r) => r.body.model === 'turn-summarizer').length >= summarizerCalls);
    assert.ok(c.summary === null || c.summary.length > 0);
    assert.equal((await s.messages()).length, stored.length, 'no message changed');
    const summary = await s.summary();
    assert.ok(summary.from <= summary.to && summary.text.length > 0);
    assert.equal(summary.strategy, 'summary');
    assert.equal(summary.model, 'turn-summarizer');
    await assert.rejects((await manager.session('empty-one')).condense(), (e) => e.code === 'INVALID_ARGUMENT');

    const fork = await s.fork(5);
    assert.notEqual(fork.id, s.id);
    const copied = await fork.messages();
    assert.deepEqual(copied.map((m) => m.message), stored.slice(0, 6).map((m) => m.message));
    assert.deepEqual((await fork.info()).metadata, { forkOf: 'preview', at: 5 });
    const r = await fork.send('A different direction');
    assert.deepEqual(r.seq, [6, 7]);
    assert.equal((await s.messages()).length, stored.length, 'the original is unchanged');
    await assert.rejects(s.fork(9999), (e) => e.code === 'INVALID_ARGUMENT');

    // regenerate: the last reply replaced, same user message, same sequence numbers
    const before = await fork.messages();
    const sentBefore = openai.requests.length;
    const again = await fork.regenerate();
    assert.deepEqual(again.seq, [6, 7]);
    const afterRegen = await fork.messages();
    assert.equal(afterRegen.length, before.length);
    assert.deepEqual(afterRegen.slice(0, -1), before.slice(0, -1));
    assert.equal(openai.requests.length, sentBefore + 1);
    assert.equal(openai.requests.at(-1).body.messages.at(-1).content, 'A different direction', 'the same user message is answered again');
    assert.deepEqual(openai.requests.at(-1).body.messages, openai.requests[sentBefore - 1].body.messages, 'the same context as the first answer: the old reply is not in it');
    const fresh = await manager.session('nothing-to-regenerate');
    await assert.rejects(fresh.regenerate(), (e) => e.code === 'INVALID_ARGUMENT');
    await fresh.append({ role: 'user', content: 'only a question' });
    await assert.rejects(fresh.regenerate(), (e) => e.code === 'INVALID_ARGUMENT' && /last message is a reply/.test(e.message));
  } finally {
    await manager.close();
  }
});
