//! Per-model totals of provider calls (requests, tokens, cost, errors, latency) for `stats()`.

use super::Usage;
use serde::Serialize;
use std::collections::BTreeMap;

/// Totals for one model.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ModelTotals {
    /// Successful requests.
    pub requests: u64,
    /// Failed requests (after retries).
    pub errors: u64,
    /// Prompt tokens.
    pub prompt_tokens: u64,
    /// Completion tokens.
    pub completion_tokens: u64,
    /// Cached prompt tokens.
    pub cached_tokens: u64,
    /// USD, for models with registry prices.
    pub cost: f64,
    /// Sum of latencies (ms).
    pub total_latency_ms: f64,
    /// Mean latency (ms).
    pub mean_latency_ms: f64,
}

/// Totals by model.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct UsageStats {
    /// By model id as sent.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, ModelTotals>"))]
    pub models: BTreeMap<String, ModelTotals>,
}

impl UsageStats {
    /// Records a successful call.
    pub fn success(
        &mut self,
        model: &str,
        usage: Option<Usage>,
        cost: Option<f64>,
        latency_ms: f64,
    ) {
        let t = self.models.entry(model.to_string()).or_default();
        t.requests += 1;
        if let Some(u) = usage {
            t.prompt_tokens += u.prompt_tokens;
            t.completion_tokens += u.completion_tokens;
            t.cached_tokens += u.cached_tokens;
        }
        t.cost += cost.unwrap_or(0.0);
        t.total_latency_ms += latency_ms;
        t.mean_latency_ms = t.total_latency_ms / t.requests as f64;
    }

    /// Records a failed call.
    pub fn error(&mut self, model: &str) {
        self.models.entry(model.to_string()).or_default().errors += 1;
    }
}
