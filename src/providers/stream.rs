//! Incremental stream parsers: Server-Sent Events (OpenAI, Anthropic) and NDJSON (Ollama).
//!
//! Both take the response body in chunks split at any byte — inside a UTF-8 character, inside
//! a line — and produce the same events as if the body had arrived at once. Bytes are buffered
//! until a line is complete, so a character is decoded only when all its bytes are there.

use crate::error::{Error, ErrorCode, ProviderDetails, Result};

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field (`None` for the default `message` type).
    pub event: Option<String>,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
}

fn take_line(buf: &[u8], start: &mut usize) -> Option<Vec<u8>> {
    let rest = &buf[*start..];
    let nl = rest.iter().position(|&b| b == b'\n')?;
    let mut line = rest[..nl].to_vec();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    *start += nl + 1;
    Some(line)
}

fn compact(buf: &mut Vec<u8>, start: &mut usize) {
    if *start > 0 {
        buf.drain(..*start);
        *start = 0;
    }
}

/// The SSE parser (WHATWG event-stream rules: `data:`, `event:`, comments, blank-line dispatch).
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    event: Option<String>,
    data: Vec<String>,
    has_data: bool,
}

impl SseParser {
    /// Feeds a chunk; returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        let mut start = 0;
        while let Some(line) = take_line(&self.buf, &mut start) {
            let line = String::from_utf8_lossy(&line).into_owned();
            if line.is_empty() {
                if self.has_data {
                    out.push(SseEvent {
                        event: self.event.take(),
                        data: self.data.join("\n"),
                    });
                }
                self.data.clear();
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
                    self.data.push(value.to_string());
                    self.has_data = true;
                }
                "event" => self.event = Some(value.to_string()),
                _ => {}
            }
        }
        compact(&mut self.buf, &mut start);
        out
    }

    /// True when the parser holds part of an event (the stream stopped mid-event).
    pub fn is_mid_event(&self) -> bool {
        self.has_data || !self.buf.is_empty()
    }
}

/// The NDJSON parser: one JSON value per line.
#[derive(Debug, Default)]
pub struct NdjsonParser {
    buf: Vec<u8>,
}

impl NdjsonParser {
    /// Feeds a chunk; returns the values of the lines it completed.
    pub fn feed(&mut self, chunk: &[u8], provider: &str) -> Result<Vec<serde_json::Value>> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        let mut start = 0;
        while let Some(line) = take_line(&self.buf, &mut start) {
            if line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            out.push(serde_json::from_slice(&line).map_err(|e| {
                parse_error(provider, &format!("invalid JSON line in the stream: {e}"))
            })?);
        }
        compact(&mut self.buf, &mut start);
        Ok(out)
    }

    /// The last line when the stream ended without a newline after it.
    pub fn finish(&mut self, provider: &str) -> Result<Option<serde_json::Value>> {
        let rest = std::mem::take(&mut self.buf);
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
        let ev = p.feed(b": ping\n\nevent: message_start\ndata: {\"a\":1}\n\ndata: line1\ndata: line2\r\n\r\ndata:[DONE]\n\n");
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
        p.feed(b"data: {\"cut");
        assert!(p.is_mid_event());
    }

    #[test]
    fn byte_splits_including_mid_utf8_parse_identically() {
        let body = "event: x\ndata: héllo 漢字 👍🏽\n\ndata: second\n\n".as_bytes();
        let whole = SseParser::default().feed(body);
        for split in 0..body.len() {
            let mut p = SseParser::default();
            let mut ev = p.feed(&body[..split]);
            ev.extend(p.feed(&body[split..]));
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
}
