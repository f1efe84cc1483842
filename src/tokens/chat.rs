//! Counting chat messages: OpenAI's documented framing, images and tools.
//!
//! Per the OpenAI cookbook ("How to count tokens with tiktoken"): every message costs
//! `perMessage` tokens plus the tokens of its role and content; a `name` adds its tokens plus
//! `perName`; every reply is primed with `replyPriming` tokens. Tool definitions follow the
//! cookbook's function-counting recipe. Models without a public tokenizer are counted with
//! the nearest encoding and scaled by their calibrated factor.

use super::cache::CountCache;
use super::encoding::Encoding;
use super::image::{image_tokens, ASSUMED_SIZE};
use crate::error::{Error, Result};
use crate::messages::{Detail, Message, Part};
use crate::tokens::image::ImageFormula;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::hash::{Hash, Hasher};

/// The result of counting a conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ChatCount {
    /// Tokens of the whole prompt: messages, framing, reply priming and tool definitions.
    pub total: u64,
    /// Tokens per message, each including its own framing.
    pub per_message: Vec<u64>,
    /// Framing tokens (per-message, per-name and reply priming) included in `total`.
    pub overhead: u64,
    /// Tokens of the tool definitions included in `total`.
    pub tools: u64,
    /// Tokens of images included in `total`.
    pub images: u64,
    /// False only when the count is exact for this model.
    pub estimated: bool,
    /// The encoding counted with.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "EncodingName"))]
    pub encoding: &'static str,
    /// The model's canonical id.
    pub model: String,
    /// The factor applied (1 for exact models).
    pub factor: f64,
}

fn message_key(enc: &Encoding, m: &Message) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    enc.name().as_str().hash(&mut h);
    m.role.as_str().hash(&mut h);
    m.name.hash(&mut h);
    for p in &m.parts {
        match p {
            Part::Text(t) => (0u8, t).hash(&mut h),
            Part::ToolResult { text } => (1u8, text).hash(&mut h),
            Part::ToolUse { name, arguments } => (2u8, name, arguments).hash(&mut h),
            Part::Image(_) => 3u8.hash(&mut h),
        }
    }
    for c in &m.tool_calls {
        (4u8, &c.name, &c.arguments).hash(&mut h);
    }
    h.finish()
}

/// Tokens of a message's text: role, content text, name, tool calls and tool results.
fn text_tokens(enc: &Encoding, m: &Message) -> u64 {
    let mut n = enc.count(m.role.as_str()) as u64;
    for p in &m.parts {
        n += match p {
            Part::Text(t) | Part::ToolResult { text: t } => enc.count(t) as u64,
            Part::ToolUse { name, arguments } => (enc.count(name) + enc.count(arguments)) as u64,
            Part::Image(_) => 0,
        };
    }
    if let Some(name) = &m.name {
        n += enc.count(name) as u64;
    }
    for c in &m.tool_calls {
        n += (enc.count(&c.name) + enc.count(&c.arguments)) as u64;
    }
    n
}

/// Chat framing: tokens the chat format adds around messages.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Framing {
    /// Tokens per message (`<|start|>{role}\n … <|end|>\n`).
    pub per_message: i32,
    /// Extra tokens when a message has a `name`.
    pub per_name: i32,
    /// Tokens that prime the reply (`<|start|>assistant<|message|>`).
    pub reply_priming: i32,
}

impl Default for Framing {
    fn default() -> Self {
        Framing {
            per_message: 3,
            per_name: 1,
            reply_priming: 3,
        }
    }
}

/// How a model's chat requests are counted (from its registry entry).
#[derive(Debug, Clone, PartialEq)]
pub struct ChatFormat {
    /// The model id (reported in the count).
    pub model: String,
    /// Tokens the chat format adds around messages.
    pub framing: Framing,
    /// Image token formula.
    pub image: ImageFormula,
    /// True when the encoding is the model's own tokenizer.
    pub exact: bool,
    /// Multiplier for estimated models.
    pub factor: f64,
}

/// Counts a conversation for a model. `tools` is the request's `tools` array, if any.
pub fn count_messages(
    enc: &Encoding,
    model: &ChatFormat,
    messages: &[Message],
    tools: Option<&Value>,
    cache: &mut CountCache,
) -> Result<ChatCount> {
    let framing = model.framing;
    let formula = model.image;
    let mut estimated = !model.exact;
    let factor = if model.exact { 1.0 } else { model.factor };
    let scale = |n: i64| -> u64 { ((n.max(0) as f64) * factor).round() as u64 };

    let mut per_message = Vec::with_capacity(messages.len());
    let (mut overhead_raw, mut images_raw, mut sum) = (0i64, 0i64, 0u64);
    for m in messages {
        let key = message_key(enc, m);
        let text = match cache.get(key) {
            Some(n) => n as i64,
            None => {
                let n = text_tokens(enc, m);
                cache.put(key, n.min(u32::MAX as u64) as u32);
                n as i64
            }
        };
        let mut img = 0i64;
        for p in &m.parts {
            if let Part::Image(image) = p {
                if image.size.is_none() || image.detail == Detail::Auto {
                    estimated = true;
                }
                img +=
                    image_tokens(formula, image.size.unwrap_or(ASSUMED_SIZE), image.detail) as i64;
            }
        }
        if m.has_tools() {
            estimated = true;
        }
        let frame = framing.per_message as i64
            + if m.name.is_some() {
                framing.per_name as i64
            } else {
                0
            };
        overhead_raw += frame;
        images_raw += img;
        // images follow the provider's own documented formula: the text estimate's factor is not theirs
        let n = scale(text + frame) + img.max(0) as u64;
        sum += n;
        per_message.push(n);
    }
    let tools_raw = match tools {
        Some(t) if !t.is_null() => {
            estimated = true;
            tool_definition_tokens(enc, t)? as i64
        }
        _ => 0,
    };
    let priming = if messages.is_empty() {
        0
    } else {
        framing.reply_priming as i64
    };
    overhead_raw += priming;
    let tools_scaled = scale(tools_raw);
    Ok(ChatCount {
        total: sum + scale(priming) + tools_scaled,
        per_message,
        overhead: scale(overhead_raw),
        tools: tools_scaled,
        images: images_raw.max(0) as u64,
        estimated,
        encoding: enc.name().as_str(),
        model: model.model.clone(),
        factor,
    })
}

fn strip_period(s: &str) -> &str {
    s.strip_suffix('.').unwrap_or(s)
}

/// Tool definitions, by the OpenAI cookbook's recipe for function tokens.
/// Accepts OpenAI (`{type:'function', function:{name, description, parameters}}`) and
/// Anthropic (`{name, description, input_schema}`) tool shapes.
pub fn tool_definition_tokens(enc: &Encoding, tools: &Value) -> Result<u64> {
    let arr = tools
        .as_array()
        .ok_or_else(|| Error::invalid_argument("tools must be an array of tool definitions"))?;
    if arr.is_empty() {
        return Ok(0);
    }
    // cookbook: gpt-4o family 7, gpt-3.5/gpt-4 10; the rest shared.
    let func_init: i64 = if enc.name() == super::encoding::EncodingName::O200kBase {
        7
    } else {
        10
    };
    let (prop_init, prop_key, enum_init, enum_item, func_end) = (3i64, 3i64, -3i64, 3i64, 12i64);
    let mut n: i64 = 0;
    for (i, t) in arr.iter().enumerate() {
        let f = t.get("function").unwrap_or(t);
        let name = f.get("name").and_then(Value::as_str).ok_or_else(|| {
            Error::invalid_argument(format!("tools[{i}] has no function name; use {{ type: 'function', function: {{ name, description, parameters }} }}"))
        })?;
        let desc = f.get("description").and_then(Value::as_str).unwrap_or("");
        n += func_init + enc.count(&format!("{}:{}", name, strip_period(desc))) as i64;
        let params = f.get("parameters").or_else(|| f.get("input_schema"));
        if let Some(props) = params
            .and_then(|p| p.get("properties"))
            .and_then(Value::as_object)
        {
            if !props.is_empty() {
                n += prop_init;
                for (key, p) in props {
                    n += prop_key;
                    if let Some(items) = p.get("enum").and_then(Value::as_array) {
                        n += enum_init;
                        for item in items {
                            n += enum_item;
                            let s = item
                                .as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| item.to_string());
                            n += enc.count(&s) as i64;
                        }
                    }
                    let ty = p
                        .get("type")
                        .map(|t| {
                            t.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| t.to_string())
                        })
                        .unwrap_or_default();
                    let pd = p.get("description").and_then(Value::as_str).unwrap_or("");
                    n += enc.count(&format!("{key}:{ty}:{}", strip_period(pd))) as i64;
                }
            }
        }
    }
    n += func_end;
    Ok(n.max(0) as u64)
}
