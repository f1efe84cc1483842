//! The call loop over an [`HttpClient`]: build, send, retry with backoff, parse — for complete
//! answers and for streams. Pure: the fetch client in `platform/` and test doubles implement
//! the trait.

use super::errors::{http_error, parse_retry_after, stream_cut};
use super::retry::RetryPolicy;
use super::safety::{is_redirect, read_bounded, read_prefix, redirect_error};
use super::stream::{NdjsonParser, SseEvent, SseParser};
use super::{
    format_of, Accumulated, ChatRequest, ChatResponse, Delta, HttpRequest, ProviderConfig,
    ProviderKind, WireFormat,
};
use crate::error::{redact, Result};
use std::collections::VecDeque;
use std::future::Future;

/// A response whose body is read in chunks.
pub struct HttpResponse<B> {
    /// HTTP status.
    pub status: u16,
    /// Headers, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: B,
}

impl<B> HttpResponse<B> {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response body.
pub trait Body {
    /// The next chunk, or `None` at the end.
    fn next_chunk(&mut self) -> impl Future<Output = Result<Option<Vec<u8>>>>;
}

/// The IO contextwise needs: HTTP, a timer, a clock and randomness (for jitter).
pub trait HttpClient {
    /// Body type.
    type Body: Body;
    /// Sends a POST; resolves when the headers arrive. Network failures are `PROVIDER_NETWORK`,
    /// a request over `timeout_ms` is `PROVIDER_TIMEOUT`, an abort is `ABORTED`.
    fn send(
        &self,
        provider: ProviderKind,
        req: &HttpRequest,
        timeout_ms: f64,
    ) -> impl Future<Output = Result<HttpResponse<Self::Body>>>;
    /// Waits.
    fn sleep(&self, ms: f64) -> impl Future<Output = ()>;
    /// Milliseconds since some fixed point.
    fn now_ms(&self) -> f64;
    /// Uniform in [0, 1).
    fn random(&self) -> f64;
}

/// What a call did.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallInfo {
    /// Attempts made (1 + retries).
    pub attempts: u32,
    /// Milliseconds from the first attempt to the answer.
    pub latency_ms: f64,
}

/// Default per-request timeout.
pub const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;

fn policy(cfg: &ProviderConfig) -> RetryPolicy {
    RetryPolicy {
        retries: cfg.retries.unwrap_or(2),
        ..RetryPolicy::default()
    }
}

/// Bytes of an error body read for the provider's message.
const ERROR_BODY_BYTES: usize = 64 << 10;

/// Sends until a 2xx response arrives or retries run out; error bodies are read for the message.
async fn send_with_retries<C: HttpClient>(
    client: &C,
    cfg: &ProviderConfig,
    http: &HttpRequest,
    info: &mut CallInfo,
) -> Result<HttpResponse<C::Body>> {
    let provider = cfg.kind.as_str();
    let p = policy(cfg);
    let timeout = cfg.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    let start = client.now_ms();
    let mut retries = 0;
    loop {
        info.attempts += 1;
        let outcome = match client.send(cfg.kind, http, timeout).await {
            Ok(resp) if is_redirect(resp.status) => return Err(redirect_error(cfg, &resp)),
            Ok(mut resp) if resp.status >= 400 => {
                let retry_after = resp
                    .header("retry-after-ms")
                    .and_then(|v| v.trim().parse::<f64>().ok().map(|ms| ms / 1000.0))
                    .or_else(|| {
                        resp.header("retry-after")
                            .and_then(|v| parse_retry_after(v, client.now_ms()))
                    });
                let body = read_prefix(&mut resp.body, ERROR_BODY_BYTES).await;
                // redacted before the message is cut to length, so no part of a secret survives
                let body = redact(&String::from_utf8_lossy(&body), &cfg.secrets());
                Err(http_error(provider, resp.status, retry_after, &body))
            }
            other => other,
        };
        match outcome {
            Ok(resp) => return Ok(resp),
            Err(e) => match p.delay(retries, &e, client.now_ms() - start, client.random()) {
                Some(wait) => {
                    retries += 1;
                    client.sleep(wait).await;
                }
                None => return Err(e),
            },
        }
    }
}

/// One complete (non-streamed) chat call with retries. No error carries a secret of `cfg`.
pub async fn chat<C: HttpClient>(
    client: &C,
    cfg: &ProviderConfig,
    req: &ChatRequest,
) -> Result<(ChatResponse, CallInfo)> {
    redacted(cfg, chat_inner(client, cfg, req)).await
}

/// The outcome of `f` with no secret of `cfg` in its error.
async fn redacted<T>(cfg: &ProviderConfig, f: impl Future<Output = Result<T>>) -> Result<T> {
    f.await.map_err(|e| e.redact(&cfg.secrets()))
}

async fn chat_inner<C: HttpClient>(
    client: &C,
    cfg: &ProviderConfig,
    req: &ChatRequest,
) -> Result<(ChatResponse, CallInfo)> {
    let fmt = format_of(cfg.kind);
    let http = fmt.build(cfg, req, false)?;
    let mut info = CallInfo::default();
    let start = client.now_ms();
    // a 2xx with an unreadable body is retried like a network error would be
    let mut resp = send_with_retries(client, cfg, &http, &mut info).await?;
    let body = read_bounded(&mut resp.body, cfg.max_response_bytes(), cfg.kind.as_str()).await?;
    let parsed = fmt.parse(&String::from_utf8_lossy(&body))?;
    info.latency_ms = client.now_ms() - start;
    Ok((parsed, info))
}

/// An open stream: call [`ChatStream::next`] until it returns `None`, then [`ChatStream::finish`].
pub struct ChatStream<B: Body> {
    body: B,
    fmt: &'static dyn WireFormat,
    provider: &'static str,
    sse: SseParser,
    nd: NdjsonParser,
    acc: Accumulated,
    queue: VecDeque<Delta>,
    ended: bool,
    secrets: Vec<String>,
    /// What the call did (attempts before the stream opened).
    pub info: CallInfo,
}

/// Opens a stream; retries apply until the response headers arrive. No error carries a secret.
pub async fn open_stream<C: HttpClient>(
    client: &C,
    cfg: &ProviderConfig,
    req: &ChatRequest,
) -> Result<ChatStream<C::Body>> {
    redacted(cfg, open_stream_inner(client, cfg, req)).await
}

async fn open_stream_inner<C: HttpClient>(
    client: &C,
    cfg: &ProviderConfig,
    req: &ChatRequest,
) -> Result<ChatStream<C::Body>> {
    let fmt = format_of(cfg.kind);
    let http = fmt.build(cfg, req, true)?;
    let mut info = CallInfo::default();
    let start = client.now_ms();
    let resp = send_with_retries(client, cfg, &http, &mut info).await?;
    info.latency_ms = client.now_ms() - start;
    Ok(ChatStream {
        body: resp.body,
        fmt,
        provider: cfg.kind.as_str(),
        sse: SseParser::new(cfg.max_event_bytes()),
        nd: NdjsonParser::new(cfg.max_event_bytes()),
        acc: Accumulated {
            model: req.model.clone(),
            ..Default::default()
        },
        queue: VecDeque::new(),
        ended: false,
        secrets: cfg.secrets().into_iter().map(String::from).collect(),
        info,
    })
}

impl<B: Body> ChatStream<B> {
    fn events(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>> {
        if self.fmt.ndjson() {
            Ok(self
                .nd
                .feed(chunk, self.provider)?
                .into_iter()
                .map(|v| SseEvent {
                    event: None,
                    data: v.to_string(),
                })
                .collect())
        } else {
            self.sse.feed(chunk, self.provider)
        }
    }

    /// The next delta, or `None` when the stream finished. A stream that stops before its
    /// final event is `PROVIDER_STREAM_CUT`. No error carries a secret of the config.
    pub async fn next(&mut self) -> Result<Option<Delta>> {
        let r = self.next_inner().await;
        r.map_err(|e| e.redact(&self.secrets.iter().map(String::as_str).collect::<Vec<_>>()))
    }

    async fn next_inner(&mut self) -> Result<Option<Delta>> {
        loop {
            if let Some(d) = self.queue.pop_front() {
                return Ok(Some(d));
            }
            if self.ended || self.acc.done {
                return Ok(None);
            }
            match self.body.next_chunk().await? {
                Some(chunk) => {
                    for ev in self.events(&chunk)? {
                        let deltas = self.fmt.on_event(&ev, &mut self.acc)?;
                        self.queue.extend(deltas);
                    }
                }
                None => {
                    self.ended = true;
                    if self.fmt.ndjson() {
                        if let Some(last) = self.nd.finish(self.provider)? {
                            let deltas = self.fmt.on_event(
                                &SseEvent {
                                    event: None,
                                    data: last.to_string(),
                                },
                                &mut self.acc,
                            )?;
                            self.queue.extend(deltas);
                        }
                    }
                    if !self.acc.done {
                        return Err(stream_cut(self.provider));
                    }
                }
            }
        }
    }

    /// What arrived before the stream stopped early (an abort, a cut): the message so far.
    pub fn partial(self) -> ChatResponse {
        self.acc.finish()
    }

    /// The final message, finish reason and usage (after `next` returned `None`).
    pub fn finish(self) -> Result<ChatResponse> {
        if !self.acc.done {
            return Err(stream_cut(self.provider));
        }
        Ok(self.acc.finish())
    }
}
