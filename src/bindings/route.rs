//! The routing exports.

use super::{to_js, to_value, value, EngineHandle};
use crate::error::{Error, ErrorCode, ProviderDetails};
use crate::route::fallback::{call_chain, ModelCaller};
use crate::route::RouterConfig;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Picks the model for a request: rules first, then the task classifier, then the default;
/// checks vision / tool capabilities and context fit, optionally prefers the cheapest, and
/// returns the fallback chain.
///
/// ```js
/// const d = route(messages, { models: { primary: 'claude-sonnet-4-5', code: 'deepseek-coder', fast: 'qwen2.5:7b' } });
/// d.model; d.reason; // "Code task (verb 'write'); deepseek-coder fits 1,234 of 123,904 tokens"
/// ```
#[wasm_bindgen(unchecked_return_type = "RouteDecision")]
pub fn route(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "ChatMessage[]")] messages: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RouterConfig")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let msgs: Value = value(&messages, "messages", Error::invalid_message)?;
    let cfg: RouterConfig = value(&config, "router config", Error::invalid_config)?;
    to_value(&engine.with(|e| e.route(&msgs, &cfg))?)
}

/// Routing totals: per model, per task, the share sent to cheaper models and the estimated savings.
#[wasm_bindgen(js_name = routingStats, unchecked_return_type = "RoutingStats")]
pub fn routing_stats(engine: &EngineHandle) -> Result<JsValue, JsValue> {
    to_value(&engine.with(|e| Ok(e.routing().clone()))?)
}

/// `routedChat` options besides the providers and the signal.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RoutedOptions {
    router: RouterConfig,
    #[serde(default)]
    max_tokens: Option<u32>,
}

/// Calls one model through the caller's `providers[name](chatOptions)`; keeps the last JS error
/// so it is rethrown as it came (with its status, provider and stack).
struct JsCaller {
    providers: JsValue,
    messages: JsValue,
    max_tokens: Option<u32>,
    signal: JsValue,
    last_error: std::cell::RefCell<Option<JsValue>>,
}

fn chat_fn(providers: &JsValue, name: &str) -> Option<js_sys::Function> {
    js_sys::Reflect::get(providers, &name.into())
        .ok()?
        .dyn_into()
        .ok()
}

/// A JS error as a contextwise error (code, message, status, retryable).
fn from_js_error(e: &JsValue, provider: &str) -> Error {
    let get = |k: &str| js_sys::Reflect::get(e, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let code = get("code")
        .as_string()
        .and_then(|c| ErrorCode::parse(&c))
        .unwrap_or(ErrorCode::ProviderNetwork);
    let message = get("message")
        .as_string()
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the provider call failed".into());
    Error::provider(
        code,
        message,
        ProviderDetails {
            provider: provider.into(),
            status: get("status").as_f64().map(|s| s as u16),
            retryable: get("retryable").as_bool().unwrap_or(false),
            retry_after: None,
        },
    )
}

impl ModelCaller for JsCaller {
    type Answer = JsValue;
    fn has_provider(&self, provider: &str) -> bool {
        chat_fn(&self.providers, provider).is_some()
    }
    async fn call(&self, model: &str, provider: &str) -> crate::error::Result<JsValue> {
        let f = chat_fn(&self.providers, provider)
            .ok_or_else(|| Error::invalid_config(format!("no provider given for '{provider}'")))?;
        let opts = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = js_sys::Reflect::set(&opts, &k.into(), v);
        };
        set("model", &model.into());
        set("messages", &self.messages);
        if let Some(m) = self.max_tokens {
            set("maxTokens", &JsValue::from(m));
        }
        if !self.signal.is_undefined() {
            set("signal", &self.signal);
        }
        let answer = match f.call1(&JsValue::NULL, &opts) {
            Ok(p) => JsFuture::from(js_sys::Promise::resolve(&p)).await,
            Err(e) => Err(e),
        };
        answer.map_err(|e| {
            let err = from_js_error(&e, provider);
            *self.last_error.borrow_mut() = Some(e);
            err
        })
    }
}

/// Routes, then calls the chosen model through `providers[registryProviderName](chatOptions)`;
/// a retryable failure moves on along the fallback chain. Resolves to `{ result, decision }`
/// (`decision.attempts` lists every model tried); a failure rejects with the error that ended the
/// chain, with `decision` attached.
#[wasm_bindgen(js_name = routedChat, unchecked_return_type = "Promise<{ result: ChatResult; decision: RouteDecision }>")]
pub async fn routed_chat(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "ChatMessage[]")] messages: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ router: RouterConfig; maxTokens?: number }")]
    opts: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AbortSignal | undefined")] signal: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "Record<string, (opts: ChatOptions) => Promise<ChatResult>>"
    )]
    providers: JsValue,
) -> Result<JsValue, JsValue> {
    let msgs: Value = value(&messages, "messages", Error::invalid_message)?;
    let o: RoutedOptions = value(&opts, "routedChat options", Error::invalid_argument)?;
    let (decision, chain) = engine.with(|e| {
        let d = e.route(&msgs, &o.router)?;
        let chain = d
            .fallbacks
            .iter()
            .map(|m| Ok((m.clone(), e.models().get(m)?.provider.clone())))
            .collect::<crate::error::Result<Vec<_>>>()?;
        Ok((d, chain))
    })?;
    let caller = JsCaller {
        providers,
        messages,
        max_tokens: o.max_tokens,
        signal,
        last_error: Default::default(),
    };
    let routed = call_chain(&chain, &caller).await;
    let decision_js = to_value(&decision)?;
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&decision_js, &k.into(), v);
    };
    set("attempts", &to_value(&routed.attempts)?);
    match routed.outcome {
        Ok((result, model, provider)) => {
            set("model", &model.into());
            set("provider", &provider.into());
            let out = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&out, &"result".into(), &result);
            let _ = js_sys::Reflect::set(&out, &"decision".into(), &decision_js);
            Ok(out.into())
        }
        Err(e) => {
            // a ContextwiseError from the provider is rethrown as it came; anything else the
            // caller's provider threw becomes one
            let own = caller.last_error.take().filter(|v| {
                js_sys::Reflect::get(v, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string())
                    .as_deref()
                    == Some("ContextwiseError")
            });
            let err = own.unwrap_or_else(|| to_js(e));
            if err.is_object() {
                let _ = js_sys::Reflect::set(&err, &"decision".into(), &decision_js);
            }
            Err(err)
        }
    }
}
