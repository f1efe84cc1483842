//! TypeScript declarations for what the exports take: the shapes contextwise parses itself
//! (messages, content parts, tools, options with unions). What they return is generated from the
//! Rust types (`tsify` derives on the result types); the aliases below keep the public names.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Encodings contextwise ships (one rank file each under `ranks/`). */
export type EncodingName = 'cl100k_base' | 'o200k_base' | 'p50k_base' | 'r50k_base';

/** A content part: OpenAI (`text`, `image_url`) or Anthropic (`text`, `image`, `tool_use`, `tool_result`). */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'low' | 'high' | 'auto'; width?: number; height?: number } }
  | { type: 'image'; source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string }; width?: number; height?: number }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content?: string | ContentPart[] };

/** A tool call made by the assistant (OpenAI shape). */
export interface ToolCall { id: string; type?: 'function'; function: { name: string; arguments: string } }

/** A chat message in the OpenAI shape; Anthropic content blocks are accepted too. */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

/** A tool definition (OpenAI `{ type: 'function', function }` or Anthropic `{ name, input_schema }`). */
export type ToolDefinition =
  | { type: 'function'; function: { name: string; description?: string; parameters?: Record<string, unknown> } }
  | { name: string; description?: string; input_schema?: Record<string, unknown> };

/** Count with a model's tokenizer, or with an encoding. Give one of the two. */
export type CountOptions = { model: string; encoding?: undefined } | { encoding: EncodingName; model?: undefined };

/** `encode` options: special-token strings become special tokens only when allowed. */
export type EncodeOptions = CountOptions & { allowedSpecial?: 'all' | string[] };

/** `countMessages` options. */
export interface ChatCountOptions { model: string; tools?: ToolDefinition[] }

/** Utilization thresholds, increasing, within (0, 1]. Defaults 0.7 / 0.8 / 0.9. */
export interface RiskThresholds { caution?: number; warning?: number; critical?: number }

/** `assessRisk` options. */
export interface RiskOptions {
  model: string;
  /** Tokens kept free for the reply (default: the model's max output, at most 4,096). */
  reserveOutput?: number;
  thresholds?: RiskThresholds;
  tools?: ToolDefinition[];
}

/** What `models.register` takes: the required fields, the rest optional. */
export interface ModelInfoInput {
  id: string;
  provider: string;
  tokenizer: { encoding: EncodingName; exact?: boolean; factor?: number };
  contextWindow: number;
  maxOutputTokens: number;
  aliases?: string[];
  local?: boolean;
  pricing?: { input: number; output: number; cachedInput?: number | null };
  capabilities?: { vision?: boolean; tools?: boolean; streaming?: boolean };
  framing?: { perMessage: number; perName: number; replyPriming: number } | null;
  image?: ImageFormula | null;
  sources?: { limits?: { url: string; date: string } | null; pricing?: { url: string; date: string } | null };
  note?: string;
}

/** Options of `planCondensation` and `condense`. */
export interface CondenseOptions {
  model: string;
  /** Target size in tokens (default: 60 % of the usable window). */
  target?: number;
  /** Most recent messages kept verbatim, as whole turns (default 8). */
  keepRecent?: number;
  /** Default 'extractive' (local, no LLM). */
  strategy?: CondenseStrategy;
  /** The current question (default: the last user message). */
  question?: string;
  /** Indices of messages kept verbatim with their turn. */
  pinned?: number[];
  /** Condense even below the WARNING level. */
  force?: boolean;
  reserveOutput?: number;
  /** Truncate kept messages longer than this to their head and tail. */
  maxMessageTokens?: number;
  /** Caller-supplied snippets (RAG), placed before the recent messages. */
  snippets?: string[];
  /** Model that writes LLM summaries (for the cost estimate and the cache). */
  summarizerModel?: string;
  /** Ignored (kept for compatibility): summaries are cached by the content they cover. */
  session?: string;
  /** Milliseconds a summarizer call may take before it counts as failed (default 60,000; at most 2^31 − 1). */
  timeoutMs?: number;
  /** Also ask the summarizer for facts as JSON (validated). */
  llmFacts?: boolean;
  /** Return the `contextwise_recall` tool definition (`tool`) and `recall(query)` over the evicted messages. */
  recallTool?: boolean;
  /** A summary you kept of the messages up to index `through`: `summary` extends it with only the messages evicted after it. */
  previousSummary?: { text: string; through: number };
}

/** What LLM strategies call: resolve to the model's answer. */
export interface Summarizer { complete(system: string, prompt: string, maxTokens: number): Promise<string> }

/** `createProvider` options. The API key stays in memory only. */
export interface ProviderOptions {
  kind: 'openai' | 'anthropic' | 'ollama';
  /** e.g. 'https://api.openai.com/v1', 'https://api.deepseek.com/v1', 'https://api.anthropic.com', 'http://127.0.0.1:11434'. */
  baseUrl: string;
  apiKey?: string;
  /** Per request: the wait for headers and for each stream chunk (default 60,000). */
  timeoutMs?: number;
  /** Retries on network errors, timeouts, 429 and 5xx (default 2). */
  retries?: number;
  /** Anthropic from a page: send the browser-access header (the web build sets it). */
  browser?: boolean;
  headers?: Record<string, string>;
  /** Ollama only: keep models warm and unload the least recently used. */
  hotSwap?: { cache?: 'ram' | 'ssd' | 'none'; maxModels?: number };
  /** Largest response body read, in bytes (default 32 MiB); larger fails with RESPONSE_TOO_LARGE. */
  maxResponseBytes?: number;
  /** Largest single stream line or event, in bytes (default 1 MiB). */
  maxEventBytes?: number;
}

/** `chat` / `stream` options. */
export interface ChatOptions {
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  tools?: ToolDefinition[];
  signal?: AbortSignal;
}

/** Router configuration: roles, ordered rules (regex-lite syntax, linear time), default and preferences. */
export interface RouterConfig {
  models?: { primary?: string; code?: string; fast?: string; complex?: string; vision?: string };
  rules?: { pattern: string; model: string; flags?: 'i' }[];
  default?: string;
  /** false sends every request to the default model. */
  useHybrid?: boolean;
  /** Among models that can serve the task and fit, prefer the cheapest. */
  preferCheap?: boolean;
  reserveOutput?: number;
  /** Tried in order after the chosen model fails with a retryable error. */
  fallbacks?: string[];
  tools?: ToolDefinition[];
}

/** The turn loop's part of `ContextManager.open` options. */
export interface ManagerOptions {
  /** Providers keyed by the registry's provider name (`openai`, `anthropic`, `deepseek`, `ollama`, `local`, …); keys stay in memory. */
  providers?: Record<string, ProviderOptions>;
  /** The router (default: every turn to the cheapest registered model a provider is given for). */
  router?: RouterConfig;
  /** Per-model limits, e.g. `{ 'deepseek-coder': { maxContextTokens: 10000 } }`. */
  limits?: Record<string, { maxContextTokens?: number }>;
  /** Share of the usable window from which a turn is condensed before sending (default 0.75). */
  summarizationThreshold?: number;
  /** Messages at the end always sent verbatim (default 8; fewer when they alone do not fit). */
  preserveRecentMessages?: number;
  /** The chain in fallback order (default: summary, extractive, truncate — extractive first without a summarizer) and the model that writes summaries (default: the cheapest configured). */
  condensation?: {
    strategies?: CondenseStrategy[]; summarizer?: string; timeoutMs?: number;
    /** Offer the model `contextwise_recall` in condensed turns and answer its calls from the evicted messages (default false). */
    recallTool?: boolean;
  };
  /** Memory from earlier sessions in each turn's context (5 hits by default). Default on in browsers, off in Node, where a store usually holds every user's sessions. */
  memory?: { crossSession?: boolean; limit?: number };
  /** A system prompt sent first in every turn (not stored as a message). */
  system?: string;
  /** Tokens reserved for each reply (default: the model's max output, at most 4,096 and a quarter of its window). */
  maxOutputTokens?: number;
}

/** `session.send` options. */
export interface SendOptions {
  /** Use this model (no routing; the fallback chain follows it). */
  model?: string;
  temperature?: number;
  /** Tokens reserved for this reply. */
  maxTokens?: number;
  /** Memory from earlier sessions for this turn (default: the manager's setting). */
  memory?: boolean;
  /** `stream` only: when it stops early (abort, leaving the loop), store what arrived of the reply. */
  keepPartial?: boolean;
}

/** What a turn did to its context (the seed's `context_info`). */
export interface ContextInfo {
  riskLevel: RiskLevel;
  utilization: number;
  condensationApplied: boolean;
  tokensBefore: number;
  tokensAfter: number;
  tokensSaved: number;
  strategy: Strategy | null;
  processingTimeMs: number;
  model: string;
  reason: string;
  fallbacks: Fallback[];
  attempts: Attempt[];
  /** The usable window: the model's window (or `maxContextTokens`) minus the reply reserve. */
  limit: number;
  /** Memory hits from earlier sessions added to the context. */
  memory: number;
  /** The model's `contextwise_recall` searches answered in this turn, with the stored messages they quoted. */
  recall: Recalled[];
}

/** What `session.send` resolves to. */
export interface TurnResult {
  /** The assistant's reply, as stored. */
  message: ChatMessage;
  model: string;
  provider: string;
  usage: Usage | null;
  /** USD at registry prices; `null` when the model has no price. */
  cost: number | null;
  /** USD of this turn's summarizer calls. */
  summarizerCost: number;
  contextInfo: ContextInfo;
  /** Sequence numbers of the stored user message and reply. */
  seq: [number, number];
}

/** Names kept for the generated types (which carry the Rust names). */
export type RiskAssessment = Assessment;
export type CondenseStrategy = Strategy;
export type CondensationPlan = Plan;
export type CondenseResult = Condensed;
export type StreamDelta = Delta;
/** What the next turn would send (`session.assess()`, `session.plan()`). */
export type TurnPreview = Preview;
/** A routing decision; `routedChat` adds every model it tried. */
export type RouteDecision = Decision & { attempts?: Attempt[] };
"#;
