// The two client formats the proxy speaks — OpenAI Chat Completions and Anthropic Messages:
// reading a request into one shape, and writing answers, stream events and errors back in the
// client's own format. Only conversion: what to send and how much is decided elsewhere (the
// core's counting, risk and condensation; the upstream's answer).
import type { ChatMessage, ChatResult, StreamDelta } from 'contextwise';

export type ClientFormat = 'openai' | 'anthropic';
/** A message as the client sent it (OpenAI or Anthropic shape). */
export type Msg = Record<string, unknown> & { role: string; content?: unknown };

/** A chat request, read. */
export interface ClientRequest {
  format: ClientFormat;
  /** The body as parsed (forwarded, with messages and model replaced, when formats match). */
  body: Record<string, unknown>;
  /** The body as it came (forwarded as it is when nothing was replaced). */
  raw: Buffer;
  model: string;
  stream: boolean;
  /** The conversation; Anthropic's `system` is its first message, `{ role: 'system', content: system }`. */
  messages: Msg[];
  /** Anthropic: messages[0] is the request's `system`. */
  systemFirst: boolean;
  tools?: unknown[];
  maxTokens?: number;
  temperature?: number;
  /** OpenAI: `stream_options.include_usage`. */
  includeUsage: boolean;
}

/** An error answered in the client's format, with a stable code. */
export class ProxyError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(message: string): never {
  throw new ProxyError(400, message, 'INVALID_REQUEST');
}

function readMessages(v: unknown, where: string): Msg[] {
  if (!Array.isArray(v) || v.length === 0) invalid(`${where} must be a non-empty array of messages`);
  return (v as unknown[]).map((m, i) => {
    if (!isObject(m) || typeof m.role !== 'string') invalid(`${where}[${i}] must be an object with a role`);
    return m as Msg;
  });
}

function common(body: unknown): { body: Record<string, unknown>; model: string } {
  if (!isObject(body)) invalid('the request body must be a JSON object');
  if (typeof body.model !== 'string' || !body.model) invalid("'model' must be a non-empty string");
  return { body, model: body.model };
}

const optNumber = (v: unknown, name: string): number | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) invalid(`'${name}' must be a number`);
  return v;
};
const optTools = (v: unknown): unknown[] | undefined => {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) invalid("'tools' must be an array");
  return v.length ? v : undefined;
};

/** Reads an OpenAI Chat Completions request. */
export function readOpenAI(json: unknown, raw: Buffer): ClientRequest {
  const { body, model } = common(json);
  const messages = readMessages(body.messages, "'messages'");
  const maxTokens = optNumber(body.max_completion_tokens ?? body.max_tokens, 'max_tokens');
  const opts = body.stream_options;
  return {
    format: 'openai', body, raw, model, stream: body.stream === true, messages, systemFirst: false,
    tools: optTools(body.tools), maxTokens, temperature: optNumber(body.temperature, 'temperature'),
    includeUsage: isObject(opts) && opts.include_usage === true,
  };
}

/** Reads an Anthropic Messages request (also `count_tokens`, which has no `max_tokens`). */
export function readAnthropic(json: unknown, raw: Buffer): ClientRequest {
  const { body, model } = common(json);
  const messages = readMessages(body.messages, "'messages'");
  const system = body.system;
  if (system !== undefined && system !== null && typeof system !== 'string' && !Array.isArray(system)) invalid("'system' must be a string or an array of text blocks");
  const systemFirst = typeof system === 'string' ? system.length > 0 : Array.isArray(system) && system.length > 0;
  return {
    format: 'anthropic', body, raw, model, stream: body.stream === true,
    messages: systemFirst ? [{ role: 'system', content: system }, ...messages] : messages, systemFirst,
    tools: optTools(body.tools), maxTokens: optNumber(body.max_tokens, 'max_tokens'),
    temperature: optNumber(body.temperature, 'temperature'), includeUsage: false,
  };
}

// ---- Anthropic → OpenAI shape (an Anthropic client in front of an OpenAI-compatible or Ollama upstream)

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (isObject(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : isObject(b) && b.type === 'image' ? '[image]' : '')).filter(Boolean).join('\n');
}

function imagePart(b: Record<string, unknown>): unknown {
  const src = isObject(b.source) ? b.source : {};
  const url = src.type === 'base64' ? `data:${String(src.media_type ?? 'image/png')};base64,${String(src.data ?? '')}` : String(src.url ?? '');
  return { type: 'image_url', image_url: { url } };
}

/**
 * Anthropic messages (system messages first, as `readAnthropic` and condensation put them) in the
 * OpenAI shape: tool_use blocks become `tool_calls`, tool_result blocks `tool` messages (before the
 * user's other content, right after the call), images data or plain URLs; thinking blocks are
 * not sent to a model that cannot read them.
 */
export function anthropicToOpenAI(messages: Msg[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      out.push({ role: 'system', content: textOf(m.content) });
      continue;
    }
    if (typeof m.content === 'string' || !Array.isArray(m.content)) {
      out.push({ role: m.role === 'assistant' ? 'assistant' : 'user', content: typeof m.content === 'string' ? m.content : '' });
      continue;
    }
    const blocks = m.content.filter(isObject);
    if (m.role === 'assistant') {
      const text = blocks.filter((b) => b.type === 'text').map((b) => String(b.text ?? '')).join('');
      const calls = blocks.filter((b) => b.type === 'tool_use').map((b) => ({
        id: String(b.id ?? ''), type: 'function' as const,
        function: { name: String(b.name ?? ''), arguments: JSON.stringify(b.input ?? {}) },
      }));
      const msg: ChatMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
      if (calls.length) msg.tool_calls = calls;
      out.push(msg);
      continue;
    }
    for (const b of blocks.filter((x) => x.type === 'tool_result')) {
      const text = textOf(b.content);
      out.push({ role: 'tool', tool_call_id: String(b.tool_use_id ?? ''), content: b.is_error === true ? `Error: ${text}` : text });
    }
    const parts: unknown[] = [];
    for (const b of blocks) {
      if (b.type === 'text') parts.push({ type: 'text', text: String(b.text ?? '') });
      else if (b.type === 'image') parts.push(imagePart(b));
      else if (b.type === 'document') parts.push({ type: 'text', text: '[a document the upstream model cannot read]' });
    }
    if (!parts.length) continue;
    const onlyText = parts.every((p) => (p as { type: string }).type === 'text');
    out.push({ role: 'user', content: onlyText ? parts.map((p) => (p as { text: string }).text).join('\n') : parts as ChatMessage['content'] });
  }
  return out;
}

/** Anthropic tool definitions as OpenAI functions; Anthropic's server tools (web search …) have no equivalent and are left out. */
export function anthropicToolsToOpenAI(tools: unknown[] | undefined): unknown[] | undefined {
  if (!tools) return undefined;
  const out = tools.filter((t) => isObject(t) && typeof t.name === 'string' && (t.type === undefined || t.type === 'custom' || isObject(t.input_schema)))
    .map((t) => {
      const d = t as Record<string, unknown>;
      return { type: 'function', function: { name: d.name, description: d.description ?? '', parameters: d.input_schema ?? { type: 'object' } } };
    });
  return out.length ? out : undefined;
}

// ---- answers

const rand = () => Math.random().toString(36).slice(2, 14) + Math.random().toString(36).slice(2, 14);
export const newId = (prefix: string) => `${prefix}${rand()}`;

/** An OpenAI finish reason from any provider's. */
export function openaiFinish(reason: string | undefined, tools: boolean): string {
  switch (reason) {
    case 'length': case 'max_tokens': return 'length';
    case 'tool_calls': case 'tool_use': case 'function_call': return 'tool_calls';
    case 'content_filter': case 'refusal': return 'content_filter';
    case 'stop': case 'end_turn': case 'stop_sequence': return tools ? 'tool_calls' : 'stop';
    default: return tools ? 'tool_calls' : 'stop';
  }
}

/** An Anthropic stop reason from any provider's. */
export function anthropicStop(reason: string | undefined, tools: boolean): string {
  switch (reason) {
    case 'length': case 'max_tokens': return 'max_tokens';
    case 'tool_calls': case 'tool_use': case 'function_call': return 'tool_use';
    case 'stop_sequence': return 'stop_sequence';
    case 'content_filter': case 'refusal': return 'refusal';
    default: return tools ? 'tool_use' : 'end_turn';
  }
}

type ToolCallOut = { id: string; type?: string; function: { name: string; arguments: string } };
const toolCalls = (m: ChatMessage): ToolCallOut[] => (Array.isArray(m.tool_calls) ? m.tool_calls as ToolCallOut[] : []);
const contentText = (m: ChatMessage): string => (typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => (p.type === 'text' ? p.text : '')).join('') : '');

function parseArguments(args: string): unknown {
  try {
    const v = JSON.parse(args || '{}');
    return isObject(v) ? v : { value: v };
  } catch {
    return { _raw: args };
  }
}

/** A complete answer from the core's provider call, as an OpenAI chat.completion. */
export function openaiCompletion(r: ChatResult, model: string, contextInfo: unknown): Record<string, unknown> {
  const calls = toolCalls(r.message);
  const message: Record<string, unknown> = { role: 'assistant', content: calls.length && !contentText(r.message) ? null : contentText(r.message) };
  if (calls.length) message.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: c.function }));
  const u = r.usage;
  return {
    id: newId('chatcmpl-'), object: 'chat.completion', created: Math.floor(Date.now() / 1000), model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: openaiFinish(r.finishReason, calls.length > 0) }],
    usage: u ? { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.promptTokens + u.completionTokens } : undefined,
    context_info: contextInfo,
  };
}

/** A complete answer from the core's provider call, as an Anthropic message. */
export function anthropicMessage(r: ChatResult, model: string, contextInfo: unknown): Record<string, unknown> {
  const text = contentText(r.message);
  const calls = toolCalls(r.message);
  const content: unknown[] = text ? [{ type: 'text', text }] : [];
  for (const c of calls) content.push({ type: 'tool_use', id: c.id || newId('toolu_'), name: c.function.name, input: parseArguments(c.function.arguments) });
  const u = r.usage;
  return {
    id: newId('msg_'), type: 'message', role: 'assistant', model, content,
    stop_reason: anthropicStop(r.finishReason, calls.length > 0), stop_sequence: null,
    usage: { input_tokens: u?.promptTokens ?? 0, output_tokens: u?.completionTokens ?? 0 },
    context_info: contextInfo,
  };
}

// ---- errors

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 503: 'overloaded_error', 504: 'timeout_error', 529: 'overloaded_error',
};
const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'invalid_request_error', 429: 'rate_limit_error', 504: 'timeout_error',
};

/** An error body in the client's format. */
export function errorBody(format: ClientFormat, status: number, message: string, code: string): Record<string, unknown> {
  if (format === 'anthropic') return { type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message, code } };
  return { error: { message, type: OPENAI_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param: null, code } };
}

// ---- streams

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

/** Writes a translated stream (deltas from the core's provider stream) in a client format. */
export interface StreamWriter {
  start(): string;
  delta(d: StreamDelta): string;
  /** The end of the answer: finish reason and usage. */
  finish(r: ChatResult | undefined): string;
  /** The proxy's own last event: `context_info`. */
  contextInfo(info: unknown): string;
  /** The terminator after everything (OpenAI's `[DONE]`). */
  done(): string;
  /** An error after the stream began. */
  error(message: string, code: string, status?: number): string;
}

/** The `context_info` event of a stream in a client's format (also for passed-through streams). */
export function contextInfoEvent(format: ClientFormat, info: unknown, id: string, model: string): string {
  return format === 'anthropic'
    ? sse({ type: 'context_info', context_info: info }, 'context_info')
    : sse({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [], context_info: info });
}

/** An error event inside a stream, in a client's format (its SDK throws it). */
export function streamErrorEvent(format: ClientFormat, status: number, message: string, code: string): string {
  return format === 'anthropic' ? sse(errorBody('anthropic', status, message, code), 'error') : sse(errorBody('openai', status, message, code));
}

export function openaiStream(model: string, includeUsage: boolean, estimatedInput: number): StreamWriter {
  const id = newId('chatcmpl-');
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => sse({ id, object: 'chat.completion.chunk', created, model, choices, ...extra });
  let tools = false;
  return {
    start: () => chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
    delta(d) {
      if (d.type === 'text') return chunk([{ index: 0, delta: { content: d.text }, logprobs: null, finish_reason: null }]);
      tools = true;
      const call: Record<string, unknown> = { index: d.index, function: { ...(d.name ? { name: d.name } : {}), arguments: d.arguments } };
      if (d.id) { call.id = d.id; call.type = 'function'; }
      return chunk([{ index: 0, delta: { tool_calls: [call] }, logprobs: null, finish_reason: null }]);
    },
    finish(r) {
      let out = chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: openaiFinish(r?.finishReason, tools) }]);
      if (includeUsage) {
        const u = r?.usage;
        const p = u?.promptTokens ?? estimatedInput;
        const c = u?.completionTokens ?? 0;
        out += chunk([], { usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } });
      }
      return out;
    },
    contextInfo: (info) => contextInfoEvent('openai', info, id, model),
    done: () => 'data: [DONE]\n\n',
    error: (message, code, status = 502) => streamErrorEvent('openai', status, message, code),
  };
}

export function anthropicStream(model: string, estimatedInput: number): StreamWriter {
  let index = -1;
  let open: string | null = null;          // 'text' or 'tool:<i>' — the block being written
  const toolBlock = new Map<number, number>();
  let tools = false;
  const close = () => {
    if (open === null) return '';
    open = null;
    return sse({ type: 'content_block_stop', index }, 'content_block_stop');
  };
  return {
    start: () => sse({
      type: 'message_start',
      message: { id: newId('msg_'), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: estimatedInput, output_tokens: 0 } },
    }, 'message_start'),
    delta(d) {
      let out = '';
      if (d.type === 'text') {
        if (open !== 'text') {
          out += close();
          index++;
          open = 'text';
          out += sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start');
        }
        return out + sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: d.text } }, 'content_block_delta');
      }
      tools = true;
      let at = toolBlock.get(d.index);
      if (at === undefined) {
        out += close();
        at = ++index;
        toolBlock.set(d.index, at);
        open = `tool:${d.index}`;
        out += sse({ type: 'content_block_start', index: at, content_block: { type: 'tool_use', id: d.id ?? newId('toolu_'), name: d.name ?? '', input: {} } }, 'content_block_start');
      }
      if (d.arguments) out += sse({ type: 'content_block_delta', index: at, delta: { type: 'input_json_delta', partial_json: d.arguments } }, 'content_block_delta');
      return out;
    },
    finish(r) {
      const u = r?.usage;
      return close() +
        sse({ type: 'message_delta', delta: { stop_reason: anthropicStop(r?.finishReason, tools), stop_sequence: null }, usage: { input_tokens: u?.promptTokens ?? estimatedInput, output_tokens: u?.completionTokens ?? 0 } }, 'message_delta') +
        sse({ type: 'message_stop' }, 'message_stop');
    },
    contextInfo: (info) => contextInfoEvent('anthropic', info, '', model),
    done: () => '',
    error: (message, code, status = 502) => streamErrorEvent('anthropic', status, message, code),
  };
}
