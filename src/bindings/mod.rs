//! The `#[wasm_bindgen]` facade: convert from JS, call the engine, convert back. No logic.

pub mod condense;
pub mod models;
pub mod provider;
pub mod risk;
pub mod route;
pub mod tokens;
mod types;

use crate::engine::Engine;
use crate::error::Error;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::new());
}

/// Runs `f` on the process-wide engine.
fn with_engine<T>(f: impl FnOnce(&mut Engine) -> Result<T, Error>) -> Result<T, JsValue> {
    ENGINE.with(|e| match e.try_borrow_mut() {
        Ok(mut engine) => f(&mut engine).map_err(to_js),
        Err(_) => Err(to_js(Error::new(
            crate::error::ErrorCode::Internal,
            "contextwise was called re-entrantly (an earlier call did not finish); call it again after the current call returns",
        ))),
    })
}

/// Test-only: traps while holding the engine, as an out-of-memory abort would. The entry
/// points replace the trapped instance (`__forceTrapForTesting()` in the package).
#[wasm_bindgen(js_name = forceTrap)]
pub fn force_trap() -> Result<(), JsValue> {
    with_engine(|_| -> Result<(), Error> { std::process::abort() })
}

/// A real JS `Error` with `name = 'ContextwiseError'` and a stable `code`.
fn to_js(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name("ContextwiseError");
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    if let Some(p) = &e.provider {
        let _ = js_sys::Reflect::set(&err, &"provider".into(), &p.provider.as_str().into());
        let _ = js_sys::Reflect::set(&err, &"retryable".into(), &p.retryable.into());
        if let Some(status) = p.status {
            let _ = js_sys::Reflect::set(&err, &"status".into(), &JsValue::from(status));
        }
    }
    err.into()
}

fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

/// Reads a JS string argument.
fn string_arg(v: &JsValue, what: &str) -> Result<String, JsValue> {
    v.as_string().ok_or_else(|| {
        to_js(Error::invalid_argument(format!(
            "{what} must be a string, got {}",
            type_name(v)
        )))
    })
}

/// Reads an options object (`undefined`/`null` = defaults).
fn options<T: DeserializeOwned + Default>(v: &JsValue, call: &str) -> Result<T, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    value(v, &format!("{call} options"), Error::invalid_argument)
}

/// Reads a required structured argument. It goes through `serde_json::Value` so that
/// `deny_unknown_fields` sees every key (a typo such as `{ modle }` is an error, not ignored).
fn value<T: DeserializeOwned>(
    v: &JsValue,
    what: &str,
    code: fn(String) -> Error,
) -> Result<T, JsValue> {
    let json: serde_json::Value = serde_wasm_bindgen::from_value(v.clone())
        .map_err(|e| to_js(code(format!("{what}: {e}"))))?;
    serde_json::from_value(json).map_err(|e| to_js(code(format!("{what}: {e}"))))
}

/// Converts a result into a plain JS object.
fn to_value<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            to_js(Error::invalid_argument(format!(
                "internal: could not convert the result: {e}"
            )))
        })
}
