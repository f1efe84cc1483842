//! One contextwise instance: the counting core it owns ([`Counter`]: registry additions,
//! calibration, count cache — encodings shared by the process) and the state that changes per
//! user of the library: the summary cache, usage totals and routing statistics. Routing and
//! condensation borrow the counter; nothing here is process-wide.

use crate::condense::llm::SummaryCache;
use crate::condense::prepare::{prepare, Prepared};
use crate::condense::CondenseOptions;
use crate::engine::{CacheConfig, ChatOptions, Counter};
use crate::error::Result;
use crate::providers::usage::UsageStats;
use crate::route::stats::RoutingStats;
use crate::route::{route, Decision, RouterConfig};
use crate::tokens::Encodings;
use serde_json::Value;
use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

/// Counters of the summary cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct SummaryCacheStats {
    /// Summaries cached.
    pub size: usize,
    /// Most summaries kept.
    pub capacity: usize,
    /// Lookups answered from the cache.
    pub hits: u64,
}

/// One instance. Derefs to its [`Counter`] for the counting API.
#[derive(Debug, Default)]
pub struct Engine {
    counter: Counter,
    /// Shared with condensations in flight, which borrow it only for a lookup or a store.
    summaries: Rc<RefCell<SummaryCache>>,
    usage: UsageStats,
    routing: RoutingStats,
}

impl Deref for Engine {
    type Target = Counter;
    fn deref(&self) -> &Counter {
        &self.counter
    }
}

impl DerefMut for Engine {
    fn deref_mut(&mut self) -> &mut Counter {
        &mut self.counter
    }
}

impl Engine {
    /// A fresh instance with the built-in models and no encodings loaded.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// A fresh instance that counts with an existing (shared) set of encodings.
    pub fn with_encodings(encodings: Rc<Encodings>) -> Engine {
        Engine {
            counter: Counter::with_encodings(encodings),
            ..Engine::default()
        }
    }

    /// Routes a conversation and records the decision in this instance's routing stats.
    pub fn route(&mut self, messages: &Value, cfg: &RouterConfig) -> Result<Decision> {
        route(&mut self.counter, &mut self.routing, messages, cfg)
    }

    /// Routing totals.
    pub fn routing(&self) -> &RoutingStats {
        &self.routing
    }

    /// Counts, validates and plans a condensation; the summary cache to run it with.
    pub fn prepare_condensation(
        &mut self,
        messages: &Value,
        o: &CondenseOptions,
    ) -> Result<(Prepared, Rc<RefCell<SummaryCache>>)> {
        Ok((
            prepare(&mut self.counter, messages, o)?,
            self.summaries.clone(),
        ))
    }

    /// The summary cache (shared with condensations in flight).
    pub fn summaries(&self) -> Rc<RefCell<SummaryCache>> {
        self.summaries.clone()
    }

    /// Sets the summary cache's capacity (least recently used dropped first) and/or clears it.
    pub fn configure_summary_cache(&mut self, c: &CacheConfig) -> Result<()> {
        let mut cache = self.summaries.borrow_mut();
        if let Some(cap) = c.capacity()? {
            cache.set_capacity(cap);
        }
        if c.clear {
            cache.clear();
        }
        Ok(())
    }

    /// Summary-cache counters.
    pub fn summary_cache_stats(&self) -> SummaryCacheStats {
        let c = self.summaries.borrow();
        SummaryCacheStats {
            size: c.len(),
            capacity: c.capacity(),
            hits: c.hits,
        }
    }

    /// Per-model totals of provider calls.
    pub fn usage(&self) -> &UsageStats {
        &self.usage
    }

    /// Counts a failed provider call.
    pub fn record_error(&mut self, model: &str) {
        self.usage.error(model);
    }

    /// Records a successful provider call: prices it with the registry (when the model is
    /// known), adds it to the per-model totals, and feeds the reported prompt tokens to
    /// `calibrate` for estimated models whose encoding is loaded. Returns the cost in USD.
    pub fn record_call(
        &mut self,
        model: &str,
        messages: &Value,
        usage: Option<crate::providers::Usage>,
        latency_ms: f64,
    ) -> Option<f64> {
        let info = self.counter.models().get(model).ok().cloned();
        let cost = match (&info, usage) {
            (Some(i), Some(u)) => {
                Some(i.cost(u.prompt_tokens, u.cached_tokens, u.completion_tokens))
            }
            _ => None,
        };
        self.usage.success(model, usage, cost, latency_ms);
        let (Some(i), Some(u)) = (info, usage) else {
            return cost;
        };
        let loaded = i
            .encoding()
            .is_ok_and(|e| self.counter.encodings().is_loaded(e));
        if !i.tokenizer.exact && loaded && u.prompt_tokens > 0 {
            let opts = ChatOptions {
                model: i.id.clone(),
                tools: None,
            };
            if let Ok(c) = self.counter.count_messages(messages, &opts) {
                let _ = self.counter.models_mut().calibrate(
                    &i.id,
                    c.total as f64,
                    u.prompt_tokens as f64,
                );
            }
        }
        cost
    }
}
