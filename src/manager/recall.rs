//! The recall tool in the turn loop (`condensation: { recallTool: true }`): a condensed turn
//! offers the model `contextwise_recall`; when it calls it, the manager answers from the
//! session's evicted messages and calls the model again, so the app only sees the final reply.
//! The exchange is stored with the turn (an assistant message with the calls, a tool message per
//! call) and left out of later contexts.

use crate::condense::recall::{answer_text, query_of, RecallIndex, DEFAULT_LIMIT, TOOL_NAME};
use crate::store::MessageRecord;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashSet;

/// Rounds of recall calls answered in one turn; the last call is made without the tool, so the
/// model answers.
pub const MAX_ROUNDS: usize = 3;

/// One recall call answered in a turn.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Recalled {
    /// What the model searched for.
    pub query: String,
    /// Stored sequence numbers of the messages the answer quoted.
    pub message_ids: Vec<u64>,
}

/// The calls of an assistant message, as (id, name, arguments).
fn calls(message: &Value) -> Vec<(String, String, String)> {
    message
        .get("tool_calls")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|c| {
                    let f = &c["function"];
                    (
                        c["id"].as_str().unwrap_or_default().to_string(),
                        f["name"].as_str().unwrap_or_default().to_string(),
                        f["arguments"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// True when `message` calls tools and every call is the recall tool.
pub fn calls_only_recall(message: &Value) -> bool {
    let c = calls(message);
    !c.is_empty() && c.iter().all(|(_, name, _)| name == TOOL_NAME)
}

/// The messages that answer a recall message: the assistant message as the provider sent it
/// (with an id for each call that lacks one) and one tool message per call.
pub fn answer(index: &RecallIndex, message: &Value, used: &mut Vec<Recalled>) -> Vec<Value> {
    let mut assistant = message.clone();
    let mut out = Vec::new();
    let mut answers = Vec::new();
    for (k, (id, _, arguments)) in calls(message).into_iter().enumerate() {
        let id = if id.is_empty() {
            let id = format!("contextwise_recall_{k}");
            assistant["tool_calls"][k]["id"] = json!(id);
            id
        } else {
            id
        };
        let text = match query_of(&arguments) {
            Some(q) => {
                let found = index.search(&q, DEFAULT_LIMIT);
                // each message once, in the order of the best passage that quotes it
                let mut ids: Vec<u64> = Vec::new();
                for id in found.iter().flat_map(|p| p.message_ids.iter().copied()) {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                used.push(Recalled {
                    query: q.clone(),
                    message_ids: ids,
                });
                answer_text(&q, &found)
            }
            None => format!(
                "{TOOL_NAME} needs JSON arguments with a string \"query\", got {arguments:?}"
            ),
        };
        answers.push(json!({ "role": "tool", "tool_call_id": id, "content": text }));
    }
    out.push(assistant);
    out.extend(answers);
    out
}

/// The stored history without recall exchanges (they belong to the turn that made them, not to
/// the conversation a later turn sends).
pub fn without_exchanges(history: Vec<MessageRecord>) -> Vec<MessageRecord> {
    let mut ids: HashSet<String> = HashSet::new();
    history
        .into_iter()
        .filter(|r| {
            let m = &r.message;
            if m.get("role").and_then(Value::as_str) == Some("assistant") && calls_only_recall(m) {
                ids.extend(calls(m).into_iter().map(|c| c.0));
                return false;
            }
            if m.get("role").and_then(Value::as_str) == Some("tool") {
                if let Some(id) = m.get("tool_call_id").and_then(Value::as_str) {
                    return !ids.contains(id);
                }
            }
            true
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::parse_messages;

    fn record(seq: u64, message: Value) -> MessageRecord {
        MessageRecord {
            session_id: "s".into(),
            seq,
            message,
            tokens: Default::default(),
            created: 0.0,
        }
    }

    #[test]
    fn answers_recall_calls_and_hides_the_exchange_later() {
        let evicted = parse_messages(&json!([
            {"role": "user", "content": "The deploy ID is DEP-77431."},
            {"role": "assistant", "content": "Noted."},
        ]))
        .unwrap();
        let index = RecallIndex::new([(40u64, &evicted[0]), (41u64, &evicted[1])]);
        let call = json!({"role": "assistant", "content": null, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": TOOL_NAME, "arguments": "{\"query\":\"deploy id\"}"}},
            {"type": "function", "function": {"name": TOOL_NAME, "arguments": "oops"}}
        ]});
        assert!(calls_only_recall(&call));
        let mut used = Vec::new();
        let msgs = answer(&index, &call, &mut used);
        assert_eq!(msgs.len(), 3);
        assert_eq!(msgs[0]["tool_calls"][1]["id"], "contextwise_recall_1");
        assert_eq!(msgs[1]["tool_call_id"], "c1");
        assert!(msgs[1]["content"]
            .as_str()
            .unwrap()
            .contains("[#40 user] The deploy ID is DEP-77431."));
        assert!(msgs[2]["content"].as_str().unwrap().contains("needs JSON"));
        assert_eq!(
            used,
            vec![Recalled {
                query: "deploy id".into(),
                // the statement and the reply to it
                message_ids: vec![40, 41]
            }]
        );
        let other = json!({"role": "assistant", "tool_calls": [
            {"id": "x", "type": "function", "function": {"name": "weather", "arguments": "{}"}}
        ]});
        assert!(!calls_only_recall(&other));
        assert!(!calls_only_recall(
            &json!({"role": "assistant", "content": "hi"})
        ));

        let mut history = vec![record(0, json!({"role": "user", "content": "q"}))];
        for (k, m) in msgs.into_iter().enumerate() {
            history.push(record(1 + k as u64, m));
        }
        history.push(record(
            4,
            json!({"role": "assistant", "content": "DEP-77431"}),
        ));
        history.push(record(5, other.clone()));
        history.push(record(
            6,
            json!({"role": "tool", "tool_call_id": "x", "content": "sunny"}),
        ));
        let kept: Vec<u64> = without_exchanges(history).iter().map(|r| r.seq).collect();
        assert_eq!(kept, vec![0, 4, 5, 6], "the app's own tool calls stay");
    }
}
