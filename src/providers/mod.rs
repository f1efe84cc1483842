//! Provider wire formats, pure: build requests, parse responses and stream events, read usage.
//! The only IO is the [`client::HttpClient`] trait; its fetch implementation lives in `platform/`.

pub mod anthropic;
pub mod client;
pub mod convert;
pub mod errors;
pub mod hotswap;
pub mod ollama;
pub mod openai;
pub mod retry;
pub mod safety;
pub mod stream;
pub mod usage;

use crate::error::Result;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which wire format a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenAI Chat Completions (also DeepSeek, Ollama's /v1, llama.cpp, vLLM, LM Studio, OpenRouter).
    OpenAi,
    /// Anthropic Messages.
    Anthropic,
    /// Ollama's native /api/chat.
    Ollama,
}

impl ProviderKind {
    /// The name used in errors and stats.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "openai",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::Ollama => "ollama",
        }
    }
}

/// A provider's configuration. The API key lives only here, in memory; `Debug` never prints it.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProviderConfig {
    /// Wire format.
    pub kind: ProviderKind,
    /// Base URL, e.g. `https://api.openai.com/v1`, `https://api.anthropic.com`, `http://127.0.0.1:11434`.
    pub base_url: String,
    /// API key (sent as `Authorization: Bearer` or `x-api-key`).
    #[serde(default)]
    pub api_key: Option<String>,
    /// Per-request timeout (default 60 s).
    #[serde(default)]
    pub timeout_ms: Option<f64>,
    /// Retries after the first attempt (default 2).
    #[serde(default)]
    pub retries: Option<u32>,
    /// Anthropic: send `anthropic-dangerous-direct-browser-access: true` (calls made from a page).
    #[serde(default)]
    pub browser: bool,
    /// Extra headers.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// Ollama hot-swap: keep models warm and unload the least recently used.
    #[serde(default)]
    pub hot_swap: Option<HotSwapConfig>,
    /// Largest response body read, in bytes (default 32 MiB); larger is `RESPONSE_TOO_LARGE`.
    #[serde(default)]
    pub max_response_bytes: Option<f64>,
    /// Largest single stream line or event, in bytes (default 1 MiB).
    #[serde(default)]
    pub max_event_bytes: Option<f64>,
}

/// `hotSwap` options of an Ollama provider.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HotSwapConfig {
    /// `ram` (keep_alive 30m, default), `ssd` (2m) or `none` (0).
    #[serde(default)]
    pub cache: hotswap::CacheStrategy,
    /// Most models kept loaded (default 2).
    #[serde(default)]
    pub max_models: Option<usize>,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("kind", &self.kind)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout_ms", &self.timeout_ms)
            .field("retries", &self.retries)
            .finish()
    }
}

/// Default bound of a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 << 20;
/// Default bound of one stream line or event.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 1 << 20;

impl ProviderConfig {
    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
    /// What must never appear in an error or a log: the API key and every header value.
    pub fn secrets(&self) -> Vec<&str> {
        self.api_key
            .iter()
            .map(String::as_str)
            .chain(self.headers.values().map(String::as_str))
            .collect()
    }
    /// The response-body bound in force.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
            .map_or(DEFAULT_MAX_RESPONSE_BYTES, |b| b as usize)
    }
    /// The stream line/event bound in force.
    pub fn max_event_bytes(&self) -> usize {
        self.max_event_bytes
            .map_or(DEFAULT_MAX_EVENT_BYTES, |b| b as usize)
    }
}

/// A chat request in contextwise's (OpenAI-shaped) terms.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatRequest {
    /// Model id as the provider knows it.
    pub model: String,
    /// Messages in the OpenAI shape.
    pub messages: Vec<Value>,
    /// Maximum output tokens (required by Anthropic; default 1,024 there).
    #[serde(default)]
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Tool definitions (OpenAI shape).
    #[serde(default)]
    pub tools: Option<Value>,
    /// Ollama `keep_alive` (set by the hot-swap cache).
    #[serde(default)]
    pub keep_alive: Option<String>,
}

/// An HTTP request to send.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// Full URL.
    pub url: String,
    /// Headers (the API key among them; never logged).
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: String,
}

/// Token usage of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// Prompt (input) tokens, cached ones included.
    pub prompt_tokens: u64,
    /// Completion (output) tokens.
    pub completion_tokens: u64,
    /// Prompt tokens served from the provider's cache.
    pub cached_tokens: u64,
}

/// A complete answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ChatResponse {
    /// The assistant message in the OpenAI shape (`content`, and `tool_calls` when any).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ChatMessage"))]
    pub message: Value,
    /// Why generation stopped, in the provider's words (`stop`, `end_turn`, `length` …).
    pub finish_reason: Option<String>,
    /// Usage, when the provider reported it.
    pub usage: Option<Usage>,
    /// The model that answered.
    pub model: String,
}

/// One streamed increment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Delta {
    /// More text.
    Text {
        /// The text.
        text: String,
    },
    /// Part of a tool call.
    ToolCall {
        /// Index of the call in the message.
        index: usize,
        /// Call id (first part only).
        id: Option<String>,
        /// Function name (first part only).
        name: Option<String>,
        /// More of the arguments JSON.
        arguments: String,
    },
}

/// Accumulates a streamed answer into the final message.
#[derive(Debug, Default, Clone)]
pub struct Accumulated {
    text: String,
    tools: Vec<(String, String, String)>,
    /// Finish reason seen.
    pub finish_reason: Option<String>,
    /// Usage seen.
    pub usage: Option<Usage>,
    /// Model seen.
    pub model: String,
    /// True once the stream's final event arrived.
    pub done: bool,
    /// Anthropic: content-block index → tool-call index.
    pub block_tools: Vec<(usize, usize)>,
}

impl Accumulated {
    /// Number of tool calls seen so far.
    pub fn tool_count(&self) -> usize {
        self.tools.len()
    }

    /// Folds deltas in.
    pub fn apply(&mut self, deltas: &[Delta]) {
        for d in deltas {
            match d {
                Delta::Text { text } => self.text.push_str(text),
                Delta::ToolCall {
                    index,
                    id,
                    name,
                    arguments,
                } => {
                    while self.tools.len() <= *index {
                        self.tools.push(Default::default());
                    }
                    let t = &mut self.tools[*index];
                    if let Some(id) = id {
                        t.0 = id.clone();
                    }
                    if let Some(n) = name {
                        t.1.push_str(n);
                    }
                    t.2.push_str(arguments);
                }
            }
        }
    }

    /// The final response.
    pub fn finish(self) -> ChatResponse {
        ChatResponse {
            message: assistant_message(self.text, &self.tools),
            finish_reason: self.finish_reason,
            usage: self.usage,
            model: self.model,
        }
    }
}

/// An OpenAI-shaped assistant message.
pub fn assistant_message(text: String, tools: &[(String, String, String)]) -> Value {
    let mut m = serde_json::json!({ "role": "assistant", "content": text });
    if !tools.is_empty() {
        m["tool_calls"] = Value::Array(
            tools
                .iter()
                .map(|(id, name, args)| serde_json::json!({ "id": id, "type": "function", "function": { "name": name, "arguments": args } }))
                .collect(),
        );
    }
    m
}

/// How a provider takes its API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyHeader {
    /// `authorization: Bearer <key>` (OpenAI-compatible, Ollama behind a proxy).
    Bearer,
    /// `x-api-key: <key>` (Anthropic).
    XApiKey,
}

/// A JSON POST to `{base}{path}` with the key, the format's own headers and the configured ones.
pub fn http_request(
    cfg: &ProviderConfig,
    path: &str,
    key: KeyHeader,
    extra: &[(&str, &str)],
    body: &Value,
) -> HttpRequest {
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    if let Some(k) = &cfg.api_key {
        headers.push(match key {
            KeyHeader::Bearer => ("authorization".into(), format!("Bearer {k}")),
            KeyHeader::XApiKey => ("x-api-key".into(), k.clone()),
        });
    }
    headers.extend(cfg.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
    HttpRequest {
        url: format!("{}{path}", cfg.base()),
        headers,
        body: body.to_string(),
    }
}

/// What every wire format implements.
pub trait WireFormat {
    /// Builds the HTTP request.
    fn build(&self, cfg: &ProviderConfig, req: &ChatRequest, stream: bool) -> Result<HttpRequest>;
    /// Parses a complete (non-streamed) 2xx body.
    fn parse(&self, body: &str) -> Result<ChatResponse>;
    /// Turns one stream payload (an SSE event or an NDJSON line) into deltas, updating `acc`.
    fn on_event(&self, event: &stream::SseEvent, acc: &mut Accumulated) -> Result<Vec<Delta>>;
    /// True for NDJSON streams (Ollama), false for SSE.
    fn ndjson(&self) -> bool {
        false
    }
}

/// The wire format of a kind.
pub fn format_of(kind: ProviderKind) -> &'static dyn WireFormat {
    match kind {
        ProviderKind::OpenAi => &openai::OpenAi,
        ProviderKind::Anthropic => &anthropic::Anthropic,
        ProviderKind::Ollama => &ollama::Ollama,
    }
}

fn json(body: &str, provider: &str) -> Result<Value> {
    serde_json::from_str(body)
        .map_err(|e| stream::parse_error(provider, &format!("invalid JSON ({e})")))
}

/// A string field of a JSON object, owned.
fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(String::from)
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}
