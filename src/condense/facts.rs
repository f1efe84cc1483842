//! The facts ledger: typed facts with their source messages, extracted locally (file names in
//! code fences and prose, diff headers, definitions, decisions, constraints, preferences, open
//! tasks, errors) or by an LLM as JSON (validated; invalid JSON is rejected and local facts stand).

use crate::error::{Error, Result};
use crate::messages::{Message, Role};
use serde::{Deserialize, Serialize};

/// Kinds of facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// A file was created.
    FileCreated,
    /// A file was modified.
    FileModified,
    /// A file was deleted.
    FileDeleted,
    /// A function was added.
    FunctionAdded,
    /// A class or type was added.
    ClassAdded,
    /// A decision was made.
    Decision,
    /// A constraint applies.
    Constraint,
    /// The user prefers something.
    Preference,
    /// Something is still to do.
    OpenTask,
    /// An error was seen.
    ErrorSeen,
}

impl FactKind {
    /// Decisions, constraints, preferences and open tasks: facts stated in a sentence.
    fn is_statement(self) -> bool {
        matches!(
            self,
            FactKind::Decision | FactKind::Constraint | FactKind::Preference | FactKind::OpenTask
        )
    }
    fn is_file(self) -> bool {
        matches!(
            self,
            FactKind::FileCreated | FactKind::FileModified | FactKind::FileDeleted
        )
    }
    fn label(self) -> &'static str {
        match self {
            FactKind::FileCreated => "file created",
            FactKind::FileModified => "file modified",
            FactKind::FileDeleted => "file deleted",
            FactKind::FunctionAdded => "function",
            FactKind::ClassAdded => "class",
            FactKind::Decision => "decision",
            FactKind::Constraint => "constraint",
            FactKind::Preference => "preference",
            FactKind::OpenTask => "open task",
            FactKind::ErrorSeen => "error",
        }
    }
}

/// One fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Fact {
    /// Kind.
    pub kind: FactKind,
    /// What it is about (a path, a name, or the normalized statement).
    pub subject: String,
    /// The statement.
    pub text: String,
    /// Indices of the messages it came from.
    #[serde(default)]
    pub sources: Vec<usize>,
    /// When it was recorded (ms since the epoch; 0 when unknown).
    #[serde(default)]
    pub time: f64,
}

/// Facts, deduplicated; a newer fact about the same subject supersedes an older one.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Ledger {
    /// Facts in the order they were first seen.
    pub facts: Vec<Fact>,
}

/// Words that say a statement changes an earlier one.
const CHANGE_CUES: &[&str] = &[
    "change",
    "instead",
    "actually",
    "now ",
    "no longer",
    "from now on",
    "raise",
    "lower",
    "increase",
    "decrease",
    "bump",
    "switch",
    "update",
    "revise",
    "rather",
    "not anymore",
    "move to",
    "moved to",
    "correction",
    "scratch that",
];

/// The words of a statement that say what it is about: its content words without the specific
/// values it names (those are what a newer statement changes).
fn slot(text: &str) -> std::collections::HashSet<String> {
    let values: std::collections::HashSet<String> =
        super::extractive::specifics(text).into_iter().collect();
    super::text::words(text)
        .filter(|w| w.chars().count() >= 3 && !super::text::is_stopword(w) && !values.contains(w))
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .collect()
}

fn group(kind: FactKind) -> u8 {
    if kind.is_file() {
        0
    } else {
        kind as u8 + 1
    }
}

impl Ledger {
    /// Adds a fact: an identical one merges its sources; a newer one about the same subject
    /// (a file's created → modified → deleted, a function redefined) replaces the older.
    pub fn add(&mut self, f: Fact) {
        // a statement about the same thing with other values ("the cap is 350 GB" → "raise the
        // cap to 500 GB") replaces the older one
        let f = match self.superseded_statement(&f) {
            Some(i) if self.facts[i].sources.iter().max() <= f.sources.iter().max() => {
                let old = self.facts.remove(i);
                let mut sources = old.sources;
                sources.extend(f.sources.iter().copied());
                sources.sort_unstable();
                sources.dedup();
                Fact { sources, ..f }
            }
            Some(_) => return, // an older statement does not replace a newer one
            None => f,
        };
        if let Some(old) = self
            .facts
            .iter_mut()
            .find(|o| group(o.kind) == group(f.kind) && o.subject == f.subject)
        {
            if old.kind == f.kind && old.text == f.text {
                for s in f.sources {
                    if !old.sources.contains(&s) {
                        old.sources.push(s);
                    }
                }
                return;
            }
            let newer = f.sources.iter().max() >= old.sources.iter().max();
            if newer {
                // a file created and then modified is still a created file, with new content
                let kind = if old.kind == FactKind::FileCreated && f.kind == FactKind::FileModified
                {
                    old.kind
                } else {
                    f.kind
                };
                let mut sources = old.sources.clone();
                sources.extend(
                    f.sources
                        .iter()
                        .copied()
                        .filter(|s| !old.sources.contains(s)),
                );
                sources.sort_unstable();
                *old = Fact { kind, sources, ..f };
            }
            return;
        }
        self.facts.push(f);
    }

    /// The statement fact `f` would replace: same words about the same thing, other values.
    fn superseded_statement(&self, f: &Fact) -> Option<usize> {
        if !f.kind.is_statement() {
            return None;
        }
        let values = |t: &str| -> Vec<String> { super::extractive::specifics(t) };
        let (slot_f, values_f) = (slot(&f.text), values(&f.text));
        // people say when they change something; two statements alike in wording are otherwise
        // about different things (the timeouts of two services)
        let lower = f.text.to_lowercase();
        if slot_f.len() < 3 || values_f.is_empty() || !CHANGE_CUES.iter().any(|c| lower.contains(c))
        {
            return None;
        }
        self.facts.iter().position(|o| {
            if !o.kind.is_statement() || o.text == f.text {
                return false;
            }
            let slot_o = slot(&o.text);
            let shared = slot_f.intersection(&slot_o).count();
            let union = slot_f.union(&slot_o).count();
            shared >= 3 && shared * 2 >= union && values(&o.text) != values_f
        })
    }

    /// The ledger as one compact block within `max_chars`, in the order the facts were first
    /// seen. When not all fit, the most salient win — facts naming specific things (paths, ids,
    /// numbers, names), then the most recent.
    pub fn block(&self, max_chars: usize) -> String {
        self.block_beside(max_chars, None)
    }

    /// [`Ledger::block`] next to a summary: facts the summary already states (every specific
    /// thing they name is in it, or their whole text) are left out, so the block keeps what
    /// the summary dropped — an LLM summary is checked, not trusted.
    pub fn block_beside(&self, max_chars: usize, summary: Option<&str>) -> String {
        let summary = summary.map(|s| s.to_lowercase());
        let covered = |f: &Fact| -> bool {
            let Some(s) = &summary else { return false };
            let named = super::extractive::specifics(&f.text);
            (!named.is_empty() && named.iter().all(|n| s.contains(n.as_str())))
                || s.contains(&f.text.to_lowercase())
        };
        let lines: Vec<String> = self
            .facts
            .iter()
            .map(|f| {
                let src = f
                    .sources
                    .iter()
                    .map(|s| format!("#{s}"))
                    .collect::<Vec<_>>()
                    .join(",");
                format!("- {}: {} [{}]", f.kind.label(), f.text, src)
            })
            .collect();
        let salience = |f: &Fact| -> usize {
            let named = super::extractive::specifics(&f.text).len().min(3);
            // files, functions and classes are named by what they are about
            named
                + if f.kind.is_file()
                    || matches!(f.kind, FactKind::FunctionAdded | FactKind::ClassAdded)
                {
                    2
                } else {
                    0
                }
        };
        let newest = |f: &Fact| f.sources.iter().max().copied().unwrap_or(0);
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by(|&a, &b| {
            let (fa, fb) = (&self.facts[a], &self.facts[b]);
            salience(fb)
                .cmp(&salience(fa))
                .then(newest(fb).cmp(&newest(fa)))
        });
        let mut keep = vec![false; lines.len()];
        let mut total = 0;
        for i in order {
            if covered(&self.facts[i]) {
                continue;
            }
            if total + lines[i].len() < max_chars {
                total += lines[i].len() + 1;
                keep[i] = true;
            }
        }
        lines
            .into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(l, _)| l)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn clean_path(s: &str) -> Option<String> {
    // a leading dot belongs to the name (`.env`, `.github/workflows/ci.yml`); a trailing one ends the sentence
    let p = s
        .trim()
        .trim_start_matches(|c: char| "`'\"*:,;()[]!?".contains(c))
        .trim_end_matches(|c: char| "`'\"*:,;()[].!?".contains(c));
    // a host name is not a file (`deploy-7.fra.example.net`)
    let host = !p.contains('/')
        && p.rsplit_once('.').is_some_and(|(_, tld)| {
            [
                "com", "net", "org", "io", "app", "dev", "lan", "local", "internal", "cloud",
            ]
            .contains(&tld)
        });
    let ok = !host
        && p.trim_start_matches('.').len() >= 3
        && p.len() <= 120
        && !p.contains(' ')
        && !p.starts_with("http")
        && p.rsplit_once('.').is_some_and(|(a, ext)| {
            !a.is_empty()
                && (1..=6).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && !ext.chars().all(|c| c.is_ascii_digit())
        });
    ok.then(|| p.to_string())
}

fn is_end(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    b[i] == b'\n'
        || (matches!(b[i], b'.' | b'!' | b'?')
            && b.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()))
}

fn sentence_with(text: &str, at: usize) -> &str {
    let start = (0..at)
        .rev()
        .find(|&i| is_end(text, i))
        .map(|i| i + 1)
        .unwrap_or(0);
    let end = (at..text.len())
        .find(|&i| is_end(text, i))
        .map(|i| i + 1)
        .unwrap_or(text.len());
    text[start..end].trim()
}

fn normalize(s: &str) -> String {
    super::text::words(s).take(12).collect::<Vec<_>>().join(" ")
}

/// Extracts facts from messages locally. `first_index` is the index of `messages[0]`.
pub fn extract_local(messages: &[Message], first_index: usize, time: f64) -> Ledger {
    let mut ledger = Ledger::default();
    for (k, m) in messages.iter().enumerate() {
        let text = m.text();
        let tool = m.is_tool_output();
        // what a participant says, not what they paste: documentation and tool output are full
        // of "must" and "error" that are nobody's decision
        let said: String = super::text::voiced(&text, tool)
            .into_iter()
            .filter(|(said, _)| *said)
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join("\n");
        let mut found = Vec::new();
        files_in_prose(&said, &mut found);
        diff_headers(&text, &mut found);
        code_facts(&text, m.role, &mut found);
        statements(&said, m.role, &mut found);
        for (kind, subject, text) in found {
            ledger.add(Fact {
                kind,
                subject,
                text,
                sources: vec![first_index + k],
                time,
            });
        }
    }
    ledger
}

/// (kind, subject, text) of one fact found in a message.
type Found = (FactKind, String, String);

/// Files named in prose: created / modified / deleted `path`.
fn files_in_prose(text: &str, out: &mut Vec<Found>) {
    let lower = text.to_lowercase();
    for (verbs, kind) in [
        (
            &["created", "create", "added", "new file", "wrote", "writing"][..],
            FactKind::FileCreated,
        ),
        (
            &[
                "modified",
                "updated",
                "changed",
                "edited",
                "fixed",
                "refactored",
            ][..],
            FactKind::FileModified,
        ),
        (
            &["deleted", "removed", "delete", "remove"][..],
            FactKind::FileDeleted,
        ),
    ] {
        for v in verbs {
            let mut from = 0;
            while let Some(p) = lower[from..].find(v) {
                from += p + v.len();
                // lower-casing can change byte lengths: read the original only where the
                // position is a character boundary of it
                let Some(after) = text.get(from.min(text.len())..) else {
                    continue;
                };
                let window: String = after.chars().take(60).collect();
                if let Some(path) = window.split_whitespace().take(4).find_map(clean_path) {
                    out.push((kind, path.clone(), path));
                }
            }
        }
    }
}

/// Unified-diff headers: `--- a/x` / `+++ b/x` (with /dev/null for created and deleted files).
fn diff_headers(text: &str, out: &mut Vec<Found>) {
    let lines: Vec<&str> = text.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let Some(p) = l.strip_prefix("+++ ") else {
            continue;
        };
        let prev = if i > 0 { lines[i - 1] } else { "" };
        let path = p.trim().trim_start_matches("b/").to_string();
        if path == "/dev/null" {
            if let Some(old) = prev.strip_prefix("--- ") {
                let old = old.trim().trim_start_matches("a/").to_string();
                out.push((FactKind::FileDeleted, old.clone(), old));
            }
        } else if prev.trim() == "--- /dev/null" {
            out.push((FactKind::FileCreated, path.clone(), path));
        } else {
            out.push((FactKind::FileModified, path.clone(), path));
        }
    }
}

/// Code fences: a file name on the fence line or a `# file:` comment; functions and classes
/// defined in code the assistant wrote.
fn code_facts(text: &str, role: Role, out: &mut Vec<Found>) {
    let mut in_code = false;
    for l in text.lines() {
        let t = l.trim_start();
        if let Some(info) = t.strip_prefix("```") {
            in_code = !in_code;
            if in_code {
                let named = info
                    .split_whitespace()
                    .chain(info.split(':'))
                    .skip(1)
                    .find_map(|w| clean_path(w.trim_start_matches("title=")));
                if let Some(f) = named {
                    out.push((FactKind::FileCreated, f.clone(), f));
                }
            }
            continue;
        }
        if !in_code || role == Role::User {
            continue;
        }
        let body = t
            .trim_start_matches("pub ")
            .trim_start_matches("async ")
            .trim_start_matches("export ");
        for (kw, kind) in [
            ("def ", FactKind::FunctionAdded),
            ("fn ", FactKind::FunctionAdded),
            ("function ", FactKind::FunctionAdded),
            ("class ", FactKind::ClassAdded),
            ("struct ", FactKind::ClassAdded),
        ] {
            if let Some(rest) = body.strip_prefix(kw) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push((kind, name.clone(), name));
                }
            }
        }
        if let Some(c) = t
            .strip_prefix("# file:")
            .or_else(|| t.strip_prefix("// file:"))
        {
            if let Some(f) = clean_path(c) {
                out.push((FactKind::FileCreated, f.clone(), f));
            }
        }
    }
}

/// Decisions, constraints, preferences, open tasks and errors stated in a sentence.
fn statements(text: &str, role: Role, out: &mut Vec<Found>) {
    const PHRASES: &[(&str, FactKind, bool)] = &[
        ("we decided", FactKind::Decision, false),
        ("decided to", FactKind::Decision, false),
        ("we will ", FactKind::Decision, false),
        ("we'll ", FactKind::Decision, false),
        ("let's go with", FactKind::Decision, false),
        ("we agreed", FactKind::Decision, false),
        ("must ", FactKind::Constraint, true),
        ("never ", FactKind::Constraint, true),
        ("always ", FactKind::Constraint, true),
        ("i prefer", FactKind::Preference, true),
        ("i'd prefer", FactKind::Preference, true),
        ("i like ", FactKind::Preference, true),
        ("i don't want", FactKind::Preference, true),
        ("todo", FactKind::OpenTask, false),
        ("still need to", FactKind::OpenTask, false),
        ("next we need to", FactKind::OpenTask, false),
        ("traceback", FactKind::ErrorSeen, false),
        ("error:", FactKind::ErrorSeen, false),
        ("exception", FactKind::ErrorSeen, false),
    ];
    let lower = text.to_lowercase();
    for &(p, kind, user_only) in PHRASES {
        if user_only && role != Role::User {
            continue;
        }
        if let Some(at) = lower.find(p) {
            if at < text.len() && text.is_char_boundary(at) {
                let s = sentence_with(text, at);
                let s: String = s.chars().take(200).collect();
                if !s.is_empty() {
                    out.push((kind, normalize(&s), s));
                }
            }
        }
    }
}

/// Validates an LLM's JSON answer (`[{ kind, subject, text, sources? }]`) and adds it to the
/// ledger. Invalid JSON or a wrong shape is rejected as a whole and the ledger is unchanged.
pub fn merge_llm_facts(
    ledger: &mut Ledger,
    answer: &str,
    default_sources: &[usize],
    time: f64,
) -> Result<usize> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        kind: FactKind,
        subject: String,
        text: String,
        #[serde(default)]
        sources: Option<Vec<usize>>,
    }
    let json = answer
        .trim()
        .trim_start_matches("```json")
        .trim_start_matches("```")
        .trim_end_matches("```")
        .trim();
    let raw: Vec<Raw> = serde_json::from_str(json).map_err(|e| {
        Error::invalid_message(format!(
            "the LLM's facts are not valid JSON of the expected shape ({e}); local facts kept"
        ))
    })?;
    if raw
        .iter()
        .any(|r| r.subject.trim().is_empty() || r.text.trim().is_empty() || r.text.len() > 500)
    {
        return Err(Error::invalid_message(
            "the LLM's facts have empty or over-long fields; local facts kept",
        ));
    }
    let n = raw.len();
    for r in raw {
        let sources = r.sources.unwrap_or_else(|| default_sources.to_vec());
        ledger.add(Fact {
            kind: r.kind,
            subject: r.subject,
            text: r.text,
            sources,
            time,
        });
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::parse_messages;
    use serde_json::json;

    fn kinds(l: &Ledger) -> Vec<(FactKind, String)> {
        l.facts
            .iter()
            .map(|f| (f.kind, f.subject.clone()))
            .collect()
    }

    #[test]
    fn extracts_files_definitions_and_decisions() {
        let m = parse_messages(&json!([
            {"role": "user", "content": "I created `app/server.py`. We must keep Python 3.8 support. I prefer tabs."},
            {"role": "assistant", "content": "Here it is:\n```python title=app/limits.py\ndef rate_limit(key):\n    pass\nclass Limiter:\n    pass\n```\nWe decided to use Redis for counters."},
            {"role": "assistant", "content": "--- a/app/server.py\n+++ b/app/server.py\n@@ -1 +1 @@\n--- /dev/null\n+++ b/docs/README.md\n--- a/old.txt\n+++ /dev/null"},
            {"role": "user", "content": "Traceback (most recent call last): ValueError: bad key. TODO: add tests."}
        ])).unwrap();
        let l = extract_local(&m, 10, 0.0);
        let k = kinds(&l);
        assert!(
            k.contains(&(FactKind::FileCreated, "app/server.py".into())),
            "{k:?}"
        );
        assert!(
            k.contains(&(FactKind::FileCreated, "app/limits.py".into())),
            "{k:?}"
        );
        assert!(k.contains(&(FactKind::FunctionAdded, "rate_limit".into())));
        assert!(k.contains(&(FactKind::ClassAdded, "Limiter".into())));
        assert!(k.contains(&(FactKind::FileCreated, "docs/README.md".into())));
        assert!(k.contains(&(FactKind::FileDeleted, "old.txt".into())));
        assert!(l
            .facts
            .iter()
            .any(|f| f.kind == FactKind::Decision && f.text.contains("Redis")));
        assert!(l
            .facts
            .iter()
            .any(|f| f.kind == FactKind::Constraint && f.text.contains("Python 3.8")));
        assert!(l.facts.iter().any(|f| f.kind == FactKind::Preference));
        assert!(l.facts.iter().any(|f| f.kind == FactKind::ErrorSeen));
        assert!(l.facts.iter().any(|f| f.kind == FactKind::OpenTask));
        let server = l
            .facts
            .iter()
            .find(|f| f.subject == "app/server.py")
            .unwrap();
        assert_eq!(
            server.sources,
            vec![10, 12],
            "modified later: same fact, newer source"
        );
        assert!(l
            .block(10_000)
            .contains("file created: app/limits.py [#11]"));
    }

    #[test]
    fn newer_fact_supersedes_older() {
        let mut l = Ledger::default();
        l.add(Fact {
            kind: FactKind::FileCreated,
            subject: "a.py".into(),
            text: "a.py".into(),
            sources: vec![1],
            time: 0.0,
        });
        l.add(Fact {
            kind: FactKind::FileDeleted,
            subject: "a.py".into(),
            text: "a.py".into(),
            sources: vec![5],
            time: 0.0,
        });
        assert_eq!(kinds(&l), vec![(FactKind::FileDeleted, "a.py".into())]);
        l.add(Fact {
            kind: FactKind::FileCreated,
            subject: "a.py".into(),
            text: "a.py".into(),
            sources: vec![3],
            time: 0.0,
        });
        assert_eq!(
            kinds(&l),
            vec![(FactKind::FileDeleted, "a.py".into())],
            "an older fact does not win"
        );
    }

    #[test]
    fn a_changed_statement_replaces_the_older_one() {
        let m = parse_messages(&json!([
            {"role": "user", "content": "We decided the archive cap is 350 GB for the nightly backup job."},
            {"role": "user", "content": "We decided to use Redis for the session cache."},
            {"role": "user", "content": "Change of plan: we decided the archive cap is 500 GB for the nightly backup job."},
        ]))
        .unwrap();
        let l = extract_local(&m, 0, 0.0);
        let texts: Vec<&str> = l.facts.iter().map(|f| f.text.as_str()).collect();
        assert!(texts.iter().any(|t| t.contains("500 GB")), "{texts:?}");
        assert!(!texts.iter().any(|t| t.contains("350 GB")), "{texts:?}");
        assert!(texts.iter().any(|t| t.contains("Redis")), "{texts:?}");
        let cap = l.facts.iter().find(|f| f.text.contains("500 GB")).unwrap();
        assert_eq!(cap.sources, vec![0, 2]);
    }

    #[test]
    fn pasted_documentation_is_not_a_statement() {
        let manual = "Options:\n  -f FILE   the file; it must exist\n  -n        never overwrite\n  -v        verbose\n  -q        quiet";
        let m = parse_messages(&json!([
            {"role": "user", "content": format!("Here is the manual:\n\n{manual}\n\nWe must keep the old flags.")},
            {"role": "tool", "tool_call_id": "t", "content": "error: you must never do that"},
        ]))
        .unwrap();
        let l = extract_local(&m, 0, 0.0);
        let texts: Vec<&str> = l.facts.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, vec!["We must keep the old flags."]);
    }

    #[test]
    fn paths_keep_their_leading_dot_and_hosts_are_not_files() {
        let m = parse_messages(&json!([
            {"role": "user", "content": "I created .parcelry/deploy.toml and updated deploy-7.fra.example.net."}
        ]))
        .unwrap();
        let k = kinds(&extract_local(&m, 0, 0.0));
        assert_eq!(
            k,
            vec![(FactKind::FileCreated, ".parcelry/deploy.toml".into())]
        );
    }

    #[test]
    fn llm_facts_are_validated() {
        let mut l = Ledger::default();
        assert!(merge_llm_facts(&mut l, "not json", &[1], 0.0).is_err());
        assert!(merge_llm_facts(
            &mut l,
            r#"[{"kind":"banana","subject":"x","text":"y"}]"#,
            &[1],
            0.0
        )
        .is_err());
        assert!(merge_llm_facts(
            &mut l,
            r#"[{"kind":"decision","subject":"","text":"y"}]"#,
            &[1],
            0.0
        )
        .is_err());
        assert!(l.facts.is_empty());
        let n = merge_llm_facts(
            &mut l,
            "```json\n[{\"kind\":\"decision\",\"subject\":\"db\",\"text\":\"Use Postgres\"}]\n```",
            &[4],
            0.0,
        )
        .unwrap();
        assert_eq!((n, l.facts[0].sources.clone()), (1, vec![4]));
    }

    #[test]
    fn text_whose_lower_case_is_longer_never_panics() {
        // 'İ' lower-cases to two characters, so positions in the lower-cased text are not
        // positions in the original: before, slicing there panicked (a trap in the wasm build)
        let text = "İ createdé src/main.rs, İ removedé old.rs".to_string();
        let m = parse_messages(&json!([{ "role": "assistant", "content": text }])).unwrap();
        let ledger = extract_local(&m, 0, 0.0);
        assert!(ledger.facts.iter().all(|f| !f.subject.is_empty()));
    }
}
