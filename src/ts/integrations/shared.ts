// What the AI SDK and LangChain integrations share: reading their options, making sure the
// model's encoding is loaded, and one condensation whose result is mapped back to the caller's
// own messages. contextwise is imported through the package's own name, so an integration uses
// the same wasm instance (and registry, caches, loaded encodings) as the app.
import {
  init, loadEncoding, loadedEncodings, models, countMessages, assessRisk, condense,
  type ChatMessage, type ToolDefinition, type CondenseStrategy, type CondenseResult, type RiskLevel,
  type RiskAssessment, type Summarizer, type ErrorCode, type ContextwiseError, type EncodingName,
  type ModelInfo, type MessageAction,
} from 'contextwise';

/** Builds a ContextwiseError (`name: 'ContextwiseError'`, a stable `code`), like the ones the core throws. */
export function contextwiseError(code: ErrorCode, message: string): ContextwiseError {
  const e = new Error(message) as ContextwiseError;
  e.name = 'ContextwiseError';
  e.code = code;
  return e;
}

/** Risk levels in increasing order. */
export const LEVELS: readonly RiskLevel[] = ['SAFE', 'CAUTION', 'WARNING', 'CRITICAL', 'OVERFLOW'];

/** When to condense: at or above a risk level, or at or above a utilization of the usable window (0–1]. */
export type Threshold = Exclude<RiskLevel, 'SAFE'> | number;

/** Options both integrations take for the condensation itself. */
export interface CondensingOptions {
  /** Condense when the prompt reaches this risk level (default `'WARNING'`, 80 % of the usable window) or this utilization (a number in (0, 1]). */
  threshold?: Threshold;
  /** Tokens kept free for the reply (default: the call's max output tokens, else the model's max output, at most 4,096). */
  reserveOutput?: number;
  /** Most recent messages kept verbatim, as whole turns (default 8). */
  preserveRecentMessages?: number;
  /** First strategy of the chain (default `'extractive'`: local, no LLM). LLM strategies need `summarizer`. */
  strategy?: CondenseStrategy;
  /** Size the condensed prompt aims for, in tokens (default 60 % of the usable window). */
  target?: number;
  /** Truncate kept messages longer than this to their head and tail. */
  maxMessageTokens?: number;
  /** The registry id of the summarizer's model (for the cost estimate and the summary cache). */
  summarizerModel?: string;
  /** Milliseconds a summarizer call may take (default 60,000). */
  timeoutMs?: number;
}

export const CONDENSING_KEYS = ['threshold', 'reserveOutput', 'preserveRecentMessages', 'strategy', 'target',
  'maxMessageTokens', 'summarizerModel', 'timeoutMs'] as const;

/** What a call did to the prompt: the same figures in `providerMetadata.contextwise` and `onContextInfo`. */
export interface ContextInfo {
  /** The registry id the prompt was counted and assessed for. */
  model: string;
  /** Risk level of the prompt as it came in. */
  riskLevel: RiskLevel;
  /** Its share of the usable window (context window − output reserve). */
  utilization: number;
  /** The usable window in tokens. */
  limit: number;
  /** Risk level of the prompt that was sent (the same as `riskLevel` when nothing was condensed). */
  riskLevelAfter: RiskLevel;
  /** True when older messages were summarized, dropped or truncated. */
  condensationApplied: boolean;
  /** Tokens of the prompt as it came in (messages, framing and tool definitions). */
  tokensBefore: number;
  /** Tokens of the prompt that was sent. */
  tokensAfter: number;
  /** `tokensBefore - tokensAfter`. */
  tokensSaved: number;
  /** Messages before and after. */
  messagesBefore: number;
  messagesAfter: number;
  /** The strategy that produced the condensed context, or null when nothing was condensed. */
  strategy: CondenseStrategy | null;
  /** LLM strategies that failed before it, and why. */
  fallbacks: { strategy: CondenseStrategy; reason: string }[];
  /** True when a count is an estimate (a model without a public tokenizer, images of unknown size, tools). */
  estimated: boolean;
  /** Parts contextwise cannot count (reasoning, audio, PDFs and other files, provider-specific parts): sent as they are, not in the figures. */
  uncountedParts: number;
  /** Why the prompt was or was not condensed. */
  reason: string;
  /** When the kept-verbatim part alone exceeds the target: by how many tokens. */
  overBudget: number | null;
  /** Time spent in contextwise (ms). */
  processingTimeMs: number;
}

export function fail(message: string): never {
  throw contextwiseError('INVALID_ARGUMENT', message);
}

/** Reads an options object: a plain object whose keys are all known (a typo is an error, as in the core). */
export function readOptions(v: unknown, what: string, keys: readonly string[]): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${what} must be an object`);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) fail(`${what}: unknown option '${k}'; the options are ${keys.join(', ')}`);
    const item = (v as Record<string, unknown>)[k];
    if (item !== undefined) out[k] = item;
  }
  return out;
}

export function optString(o: Record<string, unknown>, k: string, what: string): string | undefined {
  const v = o[k];
  if (v !== undefined && typeof v !== 'string') fail(`${what}.${k} must be a string`);
  return v as string | undefined;
}

export function optCount(o: Record<string, unknown>, k: string, what: string, min = 0): number | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(`${what}.${k} must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

export function optFunction<F>(o: Record<string, unknown>, k: string, what: string): F | undefined {
  const v = o[k];
  if (v !== undefined && typeof v !== 'function') fail(`${what}.${k} must be a function`);
  return v as F | undefined;
}

export function optEncoding(o: Record<string, unknown>, what: string): EncodingName | undefined {
  const v = optString(o, 'encoding', what);
  if (v !== undefined && !['cl100k_base', 'o200k_base', 'p50k_base', 'r50k_base'].includes(v)) {
    fail(`${what}.encoding must be 'o200k_base', 'cl100k_base', 'p50k_base' or 'r50k_base', got '${v}'`);
  }
  return v as EncodingName | undefined;
}

export function readThreshold(v: unknown, what: string): Threshold {
  if (v === undefined) return 'WARNING';
  if (typeof v === 'number') {
    if (!(v > 0 && v <= 1)) fail(`${what}.threshold must be a level or a utilization in (0, 1], got ${v}`);
    return v;
  }
  if (typeof v !== 'string' || v === 'SAFE' || !LEVELS.includes(v as RiskLevel)) {
    fail(`${what}.threshold must be 'CAUTION', 'WARNING', 'CRITICAL', 'OVERFLOW' or a number in (0, 1], got ${String(v)}`);
  }
  return v as Threshold;
}

/** The condensation settings common to both integrations, read and checked. */
export interface Condensing {
  threshold: Threshold;
  reserveOutput?: number;
  keepRecent?: number;
  strategy?: CondenseStrategy;
  target?: number;
  maxMessageTokens?: number;
  summarizerModel?: string;
  timeoutMs?: number;
}

export function readCondensing(o: Record<string, unknown>, what: string): Condensing {
  const strategy = optString(o, 'strategy', what);
  if (strategy !== undefined && !['extractive', 'truncate', 'summary', 'relevant'].includes(strategy)) {
    fail(`${what}.strategy must be 'extractive', 'truncate', 'summary' or 'relevant', got '${strategy}'`);
  }
  return {
    threshold: readThreshold(o.threshold, what),
    reserveOutput: optCount(o, 'reserveOutput', what),
    keepRecent: optCount(o, 'preserveRecentMessages', what),
    strategy: strategy as CondenseStrategy | undefined,
    target: optCount(o, 'target', what, 1),
    maxMessageTokens: optCount(o, 'maxMessageTokens', what, 1),
    summarizerModel: optString(o, 'summarizerModel', what),
    timeoutMs: optCount(o, 'timeoutMs', what, 1),
  };
}

/**
 * Browsers and workers: the wasm instantiated, then the model resolved (`resolve` may use the
 * registry) and its encoding loaded. Node: all at once.
 */
export async function ready(resolve: () => string): Promise<string> {
  await init();
  const id = resolve();
  const enc = models.get(id).tokenizer.encoding as EncodingName;
  if (!loadedEncodings().includes(enc)) await loadEncoding(enc);
  return id;
}

/** True when the registry knows `id` (or a dated snapshot of it). */
export function known(id: string): boolean {
  try {
    models.get(id);
    return true;
  } catch {
    return false;
  }
}

/**
 * The registry id to count for. `contextWindow` for a model the registry does not know registers
 * `<id>@<window>` (tokenizer `encoding`, default o200k_base, counts marked estimated); for a known
 * model it registers a copy of its entry with that window. The max output (the default reply
 * reserve) is at most a quarter of the window. The app's own entries are never changed.
 */
export function resolveModel(id: string, contextWindow: number | undefined, encoding: EncodingName | undefined, provider: string): string {
  if (contextWindow === undefined) return id;
  const alias = `${id}@${contextWindow}`;
  if (known(alias)) return models.get(alias).id;
  // the reply reserve defaults to the model's max output: at most a quarter of a given window
  const quarter = Math.max(1, Math.floor(contextWindow / 4));
  let base: ModelInfo | undefined;
  try { base = models.get(id); } catch { base = undefined; }
  models.register(base
    ? {
      id: alias, provider: base.provider, local: base.local,
      tokenizer: encoding ? { encoding } : { encoding: base.tokenizer.encoding as EncodingName, exact: base.tokenizer.exact, factor: base.tokenizer.factor },
      contextWindow, maxOutputTokens: Math.min(base.maxOutputTokens, quarter),
      pricing: base.pricing, capabilities: base.capabilities, framing: base.framing, image: base.image,
    }
    : {
      id: alias, provider, tokenizer: { encoding: encoding ?? 'o200k_base' },
      contextWindow, maxOutputTokens: Math.min(4096, quarter),
    });
  return alias;
}

function reached(a: RiskAssessment, t: Threshold): boolean {
  return typeof t === 'number' ? a.utilization >= t : LEVELS.indexOf(a.level) >= LEVELS.indexOf(t);
}

/** A converted conversation: contextwise messages, each with the caller's message it came from. */
export interface Converted {
  messages: ChatMessage[];
  /** For each contextwise message, the index of the caller's message it came from. */
  origin: number[];
  /** Parts that could not be counted. */
  uncounted: number;
  tools?: ToolDefinition[];
}

/** One piece of the condensed context, in terms of the caller's messages. */
export type Piece =
  | { kind: 'block'; message: ChatMessage }            // a facts / summary / snippets block contextwise added
  | { kind: 'kept'; origin: number; index: number }   // contextwise message `index`, verbatim
  | { kind: 'truncated'; origin: number; index: number; message: ChatMessage };

export interface Outcome {
  info: ContextInfo;
  /** The condensed context as pieces, or null when the prompt goes out unchanged. */
  pieces: Piece[] | null;
}

export interface Call {
  model: string;
  reserveOutput?: number;
  /** Condense whenever the prompt is over this many tokens, to at most this many (the trimmer's `maxTokens`). */
  maxTokens?: number;
  summarizer?: Summarizer;
}

/** Assesses the converted prompt and, over the threshold, condenses it. */
export async function run(c: Converted, s: Condensing, call: Call): Promise<Outcome> {
  const t0 = Date.now();
  const model = call.model;
  const reserveOutput = call.reserveOutput ?? s.reserveOutput;
  const risk = assessRisk(c.messages, { model, reserveOutput, tools: c.tools });
  const base = {
    model, riskLevel: risk.level, utilization: risk.utilization, limit: risk.limit,
    tokensBefore: risk.tokens, messagesBefore: c.messages.length, estimated: risk.estimated,
    uncountedParts: c.uncounted,
  };
  const over = call.maxTokens !== undefined ? risk.tokens > call.maxTokens : reached(risk, s.threshold);
  const unchanged = (reason: string): Outcome => ({
    pieces: null,
    info: {
      ...base, riskLevelAfter: risk.level, condensationApplied: false, tokensAfter: risk.tokens, tokensSaved: 0,
      messagesAfter: c.messages.length, strategy: null, fallbacks: [], reason, overBudget: null,
      processingTimeMs: Date.now() - t0,
    },
  });
  if (!over) {
    return unchanged(call.maxTokens !== undefined
      ? `${risk.tokens} tokens, within maxTokens (${call.maxTokens})`
      : `${risk.message}; below the threshold (${s.threshold})`);
  }
  // tool definitions go out with the prompt: keep room for them next to the reply
  const toolTokens = c.tools?.length ? countMessages(c.messages, { model, tools: c.tools }).tools : 0;
  const result = await condense(c.messages, {
    model, force: true, target: call.maxTokens !== undefined ? Math.max(1, call.maxTokens - toolTokens) : s.target,
    reserveOutput: risk.reserveOutput + toolTokens < risk.contextWindow ? risk.reserveOutput + toolTokens : risk.reserveOutput,
    keepRecent: s.keepRecent, strategy: s.strategy, maxMessageTokens: s.maxMessageTokens,
    summarizerModel: s.summarizerModel, timeoutMs: s.timeoutMs, provider: call.summarizer,
  });
  const applied = result.plan.messages.some((m) => m.action !== 'keep');
  if (!applied) {
    const unchangedInfo = unchanged(result.plan.tokensBefore <= result.plan.target
      ? `${risk.message}; already within the condensation target (${result.plan.target} tokens)`
      : `${risk.message}; nothing to condense: every message is the system prompt, pinned or among the recent turns`);
    unchangedInfo.info.overBudget = overBy(result);
    return unchangedInfo;
  }
  const pieces = piecesOf(c, result);
  const after = assessRisk(result.messages, { model, reserveOutput, tools: c.tools });
  return {
    pieces,
    info: {
      ...base, riskLevelAfter: after.level, condensationApplied: true, tokensAfter: after.tokens,
      tokensSaved: risk.tokens - after.tokens, messagesAfter: result.messages.length,
      strategy: result.metrics.strategyUsed,
      fallbacks: result.metrics.fallbacks.map((f) => ({ strategy: f.strategy, reason: f.reason })),
      estimated: risk.estimated || after.estimated,
      reason: `${risk.message}; ${result.plan.evicted.length} older message(s) condensed with '${result.metrics.strategyUsed}'`,
      overBudget: overBy(result),
      processingTimeMs: Date.now() - t0,
    },
  };
}

function overBy(r: CondenseResult): number | null {
  return r.plan.overBudget ? r.plan.overBudget.excess : null;
}

/**
 * The condensed context in terms of the input. contextwise assembles it as: the leading system
 * messages, then the blocks it adds (facts, summary, snippets), then every kept or truncated
 * message in order (src/condense/run.rs `assemble`) — so each output message is either a block
 * or one input message, kept verbatim or truncated.
 */
function piecesOf(c: Converted, r: CondenseResult): Piece[] {
  let lead = 0;
  while (lead < c.messages.length && (c.messages[lead].role === 'system' || c.messages[lead].role === 'developer')) lead++;
  const survivors = r.plan.messages.slice(lead).filter((m) => m.action === 'keep' || m.action === 'truncate');
  const blocks = r.messages.length - lead - survivors.length;
  if (blocks < 0) throw contextwiseError('INTERNAL', 'the condensed context does not match its plan; please report the input');
  const pieces: Piece[] = [];
  for (let i = 0; i < lead; i++) pieces.push({ kind: 'kept', origin: c.origin[i], index: i });
  for (let j = 0; j < blocks; j++) pieces.push({ kind: 'block', message: r.messages[lead + j] });
  survivors.forEach((m, j) => {
    const action: MessageAction = m.action;
    const out = r.messages[lead + blocks + j];
    if (out.role !== c.messages[m.index].role) throw contextwiseError('INTERNAL', 'the condensed context does not match its plan; please report the input');
    pieces.push(action === 'truncate'
      ? { kind: 'truncated', origin: c.origin[m.index], index: m.index, message: out }
      : { kind: 'kept', origin: c.origin[m.index], index: m.index });
  });
  return pieces;
}

/** Bytes (or a base64 string, as it is) as base64. */
export function base64(data: Uint8Array | string): string {
  if (typeof data === 'string') return data;
  let s = '';
  for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The text of a contextwise message's content (blocks and truncated messages). */
export function textOf(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (!m.content) return '';
  return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** The texts of a truncated message's text parts, in order (a string content is one text). */
export function textsOf(m: ChatMessage): string[] {
  if (typeof m.content === 'string') return [m.content];
  if (!m.content) return [];
  return m.content.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text);
}

/**
 * Groups pieces by the caller's message: `emit(origin, pieces)` is called once per input message
 * that survives, in order, with the contextwise messages of it that survived; blocks are passed
 * through `block`.
 */
export function regroup<T>(
  pieces: Piece[],
  block: (m: ChatMessage) => T,
  emit: (origin: number, parts: Exclude<Piece, { kind: 'block' }>[]) => T[],
): T[] {
  const out: T[] = [];
  let group: Exclude<Piece, { kind: 'block' }>[] = [];
  const flush = () => {
    if (group.length) out.push(...emit(group[0].origin, group));
    group = [];
  };
  for (const p of pieces) {
    if (p.kind === 'block') {
      flush();
      out.push(block(p.message));
    } else {
      if (group.length && group[0].origin !== p.origin) flush();
      group.push(p);
    }
  }
  flush();
  return out;
}
