//! Store exports: a `StoreHandle` over the memory backend or a wrapped JS adapter; each call
//! converts, awaits the pure `Store`, converts back.

use super::{options, string_arg, to_js, to_value, value, ENCODINGS};
use crate::error::Error;
use crate::messages::parse_message;
use crate::platform::store::JsBackend;
use crate::store::{
    contract, message_tokens, text_tokens, Backend, Env, ImportMode, MemoryBackend, MessageRange,
    SearchOptions, SessionPatch, StorageInfo, Store, Turn,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// An open store. Made by `ContextManager.open`; every session of the manager uses it.
#[wasm_bindgen]
pub struct StoreHandle {
    store: Store,
    info: StorageInfo,
}

/// What the package says about the backend it chose.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BackendInfo {
    kind: String,
    persistent: bool,
    detail: String,
}

/// `Date.now()`, `crypto.randomUUID()` (or 128 random bits from `Math.random`) and `setTimeout`.
fn env() -> Env {
    let random_id = || {
        let uuid = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
            .ok()
            .and_then(|c| {
                let f: js_sys::Function = js_sys::Reflect::get(&c, &"randomUUID".into())
                    .ok()?
                    .dyn_into()
                    .ok()?;
                f.call0(&c).ok()?.as_string()
            });
        uuid.unwrap_or_else(|| {
            (0..4)
                .map(|_| format!("{:08x}", (js_sys::Math::random() * 4294967296.0) as u32))
                .collect()
        })
    };
    let pause = |ms: u32| -> crate::store::BoxFuture<'static, ()> {
        Box::pin(async move {
            let p = crate::platform::fetch::sleep_promise(ms as f64);
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        })
    };
    Env {
        now: Rc::new(js_sys::Date::now),
        random_id: Rc::new(random_id),
        pause: Rc::new(pause),
    }
}

fn backend(adapter: &JsValue) -> Result<Rc<dyn Backend>, JsValue> {
    if adapter.is_null() || adapter.is_undefined() {
        Ok(Rc::new(MemoryBackend::new()))
    } else {
        Ok(Rc::new(JsBackend::new(adapter).map_err(to_js)?))
    }
}

/// Opens a store over a wrapped adapter (`null`: memory) and creates or upgrades its schema.
#[wasm_bindgen(js_name = openStore)]
pub async fn open_store(
    #[wasm_bindgen(
        unchecked_param_type = "{ get: Function; list: Function; commit: Function } | null"
    )]
    adapter: JsValue,
    #[wasm_bindgen(unchecked_param_type = "{ kind: string; persistent: boolean; detail: string }")]
    info: JsValue,
) -> Result<StoreHandle, JsValue> {
    let b: BackendInfo = value(&info, "store info", Error::invalid_config)?;
    let store = Store::open(backend(&adapter)?, env())
        .await
        .map_err(to_js)?;
    let info = StorageInfo {
        kind: b.kind,
        persistent: b.persistent,
        detail: b.detail,
        schema: store.schema(),
    };
    Ok(StoreHandle { store, info })
}

impl StoreHandle {
    /// The store (the manager's turns use it too).
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }
}

#[wasm_bindgen]
impl StoreHandle {
    /// `{ kind, persistent, detail, schema }`.
    #[wasm_bindgen(unchecked_return_type = "StorageInfo")]
    pub fn info(&self) -> Result<JsValue, JsValue> {
        to_value(&self.info)
    }
}

/// The session with `id` (created when missing), or a new session.
#[wasm_bindgen(js_name = storeSession, unchecked_return_type = "SessionRecord")]
pub async fn store_session(
    h: &StoreHandle,
    id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SessionPatch | undefined")] patch: JsValue,
) -> Result<JsValue, JsValue> {
    let id = if id.is_undefined() || id.is_null() {
        None
    } else {
        Some(string_arg(&id, "session id")?)
    };
    let patch: SessionPatch = options(&patch, "session")?;
    to_value(
        &h.store
            .create_session(id.as_deref(), &patch)
            .await
            .map_err(to_js)?,
    )
}

/// A session's record (`SESSION_NOT_FOUND` when it was deleted).
#[wasm_bindgen(js_name = storeGetSession, unchecked_return_type = "SessionRecord")]
pub async fn store_get_session(h: &StoreHandle, id: String) -> Result<JsValue, JsValue> {
    to_value(&h.store.existing(&id).await.map_err(to_js)?)
}

/// Changes a session's title, model or metadata.
#[wasm_bindgen(js_name = storeUpdateSession, unchecked_return_type = "SessionRecord")]
pub async fn store_update_session(
    h: &StoreHandle,
    id: String,
    #[wasm_bindgen(unchecked_param_type = "SessionPatch")] patch: JsValue,
) -> Result<JsValue, JsValue> {
    let patch: SessionPatch = value(&patch, "session update", Error::invalid_argument)?;
    to_value(&h.store.update_session(&id, &patch).await.map_err(to_js)?)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListOptions {
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    cursor: Option<String>,
}

/// A page of sessions, newest first.
#[wasm_bindgen(js_name = storeListSessions, unchecked_return_type = "SessionListing")]
pub async fn store_list_sessions(
    h: &StoreHandle,
    #[wasm_bindgen(
        unchecked_param_type = "{ limit?: number; cursor?: string | null } | undefined"
    )]
    opts: JsValue,
) -> Result<JsValue, JsValue> {
    let o: ListOptions = options(&opts, "sessions")?;
    to_value(
        &h.store
            .list_sessions(o.limit, o.cursor.as_deref())
            .await
            .map_err(to_js)?,
    )
}

/// Token counts of messages with every loaded encoding.
fn counts(messages: &[Value]) -> Result<Vec<BTreeMap<String, u64>>, JsValue> {
    messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let parsed = parse_message(m, i).map_err(to_js)?;
            Ok(ENCODINGS.with(|e| message_tokens(e, &parsed)))
        })
        .collect()
}

/// Appends one message; resolves to the stored record (with its `seq`).
#[wasm_bindgen(js_name = storeAppend, unchecked_return_type = "MessageRecord")]
pub async fn store_append(
    h: &StoreHandle,
    id: String,
    #[wasm_bindgen(unchecked_param_type = "ChatMessage")] message: JsValue,
) -> Result<JsValue, JsValue> {
    let m: Value = value(&message, "message", Error::invalid_message)?;
    let tokens = counts(std::slice::from_ref(&m))?.pop().unwrap_or_default();
    to_value(&h.store.append(&id, m, tokens).await.map_err(to_js)?)
}

/// Stores a turn, all or nothing.
#[wasm_bindgen(js_name = storeCommitTurn, unchecked_return_type = "TurnReceipt")]
pub async fn store_commit_turn(
    h: &StoreHandle,
    id: String,
    #[wasm_bindgen(unchecked_param_type = "Turn")] turn: JsValue,
) -> Result<JsValue, JsValue> {
    let mut t: Turn = value(&turn, "turn", Error::invalid_argument)?;
    let tokens = counts(&t.messages)?;
    if let Some(s) = t.summary.as_mut().filter(|s| s.tokens == 0) {
        s.tokens = ENCODINGS.with(|e| text_tokens(e, &s.text));
    }
    to_value(&h.store.commit_turn(&id, &t, &tokens).await.map_err(to_js)?)
}

/// Messages of a session in order.
#[wasm_bindgen(js_name = storeMessages, unchecked_return_type = "MessageRecord[]")]
pub async fn store_messages(
    h: &StoreHandle,
    id: String,
    #[wasm_bindgen(unchecked_param_type = "MessageRange | undefined")] range: JsValue,
) -> Result<JsValue, JsValue> {
    let r: MessageRange = options(&range, "messages")?;
    to_value(&h.store.messages(&id, &r).await.map_err(to_js)?)
}

/// `summaries`, `facts` or `usage` of a session.
#[wasm_bindgen(js_name = storeRecords, unchecked_return_type = "SummaryRecord[] | FactRecord[] | UsageRecord[]")]
pub async fn store_records(h: &StoreHandle, id: String, which: String) -> Result<JsValue, JsValue> {
    match which.as_str() {
        "summaries" => to_value(&h.store.summaries(&id).await.map_err(to_js)?),
        "facts" => to_value(&h.store.facts(&id).await.map_err(to_js)?),
        "usage" => to_value(&h.store.usage(&id).await.map_err(to_js)?),
        _ => Err(to_js(Error::invalid_argument(
            "records: summaries, facts or usage",
        ))),
    }
}

/// Calibration factors per model.
#[wasm_bindgen(js_name = storeCalibration, unchecked_return_type = "Record<string, number>")]
pub async fn store_calibration(h: &StoreHandle) -> Result<JsValue, JsValue> {
    to_value(&h.store.calibration().await.map_err(to_js)?)
}

/// Deletes a session and everything that belongs to it; `false` when there was none.
#[wasm_bindgen(js_name = storeDeleteSession)]
pub async fn store_delete_session(h: &StoreHandle, id: String) -> Result<bool, JsValue> {
    h.store.delete_session(&id).await.map_err(to_js)
}

/// Facts and summaries of stored sessions that match a query.
#[wasm_bindgen(js_name = storeRelevantMemory, unchecked_return_type = "MemoryHit[]")]
pub async fn store_relevant_memory(
    h: &StoreHandle,
    query: String,
    #[wasm_bindgen(unchecked_param_type = "SearchOptions | undefined")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let o: SearchOptions = options(&opts, "relevantMemory")?;
    to_value(&h.store.relevant_memory(&query, &o).await.map_err(to_js)?)
}

/// Sessions (all, or the given ids) as an export.
#[wasm_bindgen(js_name = storeExport, unchecked_return_type = "Export")]
pub async fn store_export(
    h: &StoreHandle,
    #[wasm_bindgen(unchecked_param_type = "string[] | undefined")] ids: JsValue,
) -> Result<JsValue, JsValue> {
    let ids: Option<Vec<String>> = options(&ids, "export")?;
    to_value(&h.store.export(ids.as_deref()).await.map_err(to_js)?)
}

/// Imports an export (as JSON text: one string crosses into the wasm, not every value of a
/// large file); nothing changes when it is rejected.
#[wasm_bindgen(js_name = storeImport, unchecked_return_type = "ImportReport")]
pub async fn store_import(
    h: &StoreHandle,
    json: String,
    #[wasm_bindgen(unchecked_param_type = "ImportMode | undefined")] mode: JsValue,
) -> Result<JsValue, JsValue> {
    let d: Value = serde_json::from_str(&json).map_err(|e| {
        to_js(Error::new(
            crate::error::ErrorCode::InvalidImport,
            format!("the export is not JSON ({e}); pass the export object or its JSON text; nothing was imported"),
        ))
    })?;
    let mode: ImportMode = options(&mode, "import")?;
    to_value(&h.store.import(&d, mode).await.map_err(to_js)?)
}

/// Test-only: runs the store contract against a wrapped adapter over an empty database;
/// resolves to the names of the checks passed, rejects with the first that failed.
#[wasm_bindgen(js_name = storeContract)]
pub async fn store_contract(
    #[wasm_bindgen(
        unchecked_param_type = "{ get: Function; list: Function; commit: Function } | null"
    )]
    adapter: JsValue,
) -> Result<Vec<String>, JsValue> {
    let passed = contract::run(backend(&adapter)?, env())
        .await
        .map_err(to_js)?;
    Ok(passed.into_iter().map(String::from).collect())
}
