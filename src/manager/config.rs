//! The manager's configuration, checked once at `ContextManager.open` (`INVALID_CONFIG` naming the
//! field), and the values derived from it.

use crate::condense::Strategy;
use crate::error::{Error, Result};
use crate::models::Registry;
use crate::providers::safety::check_config;
use crate::providers::ProviderConfig;
use crate::route::RouterConfig;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Per-model limits of the app (the seed's `max_context_tokens`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelLimits {
    /// At most this many tokens of prompt plus reply, even when the model's window is larger.
    #[serde(default)]
    pub max_context_tokens: Option<f64>,
}

/// How condensation runs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CondensationConfig {
    /// The chain, in order (default: summary, extractive, truncate). Each strategy falls back to the
    /// ones after it.
    #[serde(default)]
    pub strategies: Vec<Strategy>,
    /// The model that writes summaries (default: the cheapest model with a configured provider).
    #[serde(default)]
    pub summarizer: Option<String>,
    /// Milliseconds a summarizer call may take (default 60 s).
    #[serde(default)]
    pub timeout_ms: Option<f64>,
    /// Offer the model the `contextwise_recall` tool in condensed turns and answer its calls
    /// from the evicted messages (default false).
    #[serde(default)]
    pub recall_tool: bool,
}

/// Memory across sessions.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemoryConfig {
    /// Add facts and summaries of earlier sessions that match the question (default true).
    #[serde(default = "yes")]
    pub cross_session: bool,
    /// At most this many memory hits per turn (default 5).
    #[serde(default)]
    pub limit: Option<u32>,
}

fn yes() -> bool {
    true
}

impl Default for MemoryConfig {
    fn default() -> Self {
        MemoryConfig {
            cross_session: true,
            limit: None,
        }
    }
}

/// Everything `ContextManager.open` takes besides the app name, the store and `onEvent`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ManagerConfig {
    /// Providers keyed by the registry's provider name (`openai`, `anthropic`, `local`, …).
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderConfig>,
    /// The router (`route()`'s configuration).
    #[serde(default)]
    pub router: Option<RouterConfig>,
    /// Per-model limits.
    #[serde(default)]
    pub limits: BTreeMap<String, ModelLimits>,
    /// Share of the usable window from which a turn is condensed before sending (default 0.75).
    #[serde(default)]
    pub summarization_threshold: Option<f64>,
    /// Messages at the end always sent verbatim (default 8).
    #[serde(default)]
    pub preserve_recent_messages: Option<f64>,
    /// The condensation chain and its summarizer.
    #[serde(default)]
    pub condensation: CondensationConfig,
    /// Memory from earlier sessions.
    #[serde(default)]
    pub memory: MemoryConfig,
    /// A system prompt sent first in every turn (not stored as a message).
    #[serde(default)]
    pub system: Option<String>,
    /// Tokens reserved for each reply (default: the model's max output, at most 4,096).
    #[serde(default)]
    pub max_output_tokens: Option<f64>,
}

/// The configuration, checked, with its defaults filled in.
#[derive(Debug, Clone)]
pub struct Settings {
    /// As given.
    pub config: ManagerConfig,
    /// The router (a default one when none was given).
    pub router: RouterConfig,
    /// 0 < threshold ≤ 1.
    pub threshold: f64,
    /// Messages kept verbatim.
    pub keep_recent: usize,
    /// First strategy of the chain.
    pub strategy: Strategy,
    /// Summarizer model, when any model has a provider.
    pub summarizer: Option<String>,
    /// Condensed contexts kept between turns, per (session, model) (shared by clones).
    pub(crate) views:
        std::rc::Rc<std::cell::RefCell<std::collections::HashMap<(String, String), super::View>>>,
}

const DEFAULT_THRESHOLD: f64 = 0.75;
const DEFAULT_KEEP_RECENT: usize = 8;

fn bad(field: &str, what: impl std::fmt::Display) -> Error {
    Error::invalid_config(format!("{field}: {what}"))
}

fn count(v: Option<f64>, field: &str, min: f64) -> Result<Option<u64>> {
    match v {
        None => Ok(None),
        Some(n) if n.is_finite() && n.fract() == 0.0 && n >= min && n <= 1e12 => Ok(Some(n as u64)),
        Some(n) => Err(bad(
            field,
            format!("must be a whole number ≥ {min}, got {n}"),
        )),
    }
}

impl Settings {
    /// Checks a configuration against the registry.
    pub fn new(config: ManagerConfig, models: &Registry) -> Result<Settings> {
        for (name, p) in &config.providers {
            check_config(p).map_err(|e| bad(&format!("providers.{name}"), e.message))?;
        }
        let threshold = config.summarization_threshold.unwrap_or(DEFAULT_THRESHOLD);
        if !(threshold.is_finite() && threshold > 0.0 && threshold <= 1.0) {
            return Err(bad(
                "summarizationThreshold",
                format!("must be in (0, 1], got {threshold}"),
            ));
        }
        let keep_recent = count(
            config.preserve_recent_messages,
            "preserveRecentMessages",
            0.0,
        )?
        .map_or(DEFAULT_KEEP_RECENT, |n| n as usize);
        count(config.max_output_tokens, "maxOutputTokens", 1.0)?;
        for (model, l) in &config.limits {
            models.get(model).map_err(|_| {
                bad(
                    &format!("limits.{model}"),
                    "no such model in the registry (register it with models.register)",
                )
            })?;
            count(
                l.max_context_tokens,
                &format!("limits.{model}.maxContextTokens"),
                1.0,
            )?;
        }
        let chain = &config.condensation.strategies;
        let chosen = match chain.first() {
            None => None,
            Some(&first) => {
                // the chain is the fixed fallback order, entered at its first strategy
                let mut expect = Some(first);
                for (i, s) in chain.iter().enumerate() {
                    if Some(*s) != expect {
                        return Err(bad(
                            &format!("condensation.strategies[{i}]"),
                            "strategies fall back in the order relevant → summary → extractive → truncate; list them in that order, without gaps",
                        ));
                    }
                    expect = s.fallback();
                }
                Some(first)
            }
        };
        if let Some(t) = config.condensation.timeout_ms {
            if !(t.is_finite() && t > 0.0 && t <= 2_147_483_647.0) {
                return Err(bad(
                    "condensation.timeoutMs",
                    "must be a positive number of milliseconds up to 2^31 − 1",
                ));
            }
        }
        if let Some(n) = config.memory.limit {
            if n == 0 || n > 100 {
                return Err(bad("memory.limit", "must be 1–100"));
            }
        }
        let router = match &config.router {
            Some(r) => r.clone(),
            None => default_router(&config, models)?,
        };
        for m in router_models(&router) {
            models.get(&m).map_err(|_| {
                bad(
                    "router",
                    format!(
                        "model '{m}' is not in the registry (register it with models.register)"
                    ),
                )
            })?;
        }
        let summarizer = match &config.condensation.summarizer {
            Some(m) => {
                let info = models.get(m).map_err(|_| {
                    bad(
                        "condensation.summarizer",
                        format!("model '{m}' is not in the registry"),
                    )
                })?;
                if !config.providers.contains_key(&info.provider) {
                    return Err(bad(
                        "condensation.summarizer",
                        format!(
                            "model '{m}' is served by provider '{}', which is not in providers",
                            info.provider
                        ),
                    ));
                }
                Some(info.id.clone())
            }
            None => cheapest(&router, &config, models),
        };
        // default: an LLM summary when there is a model to write it, else the local extractive one
        let strategy = chosen.unwrap_or(if summarizer.is_some() {
            Strategy::Summary
        } else {
            Strategy::Extractive
        });
        Ok(Settings {
            views: Default::default(),
            router,
            threshold,
            keep_recent,
            strategy,
            summarizer,
            config,
        })
    }

    /// The model savings are measured against: the router's `complex` model, else its primary.
    pub fn reference_model(&self) -> Option<String> {
        let r = &self.router.models;
        r.complex
            .clone()
            .or_else(|| r.primary.clone())
            .or_else(|| self.router.default.clone())
    }

    /// Every model the configuration names (router roles, rules, fallbacks, the summarizer).
    pub fn models(&self) -> Vec<String> {
        let mut all = router_models(&self.router);
        all.extend(self.summarizer.iter().cloned());
        all
    }

    /// The usable limit of a model: its window, or the app's `maxContextTokens` when smaller.
    pub fn window(&self, model: &crate::models::ModelInfo) -> u64 {
        let own = model.context_window as u64;
        self.config
            .limits
            .iter()
            .find(|(id, _)| **id == model.id || model.aliases.iter().any(|a| a == *id))
            .and_then(|(_, l)| l.max_context_tokens)
            .map_or(own, |m| own.min(m as u64))
    }

    /// Tokens reserved for a reply of `model` within `window`.
    pub fn reserve(&self, model: &crate::models::ModelInfo, window: u64) -> u64 {
        let r = self
            .config
            .max_output_tokens
            .map_or(crate::risk::default_reserve(model.max_output_tokens), |n| {
                n as u64
            });
        // never more than a quarter of the window, so a small window still has room for a prompt
        r.min(window / 4).max(1)
    }
}

/// Every model a router names.
fn router_models(r: &RouterConfig) -> Vec<String> {
    let roles = &r.models;
    [
        &roles.primary,
        &roles.code,
        &roles.complex,
        &roles.fast,
        &roles.vision,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .chain(r.default.iter().cloned())
    .chain(r.rules.iter().map(|rule| rule.model.clone()))
    .chain(r.fallbacks.iter().cloned())
    .collect()
}

/// Without a router: everything to one model, the cheapest with a configured provider.
fn default_router(config: &ManagerConfig, models: &Registry) -> Result<RouterConfig> {
    let model = models
        .list()
        .iter()
        .filter(|m| config.providers.contains_key(&m.provider))
        .min_by(|a, b| price(a).total_cmp(&price(b)).then_with(|| a.id.cmp(&b.id)))
        .map(|m| m.id.clone())
        .ok_or_else(|| {
            bad(
                "router",
                "give router: { models: { primary: '<model id>' } } (no registered model is served by a configured provider)",
            )
        })?;
    let mut r: RouterConfig =
        serde_json::from_value(serde_json::json!({})).expect("empty router config");
    r.models.primary = Some(model);
    r.use_hybrid = false;
    Ok(r)
}

fn price(m: &crate::models::ModelInfo) -> f64 {
    m.pricing.input + m.pricing.output
}

/// The cheapest model the router names whose provider is configured.
fn cheapest(router: &RouterConfig, config: &ManagerConfig, models: &Registry) -> Option<String> {
    router_models(router)
        .iter()
        .filter_map(|m| models.get(m).ok())
        .filter(|m| config.providers.contains_key(&m.provider))
        .min_by(|a, b| price(a).total_cmp(&price(b)).then_with(|| a.id.cmp(&b.id)))
        .map(|m| m.id.clone())
}
