//! Token counting exports: encodings, text, chat messages, the count cache.

use super::{options, string_arg, to_value, value, with_encodings, EngineHandle};
use crate::engine::{CacheConfig, ChatOptions, TextOptions};
use crate::error::Error;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// Loads an encoding from the bytes of its rank file (`pkg/ranks/<name>.bin`).
/// `loadEncoding(name, source?)` in the entry points finds the bytes and calls this.
#[wasm_bindgen(js_name = loadEncodingBytes)]
pub fn load_encoding_bytes(name: &str, bytes: &[u8]) -> Result<(), JsValue> {
    with_encodings(|e| e.load(name, bytes))
}

/// Sets the synchronous rank loader (the Node entry passes one that reads the package's own
/// files): `loader(name)` returns the bytes, or `undefined` when it cannot. Encodings then load on
/// first use. The loader must not throw (a throw is treated as `undefined`).
#[wasm_bindgen(js_name = setRankLoader)]
pub fn set_rank_loader(loader: js_sys::Function) -> Result<(), JsValue> {
    let load: crate::tokens::RankLoader = std::rc::Rc::new(move |name| {
        let v = loader.call1(&JsValue::NULL, &name.as_str().into()).ok()?;
        v.dyn_into::<js_sys::Uint8Array>().ok().map(|a| a.to_vec())
    });
    with_encodings(|e| {
        e.set_loader(Some(load));
        Ok(())
    })
}

/// True when the encoding is loaded.
#[wasm_bindgen(js_name = isEncodingLoaded)]
pub fn is_encoding_loaded(name: &str) -> Result<bool, JsValue> {
    with_encodings(|e| Ok(e.is_loaded(crate::tokens::encoding::EncodingName::parse(name)?)))
}

/// Names of the loaded encodings.
#[wasm_bindgen(js_name = loadedEncodings)]
pub fn loaded_encodings() -> Result<Vec<String>, JsValue> {
    with_encodings(|e| Ok(e.loaded().into_iter().map(String::from).collect()))
}

/// Number of tokens in `text`. Special-token strings count as plain text.
///
/// ```js
/// await loadEncoding('o200k_base');
/// countTokens('hello world', { model: 'gpt-4o' }); // 2
/// ```
#[wasm_bindgen(js_name = countTokens)]
pub fn count_tokens(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CountOptions")] opts: JsValue,
) -> Result<f64, JsValue> {
    let text = string_arg(&text, "text")?;
    let o: TextOptions = options(&opts, "countTokens")?;
    engine.with(|e| e.count_tokens(&text, &o)).map(|n| n as f64)
}

/// The token count when `text` has at most `limit` tokens, else `false`. Stops counting as
/// soon as the limit is passed, so it is cheap on long texts.
#[wasm_bindgen(js_name = isWithinTokenLimit, unchecked_return_type = "number | false")]
pub fn is_within_token_limit(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    limit: f64,
    #[wasm_bindgen(unchecked_param_type = "CountOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let text = string_arg(&text, "text")?;
    let o: TextOptions = options(&opts, "isWithinTokenLimit")?;
    let r = engine.with(|e| e.is_within_token_limit(&text, limit, &o))?;
    Ok(r.map(|n| JsValue::from_f64(n as f64))
        .unwrap_or(JsValue::FALSE))
}

/// Token ids of `text` (`allowedSpecial: 'all' | string[]` turns special-token strings into
/// special tokens; by default they are plain text).
#[wasm_bindgen]
pub fn encode(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_param_type = "EncodeOptions")] opts: JsValue,
) -> Result<Vec<u32>, JsValue> {
    let text = string_arg(&text, "text")?;
    let o: TextOptions = options(&opts, "encode")?;
    engine.with(|e| e.encode(&text, &o))
}

/// The text of token ids.
#[wasm_bindgen]
pub fn decode(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "Uint32Array | number[]")] tokens: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CountOptions")] opts: JsValue,
) -> Result<String, JsValue> {
    let ids: Vec<u32> = if let Some(arr) = tokens.dyn_ref::<js_sys::Uint32Array>() {
        arr.to_vec()
    } else {
        value(
            &tokens,
            "tokens must be an array of token ids",
            Error::invalid_argument,
        )?
    };
    let o: TextOptions = options(&opts, "decode")?;
    engine.with(|e| e.decode(&ids, &o))
}

/// Counts a conversation: OpenAI's framing, images, tool calls and tool definitions.
#[wasm_bindgen(js_name = countMessages, unchecked_return_type = "ChatCount")]
pub fn count_messages(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "ChatMessage[]")] messages: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ChatCountOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let msgs: Value = value(&messages, "messages", Error::invalid_message)?;
    let o: ChatOptions = value(
        &opts,
        "countMessages options (need { model })",
        Error::invalid_argument,
    )?;
    to_value(&engine.with(|e| e.count_messages(&msgs, &o))?)
}

/// Hit/miss counters and size of the per-message count cache.
#[wasm_bindgen(js_name = countCacheStats, unchecked_return_type = "CacheStats")]
pub fn count_cache_stats(engine: &EngineHandle) -> Result<JsValue, JsValue> {
    to_value(&engine.with(|e| Ok(e.cache_stats()))?)
}

/// Sets the count cache's capacity (`{ capacity }`, 0 disables it) and/or clears it (`{ clear: true }`).
#[wasm_bindgen(js_name = configureCountCache)]
pub fn configure_count_cache(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "{ capacity?: number; clear?: boolean }")] cfg: JsValue,
) -> Result<(), JsValue> {
    let c: CacheConfig = options(&cfg, "configureCountCache")?;
    engine.with(|e| e.configure_cache(&c))
}

/// Summary-cache counters: `{ size, capacity, hits }`.
#[wasm_bindgen(js_name = summaryCacheStats, unchecked_return_type = "SummaryCacheStats")]
pub fn summary_cache_stats(engine: &EngineHandle) -> Result<JsValue, JsValue> {
    to_value(&engine.with(|e| Ok(e.summary_cache_stats()))?)
}

/// Sets the summary cache's capacity (`{ capacity }`, LRU, default 256; 0 disables it) and/or
/// clears it (`{ clear: true }`).
#[wasm_bindgen(js_name = configureSummaryCache)]
pub fn configure_summary_cache(
    engine: &EngineHandle,
    #[wasm_bindgen(unchecked_param_type = "{ capacity?: number; clear?: boolean }")] cfg: JsValue,
) -> Result<(), JsValue> {
    let c: CacheConfig = options(&cfg, "configureSummaryCache")?;
    engine.with(|e| e.configure_summary_cache(&c))
}
