// Property test of the hardening issue: random JS values (seeded, deterministic) as every argument
// of every export, of `models`, and of a provider's chat / stream / complete against a local
// server. Each call must return, or throw / reject an error for which cw.isContextwiseError is
// true (never a TypeError, RangeError, RuntimeError or a string), must settle, must not raise an
// uncaught exception, and the normal count must still work after it.
// The fuzzing runs in a child process (this file with HOSTILE_FUZZ_CHILD=1), so a crash, a trap
// or a blocked event loop of a build before the fix is reported instead of killing the runner.
// HOSTILE_SEED=<n> replays another seed; HOSTILE_CALLS=<n> changes the number of calls.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SEED = Number(process.env.HOSTILE_SEED ?? 20240611);
const CALLS = Number(process.env.HOSTILE_CALLS ?? 20_000);
const BUDGET_MS = 30_000;

if (!process.env.HOSTILE_FUZZ_CHILD) {
  test(`property: ${CALLS} random calls to every export (seed ${SEED}) only return or throw ContextwiseErrors`, () => {
    console.log(`# hostile-property seed ${SEED} (HOSTILE_SEED to replay)`);
    // in a scratch folder: a fuzzed ContextManager.open without `store` opens .contextwise/<app>.sqlite there
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-fuzz-'));
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      cwd, env: { ...process.env, HOSTILE_FUZZ_CHILD: '1' }, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 256 * 2 ** 20,
    });
    fs.rmSync(cwd, { recursive: true, force: true });
    const lines = String(r.stdout).split('\n');
    const result = lines.filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice(7)))[0];
    const lastCall = lines.filter((l) => l.startsWith('CALL ')).at(-1);
    assert.ok(result, `the fuzzing process died (status ${r.status}, signal ${r.signal}) during ${lastCall}\n${String(r.stderr).slice(-1500)}`);
    console.log(`# ${result.calls} calls in ${result.ms} ms (${JSON.stringify(result.outcomes)}); ${result.failureCount} failures`);
    const shown = result.failures.map((f) => `  #${f.i} ${f.call}: ${f.problem}`).join('\n');
    assert.equal(result.failureCount, 0, `seed ${SEED}: ${result.failureCount} failures${result.broken ? ' (the instance broke)' : ''}; first ones:\n${shown}`);
    assert.ok(result.calls >= Math.min(CALLS, 1000), `only ${result.calls} calls ran within the budget`);
  });
} else {
  await fuzz();
}

async function fuzz() {
  const H = await import('./hostile-servers.mjs');
  const cw = await H.loadCw();
  await cw.loadEncoding('o200k_base');
  await cw.loadEncoding('cl100k_base');

  // ---- seeded PRNG (mulberry32) and the value generator ----
  let s = SEED >>> 0;
  const rnd = () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (a) => a[int(0, a.length - 1)];
  const boom = () => { throw new Error('hostile trap'); };
  const KEYS = ['model', 'messages', 'role', 'content', 'encoding', 'tools', 'type', 'text', 'name', 'tool_calls', 'function', 'arguments',
    'input', 'id', 'kind', 'baseUrl', 'apiKey', 'headers', 'timeoutMs', 'retries', 'target', 'strategy', 'provider', 'complete', 'router',
    'providers', 'models', 'primary', 'rules', 'pattern', 'reserveOutput', 'thresholds', 'capacity', 'clear', 'image_url', 'url',
    'width', 'height', 'tokenizer', 'contextWindow', 'maxOutputTokens', 'aliases', 'framing', 'image', 'signal', 'maxTokens',
    'allowedSpecial', 'session', 'snippets', 'pinned', 'keepRecent', 'force', 'maxInputChars', 'maxDepth', 'stream', '__proto__', 'constructor'];
  const STRINGS = ['', 'gpt-4o', 'gpt-4', 'claude-sonnet-4-5', 'qwen2.5:7b', 'o200k_base', 'cl100k_base', 'user', 'assistant', 'system', 'tool',
    'text', 'image_url', 'tool_use', 'tool_result', 'summary', 'openai', 'anthropic', 'ollama', 'all', '<|endoftext|>', '\uD800', '\uDC00x\uD800',
    'ключ', 'a\nb', 'a\r\nb', 'x bad', '漢字 👋', 'data:image/png;base64,iVBORw0KGgo=', 'http://127.0.0.1:9/v1', '(a+)+$', '['];
  const NUMBERS = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324, 4e9];
  const proxies = new WeakMap(); // generated Proxy → its throwing trap, for the failure report
  const deep = (n, obj) => { let v = obj ? {} : []; for (let i = 0; i < n; i++) v = obj ? { a: v } : [v]; return v; };

  function value(d = 0) {
    const kind = d > 2 ? pick(['number', 'string', 'null', 'bool']) : pick(['number', 'number', 'string', 'string', 'string', 'symbol', 'bigint',
      'function', 'null', 'undefined', 'bool', 'date', 'typed', 'proxy', 'getter', 'conversion', 'deep', 'cyclic', 'object', 'object', 'object',
      'array', 'messages', 'messages']);
    switch (kind) {
      case 'number': return rnd() < 0.5 ? pick(NUMBERS) : (rnd() - 0.5) * 10 ** int(0, 12);
      case 'string': {
        const r = rnd();
        if (r < 0.6) return pick(STRINGS);
        if (r < 0.8) return Array.from({ length: int(1, 40) }, () => String.fromCharCode(int(0, 0xffff))).join('');
        return pick(['a', 'ab ', '\uD83D', '😀', 'x\n']).repeat(int(1000, 50_000)); // up to ~100 KB
      }
      case 'symbol': return Symbol('hostile');
      case 'bigint': return pick([0n, -1n, 10n ** 30n]);
      case 'function': return pick([() => value(d + 1), async () => 'a summary', boom, async () => { throw new Error('async hostile'); }]);
      case 'null': return null;
      case 'undefined': return undefined;
      case 'bool': return rnd() < 0.5;
      case 'date': return pick([new Date(NaN), new Date(0)]);
      case 'typed': return pick([new Uint8Array(int(0, 64)), new Uint32Array([0xffffffff, 1, 2]), new Float64Array([NaN, 1.5]), new ArrayBuffer(8), new Int8Array([-1])]);
      case 'proxy': {
        const trap = pick(['get', 'ownKeys', 'has', 'getOwnPropertyDescriptor', 'getPrototypeOf']);
        const px = new Proxy(rnd() < 0.5 ? object(d + 1) : [value(d + 1)], { [trap]: boom });
        proxies.set(px, trap);
        return px;
      }
      case 'getter': return Object.defineProperty(object(d + 1), pick(KEYS.slice(0, 50)), { enumerable: true, get: boom });
      case 'conversion': return pick([{ toString: boom }, { valueOf: boom, toString: boom }, { [Symbol.toPrimitive]: boom }]);
      case 'deep': return deep(pick([1, 10, 64, 65, 200, 1000, 5000]), rnd() < 0.5);
      case 'cyclic': { const o = object(d + 1); o.self = o; o.list = [o]; return rnd() < 0.5 ? o : [o]; }
      case 'object': return object(d + 1);
      case 'array': return Array.from({ length: int(0, 4) }, () => value(d + 1));
      default: return Array.from({ length: int(0, 4) }, () => (rnd() < 0.7
        ? { role: pick(['user', 'assistant', 'system', 'tool', 'robot']), content: rnd() < 0.6 ? pick(STRINGS) : value(d + 1) }
        : object(d + 1)));
    }
  }
  function object(d) {
    const o = {};
    for (let i = int(0, 5); i > 0; i--) {
      const k = pick(KEYS);
      const v = rnd() < 0.4 ? pick(STRINGS) : value(d + 1);
      if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true, writable: true });
      else o[k] = v;
    }
    return o;
  }

  // ---- what to call: every export (and every function of an object export), plausible arguments ----
  const server = await H.recordingServer((req, res, body) => {
    const stream = /"stream":true/.test(body);
    res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
    const msg = { role: 'assistant', content: 'ok' };
    if (!stream) { res.end(JSON.stringify({ choices: [{ index: 0, message: msg, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1 } })); return; }
    res.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta: msg, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
  });
  const baseUrl = `${server.url}/v1`;
  const provider = cw.createProvider({ kind: 'openai', baseUrl, retries: 0, timeoutMs: 2000, model: 'gpt-4o' });
  const msgs = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }];
  const enc = { encoding: 'o200k_base' };
  const PLAUSIBLE = {
    countTokens: ['hello', enc], encode: ['hello', enc], decode: [[1, 2, 3], enc], isWithinTokenLimit: ['hello', 10, enc],
    countMessages: [msgs, { model: 'gpt-4o' }], assessRisk: [msgs, { model: 'gpt-4o' }], planCondensation: [msgs, { model: 'gpt-4o' }],
    condense: [msgs, { model: 'gpt-4o', timeoutMs: 500 }], route: [msgs, { models: { primary: 'gpt-4o' } }],
    routedChat: [msgs, { router: { models: { primary: 'gpt-4o' } }, providers: { openai: provider } }],
    createProvider: [{ kind: 'openai', baseUrl, retries: 0, timeoutMs: 2000 }], calibrate: ['claude-sonnet-4-5', 100, 110],
    configureCountCache: [{ capacity: 10_000 }], configureLimits: [{}], loadEncoding: ['o200k_base'], loadEncodingBytes: ['o200k_base', new Uint8Array(3)],
    'models.get': ['gpt-4o'], 'models.register': [{ id: 'fuzz-model', provider: 'local', tokenizer: enc, contextWindow: 4096, maxOutputTokens: 512 }],
    'provider.chat': [{ model: 'gpt-4o', messages: msgs }], 'provider.stream': [{ model: 'gpt-4o', messages: msgs }],
    'provider.complete': ['Summarize.', 'Hello there', 50, 'gpt-4o'], isContextwiseError: [new Error('x')],
  };
  const targets = [];
  for (const [name, v] of Object.entries(cw)) {
    // traps on purpose; runs the store contract (which writes a database file)
    if (name === '__forceTrapForTesting' || name === '__storeContractForTesting' || name === 'default') continue;
    if (name === 'ContextManager') continue; // a class: its static open and its methods are below
    if (typeof v === 'function') targets.push([name, v]);
    else if (v && typeof v === 'object') for (const [m, f] of Object.entries(v)) if (typeof f === 'function') targets.push([`${name}.${m}`, f]);
  }
  // the store API, on a memory store (a fuzzed config never names a file: no appName key is generated)
  const manager = await cw.ContextManager.open({ appName: 'fuzz', store: 'memory' });
  const session = await manager.session('fuzz-session');
  const turn = { messages: [{ role: 'assistant', content: 'ok' }], usage: [{ model: 'gpt-4o', promptTokens: 3 }], facts: [{ kind: 'decision', text: 'use Postgres' }] };
  Object.assign(PLAUSIBLE, {
    'ContextManager.open': [{ appName: 'fuzz', store: 'memory' }], 'manager.session': ['fuzz-2', { title: 't' }], 'manager.sessions': [{ limit: 5 }],
    'manager.relevantMemory': ['postgres', { limit: 3 }], 'manager.import': [{ format: 'contextwise.export', version: 1, exported: 0, sessions: [] }],
    'manager.export': [{ sessions: ['fuzz-session'] }], 'manager.deleteSession': ['fuzz-2'], 'session.append': [{ role: 'user', content: 'hi' }],
    'session.messages': [{ last: 2 }], 'session.commitTurn': [turn], 'session.update': [{ title: 'x' }], 'session.rename': ['y'],
  });
  targets.push(['ContextManager.open', (...a) => cw.ContextManager.open(...a)]);
  for (const m of ['session', 'sessions', 'relevantMemory', 'import', 'export', 'deleteSession', 'storage', 'calibration']) targets.push([`manager.${m}`, (...a) => manager[m](...a)]);
  for (const m of ['append', 'messages', 'commitTurn', 'update', 'rename', 'facts', 'summaries', 'usage', 'info', 'export']) targets.push([`session.${m}`, (...a) => session[m](...a)]);
  const drain = async (st) => { for await (const _ of st); return st.result; };
  targets.push(['provider.chat', (o) => provider.chat(o)], ['provider.stream', (o) => drain(provider.stream(o))],
    ['provider.complete', (...a) => provider.complete(...a)]);

  const restore = () => {
    try { cw.configureLimits?.({ maxInputChars: 67_108_864, maxDepth: 64 }); } catch {}
    try { cw.configureCountCache({ capacity: 10_000 }); } catch {}
  };
  const ok = () => { try { return cw.countTokens('still works', enc) === 2; } catch { return false; } };
  const summary = (v) => { if ((typeof v === 'object' || typeof v === 'function') && proxies.has(v)) return `Proxy(${proxies.get(v)} throws)`; try { return typeof v === 'string' ? JSON.stringify(v.slice(0, 20)) + (v.length > 20 ? `…(${v.length})` : '') : Array.isArray(v) ? `array(${v.length})` : typeof v === 'object' && v ? `{${Object.keys(v).slice(0, 4).join(',')}}` : String(v); } catch { return 'proxy'; } };

  const failures = [];
  let failureCount = 0, current = '', i = 0, broken = false;
  const outcomes = { returned: 0, resolved: 0, threw: 0, rejected: 0, timeout: 0 };
  const fail = (problem) => { failureCount++; if (failures.length < 40) failures.push({ i, call: current, problem }); };
  process.on('uncaughtException', (e) => fail(`uncaught exception: ${H.describeError(e).message ?? e}`));
  process.on('unhandledRejection', (e) => { if (!cw.isContextwiseError(e)) fail(`unhandled rejection: ${H.describeError(e).message ?? String(e)}`); });

  const t0 = Date.now();
  for (; i < CALLS && Date.now() - t0 < BUDGET_MS; i++) {
    const [name, fn] = targets[i % targets.length];
    const args = [...(PLAUSIBLE[name] ?? [])];
    const n = Math.max(args.length, int(0, 3));
    if (rnd() < 0.2) for (let k = 0; k < n; k++) args[k] = value(); // every argument random
    else args[int(0, Math.max(0, n - 1))] = value(); // one argument random, the others plausible
    current = `${name}(${args.map(summary).join(', ')})`;
    console.log(`CALL ${i} ${current}`);
    const r = await H.settle(() => fn(...args), 3000);
    outcomes[r.how]++;
    if (r.how === 'timeout') fail('never settled (3 s)');
    else if ((r.how === 'threw' || r.how === 'rejected') && !cw.isContextwiseError(r.error)) {
      const d = H.describeError(r.error);
      fail(`${r.how} ${d.notAnError ? `a non-Error (${d.type}) ${d.text}` : `${d.ctor}/${d.name}: ${String(d.message).slice(0, 160)}`}`);
    }
    if (name === 'configureLimits' || name === 'configureCountCache') restore();
    if (!ok()) { fail('the normal count fails after this call'); broken = true; break; }
  }
  restore();
  await server.close();
  H.report({ seed: SEED, calls: broken ? i + 1 : i, ms: Date.now() - t0, outcomes, failureCount, failures, broken });
  process.exit(0);
}
