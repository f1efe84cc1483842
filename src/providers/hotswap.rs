//! Ollama hot-swap: keep models warm with `keep_alive`, and unload the least recently used one
//! (`keep_alive: 0`) when a new model would exceed `maxModels`.

use super::client::{HttpClient, DEFAULT_TIMEOUT_MS};
use super::safety::read_prefix;
use super::{ChatRequest, HttpRequest, ProviderConfig, ProviderKind};
use serde::Deserialize;
use std::cell::RefCell;

/// How long Ollama keeps a model loaded after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CacheStrategy {
    /// Keep in RAM: `keep_alive` 30m.
    #[default]
    Ram,
    /// Let it fall back to disk soon: 2m.
    Ssd,
    /// Unload right after the request: 0.
    None,
}

impl CacheStrategy {
    /// The `keep_alive` value sent with every request.
    pub fn keep_alive(self) -> &'static str {
        match self {
            CacheStrategy::Ram => "30m",
            CacheStrategy::Ssd => "2m",
            CacheStrategy::None => "0",
        }
    }
}

/// The set of warm models, least recently used first.
#[derive(Debug, Clone)]
pub struct HotSwap {
    /// Strategy.
    pub strategy: CacheStrategy,
    /// Most models kept loaded at once.
    pub max_models: usize,
    lru: Vec<String>,
}

impl HotSwap {
    /// A cache (max_models at least 1).
    pub fn new(strategy: CacheStrategy, max_models: usize) -> HotSwap {
        HotSwap {
            strategy,
            max_models: max_models.max(1),
            lru: Vec::new(),
        }
    }

    /// Marks `model` used; returns the `keep_alive` for its request and the models to unload first.
    pub fn touch(&mut self, model: &str) -> (&'static str, Vec<String>) {
        self.lru.retain(|m| m != model);
        let mut evict = Vec::new();
        if self.strategy != CacheStrategy::None {
            while self.lru.len() + 1 > self.max_models {
                evict.push(self.lru.remove(0));
            }
            self.lru.push(model.to_string());
        }
        (self.strategy.keep_alive(), evict)
    }

    /// Models believed loaded, least recently used first.
    pub fn loaded(&self) -> &[String] {
        &self.lru
    }
}

/// The request that unloads a model (`/api/chat` with no messages and `keep_alive: 0`), with
/// the provider's own headers (an Ollama behind an authenticating proxy needs them).
pub fn unload_request(cfg: &ProviderConfig, model: &str) -> HttpRequest {
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    headers.extend(cfg.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
    HttpRequest {
        url: format!("{}/api/chat", cfg.base()),
        headers,
        body: serde_json::json!({ "model": model, "messages": [], "keep_alive": 0 }).to_string(),
    }
}

/// Applies hot-swap to a request: sets its `keep_alive`, then unloads the least recently used
/// models over `maxModels`, oldest first, before the request is sent. Unloading is best effort:
/// a failed unload never fails the request (Ollama evicts by itself under memory pressure).
pub async fn apply<C: HttpClient>(
    hot: &RefCell<HotSwap>,
    client: &C,
    cfg: &ProviderConfig,
    req: &mut ChatRequest,
) {
    let (keep_alive, evict) = hot.borrow_mut().touch(&req.model);
    req.keep_alive = Some(keep_alive.to_string());
    let timeout = cfg.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    for model in evict {
        let unload = unload_request(cfg, &model);
        if let Ok(mut resp) = client.send(ProviderKind::Ollama, &unload, timeout).await {
            read_prefix(&mut resp.body, 64 << 10).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_eviction_and_keep_alive() {
        let mut h = HotSwap::new(CacheStrategy::Ram, 2);
        assert_eq!(h.touch("qwen2.5:7b"), ("30m", vec![]));
        assert_eq!(h.touch("llama3.1:8b"), ("30m", vec![]));
        assert_eq!(
            h.touch("qwen2.5:7b"),
            ("30m", vec![]),
            "re-use refreshes, no eviction"
        );
        assert_eq!(
            h.touch("deepseek-coder-v2:16b"),
            ("30m", vec!["llama3.1:8b".to_string()])
        );
        assert_eq!(h.loaded(), ["qwen2.5:7b", "deepseek-coder-v2:16b"]);
        let mut n = HotSwap::new(CacheStrategy::None, 2);
        assert_eq!(n.touch("a"), ("0", vec![]));
        assert!(n.loaded().is_empty());
        assert_eq!(HotSwap::new(CacheStrategy::Ssd, 1).touch("a").0, "2m");
    }
}
