//! The turn loop's exports: a `ManagerHandle` holds the checked configuration (provider keys stay
//! in this memory only); `managerSend` runs one turn of `src/manager` over the instance's engine,
//! the manager's store and fetch.

use super::store::StoreHandle;
use super::{to_js, to_value, value, EngineHandle};
use crate::error::Error;
use crate::manager::{send, Deps, Event, ManagerConfig, SendOptions, Settings};
use crate::platform::fetch::FetchClient;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// A manager's turn configuration, checked.
#[wasm_bindgen]
pub struct ManagerHandle {
    settings: Settings,
}

/// Checks the turn configuration against the instance's registry (`INVALID_CONFIG` naming the field).
#[wasm_bindgen(js_name = openManager)]
pub fn open_manager(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "ManagerOptions")] config: JsValue,
) -> Result<ManagerHandle, JsValue> {
    let cfg: ManagerConfig = value(&config, "ContextManager.open", Error::invalid_config)?;
    let settings = engine.with(|e| Settings::new(cfg, e.models()))?;
    Ok(ManagerHandle { settings })
}

#[wasm_bindgen]
impl ManagerHandle {
    /// The encodings the configured models count with (browsers load them at `open`).
    pub fn encodings(&self, engine: &EngineHandle) -> Result<Vec<String>, JsValue> {
        engine.with(|e| {
            let mut names = Vec::new();
            for id in self.settings.models() {
                if let Ok(enc) = e.models().get(&id).and_then(|m| m.encoding()) {
                    let name = enc.as_str().to_string();
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            Ok(names)
        })
    }
}

/// One turn: stores the user's message, routes, condenses to the model's window when due, calls
/// the provider (retries, then the fallback chain), stores the reply with usage, facts and any new
/// summary, and resolves to `{ message, model, provider, usage, cost, contextInfo, seq }`.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = managerSend, unchecked_return_type = "TurnResult")]
pub async fn manager_send(
    engine: &EngineHandle,
    store: &StoreHandle,
    manager: &ManagerHandle,
    session: String,
    #[wasm_bindgen(unchecked_param_type = "string | ChatMessage")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SendOptions | undefined")] opts: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AbortSignal | undefined")] signal: JsValue,
    #[wasm_bindgen(unchecked_param_type = "(event: unknown) => void")] emit: js_sys::Function,
) -> Result<JsValue, JsValue> {
    let input: Value = value(&input, "send input", Error::invalid_message)?;
    let o: SendOptions = super::options(&opts, "send")?;
    let client = FetchClient {
        signal: (!signal.is_undefined() && !signal.is_null()).then(|| signal.unchecked_into()),
    };
    let sink = |e: &Event| {
        if let Ok(v) = to_value(e) {
            let _ = emit.call1(&JsValue::NULL, &v);
        }
    };
    let deps = Deps {
        engine: engine.cell(),
        store: store.store(),
        client: &client,
        emit: &sink,
    };
    let r = send(&deps, &manager.settings, &session, &input, &o)
        .await
        .map_err(to_js)?;
    to_value(&r)
}
