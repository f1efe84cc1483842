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
  | 'PROVIDER_REDIRECT' | 'RESPONSE_TOO_LARGE' | 'ABORTED';

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

function define(o: Record<string, unknown>, k: string, v: unknown) {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Runs `f`; an exception of the caller's (a getter, a Proxy trap) becomes INVALID_ARGUMENT naming `path`. */
function reading<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isContextwiseError(e)) throw e;
    throw contextwiseError('INVALID_ARGUMENT', `${short(path)} could not be read: it threw (${describe(e)})`);
  }
}

/**
 * A plain copy of `v` (JSON data). `code` is the error code for data of the wrong kind
 * (INVALID_MESSAGE for messages, INVALID_CONFIG for configurations, INVALID_ARGUMENT otherwise).
 */
export function plain(v: unknown, path: string, code: ErrorCode, b: Budget, depth = 0): unknown {
  charge(b, 1);
  switch (typeof v) {
    case 'string':
      charge(b, v.length);
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw contextwiseError(code, `${short(path)} is ${v}; expected a finite number`);
      return v;
    case 'boolean':
    case 'undefined':
      return v;
    case 'bigint':
    case 'symbol':
    case 'function':
      throw contextwiseError(code, `${short(path)} is a ${typeof v}; expected JSON data (strings, finite numbers, booleans, null, arrays, plain objects)`);
  }
  if (v === null) return null;
  if (depth >= b.limits.maxDepth) {
    throw contextwiseError(code, `${short(path)} is nested deeper than ${b.limits.maxDepth} levels; flatten it, or raise the bound with configureLimits({ maxDepth })`);
  }
  return reading(path, () => {
    const o = v as Record<string, unknown>;
    if (ArrayBuffer.isView(v)) return plain(Array.from(v as unknown as ArrayLike<number>), path, code, b, depth);
    const toJSON = o.toJSON;
    if (typeof toJSON === 'function') return plain(toJSON.call(o), path, code, b, depth + 1);
    if (Array.isArray(v)) {
      const n = v.length;
      charge(b, n);
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const item = reading(`${path}[${i}]`, () => v[i]);
        const c = plain(item, `${path}[${i}]`, code, b, depth + 1);
        out[i] = c === undefined ? null : c;
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) {
      charge(b, k.length);
      const item = reading(`${path}.${k}`, () => o[k]);
      if (item === undefined) continue;
      define(out, k, plain(item, `${path}.${k}`, code, b, depth + 1));
    }
    return out;
  });
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
  reading(what, () => {
    for (const k of Object.keys(v as object)) {
      const item = reading(`${what}.${k}`, () => (v as Record<string, unknown>)[k]);
      if ((keep as readonly string[]).includes(k)) extra[k as K] = item;
      else define(rest, k, item);
    }
  });
  return { data: plain(rest, what, code, b) as Record<string, unknown>, extra };
}

/** An `AbortSignal` (or a compatible object), read once; anything else is INVALID_ARGUMENT. */
export function signal(v: unknown, what: string): AbortSignal | undefined {
  if (v === undefined || v === null) return undefined;
  const ok = reading(what, () => typeof v === 'object'
    && typeof (v as AbortSignal).aborted === 'boolean'
    && typeof (v as AbortSignal).addEventListener === 'function');
  if (!ok) throw contextwiseError('INVALID_ARGUMENT', `${what} must be an AbortSignal (from new AbortController().signal)`);
  return v as AbortSignal;
}
