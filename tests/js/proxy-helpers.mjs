// For the proxy tests (tests/js/proxy.test.mjs): the proxy CLI of the built package started as a
// child process on 127.0.0.1 (PORT=0, the port read from its start-up log line), an upstream that
// holds its streams until told to go on, and long conversations in both client formats.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { pkgRoot } from './helpers.mjs';

export const CLI = path.join(pkgRoot, 'pkg/proxy/cli.mjs');

/**
 * Starts `node pkg/proxy/cli.mjs proxy` with `env` (added to a clean environment: nothing of the
 * test runner's leaks in). Resolves once it listens: `{ base, port, lines, logs(), stderr(), exited, stop(signal) }`.
 */
export async function startProxy(env = {}, { args = [] } = {}) {
  const child = spawn(process.execPath, [CLI, 'proxy', ...args], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  let err = '';
  let partial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { err += d; });
  child.stdout.setEncoding('utf8');
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const listening = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      partial += d;
      const all = partial.split('\n');
      partial = all.pop();
      for (const l of all.filter(Boolean)) {
        const j = JSON.parse(l);
        lines.push(j);
        if (j.msg === 'listening') resolve(j.port);
      }
    });
    exited.then(({ code }) => reject(new Error(`the proxy exited (${code}) before listening:\n${err}`)));
  });
  const port = await listening;
  let stopped;
  return {
    child, port, base: `http://127.0.0.1:${port}`, lines, exited,
    stderr: () => err,
    /** Request log lines (one per request). */
    requests: () => lines.filter((l) => l.msg === 'request'),
    stop(signal = 'SIGTERM') {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        const r = await exited;
        clearTimeout(timer);
        return r;
      })();
      return stopped;
    },
  };
}

/** Runs the CLI to its end (for --help and configuration errors): `{ code, stdout, stderr }`. */
export function runCli(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const chunk = (obj) => `data: ${JSON.stringify(obj)}\n\n`;

/**
 * An OpenAI-compatible upstream whose streams send their first chunk, then wait for `release()`
 * before the rest. Records each request (`requests`) and whether the client hung up before the
 * end (`closedEarly`, a count).
 */
export async function gatedServer() {
  const requests = [];
  let release;
  let gate = new Promise((r) => { release = r; });
  const state = { closedEarly: 0, waiting: 0 };
  const arrived = [];
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    if (req.method !== 'POST') { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"object":"list","data":[]}'); return; }
    const parsed = JSON.parse(body);
    requests.push(parsed);
    let finished = false;
    res.on('close', () => { if (!finished) state.closedEarly++; });
    const id = `chatcmpl-${requests.length}`;
    const base = { id, object: 'chat.completion.chunk', created: 1, model: parsed.model };
    if (!parsed.stream) {
      await gate;
      finished = true;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id, object: 'chat.completion', created: 1, model: parsed.model, choices: [{ index: 0, message: { role: 'assistant', content: 'held answer' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(chunk({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'first ' }, finish_reason: null }] }));
    state.waiting++;
    arrived.splice(0).forEach((r) => r());
    await gate;
    state.waiting--;
    if (res.destroyed) return;
    res.write(chunk({ ...base, choices: [{ index: 0, delta: { content: 'second' }, finish_reason: null }] }));
    res.write(chunk({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    finished = true;
    res.end('data: [DONE]\n\n');
  });
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${server.address().port}/v1`, requests, state,
    /** Resolves once `n` streams are waiting at the gate. */
    async waitingFor(n) {
      while (state.waiting < n) await new Promise((r) => arrived.push(r));
    },
    release() {
      release();
      gate = new Promise((r) => { release = r; });
    },
    close: () => new Promise((r) => { release(); for (const s of sockets) s.destroy(); server.close(r); }),
  };
}

const WORDS = ['deployment', 'database', 'migration', 'latency', 'cache', 'invoice', 'region', 'replica', 'schema', 'index', 'queue', 'worker', 'budget', 'timeout', 'rollout'];
const prose = (i, n) => Array.from({ length: n }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ') + '.';

/**
 * A long OpenAI-shaped conversation: a system prompt, `turns` user/assistant turns of about
 * `words` words each, then a tool call and its result, the assistant's answer and a last question.
 */
export function openaiConversation(turns = 40, words = 90) {
  const m = [{ role: 'system', content: 'You are the operations assistant of the orders service.' }];
  for (let i = 0; i < turns; i++) {
    m.push({ role: 'user', content: `Question ${i}: ${prose(i, words)}` });
    m.push({ role: 'assistant', content: `Answer ${i}: ${prose(i + 1, words)} We decided to use Postgres 16 for the orders database.` });
  }
  m.push({ role: 'user', content: 'What is the weather in Paris for the rollout?' });
  m.push({ role: 'assistant', content: null, tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] });
  m.push({ role: 'tool', tool_call_id: 'call_w1', content: 'Sunny, 21 °C' });
  m.push({ role: 'assistant', content: 'It is sunny in Paris, 21 °C.' });
  m.push({ role: 'user', content: 'Good. Which database did we choose for the orders service?' });
  return m;
}

/** The same conversation in the Anthropic shape: `{ system, messages }`. */
export function anthropicConversation(turns = 40, words = 90) {
  const messages = [];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'user', content: `Question ${i}: ${prose(i, words)}` });
    messages.push({ role: 'assistant', content: [{ type: 'text', text: `Answer ${i}: ${prose(i + 1, words)} We decided to use Postgres 16 for the orders database.` }] });
  }
  messages.push({ role: 'user', content: 'What is the weather in Paris for the rollout?' });
  messages.push({ role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_w1', name: 'get_weather', input: { location: 'Paris' } }] });
  messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_w1', content: 'Sunny, 21 °C' }] });
  messages.push({ role: 'assistant', content: 'It is sunny in Paris, 21 °C.' });
  messages.push({ role: 'user', content: 'Good. Which database did we choose for the orders service?' });
  return { system: 'You are the operations assistant of the orders service.', messages };
}

export const WEATHER_TOOL_OPENAI = { type: 'function', function: { name: 'get_weather', description: 'Current weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } } };
export const WEATHER_TOOL_ANTHROPIC = { name: 'get_weather', description: 'Current weather of a city', input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } };

/** Resolves once `cond()` is true (checked every 10 ms): for what a process writes after answering. */
export async function until(cond) {
  while (!(await cond())) await new Promise((r) => setTimeout(r, 10));
}
