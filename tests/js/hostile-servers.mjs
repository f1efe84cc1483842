// Shared by the hostile-input tests: local HTTP servers on 127.0.0.1 that misbehave (redirect to
// another origin, echo the credentials back, never end the body, stream SSE without a newline),
// and helpers to run a scenario in a child process (a crash, a wasm trap or a blocked event loop
// there cannot hide the other tests) and to describe how a call ended.
// Only node built-ins here, so a child process can import this file cheaply.
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
/** Same rule as helpers.mjs: CW_ROOT selects another build (e.g. the one before the fix). */
export const pkgRoot = process.env.CW_ROOT ? path.resolve(process.env.CW_ROOT) : root;
export const loadCw = () => import(path.join(pkgRoot, 'pkg/node/index.mjs'));

export const KEY = 'sk-hostile-KEY-5a4b3c2d1e';
export const HDR = 'hdr-secret-VALUE-77e1';
export const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': '*',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
  'access-control-expose-headers': 'location, retry-after',
};
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A server that records every request it receives (OPTIONS preflights included: a browser that
 * sends one has contacted the origin) and every connection, and answers with `handler`.
 */
export async function recordingServer(handler) {
  const requests = [];
  const sockets = new Set();
  const carrying = new Set(); // sockets that carried a request and are still open
  let opened = 0;
  const server = http.createServer(async (req, res) => {
    if (!req.socket.destroyed && !carrying.has(req.socket)) { carrying.add(req.socket); req.socket.once('close', () => carrying.delete(req.socket)); }
    let body = '';
    for await (const c of req) body += c;
    requests.push({ method: req.method, url: req.url, headers: req.headers, body });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*' });
      res.end();
      return;
    }
    try { await handler(req, res, body); } catch { res.destroy(); }
  });
  server.on('connection', (s) => { opened++; sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    get opened() { return opened; },
    get openSockets() { return sockets.size; },
    /**
     * True once every connection that carried a request is closed (the download was cancelled),
     * false after `ms`. (Node's fetch may open a fresh idle connection after a cancel; those
     * carried nothing and do not count.)
     */
    async allClosedWithin(ms) {
      const end = Date.now() + ms;
      while (carrying.size > 0 && Date.now() < end) await sleep(20);
      return carrying.size === 0;
    },
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** `redirector` answers every request with `status` and a Location on `target`, another origin. */
export async function redirectPair(status) {
  const target = await recordingServer((req, res) => {
    res.writeHead(200, { ...CORS, 'content-type': 'application/json' });
    res.end('{"id":"leaked","choices":[],"content":[]}');
  });
  const redirector = await recordingServer((req, res) => {
    res.writeHead(status, { ...CORS, location: `${target.url}${req.url}` });
    res.end();
  });
  return { redirector, target, close: async () => { await redirector.close(); await target.close(); } };
}

/**
 * Error answers that echo the credentials they received, the way some gateways do. `script`
 * holds one behaviour per request: '401' | '400' | '429' | '500' (OpenAI-style error body with
 * the key and the x-custom header value) or 'anthropic401' (Anthropic's documented format).
 */
export async function echoServer() {
  const script = [];
  const s = await recordingServer((req, res) => {
    const key = req.headers['x-api-key'] ?? String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    const hdr = req.headers['x-custom'] ?? '';
    const behaviour = script.shift() ?? '401';
    const headers = { ...CORS, 'content-type': 'application/json' };
    if (behaviour === 'anthropic401') {
      res.writeHead(401, headers);
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${key}` } }));
      return;
    }
    res.writeHead(Number(behaviour), behaviour === '429' ? { ...headers, 'retry-after': '0' } : headers);
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}. Header x-custom was ${hdr}.`, type: 'invalid_request_error', key, header: hdr } }));
  });
  return Object.assign(s, { script });
}

/**
 * A 200 answer whose body never ends: `prefix`, then `chunk` again and again until the client
 * closes the socket. After `capBytes` it stops writing but keeps the socket open (still never
 * ends) so a client that buffers everything cannot exhaust this machine's memory. `intervalMs`
 * > 0 writes one chunk per interval (a slow body); 0 writes as fast as the client reads.
 */
export async function endlessServer({ type = 'application/json', prefix = '', chunk = 'x'.repeat(65536), intervalMs = 0, capBytes = 256 * 2 ** 20 } = {}) {
  const state = { sent: 0 };
  const s = await recordingServer(async (req, res) => {
    res.writeHead(200, { ...CORS, 'content-type': type, 'cache-control': 'no-cache' });
    res.write(prefix);
    while (!res.destroyed && state.sent < capBytes) {
      const ok = res.write(chunk);
      state.sent += chunk.length;
      if (intervalMs > 0) await sleep(intervalMs);
      else if (!ok) await new Promise((r) => { const done = () => { res.off('drain', done); res.off('close', done); r(); }; res.on('drain', done); res.on('close', done); });
    }
  });
  return Object.assign(s, { state });
}

/** How a call ended: returned / threw (sync) / resolved / rejected (async) / timeout. */
export async function settle(fn, ms = 10_000) {
  let p;
  try { p = fn(); } catch (e) { return { how: 'threw', error: e }; }
  if (!(p && typeof p.then === 'function')) return { how: 'returned', value: p };
  let timer;
  const t = new Promise((r) => { timer = setTimeout(() => r({ how: 'timeout' }), ms); });
  try {
    return await Promise.race([p.then((value) => ({ how: 'resolved', value }), (error) => ({ how: 'rejected', error })), t]);
  } finally { clearTimeout(timer); }
}

/** A plain-data picture of anything thrown, for assertions and for a child's report. */
export function describeError(e) {
  if (!(e instanceof Error)) return { picture: true, notAnError: true, type: typeof e, text: String(e).slice(0, 300) };
  return { picture: true, ctor: e.constructor?.name, name: e.name, code: e.code, message: String(e.message).slice(0, 600), status: e.status, retryable: e.retryable };
}

/** Prints a child's result; `runChild` reads it back. */
export const report = (x) => console.log(`RESULT ${JSON.stringify(x)}`);

/**
 * Runs `code` (an ES module body) in a fresh Node process with `cw` (the built package, CW_ROOT
 * honoured, o200k_base loaded), `H` (this module), `ok()` (the normal count is still 2) and
 * `report()` in scope. Returns its exit status, its stderr tail and what it reported.
 */
export function runChild(code, { timeout = 60_000 } = {}) {
  const prelude = `import * as H from ${JSON.stringify(import.meta.url)};
const { report, settle, describeError, sleep } = H;
const cw = await H.loadCw();
await cw.loadEncoding('o200k_base');
const ok = () => { try { return cw.countTokens('still works', { encoding: 'o200k_base' }) === 2; } catch { return false; } };
`;
  const r = spawnSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', prelude + code], {
    env: process.env, encoding: 'utf8', timeout, killSignal: 'SIGKILL', maxBuffer: 64 * 2 ** 20,
  });
  const line = String(r.stdout ?? '').split('\n').reverse().find((l) => l.startsWith('RESULT '));
  return {
    status: r.status, signal: r.signal, timedOut: r.error?.code === 'ETIMEDOUT',
    stderr: String(r.stderr ?? '').slice(-1500),
    result: line ? JSON.parse(line.slice(7)) : undefined,
  };
}

/** Asserts that a child finished on its own and reported; returns what it reported. */
export function childResult(assert, r) {
  assert.ok(!r.timedOut && r.signal === null, `child killed (${r.signal}${r.timedOut ? ', timed out: hung or blocked' : ''})\n${r.stderr}`);
  assert.ok(r.result !== undefined, `child exited with ${r.status} before reporting (crash / uncaught exception):\n${r.stderr}`);
  assert.equal(r.status, 0, `child exit status ${r.status}\n${r.stderr}`);
  return r.result;
}

/** Asserts `e` is a ContextwiseError (or its describeError picture) with `code`, message matching `re`. */
export function assertCwError(assert, e, code, re) {
  const d = e?.picture ? e : describeError(e);
  assert.ok(!d.notAnError, `expected a ContextwiseError ${code}, got a non-Error: ${d.text}`);
  assert.equal(d.name, 'ContextwiseError', `expected ContextwiseError ${code}, got ${d.ctor} ${d.name}: ${d.message}`);
  assert.equal(d.code, code, d.message);
  if (re) assert.match(d.message, re);
  return d;
}

// ---- Item 4: throwing getters and Proxies, hammered until an instance that leaks would brick ----

const thrower = (what) => () => { throw new Error(`hostile ${what} trap`); };
/** A copy of `obj` whose `field` is a getter that throws. */
export function throwingGetter(obj, field) {
  return Object.defineProperty({ ...obj }, field, { enumerable: true, configurable: true, get: thrower(`${field} getter`) });
}
/** Proxies over a valid object: the named trap throws. */
export const trapProxy = (obj, trap) => new Proxy({ ...obj }, { [trap]: thrower(`${trap}`) });

const MSGS = [{ role: 'user', content: 'Hello there' }];
/**
 * Each target: `call(h)` makes the call with the hostile value `h` in one argument, `valid` is
 * the valid value of that argument, `field` the field the throwing getter replaces.
 */
export function hostileTargets(cw) {
  const provider = cw.createProvider({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', retries: 0, timeoutMs: 2000 });
  const model = { id: 'hostile-model', provider: 'local', tokenizer: { encoding: 'o200k_base' }, contextWindow: 4096, maxOutputTokens: 512 };
  return {
    'countTokens options': { valid: { model: 'gpt-4o' }, field: 'model', call: (h) => cw.countTokens('hi', h) },
    'countMessages message': { valid: MSGS[0], field: 'content', call: (h) => cw.countMessages([h], { model: 'gpt-4o' }) },
    'countMessages options': { valid: { model: 'gpt-4o' }, field: 'model', call: (h) => cw.countMessages(MSGS, h) },
    'models.register': { valid: model, field: 'contextWindow', call: (h) => cw.models.register(h) },
    'createProvider': { valid: { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', retries: 0 }, field: 'baseUrl', call: (h) => cw.createProvider(h) },
    'provider.chat': { valid: { model: 'gpt-4o', messages: MSGS }, field: 'messages', call: (h) => provider.chat(h) },
    'route': { valid: { models: { primary: 'gpt-4o' } }, field: 'models', call: (h) => cw.route(MSGS, h) },
    'planCondensation': { valid: { model: 'gpt-4o' }, field: 'model', call: (h) => cw.planCondensation(MSGS, h) },
    'assessRisk': { valid: { model: 'gpt-4o', reserveOutput: 100 }, field: 'reserveOutput', call: (h) => cw.assessRisk(MSGS, h) },
    'condense': { valid: { model: 'gpt-4o' }, field: 'model', call: (h) => cw.condense(MSGS, h) },
  };
}

/**
 * Calls a target `n` times with each hostile variant. Strict variants (a throwing getter, a Proxy
 * whose get throws — the value cannot be read) must throw/reject INVALID_ARGUMENT saying the
 * field threw; lenient ones (ownKeys / has traps, which a reader may never need) may also
 * succeed, or fail with any ContextwiseError. Returns the first mismatch of each variant.
 */
export async function hammer(cw, name, n = 2000) {
  const t = hostileTargets(cw)[name];
  const variants = [
    ['getter', throwingGetter(t.valid, t.field), new RegExp(`${t.field}[\\s\\S]*thr(e|o)w|thr(e|o)w[\\s\\S]*${t.field}`, 'i')],
    ['proxy get', trapProxy(t.valid, 'get'), /thr(e|o)w/i],
    ['proxy ownKeys', trapProxy(t.valid, 'ownKeys'), null],
    ['proxy has', trapProxy(t.valid, 'has'), null],
  ];
  const out = {};
  for (const [variant, h, re] of variants) {
    let first = null, bad = 0;
    for (let i = 0; i < n; i++) {
      const r = await settle(() => t.call(h), 5000);
      const e = r.error;
      const isCw = e instanceof Error && e.name === 'ContextwiseError' && typeof e.code === 'string';
      const good = re
        ? (r.how === 'threw' || r.how === 'rejected') && isCw && e.code === 'INVALID_ARGUMENT' && re.test(e.message)
        : r.how === 'returned' || r.how === 'resolved' || ((r.how === 'threw' || r.how === 'rejected') && isCw);
      if (!good) { bad++; first ??= { i, how: r.how, error: r.error === undefined ? undefined : describeError(r.error) }; }
    }
    out[variant] = { bad, first };
  }
  return out;
}
