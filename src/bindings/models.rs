//! The model registry exports (`models.get / list / register`, `calibrate`).

use super::{string_arg, to_value, value, EngineHandle};
use crate::error::Error;
use crate::models::ModelInfo;
use wasm_bindgen::prelude::*;

/// The registry entry of a model id or alias.
#[wasm_bindgen(js_name = modelsGet, unchecked_return_type = "ModelInfo")]
pub fn models_get(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
) -> Result<JsValue, JsValue> {
    let id = string_arg(&id, "model id")?;
    to_value(&engine.with(|e| e.models().get(&id).cloned())?)
}

/// Every registered model.
#[wasm_bindgen(js_name = modelsList, unchecked_return_type = "ModelInfo[]")]
pub fn models_list(engine: &EngineHandle) -> Result<JsValue, JsValue> {
    to_value(&engine.with(|e| Ok(e.models().list().to_vec()))?)
}

/// Adds a model or replaces the one with the same id.
#[wasm_bindgen(js_name = modelsRegister)]
pub fn models_register(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "ModelInfoInput")] info: JsValue,
) -> Result<(), JsValue> {
    let info: ModelInfo = value(&info, "models.register(info)", Error::invalid_config)?;
    engine.with(|e| e.models_mut().register(info))
}

/// Moves an estimated model's count factor toward what its provider reported and returns the
/// new factor (1 for models counted exactly).
///
/// ```js
/// const { total } = countMessages(msgs, { model: 'claude-sonnet-4-5' });
/// // … after the call, with the provider's usage.input_tokens:
/// calibrate('claude-sonnet-4-5', total, usage.input_tokens);
/// ```
#[wasm_bindgen]
pub fn calibrate(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "string")] model: JsValue,
    #[wasm_bindgen(js_name = ourCount)] our_count: f64,
    #[wasm_bindgen(js_name = reportedPromptTokens)] reported_prompt_tokens: f64,
) -> Result<f64, JsValue> {
    let model = string_arg(&model, "model")?;
    engine.with(|e| {
        e.models_mut()
            .calibrate(&model, our_count, reported_prompt_tokens)
    })
}
