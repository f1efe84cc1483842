//! The planner: a dry run that decides, for every message, keep / summarize / drop / truncate.

use super::units::{split_units, Unit};
use super::{CondenseOptions, Strategy};
use crate::error::{Error, Result};
use crate::messages::{Message, Role};
use serde::Serialize;

/// What happens to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum MessageAction {
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
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct MessagePlan {
    /// Index in the original history.
    pub index: usize,
    /// Role.
    pub role: &'static str,
    /// MessageAction.
    pub action: MessageAction,
    /// Why.
    pub reason: &'static str,
    /// Tokens of the message (with framing).
    pub tokens: u64,
}

/// A section of the resulting context.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
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
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
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
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
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
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
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

/// Budget of the summary block for a target: a quarter of it (what was said over the whole
/// history outweighs more verbatim turns from just before the recent ones), and more when the
/// kept turns leave room.
pub fn summary_budget(target: u64) -> u64 {
    (target / 4).clamp(64, 8000)
}

/// The options of a plan, checked.
struct Settings {
    strategy: Strategy,
    keep_recent: usize,
    target: u64,
    max_msg: Option<u64>,
}

fn settings(input: &PlanInput, o: &CondenseOptions) -> Result<Settings> {
    let n = input.messages.len();
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
    Ok(Settings {
        strategy: o.strategy.unwrap_or_default(),
        keep_recent,
        target,
        max_msg: nonneg_int(o.max_message_tokens, "maxMessageTokens")?,
    })
}

/// Which turns stay and why, which are evicted, and the budgets of the facts and summary blocks.
struct Selection {
    keep_reason: Vec<Option<&'static str>>,
    evict: Vec<bool>,
    facts_budget: u64,
    summary_budget: u64,
}

fn unit_tokens(input: &PlanInput, u: &Unit) -> u64 {
    input.per_message[u.start..u.end].iter().sum()
}

/// Keeps the system prompt, pinned and recent turns; when condensation is needed, keeps older
/// turns newest-first while they fit next to the blocks and evicts the rest.
fn select(
    input: &PlanInput,
    o: &CondenseOptions,
    st: &Settings,
    units: &[Unit],
    needed: bool,
    before_and_snippets: u64,
    snippets: u64,
) -> Selection {
    let recent_from = input.messages.len().saturating_sub(st.keep_recent);
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
    let mut keep_reason: Vec<Option<&'static str>> = units.iter().map(reason_for).collect();
    let mandatory: u64 = units
        .iter()
        .zip(&keep_reason)
        .filter(|(_, r)| r.is_some())
        .map(|(u, _)| unit_tokens(input, u))
        .sum();
    let mut evict = vec![false; units.len()];
    // block budgets shrink to what is left next to the kept-verbatim part
    let avail = st
        .target
        .saturating_sub(mandatory + input.priming + snippets);
    let facts_b = facts_budget(st.target).min(avail / 3);
    let mut summary_b = if st.strategy == Strategy::Truncate {
        0
    } else {
        summary_budget(st.target).min(avail - facts_b)
    };
    if needed && before_and_snippets > st.target {
        let mut room = avail - facts_b - summary_b;
        let mut stop = false;
        let mut evicted_tokens = 0;
        for (i, u) in units.iter().enumerate().rev() {
            if keep_reason[i].is_some() {
                continue;
            }
            let t = unit_tokens(input, u);
            if !stop && t <= room {
                room -= t;
                keep_reason[i] = Some("fits in the target");
            } else {
                stop = true; // keep a contiguous recent history: once a turn is evicted, older ones are too
                evict[i] = true;
                evicted_tokens += t;
            }
        }
        if summary_b > 0 {
            // what the kept turns left of the target goes to the summary too (whole turns rarely
            // fill it exactly); a summary is never larger than what it stands for
            summary_b = (summary_b + room)
                .min(summary_budget(st.target) * 2)
                .min(evicted_tokens);
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
    Selection {
        keep_reason,
        evict,
        facts_budget: facts_b,
        summary_budget: summary_b,
    }
}

/// The per-message decisions and the token tallies they add up to.
#[derive(Default)]
struct Tally {
    messages: Vec<MessagePlan>,
    evicted: Vec<usize>,
    kept: u64,
    evicted_tokens: u64,
    system: u64,
    recent: u64,
}

fn decide_messages(input: &PlanInput, st: &Settings, units: &[Unit], sel: &Selection) -> Tally {
    let msgs = input.messages;
    let mut t = Tally::default();
    for (i, u) in units.iter().enumerate() {
        #[allow(clippy::needless_range_loop)] // j indexes two parallel slices
        for j in u.start..u.end {
            let tokens = input.per_message[j];
            let (action, reason) = if sel.evict[i] {
                t.evicted.push(j);
                t.evicted_tokens += tokens;
                if st.strategy == Strategy::Truncate {
                    (
                        MessageAction::Drop,
                        "oldest turns are dropped to reach the target",
                    )
                } else {
                    (
                        MessageAction::Summarize,
                        "evicted: condensed into the summary block",
                    )
                }
            } else if st.max_msg.is_some_and(|m| tokens > m)
                && msgs[j].role != Role::System
                && msgs[j]
                    .parts
                    .iter()
                    .all(|p| matches!(p, crate::messages::Part::Text(_)))
            {
                (
                    MessageAction::Truncate,
                    "longer than maxMessageTokens: head and tail kept",
                )
            } else {
                (MessageAction::Keep, sel.keep_reason[i].unwrap_or("kept"))
            };
            let effective = if action == MessageAction::Truncate {
                st.max_msg.unwrap_or(tokens)
            } else {
                tokens
            };
            if !sel.evict[i] {
                t.kept += effective;
                if u.system {
                    t.system += effective;
                } else {
                    t.recent += effective;
                }
            }
            t.messages.push(MessagePlan {
                index: j,
                role: msgs[j].role.as_str(),
                action,
                reason,
                tokens,
            });
        }
    }
    t
}

/// When even the kept-verbatim part exceeds the target: by how much, and what would have to go.
fn over_budget(
    input: &PlanInput,
    units: &[Unit],
    evict: &[bool],
    after: u64,
    target: u64,
) -> OverBudget {
    let mut excess = after - target;
    let mut drop = Vec::new();
    for (i, u) in units.iter().enumerate().filter(|(_, u)| !u.system) {
        if excess == 0 {
            break;
        }
        if evict[i] {
            continue;
        }
        drop.extend(u.start..u.end);
        excess = excess.saturating_sub(unit_tokens(input, u));
    }
    OverBudget {
        excess: after - target,
        would_need_to_drop: drop,
    }
}

fn sections(t: &Tally, facts_b: u64, summary_b: u64, snippets: u64, target: u64) -> Vec<Section> {
    let section = |name, tokens, budget| Section {
        name,
        tokens,
        budget,
    };
    vec![
        section("system", t.system, t.system),
        section("facts", facts_b, facts_b),
        section("summary", summary_b, summary_b),
        section("snippets", snippets, snippets),
        section(
            "recent",
            t.recent,
            target.saturating_sub(t.system + facts_b + summary_b + snippets),
        ),
    ]
}

/// Plans a condensation: settings → which turns stay → per-message decisions → budgets.
pub fn plan(input: &PlanInput, o: &CondenseOptions) -> Result<Plan> {
    let st = settings(input, o)?;
    let n = input.messages.len();
    let priming = if n > 0 { input.priming } else { 0 };
    let before: u64 = input.per_message.iter().sum::<u64>() + priming;
    let snippets: u64 = o.snippets.iter().map(|s| (input.count)(s) + 4).sum();
    let units = split_units(input.messages);
    let trigger_tokens = (input.limit as f64 * input.trigger) as u64;
    let needed = o.force || o.target.is_some() || before >= trigger_tokens;
    let sel = select(input, o, &st, &units, needed, before + snippets, snippets);
    let tally = decide_messages(input, &st, &units, &sel);
    let any_evicted = !tally.evicted.is_empty();
    let summary_b = if any_evicted { sel.summary_budget } else { 0 };
    let facts_b = if any_evicted { sel.facts_budget } else { 0 };
    let after = tally.kept + summary_b + facts_b + snippets + priming;
    let over = (needed && after > st.target)
        .then(|| over_budget(input, &units, &sel.evict, after, st.target));
    let summarizer = (any_evicted && st.strategy.uses_llm()).then(|| {
        let input_tokens = tally.evicted_tokens + 200;
        let (model, pin, pout) = &input.summarizer;
        SummarizerCost {
            model: model.clone(),
            input_tokens,
            output_tokens: summary_b,
            usd: (input_tokens as f64 * pin + summary_b as f64 * pout) / 1e6,
        }
    });
    Ok(Plan {
        needed,
        strategy: st.strategy,
        model: input.model.clone(),
        limit: input.limit,
        target: st.target,
        tokens_before: before,
        tokens_after: after,
        sections: sections(&tally, facts_b, summary_b, snippets, st.target),
        messages: tally.messages,
        summarizer,
        over_budget: over,
        evicted: tally.evicted,
    })
}
