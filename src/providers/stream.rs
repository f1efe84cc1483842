//! Incremental stream parsers: Server-Sent Events (OpenAI, Anthropic) and NDJSON (Ollama).
//!
//! Both take the response body in chunks split at any byte — inside a UTF-8 character, inside
//! a line — and produce the same events as if the body had arrived at once. Bytes are buffered
//! until a line is complete, so a character is decoded only when all its bytes are there.

use super::safety::too_large;
use crate::error::{Error, ErrorCode, ProviderDetails, Result};

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field (`None` for the default `message` type).
    pub event: Option<String>,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
}

/// Bytes buffered until a line is complete, with the scan position remembered so a long line
/// arriving in many chunks is scanned once (linear, not quadratic), and bounded: a line or event
/// over `max` bytes is `RESPONSE_TOO_LARGE`.
#[derive(Debug)]
struct LineBuffer {
    buf: Vec<u8>,
    start: usize,
    scanned: usize,
    max: usize,
}

impl LineBuffer {
    fn new(max: usize) -> Self {
        LineBuffer {
            buf: Vec::new(),
            start: 0,
            scanned: 0,
            max,
        }
    }

    fn push(&mut self, chunk: &[u8]) {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.scanned -= self.start;
            self.start = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// The next complete line (without `\n` / `\r\n`), or an error when the pending line is
    /// over the bound.
    fn next_line(&mut self, provider: &str) -> Result<Option<Vec<u8>>> {
        let from = self.scanned.max(self.start);
        match self.buf[from..].iter().position(|&b| b == b'\n') {
            Some(nl) => {
                let end = from + nl;
                if end - self.start > self.max {
                    return Err(too_large(
                        provider,
                        "stream line",
                        self.max,
                        "maxEventBytes",
                    ));
                }
                let mut line = self.buf[self.start..end].to_vec();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                self.start = end + 1;
                self.scanned = self.start;
                Ok(Some(line))
            }
            None => {
                self.scanned = self.buf.len();
                if self.buf.len() - self.start > self.max {
                    return Err(too_large(
                        provider,
                        "stream line",
                        self.max,
                        "maxEventBytes",
                    ));
                }
                Ok(None)
            }
        }
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    fn take_rest(&mut self) -> Vec<u8> {
        let rest = self.buf[self.start..].to_vec();
        *self = LineBuffer::new(self.max);
        rest
    }
}

/// The SSE parser (WHATWG event-stream rules: `data:`, `event:`, comments, blank-line dispatch).
#[derive(Debug)]
pub struct SseParser {
    lines: LineBuffer,
    event: Option<String>,
    data: Vec<String>,
    data_bytes: usize,
    has_data: bool,
}

impl Default for SseParser {
    fn default() -> Self {
        SseParser::new(crate::providers::DEFAULT_MAX_EVENT_BYTES)
    }
}

impl SseParser {
    /// A parser that refuses lines and events over `max` bytes.
    pub fn new(max: usize) -> Self {
        SseParser {
            lines: LineBuffer::new(max),
            event: None,
            data: Vec::new(),
            data_bytes: 0,
            has_data: false,
        }
    }

    /// Feeds a chunk; returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8], provider: &str) -> Result<Vec<SseEvent>> {
        self.lines.push(chunk);
        let mut out = Vec::new();
        while let Some(line) = self.lines.next_line(provider)? {
            let line = String::from_utf8_lossy(&line).into_owned();
            if line.is_empty() {
                if self.has_data {
                    out.push(SseEvent {
                        event: self.event.take(),
                        data: self.data.join("\n"),
                    });
                }
                self.data.clear();
                self.data_bytes = 0;
                self.has_data = false;
                self.event = None;
                continue;
            }
            if line.starts_with(':') {
                continue; // comment / keep-alive
            }
            let (field, value) = match line.find(':') {
                Some(i) => (
                    &line[..i],
                    line[i + 1..].strip_prefix(' ').unwrap_or(&line[i + 1..]),
                ),
                None => (line.as_str(), ""),
            };
            match field {
                "data" => {
                    self.data_bytes += value.len() + 1;
                    if self.data_bytes > self.lines.max {
                        return Err(too_large(
                            provider,
                            "stream event",
                            self.lines.max,
                            "maxEventBytes",
                        ));
                    }
                    self.data.push(value.to_string());
                    self.has_data = true;
                }
                "event" => self.event = Some(value.to_string()),
                _ => {}
            }
        }
        Ok(out)
    }

    /// True when the parser holds part of an event (the stream stopped mid-event).
    pub fn is_mid_event(&self) -> bool {
        self.has_data || !self.lines.pending().is_empty()
    }
}

/// The NDJSON parser: one JSON value per line.
#[derive(Debug)]
pub struct NdjsonParser {
    lines: LineBuffer,
}

impl Default for NdjsonParser {
    fn default() -> Self {
        NdjsonParser::new(crate::providers::DEFAULT_MAX_EVENT_BYTES)
    }
}

impl NdjsonParser {
    /// A parser that refuses lines over `max` bytes.
    pub fn new(max: usize) -> Self {
        NdjsonParser {
            lines: LineBuffer::new(max),
        }
    }

    /// Feeds a chunk; returns the values of the lines it completed.
    pub fn feed(&mut self, chunk: &[u8], provider: &str) -> Result<Vec<serde_json::Value>> {
        self.lines.push(chunk);
        let mut out = Vec::new();
        while let Some(line) = self.lines.next_line(provider)? {
            if line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            out.push(serde_json::from_slice(&line).map_err(|e| {
                parse_error(provider, &format!("invalid JSON line in the stream: {e}"))
            })?);
        }
        Ok(out)
    }

    /// The last line when the stream ended without a newline after it.
    pub fn finish(&mut self, provider: &str) -> Result<Option<serde_json::Value>> {
        let rest = self.lines.take_rest();
        if rest.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(None);
        }
        serde_json::from_slice(&rest).map(Some).map_err(|_| {
            Error::provider(
                ErrorCode::ProviderStreamCut,
                format!("the {provider} stream ended inside a line"),
                ProviderDetails {
                    provider: provider.into(),
                    retryable: true,
                    ..Default::default()
                },
            )
        })
    }
}

/// `PROVIDER_PARSE` for a provider.
pub fn parse_error(provider: &str, what: &str) -> Error {
    Error::provider(
        ErrorCode::ProviderParse,
        format!("{provider} answered in an unexpected format: {what}"),
        ProviderDetails {
            provider: provider.into(),
            retryable: false,
            ..Default::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_fields_comments_and_multiline_data() {
        let mut p = SseParser::default();
        let ev = p.feed(b": ping\n\nevent: message_start\ndata: {\"a\":1}\n\ndata: line1\ndata: line2\r\n\r\ndata:[DONE]\n\n", "openai").unwrap();
        assert_eq!(ev.len(), 3);
        assert_eq!(
            ev[0],
            SseEvent {
                event: Some("message_start".into()),
                data: "{\"a\":1}".into()
            }
        );
        assert_eq!(ev[1].data, "line1\nline2");
        assert_eq!(ev[2].data, "[DONE]");
        assert!(!p.is_mid_event());
        p.feed(b"data: {\"cut", "openai").unwrap();
        assert!(p.is_mid_event());
    }

    #[test]
    fn byte_splits_including_mid_utf8_parse_identically() {
        let body = "event: x\ndata: héllo 漢字 👍🏽\n\ndata: second\n\n".as_bytes();
        let whole = SseParser::default().feed(body, "openai").unwrap();
        for split in 0..body.len() {
            let mut p = SseParser::default();
            let mut ev = p.feed(&body[..split], "openai").unwrap();
            ev.extend(p.feed(&body[split..], "openai").unwrap());
            assert_eq!(ev, whole, "split at {split}");
        }
        let nd = b"{\"a\":\"\xc3\xa9\"}\n{\"b\":2}\n";
        for split in 0..nd.len() {
            let mut p = NdjsonParser::default();
            let mut v = p.feed(&nd[..split], "ollama").unwrap();
            v.extend(p.feed(&nd[split..], "ollama").unwrap());
            assert_eq!(v.len(), 2, "split at {split}");
            assert_eq!(v[0]["a"], "é");
        }
    }

    #[test]
    fn ndjson_errors() {
        let mut p = NdjsonParser::default();
        assert_eq!(
            p.feed(b"{bad}\n", "ollama").unwrap_err().code,
            ErrorCode::ProviderParse
        );
        let mut p = NdjsonParser::default();
        p.feed(b"{\"a\":", "ollama").unwrap();
        assert_eq!(
            p.finish("ollama").unwrap_err().code,
            ErrorCode::ProviderStreamCut
        );
    }

    #[test]
    fn lines_and_events_are_bounded() {
        // a line with no newline, arriving in many chunks: refused once past the bound
        let mut p = SseParser::new(1000);
        let chunk = [b'x'; 100];
        let mut err = None;
        for _ in 0..20 {
            if let Err(e) = p.feed(&chunk, "openai") {
                err = Some(e);
                break;
            }
        }
        assert_eq!(err.unwrap().code, ErrorCode::ResponseTooLarge);
        // many short data lines that add up to one huge event
        let mut p = SseParser::new(1000);
        let e = p
            .feed(&b"data: 0123456789\n".repeat(200), "anthropic")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResponseTooLarge);
        assert!(e.message.contains("maxEventBytes"), "{}", e.message);
        let mut n = NdjsonParser::new(10);
        assert_eq!(
            n.feed(b"{\"a\": \"0123456789\"}\n", "ollama")
                .unwrap_err()
                .code,
            ErrorCode::ResponseTooLarge
        );
        // within the bound, long lines split into many chunks parse as one
        let mut p = SseParser::new(1 << 20);
        let mut body = b"data: ".to_vec();
        body.extend(std::iter::repeat_n(b'y', 300_000));
        body.extend(b"\n\n");
        let mut ev = Vec::new();
        for c in body.chunks(7) {
            ev.extend(p.feed(c, "openai").unwrap());
        }
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].data.len(), 300_000);
    }
}
