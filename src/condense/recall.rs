//! The recall tool: what condensation evicted stays searchable. The evicted original messages
//! are split into passages and indexed (BM25); a model that sees a condensed context may call
//! the tool [`TOOL_NAME`] with a query and gets the best passages back with the ids of the
//! messages they came from, so a summary that lost a detail does not lose it for good.

use super::text::{is_stopword, sentences, words};
use crate::messages::Message;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The tool's function name.
pub const TOOL_NAME: &str = "contextwise_recall";

/// Longest passage, in characters (a paragraph or a run of sentences).
const PASSAGE_CHARS: usize = 700;
/// Passages returned by default.
pub const DEFAULT_LIMIT: usize = 5;
/// Passages scoring below this share of the best one are left out.
const MIN_SHARE_OF_BEST: f64 = 0.2;
/// Most characters of passages one answer carries.
const ANSWER_CHARS: usize = 6_000;

/// The tool definition, in the OpenAI chat shape (`{ type: 'function', function: { … } }`);
/// the providers convert it for Anthropic and Ollama.
pub fn tool_definition() -> Value {
    json!({
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": "Search the earlier part of this conversation, which was condensed out of your context \
                            (the summary and facts above stand for it). Returns the original passages that best \
                            match the query, each with the number of the message it came from. Use it when a detail \
                            you need (a name, number, identifier, decision, file, date) is not in your context.",
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {
                        "type": "string",
                        "description": "What to look for: the words or identifiers the passage would contain."
                    }
                },
                "required": ["query"],
                "additionalProperties": false
            }
        }
    })
}

/// One passage found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Passage {
    /// The original text.
    pub text: String,
    /// Ids of the messages it came from (indices in the condensed messages, or stored sequence
    /// numbers in a session).
    pub message_ids: Vec<u64>,
    /// Role of that message.
    pub role: String,
    /// BM25 score (higher is better).
    pub score: f64,
}

struct Doc {
    id: u64,
    role: &'static str,
    text: String,
    len: u32,
}

/// A BM25 index over passages of evicted messages.
#[derive(Default)]
pub struct RecallIndex {
    docs: Vec<Doc>,
    postings: HashMap<String, Vec<(u32, u32)>>,
    avg_len: f64,
}

/// Search terms of a text: its words, and the parts of identifiers (`DEP-77431` is found by
/// `dep-77431`, `77431` and `dep`; `billing_service` by `billing`).
fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in words(text) {
        if w.contains(['-', '_', '.', '/', ':']) {
            for p in w.split(['-', '_', '.', '/', ':']).filter(|p| !p.is_empty()) {
                out.push(p.to_string());
            }
        }
        out.push(w);
    }
    out
}

/// Splits a message's text into passages of at most about [`PASSAGE_CHARS`]: paragraphs,
/// long ones cut at sentence ends (the original text, as written).
fn passages(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for para in text.split("\n\n") {
        // byte range of the passage being built, within `para`
        let mut cur: Option<(usize, usize)> = None;
        for s in sentences(para) {
            let at = s.as_ptr() as usize - para.as_ptr() as usize;
            let end = at + s.len();
            if let Some((a, e)) = cur {
                if end - a <= PASSAGE_CHARS {
                    cur = Some((a, end));
                    continue;
                }
                out.push(para[a..e].trim().to_string());
                cur = None;
            }
            if s.len() > PASSAGE_CHARS {
                // one very long sentence or code block: cut at character boundaries
                let chars: Vec<char> = s.chars().collect();
                for chunk in chars.chunks(PASSAGE_CHARS) {
                    out.push(chunk.iter().collect());
                }
                continue;
            }
            cur = Some((at, end));
        }
        if let Some((a, e)) = cur {
            out.push(para[a..e].trim().to_string());
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

impl RecallIndex {
    /// Indexes messages, each with the id it is reported by.
    pub fn new<'a>(messages: impl IntoIterator<Item = (u64, &'a Message)>) -> RecallIndex {
        let mut ix = RecallIndex::default();
        let mut total = 0u64;
        for (id, m) in messages {
            for p in passages(&m.text()) {
                let d = ix.docs.len() as u32;
                let ts = terms(&p);
                let mut tf: HashMap<&str, u32> = HashMap::new();
                for t in &ts {
                    *tf.entry(t.as_str()).or_default() += 1;
                }
                for (t, n) in tf {
                    ix.postings.entry(t.to_string()).or_default().push((d, n));
                }
                total += ts.len() as u64;
                ix.docs.push(Doc {
                    id,
                    role: m.role.as_str(),
                    text: p,
                    len: ts.len() as u32,
                });
            }
        }
        ix.avg_len = if ix.docs.is_empty() {
            1.0
        } else {
            (total as f64 / ix.docs.len() as f64).max(1.0)
        };
        ix
    }

    /// Number of passages indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when nothing was indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The best passages for `query` (at most `limit`, and at most about 6,000 characters in
    /// all), best first; none when no query term occurs.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Passage> {
        const K1: f64 = 1.2;
        const B: f64 = 0.75;
        let n = self.docs.len() as f64;
        let mut q = terms(query);
        // words such as "the" or "what" match everything and rank nothing
        if q.iter().any(|t| !is_stopword(t)) {
            q.retain(|t| !is_stopword(t));
        }
        q.sort();
        q.dedup();
        let mut scores: HashMap<u32, f64> = HashMap::new();
        for t in &q {
            let Some(post) = self.postings.get(t) else {
                continue;
            };
            let df = post.len() as f64;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(d, tf) in post {
                let len = self.docs[d as usize].len as f64;
                let tf = tf as f64;
                *scores.entry(d).or_default() +=
                    idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / self.avg_len));
            }
        }
        let mut ranked: Vec<(u32, f64)> = scores.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut out = Vec::new();
        let mut chars = 0;
        let best = ranked.first().map_or(0.0, |r| r.1);
        for (d, score) in ranked.into_iter().take(limit.max(1)) {
            // far weaker matches than the best one are noise
            if score < best * MIN_SHARE_OF_BEST {
                break;
            }
            let doc = &self.docs[d as usize];
            if !out.is_empty() && chars + doc.text.len() > ANSWER_CHARS {
                break;
            }
            chars += doc.text.len();
            out.push(Passage {
                text: doc.text.clone(),
                message_ids: vec![doc.id],
                role: doc.role.to_string(),
                score,
            });
        }
        out
    }
}

/// The tool result the model reads: each passage with its message number and role.
pub fn answer_text(query: &str, found: &[Passage]) -> String {
    if found.is_empty() {
        return format!("No earlier message matches \"{query}\".");
    }
    found
        .iter()
        .map(|p| {
            let ids = p
                .message_ids
                .iter()
                .map(|i| format!("#{i}"))
                .collect::<Vec<_>>()
                .join(",");
            format!("[{ids} {}] {}", p.role, p.text)
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The `query` argument of a recall call's JSON arguments.
pub fn query_of(arguments: &str) -> Option<String> {
    let v: Value = serde_json::from_str(arguments).ok()?;
    v.get("query")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::parse_messages;

    #[test]
    fn finds_identifiers_and_words_with_their_message() {
        let m = parse_messages(&json!([
            {"role": "user", "content": "The weather was fine.\n\nThe deploy ID is DEP-77431, keep it handy."},
            {"role": "assistant", "content": "Noted. Billing uses a token bucket of 120 requests per minute."},
            {"role": "user", "content": "Unrelated chatter about lunch and coffee."},
        ]))
        .unwrap();
        let ix = RecallIndex::new(m.iter().enumerate().map(|(i, m)| (i as u64 + 10, m)));
        let hit = ix.search("what was the deploy id?", 3);
        assert_eq!(hit[0].message_ids, vec![10]);
        assert!(hit[0].text.contains("DEP-77431"), "{hit:?}");
        assert_eq!(ix.search("77431", 1)[0].message_ids, vec![10]);
        let rate = ix.search("billing rate limit", 1);
        assert!(rate[0].text.contains("120 requests"), "{rate:?}");
        assert_eq!(rate[0].role, "assistant");
        assert!(ix.search("zebra", 3).is_empty());
        assert!(answer_text("x", &rate).starts_with("[#11 assistant] Noted."));
        assert_eq!(
            query_of(r#"{"query":"deploy id"}"#).as_deref(),
            Some("deploy id")
        );
        assert_eq!(query_of("not json"), None);
    }

    #[test]
    fn long_text_is_cut_into_passages() {
        let long = "A sentence about nothing much. ".repeat(100);
        let p = passages(&long);
        assert!(
            p.len() > 3 && p.iter().all(|p| p.len() <= PASSAGE_CHARS),
            "{}",
            p.len()
        );
        assert!(p.iter().all(|p| long.contains(p.as_str())), "verbatim");
        let lines = "First line\nsecond line.\n\nNext paragraph.";
        assert_eq!(
            passages(lines),
            vec!["First line\nsecond line.", "Next paragraph."]
        );
        let one = "x".repeat(2000);
        assert!(passages(&one)
            .iter()
            .all(|p| p.chars().count() <= PASSAGE_CHARS));
    }
}
