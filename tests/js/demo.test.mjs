// The demo page in headless Chromium: typing updates the count and risk; a chat transcript shows
// the per-message breakdown; user text never becomes HTML.
import test from 'node:test';
import assert from 'node:assert/strict';
import { root, get_encoding } from './helpers.mjs';
import { serve, launchChromium } from './static-server.mjs';
import { providerServer } from './provider-servers.mjs';

/** Opens the demo in headless Chromium, runs `fn(page)`, and checks the page threw nothing. */
async function withDemo(fn) {
  const server = await serve(root);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/www/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    await fn(page);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
}

test('demo page counts as you type and shows the breakdown and risk', () => withDemo(async (page) => {
  const text = 'Hello <b>world</b> <img src=x onerror=alert(1)> — 你好 👍🏽';
  await page.fill('#input', text);
  const enc = get_encoding('o200k_base');
  assert.equal(await page.textContent('#count'), String(enc.encode(text, [], []).length));
  // model and user text is shown as text: HTML inside a message reaches the page verbatim, never as elements
  await page.fill('#input', JSON.stringify([{ role: 'user', name: '<i>x</i>', content: text }]));
  assert.equal(await page.textContent('#breakdown tbody tr td:nth-child(4)'), text);
  assert.equal(await page.textContent('#breakdown tbody tr td:nth-child(2)'), 'user (<i>x</i>)');
  assert.equal(await page.$$eval('main img, main b, main i', (els) => els.length), 0, 'no HTML injected');
  await page.fill('#input', text);
  assert.equal(await page.textContent('#level'), 'SAFE');

  await page.click('#sample');
  const rows = await page.$$eval('#breakdown tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.equal(rows.length, 4);
  assert.equal(rows[3][1], 'user (alice)');

  await page.selectOption('#model', 'gpt-4');
  await page.fill('#input', 'word '.repeat(7000));
  await page.waitForFunction(() => document.getElementById('level').textContent !== 'SAFE');
  assert.equal(await page.textContent('#level'), 'OVERFLOW');
  const cl = get_encoding('cl100k_base');
  assert.equal(await page.textContent('#count'), cl.encode('word '.repeat(7000)).length.toLocaleString('en-US'));
  cl.free(); enc.free();

  await page.fill('#input', '[{"role":"robot","content":"x"}]');
  assert.match(await page.textContent('#error'), /INVALID_MESSAGE/);
}));

test('demo page plans and applies condensation of the long sample', () => withDemo(async (page) => {
  await page.click('#sample-long');
  await page.waitForFunction(() => document.getElementById('target').value !== '');
  await page.click('#plan');
  const actions = await page.$$eval('#plan-table tbody tr', (trs) => trs.map((tr) => tr.dataset.action));
  assert.equal(actions.length, 401);
  assert.ok(actions.includes('summarize') && actions.slice(-8).every((a) => a === 'keep'));
  assert.match(await page.textContent('#plan-summary'), /Condensation planned/);
  await page.click('#apply');
  await page.waitForFunction(() => document.getElementById('metrics').textContent.includes('→'));
  assert.match(await page.textContent('#metrics'), /strategy extractive/);
  assert.ok((await page.$$('#facts li')).length > 3, 'facts ledger shown');
  assert.ok((await page.$$('#condensed .msg')).length < 401);
  await page.selectOption('#strategy', 'summary');
  await page.click('#apply');
  await page.waitForFunction(() => document.getElementById('metrics').textContent.includes('fallbacks'));
  assert.match(await page.textContent('#metrics'), /summary \(no summarizer provider was given\)/);
}));

test('demo page routes the conversation and streams a reply from a provider', async () => {
  const llm = await providerServer('openai');
  try {
    await withDemo(async (page) => {
      await page.fill('#input', 'Write a Python function that parses ISO dates');
      await page.click('#route-btn');
      await page.waitForFunction(() => document.getElementById('route-result').textContent.startsWith('→'));
      assert.match(await page.textContent('#route-result'), /→ deepseek-coder \(deepseek\), code task/);
      assert.match(await page.textContent('#route-stats'), /decisions/);
      await page.selectOption('#p-kind', 'openai');
      await page.fill('#p-base', llm.base);
      await page.fill('#p-key', 'sk-demo-key');
      await page.fill('#p-model', 'gpt-4o-mini');
      await page.click('#send');
      await page.waitForFunction(() => document.getElementById('reply-meta').textContent.startsWith('finish'));
      assert.equal(await page.textContent('#reply'), 'Hello, wörld 👋');
      assert.match(await page.textContent('#reply-meta'), /finish: tool_calls; usage: 24 in \/ 17 out/);
      assert.equal(llm.requests[0].headers.authorization, 'Bearer sk-demo-key');
    });
  } finally {
    await llm.close();
  }
});
