//! The JS store adapter as a [`Backend`]: `{ get(key), list(range), commit(opsJson) }`, each
//! returning a promise. The package wraps every adapter (its own IndexedDB, SQLite and Postgres
//! ones and an app's) so that these functions never throw, resolve to plain data and reject
//! with a plain `{ code, message }`.

use crate::error::{Error, ErrorCode, Result};
use crate::store::{Backend, BoxFuture, Op, Range};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A backend over a wrapped JS adapter.
pub struct JsBackend {
    get: js_sys::Function,
    list: js_sys::Function,
    commit: js_sys::Function,
}

fn function(adapter: &JsValue, name: &str) -> Result<js_sys::Function> {
    js_sys::Reflect::get(adapter, &name.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| Error::invalid_config(format!("the store adapter has no {name}()")))
}

impl JsBackend {
    /// Wraps `{ get, list, commit }`.
    pub fn new(adapter: &JsValue) -> Result<JsBackend> {
        Ok(JsBackend {
            get: function(adapter, "get")?,
            list: function(adapter, "list")?,
            commit: function(adapter, "commit")?,
        })
    }
}

/// A rejection of the wrapped adapter (`{ code, message }`) as an error.
fn storage_error(e: &JsValue) -> Error {
    let get = |k: &str| {
        js_sys::Reflect::get(e, &k.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    let code = get("code")
        .and_then(|c| ErrorCode::parse(&c))
        .filter(|c| c.as_str().starts_with("STORAGE_"))
        .unwrap_or(ErrorCode::StorageFailed);
    let message = get("message").unwrap_or_else(|| "the store adapter failed".into());
    Error::new(code, message)
}

async fn call(f: &js_sys::Function, arg: &JsValue) -> Result<JsValue> {
    let promise = f
        .call1(&JsValue::NULL, arg)
        .map_err(|e| storage_error(&e))?;
    JsFuture::from(js_sys::Promise::resolve(&promise))
        .await
        .map_err(|e| storage_error(&e))
}

fn bad(what: &str) -> Error {
    Error::new(
        ErrorCode::StorageFailed,
        format!("the store adapter's {what} returned something that is not the documented shape"),
    )
}

impl Backend for JsBackend {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>>> {
        Box::pin(async move {
            let v = call(&self.get, &key.into()).await?;
            if v.is_undefined() || v.is_null() {
                return Ok(None);
            }
            v.as_string().map(Some).ok_or_else(|| bad("get()"))
        })
    }

    fn list<'a>(&'a self, range: &'a Range) -> BoxFuture<'a, Result<Vec<(String, String)>>> {
        Box::pin(async move {
            let arg = serde_wasm_bindgen::to_value(range).map_err(|_| bad("list()"))?;
            let v = call(&self.list, &arg).await?;
            let rows: js_sys::Array = v.dyn_into().map_err(|_| bad("list()"))?;
            let mut out = Vec::with_capacity(rows.length() as usize);
            for row in rows.iter() {
                let pair: js_sys::Array = row.dyn_into().map_err(|_| bad("list()"))?;
                match (pair.get(0).as_string(), pair.get(1).as_string()) {
                    (Some(k), Some(v)) => out.push((k, v)),
                    _ => return Err(bad("list()")),
                }
            }
            Ok(out)
        })
    }

    fn commit<'a>(&'a self, ops: &'a [Op]) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            // one string, not thousands of small objects built across the boundary
            let json = serde_json::to_string(ops).map_err(|_| bad("commit()"))?;
            let v = call(&self.commit, &json.into()).await?;
            v.as_bool().ok_or_else(|| bad("commit()"))
        })
    }
}
