//! Retries: exponential backoff with jitter on retryable errors (network, timeout, 429, 5xx),
//! honouring `Retry-After`, within a bounded retry count and time budget.

use crate::error::Error;

/// When and how long to wait before retrying.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// First backoff delay.
    pub base_ms: f64,
    /// Largest backoff delay (a longer `Retry-After` still wins, within the budget).
    pub max_delay_ms: f64,
    /// Total time all attempts and waits may take.
    pub budget_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 2,
            base_ms: 500.0,
            max_delay_ms: 20_000.0,
            budget_ms: 120_000.0,
        }
    }
}

impl RetryPolicy {
    /// The delay before the next attempt, or `None` to give up. `retries_done` counts retries so
    /// far, `elapsed_ms` the time since the first attempt, `rand` is uniform in [0, 1).
    pub fn delay(&self, retries_done: u32, err: &Error, elapsed_ms: f64, rand: f64) -> Option<f64> {
        if !err.retryable() || retries_done >= self.retries {
            return None;
        }
        let backoff = (self.base_ms * 2f64.powi(retries_done as i32)).min(self.max_delay_ms);
        let jittered = backoff * (0.5 + 0.5 * rand.clamp(0.0, 1.0));
        let wait = match err.provider.as_ref().and_then(|p| p.retry_after) {
            Some(s) => (s * 1000.0).max(jittered.min(s * 1000.0)),
            None => jittered,
        };
        (elapsed_ms + wait <= self.budget_ms).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::errors::{http_error, network};

    #[test]
    fn backoff_grows_with_jitter_and_honours_retry_after() {
        let p = RetryPolicy {
            retries: 3,
            ..Default::default()
        };
        let e = network("openai", "refused");
        assert_eq!(p.delay(0, &e, 0.0, 0.0), Some(250.0));
        assert_eq!(p.delay(0, &e, 0.0, 1.0), Some(500.0));
        assert_eq!(p.delay(2, &e, 0.0, 1.0), Some(2000.0));
        assert_eq!(p.delay(3, &e, 0.0, 1.0), None, "retries exhausted");
        let limited = http_error("openai", 429, Some(7.0), "");
        assert_eq!(p.delay(0, &limited, 0.0, 0.5), Some(7000.0));
        assert_eq!(
            p.delay(0, &http_error("openai", 400, None, ""), 0.0, 0.5),
            None,
            "no retry on 4xx"
        );
        assert_eq!(p.delay(0, &limited, 115_000.0, 0.5), None, "budget");
    }
}
