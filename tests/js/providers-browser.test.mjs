// Provider fetch behaviour in headless Chromium: a page calls the local test servers across
// origins (CORS), for a complete answer, a stream, an error and an abort.
import test from 'node:test';
import assert from 'node:assert/strict';
import { root } from './helpers.mjs';
import { serve, launchChromium } from './static-server.mjs';
import { providerServer } from './provider-servers.mjs';

test('providers from a page: chat, stream, 429 retry, 400, timeout, cut stream, bad JSON, abort, Anthropic browser header', async () => {
  const page_server = await serve(root);
  const openai = await providerServer('openai');
  const anthropic = await providerServer('anthropic');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${page_server.url}/blank`); // any page of the origin
    openai.script.push('ok', 'ok', '400', 'slow', '429', 'ok', 'hang', 'cut', 'badjson');
    const r = await page.evaluate(async ({ openaiBase, anthropicBase }) => {
      const cw = await import('/pkg/web/index.js');
      await cw.init();
      const messages = [{ role: 'user', content: 'Hi' }];
      const p = cw.createProvider({ kind: 'openai', baseUrl: openaiBase, apiKey: 'sk-page' });
      const chat = await p.chat({ model: 'gpt-4o', messages });
      const s = p.stream({ model: 'gpt-4o-mini', messages });
      let text = '';
      for await (const d of s) if (d.type === 'text') text += d.text;
      const streamed = await s.result;
      let error;
      try { await p.chat({ model: 'gpt-4o', messages }); } catch (e) { error = { code: e.code, status: e.status, retryable: e.retryable }; }
      const ctrl = new AbortController();
      let aborted;
      try { for await (const _ of p.stream({ model: 'gpt-4o-mini', messages, signal: ctrl.signal })) ctrl.abort(); } catch (e) { aborted = e.code; }
      const retried = (await p.chat({ model: 'gpt-4o', messages })).attempts;
      const fast = cw.createProvider({ kind: 'openai', baseUrl: openaiBase, timeoutMs: 300, retries: 0 });
      const codeOf = async (f) => { try { await f(); return 'none'; } catch (e) { return e.code; } };
      const timedOut = await codeOf(() => fast.chat({ model: 'gpt-4o', messages }));
      const cut = await codeOf(async () => { for await (const _ of fast.stream({ model: 'gpt-4o-mini', messages })); });
      const parse = await codeOf(() => fast.chat({ model: 'gpt-4o', messages }));
      const a = cw.createProvider({ kind: 'anthropic', baseUrl: anthropicBase, apiKey: 'sk-ant' });
      const ans = await a.chat({ model: 'claude-sonnet-4-5', messages });
      return { content: chat.message.content, text, usage: streamed.usage, error, aborted, anthropic: ans.finishReason, retried, timedOut, cut, parse };
    }, { openaiBase: openai.base, anthropicBase: anthropic.base });
    assert.match(r.content, /^The image shows/);
    assert.equal(r.text, 'Hello, wörld 👋');
    assert.equal(r.usage.promptTokens, 24);
    assert.deepEqual(r.error, { code: 'PROVIDER_HTTP', status: 400, retryable: false });
    assert.equal(r.aborted, 'ABORTED');
    assert.equal(r.anthropic, 'tool_use');
    assert.equal(r.retried, 2, '429 with Retry-After, then success');
    assert.deepEqual([r.timedOut, r.cut, r.parse], ['PROVIDER_TIMEOUT', 'PROVIDER_STREAM_CUT', 'PROVIDER_PARSE']);
    assert.equal(anthropic.requests[0].headers['anthropic-dangerous-direct-browser-access'], 'true');
  } finally {
    await browser.close();
    await openai.close();
    await anthropic.close();
    await page_server.close();
  }
});
