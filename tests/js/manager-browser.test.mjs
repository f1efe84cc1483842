// session.send in headless Chromium with the web build and IndexedDB: `open` loads the encoding
// the configured models need, 30 turns in a 4,096-token window against a local OpenAI-compatible
// server (CORS) condense when due, and after a page reload the conversation continues with its
// facts, summary and stats. The API key never reaches IndexedDB.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pkgRoot, get_encoding } from './helpers.mjs';
import { serve, launchChromium } from './static-server.mjs';
import { pageContext, run } from './page-runner.mjs';
import { providerServer } from './provider-servers.mjs';

let site, browser, openai;
before(async () => {
  site = await serve(pkgRoot);
  browser = await launchChromium();
  openai = await providerServer('openai');
});
after(async () => {
  await browser?.close();
  await site?.close();
  await openai?.close();
});

const o200k = get_encoding('o200k_base');
after(() => o200k.free());
const requestTokens = (body) => body.messages.reduce((n, m) => n + 3 + o200k.encode(m.role, [], []).length + o200k.encode(typeof m.content === 'string' ? m.content : '', [], []).length, 3);

/** In a page: the manager of this test, opened over IndexedDB. */
const open = (cw, base, h) => {
  cw.models.register({ id: 'page-small', provider: 'local', tokenizer: { encoding: 'o200k_base', exact: true }, contextWindow: 4096, maxOutputTokens: 512, pricing: { input: 1, output: 2 } });
  return cw.ContextManager.open({
    appName: 'turns-browser',
    providers: { local: { kind: 'openai', baseUrl: base, apiKey: 'sk-browser-secret', retries: 0 } },
    router: { models: { primary: 'page-small' }, useHybrid: false },
    onEvent: (e) => (h.S.events ??= []).push(e.type),
  });
};

test('30 turns over IndexedDB, then a reload: the conversation continues with its facts and stats', async () => {
  const c = await pageContext(browser, site, '/manager-blank');
  try {
    const page = await c.page();
    const first = openai.requests.length;
    const r = await run(page, async (cw, { base, src }, h) => {
      const open = new Function('cw', 'base', 'h', `return (${src})(cw, base, h);`);
      const loadedBefore = cw.loadedEncodings();
      const manager = await open(cw, base, h);
      const session = await manager.session('chat');
      const facts = [
        'I created the file src/billing/invoice.rs for the invoice generator.',
        'We decided to use Postgres 16 for the orders service.',
      ];
      let condensed = 0;
      for (let i = 0; i < 30; i++) {
        const text = facts[i] ?? `Step ${i}: review this handler.\n\`\`\`js\nexport async function handler${i}(req) {\n  const rows = await db.query('select * from items where owner = $1', [req.params.id]);\n  return rows.map((r) => r.name);\n}\n\`\`\`\nLatency is around ${100 + i} ms and the retry loop fires twice. `.repeat(2);
        const t = await session.send(text);
        if (t.contextInfo.condensationApplied) condensed++;
      }
      return { loadedBefore, loadedAfter: cw.loadedEncodings(), condensed, stored: (await session.messages()).length, storage: (await manager.storage()).kind };
    }, { base: openai.base, src: open.toString() });
    assert.deepEqual(r.loadedBefore, [], 'nothing loaded before open');
    assert.deepEqual(r.loadedAfter, ['o200k_base'], 'open loaded what the model counts with');
    assert.equal(r.storage, 'indexeddb');
    assert.equal(r.stored, 60);
    assert.ok(r.condensed > 5, `condensed when due (${r.condensed})`);
    for (const req of openai.requests.slice(first)) {
      assert.ok(requestTokens(req.body) + req.body.max_tokens <= 4096);
      assert.equal(req.headers.authorization, 'Bearer sk-browser-secret');
    }

    // a reload: a new page of the same origin and profile
    await page.close();
    const again = await c.page();
    const before = openai.requests.length;
    const r2 = await run(again, async (cw, { base, src }, h) => {
      const open = new Function('cw', 'base', 'h', `return (${src})(cw, base, h);`);
      const manager = await open(cw, base, h);
      const session = await manager.session('chat');
      const t = await session.send('Which database did we pick?');
      // everything IndexedDB holds for this app, to check no key is in it
      const dump = await new Promise((resolve, reject) => {
        const req = indexedDB.open('contextwise:turns-browser');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const names = [...db.objectStoreNames];
          const tx = db.transaction(names, 'readonly');
          const all = names.map((n) => new Promise((res) => { const g = tx.objectStore(n).getAll(); g.onsuccess = () => res(g.result); }));
          Promise.all(all).then((v) => { db.close(); resolve(JSON.stringify(v)); });
        };
      });
      return {
        seq: t.seq, condensed: t.contextInfo.condensationApplied, stats: (await manager.stats()).turns,
        facts: (await session.facts()).map((f) => f.text), summaries: (await session.summaries()).length,
        keyStored: dump.includes('sk-browser-secret'), events: h.S.events,
      };
    }, { base: openai.base, src: open.toString() });
    assert.deepEqual(r2.seq, [60, 61]);
    assert.equal(r2.condensed, true);
    assert.equal(r2.stats, 31, 'stats survive the reload');
    assert.ok(r2.facts.some((f) => f.includes('Postgres 16')));
    assert.equal(r2.keyStored, false, 'the API key is never in IndexedDB');
    assert.ok(r2.events.includes('condensation.done') && r2.events.includes('route.decided'));
    const body = JSON.stringify(openai.requests.slice(before).at(-1).body);
    assert.ok(body.includes('Postgres 16') && body.includes('src/billing/invoice.rs'), 'the facts reach the model after the reload');
  } finally {
    await c.close();
  }
});

test('in a page, an Anthropic provider of the manager sends the browser-access header', async () => {
  const anthropic = await providerServer('anthropic');
  const c = await pageContext(browser, site, '/manager-blank');
  try {
    const page = await c.page();
    const r = await run(page, async (cw, { base }) => {
      cw.models.register({ id: 'page-claude', provider: 'anthropic', tokenizer: { encoding: 'o200k_base' }, contextWindow: 8192, maxOutputTokens: 512 });
      const manager = await cw.ContextManager.open({
        appName: 'turns-browser-anthropic', store: 'memory',
        providers: { anthropic: { kind: 'anthropic', baseUrl: base, apiKey: 'sk-ant-page' } },
        router: { models: { primary: 'page-claude' }, useHybrid: false },
      });
      const t = await (await manager.session()).send('hello from a page');
      return { role: t.message.role, model: t.model };
    }, { base: anthropic.base });
    assert.deepEqual(r, { role: 'assistant', model: 'page-claude' });
    const req = anthropic.requests.at(-1);
    assert.equal(req.headers['anthropic-dangerous-direct-browser-access'], 'true');
    assert.equal(req.headers['x-api-key'], 'sk-ant-page');
  } finally {
    await c.close();
    await anthropic.close();
  }
});
