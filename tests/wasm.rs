//! The wasm build's exports, run by wasm-bindgen-test under Node and in headless Chromium:
//! counting through the JS boundary, errors as real JS `Error`s with codes, and the instance
//! still working after every error.
#![cfg(target_arch = "wasm32")]

use contextwise::bindings::{models, risk, tokens, EngineHandle};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

const CL100K: &[u8] = include_bytes!("../pkg/ranks/cl100k_base.bin");

thread_local! {
    static ENGINE: std::rc::Rc<EngineHandle> = std::rc::Rc::new(EngineHandle::new());
}

/// The instance the tests call (encodings are shared by every instance).
fn engine() -> std::rc::Rc<EngineHandle> {
    ENGINE.with(|e| e.clone())
}

fn opts(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn load() {
    tokens::load_encoding_bytes("cl100k_base", CL100K).unwrap();
}

fn code(err: JsValue) -> String {
    assert!(err.is_instance_of::<js_sys::Error>(), "a real Error");
    let e: js_sys::Error = err.unchecked_into();
    assert_eq!(String::from(e.name()), "ContextwiseError");
    js_sys::Reflect::get(&e, &"code".into())
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
fn counts_text_through_the_boundary() {
    load();
    let n = tokens::count_tokens(
        &engine(),
        "hello world".into(),
        opts(r#"{"encoding":"cl100k_base"}"#),
    )
    .unwrap();
    assert_eq!(n, 2.0);
    let ids = tokens::encode(
        &engine(),
        "tiktoken is great!".into(),
        opts(r#"{"encoding":"cl100k_base"}"#),
    )
    .unwrap();
    assert_eq!(ids, vec![83, 1609, 5963, 374, 2294, 0]);
    let within = tokens::is_within_token_limit(
        &engine(),
        "hello world".into(),
        1.0,
        opts(r#"{"encoding":"cl100k_base"}"#),
    )
    .unwrap();
    assert_eq!(within, JsValue::FALSE);
}

#[wasm_bindgen_test]
fn counts_messages_and_assesses_risk() {
    load();
    let msgs =
        opts(r#"[{"role":"system","content":"You are helpful."},{"role":"user","content":"Hi!"}]"#);
    let r = tokens::count_messages(&engine(), msgs.clone(), opts(r#"{"model":"gpt-4"}"#)).unwrap();
    let total = js_sys::Reflect::get(&r, &"total".into())
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(total > 10.0);
    let a = risk::assess_risk(&engine(), msgs, opts(r#"{"model":"gpt-4"}"#)).unwrap();
    assert_eq!(
        js_sys::Reflect::get(&a, &"level".into())
            .unwrap()
            .as_string()
            .unwrap(),
        "SAFE"
    );
}

#[wasm_bindgen_test]
fn errors_are_typed_and_the_instance_survives_them() {
    load();
    let ok = || {
        assert_eq!(
            tokens::count_tokens(
                &engine(),
                "still fine".into(),
                opts(r#"{"encoding":"cl100k_base"}"#)
            )
            .unwrap(),
            2.0
        )
    };
    let e = tokens::count_tokens(
        &engine(),
        JsValue::from_f64(3.0),
        opts(r#"{"encoding":"cl100k_base"}"#),
    )
    .unwrap_err();
    assert_eq!(code(e), "INVALID_ARGUMENT");
    ok();
    let e = tokens::count_tokens(&engine(), "x".into(), opts(r#"{"model":"nope"}"#)).unwrap_err();
    assert_eq!(code(e), "UNKNOWN_MODEL");
    ok();
    let e = tokens::count_tokens(&engine(), "x".into(), opts(r#"{"encoding":"r50k_base"}"#))
        .unwrap_err();
    assert_eq!(code(e), "ENCODING_NOT_LOADED");
    ok();
    let e = tokens::count_messages(
        &engine(),
        opts(r#"[{"role":"user","content":7}]"#),
        opts(r#"{"model":"gpt-4"}"#),
    )
    .unwrap_err();
    assert_eq!(code(e), "INVALID_MESSAGE");
    ok();
    let e = tokens::load_encoding_bytes("cl100k_base", &CL100K[..1000]).unwrap_err();
    assert_eq!(code(e), "INVALID_RANKS");
    ok();
    let e = risk::assess_risk(
        &engine(),
        opts("[]"),
        opts(r#"{"model":"gpt-4","thresholds":{"caution":0.9,"warning":0.5}}"#),
    )
    .unwrap_err();
    assert_eq!(code(e), "INVALID_CONFIG");
    ok();
    let e = models::models_get(&engine(), "gpt-99".into()).unwrap_err();
    assert_eq!(code(e), "UNKNOWN_MODEL");
    ok();
}

#[wasm_bindgen_test]
fn lone_surrogates_become_replacement_characters() {
    load();
    // A JS string with a lone surrogate, passed as JsValue.
    let s = js_sys::JSON::parse(r#""a\ud800b""#).unwrap();
    let n = tokens::count_tokens(&engine(), s, opts(r#"{"encoding":"cl100k_base"}"#)).unwrap();
    let m = tokens::count_tokens(
        &engine(),
        "a\u{fffd}b".into(),
        opts(r#"{"encoding":"cl100k_base"}"#),
    )
    .unwrap();
    assert_eq!(n, m);
}
