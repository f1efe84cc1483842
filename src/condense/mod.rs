//! Condensation that plans before it acts.
//!
//! [`plan::plan`] is a dry run: for every message keep / summarize / drop / truncate with the
//! reason, tokens before and after, the sections of the resulting context with their budgets,
//! and the estimated cost of a summarizer call. [`run::condense`] carries a plan out with a
//! strategy chain (relevant → summary → extractive → truncate) and returns a new context view;
//! the original messages are never changed.

pub mod answer;
pub mod extractive;
pub mod facts;
pub mod llm;
pub mod plan;
pub mod prepare;
pub mod recall;
pub mod run;
pub mod text;
pub mod units;

use serde::{Deserialize, Serialize};

/// How evicted history is condensed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// Drop the oldest turns.
    Truncate,
    /// Keep the best sentences of the evicted turns (local, deterministic, no LLM).
    #[default]
    Extractive,
    /// An LLM summary, built incrementally from the previous summary plus newly evicted turns.
    Summary,
    /// An LLM extraction of only what is relevant to the current question.
    Relevant,
}

impl Strategy {
    /// The fallback after this strategy.
    pub fn fallback(self) -> Option<Strategy> {
        match self {
            Strategy::Relevant => Some(Strategy::Summary),
            Strategy::Summary => Some(Strategy::Extractive),
            Strategy::Extractive => Some(Strategy::Truncate),
            Strategy::Truncate => None,
        }
    }
    /// True when the strategy calls an LLM.
    pub fn uses_llm(self) -> bool {
        matches!(self, Strategy::Summary | Strategy::Relevant)
    }
    /// The name.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Truncate => "truncate",
            Strategy::Extractive => "extractive",
            Strategy::Summary => "summary",
            Strategy::Relevant => "relevant",
        }
    }
}

/// Default time a summarizer call may take.
pub const DEFAULT_SUMMARIZER_TIMEOUT_MS: f64 = 60_000.0;

/// The longest delay a JS timer honours (2^31 − 1 ms, about 24.8 days).
pub const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// A timeout option: a positive number of milliseconds up to [`MAX_TIMER_MS`].
pub fn timeout_option(v: Option<f64>, what: &str, default: f64) -> crate::error::Result<f64> {
    match v {
        None => Ok(default),
        Some(t) if t.is_finite() && t > 0.0 && t <= MAX_TIMER_MS => Ok(t),
        Some(t) => Err(crate::error::Error::invalid_argument(format!(
            "{what} must be a positive number of milliseconds up to {MAX_TIMER_MS}, got {t}"
        ))),
    }
}

impl CondenseOptions {
    /// The summarizer timeout in force.
    pub fn summarizer_timeout_ms(&self) -> crate::error::Result<f64> {
        timeout_option(self.timeout_ms, "timeoutMs", DEFAULT_SUMMARIZER_TIMEOUT_MS)
    }
}

/// A summary the caller kept, of the messages up to and including index `through`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreviousSummary {
    /// The summary.
    pub text: String,
    /// Index of the last message it covers.
    pub through: usize,
}

/// Options of `planCondensation` and `condense`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CondenseOptions {
    /// Model whose window the result must fit.
    pub model: String,
    /// Target size in tokens (default: 60 % of the usable window).
    #[serde(default)]
    pub target: Option<f64>,
    /// Number of most recent messages kept verbatim (default 8; whole turns are kept).
    #[serde(default)]
    pub keep_recent: Option<f64>,
    /// Strategy (default `extractive`).
    #[serde(default)]
    pub strategy: Option<Strategy>,
    /// The current question (default: the last user message).
    #[serde(default)]
    pub question: Option<String>,
    /// Indices of messages to keep verbatim (with their turn).
    #[serde(default)]
    pub pinned: Vec<usize>,
    /// Condense even below the WARNING level.
    #[serde(default)]
    pub force: bool,
    /// Tokens reserved for the reply (default as in `assessRisk`).
    #[serde(default)]
    pub reserve_output: Option<f64>,
    /// Truncate kept messages longer than this to their head and tail.
    #[serde(default)]
    pub max_message_tokens: Option<f64>,
    /// Caller-supplied snippets (RAG) placed before the recent messages.
    #[serde(default)]
    pub snippets: Vec<String>,
    /// Model that writes LLM summaries (default: `model`), for the cost estimate.
    #[serde(default)]
    pub summarizer_model: Option<String>,
    /// Accepted for compatibility and ignored: summaries are cached by the content they cover
    /// (so two conversations never share one, whatever their session ids).
    #[serde(default)]
    pub session: Option<String>,
    /// Milliseconds a summarizer call may take before it counts as failed (default 60,000).
    #[serde(default)]
    pub timeout_ms: Option<f64>,
    /// Also ask the summarizer for facts as JSON (validated; invalid answers are rejected).
    #[serde(default)]
    pub llm_facts: bool,
    /// Return a `contextwise_recall` tool definition with a condensed context (and, in
    /// JavaScript, a `recall(query)` that searches the evicted messages).
    #[serde(default)]
    pub recall_tool: bool,
    /// A summary of this conversation's messages up to index `through` that the caller kept (a
    /// proxy's store): the `summary` strategy extends it with only the messages evicted after it,
    /// as it extends a cached summary.
    #[serde(default)]
    pub previous_summary: Option<PreviousSummary>,
}
