//! The planner: a dry run that decides, for every message, keep / summarize / drop / truncate.

use super::units::{split_units, Unit};
use super::{CondenseOptions, Strategy};
use crate::error::{Error, Result};
use crate::messages::{Message, Role};
use serde::Serialize;

/// What happens to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Kept verbatim.
    Keep,
    /// Folded into the summary block.
    Summarize,
    /// Left out of the context (it stays in the history).
    Drop,
    /// Kept with its middle cut out (head and tail remain).
    Truncate,
}

/// The decision for one message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePlan {
    /// Index in the original history.
    pub index: usize,
    /// Role.
    pub role: &'static str,
    /// Action.
    pub action: Action,
    /// Why.
    pub reason: &'static str,
    /// Tokens of the message (with framing).
    pub tokens: u64,
}

/// A section of the resulting context.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    /// `system`, `facts`, `summary`, `snippets`, `history` or `recent`.
    pub name: &'static str,
    /// Tokens it is expected to take.
    pub tokens: u64,
    /// Tokens allowed.
    pub budget: u64,
}

/// Estimated cost of the summarizer call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummarizerCost {
    /// Model that would write the summary.
    pub model: String,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// At most this many output tokens.
    pub output_tokens: u64,
    /// USD.
    pub usd: f64,
}

/// When the kept-verbatim part alone exceeds the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OverBudget {
    /// Tokens over the target after evicting everything allowed.
    pub excess: u64,
    /// Messages (oldest first) that would also have to go to fit — they are kept, because
    /// they are the system prompt, pinned or among the most recent.
    pub would_need_to_drop: Vec<usize>,
}

/// A condensation plan. Planning changes nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// False when the context is below the trigger and no condensation is needed.
    pub needed: bool,
    /// Strategy the plan is for.
    pub strategy: Strategy,
    /// Model.
    pub model: String,
    /// Usable window (context window − output reserve).
    pub limit: u64,
    /// Target size.
    pub target: u64,
    /// Tokens of the whole history.
    pub tokens_before: u64,
    /// Expected tokens of the condensed context (an upper bound for LLM strategies).
    pub tokens_after: u64,
    /// One entry per message.
    pub messages: Vec<MessagePlan>,
    /// Sections of the resulting context.
    pub sections: Vec<Section>,
    /// Summarizer cost (LLM strategies only).
    pub summarizer: Option<SummarizerCost>,
    /// Set when the result cannot reach the target.
    pub over_budget: Option<OverBudget>,
    /// Indices of the messages evicted (summarized or dropped).
    pub evicted: Vec<usize>,
}

/// Inputs the planner needs besides the messages.
pub struct PlanInput<'a> {
    /// Parsed messages.
    pub messages: &'a [Message],
    /// Tokens per message, with framing.
    pub per_message: &'a [u64],
    /// Reply-priming tokens.
    pub priming: u64,
    /// Usable window.
    pub limit: u64,
    /// Utilization from which condensation is needed (WARNING by default).
    pub trigger: f64,
    /// Canonical model id.
    pub model: String,
    /// Token count of a text (scaled for estimated models).
    pub count: &'a dyn Fn(&str) -> u64,
    /// Summarizer (model id, price per million input, price per million output).
    pub summarizer: (String, f64, f64),
}

/// Default share of the usable window to condense down to.
pub const DEFAULT_TARGET_SHARE: f64 = 0.6;
/// Default number of recent messages kept verbatim.
pub const DEFAULT_KEEP_RECENT: usize = 8;

fn nonneg_int(v: Option<f64>, what: &str) -> Result<Option<u64>> {
    match v {
        None => Ok(None),
        Some(x) if x.is_finite() && x >= 0.0 && x.fract() == 0.0 => Ok(Some(x as u64)),
        Some(x) => Err(Error::invalid_argument(format!(
            "{what} must be a non-negative integer, got {x}"
        ))),
    }
}

/// Budget of the facts block for a target.
pub fn facts_budget(target: u64) -> u64 {
    (target / 20).clamp(32, 2000)
}

/// Budget of the summary block for a target.
pub fn summary_budget(target: u64) -> u64 {
    (target * 3 / 20).clamp(64, 8000)
}

/// Plans a condensation.
pub fn plan(input: &PlanInput, o: &CondenseOptions) -> Result<Plan> {
    let msgs = input.messages;
    let n = msgs.len();
    let strategy = o.strategy.unwrap_or_default();
    o.summarizer_timeout_ms()?;
    let keep_recent = nonneg_int(o.keep_recent, "keepRecent")?
        .map(|k| k as usize)
        .unwrap_or(DEFAULT_KEEP_RECENT);
    let target = nonneg_int(o.target, "target")?
        .unwrap_or((input.limit as f64 * DEFAULT_TARGET_SHARE) as u64);
    for &p in &o.pinned {
        if p >= n {
            return Err(Error::invalid_argument(format!(
                "pinned index {p} is past the end of the {n} messages"
            )));
        }
    }
    let before: u64 = input.per_message.iter().sum::<u64>() + if n > 0 { input.priming } else { 0 };
    let snippets: u64 = o.snippets.iter().map(|s| (input.count)(s) + 4).sum();
    let units = split_units(msgs);

    // which units must stay, and why
    let recent_from = n.saturating_sub(keep_recent);
    let reason_for = |u: &Unit| -> Option<&'static str> {
        if u.system {
            Some("system prompt")
        } else if o.pinned.iter().any(|&p| p >= u.start && p < u.end) {
            Some("pinned (with its turn)")
        } else if u.end > recent_from {
            Some("recent turn")
        } else {
            None
        }
    };
    let unit_tokens = |u: &Unit| -> u64 { input.per_message[u.start..u.end].iter().sum() };
    let mut keep_reason: Vec<Option<&'static str>> = units.iter().map(reason_for).collect();
    let mandatory: u64 = units
        .iter()
        .zip(&keep_reason)
        .filter(|(_, r)| r.is_some())
        .map(|(u, _)| unit_tokens(u))
        .sum();

    let trigger_tokens = (input.limit as f64 * input.trigger) as u64;
    let needed = o.force || o.target.is_some() || before >= trigger_tokens;
    let mut evict = vec![false; units.len()];
    let base = mandatory + input.priming + snippets;
    // block budgets shrink to what is left next to the kept-verbatim part
    let avail = target.saturating_sub(base);
    let facts_b = facts_budget(target).min(avail / 3);
    let summary_b = if strategy == Strategy::Truncate {
        0
    } else {
        summary_budget(target).min(avail - facts_b)
    };
    if needed && before + snippets > target {
        // keep older turns newest-first while they fit next to the blocks; evict the rest
        let mut room = avail - facts_b - summary_b;
        let mut stop = false;
        for (i, u) in units.iter().enumerate().rev() {
            if keep_reason[i].is_some() {
                continue;
            }
            let t = unit_tokens(u);
            if !stop && t <= room {
                room -= t;
                keep_reason[i] = Some("fits in the target");
            } else {
                stop = true; // keep a contiguous recent history: once a turn is evicted, older ones are too
                evict[i] = true;
            }
        }
    } else {
        for r in keep_reason.iter_mut().filter(|r| r.is_none()) {
            *r = Some(if needed {
                "the whole history fits the target"
            } else {
                "below the condensation trigger"
            });
        }
    }
    let any_evicted = evict.iter().any(|&e| e);
    let max_msg = nonneg_int(o.max_message_tokens, "maxMessageTokens")?;

    let mut messages = Vec::with_capacity(n);
    let mut evicted = Vec::new();
    let mut kept_tokens = 0u64;
    let mut evicted_tokens = 0u64;
    let (mut system_tokens, mut recent_tokens) = (0u64, 0u64);
    for (i, u) in units.iter().enumerate() {
        #[allow(clippy::needless_range_loop)] // j indexes three parallel slices
        for j in u.start..u.end {
            let tokens = input.per_message[j];
            let (action, reason) = if evict[i] {
                evicted.push(j);
                evicted_tokens += tokens;
                if strategy == Strategy::Truncate {
                    (Action::Drop, "oldest turns are dropped to reach the target")
                } else {
                    (
                        Action::Summarize,
                        "evicted: condensed into the summary block",
                    )
                }
            } else if max_msg.is_some_and(|m| tokens > m)
                && msgs[j].role != Role::System
                && msgs[j]
                    .parts
                    .iter()
                    .all(|p| matches!(p, crate::messages::Part::Text(_)))
            {
                (
                    Action::Truncate,
                    "longer than maxMessageTokens: head and tail kept",
                )
            } else {
                (Action::Keep, keep_reason[i].unwrap_or("kept"))
            };
            let effective = if action == Action::Truncate {
                max_msg.unwrap_or(tokens)
            } else {
                tokens
            };
            if !evict[i] {
                kept_tokens += effective;
                if u.system {
                    system_tokens += effective;
                } else {
                    recent_tokens += effective;
                }
            }
            messages.push(MessagePlan {
                index: j,
                role: msgs[j].role.as_str(),
                action,
                reason,
                tokens,
            });
        }
    }

    let summary_b = if any_evicted { summary_b } else { 0 };
    let facts_b = if any_evicted { facts_b } else { 0 };
    let after =
        kept_tokens + summary_b + facts_b + snippets + if n > 0 { input.priming } else { 0 };
    let over_budget = (needed && after > target).then(|| {
        let mut excess = after - target;
        let mut drop = Vec::new();
        for u in units.iter().filter(|u| !u.system) {
            if excess == 0 {
                break;
            }
            if evict[units.iter().position(|x| x == u).unwrap_or(0)] {
                continue;
            }
            for j in u.start..u.end {
                drop.push(j);
            }
            excess = excess.saturating_sub(unit_tokens(u));
        }
        OverBudget {
            excess: after - target,
            would_need_to_drop: drop,
        }
    });
    let summarizer = (any_evicted && strategy.uses_llm()).then(|| {
        let input_tokens = evicted_tokens + 200;
        let (model, pin, pout) = &input.summarizer;
        SummarizerCost {
            model: model.clone(),
            input_tokens,
            output_tokens: summary_b,
            usd: (input_tokens as f64 * pin + summary_b as f64 * pout) / 1e6,
        }
    });
    let sections = vec![
        Section {
            name: "system",
            tokens: system_tokens,
            budget: system_tokens,
        },
        Section {
            name: "facts",
            tokens: facts_b,
            budget: facts_b,
        },
        Section {
            name: "summary",
            tokens: summary_b,
            budget: summary_b,
        },
        Section {
            name: "snippets",
            tokens: snippets,
            budget: snippets,
        },
        Section {
            name: "recent",
            tokens: recent_tokens,
            budget: target.saturating_sub(system_tokens + facts_b + summary_b + snippets),
        },
    ];
    Ok(Plan {
        needed,
        strategy,
        model: input.model.clone(),
        limit: input.limit,
        target,
        tokens_before: before,
        tokens_after: after,
        messages,
        sections,
        summarizer,
        over_budget,
        evicted,
    })
}
