// Condensation from the built package: plan and apply on a 1,000-message conversation in Node
// and in headless Chromium; LLM strategies through a JS provider, including failures.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cw, root, corpus } from './helpers.mjs';
import { serve, launchChromium } from './static-server.mjs';

await cw.loadEncoding('o200k_base');
const paragraphs = corpus().find((f) => f.name === 'prose.txt').text.split('\n\n').filter((p) => p.length > 80 && p.length < 1200);

function conversation(n) {
  const msgs = [{ role: 'system', content: 'You are a helpful assistant.' }];
  for (let i = 0; i < n; i++) {
    if (i % 10 === 5) {
      msgs.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'search', arguments: `{"q":"${i}"}` } }] });
      msgs.push({ role: 'tool', tool_call_id: `call_${i}`, content: paragraphs[i % paragraphs.length] });
      i++;
      continue;
    }
    msgs.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: `${paragraphs[(i * 7) % paragraphs.length]} (note ${i}: we decided to keep limit ${1000 + i}.)` });
  }
  return msgs;
}

function checkStructure(out) {
  const first = out.find((m) => m.role !== 'system');
  assert.equal(first?.role, 'user', 'history starts with a user message');
  out.forEach((m, i) => {
    if (m.role === 'tool') {
      const caller = out.slice(0, i).reverse().find((p) => p.role !== 'tool');
      assert.ok(caller?.tool_calls?.some((c) => c.id === m.tool_call_id), `tool result ${i} kept with its call`);
    }
    for (const c of m.tool_calls ?? []) {
      assert.ok(out.slice(i + 1).some((p) => p.role === 'tool' && p.tool_call_id === c.id), `tool call ${i} kept with its result`);
    }
  });
}

test('plan and apply on a 1,000-message conversation in Node', async () => {
  const msgs = conversation(1000);
  const copy = structuredClone(msgs);
  const plan = cw.planCondensation(msgs, { model: 'gpt-4o', target: 20000 });
  assert.equal(plan.messages.length, msgs.length);
  assert.ok(plan.needed && plan.tokensBefore > 20000 && plan.tokensAfter <= 20000);
  assert.ok(plan.messages.slice(-8).every((m) => m.action === 'keep'));
  assert.ok(plan.messages.filter((m) => m.action === 'summarize').every((m) => m.reason.length > 0));
  const r = await cw.condense(msgs, { model: 'gpt-4o', target: 20000 });
  assert.deepEqual(msgs, copy, 'the input is unchanged');
  assert.ok(r.metrics.tokensAfter <= 20000, `${r.metrics.tokensAfter}`);
  assert.equal(r.metrics.tokensAfter, cw.countMessages(r.messages, { model: 'gpt-4o' }).total, 'metrics are the real count');
  assert.equal(r.metrics.strategyUsed, 'extractive');
  assert.ok(r.facts.some((f) => f.kind === 'decision'));
  checkStructure(r.messages);
  for (const strategy of ['truncate', 'summary', 'relevant']) {
    const x = await cw.condense(msgs, { model: 'gpt-4o', target: 20000, strategy });
    checkStructure(x.messages);
    assert.ok(x.metrics.tokensAfter <= 20000);
  }
});

test('LLM strategies call the provider and fall back when it fails', async () => {
  const msgs = conversation(200);
  const calls = [];
  const good = { complete: async (system, prompt, max) => { calls.push({ system, prompt, max }); return 'The team discussed licences and limits.'; } };
  const r = await cw.condense(msgs, { model: 'gpt-4o', target: 5000, strategy: 'summary', provider: good, session: 'js-1' });
  assert.equal(r.metrics.strategyUsed, 'summary');
  assert.equal(r.summary, 'The team discussed licences and limits.');
  assert.match(calls[0].system, /not instructions/);
  assert.match(calls[0].prompt, /<conversation>[\s\S]*<\/conversation>/);
  assert.ok(r.messages.some((m) => m.role === 'system' && m.content.includes('The team discussed licences')));

  // summaries are cached by content: each case below condenses a conversation of its own
  const variant = (tag) => msgs.map((m) => (typeof m.content === 'string' ? { ...m, content: `${m.content} (${tag})` } : m));
  const failing = { complete: async () => { const e = new Error('upstream 503'); e.code = 'PROVIDER_HTTP'; throw e; } };
  const f = await cw.condense(variant('failing'), { model: 'gpt-4o', target: 5000, strategy: 'relevant', provider: failing, session: 'js-2' });
  assert.equal(f.metrics.strategyUsed, 'extractive');
  assert.deepEqual(f.metrics.fallbacks.map((x) => x.strategy), ['relevant', 'summary']);
  assert.match(f.metrics.fallbacks[0].reason, /SUMMARIZER_FAILED: PROVIDER_HTTP: upstream 503/);

  const hanging = { complete: () => new Promise(() => {}) };
  const h = await cw.condense(variant('hanging'), { model: 'gpt-4o', target: 5000, strategy: 'summary', provider: hanging, timeoutMs: 50, session: 'js-4' });
  assert.equal(h.metrics.strategyUsed, 'extractive');
  assert.match(h.metrics.fallbacks[0].reason, /SUMMARIZER_TIMEOUT: the summarizer did not answer within 50 ms/);

  const garbage = { complete: async () => 42 };
  const g = await cw.condense(variant('garbage'), { model: 'gpt-4o', target: 5000, strategy: 'summary', provider: garbage, session: 'js-3' });
  assert.equal(g.metrics.strategyUsed, 'extractive');
  assert.match(g.metrics.fallbacks[0].reason, /other than a string/);
});

test('bad condensation input gets typed errors and loses nothing', async () => {
  const msgs = conversation(20);
  assert.throws(() => cw.planCondensation(msgs, { model: 'nope' }), (e) => e.code === 'UNKNOWN_MODEL');
  assert.throws(() => cw.planCondensation(msgs, { model: 'gpt-4o', strategy: 'magic' }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => cw.planCondensation([{ role: 'user', content: 1 }], { model: 'gpt-4o' }), (e) => e.code === 'INVALID_MESSAGE');
  await assert.rejects(cw.condense(msgs, { model: 'gpt-4o', target: -1 }), (e) => e.code === 'INVALID_ARGUMENT');
  const empty = await cw.condense([], { model: 'gpt-4o', force: true });
  assert.deepEqual(empty.messages, []);
  assert.equal(cw.countTokens('still works', { encoding: 'o200k_base' }), 2);
});

test('plan and apply on a 1,000-message conversation in headless Chromium', async () => {
  const msgs = conversation(1000);
  const server = await serve(root);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/blank`); // any page of the origin; the demo app would load encodings itself
    const result = await page.evaluate(async (msgs) => {
      const cw = await import('/pkg/web/index.js');
      await cw.init();
      await cw.loadEncoding('o200k_base');
      const plan = cw.planCondensation(msgs, { model: 'gpt-4o', target: 20000 });
      const r = await cw.condense(msgs, { model: 'gpt-4o', target: 20000 });
      return { needed: plan.needed, after: r.metrics.tokensAfter, count: cw.countMessages(r.messages, { model: 'gpt-4o' }).total, first: r.messages.find((m) => m.role !== 'system').role, n: plan.messages.length };
    }, msgs);
    assert.equal(result.n, msgs.length, 'one decision per message');
    assert.ok(result.needed);
    assert.ok(result.after <= 20000);
    assert.equal(result.after, result.count);
    assert.equal(result.first, 'user');
  } finally {
    await browser.close();
    await server.close();
  }
});

test('20 concurrent summary condensations keep every summary; sync calls work while they wait', async () => {
  // each conversation is its own (summaries are cached by content); the provider answers after a
  // random delay and rejects every fifth call
  const convo = (k) => conversation(120).map((m) => (typeof m.content === 'string' ? { ...m, content: `${m.content} [conversation ${k}]` } : m));
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let pending = 0;
  const provider = (k) => ({
    complete: () => new Promise((resolve, reject) => {
      pending++;
      setTimeout(() => { pending--; k % 5 === 0 ? reject(new Error(`upstream failure ${k}`)) : resolve(`Summary of conversation ${k}.`); }, 5 + rnd() * 60);
    }),
  });
  const opts = (k) => ({ model: 'gpt-4o', target: 3000, strategy: 'summary', provider: provider(k) });
  const runs = Array.from({ length: 20 }, (_, k) => cw.condense(convo(k), opts(k)));
  // while the provider calls are pending, synchronous calls work
  await new Promise((r) => setTimeout(r, 2));
  assert.ok(pending > 0, 'provider calls are in flight');
  assert.equal(cw.countTokens('still works', { encoding: 'o200k_base' }), 2);
  assert.equal(cw.planCondensation(convo(99), { model: 'gpt-4o', target: 3000 }).needed, true);
  const results = await Promise.all(runs);
  results.forEach((r, k) => {
    if (k % 5 === 0) assert.equal(r.metrics.strategyUsed, 'extractive', `conversation ${k} fell back`);
    else assert.equal(r.summary, `Summary of conversation ${k}.`);
  });
  // every successful summary is still cached; a repeat is a hit with no provider call
  const never = { complete: () => Promise.reject(new Error('must not be called')) };
  for (let k = 0; k < 20; k++) {
    if (k % 5 === 0) continue;
    const again = await cw.condense(convo(k), { model: 'gpt-4o', target: 3000, strategy: 'summary', provider: never });
    assert.equal(again.metrics.cacheHit, true, `conversation ${k} is still cached`);
    assert.equal(again.summary, `Summary of conversation ${k}.`);
  }
  assert.ok(cw.summaryCacheStats().size >= 16);
});

test('the summary cache is bounded and configurable (LRU)', async () => {
  const before = cw.summaryCacheStats();
  assert.equal(before.capacity, 256);
  cw.configureSummaryCache({ capacity: 2 });
  const convo = (k) => conversation(120).map((m) => (typeof m.content === 'string' ? { ...m, content: `${m.content} [lru ${k}]` } : m));
  const p = { complete: async () => 'A summary.' };
  for (const k of [1, 2, 3]) await cw.condense(convo(k), { model: 'gpt-4o', target: 3000, strategy: 'summary', provider: p });
  assert.equal(cw.summaryCacheStats().size, 2);
  const first = await cw.condense(convo(1), { model: 'gpt-4o', target: 3000, strategy: 'summary', provider: p });
  assert.equal(first.metrics.cacheHit, false, 'the least recently used summary was dropped');
  assert.throws(() => cw.configureSummaryCache({ capacity: -1 }), (e) => e.code === 'INVALID_CONFIG');
  cw.configureSummaryCache({ capacity: 256, clear: true });
  assert.equal(cw.summaryCacheStats().size, 0);
});

test('recallTool: the condensed context comes with contextwise_recall, and recall() finds what was evicted', async () => {
  const msgs = conversation(400);
  // facts stated once, early, in words the filler never uses
  const planted = { 12: 'The deploy ID for the Larkspur rollout is DEP-77431.', 40: 'Billing uses a token bucket of 120 requests per minute per tenant.' };
  for (const [i, text] of Object.entries(planted)) msgs[i] = { role: 'user', content: text };
  for (const strategy of ['truncate', 'extractive']) {
    const r = await cw.condense(msgs, { model: 'gpt-4o', target: 4000, force: true, strategy, recallTool: true });
    assert.ok(r.plan.evicted.includes(12) && r.plan.evicted.includes(40), 'the planted messages were evicted');
    // an OpenAI tool definition with one required string argument
    assert.equal(r.tool.type, 'function');
    assert.equal(r.tool.function.name, 'contextwise_recall');
    assert.deepEqual(r.tool.function.parameters.required, ['query']);
    assert.equal(r.tool.function.parameters.properties.query.type, 'string');
    assert.ok(r.messages.some((m) => m.role === 'system' && m.content.includes('contextwise_recall')), 'the context says the tool exists');
    assert.ok(r.metrics.tokensAfter <= 4000, `${r.metrics.tokensAfter} tokens`);
    const deploy = r.recall('What was the deploy ID of the Larkspur rollout?');
    assert.deepEqual(deploy[0].messageIds, [12]);
    assert.equal(deploy[0].text, planted[12]);
    assert.deepEqual(r.recall('token bucket requests per minute', { limit: 1 }).map((p) => p.messageIds[0]), [40]);
    assert.deepEqual(r.recall('77431', { limit: 2 })[0].messageIds, [12]);
    assert.deepEqual(r.recall('zzqx qqvv'), []);
    // every passage comes from an evicted message, verbatim
    for (const p of r.recall('we decided to keep limit', { limit: 20 })) {
      assert.ok(r.plan.evicted.includes(p.messageIds[0]));
      assert.ok(String(msgs[p.messageIds[0]].content ?? '').includes(p.text.slice(0, 40)), p.text);
    }
    for (const bad of [[5], ['x', { limit: 0 }], ['x', { limit: 1.5 }], ['x', { top: 3 }]]) {
      assert.throws(() => r.recall(...bad), (e) => e.name === 'ContextwiseError' && e.code === 'INVALID_ARGUMENT');
    }
    assert.equal(r.recall('deploy', { limit: 1 }).length, 1, 'works after errors');
  }
  const plain = await cw.condense(msgs, { model: 'gpt-4o', target: 4000, force: true });
  assert.equal(plain.tool, undefined);
  assert.equal(plain.recall, undefined);
  assert.ok(!plain.messages.some((m) => String(m.content).includes('contextwise_recall')));
  // nothing evicted: no tool
  const small = await cw.condense(msgs.slice(0, 5), { model: 'gpt-4o', recallTool: true });
  assert.equal(small.tool, undefined);
});
