// ContextManager and Session: persistent memory over a store (src/store/ in Rust decides
// everything: keys, indexes, atomic turns, migrations, search). This file picks the backend the
// runtime offers, wraps it, and converts arguments and results.
import type * as Wasm from './contextwise_wasm.js';
import type {
  ChatMessage, SessionRecord, SessionListing, MessageRecord, MessageRange, Turn, TurnReceipt, SummaryRecord,
  FactRecord, UsageRecord, MemoryHit, SearchOptions, Export, ImportReport, StorageInfo,
  ManagerOptions, SendOptions, TurnResult, RouteDecision, Strategy, Fallback, StreamDelta, ManagerStats, TurnPreview, Plan, ProviderOptions, Condensing,
} from './contextwise_wasm.js';
import { wrapAdapter, type StoreAdapter, type WrappedBackend } from './adapter.js';
import { hasIndexedDb, openIndexedDb } from './idb.js';
import { contextwiseError, describe, isContextwiseError, linkSignal, plain, split, str, type Budget } from './input.js';

/** Where a manager keeps its memory. */
export type StoreOption =
  | 'indexeddb' | 'memory' | 'sqlite'
  | { kind: 'indexeddb'; blockedTimeoutMs?: number }
  | { kind: 'sqlite'; path?: string }
  | { kind: 'postgres'; connectionString: string }
  | StoreAdapter;

/** What a manager reports through `onEvent`: the store it opened, and what each turn does. */
export type ContextEvent =
  | ({ type: 'storage' } & StorageInfo & { fallback: boolean })
  | { type: 'route.decided'; sessionId: string; decision: RouteDecision }
  | { type: 'condensation.triggered'; sessionId: string; model: string; tokens: number; threshold: number; message: string }
  | { type: 'condensation.done'; sessionId: string; model: string; tokensBefore: number; tokensAfter: number; strategy: Strategy; fallbacks: Fallback[]; timeMs: number; message: string }
  | { type: 'provider.retry'; sessionId: string; model: string; attempts: number }
  | { type: 'provider.fallback'; sessionId: string; from: string; to: string | null; code: string; message: string }
  | { type: 'storage.error'; sessionId: string; code: string; message: string };

/** `ContextManager.open` options: the store, and (for `session.send`) providers, router, limits and condensation. */
export interface ContextManagerConfig extends ManagerOptions {
  /** Names the database (IndexedDB `contextwise:<appName>`, `.contextwise/<appName>.sqlite`, the Postgres rows). */
  appName: string;
  /** Default: IndexedDB in browsers, SQLite in Node; memory (said so) when that is unavailable. */
  store?: StoreOption;
  /** Called with what the manager did (`{ type: 'storage', … }` on open). */
  onEvent?: (event: ContextEvent) => void;
}

/** What the runtime offers (Node: SQLite and Postgres). */
export interface StoreRuntime {
  node?: {
    sqlite(file: string): StoreAdapter & { driver: string };
    postgres(connectionString: string, app: string): Promise<StoreAdapter>;
    defaultSqlitePath(appName: string): string;
    /** True for "the driver is not installed". */
    unavailable(e: unknown): boolean;
  };
}

type Exports = typeof Wasm;
interface Deps {
  /** Browsers: instantiates the wasm (`init()`); the manager's `open` waits for it. */
  ready?(): Promise<void>;
  /** The default instance's engine in the current wasm instance. */
  engine(w: Exports): Wasm.EngineHandle;
  /** Loads an encoding (browsers: before the first turn). */
  loadEncoding(name: string): Promise<unknown>;
  /** What the runtime adds to a provider configuration (browsers: Anthropic's browser-access header). */
  providerDefaults?(cfg: ProviderOptions): ProviderOptions;
  wasm(): Exports;
  callAsync<T>(f: (w: Exports) => Promise<T>): Promise<T>;
  call<T>(f: (w: Exports) => T): T;
  generation(): number;
  /** A reading budget for one call, with the bounds `configureLimits` set. */
  start(call: string): Budget;
  rt: StoreRuntime;
}

/** A store the runtime opened. */
export interface Opened { backend: WrappedBackend | null; kind: StorageInfo['kind']; persistent: boolean; detail: string; fallback: boolean; closed?: boolean }

const memory = (detail: string, fallback: boolean): Opened => ({ backend: null, kind: 'memory', persistent: false, detail, fallback });

function isAdapter(s: unknown): s is StoreAdapter {
  try { return typeof s === 'object' && s !== null && typeof (s as StoreAdapter).get === 'function'; } catch { return false; }
}

async function indexedDb(appName: string, blockedTimeoutMs?: number): Promise<Opened> {
  if (!hasIndexedDb()) return memory('this runtime has no IndexedDB; sessions are kept in memory and lost when the page closes', true);
  try {
    const a = await openIndexedDb(appName, blockedTimeoutMs);
    return { backend: wrapAdapter(a), kind: 'indexeddb', persistent: true, detail: `IndexedDB database 'contextwise:${appName}'`, fallback: false };
  } catch (e) {
    if (isContextwiseError(e)) throw e; // blocked by another tab, or a newer version: the caller must act
    // private browsing, storage disabled, a sandboxed frame
    return memory(`IndexedDB could not be opened (${describe(e)}); sessions are kept in memory and lost when the page closes`, true);
  }
}

async function sqlite(rt: StoreRuntime, file: string): Promise<Opened> {
  if (!rt.node) throw contextwiseError('INVALID_CONFIG', "store: SQLite is for Node; in browsers use 'indexeddb' (the default) or an adapter");
  try {
    const a = rt.node.sqlite(file);
    return { backend: wrapAdapter(a), kind: 'sqlite', persistent: true, detail: `SQLite file ${file} (${a.driver}, WAL)`, fallback: false };
  } catch (e) {
    if (!rt.node.unavailable(e)) throw contextwiseError('STORAGE_FAILED', `could not open the SQLite file ${file}: ${describe(e)}`);
    return memory(`${(e as Error).message}; sessions are kept in memory and lost when the process ends`, true);
  }
}

async function postgres(rt: StoreRuntime, connectionString: unknown, app: string): Promise<Opened> {
  if (!rt.node) throw contextwiseError('INVALID_CONFIG', 'store: Postgres is for Node servers; in browsers use IndexedDB');
  if (typeof connectionString !== 'string' || !connectionString) throw contextwiseError('INVALID_CONFIG', "store.connectionString must be a Postgres URL, e.g. 'postgres://user@host/db'");
  try {
    const a = await rt.node.postgres(connectionString, app);
    return { backend: wrapAdapter(a), kind: 'postgres', persistent: true, detail: `Postgres ${where(connectionString)}`, fallback: false };
  } catch (e) {
    if (isContextwiseError(e)) throw e;
    if (!rt.node.unavailable(e)) throw contextwiseError('STORAGE_FAILED', `could not open the Postgres store at ${where(connectionString)}: ${describe(e)}`);
    return memory(`${(e as Error).message}; sessions are kept in memory and lost when the process ends`, true);
  }
}

/** Host, port and database of a connection string — never its user, password or parameters. */
function where(connectionString: string): string {
  try {
    const u = new URL(connectionString);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`.slice(0, 200);
  } catch {
    return '(a connection string that is not a URL)';
  }
}

/** Checks an app name: it names a database and a file. */
function checkAppName(appName: unknown): asserts appName is string {
  if (typeof appName !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(appName) || /^\.+$/.test(appName)) {
    throw contextwiseError('INVALID_CONFIG', 'appName must be 1–100 characters of A–Z, a–z, 0–9, ".", "_", "-" (and not only dots)');
  }
}

/** Opens the store a configuration names. */
async function openBackend(rt: StoreRuntime, store: unknown, appName: string, b: Budget): Promise<Opened> {
  checkAppName(appName);
  if (store === undefined) {
    return rt.node ? sqlite(rt, rt.node.defaultSqlitePath(appName)) : indexedDb(appName);
  }
  if (store === 'memory') return memory('in memory (store: \'memory\'); lost when the process or page ends', false);
  if (store === 'indexeddb') return indexedDb(appName);
  if (store === 'sqlite') return sqlite(rt, rt.node ? rt.node.defaultSqlitePath(appName) : '');
  if (isAdapter(store)) {
    const backend = wrapAdapter(store);
    const detail = backend.atomic ? "the app's store adapter" : "the app's store adapter, without batch(): writes are applied one by one, not atomically";
    return { backend, kind: 'adapter', persistent: true, detail, fallback: false };
  }
  const spec = plain(store, 'store', 'INVALID_CONFIG', b) as Record<string, unknown> | null;
  const kind = spec && typeof spec === 'object' ? spec.kind : undefined;
  if (kind === 'indexeddb') return indexedDb(appName, spec!.blockedTimeoutMs as number | undefined);
  if (kind === 'sqlite') {
    if (spec!.path !== undefined && (typeof spec!.path !== 'string' || !spec!.path)) throw contextwiseError('INVALID_CONFIG', 'store.path must be a file path');
    return sqlite(rt, (spec!.path as string | undefined) ?? (rt.node ? rt.node.defaultSqlitePath(appName) : ''));
  }
  if (kind === 'postgres') return postgres(rt, spec!.connectionString, appName);
  throw contextwiseError('INVALID_CONFIG',
    "store must be 'indexeddb', 'memory', 'sqlite', { kind: 'sqlite', path }, { kind: 'postgres', connectionString } or an adapter with get/put/delete/list");
}

/** A streamed turn: its deltas as they arrive, and the stored turn once it ends. */
export type TurnStream = AsyncIterableIterator<StreamDelta> & { result: Promise<TurnResult> };
/** @internal Runs turns; turns of one session run one after another, in the order they were asked for. */
export interface Turns {
  send(id: string, input: unknown, opts: unknown): Promise<TurnResult>;
  stream(id: string, input: unknown, opts: unknown): TurnStream;
  preview(id: string, input: unknown, opts: unknown, plan: boolean): Promise<TurnPreview>;
  regenerate(id: string, opts: unknown): Promise<TurnResult>;
  condense(id: string, opts: unknown): Promise<Condensing>;
}

const TURN_KEYS = ['providers', 'router', 'limits', 'summarizationThreshold', 'preserveRecentMessages', 'condensation', 'memory', 'system', 'maxOutputTokens'] as const;
const CONFIG_KEYS = new Set<string>(['appName', 'store', 'onEvent', ...TURN_KEYS]);

export function contextManagerClass(d: Deps) {
  const arg = d.start;
  /** The store handle in the current wasm instance (reopened over the same backend after a trap). */
  function storeHandle(opened: Opened) {
    let handle: Promise<Wasm.StoreHandle> | undefined;
    let gen = -1;
    const info = { kind: opened.kind, persistent: opened.persistent, detail: opened.detail };
    return () => {
      if (opened.closed) return Promise.reject(contextwiseError('STORAGE_FAILED', 'this manager was closed (manager.close()); open a new one with ContextManager.open'));
      if (!handle || gen !== d.generation()) {
        gen = d.generation();
        handle = d.callAsync((w) => w.openStore(opened.backend, info));
        handle.catch(() => { handle = undefined; });
      }
      return handle;
    };
  }

  /** The turn configuration in the current wasm instance (checked again after a trap). */
  function managerHandle(turn: ManagerOptions) {
    let handle: Wasm.ManagerHandle | undefined;
    let gen = -1;
    return () => {
      if (!handle || gen !== d.generation()) {
        handle = d.call((w) => w.openManager(d.engine(w), turn));
        gen = d.generation();
      }
      return handle;
    };
  }


  /**
   * One conversation: its messages in order, summaries, facts and usage, persisted in the
   * manager's store.
   */
  class Session {
    /** The session's id. */
    readonly id: string;
    readonly #h: () => Promise<Wasm.StoreHandle>;
    readonly #turns: Turns;
    /** @internal */
    constructor(id: string, h: () => Promise<Wasm.StoreHandle>, turns: Turns) {
      this.id = id;
      this.#h = h;
      this.#turns = turns;
    }
    /**
     * One turn: stores `input` (the user's text or message), routes, adds memory from earlier
     * sessions, condenses to the model's window when the threshold says so, calls the provider
     * (retries, then the fallback chain), stores the reply with usage, facts and any new summary,
     * and resolves to `{ message, model, usage, cost, contextInfo, … }`. Turns of a session are
     * queued, never interleaved. `signal` aborts the call (the user's message stays stored).
     */
    send(input: string | ChatMessage, opts?: SendOptions & { signal?: AbortSignal }): Promise<TurnResult> {
      return this.#turns.send(this.id, input, opts);
    }
    /**
     * The same turn, streamed: an async iterable of deltas (`{ type: 'text', text }`, tool-call
     * pieces) as the model writes, and `result`, the stored turn. The request goes out at once,
     * whether or not the deltas are read. `signal` — or leaving the loop early — stops it: the
     * user's message stays stored, and the partial reply too with `keepPartial: true`.
     */
    stream(input: string | ChatMessage, opts?: SendOptions & { signal?: AbortSignal; keepPartial?: boolean }): TurnStream {
      return this.#turns.stream(this.id, input, opts);
    }
    /**
     * What the next turn would send — with `input` as the message not yet sent (a live count
     * while the user types): the model the router picks, `tokens`, `limit`, `utilization`,
     * `riskLevel`, `action`, `condensationNeeded`, memory hits. Nothing is stored or sent.
     */
    assess(input?: string | ChatMessage, opts?: SendOptions): Promise<TurnPreview> {
      return this.#turns.preview(this.id, input, opts, false);
    }
    /**
     * `assess()` with the condensation plan — what would be kept, summarized or dropped, and
     * why — and `context`, the messages the turn would send (condensed when the strategy is local).
     */
    plan(input?: string | ChatMessage, opts?: SendOptions): Promise<TurnPreview & { plan: Plan }> {
      return this.#turns.preview(this.id, input, opts, true) as Promise<TurnPreview & { plan: Plan }>;
    }
    /**
     * Replaces the last reply with a new answer to the same user message (the old reply is
     * removed; its usage stays counted). Queued like `send`.
     */
    regenerate(opts?: SendOptions & { signal?: AbortSignal }): Promise<TurnResult> {
      return this.#turns.regenerate(this.id, opts);
    }
    /**
     * Condenses the conversation now for the model its next turn would use, and stores the
     * summary (with what the summarizer cost) and the facts of the condensed messages not stored
     * yet, as a turn would; the messages stay as they are. Resolves to `{ model, tokensBefore,
     * tokensAfter, strategy, fallbacks, summary, facts }`.
     */
    condense(opts?: SendOptions): Promise<Condensing> {
      return this.#turns.condense(this.id, opts);
    }
    /** The latest summary of the conversation's older part, or `null`. */
    async summary(): Promise<SummaryRecord | null> {
      return (await this.summaries()).at(-1) ?? null;
    }
    /**
     * A new session that starts as a copy of this one up to message `seq` (default: all of it):
     * branch a conversation to try another direction. The copy is stored in one batch.
     */
    async fork(seq?: number, init?: { title?: string; metadata?: Record<string, unknown> | null }): Promise<Session> {
      if (seq !== undefined && !(Number.isInteger(seq) && seq >= 0)) throw contextwiseError('INVALID_ARGUMENT', `fork: seq must be a message's sequence number (an integer ≥ 0), got ${String(seq)}`);
      const [info, all] = await Promise.all([this.info(), this.messages()]);
      const upto = all.filter((m) => seq === undefined || m.seq <= seq);
      if (seq !== undefined && !upto.some((m) => m.seq === seq)) throw contextwiseError('INVALID_ARGUMENT', `fork: session ${this.id} has no message ${seq}`);
      const b = arg('fork');
      const patch = plain({ title: init?.title ?? (info.title ? `${info.title} (fork)` : undefined), metadata: init?.metadata ?? { forkOf: this.id, at: seq ?? upto.at(-1)?.seq ?? null } }, 'fork options', 'INVALID_ARGUMENT', b);
      const child = await this.#run((w, h) => w.storeSession(h, undefined, patch as never));
      const fork = new Session(child.id, this.#h, this.#turns);
      if (upto.length) await fork.commitTurn({ messages: upto.map((m) => m.message) });
      return fork;
    }
    #run<T>(f: (w: Exports, h: Wasm.StoreHandle) => Promise<T>): Promise<T> {
      return this.#h().then((h) => d.callAsync((w) => f(w, h)));
    }
    /** The stored record: title, created, updated, model, metadata. */
    info(): Promise<SessionRecord> {
      return this.#run((w, h) => w.storeGetSession(h, this.id));
    }
    /** Changes the title, model or metadata. */
    update(patch: { title?: string; model?: string; metadata?: Record<string, unknown> | null }): Promise<SessionRecord> {
      try {
        const p = plain(patch, 'session update', 'INVALID_ARGUMENT', arg('update'));
        return this.#run((w, h) => w.storeUpdateSession(h, this.id, p as never));
      } catch (e) { return Promise.reject(e); }
    }
    /** Sets the title. */
    rename(title: string): Promise<SessionRecord> {
      return this.update({ title });
    }
    /**
     * Stores one message at the end of the session; resolves to its record (`seq`, token counts
     * per loaded encoding). Concurrent appends from several tabs or processes all land, in one order.
     */
    append(message: ChatMessage): Promise<MessageRecord> {
      try {
        const m = plain(message, 'message', 'INVALID_MESSAGE', arg('append'));
        return this.#run((w, h) => w.storeAppend(h, this.id, m as ChatMessage));
      } catch (e) { return Promise.reject(e); }
    }
    /**
     * Stored messages in order: all by default; `{ last: 50 }` for the newest 50; `{ after: seq,
     * limit: 100 }` to page forward. Each record has the message as `message`.
     */
    messages(range?: MessageRange): Promise<MessageRecord[]> {
      try {
        const r = plain(range, 'messages options', 'INVALID_ARGUMENT', arg('messages'));
        return this.#run((w, h) => w.storeMessages(h, this.id, r as MessageRange | undefined));
      } catch (e) { return Promise.reject(e); }
    }
    /**
     * Stores everything a turn wrote — messages, usage, facts, a summary, calibration — all or
     * nothing: after a failure (STORAGE_QUOTA naming what was not saved, …) the session is
     * exactly as before.
     */
    commitTurn(turn: Turn): Promise<TurnReceipt> {
      try {
        const t = plain(turn, 'turn', 'INVALID_ARGUMENT', arg('commitTurn'));
        return this.#run((w, h) => w.storeCommitTurn(h, this.id, t as Turn));
      } catch (e) { return Promise.reject(e); }
    }
    /** Summaries, oldest coverage first. */
    summaries(): Promise<SummaryRecord[]> {
      return this.#run((w, h) => w.storeRecords(h, this.id, 'summaries') as Promise<SummaryRecord[]>);
    }
    /** Facts, oldest first (superseded ones carry `supersededBy`). */
    facts(): Promise<FactRecord[]> {
      return this.#run((w, h) => w.storeRecords(h, this.id, 'facts') as Promise<FactRecord[]>);
    }
    /** Usage records, oldest first. */
    usage(): Promise<UsageRecord[]> {
      return this.#run((w, h) => w.storeRecords(h, this.id, 'usage') as Promise<UsageRecord[]>);
    }
    /** This session as an export (see `manager.import`). */
    export(): Promise<Export> {
      return this.#run((w, h) => w.storeExport(h, [this.id]));
    }
    /** Deletes the session and everything that belongs to it. */
    delete(): Promise<boolean> {
      return this.#run((w, h) => w.storeDeleteSession(h, this.id));
    }
  }

  /**
   * The context manager: sessions and memory persisted where the app runs — IndexedDB in
   * browsers, SQLite in Node, Postgres across machines, or the app's own adapter.
   * @example
   * const manager = await ContextManager.open({ appName: 'my-app' });
   * const session = await manager.session();
   * await session.append({ role: 'user', content: 'Create a todo app' });
   */
  class ContextManager {
    readonly #h: () => Promise<Wasm.StoreHandle>;
    readonly #opened: Opened;
    readonly #manager: (() => Wasm.ManagerHandle) | undefined;
    readonly #onEvent: ((e: ContextEvent) => void) | undefined;
    readonly #queues = new Map<string, Promise<unknown>>();
    /** @internal */
    constructor(h: () => Promise<Wasm.StoreHandle>, opened: Opened, manager?: () => Wasm.ManagerHandle, onEvent?: (e: ContextEvent) => void) {
      this.#h = h;
      this.#opened = opened;
      this.#manager = manager;
      this.#onEvent = onEvent;
    }

    /** Runs `run` after every earlier turn of the session has settled. */
    #enqueue<T>(id: string, run: () => Promise<T>): Promise<T> {
      const prev = this.#queues.get(id) ?? Promise.resolve();
      const next = prev.then(run, run);
      this.#queues.set(id, next);
      const forget = () => { if (this.#queues.get(id) === next) this.#queues.delete(id); };
      next.then(forget, forget);
      return next;
    }

    /** The checked input and options of a turn, the manager handle and the event sink. */
    #prepare(call: 'send' | 'stream' | 'regenerate' | 'condense', input: unknown, opts: unknown) {
      const b = arg(call);
      const i = call === 'regenerate' || call === 'condense' ? undefined : typeof input === 'string' ? str(input, 'input', b) : plain(input, 'message', 'INVALID_MESSAGE', b);
      const { data, extra } = split(opts, `${call} options`, 'INVALID_ARGUMENT', b, ['signal'] as const);
      const manager = this.#manager;
      if (!manager) {
        throw contextwiseError('INVALID_CONFIG', `session.${call} needs providers: ContextManager.open({ appName, providers: { openai: { kind: 'openai', baseUrl, apiKey } }, router: { models: { primary: 'gpt-4o' } } })`);
      }
      const onEvent = this.#onEvent;
      // events reach the app after the wasm call returns to the event loop, never inside it
      const emit = (e: unknown) => { if (onEvent) queueMicrotask(() => { try { onEvent(e as ContextEvent); } catch { /* the app's handler */ } }); };
      return { input: i as string | ChatMessage, opts: data as SendOptions | undefined, signal: extra.signal, manager, emit };
    }

    readonly #turns: Turns = {
      preview: (id, input, opts, plan) => {
        try {
          const b = arg(plan ? 'plan' : 'assess');
          const i = input === undefined ? undefined : typeof input === 'string' ? str(input, 'input', b) : plain(input, 'message', 'INVALID_MESSAGE', b);
          const o = plain(opts, 'assess options', 'INVALID_ARGUMENT', b) as SendOptions | undefined;
          const manager = this.#manager;
          if (!manager) throw contextwiseError('INVALID_CONFIG', 'session.assess needs the turn configuration: ContextManager.open({ appName, providers, router })');
          return this.#h().then((h) => d.callAsync((w) => w.managerPreview(d.engine(w), h, manager(), id, i as string | ChatMessage | undefined, o, plan)));
        } catch (e) { return Promise.reject(e); }
      },
      condense: (id, opts) => {
        try {
          const p = this.#prepare('condense', undefined, opts);
          return this.#enqueue(id, () => this.#h().then((h) => d.callAsync((w) => w.managerCondense(d.engine(w), h, p.manager(), id, p.opts, p.emit))));
        } catch (e) { return Promise.reject(e); }
      },
      regenerate: (id, opts) => {
        try {
          const p = this.#prepare('regenerate', undefined, opts);
          return this.#enqueue(id, () => {
            const link = linkSignal(p.signal, 'regenerate options.signal');
            return this.#h()
              .then((h) => d.callAsync((w) => w.managerRegenerate(d.engine(w), h, p.manager(), id, p.opts, link.signal, p.emit)))
              .finally(link.done);
          });
        } catch (e) { return Promise.reject(e); }
      },
      send: (id, input, opts) => {
        try {
          const p = this.#prepare('send', input, opts);
          return this.#enqueue(id, () => {
            const link = linkSignal(p.signal, 'send options.signal');
            return this.#h()
              .then((h) => d.callAsync((w) => w.managerSend(d.engine(w), h, p.manager(), id, p.input, p.opts, link.signal, p.emit)))
              .finally(link.done);
          });
        } catch (e) { return Promise.reject(e); }
      },
      stream: (id, input, opts) => {
        const buffer: StreamDelta[] = [];
        let wake: (() => void) | undefined;
        let ended = false;
        let failure: unknown;
        // leaving the loop early stops the stream too
        const stop = new AbortController();
        let result: Promise<TurnResult>;
        try {
          const p = this.#prepare('stream', input, opts);
          result = this.#enqueue(id, async () => {
            const link = linkSignal(p.signal, 'stream options.signal');
            link.signal?.addEventListener('abort', () => stop.abort(), { once: true });
            let s: Wasm.TurnStream | undefined;
            try {
              const h = await this.#h();
              s = await d.callAsync((w) => w.managerStreamOpen(d.engine(w), h, p.manager(), id, p.input, p.opts, stop.signal, p.emit));
              for (;;) {
                const delta = await d.callAsync(() => (s as Wasm.TurnStream).next() as Promise<StreamDelta | undefined>);
                if (delta === undefined) break;
                buffer.push(delta);
                wake?.();
              }
              return s.result() as TurnResult;
            } catch (e) {
              failure = e;
              throw e;
            } finally {
              ended = true;
              wake?.();
              link.done();
              try { s?.free(); } catch { /* an instance that was replaced */ }
            }
          });
        } catch (e) {
          failure = e;
          ended = true;
          result = Promise.reject(e);
        }
        result.catch(() => {}); // observed through the iterator too
        async function* deltas(): AsyncGenerator<StreamDelta> {
          let finished = false;
          try {
            for (;;) {
              if (buffer.length) { yield buffer.shift()!; continue; }
              if (ended) {
                finished = true;
                if (failure !== undefined) throw failure;
                return;
              }
              await new Promise<void>((r) => { wake = r; });
              wake = undefined;
            }
          } finally {
            if (!finished) stop.abort();
          }
        }
        return Object.assign(deltas(), { result });
      },
    };

    /**
     * Opens the store (creating or upgrading its schema) and returns the manager. When the
     * store asked for is unavailable it falls back to memory and says so (`storage()`, `onEvent`).
     */
    static async open(config: ContextManagerConfig): Promise<ContextManager> {
      if (typeof config !== 'object' || config === null) throw contextwiseError('INVALID_CONFIG', "ContextManager.open needs { appName, store? }");
      let keys: string[], appName: unknown, store: unknown, onEvent: unknown;
      try {
        keys = Object.keys(config);
        ({ appName, store, onEvent } = config as unknown as Record<string, unknown>);
      } catch (e) { throw contextwiseError('INVALID_CONFIG', `ContextManager.open options could not be read: it threw (${describe(e)})`); }
      const unknown = keys.find((k) => !CONFIG_KEYS.has(k));
      if (unknown) throw contextwiseError('INVALID_CONFIG', `ContextManager.open: unknown option '${unknown.slice(0, 40)}' (known: ${[...CONFIG_KEYS].join(', ')})`);
      checkAppName(appName);
      if (onEvent !== undefined && typeof onEvent !== 'function') throw contextwiseError('INVALID_CONFIG', 'onEvent must be a function');
      await d.ready?.();
      // the turn configuration, checked before any store is opened; provider keys stay in memory
      const given = TURN_KEYS.filter((k) => (config as unknown as Record<string, unknown>)[k] !== undefined);
      let manager: (() => Wasm.ManagerHandle) | undefined;
      if (given.length) {
        const b = d.start('ContextManager.open');
        const turn = plain(Object.fromEntries(given.map((k) => [k, (config as unknown as Record<string, unknown>)[k]])), 'ContextManager.open', 'INVALID_CONFIG', b) as ManagerOptions;
        // a server's store holds every user's sessions: memory across sessions is opt-in there
        // (one appName per user keeps it apart); a browser's store is its user's alone
        if (d.rt.node && turn.memory?.crossSession === undefined) turn.memory = { ...turn.memory, crossSession: false };
        if (turn.providers && d.providerDefaults) {
          const defaults = d.providerDefaults;
          turn.providers = Object.fromEntries(Object.entries(turn.providers).map(([name, p]) => [name, defaults(p)]));
        }
        manager = managerHandle(turn);
        const encodings = d.call((w) => manager!().encodings(d.engine(w)));
        // browsers and workers load what the configured models count with (Node loads on first use)
        if (d.ready) for (const name of encodings) await d.loadEncoding(name);
      }
      const opened = await openBackend(d.rt, store, appName, d.start('ContextManager.open'));
      const h = storeHandle(opened);
      let info: StorageInfo;
      try {
        info = await h().then((handle) => d.call(() => handle.info() as StorageInfo));
      } catch (e) {
        // a store this version cannot use (STORAGE_VERSION, STORAGE_CORRUPT …): release it
        await opened.backend?.close().catch(() => {});
        throw e;
      }
      if (onEvent) {
        try { (onEvent as (e: ContextEvent) => void)({ type: 'storage', ...info, fallback: opened.fallback }); } catch { /* the app's handler */ }
      }
      return new ContextManager(h, opened, manager, onEvent as ((e: ContextEvent) => void) | undefined);
    }

    #run<T>(f: (w: Exports, h: Wasm.StoreHandle) => Promise<T>): Promise<T> {
      return this.#h().then((h) => d.callAsync((w) => f(w, h)));
    }

    /** `{ kind, persistent, detail, schema }`: where sessions are kept, or why memory was used. */
    storage(): Promise<StorageInfo> {
      return this.#h().then((h) => d.call(() => h.info() as StorageInfo));
    }

    /** The session with `id` (created when it does not exist), or a new session. */
    session(id?: string, init?: { title?: string; model?: string; metadata?: Record<string, unknown> | null }): Promise<Session> {
      try {
        const b = arg('session');
        const sid = id === undefined ? undefined : str(id, 'session id', b);
        const p = plain(init, 'session options', 'INVALID_ARGUMENT', b);
        return this.#run((w, h) => w.storeSession(h, sid, p as never)).then((s) => new Session(s.id, this.#h, this.#turns));
      } catch (e) { return Promise.reject(e); }
    }

    /** Sessions, most recently updated first: `{ sessions, cursor }`; pass `cursor` for the next page. */
    sessions(opts?: { limit?: number; cursor?: string | null }): Promise<SessionListing> {
      try {
        const o = plain(opts, 'sessions options', 'INVALID_ARGUMENT', arg('sessions'));
        return this.#run((w, h) => w.storeListSessions(h, o as never));
      } catch (e) { return Promise.reject(e); }
    }

    /** Facts and summaries of stored sessions that match `query` (BM25 with recency), best first. */
    relevantMemory(query: string, opts?: SearchOptions): Promise<MemoryHit[]> {
      try {
        const b = arg('relevantMemory');
        const q = str(query, 'query', b);
        const o = plain(opts, 'relevantMemory options', 'INVALID_ARGUMENT', b);
        return this.#run((w, h) => w.storeRelevantMemory(h, q, o as SearchOptions | undefined));
      } catch (e) { return Promise.reject(e); }
    }

    /** Every session (or `{ sessions: [ids] }`) as JSON in the documented export format. */
    export(opts?: { sessions?: string[] }): Promise<Export> {
      try {
        const o = plain(opts, 'export options', 'INVALID_ARGUMENT', arg('export')) as { sessions?: string[] } | undefined;
        return this.#run((w, h) => w.storeExport(h, o?.sessions));
      } catch (e) { return Promise.reject(e); }
    }

    /**
     * Imports an export (the object, or its JSON text); the file is checked completely first,
     * and a bad file (INVALID_IMPORT) changes nothing. `onConflict`: 'error' (default), 'skip' or 'replace' for ids that exist.
     */
    import(data: Export | string, opts?: { onConflict?: 'error' | 'skip' | 'replace' }): Promise<ImportReport> {
      try {
        const b = arg('import');
        // the export as an object, or as the JSON text of one (a file's contents)
        const json = typeof data === 'string' ? str(data, 'import data', b) : JSON.stringify(plain(data, 'import data', 'INVALID_IMPORT', b) ?? null);
        const o = plain(opts, 'import options', 'INVALID_ARGUMENT', b) as { onConflict?: string } | undefined;
        return this.#run((w, h) => w.storeImport(h, json, o?.onConflict as never));
      } catch (e) { return Promise.reject(e); }
    }

    /** Deletes a session and everything that belongs to it; `false` when there was none. */
    deleteSession(id: string): Promise<boolean> {
      try {
        const sid = str(id, 'session id', arg('deleteSession'));
        return this.#run((w, h) => w.storeDeleteSession(h, sid));
      } catch (e) { return Promise.reject(e); }
    }

    /**
     * What the turns did, kept in the store (so it survives a reload): per model `requests`,
     * `errors`, tokens, `cost`, `avgLatencyMs` / `p95LatencyMs`; turns, the share answered by
     * cheaper models and the estimated saving; condensations; the count cache's hit ratio.
     */
    stats(): Promise<ManagerStats> {
      return this.#h().then((h) => d.callAsync((w) => w.managerStats(d.engine(w), h)));
    }

    /** `stats()` as a short text table, for CLIs, logs and the demo. */
    formatStats(): Promise<string> {
      return this.#h().then((h) => d.callAsync((w) => w.managerFormatStats(d.engine(w), h)));
    }

    /** Calibration factors per model, as stored by turns. */
    calibration(): Promise<Record<string, number>> {
      return this.#run((w, h) => w.storeCalibration(h));
    }

    /** Closes the store's connections (database files, pools). */
    async close(): Promise<void> {
      if (this.#opened.closed) return;
      this.#opened.closed = true;
      await this.#opened.backend?.close();
    }
  }

  /** Test-only: the store contract (src/store/contract.rs) against a store over an empty database. */
  async function storeContract(store: StoreOption, appName = 'contract'): Promise<string[]> {
    const opened = await openBackend(d.rt, store, appName, d.start('ContextManager.open'));
    if (opened.fallback) throw contextwiseError('STORAGE_FAILED', opened.detail);
    try {
      return await d.callAsync((w) => w.storeContract(opened.backend));
    } finally {
      await opened.backend?.close();
    }
  }

  return { ContextManager, Session, storeContract };
}

