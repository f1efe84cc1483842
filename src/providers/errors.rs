//! Mapping provider failures to typed errors: status, provider, retryable, the provider's own
//! message — never the API key (requests are not echoed into errors).

use crate::error::{Error, ErrorCode, ProviderDetails};
use serde_json::Value;

/// True for statuses worth retrying: 408, 409, 425, 429 and every 5xx (Anthropic's 529 included).
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 425 | 429) || status >= 500
}

/// The provider's own error message from a JSON error body (OpenAI `error.message`, Anthropic
/// `error.message`, Ollama `error`), or the start of the body.
pub fn provider_message(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        if let Some(m) = v.pointer("/error/message").and_then(Value::as_str) {
            return m.to_string();
        }
        if let Some(m) = v.get("error").and_then(Value::as_str) {
            return m.to_string();
        }
        if let Some(m) = v.get("message").and_then(Value::as_str) {
            return m.to_string();
        }
    }
    let b: String = body.chars().take(300).collect();
    if b.trim().is_empty() {
        "(empty body)".into()
    } else {
        b
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Seconds to wait from a `Retry-After` value: delay-seconds, or an HTTP date relative to `now_ms`.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let v = value.trim();
    if let Ok(s) = v.parse::<f64>() {
        return (s.is_finite() && s >= 0.0).then_some(s);
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    let parts: Vec<&str> = v.split_whitespace().collect();
    if parts.len() != 6 {
        return None;
    }
    // bounded fields, so a hostile date cannot overflow the arithmetic below
    let day: i64 = parts[1].parse().ok().filter(|d| (1..=31).contains(d))?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])? as i64
        + 1;
    let year: i64 = parts[3]
        .parse()
        .ok()
        .filter(|y| (1970..=9999).contains(y))?;
    let hms: Vec<i64> = parts[4]
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<Vec<_>>>()?;
    if hms.len() != 3
        || !(0..24).contains(&hms[0])
        || !(0..60).contains(&hms[1])
        || !(0..=60).contains(&hms[2])
    {
        return None;
    }
    let epoch = days_from_civil(year, month, day) * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
    Some(((epoch as f64) - now_ms / 1000.0).max(0.0))
}

/// The error for an HTTP error status.
pub fn http_error(provider: &str, status: u16, retry_after: Option<f64>, body: &str) -> Error {
    let msg = provider_message(body);
    let hint = match status {
        401 | 403 => "check the API key and its permissions",
        404 => "check the base URL and the model id",
        408 | 425 | 429 => "the provider is rate limiting; it was retried with backoff",
        400 | 413 | 422 => "the provider rejected the request; fix the request (for context-size errors, condense first)",
        s if s >= 500 => "the provider failed; it was retried with backoff",
        _ => "see the provider's message",
    };
    Error::provider(
        ErrorCode::ProviderHttp,
        format!("{provider} answered HTTP {status}: {msg} — {hint}"),
        ProviderDetails {
            provider: provider.into(),
            status: Some(status),
            retryable: retryable_status(status),
            retry_after,
        },
    )
}

/// An error event inside a stream.
pub fn stream_error(provider: &str, msg: &str) -> Error {
    Error::provider(
        ErrorCode::ProviderHttp,
        format!("{provider} sent an error in the stream: {msg}"),
        ProviderDetails {
            provider: provider.into(),
            status: None,
            retryable: false,
            retry_after: None,
        },
    )
}

/// A stream that ended before its final event.
pub fn stream_cut(provider: &str) -> Error {
    Error::provider(
        ErrorCode::ProviderStreamCut,
        format!("the {provider} stream ended before its final event; the partial answer is not complete"),
        ProviderDetails { provider: provider.into(), status: None, retryable: true, retry_after: None },
    )
}

/// The connection broke while the body was being read.
pub fn body_cut(provider: &str, what: &str) -> Error {
    Error::provider(
        ErrorCode::ProviderStreamCut,
        format!("the {provider} response was cut off while it was being read ({what}); the partial answer is not complete"),
        ProviderDetails { provider: provider.into(), status: None, retryable: true, retry_after: None },
    )
}

/// A request that did not finish within `timeout_ms`.
pub fn timeout(provider: &str, timeout_ms: f64) -> Error {
    Error::provider(
        ErrorCode::ProviderTimeout,
        format!("{provider} did not answer within {timeout_ms} ms; raise timeoutMs or try again"),
        ProviderDetails {
            provider: provider.into(),
            status: None,
            retryable: true,
            retry_after: None,
        },
    )
}

/// A request that could not reach the provider.
pub fn network(provider: &str, what: &str) -> Error {
    Error::provider(
        ErrorCode::ProviderNetwork,
        format!("could not reach {provider}: {what} — check the base URL, the network and (in browsers) CORS"),
        ProviderDetails { provider: provider.into(), status: None, retryable: true, retry_after: None },
    )
}

/// The caller aborted.
pub fn aborted(provider: &str) -> Error {
    Error::provider(
        ErrorCode::Aborted,
        format!("the {provider} request was aborted by the caller"),
        ProviderDetails {
            provider: provider.into(),
            status: None,
            retryable: false,
            retry_after: None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_messages_and_retry_after() {
        let e = http_error(
            "openai",
            429,
            Some(2.0),
            r#"{"error":{"message":"Rate limit reached","type":"requests"}}"#,
        );
        assert_eq!(e.code, ErrorCode::ProviderHttp);
        assert!(
            e.retryable() && e.message.contains("Rate limit reached") && e.message.contains("429")
        );
        let e = http_error(
            "anthropic",
            400,
            None,
            r#"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: field required"}}"#,
        );
        assert!(!e.retryable() && e.message.contains("max_tokens: field required"));
        assert!(http_error("anthropic", 529, None, "").retryable());
        assert_eq!(parse_retry_after("3", 0.0), Some(3.0));
        assert_eq!(parse_retry_after("1.5", 0.0), Some(1.5));
        // 784111777 = Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_770_000.0),
            Some(7.0)
        );
        assert_eq!(parse_retry_after("soon", 0.0), None);
        // hostile dates: no overflow (debug builds would panic), just no answer
        for v in [
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
            "Sun, -9223372036854775808 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 99999999999:49:37 GMT",
            "Sun, 06 Nov 1994 08:-9223372036854775808:37 GMT",
        ] {
            assert_eq!(parse_retry_after(v, 0.0), None, "{v}");
        }
        assert_eq!(parse_retry_after("1e308", 0.0), Some(1e308));
    }
}
