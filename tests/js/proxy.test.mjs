// `npx contextwise proxy` (src/ts/proxy), as a user runs it: the built CLI started as its own
// process on 127.0.0.1, used by the official `openai` and `@anthropic-ai/sdk` clients, in front of
// local upstream servers that speak each provider's documented format and record what they
// receive (tests/js/provider-servers.mjs, tests/js/proxy-helpers.mjs). Every test stops what it
// starts. Nothing here asserts a wall-clock time.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';
import { cw, root } from './helpers.mjs';
import { providerServer } from './provider-servers.mjs';
import { startPostgres, createDatabase } from './postgres.mjs';
import {
  startProxy, runCli, gatedServer, until, openaiConversation, anthropicConversation, WEATHER_TOOL_OPENAI, WEATHER_TOOL_ANTHROPIC,
} from './proxy-helpers.mjs';

const require = createRequire(import.meta.url);
const OpenAI = require('openai').default;
const Anthropic = require('@anthropic-ai/sdk').default;

const openaiClient = (base, apiKey = 'not-checked', opts = {}) => new OpenAI({ baseURL: `${base}/v1`, apiKey, maxRetries: 0, ...opts });
const anthropicClient = (base, apiKey = 'not-checked', opts = {}) => new Anthropic({ baseURL: base, apiKey, maxRetries: 0, ...opts });
const CLAUDE = 'claude-haiku-4-5';

/** Starts an upstream and a proxy in front of it; both stopped after the test. */
async function setup(t, kind, env = {}) {
  const up = await providerServer(kind);
  t.after(() => up.close());
  const proxy = await startProxy({ UPSTREAM_KIND: kind, UPSTREAM_BASE_URL: up.base, UPSTREAM_API_KEY: 'sk-upstream-SECRET-1234', ...env });
  t.after(() => proxy.stop());
  return { up, proxy };
}

/** Asserts no log line carries a secret or message text. */
function assertCleanLogs(proxy, secrets, texts = []) {
  const all = JSON.stringify(proxy.lines) + proxy.stderr();
  for (const s of secrets) assert.ok(!all.includes(s), 'a key reached the logs');
  for (const s of texts) assert.ok(!all.includes(s), `message text reached the logs: ${s}`);
}

// ---- the CLI and its configuration

test('--help lists every option with its environment variable and default; the README documents each', async () => {
  const { OPTIONS, flagOf } = await import(path.join(root, 'pkg/proxy/config.mjs'));
  const { code, stdout } = await runCli(['proxy', '--help']);
  assert.equal(code, 0);
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const o of OPTIONS) {
    assert.ok(stdout.includes(flagOf(o.env[0])) && stdout.includes(o.env[0]) && stdout.includes(`default: ${o.default}`), `--help lacks ${o.env[0]}`);
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${o.env[0]}\``));
    assert.ok(row, `the README's option table lacks ${o.env[0]}`);
    assert.ok(row.includes(flagOf(o.env[0])), `the README row of ${o.env[0]} lacks its flag`);
    for (const alias of o.env.slice(1)) assert.ok(row.includes(alias), `the README row of ${o.env[0]} lacks ${alias}`);
  }
  // the package's bin points at the CLI, which is in the packed files
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.bin.contextwise, './pkg/proxy/cli.mjs');
  assert.ok(pkg.files.includes('pkg'));
  assert.equal((await runCli(['--version'])).stdout.trim(), pkg.version);
});

test('an invalid configuration stops the proxy at start with a message naming the variable (never quoting a key)', async () => {
  const cases = [
    [{ PORT: 'abc' }, [], /PORT must be a whole number/],
    [{}, ['--port', '70000'], /--port \(PORT\) must be a whole number/],
    [{ UPSTREAM_KIND: 'gemini' }, [], /UPSTREAM_KIND must be openai, anthropic or ollama/],
    [{ UPSTREAM_BASE_URL: 'ftp://x' }, [], /UPSTREAM_BASE_URL must be an http/],
    [{ BASE_URL: 'not a url' }, [], /BASE_URL \(UPSTREAM_BASE_URL\) must be/],
    [{ MAX_HISTORY_TOKENS: '-5' }, [], /MAX_HISTORY_TOKENS must be a whole number/],
    [{ CONTEXT_COMPRESSION_ENABLED: 'maybe' }, [], /CONTEXT_COMPRESSION_ENABLED must be true or false/],
    [{ CONDENSATION_WARNING_THRESHOLD: '0.6' }, [], /CONDENSATION_WARNING_THRESHOLD must be above CONDENSATION_CAUTION_THRESHOLD/],
    [{ CONDENSATION_CRITICAL_THRESHOLD: '1.5' }, [], /CONDENSATION_CRITICAL_THRESHOLD must be a number in \(0, 1\]/],
    [{ CONDENSATION_DEFAULT_STRATEGY: 'summary' }, [], /CONDENSATION_DEFAULT_STRATEGY must be extractive or truncate without SUMMARY_LLM_MODEL/],
    [{ CONDENSATION_DEFAULT_STRATEGY: 'magic' }, [], /CONDENSATION_DEFAULT_STRATEGY must be relevant, summary, extractive or truncate/],
    [{ CONDENSATION_TIMEOUT: '0' }, [], /CONDENSATION_TIMEOUT must be a positive number of seconds/],
    [{ SUMMARY_LLM_BASE_URL: 'http://127.0.0.1:1' }, [], /SUMMARY_LLM_BASE_URL must be used with SUMMARY_LLM_MODEL/],
    [{ STORE: 'redis://x' }, [], /STORE must be memory, sqlite:<path>/],
    [{ LOG_LEVEL: 'verbose' }, [], /LOG_LEVEL must be info, debug or silent/],
    [{ SERVER_API_KEY: 'sk-line1\nsk-SECRET-line2' }, [], /SERVER_API_KEY must be a key on one line/],
    [{}, ['--no-such-flag', '1'], /unknown option '--no-such-flag'/],
  ];
  for (const [env, args, re] of cases) {
    const { code, stdout, stderr } = await runCli(['proxy', ...args], env);
    assert.equal(code, 2, `${JSON.stringify(env)} ${args}: exit code`);
    assert.match(stderr, /^contextwise proxy: invalid configuration: /);
    assert.match(stderr, re);
    assert.equal(stdout, '', 'nothing started');
  }
  const { stderr } = await runCli(['proxy'], { SERVER_API_KEY: 'sk-line1\nsk-SECRET-line2' });
  assert.ok(!stderr.includes('SECRET'), 'the key is not quoted');
});

// ---- transparent context management

test('OpenAI client, OpenAI upstream: a long conversation reaches the upstream condensed below the limit, recent turns and the tool pair intact, with context_info', async (t) => {
  const { up, proxy } = await setup(t, 'openai', { MAX_HISTORY_TOKENS: '3000' });
  const client = openaiClient(proxy.base);
  const messages = openaiConversation();
  const before = cw.countMessages(messages, { model: 'gpt-4o-mini' }).total;
  assert.ok(before > 3000, `the conversation is long (${before} tokens)`);

  const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [WEATHER_TOOL_OPENAI], temperature: 0.2, tool_choice: 'auto' }).withResponse();
  assert.equal(data.choices[0].message.role, 'assistant');
  const info = data.context_info;
  assert.equal(info.condensation_applied, true);
  assert.equal(info.risk_level, 'OVERFLOW');
  assert.equal(info.tokens_before, cw.countMessages(messages, { model: 'gpt-4o-mini', tools: [WEATHER_TOOL_OPENAI] }).total);
  assert.equal(info.strategy, 'extractive');
  assert.equal(info.model, 'gpt-4o-mini');
  assert.equal(info.limit, 3000);
  assert.equal(info.tokens_saved, info.tokens_before - info.tokens_after);
  assert.ok(typeof info.processing_time_ms === 'number');
  const header = JSON.parse(response.headers.get('x-context-info'));
  assert.equal(header.tokens_after, info.tokens_after);
  assert.equal(header.condensation_applied, true);

  const sent = up.requests[0].body;
  // everything else of the client's request goes through unchanged
  assert.equal(sent.temperature, 0.2);
  assert.equal(sent.tool_choice, 'auto');
  assert.deepEqual(sent.tools, [WEATHER_TOOL_OPENAI]);
  assert.equal(up.requests[0].headers.authorization, 'Bearer sk-upstream-SECRET-1234');
  const forwarded = cw.countMessages(sent.messages, { model: 'gpt-4o-mini', tools: [WEATHER_TOOL_OPENAI] }).total;
  assert.equal(forwarded, info.tokens_after, 'context_info counts what was sent');
  assert.ok(forwarded <= 3000 * 0.8, `below the WARNING threshold of MAX_HISTORY_TOKENS: ${forwarded}`);
  assert.deepEqual(sent.messages[0], messages[0], 'the system prompt first, unchanged');
  assert.match(sent.messages[1].content, /recorded by contextwise/);
  // the recent turns verbatim: a suffix of the conversation, with the tool call and its result
  const kept = sent.messages.filter((m) => !(m.role === 'system' && /recorded by contextwise/.test(m.content))).slice(1);
  assert.ok(kept.length >= 5);
  assert.deepEqual(kept, messages.slice(-kept.length));
  const call = kept.find((m) => m.tool_calls);
  assert.ok(call && kept.some((m) => m.role === 'tool' && m.tool_call_id === call.tool_calls[0].id), 'the tool call with its result');

  // the same conversation one turn later: the stored view still fits, nothing is condensed again
  const next = [...messages, { role: 'assistant', content: 'Postgres 16.' }, { role: 'user', content: 'And its version?' }];
  const again = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: next, tools: [WEATHER_TOOL_OPENAI] });
  assert.equal(again.context_info.reused, true);
  assert.equal(again.context_info.condensation_applied, true);
  assert.equal(again.context_info.conversation_id, info.conversation_id);
  const sent2 = up.requests[1].body.messages;
  assert.deepEqual(sent2.slice(0, 3), sent.messages.slice(0, 3), 'the same summary and facts blocks');
  assert.deepEqual(sent2.slice(-2), next.slice(-2));

  // streamed: the deltas, then a last chunk with choices: [] and context_info; the SDK's helpers pass over it
  const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages, stream_options: { include_usage: true } });
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  const final = await stream.finalChatCompletion();
  assert.equal(final.choices[0].message.content, 'Hello, wörld 👋');
  assert.deepEqual(final.choices[0].message.tool_calls.map((c) => [c.function.name, c.function.arguments]), [['get_weather', '{"location":"Paris"}']]);
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.equal(last.context_info.condensation_applied, true);
  assert.equal(up.requests[2].body.stream, true);
  assert.ok(up.requests[2].body.messages.length < messages.length);

  await until(() => proxy.requests().length === 3);
  const logs = proxy.requests();
  assert.ok(logs.every((l) => l.status === 200 && typeof l.latency_ms === 'number' && l.tokens_before > l.tokens_after && l.condensed === true));
  assertCleanLogs(proxy, ['sk-upstream-SECRET-1234'], ['Which database did we choose', 'Postgres 16']);
});

test('Anthropic client, Anthropic upstream: condensed into the system prompt, the tool_use / tool_result pair and recent turns verbatim, streams end with a context_info event', async (t) => {
  const { up, proxy } = await setup(t, 'anthropic', { MAX_HISTORY_TOKENS: '3000' });
  const client = anthropicClient(proxy.base);
  const { system, messages } = anthropicConversation();
  const msg = await client.messages.create({ model: CLAUDE, max_tokens: 300, system, messages, tools: [WEATHER_TOOL_ANTHROPIC], tool_choice: { type: 'auto' } });
  assert.equal(msg.type, 'message');
  assert.equal(msg.context_info.condensation_applied, true);
  assert.ok(msg.context_info.tokens_after <= 3000);

  const sent = up.requests[0];
  assert.equal(sent.headers['x-api-key'], 'sk-upstream-SECRET-1234');
  assert.match(sent.headers['anthropic-version'], /^\d{4}-\d{2}-\d{2}$/, 'the client\'s API version');
  assert.deepEqual(sent.body.tool_choice, { type: 'auto' });
  assert.equal(sent.body.max_tokens, 300);
  assert.ok(sent.body.system.startsWith(system), 'the client\'s system prompt first');
  assert.match(sent.body.system, /recorded by contextwise/);
  assert.equal(sent.body.messages[0].role, 'user', 'the forwarded conversation starts with a user turn');
  const kept = sent.body.messages;
  assert.ok(kept.length >= 5 && kept.length < messages.length);
  assert.deepEqual(kept, messages.slice(-kept.length), 'recent turns verbatim');
  assert.ok(kept.some((m) => Array.isArray(m.content) && m.content.some((b) => b.type === 'tool_use' && b.id === 'toolu_w1')));
  assert.ok(kept.some((m) => Array.isArray(m.content) && m.content.some((b) => b.type === 'tool_result' && b.tool_use_id === 'toolu_w1')));

  const stream = client.messages.stream({ model: CLAUDE, max_tokens: 300, system, messages });
  const types = [];
  for await (const e of stream) types.push(e.type);
  const final = await stream.finalMessage();
  assert.equal(final.content[0].text, 'Okay, let\'s check the weather for San Francisco, CA: ünïcödé 漢字');
  assert.deepEqual(final.content[1].input, { location: 'San Francisco, CA' });
  assert.equal(types.at(-1), 'context_info');
  assert.equal(types.at(-2), 'message_stop');

  // count_tokens counts the request as the client sent it
  const counted = await client.messages.countTokens({ model: CLAUDE, system, messages, tools: [WEATHER_TOOL_ANTHROPIC] });
  assert.equal(counted.input_tokens, cw.countMessages([{ role: 'system', content: system }, ...messages], { model: CLAUDE, tools: [WEATHER_TOOL_ANTHROPIC] }).total);
  assert.equal(up.requests.length, 2, 'count_tokens is answered by the proxy');
});

test('with SUMMARY_LLM_MODEL the chain starts with relevance to the question; a failing summary model falls back to extractive', async (t) => {
  const summarizer = await providerServer('openai');
  t.after(() => summarizer.close());
  const { up, proxy } = await setup(t, 'openai', { MAX_HISTORY_TOKENS: '3000', SUMMARY_LLM_MODEL: 'gpt-4o-mini', SUMMARY_LLM_BASE_URL: summarizer.base, SUMMARY_LLM_API_KEY: 'sk-summary-SECRET' });
  const client = openaiClient(proxy.base);
  const messages = openaiConversation();
  const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  assert.equal(r.context_info.strategy, 'relevant');
  assert.equal(summarizer.requests.length, 1);
  assert.equal(summarizer.requests[0].headers.authorization, 'Bearer sk-summary-SECRET');
  assert.ok(JSON.stringify(summarizer.requests[0].body).includes('Which database did we choose'), 'the current question goes to the summary model');
  assert.ok(up.requests[0].body.messages.some((m) => m.role === 'system' && m.content.includes('wooden boardwalk')), 'its answer is in the forwarded context');

  // another conversation, the summary model failing: relevant → summary → extractive
  summarizer.script.push('500', '500');
  const other = openaiConversation(45);
  other[1] = { role: 'user', content: 'A different conversation.' };
  const f = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: other });
  assert.equal(f.context_info.strategy, 'extractive');
  assert.deepEqual(f.context_info.fallbacks.map((x) => x.strategy), ['relevant', 'summary']);
  assertCleanLogs(proxy, ['sk-upstream-SECRET-1234', 'sk-summary-SECRET']);
});

test('CONTEXT_COMPRESSION_ENABLED=false: counted and reported, forwarded as sent', async (t) => {
  const { up, proxy } = await setup(t, 'openai', { MAX_HISTORY_TOKENS: '3000', CONTEXT_COMPRESSION_ENABLED: 'false' });
  const messages = openaiConversation();
  const r = await openaiClient(proxy.base).chat.completions.create({ model: 'gpt-4o-mini', messages });
  assert.equal(r.context_info.condensation_applied, false);
  assert.equal(r.context_info.risk_level, 'OVERFLOW');
  assert.deepEqual(up.requests[0].body.messages, messages);
});

// ---- either client format to either upstream kind

test('Anthropic client with tools against an OpenAI upstream: tool calls round-trip (non-stream and stream), images converted', async (t) => {
  const { up, proxy } = await setup(t, 'openai');
  const client = anthropicClient(proxy.base);
  const question = { role: 'user', content: [{ type: 'text', text: 'Weather where this photo was taken?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] };
  const msg = await client.messages.create({ model: CLAUDE, max_tokens: 200, system: 'Be brief.', messages: [question], tools: [WEATHER_TOOL_ANTHROPIC] });
  assert.equal(msg.stop_reason, 'end_turn');
  assert.equal(msg.content[0].type, 'text');
  const sent = up.requests[0].body;
  assert.deepEqual(sent.messages[0], { role: 'system', content: 'Be brief.' });
  assert.deepEqual(sent.messages[1].content[1], { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } });
  assert.deepEqual(sent.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Current weather of a city', parameters: WEATHER_TOOL_ANTHROPIC.input_schema } }]);
  assert.equal(sent.max_tokens, 200);

  // the upstream's streamed tool call arrives as a tool_use block
  const stream = client.messages.stream({ model: CLAUDE, max_tokens: 200, messages: [question], tools: [WEATHER_TOOL_ANTHROPIC] });
  const final = await stream.finalMessage();
  assert.equal(final.stop_reason, 'tool_use');
  const use = final.content.find((b) => b.type === 'tool_use');
  assert.deepEqual([use.id, use.name, use.input], ['call_abc', 'get_weather', { location: 'Paris' }]);
  assert.equal(final.content[0].text, 'Hello, wörld 👋');

  // and the result goes back: the OpenAI upstream gets the call and a tool message
  await client.messages.create({
    model: CLAUDE, max_tokens: 200, tools: [WEATHER_TOOL_ANTHROPIC],
    messages: [question, { role: 'assistant', content: final.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny, 21 °C' }, { type: 'text', text: 'So?' }] }],
  });
  const back = up.requests[2].body.messages;
  assert.deepEqual(back[1].tool_calls, [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }]);
  assert.deepEqual(back[2], { role: 'tool', tool_call_id: 'call_abc', content: 'Sunny, 21 °C' });
  assert.deepEqual(back[3], { role: 'user', content: 'So?' });
});

test('OpenAI client with tools against an Anthropic upstream: tool calls round-trip (non-stream and stream), images converted', async (t) => {
  const { up, proxy } = await setup(t, 'anthropic');
  const client = openaiClient(proxy.base);
  const question = { role: 'user', content: [{ type: 'text', text: 'Weather where this was taken?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] };
  const r = await client.chat.completions.create({ model: CLAUDE, messages: [{ role: 'system', content: 'Be brief.' }, question], tools: [WEATHER_TOOL_OPENAI] });
  assert.equal(r.choices[0].finish_reason, 'tool_calls');
  const call = r.choices[0].message.tool_calls[0];
  assert.deepEqual([call.id, call.function.name, JSON.parse(call.function.arguments)], ['toolu_01A09q90qw90lq917835lq9', 'get_weather', { location: 'San Francisco, CA' }]);
  const sent = up.requests[0];
  assert.equal(sent.headers['x-api-key'], 'sk-upstream-SECRET-1234');
  assert.equal(sent.body.system, 'Be brief.');
  assert.deepEqual(sent.body.messages[0].content[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } });
  assert.deepEqual(sent.body.tools, [WEATHER_TOOL_ANTHROPIC]);

  const stream = client.chat.completions.stream({ model: CLAUDE, messages: [question], tools: [WEATHER_TOOL_OPENAI] });
  const final = await stream.finalChatCompletion();
  const sc = final.choices[0].message.tool_calls[0];
  assert.deepEqual([sc.id, sc.function.name, JSON.parse(sc.function.arguments)], ['toolu_01T1x1fJ34qAmk2tNTrN7Up6', 'get_weather', { location: 'San Francisco, CA' }]);
  assert.equal(final.choices[0].finish_reason, 'tool_calls');

  await client.chat.completions.create({
    model: CLAUDE, tools: [WEATHER_TOOL_OPENAI],
    messages: [question, r.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'Foggy, 14 °C' }],
  });
  const back = up.requests[2].body.messages;
  assert.deepEqual(back[1].content.at(-1), { type: 'tool_use', id: call.id, name: 'get_weather', input: { location: 'San Francisco, CA' } });
  assert.deepEqual(back[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Foggy, 14 °C' }] });
});

test('AUTOTEXT_MODEL / AUTOVISION_MODEL pick the upstream model by whether the request has images; /v1/models lists them', async (t) => {
  const { up, proxy } = await setup(t, 'openai', { AUTOTEXT_MODEL: 'glm-4.6', AUTOVISION_MODEL: 'glm-4.6v' });
  const client = openaiClient(proxy.base);
  await client.chat.completions.create({ model: 'anything', messages: [{ role: 'user', content: 'hi' }] });
  await client.chat.completions.create({ model: 'anything', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] });
  assert.deepEqual(up.requests.map((r) => r.body.model), ['glm-4.6', 'glm-4.6v']);
  const list = await client.models.list();
  assert.deepEqual(list.data.slice(0, 2).map((m) => m.id), ['glm-4.6', 'glm-4.6v']);
  const anthropic = await anthropicClient(proxy.base).models.list();
  assert.deepEqual(anthropic.data.slice(0, 2).map((m) => m.id), ['glm-4.6', 'glm-4.6v']);
});

// ---- production behaviour

test('SERVER_API_KEY: 401 in each client\'s format without the key, Bearer and x-api-key accepted; /health open, /metrics behind the key', async (t) => {
  const { proxy } = await setup(t, 'openai', { SERVER_API_KEY: 'sk-proxy-SECRET-77' });
  const msgs = [{ role: 'user', content: 'hi' }];
  await assert.rejects(openaiClient(proxy.base, 'wrong').chat.completions.create({ model: 'gpt-4o-mini', messages: msgs }), (e) => {
    assert.equal(e.status, 401);
    assert.equal(e.constructor.name, 'AuthenticationError');
    assert.equal(e.error.type, 'authentication_error');
    assert.equal(e.error.code, 'UNAUTHORIZED');
    return true;
  });
  await assert.rejects(anthropicClient(proxy.base, 'wrong').messages.create({ model: CLAUDE, max_tokens: 10, messages: msgs }), (e) => {
    assert.equal(e.status, 401);
    assert.equal(e.error.type, 'error');
    assert.equal(e.error.error.type, 'authentication_error');
    return true;
  });
  const ok = await openaiClient(proxy.base, 'sk-proxy-SECRET-77').chat.completions.create({ model: 'gpt-4o-mini', messages: msgs });
  assert.equal(ok.object, 'chat.completion');
  const ok2 = await anthropicClient(proxy.base, 'sk-proxy-SECRET-77').messages.create({ model: CLAUDE, max_tokens: 10, messages: msgs });
  assert.equal(ok2.type, 'message');
  assert.equal((await fetch(`${proxy.base}/health`)).status, 200);
  assert.equal((await fetch(`${proxy.base}/metrics`)).status, 401);
  assert.equal((await fetch(`${proxy.base}/metrics`, { headers: { authorization: 'Bearer sk-proxy-SECRET-77' } })).status, 200);
  assertCleanLogs(proxy, ['sk-proxy-SECRET-77', 'sk-upstream-SECRET-1234']);
});

test('a request body over MAX_REQUEST_BYTES gets 413 in the client\'s format', async (t) => {
  const { up, proxy } = await setup(t, 'openai', { MAX_REQUEST_BYTES: '4096' });
  const big = [{ role: 'user', content: 'x'.repeat(20_000) }];
  await assert.rejects(openaiClient(proxy.base).chat.completions.create({ model: 'gpt-4o-mini', messages: big }), (e) => {
    assert.equal(e.status, 413);
    assert.equal(e.error.code, 'REQUEST_TOO_LARGE');
    assert.match(e.error.message, /MAX_REQUEST_BYTES/);
    return true;
  });
  await assert.rejects(anthropicClient(proxy.base).messages.create({ model: CLAUDE, max_tokens: 10, messages: big }), (e) => {
    assert.equal(e.status, 413);
    assert.equal(e.error.error.type, 'request_too_large');
    return true;
  });
  // a body without a length header, streamed past the limit
  const res = await fetch(`${proxy.base}/v1/chat/completions`, {
    method: 'POST', duplex: 'half', headers: { 'content-type': 'application/json' },
    body: new ReadableStream({ start(c) { for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode(' '.repeat(1000))); c.close(); } }),
  });
  assert.equal(res.status, 413);
  assert.equal(up.requests.length, 0);
  // the proxy still answers
  assert.equal((await openaiClient(proxy.base).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).object, 'chat.completion');
});

test('upstream 429 (Retry-After kept), 500, a hang and a cut stream reach OpenAI and Anthropic clients as their own errors', async (t) => {
  for (const kind of ['openai', 'anthropic']) {
    const { up, proxy } = await setup(t, kind, { UPSTREAM_TIMEOUT: '1' });
    // both client formats: one speaks the upstream's format (passed through), the other is translated
    const calls = {
      openai: (extra = {}) => openaiClient(proxy.base).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra }),
      anthropic: (extra = {}) => anthropicClient(proxy.base).messages.create({ model: CLAUDE, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }], ...extra }),
    };
    for (const [client, call] of Object.entries(calls)) {
      const where = `${client} client, ${kind} upstream`;
      up.script.push('429');
      await assert.rejects(call(), (e) => {
        assert.equal(e.status, 429, where);
        assert.equal(e.headers.get('retry-after'), '1', where);
        assert.match(JSON.stringify(e.error), /Rate limit/, where);
        return true;
      });
      up.script.push('500');
      await assert.rejects(call(), (e) => { assert.equal(e.status, 500, where); return true; });
      up.script.push('hang');
      await assert.rejects(call(), (e) => {
        assert.equal(e.status, 504, where);
        assert.match(JSON.stringify(e.error), /PROVIDER_TIMEOUT/, where);
        return true;
      });
      up.script.push('cut');
      await assert.rejects(async () => {
        const s = await call({ stream: true });
        for await (const _ of s) { /* until the error */ }
      }, (e) => {
        assert.match(String(e.message), /ended before its final event|cut off|PROVIDER_STREAM_CUT/, where);
        return true;
      });
      assert.equal((await call()).context_info.risk_level, 'SAFE', `${where}: still answering`);
    }
    const text = await (await fetch(`${proxy.base}/metrics`)).text();
    assert.match(text, /contextwise_proxy_upstream_errors_total\{code="PROVIDER_HTTP"\} 4/);
    assert.match(text, /contextwise_proxy_upstream_errors_total\{code="PROVIDER_TIMEOUT"\} 2/);
    assert.match(text, /contextwise_proxy_upstream_errors_total\{code="PROVIDER_STREAM_CUT"\} 2/);
    await proxy.stop();
    await up.close();
  }
});

test('/health and /metrics', async (t) => {
  const { proxy } = await setup(t, 'openai', { MAX_HISTORY_TOKENS: '3000' });
  await openaiClient(proxy.base).chat.completions.create({ model: 'gpt-4o-mini', messages: openaiConversation() });
  const h = await (await fetch(`${proxy.base}/health`)).json();
  assert.equal(h.status, 'ok');
  assert.equal(h.version, JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  assert.ok(h.uptime_s >= 0);
  assert.equal(h.upstream.reachable, true);
  assert.equal(h.upstream.kind, 'openai');
  assert.equal(h.store.kind, 'memory');
  assert.ok(h.count_cache.hit_ratio >= 0 && h.count_cache.hit_ratio <= 1);
  assert.equal(h.condensations.count, 1);
  assert.equal(h.condensations.by_strategy.extractive, 1);
  assert.ok(h.condensations.tokens_saved > 0);
  const res = await fetch(`${proxy.base}/metrics`);
  assert.match(res.headers.get('content-type'), /^text\/plain/);
  const m = await res.text();
  assert.match(m, /# TYPE contextwise_proxy_requests_total counter/);
  assert.match(m, /contextwise_proxy_requests_total\{endpoint="\/v1\/chat\/completions",format="openai",status="200"\} 1/);
  assert.match(m, /contextwise_proxy_condensations_total\{strategy="extractive",reused="false"\} 1/);
  assert.match(m, /contextwise_proxy_request_duration_seconds_bucket/);
  assert.match(m, /contextwise_proxy_count_cache_hit_ratio /);
  assert.match(m, /contextwise_proxy_process_resident_memory_bytes /);
  // an upstream that cannot be reached
  const down = await startProxy({ UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1' });
  t.after(() => down.stop());
  const d = await (await fetch(`${down.base}/health`)).json();
  assert.equal(d.status, 'degraded');
  assert.equal(d.upstream.reachable, false);
});

test('a client that goes away aborts the upstream call', async (t) => {
  const up = await gatedServer();
  t.after(() => up.close());
  const proxy = await startProxy({ UPSTREAM_BASE_URL: up.base });
  t.after(() => proxy.stop());
  const ac = new AbortController();
  const s = await openaiClient(proxy.base).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal: ac.signal });
  const it = s[Symbol.asyncIterator]();
  assert.equal((await it.next()).value.choices[0].delta.content, 'first ');
  await up.waitingFor(1);
  ac.abort();
  await it.next().catch(() => {});
  while (up.state.closedEarly < 1) await new Promise((r) => setTimeout(r, 10));
  assert.equal(up.state.closedEarly, 1);
  // translated path too: an Anthropic client in front of this OpenAI upstream
  const ac2 = new AbortController();
  const as = await anthropicClient(proxy.base).messages.create({ model: CLAUDE, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal: ac2.signal });
  const it2 = as[Symbol.asyncIterator]();
  await it2.next();
  await up.waitingFor(1);
  ac2.abort();
  await it2.next().catch(() => {});
  while (up.state.closedEarly < 2) await new Promise((r) => setTimeout(r, 10));
  assert.equal(up.state.closedEarly, 2);
});

test('SIGTERM: requests in flight finish, new ones get 503, then the process exits 0', async (t) => {
  const up = await gatedServer();
  t.after(() => up.close());
  const proxy = await startProxy({ UPSTREAM_BASE_URL: up.base });
  t.after(() => proxy.stop());
  const client = openaiClient(proxy.base);
  const collect = async (s) => { let text = ''; for await (const c of s) text += c.choices[0]?.delta?.content ?? ''; return text; };
  const streams = await Promise.all([1, 2, 3].map(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })));
  const texts = streams.map(collect);
  await up.waitingFor(3);
  proxy.child.kill('SIGTERM');
  while (!proxy.lines.some((l) => l.msg === 'draining')) await new Promise((r) => setTimeout(r, 10));
  await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'late' }] }), (e) => {
    assert.equal(e.status, 503);
    assert.equal(e.error.code, 'SHUTTING_DOWN');
    return true;
  });
  await assert.rejects(anthropicClient(proxy.base).messages.create({ model: CLAUDE, max_tokens: 5, messages: [{ role: 'user', content: 'late' }] }), (e) => {
    assert.equal(e.status, 503);
    assert.equal(e.error.type, 'error');
    return true;
  });
  assert.equal((await fetch(`${proxy.base}/health`)).status, 503);
  up.release();
  assert.deepEqual(await Promise.all(texts), ['first second', 'first second', 'first second']);
  assert.deepEqual(await proxy.exited, { code: 0, signal: null });
  assert.equal(up.requests.length, 3, 'the late requests never reached the upstream');
  assert.ok(proxy.lines.some((l) => l.msg === 'stopped'));
});

test('200 concurrent streaming requests: every answer complete and correct; heap flat after repeated rounds', async (t) => {
  const { up, proxy } = await setup(t, 'openai');
  const client = openaiClient(proxy.base, 'x', { timeout: 120_000 });
  const round = () => Promise.all(Array.from({ length: 200 }, async (_, i) => {
    const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: `Request ${i}: what is the weather?` }];
    const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0].message.content, 'Hello, wörld 👋');
    assert.equal(final.choices[0].message.tool_calls[0].function.arguments, '{"location":"Paris"}');
    assert.equal(chunks.at(-1).context_info.tokens_before, cw.countMessages(messages, { model: 'gpt-4o-mini' }).total);
    return chunks.length;
  }));
  const heap = async () => Number(/contextwise_proxy_nodejs_heap_size_used_bytes (\d+)/.exec(await (await fetch(`${proxy.base}/metrics`)).text())[1]);
  await round();
  const after1 = await heap();
  await round();
  await round();
  const after3 = await heap();
  assert.equal(up.requests.length, 600);
  const chats = () => proxy.requests().filter((l) => l.path === '/v1/chat/completions');
  await until(() => chats().length === 600);
  assert.ok(chats().every((l) => l.status === 200 && l.stream === true));
  // no growth per request: two more rounds of 200 add far less than they would if each kept its body
  assert.ok(after3 < after1 + 40 * 1024 * 1024, `heap ${after1} → ${after3}`);
});

test('two proxy processes on one Postgres store: a conversation alternating between them is condensed once, then the other reuses its view', { timeout: 180_000 }, async (t) => {
  const pg = await startPostgres();
  t.after(() => pg.stop());
  const url = await createDatabase(pg.url, 'proxy_shared');
  const up = await providerServer('openai');
  t.after(() => up.close());
  const env = { UPSTREAM_BASE_URL: up.base, MAX_HISTORY_TOKENS: '3000', STORE: url };
  const a = await startProxy(env);
  t.after(() => a.stop());
  const b = await startProxy(env);
  t.after(() => b.stop());
  for (const p of [a, b]) assert.equal((await (await fetch(`${p.base}/health`)).json()).store.kind, 'postgres');

  let messages = openaiConversation();
  const infos = [];
  for (let turn = 0; turn < 4; turn++) {
    const proxy = turn % 2 ? b : a;
    const r = await openaiClient(proxy.base).chat.completions.create({ model: 'gpt-4o-mini', messages });
    infos.push(r.context_info);
    messages = [...messages, { role: 'assistant', content: `Reply ${turn}.` }, { role: 'user', content: `Follow-up ${turn}?` }];
  }
  assert.deepEqual(infos.map((i) => [i.condensation_applied, i.reused]), [[true, false], [true, true], [true, true], [true, true]]);
  assert.equal(new Set(infos.map((i) => i.conversation_id)).size, 1);
  // B forwarded the very blocks A wrote
  const chats = up.requests.filter((r) => r.url === '/v1/chat/completions');   // (not the health probes)
  const blocks = (body) => body.messages.filter((m) => m.role === 'system' && /recorded by contextwise/.test(m.content));
  assert.ok(blocks(chats[0].body).length >= 1);
  assert.deepEqual(blocks(chats[1].body), blocks(chats[0].body));
  assert.equal((await (await fetch(`${a.base}/health`)).json()).condensations.count, 1);
  assert.equal((await (await fetch(`${b.base}/health`)).json()).condensations.count, 0);

  // what they share is in the store, readable with ContextManager: the summary, facts and every request's usage
  const manager = await cw.ContextManager.open({ appName: 'contextwise-proxy', store: { kind: 'postgres', connectionString: url } });
  t.after(() => manager.close());
  const session = await manager.session(infos[0].conversation_id);
  const summaries = await session.summaries();
  assert.equal(summaries.length, 1);
  assert.equal(summaries[0].strategy, 'extractive');
  assert.ok((await session.facts()).some((f) => /Postgres 16/.test(f.text)));
  await until(async () => (await session.usage()).length === 4);
  assert.deepEqual((await session.usage()).map((u) => u.model), ['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o-mini']);
  await a.stop();
  await b.stop();
});

test('incremental across processes: the second proxy extends the summary the first one stored, instead of summarizing everything again', { timeout: 120_000 }, async (t) => {
  const summarizer = await providerServer('openai');
  t.after(() => summarizer.close());
  const up = await providerServer('openai');
  t.after(() => up.close());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-proxy-inc-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = {
    UPSTREAM_BASE_URL: up.base, MAX_HISTORY_TOKENS: '3000', STORE: `sqlite:${path.join(dir, 'shared.sqlite')}`,
    SUMMARY_LLM_MODEL: 'gpt-4o-mini', SUMMARY_LLM_BASE_URL: summarizer.base, CONDENSATION_DEFAULT_STRATEGY: 'summary',
  };
  const a = await startProxy(env);
  t.after(() => a.stop());
  const b = await startProxy(env);
  t.after(() => b.stop());
  const first = openaiConversation();
  const r1 = await openaiClient(a.base).chat.completions.create({ model: 'gpt-4o-mini', messages: first });
  assert.equal(r1.context_info.strategy, 'summary');
  assert.equal(summarizer.requests.length, 1);
  assert.ok(JSON.stringify(summarizer.requests[0].body).includes('Question 0:'));
  const kept = summarizer.requests[0].body.messages.at(-1).content;

  // much later in the same conversation, on the other process: the stored view no longer fits
  const longer = [...first, { role: 'assistant', content: 'Postgres 16, as decided.' }];
  for (let i = 40; i < 70; i++) {
    longer.push({ role: 'user', content: `Question ${i}: ${'the rollout plan needs another review of the replicas. '.repeat(12)}` });
    longer.push({ role: 'assistant', content: `Answer ${i}: noted.` });
  }
  longer.push({ role: 'user', content: 'Which database again?' });
  const r2 = await openaiClient(b.base).chat.completions.create({ model: 'gpt-4o-mini', messages: longer });
  assert.equal(r2.context_info.strategy, 'summary');
  assert.equal(r2.context_info.reused, false);
  assert.equal(summarizer.requests.length, 2);
  const prompt = summarizer.requests[1].body.messages.at(-1).content;
  assert.ok(prompt.includes('<previous_summary>'), 'built on the summary A stored');
  // A summarized the first turns; the turns A kept verbatim and the new ones are what is sent now
  const covered = [...kept.matchAll(/Question (\d+):/g)].map((m) => Number(m[1]));
  assert.ok(covered.length > 10, `A summarized ${covered.length} turns`);
  for (const q of covered) assert.ok(!prompt.includes(`Question ${q}:`), `question ${q}, which A summarized, is not sent again`);
  assert.ok(prompt.includes(`Question ${Math.max(...covered) + 1}:`) && prompt.includes('Question 40:'), 'only what was evicted since');
  assert.ok(kept.includes('Question 0:'));
});
