//! Converting messages between the OpenAI and Anthropic shapes without losing tool calls or images.

use serde_json::{json, Map, Value};

fn data_url_parts(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    let media = meta.strip_suffix(";base64")?;
    Some((media.to_string(), data.to_string()))
}

fn image_block(part: &Value) -> Value {
    let url = part
        .pointer("/image_url/url")
        .or_else(|| part.get("image_url"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    match data_url_parts(url) {
        Some((media_type, data)) => {
            json!({ "type": "image", "source": { "type": "base64", "media_type": media_type, "data": data } })
        }
        None => json!({ "type": "image", "source": { "type": "url", "url": url } }),
    }
}

fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

fn blocks_of(content: &Value) -> Vec<Value> {
    match content {
        Value::String(s) if !s.is_empty() => vec![json!({ "type": "text", "text": s })],
        Value::Array(parts) => parts
            .iter()
            .map(|p| match p.get("type").and_then(Value::as_str) {
                Some("image_url") => image_block(p),
                Some("text") => {
                    json!({ "type": "text", "text": p.get("text").cloned().unwrap_or(Value::Null) })
                }
                _ => p.clone(), // already an Anthropic block
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn push(out: &mut Vec<Value>, role: &str, mut blocks: Vec<Value>) {
    if blocks.is_empty() {
        return;
    }
    if let Some(last) = out.last_mut() {
        if last["role"] == role {
            if let Some(arr) = last["content"].as_array_mut() {
                arr.append(&mut blocks);
                return;
            }
        }
    }
    out.push(json!({ "role": role, "content": blocks }));
}

/// OpenAI messages → Anthropic `(system, messages)`: system messages become the separate system
/// prompt; tool calls become `tool_use` blocks and tool results `tool_result` blocks in a user
/// turn; images become base64 or URL sources; consecutive same-role turns are merged.
pub fn to_anthropic(messages: &[Value]) -> (Option<String>, Vec<Value>) {
    let mut system = Vec::new();
    let mut out: Vec<Value> = Vec::new();
    for m in messages {
        let role = m.get("role").and_then(Value::as_str).unwrap_or("user");
        let content = m.get("content").cloned().unwrap_or(Value::Null);
        match role {
            "system" | "developer" => system.push(text_of(&content)),
            "assistant" => {
                let mut blocks = blocks_of(&content);
                for c in m
                    .get("tool_calls")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let args = c
                        .pointer("/function/arguments")
                        .and_then(Value::as_str)
                        .unwrap_or("{}");
                    let input: Value =
                        serde_json::from_str(args).unwrap_or_else(|_| json!({ "_raw": args }));
                    blocks.push(json!({ "type": "tool_use", "id": c["id"], "name": c.pointer("/function/name").cloned().unwrap_or(Value::Null), "input": input }));
                }
                push(&mut out, "assistant", blocks);
            }
            "tool" | "function" => {
                let id = m.get("tool_call_id").cloned().unwrap_or(Value::Null);
                push(
                    &mut out,
                    "user",
                    vec![
                        json!({ "type": "tool_result", "tool_use_id": id, "content": text_of(&content) }),
                    ],
                );
            }
            _ => push(&mut out, "user", blocks_of(&content)),
        }
    }
    ((!system.is_empty()).then(|| system.join("\n\n")), out)
}

/// Anthropic `(system, messages)` → OpenAI messages (the inverse of [`to_anthropic`]).
pub fn from_anthropic(system: Option<&str>, messages: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(s) = system {
        out.push(json!({ "role": "system", "content": s }));
    }
    for m in messages {
        let role = m.get("role").and_then(Value::as_str).unwrap_or("user");
        let blocks: Vec<Value> = match m.get("content") {
            Some(Value::String(s)) => vec![json!({ "type": "text", "text": s })],
            Some(Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        let mut parts = Vec::new();
        let mut calls = Vec::new();
        for b in &blocks {
            match b.get("type").and_then(Value::as_str) {
                Some("text") => parts.push(json!({ "type": "text", "text": b["text"] })),
                Some("image") => {
                    let src = &b["source"];
                    let url = if src["type"] == "base64" {
                        format!("data:{};base64,{}", src["media_type"].as_str().unwrap_or("image/png"), src["data"].as_str().unwrap_or(""))
                    } else {
                        src["url"].as_str().unwrap_or_default().to_string()
                    };
                    parts.push(json!({ "type": "image_url", "image_url": { "url": url } }));
                }
                Some("tool_use") => calls.push(json!({ "id": b["id"], "type": "function", "function": { "name": b["name"], "arguments": b["input"].to_string() } })),
                Some("tool_result") => {
                    let content = match &b["content"] {
                        Value::String(s) => s.clone(),
                        other => text_of(other),
                    };
                    out.push(json!({ "role": "tool", "tool_call_id": b["tool_use_id"], "content": content }));
                }
                _ => {}
            }
        }
        if parts.is_empty() && calls.is_empty() {
            continue;
        }
        let only_text = parts.iter().all(|p| p["type"] == "text");
        let content = if parts.is_empty() {
            Value::Null
        } else if only_text {
            Value::String(
                parts
                    .iter()
                    .filter_map(|p| p["text"].as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        } else {
            Value::Array(parts)
        };
        let mut msg = Map::new();
        msg.insert("role".into(), json!(role));
        msg.insert("content".into(), content);
        if !calls.is_empty() {
            msg.insert("tool_calls".into(), Value::Array(calls));
        }
        out.push(Value::Object(msg));
    }
    out
}

/// OpenAI tool definitions → Anthropic (`{ name, description, input_schema }`).
pub fn tools_to_anthropic(tools: &Value) -> Value {
    Value::Array(
        tools
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                let f = t.get("function").unwrap_or(t);
                json!({ "name": f["name"], "description": f.get("description").cloned().unwrap_or(json!("")),
                        "input_schema": f.get("parameters").or_else(|| f.get("input_schema")).cloned().unwrap_or(json!({ "type": "object" })) })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_tool_calls_and_images() {
        let openai = vec![
            json!({"role": "system", "content": "Be brief."}),
            json!({"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}),
            json!({"role": "assistant", "content": "Let me look.", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":\"png\"}"}}]}),
            json!({"role": "tool", "tool_call_id": "call_1", "content": "a PNG image"}),
            json!({"role": "assistant", "content": "It is a PNG."}),
        ];
        let (system, anth) = to_anthropic(&openai);
        assert_eq!(system.as_deref(), Some("Be brief."));
        assert_eq!(
            anth[0]["content"][1]["source"],
            json!({"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="})
        );
        assert_eq!(
            anth[1]["content"][1],
            json!({"type": "tool_use", "id": "call_1", "name": "lookup", "input": {"q": "png"}})
        );
        assert_eq!(
            anth[2],
            json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "call_1", "content": "a PNG image"}]})
        );
        let back = from_anthropic(system.as_deref(), &anth);
        assert_eq!(back, openai);
    }

    #[test]
    fn roles_alternate_after_conversion() {
        let (_, anth) = to_anthropic(&[
            json!({"role": "user", "content": "a"}),
            json!({"role": "user", "content": "b"}),
            json!({"role": "assistant", "content": null, "tool_calls": [{"id": "1", "function": {"name": "f", "arguments": "{}"}}, {"id": "2", "function": {"name": "g", "arguments": "{}"}}]}),
            json!({"role": "tool", "tool_call_id": "1", "content": "x"}),
            json!({"role": "tool", "tool_call_id": "2", "content": "y"}),
        ]);
        assert_eq!(anth.len(), 3);
        assert_eq!(anth[0]["content"].as_array().unwrap().len(), 2);
        assert_eq!(
            anth[2]["content"].as_array().unwrap().len(),
            2,
            "both results in one user turn"
        );
    }
}
