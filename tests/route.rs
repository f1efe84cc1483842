//! Routing: classification accuracy on the labelled set, the seed examples, rules, capabilities,
//! context fit, cost preference, fallbacks, stats and config validation.

use contextwise::route::classify::{classify, Task};
use serde_json::Value;

fn labelled() -> Vec<(String, Task)> {
    load("route-labels.json")
}

fn load(file: &str) -> Vec<(String, Task)> {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/tests/fixtures/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    v["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let t = match p["label"].as_str().unwrap() {
                "code" => Task::Code,
                "complex" => Task::Complex,
                _ => Task::Quick,
            };
            (p["text"].as_str().unwrap().to_string(), t)
        })
        .collect()
}

#[test]
fn seed_examples_classify_as_documented() {
    for s in [
        "Create a todo app",
        "Add error handling function",
        "Generate REST API endpoints",
        "Write a Python class",
    ] {
        assert_eq!(classify(s, None).task, Task::Code, "{s}");
    }
    for s in [
        "Explain this code",
        "Why is this error happening?",
        "Refactor the entire module",
        "Analyze the codebase architecture",
        "Debug this issue",
    ] {
        assert_eq!(classify(s, None).task, Task::Complex, "{s}");
    }
}

#[test]
fn accuracy_on_the_labelled_set() {
    let set = labelled();
    assert!(set.len() >= 200);
    let mut per: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut wrong = Vec::new();
    for (text, want) in &set {
        let got = classify(text, None);
        let e = per.entry(want.as_str()).or_default();
        e.1 += 1;
        if got.task == *want {
            e.0 += 1;
        } else {
            wrong.push(format!(
                "{:?} → {:?} ({:?})",
                text.chars().take(70).collect::<String>(),
                got.task,
                got.signals
            ));
        }
    }
    let total: usize = per.values().map(|x| x.0).sum();
    println!(
        "ROUTE-ACCURACY-BEGIN\n| class | prompts | correct | accuracy |\n|---|---:|---:|---:|"
    );
    for (k, (ok, n)) in &per {
        println!(
            "| {k} | {n} | {ok} | {:.1}% |",
            *ok as f64 * 100.0 / *n as f64
        );
    }
    println!(
        "| **all** | {} | {total} | **{:.1}%** |\nROUTE-ACCURACY-END",
        set.len(),
        total as f64 * 100.0 / set.len() as f64
    );
    for w in &wrong {
        println!("miss: {w}");
    }
    assert!(total as f64 / set.len() as f64 >= 0.9, "accuracy below 90%");
}

#[test]
fn accuracy_on_held_out_prompts() {
    let set = load("route-heldout.json");
    let ok = set
        .iter()
        .filter(|(t, want)| classify(t, None).task == *want)
        .count();
    for (t, want) in &set {
        let got = classify(t, None);
        if got.task != *want {
            println!("held-out miss: {t:?} → {:?} (want {want:?})", got.task);
        }
    }
    println!("ROUTE-HELDOUT {ok}/{}", set.len());
    assert!(
        ok as f64 / set.len() as f64 >= 0.7,
        "held-out accuracy {ok}/{}",
        set.len()
    );
}

#[test]
fn short_follow_ups_inherit_the_previous_task() {
    assert_eq!(
        classify("and now in Rust?", Some(Task::Code)).task,
        Task::Code
    );
    assert_eq!(classify("go on", Some(Task::Complex)).task, Task::Complex);
    assert_eq!(
        classify("thanks!", Some(Task::Code)).task,
        Task::Quick,
        "chit-chat is not a follow-up"
    );
}

mod support {
    #[path = "../support/ranks.rs"]
    pub mod ranks;
}

use contextwise::route::RouterConfig;
use contextwise::{Engine, ErrorCode};
use serde_json::json;

fn engine() -> Engine {
    let e = support::ranks::engine_with_cl100k();
    e.encodings()
        .load("o200k_base", &support::ranks::rank_file_bytes("o200k_base"))
        .unwrap();
    e
}

fn cfg(v: Value) -> RouterConfig {
    serde_json::from_value(v).unwrap()
}

fn user(text: &str) -> Value {
    json!([{"role": "system", "content": "You are helpful."}, {"role": "user", "content": text}])
}

/// The hybrid setup of ../shared/seeds/000 and the rules of ../shared/seeds/003.
fn seed_config() -> Value {
    json!({
        "models": {"primary": "claude-sonnet-4-5", "code": "deepseek-coder", "complex": "claude-sonnet-4-5", "fast": "qwen2.5:7b", "vision": "gpt-4o"},
        "default": "claude-sonnet-4-5"
    })
}

#[test]
fn roles_follow_the_task() {
    let mut e = engine();
    let c = cfg(seed_config());
    let d = e
        .route(&user("Write a Python class for a bank account"), &c)
        .unwrap();
    assert_eq!(
        (d.model.as_str(), d.provider.as_str(), d.task),
        ("deepseek-coder", "deepseek", Task::Code)
    );
    assert!(
        d.reason.starts_with("Code task (verb 'write')")
            && d.reason.contains("deepseek-coder fits"),
        "{}",
        d.reason
    );
    assert_eq!(
        e.route(&user("Why is this error happening?"), &c)
            .unwrap()
            .model,
        "claude-sonnet-4-5"
    );
    assert_eq!(
        e.route(&user("What is the capital of Australia?"), &c)
            .unwrap()
            .model,
        "qwen2.5:7b"
    );
    // previous turn's task carries a short follow-up
    let follow = json!([{"role": "user", "content": "Write a Rust function that parses a date"}, {"role": "assistant", "content": "fn parse() {}"}, {"role": "user", "content": "and in Go?"}]);
    assert_eq!(e.route(&follow, &c).unwrap().task, Task::Code);
}

#[test]
fn rules_come_first_in_order() {
    let mut e = engine();
    let mut v = seed_config();
    v["rules"] = json!([
        {"pattern": "(code|function|implement|debug|class|def |fn )", "model": "deepseek-coder-v2:16b"},
        {"pattern": "^.{0,100}$", "model": "qwen2.5:7b"}
    ]);
    let c = cfg(v);
    let d = e.route(&user("Explain this function please"), &c).unwrap();
    assert_eq!(
        (d.model.as_str(), d.rule.as_ref().unwrap().index),
        ("deepseek-coder-v2:16b", 0)
    );
    assert!(
        d.reason.starts_with("Rule 1 matched /(code|function"),
        "{}",
        d.reason
    );
    let d = e.route(&user("What is the tallest mountain?"), &c).unwrap();
    assert_eq!((d.model.as_str(), d.rule.unwrap().index), ("qwen2.5:7b", 1));
    let long = "Tell me about the history of the Roman empire and its influence on modern law, in detail please.".repeat(2);
    assert!(
        e.route(&user(&long), &c).unwrap().rule.is_none(),
        "no rule matched: the classifier decides"
    );
}

#[test]
fn hybrid_off_forces_the_default() {
    let mut e = engine();
    let mut v = seed_config();
    v["useHybrid"] = json!(false);
    let d = e.route(&user("Write a Python class"), &cfg(v)).unwrap();
    assert_eq!(d.model, "claude-sonnet-4-5");
    assert!(d.reason.starts_with("Hybrid routing is off"));
}

#[test]
fn images_need_vision_and_tools_need_tool_support() {
    let mut e = engine();
    let c = cfg(seed_config());
    let img = json!([{"role": "user", "content": [{"type": "text", "text": "Write a function like the one in this screenshot"}, {"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": "low"}}]}]);
    let d = e.route(&img, &c).unwrap();
    assert_eq!(
        d.model, "gpt-4o",
        "deepseek-coder has no vision: {}",
        d.reason
    );
    assert!(d.reason.contains("cannot take images"));
    let mut v = seed_config();
    v["models"]["fast"] = json!("deepseek-coder-v2:16b");
    v["tools"] = json!([{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {}}}}]);
    let d = e.route(&user("hi"), &cfg(v)).unwrap();
    assert_ne!(d.model, "deepseek-coder-v2:16b", "it has no tool support");
}

#[test]
fn context_fit_escalates_to_the_cheapest_model_that_fits() {
    let mut e = engine();
    let c = cfg(seed_config());
    // ~40k tokens: over qwen2.5:7b's 32k window
    let big = "The quick brown fox jumps over the lazy dog. ".repeat(4000);
    let msgs = json!([{"role": "user", "content": big}, {"role": "assistant", "content": "ok"}, {"role": "user", "content": "thanks"}]);
    let d = e.route(&msgs, &c).unwrap();
    assert_eq!(d.task, Task::Quick);
    assert_ne!(d.model, "qwen2.5:7b");
    assert_eq!(
        d.model, "deepseek-coder",
        "cheapest configured model with room: {}",
        d.reason
    );
    assert!(d.tokens <= d.limit && !d.condensation_required);
    assert!(d.reason.contains("cannot fit"));
    // nothing fits: condensation required
    let huge = "The quick brown fox jumps over the lazy dog. ".repeat(30000);
    let d = e
        .route(&json!([{"role": "user", "content": huge}]), &c)
        .unwrap();
    assert!(d.condensation_required, "{}", d.reason);
}

#[test]
fn prefer_cheap_and_fallbacks_and_stats() {
    let mut e = engine();
    let mut v = seed_config();
    v["preferCheap"] = json!(true);
    v["models"]["complex"] = json!("claude-opus-4-5");
    v["fallbacks"] = json!(["gpt-4o-mini"]);
    let c = cfg(v);
    let d = e.route(&user("Explain how TLS works"), &c).unwrap();
    assert_eq!(
        d.model, "claude-sonnet-4-5",
        "primary is cheaper than opus and can serve complex: {}",
        d.reason
    );
    assert_eq!(
        d.fallbacks,
        vec!["claude-sonnet-4-5", "gpt-4o-mini", "claude-opus-4-5"]
    );
    e.route(&user("Write a Go function that sums a slice"), &c)
        .unwrap();
    let s = e.routing();
    assert_eq!(s.requests, 2);
    assert_eq!(s.by_task.get("code"), Some(&1));
    assert!(s.cheap_share > 0.99 && s.estimated_savings > 0.0);
}

#[test]
fn config_and_input_errors() {
    let mut e = engine();
    let err = |v: Value, msgs: Value| engine().route(&msgs, &cfg(v)).unwrap_err();
    let bad_rule = err(
        json!({"default": "gpt-4o", "rules": [{"pattern": "ok", "model": "gpt-4o"}, {"pattern": "(unclosed", "model": "gpt-4o"}]}),
        user("x"),
    );
    assert_eq!(bad_rule.code, ErrorCode::InvalidConfig);
    assert!(
        bad_rule.message.contains("rules[1].pattern '(unclosed'"),
        "{}",
        bad_rule.message
    );
    let unknown = err(
        json!({"default": "gpt-4o", "rules": [{"pattern": "x", "model": "gpt-17"}]}),
        user("x"),
    );
    assert!(unknown.message.contains("rules[0].model is 'gpt-17'"));
    assert_eq!(
        err(json!({}), user("x")).code,
        ErrorCode::InvalidConfig,
        "no models"
    );
    assert!(err(json!({"models": {"primary": "nope"}}), user("x"))
        .message
        .contains("models.primary"));
    assert_eq!(err(seed_config(), user("")).code, ErrorCode::InvalidMessage);
    assert_eq!(
        err(seed_config(), user("   \n\t ")).code,
        ErrorCode::InvalidMessage
    );
    assert_eq!(
        err(
            seed_config(),
            json!([{"role": "assistant", "content": "x"}])
        )
        .code,
        ErrorCode::InvalidMessage
    );
    // catastrophic patterns and 1 MB messages stay linear with regex-lite
    let mut v = seed_config();
    v["rules"] = json!([{"pattern": "(a+)+$", "model": "gpt-4o"}, {"pattern": "(x|xx)+y", "model": "gpt-4o"}]);
    let text = format!("{}!", "a".repeat(1_000_000));
    let d = e.route(&user(&text), &cfg(v)).unwrap();
    assert!(
        d.rule.is_none(),
        "neither pattern matches a run of a's ending in '!'"
    );
}

#[path = "support/block_on.rs"]
mod block_on;

mod fallback_chain {
    use contextwise::error::{Error, ErrorCode, ProviderDetails};
    use contextwise::route::fallback::{call_chain, ModelCaller};
    use std::cell::RefCell;

    use crate::block_on;

    /// Answers from a script per model and records the calls.
    struct Scripted {
        providers: Vec<&'static str>,
        script: RefCell<Vec<(&'static str, Result<&'static str, Error>)>>,
        calls: RefCell<Vec<String>>,
    }

    impl ModelCaller for Scripted {
        type Answer = String;
        fn has_provider(&self, provider: &str) -> bool {
            self.providers.contains(&provider)
        }
        async fn call(&self, model: &str, _provider: &str) -> Result<String, Error> {
            self.calls.borrow_mut().push(model.to_string());
            let mut s = self.script.borrow_mut();
            let i = s.iter().position(|(m, _)| *m == model).expect("scripted");
            s.remove(i).1.map(String::from)
        }
    }

    fn http(status: u16, retryable: bool) -> Error {
        Error::provider(
            ErrorCode::ProviderHttp,
            format!("HTTP {status}"),
            ProviderDetails {
                provider: "openai".into(),
                status: Some(status),
                retryable,
                retry_after: None,
            },
        )
    }

    fn chain(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn retryable_failures_move_on_others_stop_missing_providers_are_skipped() {
        let c = Scripted {
            providers: vec!["openai", "anthropic"],
            script: RefCell::new(vec![("a", Err(http(503, true))), ("c", Ok("from c"))]),
            calls: RefCell::default(),
        };
        let r = block_on::block_on(call_chain(
            &chain(&[("a", "openai"), ("b", "deepseek"), ("c", "anthropic")]),
            &c,
        ));
        let (answer, model, provider) = r.outcome.unwrap();
        assert_eq!(
            (answer.as_str(), model.as_str(), provider.as_str()),
            ("from c", "c", "anthropic")
        );
        let codes: Vec<_> = r
            .attempts
            .iter()
            .map(|a| (a.model.as_str(), a.ok, a.code.as_deref()))
            .collect();
        assert_eq!(
            codes,
            [
                ("a", false, Some("PROVIDER_HTTP")),
                ("b", false, Some("INVALID_CONFIG")),
                ("c", true, None)
            ]
        );
        // a non-retryable failure ends the chain at once
        let c = Scripted {
            providers: vec!["openai"],
            script: RefCell::new(vec![("a", Err(http(400, false))), ("b", Ok("never"))]),
            calls: RefCell::default(),
        };
        let r = block_on::block_on(call_chain(&chain(&[("a", "openai"), ("b", "openai")]), &c));
        assert_eq!(r.outcome.unwrap_err().provider.unwrap().status, Some(400));
        assert_eq!(*c.calls.borrow(), ["a"]);
        // nothing has a provider
        let c = Scripted {
            providers: vec![],
            script: RefCell::default(),
            calls: RefCell::default(),
        };
        let r = block_on::block_on(call_chain(&chain(&[("a", "openai")]), &c));
        assert_eq!(r.outcome.unwrap_err().code, ErrorCode::InvalidConfig);
    }
}
