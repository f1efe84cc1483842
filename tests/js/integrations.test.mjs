// The integrations, imported the way a user imports them (`contextwise/ai-sdk`,
// `contextwise/langchain`: the package's exports map, by self-reference): the Vercel AI SDK
// middleware with the SDK's own mock model and with @ai-sdk/openai-compatible against a local
// OpenAI-compatible server (the request body on the wire), LangChain's message history over the
// memory and SQLite stores and in RunnableWithMessageHistory, the trimmer in a chain next to
// LangChain's own trimMessages; counts checked against the `tiktoken` npm package. Last, the
// packed tarball in a scratch project: ESM, CommonJS and TypeScript.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { root, corpus, get_encoding } from './helpers.mjs';
import { readmeExample } from './readme.mjs';

import * as cw from 'contextwise';
import { contextwiseMiddleware } from 'contextwise/ai-sdk';
import { ContextwiseChatMessageHistory, contextwiseTrimmer, ContextwiseTrimmer } from 'contextwise/langchain';

import { generateText, streamText, wrapLanguageModel, tool, jsonSchema } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, trimMessages } from '@langchain/core/messages';
import { ChatPromptTemplate, MessagesPlaceholder } from '@langchain/core/prompts';
import { RunnableWithMessageHistory } from '@langchain/core/runnables';
import { FakeListChatModel } from '@langchain/core/utils/testing';

const requireHere = createRequire(import.meta.url);

/** The property names an interface of the integrations' declarations (pkg/integrations/ai-sdk.d.mts) declares. */
function declaredProperties(name) {
  const ts = requireHere('typescript');
  const dts = requireHere.resolve('contextwise/ai-sdk').replace(/\.cjs$/, '.d.mts');
  const program = ts.createProgram([dts], { strict: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] });
  const checker = program.getTypeChecker();
  const sym = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(dts))).find((s) => s.getName() === name);
  assert.ok(sym, `${name} is exported`);
  return checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(sym)).getProperties().map((p) => p.getName()).sort();
}

// ---- independent truth: OpenAI's documented chat framing over the `tiktoken` npm package ----
const o200k = get_encoding('o200k_base');
test.after(() => o200k.free());
const tok = (s) => o200k.encode(s, [], []).length;
/** gpt-4o: 3 tokens per message, its role and content, 1 + name for a name, 3 to prime the reply. */
function openaiCount(msgs) {
  let n = 3;
  for (const m of msgs) {
    assert.equal(typeof m.content, 'string', 'text-only messages are checkable with tiktoken');
    n += 3 + tok(m.role) + tok(m.content) + (m.name ? 1 + tok(m.name) : 0);
  }
  return n;
}
/** An AI SDK (v4) prompt of text messages as { role, content } strings. */
function promptText(prompt) {
  return prompt.map((m) => {
    if (m.role === 'system') return { role: 'system', content: m.content };
    assert.ok(m.content.every((p) => p.type === 'text'), `message of ${m.role} is text only`);
    assert.equal(m.content.length, 1);
    return { role: m.role, content: m.content[0].text };
  });
}
const lcRole = { human: 'user', ai: 'assistant', system: 'system', tool: 'tool' };
/** LangChain text messages as { role, content } strings. */
const lcText = (msgs) => msgs.map((m) => ({ role: lcRole[m.getType()], content: m.content }));

// ---- conversations: corpus prose, a planted decision early on, tool calls along the way ----
const paragraphs = corpus().find((f) => f.name === 'prose.txt').text.split('\n\n').filter((p) => p.length > 200 && p.length < 1200);
const SYSTEM = 'You are a terse assistant for the orders team.';
/** A PNG header saying 640 × 480 (contextwise reads image sizes from headers). */
const PNG_640x480 = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 2, 128, 0, 0, 1, 224, 8, 2, 0, 0, 0, 0, 0, 0, 0]);
const PNG_640x480_BASE64 = Buffer.from(PNG_640x480).toString('base64');
const FACT = 'We decided to use Postgres 16 for the orders service.';

/** AI SDK model messages: `turns` user/assistant pairs, a tool call and its result every `toolEvery` turns. */
function sdkConversation(turns, { toolEvery = 0 } = {}) {
  const msgs = [];
  for (let i = 0; i < turns; i++) {
    msgs.push({ role: 'user', content: `${i === 0 ? `${FACT} ` : ''}${paragraphs[(i * 7) % paragraphs.length]} (question ${i})` });
    if (toolEvery && i % toolEvery === toolEvery - 1) {
      // every other tool step calls two tools at once: one tool message with two results
      const ids = i % (2 * toolEvery) === toolEvery - 1 ? [`call_${i}`] : [`call_${i}a`, `call_${i}b`];
      msgs.push({ role: 'assistant', content: ids.map((id) => ({ type: 'tool-call', toolCallId: id, toolName: 'search', input: { q: `turn ${i}` } })) });
      msgs.push({ role: 'tool', content: ids.map((id, k) => ({ type: 'tool-result', toolCallId: id, toolName: 'search', output: { type: 'json', value: { hits: [paragraphs[(i * 3 + k) % paragraphs.length].slice(0, 200)] } } })) });
    }
    msgs.push({ role: 'assistant', content: `Answer ${i}: ${paragraphs[(i * 11 + 3) % paragraphs.length].slice(0, 300)}` });
  }
  msgs.push({ role: 'user', content: 'Which database do the orders use, and what is left to do?' });
  return msgs;
}

/** Every tool call of the prompt has its result after it, and every result its call before it. */
function assertToolPairs(prompt) {
  const called = new Map();
  prompt.forEach((m, i) => {
    if (m.role === 'assistant') for (const p of m.content) if (p.type === 'tool-call') called.set(p.toolCallId, i);
    if (m.role === 'tool') {
      for (const p of m.content) {
        assert.ok(called.has(p.toolCallId) && called.get(p.toolCallId) < i, `tool result ${p.toolCallId} without its call`);
      }
    }
  });
  const answered = new Set(prompt.filter((m) => m.role === 'tool').flatMap((m) => m.content.map((p) => p.toolCallId)));
  for (const id of called.keys()) assert.ok(answered.has(id), `tool call ${id} without its result`);
}

// ---- the AI SDK's mock model, recording what it receives ----
const USAGE = { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 2, text: 2, reasoning: undefined } };
function recordingModel(modelId = 'gpt-4o', answer = 'Postgres 16.') {
  const prompts = [];
  const model = new MockLanguageModelV4({
    modelId,
    doGenerate: async (opts) => {
      prompts.push(opts.prompt);
      return { content: [{ type: 'text', text: answer }], finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE, warnings: [] };
    },
    doStream: async (opts) => {
      prompts.push(opts.prompt);
      const parts = [
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: 't' },
        ...answer.split(' ').map((w, i) => ({ type: 'text-delta', id: 't', delta: i ? ` ${w}` : w })),
        { type: 'text-end', id: 't' },
        { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE, providerMetadata: { mock: { seen: true } } },
      ];
      return { stream: new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } }) };
    },
  });
  return { model, prompts };
}

/** The prompt the model gets without the middleware (the SDK's own conversion of the messages). */
async function unwrappedPrompt(messages, system = SYSTEM) {
  const { model, prompts } = recordingModel();
  await generateText({ model, system, messages });
  return prompts[0];
}

test('AI SDK generateText: the model receives the condensed prompt — exact counts, system and last turns kept', async () => {
  const messages = sdkConversation(40);
  const full = await unwrappedPrompt(messages);
  const infos = [];
  const { model: inner, prompts } = recordingModel();
  const model = wrapLanguageModel({
    model: inner,
    middleware: contextwiseMiddleware({ contextWindow: 8000, preserveRecentMessages: 6, onContextInfo: (i) => infos.push(i) }),
  });
  const result = await generateText({ model, system: SYSTEM, messages });
  assert.equal(result.text, 'Postgres 16.');
  const sent = prompts[0];
  const info = result.providerMetadata.contextwise;
  assert.deepEqual(infos, [info], 'onContextInfo got what providerMetadata reports');

  // counts: the prompt as it came in, and the prompt the model received, by tiktoken
  assert.equal(info.tokensBefore, openaiCount(promptText(full)));
  assert.equal(info.tokensAfter, openaiCount(promptText(sent)));
  assert.ok(info.tokensAfter < info.tokensBefore, `${info.tokensBefore} → ${info.tokensAfter}`);
  assert.equal(info.tokensSaved, info.tokensBefore - info.tokensAfter);
  assert.equal(info.model, 'gpt-4o@8000');
  assert.equal(info.condensationApplied, true);
  assert.equal(info.strategy, 'extractive');
  assert.equal(info.riskLevel, 'OVERFLOW');
  assert.ok(['SAFE', 'CAUTION'].includes(info.riskLevelAfter), info.riskLevelAfter);
  assert.equal(info.limit, 8000 - 2000, 'the reply reserve is a quarter of a given window');
  assert.ok(info.tokensAfter <= 0.6 * info.limit + 1, 'down to the default target, 60 % of the usable window');
  assert.equal(info.messagesBefore, full.length);
  assert.equal(info.messagesAfter, sent.length);
  assert.equal(info.estimated, false);
  assert.deepEqual(Object.keys(info).sort(), declaredProperties('ContextInfo'), 'exactly the fields ContextInfo declares');

  // structure: the system prompt first, the recent turns verbatim, the earlier ones as blocks
  assert.deepEqual(sent[0], full[0]);
  assert.deepEqual(sent.slice(-6), full.slice(-6), 'the last six messages are kept verbatim');
  const blocks = sent.slice(1).filter((m) => m.role === 'system').map((m) => m.content);
  // (a facts block too, unless the summary already states every fact: the ledger leaves those out)
  assert.ok(blocks.every((b) => b.startsWith('Facts so far') || b.startsWith('Summary of the earlier conversation')), 'only facts and summary blocks');
  assert.ok(blocks.some((b) => b.startsWith('Summary of the earlier conversation')), 'a summary block');
  assert.ok(blocks.join('\n').includes('Postgres 16'), 'the early decision survives in the blocks');
  assert.ok(!sent.slice(1).some((m) => m.role === 'user' && m.content[0].text.startsWith(FACT)), 'the first turn itself is gone');
  const firstKept = sent.findIndex((m) => m.role !== 'system');
  assert.equal(sent[firstKept].role, 'user', 'the kept history starts with a user message');
  // every kept message is one of the prompt's own, in order
  let at = 0;
  for (const m of sent.slice(firstKept)) {
    while (at < full.length && JSON.stringify(full[at]) !== JSON.stringify(m)) at++;
    assert.ok(at < full.length, 'a kept message is verbatim and in order');
  }
});

test('AI SDK: tool calls and their results are never separated, wherever the cut falls', async () => {
  const messages = sdkConversation(30, { toolEvery: 2 });
  const full = await unwrappedPrompt(messages);
  assertToolPairs(full);
  for (const keep of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    const { model: inner, prompts } = recordingModel();
    const model = wrapLanguageModel({ model: inner, middleware: contextwiseMiddleware({ model: 'gpt-4o', contextWindow: 7000, preserveRecentMessages: keep }) });
    const r = await generateText({ model, system: SYSTEM, messages });
    const sent = prompts[0];
    assert.equal(r.providerMetadata.contextwise.condensationApplied, true);
    assert.ok(sent.length < full.length);
    assertToolPairs(sent);
    assert.ok(sent.some((m) => m.role === 'tool'), 'some tool results are kept');
    assert.ok(sent.some((m) => m.role === 'tool' && m.content.length === 2), 'a tool message with two results is kept whole');
    const firstKept = sent.find((m) => m.role !== 'system');
    assert.equal(firstKept.role, 'user', `keep ${keep}: the kept history starts with a user message`);
    assert.deepEqual(sent.slice(-keep), full.slice(-keep), `keep ${keep}: the last messages verbatim`);
  }
});

test('AI SDK streamText: condensed prompt, text streamed intact, providerMetadata.contextwise on the result', async () => {
  const messages = sdkConversation(40);
  const full = await unwrappedPrompt(messages);
  const { model: inner, prompts } = recordingModel('gpt-4o', 'The orders use Postgres 16.');
  const model = wrapLanguageModel({ model: inner, middleware: contextwiseMiddleware({ contextWindow: 8000 }) });
  const result = streamText({ model, system: SYSTEM, messages });
  let text = '';
  for await (const delta of result.textStream) text += delta;
  assert.equal(text, 'The orders use Postgres 16.');
  const meta = await result.providerMetadata;
  assert.deepEqual(meta.mock, { seen: true }, "the model's own metadata is kept");
  const info = meta.contextwise;
  assert.equal(info.condensationApplied, true);
  assert.equal(info.tokensBefore, openaiCount(promptText(full)));
  assert.equal(info.tokensAfter, openaiCount(promptText(prompts[0])));
  assert.ok(info.tokensAfter < info.tokensBefore);
  assert.deepEqual(prompts[0].slice(-8), full.slice(-8), 'default: the last 8 messages kept');
});

test('AI SDK: below the threshold the prompt goes out unchanged, and the counts are still reported', async () => {
  const messages = sdkConversation(3);
  const full = await unwrappedPrompt(messages);
  const { model: inner, prompts } = recordingModel();
  const model = wrapLanguageModel({ model: inner, middleware: contextwiseMiddleware() });
  const r = await generateText({ model, system: SYSTEM, messages });
  assert.deepEqual(prompts[0], full);
  const info = r.providerMetadata.contextwise;
  assert.equal(info.model, 'gpt-4o', 'the registry id derived from model.modelId');
  assert.equal(info.condensationApplied, false);
  assert.equal(info.strategy, null);
  assert.equal(info.riskLevel, 'SAFE');
  assert.equal(info.tokensBefore, openaiCount(promptText(full)));
  assert.equal(info.tokensAfter, info.tokensBefore);
  assert.equal(info.limit, 128000 - 4096);
  // a threshold as a utilization (10 % of a 4,000-token window) and a target condense the same prompt
  const small = wrapLanguageModel({ model: inner, middleware: contextwiseMiddleware({ contextWindow: 4000, threshold: 0.1, target: 400, preserveRecentMessages: 2 }) });
  const r2 = await generateText({ model: small, system: SYSTEM, messages });
  assert.equal(r2.providerMetadata.contextwise.condensationApplied, true);
  assert.ok(r2.providerMetadata.contextwise.utilization >= 0.1 && r2.providerMetadata.contextwise.riskLevel === 'SAFE');
  assert.equal(r2.providerMetadata.contextwise.tokensAfter, openaiCount(promptText(prompts[1])));
  assert.ok(r2.providerMetadata.contextwise.tokensAfter <= 400);
  assert.deepEqual(prompts[1].slice(-2), full.slice(-2));
});

test('AI SDK: maxMessageTokens truncates long kept messages to head and tail, the rest of each message unchanged', async () => {
  const long = paragraphs.filter((p) => p.length > 900).slice(0, 3).join(' ');
  const messages = [
    ...sdkConversation(30, { toolEvery: 2 }).slice(0, -1),
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_long', toolName: 'fetch', input: { url: 'https://example.com' } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_long', toolName: 'fetch', output: { type: 'text', value: long } }] },
    { role: 'assistant', content: 'Here is what the page says.' },
    { role: 'user', content: `Summarize: ${long}` },
  ];
  const full = await unwrappedPrompt(messages);
  const { model: inner, prompts } = recordingModel();
  const model = wrapLanguageModel({ model: inner, middleware: contextwiseMiddleware({ contextWindow: 7000, preserveRecentMessages: 4, maxMessageTokens: 60 }) });
  const r = await generateText({ model, system: SYSTEM, messages });
  const sent = prompts[0];
  assert.equal(r.providerMetadata.contextwise.condensationApplied, true);
  assertToolPairs(sent);
  const [call, result, answer, question] = sent.slice(-4);
  assert.deepEqual(call, full.at(-4), 'the tool call is kept as it was');
  assert.deepEqual(answer, full.at(-2), 'a short message is not truncated');
  const cut = result.content[0].output;
  assert.equal(cut.type, 'text');
  assert.ok(cut.value.length < long.length / 3, 'the tool result is truncated');
  assert.ok(cut.value.startsWith(long.slice(0, 40)) && cut.value.endsWith(long.slice(-20)), 'to its head and tail');
  assert.equal(result.content[0].toolCallId, 'call_long');
  const q = question.content[0].text;
  assert.ok(q.length < long.length / 3 && q.startsWith('Summarize: ') && q.endsWith(long.slice(-20)));
  // the tokens reported are the tokens of what was sent
  const wireShape = sent.map((m) => m.role === 'system' ? { role: 'system', content: m.content }
    : m.role === 'tool' ? m.content.map((p) => ({ role: 'tool', tool_call_id: p.toolCallId, content: p.output.type === 'text' ? p.output.value : JSON.stringify(p.output.value) }))
      : m.content.some((p) => p.type === 'tool-call')
        ? { role: 'assistant', content: null, tool_calls: m.content.map((p) => ({ id: p.toolCallId, type: 'function', function: { name: p.toolName, arguments: JSON.stringify(p.input) } })) }
        : { role: m.role, content: m.content[0].text }).flat();
  assert.equal(r.providerMetadata.contextwise.tokensAfter, cw.countMessages(wireShape, { model: 'gpt-4o@7000' }).total);
});

test('AI SDK: an AI SDK model as the summarizer of the summary strategy', async () => {
  const summaries = [];
  const summarizer = new MockLanguageModelV4({
    modelId: 'gpt-4o-mini',
    doGenerate: async (opts) => {
      summaries.push(opts.prompt);
      return { content: [{ type: 'text', text: 'The team chose Postgres 16 for the orders service and compared several essays.' }], finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE, warnings: [] };
    },
  });
  const { model: inner, prompts } = recordingModel();
  const model = wrapLanguageModel({ model: inner, middleware: contextwiseMiddleware({ contextWindow: 8000, strategy: 'summary', summarizer, summarizerModel: 'gpt-4o-mini' }) });
  const r = await generateText({ model, system: SYSTEM, messages: sdkConversation(40) });
  assert.equal(r.providerMetadata.contextwise.strategy, 'summary');
  assert.deepEqual(r.providerMetadata.contextwise.fallbacks, []);
  assert.equal(summaries.length, 1);
  assert.equal(summaries[0][0].role, 'system');
  assert.ok(summaries[0][1].content[0].text.includes(FACT), 'the summarizer saw the evicted turns');
  const summary = prompts[0].find((m) => m.role === 'system' && m.content.startsWith('Summary of the earlier conversation'));
  assert.ok(summary.content.includes('The team chose Postgres 16'), 'the summary block is the summarizer\'s answer');
  // without a summarizer the chain falls back and says why
  const { model: inner2 } = recordingModel();
  const r2 = await generateText({ model: wrapLanguageModel({ model: inner2, middleware: contextwiseMiddleware({ contextWindow: 8000, strategy: 'summary' }) }), system: SYSTEM, messages: sdkConversation(40) });
  assert.equal(r2.providerMetadata.contextwise.strategy, 'extractive');
  assert.equal(r2.providerMetadata.contextwise.fallbacks[0].strategy, 'summary');
});

test('AI SDK: typed errors — bad options at once, an unknown model on the call', async () => {
  for (const [opts, re] of [
    [{ treshold: 'WARNING' }, /unknown option 'treshold'/],
    [{ threshold: 'SAFE' }, /threshold/],
    [{ threshold: 1.5 }, /threshold/],
    [{ strategy: 'magic' }, /strategy/],
    [{ preserveRecentMessages: -1 }, /preserveRecentMessages/],
    [{ summarizer: {} }, /summarizer/],
    [{ contextWindow: 8000, encoding: 'gpt2' }, /encoding/],
  ]) {
    assert.throws(() => contextwiseMiddleware(opts), (e) => e.name === 'ContextwiseError' && e.code === 'INVALID_ARGUMENT' && re.test(e.message));
  }
  const { model: inner, prompts } = recordingModel('my-local-model');
  const model = wrapLanguageModel({ model: inner, middleware: contextwiseMiddleware() });
  await assert.rejects(generateText({ model, prompt: 'hi' }), (e) => cw.isContextwiseError(e) && e.code === 'UNKNOWN_MODEL' && /contextWindow/.test(e.message));
  assert.equal(prompts.length, 0, 'nothing was sent');
  // with a context window, an unknown model is counted with o200k_base and marked estimated
  const known = wrapLanguageModel({ model: inner, middleware: contextwiseMiddleware({ contextWindow: 8192 }) });
  const r = await generateText({ model: known, prompt: 'hi there' });
  assert.equal(r.providerMetadata.contextwise.model, 'my-local-model@8192');
  assert.equal(r.providerMetadata.contextwise.estimated, true);
  assert.equal(r.providerMetadata.contextwise.tokensBefore, openaiCount([{ role: 'user', content: 'hi there' }]));
  assert.equal(cw.models.get('my-local-model@8192').contextWindow, 8192);
  assert.throws(() => cw.models.get('my-local-model'), /unknown model/, 'the app\'s registry keeps its own entries');
});

// ---- @ai-sdk/openai-compatible against a local OpenAI-compatible server ----

const ANSWER = 'Fixed answer from the test server.';
async function chatServer() {
  const bodies = [];
  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const c of req) raw += c;
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') { res.writeHead(404); res.end(); return; }
    const body = JSON.parse(raw);
    bodies.push(body);
    const base = { id: 'chatcmpl-1', created: 1700000000, model: body.model };
    const usage = { prompt_tokens: 100, completion_tokens: 7, total_tokens: 107 };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }], usage }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (choices, extra = {}) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
    const words = ANSWER.split(' ');
    res.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    words.forEach((w, i) => res.write(chunk([{ index: 0, delta: { content: i ? ` ${w}` : w }, finish_reason: null }])));
    res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], { usage }));
    res.end('data: [DONE]\n\n');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return { bodies, baseURL: `http://127.0.0.1:${port}/v1`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

test('AI SDK + @ai-sdk/openai-compatible: the request body on the wire is the condensed one (generate and stream)', async () => {
  const server = await chatServer();
  try {
    const provider = createOpenAICompatible({ name: 'local', baseURL: server.baseURL });
    const messages = sdkConversation(40);
    // the body without the middleware: the whole conversation
    await generateText({ model: provider.chatModel('gpt-4o'), system: SYSTEM, messages });
    const fullBody = server.bodies[0];
    const model = wrapLanguageModel({ model: provider.chatModel('gpt-4o'), middleware: contextwiseMiddleware({ contextWindow: 8000 }) });

    const r = await generateText({ model, system: SYSTEM, messages });
    assert.equal(r.text, ANSWER);
    const wire = server.bodies[1].messages;
    const info = r.providerMetadata.contextwise;
    assert.equal(info.tokensBefore, openaiCount(fullBody.messages), 'counted as tiktoken counts the uncondensed body');
    assert.equal(info.tokensAfter, openaiCount(wire), 'the body sent is what was counted');
    assert.ok(wire.length < fullBody.messages.length && info.tokensAfter <= 0.6 * info.limit, 'down to the default target');
    assert.deepEqual(wire[0], { role: 'system', content: SYSTEM });
    assert.deepEqual(wire.slice(-8), fullBody.messages.slice(-8));
    assert.ok(wire.some((m) => m.role === 'system' && m.content.startsWith('Summary of the earlier conversation')));

    const s = streamText({ model, system: SYSTEM, messages });
    let text = '';
    for await (const d of s.textStream) text += d;
    assert.equal(text, ANSWER);
    const streamed = server.bodies[2];
    assert.equal(streamed.stream, true);
    assert.deepEqual(streamed.messages, wire, 'the streamed request carries the same condensed messages');
    const meta = (await s.providerMetadata).contextwise;
    assert.equal(meta.tokensAfter, openaiCount(streamed.messages));
    assert.equal(meta.condensationApplied, true);
  } finally {
    await server.close();
  }
});

test('AI SDK + openai-compatible: images, tool calls, tool results and tool definitions are counted as they go on the wire', async () => {
  const server = await chatServer();
  try {
    const provider = createOpenAICompatible({ name: 'local', baseURL: server.baseURL });
    const pdf = new TextEncoder().encode('%PDF-1.4 a cat on a mat');
    const png = PNG_640x480;
    const messages = [
      { role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'file', data: png, mediaType: 'image/png' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Let me look it up.' }, { type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup', input: { id: 42, tags: ['a', 'b'] } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'lookup', output: { type: 'json', value: { found: true, name: 'A cat on a mat' } } }] },
      { role: 'assistant', content: 'It is a cat.' },
      { role: 'user', content: [{ type: 'text', text: 'Thanks. And this file?' }, { type: 'file', data: pdf, mediaType: 'application/pdf', filename: 'cat.pdf' }] },
    ];
    const tools = { lookup: tool({ description: 'Looks an image up by id', inputSchema: jsonSchema({ type: 'object', properties: { id: { type: 'number' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['id'] }) }) };
    const model = wrapLanguageModel({ model: provider.chatModel('gpt-4o'), middleware: contextwiseMiddleware() });
    const r = await generateText({ model, system: SYSTEM, messages, tools });
    const body = server.bodies[0];
    const info = r.providerMetadata.contextwise;
    assert.equal(info.condensationApplied, false);
    assert.equal(info.uncountedParts, 1, 'the PDF is not counted');
    assert.ok(body.messages[1].content[1].image_url.url.startsWith('data:image/png;base64,'), 'the image went as a data URL');
    assert.equal(body.messages.at(-1).content[1].type, 'file', 'the PDF went out all the same');
    // the wire body (without the PDF, which contextwise cannot count), counted by contextwise itself, is what the middleware counted
    const counted = structuredClone(body.messages);
    counted.at(-1).content.pop();
    assert.equal(info.tokensBefore, cw.countMessages(counted, { model: 'gpt-4o', tools: body.tools }).total);
    const noImage = structuredClone(counted);
    noImage[1].content.pop();
    const imageTokens = cw.countMessages(counted, { model: 'gpt-4o' }).total - cw.countMessages(noImage, { model: 'gpt-4o' }).total;
    // 640×480 needs no scaling: 2 × 1 tiles of 512 px (85 + 2 × 170), not the 765 of the 1024×1024 assumed for an unknown size
    assert.equal(imageTokens, 85 + 170 * 2, 'the size was read from the PNG header on the wire');
  } finally {
    await server.close();
  }
});

// ---- LangChain ----

test('LangChain history: round trip through the memory store, the OpenAI shape underneath', async () => {
  const manager = await cw.ContextManager.open({ appName: 'lc-history', store: 'memory' });
  try {
    const history = new ContextwiseChatMessageHistory({ manager, sessionId: 'chat-1' });
    const input = [
      new SystemMessage('Be brief.'),
      new HumanMessage({ content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } }], id: 'h1' }),
      new AIMessage({ content: '', tool_calls: [{ id: 'call_1', name: 'lookup', args: { q: 'cat', n: 2 }, type: 'tool_call' }], id: 'a1' }),
      new ToolMessage({ content: '{"found":true}', tool_call_id: 'call_1', name: 'lookup', status: 'success' }),
      new AIMessage({ content: [{ type: 'text', text: 'A cat.' }, { type: 'reasoning', reasoning: 'It has whiskers.' }] }),
      new HumanMessage({ content: [{ type: 'text', text: 'And this one?' }, { type: 'image', data: PNG_640x480_BASE64, mimeType: 'image/png' }] }),
    ];
    await history.addMessage(input[0]);
    await history.addMessages(input.slice(1));
    await history.addUserMessage('Thanks!');
    await history.addAIMessage('You are welcome.');
    const out = await history.getMessages();
    assert.equal(out.length, 8);
    assert.deepEqual(out.map((m) => m.getType()), ['system', 'human', 'ai', 'tool', 'ai', 'human', 'human', 'ai']);
    assert.equal(out[0].content, 'Be brief.');
    assert.deepEqual(out[1].content, input[1].content);
    assert.equal(out[1].id, 'h1');
    assert.deepEqual(out[2].tool_calls, [{ id: 'call_1', name: 'lookup', args: { q: 'cat', n: 2 }, type: 'tool_call' }]);
    assert.equal(out[2].id, 'a1');
    assert.ok(out[3] instanceof ToolMessage);
    assert.equal(out[3].tool_call_id, 'call_1');
    assert.equal(out[3].name, 'lookup');
    assert.equal(out[3].status, 'success');
    assert.deepEqual(out[4].content, input[4].content, 'a block the OpenAI shape cannot hold comes back in place');
    // LangChain's standard image block is stored (and comes back) as an OpenAI image_url with a data URL
    assert.deepEqual(out[5].content, [{ type: 'text', text: 'And this one?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_640x480_BASE64}` } }]);
    assert.equal(out[6].content, 'Thanks!');
    // stored in the OpenAI chat shape, counted for o200k_base
    const records = await (await manager.session('chat-1')).messages();
    assert.deepEqual(records[2].message.tool_calls, [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat","n":2}' } }]);
    assert.deepEqual(records[3].message, { role: 'tool', tool_call_id: 'call_1', content: '{"found":true}', name: 'lookup', langchain: { status: 'success' } });
    assert.equal(records[6].tokens.o200k_base, tok('Thanks!'));
    // the image's size is read from the stored data URL: 85 + 2 × 170 tokens for 640 × 480 (see the AI SDK test)
    const image = records[5].message;
    assert.equal(cw.countMessages([image], { model: 'gpt-4o' }).total - cw.countMessages([{ role: 'user', content: [image.content[0]] }], { model: 'gpt-4o' }).total, 85 + 170 * 2);
    // clear: the session and what belongs to it are gone; the next message starts it again
    await history.clear();
    assert.deepEqual(await history.getMessages(), []);
    await history.addUserMessage('again');
    assert.deepEqual((await history.getMessages()).map((m) => m.content), ['again']);
    // `last`: only the newest messages
    await history.addMessages([new AIMessage('one'), new HumanMessage('two')]);
    const tail = new ContextwiseChatMessageHistory({ manager, sessionId: 'chat-1', last: 2 });
    assert.deepEqual((await tail.getMessages()).map((m) => m.content), ['one', 'two']);
  } finally {
    await manager.close();
  }
});

test('LangChain history: two sessions never see each other\'s messages; SQLite keeps them across a reopen', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-lc-'));
  const store = { kind: 'sqlite', path: path.join(dir, 'chat.sqlite') };
  try {
    let manager = await cw.ContextManager.open({ appName: 'lc-sqlite', store });
    assert.equal((await manager.storage()).kind, 'sqlite');
    const a = new ContextwiseChatMessageHistory({ manager, sessionId: 'alice' });
    const b = new ContextwiseChatMessageHistory({ manager, sessionId: 'bob' });
    await Promise.all([
      a.addMessages([new HumanMessage('alice 1'), new AIMessage('to alice 1')]),
      b.addMessages([new HumanMessage('bob 1'), new AIMessage('to bob 1')]),
    ]);
    await a.addUserMessage('alice 2');
    assert.deepEqual((await a.getMessages()).map((m) => m.content), ['alice 1', 'to alice 1', 'alice 2']);
    assert.deepEqual((await b.getMessages()).map((m) => m.content), ['bob 1', 'to bob 1']);
    await manager.close();

    manager = await cw.ContextManager.open({ appName: 'lc-sqlite', store });
    const a2 = new ContextwiseChatMessageHistory({ manager, sessionId: 'alice' });
    const b2 = new ContextwiseChatMessageHistory({ manager, sessionId: 'bob' });
    assert.deepEqual((await a2.getMessages()).map((m) => m.content), ['alice 1', 'to alice 1', 'alice 2']);
    await a2.clear();
    assert.deepEqual(await a2.getMessages(), []);
    assert.deepEqual((await b2.getMessages()).map((m) => m.content), ['bob 1', 'to bob 1'], 'clearing one session leaves the other');
    await manager.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('LangChain history: typed errors', async () => {
  const manager = await cw.ContextManager.open({ appName: 'lc-errors', store: 'memory' });
  try {
    assert.throws(() => new ContextwiseChatMessageHistory({ manager }), (e) => e.code === 'INVALID_ARGUMENT' && /sessionId/.test(e.message));
    assert.throws(() => new ContextwiseChatMessageHistory({ manager: {}, sessionId: 'x' }), (e) => e.code === 'INVALID_ARGUMENT' && /manager/.test(e.message));
    assert.throws(() => new ContextwiseChatMessageHistory({ manager, sessionId: 'x', limit: 3 }), (e) => e.code === 'INVALID_ARGUMENT' && /unknown option 'limit'/.test(e.message));
    const bad = new ContextwiseChatMessageHistory({ manager, sessionId: 'no spaces allowed' });
    await assert.rejects(bad.getMessages(), (e) => cw.isContextwiseError(e) && e.code === 'INVALID_ARGUMENT');
  } finally {
    await manager.close();
  }
});

/** A chat model that records the messages it is called with. */
function recordingChat(responses) {
  const seen = [];
  const model = new FakeListChatModel({ responses });
  const callbacks = [{ handleChatModelStart: (_llm, messages) => { seen.push(messages[0]); } }];
  return { model, seen, callbacks };
}

test('LangChain: the history inside RunnableWithMessageHistory, with a fake chat model', async () => {
  const manager = await cw.ContextManager.open({ appName: 'lc-runnable', store: 'memory' });
  try {
    const { model, seen, callbacks } = recordingChat(['Hello Ada.', 'Your name is Ada.', 'Hi Bob.']);
    const prompt = ChatPromptTemplate.fromMessages([['system', 'You are terse.'], new MessagesPlaceholder('history'), ['human', '{question}']]);
    const chain = new RunnableWithMessageHistory({
      runnable: prompt.pipe(model),
      getMessageHistory: (sessionId) => new ContextwiseChatMessageHistory({ manager, sessionId }),
      inputMessagesKey: 'question',
      historyMessagesKey: 'history',
    });
    const r1 = await chain.invoke({ question: 'I am Ada.' }, { configurable: { sessionId: 'ada' }, callbacks });
    assert.equal(r1.content, 'Hello Ada.');
    const r2 = await chain.invoke({ question: 'What is my name?' }, { configurable: { sessionId: 'ada' }, callbacks });
    assert.equal(r2.content, 'Your name is Ada.');
    assert.deepEqual(lcText(seen[1]), [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'I am Ada.' },
      { role: 'assistant', content: 'Hello Ada.' },
      { role: 'user', content: 'What is my name?' },
    ], 'the second call saw the first turn from the store');
    await chain.invoke({ question: 'I am Bob.' }, { configurable: { sessionId: 'bob' }, callbacks });
    assert.deepEqual(lcText(seen[2]).map((m) => m.content), ['You are terse.', 'I am Bob.'], 'another session starts empty');
    const stored = await (await manager.session('ada')).messages();
    assert.deepEqual(stored.map((r) => ({ role: r.message.role, content: r.message.content })), [
      { role: 'user', content: 'I am Ada.' }, { role: 'assistant', content: 'Hello Ada.' },
      { role: 'user', content: 'What is my name?' }, { role: 'assistant', content: 'Your name is Ada.' },
    ]);
    assert.equal(stored[3].message.langchain.id, r2.id, "the AI message's id is kept");
  } finally {
    await manager.close();
  }
});

/** LangChain messages: system, `turns` exchanges with a tool call every `toolEvery`, a last question. */
function lcConversation(turns, { toolEvery = 0 } = {}) {
  const msgs = [new SystemMessage(SYSTEM)];
  for (let i = 0; i < turns; i++) {
    msgs.push(new HumanMessage(`${i === 0 ? `${FACT} ` : ''}${paragraphs[(i * 7) % paragraphs.length]} (question ${i})`));
    if (toolEvery && i % toolEvery === toolEvery - 1) {
      msgs.push(new AIMessage({ content: '', tool_calls: [{ id: `call_${i}`, name: 'search', args: { q: `turn ${i}` }, type: 'tool_call' }] }));
      msgs.push(new ToolMessage({ content: paragraphs[(i * 3) % paragraphs.length].slice(0, 200), tool_call_id: `call_${i}` }));
    }
    msgs.push(new AIMessage(`Answer ${i}: ${paragraphs[(i * 11 + 3) % paragraphs.length].slice(0, 300)}`));
  }
  return msgs;
}

test('LangChain trimmer in prompt.pipe(trimmer).pipe(model): system and last turns kept, tokens cut, exact; next to trimMessages', async () => {
  const history = lcConversation(40);
  const prompt = ChatPromptTemplate.fromMessages([new MessagesPlaceholder('history'), ['human', '{question}']]);
  const infos = [];
  const maxTokens = 3000;
  const trimmer = contextwiseTrimmer({ model: 'gpt-4o', maxTokens, preserveRecentMessages: 4, onContextInfo: (i) => infos.push(i) });
  assert.ok(trimmer instanceof ContextwiseTrimmer);
  const { model, seen, callbacks } = recordingChat(['Postgres 16.']);
  const answer = await prompt.pipe(trimmer).pipe(model).invoke({ history, question: 'Which database do the orders use?' }, { callbacks });
  assert.equal(answer.content, 'Postgres 16.');
  const sent = seen[0];
  const all = [...history, new HumanMessage('Which database do the orders use?')];
  const [info] = infos;
  assert.equal(info.tokensBefore, openaiCount(lcText(all)));
  assert.equal(info.tokensAfter, openaiCount(lcText(sent)), 'what the model got, by tiktoken');
  assert.ok(info.tokensAfter <= maxTokens, `${info.tokensAfter} ≤ ${maxTokens}`);
  assert.ok(info.tokensBefore > 2 * maxTokens);
  assert.equal(sent[0].content, SYSTEM);
  assert.deepEqual(lcText(sent.slice(-4)), lcText(all.slice(-4)), 'the last four messages verbatim');
  const blocks = sent.slice(1).filter((m) => m.getType() === 'system').map((m) => m.content).join('\n');
  assert.ok(blocks.includes('Postgres 16'), 'the early decision is kept as a fact');

  // the trimmer returns the input's own message objects for what it keeps
  const direct = await trimmer.invoke(all);
  assert.ok(direct.slice(-4).every((m, i) => m === all[all.length - 4 + i]));
  assert.equal(direct[0], all[0]);

  // LangChain's own trimMessages with the same budget and an exact counter drops the decision
  const cut = await trimMessages(all, { maxTokens, strategy: 'last', includeSystem: true, startOn: 'human', tokenCounter: (ms) => openaiCount(lcText(ms)) });
  assert.ok(openaiCount(lcText(cut)) <= maxTokens);
  assert.ok(!cut.some((m) => String(m.content).includes('Postgres 16')), 'trimMessages loses the decision');
  assert.ok(lcText(direct).length > 0 && blocks.length > 0);

  // under the budget nothing changes (and the input array itself comes back)
  const short = all.slice(0, 3);
  assert.equal(await trimmer.invoke(short), short);
  assert.equal(infos.at(-1).condensationApplied, false);
});

test('LangChain trimmer: tool calls stay with their results; a threshold instead of maxTokens; a chat model as summarizer', async () => {
  const all = [...lcConversation(30, { toolEvery: 2 }), new HumanMessage('What next?')];
  for (const keep of [1, 2, 3, 5, 8]) {
    const out = await contextwiseTrimmer({ model: 'gpt-4o', maxTokens: 4000, preserveRecentMessages: keep }).invoke(all);
    out.forEach((m, i) => {
      if (m.getType() === 'tool') assert.ok(out.slice(0, i).some((p) => p.tool_calls?.some((c) => c.id === m.tool_call_id)), `keep ${keep}: result ${m.tool_call_id} has its call`);
      for (const c of m.tool_calls ?? []) assert.ok(out.slice(i + 1).some((p) => p.tool_call_id === c.id), `keep ${keep}: call ${c.id} has its result`);
    });
    assert.equal(out.find((m) => m.getType() !== 'system').getType(), 'human');
  }
  // threshold: the model's own window (gpt-4o: far below) → unchanged; a small window → condensed
  let info;
  const onContextInfo = (i) => { info = i; };
  assert.equal(await contextwiseTrimmer({ model: 'gpt-4o', onContextInfo }).invoke(all), all);
  assert.equal(info.riskLevel, 'SAFE');
  const small = await contextwiseTrimmer({ model: 'gpt-4o', contextWindow: 8000, threshold: 'CAUTION', onContextInfo }).invoke(all);
  assert.equal(info.condensationApplied, true);
  assert.ok(small.length < all.length);
  assert.equal(info.tokensAfter, cw.countMessages(small.map((m) => ({ role: lcRole[m.getType()], content: m.content || null, ...(m.tool_calls?.length ? { tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })) } : {}), ...(m.tool_call_id ? { tool_call_id: m.tool_call_id } : {}) })), { model: 'gpt-4o' }).total);
  // summary strategy with a LangChain chat model writing the summary
  const { model: summarizer, seen } = recordingChat(['Earlier: the team chose Postgres 16 for orders.']);
  const summarized = await contextwiseTrimmer({ model: 'gpt-4o', maxTokens: 4000, strategy: 'summary', summarizer, onContextInfo }).invoke(all, { callbacks: [{ handleChatModelStart: (_l, m) => seen.push(m[0]) }] });
  assert.equal(info.strategy, 'summary');
  assert.ok(summarized.some((m) => m.getType() === 'system' && m.content.includes('Earlier: the team chose Postgres 16 for orders.')));
});

test('LangChain trimmer: maxMessageTokens truncates long kept messages, keeping their class and fields', async () => {
  const long = paragraphs.filter((p) => p.length > 900).slice(0, 3).join(' ');
  const all = [...lcConversation(20), new HumanMessage({ content: [{ type: 'text', text: `Summarize: ${long}` }], id: 'q1' })];
  const out = await contextwiseTrimmer({ model: 'gpt-4o', maxTokens: 3000, maxMessageTokens: 60 }).invoke(all);
  const last = out.at(-1);
  assert.ok(last instanceof HumanMessage && last !== all.at(-1));
  assert.equal(last.id, 'q1');
  assert.ok(last.content[0].text.length < long.length / 3 && last.content[0].text.endsWith(long.slice(-20)));
  assert.equal(all.at(-1).content[0].text, `Summarize: ${long}`, 'the input is unchanged');
});

test('LangChain trimmer: typed errors', async () => {
  assert.throws(() => contextwiseTrimmer({}), (e) => e.code === 'INVALID_ARGUMENT' && /model/.test(e.message));
  assert.throws(() => contextwiseTrimmer({ model: 'gpt-4o', maxTokens: 100, threshold: 'WARNING' }), (e) => e.code === 'INVALID_ARGUMENT' && /not both/.test(e.message));
  assert.throws(() => contextwiseTrimmer({ model: 'gpt-4o', maxTokens: 0 }), (e) => e.code === 'INVALID_ARGUMENT');
  await assert.rejects(contextwiseTrimmer({ model: 'no-such-model' }).invoke([new HumanMessage('hi')]), (e) => cw.isContextwiseError(e) && e.code === 'UNKNOWN_MODEL');
  await assert.rejects(contextwiseTrimmer({ model: 'gpt-4o' }).invoke('hello'), (e) => e.code === 'INVALID_ARGUMENT');
});

// ---- packaging ----

test('CommonJS: require() gives the same integrations, on the one contextwise instance', async () => {
  const aiCjs = requireHere('contextwise/ai-sdk');
  const lcCjs = requireHere('contextwise/langchain');
  assert.equal(typeof aiCjs.contextwiseMiddleware, 'function');
  assert.deepEqual(Object.keys(lcCjs).sort(), ['ContextwiseChatMessageHistory', 'ContextwiseTrimmer', 'contextwiseTrimmer', 'toContextwiseMessage', 'toLangChainMessages']);
  // a model registered through the ESM entry is known to the CommonJS integration: one registry, one wasm instance
  cw.models.register({ id: 'shared-instance-model', provider: 'test', tokenizer: { encoding: 'o200k_base' }, contextWindow: 2000, maxOutputTokens: 200 });
  let info;
  const out = await lcCjs.contextwiseTrimmer({ model: 'shared-instance-model', onContextInfo: (i) => { info = i; } }).invoke(lcConversation(12));
  assert.equal(info.model, 'shared-instance-model');
  assert.equal(info.condensationApplied, true);
  assert.ok(out.length < 25);
  assert.equal(requireHere('contextwise').countTokens, cw.countTokens, 'require and import share the entry');
});

test('packed tarball: a fresh project imports both integrations from ESM and CommonJS, type-checks them, and runs the README examples', { timeout: 600_000 }, async () => {
  const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const scratch = path.join(root, 'tests/scratch/integrations');
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  const [info] = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', scratch], root));
  const files = info.files.map((f) => f.path);
  for (const name of ['ai-sdk', 'langchain', 'shared']) {
    for (const ext of ['.mjs', '.cjs', '.d.mts', '.d.cts']) assert.ok(files.includes(`pkg/integrations/${name}${ext}`), `tarball has pkg/integrations/${name}${ext}`);
  }
  const version = (p) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', p, 'package.json'), 'utf8')).version;
  fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch-integrations', private: true, type: 'module' }));
  // the same versions as the repo's, so npm finds them in its cache
  sh('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline', path.join(scratch, info.filename),
    `ai@${version('ai')}`, `@ai-sdk/openai-compatible@${version('@ai-sdk/openai-compatible')}`, `@langchain/core@${version('@langchain/core')}`,
    `typescript@${version('typescript')}`, `@types/node@${version('@types/node')}`], scratch);

  const esm = `import { contextwiseMiddleware } from 'contextwise/ai-sdk';
import { contextwiseTrimmer, ContextwiseChatMessageHistory } from 'contextwise/langchain';
import { ContextManager } from 'contextwise';
import { wrapLanguageModel, generateText } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { HumanMessage } from '@langchain/core/messages';
const inner = new MockLanguageModelV4({ modelId: 'gpt-4o', doGenerate: async () => ({ content: [{ type: 'text', text: 'ok' }], finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: { total: 1 }, outputTokens: { total: 1 } }, warnings: [] }) });
const r = await generateText({ model: wrapLanguageModel({ model: inner, middleware: contextwiseMiddleware() }), prompt: 'hello world' });
const out = await contextwiseTrimmer({ model: 'gpt-4o' }).invoke([new HumanMessage('hi')]);
const manager = await ContextManager.open({ appName: 'scratch', store: 'memory' });
const h = new ContextwiseChatMessageHistory({ manager, sessionId: 's' });
await h.addUserMessage('stored');
console.log(JSON.stringify({ tokens: r.providerMetadata.contextwise.tokensBefore, trimmed: out.length, stored: (await h.getMessages())[0].content }));`;
  const cjs = `const { contextwiseMiddleware } = require('contextwise/ai-sdk');
const { contextwiseTrimmer } = require('contextwise/langchain');
const { HumanMessage } = require('@langchain/core/messages');
let info;
contextwiseTrimmer({ model: 'gpt-4o', maxTokens: 5, onContextInfo: (i) => { info = i; } })
  .invoke([new HumanMessage('one two three four five six'), new HumanMessage('seven')])
  .then((out) => console.log(JSON.stringify({ middleware: typeof contextwiseMiddleware().transformParams, tokens: info.tokensBefore, n: out.length })));`;
  fs.writeFileSync(path.join(scratch, 'esm.mjs'), esm);
  fs.writeFileSync(path.join(scratch, 'cjs.cjs'), cjs);
  assert.deepEqual(JSON.parse(sh('node', ['esm.mjs'], scratch)), { tokens: openaiCount([{ role: 'user', content: 'hello world' }]), trimmed: 1, stored: 'stored' });
  const c = JSON.parse(sh('node', ['cjs.cjs'], scratch));
  assert.deepEqual(c, { middleware: 'function', tokens: openaiCount([{ role: 'user', content: 'one two three four five six' }, { role: 'user', content: 'seven' }]), n: 2 });

  // TypeScript, strict: what a user writes, in bundler and node16 (ESM and CommonJS) resolution
  const tsEsm = `import { contextwiseMiddleware, type ContextInfo, type ContextwiseMiddlewareOptions } from 'contextwise/ai-sdk';
import { contextwiseTrimmer, ContextwiseChatMessageHistory } from 'contextwise/langchain';
import { ContextManager } from 'contextwise';
import { wrapLanguageModel, type LanguageModel } from 'ai';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import type { BaseMessage } from '@langchain/core/messages';
export async function main(model: Exclude<LanguageModel, string>): Promise<BaseMessage[]> {
  const options: ContextwiseMiddlewareOptions = { model: 'gpt-4o', threshold: 'WARNING', preserveRecentMessages: 8, onContextInfo: (i: ContextInfo) => console.log(i.tokensAfter) };
  const wrapped = wrapLanguageModel({ model, middleware: contextwiseMiddleware(options) });
  void wrapped;
  const manager = await ContextManager.open({ appName: 'x', store: 'memory' });
  const history = new ContextwiseChatMessageHistory({ manager, sessionId: 's' });
  const chain = ChatPromptTemplate.fromMessages([['human', '{q}']]).pipe(contextwiseTrimmer({ model: 'gpt-4o', maxTokens: 1000 }));
  const out: BaseMessage[] = await chain.invoke({ q: 'hi' });
  return [...out, ...(await history.getMessages())];
}
`;
  const tsCjs = `import ai = require('contextwise/ai-sdk');
import lc = require('contextwise/langchain');
export function make(): [unknown, lc.ContextwiseTrimmer] {
  const info: ai.ContextInfo | undefined = undefined;
  void info;
  return [ai.contextwiseMiddleware({ strategy: 'extractive' }), lc.contextwiseTrimmer({ model: 'gpt-4o', threshold: 0.5 })];
}
`;
  fs.writeFileSync(path.join(scratch, 'code.ts'), tsEsm);
  fs.writeFileSync(path.join(scratch, 'code.cts'), tsCjs);
  const modes = [
    ['bundler', { module: 'ESNext', moduleResolution: 'bundler' }, 'code.ts'],
    ['node16 ESM', { module: 'node16', moduleResolution: 'node16' }, 'code.ts'],
    ['node16 CommonJS', { module: 'node16', moduleResolution: 'node16' }, 'code.cts'],
  ];
  // skipLibCheck off, so contextwise's own declarations are checked; errors inside `ai` and
  // @langchain/core's declarations (a missing @types/json-schema, LangChain's own node16 CommonJS
  // imports) are theirs and not counted
  const failures = [];
  for (const [name, options, file] of modes) {
    fs.writeFileSync(path.join(scratch, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: ['node'], skipLibCheck: false, ...options },
      files: [file],
    }));
    let out = '';
    try { sh('node', [path.join(scratch, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], scratch); } catch (e) { out = e.stdout; }
    const ours = out.split('\n').filter((l) => /error TS/.test(l) && (!l.startsWith('node_modules/') || l.startsWith('node_modules/contextwise/')));
    if (ours.length) failures.push(`${name}:\n${ours.join('\n')}`);
  }
  assert.deepEqual(failures, []);

  // the README examples, as they are written, against the local OpenAI-compatible server
  const run = promisify(execFile);
  fs.writeFileSync(path.join(scratch, 'readme-ai-sdk.mjs'), readmeExample('ai-sdk'));
  fs.writeFileSync(path.join(scratch, 'readme-langchain.mjs'), readmeExample('langchain'));
  const server = await chatServer();
  try {
    const { stdout } = await run('node', ['readme-ai-sdk.mjs'], { cwd: scratch, env: { ...process.env, LLM_BASE_URL: server.baseURL } });
    const lines = stdout.trim().split('\n');
    const expected = openaiCount([{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Which database do the orders use?' }]);
    assert.equal(lines[0], `SAFE ${expected} → ${expected}`, 'onContextInfo');
    assert.equal(lines[1], `${ANSWER} false`);
    assert.equal(lines.at(-1), `${ANSWER}${expected}`, 'the streamed text, then tokensAfter');
    assert.equal(server.bodies.length, 2);
    assert.equal(server.bodies[1].stream, true);
    assert.deepEqual(server.bodies[1].messages, server.bodies[0].messages);
  } finally {
    await server.close();
  }
  const { stdout } = await run('node', ['readme-langchain.mjs'], { cwd: scratch });
  assert.equal(stdout.trim(), 'Postgres 16. 4');
});
