//! The [`HttpClient`] over `fetch` (gloo-net): browsers, workers and Node ≥ 18. Timeouts and
//! caller aborts go through one `AbortController`; the timeout covers the wait for the response
//! headers and every wait for the next body chunk (an idle timeout), so a slow but live stream
//! is not cut.

use crate::error::{Error, Result};
use crate::providers::client::{Body, HttpClient, HttpResponse};
use crate::providers::errors::{aborted, body_cut, network, timeout};
use crate::providers::{HttpRequest, ProviderKind};
use gloo_net::http::Request;
use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn global_fn(name: &str) -> Option<Function> {
    Reflect::get(&js_sys::global(), &name.into())
        .ok()?
        .dyn_into()
        .ok()
}

/// A promise that resolves to `value` after `ms` (at most 2^31 − 1 ms, the longest delay a JS
/// timer honours: longer ones would fire at once), and the timer id to clear it.
fn timer(ms: f64, value: &JsValue) -> (Promise, JsValue) {
    let ms = ms.clamp(0.0, crate::condense::MAX_TIMER_MS);
    let mut id = JsValue::UNDEFINED;
    let p = Promise::new(&mut |resolve, _| {
        if let Some(set) = global_fn("setTimeout") {
            let bound = resolve.bind1(&JsValue::NULL, value);
            id = set
                .call2(&JsValue::NULL, &bound, &JsValue::from_f64(ms))
                .unwrap_or(JsValue::UNDEFINED);
        }
    });
    (p, id)
}

/// A promise that resolves after `ms`.
pub fn sleep_promise(ms: f64) -> Promise {
    timer(ms, &JsValue::UNDEFINED).0
}

/// Settles with `p`'s value, or `Ok(None)` when `ms` pass first.
pub async fn race_timeout(p: Promise, ms: f64) -> std::result::Result<Option<JsValue>, JsValue> {
    let token = js_sys::Object::new();
    let (t, id) = timer(ms, &token);
    let raced = JsFuture::from(Promise::race(&js_sys::Array::of2(&p, &t))).await;
    clear(&id);
    match raced {
        Ok(v) if v == JsValue::from(token) => Ok(None),
        other => other.map(Some),
    }
}

fn clear(id: &JsValue) {
    if let Some(c) = global_fn("clearTimeout") {
        let _ = c.call1(&JsValue::NULL, id);
    }
}

fn is_aborted(signal: &Option<web_sys::AbortSignal>) -> bool {
    signal.as_ref().is_some_and(|s| s.aborted())
}

/// The fetch client. `signal` is the caller's `AbortSignal`, if any.
pub struct FetchClient {
    /// Caller's abort signal.
    pub signal: Option<web_sys::AbortSignal>,
}

/// A fetch response body read with a reader, with an idle timeout per chunk.
pub struct FetchBody {
    reader: Option<JsValue>,
    /// Resolves to [`ABORTED`] when the caller's signal fires (each read races it, so an abort
    /// settles the call even while a read is pending on a silent connection).
    on_abort: Option<Promise>,
    provider: &'static str,
    timeout_ms: f64,
    controller: web_sys::AbortController,
    signal: Option<web_sys::AbortSignal>,
}

const TIMED_OUT: &str = "__contextwise_timeout__";
const ABORTED: &str = "__contextwise_aborted__";

/// A promise that resolves to [`ABORTED`] when `signal` fires.
fn abort_promise(signal: &web_sys::AbortSignal) -> Option<Promise> {
    let add: Function = Reflect::get(signal, &"addEventListener".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let options = js_sys::Object::new();
    let _ = Reflect::set(&options, &"once".into(), &JsValue::TRUE);
    Some(Promise::new(&mut |resolve, _| {
        let bound = resolve.bind1(&JsValue::NULL, &ABORTED.into());
        let _ = add.call3(signal, &"abort".into(), &bound, &options);
    }))
}

impl FetchBody {
    /// Stops the download: cancels the reader (Node's fetch closes the connection only then)
    /// and aborts the request.
    fn cancel(&mut self) {
        if let Some(reader) = self.reader.take() {
            let cancel: Option<Function> = Reflect::get(&reader, &"cancel".into())
                .ok()
                .and_then(|f| f.dyn_into().ok());
            if let Some(Ok(p)) = cancel.map(|c| c.call0(&reader)) {
                // the cancel's outcome is of no interest, but a rejection must be handled: one
                // function for both outcomes, called exactly once, so it is always freed
                let settle = wasm_bindgen::closure::Closure::once_into_js(|_: JsValue| {});
                let p = Promise::resolve(&p);
                if let Some(then) = Reflect::get(&p, &"then".into())
                    .ok()
                    .and_then(|f| f.dyn_into::<Function>().ok())
                {
                    let _ = then.call2(&p, &settle, &settle);
                }
            }
        }
        self.controller.abort();
    }
}

impl Drop for FetchBody {
    /// A body dropped before its end (an error body read only for its message, a body over its
    /// bound, a stream the caller stopped) cancels the request, so nothing keeps downloading.
    fn drop(&mut self) {
        if self.reader.is_some() {
            self.cancel();
        }
    }
}

impl Body for FetchBody {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        let Some(reader) = &self.reader else {
            return Ok(None);
        };
        if is_aborted(&self.signal) {
            return Err(aborted(self.provider));
        }
        let read: Function = Reflect::get(reader, &"read".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| network(self.provider, "the response body cannot be read"))?;
        let read_p: Promise = read
            .call0(reader)
            .map_err(|_| network(self.provider, "reading the body failed"))?
            .unchecked_into();
        let (t, id) = timer(self.timeout_ms, &TIMED_OUT.into());
        let racers = js_sys::Array::of2(&read_p, &t);
        if let Some(a) = &self.on_abort {
            racers.push(a);
        }
        let raced = JsFuture::from(Promise::race(&racers)).await;
        clear(&id);
        let result = match raced {
            Ok(v) if v.as_string().as_deref() == Some(TIMED_OUT) => {
                self.cancel();
                return Err(timeout(self.provider, self.timeout_ms));
            }
            Ok(v) if v.as_string().as_deref() == Some(ABORTED) => {
                self.cancel();
                return Err(aborted(self.provider));
            }
            Ok(v) => v,
            Err(_) if is_aborted(&self.signal) => return Err(aborted(self.provider)),
            Err(e) => return Err(body_cut(self.provider, &describe(&e))),
        };
        if Reflect::get(&result, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            == Some(true)
        {
            self.reader = None;
            return Ok(None);
        }
        let value = Reflect::get(&result, &"value".into()).unwrap_or(JsValue::UNDEFINED);
        Ok(Some(Uint8Array::new(&value).to_vec()))
    }
}

fn describe(e: &JsValue) -> String {
    Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "fetch failed".into())
}

impl HttpClient for FetchClient {
    type Body = FetchBody;

    async fn send(
        &self,
        kind: ProviderKind,
        req: &HttpRequest,
        timeout_ms: f64,
    ) -> Result<HttpResponse<FetchBody>> {
        let provider = kind.as_str();
        if is_aborted(&self.signal) {
            return Err(aborted(provider));
        }
        let controller = web_sys::AbortController::new()
            .map_err(|_| network(provider, "AbortController is not available"))?;
        // the caller's abort aborts this request too
        if let Some(user) = &self.signal {
            let abort: Function = Reflect::get(&controller, &"abort".into())
                .ok()
                .and_then(|f| f.dyn_into().ok())
                .ok_or_else(|| network(provider, "AbortController.abort is missing"))?;
            // bound with an undefined reason: a listener is called with the event, which would
            // otherwise become the abort reason, and fetch would reject with an Event (not an Error)
            let bound = abort.bind1(&controller, &JsValue::UNDEFINED);
            let add: Option<Function> = Reflect::get(user, &"addEventListener".into())
                .ok()
                .and_then(|f| f.dyn_into().ok());
            if let Some(add) = add {
                let _ = add.call2(user, &"abort".into(), &bound);
            }
        }
        // never follow a redirect: the request carries the API key and custom headers, and the
        // target may be another origin. The call loop turns the 3xx (Node) or opaque redirect
        // (browsers, status 0) into PROVIDER_REDIRECT.
        let mut builder = Request::post(&req.url)
            .abort_signal(Some(&controller.signal()))
            .redirect(web_sys::RequestRedirect::Manual);
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        let request = builder
            .body(req.body.clone())
            .map_err(|e| Error::invalid_argument(format!("could not build the request: {e}")))?;
        let (t, id) = timer(timeout_ms, &TIMED_OUT.into());
        let send = wasm_bindgen_futures::future_to_promise(async move {
            request
                .send()
                .await
                .map(|r| JsValue::from(web_sys::Response::from(r)))
                .map_err(|e| JsValue::from_str(&e.to_string()))
        });
        let raced = JsFuture::from(Promise::race(&js_sys::Array::of2(&send, &t))).await;
        clear(&id);
        let raw: web_sys::Response = match raced {
            Ok(v) if v.as_string().as_deref() == Some(TIMED_OUT) => {
                controller.abort();
                return Err(timeout(provider, timeout_ms));
            }
            Ok(v) => v.unchecked_into(),
            Err(_) if is_aborted(&self.signal) => return Err(aborted(provider)),
            Err(e) => return Err(network(provider, &describe(&e))),
        };
        let resp = gloo_net::http::Response::from(raw);
        let headers: Vec<(String, String)> = resp
            .headers()
            .entries()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect();
        let reader = resp.body().and_then(|b| {
            let get: Function = Reflect::get(&b, &"getReader".into())
                .ok()?
                .dyn_into()
                .ok()?;
            get.call0(&b).ok()
        });
        Ok(HttpResponse {
            status: resp.status(),
            headers,
            body: FetchBody {
                reader,
                on_abort: self.signal.as_ref().and_then(abort_promise),
                provider,
                timeout_ms,
                controller,
                signal: self.signal.clone(),
            },
        })
    }

    /// Waits, or less when the caller aborts (the next send then fails with ABORTED).
    async fn sleep(&self, ms: f64) {
        let (p, id) = timer(ms, &JsValue::UNDEFINED);
        let racers = js_sys::Array::of1(&p);
        if let Some(a) = self.signal.as_ref().and_then(abort_promise) {
            racers.push(&a);
        }
        let _ = JsFuture::from(Promise::race(&racers)).await;
        clear(&id);
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
}
