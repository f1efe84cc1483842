//! The risk export.

use super::{to_value, value, EngineHandle};
use crate::engine::RiskOptions;
use crate::error::Error;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// How full the model's window is: tokens, limit (window − output reserve), available,
/// utilization, level (SAFE | CAUTION | WARNING | CRITICAL | OVERFLOW) and the action to take.
///
/// ```js
/// const r = assessRisk(messages, { model: 'gpt-4o' });
/// if (r.level !== 'SAFE') console.log(r.message);
/// ```
#[wasm_bindgen(js_name = assessRisk, unchecked_return_type = "RiskAssessment")]
pub fn assess_risk(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "ChatMessage[]")] messages: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RiskOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let msgs: Value = value(&messages, "messages", Error::invalid_message)?;
    let o: RiskOptions = value(
        &opts,
        "assessRisk options (need { model })",
        Error::invalid_argument,
    )?;
    to_value(&engine.with(|e| e.assess_risk(&msgs, &o))?)
}
