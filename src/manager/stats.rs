//! `manager.stats()`: what the turns did, persisted in the store (`!turns`) so it survives a
//! reload — per model requests, errors, tokens, cost and latency; how often cheaper models were
//! chosen and what that saved; condensations; and `formatStats()`, a short text table.

use crate::models::ModelInfo;
use crate::route::fmt_int;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Latencies kept per model for the p95 (the most recent ones).
const LATENCY_WINDOW: usize = 512;

/// Per-model totals, as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModelTotals {
    /// Calls that answered.
    pub requests: u64,
    /// Calls that failed (after the provider's retries).
    pub errors: u64,
    /// Prompt tokens reported.
    pub prompt_tokens: u64,
    /// Completion tokens reported.
    pub completion_tokens: u64,
    /// Cached prompt tokens reported.
    pub cached_tokens: u64,
    /// USD at registry prices.
    pub cost: f64,
    /// Summarizer calls among the requests.
    pub summaries: u64,
    /// The latest latencies, milliseconds.
    pub latencies: Vec<f64>,
}

/// Condensation totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default)]
pub struct CondensationTotals {
    /// Turns whose context was condensed.
    pub count: u64,
    /// Tokens not sent thanks to condensation.
    pub tokens_saved: u64,
    /// Condensations per strategy that produced the context.
    pub by_strategy: BTreeMap<String, u64>,
    /// Strategies that failed and fell back.
    pub fallbacks: u64,
}

/// Routing totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoutingTotals {
    /// Turns answered per model.
    pub by_model: BTreeMap<String, u64>,
    /// Turns answered by a model cheaper than the reference (the router's `complex` or primary model).
    pub cheaper: u64,
    /// USD saved against the reference model's prices for the same tokens.
    pub saved: f64,
    /// Turns that fell back to another model.
    pub fallbacks: u64,
}

/// Everything `stats()` keeps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Totals {
    /// Turns that were answered.
    pub turns: u64,
    /// Turns that failed.
    pub failed_turns: u64,
    /// Per model.
    pub models: BTreeMap<String, ModelTotals>,
    /// Routing.
    pub routing: RoutingTotals,
    /// Condensation.
    pub condensations: CondensationTotals,
}

/// One call's figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Call {
    /// Prompt tokens.
    pub prompt: u64,
    /// Completion tokens.
    pub completion: u64,
    /// Cached prompt tokens.
    pub cached: u64,
    /// USD.
    pub cost: f64,
    /// Milliseconds.
    pub latency_ms: f64,
}

impl Totals {
    /// Adds an answered call (a turn's or a summarizer's).
    pub fn call(&mut self, model: &str, c: Call, summary: bool) {
        let m = self.models.entry(model.to_string()).or_default();
        m.requests += 1;
        m.prompt_tokens += c.prompt;
        m.completion_tokens += c.completion;
        m.cached_tokens += c.cached;
        m.cost += c.cost;
        m.summaries += summary as u64;
        m.latencies.push(c.latency_ms);
        if m.latencies.len() > LATENCY_WINDOW {
            let extra = m.latencies.len() - LATENCY_WINDOW;
            m.latencies.drain(..extra);
        }
    }

    /// Adds a failed call.
    pub fn error(&mut self, model: &str) {
        self.models.entry(model.to_string()).or_default().errors += 1;
    }

    /// Adds an answered turn: the model that answered, against the reference model's prices.
    pub fn turn(
        &mut self,
        answered: &ModelInfo,
        reference: Option<&ModelInfo>,
        c: Call,
        fell_back: bool,
    ) {
        self.turns += 1;
        *self
            .routing
            .by_model
            .entry(answered.id.clone())
            .or_default() += 1;
        self.routing.fallbacks += fell_back as u64;
        if let Some(r) = reference.filter(|r| r.id != answered.id) {
            let price = |m: &ModelInfo| {
                (c.prompt as f64 * m.pricing.input + c.completion as f64 * m.pricing.output) / 1e6
            };
            let saved = price(r) - price(answered);
            if saved > 0.0 {
                self.routing.cheaper += 1;
                self.routing.saved += saved;
            }
        }
    }

    /// Adds another set of totals (a turn's) to these.
    pub fn merge(&mut self, d: &Totals) {
        self.turns += d.turns;
        self.failed_turns += d.failed_turns;
        for (id, m) in &d.models {
            let t = self.models.entry(id.clone()).or_default();
            t.requests += m.requests;
            t.errors += m.errors;
            t.prompt_tokens += m.prompt_tokens;
            t.completion_tokens += m.completion_tokens;
            t.cached_tokens += m.cached_tokens;
            t.cost += m.cost;
            t.summaries += m.summaries;
            t.latencies.extend_from_slice(&m.latencies);
            if t.latencies.len() > LATENCY_WINDOW {
                let extra = t.latencies.len() - LATENCY_WINDOW;
                t.latencies.drain(..extra);
            }
        }
        for (id, n) in &d.routing.by_model {
            *self.routing.by_model.entry(id.clone()).or_default() += n;
        }
        self.routing.cheaper += d.routing.cheaper;
        self.routing.saved += d.routing.saved;
        self.routing.fallbacks += d.routing.fallbacks;
        let c = &mut self.condensations;
        c.count += d.condensations.count;
        c.tokens_saved += d.condensations.tokens_saved;
        c.fallbacks += d.condensations.fallbacks;
        for (k, n) in &d.condensations.by_strategy {
            *c.by_strategy.entry(k.clone()).or_default() += n;
        }
    }

    /// Adds a condensation.
    pub fn condensation(&mut self, strategy: &str, saved: u64, fallbacks: usize) {
        let c = &mut self.condensations;
        c.count += 1;
        c.tokens_saved += saved;
        *c.by_strategy.entry(strategy.to_string()).or_default() += 1;
        c.fallbacks += fallbacks as u64;
    }
}

/// Per-model figures as `stats()` reports them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ModelStats {
    /// Calls that answered.
    pub requests: u64,
    /// Calls that failed.
    pub errors: u64,
    /// Prompt tokens.
    pub prompt_tokens: u64,
    /// Completion tokens.
    pub completion_tokens: u64,
    /// Cached prompt tokens.
    pub cached_tokens: u64,
    /// USD.
    pub cost: f64,
    /// Summarizer calls among the requests.
    pub summaries: u64,
    /// Mean latency (ms) of the latest calls.
    pub avg_latency_ms: f64,
    /// 95th percentile latency (ms) of the latest calls.
    pub p95_latency_ms: f64,
}

/// What `manager.stats()` returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ManagerStats {
    /// Turns answered.
    pub turns: u64,
    /// Turns that failed.
    pub failed_turns: u64,
    /// Per model (turns and summaries).
    pub models: BTreeMap<String, ModelStats>,
    /// Total USD.
    pub cost: f64,
    /// Turns answered per model.
    pub by_model: BTreeMap<String, u64>,
    /// Share of turns answered by a model cheaper than the reference.
    pub cheaper_share: f64,
    /// USD saved against the reference model.
    pub saved: f64,
    /// Turns that fell back to another model.
    pub fallbacks: u64,
    /// Condensation totals.
    pub condensations: CondensationTotals,
    /// Share of message counts served from the count cache (this process).
    pub count_cache_hit_ratio: f64,
}

fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

impl Totals {
    /// The report.
    pub fn report(&self, count_cache_hit_ratio: f64) -> ManagerStats {
        let models: BTreeMap<String, ModelStats> = self
            .models
            .iter()
            .map(|(id, m)| {
                let avg = if m.latencies.is_empty() {
                    0.0
                } else {
                    m.latencies.iter().sum::<f64>() / m.latencies.len() as f64
                };
                let s = ModelStats {
                    requests: m.requests,
                    errors: m.errors,
                    prompt_tokens: m.prompt_tokens,
                    completion_tokens: m.completion_tokens,
                    cached_tokens: m.cached_tokens,
                    cost: m.cost,
                    summaries: m.summaries,
                    avg_latency_ms: avg,
                    p95_latency_ms: percentile(&m.latencies, 0.95),
                };
                (id.clone(), s)
            })
            .collect();
        ManagerStats {
            turns: self.turns,
            failed_turns: self.failed_turns,
            // an empty f64 sum is -0.0; adding 0.0 makes it 0
            cost: models.values().map(|m| m.cost).sum::<f64>() + 0.0,
            models,
            by_model: self.routing.by_model.clone(),
            cheaper_share: if self.turns == 0 {
                0.0
            } else {
                self.routing.cheaper as f64 / self.turns as f64
            },
            saved: self.routing.saved,
            fallbacks: self.routing.fallbacks,
            condensations: self.condensations.clone(),
            count_cache_hit_ratio,
        }
    }
}

/// A short text table for CLIs, logs and the demo (the seed's `stats` command).
pub fn format(s: &ManagerStats) -> String {
    let mut rows = vec![[
        "model".to_string(),
        "requests".into(),
        "errors".into(),
        "prompt".into(),
        "completion".into(),
        "cost".into(),
        "avg ms".into(),
        "p95 ms".into(),
    ]];
    for (id, m) in &s.models {
        rows.push([
            id.clone(),
            fmt_int(m.requests),
            fmt_int(m.errors),
            fmt_int(m.prompt_tokens),
            fmt_int(m.completion_tokens),
            usd(m.cost),
            format!("{:.0}", m.avg_latency_ms),
            format!("{:.0}", m.p95_latency_ms),
        ]);
    }
    let widths: Vec<usize> = (0..8)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i] - c.chars().count());
                if i == 0 {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    let c = &s.condensations;
    let strategies: Vec<String> = c
        .by_strategy
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    out.push_str(&format!(
        "turns {} ({} failed) · total {} · condensations {} (tokens saved {}{}; fallbacks {}) · cheaper models {:.0}% (saved ~{}) · count cache hits {:.0}%\n",
        fmt_int(s.turns),
        fmt_int(s.failed_turns),
        usd(s.cost),
        fmt_int(c.count),
        fmt_int(c.tokens_saved),
        if strategies.is_empty() { String::new() } else { format!("; {}", strategies.join(", ")) },
        fmt_int(c.fallbacks),
        s.cheaper_share * 100.0,
        usd(s.saved),
        s.count_cache_hit_ratio * 100.0,
    ));
    out
}

/// USD with four decimals; what rounds to zero is `$0.0000`, never `$-0.0000`.
fn usd(x: f64) -> String {
    if x.abs() < 0.00005 {
        "$0.0000".into()
    } else {
        format!("${x:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_usage_is_zero_dollars_not_minus_zero() {
        assert_eq!(usd(-0.0), "$0.0000");
        assert_eq!(usd(-0.00001), "$0.0000");
        assert_eq!(usd(0.12345), "$0.1235");
        let empty: f64 = std::iter::empty::<f64>().sum::<f64>() + 0.0;
        assert!(empty.is_sign_positive());
    }
}
