//! The one error type of contextwise, with stable string codes.
//!
//! Every fallible call returns [`Error`]. At the JS boundary it becomes a real `Error` whose
//! `name` is `"ContextwiseError"` and whose `code` is one of [`ErrorCode`]'s stable strings.

use std::fmt;

/// Stable, documented error codes. The string form (`as_str`) never changes once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A model id that is neither built in nor registered.
    UnknownModel,
    /// An encoding name that contextwise does not know.
    UnknownEncoding,
    /// A synchronous call needs an encoding that has not been loaded yet.
    EncodingNotLoaded,
    /// Rank data that is truncated, corrupt or not in a format contextwise reads.
    InvalidRanks,
    /// A chat message that does not have the documented shape.
    InvalidMessage,
    /// A configuration object (thresholds, registry entry, cache size …) that is not valid.
    InvalidConfig,
    /// A function argument that is not valid (negative limit, non-string text, bad options …).
    InvalidArgument,
    /// A token id that the encoding does not contain.
    InvalidToken,
    /// Rank data could not be read or fetched (thrown by `loadEncoding` in JS).
    EncodingLoadFailed,
    /// A browser build was used before `await init()` (thrown by the JS entry point).
    NotInitialized,
    /// A summarizer (LLM) call failed; condensation records it and falls back.
    SummarizerFailed,
    /// A summarizer call took longer than `timeoutMs` (thrown inside the JS entry point's wrapper).
    SummarizerTimeout,
    /// The provider answered with an HTTP error status.
    ProviderHttp,
    /// The provider did not answer within the timeout.
    ProviderTimeout,
    /// The request could not reach the provider (DNS, connection refused, CORS …).
    ProviderNetwork,
    /// The provider's answer was not in its documented format (invalid JSON, missing fields).
    ProviderParse,
    /// A stream ended before its final event.
    ProviderStreamCut,
    /// The caller aborted the request.
    Aborted,
    /// The provider answered with a redirect; contextwise never follows one with credentials.
    ProviderRedirect,
    /// A response body or one stream event was larger than the configured bound.
    ResponseTooLarge,
    /// An input larger than the configured bound (`configureLimits`), refused before allocating.
    InputTooLarge,
    /// contextwise itself failed (the wasm instance trapped and was replaced).
    Internal,
    /// The storage is full (browser quota, disk); the message names what was not saved.
    StorageQuota,
    /// Another tab holds the database open on an older version and did not close it in time.
    StorageBlocked,
    /// The storage failed otherwise (the database's own error is in the message).
    StorageFailed,
    /// Other writers kept changing the same records; nothing was stored.
    StorageConflict,
    /// A stored record is not readable (changed outside contextwise).
    StorageCorrupt,
    /// The store was written by a newer contextwise, or upgraded by one in another tab.
    StorageVersion,
    /// A session id that is not (or no longer) stored.
    SessionNotFound,
    /// An export file that is not valid; nothing was imported.
    InvalidImport,
    /// A turn's prompt cannot fit the model's window even after condensation; nothing was sent.
    ContextOverflow,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 31] = [
        ErrorCode::UnknownModel,
        ErrorCode::UnknownEncoding,
        ErrorCode::EncodingNotLoaded,
        ErrorCode::InvalidRanks,
        ErrorCode::InvalidMessage,
        ErrorCode::InvalidConfig,
        ErrorCode::InvalidArgument,
        ErrorCode::InvalidToken,
        ErrorCode::EncodingLoadFailed,
        ErrorCode::NotInitialized,
        ErrorCode::SummarizerFailed,
        ErrorCode::SummarizerTimeout,
        ErrorCode::ProviderHttp,
        ErrorCode::ProviderTimeout,
        ErrorCode::ProviderNetwork,
        ErrorCode::ProviderParse,
        ErrorCode::ProviderStreamCut,
        ErrorCode::Aborted,
        ErrorCode::ProviderRedirect,
        ErrorCode::ResponseTooLarge,
        ErrorCode::InputTooLarge,
        ErrorCode::Internal,
        ErrorCode::StorageQuota,
        ErrorCode::StorageBlocked,
        ErrorCode::StorageFailed,
        ErrorCode::StorageConflict,
        ErrorCode::StorageCorrupt,
        ErrorCode::StorageVersion,
        ErrorCode::SessionNotFound,
        ErrorCode::InvalidImport,
        ErrorCode::ContextOverflow,
    ];

    /// The code of a stable string, e.g. `"PROVIDER_HTTP"`.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The stable string code, e.g. `"ENCODING_NOT_LOADED"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::UnknownModel => "UNKNOWN_MODEL",
            ErrorCode::UnknownEncoding => "UNKNOWN_ENCODING",
            ErrorCode::EncodingNotLoaded => "ENCODING_NOT_LOADED",
            ErrorCode::InvalidRanks => "INVALID_RANKS",
            ErrorCode::InvalidMessage => "INVALID_MESSAGE",
            ErrorCode::InvalidConfig => "INVALID_CONFIG",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::InvalidToken => "INVALID_TOKEN",
            ErrorCode::EncodingLoadFailed => "ENCODING_LOAD_FAILED",
            ErrorCode::NotInitialized => "NOT_INITIALIZED",
            ErrorCode::SummarizerFailed => "SUMMARIZER_FAILED",
            ErrorCode::SummarizerTimeout => "SUMMARIZER_TIMEOUT",
            ErrorCode::ProviderHttp => "PROVIDER_HTTP",
            ErrorCode::ProviderTimeout => "PROVIDER_TIMEOUT",
            ErrorCode::ProviderNetwork => "PROVIDER_NETWORK",
            ErrorCode::ProviderParse => "PROVIDER_PARSE",
            ErrorCode::ProviderStreamCut => "PROVIDER_STREAM_CUT",
            ErrorCode::Aborted => "ABORTED",
            ErrorCode::ProviderRedirect => "PROVIDER_REDIRECT",
            ErrorCode::ResponseTooLarge => "RESPONSE_TOO_LARGE",
            ErrorCode::InputTooLarge => "INPUT_TOO_LARGE",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::StorageQuota => "STORAGE_QUOTA",
            ErrorCode::StorageBlocked => "STORAGE_BLOCKED",
            ErrorCode::StorageFailed => "STORAGE_FAILED",
            ErrorCode::StorageConflict => "STORAGE_CONFLICT",
            ErrorCode::StorageCorrupt => "STORAGE_CORRUPT",
            ErrorCode::StorageVersion => "STORAGE_VERSION",
            ErrorCode::SessionNotFound => "SESSION_NOT_FOUND",
            ErrorCode::InvalidImport => "INVALID_IMPORT",
            ErrorCode::ContextOverflow => "CONTEXT_OVERFLOW",
        }
    }
}

/// Details of a provider error (`status`, `provider`, `retryable` on the JS error).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderDetails {
    /// Provider kind (`openai`, `anthropic`, `ollama`).
    pub provider: String,
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    /// True when retrying may succeed (network errors, timeouts, 429, 5xx).
    pub retryable: bool,
    /// Seconds the provider asked to wait (`Retry-After`).
    pub retry_after: Option<f64>,
}

/// An error with a stable code and a message that says what was wrong and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// A human-readable explanation, including what to do about it.
    pub message: String,
    /// Set for provider errors.
    pub provider: Option<ProviderDetails>,
}

impl Error {
    /// Builds an error from a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            provider: None,
        }
    }
    /// A provider error.
    pub fn provider(code: ErrorCode, message: impl Into<String>, details: ProviderDetails) -> Self {
        Error {
            code,
            message: message.into(),
            provider: Some(details),
        }
    }
    /// True when a provider error may succeed on retry.
    pub fn retryable(&self) -> bool {
        self.provider.as_ref().is_some_and(|p| p.retryable)
    }
    /// `INVALID_ARGUMENT`.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message)
    }
    /// `INVALID_MESSAGE`.
    pub fn invalid_message(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidMessage, message)
    }
    /// `INVALID_CONFIG`.
    pub fn invalid_config(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidConfig, message)
    }
}

impl Error {
    /// The same error with every occurrence of each secret (an API key, a header value) in its
    /// message replaced by `[redacted]`. Secrets shorter than 4 characters are left alone (they
    /// would redact ordinary words); JSON-escaped forms are redacted too.
    pub fn redact(mut self, secrets: &[&str]) -> Self {
        self.message = redact(&self.message, secrets);
        self
    }
}

/// `text` with every occurrence of each secret of 4 characters or more (and its JSON-escaped
/// form) replaced by `[redacted]`.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(s, "[redacted]");
        let escaped = serde_json::to_string(s).unwrap_or_default();
        let escaped = escaped.trim_matches('"');
        if escaped != *s && escaped.len() >= 4 {
            out = out.replace(escaped, "[redacted]");
        }
    }
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// Result alias used across the crate.
pub type Result<T> = std::result::Result<T, Error>;
