// condensation: { recallTool: true } in the turn loop, against a local server that speaks the
// documented OpenAI Chat Completions format (JSON and SSE): a condensed turn offers the model
// contextwise_recall; when the model calls it, the manager answers from the evicted messages and
// calls again; the app sees only the final reply (no tool-call deltas in a stream); the exchange is
// stored with the turn, reported in contextInfo.recall, and left out of later contexts;
// regenerate replaces the exchange with the reply.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { cw } from './helpers.mjs';

const { ContextManager, models } = cw;
models.register({ id: 'recall-small', provider: 'local', tokenizer: { encoding: 'o200k_base', exact: true }, contextWindow: 4096, maxOutputTokens: 512, pricing: { input: 1, output: 2 }, capabilities: { tools: true, streaming: true } });

const DEPLOY = 'The deploy ID for the Larkspur rollout is DEP-77431.';
const filler = (i) => `Turn ${i}: the handler in step ${i} reads rows from the items table and maps them to names; ` +
  'it looks fine, although the retry loop fires twice under load and the log lines are noisy. '.repeat(6);

/** A model that searches with contextwise_recall when it is offered and has not searched yet. */
async function recallingServer() {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const b = JSON.parse(body);
    requests.push(b);
    const offered = (b.tools ?? []).some((t) => t.function?.name === 'contextwise_recall');
    const last = b.messages.at(-1);
    const question = b.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    const search = offered && last.role !== 'tool' && /deploy id/i.test(question);
    const text = last.role === 'tool' ? `From the earlier messages: ${last.content.match(/DEP-\d+/)?.[0] ?? 'nothing'}` : 'Noted.';
    const usage = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 };
    const call = { id: `call_${requests.length}`, type: 'function', function: { name: 'contextwise_recall', arguments: JSON.stringify({ query: 'deploy ID Larkspur rollout' }) } };
    if (!b.stream) {
      const message = search ? { role: 'assistant', content: null, tool_calls: [call] } : { role: 'assistant', content: text };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: b.model, choices: [{ index: 0, message, finish_reason: search ? 'tool_calls' : 'stop' }], usage }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: b.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }));
    if (search) {
      const args = call.function.arguments;
      res.write(chunk({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: 'contextwise_recall', arguments: '' } }] }));
      res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, 10) } }] }));
      res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(10) } }] }));
      res.write(chunk({}, 'tool_calls'));
    } else {
      for (const piece of text.match(/.{1,7}/g)) res.write(chunk({ content: piece }));
      res.write(chunk({}, 'stop'));
    }
    res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: b.model, choices: [], usage })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { requests, base: `http://127.0.0.1:${server.address().port}/v1`, close: () => new Promise((r) => server.close(r)) };
}

test('recallTool: the model searches the evicted messages; the app sees only the reply', async () => {
  const server = await recallingServer();
  const manager = await ContextManager.open({
    appName: 'recall', store: 'memory',
    providers: { local: { kind: 'openai', baseUrl: server.base, retries: 0 } },
    router: { models: { primary: 'recall-small' }, useHybrid: false },
    condensation: { strategies: ['truncate'], recallTool: true },
  });
  try {
    const session = await manager.session('s');
    await session.send(DEPLOY);
    for (let i = 0; i < 24; i++) await session.send(filler(i));
    assert.equal(server.requests[0].tools, undefined, 'no tool while nothing was condensed');
    assert.ok(server.requests.at(-1).tools, 'offered once turns are condensed');

    const before = server.requests.length;
    const r = await session.send('What was the deploy ID again?');
    assert.equal(r.message.content, 'From the earlier messages: DEP-77431');
    assert.ok(r.contextInfo.condensationApplied);
    // the statement (#0) and the reply to it (#1)
    assert.deepEqual(r.contextInfo.recall, [{ query: 'deploy ID Larkspur rollout', messageIds: [0, 1] }]);
    const [first, second] = server.requests.slice(before);
    assert.equal(server.requests.length - before, 2);
    assert.deepEqual(first.tools.map((t) => t.function.name), ['contextwise_recall']);
    assert.ok(!JSON.stringify(first.messages).includes('DEP-77431'), 'the fact was condensed out');
    assert.equal(second.messages.at(-2).tool_calls[0].function.name, 'contextwise_recall');
    assert.equal(second.messages.at(-1).role, 'tool');
    assert.ok(second.messages.at(-1).content.includes(DEPLOY) && second.messages.at(-1).content.includes('[#0 user]'));
    // stored with the turn: the question, the call, its result, the reply
    const stored = (await session.messages()).slice(-4).map((m) => m.message.role);
    assert.deepEqual(stored, ['user', 'assistant', 'tool', 'assistant']);
    assert.equal(r.seq[1], (await session.messages()).at(-1).seq);
    // both calls are paid for and counted
    assert.equal((await manager.stats()).models['recall-small'].requests, server.requests.length);

    // the next turn does not send the exchange
    const n = server.requests.length;
    await session.send('Thanks, carry on.');
    assert.equal(server.requests.length, n + 1);
    assert.ok(!server.requests.at(-1).messages.some((m) => m.role === 'tool' || m.tool_calls), 'no recall exchange in later contexts');

    // streamed: no tool-call deltas reach the app
    const s = session.stream('And the deploy ID, once more?');
    const deltas = [];
    for await (const d of s) deltas.push(d);
    assert.ok(deltas.length > 1 && deltas.every((d) => d.type === 'text'), JSON.stringify(deltas));
    assert.equal(deltas.map((d) => d.text).join(''), 'From the earlier messages: DEP-77431');
    const streamed = await s.result;
    assert.deepEqual(streamed.contextInfo.recall.map((x) => x.messageIds), [[0, 1]]);
    assert.deepEqual((await session.messages()).slice(-4).map((m) => m.message.role), ['user', 'assistant', 'tool', 'assistant']);

    // regenerate: the exchange and the reply go, a new turn answers the same question
    const count = (await session.messages()).length;
    const again = await session.regenerate();
    assert.equal(again.message.content, 'From the earlier messages: DEP-77431');
    const after = await session.messages();
    assert.equal(after.length, count, 'the old exchange and reply were replaced by the new ones');
    assert.equal(after.at(-4).message.content, 'And the deploy ID, once more?');
  } finally {
    await manager.close();
    await server.close();
  }
});

test('without recallTool no tool is offered', async () => {
  const server = await recallingServer();
  const manager = await ContextManager.open({
    appName: 'recall-off', store: 'memory',
    providers: { local: { kind: 'openai', baseUrl: server.base, retries: 0 } },
    router: { models: { primary: 'recall-small' }, useHybrid: false },
    condensation: { strategies: ['truncate'] },
  });
  try {
    const session = await manager.session('s');
    await session.send(DEPLOY);
    for (let i = 0; i < 24; i++) await session.send(filler(i));
    const r = await session.send('What was the deploy ID again?');
    assert.ok(r.contextInfo.condensationApplied);
    assert.deepEqual(r.contextInfo.recall, []);
    assert.ok(!server.requests.some((q) => q.tools));
  } finally {
    await manager.close();
    await server.close();
  }
});
