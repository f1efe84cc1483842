//! Condensation exports: `planCondensation` (sync, a dry run) and `condense` (async).

use super::{to_js, to_value, value, EngineHandle};
use crate::condense::llm::Summarizer;
use crate::condense::prepare::run;
use crate::condense::CondenseOptions;
use crate::error::{Error, ErrorCode};
use crate::platform::fetch::race_timeout;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// A summarizer backed by a JS object with `complete(system, prompt, maxTokens) => Promise<string>`;
/// a call that takes longer than the timeout counts as failed (`SUMMARIZER_TIMEOUT`).
struct JsSummarizer {
    provider: JsValue,
    timeout_ms: f64,
}

impl Summarizer for JsSummarizer {
    async fn complete(
        &self,
        system: &str,
        prompt: &str,
        max_tokens: u64,
    ) -> crate::error::Result<String> {
        let fail = |m: String| Error::new(ErrorCode::SummarizerFailed, m);
        let f = js_sys::Reflect::get(&self.provider, &"complete".into())
            .map_err(|_| fail("provider has no complete()".into()))?;
        let f: js_sys::Function = f
            .dyn_into()
            .map_err(|_| fail("provider.complete is not a function".into()))?;
        let ret = f
            .call3(
                &self.provider,
                &system.into(),
                &prompt.into(),
                &JsValue::from_f64(max_tokens as f64),
            )
            .map_err(|e| fail(describe(&e)))?;
        let answer = race_timeout(js_sys::Promise::resolve(&ret), self.timeout_ms)
            .await
            .map_err(|e| fail(describe(&e)))?
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::SummarizerTimeout,
                    format!(
                        "the summarizer did not answer within {} ms",
                        self.timeout_ms
                    ),
                )
            })?;
        // measured before it is copied into wasm memory: a huge answer is refused, not allocated
        let text: js_sys::JsString = answer.dyn_into().map_err(|_| {
            fail("provider.complete resolved to something other than a string".into())
        })?;
        if text.length() > MAX_ANSWER_CHARS {
            return Err(fail(format!(
                "provider.complete answered {} characters; at most {MAX_ANSWER_CHARS} are read",
                text.length()
            )));
        }
        Ok(String::from(text))
    }
}

/// Longest summarizer answer read (summaries are budgeted at 8,000 tokens at most).
const MAX_ANSWER_CHARS: u32 = 1 << 20;

fn describe(e: &JsValue) -> String {
    let code = js_sys::Reflect::get(e, &"code".into())
        .ok()
        .and_then(|c| c.as_string());
    let msg = js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into());
    match code {
        Some(c) => format!("{c}: {msg}"),
        None => msg,
    }
}

/// Splits `{ ...options, provider? }` into the options and the provider.
fn split_options(opts: &JsValue) -> Result<(CondenseOptions, Option<JsSummarizer>), JsValue> {
    if !opts.is_object() {
        return Err(to_js(Error::invalid_argument(
            "condense options must be an object with at least { model }",
        )));
    }
    let copy = js_sys::Object::assign(&js_sys::Object::new(), opts.unchecked_ref());
    let provider = js_sys::Reflect::get(&copy, &"provider".into()).unwrap_or(JsValue::UNDEFINED);
    let _ = js_sys::Reflect::delete_property(&copy, &"provider".into());
    let o: CondenseOptions = value(&copy, "condense options", Error::invalid_argument)?;
    let timeout_ms = o.summarizer_timeout_ms().map_err(to_js)?;
    let provider = (!provider.is_undefined() && !provider.is_null()).then_some(JsSummarizer {
        provider,
        timeout_ms,
    });
    Ok((o, provider))
}

/// A dry run: what condensation would keep, summarize, drop or truncate, and why; tokens
/// before and after; the sections and their budgets; the summarizer's estimated cost.
///
/// ```js
/// const plan = planCondensation(messages, { model: 'gpt-4o', strategy: 'extractive' });
/// plan.messages.filter((m) => m.action !== 'keep');
/// ```
#[wasm_bindgen(js_name = planCondensation, unchecked_return_type = "CondensationPlan")]
pub fn plan_condensation(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "ChatMessage[]")] messages: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CondenseOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let msgs: Value = value(&messages, "messages", Error::invalid_message)?;
    let (o, _) = split_options(&opts)?;
    to_value(&engine.with(|e| e.prepare_condensation(&msgs, &o).map(|p| p.0.plan))?)
}

/// Carries out a plan and resolves to `{ messages, plan, facts, summary, metrics }`. The input
/// array is not changed. LLM strategies use `provider.complete(system, prompt, maxTokens)`;
/// when it fails (or is absent) the chain falls back relevant → summary → extractive →
/// truncate and `metrics.fallbacks` says why.
#[wasm_bindgen(unchecked_return_type = "CondenseResult")]
pub async fn condense(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "ChatMessage[]")] messages: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CondenseOptions & { provider?: Summarizer }")]
    opts: JsValue,
) -> Result<JsValue, JsValue> {
    let msgs: Value = value(&messages, "messages", Error::invalid_message)?;
    let (o, provider) = split_options(&opts)?;
    let llm_facts = o.llm_facts;
    // the engine is not held across the LLM call; the summary cache is shared, and borrowed
    // only for each lookup or store, so concurrent condensations all keep their summaries
    let (prepared, cache) = engine.with(|e| e.prepare_condensation(&msgs, &o))?;
    let result = run(
        prepared,
        provider.as_ref(),
        &cache,
        &js_sys::Date::now,
        llm_facts,
    )
    .await
    .map_err(to_js)?;
    to_value(&result)
}

/// The evicted messages of a condensation, searchable (`condense(…, { recallTool: true })`
/// returns `recall(query)`, which calls this).
#[wasm_bindgen]
pub struct RecallHandle {
    index: crate::condense::recall::RecallIndex,
}

#[wasm_bindgen]
impl RecallHandle {
    /// The best passages for `query`, best first: `[{ text, messageIds, role, score }]`.
    #[wasm_bindgen(unchecked_return_type = "Passage[]")]
    pub fn search(&self, query: &str, limit: Option<f64>) -> Result<JsValue, JsValue> {
        let limit = match limit {
            None => crate::condense::recall::DEFAULT_LIMIT,
            Some(l) if l.is_finite() && l >= 1.0 && l.fract() == 0.0 => l.min(100.0) as usize,
            Some(l) => {
                return Err(to_js(Error::invalid_argument(format!(
                    "recall limit must be a positive integer, got {l}"
                ))))
            }
        };
        to_value(&self.index.search(query, limit))
    }
}

/// Indexes `messages[i]` for each `i` of `evicted` (ids are those indices).
#[wasm_bindgen(js_name = recallIndex)]
pub fn recall_index(
    #[wasm_bindgen(unchecked_param_type = "ChatMessage[]")] messages: JsValue,
    evicted: Vec<u32>,
) -> Result<RecallHandle, JsValue> {
    let msgs: Value = value(&messages, "messages", Error::invalid_message)?;
    let parsed = crate::messages::parse_messages(&msgs).map_err(to_js)?;
    let index = crate::condense::recall::RecallIndex::new(
        evicted
            .iter()
            .filter_map(|&i| parsed.get(i as usize).map(|m| (i as u64, m))),
    );
    Ok(RecallHandle { index })
}
