//! The fallback chain of a routed call: each model of the decision in order; a retryable failure
//! (after the provider's own retries) moves on to the next model, any other failure stops, and
//! every attempt is recorded. Pure: the caller of one model is a trait.

use crate::error::{Error, ErrorCode};
use serde::Serialize;
use std::future::Future;

/// One model tried.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct Attempt {
    /// The model.
    pub model: String,
    /// True when it answered.
    pub ok: bool,
    /// The error code when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The error message when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Calls one model through the caller's provider for its registry provider name.
pub trait ModelCaller {
    /// A model's answer.
    type Answer;
    /// True when a provider is given for `provider` (a registry provider name).
    fn has_provider(&self, provider: &str) -> bool;
    /// Calls `model` through the provider for `provider`.
    fn call(
        &self,
        model: &str,
        provider: &str,
    ) -> impl Future<Output = Result<Self::Answer, Error>>;
}

/// The outcome of a chain: the answer and the model that gave it, or the error that ended it;
/// every attempt either way.
#[derive(Debug)]
pub struct Routed<A> {
    /// The answer with the model and provider that gave it, or the error that ended the chain.
    pub outcome: Result<(A, String, String), Error>,
    /// Every model tried, in order.
    pub attempts: Vec<Attempt>,
}

fn failed(model: &str, e: &Error) -> Attempt {
    Attempt {
        model: model.to_string(),
        ok: false,
        code: Some(e.code.as_str().to_string()),
        message: Some(e.message.clone()),
    }
}

/// Tries `chain` (model id, provider name) in order.
pub async fn call_chain<C: ModelCaller>(
    chain: &[(String, String)],
    caller: &C,
) -> Routed<C::Answer> {
    let mut attempts = Vec::new();
    let mut last: Option<Error> = None;
    for (model, provider) in chain {
        if !caller.has_provider(provider) {
            let e = Error::invalid_config(format!("no provider given for '{provider}'"));
            attempts.push(failed(model, &e));
            continue;
        }
        match caller.call(model, provider).await {
            Ok(answer) => {
                attempts.push(Attempt {
                    model: model.clone(),
                    ok: true,
                    code: None,
                    message: None,
                });
                return Routed {
                    outcome: Ok((answer, model.clone(), provider.clone())),
                    attempts,
                };
            }
            Err(e) => {
                attempts.push(failed(model, &e));
                if !e.retryable() {
                    return Routed {
                        outcome: Err(e),
                        attempts,
                    };
                }
                last = Some(e);
            }
        }
    }
    let e = last.unwrap_or_else(|| {
        Error::new(
            ErrorCode::InvalidConfig,
            "no model of the fallback chain has a provider; pass providers keyed by registry provider name ({ openai: createProvider(…), … })",
        )
    });
    Routed {
        outcome: Err(e),
        attempts,
    }
}
