// The store benchmark (part of `npm run bench`): for each store — memory, SQLite, Postgres in
// Node; IndexedDB in headless Chromium — append one turn, load the last 50 messages of a
// 10,000-message session, list 10,000 sessions, and search 10,000 sessions with relevantMemory.
// Beside each, the same database's own cost for the nearest raw operation (one put of the
// turn's JSON), so the ratio shows what contextwise adds. Measurements, never asserted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The measurement, as a function that runs in Node and in a page (it is passed to the page as
 * source): `cw` is the package, `store` a store option, `texts` sentences for facts.
 */
export async function measure(cw, store, texts, appName) {
  const now = Date.now();
  const med = async (n, f) => {
    const xs = [];
    for (let i = 0; i < n; i++) { const t = performance.now(); await f(i); xs.push(performance.now() - t); }
    return xs.sort((a, b) => a - b)[Math.floor(n / 2)];
  };
  const manager = await cw.ContextManager.open({ appName, store });
  // 10,000 sessions of two messages and one fact each, and one session of 10,000 messages, imported
  const sessions = [];
  for (let i = 0; i < 10000; i++) {
    const id = `s${i}`, t = now - (10000 - i) * 60000;
    sessions.push({
      session: { id, title: `Session ${i}`, created: t, updated: t, model: null, metadata: null },
      messages: [0, 1].map((seq) => ({ sessionId: id, seq, message: { role: seq ? 'assistant' : 'user', content: texts[(i * 2 + seq) % texts.length] }, tokens: {}, created: t })),
      summaries: [], usage: [],
      facts: [{ sessionId: id, id: `f${i}`, kind: 'decision', subject: null, text: texts[(i * 7) % texts.length], source: [0], supersededBy: null, created: t }],
    });
  }
  const big = { session: { id: 'big', title: 'Long', created: now, updated: now, model: null, metadata: null }, summaries: [], facts: [], usage: [],
    messages: Array.from({ length: 10000 }, (_, seq) => ({ sessionId: 'big', seq, message: { role: seq % 2 ? 'assistant' : 'user', content: texts[seq % texts.length] }, tokens: {}, created: now })) };
  const session = await manager.session('turns');
  const turn = (i) => session.commitTurn({
    messages: [{ role: 'user', content: texts[i % texts.length] }, { role: 'assistant', content: texts[(i + 1) % texts.length] }],
    usage: [{ model: 'gpt-4o', promptTokens: 120, completionTokens: 40, cost: 0.0007, latencyMs: 900 }],
    facts: [{ kind: 'decision', text: texts[(i + 2) % texts.length], source: [i * 2] }],
  });
  await turn(0);
  const freshTurnMs = await med(30, (i) => turn(i + 1));
  const t0 = performance.now();
  await manager.import({ format: 'contextwise.export', version: 1, exported: now, sessions: [...sessions, big] });
  const importMs = performance.now() - t0;
  const turnMs = await med(30, (i) => turn(i + 100));
  const appendMs = await med(30, (i) => session.append({ role: 'user', content: texts[i % texts.length] }));
  const big50 = await manager.session('big');
  const lastMs = await med(20, () => big50.messages({ last: 50 }));
  const firstPageMs = await med(10, () => manager.sessions({ limit: 50 }));
  const t1 = performance.now();
  let cursor = null, listed = 0;
  do { const p = await manager.sessions({ limit: 500, cursor }); listed += p.sessions.length; cursor = p.cursor; } while (cursor);
  const listAllMs = performance.now() - t1;
  // questions made of words the stored facts use (three longer words of a fact each)
  const queries = [11, 222, 3333, 4444, 555].map((i) => texts[(i * 7) % texts.length].split(/\W+/).filter((w) => w.length > 5).slice(0, 3).join(' '));
  let hits = 0;
  const searchMs = await med(15, async (i) => { hits += (await manager.relevantMemory(queries[i % queries.length], { limit: 10 })).length; });
  const where = await manager.storage();
  await manager.close();
  return { kind: where.kind, importMs, freshTurnMs, turnMs, appendMs, lastMs, firstPageMs, listAllMs, listed, searchMs, hits: hits / 15 };
}

/** Sentences of the corpus's prose, for facts and messages. */
export function sentences(root) {
  const prose = fs.readFileSync(path.join(root, 'tests/fixtures/corpus/prose.txt'), 'utf8');
  return prose.split(/(?<=[.!?])\s+/).filter((s) => s.length > 40 && s.length < 300).slice(0, 5000);
}

/** Raw put of one turn's JSON (the database's own floor for a write). */
async function rawFloor(kind, ctx) {
  const value = JSON.stringify({ role: 'assistant', content: 'x'.repeat(300) });
  const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const xs = [];
  if (kind === 'sqlite') {
    const D = ctx.require('better-sqlite3');
    const db = new D(path.join(ctx.dir, 'raw.sqlite'));
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID');
    const st = db.prepare('INSERT INTO kv VALUES (?, ?)');
    for (let i = 0; i < 30; i++) { const t = performance.now(); st.run(`k${i}`, value); xs.push(performance.now() - t); }
    db.close();
  } else if (kind === 'postgres') {
    const { Client } = ctx.require('pg');
    const c = new Client({ connectionString: ctx.pgUrl });
    await c.connect();
    await c.query('CREATE TABLE IF NOT EXISTS raw_kv (k TEXT PRIMARY KEY, v TEXT)');
    for (let i = 0; i < 30; i++) { const t = performance.now(); await c.query('INSERT INTO raw_kv VALUES ($1, $2)', [`k${i}`, value]); xs.push(performance.now() - t); }
    await c.end();
  }
  return xs.length ? med(xs) : undefined;
}

const fmt = (x) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(0));

/** Runs every store and returns the markdown lines. */
export async function storeBench(root) {
  const { createRequire } = await import('node:module');
  const require = createRequire(path.join(root, 'package.json'));
  const cw = await import(path.join(root, 'pkg/node/index.mjs'));
  const texts = sentences(root);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-'));
  const rows = [];
  try {
    rows.push({ ...(await measure(cw, 'memory', texts, 'bench')), floor: undefined });
    rows.push({ ...(await measure(cw, { kind: 'sqlite', path: path.join(dir, 'bench.sqlite') }, texts, 'bench')), floor: await rawFloor('sqlite', { require, dir }) });
    try {
      const { startPostgres } = await import(path.join(root, 'tests/js/postgres.mjs'));
      const pg = await startPostgres();
      try {
        rows.push({ ...(await measure(cw, { kind: 'postgres', connectionString: pg.url }, texts, 'bench')), floor: await rawFloor('postgres', { require, pgUrl: pg.url }) });
      } finally { await pg.stop(); }
    } catch (e) { rows.push({ kind: `postgres (not run: ${String(e.message).split('\n')[0]})` }); }
    rows.push(await inChromium(root, texts));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const out = [
    '| store | one turn: 2 messages + usage + fact, empty store (ms) | import 10,001 sessions (ms) | one turn, 10,001 sessions stored (ms) | append 1 message (ms) | raw put of one row (ms) | last 50 of 10,000 messages (ms) | first page of 10,000 sessions (ms) | all 10,000 sessions, pages of 500 (ms) | relevantMemory over 10,000 sessions (ms; hits of 10) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    out.push(`| ${r.kind} | ${fmt(r.freshTurnMs)} | ${fmt(r.importMs)} | ${fmt(r.turnMs)} | ${fmt(r.appendMs)} | ${fmt(r.floor)} | ${fmt(r.lastMs)} | ${fmt(r.firstPageMs)} | ${fmt(r.listAllMs)} | ${fmt(r.searchMs)}${r.hits === undefined ? '' : ` (${r.hits.toFixed(1)})`} |`);
  }
  return out;
}

/** The same measurement in headless Chromium with IndexedDB. */
async function inChromium(root, texts) {
  const { serve, launchChromium } = await import(path.join(root, 'tests/js/static-server.mjs'));
  let site, browser;
  try {
    site = await serve(root);
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${site.url}/bench-blank`);
    const r = await page.evaluate(async ({ src, texts }) => {
      const cw = await import('/pkg/web/index.js');
      await cw.init();
      // eslint-disable-next-line no-new-func
      const measure = new Function(`return (${src})`)();
      // raw floor: one IndexedDB put in its own transaction
      const db = await new Promise((res, rej) => { const q = indexedDB.open('raw-floor', 1); q.onupgradeneeded = () => q.result.createObjectStore('kv'); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error); });
      const xs = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        await new Promise((res, rej) => { const tx = db.transaction('kv', 'readwrite'); tx.objectStore('kv').put('x'.repeat(300), `k${i}`); tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
        xs.push(performance.now() - t);
      }
      db.close();
      const floor = xs.sort((a, b) => a - b)[15];
      return { ...(await measure(cw, 'indexeddb', texts, 'bench')), floor };
    }, { src: measure.toString(), texts });
    return r;
  } catch (e) {
    return { kind: `indexeddb (not run: ${String(e.message).split('\n')[0]})` };
  } finally {
    await browser?.close();
    await site?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  console.log((await storeBench(root)).join('\n'));
}
