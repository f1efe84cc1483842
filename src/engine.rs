//! The counting core ([`Counter`]): the shared encodings, the model registry and the count cache,
//! with the option handling of the public counting API. Routing and condensation borrow it; the
//! per-instance state around it (summary cache, usage, routing stats) is [`crate::instance::Engine`].

use crate::error::{Error, Result};
use crate::messages::{parse_messages, Message};
use crate::models::{ModelInfo, Registry};
use crate::risk::{assess, reserve_for, Assessment, Thresholds};
use crate::tokens::cache::{CacheStats, CountCache};
use crate::tokens::chat::{count_messages, ChatCount};
use crate::tokens::encoding::{AllowedSpecial, Encoding, EncodingName};
use crate::tokens::Encodings;
use serde::Deserialize;
use serde_json::Value;
use std::rc::Rc;

/// `{ model }` or `{ encoding }` for text calls.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TextOptions {
    /// A model id; its encoding and (for estimated models) factor are used.
    #[serde(default)]
    pub model: Option<String>,
    /// An encoding name.
    #[serde(default)]
    pub encoding: Option<String>,
    /// For `encode`: `'all'` or a list of special-token strings to encode as special tokens.
    #[serde(default)]
    pub allowed_special: Option<Value>,
}

/// Options of `countMessages`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatOptions {
    /// Model id.
    pub model: String,
    /// The request's tool definitions.
    #[serde(default)]
    pub tools: Option<Value>,
}

/// Options of `assessRisk`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RiskOptions {
    /// Model id.
    pub model: String,
    /// Tokens reserved for the reply (default: the model's max output, capped at 4,096).
    #[serde(default)]
    pub reserve_output: Option<f64>,
    /// Level thresholds.
    #[serde(default)]
    pub thresholds: Option<Thresholds>,
    /// The request's tool definitions.
    #[serde(default)]
    pub tools: Option<Value>,
}

/// `configureCountCache` options.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CacheConfig {
    /// Maximum cached messages (0 disables the cache).
    #[serde(default)]
    pub capacity: Option<f64>,
    /// Drop every entry and reset the counters.
    #[serde(default)]
    pub clear: bool,
}

impl CacheConfig {
    /// The capacity asked for, checked.
    pub fn capacity(&self) -> Result<Option<usize>> {
        match self.capacity {
            None => Ok(None),
            Some(cap) if cap.is_finite() && cap >= 0.0 && cap.fract() == 0.0 => {
                Ok(Some(cap as usize))
            }
            Some(cap) => Err(Error::invalid_config(format!(
                "capacity must be a non-negative integer, got {cap}"
            ))),
        }
    }
}

/// Resolved counting target: an encoding and the factor to scale by.
struct Target {
    enc: Rc<Encoding>,
    factor: f64,
}

/// The counting core: encodings (shared by the process), this instance's registry and count cache.
#[derive(Debug, Default)]
pub struct Counter {
    encodings: Rc<Encodings>,
    models: Registry,
    cache: CountCache,
}

fn scale(n: usize, factor: f64) -> u64 {
    ((n as f64) * factor).round() as u64
}

impl Counter {
    /// A fresh counter with the built-in models and no encodings loaded.
    pub fn new() -> Counter {
        Counter::default()
    }

    /// A fresh counter (its own registry additions, calibration and count cache) that counts
    /// with an existing set of encodings.
    pub fn with_encodings(encodings: Rc<Encodings>) -> Counter {
        Counter {
            encodings,
            ..Counter::default()
        }
    }

    /// The loaded encodings.
    pub fn encodings(&self) -> &Rc<Encodings> {
        &self.encodings
    }

    /// The model registry.
    pub fn models(&self) -> &Registry {
        &self.models
    }

    /// The model registry, to register or calibrate.
    pub fn models_mut(&mut self) -> &mut Registry {
        &mut self.models
    }

    fn target(&self, o: &TextOptions) -> Result<Target> {
        match (&o.model, &o.encoding) {
            (Some(_), Some(_)) => Err(Error::invalid_argument(
                "give either { model } or { encoding }, not both",
            )),
            (None, None) => Err(Error::invalid_argument(
                "say what to count with: { model: 'gpt-4o' } or { encoding: 'o200k_base' }",
            )),
            (None, Some(e)) => Ok(Target {
                enc: self.encodings.get(EncodingName::parse(e)?)?,
                factor: 1.0,
            }),
            (Some(m), None) => {
                let info = self.models.get(m)?;
                Ok(Target {
                    enc: self.encodings.get(info.encoding()?)?,
                    factor: if info.tokenizer.exact {
                        1.0
                    } else {
                        info.tokenizer.factor
                    },
                })
            }
        }
    }

    fn exact_target(&self, o: &TextOptions, call: &str) -> Result<Rc<Encoding>> {
        let exact = match (&o.model, &o.encoding) {
            (Some(m), None) => self.models.get(m)?.tokenizer.exact,
            _ => true,
        };
        if !exact {
            return Err(Error::invalid_argument(format!(
                "model '{}' has no public tokenizer, so {call} would return another model's tokens; pass {{ encoding }} instead",
                o.model.as_deref().unwrap_or_default()
            )));
        }
        let t = self.target(o)?;
        Ok(t.enc)
    }

    /// Tokens in `text` (special-token strings count as plain text).
    pub fn count_tokens(&self, text: &str, o: &TextOptions) -> Result<u64> {
        let t = self.target(o)?;
        Ok(scale(t.enc.count(text), t.factor))
    }

    /// The count when `text` has at most `limit` tokens, else `None`; stops early.
    pub fn is_within_token_limit(
        &self,
        text: &str,
        limit: f64,
        o: &TextOptions,
    ) -> Result<Option<u64>> {
        if !(limit.is_finite() && limit >= 0.0 && limit.fract() == 0.0) {
            return Err(Error::invalid_argument(format!(
                "limit must be a non-negative integer number of tokens, got {limit}"
            )));
        }
        let t = self.target(o)?;
        let raw_limit = (limit / t.factor).floor() as usize;
        Ok(t.enc
            .count_within(text, raw_limit)
            .map(|n| scale(n, t.factor))
            .filter(|&n| n as f64 <= limit))
    }

    /// Token ids of `text`.
    pub fn encode(&self, text: &str, o: &TextOptions) -> Result<Vec<u32>> {
        let enc = self.exact_target(o, "encode")?;
        let allowed = match &o.allowed_special {
            None | Some(Value::Null) => AllowedSpecial::None,
            Some(Value::String(s)) if s == "all" => AllowedSpecial::All,
            Some(Value::Array(items)) => AllowedSpecial::Some(
                items
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        Error::invalid_argument(
                            "allowedSpecial must be 'all' or an array of strings",
                        )
                    })?,
            ),
            Some(_) => {
                return Err(Error::invalid_argument(
                    "allowedSpecial must be 'all' or an array of strings",
                ))
            }
        };
        enc.encode(text, &allowed)
    }

    /// The text of token ids.
    pub fn decode(&self, tokens: &[u32], o: &TextOptions) -> Result<String> {
        self.exact_target(o, "decode")?.decode(tokens)
    }

    fn model(&self, id: &str) -> Result<&ModelInfo> {
        self.models.get(id)
    }

    /// Counts a conversation.
    pub fn count_messages(&mut self, messages: &Value, o: &ChatOptions) -> Result<ChatCount> {
        let msgs = parse_messages(messages)?;
        self.count_parsed(&msgs, &o.model, o.tools.as_ref())
    }

    /// Counts already parsed messages (callers that parse once and count for several models).
    pub fn count_parsed(
        &mut self,
        msgs: &[Message],
        model: &str,
        tools: Option<&Value>,
    ) -> Result<ChatCount> {
        let info = self.models.get(model)?;
        let enc = self.encodings.get(info.encoding()?)?;
        count_messages(&enc, &info.chat_format(), msgs, tools, &mut self.cache)
    }

    /// Assesses the risk of a conversation for a model.
    pub fn assess_risk(&mut self, messages: &Value, o: &RiskOptions) -> Result<Assessment> {
        let thresholds = o.thresholds.unwrap_or_default();
        thresholds.validate()?;
        let info = self.model(&o.model)?;
        let reserve = reserve_for(info, o.reserve_output)?;
        let window = info.context_window as u64;
        let count = self.count_messages(
            messages,
            &ChatOptions {
                model: o.model.clone(),
                tools: o.tools.clone(),
            },
        )?;
        assess(count.total, window, reserve, &thresholds, count.estimated)
    }

    /// Resizes and/or clears the count cache.
    pub fn configure_cache(&mut self, c: &CacheConfig) -> Result<()> {
        if let Some(cap) = c.capacity()? {
            self.cache.set_capacity(cap);
        }
        if c.clear {
            self.cache.clear();
        }
        Ok(())
    }

    /// Count-cache counters.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    #[test]
    fn sync_calls_name_the_load_to_make() {
        let e = Counter::new();
        let err = e
            .count_tokens(
                "hi",
                &TextOptions {
                    model: Some("gpt-4o".into()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::EncodingNotLoaded);
        assert!(
            err.message.contains("loadEncoding('o200k_base')"),
            "{}",
            err.message
        );
        let err = e.count_tokens("hi", &TextOptions::default()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument);
        let err = e
            .count_tokens(
                "hi",
                &TextOptions {
                    encoding: Some("latin1".into()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::UnknownEncoding);
        let mut e = Counter::new();
        let err = e
            .count_messages(
                &json!([]),
                &ChatOptions {
                    model: "gpt-9".into(),
                    tools: None,
                },
            )
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::UnknownModel);
    }
}
