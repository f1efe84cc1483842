//! The routing exports.

use super::{to_value, value, EngineHandle};
use crate::error::Error;
use crate::route::{route as route_request, RouterConfig};
use serde_json::Value;
use wasm_bindgen::prelude::*;

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
    to_value(&engine.with(|e| route_request(e, &msgs, &cfg))?)
}

/// Routing totals: per model, per task, the share sent to cheaper models and the estimated savings.
#[wasm_bindgen(js_name = routingStats, unchecked_return_type = "RoutingStats")]
pub fn routing_stats(engine: &EngineHandle) -> Result<JsValue, JsValue> {
    to_value(&engine.with(|e| Ok(e.routing.clone()))?)
}
