//! OpenAI Chat Completions (`POST {baseUrl}/chat/completions`), as documented by OpenAI; the same
//! format serves DeepSeek, Ollama's `/v1`, llama.cpp's server, vLLM, LM Studio and OpenRouter.

use super::stream::{parse_error, SseEvent};
use super::{
    http_request, json, str_field, u, Accumulated, ChatRequest, ChatResponse, Delta, HttpRequest,
    KeyHeader, ProviderConfig, Usage, WireFormat,
};
use crate::error::Result;
use serde_json::{json, Value};

/// The OpenAI wire format.
pub struct OpenAi;

const NAME: &str = "openai";

/// Reasoning models take `max_completion_tokens` and reject `max_tokens`.
fn uses_max_completion_tokens(model: &str) -> bool {
    ["o1", "o3", "o4", "gpt-5"]
        .iter()
        .any(|p| model.starts_with(p))
}

/// Reads `usage` (OpenAI's `prompt_tokens_details.cached_tokens`, DeepSeek's `prompt_cache_hit_tokens`).
pub fn read_usage(v: &Value) -> Option<Usage> {
    let usage = v.get("usage").filter(|x| x.is_object())?;
    let cached = usage
        .pointer("/prompt_tokens_details/cached_tokens")
        .or_else(|| usage.get("prompt_cache_hit_tokens"))
        .map(u)
        .unwrap_or(0);
    Some(Usage {
        prompt_tokens: u(&usage["prompt_tokens"]),
        completion_tokens: u(&usage["completion_tokens"]),
        cached_tokens: cached,
    })
}

impl WireFormat for OpenAi {
    fn build(&self, cfg: &ProviderConfig, req: &ChatRequest, stream: bool) -> Result<HttpRequest> {
        let mut body = json!({ "model": req.model, "messages": req.messages });
        if let Some(m) = req.max_tokens {
            let key = if uses_max_completion_tokens(&req.model) {
                "max_completion_tokens"
            } else {
                "max_tokens"
            };
            body[key] = json!(m);
        }
        if let Some(t) = req.temperature {
            body["temperature"] = json!(t);
        }
        if let Some(tools) = &req.tools {
            body["tools"] = tools.clone();
        }
        if stream {
            body["stream"] = json!(true);
            body["stream_options"] = json!({ "include_usage": true });
        }
        Ok(http_request(
            cfg,
            "/chat/completions",
            KeyHeader::Bearer,
            &[],
            &body,
        ))
    }

    fn parse(&self, body: &str) -> Result<ChatResponse> {
        let v = json(body, NAME)?;
        let choice = v
            .pointer("/choices/0")
            .ok_or_else(|| parse_error(NAME, "no choices[0] in the response"))?;
        let msg = choice
            .get("message")
            .ok_or_else(|| parse_error(NAME, "no choices[0].message"))?;
        let mut message = json!({ "role": "assistant", "content": msg.get("content").cloned().unwrap_or(Value::Null) });
        if let Some(tc) = msg.get("tool_calls").filter(|t| t.is_array()) {
            message["tool_calls"] = tc.clone();
        }
        Ok(ChatResponse {
            message,
            finish_reason: str_field(choice, "finish_reason"),
            usage: read_usage(&v),
            model: str_field(&v, "model").unwrap_or_default(),
        })
    }

    fn on_event(&self, ev: &SseEvent, acc: &mut Accumulated) -> Result<Vec<Delta>> {
        if ev.data.trim() == "[DONE]" {
            acc.done = true;
            return Ok(Vec::new());
        }
        let v = json(&ev.data, NAME)?;
        if let Some(err) = v.get("error") {
            let msg = err
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("error event in the stream");
            return Err(super::errors::stream_error(NAME, msg));
        }
        if let Some(m) = v.get("model").and_then(Value::as_str) {
            acc.model = m.to_string();
        }
        if let Some(usage) = read_usage(&v) {
            acc.usage = Some(usage);
        }
        let mut out = Vec::new();
        if let Some(choice) = v.pointer("/choices/0") {
            if let Some(t) = choice.pointer("/delta/content").and_then(Value::as_str) {
                if !t.is_empty() {
                    out.push(Delta::Text {
                        text: t.to_string(),
                    });
                }
            }
            for tc in choice
                .pointer("/delta/tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push(Delta::ToolCall {
                    index: tc.get("index").and_then(Value::as_u64).unwrap_or(0) as usize,
                    id: tc.get("id").and_then(Value::as_str).map(String::from),
                    name: tc
                        .pointer("/function/name")
                        .and_then(Value::as_str)
                        .map(String::from),
                    arguments: tc
                        .pointer("/function/arguments")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                });
            }
            if let Some(f) = choice.get("finish_reason").and_then(Value::as_str) {
                acc.finish_reason = Some(f.to_string());
            }
        }
        acc.apply(&out);
        Ok(out)
    }
}
