//! The turn loop's exports: a `ManagerHandle` holds the checked configuration (provider keys stay
//! in this memory only); `managerSend` runs one turn of `src/manager` over the instance's engine,
//! the manager's store and fetch.

use super::store::StoreHandle;
use super::{to_js, to_value, value, EngineHandle};
use crate::error::Error;
use crate::instance::Engine;
use crate::manager::{
    begin, call_chain, finish, regenerate, send, Begun, Called, Deps, Event, ManagerConfig,
    SendOptions, Settings,
};
use crate::platform::fetch::{FetchBody, FetchClient};
use crate::providers::client::{open_stream, CallInfo, ChatStream};
use crate::providers::{ChatResponse, Delta};
use crate::store::Store;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
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
    let client = client_for(&signal);
    let sink = sink(emit);
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

fn client_for(signal: &JsValue) -> FetchClient {
    FetchClient {
        signal: (!signal.is_undefined() && !signal.is_null())
            .then(|| signal.clone().unchecked_into()),
    }
}

/// Events to the JS function (which defers them to the app).
fn sink(emit: js_sys::Function) -> impl Fn(&Event) {
    move |e: &Event| {
        if let Ok(v) = to_value(e) {
            let _ = emit.call1(&JsValue::NULL, &v);
        }
    }
}

/// What a streamed turn keeps between calls.
struct StreamState {
    engine: Rc<RefCell<Engine>>,
    store: Store,
    settings: Settings,
    emit: js_sys::Function,
    begun: Rc<Begun>,
    keep_partial: bool,
    called: Option<Called<()>>,
    stream: Option<ChatStream<FetchBody>>,
    result: Option<JsValue>,
    /// The caller's signal, for the calls of recall rounds.
    client: Rc<FetchClient>,
}

impl StreamState {
    /// Stores the reply (or what arrived of it) and keeps the turn's result.
    async fn store(
        state: &Rc<RefCell<StreamState>>,
        resp: ChatResponse,
        info: CallInfo,
        complete: bool,
    ) -> Result<(), JsValue> {
        let (engine, store, settings, emit, begun, called) = {
            let mut st = state.borrow_mut();
            let called = st.called.take();
            (
                st.engine.clone(),
                st.store.clone(),
                st.settings.clone(),
                st.emit.clone(),
                st.begun.clone(),
                called,
            )
        };
        // storing is not aborted by the caller's signal
        let client = FetchClient { signal: None };
        let Some(called) = called else { return Ok(()) };
        let (called, ()) = called.with_answer((resp, info));
        let sink = sink(emit);
        let deps = Deps {
            engine: &engine,
            store: &store,
            client: &client,
            emit: &sink,
        };
        let r = finish(&deps, &settings, &begun, called, !complete).await;
        let r = to_value(&r.map_err(to_js)?)?;
        state.borrow_mut().result = Some(r);
        Ok(())
    }
}

impl StreamState {
    /// When the finished stream's answer calls the recall tool: answers it and opens the next stream.
    async fn recall_round(
        state: &Rc<RefCell<StreamState>>,
        resp: &ChatResponse,
        info: &CallInfo,
    ) -> crate::error::Result<Option<ChatStream<FetchBody>>> {
        let (engine, store, client, called) = {
            let mut st = state.borrow_mut();
            (
                st.engine.clone(),
                st.store.clone(),
                st.client.clone(),
                st.called.take(),
            )
        };
        let Some(mut called) = called else {
            return Ok(None);
        };
        let deps = Deps {
            engine: &engine,
            store: &store,
            client: &*client,
            emit: &|_| {},
        };
        let next = called.recall_round(&deps, resp, info);
        state.borrow_mut().called = Some(called);
        match next? {
            Some((cfg, req)) => Ok(Some(open_stream(&*client, &cfg, &req).await?)),
            None => Ok(None),
        }
    }
}

/// A streamed turn: `next()` until it resolves to `undefined`, then `result()`.
#[wasm_bindgen]
pub struct TurnStream {
    state: Rc<RefCell<StreamState>>,
}

/// Opens a streamed turn: everything `managerSend` does up to the provider call, then opens the
/// model's stream (the fallback chain applies until a stream opens).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = managerStreamOpen)]
pub async fn manager_stream_open(
    engine: &EngineHandle,
    store: &StoreHandle,
    manager: &ManagerHandle,
    session: String,
    #[wasm_bindgen(unchecked_param_type = "string | ChatMessage")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SendOptions | undefined")] opts: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AbortSignal | undefined")] signal: JsValue,
    #[wasm_bindgen(unchecked_param_type = "(event: unknown) => void")] emit: js_sys::Function,
) -> Result<TurnStream, JsValue> {
    let input: Value = value(&input, "stream input", Error::invalid_message)?;
    let o: SendOptions = super::options(&opts, "stream")?;
    let client = client_for(&signal);
    let events = sink(emit.clone());
    let deps = Deps {
        engine: engine.cell(),
        store: store.store(),
        client: &client,
        emit: &events,
    };
    let settings = &manager.settings;
    let begun = begin(&deps, settings, &session, &input, &o)
        .await
        .map_err(to_js)?;
    let called = call_chain(&deps, settings, &begun, |cfg, req| {
        let client = &client;
        async move { open_stream(client, &cfg, &req).await }
    })
    .await
    .map_err(to_js)?;
    let (called, stream) = called.with_answer(());
    let client = Rc::new(client);
    let state = StreamState {
        client,
        engine: engine.rc(),
        store: store.store().clone(),
        settings: settings.clone(),
        emit,
        begun: Rc::new(begun),
        keep_partial: o.keep_partial,
        called: Some(called),
        stream: Some(stream),
        result: None,
    };
    Ok(TurnStream {
        state: Rc::new(RefCell::new(state)),
    })
}

#[wasm_bindgen]
impl TurnStream {
    /// The next delta, or `undefined` at the end (the turn is then stored; see `result()`).
    /// When the stream fails or is aborted, what arrived is stored first if `keepPartial` was set.
    #[wasm_bindgen(unchecked_return_type = "Promise<StreamDelta | undefined>")]
    pub fn next(&self) -> js_sys::Promise {
        let state = self.state.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let taken = state.borrow_mut().stream.take();
            let Some(mut s) = taken else {
                return Ok(JsValue::UNDEFINED);
            };
            let hide_tools = state
                .borrow()
                .called
                .as_ref()
                .is_some_and(|c| c.offers_recall());
            loop {
                match s.next().await {
                    // the recall tool is answered here; the app never sees its calls
                    Ok(Some(Delta::ToolCall { .. })) if hide_tools => continue,
                    Ok(Some(d)) => {
                        state.borrow_mut().stream = Some(s);
                        return to_value(&d);
                    }
                    Ok(None) => {
                        let info = s.info;
                        let resp = s.finish().map_err(to_js)?;
                        match StreamState::recall_round(&state, &resp, &info).await {
                            Ok(Some(next)) => {
                                s = next;
                                continue;
                            }
                            Ok(None) => {}
                            Err(e) => return Err(to_js(e)),
                        }
                        StreamState::store(&state, resp, info, true).await?;
                        return Ok(JsValue::UNDEFINED);
                    }
                    Err(e) => {
                        if state.borrow().keep_partial {
                            // the error is what the caller needs to see; storing is best effort
                            let info = s.info;
                            let _ = StreamState::store(&state, s.partial(), info, false).await;
                        }
                        return Err(to_js(e));
                    }
                }
            }
        })
    }

    /// The turn's `{ message, model, usage, cost, contextInfo, … }` once `next()` resolved to `undefined`.
    #[wasm_bindgen(unchecked_return_type = "TurnResult | undefined")]
    pub fn result(&self) -> JsValue {
        self.state
            .borrow()
            .result
            .clone()
            .unwrap_or(JsValue::UNDEFINED)
    }
}

/// What the turns did, from the store: per model requests, errors, tokens, cost and latency;
/// routing savings; condensations; this process's count-cache hit ratio.
#[wasm_bindgen(js_name = managerStats, unchecked_return_type = "ManagerStats")]
pub async fn manager_stats(engine: &EngineHandle, store: &StoreHandle) -> Result<JsValue, JsValue> {
    let s = crate::manager::stats(store.store(), engine.cell())
        .await
        .map_err(to_js)?;
    to_value(&s)
}

/// `manager_stats` as a short text table.
#[wasm_bindgen(js_name = managerFormatStats)]
pub async fn manager_format_stats(
    engine: &EngineHandle,
    store: &StoreHandle,
) -> Result<String, JsValue> {
    let s = crate::manager::stats(store.store(), engine.cell())
        .await
        .map_err(to_js)?;
    Ok(crate::manager::stats::format(&s))
}

/// The next turn's route, tokens, risk and (with `plan`) condensation plan, for `input` not yet
/// sent; nothing is stored or sent.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = managerPreview, unchecked_return_type = "TurnPreview")]
pub async fn manager_preview(
    engine: &EngineHandle,
    store: &StoreHandle,
    manager: &ManagerHandle,
    session: String,
    #[wasm_bindgen(unchecked_param_type = "string | ChatMessage | undefined")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SendOptions | undefined")] opts: JsValue,
    plan: bool,
) -> Result<JsValue, JsValue> {
    let input: Option<Value> = if input.is_undefined() || input.is_null() {
        None
    } else {
        Some(value(&input, "input", Error::invalid_message)?)
    };
    let o: SendOptions = super::options(&opts, "assess")?;
    let client = FetchClient { signal: None };
    let deps = Deps {
        engine: engine.cell(),
        store: store.store(),
        client: &client,
        emit: &|_| {},
    };
    let p = crate::manager::preview(&deps, &manager.settings, &session, input.as_ref(), &o, plan)
        .await
        .map_err(to_js)?;
    to_value(&p)
}

/// Replaces the session's last reply with a new answer to the same user message.
#[wasm_bindgen(js_name = managerRegenerate, unchecked_return_type = "TurnResult")]
pub async fn manager_regenerate(
    engine: &EngineHandle,
    store: &StoreHandle,
    manager: &ManagerHandle,
    session: String,
    #[wasm_bindgen(unchecked_param_type = "SendOptions | undefined")] opts: JsValue,
    #[wasm_bindgen(unchecked_param_type = "AbortSignal | undefined")] signal: JsValue,
    #[wasm_bindgen(unchecked_param_type = "(event: unknown) => void")] emit: js_sys::Function,
) -> Result<JsValue, JsValue> {
    let o: SendOptions = super::options(&opts, "regenerate")?;
    let client = client_for(&signal);
    let sink = sink(emit);
    let deps = Deps {
        engine: engine.cell(),
        store: store.store(),
        client: &client,
        emit: &sink,
    };
    let r = regenerate(&deps, &manager.settings, &session, &o)
        .await
        .map_err(to_js)?;
    to_value(&r)
}

/// Condenses the session now for the model its next turn would use; stores the summary.
#[wasm_bindgen(js_name = managerCondense, unchecked_return_type = "Condensing")]
pub async fn manager_condense(
    engine: &EngineHandle,
    store: &StoreHandle,
    manager: &ManagerHandle,
    session: String,
    #[wasm_bindgen(unchecked_param_type = "SendOptions | undefined")] opts: JsValue,
    #[wasm_bindgen(unchecked_param_type = "(event: unknown) => void")] emit: js_sys::Function,
) -> Result<JsValue, JsValue> {
    let o: SendOptions = super::options(&opts, "condense")?;
    let client = FetchClient { signal: None };
    let sink = sink(emit);
    let deps = Deps {
        engine: engine.cell(),
        store: store.store(),
        client: &client,
        emit: &sink,
    };
    let r = crate::manager::condense_now(&deps, &manager.settings, &session, &o)
        .await
        .map_err(to_js)?;
    to_value(&r)
}
