// The IndexedDB store: one database per appName (`contextwise:<appName>`), one object store of
// string keys, versioned with the schema. Used in browsers and workers (and wherever
// `indexedDB` exists). The key layout and the upgrades of the data are in Rust; this file only
// opens the database and runs gets, ranges and batches in transactions.
import type { StoreAdapter, BatchOp, KeyRange } from './adapter.js';
import { contextwiseError } from './input.js';

/** The IndexedDB version of the current schema (src/store/migrate.rs SCHEMA_VERSION). */
export const IDB_VERSION = 2;
const OBJECT_STORE = 'kv';

/** Test-only: the next batch aborts its transaction after issuing this many writes. */
let abortAfter: number | undefined;
export function injectFault(opts: { abortAfterOps?: number }): void {
  let n: unknown;
  try { n = opts?.abortAfterOps; } catch { n = null; }
  if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0)) {
    throw contextwiseError('INVALID_ARGUMENT', '__injectStoreFaultForTesting({ abortAfterOps }) takes a whole number of writes');
  }
  abortAfter = n as number | undefined;
}

/** The database name of an app. */
export const idbName = (appName: string) => `contextwise:${appName}`;

/** True when this runtime has IndexedDB. */
export function hasIndexedDb(): boolean {
  try { return typeof indexedDB !== 'undefined' && indexedDB !== null && typeof indexedDB.open === 'function'; } catch { return false; }
}

/**
 * Opens (creating or upgrading) an app's database. When another tab holds it open on an older
 * version and does not close it within `blockedTimeoutMs`, rejects with STORAGE_BLOCKED.
 */
export function openIndexedDb(appName: string, blockedTimeoutMs = 5000): Promise<StoreAdapter & { close(): void }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const req = indexedDB.open(idbName(appName), IDB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(OBJECT_STORE)) db.createObjectStore(OBJECT_STORE);
    };
    req.onblocked = () => {
      timer ??= setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(contextwiseError('STORAGE_BLOCKED',
          `another tab has '${idbName(appName)}' open on an older version and did not close it within ${blockedTimeoutMs} ms; close or reload the other tabs of this app`));
      }, blockedTimeoutMs);
    };
    req.onerror = () => {
      if (timer) clearTimeout(timer);
      if (settled) return;
      settled = true;
      const e = req.error;
      reject(e?.name === 'VersionError'
        ? contextwiseError('STORAGE_VERSION', `'${idbName(appName)}' was upgraded by a newer contextwise (in another tab?); reload this page`)
        : e ?? new Error('indexedDB.open failed'));
    };
    req.onsuccess = () => {
      if (timer) clearTimeout(timer);
      const db = req.result;
      // a late success after STORAGE_BLOCKED: nobody uses this connection
      if (settled) { db.close(); return; }
      settled = true;
      resolve(adapter(db, appName));
    };
  });
}

function adapter(db: IDBDatabase, appName: string): StoreAdapter & { close(): void } {
  let closed = false;
  // another tab upgrades: close this connection so it is not blocked, and say why on next use
  db.onversionchange = () => { closed = true; db.close(); };
  const tx = (mode: IDBTransactionMode) => {
    if (closed) throw contextwiseError('STORAGE_VERSION', `'${idbName(appName)}' was upgraded by another tab; reload this page`);
    return db.transaction(OBJECT_STORE, mode, { durability: 'default' });
  };
  const request = <T>(r: IDBRequest<T>) => new Promise<T>((res, rej) => {
    r.onsuccess = () => res(r.result);
    r.onerror = () => rej(r.error);
  });
  const range = (r: KeyRange) => IDBKeyRange.bound(r.start, r.end, false, true);
  return {
    get: async (key) => request(tx('readonly').objectStore(OBJECT_STORE).get(key)) as Promise<string | undefined>,
    async list(r) {
      const store = tx('readonly').objectStore(OBJECT_STORE);
      if (r.start >= r.end || r.limit <= 0) return [];
      // newest first: find where the last `limit` keys start, then read them in one request
      let from = range(r);
      if (r.reverse) {
        const first = await new Promise<IDBValidKey | undefined>((res, rej) => {
          const c = store.openKeyCursor(range(r), 'prev');
          let moved = false;
          c.onerror = () => rej(c.error);
          c.onsuccess = () => {
            const cur = c.result;
            if (!cur) { res(undefined); return; }
            if (!moved && r.limit > 1) { moved = true; cur.advance(r.limit - 1); return; }
            res(cur.key);
          };
        });
        if (first !== undefined) from = IDBKeyRange.bound(first, r.end, false, true);
      }
      const [keys, values] = await Promise.all([request(store.getAllKeys(from, r.limit)), request(store.getAll(from, r.limit))]);
      const out = keys.map((k, i) => [String(k), values[i] as string] as [string, string]);
      return r.reverse ? out.reverse() : out;
    },
    put: async (key, value) => { await request(tx('readwrite').objectStore(OBJECT_STORE).put(value, key)); },
    delete: async (key) => { await request(tx('readwrite').objectStore(OBJECT_STORE).delete(key)); },
    batch: (ops: BatchOp[]) => new Promise<boolean>((res, rej) => {
      const t = tx('readwrite');
      const store = t.objectStore(OBJECT_STORE);
      let conflict = false;
      const fault = abortAfter;
      abortAfter = undefined;
      t.oncomplete = () => res(true);
      t.onabort = () => (conflict ? res(false) : rej(t.error ?? contextwiseError('STORAGE_FAILED', 'the IndexedDB transaction was aborted; nothing of it was stored')));
      let stopped = false;
      const stop = (e?: unknown) => {
        stopped = true;
        try { t.abort(); } catch { /* already finished */ }
        if (e !== undefined) rej(e);
      };
      ops.forEach((op, i) => {
        if (stopped) return;
        if (fault !== undefined && i === fault) { stop(); return; }
        try {
          if (op.type === 'delete') { store.delete(op.key); return; }
          const r = op.ifAbsent ? store.add(op.value, op.key) : store.put(op.value, op.key);
          r.onerror = (ev) => {
            if (r.error?.name === 'ConstraintError') { conflict = true; ev.preventDefault(); stop(); }
          };
        } catch (e) {
          stop(e);
        }
      });
    }),
    close: () => { closed = true; db.close(); },
  };
}
