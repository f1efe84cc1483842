// The turn loop end to end on the host: a 200-turn conversation through `send()` against a scripted
// OpenAI-compatible server, with a model registered with a 4,096-token window. Every request the
// server receives is counted independently (tiktoken-rs, OpenAI's framing) and must fit; facts
// planted in the first turns must reach the server at turn 200 while the summaries it writes are
// poor; every message is stored; usage stored equals usage reported (summaries included); a model
// failing mid-conversation falls back without losing anything.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/block_on.rs"]
mod block_on;
#[path = "support/ranks.rs"]
mod ranks;

use block_on::block_on;
use contextwise::error::{Error, ErrorCode};
use contextwise::instance::Engine;
use contextwise::manager::{send, Deps, Event, ManagerConfig, SendOptions, Settings};
use contextwise::providers::client::{Body, HttpClient, HttpResponse};
use contextwise::providers::{HttpRequest, ProviderKind};
use contextwise::store::{Env, MemoryBackend, MessageRange, Store};
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

struct OneBody(Option<Vec<u8>>);
impl Body for OneBody {
    async fn next_chunk(&mut self) -> contextwise::Result<Option<Vec<u8>>> {
        Ok(self.0.take())
    }
}

/// An OpenAI-compatible server: records each request body, answers the summarizer with a poor
/// summary and the chat model with a short reply; `fail` lists models that answer 500.
#[derive(Default)]
struct Server {
    requests: RefCell<Vec<Value>>,
    fail: RefCell<Vec<String>>,
    reported: RefCell<Vec<(String, u64, u64)>>,
    clock: Cell<f64>,
    turn: Cell<usize>,
    scripted_errors: RefCell<VecDeque<u16>>,
}

impl HttpClient for Server {
    type Body = OneBody;
    async fn send(
        &self,
        _p: ProviderKind,
        req: &HttpRequest,
        _t: f64,
    ) -> contextwise::Result<HttpResponse<OneBody>> {
        let body: Value = serde_json::from_str(&req.body).expect("JSON body");
        self.requests.borrow_mut().push(body.clone());
        self.clock.set(self.clock.get() + 5.0);
        let model = body["model"].as_str().unwrap_or_default().to_string();
        if let Some(status) = self.scripted_errors.borrow_mut().pop_front() {
            return Ok(HttpResponse {
                status,
                headers: vec![],
                body: OneBody(Some(b"{\"error\":{\"message\":\"overloaded\"}}".to_vec())),
            });
        }
        if self.fail.borrow().contains(&model) {
            return Ok(HttpResponse {
                status: 500,
                headers: vec![],
                body: OneBody(Some(b"{\"error\":{\"message\":\"server error\"}}".to_vec())),
            });
        }
        let system = body["messages"][0]["content"].as_str().unwrap_or_default();
        let content = if system.starts_with("You condense chat histories") {
            "The conversation covered several topics.".to_string()
        } else {
            format!(
                "Reply {} from {model}: understood, continuing with the task.",
                self.turn.get()
            )
        };
        let prompt = body.to_string().len() as u64 / 4;
        let completion = 12;
        self.reported
            .borrow_mut()
            .push((model.clone(), prompt, completion));
        let answer = json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": model,
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": content }, "finish_reason": "stop" }],
            "usage": { "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion }
        });
        Ok(HttpResponse {
            status: 200,
            headers: vec![],
            body: OneBody(Some(answer.to_string().into_bytes())),
        })
    }
    async fn sleep(&self, ms: f64) {
        self.clock.set(self.clock.get() + ms);
    }
    fn now_ms(&self) -> f64 {
        self.clock.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
}

fn engine() -> RefCell<Engine> {
    let mut e = Engine::new();
    e.encodings()
        .load("o200k_base", &ranks::rank_file_bytes("o200k_base"))
        .expect("o200k loads");
    for (id, window, price) in [
        ("small-model", 4096, 1.0),
        ("backup-model", 4096, 2.0),
        ("cheap-summarizer", 8192, 0.1),
    ] {
        let info = serde_json::from_value(json!({
            "id": id, "provider": "local", "tokenizer": { "encoding": "o200k_base" },
            "contextWindow": window, "maxOutputTokens": 512,
            "pricing": { "input": price, "output": price * 2.0 },
        }))
        .expect("model info");
        e.models_mut().register(info).expect("registers");
    }
    RefCell::new(e)
}

fn settings(e: &RefCell<Engine>, extra: Value) -> Settings {
    let mut cfg = json!({
        "providers": { "local": { "kind": "openai", "baseUrl": "http://127.0.0.1:9/v1", "apiKey": "sk-test-key", "retries": 1 } },
        "router": { "models": { "primary": "small-model" }, "fallbacks": ["backup-model"], "useHybrid": false },
        "condensation": { "strategies": ["summary", "extractive", "truncate"], "summarizer": "cheap-summarizer" },
    });
    for (k, v) in extra.as_object().unwrap() {
        cfg[k] = v.clone();
    }
    let config: ManagerConfig = serde_json::from_value(cfg).expect("config");
    Settings::new(config, e.borrow().models()).expect("valid config")
}

fn store() -> Store {
    block_on(Store::open(Rc::new(MemoryBackend::new()), Env::system())).expect("store")
}

/// OpenAI's documented count of a chat request: 3 per message + role + content (+ name), 3 for the reply.
fn independent_count(body: &Value) -> u64 {
    static BPE: std::sync::OnceLock<tiktoken_rs::CoreBPE> = std::sync::OnceLock::new();
    let bpe = BPE.get_or_init(|| tiktoken_rs::o200k_base().unwrap());
    let n = |s: &str| bpe.encode_ordinary(s).len() as u64;
    let mut total = 3;
    for m in body["messages"].as_array().unwrap() {
        total += 3 + n(m["role"].as_str().unwrap()) + n(m["content"].as_str().unwrap_or_default());
        if let Some(name) = m.get("name").and_then(Value::as_str) {
            total += 1 + n(name);
        }
    }
    total
}

/// The user's turn `i`: some prose and pasted code; the first turns state facts.
fn user_turn(i: usize) -> String {
    match i {
        0 => "I created the file src/billing/invoice.rs for the invoice generator.".into(),
        1 => "We decided to use Postgres 16 for the orders service.".into(),
        2 => "Never log the card CVV anywhere, not even in debug builds.".into(),
        _ => format!(
            "Step {i}: please review this function and tell me what to improve.\n```rust\nfn handler_{i}(req: Request) -> Response {{\n    let id = req.param(\"id\").unwrap_or_default();\n    let rows = db.query(\"select * from items where owner = $1\", &[&id]);\n    Response::json(rows.iter().map(|r| r.to_string()).collect::<Vec<_>>())\n}}\n```\nThe logs show latency spikes around {} ms under load, and the retry loop seems to fire twice.",
            100 + i
        ),
    }
}

#[test]
fn two_hundred_turns_fit_keep_facts_and_lose_nothing() {
    let e = engine();
    let s = settings(&e, json!({}));
    let st = store();
    let server = Server::default();
    let events = RefCell::new(Vec::<Event>::new());
    let emit = |ev: &Event| events.borrow_mut().push(ev.clone());
    let d = Deps {
        engine: &e,
        store: &st,
        client: &server,
        emit: &emit,
    };
    let session = block_on(st.create_session(Some("long-chat"), &Default::default()))
        .unwrap()
        .id;

    let mut condensed_turns = 0;
    for i in 0..200 {
        server.turn.set(i);
        if i == 120 {
            server.fail.borrow_mut().push("small-model".into());
        }
        if i == 125 {
            server.fail.borrow_mut().clear();
        }
        let r = block_on(send(
            &d,
            &s,
            &session,
            &Value::String(user_turn(i)),
            &SendOptions::default(),
        ))
        .unwrap_or_else(|e| panic!("turn {i}: {e:?}"));
        if (120..125).contains(&i) {
            assert_eq!(r.model, "backup-model", "turn {i} falls back");
            assert!(!r.context_info.attempts[0].ok && r.context_info.attempts[1].ok);
        } else {
            assert_eq!(
                r.model, "small-model",
                "turn {i}: {:?}",
                r.context_info.attempts
            );
        }
        if r.context_info.condensation_applied {
            condensed_turns += 1;
            assert!(r.context_info.tokens_after < r.context_info.tokens_before);
        }
        assert_eq!(r.seq, [2 * i as u64, 2 * i as u64 + 1]);
    }
    assert!(
        condensed_turns > 100,
        "condensation runs when due ({condensed_turns} turns)"
    );

    // every request fits: prompt + max_tokens ≤ 4,096, counted independently
    let requests = server.requests.borrow();
    for (k, body) in requests.iter().enumerate() {
        let model = body["model"].as_str().unwrap();
        let window = if model == "cheap-summarizer" {
            8192
        } else {
            4096
        };
        let prompt = independent_count(body);
        let max = body["max_tokens"]
            .as_u64()
            .or(body["max_completion_tokens"].as_u64())
            .unwrap();
        assert!(
            prompt + max <= window,
            "request {k} to {model}: {prompt} + {max} > {window}"
        );
    }

    // the facts of the first turns reach the server at turn 200, though the summaries are poor
    let last = requests
        .iter()
        .rev()
        .find(|b| b["model"] == "small-model")
        .unwrap()
        .to_string();
    for fact in ["src/billing/invoice.rs", "Postgres 16", "card CVV"] {
        assert!(last.contains(fact), "the last request carries {fact:?}");
    }
    assert!(
        requests.iter().any(|b| b["model"] == "cheap-summarizer"),
        "summaries were asked for"
    );

    // nothing lost: 400 messages, in order
    let stored = block_on(st.messages(&session, &MessageRange::default())).unwrap();
    assert_eq!(stored.len(), 400);
    for (i, pair) in stored.chunks(2).enumerate() {
        assert_eq!(pair[0].message["content"], user_turn(i).as_str());
        assert_eq!(pair[1].message["role"], "assistant");
    }
    // stored usage equals what the server reported, summarizer calls included
    let usage = block_on(st.usage(&session)).unwrap();
    let reported = server.reported.borrow();
    assert_eq!(usage.len(), reported.len());
    let sum =
        |it: &mut dyn Iterator<Item = (u64, u64)>| it.fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    assert_eq!(
        sum(&mut usage.iter().map(|u| (u.prompt_tokens, u.completion_tokens))),
        sum(&mut reported.iter().map(|r| (r.1, r.2)))
    );
    assert!(usage
        .iter()
        .any(|u| u.model == "cheap-summarizer" && u.cost > 0.0));
    // facts and summaries were stored
    assert!(block_on(st.facts(&session))
        .unwrap()
        .iter()
        .any(|f| f.text.contains("Postgres 16")));
    assert!(!block_on(st.summaries(&session)).unwrap().is_empty());

    // stats: the stored totals equal the usage stored, per model; condensations and fallbacks counted
    let st_stats = block_on(contextwise::manager::stats(&st, &e)).unwrap();
    for (model, m) in &st_stats.models {
        let of = |f: fn(&contextwise::store::UsageRecord) -> u64| {
            usage
                .iter()
                .filter(|u| &u.model == model)
                .map(f)
                .sum::<u64>()
        };
        assert_eq!(m.prompt_tokens, of(|u| u.prompt_tokens), "{model}");
        assert_eq!(m.completion_tokens, of(|u| u.completion_tokens), "{model}");
        assert_eq!(
            m.requests,
            usage.iter().filter(|u| &u.model == model).count() as u64
        );
    }
    assert_eq!(st_stats.turns, 200);
    assert_eq!(
        st_stats.models["small-model"].errors, 5,
        "five turns failed on the primary"
    );
    assert_eq!(st_stats.fallbacks, 5);
    assert_eq!(st_stats.condensations.count, condensed_turns);
    assert!(st_stats.models["cheap-summarizer"].summaries > 0);
    let table = contextwise::manager::stats::format(&st_stats);
    assert!(
        table.starts_with("model") && table.contains("small-model") && table.contains("turns 200"),
        "{table}"
    );

    // events for monitoring
    let ev = events.borrow();
    assert!(ev.iter().any(|e| matches!(e, Event::CondensationTriggered { message, .. } if message.starts_with("Compression triggered: "))));
    assert!(ev.iter().any(|e| matches!(e, Event::CondensationDone { message, .. } if message.starts_with("Original: "))));
    // a condensed context is carried to the next turns while it stays under the threshold:
    // condensation runs again only now and then, not every turn
    let ran = ev
        .iter()
        .filter(|e| matches!(e, Event::CondensationDone { .. }))
        .count();
    assert!(
        ran * 3 < condensed_turns as usize,
        "condensations run {ran} for {condensed_turns} condensed turns"
    );
    assert!(ev.iter().any(|e| matches!(e, Event::ProviderFallback { from, to: Some(to), .. } if from == "small-model" && to == "backup-model")));
    assert!(ev.iter().any(|e| matches!(e, Event::RouteDecided { .. })));
}

#[test]
fn a_message_that_cannot_fit_is_stored_and_refused_before_any_call() {
    let e = engine();
    let s = settings(
        &e,
        json!({ "router": { "models": { "primary": "small-model" }, "useHybrid": false } }),
    );
    let st = store();
    let server = Server::default();
    let d = Deps {
        engine: &e,
        store: &st,
        client: &server,
        emit: &|_| {},
    };
    block_on(st.create_session(Some("s1"), &Default::default())).unwrap();
    let huge = "word ".repeat(20_000);
    let err = block_on(send(
        &d,
        &s,
        "s1",
        &Value::String(huge.clone()),
        &SendOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::ContextOverflow, "{err:?}");
    assert!(err.message.contains("stored"), "{}", err.message);
    assert!(
        server
            .requests
            .borrow()
            .iter()
            .all(|b| b["model"] != "small-model"),
        "no chat call was made"
    );
    let stored = block_on(st.messages("s1", &MessageRange::default())).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].message["content"], huge.as_str());
    // the next turn works
    let r = block_on(send(
        &d,
        &s,
        "s1",
        &json!("a short question"),
        &SendOptions::default(),
    ))
    .unwrap();
    assert_eq!(r.message["role"], "assistant");
}

#[test]
fn retries_then_fallback_and_typed_config_errors() {
    let e = engine();
    let s = settings(&e, json!({}));
    let st = store();
    let server = Server::default();
    let events = RefCell::new(Vec::<Event>::new());
    let emit = |ev: &Event| events.borrow_mut().push(ev.clone());
    let d = Deps {
        engine: &e,
        store: &st,
        client: &server,
        emit: &emit,
    };
    block_on(st.create_session(Some("s2"), &Default::default())).unwrap();
    server.scripted_errors.borrow_mut().push_back(503);
    let r = block_on(send(&d, &s, "s2", &json!("hello"), &SendOptions::default())).unwrap();
    assert_eq!(r.model, "small-model");
    assert!(events
        .borrow()
        .iter()
        .any(|e| matches!(e, Event::ProviderRetry { attempts: 2, .. })));
    // both models down: the error of the last, the message kept
    server
        .fail
        .borrow_mut()
        .extend(["small-model".to_string(), "backup-model".to_string()]);
    let err = block_on(send(&d, &s, "s2", &json!("again"), &SendOptions::default())).unwrap_err();
    assert_eq!(err.code, ErrorCode::ProviderHttp);
    assert!(!err.message.contains("sk-test-key"));
    assert_eq!(
        block_on(st.messages("s2", &MessageRange::default()))
            .unwrap()
            .len(),
        3
    );

    for (cfg, field) in [
        (
            json!({ "summarizationThreshold": 1.5 }),
            "summarizationThreshold",
        ),
        (
            json!({ "preserveRecentMessages": -1 }),
            "preserveRecentMessages",
        ),
        (
            json!({ "limits": { "nope": { "maxContextTokens": 10 } } }),
            "limits.nope",
        ),
        (
            json!({ "condensation": { "strategies": ["truncate", "summary"] } }),
            "condensation.strategies[1]",
        ),
        (
            json!({ "router": { "models": { "primary": "no-such-model" } } }),
            "router",
        ),
    ] {
        let mut full = json!({
            "providers": { "local": { "kind": "openai", "baseUrl": "http://127.0.0.1:9/v1" } },
            "router": { "models": { "primary": "small-model" } },
        });
        for (k, v) in cfg.as_object().unwrap() {
            full[k] = v.clone();
        }
        let config: ManagerConfig = serde_json::from_value(full).expect("parses");
        let err: Error = Settings::new(config, e.borrow().models()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidConfig);
        assert!(err.message.starts_with(field), "{field}: {}", err.message);
    }
}

#[test]
fn max_context_tokens_limits_a_large_window() {
    let e = engine();
    e.borrow_mut()
        .models_mut()
        .register(serde_json::from_value(json!({
            "id": "big-model", "provider": "local", "tokenizer": { "encoding": "o200k_base" },
            "contextWindow": 128000, "maxOutputTokens": 4096, "pricing": { "input": 1.0, "output": 2.0 },
        })).unwrap())
        .unwrap();
    let s = settings(
        &e,
        json!({
            "router": { "models": { "primary": "big-model" }, "useHybrid": false },
            "limits": { "big-model": { "maxContextTokens": 3000 } },
        }),
    );
    let st = store();
    let server = Server::default();
    let d = Deps {
        engine: &e,
        store: &st,
        client: &server,
        emit: &|_| {},
    };
    block_on(st.create_session(Some("s3"), &Default::default())).unwrap();
    for i in 0..40 {
        block_on(send(
            &d,
            &s,
            "s3",
            &Value::String(user_turn(i + 3)),
            &SendOptions::default(),
        ))
        .unwrap();
    }
    for body in server
        .requests
        .borrow()
        .iter()
        .filter(|b| b["model"] == "big-model")
    {
        let max = body["max_tokens"]
            .as_u64()
            .or(body["max_completion_tokens"].as_u64())
            .unwrap();
        assert!(independent_count(body) + max <= 3000);
    }
}

#[test]
fn condensing_now_stores_a_summary_and_what_it_cost_without_a_chat_call() {
    let e = engine();
    let s = settings(&e, json!({}));
    let st = store();
    let server = Server::default();
    let d = Deps {
        engine: &e,
        store: &st,
        client: &server,
        emit: &|_| {},
    };
    block_on(st.create_session(Some("c"), &Default::default())).unwrap();
    for i in 0..60 {
        let m = if i % 2 == 0 {
            json!({ "role": "user", "content": user_turn(i / 2) })
        } else {
            json!({ "role": "assistant", "content": "Done; next." })
        };
        block_on(st.append("c", m, Default::default())).unwrap();
    }
    let r = block_on(contextwise::manager::condense_now(
        &d,
        &s,
        "c",
        &SendOptions::default(),
    ))
    .unwrap();
    assert!(r.tokens_after < r.tokens_before);
    assert_eq!(
        r.summary.as_deref(),
        Some("The conversation covered several topics.")
    );
    let requests = server.requests.borrow();
    assert!(
        requests.iter().all(|b| b["model"] == "cheap-summarizer"),
        "only the summarizer was called"
    );
    let summaries = block_on(st.summaries("c")).unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].model.as_deref(), Some("cheap-summarizer"));
    assert_eq!(summaries[0].from, 0);
    let usage = block_on(st.usage("c")).unwrap();
    assert_eq!(usage.len(), requests.len());
    assert_eq!(
        block_on(st.messages("c", &MessageRange::default()))
            .unwrap()
            .len(),
        60,
        "messages unchanged"
    );
    // the messages were appended, not sent in turns: the facts of those condensed away are stored
    let facts = block_on(st.facts("c")).unwrap();
    assert_eq!(facts.len(), r.facts);
    assert!(
        facts.iter().any(|f| f.text.contains("Postgres 16")),
        "{facts:?}"
    );
    assert!(facts
        .iter()
        .all(|f| f.source.iter().all(|&seq| seq % 2 == 0 && seq < 60)));
    // condensing again stores no fact twice
    let again = block_on(contextwise::manager::condense_now(
        &d,
        &s,
        "c",
        &SendOptions::default(),
    ))
    .unwrap();
    assert_eq!(again.facts, 0);
    assert_eq!(block_on(st.facts("c")).unwrap().len(), facts.len());
}
