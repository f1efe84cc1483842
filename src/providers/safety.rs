//! What keeps a provider's credentials where they belong and its answers bounded: the config
//! check (URL, timeouts, header names and values, bounds), the redirect refusal and the
//! bounded body reader. Pure.

use super::client::{Body, HttpResponse};
use super::ProviderConfig;
use crate::condense::MAX_TIMER_MS;
use crate::error::{Error, ErrorCode, ProviderDetails, Result};

/// True for an RFC 9110 token character (header names).
fn tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// A header value `fetch` accepts everywhere: visible ASCII, spaces and tabs (no CR, LF, NUL,
/// and nothing outside ASCII, which browsers and Node encode differently or reject).
fn header_value_ok(v: &str) -> bool {
    v.chars().all(|c| c == '\t' || (' '..='~').contains(&c))
}

fn positive_int(v: Option<f64>, what: &str) -> Result<()> {
    match v {
        Some(b) if !(b.is_finite() && b >= 1.0 && b.fract() == 0.0) => Err(Error::invalid_config(
            format!("{what} must be a positive whole number of bytes, got {b}"),
        )),
        _ => Ok(()),
    }
}

/// Error for a config that cannot work. Never echoes a secret: header values and the key are
/// described, not quoted.
pub fn check_config(cfg: &ProviderConfig) -> Result<()> {
    // the URL is never quoted back: a key pasted into it must not reach an error message
    if origin(&cfg.base_url).is_none() {
        return Err(Error::invalid_config(
            "baseUrl must be an http(s) URL such as 'https://api.openai.com/v1' (the value given does not start with http:// or https:// followed by a host)",
        ));
    }
    if authority(&cfg.base_url).contains('@') {
        return Err(Error::invalid_config(
            "baseUrl must not contain user:password@; pass the key as apiKey or in headers",
        ));
    }
    if let Some(t) = cfg.timeout_ms {
        if !(t.is_finite() && t > 0.0 && t <= MAX_TIMER_MS) {
            return Err(Error::invalid_config(format!(
                "timeoutMs must be a positive number of milliseconds up to {MAX_TIMER_MS}, got {t}"
            )));
        }
    }
    if let Some(k) = &cfg.api_key {
        if k.is_empty() || !header_value_ok(k) {
            return Err(Error::invalid_config(
                "apiKey must be a non-empty string of visible ASCII characters (no line breaks, nothing outside ASCII); check for a stray newline or quote when it was pasted",
            ));
        }
    }
    for (i, (name, v)) in cfg.headers.iter().enumerate() {
        if name.is_empty() || !name.chars().all(tchar) {
            // not quoted back: a misplaced 'Authorization: Bearer …' would carry the key
            return Err(Error::invalid_config(format!(
                "headers: name #{} (of {} characters) is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)",
                i + 1,
                name.chars().count()
            )));
        }
        if !header_value_ok(v) {
            return Err(Error::invalid_config(format!(
                "headers['{name}']: the value must be visible ASCII, spaces or tabs (no line breaks, nothing outside ASCII)"
            )));
        }
    }
    positive_int(cfg.max_response_bytes, "maxResponseBytes")?;
    positive_int(cfg.max_event_bytes, "maxEventBytes")?;
    Ok(())
}

/// The authority (`user@host:port`) of an http(s) URL, or "".
fn authority(url: &str) -> &str {
    let rest = url
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("https://"))
        .map(|_| &url[8..])
        .or_else(|| {
            url.get(..7)
                .filter(|p| p.eq_ignore_ascii_case("http://"))
                .map(|_| &url[7..])
        })
        .unwrap_or("");
    rest.split(['/', '?', '#']).next().unwrap_or("")
}

/// `scheme://host[:port]` of an http(s) URL (lower-cased), or `None`.
pub fn origin(url: &str) -> Option<String> {
    let scheme = if url
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    {
        "https"
    } else {
        "http"
    };
    let host = authority(url).rsplit('@').next().unwrap_or("");
    (!host.is_empty()).then(|| format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// The error for a redirect answer (3xx, or a browser's opaque redirect, status 0). Redirects
/// are never followed: the request carries the API key and headers, and the target may be
/// another origin.
pub fn redirect_error<B>(cfg: &ProviderConfig, resp: &HttpResponse<B>) -> Error {
    let provider = cfg.kind.as_str();
    let from = origin(&cfg.base_url).unwrap_or_default();
    let to = match resp.header("location") {
        Some(l) => format!(" to '{l}'"),
        None => " (the browser does not say where to)".into(),
    };
    let status = if resp.status == 0 {
        "a redirect".to_string()
    } else {
        format!("HTTP {}", resp.status)
    };
    Error::provider(
        ErrorCode::ProviderRedirect,
        format!(
            "{provider} at {from} answered {status}{to}; contextwise does not follow redirects, so the API key and headers never reach another address — set baseUrl to the final address"
        ),
        ProviderDetails {
            provider: provider.into(),
            status: (resp.status != 0).then_some(resp.status),
            retryable: false,
            retry_after: None,
        },
    )
}

/// True for a status that is a redirect (a browser's `opaqueredirect` response has status 0).
pub fn is_redirect(status: u16) -> bool {
    status == 0 || (300..400).contains(&status)
}

/// `RESPONSE_TOO_LARGE`.
pub fn too_large(provider: &str, what: &str, limit: usize, option: &str) -> Error {
    Error::provider(
        ErrorCode::ResponseTooLarge,
        format!(
            "the {provider} {what} is larger than {limit} bytes; it was cut off — raise `{option}` in createProvider if that is expected"
        ),
        ProviderDetails {
            provider: provider.into(),
            status: None,
            retryable: false,
            retry_after: None,
        },
    )
}

/// Reads a body to its end, or fails with `RESPONSE_TOO_LARGE` past `limit` bytes.
pub async fn read_bounded<B: Body>(body: &mut B, limit: usize, provider: &str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    while let Some(c) = body.next_chunk().await? {
        if out.len() + c.len() > limit {
            return Err(too_large(
                provider,
                "response body",
                limit,
                "maxResponseBytes",
            ));
        }
        out.extend_from_slice(&c);
    }
    Ok(out)
}

/// Reads at most `limit` bytes of an error body (enough for the provider's message).
pub async fn read_prefix<B: Body>(body: &mut B, limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < limit {
        match body.next_chunk().await {
            Ok(Some(c)) => out.extend_from_slice(&c[..c.len().min(limit - out.len())]),
            _ => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://API.example.com/v1").as_deref(),
            Some("https://api.example.com")
        );
        assert_eq!(
            origin("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin("http://user:pw@h:1/x").as_deref(),
            Some("http://h:1")
        );
        assert_eq!(origin("ftp://x"), None);
        assert_eq!(authority("HTTPS://u:p@h/x"), "u:p@h");
        assert_eq!(origin("https:///v1"), None);
    }

    #[test]
    fn header_values() {
        assert!(header_value_ok("Bearer sk-abc_DEF.123"));
        for bad in ["a\nb", "a\r\nb", "ключ", "a\0b"] {
            assert!(!header_value_ok(bad), "{bad:?}");
        }
    }
}
