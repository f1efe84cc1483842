// Store adapters: the documented interface an app implements to keep sessions in its own
// database, and the wrapper that makes any adapter (contextwise's own IndexedDB, SQLite and
// Postgres ones too) safe to call from the wasm: its methods are read once, every call returns
// a promise of plain data, and every failure becomes a plain `{ code, message }`. The key layout,
// indexes and transactions are decided in Rust (src/store/); an adapter only stores strings.
import { contextwiseError, describe, type ErrorCode } from './input.js';

/** A range of keys: from `start` (inclusive) to `end` (exclusive), ascending or reversed, at most `limit`. */
export interface KeyRange {
  start: string;
  end: string;
  limit: number;
  reverse?: boolean;
}

/** One write of a batch. `ifAbsent`: the whole batch fails (resolves `false`, nothing written) if the key exists. */
export type BatchOp =
  | { type: 'put'; key: string; value: string; ifAbsent?: boolean }
  | { type: 'delete'; key: string };

/**
 * What contextwise needs from a database: an ordered map of string keys (printable ASCII, compared
 * by character code) to string values (JSON text). Implement it to keep sessions in your own
 * database and pass it as `ContextManager.open({ store: adapter })`.
 *
 * `batch` is optional but recommended: with it, a turn is stored all or nothing and concurrent
 * writers never lose a message; without it contextwise applies the writes one by one
 * (`storage().detail` says so).
 * @example
 * const map = new Map<string, string>();
 * const adapter: StoreAdapter = {
 *   async get(k) { return map.get(k); },
 *   async put(k, v) { map.set(k, v); },
 *   async delete(k) { map.delete(k); },
 *   async list({ start, end, limit, reverse }) {
 *     const keys = [...map.keys()].filter((k) => k >= start && k < end).sort();
 *     if (reverse) keys.reverse();
 *     return keys.slice(0, limit).map((k) => [k, map.get(k)!]);
 *   },
 * };
 */
export interface StoreAdapter {
  /** The value of `key`, or `undefined` / `null`. */
  get(key: string): Promise<string | undefined | null>;
  /** Sets `key`. */
  put(key: string, value: string): Promise<void>;
  /** Removes `key` (no error when it is missing). */
  delete(key: string): Promise<void>;
  /** `[key, value]` pairs of a range, in its order. */
  list(range: KeyRange): Promise<Array<[string, string]>>;
  /** Applies every op or none; resolves `false` (nothing applied) when an `ifAbsent` put finds its key. */
  batch?(ops: BatchOp[]): Promise<boolean>;
  /** Releases connections (called by `manager.close()`). */
  close?(): unknown;
}

/** What the wasm calls. */
export interface WrappedBackend {
  get(key: string): Promise<string | undefined>;
  list(range: KeyRange): Promise<Array<[string, string]>>;
  /** `ops` as JSON text (one string from the wasm instead of thousands of objects). */
  commit(opsJson: string): Promise<boolean>;
  close(): Promise<void>;
  atomic: boolean;
}

/** Most entries one `list` may return (the wasm asks for at most a page). */
const MAX_ROWS = 1_000_000;

/** A database's error as a contextwise storage code. */
export function storageCode(e: unknown): ErrorCode {
  let name: unknown, code: unknown;
  try { name = (e as { name?: unknown })?.name; code = (e as { code?: unknown })?.code; } catch { /* hostile getter */ }
  if (typeof code === 'string' && /^STORAGE_/.test(code)) return code as ErrorCode;
  // IndexedDB's quota error; SQLite's full disk; Postgres' disk_full / out_of_memory
  if (name === 'QuotaExceededError' || code === 'SQLITE_FULL' || code === '53100' || code === '53200') return 'STORAGE_QUOTA';
  return 'STORAGE_FAILED';
}

const failure = (what: string, e: unknown) => {
  const code = storageCode(e);
  const quota = code === 'STORAGE_QUOTA' ? 'the storage is full; free space (delete old sessions) and try again' : describe(e);
  return { code, message: `the store's ${what} failed: ${quota}` };
};

function method(adapter: object, name: string, required: boolean): ((...a: unknown[]) => unknown) | undefined {
  let f: unknown;
  try { f = (adapter as Record<string, unknown>)[name]; } catch (e) {
    throw contextwiseError('INVALID_CONFIG', `store adapter.${name} could not be read: it threw (${describe(e)})`);
  }
  if (typeof f === 'function') return (...a: unknown[]) => f.apply(adapter, a);
  if (required || f !== undefined) throw contextwiseError('INVALID_CONFIG', `store adapter.${name} must be a function (see StoreAdapter in the README)`);
  return undefined;
}

/** Calls an adapter method; whatever happens, a promise of the checked result or a plain rejection. */
function guarded<T>(what: string, run: () => unknown, check: (v: unknown) => T): Promise<T> {
  return Promise.resolve().then(run).then((v) => {
    try { return check(v); } catch (e) { throw { code: 'STORAGE_FAILED', message: `the store's ${what} returned ${describe(e)}` }; }
  }, (e) => { throw failure(what, e); });
}

function rows(v: unknown): Array<[string, string]> {
  if (!Array.isArray(v) || v.length > MAX_ROWS) throw new Error('something other than an array of [key, value] pairs');
  return v.map((r) => {
    if (!Array.isArray(r) || typeof r[0] !== 'string' || typeof r[1] !== 'string') throw new Error('a row that is not [key, value] strings');
    return [r[0], r[1]] as [string, string];
  });
}

/** Wraps an adapter for the wasm; `INVALID_CONFIG` when it lacks a method. */
export function wrapAdapter(adapter: unknown): WrappedBackend {
  if (typeof adapter !== 'object' || adapter === null) throw contextwiseError('INVALID_CONFIG', 'a store adapter must be an object with get, put, delete and list');
  const get = method(adapter, 'get', true)!, put = method(adapter, 'put', true)!, del = method(adapter, 'delete', true)!;
  const list = method(adapter, 'list', true)!, batch = method(adapter, 'batch', false), close = method(adapter, 'close', false);
  const getChecked = (key: string) => guarded('get', () => get(key), (v) => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new Error(`a ${typeof v} for '${key}'; values are strings`);
    return v;
  });
  /**
   * Without `batch`: one batch at a time in this process (so its if-absent checks hold against
   * this process's other writers), the writes one by one. Not atomic across processes.
   */
  let queue: Promise<unknown> = Promise.resolve();
  const sequential = (ops: BatchOp[]): Promise<boolean> => {
    const run = async () => {
      for (const op of ops) if (op.type === 'put' && op.ifAbsent && (await getChecked(op.key)) !== undefined) return false;
      for (const op of ops) {
        if (op.type === 'put') await guarded('put', () => put(op.key, op.value), () => undefined);
        else await guarded('delete', () => del(op.key), () => undefined);
      }
      return true;
    };
    const p = queue.then(run, run);
    queue = p.catch(() => {});
    return p;
  };
  return {
    get: getChecked,
    list: (range) => guarded('list', () => list({ ...range }), rows),
    commit: (json) => {
      const ops = JSON.parse(json) as BatchOp[];
      return batch
        ? guarded('batch', () => batch(ops), (v) => { if (typeof v !== 'boolean') throw new Error('something other than true or false'); return v; })
        : sequential(ops);
    },
    close: () => guarded('close', () => close?.(), () => undefined),
    atomic: !!batch,
  };
}
