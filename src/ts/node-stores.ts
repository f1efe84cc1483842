// Node's stores, as store adapters: a SQLite file (better-sqlite3 v12 when installed, else
// `node:sqlite` where the Node version has it) and Postgres (`pg`). Both are optional peer
// dependencies, loaded only when used. Each keeps one table of string keys compared bytewise
// (SQLite's BINARY collation, Postgres' "C"), so key order is the same everywhere.
import type { StoreAdapter, BatchOp, KeyRange } from './adapter.js';
import { contextwiseError, describe } from './input.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

/** The part of better-sqlite3 and node:sqlite that is used (the two agree on it). */
interface SqliteDb {
  exec(sql: string): unknown;
  prepare(sql: string): { get(...a: unknown[]): unknown; all(...a: unknown[]): unknown[]; run(...a: unknown[]): { changes: number | bigint } };
  close(): void;
}

/** Thrown when the driver is not installed (the manager then falls back to memory and says so). */
export class StoreUnavailable extends Error {}

const notFound = (e: unknown) => ['MODULE_NOT_FOUND', 'ERR_UNKNOWN_BUILTIN_MODULE'].includes((e as { code?: string })?.code ?? '');

/** An optional driver; `undefined` when it is not installed. */
function load(name: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name);
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  // Bundled (a Next.js server bundle): the bundler's `require` knows only the modules it bundled,
  // so the driver is required from the app's own node_modules.
  try {
    return createRequire(path.join(process.cwd(), 'index.js'))(name);
  } catch (e) {
    if (notFound(e)) return undefined;
    throw e;
  }
}

/** A SQLite database file, with the driver that opened it. */
function openSqliteFile(file: string): { db: SqliteDb; driver: string } {
  const Better = load('better-sqlite3') as (new (f: string) => SqliteDb) | undefined;
  const builtin = Better ? undefined : load('node:sqlite') as { DatabaseSync?: new (f: string) => SqliteDb } | undefined;
  // the folder is made only once there is a driver to open the file
  if (Better || builtin?.DatabaseSync) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (Better) return { db: new Better(file), driver: 'better-sqlite3' };
  if (builtin?.DatabaseSync) return { db: new builtin.DatabaseSync(file), driver: 'node:sqlite' };
  throw new StoreUnavailable(`SQLite is not available: install better-sqlite3 (npm install better-sqlite3@12) or use Node ≥ 22.13, which has node:sqlite`);
}

/** Runs `f`, again after a short wait while SQLite reports the database busy or locked (≤ 5 s). */
function whileBusy(f: () => void): void {
  const until = Date.now() + 5000;
  for (;;) {
    try {
      f();
      return;
    } catch (e) {
      const busy = /SQLITE_BUSY|SQLITE_LOCKED|database is locked/.test(`${(e as { code?: string }).code} ${(e as Error).message}`);
      if (!busy || Date.now() > until) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * A SQLite store at `file` (its folder is created): WAL mode, a 5 s busy timeout so several
 * processes can share the file, one table `contextwise_kv`.
 */
export function openSqlite(file: string): StoreAdapter & { driver: string; close(): void } {
  const { db, driver } = openSqliteFile(file);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    // switching a new file to WAL and creating the table can meet another process doing the same;
    // SQLite then answers "locked" without waiting, so try again for a while
    whileBusy(() => db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;'));
    whileBusy(() => db.exec('CREATE TABLE IF NOT EXISTS contextwise_kv (k TEXT PRIMARY KEY NOT NULL, v TEXT NOT NULL) WITHOUT ROWID'));
  } catch (e) {
    db.close();
    throw e;
  }
  const getQ = db.prepare('SELECT v FROM contextwise_kv WHERE k = ?');
  const asc = db.prepare('SELECT k, v FROM contextwise_kv WHERE k >= ? AND k < ? ORDER BY k ASC LIMIT ?');
  const desc = db.prepare('SELECT k, v FROM contextwise_kv WHERE k >= ? AND k < ? ORDER BY k DESC LIMIT ?');
  const upsert = db.prepare('INSERT INTO contextwise_kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v');
  const insert = db.prepare('INSERT INTO contextwise_kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING');
  const del = db.prepare('DELETE FROM contextwise_kv WHERE k = ?');
  const limit = (n: number) => Math.min(n, 1_000_000);
  return {
    driver,
    async get(key) {
      const row = getQ.get(key) as { v: string } | undefined;
      return row?.v;
    },
    async list(r: KeyRange) {
      const q = r.reverse ? desc : asc;
      return (q.all(r.start, r.end, limit(r.limit)) as Array<{ k: string; v: string }>).map((x) => [x.k, x.v] as [string, string]);
    },
    async put(key, value) { upsert.run(key, value); },
    async delete(key) { del.run(key); },
    async batch(ops: BatchOp[]) {
      // IMMEDIATE: take the write lock first, so two processes serialize instead of failing late
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const op of ops) {
          if (op.type === 'delete') del.run(op.key);
          else if (!op.ifAbsent) upsert.run(op.key, op.value);
          else if (Number(insert.run(op.key, op.value).changes) === 0) {
            db.exec('ROLLBACK');
            return false;
          }
        }
        db.exec('COMMIT');
        return true;
      } catch (e) {
        try { db.exec('ROLLBACK'); } catch { /* already rolled back */ }
        throw e;
      }
    },
    close: () => db.close(),
  };
}

/** The part of `pg` that is used. */
interface PgClient { query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, string>>; rowCount: number | null }>; release(): void }
interface PgPool { connect(): Promise<PgClient>; query: PgClient['query']; end(): Promise<void>; on(ev: string, f: (e: unknown) => void): unknown }

/** A lock id for creating the table (any constant both processes agree on). */
const SCHEMA_LOCK = 0x636f6e74; // "cont"

/**
 * A Postgres store: table `contextwise_kv (app, k, v)` shared by every app (each app's rows are
 * its own), created under an advisory lock so that processes starting at once do not collide.
 */
export async function openPostgres(connectionString: string, app: string): Promise<StoreAdapter & { close(): Promise<void> }> {
  const pg = load('pg') as { Pool: new (o: object) => PgPool } | undefined;
  if (!pg) throw new StoreUnavailable('Postgres needs the pg package: npm install pg');
  // bounded waits: every call settles even when the server stops answering
  const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: 10_000, query_timeout: 60_000 });
  pool.on('error', () => { /* an idle client lost its connection; the next query reconnects */ });
  const client = await pool.connect().catch((e) => {
    void pool.end().catch(() => {});
    throw contextwiseError('STORAGE_FAILED', `could not connect to Postgres: ${describe(e)}`);
  });
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS contextwise_kv (app TEXT NOT NULL, k TEXT COLLATE "C" NOT NULL, v TEXT NOT NULL, PRIMARY KEY (app, k))');
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
    await pool.end().catch(() => {});
    throw contextwiseError('STORAGE_FAILED', `could not create contextwise's table in Postgres: ${describe(e)} (the user needs CREATE on the schema, or create the table once as its owner)`);
  }
  client.release();
  return {
    async get(key) {
      const r = await pool.query('SELECT v FROM contextwise_kv WHERE app = $1 AND k = $2', [app, key]);
      return r.rows[0]?.v;
    },
    async list(r: KeyRange) {
      const order = r.reverse ? 'DESC' : 'ASC';
      const q = await pool.query(`SELECT k, v FROM contextwise_kv WHERE app = $1 AND k >= $2 AND k < $3 ORDER BY k ${order} LIMIT $4`,
        [app, r.start, r.end, Math.min(r.limit, 1_000_000)]);
      return q.rows.map((x) => [x.k, x.v] as [string, string]);
    },
    async put(key, value) {
      await pool.query('INSERT INTO contextwise_kv (app, k, v) VALUES ($1, $2, $3) ON CONFLICT (app, k) DO UPDATE SET v = EXCLUDED.v', [app, key, value]);
    },
    async delete(key) {
      await pool.query('DELETE FROM contextwise_kv WHERE app = $1 AND k = $2', [app, key]);
    },
    batch: (ops) => pgBatch(pool, app, ops),
    close: () => pool.end(),
  };
}

/** Consecutive ops of one kind, so a batch is a few statements however many rows it writes. */
function groups(ops: BatchOp[]): Array<{ kind: 'put' | 'insert' | 'delete'; keys: string[]; values: string[] }> {
  const out: Array<{ kind: 'put' | 'insert' | 'delete'; keys: string[]; values: string[] }> = [];
  let seen = new Set<string>();
  for (const op of ops) {
    const kind = op.type === 'delete' ? 'delete' : op.ifAbsent ? 'insert' : 'put';
    let g = out[out.length - 1];
    // one statement may not touch a row twice: a repeated key starts a new group
    if (!g || g.kind !== kind || seen.has(op.key)) {
      out.push(g = { kind, keys: [], values: [] });
      seen = new Set();
    }
    seen.add(op.key);
    g.keys.push(op.key);
    if (op.type === 'put') g.values.push(op.value);
  }
  return out;
}

async function pgBatch(pool: PgPool, app: string, ops: BatchOp[]): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const g of groups(ops)) {
      if (g.kind === 'delete') {
        await client.query('DELETE FROM contextwise_kv WHERE app = $1 AND k = ANY($2::text[])', [app, g.keys]);
        continue;
      }
      const conflict = g.kind === 'put' ? 'DO UPDATE SET v = EXCLUDED.v' : 'DO NOTHING';
      const r = await client.query(`INSERT INTO contextwise_kv (app, k, v) SELECT $1, * FROM unnest($2::text[], $3::text[]) ON CONFLICT (app, k) ${conflict}`, [app, g.keys, g.values]);
      if (g.kind === 'insert' && (r.rowCount ?? 0) < g.keys.length) {
        await client.query('ROLLBACK');
        return false;
      }
    }
    await client.query('COMMIT');
    return true;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    // a deadlock or serialization failure between concurrent writers: nothing was applied, retry
    if ((e as { code?: string })?.code === '40P01' || (e as { code?: string })?.code === '40001') return false;
    throw e;
  } finally {
    client.release();
  }
}
