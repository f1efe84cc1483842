//! Anthropic Messages (`POST {baseUrl}/v1/messages`): system prompt separate, `max_tokens`
//! required, content blocks, the `anthropic-version` header, and the browser-access header for
//! calls made from a page. Streams are SSE with typed events.

use super::convert::{to_anthropic, tools_to_anthropic};
use super::stream::{parse_error, SseEvent};
use super::{
    assistant_message, http_request, json, str_field, u, Accumulated, ChatRequest, ChatResponse,
    Delta, HttpRequest, KeyHeader, ProviderConfig, Usage, WireFormat,
};
use crate::error::Result;
use serde_json::{json, Value};

/// The Anthropic wire format.
pub struct Anthropic;

const NAME: &str = "anthropic";
/// The API version sent in `anthropic-version`.
pub const API_VERSION: &str = "2023-06-01";
/// `max_tokens` when the request has none (Anthropic requires one).
pub const DEFAULT_MAX_TOKENS: u32 = 1024;

fn usage(u_: &Value) -> Usage {
    let cache_read = u(&u_["cache_read_input_tokens"]);
    let cache_write = u(&u_["cache_creation_input_tokens"]);
    Usage {
        prompt_tokens: u(&u_["input_tokens"]) + cache_read + cache_write,
        completion_tokens: u(&u_["output_tokens"]),
        cached_tokens: cache_read,
    }
}

impl WireFormat for Anthropic {
    fn build(&self, cfg: &ProviderConfig, req: &ChatRequest, stream: bool) -> Result<HttpRequest> {
        let (system, messages) = to_anthropic(&req.messages);
        let mut body = json!({ "model": req.model, "max_tokens": req.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS), "messages": messages });
        if let Some(s) = system {
            body["system"] = json!(s);
        }
        if let Some(t) = req.temperature {
            body["temperature"] = json!(t);
        }
        if let Some(tools) = &req.tools {
            body["tools"] = tools_to_anthropic(tools);
        }
        if stream {
            body["stream"] = json!(true);
        }
        let mut extra = vec![("anthropic-version", API_VERSION)];
        if cfg.browser {
            extra.push(("anthropic-dangerous-direct-browser-access", "true"));
        }
        Ok(http_request(
            cfg,
            "/v1/messages",
            KeyHeader::XApiKey,
            &extra,
            &body,
        ))
    }

    fn parse(&self, body: &str) -> Result<ChatResponse> {
        let v = json(body, NAME)?;
        let blocks = v
            .get("content")
            .and_then(Value::as_array)
            .ok_or_else(|| parse_error(NAME, "no content array in the response"))?;
        let mut text = String::new();
        let mut tools = Vec::new();
        for b in blocks {
            match b.get("type").and_then(Value::as_str) {
                Some("text") => text.push_str(b["text"].as_str().unwrap_or_default()),
                Some("tool_use") => tools.push((
                    b["id"].as_str().unwrap_or_default().to_string(),
                    b["name"].as_str().unwrap_or_default().to_string(),
                    b["input"].to_string(),
                )),
                _ => {}
            }
        }
        Ok(ChatResponse {
            message: assistant_message(text, &tools),
            finish_reason: str_field(&v, "stop_reason"),
            usage: v.get("usage").map(usage),
            model: str_field(&v, "model").unwrap_or_default(),
        })
    }

    fn on_event(&self, ev: &SseEvent, acc: &mut Accumulated) -> Result<Vec<Delta>> {
        let v = json(&ev.data, NAME)?;
        let kind = ev
            .event
            .as_deref()
            .or_else(|| v.get("type").and_then(Value::as_str))
            .unwrap_or_default()
            .to_string();
        let mut out = Vec::new();
        match kind.as_str() {
            "message_start" => {
                if let Some(m) = v.pointer("/message/model").and_then(Value::as_str) {
                    acc.model = m.to_string();
                }
                if let Some(u_) = v.pointer("/message/usage") {
                    acc.usage = Some(usage(u_));
                }
            }
            "content_block_start" => {
                let block = &v["content_block"];
                let index = v["index"].as_u64().unwrap_or(0) as usize;
                match block["type"].as_str() {
                    Some("tool_use") => {
                        let t = acc.tool_count();
                        acc.block_tools.push((index, t));
                        out.push(Delta::ToolCall {
                            index: t,
                            id: block["id"].as_str().map(String::from),
                            name: block["name"].as_str().map(String::from),
                            arguments: String::new(),
                        });
                    }
                    Some("text") => {
                        if let Some(t) = block["text"].as_str().filter(|t| !t.is_empty()) {
                            out.push(Delta::Text {
                                text: t.to_string(),
                            });
                        }
                    }
                    _ => {}
                }
            }
            "content_block_delta" => {
                let index = v["index"].as_u64().unwrap_or(0) as usize;
                let d = &v["delta"];
                match d["type"].as_str() {
                    Some("text_delta") => out.push(Delta::Text {
                        text: d["text"].as_str().unwrap_or_default().to_string(),
                    }),
                    Some("input_json_delta") => {
                        let t = acc
                            .block_tools
                            .iter()
                            .find(|(b, _)| *b == index)
                            .map(|x| x.1)
                            .unwrap_or(0);
                        out.push(Delta::ToolCall {
                            index: t,
                            id: None,
                            name: None,
                            arguments: d["partial_json"].as_str().unwrap_or_default().to_string(),
                        });
                    }
                    _ => {}
                }
            }
            "message_delta" => {
                if let Some(r) = v.pointer("/delta/stop_reason").and_then(Value::as_str) {
                    acc.finish_reason = Some(r.to_string());
                }
                if let Some(o) = v.pointer("/usage/output_tokens").and_then(Value::as_u64) {
                    acc.usage
                        .get_or_insert_with(Usage::default)
                        .completion_tokens = o;
                }
            }
            "message_stop" => acc.done = true,
            "error" => {
                let msg = v
                    .pointer("/error/message")
                    .and_then(Value::as_str)
                    .unwrap_or("error event in the stream");
                return Err(super::errors::stream_error(NAME, msg));
            }
            _ => {} // ping, content_block_stop, unknown future events
        }
        acc.apply(&out);
        Ok(out)
    }
}
