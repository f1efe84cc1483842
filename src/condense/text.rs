//! Text helpers for condensation: sentences, words, head/tail truncation.

/// Splits text into sentences and code blocks, with their byte offsets. A fenced code block is
/// one piece; elsewhere a sentence ends at `.`, `!` or `?` followed by whitespace, or at a line break.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            break;
        }
        rest = trimmed;
        if rest.starts_with("```") {
            let end = rest[3..].find("```").map(|i| i + 6).unwrap_or(rest.len());
            let end = rest[end..]
                .find('\n')
                .map(|i| end + i)
                .unwrap_or(rest.len())
                .min(rest.len());
            out.push(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let bytes = rest.as_bytes();
        let mut end = rest.len();
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                end = i;
                break;
            }
            if matches!(b, b'.' | b'!' | b'?')
                && bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace())
            {
                end = i + 1;
                break;
            }
        }
        let s = rest[..end].trim();
        if !s.is_empty() {
            out.push(s);
        }
        rest = &rest[end..];
    }
    out
}

/// Lower-cased words (letters, digits, `_`, `.`, `/` inside paths) of a text.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '/' || c == '-'))
        .map(|w| w.trim_matches(|c: char| c == '.' || c == '-' || c == '/'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
}

const STOP: &[&str] = &[
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "is", "are", "was", "were", "be",
    "been", "it", "this", "that", "with", "as", "at", "by", "from", "i", "you", "we", "they", "he",
    "she", "my", "your", "our", "their", "me", "not", "no", "do", "does", "did", "can", "could",
    "would", "should", "will", "shall", "may", "has", "have", "had", "so", "if", "then", "than",
    "but", "what", "which", "who", "how", "when", "where", "why", "all", "any", "there", "here",
    "about", "into", "its", "also", "just", "such", "other", "more", "some", "these", "those",
    "them", "his", "her", "us", "let", "s", "t",
];

/// True for words that carry no topic.
pub fn is_stopword(w: &str) -> bool {
    w.len() < 2 || STOP.contains(&w)
}

/// Keeps the head and tail of `text` within about `max_chars`, with a marker between.
pub fn head_tail(text: &str, max_chars: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max_chars {
        return text.to_string();
    }
    let half = max_chars / 2;
    let head: String = chars[..half].iter().collect();
    let tail: String = chars[chars.len() - half..].iter().collect();
    format!(
        "{head}\n[… {} characters omitted by contextwise …]\n{tail}",
        chars.len() - 2 * half
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_and_code() {
        let s = sentences(
            "First one. Second one!\nThird line\n```py\nx = 1.5\n```\nAfter. v1.2 stays.",
        );
        assert_eq!(
            s,
            vec![
                "First one.",
                "Second one!",
                "Third line",
                "```py\nx = 1.5\n```",
                "After.",
                "v1.2 stays."
            ]
        );
    }

    #[test]
    fn head_tail_marks_the_cut() {
        let t = head_tail(&"x".repeat(1000), 100);
        assert!(t.starts_with(&"x".repeat(50)) && t.contains("900 characters omitted"));
        assert_eq!(head_tail("short", 100), "short");
    }
}
