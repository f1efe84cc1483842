//! Text helpers for condensation: sentences, words, head/tail truncation.

use std::collections::HashSet;
use std::sync::OnceLock;

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
                && !(b == b'.' && ordinal_before(bytes, i) && i + 2 < bytes.len())
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

/// A message longer than this is read as a statement with pasted material: only its first and
/// last paragraphs (and short ones where the speaker says "I" or "we") are the speaker's own
/// words. So is a message whose paragraphs after the first are mostly pasted entries. (In a
/// shorter one, a colon quotes the paragraph that follows it, not every later one.)
const PASTE_MESSAGE_CHARS: usize = 1200;
/// A paragraph longer than this is pasted material (chat paragraphs are short).
const PASTE_PARAGRAPH_CHARS: usize = 1000;

/// True for a paragraph that looks pasted rather than said: code, logs, quoted text, configs,
/// listings (several lines, or indented, or quoted with `>`).
fn looks_pasted(para: &str, alone: bool) -> bool {
    let lines: Vec<&str> = para.lines().filter(|l| !l.trim().is_empty()).collect();
    // (a message of one long paragraph is someone talking at length)
    (para.len() > PASTE_PARAGRAPH_CHARS && !alone)
        || lines.len() >= 4
        || lines.iter().any(|l| {
            // indented (code, a wrapped list item's continuation)
            l.starts_with("  ")
                || l.starts_with('\t')
                || l.trim_start().starts_with('>')
                // columns aligned with runs of spaces: a listing, a table, a usage line
                || l.trim().contains("   ")
        })
        || looks_like_code(para)
        || looks_like_markdown_doc(para)
        || hard_wrapped(&lines)
        // a record rather than speech: every line labelled ("EN: …" / "FR: …", "key: value")
        || (lines.len() >= 2 && lines.iter().all(|l| labelled(l)))
        // a format string: two or more printf placeholders
        || placeholders(para) >= 2
        // a page break: a file's text (NEWS, a manual)
        || para.contains('\u{c}')
}

/// Markup of a Markdown document that chat text does not carry: a heading line, an HTML
/// comment (`<!-- YAML`), reference links (`[text][]`, `[`x`][ref]`), type annotations of API
/// references (`{boolean}`, `{string|Buffer}`), or four or more inline code spans.
pub(crate) fn looks_like_markdown_doc(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("# ") || t.starts_with("##")
    }) || text.contains("<!--")
        || text.contains("-->")
        || text.contains("][")
        || text.split('{').skip(1).any(|rest| {
            rest.split_once('}').is_some_and(|(inner, _)| {
                const TYPES: &[&str] = &[
                    "boolean",
                    "string",
                    "number",
                    "integer",
                    "function",
                    "object",
                    "buffer",
                    "any",
                    "null",
                    "undefined",
                    "array",
                    "promise",
                    "error",
                    "symbol",
                    "bigint",
                    "typedarray",
                    "dataview",
                    "uint8array",
                    "url",
                    "abortsignal",
                ];
                !inner.is_empty()
                    && inner.split('|').all(|t| {
                        let t = t.trim().trim_end_matches("[]");
                        let t = t.split('<').next().unwrap_or(t);
                        TYPES.contains(&t.to_ascii_lowercase().as_str())
                    })
            })
        })
        || text.matches('`').count() >= 8
}

/// Lines broken at a fixed width in mid-sentence, as a document, a manual page or a commit
/// message is: two or more lines, each but the last at least 50 characters long and ending
/// without punctuation. Chat text wraps where the reader's window ends, not in the text.
fn hard_wrapped(lines: &[&str]) -> bool {
    lines.len() >= 2
        && lines[..lines.len() - 1].iter().all(|l| {
            let l = l.trim_end();
            l.chars().count() >= 50 && !l.ends_with(['.', '!', '?', ':', ';', ','])
        })
}

/// printf placeholders in a text (`%s`, `%d`, `%.0f`, `%2$d`).
fn placeholders(text: &str) -> usize {
    text.split('%')
        .skip(1)
        .filter(|rest| {
            rest.chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '.' || c.is_ascii_digit())
                && rest.chars().take(4).any(|c| c.is_ascii_lowercase())
        })
        .count()
}

/// A line that starts with a short label and a colon (`EN: …`, `Status: …`).
fn labelled(line: &str) -> bool {
    line.trim_start()
        .split_once(": ")
        .is_some_and(|(label, _)| {
            (1..=12).contains(&label.chars().count()) && !label.contains(char::is_whitespace)
        })
}

/// True for text made mostly of code-like tokens: options (`-x`, `--flag`), assignments,
/// brackets, all-capital placeholders.
fn looks_like_code(text: &str) -> bool {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    // a short sentence naming an id or an acronym ("The NAS runs DSM 7.2.1") is speech
    if tokens.len() < 6 {
        return false;
    }
    let code = tokens
        .iter()
        .filter(|t| {
            // (a parenthesis around a word is prose: "(prod)." — one inside a token is not)
            let inner = t
                .trim_end_matches(['.', ',', ';', ':', '!', '?'])
                .trim_start_matches('(')
                .trim_end_matches(')');
            (t.starts_with('-') && t.len() > 1 && t.chars().nth(1).is_some_and(|c| c != ' '))
                || inner.contains(['=', '{', '}', '[', ']', '(', ')', '<', '>', '|', '\\', ';', '`'])
                // printf placeholders (%s, %d, %.0f) and snake_case names
                || (t.contains('%') && t.chars().any(|c| c.is_ascii_alphabetic()))
                || (t.contains('_') && t.chars().any(|c| c.is_alphabetic()))
                // (a placeholder in capitals: FILE, PATTERN; not an id such as AC-7F3B-99120)
                || (t.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && !t.chars().any(|c| c.is_ascii_digit())
                    && t.chars()
                        .filter(|c| c.is_alphabetic())
                        .all(|c| c.is_uppercase()))
        })
        .count();
    code * 10 >= tokens.len() * 3
}

/// A one-line paragraph (at most 800 characters) in which the speaker says "I" or "we", or
/// speaks to "you": their own words, even in the middle of a message that pastes a document.
fn speaks_for_self(para: &str) -> bool {
    // "I", "we", "my", "our", "us", "you", "your" in the languages people commonly chat in
    // (not "on": an English preposition as much as French "we")
    const SELF: &[&str] = &[
        "i",
        "i'm",
        "i'll",
        "i've",
        "i'd",
        "we",
        "we're",
        "we'll",
        "we've",
        "our",
        "us",
        "my",
        "let's",
        "you",
        "your",
        "du",
        "ihr",
        "vous",
        "tu",
        "usted",
        "você",
        "voi",
        "ты",
        "вы",
        "ви",
        "ty",
        "vy",
        "sen",
        "siz",
        "jij",
        "sinä",
        "te",
        "ön",
        "anda",
        "kamu",
        "vostè",
        "εσύ",
        "εσείς",
        "bạn",
        "ich",
        "wir",
        "uns",
        "je",
        "j'ai",
        "nous",
        "yo",
        "nosotros",
        "vamos",
        "io",
        "noi",
        "eu",
        "nós",
        "я",
        "мы",
        "ми",
        "ja",
        "já",
        "my",
        "jo",
        "nosaltres",
        "ik",
        "wij",
        "jag",
        "vi",
        "jeg",
        "minä",
        "mä",
        "biz",
        "εγώ",
        "εμείς",
        "μας",
        "én",
        "mi",
        "saya",
        "kami",
        "kita",
        "aku",
        "tôi",
        "chúng",
        "저는",
        "제가",
        "저희",
        "우리",
        "우리는",
        "저희는",
        "우리가",
    ];
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    // (languages written without spaces: "I" and "we" inside the text)
    const UNSPACED: &[&str] = &["私", "僕", "我々", "我们", "我"];
    para.chars().count() <= 800
        && para.trim().lines().count() == 1
        && (para
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .any(|w| word_set(&SET, SELF).contains(w.to_lowercase().as_str()))
            || UNSPACED.iter().any(|w| para.contains(w)))
}

/// The sentences of a message with who speaks in each: `true` for what the participant says,
/// `false` for evidence they include — code blocks, quoted or pasted documents, logs, and all of
/// a tool's output. Statements outrank evidence when history is condensed.
pub fn voiced(text: &str, tool_output: bool) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    // paragraphs, with fenced code blocks kept whole (they may contain blank lines)
    let mut paras: Vec<&str> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let fence = rest.find("```");
        let blank = rest.find("\n\n");
        match (fence, blank) {
            (Some(f), b) if b.is_none_or(|b| f < b) => {
                if f > 0 {
                    paras.push(&rest[..f]);
                }
                let body = &rest[f..];
                let end = body[3..].find("```").map_or(body.len(), |i| i + 6);
                let end = body[end..].find('\n').map_or(body.len(), |i| end + i);
                paras.push(&body[..end]);
                rest = &body[end..];
            }
            (_, Some(b)) => {
                paras.push(&rest[..b]);
                rest = &rest[b + 2..];
            }
            _ => {
                paras.push(rest);
                rest = "";
            }
        }
    }
    paras.retain(|p| !p.trim().is_empty());
    // a message that introduces what it pastes ("Here is the next section:"): its last
    // paragraph may be one more entry of the paste
    let introduces = paras.len() > 2
        && paras[0].trim_end().ends_with(':')
        && paras[1..].iter().any(|p| looks_pasted(p, false));
    // so is one whose paragraphs after the first mostly look pasted ("Next batch. Does any of
    // this affect us?" and then entries of a NEWS file): the short lines among them (a
    // "version 1.21 - …" heading, a one-line entry) are part of the same paste
    let mostly_pasted = paras.len() > 2
        && paras[1..]
            .iter()
            .filter(|p| looks_pasted(p, false) || p.trim_start().starts_with(['*', '•']))
            .count()
            * 2
            >= paras.len() - 1;
    // a long message, or a mostly pasted one, is a statement around pasted material: its
    // middle paragraphs are that material
    let long = text.len() > PASTE_MESSAGE_CHARS || mostly_pasted;
    let last = paras.len().saturating_sub(1);
    // after a paste, the last paragraph is the speaker's again unless it reads as one more
    // entry of what was pasted (a bullet, a "Major changes in Gzip 1.3.11 (2007-02-05)" heading)
    let ends_speech = |p: &str| {
        let p = p.trim();
        !(introduces || mostly_pasted) || !(p.starts_with(['*', '•']) || p.ends_with([')', ']']))
    };
    for (k, para) in paras.iter().enumerate() {
        // a short table or "label: value" list the speaker gives (a contact sheet, milestones,
        // the links that matter): each row is a statement of its own
        if !tool_output {
            if let Some(rows) = sheet_rows(para) {
                out.extend(rows);
                continue;
            }
        }
        let said = !tool_output
            && !para.trim_start().starts_with("```")
            && !looks_pasted(para, paras.len() == 1)
            && (!long || k == 0 || (k == last && ends_speech(para)) || speaks_for_self(para))
            // what a paragraph ending in a colon introduces is quoted ("My suggestion:" and a
            // translation, "The docs say:" and a passage), unless the speaker says "I" or "we"
            && (k == 0 || !paras[k - 1].trim_end().ends_with(':') || speaks_for_self(para));
        for s in sentences(para) {
            // a document quoted inline ("Worth remembering: ## `x` <!-- YAML … -->")
            out.push((
                said && !s.starts_with("```") && !looks_like_markdown_doc(s),
                s,
            ));
        }
    }
    out
}

/// True for characters of scripts written without spaces between words.
pub fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
    )
}

/// Chinese or Japanese (kana and ideographs).
pub fn cjk(c: char) -> bool {
    unspaced(c) && c as u32 >= 0x3040
}

/// Chinese, Japanese or Korean (Hangul syllables): scripts where two or three characters make
/// a word or a name.
pub fn dense(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7AF) || cjk(c)
}

/// Most rows of a table or list read as the speaker's own statements (a longer one is a
/// reference pasted, not a sheet of their facts).
const SHEET_ROWS: usize = 12;

/// The rows of a short Markdown table (`| a | b |` lines under a `|---|` separator; the header
/// and separator as evidence, each data row a statement) or of a short list of `- label: value`
/// items (each a statement), with the line that introduces it ("Here is the split for Q3:") and
/// one line after it ("Can you draft the mail?") when they share its paragraph, as statements;
/// `None` for any other paragraph.
pub(super) fn sheet_rows(para: &str) -> Option<Vec<(bool, &str)>> {
    // (asked for every paragraph: one without a table bar or a list bullet is none)
    if !(para.contains('|') || para.contains("- ") || para.contains("* ")) {
        return None;
    }
    let mut lines: Vec<&str> = para
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let separator = |l: &str| cells(l) && l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
    let row = sheet_line;
    // the speaker's line before and after the rows, in the same paragraph
    let intro =
        (lines.len() > 1 && lines[0].ends_with(':') && !row(lines[0])).then(|| lines.remove(0));
    let outro = (lines.len() > 1 && !row(lines[lines.len() - 1]))
        .then(|| lines.pop())
        .flatten();
    let body = lines.join("\n");
    let rows: Vec<(bool, &str)> = if lines.len() >= 3
        && lines.len() - 2 <= SHEET_ROWS
        && lines.iter().all(|l| cells(l))
        && separator(lines[1])
    {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i >= 2, *l))
            .collect()
    } else if lines.len() >= 2
        && lines.len() <= SHEET_ROWS
        && lines.iter().all(|l| item(l))
        && !looks_like_markdown_doc(&body)
        && !looks_like_code(&body)
    {
        lines.iter().map(|l| (true, *l)).collect()
    } else {
        return None;
    };
    Some(
        intro
            .map(|l| (true, l))
            .into_iter()
            .chain(rows)
            .chain(outro.map(|l| (true, l)))
            .collect(),
    )
}

/// A row of a Markdown table (`| a | b |`).
fn cells(l: &str) -> bool {
    l.starts_with('|') && l.ends_with('|') && l.len() > 2
}

/// A `- label: value` (or `* label: value`) item of a short list.
fn item(l: &str) -> bool {
    l.strip_prefix("- ")
        .or_else(|| l.strip_prefix("* "))
        .is_some_and(|rest| {
            rest.split_once(": ")
                .is_some_and(|(label, value)| label.len() <= 40 && !value.trim().is_empty())
                && l.len() <= 200
        })
}

/// A line of a sheet (see [`sheet_rows`]): a table row or a `- label: value` item.
pub(super) fn sheet_line(l: &str) -> bool {
    cells(l) || item(l)
}

/// True when the `.` at `i` ends a number of one or two digits standing alone ("am 3. Oktober",
/// "1. Schritt"): an ordinal or a list number, not the end of a sentence.
fn ordinal_before(bytes: &[u8], i: usize) -> bool {
    let digits = bytes[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (1..=2).contains(&digits) && (i == digits || !bytes[i - digits - 1].is_ascii_alphanumeric())
}

/// Lower-cased words (letters, digits, `_`, `.`, `/` inside paths) of a text.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).map(|w| w.to_lowercase())
}

/// The words of a text as written (those of [`words`], before lower-casing).
pub fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '/' || c == '-'))
        .map(|w| w.trim_matches(|c: char| c == '.' || c == '-' || c == '/'))
        .filter(|w| !w.is_empty())
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

/// A word list as a set, built on first use: for lists asked about every word of every message.
pub(super) fn word_set(
    cell: &'static OnceLock<HashSet<&'static str>>,
    words: &'static [&'static str],
) -> &'static HashSet<&'static str> {
    cell.get_or_init(|| words.iter().copied().collect())
}

/// True for words that carry no topic.
pub fn is_stopword(w: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    w.len() < 2 || (w.len() <= 12 && word_set(&SET, STOP).contains(w))
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
            "First one. Second one!\nThird line\n```py\nx = 1.5\n```\nAfter. v1.2 stays. Am 3. Oktober ist Freeze.",
        );
        assert_eq!(
            s,
            vec![
                "First one.",
                "Second one!",
                "Third line",
                "```py\nx = 1.5\n```",
                "After.",
                "v1.2 stays.",
                "Am 3. Oktober ist Freeze."
            ]
        );
    }

    #[test]
    fn tells_statements_from_pasted_material() {
        let said = |text: &str, tool: bool| -> Vec<(bool, String)> {
            voiced(text, tool)
                .into_iter()
                .map(|(v, s)| (v, s.chars().take(12).collect()))
                .collect()
        };
        let msg = "We moved the index to LMDB. It is faster.\n\n```py\nx = 1\n\ny = 2\n```\n> quoted line\n\nThanks!";
        assert_eq!(
            said(msg, false),
            vec![
                (true, "We moved the".into()),
                (true, "It is faster".into()),
                (false, "```py\nx = 1\n".into()),
                (false, "> quoted lin".into()),
                (true, "Thanks!".into()),
            ]
        );
        assert!(voiced("The ID is DEP-1.", true).iter().all(|(v, _)| !v));
        let paste = format!(
            "Here is the manual:\n\n{}\n\nWhat does it mean?",
            "Options are read in order. ".repeat(60)
        );
        let v = voiced(&paste, false);
        assert!(v.first().unwrap().0 && v.last().unwrap().0);
        assert!(v[1..v.len() - 1].iter().all(|(s, _)| !s));
        // an id in capitals and a word in parentheses are speech, not code
        let id = "AC-7F3B-99120 (prod). Sandbox uses the same with -TEST appended.";
        assert!(voiced(id, false).iter().all(|(v, _)| *v));
        assert!(!voiced("grep -E PATTERN FILE (see -r) --color=auto", false)[0].0);
        let log = "2025-06-24 14:36 a\n2025-06-24 14:37 b\n2025-06-24 14:38 c\n2025-06-24 14:39 d";
        assert!(voiced(log, false).iter().all(|(v, _)| !v));
    }

    #[test]
    fn records_and_format_strings_are_pasted() {
        let pair =
            "EN: Add the expression to every SELECT.\nFR: Ajouter l'expression à chaque SELECT.";
        assert!(voiced(pair, false).iter().all(|(v, _)| !v));
        assert!(voiced("« %s » : %d pages parmi %u", false)
            .iter()
            .all(|(v, _)| !v));
        assert!(voiced("Wichtig für alle: Kartennummern nie loggen.", false)[0].0);
        assert!(voiced("The maximum discount is 12 % now, not 15 %.", false)[0].0);
        // a short statement of an id with an acronym is speech, not code
        assert!(voiced("The deploy ID is DEP-77431.", false)[0].0);
        assert!(voiced("The NAS runs DSM 7.2.1-69057.", false)[0].0);
    }

    #[test]
    fn documents_pasted_without_fences_are_evidence() {
        let said = |text: &str| -> Vec<bool> { voiced(text, false).iter().map(|p| p.0).collect() };
        // Markdown reference markup, quoted inline after the assistant's lead-in
        assert_eq!(
            said("Worth remembering: ##### `writable.writableEnded` <!-- YAML added: v12.9.0 -->"),
            vec![false]
        );
        assert_eq!(
            said("See [`stream.pipeline()`][] for details."),
            vec![false]
        );
        assert_eq!(
            said("* `chunk` {Buffer|string|null} The data."),
            vec![false]
        );
        // a user's own braces and backticks are speech
        assert_eq!(
            said("The route is /users/{id} and we call `load()` there."),
            vec![true]
        );
        // text wrapped at a fixed width in mid-sentence (a manual, a NEWS file)
        let wrapped = "Rewrote the command substitution parsing code to call the parser\n\
                       recursively and rebuild the command string from the parsed command.";
        assert_eq!(said(wrapped), vec![false, false]);
        let chat = "We moved the ingest to the small VM yesterday afternoon.\nIt is fine.";
        assert_eq!(said(chat), vec![true, true]);
        // a message that introduces what it pastes: the middle is the material, the ends speech
        let news = "More notes, this is the part the ops folks flagged:\n\n\
                    Changes in 2.40:\n\n\
                    * Objdump has a new option which will make it\n  display all symbols.\n\n\
                    * DCO signed contributions are now accepted.\n\n\
                    Also, the old ksh wrappers go.";
        assert_eq!(said(news), vec![true, false, false, false, false, true]);
        // no colon, but what follows the first paragraph is mostly entries of a file: its short
        // headings and one-line entries are part of the paste, and so is a last entry
        let batch = "Next batch. Does any of this need work from us?\n\n\
                     * tar -t --numeric-owner now prints numeric uids.\n\n\
                     \u{c}\nversion 1.13.5 - Paul Eggert, 1999-07-20.\n\n\
                     * Do the delayed updates even after a fatal error.\n\n\
                     Major changes in Gzip 1.3.11 (2007-02-05)";
        assert_eq!(said(batch), vec![true, true, false, false, false, false]);
        // a last paragraph in the speaker's own words still is
        let answered = "Next batch.\n\n* One entry.\n\n* Another entry.\n\n5.2.15, from the distribution package";
        assert_eq!(said(answered), vec![true, false, false, true]);
        // what a colon introduces is quoted: a proposed translation is not a statement
        let proposal = "Está bien, solo cambiaría el orden de la frase:\n\n\
                        Actualmente no se admite --fix-missing ni intercambio de medio";
        assert_eq!(said(proposal), vec![true, false]);
        // in a short message the colon quotes what follows it, not every later paragraph: an
        // idea between two quoted translations is the speaker's
        let between = "Looks right. My version:\n\n\
                       Wenn Sie Tor verwenden wollten, nutzen Sie %s statt %s.\n\n\
                       One idea for partial translations. We could turn on hide_untranslated_menus.";
        assert_eq!(said(between), vec![true, true, false, true, true]);
        // a one-line paragraph where the speaker says "I" or speaks to "you", between pasted
        // manual entries, is theirs even when it runs long
        let entry = "     -N new_passphrase\n             Provides the new passphrase.";
        let between_entries = format!(
            "That depends on the option you use. From the documentation:\n\n{entry}\n\n\
             Given the publisher contract, I would also switch on transparency_log_upload for \
             your workspace. {}\n\n{entry}\n\n{entry}\n\nDoes that answer your question?",
            "Every release signature then gets recorded in a public log. ".repeat(6)
        );
        let voices = said(&between_entries);
        assert_eq!(voices[..4], [true, true, false, false], "{voices:?}");
        assert!(voices[4..11].iter().all(|v| *v), "{voices:?}");
        let ours = "Quick update:\n\nWe moved the ingest to the small VM.";
        assert_eq!(said(ours), vec![true, true]);
        // a short table or label: value list the speaker gives is their own statements, row by row
        let sheet = "Here is the contact sheet:\n\n| area | person |\n|---|---|\n\
                     | ingestion API | Adaeze |\n| archive machine | Rasmus |";
        let rows = voiced(sheet, false);
        assert_eq!(
            rows,
            vec![
                (true, "Here is the contact sheet:"),
                (false, "| area | person |"),
                (false, "|---|---|"),
                (true, "| ingestion API | Adaeze |"),
                (true, "| archive machine | Rasmus |"),
            ]
        );
        let links = "The links that matter:\n\n- glossary: https://l10n.example/g.csv\n- style guide: https://l10n.example/style/2024";
        assert_eq!(said(links), vec![true, true, true]);
        // with the line that introduces it and one after it in the same paragraph
        let split = "Her er fordelingen for Q3:\n- Betalingsflow: Mads Kjær\n- Rapportering: Nikolaj Lund\n\
                     Kan du skrive mailen?";
        assert_eq!(
            voiced(split, false),
            vec![
                (true, "Her er fordelingen for Q3:"),
                (true, "- Betalingsflow: Mads Kjær"),
                (true, "- Rapportering: Nikolaj Lund"),
                (true, "Kan du skrive mailen?"),
            ]
        );
        // a list without labels, or a long reference table, is not
        let notes = "Changes:\n\n- Fixed the build with Clang.\n- Faster start.";
        assert_eq!(said(notes), vec![true, false, false]);
        let long_table = format!("| a | b |\n|---|---|\n{}", "| x | 1 |\n".repeat(20));
        assert!(voiced(&long_table, false).iter().all(|(s, _)| !s));
        // tool output stays evidence
        assert!(voiced(sheet, true).iter().all(|(s, _)| !s));
    }

    #[test]
    fn head_tail_marks_the_cut() {
        let t = head_tail(&"x".repeat(1000), 100);
        assert!(t.starts_with(&"x".repeat(50)) && t.contains("900 characters omitted"));
        assert_eq!(head_tail("short", 100), "short");
    }
}
