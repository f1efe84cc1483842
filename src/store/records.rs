//! What the store keeps, as it is kept (JSON, camelCase) and returned to JS.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SessionRecord {
    /// Id (1–128 of `A–Z a–z 0–9 _ - . :`).
    pub id: String,
    /// Title, if set.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub title: Option<String>,
    /// Created (ms since the epoch).
    pub created: f64,
    /// Last change (ms since the epoch): a message, a turn, a rename.
    pub updated: f64,
    /// The model the session uses, if set.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub model: Option<String>,
    /// The app's own data (any JSON object).
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, unknown> | null"))]
    pub metadata: Value,
    /// Revision: 1 when created, one more with each change (writers that raced are retried).
    #[serde(default)]
    pub rev: u64,
}

/// What `session.update()` changes; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionPatch {
    /// New title.
    #[serde(default)]
    pub title: Option<String>,
    /// New model.
    #[serde(default)]
    pub model: Option<String>,
    /// New metadata (replaces the old).
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, unknown> | null"))]
    pub metadata: Option<Value>,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MessageRecord {
    /// The session.
    pub session_id: String,
    /// Position in the session: 0, 1, 2, … in the one order every reader sees.
    pub seq: u64,
    /// The message as given (OpenAI chat shape).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ChatMessage"))]
    pub message: Value,
    /// Tokens of its text per encoding that was loaded when it was stored.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, number>"))]
    pub tokens: BTreeMap<String, u64>,
    /// Stored (ms since the epoch).
    pub created: f64,
}

/// Which messages `messages()` reads: all by default; `last: n` for the newest n; `after` /
/// `limit` to page forward (the next page starts after the last `seq` read).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageRange {
    /// Only messages with a larger `seq`.
    #[serde(default)]
    pub after: Option<u64>,
    /// At most this many (from the start of the range).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The newest `last` messages (in order).
    #[serde(default)]
    pub last: Option<u32>,
}

/// A summary of a stretch of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SummaryRecord {
    /// The session.
    pub session_id: String,
    /// First covered message (`seq`).
    pub from: u64,
    /// Last covered message (`seq`, inclusive).
    pub to: u64,
    /// The strategy that wrote it (`summary`, `extractive`, …).
    pub strategy: String,
    /// The summarizer model, if any.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub model: Option<String>,
    /// The text.
    pub text: String,
    /// Its tokens.
    pub tokens: u64,
    /// Stored (ms since the epoch).
    pub created: f64,
}

/// A summary to store.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewSummary {
    /// First covered message.
    pub from: u64,
    /// Last covered message (inclusive).
    pub to: u64,
    /// The strategy.
    pub strategy: String,
    /// The summarizer model.
    #[serde(default)]
    pub model: Option<String>,
    /// The text.
    pub text: String,
    /// Its tokens (counted with `o200k_base` or the loaded encoding when omitted or 0).
    #[serde(default)]
    pub tokens: u64,
}

/// A remembered fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FactRecord {
    /// The session.
    pub session_id: String,
    /// Id (stable: a hash of the session, kind, subject, text and time).
    pub id: String,
    /// Kind (`decision`, `constraint`, `file`, …).
    pub kind: String,
    /// What it is about.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub subject: Option<String>,
    /// The statement.
    pub text: String,
    /// The messages (`seq`) it came from.
    #[serde(default)]
    pub source: Vec<u64>,
    /// The fact that replaced it, when it is no longer current.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub superseded_by: Option<String>,
    /// Stored (ms since the epoch).
    pub created: f64,
}

/// A fact to store. `supersedes` names facts (ids) this one replaces.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewFact {
    /// Kind.
    pub kind: String,
    /// Subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// Statement.
    pub text: String,
    /// Source messages (`seq`).
    #[serde(default)]
    pub source: Vec<u64>,
    /// Ids of facts this one replaces.
    #[serde(default)]
    pub supersedes: Vec<String>,
}

/// One provider call's usage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct UsageRecord {
    /// The session.
    pub session_id: String,
    /// The model.
    pub model: String,
    /// Prompt tokens.
    pub prompt_tokens: u64,
    /// Completion tokens.
    pub completion_tokens: u64,
    /// Prompt tokens read from the provider's cache.
    #[serde(default)]
    pub cached_tokens: u64,
    /// Cost in USD.
    #[serde(default)]
    pub cost: f64,
    /// Latency in ms.
    #[serde(default)]
    pub latency_ms: f64,
    /// When (ms since the epoch).
    pub time: f64,
}

/// Usage to store.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewUsage {
    /// The model.
    pub model: String,
    /// Prompt tokens.
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Completion tokens.
    #[serde(default)]
    pub completion_tokens: u64,
    /// Cached prompt tokens.
    #[serde(default)]
    pub cached_tokens: u64,
    /// Cost in USD.
    #[serde(default)]
    pub cost: f64,
    /// Latency in ms.
    #[serde(default)]
    pub latency_ms: f64,
}

/// Everything one turn writes, stored all or nothing.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Turn {
    /// Messages to append (the reply, tool results …), in order.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ChatMessage[]"))]
    pub messages: Vec<Value>,
    /// Usage of the turn's provider calls.
    #[serde(default)]
    pub usage: Vec<NewUsage>,
    /// New facts.
    #[serde(default)]
    pub facts: Vec<NewFact>,
    /// A new summary.
    #[serde(default)]
    pub summary: Option<NewSummary>,
    /// Calibration factors learned in the turn (model → factor).
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, number>"))]
    pub calibration: BTreeMap<String, f64>,
}

/// What a committed turn stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct TurnReceipt {
    /// The stored messages with their `seq`.
    pub messages: Vec<MessageRecord>,
    /// The stored facts with their ids.
    pub facts: Vec<FactRecord>,
    /// The stored summary.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "SummaryRecord | null"))]
    pub summary: Option<SummaryRecord>,
}

/// A page of sessions, newest first; pass `cursor` back for the next page (`null` at the end).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SessionListing {
    /// Sessions, most recently updated first.
    pub sessions: Vec<SessionRecord>,
    /// The cursor of the next page, or null.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub cursor: Option<String>,
}

/// A fact or summary of an earlier session that matches a query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MemoryHit {
    /// `fact` or `summary`.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "'fact' | 'summary'"))]
    pub kind: String,
    /// The session it belongs to.
    pub session_id: String,
    /// The fact or summary text.
    pub text: String,
    /// BM25 score times a recency weight.
    pub score: f64,
    /// The messages (`seq`) a fact came from.
    pub source: Vec<u64>,
    /// When it was stored.
    pub time: f64,
    /// The fact's id (facts only).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub fact_id: Option<String>,
    /// The messages a summary covers, `[from, to]` (summaries only).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "[number, number] | null"))]
    pub covers: Option<[u64; 2]>,
}

/// Where a manager keeps its memory (`manager.storage()`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StorageInfo {
    /// `indexeddb`, `sqlite`, `postgres`, `adapter` or `memory`.
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = "'indexeddb' | 'sqlite' | 'postgres' | 'adapter' | 'memory'")
    )]
    pub kind: String,
    /// False for memory (lost when the page or process ends).
    pub persistent: bool,
    /// Where, or why it fell back to memory.
    pub detail: String,
    /// The schema version in use.
    pub schema: u32,
}
