//! Ollama's native chat API (`POST {baseUrl}/api/chat`) with `keep_alive` and NDJSON streaming.
//! (Ollama ignores `keep_alive` on its OpenAI-compatible `/v1`, so hot-swap uses this API.)

use super::stream::{parse_error, SseEvent};
use super::{
    assistant_message, http_request, json, str_field, u, Accumulated, ChatRequest, ChatResponse,
    Delta, HttpRequest, KeyHeader, ProviderConfig, Usage, WireFormat,
};
use crate::error::Result;
use serde_json::{json, Value};

/// The Ollama wire format.
pub struct Ollama;

const NAME: &str = "ollama";

/// OpenAI-shaped messages → Ollama's (`content` text, `images` as base64, tool calls with object arguments).
pub fn to_ollama(messages: &[Value]) -> Vec<Value> {
    messages
        .iter()
        .map(|m| {
            let mut out = json!({ "role": m.get("role").cloned().unwrap_or(json!("user")) });
            let mut text = Vec::new();
            let mut images = Vec::new();
            match m.get("content") {
                Some(Value::String(s)) => text.push(s.clone()),
                Some(Value::Array(parts)) => {
                    for p in parts {
                        if let Some(t) = p.get("text").and_then(Value::as_str) {
                            text.push(t.to_string());
                        }
                        if let Some(url) = p.pointer("/image_url/url").and_then(Value::as_str) {
                            images.push(json!(url.split_once(";base64,").map(|x| x.1).unwrap_or(url)));
                        }
                    }
                }
                _ => {}
            }
            out["content"] = json!(text.join("\n"));
            if !images.is_empty() {
                out["images"] = Value::Array(images);
            }
            if let Some(calls) = m.get("tool_calls").and_then(Value::as_array) {
                out["tool_calls"] = Value::Array(
                    calls
                        .iter()
                        .map(|c| {
                            let args = c.pointer("/function/arguments").and_then(Value::as_str).unwrap_or("{}");
                            json!({ "function": { "name": c.pointer("/function/name").cloned().unwrap_or(Value::Null),
                                                  "arguments": serde_json::from_str::<Value>(args).unwrap_or(json!({})) } })
                        })
                        .collect(),
                );
            }
            out
        })
        .collect()
}

fn read_usage(v: &Value) -> Option<Usage> {
    (v.get("prompt_eval_count").is_some() || v.get("eval_count").is_some()).then(|| Usage {
        prompt_tokens: u(&v["prompt_eval_count"]),
        completion_tokens: u(&v["eval_count"]),
        cached_tokens: 0,
    })
}

fn tool_calls(msg: &Value) -> Vec<(String, String, String)> {
    msg.get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| {
            (
                format!("call_{i}"),
                c.pointer("/function/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                c.pointer("/function/arguments")
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

impl WireFormat for Ollama {
    fn build(&self, cfg: &ProviderConfig, req: &ChatRequest, stream: bool) -> Result<HttpRequest> {
        let mut body =
            json!({ "model": req.model, "messages": to_ollama(&req.messages), "stream": stream });
        if let Some(k) = &req.keep_alive {
            body["keep_alive"] = json!(k);
        }
        let mut options = serde_json::Map::new();
        if let Some(m) = req.max_tokens {
            options.insert("num_predict".into(), json!(m));
        }
        if let Some(t) = req.temperature {
            options.insert("temperature".into(), json!(t));
        }
        if !options.is_empty() {
            body["options"] = Value::Object(options);
        }
        if let Some(tools) = &req.tools {
            body["tools"] = tools.clone();
        }
        Ok(http_request(
            cfg,
            "/api/chat",
            KeyHeader::Bearer,
            &[],
            &body,
        ))
    }

    fn parse(&self, body: &str) -> Result<ChatResponse> {
        let v = json(body, NAME)?;
        let msg = v
            .get("message")
            .ok_or_else(|| parse_error(NAME, "no message in the response"))?;
        Ok(ChatResponse {
            message: assistant_message(
                msg["content"].as_str().unwrap_or_default().to_string(),
                &tool_calls(msg),
            ),
            finish_reason: str_field(&v, "done_reason"),
            usage: read_usage(&v),
            model: str_field(&v, "model").unwrap_or_default(),
        })
    }

    fn on_event(&self, ev: &SseEvent, acc: &mut Accumulated) -> Result<Vec<Delta>> {
        let v = json(&ev.data, NAME)?;
        if let Some(e) = v.get("error").and_then(Value::as_str) {
            return Err(super::errors::stream_error(NAME, e));
        }
        if let Some(m) = v.get("model").and_then(Value::as_str) {
            acc.model = m.to_string();
        }
        let mut out = Vec::new();
        if let Some(t) = v
            .pointer("/message/content")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            out.push(Delta::Text {
                text: t.to_string(),
            });
        }
        for (id, name, args) in v.get("message").map(tool_calls).unwrap_or_default() {
            let index = acc.tool_count();
            out.push(Delta::ToolCall {
                index,
                id: Some(id),
                name: Some(name),
                arguments: args,
            });
        }
        if v.get("done").and_then(Value::as_bool) == Some(true) {
            acc.done = true;
            acc.finish_reason = v
                .get("done_reason")
                .and_then(Value::as_str)
                .map(String::from);
            acc.usage = read_usage(&v);
        }
        acc.apply(&out);
        Ok(out)
    }

    fn ndjson(&self) -> bool {
        true
    }
}
