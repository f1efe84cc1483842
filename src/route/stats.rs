//! Routing stats: requests per model and per task, the share routed to the cheapest model, and
//! the estimated input cost saved against sending everything to the `complex` model.

use super::Decision;
use serde::Serialize;
use std::collections::BTreeMap;

/// Totals of routing decisions.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RoutingStats {
    /// Decisions.
    pub requests: u64,
    /// Decisions per model.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, number>"))]
    pub by_model: BTreeMap<String, u64>,
    /// Decisions per task.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Record<string, number>"))]
    pub by_task: BTreeMap<String, u64>,
    /// Decisions that went to a model cheaper than the `complex` one.
    pub cheaper_than_complex: u64,
    /// `cheaperThanComplex / requests`.
    pub cheap_share: f64,
    /// Estimated USD saved on prompt tokens against routing everything to the `complex` model.
    pub estimated_savings: f64,
}

impl RoutingStats {
    /// Records a decision priced at `price` per million input tokens; `complex_price` is the
    /// `complex` model's.
    pub fn record(&mut self, d: &Decision, price: f64, complex_price: Option<f64>) {
        self.requests += 1;
        *self.by_model.entry(d.model.clone()).or_default() += 1;
        *self.by_task.entry(d.task.as_str().to_string()).or_default() += 1;
        if let Some(cp) = complex_price {
            if price < cp {
                self.cheaper_than_complex += 1;
                self.estimated_savings += (cp - price) * d.tokens as f64 / 1e6;
            }
        }
        self.cheap_share = self.cheaper_than_complex as f64 / self.requests as f64;
    }
}
