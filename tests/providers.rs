//! Provider wire formats and the call loop against a scripted HTTP client: recorded bodies in
//! each provider's documented format, faults, retries, and streams split at every byte.

mod support {
    #[path = "../support/block_on.rs"]
    pub mod block_on;
}

use contextwise::error::{Error, ErrorCode};
use contextwise::providers::client::{chat, open_stream, Body, CallInfo, HttpClient, HttpResponse};
use contextwise::providers::errors::{network, timeout};
use contextwise::providers::{
    format_of, ChatRequest, ChatResponse, Delta, HttpRequest, ProviderConfig, ProviderKind,
};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use support::block_on::block_on;

const KEY: &str = "sk-test-SECRET-key-123";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/providers/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

struct Scripted {
    status: u16,
    headers: Vec<(String, String)>,
    chunks: Vec<Vec<u8>>,
}

fn ok(body: Vec<u8>, chunk: usize) -> Result<Scripted, Error> {
    Ok(Scripted {
        status: 200,
        headers: vec![],
        chunks: body.chunks(chunk.max(1)).map(|c| c.to_vec()).collect(),
    })
}

fn status(code: u16, headers: &[(&str, &str)], body: &str) -> Result<Scripted, Error> {
    Ok(Scripted {
        status: code,
        headers: headers
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        chunks: vec![body.as_bytes().to_vec()],
    })
}

#[derive(Default)]
struct Client {
    script: RefCell<VecDeque<Result<Scripted, Error>>>,
    sent: RefCell<Vec<HttpRequest>>,
    slept: RefCell<Vec<f64>>,
    clock: Cell<f64>,
}

struct ChunkBody(VecDeque<Vec<u8>>);
impl Body for ChunkBody {
    async fn next_chunk(&mut self) -> contextwise::Result<Option<Vec<u8>>> {
        Ok(self.0.pop_front())
    }
}

impl HttpClient for Client {
    type Body = ChunkBody;
    async fn send(
        &self,
        _p: ProviderKind,
        req: &HttpRequest,
        _t: f64,
    ) -> contextwise::Result<HttpResponse<ChunkBody>> {
        self.sent.borrow_mut().push(req.clone());
        let s = self
            .script
            .borrow_mut()
            .pop_front()
            .expect("script ran out")?;
        Ok(HttpResponse {
            status: s.status,
            headers: s.headers,
            body: ChunkBody(s.chunks.into()),
        })
    }
    async fn sleep(&self, ms: f64) {
        self.slept.borrow_mut().push(ms);
        self.clock.set(self.clock.get() + ms);
    }
    fn now_ms(&self) -> f64 {
        self.clock.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
}

fn client(script: Vec<Result<Scripted, Error>>) -> Client {
    Client {
        script: RefCell::new(script.into()),
        ..Default::default()
    }
}

fn cfg(kind: ProviderKind, base: &str) -> ProviderConfig {
    serde_json::from_value(json!({ "kind": kind, "baseUrl": base, "apiKey": KEY, "retries": 2 }))
        .unwrap()
}

fn req(model: &str) -> ChatRequest {
    serde_json::from_value(json!({ "model": model, "maxTokens": 100, "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"}
    ]}))
    .unwrap()
}

/// One chat call with gpt-4o against an OpenAI-kind config, over the scripted client.
fn openai_chat(c: &Client) -> Result<(ChatResponse, CallInfo), Error> {
    block_on(chat(
        c,
        &cfg(ProviderKind::OpenAi, "https://x/v1"),
        &req("gpt-4o"),
    ))
}

#[test]
fn openai_request_and_response_follow_the_documented_format() {
    let c = client(vec![ok(fixture("openai-chat.json"), 100)]);
    let (r, info) = block_on(chat(
        &c,
        &cfg(ProviderKind::OpenAi, "https://api.openai.com/v1/"),
        &req("gpt-4o"),
    ))
    .unwrap();
    let sent = &c.sent.borrow()[0];
    assert_eq!(sent.url, "https://api.openai.com/v1/chat/completions");
    assert!(sent
        .headers
        .contains(&("authorization".into(), format!("Bearer {KEY}"))));
    let body: Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(body["max_tokens"], 100);
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "Be brief."})
    );
    assert!(body.get("stream").is_none());
    assert!(r.message["content"]
        .as_str()
        .unwrap()
        .starts_with("The image shows"));
    assert_eq!(r.finish_reason.as_deref(), Some("stop"));
    let u = r.usage.unwrap();
    assert_eq!(
        (u.prompt_tokens, u.completion_tokens, u.cached_tokens),
        (1117, 46, 1024)
    );
    assert_eq!(info.attempts, 1);
    // reasoning models take max_completion_tokens
    let o = format_of(ProviderKind::OpenAi)
        .build(
            &cfg(ProviderKind::OpenAi, "https://x/v1"),
            &req("o3-mini"),
            true,
        )
        .unwrap();
    let b: Value = serde_json::from_str(&o.body).unwrap();
    assert_eq!(
        (
            b["max_completion_tokens"].clone(),
            b["stream"].clone(),
            b["stream_options"].clone()
        ),
        (json!(100), json!(true), json!({"include_usage": true}))
    );
}

fn collect_stream(
    c: &Client,
    cfg: &ProviderConfig,
    r: &ChatRequest,
) -> contextwise::Result<(Vec<Delta>, contextwise::providers::ChatResponse)> {
    block_on(async {
        let mut s = open_stream(c, cfg, r).await?;
        let mut deltas = Vec::new();
        while let Some(d) = s.next().await? {
            deltas.push(d);
        }
        Ok((deltas, s.finish()?))
    })
}

#[test]
fn openai_stream_gives_text_tool_calls_and_usage() {
    let c = client(vec![ok(fixture("openai-stream.sse"), 37)]);
    let (deltas, r) = collect_stream(
        &c,
        &cfg(ProviderKind::OpenAi, "https://x/v1"),
        &req("gpt-4o-mini"),
    )
    .unwrap();
    assert_eq!(
        deltas[0],
        Delta::Text {
            text: "Hello".into()
        },
        "the first delta with content null is skipped"
    );
    assert_eq!(r.message["content"], "Hello, wörld 👋");
    assert_eq!(
        r.message["tool_calls"][0]["function"],
        json!({"name": "get_weather", "arguments": "{\"location\":\"Paris\"}"})
    );
    assert_eq!(r.finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(r.usage.unwrap().prompt_tokens, 24);
}

#[test]
fn anthropic_request_response_and_stream() {
    let config: ProviderConfig = serde_json::from_value(json!({ "kind": "anthropic", "baseUrl": "https://api.anthropic.com", "apiKey": KEY, "browser": true })).unwrap();
    let c = client(vec![ok(fixture("anthropic-message.json"), 64)]);
    let (r, _) = block_on(chat(&c, &config, &req("claude-sonnet-4-5"))).unwrap();
    let sent = &c.sent.borrow()[0];
    assert_eq!(sent.url, "https://api.anthropic.com/v1/messages");
    for h in [
        ("x-api-key", KEY),
        ("anthropic-version", "2023-06-01"),
        ("anthropic-dangerous-direct-browser-access", "true"),
    ] {
        assert!(
            sent.headers.contains(&(h.0.to_string(), h.1.to_string())),
            "{h:?}"
        );
    }
    let body: Value = serde_json::from_str(&sent.body).unwrap();
    assert_eq!(body["system"], "Be brief.");
    assert_eq!(body["max_tokens"], 100);
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": [{"type": "text", "text": "Hi"}]}])
    );
    assert_eq!(r.message["content"], "I'll check the weather.");
    assert_eq!(
        r.message["tool_calls"][0]["function"]["arguments"],
        "{\"location\":\"San Francisco, CA\"}"
    );
    let u = r.usage.unwrap();
    assert_eq!(
        (u.prompt_tokens, u.completion_tokens, u.cached_tokens),
        (572, 89, 100)
    );

    let c = client(vec![ok(fixture("anthropic-stream.sse"), 50)]);
    let (deltas, r) = collect_stream(&c, &config, &req("claude-sonnet-4-5")).unwrap();
    assert!(matches!(deltas[0], Delta::Text { .. }));
    assert!(r.message["content"]
        .as_str()
        .unwrap()
        .ends_with("ünïcödé 漢字"));
    assert_eq!(
        r.message["tool_calls"][0]["function"],
        json!({"name": "get_weather", "arguments": "{\"location\": \"San Francisco, CA\"}"})
    );
    assert_eq!(r.finish_reason.as_deref(), Some("tool_use"));
    assert_eq!(
        (
            r.usage.unwrap().prompt_tokens,
            r.usage.unwrap().completion_tokens
        ),
        (472, 89)
    );
}

#[test]
fn ollama_native_api_with_keep_alive_and_ndjson() {
    let mut r = req("qwen2.5:7b");
    r.keep_alive = Some("30m".into());
    let c = client(vec![ok(fixture("ollama-stream.ndjson"), 29)]);
    let (_, resp) =
        collect_stream(&c, &cfg(ProviderKind::Ollama, "http://127.0.0.1:11434"), &r).unwrap();
    let sent: Value = serde_json::from_str(&c.sent.borrow()[0].body).unwrap();
    assert_eq!(c.sent.borrow()[0].url, "http://127.0.0.1:11434/api/chat");
    assert_eq!(
        (
            sent["keep_alive"].clone(),
            sent["stream"].clone(),
            sent["options"]["num_predict"].clone()
        ),
        (json!("30m"), json!(true), json!(100))
    );
    assert_eq!(resp.message["content"], "The sky is blue — ☀️");
    assert_eq!(
        (
            resp.usage.unwrap().prompt_tokens,
            resp.usage.unwrap().completion_tokens
        ),
        (26, 282)
    );
    assert_eq!(resp.finish_reason.as_deref(), Some("stop"));
}

#[test]
fn retries_honour_retry_after_and_backoff_and_stop_on_4xx() {
    let c = client(vec![
        status(
            429,
            &[("retry-after", "2")],
            r#"{"error":{"message":"Rate limit"}}"#,
        ),
        ok(fixture("openai-chat.json"), 1000),
    ]);
    let (_, info) = openai_chat(&c).unwrap();
    assert_eq!((info.attempts, c.slept.borrow().clone()), (2, vec![2000.0]));

    let c = client(vec![
        status(500, &[], "boom"),
        status(503, &[], "busy"),
        ok(fixture("openai-chat.json"), 1000),
    ]);
    openai_chat(&c).unwrap();
    assert_eq!(
        c.slept.borrow().clone(),
        vec![375.0, 750.0],
        "exponential backoff with jitter"
    );

    let c = client(vec![status(
        400,
        &[],
        r#"{"error":{"message":"Invalid 'messages[1].role'","type":"invalid_request_error"}}"#,
    )]);
    let e = openai_chat(&c).unwrap_err();
    assert_eq!(
        (e.code, e.provider.as_ref().unwrap().status, e.retryable()),
        (ErrorCode::ProviderHttp, Some(400), false)
    );
    assert!(e.message.contains("Invalid 'messages[1].role'"));
    assert_eq!(c.sent.borrow().len(), 1, "no retry on 400");

    // the budget of retries is bounded
    let c = client(vec![
        status(500, &[], "a"),
        status(500, &[], "b"),
        status(500, &[], "c"),
    ]);
    let e = openai_chat(&c).unwrap_err();
    assert_eq!(
        (e.provider.unwrap().status, c.sent.borrow().len()),
        (Some(500), 3)
    );
}

#[test]
fn timeouts_network_errors_invalid_json_and_cut_streams() {
    let c = client(vec![
        Err(timeout("openai", 100.0)),
        Err(network("openai", "connection refused")),
        ok(fixture("openai-chat.json"), 1000),
    ]);
    let (_, info) = openai_chat(&c).unwrap();
    assert_eq!(info.attempts, 3, "timeouts and network errors are retried");

    let c = client(vec![ok(b"{not json".to_vec(), 1000)]);
    let e = openai_chat(&c).unwrap_err();
    assert_eq!(e.code, ErrorCode::ProviderParse);

    let full = fixture("anthropic-stream.sse");
    let cut = full[..full.len() * 2 / 3].to_vec();
    let c = client(vec![ok(cut, 40)]);
    let config: ProviderConfig = serde_json::from_value(
        json!({ "kind": "anthropic", "baseUrl": "https://a", "apiKey": KEY }),
    )
    .unwrap();
    let e = collect_stream(&c, &config, &req("claude-sonnet-4-5")).unwrap_err();
    assert_eq!(
        (e.code, e.retryable()),
        (ErrorCode::ProviderStreamCut, true)
    );

    let c = client(vec![ok(
        b"data: {\"error\":{\"message\":\"overloaded\"}}\n\n".to_vec(),
        1000,
    )]);
    let e = collect_stream(
        &c,
        &cfg(ProviderKind::OpenAi, "https://x/v1"),
        &req("gpt-4o"),
    )
    .unwrap_err();
    assert!(e.message.contains("overloaded"));
}

#[test]
fn the_api_key_is_never_in_an_error_or_debug_output() {
    let c = client(vec![status(
        401,
        &[],
        r#"{"error":{"message":"Incorrect API key provided"}}"#,
    )]);
    let config = cfg(ProviderKind::OpenAi, "https://x/v1");
    let e = block_on(chat(&c, &config, &req("gpt-4o"))).unwrap_err();
    assert!(!format!("{e:?} {e}").contains(KEY));
    assert!(!format!("{config:?}").contains(KEY));
    assert!(e.message.contains("check the API key"));
}

fn stream_result(
    kind: ProviderKind,
    body: &[u8],
    cuts: &[usize],
) -> (Vec<Delta>, contextwise::providers::ChatResponse) {
    let mut chunks = Vec::new();
    let mut last = 0;
    for &c in cuts {
        if c > last && c < body.len() {
            chunks.push(body[last..c].to_vec());
            last = c;
        }
    }
    chunks.push(body[last..].to_vec());
    let c = client(vec![Ok(Scripted {
        status: 200,
        headers: vec![],
        chunks,
    })]);
    let base = if kind == ProviderKind::OpenAi {
        "https://x/v1"
    } else {
        "https://x"
    };
    let r = if kind == ProviderKind::Ollama {
        req("qwen2.5:7b")
    } else {
        req("m")
    };
    collect_stream(&c, &cfg(kind, base), &r).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn any_split_of_a_recorded_stream_parses_the_same(mut cuts in proptest::collection::vec(0usize..2200, 0..12)) {
        cuts.sort_unstable();
        for (kind, file) in [(ProviderKind::OpenAi, "openai-stream.sse"), (ProviderKind::Anthropic, "anthropic-stream.sse"), (ProviderKind::Ollama, "ollama-stream.ndjson")] {
            let body = fixture(file);
            let whole = stream_result(kind, &body, &[]);
            let split = stream_result(kind, &body, &cuts);
            prop_assert_eq!(&split, &whole, "{:?} split at {:?}", kind, cuts);
        }
    }
}

#[test]
fn redirects_are_refused_never_followed() {
    for code in [301, 302, 303, 307, 308] {
        let c = client(vec![status(
            code,
            &[("location", "https://evil.example/steal")],
            "",
        )]);
        let e = openai_chat(&c).unwrap_err();
        assert_eq!(e.code, ErrorCode::ProviderRedirect, "{code}");
        assert!(!e.retryable());
        assert!(
            e.message.contains("https://evil.example/steal"),
            "{}",
            e.message
        );
        assert_eq!(
            c.sent.borrow().len(),
            1,
            "nothing is sent to the new location"
        );
    }
    // a browser's opaque redirect (status 0, no location)
    let c = client(vec![status(0, &[], "")]);
    let cfg = cfg(ProviderKind::Anthropic, "https://api.anthropic.com");
    let e = match block_on(open_stream(&c, &cfg, &req("claude-sonnet-4-5"))) {
        Err(e) => e,
        Ok(_) => panic!("an opaque redirect opened a stream"),
    };
    assert_eq!(e.code, ErrorCode::ProviderRedirect);
    assert!(e.message.contains("does not say where"), "{}", e.message);
}

#[test]
fn errors_never_carry_the_key_or_a_header_value() {
    let header = "hv-PRIVATE-0042";
    let mut cfg = cfg(ProviderKind::OpenAi, "https://x/v1");
    cfg.headers.insert("x-tenant".into(), header.into());
    cfg.retries = Some(0);
    let echoes = [
        format!(
            r#"{{"error":{{"message":"Incorrect API key provided: {KEY} (tenant {header})"}}}}"#
        ),
        format!("plain text echo {KEY} {header}"),
        format!(r#"{{"error":"bad key \"{KEY}\""}}"#),
    ];
    for (i, body) in echoes.iter().enumerate() {
        for code in [400, 401, 429, 500] {
            let c = client(vec![status(code, &[], body)]);
            let e = block_on(chat(&c, &cfg, &req("gpt-4o"))).unwrap_err();
            assert!(!e.message.contains(KEY), "{i} {code}: {}", e.message);
            assert!(!e.message.contains(header), "{i} {code}: {}", e.message);
            assert!(e.message.contains("[redacted]"), "{}", e.message);
        }
    }
    // an error event inside a stream
    let sse = format!("data: {{\"error\":{{\"message\":\"key {KEY} revoked\"}}}}\n\n");
    let c = client(vec![ok(sse.into_bytes(), 5)]);
    let mut s = match block_on(open_stream(&c, &cfg, &req("gpt-4o"))) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let e = block_on(s.next()).unwrap_err();
    assert!(!e.message.contains(KEY), "{}", e.message);
}

#[test]
fn bodies_are_bounded() {
    let mut cfg = cfg(ProviderKind::OpenAi, "https://x/v1");
    cfg.max_response_bytes = Some(1000.0);
    let c = client(vec![ok(vec![b' '; 5000], 100)]);
    let e = block_on(chat(&c, &cfg, &req("gpt-4o"))).unwrap_err();
    assert_eq!(e.code, ErrorCode::ResponseTooLarge);
    assert!(e.message.contains("maxResponseBytes"), "{}", e.message);
}

#[test]
fn hot_swap_unloads_the_least_recently_used_models_first_and_never_fails_the_request() {
    use contextwise::providers::hotswap::{apply, CacheStrategy, HotSwap};
    let mut cfg = cfg(ProviderKind::Ollama, "http://127.0.0.1:11434");
    cfg.headers
        .insert("x-proxy-auth".into(), "proxy-token".into());
    let hot = RefCell::new(HotSwap::new(CacheStrategy::Ram, 2));
    let unload_ok = || status(200, &[], "{}");
    // a, b warm; c evicts a; a (again) evicts b — each unload is sent before the request
    let c = client(vec![unload_ok(), Err(network("ollama", "refused"))]);
    for model in ["a", "b", "c", "a"] {
        let mut r = req(model);
        block_on(apply(&hot, &c, &cfg, &mut r));
        assert_eq!(r.keep_alive.as_deref(), Some("30m"));
    }
    let sent = c.sent.borrow();
    let unloaded: Vec<Value> = sent
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert_eq!(unloaded.len(), 2);
    assert_eq!(
        unloaded[0],
        json!({ "model": "a", "messages": [], "keep_alive": 0 })
    );
    assert_eq!(
        unloaded[1]["model"], "b",
        "the failed unload did not stop anything"
    );
    assert!(sent[0].url.ends_with("/api/chat"));
    assert!(sent[0]
        .headers
        .iter()
        .any(|(k, v)| k == "x-proxy-auth" && v == "proxy-token"));
    assert_eq!(hot.borrow().loaded(), ["c", "a"]);
}
