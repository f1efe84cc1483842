//! `createProvider(config)`: a provider with `chat()` and `stream()` over fetch.

use super::{to_js, to_value, value, with_engine, EngineHandle};
use crate::error::Error;
use crate::instance::Engine;
use crate::platform::fetch::{FetchBody, FetchClient};
use crate::providers::client::{chat, open_stream, CallInfo, ChatStream};
use crate::providers::hotswap::{self, HotSwap};
use crate::providers::safety::check_config;
use crate::providers::{ChatRequest, ChatResponse, ProviderConfig, ProviderKind};
use serde::Serialize;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

struct Inner {
    cfg: ProviderConfig,
    hot: Option<RefCell<HotSwap>>,
    /// The instance whose usage, stats and calibration this provider's calls feed.
    engine: Rc<RefCell<Engine>>,
}

/// A provider bound to a base URL and (optionally) an API key, kept only in memory.
#[wasm_bindgen]
pub struct Provider {
    inner: Rc<Inner>,
}

/// Creates a provider.
///
/// ```js
/// const p = createProvider({ kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey });
/// const { message, usage, cost } = await p.chat({ model: 'gpt-4o-mini', messages });
/// ```
#[wasm_bindgen(js_name = createProvider)]
pub fn create_provider(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "ProviderOptions")] config: JsValue,
) -> Result<Provider, JsValue> {
    // a value in the wrong place (a key given as `headers`, say) is not quoted back
    let cfg: ProviderConfig = value(&config, "createProvider options", |m| {
        Error::invalid_config(unquote(&m))
    })?;
    check_config(&cfg).map_err(to_js)?;
    let hot = match (cfg.kind, cfg.hot_swap) {
        (ProviderKind::Ollama, Some(h)) => Some(RefCell::new(HotSwap::new(
            h.cache,
            h.max_models.unwrap_or(2),
        ))),
        (_, Some(_)) => {
            return Err(to_js(Error::invalid_config(
                "hotSwap is for kind 'ollama' (the native API honours keep_alive)",
            )))
        }
        _ => None,
    };
    Ok(Provider {
        inner: Rc::new(Inner {
            cfg,
            hot,
            engine: engine.inner.clone(),
        }),
    })
}

/// `message` with the text inside each pair of double quotes replaced by `…`: serde quotes the
/// values it rejects, and a provider config's values may be secrets.
fn unquote(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        if c == '"' {
            out.push('"');
            if !inside {
                out.push('…');
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

/// The result of a call.
#[derive(Serialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
struct ChatResult {
    #[serde(flatten)]
    response: ChatResponse,
    cost: Option<f64>,
    attempts: u32,
    latency_ms: f64,
}

fn split(opts: &JsValue) -> Result<(ChatRequest, Option<web_sys::AbortSignal>), JsValue> {
    if !opts.is_object() {
        return Err(to_js(Error::invalid_argument(
            "chat options must be an object with { model, messages }",
        )));
    }
    let copy = js_sys::Object::assign(&js_sys::Object::new(), opts.unchecked_ref());
    let signal = js_sys::Reflect::get(&copy, &"signal".into())
        .ok()
        .filter(|s| !s.is_undefined() && !s.is_null());
    let _ = js_sys::Reflect::delete_property(&copy, &"signal".into());
    let req: ChatRequest = value(&copy, "chat options", Error::invalid_argument)?;
    Ok((req, signal.map(|s| s.unchecked_into())))
}

fn record(
    engine: &RefCell<Engine>,
    model: &str,
    messages: &[Value],
    resp: &ChatResponse,
    latency_ms: f64,
) -> Option<f64> {
    let msgs = Value::Array(messages.to_vec());
    with_engine(engine, |e| {
        Ok(e.record_call(model, &msgs, resp.usage, latency_ms))
    })
    .ok()
    .flatten()
}

/// Counts a failed call for the model and converts the error.
fn fail(engine: &RefCell<Engine>, model: &str, e: Error) -> JsValue {
    let _ = with_engine(engine, |en| {
        en.record_error(model);
        Ok(())
    });
    to_js(e)
}

/// Records a finished call (usage, cost, calibration) and converts it for JS, or records the failure.
fn settle(
    engine: &RefCell<Engine>,
    req: &ChatRequest,
    outcome: crate::error::Result<(ChatResponse, CallInfo)>,
) -> Result<JsValue, JsValue> {
    match outcome {
        Ok((response, info)) => {
            let cost = record(
                engine,
                &req.model,
                &req.messages,
                &response,
                info.latency_ms,
            );
            to_value(&ChatResult {
                response,
                cost,
                attempts: info.attempts,
                latency_ms: info.latency_ms,
            })
        }
        Err(e) => Err(fail(engine, &req.model, e)),
    }
}

#[wasm_bindgen]
impl Provider {
    /// The request, the provider and a fetch client bound to the caller's `signal`.
    fn start(&self, opts: &JsValue) -> Result<(Rc<Inner>, ChatRequest, FetchClient), JsValue> {
        let (req, signal) = split(opts)?;
        Ok((self.inner.clone(), req, FetchClient { signal }))
    }

    /// One complete answer: `{ message, finishReason, usage, model, cost, attempts, latencyMs }`.
    #[wasm_bindgen(unchecked_return_type = "Promise<ChatResult>")]
    pub fn chat(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ChatOptions")] opts: JsValue,
    ) -> Result<js_sys::Promise, JsValue> {
        let (inner, mut req, client) = self.start(&opts)?;
        Ok(future_to_promise(async move {
            if let Some(hot) = &inner.hot {
                hotswap::apply(hot, &client, &inner.cfg, &mut req).await;
            }
            let outcome = chat(&client, &inner.cfg, &req).await;
            settle(&inner.engine, &req, outcome)
        }))
    }

    /// Opens a stream; resolves to a `ProviderStream` once the response headers arrived.
    #[wasm_bindgen(js_name = openStream, unchecked_return_type = "Promise<ProviderStream>")]
    pub fn open_stream(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ChatOptions")] opts: JsValue,
    ) -> Result<js_sys::Promise, JsValue> {
        let (inner, mut req, client) = self.start(&opts)?;
        Ok(future_to_promise(async move {
            if let Some(hot) = &inner.hot {
                hotswap::apply(hot, &client, &inner.cfg, &mut req).await;
            }
            match open_stream(&client, &inner.cfg, &req).await {
                Ok(s) => {
                    let state = StreamState {
                        stream: Some(s),
                        result: None,
                        req,
                        engine: inner.engine.clone(),
                    };
                    Ok(ProviderStream {
                        state: Rc::new(RefCell::new(state)),
                    }
                    .into())
                }
                Err(e) => Err(fail(&inner.engine, &req.model, e)),
            }
        }))
    }
}

struct StreamState {
    stream: Option<ChatStream<FetchBody>>,
    result: Option<JsValue>,
    req: ChatRequest,
    engine: Rc<RefCell<Engine>>,
}

/// An open stream: `next()` until it resolves to `undefined`, then `result()`.
#[wasm_bindgen]
pub struct ProviderStream {
    state: Rc<RefCell<StreamState>>,
}

#[wasm_bindgen]
impl ProviderStream {
    /// The next delta (`{ type: 'text', text }` or `{ type: 'tool_call', index, id?, name?, arguments }`),
    /// or `undefined` at the end.
    #[wasm_bindgen(unchecked_return_type = "Promise<StreamDelta | undefined>")]
    pub fn next(&self) -> js_sys::Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let taken = state.borrow_mut().stream.take();
            let Some(mut s) = taken else {
                return Ok(JsValue::UNDEFINED);
            };
            match s.next().await {
                Ok(Some(d)) => {
                    state.borrow_mut().stream = Some(s);
                    to_value(&d)
                }
                Ok(None) => {
                    let info = s.info;
                    let st = state.borrow();
                    let result = settle(&st.engine, &st.req, s.finish().map(|r| (r, info)));
                    drop(st);
                    let result = result?;
                    state.borrow_mut().result = Some(result);
                    Ok(JsValue::UNDEFINED)
                }
                Err(e) => {
                    let st = state.borrow();
                    Err(fail(&st.engine, &st.req.model, e))
                }
            }
        })
    }

    /// The final `{ message, finishReason, usage, cost, … }` once `next()` resolved to `undefined`.
    #[wasm_bindgen(unchecked_return_type = "ChatResult | undefined")]
    pub fn result(&self) -> JsValue {
        self.state
            .borrow()
            .result
            .clone()
            .unwrap_or(JsValue::UNDEFINED)
    }
}

/// Per-model totals of provider calls: requests, errors, tokens, cost, latency.
#[wasm_bindgen(js_name = usageStats, unchecked_return_type = "UsageStats")]
pub fn usage_stats(engine: &EngineHandle) -> Result<JsValue, JsValue> {
    to_value(&engine.with(|e| Ok(e.usage().clone()))?)
}
