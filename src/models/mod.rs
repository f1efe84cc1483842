//! The model registry: ids, aliases, provider, tokenizer, limits, prices and capabilities.
//!
//! Built-in entries come from `data/models.json` (each figure with its source and date);
//! callers add or replace entries with [`Registry::register`]. Models whose tokenizer is not
//! public count with the nearest tiktoken encoding times a per-model factor, which
//! [`Registry::calibrate`] moves toward what the provider reports.

use crate::error::{Error, ErrorCode, Result};
use crate::tokens::chat::ChatFormat;
pub use crate::tokens::chat::Framing;
use crate::tokens::encoding::EncodingName;
use crate::tokens::image::ImageFormula;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const BUILTIN: &str = include_str!("../../data/models.json");

/// How a model's tokens are counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenizerInfo {
    /// The tiktoken encoding used (the model's own, or the nearest one).
    pub encoding: String,
    /// True when `encoding` is the model's real tokenizer, so counts are exact.
    #[serde(default)]
    pub exact: bool,
    /// Multiplier applied to counts when not exact (1.0 when exact).
    #[serde(default = "one")]
    pub factor: f64,
}

fn one() -> f64 {
    1.0
}

/// Prices in USD per million tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pricing {
    /// Input (prompt) tokens.
    pub input: f64,
    /// Output (completion) tokens.
    pub output: f64,
    /// Cached input tokens (equal to `input` where the provider has no cache discount).
    #[serde(default)]
    pub cached_input: Option<f64>,
}

/// What a model can do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Capabilities {
    /// Accepts images.
    #[serde(default)]
    pub vision: bool,
    /// Accepts tool definitions and makes tool calls.
    #[serde(default)]
    pub tools: bool,
    /// Streams responses.
    #[serde(default = "yes")]
    pub streaming: bool,
}

fn yes() -> bool {
    true
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            vision: false,
            tools: false,
            streaming: true,
        }
    }
}

/// Where a group of figures comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Source {
    /// The page the figure was read from.
    pub url: String,
    /// The date of the figure (YYYY-MM-DD).
    pub date: String,
}

/// Sources of a model's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Sources {
    /// Source of context window and max output.
    #[serde(default)]
    pub limits: Option<Source>,
    /// Source of prices.
    #[serde(default)]
    pub pricing: Option<Source>,
}

/// One model's registry entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelInfo {
    /// Canonical id, as sent to the provider.
    pub id: String,
    /// Other ids that resolve to this entry (dated snapshots, `-latest` names).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `openai`, `anthropic`, `deepseek`, `zhipu`, `ollama`, or any other provider name.
    pub provider: String,
    /// True for models served locally (Ollama).
    #[serde(default)]
    pub local: bool,
    /// Tokenizer.
    pub tokenizer: TokenizerInfo,
    /// Context window in tokens (input + output).
    pub context_window: u32,
    /// Maximum output tokens.
    pub max_output_tokens: u32,
    /// Prices.
    #[serde(default)]
    pub pricing: Pricing,
    /// Capabilities.
    #[serde(default)]
    pub capabilities: Capabilities,
    /// Chat framing (OpenAI's documented 3/1/3 when absent).
    #[serde(default)]
    pub framing: Option<Framing>,
    /// Image token formula (OpenAI's 85/170 tiles when absent).
    #[serde(default)]
    pub image: Option<ImageFormula>,
    /// Sources of the figures.
    #[serde(default)]
    pub sources: Sources,
    /// Free-form note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Number of calibration samples folded into `tokenizer.factor`.
    #[serde(default)]
    pub calibration_samples: u32,
}

impl ModelInfo {
    /// The encoding this model counts with.
    pub fn encoding(&self) -> Result<EncodingName> {
        EncodingName::parse(&self.tokenizer.encoding)
    }
    /// How this model's chat requests are counted.
    pub fn chat_format(&self) -> ChatFormat {
        ChatFormat {
            model: self.id.clone(),
            framing: self.framing(),
            image: self.image_formula(),
            exact: self.tokenizer.exact,
            factor: self.tokenizer.factor,
        }
    }
    /// The framing in force.
    pub fn framing(&self) -> Framing {
        self.framing.unwrap_or_default()
    }
    /// The image formula in force.
    pub fn image_formula(&self) -> ImageFormula {
        self.image.unwrap_or(ImageFormula::Tile {
            base: 85,
            tile: 170,
        })
    }
    /// Cost in USD of a request.
    pub fn cost(&self, input: u64, cached_input: u64, output: u64) -> f64 {
        let p = &self.pricing;
        let uncached = input.saturating_sub(cached_input) as f64;
        (uncached * p.input
            + cached_input as f64 * p.cached_input.unwrap_or(p.input)
            + output as f64 * p.output)
            / 1_000_000.0
    }

    fn validate(&self) -> Result<()> {
        let bad = |what: String| {
            Err(Error::invalid_config(format!(
                "model '{}': {what}",
                self.id
            )))
        };
        if self.id.trim().is_empty() {
            return Err(Error::invalid_config("a model needs a non-empty id"));
        }
        if let Err(e) = self.encoding() {
            return bad(format!("tokenizer.encoding: {}", e.message));
        }
        if !(self.tokenizer.factor.is_finite() && self.tokenizer.factor > 0.0) {
            return bad("tokenizer.factor must be a positive number".into());
        }
        if self.context_window == 0 {
            return bad("contextWindow must be a positive integer".into());
        }
        if self.max_output_tokens == 0 || self.max_output_tokens > self.context_window {
            return bad("maxOutputTokens must be between 1 and contextWindow".into());
        }
        let f = self.framing();
        // a name can replace the role (OpenAI's gpt-3.5-turbo-0301: perName -1)
        for (name, v, min) in [
            ("perMessage", f.per_message, 0),
            ("perName", f.per_name, -10),
            ("replyPriming", f.reply_priming, 0),
        ] {
            if !(min..=1000).contains(&v) {
                return bad(format!(
                    "framing.{name} must be between {min} and 1000, got {v}"
                ));
            }
        }
        match self.image {
            Some(ImageFormula::Tile { base, tile }) if base > 100_000 || tile > 100_000 => {
                return bad("image.base and image.tile must be at most 100,000 tokens".into());
            }
            Some(ImageFormula::Patch { multiplier })
                if !(multiplier.is_finite() && multiplier > 0.0 && multiplier <= 100.0) =>
            {
                return bad(format!(
                    "image.multiplier must be a positive number up to 100, got {multiplier}"
                ));
            }
            _ => {}
        }
        if self.aliases.iter().any(|a| a.trim().is_empty()) {
            return bad("aliases must be non-empty strings".into());
        }
        let p = &self.pricing;
        for (name, v) in [
            ("input", Some(p.input)),
            ("output", Some(p.output)),
            ("cachedInput", p.cached_input),
        ] {
            if let Some(v) = v {
                if !(v.is_finite() && (0.0..=1_000_000.0).contains(&v)) {
                    return bad(format!(
                        "pricing.{name} must be between 0 and 1,000,000 USD per million tokens"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Bounds of the calibration factor.
pub const FACTOR_BOUNDS: (f64, f64) = (0.5, 2.0);

/// The registry of models. The built-in data is parsed the first time a model is looked up, so
/// counting by encoding alone never pays for it.
#[derive(Debug, Clone)]
pub struct Registry {
    tables: std::cell::OnceCell<Tables>,
}

/// The models and the index of their ids and aliases.
#[derive(Debug, Clone)]
struct Tables {
    models: Vec<ModelInfo>,
    index: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct DataFile {
    models: Vec<ModelInfo>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Registry {
    /// The registry with the built-in models of `data/models.json` (parsed on first use).
    pub fn builtin() -> Registry {
        Registry {
            tables: std::cell::OnceCell::new(),
        }
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(Tables::builtin)
    }

    fn tables_mut(&mut self) -> &mut Tables {
        self.tables();
        self.tables.get_mut().expect("initialized above")
    }

    /// Adds a model, or replaces the entry with the same id.
    pub fn register(&mut self, info: ModelInfo) -> Result<()> {
        self.tables_mut().insert(info)
    }

    /// Resolves an id or alias; a dated snapshot id (`gpt-4o-2024-08-06`, `claude-…-20250101`)
    /// resolves to the longest registered id it extends.
    pub fn get(&self, id: &str) -> Result<&ModelInfo> {
        let t = self.tables();
        t.resolve(id).map(|i| &t.models[i])
    }

    /// Every model, in registration order.
    pub fn list(&self) -> &[ModelInfo] {
        &self.tables().models
    }

    /// Folds one observation into a model's count factor and returns the new factor.
    ///
    /// `our_count` is the (already factored) count contextwise gave for a request and
    /// `reported` the provider's prompt-token figure for it. The observed factor is
    /// `factor × reported / our_count`; the new factor moves toward it by `1/(n+1)` for the
    /// first samples and at most 10 % per sample after that, clamped to [`FACTOR_BOUNDS`].
    /// Exact (tiktoken) models are not changed.
    pub fn calibrate(&mut self, id: &str, our_count: f64, reported: f64) -> Result<f64> {
        if !(our_count.is_finite() && our_count > 0.0 && reported.is_finite() && reported > 0.0) {
            return Err(Error::invalid_argument(
                "calibrate(model, ourCount, reportedPromptTokens) needs two positive token counts",
            ));
        }
        let t = self.tables_mut();
        let i = t.resolve(id)?;
        let m = &mut t.models[i];
        if m.tokenizer.exact {
            return Ok(1.0);
        }
        let f = m.tokenizer.factor;
        let observed = (f * reported / our_count).clamp(FACTOR_BOUNDS.0, FACTOR_BOUNDS.1);
        let weight = (1.0 / (m.calibration_samples as f64 + 2.0)).max(0.1);
        m.tokenizer.factor = (f + weight * (observed - f)).clamp(FACTOR_BOUNDS.0, FACTOR_BOUNDS.1);
        m.calibration_samples = m.calibration_samples.saturating_add(1);
        Ok(m.tokenizer.factor)
    }
}

impl Tables {
    fn builtin() -> Tables {
        // The data file is part of the crate and checked by the tests; an error here is a bug.
        let data: DataFile =
            serde_json::from_str(BUILTIN).unwrap_or(DataFile { models: Vec::new() });
        let mut t = Tables {
            models: Vec::new(),
            index: HashMap::new(),
        };
        for m in data.models {
            let _ = t.insert(m);
        }
        t
    }

    fn insert(&mut self, info: ModelInfo) -> Result<()> {
        info.validate()?;
        // an alias never takes over another model's id, alias or dated snapshots
        for a in &info.aliases {
            if let Ok(i) = self.resolve(a) {
                if self.models[i].id != info.id {
                    return Err(Error::invalid_config(format!(
                        "model '{}': alias '{a}' already names model '{}'; pick another alias, or register '{}' itself to replace it",
                        info.id, self.models[i].id, self.models[i].id
                    )));
                }
            }
        }
        if let Some(&i) = self.index.get(&info.id) {
            if self.models[i].id != info.id {
                return Err(Error::invalid_config(format!(
                    "model '{}': that id is an alias of model '{}'; use another id",
                    info.id, self.models[i].id
                )));
            }
        }
        let keys: Vec<String> = std::iter::once(info.id.clone())
            .chain(info.aliases.iter().cloned())
            .collect();
        let slot = match self.index.get(&info.id) {
            Some(&i) if self.models[i].id == info.id => {
                let old = std::mem::replace(&mut self.models[i], info);
                for a in old.aliases {
                    if self.index.get(&a) == Some(&i) {
                        self.index.remove(&a);
                    }
                }
                i
            }
            _ => {
                self.models.push(info);
                self.models.len() - 1
            }
        };
        for k in keys {
            self.index.insert(k, slot);
        }
        Ok(())
    }

    fn resolve(&self, id: &str) -> Result<usize> {
        if let Some(&i) = self.index.get(id) {
            return Ok(i);
        }
        let mut best: Option<(usize, usize)> = None;
        for (key, &i) in &self.index {
            if id.len() > key.len()
                && id.starts_with(key.as_str())
                && id.as_bytes()[key.len()] == b'-'
            {
                let suffix = &id[key.len() + 1..];
                if suffix.chars().next().is_some_and(|c| c.is_ascii_digit())
                    && best.is_none_or(|(l, _)| key.len() > l)
                {
                    best = Some((key.len(), i));
                }
            }
        }
        best.map(|(_, i)| i).ok_or_else(|| {
            Error::new(
                ErrorCode::UnknownModel,
                format!(
                    "unknown model '{id}'; use an id from models.list(), or add it with models.register({{ id: '{id}', provider, tokenizer: {{ encoding }}, contextWindow, maxOutputTokens }})"
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_data_is_complete_and_valid() {
        let data: DataFile = serde_json::from_str(BUILTIN).expect("data/models.json parses");
        for m in &data.models {
            m.validate().unwrap();
            assert!(
                m.sources.limits.is_some() && m.sources.pricing.is_some(),
                "{} lacks sources",
                m.id
            );
        }
        let r = Registry::builtin();
        assert_eq!(r.list().len(), data.models.len());
        for id in [
            "gpt-4o",
            "gpt-4o-mini",
            "gpt-4.1",
            "gpt-4.1-mini",
            "gpt-4.1-nano",
            "o1",
            "o3",
            "o3-mini",
            "o4-mini",
            "gpt-5",
            "gpt-5-mini",
            "gpt-5-nano",
            "claude-3-5-sonnet-20241022",
            "claude-sonnet-4-5",
            "claude-opus-4-5",
            "claude-haiku-4-5",
            "deepseek-chat",
            "deepseek-coder",
            "deepseek-reasoner",
            "glm-4.6",
            "glm-4.6v",
            "qwen2.5:32b",
            "qwen2.5:7b",
            "deepseek-coder-v2:16b",
            "llama3.1:8b",
        ] {
            r.get(id).unwrap();
        }
    }

    #[test]
    fn resolves_aliases_and_snapshots() {
        let r = Registry::builtin();
        assert_eq!(r.get("gpt-4o-2024-08-06").unwrap().id, "gpt-4o");
        assert_eq!(r.get("gpt-4o-mini-2099-01-01").unwrap().id, "gpt-4o-mini");
        assert_eq!(r.get("gpt-4.1-mini-2030-01-01").unwrap().id, "gpt-4.1-mini");
        assert_eq!(
            r.get("claude-sonnet-latest").unwrap().id,
            "claude-sonnet-4-5"
        );
        assert_eq!(
            r.get("gpt-4o-turbo").unwrap_err().code,
            ErrorCode::UnknownModel
        );
        assert_eq!(r.get("nope").unwrap_err().code, ErrorCode::UnknownModel);
    }

    #[test]
    fn register_validates_and_replaces() {
        let mut r = Registry::builtin();
        let mut m = r.get("qwen2.5:7b").unwrap().clone();
        m.id = "my-model".into();
        m.context_window = 1000;
        m.max_output_tokens = 2000;
        assert_eq!(
            r.register(m.clone()).unwrap_err().code,
            ErrorCode::InvalidConfig
        );
        m.max_output_tokens = 100;
        r.register(m.clone()).unwrap();
        m.context_window = 5000;
        r.register(m).unwrap();
        assert_eq!(r.get("my-model").unwrap().context_window, 5000);
    }

    #[test]
    fn register_refuses_out_of_range_figures_and_shadowing_aliases() {
        let mut r = Registry::builtin();
        let base: ModelInfo = serde_json::from_value(serde_json::json!({
            "id": "x-model", "provider": "local", "tokenizer": { "encoding": "o200k_base" },
            "contextWindow": 4096, "maxOutputTokens": 512
        }))
        .unwrap();
        let bad = |f: &dyn Fn(&mut ModelInfo)| {
            let mut m = base.clone();
            f(&mut m);
            m
        };
        for (why, m) in [
            (
                "tile",
                bad(&|m| {
                    m.image = Some(ImageFormula::Tile {
                        base: 85,
                        tile: 4_000_000_000,
                    })
                }),
            ),
            (
                "patch",
                bad(&|m| m.image = Some(ImageFormula::Patch { multiplier: -1.0 })),
            ),
            (
                "framing",
                bad(&|m| {
                    m.framing = Some(Framing {
                        per_message: -100,
                        per_name: 1,
                        reply_priming: 3,
                    })
                }),
            ),
            ("alias", bad(&|m| m.aliases = vec!["gpt-4o".into()])),
            ("alias id", bad(&|m| m.id = "gpt-4o-2024-08-06".into())),
            (
                "snapshot alias",
                bad(&|m| m.aliases = vec!["gpt-4o-2025".into()]),
            ),
            ("price", bad(&|m| m.pricing.input = 1e308)),
        ] {
            let e = r.register(m).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidConfig, "{why}");
        }
        assert_eq!(r.get("gpt-4o").unwrap().id, "gpt-4o");
        r.register(base).unwrap();
    }

    #[test]
    fn calibration_moves_toward_reports_and_is_bounded() {
        let mut r = Registry::builtin();
        let id = "claude-sonnet-4-5";
        let f0 = r.get(id).unwrap().tokenizer.factor;
        // The real tokenizer yields 1.32 tokens per cl100k token; each request is counted
        // with the current factor and the provider reports the true figure.
        let mut f = f0;
        for _ in 0..40 {
            let raw = 1000.0;
            f = r.calibrate(id, raw * f, raw * 1.32).unwrap();
        }
        assert!(
            (f - 1.32).abs() < 0.01,
            "factor {f} should converge to 1.32 (from {f0})"
        );
        // Absurd reports cannot push it out of bounds.
        for _ in 0..100 {
            f = r.calibrate(id, 10.0, 1e9).unwrap();
        }
        assert!(f <= FACTOR_BOUNDS.1);
        assert_eq!(r.calibrate("gpt-4o", 100.0, 150.0).unwrap(), 1.0);
        assert_eq!(
            r.calibrate(id, -1.0, 5.0).unwrap_err().code,
            ErrorCode::InvalidArgument
        );
    }
}
