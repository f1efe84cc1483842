//! Extractive condensation: local, deterministic, no LLM. Scores every sentence of the evicted
//! messages and keeps the best within the budget, in their original order, with source ids.
//!
//! A sentence scores for: rare content words (term weight across the evicted text), overlap
//! with the current question, code and file paths, numbers, decisions and obligations
//! ("we will", "decided", "must"), and position (first/last sentence of a message).

use super::text::{is_stopword, sentences, words};
use crate::messages::Message;
use std::collections::HashMap;

/// One selected sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Extract {
    /// Index of the message it came from.
    pub source: usize,
    /// Role of that message.
    pub role: &'static str,
    /// The sentence.
    pub text: String,
}

const DECISION: &[&str] = &[
    "we will",
    "we'll",
    "decided",
    "decision",
    "must",
    "agreed",
    "let's",
    "going to",
    "should",
    "need to",
    "plan is",
    "chose",
    "instead of",
    "important",
];

fn looks_like_path(w: &str) -> bool {
    (w.contains('/') || w.contains('.'))
        && w.rsplit_once('.').is_some_and(|(a, e)| {
            !a.is_empty()
                && (1..=5).contains(&e.len())
                && e.chars().all(|c| c.is_ascii_alphabetic())
        })
}

struct Candidate<'a> {
    source: usize,
    role: &'static str,
    text: &'a str,
    order: usize,
    score: f64,
}

/// Selects sentences from `messages` (indices `first_index..`) whose total cost, as measured
/// by `cost`, fits `budget`. Returns them in conversation order.
pub fn extract(
    messages: &[(usize, &Message)],
    question: &str,
    budget: u64,
    cost: &dyn Fn(&str) -> u64,
) -> Vec<Extract> {
    let texts: Vec<String> = messages.iter().map(|(_, m)| m.text()).collect();
    // document frequency over messages
    let mut df: HashMap<String, u32> = HashMap::new();
    for t in &texts {
        let mut seen: Vec<String> = words(t).filter(|w| !is_stopword(w)).collect();
        seen.sort();
        seen.dedup();
        for w in seen {
            *df.entry(w).or_default() += 1;
        }
    }
    let n_docs = texts.len().max(1) as f64;
    let q: Vec<String> = words(question).filter(|w| !is_stopword(w)).collect();

    let mut cands: Vec<Candidate> = Vec::new();
    for (k, t) in texts.iter().enumerate() {
        let sents = sentences(t);
        let last = sents.len().saturating_sub(1);
        for (j, s) in sents.iter().enumerate() {
            let ws: Vec<String> = words(s).collect();
            let content: Vec<&String> = ws.iter().filter(|w| !is_stopword(w)).collect();
            if content.is_empty() {
                continue;
            }
            // mean rarity of the content words: a sentence is not worth more for being long
            let weight: f64 = content
                .iter()
                .map(|w| (1.0 + n_docs / *df.get(*w).unwrap_or(&1) as f64).ln())
                .sum::<f64>()
                / content.len() as f64;
            let overlap = content.iter().filter(|w| q.contains(w)).count() as f64;
            let lower = s.to_lowercase();
            let mut score = weight + 2.5 * overlap;
            if s.starts_with("```") || s.contains('`') {
                score += 2.0;
            }
            if ws.iter().any(|w| looks_like_path(w)) {
                score += 3.0;
            }
            if s.chars().any(|c| c.is_ascii_digit()) {
                score += 1.5;
            }
            // specific identifiers (numbers, versions, ids) that appear in one message only
            if content.iter().any(|w| {
                w.chars().any(|c| c.is_ascii_digit()) && w.len() >= 3 && df.get(*w) == Some(&1)
            }) {
                score += 2.5;
            }
            if DECISION.iter().any(|d| lower.contains(d)) {
                score += 3.0;
            }
            if j == 0 || j == last {
                score += 0.5;
            }
            // very long sentences carry less per token
            let len = s.chars().count() as f64;
            if len > 240.0 {
                score *= 240.0 / len;
            }
            cands.push(Candidate {
                source: messages[k].0,
                role: messages[k].1.role.as_str(),
                text: s,
                order: cands.len(),
                score,
            });
        }
    }
    let mut ranked: Vec<usize> = (0..cands.len()).collect();
    ranked.sort_by(|&a, &b| cands[b].score.total_cmp(&cands[a].score).then(a.cmp(&b)));
    let mut chosen = Vec::new();
    let mut used = 0u64;
    for i in ranked {
        // the cost of the rendered line, with its bullet and source id
        let c = cost(&format!(
            "- [#{} {}] {}\n",
            cands[i].source, cands[i].role, cands[i].text
        ));
        if used + c <= budget {
            used += c;
            chosen.push(i);
        }
    }
    chosen.sort_by_key(|&i| cands[i].order);
    chosen
        .into_iter()
        .map(|i| Extract {
            source: cands[i].source,
            role: cands[i].role,
            text: cands[i].text.to_string(),
        })
        .collect()
}

/// Renders extracts as the summary block body: `- [#12 user] sentence`.
pub fn render(extracts: &[Extract]) -> String {
    extracts
        .iter()
        .map(|e| format!("- [#{} {}] {}", e.source, e.role, e.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The baseline of ../shared/seeds/002: the first 200 characters of each message, oldest
/// first, while they fit. Used by the recall benchmark.
pub fn first_chars(
    messages: &[(usize, &Message)],
    budget: u64,
    cost: &dyn Fn(&str) -> u64,
) -> Vec<Extract> {
    let mut out = Vec::new();
    let mut used = 0;
    for &(k, m) in messages {
        let t: String = m.text().chars().take(200).collect();
        let c = cost(&format!("- [#{k} {}] {t}\n", m.role.as_str()));
        if used + c > budget {
            break;
        }
        used += c;
        out.push(Extract {
            source: k,
            role: m.role.as_str(),
            text: t,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::parse_messages;
    use serde_json::json;

    #[test]
    fn keeps_decisions_paths_and_question_overlap_within_budget() {
        let m = parse_messages(&json!([
            {"role": "user", "content": "Hello there. How are you today? The weather is nice and sunny here."},
            {"role": "assistant", "content": "I am fine. We decided to store sessions in `redis/sessions.conf` with a TTL of 3600 seconds. Nice weather indeed."},
            {"role": "user", "content": "Tell me about quantum entanglement. It is fascinating."}
        ])).unwrap();
        let cost = |s: &str| s.split_whitespace().count() as u64;
        let items: Vec<(usize, &Message)> = m.iter().enumerate().collect();
        let e = extract(&items, "what about quantum entanglement", 30, &cost);
        let all = render(&e);
        assert!(all.contains("redis/sessions.conf"), "{all}");
        assert!(all.contains("quantum"), "{all}");
        assert!(!all.contains("weather is nice"), "{all}");
        let used: u64 = e.iter().map(|x| cost(&x.text) + 2).sum();
        assert!(used <= 30);
        assert_eq!(
            e,
            extract(&items, "what about quantum entanglement", 30, &cost),
            "deterministic"
        );
    }
}
