//! The `#[wasm_bindgen]` facade: convert from JS, call the engine, convert back. No logic.

#[cfg(feature = "full")]
pub mod condense;
#[cfg(feature = "full")]
pub mod manager;
pub mod models;
#[cfg(feature = "full")]
pub mod provider;
pub mod risk;
#[cfg(feature = "full")]
pub mod route;
#[cfg(feature = "full")]
pub mod store;
pub mod tokens;
mod types;

use crate::error::Error;
use crate::instance::Engine;
use crate::tokens::Encodings;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The only process-wide state: the loaded encodings, immutable once loaded and shared by
    /// every engine.
    static ENCODINGS: Rc<Encodings> = Rc::new(Encodings::default());
}

/// Runs `f` on the process-wide encodings.
fn with_encodings<T>(f: impl FnOnce(&Encodings) -> Result<T, Error>) -> Result<T, JsValue> {
    ENCODINGS.with(|e| f(e)).map_err(to_js)
}

/// One contextwise instance: its own registry additions, calibration, count and summary
/// caches, usage and routing statistics. Every instance counts with the shared encodings.
///
/// ```js
/// const a = createInstance(), b = createInstance();
/// a.models.register({ id: 'mine', provider: 'local', tokenizer: { encoding: 'o200k_base' }, contextWindow: 8192, maxOutputTokens: 1024 });
/// b.models.get('mine'); // UNKNOWN_MODEL: b does not see a's registrations
/// ```
#[wasm_bindgen]
pub struct EngineHandle {
    inner: Rc<RefCell<Engine>>,
}

#[wasm_bindgen]
impl EngineHandle {
    /// A fresh instance.
    #[wasm_bindgen(constructor)]
    pub fn new() -> EngineHandle {
        ENCODINGS.with(|e| EngineHandle {
            inner: Rc::new(RefCell::new(Engine::with_encodings(e.clone()))),
        })
    }
}

impl Default for EngineHandle {
    fn default() -> Self {
        EngineHandle::new()
    }
}

impl EngineHandle {
    /// The engine, for calls that borrow it briefly between awaits.
    #[cfg(feature = "full")]
    fn cell(&self) -> &RefCell<Engine> {
        &self.inner
    }

    /// The engine, shared (a streamed turn keeps it between calls).
    #[cfg(feature = "full")]
    fn rc(&self) -> Rc<RefCell<Engine>> {
        self.inner.clone()
    }

    /// Runs `f` on this instance's engine.
    fn with<T>(&self, f: impl FnOnce(&mut Engine) -> Result<T, Error>) -> Result<T, JsValue> {
        with_engine(&self.inner, f)
    }
}

/// Runs `f` on an engine. It is never borrowed across an await, so a failed borrow means an
/// earlier call trapped half-way (the entry points then replace the wasm instance).
fn with_engine<T>(
    engine: &RefCell<Engine>,
    f: impl FnOnce(&mut Engine) -> Result<T, Error>,
) -> Result<T, JsValue> {
    match engine.try_borrow_mut() {
        Ok(mut e) => f(&mut e).map_err(to_js),
        Err(_) => Err(to_js(Error::new(
            crate::error::ErrorCode::Internal,
            "contextwise was called re-entrantly (an earlier call did not finish); call it again after the current call returns",
        ))),
    }
}

/// Test-only: traps while holding the engine, as an out-of-memory abort would. The entry
/// points replace the trapped instance (`__forceTrapForTesting()` in the package).
#[wasm_bindgen(js_name = forceTrap)]
pub fn force_trap(engine: &EngineHandle) -> Result<(), JsValue> {
    engine.with(|_| -> Result<(), Error> { std::process::abort() })
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
        // seconds the provider asked to wait (its `Retry-After`), for callers that pass it on
        if let Some(secs) = p.retry_after {
            let _ = js_sys::Reflect::set(&err, &"retryAfter".into(), &JsValue::from(secs));
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
