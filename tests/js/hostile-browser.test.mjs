// The browser-relevant parts of the hardening issue, in headless Chromium with the web build
// (pkgRoot/pkg/web, so CW_ROOT=/tmp/before tests the build from before the fix): redirects to
// another origin (2), credentials echoed in error bodies (3), header values fetch would reject (7)
// and recovery from a wasm trap (6). Each test fails on the build from before the fix.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pkgRoot } from './helpers.mjs';
import { serve, launchChromium } from './static-server.mjs';
import { KEY, HDR, redirectPair, echoServer, recordingServer } from './hostile-servers.mjs';

let site, browser;
before(async () => {
  site = await serve(pkgRoot);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

/** Runs `fn(cw, arg)` in a fresh page of the package's origin, after `await cw.init()`. */
async function inPage(fn, arg) {
  const page = await browser.newPage();
  try {
    await page.goto(`${site.url}/hostile-blank`); // any document of that origin (a 404 page is fine)
    return await page.evaluate(async ({ src, arg }) => {
      const cw = await import('/pkg/web/index.js');
      await cw.init();
      const describe = (e) => (e instanceof Error
        ? { name: e.name, code: e.code, message: e.message, string: String(e), stack: String(e.stack), status: e.status, retryable: e.retryable }
        : { notAnError: true, text: String(e) });
      // eslint-disable-next-line no-new-func
      return new Function('cw', 'arg', 'describe', `return (${src})(cw, arg, describe);`)(cw, arg, describe);
    }, { src: fn.toString(), arg });
  } finally { await page.close(); }
}

/** In the page: a provider call (chat or a drained stream) → { how, error }. */
const callInPage = async (cw, { cfg, mode, model, timeout }, describe) => {
  try {
    const p = cw.createProvider(cfg);
    const opts = { model, messages: [{ role: 'user', content: 'Hello there' }] };
    const call = mode === 'chat' ? p.chat(opts) : (async () => { const s = p.stream(opts); for await (const _ of s); return s.result; })();
    const t = new Promise((resolve) => setTimeout(() => resolve({ how: 'timeout' }), timeout));
    return await Promise.race([call.then(() => ({ how: 'resolved' }), (e) => ({ how: 'rejected', error: describe(e) })), t]);
  } catch (e) { return { how: 'threw', error: describe(e) }; }
};

// 2. A provider follows a redirect to another origin, carrying the key, the headers and the body.
test('browser 2: 302/307/308 to another origin → PROVIDER_REDIRECT; the other origin receives nothing', { timeout: 120_000 }, async () => {
  for (const status of [302, 307, 308]) {
    for (const [kind, mode] of [['anthropic', 'chat'], ['openai', 'chat'], ['openai', 'stream']]) {
      const pair = await redirectPair(status);
      try {
        const baseUrl = kind === 'openai' ? `${pair.redirector.url}/v1` : pair.redirector.url;
        const r = await inPage(callInPage, {
          cfg: { kind, baseUrl, apiKey: KEY, headers: { 'x-custom': HDR }, retries: 0, timeoutMs: 5000 },
          mode, model: kind === 'openai' ? 'gpt-4o' : 'claude-sonnet-4-5', timeout: 10_000,
        });
        const where = `${kind} ${mode} ${status}`;
        assert.ok(pair.redirector.requests.some((q) => q.method === 'POST'), `${where}: the request reached the first server`);
        assert.deepEqual(pair.target.requests.map((q) => `${q.method} ${q.url}`), [], `${where}: the other origin was contacted`);
        assert.equal(r.how, 'rejected', `${where}: ${r.how}`);
        assert.equal(r.error.name, 'ContextwiseError', `${where}: ${JSON.stringify(r.error)}`);
        assert.equal(r.error.code, 'PROVIDER_REDIRECT', `${where}: ${r.error.message}`);
        assert.equal(r.error.retryable, false, where);
      } finally { await pair.close(); }
    }
  }
});

// 3. Error bodies that echo the API key / a custom header value end up in the error.
test('browser 3: an echoed key or header value is redacted from message, String(err) and stack', { timeout: 120_000 }, async () => {
  for (const [kind, mode, behaviour] of [['openai', 'chat', '401'], ['openai', 'chat', '400'], ['openai', 'chat', '500'],
    ['openai', 'stream', '401'], ['anthropic', 'chat', 'anthropic401'], ['anthropic', 'chat', '429']]) {
    const s = await echoServer();
    try {
      s.script.push(behaviour);
      const r = await inPage(callInPage, {
        cfg: { kind, baseUrl: kind === 'openai' ? `${s.url}/v1` : s.url, apiKey: KEY, headers: { 'x-custom': HDR }, retries: 0, timeoutMs: 5000 },
        mode, model: kind === 'openai' ? 'gpt-4o' : 'claude-sonnet-4-5', timeout: 10_000,
      });
      const where = `${kind} ${mode} ${behaviour}`;
      assert.ok(s.requests.some((q) => q.method === 'POST' && JSON.stringify(q.headers).includes(KEY)), `${where}: the server got the key (sanity)`);
      assert.equal(r.how, 'rejected', where);
      assert.equal(r.error.name, 'ContextwiseError', where);
      for (const part of ['message', 'string', 'stack']) {
        assert.ok(!r.error[part].includes(KEY), `${where}: API key in ${part}: ${r.error[part].slice(0, 200)}`);
        assert.ok(!r.error[part].includes(HDR), `${where}: header value in ${part}: ${r.error[part].slice(0, 200)}`);
      }
      assert.match(r.error.message, /\[redacted\]/, where);
    } finally { await s.close(); }
  }
});

// 7. Header values fetch rejects: the old build failed only at chat time (unwrap_throw), past try/catch.
test('browser 7: createProvider with a non-ASCII key / newline / CRLF / bad header name → INVALID_CONFIG at once', { timeout: 60_000 }, async () => {
  const r = await inPage(async (cw, _arg, describe) => {
    const out = {};
    const cases = { 'non-ASCII key': { apiKey: 'ключ' }, 'newline in key': { apiKey: 'a\nb' }, 'CRLF in header': { headers: { 'x-h': 'a\r\nb' } }, 'header name with a space': { headers: { 'x bad': 'v' } } };
    for (const [name, extra] of Object.entries(cases)) {
      try {
        const p = cw.createProvider({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', retries: 0, ...extra });
        out[name] = { how: 'returned' };
        const never = new Promise((resolve) => setTimeout(() => resolve('never settled'), 3000));
        out[name].chat = await Promise.race([p.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).then(() => 'resolved', describe), never]);
      } catch (e) { out[name] = { how: 'threw', error: describe(e) }; }
    }
    await cw.loadEncoding('o200k_base');
    out.ok = cw.countTokens('still works', { encoding: 'o200k_base' }) === 2;
    return out;
  }).catch((e) => ({ pageError: String(e) }));
  assert.equal(r.pageError, undefined, r.pageError);
  for (const name of ['non-ASCII key', 'newline in key', 'CRLF in header', 'header name with a space']) {
    assert.equal(r[name].how, 'threw', `${name}: createProvider ${r[name].how}; chat then gave ${JSON.stringify(r[name].chat)}`);
    assert.equal(r[name].error.name, 'ContextwiseError', name);
    assert.equal(r[name].error.code, 'INVALID_CONFIG', `${name}: ${r[name].error.message}`);
  }
  assert.ok(r.ok, 'the normal count works afterwards');
});

// 6. A wasm trap used to leave the instance unusable; after the fix it is recreated with its state.
test('browser 6: after __forceTrapForTesting (INTERNAL) encodings, models, providers and limits survive — twice', { timeout: 60_000 }, async () => {
  const s = await recordingServer((req, res) => {
    res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1 } }));
  });
  try {
    const r = await inPage(async (cw, base, describe) => {
      const out = { rounds: [] };
      try {
        await cw.loadEncoding('o200k_base');
        await cw.loadEncoding('cl100k_base');
        cw.models.register({ id: 'trap-model', provider: 'local', tokenizer: { encoding: 'cl100k_base' }, contextWindow: 4096, maxOutputTokens: 512 });
        const p = cw.createProvider({ kind: 'openai', baseUrl: base, retries: 0 });
        cw.configureLimits({ maxInputChars: 5_000_000, maxDepth: 32 });
        for (let round = 0; round < 2; round++) {
          const row = {};
          try { cw.__forceTrapForTesting(); row.trap = 'returned'; } catch (e) { row.trap = describe(e); }
          try {
            row.counts = [cw.countTokens('hello world', { encoding: 'o200k_base' }), cw.countTokens('hello world', { encoding: 'cl100k_base' }), cw.countTokens('still works', { encoding: 'o200k_base' })];
            row.model = cw.models.get('trap-model').contextWindow;
            row.chat = (await p.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'ping' }] })).message.content;
            row.limits = cw.configureLimits();
          } catch (e) { row.after = describe(e); }
          out.rounds.push(row);
        }
      } catch (e) { out.setup = describe(e); }
      return out;
    }, `${s.url}/v1`);
    assert.equal(r.setup, undefined, `setup: ${JSON.stringify(r.setup)}`);
    assert.equal(r.rounds.length, 2);
    for (const [i, row] of r.rounds.entries()) {
      assert.equal(row.trap.name, 'ContextwiseError', `round ${i}: ${JSON.stringify(row.trap)}`);
      assert.equal(row.trap.code, 'INTERNAL', `round ${i}`);
      assert.equal(row.after, undefined, `round ${i}, after the trap: ${JSON.stringify(row.after)}`);
      assert.deepEqual(row.counts, [2, 2, 2], `round ${i}`);
      assert.equal(row.model, 4096);
      assert.equal(row.chat, 'pong');
      assert.deepEqual(row.limits, { maxInputChars: 5_000_000, maxDepth: 32 });
    }
  } finally { await s.close(); }
});
