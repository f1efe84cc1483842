// The demo chat app in headless Chromium against the real llama.cpp server (SmolLM2-135M, a
// 4,096-token window; scripts/test-e2e.sh starts it), set up the way a person would in Settings:
// the long sample conversation continues through the real model, condensed to fit. The model is
// tiny, so only shape is asserted: a reply streams in, the turn line says what was done.
import test from 'node:test';
import assert from 'node:assert/strict';
import { root } from '../js/helpers.mjs';
import { serve, launchChromium } from '../js/static-server.mjs';

const base = process.env.LLM_BASE; // http://127.0.0.1:<port>/v1

test('the demo continues its long sample conversation through llama.cpp', { timeout: 600_000 }, async () => {
  const site = await serve(root);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${site.url}/www/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Provider', { exact: true }).selectOption('compatible');
    await page.getByLabel('Base URL', { exact: true }).fill(base);
    await page.getByLabel('Model', { exact: true }).fill('smollm2-135m-instruct');
    await page.getByLabel(/Context window of models/).fill('4096');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.waitForFunction(() => /Connected/.test(document.getElementById('test-result').textContent), null, { timeout: 120000 });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForFunction(() => document.getElementById('provider-badge').textContent.includes('smollm2'));
    await page.getByRole('textbox', { name: 'Message' }).fill('In one sentence: what did we decide about GPL-3 dependencies?');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await page.waitForSelector('.content.streaming', { timeout: 60000 });
    await page.waitForFunction(() => !document.querySelector('.content.streaming') && !document.getElementById('send').disabled, null, { timeout: 300000 });
    assert.equal(await page.textContent('#notice'), '', 'no error');
    const last = page.locator('#messages li.assistant').last();
    assert.ok((await last.locator('.content').textContent()).trim().length > 0, 'a reply');
    assert.match(await last.locator('.turn-info summary').textContent(), /^smollm2-135m-instruct · OVERFLOW \d+% · condensed [\d,]+ → [\d,]+ \(\w+\) · .*\d+ in \/ \d+ out/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await site.close();
  }
});
