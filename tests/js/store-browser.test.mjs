// The IndexedDB store in headless Chromium with the web build (pkgRoot/pkg/web): the Rust store
// contract over IndexedDB, persistence across a reload, all-or-nothing turns, the upgrade of a
// schema 1 database, blocked and foreign upgrades, two tabs appending to one session, and a large
// session and listing. Pages of one test share a browser context (so they share IndexedDB); each
// test uses its own appName and context.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pkgRoot } from './helpers.mjs';
import { serve, launchChromium } from './static-server.mjs';
import { pageContext, run } from './page-runner.mjs';

let site, browser;
before(async () => {
  site = await serve(pkgRoot);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

const context = () => pageContext(browser, site, '/store-blank');

/** In a page: opens a raw IndexedDB connection → the IDBDatabase (upgrade: `fn(db)` in onupgradeneeded). */
const RAW_OPEN = `(name, version, upgrade) => new Promise((resolve, reject) => {
  const req = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
  req.onupgradeneeded = () => upgrade?.(req.result, req.transaction);
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
  req.onblocked = () => { req.wasBlocked = true; };
})`;

// 1. The Rust store contract (src/store/contract.rs) over IndexedDB.
test('store 1: the store contract passes over IndexedDB', { timeout: 60_000 }, async () => {
  const c = await context();
  try {
    const page = await c.page();
    const r = await run(page, async (cw, app, h) => {
      try { return { passed: await cw.__storeContractForTesting('indexeddb', app) }; } catch (e) { return { error: h.describe(e) }; }
    }, 'store-contract');
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.equal(r.passed.length, 8, JSON.stringify(r.passed));
    assert.equal(new Set(r.passed).size, 8);
    assert.ok(r.passed.every((s) => typeof s === 'string' && s.length > 0));
  } finally { await c.close(); }
});

/** In a page: everything stored about the app's sessions, as data. */
const snapshot = async (cw, { app, ids }, h) => {
  const events = [];
  const m = await cw.ContextManager.open({ appName: app, onEvent: (e) => events.push(e) });
  const out = { storage: await m.storage(), events, sessions: (await m.sessions({ limit: 50 })), per: {} };
  for (const id of ids) {
    const s = await m.session(id);
    out.per[id] = {
      messages: await s.messages(), last2: await s.messages({ last: 2 }), facts: await s.facts(),
      summaries: await s.summaries(), usage: await s.usage(), export: await s.export(),
    };
  }
  out.all = await m.export();
  out.calibration = await m.calibration();
  out.memory = await m.relevantMemory('postgres database decision');
  await m.close();
  return h.plain(out);
};

// 2. Written data survives a reload of the page.
test('store 2: sessions, messages, facts, summaries and usage are read back identically after page.reload()', { timeout: 60_000 }, async () => {
  const c = await context();
  const app = 'store-reload';
  try {
    const page = await c.page();
    const written = await run(page, async (cw, app, h) => {
      await cw.loadEncoding('o200k_base');
      const m = await cw.ContextManager.open({ appName: app });
      const alpha = await m.session('alpha', { title: 'Alpha ✓', metadata: { tag: 'x' } });
      const receipts = [];
      receipts.push(await alpha.append({ role: 'system', content: 'You are terse.' }));
      receipts.push(await alpha.append({ role: 'user', content: 'Which database? 数据库 🚀' }));
      await alpha.commitTurn({
        messages: [{ role: 'assistant', content: 'Use Postgres.' }, { role: 'user', content: 'Why?' }, { role: 'assistant', content: 'Transactions.' }],
        usage: [{ model: 'gpt-4o', promptTokens: 42, completionTokens: 7, cost: 0.001, latencyMs: 321 }],
        facts: [{ kind: 'decision', subject: 'database', text: 'The team chose the Postgres database', source: [2] }],
        summary: { from: 0, to: 2, strategy: 'summarize', model: 'gpt-4o-mini', text: 'They picked Postgres for transactions.', tokens: 9 },
        calibration: { 'gpt-4o': 1.05 },
      });
      const beta = await m.session('beta');
      await beta.append({ role: 'user', content: 'Another session' });
      return h.plain({ receipts, storage: await m.storage() });
    }, app);
    assert.equal(written.storage.kind, 'indexeddb');
    assert.equal(written.storage.persistent, true);
    assert.equal(written.storage.schema, 2);
    assert.ok(Object.keys(written.receipts[1].tokens).includes('o200k_base'), 'token counts were stored (sanity)');

    const arg = { app, ids: ['alpha', 'beta'] };
    const first = await run(page, snapshot, arg);
    await page.reload();
    const second = await run(page, snapshot, arg);

    assert.deepEqual(first.storage, { kind: 'indexeddb', persistent: true, detail: `IndexedDB database 'contextwise:${app}'`, schema: 2 });
    assert.deepEqual(second.storage, first.storage);
    assert.equal(second.events.length, 1);
    assert.equal(second.events[0].fallback, false);
    assert.deepEqual(first.sessions.sessions.map((s) => s.id), ['beta', 'alpha'], 'newest first');
    assert.equal(first.sessions.sessions[1].title, 'Alpha ✓');
    const a = first.per.alpha;
    assert.deepEqual(a.messages.map((r) => r.seq), [0, 1, 2, 3, 4]);
    assert.deepEqual(a.messages.map((r) => r.message.content),
      ['You are terse.', 'Which database? 数据库 🚀', 'Use Postgres.', 'Why?', 'Transactions.']);
    assert.deepEqual(a.last2.map((r) => r.seq), [3, 4]);
    assert.equal(a.facts.length, 1);
    assert.equal(a.summaries.length, 1);
    assert.equal(a.usage.length, 1);
    assert.deepEqual(first.calibration, { 'gpt-4o': 1.05 });
    assert.equal(first.memory[0]?.sessionId, 'alpha');

    // identical after the reload: everything read, and the exports (but for `exported`, the time
    // the export was made)
    const noTime = ({ exported, ...rest }) => { assert.equal(typeof exported, 'number'); return rest; };
    for (const id of arg.ids) {
      const [x, y] = [first.per[id], second.per[id]];
      assert.deepEqual(noTime(y.export), noTime(x.export), `${id}: export`);
      assert.ok(y.export.exported >= x.export.exported);
      for (const k of ['messages', 'last2', 'facts', 'summaries', 'usage']) assert.deepEqual(y[k], x[k], `${id}: ${k}`);
      assert.deepEqual(x.export.sessions[0].messages, x.messages);
    }
    assert.deepEqual(second.sessions, first.sessions);
    assert.deepEqual(noTime(second.all), noTime(first.all));
    assert.deepEqual(second.calibration, first.calibration);
    // relevantMemory's scores decay with age (recency), so they may move in the last digits
    const noScore = (hits) => hits.map(({ score, ...rest }) => rest);
    assert.deepEqual(noScore(second.memory), noScore(first.memory));
    first.memory.forEach((x, i) => assert.ok(Math.abs(second.memory[i].score - x.score) <= 1e-3 * x.score, `score ${i}`));
  } finally { await c.close(); }
});

// 3. A turn whose transaction aborts stores nothing; the next turn works.
test('store 3: a turn whose IndexedDB transaction aborts → STORAGE_FAILED and nothing of it stored (also after a reload)', { timeout: 60_000 }, async () => {
  const c = await context();
  const app = 'store-atomic';
  const state = async (cw, app, h) => {
    h.S.m ??= await cw.ContextManager.open({ appName: app });
    const s = await h.S.m.session('turns');
    return h.plain({
      messages: (await s.messages()).map((r) => [r.seq, r.message.role, r.message.content]),
      facts: await s.facts(), summaries: await s.summaries(), usage: await s.usage(),
      calibration: await h.S.m.calibration(), memory: await h.S.m.relevantMemory('kubernetes cluster region'),
      listed: (await h.S.m.sessions()).sessions.map((x) => x.id),
    });
  };
  const turn = {
    messages: [{ role: 'assistant', content: 'The cluster runs in eu-west-1.' }],
    usage: [{ model: 'gpt-4o', promptTokens: 20, completionTokens: 8 }],
    facts: [{ kind: 'constraint', subject: 'cluster', text: 'The kubernetes cluster region is eu-west-1', source: [1] }],
    summary: { from: 0, to: 1, strategy: 'summarize', text: 'The kubernetes cluster region was settled.', tokens: 8 },
    calibration: { 'gpt-4o': 1.1 },
  };
  try {
    const page = await c.page();
    const r = await run(page, async (cw, { app, turn }, h) => {
      h.S.m = await cw.ContextManager.open({ appName: app });
      const s = await h.S.m.session('turns');
      await s.append({ role: 'user', content: 'Where does the cluster run?' });
      cw.__injectStoreFaultForTesting({ abortAfterOps: 2 });
      try { await s.commitTurn(turn); return { resolved: true }; } catch (e) { return { error: h.describe(e), isCw: cw.isContextwiseError(e) }; }
    }, { app, turn });
    assert.equal(r.resolved, undefined, 'commitTurn resolved despite the aborted transaction');
    assert.equal(r.error.name, 'ContextwiseError', JSON.stringify(r.error));
    assert.equal(r.isCw, true);
    assert.equal(r.error.code, 'STORAGE_FAILED', r.error.message);
    assert.match(r.error.message, /not saved/, 'the error names what was not saved');

    const only = [[0, 'user', 'Where does the cluster run?']];
    for (const when of ['same page', 'after a reload']) {
      if (when === 'after a reload') await page.reload();
      const s = await run(page, state, app);
      assert.deepEqual(s.messages, only, when);
      assert.deepEqual(s.facts, [], when);
      assert.deepEqual(s.summaries, [], when);
      assert.deepEqual(s.usage, [], when);
      assert.deepEqual(s.calibration, {}, when);
      assert.deepEqual(s.memory, [], `${when}: the search index holds the fact of the failed turn`);
      assert.deepEqual(s.listed, ['turns'], when);
    }

    // the next turn is stored whole
    const ok = await run(page, async (cw, turn, h) => {
      const s = await h.S.m.session('turns');
      try { return h.plain(await s.commitTurn(turn)); } catch (e) { return { error: h.describe(e) }; }
    }, turn);
    assert.equal(ok.error, undefined, JSON.stringify(ok.error));
    assert.deepEqual(ok.messages.map((m) => m.seq), [1]);
    await page.reload();
    const s = await run(page, state, app);
    assert.deepEqual(s.messages, [...only, [1, 'assistant', 'The cluster runs in eu-west-1.']]);
    assert.deepEqual(s.facts.map((f) => f.text), ['The kubernetes cluster region is eu-west-1']);
    assert.deepEqual(s.summaries.map((x) => x.text), ['The kubernetes cluster region was settled.']);
    assert.deepEqual(s.usage.map((u) => [u.model, u.promptTokens, u.completionTokens]), [['gpt-4o', 20, 8]]);
    assert.deepEqual(s.calibration, { 'gpt-4o': 1.1 });
    assert.ok(s.memory.length >= 1 && s.memory.every((x) => x.sessionId === 'turns'));
  } finally { await c.close(); }
});

// 4. A schema 1 database (IndexedDB version 1) is upgraded in place.
test('store 4: a version 1 database is migrated: listing, messages, facts found by relevantMemory; IDB version 2', { timeout: 60_000 }, async () => {
  const c = await context();
  const app = 'store-migrate';
  try {
    const page = await c.page();
    await run(page, async (cw, { name, RAW_OPEN }) => {
      const rawOpen = eval(RAW_OPEN); // eslint-disable-line no-eval
      const rows = [['!meta', { schema: 1 }]];
      for (let i = 0; i < 3; i++) {
        const id = `old-${i}`;
        rows.push([`s/${id}`, { id, title: `Old ${i}`, created: 1000 + i, updated: 2000 + i, model: null, metadata: null }]);
        for (let seq = 0; seq < 4; seq++) {
          rows.push([`m/${id}/${String(seq).padStart(15, '0')}`, { sessionId: id, seq, message: { role: 'user', content: `${id} says ${seq}` }, created: 1500 }]);
        }
        rows.push([`f/${id}/fact${i}`, { sessionId: id, id: `fact${i}`, kind: 'decision', subject: null, text: `Deploy window ${i} is Friday`, source: [1], supersededBy: null, created: 1800 }]);
      }
      const db = await rawOpen(name, 1, (d) => d.createObjectStore('kv'));
      await new Promise((resolve, reject) => {
        const t = db.transaction('kv', 'readwrite');
        for (const [k, v] of rows) t.objectStore('kv').put(JSON.stringify(v), k);
        t.oncomplete = resolve;
        t.onerror = () => reject(t.error);
      });
      db.close();
    }, { name: `contextwise:${app}`, RAW_OPEN });

    const r = await run(page, async (cw, { app, name, RAW_OPEN }, h) => {
      const rawOpen = eval(RAW_OPEN); // eslint-disable-line no-eval
      const m = await cw.ContextManager.open({ appName: app });
      const out = { storage: await m.storage(), listing: await m.sessions(), messages: {}, facts: {} };
      for (const id of ['old-0', 'old-1', 'old-2']) {
        const s = await m.session(id);
        out.messages[id] = await s.messages();
        out.facts[id] = await s.facts();
      }
      out.hits = await m.relevantMemory('deploy window friday');
      await m.close();
      const db = await rawOpen(name);
      out.version = db.version;
      out.meta = await new Promise((resolve) => { const q = db.transaction('kv').objectStore('kv').get('!meta'); q.onsuccess = () => resolve(q.result); });
      db.close();
      // a second open changes nothing
      const again = await cw.ContextManager.open({ appName: app });
      out.again = await again.sessions();
      out.againHits = await again.relevantMemory('deploy window friday');
      await again.close();
      return h.plain(out);
    }, { app, name: `contextwise:${app}`, RAW_OPEN });

    assert.equal(r.storage.kind, 'indexeddb');
    assert.equal(r.storage.schema, 2);
    assert.deepEqual(r.listing.sessions.map((s) => [s.id, s.title, s.updated]), [['old-2', 'Old 2', 2002], ['old-1', 'Old 1', 2001], ['old-0', 'Old 0', 2000]]);
    assert.equal(r.listing.cursor ?? null, null);
    for (let i = 0; i < 3; i++) {
      const id = `old-${i}`;
      assert.deepEqual(r.messages[id].map((x) => [x.seq, x.message.role, x.message.content, x.created]),
        [0, 1, 2, 3].map((seq) => [seq, 'user', `${id} says ${seq}`, 1500]), id);
      assert.ok(r.messages[id].every((x) => x.tokens === undefined || Object.keys(x.tokens).length === 0), `${id}: v1 messages have no token counts`);
      assert.deepEqual(r.facts[id].map((f) => [f.id, f.text, f.created]), [[`fact${i}`, `Deploy window ${i} is Friday`, 1800]]);
    }
    assert.equal(r.hits.length, 3, JSON.stringify(r.hits));
    assert.deepEqual(r.hits.map((x) => x.sessionId).sort(), ['old-0', 'old-1', 'old-2']);
    assert.ok(r.hits.every((x) => x.kind === 'fact' && /^Deploy window \d is Friday$/.test(x.text)), JSON.stringify(r.hits));
    assert.equal(r.version, 2, 'the raw IndexedDB version after the upgrade');
    assert.deepEqual(JSON.parse(r.meta), { schema: 2 });
    assert.deepEqual(r.again, r.listing);
    assert.deepEqual(r.againHits, r.hits);
  } finally { await c.close(); }
});

// 5a. Another tab holds the database open on an older version and does not let go.
test('store 5a: an upgrade blocked by another tab → STORAGE_BLOCKED after blockedTimeoutMs; succeeds once that tab closes', { timeout: 60_000 }, async () => {
  const c = await context();
  const app = 'store-blocked';
  const name = `contextwise:${app}`;
  try {
    const pageA = await c.page();
    const pageB = await c.page();
    const held = await run(pageA, async (cw, { name, RAW_OPEN }, h) => {
      const db = await eval(RAW_OPEN)(name, 1, (d) => d.createObjectStore('kv')); // eslint-disable-line no-eval
      db.onversionchange = null; // stays open when another tab asks
      h.S.db = db;
      h.S.versionchanges = 0;
      db.addEventListener('versionchange', () => { h.S.versionchanges++; });
      return db.version;
    }, { name, RAW_OPEN });
    assert.equal(held, 1);

    const blocked = await run(pageB, async (cw, app, h) => {
      const t0 = performance.now();
      try {
        await cw.ContextManager.open({ appName: app, store: { kind: 'indexeddb', blockedTimeoutMs: 1500 } });
        return { resolved: true, ms: performance.now() - t0 };
      } catch (e) { return { error: h.describe(e), ms: performance.now() - t0 }; }
    }, app);
    assert.equal(blocked.resolved, undefined, 'ContextManager.open resolved while another tab blocked the upgrade');
    assert.equal(blocked.error.name, 'ContextwiseError', JSON.stringify(blocked.error));
    assert.equal(blocked.error.code, 'STORAGE_BLOCKED', blocked.error.message);
    assert.ok(blocked.ms >= 1000, `settled after ${blocked.ms} ms, before the blocked timeout`);
    assert.ok(blocked.ms < 10_000, `settled after ${blocked.ms} ms`);
    assert.ok(await run(pageA, async (cw, _a, h) => h.S.versionchanges) >= 1, 'page A was asked to close');

    await run(pageA, async (cw, _a, h) => { h.S.db.close(); });
    const opened = await run(pageB, async (cw, app, h) => {
      const events = [];
      try {
        const m = await cw.ContextManager.open({ appName: app, store: { kind: 'indexeddb', blockedTimeoutMs: 1500 }, onEvent: (e) => events.push(e) });
        const s = await m.session('after');
        await s.append({ role: 'user', content: 'unblocked' });
        const out = { storage: await m.storage(), events, messages: (await s.messages()).map((x) => x.message.content) };
        await m.close();
        return h.plain(out);
      } catch (e) { return { error: h.describe(e) }; }
    }, app);
    assert.equal(opened.error, undefined, JSON.stringify(opened.error));
    assert.equal(opened.storage.kind, 'indexeddb');
    assert.equal(opened.storage.schema, 2);
    assert.equal(opened.events[0].fallback, false);
    assert.deepEqual(opened.messages, ['unblocked']);
    const version = await run(pageA, async (cw, { name, RAW_OPEN }) => {
      const db = await eval(RAW_OPEN)(name); // eslint-disable-line no-eval
      const v = db.version;
      db.close();
      return v;
    }, { name, RAW_OPEN });
    assert.equal(version, 2);
  } finally { await c.close(); }
});

// 5b. A newer version in another tab: contextwise's connection steps aside and says why.
test('store 5b: a contextwise tab closes its connection for a higher version elsewhere; its next call → STORAGE_VERSION', { timeout: 60_000 }, async () => {
  const c = await context();
  const app = 'store-newer';
  const name = `contextwise:${app}`;
  try {
    const pageA = await c.page();
    const pageB = await c.page();
    const a = await run(pageA, async (cw, app, h) => {
      h.S.m = await cw.ContextManager.open({ appName: app });
      h.S.s = await h.S.m.session('one');
      return (await h.S.s.append({ role: 'user', content: 'before' })).seq;
    }, app);
    assert.equal(a, 0);

    const upgrade = await run(pageB, async (cw, { name, RAW_OPEN }) => {
      let blocked = false;
      const req = indexedDB.open(name, 3);
      req.onblocked = () => { blocked = true; };
      const how = await Promise.race([
        new Promise((resolve) => { req.onsuccess = () => resolve('success'); req.onerror = () => resolve(`error: ${req.error?.name}`); }),
        new Promise((resolve) => setTimeout(() => resolve('no answer within 8 s'), 8000)),
      ]);
      const out = { how, blocked };
      if (how === 'success') {
        out.version = req.result.version;
        out.stores = [...req.result.objectStoreNames];
        req.result.close();
      }
      return out;
    }, { name, RAW_OPEN });
    assert.equal(upgrade.how, 'success', JSON.stringify(upgrade));
    assert.equal(upgrade.blocked, false, 'the upgrade to version 3 was blocked by the contextwise tab');
    assert.equal(upgrade.version, 3);
    assert.deepEqual(upgrade.stores, ['kv']);

    const next = await run(pageA, async (cw, app, h) => {
      const out = {};
      for (const [what, f] of [['append', () => h.S.s.append({ role: 'user', content: 'after' })], ['messages', () => h.S.s.messages()], ['sessions', () => h.S.m.sessions()]]) {
        try { await f(); out[what] = { resolved: true }; } catch (e) { out[what] = h.describe(e); }
      }
      // a new manager in this (old) tab is refused too
      try { await cw.ContextManager.open({ appName: app }); out.reopen = { resolved: true }; } catch (e) { out.reopen = h.describe(e); }
      return out;
    }, app);
    for (const what of ['append', 'messages', 'sessions', 'reopen']) {
      assert.equal(next[what].name, 'ContextwiseError', `${what}: ${JSON.stringify(next[what])}`);
      assert.equal(next[what].code, 'STORAGE_VERSION', `${what}: ${next[what].message}`);
    }
  } finally { await c.close(); }
});

// 6. Two tabs append to one session at the same time.
test('store 6: two pages append 50 messages each to one session concurrently → 100 messages, seqs 0..99, each page in order', { timeout: 60_000 }, async () => {
  const c = await context();
  const app = 'store-concurrent';
  try {
    const pages = [await c.page(), await c.page()];
    await Promise.all(pages.map((p) => run(p, async (cw, app, h) => {
      h.S.m = await cw.ContextManager.open({ appName: app });
      h.S.s = await h.S.m.session('shared');
    }, app)));
    const startAt = Date.now() + 500; // both loops start together
    const loop = async (cw, { who, startAt }, h) => {
      await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
      const out = [];
      try {
        for (let i = 0; i < 50; i++) {
          const r = await h.S.s.append({ role: 'user', content: `${who} ${i}` });
          out.push([r.seq, r.message.content]);
        }
      } catch (e) { return { error: h.describe(e), out }; }
      return { out };
    };
    const [ra, rb] = await Promise.all([run(pages[0], loop, { who: 'A', startAt }), run(pages[1], loop, { who: 'B', startAt })]);
    assert.equal(ra.error, undefined, JSON.stringify(ra.error));
    assert.equal(rb.error, undefined, JSON.stringify(rb.error));

    const stored = await run(pages[1], async (cw, _a, h) => (await h.S.s.messages()).map((r) => [r.seq, r.message.content]));
    assert.equal(stored.length, 100);
    assert.deepEqual(stored.map(([seq]) => seq), [...Array(100).keys()]);
    const contents = stored.map(([, t]) => t);
    assert.equal(new Set(contents).size, 100, 'a message is stored twice');
    for (const who of ['A', 'B']) {
      assert.deepEqual(contents.filter((t) => t.startsWith(`${who} `)), [...Array(50).keys()].map((i) => `${who} ${i}`), `${who}'s messages in its order`);
    }
    // the receipts name the stored seqs
    const bySeq = new Map(stored);
    for (const [seq, t] of [...ra.out, ...rb.out]) assert.equal(bySeq.get(seq), t, `receipt seq ${seq}`);
    // and a fresh reader (another page) sees the same
    const third = await c.page();
    const again = await run(third, async (cw, app) => {
      const m = await cw.ContextManager.open({ appName: app });
      const s = await m.session('shared');
      const out = (await s.messages()).map((r) => [r.seq, r.message.content]);
      await m.close();
      return out;
    }, app);
    assert.deepEqual(again, stored);
  } finally { await c.close(); }
});

// 7a. A long session.
test('store 7a: a 10,000-message session: last 50, and paging by 1,000 visits all in order', { timeout: 120_000 }, async () => {
  const c = await context();
  try {
    const page = await c.page();
    const r = await run(page, async (cw, app, h) => {
      const m = await cw.ContextManager.open({ appName: app });
      const s = await m.session('long');
      const out = { receipts: [] };
      try {
        for (let b = 0; b < 20; b++) {
          const messages = Array.from({ length: 500 }, (_, i) => ({ role: (b * 500 + i) % 2 ? 'assistant' : 'user', content: `message ${b * 500 + i}` }));
          const rec = await s.commitTurn({ messages });
          out.receipts.push([rec.messages[0].seq, rec.messages.at(-1).seq, rec.messages.length]);
        }
        out.last = (await s.messages({ last: 50 })).map((x) => [x.seq, x.message.content]);
        const pages = [];
        const seqs = [];
        let bad = 0;
        let after;
        for (;;) {
          const page = await s.messages(after === undefined ? { limit: 1000 } : { after, limit: 1000 });
          if (page.length === 0) break;
          pages.push(page.length);
          for (const x of page) { if (x.message.content !== `message ${x.seq}`) bad++; seqs.push(x.seq); }
          after = page.at(-1).seq;
          if (pages.length > 20) break;
        }
        out.pages = pages;
        out.inOrder = seqs.length === 10_000 && seqs.every((q, i) => q === i);
        out.count = seqs.length;
        out.bad = bad;
      } catch (e) { out.error = h.describe(e); }
      await m.close();
      return out;
    }, 'store-long');
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.deepEqual(r.receipts, Array.from({ length: 20 }, (_, b) => [b * 500, b * 500 + 499, 500]));
    assert.deepEqual(r.last, Array.from({ length: 50 }, (_, i) => [9950 + i, `message ${9950 + i}`]));
    assert.deepEqual(r.pages, Array(10).fill(1000));
    assert.equal(r.count, 10_000);
    assert.ok(r.inOrder, 'paging visited the seqs 0..9999 in order');
    assert.equal(r.bad, 0);
  } finally { await c.close(); }
});

// 7b. Many sessions.
test('store 7b: 1,000 sessions listed in pages of 100 by cursor: each once, newest first', { timeout: 120_000 }, async () => {
  const c = await context();
  try {
    const page = await c.page();
    const r = await run(page, async (cw, app, h) => {
      const m = await cw.ContextManager.open({ appName: app });
      const out = { pages: [] };
      try {
        for (let i = 0; i < 1000; i++) await m.session(`s-${String(i).padStart(4, '0')}`);
        let cursor;
        for (;;) {
          const l = await m.sessions(cursor === undefined ? { limit: 100 } : { limit: 100, cursor });
          out.pages.push(l.sessions.map((s) => [s.id, s.updated]));
          cursor = l.cursor;
          if (cursor === undefined || cursor === null || out.pages.length > 12) break;
        }
        out.lastCursor = cursor ?? null;
      } catch (e) { out.error = h.describe(e); }
      await m.close();
      return out;
    }, 'store-many');
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.equal(r.lastCursor, null);
    const sizes = r.pages.map((p) => p.length);
    assert.ok(sizes.length === 10 || (sizes.length === 11 && sizes[10] === 0), `page sizes ${sizes}`);
    assert.ok(sizes.slice(0, 10).every((n) => n === 100), `page sizes ${sizes}`);
    const all = r.pages.flat();
    const ids = all.map(([id]) => id);
    assert.equal(new Set(ids).size, 1000, 'a session was listed twice');
    assert.deepEqual(ids, Array.from({ length: 1000 }, (_, i) => `s-${String(999 - i).padStart(4, '0')}`), 'newest first');
    assert.ok(all.every(([, u], i) => i === 0 || u < all[i - 1][1]), 'updated strictly decreasing');
  } finally { await c.close(); }
});
