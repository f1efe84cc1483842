// The public API, shared by the web and Node entry points. Each runtime supplies how to get the
// wasm exports ready, how to replace an instance that trapped, and how to read a rank file;
// everything else is the same. Arguments are read here, into plain bounded data (input.ts), so
// nothing of the caller's runs inside a wasm call; every call that reaches the wasm goes through
// `call`, which turns a trap into INTERNAL and replaces the instance so the next call works.
import type * as Wasm from './contextwise_wasm.js';
import { contextManagerClass, type StoreRuntime } from './manager.js';
import {
  budget, charge, contextwiseError, describe, isContextwiseError, linkSignal, num, plain, split, str,
  type LinkedSignal,
  DEFAULT_LIMITS, type Budget, type ErrorCode, type Limits,
} from './input.js';
export type {
  EncodingName, ChatMessage, ContentPart, ToolCall, ToolDefinition, CountOptions, EncodeOptions,
  ChatCountOptions, ChatCount, RiskLevel, RiskAction, RiskThresholds, RiskOptions, RiskAssessment,
  ImageFormula, ModelInfo, ModelInfoInput, CacheStats, CondenseStrategy, CondenseOptions, Summarizer, MessagePlan,
  CondensationPlan, Fact, CondenseResult, ProviderOptions, ChatOptions, ChatResult, StreamDelta, Usage, UsageStats,
  RouterConfig, RouteDecision, RoutingStats, SummaryCacheStats, Attempt, ModelTotals, MessageAction, Passage, Recalled,
} from './contextwise_wasm.js';
import type { EncodingName, ModelInfo, ModelInfoInput, ChatMessage, CondenseOptions, Summarizer, CondenseResult, Passage, ProviderOptions, ChatOptions, ChatResult, StreamDelta, RouterConfig, RouteDecision } from './contextwise_wasm.js';
export { isContextwiseError, contextwiseError };
export type { ErrorCode, ContextwiseError, Limits } from './input.js';
export type { StoreAdapter, KeyRange, BatchOp } from './adapter.js';
export type { StoreOption, ContextEvent, ContextManagerConfig, TurnStream } from './manager.js';
export type {
  SessionRecord, SessionListing, MessageRecord, MessageRange, Turn, TurnReceipt, SummaryRecord, FactRecord, UsageRecord,
  NewFact, NewSummary, NewUsage, MemoryHit, SearchOptions, Export, SessionExport, ImportReport, StorageInfo,
} from './contextwise_wasm.js';

/** What `condense(messages, { recallTool: true })` adds when messages were evicted. */
export interface Recall {
  /** Searches the evicted messages (BM25): the best passages, best first, with the indices of their messages. */
  recall?: (query: string, opts?: { limit?: number }) => Passage[];
}

/** Where `loadEncoding` reads rank data from: bytes, or a URL / path to a `.cwr` file. */
export type EncodingSource = Uint8Array | ArrayBuffer | URL | string;

/** A stream: iterate it for deltas; `result` resolves to the final message, usage and cost. */
export interface ChatStream extends AsyncIterable<StreamDelta> {
  result: Promise<ChatResult>;
}

/** A provider: `chat()` for a complete answer, `stream()` for deltas; `complete()` makes it a condensation summarizer. */
export interface Provider {
  chat(opts: ChatOptions): Promise<ChatResult>;
  stream(opts: ChatOptions): ChatStream;
  complete(system: string, prompt: string, maxTokens: number, model?: string): Promise<string>;
  /** The model `complete()` uses (set it before passing the provider to `condense`). */
  model?: string;
}

type Exports = typeof Wasm;
/** A wasm export's signature without its leading engine handle: what users call. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Public<F> = F extends (engine: any, ...args: infer A) => infer R ? (...args: A) => R : never;

/** What a runtime supplies. */
export interface Runtime {
  /** The wasm exports, or throws NOT_INITIALIZED. */
  wasm(): Exports;
  /** Replaces the wasm instance with a fresh one (after a trap). */
  replace(): void;
  /** Reads the package's own rank file, or a URL (or, in Node, a path). */
  readRanks(name: EncodingName, location?: URL | string): Promise<Uint8Array>;
  /** Node: the instance loads the package's own rank files by itself on first use. */
  loadsOwnRanks?: boolean;
  /** Browsers: instantiates the wasm (what `ContextManager.open` waits for). */
  ready?(): Promise<void>;
  /** Node: SQLite and Postgres stores. */
  nodeStores?: StoreRuntime['node'];
  /** Runtime defaults for provider options (browsers: Anthropic's browser-access header). */
  providerDefaults?(cfg: ProviderOptions): ProviderOptions;
}

/** `CODE: message` of an error with a string `code`, else its message; never throws. */
function describeWithCode(e: unknown): string {
  let code: unknown;
  try { code = (e as { code?: unknown })?.code; } catch { /* hostile getter */ }
  return typeof code === 'string' ? `${code.slice(0, 40)}: ${describe(e)}` : describe(e);
}

/**
 * True for what a wasm instance throws when it traps or its stack overflows — and for the
 * re-entrancy error, which only an instance left mid-call by an earlier trap can raise (calls
 * are synchronous and the engine is never held across an await).
 */
function isTrap(e: unknown): boolean {
  if (isContextwiseError(e)) return e.code === 'INTERNAL' && /called re-entrantly/.test(e.message);
  return (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) || e instanceof RangeError;
}

/** Each provider's `chat`, read once, as a function the wasm calls (the fallback loop is in Rust). */
function providerCalls(providers: Record<string, unknown>): Record<string, (o: ChatOptions) => Promise<ChatResult>> {
  const out: Record<string, (o: ChatOptions) => Promise<ChatResult>> = Object.create(null);
  let names: string[];
  try { names = Object.keys(providers); } catch (e) { throw contextwiseError('INVALID_ARGUMENT', `routedChat options.providers could not be read: it threw (${describe(e)})`); }
  for (const name of names) {
    let chat: unknown, p: unknown;
    try { p = providers[name]; chat = (p as Provider | null)?.chat; } catch (e) {
      throw contextwiseError('INVALID_ARGUMENT', `routedChat options.providers.${name.slice(0, 40)} could not be read: it threw (${describe(e)})`);
    }
    if (typeof chat === 'function') out[name] = (o) => Promise.resolve().then(() => (chat as Provider['chat']).call(p, o));
  }
  return out;
}

/** A real typed array of a kind (`ArrayBuffer.isView` is false for a Proxy, so no trap runs). */
function isView<T>(v: unknown, kind: new (n: number) => T): v is T {
  try {
    return ArrayBuffer.isView(v) && v instanceof kind;
  } catch {
    return false;
  }
}

/** Rank bytes from a caller's source (bytes, an ArrayBuffer) or from where the runtime reads them. */
function ranksFrom(rt: Runtime, name: EncodingName, source?: EncodingSource): Promise<Uint8Array> {
  if (source === undefined || typeof source === 'string' || source instanceof URL) return rt.readRanks(name, source);
  if (source instanceof Uint8Array) return Promise.resolve(source);
  if (source instanceof ArrayBuffer) return Promise.resolve(new Uint8Array(source));
  throw new Error('source must be bytes, an ArrayBuffer, a URL or a path');
}

/** The API bound to a runtime. */
export function bind(rt: Runtime) {
  const pending = new Map<string, Promise<void>>();
  let limits: Limits = { ...DEFAULT_LIMITS };
  /** Bumped each time the instance is replaced; handles made before recreate themselves. */
  let generation = 0;
  // What a fresh wasm instance needs: the encodings loaded from bytes (Node loads the package's
  // own files by itself again). Each contextwise instance restores its own state lazily (`handle`).
  const encodings = new Map<EncodingName, Uint8Array>();

  function restore(w: Exports) {
    for (const [name, bytes] of encodings) w.loadEncodingBytes(name, bytes);
  }

  /** Replaces a trapped instance and says so. */
  function recover(e: unknown): ReturnType<typeof contextwiseError> {
    generation++;
    pending.clear();
    let restored = 'loaded encodings and registered models were restored';
    try {
      rt.replace();
      restore(rt.wasm());
    } catch (again) {
      restored = `restoring it failed too (${describe(again)}); reload the page or restart the process`;
    }
    return contextwiseError('INTERNAL',
      `contextwise's wasm instance failed (${describe(e)}) and was replaced with a fresh one; ${restored}. ` +
      'Usage, routing statistics, calibration and caches start over. Please report this with the input that caused it.');
  }

  /** Runs `f` on the current instance; a trap becomes INTERNAL and a fresh instance. */
  function call<T>(f: (w: Exports) => T): T {
    const w = rt.wasm();
    try {
      return f(w);
    } catch (e) {
      throw isTrap(e) ? recover(e) : e;
    }
  }

  /** Like `call` for a promise the wasm returns. */
  function callAsync<T>(f: (w: Exports) => Promise<T>): Promise<T> {
    try {
      return call(f).catch((e: unknown) => { throw isTrap(e) ? recover(e) : e; });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A budget for one call. */
  const start = (name: string): Budget => budget(name, limits);
  const messagesArg = (v: unknown, b: Budget) => plain(v, 'messages', 'INVALID_MESSAGE', b);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const optionsArg = (v: unknown, name: string, b: Budget): any => plain(v, `${name} options`, 'INVALID_ARGUMENT', b);

  /**
   * Loads an encoding's ranks once; concurrent callers share one load. In Node the package's
   * own file is read; in browsers it is fetched relative to the module. Pass `source` (bytes,
   * a URL or a path) to load from elsewhere.
   * @example await loadEncoding('o200k_base');
   */
  function loadEncoding(name: EncodingName, source?: EncodingSource): Promise<void> {
    let loaded: boolean;
    try {
      // Rust knows the encoding names: an unknown one rejects with UNKNOWN_ENCODING here.
      loaded = call((w) => w.isEncodingLoaded(str(name, 'encoding name', start('loadEncoding'))));
    } catch (e) {
      return Promise.reject(e);
    }
    if (source === undefined && loaded) return Promise.resolve();
    const inFlight = pending.get(name);
    if (inFlight && source === undefined) return inFlight;
    const p = (async () => {
      let bytes: Uint8Array;
      try {
        bytes = await ranksFrom(rt, name, source);
      } catch (e) {
        if (isContextwiseError(e)) throw e;
        throw contextwiseError('ENCODING_LOAD_FAILED',
          `could not read the rank file for '${name}' (${describe(e)}); ` +
          `check that the package's ranks/ folder is served, or pass the bytes: loadEncoding('${name}', bytes)`);
      }
      loadBytes(name, bytes, source === undefined && !!rt.loadsOwnRanks);
    })().finally(() => pending.delete(name));
    pending.set(name, p);
    return p;
  }

  function loadBytes(name: EncodingName, bytes: Uint8Array, own: boolean) {
    const n = str(name, 'encoding name', start('loadEncodingBytes'));
    if (!isView(bytes, Uint8Array)) throw contextwiseError('INVALID_ARGUMENT', 'rank bytes must be a Uint8Array');
    // a copy, made from the array's internal slots (no getter of the caller's runs), which is also
    // what a replaced instance is restored from, whatever the caller does with its buffer later
    const copy = new Uint8Array(bytes);
    call((w) => w.loadEncodingBytes(n, copy));
    if (own) encodings.delete(name); else encodings.set(name, copy);
  }

  /**
   * A contextwise instance: its own registry additions, calibration, count and summary caches,
   * usage and routing statistics; the encodings are shared by every instance.
   */
  /** Each instance's engine handle (the manager's turns run on the default instance's). */
  const engineOf = new WeakMap<object, (w: Exports) => Wasm.EngineHandle>();
  function instance() {
    // what this instance's handle needs again after the wasm instance was replaced
    const registered: unknown[] = [];
    let cacheConfig: unknown;
    let summaryCacheConfig: unknown;
    let handle: Wasm.EngineHandle | undefined;
    let handleGeneration = -1;
    /** This instance's engine in the current wasm instance (made, and restored, on first use). */
    const h = (w: Exports): Wasm.EngineHandle => {
      if (!handle || handleGeneration !== generation) {
        const fresh = new w.EngineHandle();
        for (const info of registered) w.modelsRegister(fresh, info as ModelInfoInput);
        if (cacheConfig !== undefined) w.configureCountCache(fresh, cacheConfig as { capacity?: number });
        if (summaryCacheConfig !== undefined) w.configureSummaryCache(fresh, summaryCacheConfig as { capacity?: number });
        handle = fresh;
        handleGeneration = generation;
      }
      return handle;
    };
    /** A call that takes (text, options). */
    const textCall = <R>(name: string, f: (w: Exports, e: Wasm.EngineHandle, text: string, o: any) => R) => (text: unknown, opts: unknown): R => {
      const b = start(name);
      const t = str(text, 'text', b);
      const o = optionsArg(opts, name, b);
      return call((w) => f(w, h(w), t, o));
    };
    /** A cache-configuring call; the capacity is remembered for a replaced instance. */
    const configure = (name: string, f: (w: Exports, e: Wasm.EngineHandle, c: { capacity?: number; clear?: boolean }) => void,
      remember: (c: { capacity: number }) => void) => (cfg: unknown): void => {
      const c = (plain(cfg, `${name} options`, 'INVALID_CONFIG', start(name)) ?? {}) as { capacity?: number; clear?: boolean };
      call((w) => f(w, h(w), c));
      if (c.capacity !== undefined) remember({ capacity: c.capacity });
    };
    /** A call that takes (messages, options). */
    const messagesCall = <R>(name: string, f: (w: Exports, e: Wasm.EngineHandle, m: ChatMessage[], o: any) => R) => (messages: unknown, opts: unknown): R => {
      const b = start(name);
      const m = messagesArg(messages, b) as ChatMessage[];
      const o = optionsArg(opts, name, b);
      return call((w) => f(w, h(w), m, o));
    };

    const models = {
      /** The registry entry of a model id or alias (dated snapshots resolve to their family). */
      get: (id: string): ModelInfo => call((w) => w.modelsGet(h(w), str(id, 'model id', start('models.get')))),
      /** Every registered model. */
      list: (): ModelInfo[] => call((w) => w.modelsList(h(w))),
      /** Adds a model or replaces the entry with the same id. */
      register: (info: ModelInfoInput): void => {
        const copy = plain(info, 'model', 'INVALID_CONFIG', start('models.register'));
        call((w) => w.modelsRegister(h(w), copy as ModelInfoInput));
        // one entry per id: a later registration replaces the earlier one
        const id = (copy as { id: string }).id;
        const at = registered.findIndex((r) => (r as { id: string }).id === id);
        if (at >= 0) registered.splice(at, 1);
        registered.push(copy);
      },
    };

    /** A summarizer the wasm can call safely: `complete` is read once, and whatever it throws becomes a plain Error. */
    function summarizer(p: unknown): Summarizer | undefined {
      if (p === undefined || p === null) return undefined;
      const complete = (() => {
        try { return (p as Summarizer).complete; } catch (e) {
          throw contextwiseError('INVALID_ARGUMENT', `condense options.provider.complete could not be read: it threw (${describe(e)})`);
        }
      })();
      if (typeof complete !== 'function') throw contextwiseError('INVALID_ARGUMENT', 'condense options.provider must have a complete(system, prompt, maxTokens) function');
      return {
        complete: (system: string, prompt: string, maxTokens: number) =>
          // the answer is checked in Rust; a rejection becomes a plain Error here, so nothing of
        // the caller's (a getter on the error) runs inside the wasm
        Promise.resolve().then(() => complete.call(p, system, prompt, maxTokens)).catch(
          (e) => Promise.reject(new Error(describeWithCode(e)))),
      };
    }

    /** A provider handle that recreates itself after the instance was replaced. */
    function providerHandle(cfg: Record<string, unknown>) {
      const make = () => call((w) => w.createProvider(h(w), cfg as unknown as ProviderOptions));
      let inner = make();
      let gen = generation;
      return () => {
        if (gen !== generation) { inner = make(); gen = generation; }
        return inner;
      };
    }

    /** Chat options: a plain copy with contextwise's own signal, linked to the caller's. */
    function chatOptions(opts: unknown): { o: ChatOptions; link: LinkedSignal } {
      const { data, extra } = split(opts, 'chat options', 'INVALID_ARGUMENT', start('chat'), ['signal'] as const);
      if (!data) throw contextwiseError('INVALID_ARGUMENT', 'chat options must be an object with { model, messages }');
      const link = linkSignal(extra.signal, 'chat options.signal');
      return { o: (link.signal ? { ...data, signal: link.signal } : data) as unknown as ChatOptions, link };
    }

    function createProvider(options: ProviderOptions & { model?: string }): Provider {
      const { data } = split(options, 'createProvider options', 'INVALID_CONFIG', start('createProvider'), [] as const);
      if (!data) throw contextwiseError('INVALID_CONFIG', "createProvider needs options: { kind: 'openai' | 'anthropic' | 'ollama', baseUrl, apiKey? }");
      const { model, ...rest } = data as unknown as ProviderOptions & { model?: unknown };
      if (model !== undefined && typeof model !== 'string') throw contextwiseError('INVALID_CONFIG', 'createProvider options.model must be a string');
      const cfg = (rt.providerDefaults ? rt.providerDefaults(rest) : rest) as unknown as Record<string, unknown>;
      const inner = providerHandle(cfg);
      const provider: Provider = {
        model,
        chat: (opts) => {
          try {
            const { o, link } = chatOptions(opts);
            return callAsync(() => inner().chat(o) as Promise<ChatResult>).finally(link.done);
          } catch (e) {
            return Promise.reject(e);
          }
        },
        stream(opts) {
          let resolve!: (r: ChatResult) => void;
          let reject!: (e: unknown) => void;
          const result = new Promise<ChatResult>((res, rej) => { resolve = res; reject = rej; });
          result.catch(() => {}); // observed through the iterator too
          async function* deltas(): AsyncGenerator<StreamDelta> {
            let link: LinkedSignal | undefined;
            let s: Wasm.ProviderStream | undefined;
            let finished = false;
            try {
              const c = chatOptions(opts);
              link = c.link;
              s = await callAsync(() => inner().openStream(c.o) as Promise<Wasm.ProviderStream>);
              for (;;) {
                const d = await callAsync(() => (s as Wasm.ProviderStream).next() as Promise<StreamDelta | undefined>);
                if (d === undefined) break;
                yield d;
              }
              finished = true;
              resolve(s.result() as ChatResult);
            } catch (e) {
              finished = true;
              reject(e);
              throw e;
            } finally {
              // the caller stopped iterating (break, return, throw): the download stops and
              // `result` says so instead of never settling
              if (!finished) reject(contextwiseError('ABORTED', 'the stream was stopped before its end; its result is incomplete'));
              link?.done();
              try { s?.free(); } catch { /* an instance that was replaced */ }
            }
          }
          return Object.assign(deltas(), { result });
        },
        async complete(system, prompt, maxTokens, m) {
          const use = m ?? provider.model;
          if (!use) throw contextwiseError('INVALID_ARGUMENT', 'set provider.model (or pass model) before using the provider as a summarizer');
          const r = await provider.chat({ model: use, maxTokens, messages: [{ role: 'system', content: system }, { role: 'user', content: prompt }] });
          const c = r.message.content;
          return typeof c === 'string' ? c : '';
        },
      };
      return provider;
    }

    const api = {
      models,
      /** Tokens in `text`; special-token strings count as plain text. */
      countTokens: textCall('countTokens', (w, e, t, o) => w.countTokens(e, t, o)) as Public<Exports['countTokens']>,
      /** Token ids of `text`. */
      encode: textCall('encode', (w, e, t, o) => w.encode(e, t, o)) as Public<Exports['encode']>,
      /** Text of token ids. */
      decode: ((tokens, opts) => {
        const b = start('decode');
        const ids = isView(tokens, Uint32Array) ? new Uint32Array(tokens) : plain(tokens, 'tokens', 'INVALID_ARGUMENT', b);
        if (ids instanceof Uint32Array) charge(b, ids.length);
        const o = optionsArg(opts, 'decode', b);
        return call((w) => w.decode(h(w), ids as Uint32Array, o));
      }) as Public<Exports['decode']>,
      /** The count when within `limit`, else `false`; stops as soon as the limit is passed. */
      isWithinTokenLimit: ((text, limit, opts) => {
        const b = start('isWithinTokenLimit');
        const t = str(text, 'text', b);
        const l = num(limit, 'limit');
        const o = optionsArg(opts, 'isWithinTokenLimit', b);
        return call((w) => w.isWithinTokenLimit(h(w), t, l, o));
      }) as Public<Exports['isWithinTokenLimit']>,
      /** Counts a conversation (OpenAI framing, images, tools). */
      countMessages: messagesCall('countMessages', (w, e, m, o) => w.countMessages(e, m, o)) as Public<Exports['countMessages']>,
      /** Utilization, level and recommended action for a conversation. */
      assessRisk: messagesCall('assessRisk', (w, e, m, o) => w.assessRisk(e, m, o)) as Public<Exports['assessRisk']>,
      /** A dry run: keep / summarize / drop / truncate per message, budgets and cost. Changes nothing. */
      planCondensation: messagesCall('planCondensation', (w, e, m, o) => w.planCondensation(e, m, o)) as Public<Exports['planCondensation']>,
      /**
       * Carries out a plan: `{ messages, plan, facts, summary, metrics }`; the input is not changed.
       * A summarizer call that takes longer than `timeoutMs` (default 60 s) counts as failed and the
       * strategy chain falls back.
       */
      condense: (messages: ChatMessage[], opts: CondenseOptions & { provider?: Summarizer }): Promise<CondenseResult & Recall> => {
        try {
          const b = start('condense');
          const m = messagesArg(messages, b);
          const { data, extra } = split(opts, 'condense options', 'INVALID_ARGUMENT', b, ['provider'] as const);
          const provider = summarizer(extra.provider);
          const o = provider ? { ...data, provider } : data;
          const done = callAsync((w) => w.condense(h(w), m as ChatMessage[], o as unknown as CondenseOptions) as Promise<CondenseResult & Recall>);
          if (!(data as { recallTool?: unknown } | undefined)?.recallTool) return done;
          return done.then((r) => (r.tool ? { ...r, recall: recaller(m as ChatMessage[], r.plan.evicted) } : r));
        } catch (e) {
          return Promise.reject(e);
        }
      },
      /** Creates a provider (OpenAI-compatible, Anthropic, Ollama) that calls `fetch` directly. */
      createProvider,
      /** Picks the model for a request (rules, task, capabilities, context fit, cost, fallbacks). */
      route: ((messages: unknown, config: unknown) => {
        const b = start('route');
        const m = messagesArg(messages, b);
        const c = plain(config, 'router config', 'INVALID_CONFIG', b);
        return call((w) => w.route(h(w), m as ChatMessage[], c as RouterConfig));
      }) as Public<Exports['route']>,
      /** Routing totals. */
      routingStats: (() => call((w) => w.routingStats(h(w)))) as Public<Exports['routingStats']>,
      /**
       * Routes, then calls the chosen model's provider; when a call fails with a retryable error
       * (after that provider's own retries), tries the next model of the fallback chain. The
       * decision records every attempt. `providers` maps registry provider names
       * ('openai', 'anthropic', 'deepseek', 'ollama', …) to providers.
       */
      routedChat: async (
        messages: ChatMessage[],
        opts: { router: RouterConfig; providers: Record<string, Provider>; maxTokens?: number; signal?: AbortSignal },
      ): Promise<{ result: ChatResult; decision: RouteDecision }> => {
        const b = start('routedChat');
        const { data, extra } = split(opts, 'routedChat options', 'INVALID_ARGUMENT', b, ['providers', 'signal'] as const);
        if (!data || typeof extra.providers !== 'object' || extra.providers === null) {
          throw contextwiseError('INVALID_ARGUMENT', 'routedChat needs options: { router, providers: { openai: createProvider(…), … } }');
        }
        const chats = providerCalls(extra.providers as Record<string, unknown>);
        const m = messagesArg(messages, b) as ChatMessage[];
        const link = linkSignal(extra.signal, 'routedChat options.signal');
        try {
          return await callAsync((w) => w.routedChat(h(w), m, data as { router: RouterConfig }, link.signal, chats));
        } finally {
          link.done();
        }
      },
      /** Per-model totals of provider calls (requests, errors, tokens, cost, latency). */
      usageStats: (() => call((w) => w.usageStats(h(w)))) as Public<Exports['usageStats']>,
      /** Moves an estimated model's factor toward the provider's reported prompt tokens. */
      calibrate: ((model, ours, reported) => {
        const id = str(model, 'model id', start('calibrate'));
        return call((w) => w.calibrate(h(w), id, num(ours, 'ourCount'), num(reported, 'reportedPromptTokens')));
      }) as Public<Exports['calibrate']>,
      /** Count-cache counters. */
      countCacheStats: (() => call((w) => w.countCacheStats(h(w)))) as Public<Exports['countCacheStats']>,
      /** Sets the count cache's capacity and/or clears it. */
      configureCountCache: configure('configureCountCache', (w, e, c) => w.configureCountCache(e, c), (c) => { cacheConfig = c; }) as Public<Exports['configureCountCache']>,
      /** Summary-cache counters: `{ size, capacity, hits }`. */
      summaryCacheStats: (() => call((w) => w.summaryCacheStats(h(w)))) as Public<Exports['summaryCacheStats']>,
      /** Sets the summary cache's capacity (LRU, default 256) and/or clears it. */
      configureSummaryCache: configure('configureSummaryCache', (w, e, c) => w.configureSummaryCache(e, c), (c) => { summaryCacheConfig = c; }) as Public<Exports['configureSummaryCache']>,
      /** Test-only: makes the wasm instance trap, to exercise the recovery. */
      __forceTrapForTesting: (): void => call((w) => w.forceTrap(h(w))),
    };
    engineOf.set(api, h);
    return api;
  }

  /**
   * `recall(query, { limit })` over the evicted messages of a condensation: the best passages
   * with the indices of the messages they came from. The index is built on the first search (and
   * again after the wasm instance was replaced).
   */
  function recaller(messages: ChatMessage[], evicted: number[]): Recall['recall'] {
    let index: Wasm.RecallHandle | undefined;
    let indexGeneration = -1;
    return (query: string, opts?: { limit?: number }) => {
      const b = start('recall');
      const q = str(query, 'recall query', b);
      const o = plain(opts, 'recall options', 'INVALID_ARGUMENT', b) as { limit?: unknown } | undefined;
      for (const k of Object.keys(o ?? {})) if (k !== 'limit') throw contextwiseError('INVALID_ARGUMENT', `recall options: unknown field '${k}'; use limit`);
      const limit = o?.limit === undefined ? undefined : num(o.limit, 'recall limit');
      return call((w) => {
        if (!index || indexGeneration !== generation) {
          index = w.recallIndex(messages, Uint32Array.from(evicted));
          indexGeneration = generation;
        }
        return index.search(q, limit);
      });
    };
  }

  const defaultInstance = instance();
  const managers = contextManagerClass({
    ready: rt.ready, wasm: rt.wasm, call, callAsync, generation: () => generation, start, rt: { node: rt.nodeStores },
    engine: (w) => engineOf.get(defaultInstance)!(w), loadEncoding: (name) => loadEncoding(name as EncodingName),
    providerDefaults: rt.providerDefaults,
  });
  return {
    ...defaultInstance,
    /** Sessions and memory, persisted (IndexedDB, SQLite, Postgres or an adapter). */
    ContextManager: managers.ContextManager,
    /** Test-only: runs the store contract against a store over an empty database. */
    __storeContractForTesting: managers.storeContract,
    loadEncoding,
    /** Loaded encoding names. */
    loadedEncodings: (): string[] => call((w) => w.loadedEncodings()),
    /** Loads rank bytes synchronously (for callers that already hold them). */
    loadEncodingBytes: (name: EncodingName, bytes: Uint8Array): void => loadBytes(name, bytes, false),
    /**
     * A new instance: its own registry additions, calibration, caches, usage and routing
     * statistics; the loaded encodings are shared.
     * @example const tenant = createInstance(); tenant.models.register({ ... });
     */
    createInstance: instance,
    /**
     * Bounds on what one call reads from its arguments, checked before anything is allocated:
     * `maxInputChars` (string lengths plus one per value, default 64 Mi) and `maxDepth` (nesting
     * of arrays and objects, default 64). Returns the bounds in force.
     * @example configureLimits({ maxInputChars: 8_000_000 });
     */
    configureLimits(next?: Partial<Limits>): Limits {
      const c = plain(next, 'configureLimits options', 'INVALID_CONFIG', budget('configureLimits', DEFAULT_LIMITS)) as Record<string, unknown> | undefined;
      const out = { ...limits };
      for (const [k, v] of Object.entries(c ?? {})) {
        if (k !== 'maxInputChars' && k !== 'maxDepth') throw contextwiseError('INVALID_CONFIG', `configureLimits: unknown field '${k}'; use maxInputChars or maxDepth`);
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || (k === 'maxDepth' && v > 256)) {
          throw contextwiseError('INVALID_CONFIG', `configureLimits: ${k} must be a positive integer${k === 'maxDepth' ? ' up to 256' : ''}`);
        }
        out[k] = v;
      }
      limits = out;
      return { ...limits };
    },
  };
}
