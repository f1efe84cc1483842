// The demo chat app (www/) in headless Chromium, used the way a person would: through its
// buttons and fields, found by their accessible names. A local OpenAI-compatible server stands in
// for the provider. Screenshots (390 px and 1440 px, light and dark) go to test-output/demo/.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './helpers.mjs';
import { serve, launchChromium } from './static-server.mjs';
import { chatServer } from './demo-server.mjs';

const KEY = 'sk-demo-secret-4242';
const SHOTS = path.join(root, 'test-output', 'demo');
let site, browser, llm;
before(async () => {
  site = await serve(root);
  browser = await launchChromium();
  llm = await chatServer({ key: KEY });
  fs.mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await site?.close();
  await llm?.close();
});

/** A fresh browser profile (its own IndexedDB and storage) with the demo open. */
async function openDemo(viewport = { width: 1440, height: 900 }) {
  const ctx = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => d.accept());
  await page.goto(`${site.url}/www/`);
  await ready(page);
  return { ctx, page, errors };
}

async function ready(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  await page.waitForFunction(() => document.querySelector('#meter')?.textContent.length > 0, null, { timeout: 30000 });
}

/** Opens Settings and connects the local server as an OpenAI-compatible provider. */
async function configure(page, { key = KEY, save = true, remember = false } = {}) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Provider', { exact: true }).selectOption('compatible');
  await page.getByLabel('Base URL', { exact: true }).fill(llm.base);
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByLabel('Model', { exact: true }).fill('demo-model');
  if (remember) await page.getByLabel(/sessionStorage/).check();
  if (save) {
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForFunction(() => document.getElementById('provider-badge').textContent.includes('demo-model'));
  }
}

/** Starts a new chat and waits until it is the open one. */
async function newChat(page) {
  await page.getByRole('button', { name: 'New chat' }).click();
  await page.waitForFunction(() => document.getElementById('title').textContent === 'New chat' && document.querySelector('#messages .empty'));
}

const rows = (page) => page.$$eval('#messages > li.msg', (ls) => ls.map((l) => ({ role: l.dataset.role, seq: l.dataset.seq, text: l.querySelector('.content')?.textContent ?? l.textContent })));

/** Types `text`, presses Enter, sees the reply grow while it streams, and waits for the stored turn. */
async function sendAndWatch(page, text) {
  const before = (await rows(page)).length;
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  // streaming: part of the reply is on the page before the turn is stored
  await page.waitForFunction(() => {
    const s = document.querySelector('.content.streaming');
    return s && s.textContent.length > 0;
  }, null, { timeout: 20000 });
  const partial = await page.textContent('.content.streaming');
  await page.waitForFunction((n) => !document.querySelector('.content.streaming') && document.querySelectorAll('#messages > li.msg').length >= n + 2, before, { timeout: 20000 });
  const all = await rows(page);
  const reply = all.at(-1);
  assert.equal(reply.role, 'assistant');
  assert.ok(reply.text.length > partial.length, `the reply grew while streaming (${partial.length} → ${reply.text.length} characters)`);
  return reply;
}

/** Everything this origin keeps in IndexedDB, localStorage and sessionStorage, as text. */
const storedEverywhere = (page) => page.evaluate(async () => {
  const dump = [];
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((r, j) => { const q = indexedDB.open(info.name); q.onsuccess = () => r(q.result); q.onerror = () => j(q.error); });
    for (const name of db.objectStoreNames) {
      const all = await new Promise((r) => { const q = db.transaction(name).objectStore(name).getAll(); q.onsuccess = () => r(q.result); });
      dump.push(JSON.stringify(all));
    }
    db.close();
  }
  return { idb: dump.join('\n'), local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) };
});

test('with a provider: three streamed turns, a reload, a second chat, export and import, delete; the key is never stored', async () => {
  const { ctx, page, errors } = await openDemo();
  try {
    // Test connection shows the provider's own error text, then succeeds with the right key
    await configure(page, { key: 'sk-wrong', save: false });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.waitForFunction(() => /Incorrect API key/.test(document.getElementById('test-result').textContent));
    assert.match(await page.textContent('#test-result'), /PROVIDER_HTTP \(HTTP 401\).*Incorrect API key provided/);
    await page.getByLabel('API key', { exact: true }).fill(KEY);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.waitForFunction(() => /Connected/.test(document.getElementById('test-result').textContent));
    await page.getByRole('button', { name: 'Save' }).click();
    await newChat(page);

    const sent = llm.requests.length;
    for (const text of ['Plan a small Rust CLI called wcx', 'Add a --json flag', 'Write the README']) {
      const reply = await sendAndWatch(page, text);
      assert.match(reply.text, new RegExp(`you said ${text.slice(0, 10)}`));
    }
    assert.equal(llm.requests.length - sent, 3);
    assert.equal(llm.requests.at(-1).body.messages.filter((m) => m.role === 'user').length, 3, 'the third request carries the conversation');
    // Markdown rendered as elements made here (a list and a code block), and a turn line under each reply
    assert.equal(await page.locator('#messages li.assistant ul li').count(), 6);
    assert.equal(await page.locator('#messages li.assistant pre code').count(), 3);
    assert.match(await page.locator('.turn-info summary').last().textContent(), /demo-model · SAFE .* · not condensed · 2\d in \/ 12 out/);
    assert.equal(await page.title(), 'Plan a small Rust CLI called wcx — contextwise chat');

    // the key: in memory only — not in IndexedDB, localStorage, sessionStorage or the URL
    let stored = await storedEverywhere(page);
    assert.ok(stored.idb.includes('Write the README'), 'the conversation is in IndexedDB');
    for (const [where, text] of Object.entries(stored)) assert.ok(!text.includes(KEY), `the key is not in ${where}`);
    assert.ok(!page.url().includes(KEY));

    // reload: the same conversation, as it was (messages and turn lines)
    const beforeReload = await rows(page);
    const lines = await page.locator('.turn-info summary').allTextContents();
    await page.reload();
    await ready(page);
    assert.deepEqual(await rows(page), beforeReload);
    assert.deepEqual(await page.locator('.turn-info summary').allTextContents(), lines);
    await configure(page); // the key was in memory only: enter it again

    // a second chat, and switching between the two
    await newChat(page);
    await sendAndWatch(page, 'Another topic: sourdough');
    const nav = page.getByRole('navigation', { name: 'Conversations' });
    assert.deepEqual((await nav.locator('.session-title').allTextContents()).slice(0, 2), ['Another topic: sourdough', 'Plan a small Rust CLI called wcx']);
    await nav.getByRole('button', { name: /^Plan a small Rust CLI/ }).click();
    await page.waitForFunction(() => document.getElementById('title').textContent.startsWith('Plan a small'));
    assert.deepEqual(await rows(page), beforeReload);
    await nav.getByRole('button', { name: /^Another topic/ }).click();
    await page.waitForFunction(() => document.getElementById('title').textContent.startsWith('Another topic'));
    assert.equal((await rows(page)).length, 2);

    // export, delete both, import: both back with their messages
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    const file = path.join(SHOTS, 'export.json');
    await download.saveAs(file);
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(exported.sessions.length, 3, 'the two chats and the sample of the first visit');
    assert.ok(!fs.readFileSync(file, 'utf8').includes(KEY), 'the key is not in the export');
    await nav.getByRole('button', { name: /Delete Another topic/ }).click();
    await page.waitForFunction(() => ![...document.querySelectorAll('.session-title')].some((t) => t.textContent.startsWith('Another topic')));
    await nav.getByRole('button', { name: /Delete Plan a small/ }).click();
    await page.waitForFunction(() => ![...document.querySelectorAll('.session-title')].some((t) => t.textContent.startsWith('Plan a small')));
    await page.setInputFiles('#import-file', file);
    await page.waitForFunction(() => /Imported 2 conversation/.test(document.getElementById('notice').textContent));
    await nav.getByRole('button', { name: /^Plan a small Rust CLI/ }).click();
    await page.waitForFunction(() => document.getElementById('title').textContent.startsWith('Plan a small'));
    assert.deepEqual((await rows(page)).map((r) => r.text), beforeReload.map((r) => r.text));

    // rename
    await nav.getByRole('button', { name: 'Rename Plan a small Rust CLI called wcx' }).click();
    await nav.getByRole('textbox', { name: 'Conversation title' }).fill('wcx: the word counter');
    await nav.getByRole('textbox', { name: 'Conversation title' }).press('Enter');
    await page.waitForFunction(() => document.getElementById('title').textContent === 'wcx: the word counter');
    assert.ok((await nav.locator('.session-title').allTextContents()).includes('wcx: the word counter'));

    // usage: a line per model in the chart, and the stats table
    await page.getByRole('button', { name: 'Usage' }).click();
    await page.waitForFunction(() => document.querySelector('#chart svg path') && document.getElementById('stats').textContent.includes('demo-model'));
    assert.match(await page.textContent('#chart svg'), /demo-model: /);
    assert.match(await page.textContent('#stats'), /turns 4 \(0 failed\)/);
    await page.getByRole('button', { name: 'Close usage' }).click();

    // search across sessions (titles, and the facts and summaries the store keeps)
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('sourdough');
    await page.waitForFunction(() => !document.getElementById('search-results').hidden);
    assert.match(await page.textContent('#search-results'), /Another topic: sourdough/);

    stored = await storedEverywhere(page);
    for (const [where, text] of Object.entries(stored)) assert.ok(!text.includes(KEY), `the key is not in ${where} at the end`);

    // asked to, the key is kept in this tab's sessionStorage (only there) and survives a reload
    await configure(page, { remember: true });
    stored = await storedEverywhere(page);
    assert.ok(stored.session.includes(KEY));
    assert.ok(!stored.idb.includes(KEY) && !stored.local.includes(KEY));
    await page.reload();
    await ready(page);
    await newChat(page);
    await sendAndWatch(page, 'Still connected after a reload?');
    assert.ok(!page.url().includes(KEY));
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('stop, regenerate, edit-and-resend, copy; HTML in a reply is text and runs nothing', async () => {
  const { ctx, page, errors } = await openDemo();
  try {
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write']);
    await configure(page);
    await newChat(page);

    // Shift+Enter adds a line, Enter sends
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('first line');
    await box.press('Shift+Enter');
    await box.pressSequentially('second line');
    assert.equal(await box.inputValue(), 'first line\nsecond line');
    assert.equal((await rows(page)).length, 0, 'nothing sent yet');
    await box.fill('');

    // a reply with HTML in it is shown as text
    llm.replies.push('Look: <img src=x onerror="window.__xss=1"> and <script>window.__xss=2</script> <b>bold?</b> [x](javascript:window.__xss=3)');
    const reply = await sendAndWatch(page, 'Show me some HTML');
    assert.match(reply.text, /<img src=x onerror="window.__xss=1">/);
    assert.match(reply.text, /<script>window.__xss=2<\/script>/);
    assert.equal(await page.locator('#messages img, #messages script, #messages b, #messages a').count(), 0, 'no element came from the reply');
    await page.locator('#messages li.assistant').last().getByRole('button', { name: 'Copy message 1' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'Look: <img src=x onerror="window.__xss=1"> and <script>window.__xss=2</script> <b>bold?</b> [x](javascript:window.__xss=3)');
    assert.equal(await page.evaluate(() => window.__xss), undefined);

    // regenerate replaces the last reply
    llm.replies.push('A second answer.');
    await page.getByRole('button', { name: 'Regenerate' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('#messages li.assistant .content')].at(-1)?.textContent.includes('A second answer.'));
    assert.equal((await rows(page)).length, 2);

    // Stop while streaming: the part that arrived is kept, the composer is free again
    llm.replies.push(Array.from({ length: 200 }, (_, i) => `word${i}`).join(' '));
    await page.getByRole('textbox', { name: 'Message' }).fill('Say many words');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForFunction(() => document.querySelector('.content.streaming')?.textContent.includes('word3'));
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.waitForFunction(() => !document.querySelector('.content.streaming') && !document.getElementById('send').disabled);
    const stopped = (await rows(page)).at(-1);
    assert.equal(stopped.role, 'assistant');
    assert.match(stopped.text, /^word0 word1 word2 word3/);
    assert.ok(!stopped.text.includes('word199'), 'stopped before the end');

    // edit-and-resend: a new branch with the messages before the edited one
    const seqOfSecondQuestion = (await rows(page)).find((r) => r.text === 'Say many words').seq;
    await page.getByRole('button', { name: `Edit message ${seqOfSecondQuestion}` }).click();
    await page.getByRole('textbox', { name: 'Edit message' }).fill('Say three words');
    llm.replies.push('One two three.');
    await page.getByRole('button', { name: 'Send as a new branch' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('#messages li.assistant .content')].at(-1)?.textContent.includes('One two three.'));
    const branch = await rows(page);
    assert.deepEqual(branch.map((r) => r.text.trim()), [
      'Show me some HTML',
      'A second answer.',
      'Say three words',
      'One two three.',
    ]);
    assert.match(await page.textContent('#title'), /\(edited\)$/);
    const titles = await page.getByRole('navigation', { name: 'Conversations' }).locator('.session-title').allTextContents();
    assert.deepEqual(titles.filter((t) => t.startsWith('Show me some HTML')), ['Show me some HTML (edited)', 'Show me some HTML'], 'the original stays');
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('no provider: the sample conversation, local condensation, the inspector, usage; screenshots at 390 and 1440 px, light and dark', async () => {
  const { ctx, page, errors } = await openDemo();
  try {
    assert.match(await page.textContent('#title'), /^Sample: a long conversation \(401 messages\)/);
    assert.equal((await rows(page)).length, 401);
    assert.match(await page.textContent('#notice'), /No provider is set/);
    await page.getByRole('textbox', { name: 'Message' }).fill('Which file did I create for the licence check?');
    await page.waitForFunction(() => /tokens in this message/.test(document.getElementById('meter').textContent) && !/^0 tokens/.test(document.getElementById('meter').textContent));
    assert.match(await page.textContent('#meter'), /^10 tokens in this message · conversation [\d,]+ of 12,000 usable \(\d+%\) OVERFLOW → \S+, condensed before sending/);
    assert.equal(await page.locator('[role="meter"][aria-label="Context risk"]').count(), 1);
    await page.getByRole('button', { name: 'Send' }).click();
    const note = page.locator('li.note').last();
    await note.waitFor();
    assert.match(await note.textContent(), /No provider is set, so nothing was sent/);
    assert.match(await note.locator('summary').textContent(), /OVERFLOW \d+% · condensed [\d,]+ → [\d,]+ \(extractive\)/);

    // the inspector: the parts of the next context with their tokens, the plan, the facts with links
    await page.getByRole('button', { name: 'Context' }).click();
    const inspector = page.getByRole('complementary', { name: 'Context inspector' });
    await inspector.locator('.part').first().waitFor();
    const parts = await inspector.locator('.part > summary').allTextContents();
    assert.ok(parts.some((p) => /^Facts ledger · 1 message\(s\) · [\d,]+ tokens$/.test(p)), parts.join(' | '));
    assert.ok(parts.some((p) => /^Conversation · \d+ message\(s\) · [\d,]+ tokens$/.test(p)), parts.join(' | '));
    assert.match(await inspector.locator('.plan > summary').textContent(), /Dry-run plan \(extractive\)/);
    assert.ok(await inspector.locator('.facts li').count() > 3);
    const link = inspector.locator('.facts li button').first();
    const seq = (await link.textContent()).slice(1);
    await link.click();
    await page.waitForSelector(`#messages li.flash[data-seq="${seq}"]`);
    await page.getByRole('button', { name: 'Condense now' }).click();
    await page.waitForFunction(() => /Condensed for .*: [\d,]+ → [\d,]+ tokens with extractive/.test(document.getElementById('notice').textContent));

    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(SHOTS, `no-provider-1440-${scheme}.png`) });
    }
    await page.getByRole('button', { name: 'Usage' }).click();
    await page.locator('#stats').waitFor();
    await page.waitForFunction(() => document.getElementById('stats').textContent.length > 0);
    assert.equal(await page.locator('#chart svg').count(), 1);
    assert.ok(await page.getByRole('complementary', { name: 'Context inspector' }).isHidden(), 'one panel at a time');
    assert.match(await page.textContent('#stats'), /condensations \d+ \(tokens saved [\d,]+; extractive \d+/);
    assert.ok(!(await page.textContent('#stats')).includes('$-'), 'no negative zero');
    await page.getByRole('button', { name: 'Close usage' }).click();
    await page.setViewportSize({ width: 390, height: 844 });
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(SHOTS, `no-provider-390-${scheme}.png`) });
      // narrow: the conversations, the inspector and the settings open over the chat
      await page.getByRole('button', { name: 'Conversations', exact: true }).click();
      await page.screenshot({ path: path.join(SHOTS, `sidebar-390-${scheme}.png`) });
      await page.getByRole('button', { name: 'Close conversations' }).click();
      await page.getByRole('button', { name: 'Context' }).click();
      await page.screenshot({ path: path.join(SHOTS, `inspector-390-${scheme}.png`) });
      await page.getByRole('button', { name: 'Close the context inspector' }).click();
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.screenshot({ path: path.join(SHOTS, `settings-390-${scheme}.png`) });
      await page.getByRole('button', { name: 'Cancel' }).click();
    }
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('every control has an accessible name; the chat at 1440 px with a provider, light and dark', async () => {
  const { ctx, page, errors } = await openDemo();
  try {
    await configure(page);
    await newChat(page);
    llm.replies.push('Here is a plan:\n\n1. Parse the arguments\n2. Count **words**\n\n```rust\nfn main() {\n    println!("{}", 42);\n}\n```');
    await sendAndWatch(page, 'How should I start?');
    for (const [role, name] of [['textbox', 'Message'], ['button', 'Send'], ['button', 'New chat'], ['button', 'Settings'], ['navigation', 'Conversations'], ['searchbox', 'Search conversations']]) {
      assert.equal(await page.getByRole(role, { name, exact: true }).count(), 1, `${role} “${name}”`);
    }
    await page.getByRole('button', { name: 'Settings' }).click();
    for (const name of ['Provider', 'Base URL', 'API key', 'Model']) assert.equal(await page.getByLabel(name, { exact: true }).count(), 1, name);
    assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 1);
    await page.getByRole('button', { name: 'Cancel' }).click();
    // no control without a name
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, input:not([type=hidden]):not([hidden]), select, textarea')]
      .filter((e) => !e.closest('[hidden]') && !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim() || e.title))
      .map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(SHOTS, `chat-1440-${scheme}.png`) });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: path.join(SHOTS, `chat-390-${scheme}.png`) });
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
