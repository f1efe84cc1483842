// Reading the caller's arguments, on the JS side, before anything reaches the wasm: every value is
// copied into plain data (strings, finite numbers, booleans, null, arrays, plain objects), so no
// getter, Proxy trap or toJSON of the caller's ever runs while a wasm frame is on the stack, and
// the copy is bounded in depth and size before the wasm allocates anything. This only converts;
// what the data means is decided in Rust.

/** Stable error codes (`err.code`). */
export type ErrorCode =
  | 'UNKNOWN_MODEL' | 'UNKNOWN_ENCODING' | 'ENCODING_NOT_LOADED' | 'ENCODING_LOAD_FAILED' | 'INVALID_RANKS'
  | 'INVALID_MESSAGE' | 'INVALID_CONFIG' | 'INVALID_ARGUMENT' | 'INVALID_TOKEN' | 'NOT_INITIALIZED'
  | 'SUMMARIZER_FAILED' | 'SUMMARIZER_TIMEOUT' | 'INPUT_TOO_LARGE' | 'INTERNAL'
  | 'PROVIDER_HTTP' | 'PROVIDER_TIMEOUT' | 'PROVIDER_NETWORK' | 'PROVIDER_PARSE' | 'PROVIDER_STREAM_CUT'
  | 'PROVIDER_REDIRECT' | 'RESPONSE_TOO_LARGE' | 'ABORTED'
  | 'STORAGE_QUOTA' | 'STORAGE_BLOCKED' | 'STORAGE_FAILED' | 'STORAGE_CONFLICT' | 'STORAGE_CORRUPT' | 'STORAGE_VERSION'
  | 'SESSION_NOT_FOUND' | 'INVALID_IMPORT' | 'CONTEXT_OVERFLOW';

/** Every error contextwise throws: a real `Error` with `name === 'ContextwiseError'` and a `code`. */
export interface ContextwiseError extends Error {
  name: 'ContextwiseError';
  code: ErrorCode;
  /** Provider errors: the HTTP status, when there was a response. */
  status?: number;
  /** Provider errors: `openai`, `anthropic` or `ollama`. */
  provider?: string;
  /** Provider errors: true when trying again may succeed. */
  retryable?: boolean;
  /** Provider errors: the seconds the provider asked to wait (its `Retry-After` header), when it sent one. */
  retryAfter?: number;
}

/** True for errors thrown by contextwise. */
export function isContextwiseError(e: unknown): e is ContextwiseError {
  try {
    return e instanceof Error && e.name === 'ContextwiseError' && typeof (e as { code?: unknown }).code === 'string';
  } catch {
    return false; // a hostile object whose getters throw
  }
}

/** Builds a ContextwiseError (same shape as the ones thrown from Rust). */
export function contextwiseError(code: ErrorCode, message: string): ContextwiseError {
  const e = new Error(message) as ContextwiseError;
  e.name = 'ContextwiseError';
  e.code = code;
  return e;
}

/** Bounds on what one call reads from its arguments (`configureLimits`). */
export interface Limits {
  /** Most characters one call reads: the length of every string plus one per value (default 64 Mi). */
  maxInputChars: number;
  /** Deepest nesting of arrays and objects in an argument (default 64). */
  maxDepth: number;
}

export const DEFAULT_LIMITS: Limits = { maxInputChars: 64 * 1024 * 1024, maxDepth: 64 };

/** One call's reading budget, shared by its arguments. */
export interface Budget {
  call: string;
  left: number;
  limits: Limits;
}

export function budget(call: string, limits: Limits): Budget {
  return { call, left: limits.maxInputChars, limits };
}

const short = (s: string) => (s.length > 120 ? `${s.slice(0, 117)}...` : s);

/** What an exception says, without running anything of it that could throw again. */
export function describe(e: unknown): string {
  try {
    if (e instanceof Error) return short(String(e.message));
    return short(String(e));
  } catch {
    return 'an exception';
  }
}

function tooLarge(b: Budget): ContextwiseError {
  return contextwiseError('INPUT_TOO_LARGE',
    `the input to ${b.call} is larger than ${b.limits.maxInputChars} characters (string lengths plus one per value); ` +
    'split it, or raise the bound with configureLimits({ maxInputChars })');
}

/** Charges `n` characters to the budget. */
export function charge(b: Budget, n: number): void {
  b.left -= n;
  if (b.left < 0) throw tooLarge(b);
}

/** Where a value sits, built into a string only when an error names it. */
type Path = string | { parent: Path; key: string | number };

function pathString(p: Path): string {
  const keys: (string | number)[] = [];
  while (typeof p !== 'string') { keys.push(p.key); p = p.parent; }
  let out = p;
  for (let i = keys.length - 1; i >= 0; i--) out += typeof keys[i] === 'number' ? `[${keys[i]}]` : `.${keys[i]}`;
  return short(out);
}

/** An exception of the caller's (a getter, a Proxy trap) becomes INVALID_ARGUMENT naming the path. */
function readFailed(e: unknown, path: Path): ContextwiseError {
  if (isContextwiseError(e)) return e;
  return contextwiseError('INVALID_ARGUMENT', `${pathString(path)} could not be read: it threw (${describe(e)})`);
}

/**
 * A plain copy of `v` (JSON data). `code` is the error code for data of the wrong kind
 * (INVALID_MESSAGE for messages, INVALID_CONFIG for configurations, INVALID_ARGUMENT otherwise).
 */
export function plain(v: unknown, path: Path, code: ErrorCode, b: Budget, depth = 0): unknown {
  if (--b.left < 0) throw tooLarge(b);
  switch (typeof v) {
    case 'string':
      charge(b, v.length);
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw contextwiseError(code, `${pathString(path)} is ${v}; expected a finite number`);
      return v;
    case 'boolean':
    case 'undefined':
      return v;
    case 'bigint':
    case 'symbol':
    case 'function':
      throw contextwiseError(code, `${pathString(path)} is a ${typeof v}; expected JSON data (strings, finite numbers, booleans, null, arrays, plain objects)`);
  }
  if (v === null) return null;
  if (depth >= b.limits.maxDepth) {
    throw contextwiseError(code, `${pathString(path)} is nested deeper than ${b.limits.maxDepth} levels; flatten it, or raise the bound with configureLimits({ maxDepth })`);
  }
  let keys: string[];
  try {
    if (Array.isArray(v)) return plainArray(v, path, code, b, depth);
    if (ArrayBuffer.isView(v)) return plainArray(Array.from(v as unknown as ArrayLike<number>), path, code, b, depth);
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return plain(toJSON.call(v), path, code, b, depth + 1);
    keys = Object.keys(v as object);
  } catch (e) {
    throw readFailed(e, path);
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    charge(b, k.length);
    const at = { parent: path, key: k };
    let item: unknown;
    try {
      item = (v as Record<string, unknown>)[k];
    } catch (e) {
      throw readFailed(e, at);
    }
    if (item === undefined) continue;
    const c = plain(item, at, code, b, depth + 1);
    if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out;
}

function plainArray(v: unknown[], path: Path, code: ErrorCode, b: Budget, depth: number): unknown[] {
  const n = v.length;
  charge(b, n);
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let item: unknown;
    try {
      item = v[i];
    } catch (e) {
      throw readFailed(e, { parent: path, key: i });
    }
    const c = plain(item, { parent: path, key: i }, code, b, depth + 1);
    out[i] = c === undefined ? null : c;
  }
  return out;
}

/** A string argument (counted against the budget). */
export function str(v: unknown, what: string, b: Budget): string {
  if (typeof v !== 'string') throw contextwiseError('INVALID_ARGUMENT', `${what} must be a string, got ${v === null ? 'null' : typeof v}`);
  charge(b, v.length);
  return v;
}

/** A number argument (Rust checks its range). */
export function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw contextwiseError('INVALID_ARGUMENT', `${what} must be a finite number, got ${typeof v === 'number' ? v : v === null ? 'null' : typeof v}`);
  }
  return v;
}

/**
 * An options object with some fields that are not data (a signal, a provider): those are read
 * once, here, and returned beside the plain copy of the rest.
 */
export function split<K extends string>(v: unknown, what: string, code: ErrorCode, b: Budget, keep: readonly K[]):
  { data: Record<string, unknown> | undefined; extra: Partial<Record<K, unknown>> } {
  if (v === undefined || v === null) return { data: undefined, extra: {} };
  if (typeof v !== 'object') throw contextwiseError(code, `${what} must be an object, got ${typeof v}`);
  const extra: Partial<Record<K, unknown>> = {};
  const rest: Record<string, unknown> = {};
  let keys: string[];
  try { keys = Object.keys(v as object); } catch (e) { throw readFailed(e, what); }
  for (const k of keys) {
    let item: unknown;
    try { item = (v as Record<string, unknown>)[k]; } catch (e) { throw readFailed(e, { parent: what, key: k }); }
    if ((keep as readonly string[]).includes(k)) extra[k as K] = item;
    else Object.defineProperty(rest, k, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return { data: plain(rest, what, code, b) as Record<string, unknown>, extra };
}

/** The caller's abort signal, linked to one of contextwise's own: `done()` unlinks it. */
export interface LinkedSignal {
  signal?: AbortSignal;
  done(): void;
}

/**
 * Links the caller's `AbortSignal` (or a compatible object) to a signal of contextwise's own,
 * which is what the wasm sees: the caller's object is read here, once, so a hostile getter can
 * never run inside a wasm call. Anything that is not a signal is INVALID_ARGUMENT.
 */
export function linkSignal(v: unknown, what: string): LinkedSignal {
  if (v === undefined || v === null) return { done() {} };
  let aborted: unknown, add: unknown, remove: unknown;
  try {
    if (typeof v === 'object') {
      aborted = (v as AbortSignal).aborted;
      add = (v as AbortSignal).addEventListener;
      remove = (v as AbortSignal).removeEventListener;
    }
  } catch (e) {
    throw readFailed(e, what);
  }
  if (typeof aborted !== 'boolean' || typeof add !== 'function') {
    throw contextwiseError('INVALID_ARGUMENT', `${what} must be an AbortSignal (from new AbortController().signal)`);
  }
  const own = new AbortController();
  if (aborted) {
    own.abort();
    return { signal: own.signal, done() {} };
  }
  const onAbort = () => own.abort();
  try {
    add.call(v, 'abort', onAbort, { once: true });
  } catch (e) {
    throw readFailed(e, what);
  }
  return {
    signal: own.signal,
    done() {
      try { if (typeof remove === 'function') remove.call(v, 'abort', onAbort); } catch { /* the caller's object */ }
    },
  };
}
