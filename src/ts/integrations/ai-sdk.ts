// `contextwise/ai-sdk`: a language-model middleware for the Vercel AI SDK (`ai` ≥ 7, middleware
// specification v4). Before `generateText` / `streamText` send a prompt, it counts it exactly,
// assesses the risk for the model and, over the threshold, condenses it with contextwise; what it
// did is in `providerMetadata.contextwise` of the result and in `onContextInfo`.
//
//   import { wrapLanguageModel, generateText } from 'ai';
//   import { contextwiseMiddleware } from 'contextwise/ai-sdk';
//   const model = wrapLanguageModel({ model: openai('gpt-4o'), middleware: contextwiseMiddleware() });
//
// `ai` is only a type here (and a peer dependency): the middleware is a plain object.
import type { LanguageModelMiddleware } from 'ai';
import type { ChatMessage, ContentPart, ToolCall, ToolDefinition, EncodingName, Summarizer } from 'contextwise';
import {
  readOptions, readCondensing, optString, optCount, optEncoding, optFunction, fail, known, resolveModel, ready, run, regroup,
  textOf, textsOf, base64, contextwiseError, CONDENSING_KEYS,
  type CondensingOptions, type ContextInfo, type Converted, type Piece,
} from './shared.js';

export type { ContextInfo, Threshold } from './shared.js';

type TransformParams = NonNullable<LanguageModelMiddleware['transformParams']>;
type TransformArgs = Parameters<TransformParams>[0];
/** The call options a middleware sees (`LanguageModelV4CallOptions`). */
type CallOptions = TransformArgs['params'];
type WrappedModel = TransformArgs['model'];
type Prompt = CallOptions['prompt'];
type PromptMessage = Prompt[number];
type UserPart = Extract<PromptMessage, { role: 'user' }>['content'][number];
type AssistantPart = Extract<PromptMessage, { role: 'assistant' }>['content'][number];
type ToolPart = Extract<PromptMessage, { role: 'tool' }>['content'][number];
type ToolResultPart = Extract<ToolPart, { type: 'tool-result' }>;
type FilePart = Extract<UserPart, { type: 'file' }>;
type GenerateResult = Awaited<ReturnType<NonNullable<LanguageModelMiddleware['wrapGenerate']>>>;
type StreamResult = Awaited<ReturnType<NonNullable<LanguageModelMiddleware['wrapStream']>>>;
type StreamPart = StreamResult['stream'] extends ReadableStream<infer P> ? P : never;

/** An AI SDK language model used as the summarizer of LLM strategies (its `doGenerate` is called directly). */
export interface SummarizerModel {
  doGenerate(options: CallOptions): PromiseLike<{ content: ReadonlyArray<{ type: string; text?: string }> }>;
}

/** Options of `contextwiseMiddleware`. */
export interface ContextwiseMiddlewareOptions extends CondensingOptions {
  /** The contextwise registry id to count and assess for (default: the wrapped model's `modelId`, when the registry knows it). */
  model?: string;
  /** The context window of a model the registry does not know (or to override a known one). */
  contextWindow?: number;
  /** With `contextWindow` for an unknown model: its tokenizer (default `'o200k_base'`; counts are then estimates). */
  encoding?: EncodingName;
  /** Writes summaries for the `summary` and `relevant` strategies: an AI SDK model, or `{ complete(system, prompt, maxTokens) }` (a contextwise provider with a model). */
  summarizer?: SummarizerModel | Summarizer;
  /** Called before each model call with what contextwise did to the prompt. */
  onContextInfo?: (info: ContextInfo) => void;
}

const KEYS = ['model', 'contextWindow', 'encoding', 'summarizer', 'onContextInfo', ...CONDENSING_KEYS] as const;
const WHAT = 'contextwiseMiddleware options';

/**
 * A middleware for `wrapLanguageModel` that keeps prompts within the model's context window.
 *
 * ```js
 * const model = wrapLanguageModel({
 *   model: openai('gpt-4o'),
 *   middleware: contextwiseMiddleware({ threshold: 'WARNING', preserveRecentMessages: 8 }),
 * });
 * const { text, providerMetadata } = await generateText({ model, messages });
 * providerMetadata.contextwise; // { riskLevel, tokensBefore, tokensAfter, condensationApplied, strategy, … }
 * ```
 */
export function contextwiseMiddleware(options?: ContextwiseMiddlewareOptions): LanguageModelMiddleware & { readonly specificationVersion: 'v4' } {
  const o = readOptions(options, WHAT, KEYS);
  const condensing = readCondensing(o, WHAT);
  const fixedModel = optString(o, 'model', WHAT);
  const contextWindow = optCount(o, 'contextWindow', WHAT, 1);
  const encoding = optEncoding(o, WHAT);
  const onContextInfo = optFunction<(info: ContextInfo) => void>(o, 'onContextInfo', WHAT);
  const summarizer = summarizerOf(o.summarizer);
  const infos = new WeakMap<object, ContextInfo>();

  const modelFor = (wrapped: WrappedModel): string => {
    const id = fixedModel ?? registryId(wrapped.modelId) ?? wrapped.modelId;
    if (contextWindow === undefined && !known(id)) {
      throw contextwiseError('UNKNOWN_MODEL', `contextwiseMiddleware: the registry does not know the model '${id}'; pass { model: '<a registry id>' } or { contextWindow } (and encoding), or register it with models.register`);
    }
    return resolveModel(id, contextWindow, encoding, wrapped.provider);
  };

  return {
    specificationVersion: 'v4',
    async transformParams({ params, model }) {
      const id = await ready(() => modelFor(model));
      const converted = toContextwise(params);
      const outcome = await run(converted.c, condensing, { model: id, reserveOutput: params.maxOutputTokens, summarizer });
      const next = outcome.pieces ? { ...params, prompt: toPrompt(params.prompt, converted, outcome.pieces) } : params;
      infos.set(next, outcome.info);
      onContextInfo?.(outcome.info);
      return next;
    },
    async wrapGenerate({ doGenerate, params }) {
      const result: GenerateResult = await doGenerate();
      const info = infos.get(params);
      if (!info) return result;
      return { ...result, providerMetadata: { ...result.providerMetadata, contextwise: { ...info } } };
    },
    async wrapStream({ doStream, params }) {
      const result: StreamResult = await doStream();
      const info = infos.get(params);
      if (!info) return result;
      const stream = result.stream.pipeThrough(new TransformStream<StreamPart, StreamPart>({
        transform(part, controller) {
          controller.enqueue(part.type === 'finish'
            ? { ...part, providerMetadata: { ...part.providerMetadata, contextwise: { ...info } } }
            : part);
        },
      }));
      return { ...result, stream };
    },
  };
}

/** The registry id for a model id, also for gateway-style ids (`openai/gpt-4o`). */
function registryId(modelId: string): string | undefined {
  if (known(modelId)) return modelId;
  const tail = modelId.slice(modelId.lastIndexOf('/') + 1);
  return tail !== modelId && known(tail) ? tail : undefined;
}

function summarizerOf(v: unknown): Summarizer | undefined {
  if (v === undefined) return undefined;
  if (v && typeof (v as Summarizer).complete === 'function') return v as Summarizer;
  if (v && typeof (v as SummarizerModel).doGenerate === 'function') {
    const m = v as SummarizerModel;
    return {
      async complete(system: string, prompt: string, maxTokens: number): Promise<string> {
        const r = await m.doGenerate({
          prompt: [{ role: 'system', content: system }, { role: 'user', content: [{ type: 'text', text: prompt }] }],
          maxOutputTokens: maxTokens,
        });
        return r.content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
      },
    };
  }
  return fail(`${WHAT}.summarizer must be an AI SDK language model or an object with complete(system, prompt, maxTokens)`);
}

// ---- AI SDK prompt → contextwise messages (the OpenAI chat shape, as the providers send it) ----

interface Conversion {
  c: Converted;
  /** For each prompt message: the contextwise messages it became (tool messages: one per result). */
  pieces: number[][];
  /** Tool messages that became no contextwise message (only approval responses), by the message they follow. */
  after: Map<number, number[]>;
}

function toContextwise(params: CallOptions): Conversion {
  const messages: ChatMessage[] = [];
  const origin: number[] = [];
  const pieces: number[][] = [];
  const after = new Map<number, number[]>();
  const state = { uncounted: 0 };
  let last = -1;
  params.prompt.forEach((m, i) => {
    const out = convertMessage(m, state);
    pieces.push(out.map((_, k) => messages.length + k));
    for (const cm of out) {
      messages.push(cm);
      origin.push(i);
    }
    if (out.length) last = i;
    else after.set(last, [...(after.get(last) ?? []), i]);
  });
  const tools: ToolDefinition[] = [];
  for (const t of params.tools ?? []) {
    if (t.type === 'function') tools.push({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema as Record<string, unknown> } });
    else state.uncounted++;
  }
  return { c: { messages, origin, uncounted: state.uncounted, tools: tools.length ? tools : undefined }, pieces, after };
}

function convertMessage(m: PromptMessage, state: { uncounted: number }): ChatMessage[] {
  switch (m.role) {
    case 'system':
      return [{ role: 'system', content: m.content }];
    case 'user':
      return [{ role: 'user', content: m.content.flatMap((p) => userPart(p, state)) }];
    case 'assistant': {
      let text = '';
      const calls: ToolCall[] = [];
      for (const p of m.content) {
        if (p.type === 'text') text += p.text;
        else if (p.type === 'tool-call') calls.push({ id: p.toolCallId, type: 'function', function: { name: p.toolName, arguments: toolArguments(p.input) } });
        else state.uncounted++;
      }
      return [calls.length ? { role: 'assistant', content: text || null, tool_calls: calls } : { role: 'assistant', content: text }];
    }
    case 'tool':
      return m.content.flatMap((p): ChatMessage[] => {
        if (p.type !== 'tool-result') return [];
        return [{ role: 'tool', tool_call_id: p.toolCallId, content: toolOutput(p) }];
      });
    default:
      throw contextwiseError('INVALID_MESSAGE', `prompt message has an unknown role '${String((m as { role?: unknown }).role)}'`);
  }
}

function topLevel(mediaType: string): string {
  return mediaType.split('/')[0].toLowerCase();
}

function userPart(p: UserPart, state: { uncounted: number }): ContentPart[] {
  if (p.type === 'text') return [{ type: 'text', text: p.text }];
  const f = p as FilePart;
  const kind = topLevel(f.mediaType);
  const data = f.data as { type: string; text?: string; url?: URL | string; data?: Uint8Array | string };
  if (kind === 'image' && data.type === 'url') return [{ type: 'image_url', image_url: { url: String(data.url) } }];
  if (kind === 'image' && data.type === 'data' && data.data !== undefined) {
    const media = f.mediaType.includes('/') ? f.mediaType : 'image/*';
    return [{ type: 'image_url', image_url: { url: `data:${media};base64,${base64(data.data)}` } }];
  }
  if (kind === 'text' && data.type === 'text' && typeof data.text === 'string') return [{ type: 'text', text: data.text }];
  if (kind === 'text' && data.type === 'data' && data.data !== undefined) {
    const bytes = typeof data.data === 'string' ? Uint8Array.from(atob(data.data), (ch) => ch.charCodeAt(0)) : data.data;
    return [{ type: 'text', text: new TextDecoder().decode(bytes) }];
  }
  state.uncounted++;
  return [];
}

/** Tool-call arguments as the providers send them: a JSON string. */
function toolArguments(input: unknown): string {
  if (typeof input === 'string') {
    try {
      JSON.parse(input);
      return input;
    } catch {
      return JSON.stringify(input);
    }
  }
  return stringify(input);
}

function toolOutput(p: ToolResultPart): string {
  const out = p.output;
  switch (out.type) {
    case 'text':
    case 'error-text':
      return out.value;
    case 'execution-denied':
      return out.reason ?? 'Tool call execution denied.';
    default:
      return stringify(out.value);
  }
}

/** JSON with BigInts as strings and cycles marked, as the AI SDK's providers serialize. */
function stringify(value: unknown): string {
  const ancestors: unknown[] = [];
  return JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v !== 'object' || v === null) return v;
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(v)) return '[Circular]';
    ancestors.push(v);
    return v;
  }) ?? 'null';
}

// ---- the condensed context → an AI SDK prompt: kept messages are the caller's own objects ----

function toPrompt(prompt: Prompt, conv: Conversion, pieces: Piece[]): Prompt {
  const out = regroup<PromptMessage>(
    pieces,
    (block) => ({ role: 'system', content: textOf(block) }),
    (i, parts) => {
      const original = prompt[i];
      const whole = parts.length === conv.pieces[i].length && parts.every((p) => p.kind === 'kept');
      const rebuilt = whole ? original : rebuild(original, conv.pieces[i], parts);
      return [rebuilt, ...(conv.after.get(i) ?? []).map((k) => prompt[k])];
    },
  );
  return [...(conv.after.get(-1) ?? []).map((k) => prompt[k]), ...out];
}

/** A message of which some contextwise messages were truncated (or, for tool messages, not all kept). */
function rebuild(m: PromptMessage, all: number[], parts: Exclude<Piece, { kind: 'block' }>[]): PromptMessage {
  const truncated = parts.find((p) => p.kind === 'truncated') as Extract<Piece, { kind: 'truncated' }> | undefined;
  switch (m.role) {
    case 'tool': {
      const byIndex = new Map(parts.map((p) => [p.index, p]));
      let r = 0;
      const content = m.content.flatMap((p): ToolPart[] => {
        if (p.type !== 'tool-result') return [p];
        const piece = byIndex.get(all[r++]);
        if (!piece) return [];
        return [piece.kind === 'truncated' ? { ...p, output: { type: 'text', value: textOf(piece.message) } } : p];
      });
      return { ...m, content };
    }
    case 'user': {
      if (!truncated) return m;
      const texts = textsOf(truncated.message);
      let t = 0;
      const content = m.content.map((p): UserPart => {
        const counted = p.type === 'text' || (topLevel(p.mediaType) === 'text' && (p.data.type === 'text' || p.data.type === 'data'));
        return counted && t < texts.length ? { type: 'text', text: texts[t++] } : p;
      });
      return { ...m, content };
    }
    case 'assistant': {
      if (!truncated) return m;
      const text = textOf(truncated.message);
      const rest = m.content.filter((p) => p.type !== 'text');
      const content: AssistantPart[] = text ? [{ type: 'text', text }, ...rest] : rest;
      return { ...m, content };
    }
    default:
      return m;
  }
}
