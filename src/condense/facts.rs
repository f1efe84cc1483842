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

    /// The ledger as one compact block within `max_chars` (most recent facts win when cut).
    pub fn block(&self, max_chars: usize) -> String {
        let mut lines: Vec<String> = self
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
        let mut total: usize = lines.iter().map(|l| l.len() + 1).sum();
        while total > max_chars && !lines.is_empty() {
            total -= lines.remove(0).len() + 1;
        }
        lines.join("\n")
    }
}

fn clean_path(s: &str) -> Option<String> {
    let p = s
        .trim()
        .trim_matches(|c: char| "`'\"*:,;()[].!?".contains(c));
    let ok = p.len() >= 3
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
        let mut found = Vec::new();
        files_in_prose(&text, &mut found);
        diff_headers(&text, &mut found);
        code_facts(&text, m.role, &mut found);
        statements(&text, m.role, &mut found);
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
