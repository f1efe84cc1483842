// `contextwise/langchain`: LangChain.js (`@langchain/core` ≥ 1) on top of contextwise.
//
// - `ContextwiseChatMessageHistory`: a chat message history kept in a contextwise store session
//   (IndexedDB, SQLite, Postgres, memory or your adapter), for `RunnableWithMessageHistory`.
// - `contextwiseTrimmer(options)`: a Runnable that takes messages (or a chat prompt value) and
//   returns them condensed to fit the model — exact counts, system prompt and recent turns kept,
//   tool calls never separated from their results, older turns summarized instead of dropped.
import { BaseListChatMessageHistory } from '@langchain/core/chat_history';
import {
  AIMessage, ChatMessage as LangChainChatMessage, HumanMessage, SystemMessage, ToolMessage,
  type BaseMessage, type MessageContent,
} from '@langchain/core/messages';
import { Runnable, type RunnableConfig } from '@langchain/core/runnables';
import type { BasePromptValueInterface } from '@langchain/core/prompt_values';
import type { ChatMessage, ContentPart, ContextManager, Summarizer, ToolCall } from 'contextwise';
import {
  readOptions, readCondensing, optString, optCount, optEncoding, optFunction, fail, known, resolveModel, ready, run, regroup,
  textOf, textsOf, base64, contextwiseError, CONDENSING_KEYS,
  type Condensing, type CondensingOptions, type ContextInfo, type Converted, type Piece,
} from './shared.js';

export type { ContextInfo, Threshold } from './shared.js';

type Block = Record<string, unknown> & { type?: unknown };
/** What contextwise keeps of a LangChain message that the OpenAI shape has no place for. */
interface Extra { id?: string; status?: 'success' | 'error'; blocks?: { at: number; block: Block }[] }
/** A LangChain message as contextwise stores it: the OpenAI chat shape, plus what that shape cannot hold. */
export type StoredLangChainMessage = ChatMessage & { langchain?: Extra };
type Stored = StoredLangChainMessage;

// ---- LangChain messages ↔ contextwise messages (the OpenAI chat shape) ----

function imageUrl(b: Block): string | undefined {
  const iu = b.image_url as unknown;
  if (typeof iu === 'string') return iu;
  if (iu && typeof iu === 'object' && typeof (iu as { url?: unknown }).url === 'string') return (iu as { url: string }).url;
  if (b.type === 'image') {
    // LangChain's standard block { url } | { data, mimeType }, or the older { source_type, url | data, mime_type }
    if (typeof b.url === 'string') return b.url;
    const mime = String(b.mimeType ?? b.mime_type ?? 'image/*');
    if (typeof b.data === 'string') return b.data.startsWith('data:') ? b.data : `data:${mime};base64,${b.data}`;
    if (b.data instanceof Uint8Array) return `data:${mime};base64,${base64(b.data)}`;
  }
  return undefined;
}

/** A content block as a contextwise part, or undefined when contextwise has no such part. */
function partOf(b: Block): ContentPart | undefined {
  if (b.type === 'text' && typeof b.text === 'string') return { type: 'text', text: b.text };
  if (b.type === 'image_url' || b.type === 'image') {
    const url = imageUrl(b);
    if (url !== undefined) {
      const iu = b.image_url as { detail?: unknown } | undefined;
      const detail = iu && typeof iu === 'object' && (iu.detail === 'low' || iu.detail === 'high' || iu.detail === 'auto') ? iu.detail : undefined;
      return { type: 'image_url', image_url: detail ? { url, detail } : { url } };
    }
  }
  return undefined;
}

/** Content as contextwise parts, and the blocks it cannot hold (with their positions). */
function contentOf(content: MessageContent, skip: (b: Block) => boolean): { content: string | ContentPart[]; blocks: { at: number; block: Block }[] } {
  if (typeof content === 'string') return { content, blocks: [] };
  const parts: ContentPart[] = [];
  const blocks: { at: number; block: Block }[] = [];
  (content as unknown[]).forEach((raw, at) => {
    const b: Block = typeof raw === 'string' ? { type: 'text', text: raw } : (raw as Block);
    const p = partOf(b);
    if (p) parts.push(p);
    else if (!skip(b)) blocks.push({ at, block: b });
  });
  return { content: parts, blocks };
}

function argumentsOf(args: unknown): string {
  try {
    return JSON.stringify(args ?? {});
  } catch {
    return '{}';
  }
}

/** A LangChain message in the OpenAI shape; what that shape cannot hold goes to `langchain`. */
export function toContextwiseMessage(m: BaseMessage): Stored {
  const type = m.getType();
  // tool_use blocks repeat the tool calls of an AI message: the tool calls are kept
  const { content, blocks } = contentOf(m.content, (b) => type === 'ai' && (b.type === 'tool_use' || b.type === 'tool_call'));
  const extra: Extra = {};
  if (typeof m.id === 'string') extra.id = m.id;
  if (blocks.length) extra.blocks = blocks;
  const base = { ...(m.name ? { name: m.name } : {}) };
  let out: Stored;
  switch (type) {
    case 'human':
      out = { role: 'user', content, ...base };
      break;
    case 'system':
      out = { role: 'system', content, ...base };
      break;
    case 'ai': {
      const calls: ToolCall[] = ((m as AIMessage).tool_calls ?? []).map((c, i) => ({
        id: c.id ?? `call_${i}`, type: 'function', function: { name: c.name, arguments: argumentsOf(c.args) },
      }));
      const empty = content === '' || (Array.isArray(content) && content.length === 0);
      out = calls.length ? { role: 'assistant', content: empty ? null : content, tool_calls: calls, ...base } : { role: 'assistant', content, ...base };
      break;
    }
    case 'tool': {
      const t = m as ToolMessage;
      if (t.status) extra.status = t.status;
      out = { role: 'tool', tool_call_id: t.tool_call_id, content, ...base };
      break;
    }
    case 'generic': {
      const role = (m as LangChainChatMessage).role;
      const r = role === 'human' ? 'user' : role === 'ai' ? 'assistant' : role;
      if (!['user', 'assistant', 'system', 'developer'].includes(r)) {
        throw contextwiseError('INVALID_MESSAGE', `a ChatMessage with role '${role}' has no place in a chat history; use user, assistant, system or a ToolMessage`);
      }
      out = { role: r as ChatMessage['role'], content, ...base };
      break;
    }
    default:
      throw contextwiseError('INVALID_MESSAGE', `a LangChain '${type}' message has no place in a chat history (human, ai, system, tool and ChatMessage are stored)`);
  }
  if (Object.keys(extra).length) out.langchain = extra;
  return out;
}

function blocksOf(content: ChatMessage['content'], extra: Extra | undefined): MessageContent {
  if (!Array.isArray(content)) {
    if (!extra?.blocks?.length) return content ?? '';
    content = content ? [{ type: 'text', text: content }] : [];
  }
  const out: Block[] = content.map((p) => {
    if (p.type === 'text') return { type: 'text', text: p.text };
    if (p.type === 'image_url') return { type: 'image_url', image_url: { ...p.image_url } };
    if (p.type === 'image') return { type: 'image', ...(p.source.type === 'url' ? { url: p.source.url } : { data: p.source.data, mimeType: p.source.media_type }) };
    return { ...(p as Block) };
  });
  for (const { at, block } of extra?.blocks ?? []) out.splice(Math.min(at, out.length), 0, block);
  return out as MessageContent;
}

function parseArgs(s: string): { args: Record<string, unknown> } | { error: string } {
  try {
    const v: unknown = s === '' ? {} : JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? { args: v as Record<string, unknown> } : { error: 'arguments are not a JSON object' };
  } catch (e) {
    return { error: `arguments are not JSON: ${(e as Error).message}` };
  }
}

/** A stored contextwise message as LangChain messages (one, or one per tool result of an Anthropic-shaped user message). */
export function toLangChainMessages(m: ChatMessage): BaseMessage[] {
  const extra = (m as Stored).langchain;
  const fields = { ...(extra?.id ? { id: extra.id } : {}), ...(m.name ? { name: m.name } : {}) };
  const parts = Array.isArray(m.content) ? m.content : [];
  switch (m.role) {
    case 'user': {
      const results = parts.filter((p) => p.type === 'tool_result');
      if (!results.length) return [new HumanMessage({ content: blocksOf(m.content, extra), ...fields })];
      const rest = parts.filter((p) => p.type !== 'tool_result');
      const tools: BaseMessage[] = results.map((p) => {
        const r = p as Extract<ContentPart, { type: 'tool_result' }>;
        return new ToolMessage({ content: typeof r.content === 'string' ? r.content : textOf({ role: 'tool', content: r.content ?? [] }), tool_call_id: r.tool_use_id });
      });
      return rest.length ? [...tools, new HumanMessage({ content: blocksOf(rest, extra), ...fields })] : tools;
    }
    case 'system':
    case 'developer':
      return [new SystemMessage({ content: blocksOf(m.content, extra), ...fields })];
    case 'assistant': {
      const uses = parts.filter((p) => p.type === 'tool_use') as Extract<ContentPart, { type: 'tool_use' }>[];
      const calls = [
        ...(m.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, raw: c.function.arguments })),
        ...uses.map((u) => ({ id: u.id, name: u.name, raw: JSON.stringify(u.input ?? {}) })),
      ];
      const tool_calls: { id: string; name: string; args: Record<string, unknown>; type: 'tool_call' }[] = [];
      const invalid_tool_calls: { id: string; name: string; args: string; error: string; type: 'invalid_tool_call' }[] = [];
      for (const c of calls) {
        const parsed = parseArgs(c.raw);
        if ('args' in parsed) tool_calls.push({ id: c.id, name: c.name, args: parsed.args, type: 'tool_call' });
        else invalid_tool_calls.push({ id: c.id, name: c.name, args: c.raw, error: parsed.error, type: 'invalid_tool_call' });
      }
      const content = uses.length ? blocksOf(parts.filter((p) => p.type !== 'tool_use'), extra) : blocksOf(m.content, extra);
      return [new AIMessage({ content, tool_calls, invalid_tool_calls, ...fields })];
    }
    case 'tool':
      return [new ToolMessage({ content: blocksOf(m.content, extra), tool_call_id: m.tool_call_id ?? '', ...(extra?.status ? { status: extra.status } : {}), ...fields })];
    default:
      return [new LangChainChatMessage({ content: blocksOf(m.content, extra), role: m.role, ...fields })];
  }
}

// ---- the chat message history ----

/** Options of `ContextwiseChatMessageHistory`. */
export interface ContextwiseChatMessageHistoryOptions {
  /** An open manager: `await ContextManager.open({ appName, store })`. */
  manager: ContextManager;
  /** The session (created on first use); ids are 1–128 of `A–Z a–z 0–9 _ - . :`. */
  sessionId: string;
  /** `getMessages` returns only the newest `last` messages (default: all). */
  last?: number;
}

/**
 * A LangChain chat message history kept in a contextwise session.
 *
 * ```js
 * const manager = await ContextManager.open({ appName: 'my-app' });   // Node: .contextwise/my-app.sqlite
 * const chain = new RunnableWithMessageHistory({
 *   runnable: prompt.pipe(model), inputMessagesKey: 'question', historyMessagesKey: 'history',
 *   getMessageHistory: (sessionId) => new ContextwiseChatMessageHistory({ manager, sessionId }),
 * });
 * ```
 */
export class ContextwiseChatMessageHistory extends BaseListChatMessageHistory {
  lc_namespace = ['contextwise', 'langchain', 'chat_history'];
  /** The contextwise session id. */
  readonly sessionId: string;
  readonly #manager: ContextManager;
  readonly #last: number | undefined;

  constructor(options: ContextwiseChatMessageHistoryOptions) {
    const what = 'ContextwiseChatMessageHistory options';
    const o = readOptions(options, what, ['manager', 'sessionId', 'last']);
    const sessionId = optString(o, 'sessionId', what);
    if (sessionId === undefined) fail(`${what}.sessionId is required`);
    const manager = o.manager as ContextManager | undefined;
    if (!manager || typeof manager.session !== 'function') fail(`${what}.manager must be a ContextManager (await ContextManager.open({ appName }))`);
    super({ sessionId });
    this.sessionId = sessionId;
    this.#manager = manager;
    this.#last = optCount(o, 'last', what, 1);
  }

  #session() {
    return this.#manager.session(this.sessionId);
  }

  /** The stored messages, oldest first. */
  async getMessages(): Promise<BaseMessage[]> {
    const s = await this.#session();
    const records = await s.messages(this.#last === undefined ? undefined : { last: this.#last });
    return records.flatMap((r) => toLangChainMessages(r.message));
  }

  /** Stores one message at the end. */
  async addMessage(message: BaseMessage): Promise<void> {
    const m = toContextwiseMessage(message);
    await (await this.#session()).append(m);
  }

  /** Stores several messages at the end, all or nothing. */
  async addMessages(messages: BaseMessage[]): Promise<void> {
    const ms = messages.map(toContextwiseMessage);
    if (!ms.length) return;
    await (await this.#session()).commitTurn({ messages: ms });
  }

  /** Deletes the session with everything stored for it (messages, summaries, facts, usage); the next message starts it anew. */
  async clear(): Promise<void> {
    await this.#manager.deleteSession(this.sessionId);
  }
}

// ---- the trimmer ----

/** A LangChain chat model used as the summarizer of LLM strategies. */
export interface SummarizerChatModel {
  invoke(input: BaseMessage[]): Promise<{ content: unknown; text?: string }>;
}

/** Options of `contextwiseTrimmer`. */
export interface ContextwiseTrimmerOptions extends CondensingOptions {
  /** The contextwise registry id to count for (`models.list()`); with `contextWindow`, any id. */
  model: string;
  /** Condense whenever the messages are over this many tokens, to at most this many (instead of `threshold`). */
  maxTokens?: number;
  /** The context window, for a model the registry does not know (or to override a known one). */
  contextWindow?: number;
  /** With `contextWindow` for an unknown model: its tokenizer (default `'o200k_base'`; counts are then estimates). */
  encoding?: 'cl100k_base' | 'o200k_base' | 'p50k_base' | 'r50k_base';
  /** Writes summaries for the `summary` and `relevant` strategies: a LangChain chat model, or `{ complete(system, prompt, maxTokens) }`. */
  summarizer?: SummarizerChatModel | Summarizer;
  /** Called on every invocation with what contextwise did. */
  onContextInfo?: (info: ContextInfo) => void;
}

const TRIMMER_KEYS = ['model', 'maxTokens', 'contextWindow', 'encoding', 'summarizer', 'onContextInfo', ...CONDENSING_KEYS] as const;

function chatSummarizer(v: unknown, what: string): Summarizer | undefined {
  if (v === undefined) return undefined;
  if (v && typeof (v as Summarizer).complete === 'function') return v as Summarizer;
  if (v && typeof (v as SummarizerChatModel).invoke === 'function') {
    const model = v as SummarizerChatModel;
    return {
      async complete(system: string, prompt: string): Promise<string> {
        const r = await model.invoke([new SystemMessage(system), new HumanMessage(prompt)]);
        if (typeof r.text === 'string') return r.text;
        return typeof r.content === 'string' ? r.content : textOf({ role: 'assistant', content: r.content as ContentPart[] });
      },
    };
  }
  return fail(`${what}.summarizer must be a LangChain chat model or an object with complete(system, prompt, maxTokens)`);
}

/** A copy of a message with its text replaced by the truncated text (the rest of it unchanged). */
function truncatedCopy(m: BaseMessage, cut: ChatMessage): BaseMessage {
  const texts = textsOf(cut);
  let t = 0;
  const content: MessageContent = typeof m.content === 'string'
    ? (texts[0] ?? '')
    : (m.content as unknown[]).map((b) => {
      const block = typeof b === 'string' ? { type: 'text', text: b } : (b as Block);
      return block.type === 'text' && t < texts.length ? { ...block, text: texts[t++] } : block;
    }) as MessageContent;
  const fields = { content, id: m.id, name: m.name, additional_kwargs: m.additional_kwargs, response_metadata: m.response_metadata };
  switch (m.getType()) {
    case 'human': return new HumanMessage(fields);
    case 'ai': return new AIMessage({ ...fields, tool_calls: (m as AIMessage).tool_calls, invalid_tool_calls: (m as AIMessage).invalid_tool_calls });
    case 'tool': return new ToolMessage({ ...fields, tool_call_id: (m as ToolMessage).tool_call_id, status: (m as ToolMessage).status, artifact: (m as ToolMessage).artifact });
    case 'system': return new SystemMessage(fields);
    default: return new LangChainChatMessage({ ...fields, role: (m as LangChainChatMessage).role ?? 'user' });
  }
}

/**
 * A Runnable that condenses messages to fit a model: `prompt.pipe(contextwiseTrimmer({ model: 'gpt-4o', maxTokens: 4000 })).pipe(chatModel)`.
 * Kept messages are the input's own objects; summaries and facts of older turns come as system messages.
 */
export class ContextwiseTrimmer extends Runnable<BaseMessage[] | BasePromptValueInterface, BaseMessage[]> {
  lc_namespace = ['contextwise', 'langchain', 'trimmer'];
  static lc_name(): string {
    return 'ContextwiseTrimmer';
  }

  readonly #model: string;
  readonly #contextWindow: number | undefined;
  readonly #encoding: ContextwiseTrimmerOptions['encoding'];
  readonly #maxTokens: number | undefined;
  readonly #condensing: Condensing;
  readonly #summarizer: Summarizer | undefined;
  readonly #onContextInfo: ((info: ContextInfo) => void) | undefined;

  constructor(options: ContextwiseTrimmerOptions) {
    const what = 'contextwiseTrimmer options';
    const o = readOptions(options, what, TRIMMER_KEYS);
    const model = optString(o, 'model', what);
    if (model === undefined) fail(`${what}.model is required: a contextwise registry id such as 'gpt-4o'`);
    if (o.maxTokens !== undefined && o.threshold !== undefined) fail(`${what}: give maxTokens or threshold, not both`);
    super();
    this.#model = model;
    this.#maxTokens = optCount(o, 'maxTokens', what, 1);
    this.#contextWindow = optCount(o, 'contextWindow', what, 1);
    this.#encoding = optEncoding(o, what);
    this.#condensing = readCondensing(o, what);
    this.#summarizer = chatSummarizer(o.summarizer, what);
    this.#onContextInfo = optFunction(o, 'onContextInfo', what);
  }

  async invoke(input: BaseMessage[] | BasePromptValueInterface, options?: Partial<RunnableConfig>): Promise<BaseMessage[]> {
    return this._callWithConfig((i: BaseMessage[] | BasePromptValueInterface) => this.#trim(i), input, options);
  }

  async #trim(input: BaseMessage[] | BasePromptValueInterface): Promise<BaseMessage[]> {
    const messages = Array.isArray(input) ? input : typeof input?.toChatMessages === 'function' ? input.toChatMessages() : fail('contextwiseTrimmer takes an array of messages or a chat prompt value');
    const id = await ready(() => {
      if (this.#contextWindow === undefined && !known(this.#model)) {
        throw contextwiseError('UNKNOWN_MODEL', `contextwiseTrimmer: the registry does not know the model '${this.#model}'; use an id from models.list(), or give contextWindow`);
      }
      return resolveModel(this.#model, this.#contextWindow, this.#encoding, 'langchain');
    });
    const converted: Converted = { messages: [], origin: [], uncounted: 0 };
    messages.forEach((m, i) => {
      const cm = toContextwiseMessage(m);
      converted.uncounted += cm.langchain?.blocks?.length ?? 0;
      delete cm.langchain;
      converted.messages.push(cm);
      converted.origin.push(i);
    });
    const outcome = await run(converted, this.#condensing, { model: id, maxTokens: this.#maxTokens, summarizer: this.#summarizer });
    this.#onContextInfo?.(outcome.info);
    if (!outcome.pieces) return messages;
    return regroup<BaseMessage>(
      outcome.pieces,
      (block) => new SystemMessage(textOf(block)),
      (i, parts: Exclude<Piece, { kind: 'block' }>[]) => parts.map((p) => (p.kind === 'kept' ? messages[i] : truncatedCopy(messages[i], p.message))),
    );
  }
}

/**
 * A message trimmer that condenses instead of cutting: exact counts for the model, the system
 * prompt and the last turns verbatim, tool calls kept with their results, older turns as a summary
 * and a facts ledger. Compare LangChain's `trimMessages`, which drops them.
 *
 * ```js
 * const chain = prompt.pipe(contextwiseTrimmer({ model: 'gpt-4o', maxTokens: 8000 })).pipe(chatModel);
 * ```
 */
export function contextwiseTrimmer(options: ContextwiseTrimmerOptions): ContextwiseTrimmer {
  return new ContextwiseTrimmer(options);
}
