// The public API, shared by the web and Node entry points. Each runtime supplies how to get the
// wasm exports ready and how to read a rank file; everything else is the same.
import type * as Wasm from './contextwise_wasm.js';
export type {
  EncodingName, ChatMessage, ContentPart, ToolCall, ToolDefinition, CountOptions, EncodeOptions,
  ChatCountOptions, ChatCount, RiskLevel, RiskAction, RiskThresholds, RiskOptions, RiskAssessment,
  ImageFormula, ModelInfo, ModelInfoInput, CacheStats, CondenseStrategy, CondenseOptions, Summarizer, MessagePlan,
  CondensationPlan, Fact, CondenseResult, ProviderOptions, ChatOptions, ChatResult, StreamDelta, Usage, UsageStats,
  RouterConfig, RouteDecision, RoutingStats,
} from './contextwise_wasm.js';
import type { EncodingName, ModelInfo, ModelInfoInput, ChatMessage, CondenseOptions, Summarizer, CondenseResult, ProviderOptions, ChatOptions, ChatResult, StreamDelta, RouterConfig, RouteDecision } from './contextwise_wasm.js';

/** Where `loadEncoding` reads rank data from: bytes, or a URL / path to a `.cwr` file. */
export type EncodingSource = Uint8Array | ArrayBuffer | URL | string;

/** Stable error codes (`err.code`). */
export type ErrorCode =
  | 'UNKNOWN_MODEL' | 'UNKNOWN_ENCODING' | 'ENCODING_NOT_LOADED' | 'ENCODING_LOAD_FAILED' | 'INVALID_RANKS'
  | 'INVALID_MESSAGE' | 'INVALID_CONFIG' | 'INVALID_ARGUMENT' | 'INVALID_TOKEN' | 'NOT_INITIALIZED' | 'SUMMARIZER_FAILED' | 'SUMMARIZER_TIMEOUT';

/** Every error contextwise throws: a real `Error` with `name === 'ContextwiseError'` and a `code`. */
export interface ContextwiseError extends Error {
  name: 'ContextwiseError';
  code: ErrorCode;
}

/** True for errors thrown by contextwise. */
export function isContextwiseError(e: unknown): e is ContextwiseError {
  return e instanceof Error && e.name === 'ContextwiseError' && typeof (e as { code?: unknown }).code === 'string';
}

/** Builds a ContextwiseError (same shape as the ones thrown from Rust). */
export function contextwiseError(code: ErrorCode, message: string): ContextwiseError {
  const e = new Error(message) as ContextwiseError;
  e.name = 'ContextwiseError';
  e.code = code;
  return e;
}

/** Rejects with code SUMMARIZER_TIMEOUT when `p` takes longer than `ms`. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(contextwiseError('SUMMARIZER_TIMEOUT', `the summarizer did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

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

/** What a runtime supplies. */
export interface Runtime {
  /** The wasm exports, or throws NOT_INITIALIZED. */
  wasm(): typeof Wasm;
  /** Reads the package's own rank file, or the given source. */
  readRanks(name: EncodingName, source?: EncodingSource): Promise<Uint8Array>;
  /** Runtime defaults for provider options (browsers: Anthropic's browser-access header). */
  providerDefaults?(cfg: ProviderOptions): ProviderOptions;
}

/** The API bound to a runtime. */
export function bind(rt: Runtime) {
  const pending = new Map<string, Promise<void>>();

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
      loaded = rt.wasm().isEncodingLoaded(String(name));
    } catch (e) {
      return Promise.reject(e);
    }
    if (source === undefined && loaded) return Promise.resolve();
    const inFlight = pending.get(name);
    if (inFlight && source === undefined) return inFlight;
    const p = (async () => {
      let bytes: Uint8Array;
      try {
        bytes = await rt.readRanks(name, source);
      } catch (e) {
        if (isContextwiseError(e)) throw e;
        throw contextwiseError('ENCODING_LOAD_FAILED',
          `could not read the rank file for '${name}' (${(e as Error)?.message ?? e}); ` +
          `check that the package's ranks/ folder is served, or pass the bytes: loadEncoding('${name}', bytes)`);
      }
      rt.wasm().loadEncodingBytes(name, bytes);
    })().finally(() => pending.delete(name));
    pending.set(name, p);
    return p;
  }

  const models = {
    /** The registry entry of a model id or alias (dated snapshots resolve to their family). */
    get: (id: string): ModelInfo => rt.wasm().modelsGet(id),
    /** Every registered model. */
    list: (): ModelInfo[] => rt.wasm().modelsList(),
    /** Adds a model or replaces the entry with the same id. */
    register: (info: ModelInfoInput): void => rt.wasm().modelsRegister(info),
  };

  return {
    loadEncoding,
    models,
    /** Loaded encoding names. */
    loadedEncodings: (): string[] => rt.wasm().loadedEncodings(),
    /** Loads rank bytes synchronously (for callers that already hold them). */
    loadEncodingBytes: (name: EncodingName, bytes: Uint8Array): void => rt.wasm().loadEncodingBytes(name, bytes),
    /** Tokens in `text`; special-token strings count as plain text. */
    countTokens: ((text, opts) => rt.wasm().countTokens(text, opts)) as typeof Wasm.countTokens,
    /** Token ids of `text`. */
    encode: ((text, opts) => rt.wasm().encode(text, opts)) as typeof Wasm.encode,
    /** Text of token ids. */
    decode: ((tokens, opts) => rt.wasm().decode(tokens, opts)) as typeof Wasm.decode,
    /** The count when within `limit`, else `false`; stops as soon as the limit is passed. */
    isWithinTokenLimit: ((text, limit, opts) => rt.wasm().isWithinTokenLimit(text, limit, opts)) as typeof Wasm.isWithinTokenLimit,
    /** Counts a conversation (OpenAI framing, images, tools). */
    countMessages: ((messages, opts) => rt.wasm().countMessages(messages, opts)) as typeof Wasm.countMessages,
    /** Utilization, level and recommended action for a conversation. */
    assessRisk: ((messages, opts) => rt.wasm().assessRisk(messages, opts)) as typeof Wasm.assessRisk,
    /** A dry run: keep / summarize / drop / truncate per message, budgets and cost. Changes nothing. */
    planCondensation: ((messages, opts) => rt.wasm().planCondensation(messages, opts)) as typeof Wasm.planCondensation,
    /**
     * Carries out a plan: `{ messages, plan, facts, summary, metrics }`; the input is not changed.
     * A summarizer call that takes longer than `timeoutMs` (default 60 s) counts as failed and the
     * strategy chain falls back.
     */
    condense: (messages: ChatMessage[], opts: CondenseOptions & { provider?: Summarizer; timeoutMs?: number }): Promise<CondenseResult> => {
      const { provider, timeoutMs = 60_000, ...rest } = opts ?? ({} as CondenseOptions);
      const wrapped = provider && {
        complete: (system: string, prompt: string, maxTokens: number) =>
          withTimeout(Promise.resolve().then(() => provider.complete(system, prompt, maxTokens)), timeoutMs),
      };
      return rt.wasm().condense(messages, wrapped ? { ...rest, provider: wrapped } : rest);
    },
    /** Creates a provider (OpenAI-compatible, Anthropic, Ollama) that calls `fetch` directly. */
    createProvider: (options: ProviderOptions & { model?: string }): Provider => {
      const { model, ...cfg } = options;
      const inner = rt.wasm().createProvider(rt.providerDefaults ? rt.providerDefaults(cfg) : cfg);
      const provider: Provider = {
        model,
        chat: (opts) => inner.chat(opts),
        stream(opts) {
          let resolve!: (r: ChatResult) => void;
          let reject!: (e: unknown) => void;
          const result = new Promise<ChatResult>((res, rej) => { resolve = res; reject = rej; });
          result.catch(() => {}); // observed through the iterator too
          async function* deltas(): AsyncGenerator<StreamDelta> {
            try {
              const s = await inner.openStream(opts);
              for (;;) {
                const d = await s.next();
                if (d === undefined) break;
                yield d;
              }
              resolve(s.result() as ChatResult);
            } catch (e) {
              reject(e);
              throw e;
            }
          }
          return Object.assign(deltas(), { result });
        },
        async complete(system, prompt, maxTokens, m) {
          const use = m ?? provider.model;
          if (!use) throw contextwiseError('INVALID_ARGUMENT', 'set provider.model (or pass model) before using the provider as a summarizer');
          const r = await inner.chat({ model: use, maxTokens, messages: [{ role: 'system', content: system }, { role: 'user', content: prompt }] });
          const c = r.message.content;
          return typeof c === 'string' ? c : '';
        },
      };
      return provider;
    },
    /** Picks the model for a request (rules, task, capabilities, context fit, cost, fallbacks). */
    route: ((messages, config) => rt.wasm().route(messages, config)) as typeof Wasm.route,
    /** Routing totals. */
    routingStats: (() => rt.wasm().routingStats()) as typeof Wasm.routingStats,
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
      const decision: RouteDecision = rt.wasm().route(messages, opts.router);
      decision.attempts = [];
      let last: unknown;
      for (const model of decision.fallbacks) {
        const info = rt.wasm().modelsGet(model);
        const provider = opts.providers[info.provider];
        if (!provider) {
          decision.attempts.push({ model, ok: false, code: 'INVALID_CONFIG', message: `no provider given for '${info.provider}'` });
          continue;
        }
        try {
          const result = await provider.chat({ model, messages, maxTokens: opts.maxTokens, signal: opts.signal });
          decision.attempts.push({ model, ok: true });
          decision.model = model;
          decision.provider = info.provider;
          return { result, decision };
        } catch (e) {
          const err = e as { code?: string; message?: string; retryable?: boolean };
          decision.attempts.push({ model, ok: false, code: err.code, message: err.message });
          last = e;
          if (!err.retryable) throw Object.assign(e as object, { decision });
        }
      }
      throw Object.assign(
        (last as object) ?? contextwiseError('INVALID_CONFIG', 'no model of the fallback chain has a provider'),
        { decision },
      );
    },
    /** Per-model totals of provider calls (requests, errors, tokens, cost, latency). */
    usageStats: (() => rt.wasm().usageStats()) as typeof Wasm.usageStats,
    /** Moves an estimated model's factor toward the provider's reported prompt tokens. */
    calibrate: ((model, ours, reported) => rt.wasm().calibrate(model, ours, reported)) as typeof Wasm.calibrate,
    /** Count-cache counters. */
    countCacheStats: (() => rt.wasm().countCacheStats()) as typeof Wasm.countCacheStats,
    /** Sets the count cache's capacity and/or clears it. */
    configureCountCache: ((cfg) => rt.wasm().configureCountCache(cfg)) as typeof Wasm.configureCountCache,
  };
}
