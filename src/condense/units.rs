//! Splitting a conversation into units that condensation never breaks apart.
//!
//! A unit is the leading system prompt, or a user message with everything up to the next user
//! message (assistant replies, tool calls and their results). Keeping or evicting whole units
//! means a tool call is never separated from its results and the kept history never starts
//! with an assistant or tool message.

use crate::messages::{Message, Role};

/// A run of messages `start..end` that is kept or evicted as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// First message index.
    pub start: usize,
    /// One past the last message index.
    pub end: usize,
    /// True for the leading system prompt.
    pub system: bool,
}

/// Splits messages into units. Leading system/developer messages form the system unit; a new
/// unit starts at each user message; anything before the first user message (after the system
/// prompt) forms its own unit.
pub fn split_units(messages: &[Message]) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut i = 0;
    while i < messages.len() && matches!(messages[i].role, Role::System | Role::Developer) {
        i += 1;
    }
    if i > 0 {
        units.push(Unit {
            start: 0,
            end: i,
            system: true,
        });
    }
    let mut start = i;
    for (j, m) in messages.iter().enumerate().skip(i + 1) {
        if m.role == Role::User && !is_tool_result_carrier(m) {
            units.push(Unit {
                start,
                end: j,
                system: false,
            });
            start = j;
        }
    }
    if start < messages.len() {
        units.push(Unit {
            start,
            end: messages.len(),
            system: false,
        });
    }
    units
}

/// Anthropic carries tool results in user messages; such a message continues the turn.
fn is_tool_result_carrier(m: &Message) -> bool {
    !m.parts.is_empty()
        && m.parts
            .iter()
            .all(|p| matches!(p, crate::messages::Part::ToolResult { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::parse_messages;
    use serde_json::json;

    #[test]
    fn tool_exchanges_stay_in_one_unit() {
        let m = parse_messages(&json!([
            {"role": "system", "content": "s"},
            {"role": "user", "content": "u1"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "a", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "a", "content": "r"},
            {"role": "assistant", "content": "done"},
            {"role": "user", "content": "u2"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "g", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "ok"}]},
        ]))
        .unwrap();
        let u = split_units(&m);
        assert_eq!(
            u.iter().map(|u| (u.start, u.end)).collect::<Vec<_>>(),
            vec![(0, 1), (1, 5), (5, 8)]
        );
        assert!(u[0].system);
    }
}
