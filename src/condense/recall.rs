//! The recall tool: what condensation evicted stays searchable. The evicted original messages
//! are split into passages and indexed (BM25); a model that sees a condensed context may call
//! the tool [`TOOL_NAME`] with a query and gets the best passages back with the ids of the
//! messages they came from, so a summary that lost a detail does not lose it for good.

use super::answer;
use super::extractive::actions_and_outcomes;
use super::text::{is_stopword, raw_words, sentences, sheet_line, sheet_rows, unspaced};
use crate::messages::Message;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The tool's function name.
pub const TOOL_NAME: &str = "contextwise_recall";

/// Longest passage, in characters (a paragraph or a run of sentences).
const PASSAGE_CHARS: usize = 700;
/// Passages returned by default.
pub const DEFAULT_LIMIT: usize = 8;
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
    /// The participant's own words (not pasted material or tool output).
    said: bool,
    /// Index of its message in [`RecallIndex::msgs`].
    msg: u32,
}

/// One indexed message: its passages and whether any of them are its author's own words.
struct Msg {
    docs: std::ops::Range<u32>,
    role: &'static str,
    tool: bool,
    said: bool,
}

/// A question found comes with what the other side said in its next messages — at most this
/// many of them, within [`REPLY_WINDOW`] messages, and about [`REPLY_CHARS`] characters (see
/// [`RecallIndex::replies`]).
const REPLY_MESSAGES: usize = 3;
const REPLY_WINDOW: usize = 12;
/// Most characters of a reply that come with a question found.
const REPLY_CHARS: usize = 700;
/// Passages shorter than this many terms are scored as if they had it (a lone heading or a
/// two-word line would otherwise outrank every paragraph that shares one word with the query).
const MIN_SCORED_LEN: f64 = 12.0;

/// Candidates re-ranked by the kind of answer they hold (see [`answer`]).
const RERANK: usize = 60;
/// Weight of a prefix term (see [`prefix`]) against a whole word.
const PREFIX_WEIGHT: f64 = 0.5;
/// Weight of a word related to a query word (see [`answer::related`]) against the word itself.
const RELATED_WEIGHT: f64 = 0.5;
/// How much more a passage weighs when it holds the kind of answer the question asks for.
const ANSWER_BOOST: f64 = 2.5;

/// How much more a passage of a participant's own words weighs than pasted material.
const SAID_WEIGHT: f64 = 2.0;

/// A BM25 index over passages of evicted messages.
#[derive(Default)]
pub struct RecallIndex {
    docs: Vec<Doc>,
    msgs: Vec<Msg>,
    postings: HashMap<String, Vec<(u32, u32)>>,
    avg_len: f64,
}

/// Search terms of a text: its words, and the parts of identifiers (`DEP-77431` is found by
/// `dep-77431`, `77431` and `dep`; `billing_service` by `billing`).
fn terms(text: &str) -> Vec<String> {
    terms_and_names(text).0
}

/// [`terms`], and how many of them are the words of camelCase names (`checkDnssecChain` is
/// found by "check" and "dnssec"): each such word once, and only where the text does not say
/// it anyway (`error = ValueError` is no more about errors for its capital E).
fn terms_and_names(text: &str) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let mut humps: Vec<String> = Vec::new();
    for raw in raw_words(text) {
        let parts = camel_parts(raw);
        if parts.len() > 1 {
            for p in parts {
                let p = p.to_lowercase();
                humps.extend(prefix(&p));
                humps.push(stem(&p));
            }
        }
        let w = raw.to_lowercase();
        // scripts written without spaces (Chinese, Japanese, Thai, …): overlapping character pairs
        if w.chars().any(unspaced) {
            let chars: Vec<char> = w.chars().collect();
            for pair in chars.windows(2) {
                out.push(pair.iter().collect());
            }
            if chars.len() == 1 {
                out.push(w);
            }
            continue;
        }
        if w.contains(['-', '_', '.', '/', ':']) {
            for p in w.split(['-', '_', '.', '/', ':']).filter(|p| !p.is_empty()) {
                out.push(stem(p));
                out.extend(prefix(p));
            }
        } else {
            out.extend(prefix(&w));
        }
        out.push(stem(&w));
    }
    humps.sort();
    humps.dedup();
    humps.retain(|h| !out.contains(h));
    let names = humps.iter().filter(|h| !h.ends_with('~')).count();
    out.extend(humps);
    (out, names)
}

/// The parts of a camelCase or PascalCase name, split where a lower-case letter meets a capital
/// (`checkDnssecChain` → check, Dnssec, Chain); the word itself when it has no such hump.
fn camel_parts(w: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut prev_lower = false;
    for (i, c) in w.char_indices() {
        if c.is_uppercase() && prev_lower {
            parts.push(&w[start..i]);
            start = i;
        }
        prev_lower = c.is_lowercase();
    }
    parts.push(&w[start..]);
    parts.retain(|p| p.chars().count() >= 2);
    parts
}

/// Characters of a word's prefix term.
const PREFIX_CHARS: usize = 5;

/// A longer word's first [`PREFIX_CHARS`] letters, marked with `~`: a second, weaker term that
/// finds the word's other forms where a light stemmer does not ("verification" and "verify",
/// "выгружаются" and "выгрузка").
fn prefix(w: &str) -> Option<String> {
    let mut chars = w.chars();
    let head: String = chars.by_ref().take(PREFIX_CHARS).collect();
    (head.chars().count() == PREFIX_CHARS
        && chars.next().is_some()
        && w.chars().all(char::is_alphabetic))
    .then(|| format!("{head}~"))
}

/// A light English stemmer, so that "retries" finds "retry" and "throttled" finds "throttle":
/// common inflection endings are cut from longer words.
pub(super) fn stem(w: &str) -> String {
    if w.chars().count() <= 3 || !w.chars().all(|c| c.is_ascii_alphabetic()) {
        return w.to_string();
    }
    if w.len() == 4 {
        // "runs" → "run", but not "less" or "this"
        return match w.strip_suffix('s') {
            Some(b)
                if !b.ends_with('s')
                    && !matches!(w, "this" | "thus" | "plus" | "yes" | "bus" | "gas") =>
            {
                b.to_string()
            }
            _ => w.to_string(),
        };
    }
    for end in ["ing", "ies", "ied", "ed", "es", "ly", "s", "e", "y"] {
        if let Some(base) = w.strip_suffix(end) {
            if base.len() >= 3 {
                return base.to_string();
            }
        }
    }
    w.to_string()
}

/// Splits a message's text into passages of at most about [`PASSAGE_CHARS`]: paragraphs,
/// long ones cut at sentence ends (the original text, as written). A short table or
/// `label: value` list the speaker gives is a passage per row, each with the table's header
/// and the line that introduced it ("Here is the contact sheet:"), so that a question about one
/// row finds that row with what its cells mean.
fn passages(text: &str, tool_output: bool) -> Vec<(String, bool)> {
    // a paragraph is the participant's own words when its sentences are (text::voiced)
    let said: Vec<(usize, bool)> = super::text::voiced(text, tool_output)
        .into_iter()
        .map(|(v, s)| (s.as_ptr() as usize - text.as_ptr() as usize, v))
        .collect();
    let said_at = |at: usize| -> bool {
        said.iter()
            .rev()
            .find(|(o, _)| *o <= at)
            .is_some_and(|(_, v)| *v)
    };
    let mut out: Vec<(String, bool)> = Vec::new();
    // the last sentence of the paragraph before, when it introduces what follows
    let mut intro: Option<&str> = None;
    for para in text.split("\n\n") {
        if let Some(rows) = (!tool_output).then(|| sheet_rows(para)).flatten() {
            let row = sheet_line;
            // (the line that introduced it, in this paragraph or the one before)
            let lead = rows
                .first()
                .filter(|(_, l)| l.ends_with(':'))
                .map(|(_, l)| *l)
                .or(intro);
            let header: Vec<&str> = rows
                .iter()
                .find(|(said, l)| !said && row(l))
                .map(|(_, l)| *l)
                .into_iter()
                .collect();
            for (_, l) in rows.iter().filter(|(said, l)| *said && row(l)) {
                let lines: Vec<&str> = lead
                    .into_iter()
                    .chain(header.iter().copied())
                    .chain([*l])
                    .collect();
                out.push((lines.join("\n"), true));
            }
            // (the speaker's line after it, a passage of its own)
            if let Some((_, l)) = rows.last().filter(|(_, l)| !row(l)) {
                out.push((l.to_string(), true));
            }
            intro = None;
            continue;
        }
        out.extend(raw_passages(para).into_iter().map(|p| {
            let at = p.as_ptr() as usize - text.as_ptr() as usize;
            (p.to_string(), said_at(at))
        }));
        intro = sentences(para)
            .last()
            .copied()
            .filter(|s| s.ends_with(':') && s.len() <= 200);
    }
    out
}

/// The passages of a text, as slices of it.
fn raw_passages(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
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
                out.push(para[a..e].trim());
                cur = None;
            }
            if s.len() > PASSAGE_CHARS {
                // one very long sentence or code block: cut at character boundaries
                let mut from = 0;
                while from < s.len() {
                    let mut to = (from + PASSAGE_CHARS).min(s.len());
                    while !s.is_char_boundary(to) {
                        to -= 1;
                    }
                    out.push(&s[from..to]);
                    from = to;
                }
                continue;
            }
            cur = Some((at, end));
        }
        if let Some((a, e)) = cur {
            out.push(para[a..e].trim());
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
        let messages: Vec<(u64, &Message)> = messages.into_iter().collect();
        let all: Vec<&Message> = messages.iter().map(|(_, m)| *m).collect();
        for (k, &(id, m)) in messages.iter().enumerate() {
            let tool = m.is_tool_output();
            let text = m.text();
            let first = ix.docs.len() as u32;
            let msg = ix.msgs.len() as u32;
            let mut any_said = false;
            // its passages, then the tool calls it makes (an agent's actions, with their
            // arguments and what came of them when that was short or an error)
            let actions = actions_and_outcomes(m, &all[k + 1..])
                .into_iter()
                .map(|(a, came)| match came {
                    Some(o) => (format!("{a} → {o}"), true),
                    None => (a, true),
                });
            // (and the prose in the code it writes: docstrings, comments, read together)
            let mut notes: Vec<(String, bool)> = Vec::new();
            for n in m.code_notes() {
                match notes.last_mut() {
                    Some((last, _)) if last.len() + n.len() < PASSAGE_CHARS => {
                        last.push(' ');
                        last.push_str(&n);
                    }
                    _ => notes.push((n, true)),
                }
            }
            let found = passages(&text, tool)
                .into_iter()
                .chain(actions)
                .chain(notes);
            for (p, said) in found {
                let d = ix.docs.len() as u32;
                let (ts, names) = terms_and_names(&p);
                let mut tf: HashMap<&str, u32> = HashMap::new();
                for t in &ts {
                    *tf.entry(t.as_str()).or_default() += 1;
                }
                for (t, n) in tf {
                    ix.postings.entry(t.to_string()).or_default().push((d, n));
                }
                // (its length in words: prefix terms and the words of a camelCase name are not
                // more words)
                let len = (ts.iter().filter(|t| !t.ends_with('~')).count() - names) as u32;
                total += len as u64;
                any_said |= said;
                ix.docs.push(Doc {
                    id,
                    role: m.role.as_str(),
                    text: p,
                    len,
                    said,
                    msg,
                });
            }
            if ix.docs.len() as u32 > first {
                ix.msgs.push(Msg {
                    docs: first..ix.docs.len() as u32,
                    role: m.role.as_str(),
                    tool,
                    said: any_said,
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
        const B: f64 = 0.4;
        let n = self.docs.len() as f64;
        let mut q = terms(query);
        // words such as "the" or "what" match everything and rank nothing
        if q.iter().any(|t| !is_stopword(t)) {
            q.retain(|t| !is_stopword(t));
        }
        q.sort();
        q.dedup();
        // and the words people say the same thing with ("chose" → "use", "pick", "go with")
        let mut weighted: Vec<(String, f64)> = q
            .iter()
            .map(|t| {
                (
                    t.clone(),
                    if t.ends_with('~') { PREFIX_WEIGHT } else { 1.0 },
                )
            })
            .collect();
        for t in &q {
            for alt in answer::related(t) {
                if !weighted.iter().any(|(w, _)| *w == alt) {
                    weighted.push((alt, RELATED_WEIGHT));
                }
            }
        }
        let mut scores: HashMap<u32, f64> = HashMap::new();
        for (t, qw) in &weighted {
            let Some(post) = self.postings.get(t) else {
                continue;
            };
            let df = post.len() as f64;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(d, tf) in post {
                let doc = &self.docs[d as usize];
                let len = (doc.len as f64).max(MIN_SCORED_LEN);
                let tf = tf as f64;
                let weight = if doc.said { SAID_WEIGHT } else { 1.0 };
                *scores.entry(d).or_default() += qw * weight * idf * tf * (K1 + 1.0)
                    / (tf + K1 * (1.0 - B + B * len / self.avg_len));
            }
        }
        let mut ranked: Vec<(u32, f64)> = scores.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        // the best candidates, each with what the other side answered to it, re-ranked: a
        // passage that holds the kind of answer the question asks for (a time, a version, an
        // error, …) outranks one that only shares its words
        let want = answer::wanted(query);
        let mut found: Vec<(u32, f64, String, Vec<u64>)> = ranked
            .into_iter()
            .take(RERANK.max(limit))
            .map(|(d, score)| {
                let doc = &self.docs[d as usize];
                // a question found here comes with the answer to it: what the other side said
                // in its next messages (its own words, not what it pasted)
                let mut text = doc.text.clone();
                let mut ids = vec![doc.id];
                // (a short question counts even where it looks pasted: one asked next to a
                // pasted snippet is still asked)
                let asked =
                    doc.text.len() <= 300 && doc.text.lines().any(|l| l.trim_end().ends_with('?'));
                if doc.said || asked {
                    for (id, role, said) in self.replies(doc.msg as usize, doc.text.contains('?')) {
                        text.push_str(&format!("\n[#{id} {role}] {said}"));
                        ids.push(id);
                    }
                }
                let boost = if want & answer::held(&text) != 0 {
                    ANSWER_BOOST
                } else {
                    1.0
                };
                (d, score * boost, text, ids)
            })
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut out: Vec<Passage> = Vec::new();
        let mut chars = 0;
        let best = found.first().map_or(0.0, |r| r.1);
        let mut seen: Vec<&str> = Vec::new();
        for (d, score, text, ids) in found {
            // far weaker matches than the best one are noise
            if score < best * MIN_SHARE_OF_BEST || out.len() == limit.max(1) {
                break;
            }
            let doc = &self.docs[d as usize];
            // the same words pasted or said again add nothing
            if seen.contains(&doc.text.as_str()) {
                continue;
            }
            seen.push(&doc.text);
            if !out.is_empty() && chars + text.len() > ANSWER_CHARS {
                break;
            }
            chars += text.len();
            out.push(Passage {
                text,
                message_ids: ids,
                role: doc.role.to_string(),
                score,
            });
        }
        out
    }
}

impl RecallIndex {
    /// What the other side said next after message `k` (not tool output, not what it pasted,
    /// not a line that only announces a paste):
    /// each message's id, role and own words, up to about [`REPLY_CHARS`]. After a statement,
    /// the next message when the other side wrote it; after a question, which may be answered
    /// after a detour, the other side's next [`REPLY_MESSAGES`] messages within
    /// [`REPLY_WINDOW`].
    fn replies(&self, k: usize, question: bool) -> Vec<(u64, &'static str, String)> {
        let asker = &self.msgs[k];
        if asker.tool {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut chars = 0;
        let window = if question { REPLY_WINDOW } else { 1 };
        let next = self.msgs.iter().skip(k + 1).take(window);
        for m in next.filter(|m| m.role != asker.role && !m.tool && m.said) {
            let mut said = String::new();
            for d in &self.docs[m.docs.start as usize..m.docs.end as usize] {
                if !d.said {
                    continue;
                }
                if !said.is_empty() {
                    if chars + said.len() + d.text.len() > REPLY_CHARS {
                        break;
                    }
                    said.push_str("\n\n");
                }
                said.push_str(&d.text);
            }
            // a line that only announces what is pasted next ("Next block from the catalogue:")
            // answers nothing
            if !said.contains('\n') && said.trim_end().ends_with(':') {
                continue;
            }
            chars += said.len();
            let d = &self.docs[m.docs.start as usize];
            out.push((d.id, d.role, said));
            if out.len() == REPLY_MESSAGES || chars >= REPLY_CHARS {
                break;
            }
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
        // a reply that came with a passage is labelled inside its text
        .map(|p| format!("[#{} {}] {}", p.message_ids[0], p.role, p.text))
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
        assert_eq!(hit[0].message_ids, vec![10, 11], "with the reply to it");
        assert!(hit[0].text.contains("DEP-77431"), "{hit:?}");
        assert_eq!(ix.search("77431", 1)[0].message_ids[0], 10);
        let rate = ix.search("billing rate limit", 1);
        assert!(rate[0].text.contains("120 requests"), "{rate:?}");
        assert_eq!(rate[0].role, "assistant");
        assert!(ix.search("zebra", 3).is_empty());
        let ja = parse_messages(&json!([
            {"role": "user", "content": "カタログの同期は毎朝 9:40 JST に走ります。"},
            {"role": "user", "content": "別の話です。"},
        ]))
        .unwrap();
        let ix = RecallIndex::new(ja.iter().enumerate().map(|(i, m)| (i as u64, m)));
        assert_eq!(
            ix.search("カタログの同期は何時ですか", 1)[0].message_ids[0],
            0
        );
        assert!(answer_text("x", &rate).starts_with("[#11 assistant] Noted."));
        assert_eq!(
            query_of(r#"{"query":"deploy id"}"#).as_deref(),
            Some("deploy id")
        );
        assert_eq!(query_of("not json"), None);
    }

    #[test]
    fn a_question_comes_with_the_answers_that_follow_and_headings_do_not_outrank_text() {
        let m = parse_messages(&json!([
            {"role": "assistant", "content": "Which tenant id did the gateway team give us?"},
            {"role": "user", "content": "Still looking.\n\n```\nfn pasted() {}\n```"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
                "function": {"name": "read", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "tenant tenant tenant log lines"},
            {"role": "assistant", "content": "Nothing in the logs."},
            {"role": "user", "content": "Found it: tnt_8f3a21c9."},
            {"role": "user", "content": "We parse each upload line by line."},
            {"role": "user", "content": "## `path.parse(path)`"},
        ]))
        .unwrap();
        let ix = RecallIndex::new(m.iter().enumerate().map(|(i, m)| (i as u64, m)));
        let hit = ix.search("What is the tenant id at the gateway?", 3);
        assert_eq!(hit[0].message_ids, vec![0, 1, 5, 6], "{hit:?}");
        assert!(hit[0].text.contains("tnt_8f3a21c9"), "{hit:?}");
        assert!(
            !hit[0].text.contains("pasted"),
            "pasted code is not a reply: {hit:?}"
        );
        // a line that only announces a paste is no answer: the one that comes later is
        let paste = "Next part of the NEWS:\n\n* tar now uses base-256 for large header values.\n  It affects huge time stamps.";
        let later = parse_messages(&json!([
            {"role": "assistant", "content": "Which grant reference is the work booked on?"},
            {"role": "user", "content": "I need to look it up."},
            {"role": "user", "content": paste},
            {"role": "user", "content": paste.replace("NEWS", "changelog")},
            {"role": "user", "content": "Here it is: HLM-2291-DIG."},
        ]))
        .unwrap();
        let lx = RecallIndex::new(later.iter().enumerate().map(|(i, m)| (i as u64, m)));
        let hit = lx.search("Which grant reference?", 1);
        assert_eq!(hit[0].message_ids, vec![0, 1, 4], "{hit:?}");
        // as short as a heading, a sentence is scored as if it had a dozen terms: a lone heading
        // sharing one word with the query no longer outranks the sentences around it
        let parse = ix.search("parsed", 3);
        assert_eq!(
            parse[0].text, "We parse each upload line by line.",
            "{parse:?}"
        );
    }

    #[test]
    fn a_sheet_row_is_found_with_its_header_and_code_prose_is_searchable() {
        let m = parse_messages(&json!([
            {"role": "user", "content": "If the API rejects our batches at night, who do I name?"},
            {"role": "user", "content": "Here is the contact sheet:\n\n| area | person | reachable |\n|---|---|---|\n| station gateways | Ottilie | office hours |\n| ingestion API | Adaeze | on call |\n| archive machine | Rasmus | mail only |"},
            {"role": "user", "content": "The ingestion API limits every station to 1,200 readings per minute."},
            {"role": "user", "content": "The ingestion API team renews the token every 28 days."},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "w", "type": "function",
                "function": {"name": "write_file", "arguments": json!({"path": "portal/post.py",
                "content": "\"\"\"Posting results.\n\nA failed POST is retried six times with exponential backoff.\n\"\"\"\nimport time\n"}).to_string()}}]},
        ]))
        .unwrap();
        let ix = RecallIndex::new(m.iter().enumerate().map(|(i, m)| (i as u64, m)));
        let hit = ix.search("Who is the contact for the ingestion API?", 1);
        assert_eq!(
            hit[0].text,
            "Here is the contact sheet:\n| area | person | reachable |\n| ingestion API | Adaeze | on call |",
            "{hit:?}"
        );
        // the words of a camelCase name find it, without making its text longer or more
        // about a word it already says
        let names = parse_messages(&json!([
            {"role": "user", "content": "I added checkDnssecChain to the watcher."},
            {"role": "user", "content": "The chain of checks runs first."},
        ]))
        .unwrap();
        let nx = RecallIndex::new(names.iter().enumerate().map(|(i, m)| (i as u64, m)));
        assert_eq!(
            nx.search("Which function checks DNSSEC?", 1)[0].message_ids,
            vec![0]
        );
        assert_eq!(terms_and_names("error = ValueError").1, 1);
        assert_eq!(
            camel_parts("checkDnssecChain"),
            vec!["check", "Dnssec", "Chain"]
        );
        assert_eq!(camel_parts("HTTPServer"), vec!["HTTPServer"]);
        // a list in the paragraph of its intro: each row with the intro
        let list = parse_messages(&json!([
            {"role": "user", "content": "Her er fordelingen for Q3:\n- Betalingsflow: Mads Kjær\n- Rapportering: Nikolaj Lund\nKan du skrive mailen?"},
            {"role": "user", "content": "Rapportering af fejl sker i Jira."},
        ]))
        .unwrap();
        let lx = RecallIndex::new(list.iter().enumerate().map(|(i, m)| (i as u64, m)));
        assert_eq!(
            lx.search("Hvem står for rapportering i Q3?", 1)[0].text,
            "Her er fordelingen for Q3:\n- Rapportering: Nikolaj Lund"
        );
        let hit = ix.search("What happens when a POST fails?", 1);
        assert!(hit[0].text.contains("six times"), "{hit:?}");
        assert_eq!(hit[0].message_ids, vec![4]);
    }

    #[test]
    fn passages_holding_what_the_question_asks_for_rank_first_and_repeats_are_dropped() {
        let m = parse_messages(&json!([
            {"role": "user", "content": "The nightly backup copies the tile cache. The backup box is small."},
            {"role": "user", "content": "The nightly backup copies the tile cache. The backup box is small."},
            {"role": "user", "content": "Backup notes: the backup must not overlap the database dump."},
            {"role": "user", "content": "Move the backup to 04:20 please."},
            {"role": "assistant", "content": "For the nightly job I would use restic rather than tar. OK?"},
            {"role": "user", "content": "fine, go with it"},
            {"role": "assistant", "content": "```python\ndef glob0(d):\n    pass\nWhich merchant id did Norvik give you?\n```"},
            {"role": "user", "content": "NB-SBX-2290417, it is in the welcome mail."},
        ]))
        .unwrap();
        let ix = RecallIndex::new(m.iter().enumerate().map(|(i, m)| (i as u64, m)));
        // "time" asks for a time of day: the passage with one outranks those that repeat "backup"
        let hit = ix.search("At what time does the backup run?", 3);
        assert!(hit[0].text.contains("04:20"), "{hit:?}");
        let texts: Vec<&str> = hit.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts
                .iter()
                .filter(|t| t.starts_with("The nightly backup copies"))
                .count(),
            1,
            "the same passage twice adds nothing: {hit:?}"
        );
        // "choose" finds "use" (a related word), with the reply that accepted it
        let hit = ix.search("Which tool did we choose?", 1);
        assert!(
            hit[0].text.contains("restic") && hit[0].text.contains("go with it"),
            "{hit:?}"
        );
        // other forms of a longer word are found by its first letters
        let forms = parse_messages(&json!([
            {"role": "user", "content": "Created lib/signing/hmac-verify.mjs from the example."},
            {"role": "user", "content": "The webhook retries are fine."},
            {"role": "user", "content": "Выгрузка цен идёт каждый день в 06:45."},
        ]))
        .unwrap();
        let fx = RecallIndex::new(forms.iter().enumerate().map(|(i, m)| (i as u64, m)));
        assert_eq!(
            fx.search("Which file implements verification?", 1)[0].message_ids,
            vec![0]
        );
        assert_eq!(
            fx.search("Во сколько выгружаются цены?", 1)[0].message_ids,
            vec![2]
        );
        // a question asked inside pasted code still comes with its answer
        let hit = ix.search("merchant id", 1);
        assert!(hit[0].text.contains("NB-SBX-2290417"), "{hit:?}");
    }

    #[test]
    fn long_text_is_cut_into_passages() {
        let long = "A sentence about nothing much. ".repeat(100);
        let p = raw_passages(&long);
        assert!(p.len() > 3 && p.iter().all(|p| p.len() <= PASSAGE_CHARS));
        assert!(p.iter().all(|p| long.contains(p)), "verbatim");
        let lines = "First line\nsecond line.\n\nNext paragraph.";
        assert_eq!(
            raw_passages(lines),
            vec!["First line\nsecond line.", "Next paragraph."]
        );
        let one = "é".repeat(2000);
        assert!(raw_passages(&one).iter().all(|p| p.len() <= PASSAGE_CHARS));
        let mixed = format!("We chose restic.\n\n```\n{}```", "x = 1\n".repeat(5));
        let said: Vec<bool> = passages(&mixed, false).iter().map(|p| p.1).collect();
        assert_eq!(said, vec![true, false]);
    }
}
