// Context management for the proxy, on the package's public core: count and assess the prompt
// (`assessRisk`), and at the threshold condense it (`condense`: relevant → summary → extractive →
// truncate, system prompt and recent turns verbatim, a tool call never without its result). The
// proxy only adapts: the limit is MAX_HISTORY_TOKENS or the model's usable window, whichever is
// smaller (a registry entry with that window), and the condensed context is mapped back to the
// client's own messages. Clients resend their whole history, so each conversation's condensed
// view (the facts and summary blocks standing for its first messages) is kept — in memory, and in
// the store when there is one — and reused while it fits: no summarizer call until it no longer
// does, and another proxy process sharing the store reuses it too.
import {
  models, assessRisk, condense, countMessages, createProvider, isContextwiseError,
  type ChatMessage, type CondenseResult, type ModelInfo, type Provider, type RiskLevel, type ContextManager, type Session,
} from 'contextwise';
import { createHash } from 'node:crypto';
import type { Config } from './config.js';
import { ProxyError, type Msg } from './formats.js';
import { log } from './log.js';

/** What the proxy did to a prompt: `context_info` in answers, streams and the `x-context-info` header. */
export interface ContextInfo {
  risk_level: RiskLevel | null;
  utilization: number | null;
  /** The prompt's limit in tokens: MAX_HISTORY_TOKENS or the model's usable window, whichever is smaller. */
  limit: number | null;
  condensation_applied: boolean;
  tokens_before: number | null;
  tokens_after: number | null;
  tokens_saved: number;
  processing_time_ms: number;
  /** The upstream model. */
  model: string;
  strategy: string | null;
  /** True when a stored view of the conversation was reused (no new condensation). */
  reused: boolean;
  fallbacks: { strategy: string; reason: string }[];
  /** True when counts are estimates (a model without a public tokenizer, unknown image sizes). */
  estimated: boolean;
  conversation_id: string;
  messages_before: number;
  messages_after: number;
  reason: string;
}

export interface Prepared {
  /** The messages to forward, in the client's shape. */
  messages: Msg[];
  info: ContextInfo;
}

/** A condensed view of a conversation: `blocks` stand for its messages before `from`. */
interface View {
  model: string;
  from: number;
  /** SHA-256 of the messages before `from`, as the client sent them. */
  hash: string;
  blocks: ChatMessage[];
  strategy: string;
  created: number;
}

/** Registry id used to count for models the registry does not know. */
export const GENERIC_MODEL = 'contextwise-proxy-default';
/** Reply reserve of the registry entries standing for MAX_HISTORY_TOKENS limits. */
const BOUND_RESERVE = 1024;
/** Conversations whose views are kept in memory. */
const MAX_VIEWS = 2000;
/** Characters of one part contextwise cannot read that are counted as text. */
const PLACEHOLDER_CHARS = 20_000;

const LEVELS: RiskLevel[] = ['SAFE', 'CAUTION', 'WARNING', 'CRITICAL', 'OVERFLOW'];
const KNOWN_PARTS = new Set(['text', 'image_url', 'image', 'tool_use', 'tool_result']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A part contextwise does not count (thinking, audio, documents …) as text with what it holds. */
function placeholder(p: Record<string, unknown>): { type: 'text'; text: string } {
  const text = typeof p.thinking === 'string' ? p.thinking : typeof p.text === 'string' ? p.text : JSON.stringify(p);
  return { type: 'text', text: text.slice(0, PLACEHOLDER_CHARS) };
}

function countableParts(parts: unknown[]): { parts: unknown[]; changed: boolean } {
  let changed = false;
  const out = parts.map((p) => {
    if (!isObject(p) || typeof p.type !== 'string' || !KNOWN_PARTS.has(p.type)) {
      changed = true;
      return isObject(p) ? placeholder(p) : { type: 'text', text: '' };
    }
    if (p.type === 'tool_result' && Array.isArray(p.content)) {
      const inner = p.content.map((c) => (isObject(c) && (c.type === 'text' || c.type === 'image') ? c : (changed = true, isObject(c) ? placeholder(c) : { type: 'text', text: '' })));
      return changed ? { ...p, content: inner } : p;
    }
    return p;
  });
  return { parts: out, changed };
}

/** The message as contextwise counts it: the same object, or a copy with unreadable parts as text. */
function countable(m: Msg): Msg {
  if (!Array.isArray(m.content)) return m;
  const { parts, changed } = countableParts(m.content);
  return changed ? { ...m, content: parts } : m;
}

const countableTools = (tools: unknown[] | undefined): unknown[] | undefined => {
  if (!tools) return undefined;
  const out = tools.filter((t) => isObject(t) && ((isObject(t.function) && typeof t.function.name === 'string') || (typeof t.name === 'string' && (t.type === undefined || t.type === 'custom' || isObject(t.input_schema)))))
    .map((t) => (isObject((t as Record<string, unknown>).function) ? t : { name: (t as Record<string, unknown>).name, description: (t as Record<string, unknown>).description, input_schema: (t as Record<string, unknown>).input_schema ?? { type: 'object' } }));
  return out.length ? out : undefined;
};

const leadingSystem = (ms: Msg[]) => {
  let i = 0;
  while (i < ms.length && (ms[i].role === 'system' || ms[i].role === 'developer')) i++;
  return i;
};

function hashOf(ms: Msg[], n: number): string {
  const h = createHash('sha256');
  for (let i = 0; i < n; i++) h.update(JSON.stringify(ms[i])).update('\n');
  return h.digest('hex');
}

/** `x-session-id` (when it is a valid id, else its hash), else a hash of the conversation's first messages. */
export function conversationId(header: string | undefined, messages: Msg[]): string {
  if (header) return /^[A-Za-z0-9_.:-]{1,128}$/.test(header) ? header : `h-${createHash('sha256').update(header).digest('hex').slice(0, 40)}`;
  return `c-${hashOf(messages, Math.min(messages.length, leadingSystem(messages) + 1)).slice(0, 40)}`;
}

/** True when any message carries an image (OpenAI image_url, Anthropic image, inside tool results too). */
export function hasImages(messages: Msg[]): boolean {
  const image = (p: unknown): boolean => isObject(p) && (p.type === 'image_url' || p.type === 'image' || (p.type === 'tool_result' && Array.isArray(p.content) && p.content.some(image)));
  return messages.some((m) => Array.isArray(m.content) && m.content.some(image));
}

/** Where views, summaries, facts and usage are stored when the proxy has a store. */
export interface StoreLink {
  manager: ContextManager;
}

export class ContextEngine {
  readonly #cfg: Config;
  readonly #summarizer: Provider | undefined;
  readonly #store: StoreLink | undefined;
  /** Views by conversation and model, least recently used first. */
  readonly #views = new Map<string, View>();
  readonly #sessions = new Map<string, Promise<Session>>();
  readonly #bounded = new Map<string, string>();
  readonly #infos = new Map<string, ModelInfo>();
  /** Condensations run, views reused, and per strategy. */
  readonly stats = { condensations: 0, reused: 0, tokensSaved: 0, byStrategy: {} as Record<string, number> };

  constructor(cfg: Config, store?: StoreLink) {
    this.#cfg = cfg;
    this.#store = store;
    const window = cfg.defaultContextWindow;
    models.register({
      id: GENERIC_MODEL, provider: 'local', tokenizer: { encoding: 'o200k_base', exact: false },
      contextWindow: window, maxOutputTokens: Math.min(4096, Math.floor(window / 4)),
    });
    if (cfg.summary) {
      this.#summarizer = createProvider({
        kind: cfg.summary.kind, baseUrl: cfg.summary.baseUrl, apiKey: cfg.summary.apiKey,
        timeoutMs: cfg.condensationTimeoutMs, retries: 0, model: cfg.summary.model,
      });
    }
  }

  /** The registry entry counted for a model: its own, or the proxy's default one (looked up once per name). */
  info(model: string): ModelInfo {
    let info = this.#infos.get(model);
    if (!info) {
      try {
        info = models.get(model);
      } catch {
        info = models.get(GENERIC_MODEL);
      }
      if (this.#infos.size >= MAX_VIEWS) this.#infos.clear(); // bounded: clients name models freely
      this.#infos.set(model, info);
    }
    return info;
  }

  /** The registry id counted for a model. */
  countModel(model: string): string {
    return this.info(model).id;
  }

  /** Tokens of a prompt (messages and tool definitions) for `model`, as forwarded unchanged. */
  count(messages: Msg[], tools: unknown[] | undefined, model: string): number {
    return countMessages(messages.map(countable) as ChatMessage[], { model: this.countModel(model), tools: countableTools(tools) as never }).total;
  }

  /** The registry id, reply reserve and limit for a request: MAX_HISTORY_TOKENS when below the usable window. */
  limitFor(model: string, maxTokens: number | undefined): { id: string; reserve: number; limit: number; window: number } {
    const info = this.info(model);
    const id = info.id;
    const reserve = Math.max(1, Math.min(maxTokens ?? Math.min(info.maxOutputTokens, 4096), Math.floor(info.contextWindow / 2)));
    const usable = info.contextWindow - reserve;
    const bound = this.#cfg.maxHistoryTokens;
    if (!bound || bound >= usable) return { id, reserve, limit: usable, window: info.contextWindow };
    let alias = this.#bounded.get(id);
    if (!alias) {
      alias = `${id}@limit-${bound}`;
      models.register({
        id: alias, provider: info.provider, local: info.local,
        tokenizer: { encoding: info.tokenizer.encoding as 'o200k_base', exact: info.tokenizer.exact, factor: info.tokenizer.factor },
        contextWindow: bound + BOUND_RESERVE, maxOutputTokens: BOUND_RESERVE,
        pricing: info.pricing, capabilities: info.capabilities, framing: info.framing, image: info.image,
      });
      this.#bounded.set(id, alias);
    }
    return { id: alias, reserve: BOUND_RESERVE, limit: bound, window: bound + BOUND_RESERVE };
  }

  /** Counts, assesses and, over the threshold, condenses a request's messages. */
  async prepare(req: { messages: Msg[]; tools?: unknown[]; model: string; maxTokens?: number; conversation: string }): Promise<Prepared> {
    const t0 = performance.now();
    const { messages, model, conversation } = req;
    const lim = this.limitFor(model, req.maxTokens);
    const counted = messages.map(countable);
    const tools = countableTools(req.tools);
    const base = {
      model, conversation_id: conversation, reused: false, fallbacks: [] as ContextInfo['fallbacks'],
      messages_before: messages.length, limit: lim.limit,
    };
    let risk;
    try {
      risk = assessRisk(counted as ChatMessage[], { model: lim.id, reserveOutput: lim.reserve, thresholds: this.#cfg.thresholds, tools: tools as never });
    } catch (e) {
      if (!isContextwiseError(e) || e.code !== 'INVALID_MESSAGE') throw e;
      // a message contextwise cannot read: forwarded as it is, for the upstream to judge
      return { messages, info: { ...base, risk_level: null, utilization: null, condensation_applied: false, tokens_before: null, tokens_after: null, tokens_saved: 0, strategy: null, estimated: true, messages_after: messages.length, processing_time_ms: ms(t0), reason: `not counted: ${e.message}` } };
    }
    const unchanged = (reason: string): Prepared => ({
      messages,
      info: { ...base, risk_level: risk.level, utilization: risk.utilization, condensation_applied: false, tokens_before: risk.tokens, tokens_after: risk.tokens, tokens_saved: 0, strategy: null, estimated: risk.estimated, messages_after: messages.length, processing_time_ms: ms(t0), reason },
    });
    if (LEVELS.indexOf(risk.level) < LEVELS.indexOf('WARNING')) return unchanged(risk.message);
    if (!this.#cfg.compression) return unchanged(`${risk.message}; condensation is off (CONTEXT_COMPRESSION_ENABLED=false)`);
    const lead = leadingSystem(messages);
    const fits = (tokens: number) => tokens < this.#cfg.thresholds.warning * lim.limit;

    // a stored view of this conversation that still fits: no condensation
    const viewed = await this.#fromView(conversation, lim.id, messages, counted, lead, (ms_) => assessRisk(ms_ as ChatMessage[], { model: lim.id, reserveOutput: lim.reserve, thresholds: this.#cfg.thresholds, tools: tools as never }), fits);
    if (viewed) {
      this.stats.reused++;
      this.stats.tokensSaved += risk.tokens - viewed.tokens;
      return {
        messages: viewed.messages,
        info: { ...base, risk_level: risk.level, utilization: risk.utilization, condensation_applied: true, tokens_before: risk.tokens, tokens_after: viewed.tokens, tokens_saved: risk.tokens - viewed.tokens, strategy: viewed.view.strategy, reused: true, estimated: risk.estimated, messages_after: viewed.messages.length, processing_time_ms: ms(t0), reason: `${risk.message}; the conversation's condensed view (${viewed.view.strategy}) still fits` },
      };
    }

    const toolTokens = tools ? countMessages(counted as ChatMessage[], { model: lim.id, tools: tools as never }).tools : 0;
    const previousSummary = await this.#keptSummary(conversation, lim.id, messages, lead);
    const done = await this.#condense(counted, lim, toolTokens, tools, previousSummary);
    const out = this.#mapBack(messages, counted, done.result, lead);
    const after = done.tokens;
    if (done.view) await this.#saveView(conversation, lim.id, messages, lead, done, out.blocks);
    const strategy = done.result.metrics.strategyUsed;
    this.stats.condensations++;
    this.stats.tokensSaved += risk.tokens - after;
    this.stats.byStrategy[strategy] = (this.stats.byStrategy[strategy] ?? 0) + 1;
    return {
      messages: out.messages,
      info: {
        ...base, risk_level: risk.level, utilization: risk.utilization, condensation_applied: true,
        tokens_before: risk.tokens, tokens_after: after, tokens_saved: risk.tokens - after, strategy,
        fallbacks: done.result.metrics.fallbacks.map((f) => ({ strategy: f.strategy, reason: f.reason })),
        estimated: risk.estimated, messages_after: out.messages.length, processing_time_ms: ms(t0),
        reason: `${risk.message}; ${done.result.plan.evicted.length} older message(s) condensed with '${strategy}'`,
      },
    };
  }

  /** Condenses to the limit: fewer verbatim turns, then long messages cut, when the recent part alone is too large. */
  async #condense(counted: Msg[], lim: { id: string; reserve: number; limit: number; window: number }, toolTokens: number, tools: unknown[] | undefined,
    previousSummary?: { text: string; through: number }) {
    const reserve = lim.reserve + toolTokens < lim.window ? lim.reserve + toolTokens : lim.reserve;
    let keep = this.#cfg.preserveRecentMessages;
    let maxMessageTokens: number | undefined;
    for (;;) {
      const result: CondenseResult = await condense(counted as ChatMessage[], {
        model: lim.id, force: true, reserveOutput: reserve, keepRecent: keep, strategy: this.#cfg.strategy,
        maxMessageTokens, timeoutMs: this.#cfg.condensationTimeoutMs, provider: this.#summarizer,
        summarizerModel: this.#summarizerModel(), previousSummary,
      });
      const tokens = tools ? countMessages(result.messages, { model: lim.id, tools: tools as never }).total : result.metrics.tokensAfter;
      const intact = result.plan.messages.at(-1)?.action === 'keep';
      if (tokens <= lim.limit && intact) {
        // a view for the next requests: blocks standing for messages lead..j, then every message kept
        const acts = result.plan.messages.map((m) => m.action);
        const lead = leadingSystem(counted);
        let j = acts.length;
        while (j > lead && acts[j - 1] === 'keep') j--;
        const evictedOnly = acts.slice(lead, j).every((a) => a === 'summarize' || a === 'drop');
        return { result, tokens, view: j > lead && j < acts.length && evictedOnly ? j : undefined };
      }
      if (keep > 1 && intact) { keep = Math.max(1, Math.floor(keep / 2)); continue; }
      if (maxMessageTokens === undefined && intact) { maxMessageTokens = Math.max(16, Math.floor(lim.limit / 4)); continue; }
      throw new ProxyError(400, intact
        ? `the prompt does not fit: ${tokens} tokens after condensation, over the ${lim.limit}-token limit (MAX_HISTORY_TOKENS or the model's usable window); shorten the last messages or the tool definitions`
        : `the last message alone does not fit the ${lim.limit}-token limit (MAX_HISTORY_TOKENS or the model's usable window)`, 'CONTEXT_OVERFLOW');
    }
  }

  #summarizerModel(): string | undefined {
    const m = this.#cfg.summary?.model;
    if (!m) return undefined;
    try { return models.get(m).id; } catch { return undefined; }
  }

  /**
   * The condensed context in the client's messages: contextwise assembles it as the leading
   * system messages, its blocks (facts, summary), then every kept or truncated message in order
   * (src/condense/run.rs `assemble`); kept ones are the client's own objects.
   */
  #mapBack(messages: Msg[], counted: Msg[], r: CondenseResult, lead: number): { messages: Msg[]; blocks: Msg[] } {
    const survivors = r.plan.messages.slice(lead).filter((m) => m.action === 'keep' || m.action === 'truncate');
    const nBlocks = r.messages.length - lead - survivors.length;
    if (nBlocks < 0) throw new ProxyError(500, 'the condensed context does not match its plan; please report this request', 'INTERNAL');
    const blocks = r.messages.slice(lead, lead + nBlocks) as Msg[];
    const out: Msg[] = messages.slice(0, lead).concat(blocks);
    survivors.forEach((m, j) => {
      const got = r.messages[lead + nBlocks + j] as Msg;
      if (got.role !== messages[m.index].role) throw new ProxyError(500, 'the condensed context does not match its plan; please report this request', 'INTERNAL');
      // a truncated message with parts contextwise could not read goes out whole
      out.push(m.action === 'keep' || counted[m.index] !== messages[m.index] ? messages[m.index] : got);
    });
    return { messages: out, blocks };
  }

  /** A view of this conversation (memory first, then the store) that is valid for these messages and still fits. */
  async #fromView(conversation: string, model: string, messages: Msg[], counted: Msg[], lead: number,
    assess: (ms: Msg[]) => { tokens: number }, fits: (tokens: number) => boolean): Promise<{ view: View; messages: Msg[]; tokens: number } | undefined> {
    const key = `${conversation}\n${model}`;
    const now = Date.now();
    const tryView = (v: View | undefined) => {
      if (!v || v.model !== model || now - v.created > this.#cfg.cacheTtlMs || v.from <= lead || v.from >= messages.length) return undefined;
      if (hashOf(messages, v.from) !== v.hash) return undefined;
      const candidate = counted.slice(0, lead).concat(v.blocks as Msg[], counted.slice(v.from));
      const { tokens } = assess(candidate);
      if (!fits(tokens)) return undefined;
      return { view: v, messages: messages.slice(0, lead).concat(v.blocks as Msg[], messages.slice(v.from)), tokens };
    };
    const mem = this.#views.get(key);
    const hit = tryView(mem);
    if (hit) {
      this.#views.delete(key);
      this.#views.set(key, mem!);
      return hit;
    }
    if (!this.#store) return undefined;
    try {
      const session = await this.#session(conversation);
      const views = (await session.info()).metadata?.views as Record<string, View> | undefined;
      const stored = views?.[model];
      const found = stored && stored !== mem ? tryView(stored) : undefined;
      if (found) this.#remember(key, stored!);
      return found;
    } catch (e) {
      warn('store.read', e);
      return undefined;
    }
  }

  /**
   * The summary of this conversation's earlier view, when it was written by the summary model and
   * the messages it covers are unchanged (memory first, then the store — another proxy may have
   * written it): the next summary extends it with only the messages evicted since, as the seeds'
   * incremental summarizer does, instead of summarizing everything again.
   */
  async #keptSummary(conversation: string, model: string, messages: Msg[], lead: number): Promise<{ text: string; through: number } | undefined> {
    const of = (v: View | undefined) => {
      if (!v || v.model !== model || v.strategy !== 'summary' || v.from <= lead || v.from > messages.length) return undefined;
      if (hashOf(messages, v.from) !== v.hash) return undefined;
      const block = (v.blocks as Msg[]).map((b) => (typeof b.content === 'string' ? b.content : '')).find((c) => c.startsWith('Summary of the earlier conversation'));
      const body = block?.slice(block.indexOf(':\n') + 2);
      return body ? { text: body, through: v.from - 1 } : undefined;
    };
    const mem = of(this.#views.get(`${conversation}\n${model}`));
    if (mem || !this.#store) return mem;
    try {
      const session = await this.#session(conversation);
      return of(((await session.info()).metadata?.views as Record<string, View> | undefined)?.[model]);
    } catch (e) {
      warn('store.read', e);
      return undefined;
    }
  }

  #remember(key: string, v: View) {
    this.#views.delete(key);
    this.#views.set(key, v);
    if (this.#views.size > MAX_VIEWS) this.#views.delete(this.#views.keys().next().value as string);
  }

  /** Keeps a new view (and, with a store, the summary and the new facts, for every proxy sharing it). */
  async #saveView(conversation: string, model: string, messages: Msg[], lead: number, done: { result: CondenseResult; view?: number }, blocks: Msg[]) {
    const from = done.view!;
    const view: View = { model, from, hash: hashOf(messages, from), blocks: blocks as ChatMessage[], strategy: done.result.metrics.strategyUsed, created: Date.now() };
    this.#remember(`${conversation}\n${model}`, view);
    if (!this.#store) return;
    try {
      const session = await this.#session(conversation);
      const [info, stored] = await Promise.all([session.info(), session.facts()]);
      const metadata = { ...(info.metadata ?? {}), views: { ...((info.metadata?.views as Record<string, View> | undefined) ?? {}), [model]: view } };
      await session.update({ metadata });
      const known = new Set(stored.map((f) => `${f.kind}\n${f.text}`));
      const facts = done.result.facts.filter((f) => !known.has(`${f.kind}\n${f.text}`))
        .map((f) => ({ kind: f.kind, subject: f.subject, text: f.text, source: f.sources ?? [] }));
      const summary = done.result.summary
        ? { from: lead, to: from - 1, strategy: done.result.metrics.strategyUsed, text: done.result.summary, model: this.#cfg.summary?.model }
        : undefined;
      if (facts.length || summary) await session.commitTurn({ facts, summary });
    } catch (e) {
      warn('store.write', e);
    }
  }

  #session(conversation: string): Promise<Session> {
    let s = this.#sessions.get(conversation);
    if (!s) {
      s = this.#store!.manager.session(conversation);
      s.catch(() => this.#sessions.delete(conversation));
      this.#sessions.set(conversation, s);
      if (this.#sessions.size > MAX_VIEWS) this.#sessions.delete(this.#sessions.keys().next().value as string);
    }
    return s;
  }

  /** Stores one request's usage with its conversation (stores only; best effort, after the answer). */
  recordUsage(conversation: string, usage: { model: string; promptTokens?: number; completionTokens?: number; latencyMs: number }) {
    if (!this.#store) return;
    this.#session(conversation)
      .then((s) => s.commitTurn({ usage: [{ model: usage.model, promptTokens: usage.promptTokens ?? 0, completionTokens: usage.completionTokens ?? 0, latencyMs: usage.latencyMs }] }))
      .catch((e) => warn('store.usage', e));
  }
}

const ms = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

/** A store problem: logged (never fatal to a request). */
function warn(what: string, e: unknown) {
  log('warn', { msg: what, code: isContextwiseError(e) ? e.code : 'INTERNAL', error: e instanceof Error ? e.message.slice(0, 300) : String(e) });
}
