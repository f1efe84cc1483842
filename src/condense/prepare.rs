//! Binding condensation to the engine: count the history, resolve the model and options, plan;
//! then run the plan without holding the engine (an LLM call may take a while).

use super::llm::{Summarizer, SummaryCache};
use super::plan::{plan, Plan, PlanInput};
use super::run::{condense, last_question, Condensed, RunInput};
use super::CondenseOptions;
use crate::engine::Counter;
use crate::error::{Error, Result};
use crate::messages::{parse_messages, Message};
use crate::models::ModelInfo;
use crate::risk::{reserve_for, Thresholds};
use crate::tokens::cache::CountCache;
use crate::tokens::chat::count_messages;
use crate::tokens::encoding::Encoding;
use serde_json::Value;
use std::rc::Rc;

/// Everything a condensation needs, owned, so the engine can be released during LLM calls.
pub struct Prepared {
    raw: Vec<Value>,
    messages: Vec<Message>,
    /// The plan.
    pub plan: Plan,
    enc: Rc<Encoding>,
    model: ModelInfo,
    question: String,
    summarizer_model: String,
    snippets: Vec<String>,
    max_message_tokens: Option<u64>,
    recall_tool: bool,
    previous_summary: Option<super::PreviousSummary>,
}

fn scale(n: usize, f: f64) -> u64 {
    ((n as f64) * f).round() as u64
}

/// Counts, validates and plans.
pub fn prepare(engine: &mut Counter, messages: &Value, o: &CondenseOptions) -> Result<Prepared> {
    let raw: Vec<Value> = messages
        .as_array()
        .cloned()
        .ok_or_else(|| Error::invalid_message("messages must be an array of message objects"))?;
    let parsed = parse_messages(messages)?;
    let count = engine.count_parsed(&parsed, &o.model, None)?;
    let model = engine.models().get(&o.model)?.clone();
    let enc = engine.encodings().get(model.encoding()?)?;
    let summarizer_id = o
        .summarizer_model
        .clone()
        .unwrap_or_else(|| model.id.clone());
    let summarizer = engine.models().get(&summarizer_id)?;
    let reserve = reserve_for(&model, o.reserve_output)?;
    let factor = count.factor;
    let priming = scale(model.framing().reply_priming.max(0) as usize, factor);
    let count_text = |s: &str| scale(enc.count(s), factor);
    let input = PlanInput {
        messages: &parsed,
        per_message: &count.per_message,
        priming,
        limit: model.context_window as u64 - reserve,
        trigger: Thresholds::default().warning,
        model: model.id.clone(),
        count: &count_text,
        summarizer: (
            summarizer.id.clone(),
            summarizer.pricing.input,
            summarizer.pricing.output,
        ),
    };
    let plan = plan(&input, o)?;
    let max_message_tokens = o.max_message_tokens.map(|m| m as u64);
    Ok(Prepared {
        question: o.question.clone().unwrap_or_else(|| last_question(&parsed)),
        summarizer_model: summarizer.id.clone(),
        snippets: o.snippets.clone(),
        raw,
        messages: parsed,
        plan,
        enc,
        model,
        max_message_tokens,
        recall_tool: o.recall_tool,
        previous_summary: o.previous_summary.clone(),
    })
}

/// Carries out a prepared plan.
pub async fn run<S: Summarizer>(
    p: Prepared,
    llm: Option<&S>,
    cache: &std::cell::RefCell<SummaryCache>,
    now: &dyn Fn() -> f64,
    llm_facts: bool,
) -> Result<Condensed> {
    let factor = if p.model.tokenizer.exact {
        1.0
    } else {
        p.model.tokenizer.factor
    };
    let enc = p.enc.clone();
    let model = p.model.clone();
    let count_text = |s: &str| scale(enc.count(s), factor);
    // the assembled context is counted like any conversation; a failure here is reported, never
    // turned into 0 tokens
    let format = model.chat_format();
    let count_msgs = |v: &[Value]| -> Result<u64> {
        let parsed = parse_messages(&Value::Array(v.to_vec()))?;
        count_messages(&enc, &format, &parsed, None, &mut CountCache::new(0)).map(|c| c.total)
    };
    let input = RunInput {
        raw: &p.raw,
        messages: &p.messages,
        count: &count_text,
        count_messages: &count_msgs,
        question: p.question.clone(),
        summarizer_model: p.summarizer_model.clone(),
        snippets: &p.snippets,
        now,
        llm_facts,
        recall_tool: p.recall_tool,
        previous_summary: p.previous_summary.clone(),
    };
    condense(&input, p.plan.clone(), llm, cache, p.max_message_tokens).await
}
