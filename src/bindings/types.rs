//! TypeScript declarations for the objects the exports take and return. wasm-bindgen copies
//! this section into the generated `.d.ts`, next to the functions that use these names.

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

/** The count of a conversation. */
export interface ChatCount {
  /** Prompt tokens: messages, framing, reply priming and tool definitions. */
  total: number;
  /** Tokens per message, each including its framing. */
  perMessage: number[];
  /** Framing tokens included in `total`. */
  overhead: number;
  /** Tool-definition tokens included in `total`. */
  tools: number;
  /** Image tokens included in `total`. */
  images: number;
  /** False only when the count is exact for this model. */
  estimated: boolean;
  encoding: EncodingName;
  model: string;
  /** Factor applied to the nearest encoding's count (1 when exact). */
  factor: number;
}

/** Risk levels, by utilization of the usable window. */
export type RiskLevel = 'SAFE' | 'CAUTION' | 'WARNING' | 'CRITICAL' | 'OVERFLOW';
/** What to do at a level. */
export type RiskAction = 'none' | 'monitor' | 'condense' | 'condense_now' | 'condense_required';

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

/** A risk assessment. */
export interface RiskAssessment {
  tokens: number;
  /** Context window minus the output reserve. */
  limit: number;
  available: number;
  utilization: number;
  level: RiskLevel;
  action: RiskAction;
  message: string;
  reserveOutput: number;
  contextWindow: number;
  estimated: boolean;
}

/** How images are priced. */
export type ImageFormula = { kind: 'tile'; base: number; tile: number } | { kind: 'patch'; multiplier: number } | { kind: 'anthropic' };

/** A model's registry entry. Prices are USD per million tokens. */
export interface ModelInfo {
  id: string;
  aliases: string[];
  provider: string;
  local: boolean;
  tokenizer: { encoding: EncodingName; exact: boolean; factor: number };
  contextWindow: number;
  maxOutputTokens: number;
  pricing: { input: number; output: number; cachedInput: number | null };
  capabilities: { vision: boolean; tools: boolean; streaming: boolean };
  framing: { perMessage: number; perName: number; replyPriming: number } | null;
  image: ImageFormula | null;
  sources: { limits: { url: string; date: string } | null; pricing: { url: string; date: string } | null };
  note?: string;
  calibrationSamples: number;
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

/** Condensation strategies, chained as fallbacks: relevant → summary → extractive → truncate. */
export type CondenseStrategy = 'truncate' | 'extractive' | 'summary' | 'relevant';

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
}

/** What LLM strategies call: resolve to the model's answer. */
export interface Summarizer { complete(system: string, prompt: string, maxTokens: number): Promise<string> }

/** The decision for one message. */
export interface MessagePlan { index: number; role: string; action: 'keep' | 'summarize' | 'drop' | 'truncate'; reason: string; tokens: number }

/** A dry-run plan. */
export interface CondensationPlan {
  needed: boolean;
  strategy: CondenseStrategy;
  model: string;
  limit: number;
  target: number;
  tokensBefore: number;
  /** Expected size (an upper bound for LLM strategies). */
  tokensAfter: number;
  messages: MessagePlan[];
  sections: { name: 'system' | 'facts' | 'summary' | 'snippets' | 'recent'; tokens: number; budget: number }[];
  summarizer: { model: string; inputTokens: number; outputTokens: number; usd: number } | null;
  /** Set when the kept-verbatim part alone exceeds the target. */
  overBudget: { excess: number; wouldNeedToDrop: number[] } | null;
  evicted: number[];
}

/** A fact of the ledger. */
export interface Fact {
  kind: 'file_created' | 'file_modified' | 'file_deleted' | 'function_added' | 'class_added' | 'decision' | 'constraint' | 'preference' | 'open_task' | 'error_seen';
  subject: string;
  text: string;
  sources: number[];
  time: number;
}

/** The result of `condense`. */
export interface CondenseResult {
  /** The condensed context (a new array; the input is unchanged). */
  messages: ChatMessage[];
  plan: CondensationPlan;
  facts: Fact[];
  summary: string | null;
  metrics: {
    tokensBefore: number; tokensAfter: number; ratio: number; strategyUsed: CondenseStrategy;
    fallbacks: { strategy: CondenseStrategy; reason: string }[]; cacheHit: boolean; timeMs: number;
  };
}

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

/** Token usage reported by the provider. */
export interface Usage { promptTokens: number; completionTokens: number; cachedTokens: number }

/** A complete answer. */
export interface ChatResult {
  message: ChatMessage;
  finishReason: string | null;
  usage: Usage | null;
  model: string;
  /** USD, for models with registry prices. */
  cost: number | null;
  attempts: number;
  latencyMs: number;
}

/** A streamed increment. */
export type StreamDelta =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; index: number; id: string | null; name: string | null; arguments: string };

/** Per-model totals of provider calls. */
export interface UsageStats {
  models: Record<string, { requests: number; errors: number; promptTokens: number; completionTokens: number; cachedTokens: number; cost: number; totalLatencyMs: number; meanLatencyMs: number }>;
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

/** A routing decision. */
export interface RouteDecision {
  model: string;
  provider: string;
  task: 'code' | 'complex' | 'quick';
  confidence: number;
  /** A sentence for people, e.g. "Code task (verb 'write'); deepseek-coder fits 1,234 of 123,904 tokens". */
  reason: string;
  rule: { index: number; pattern: string } | null;
  signals: string[];
  tokens: number;
  limit: number;
  condensationRequired: boolean;
  /** The chosen model first, then the models to fall back to. */
  fallbacks: string[];
  /** Set by routedChat: every model tried. */
  attempts?: { model: string; ok: boolean; code?: string; message?: string }[];
}

/** Routing totals. */
export interface RoutingStats {
  requests: number;
  byModel: Record<string, number>;
  byTask: Record<string, number>;
  cheaperThanComplex: number;
  cheapShare: number;
  /** Estimated USD saved on prompt tokens against sending everything to the complex model. */
  estimatedSavings: number;
}

/** Count-cache counters. */
export interface CacheStats { hits: number; misses: number; size: number; capacity: number; evictions: number }
"#;
