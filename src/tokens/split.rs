//! Hand-written pre-tokenizers that reproduce the tiktoken split patterns exactly, without a
//! backtracking regex engine. Each function returns the end (byte offset) of the piece that
//! starts at `i`; the regex semantics (leftmost-first alternation, greedy quantifiers with
//! backtracking, `\s+(?!\S)`) are worked out case by case below and checked against
//! fancy-regex on the corpus and on generated strings (tests/split.rs), and the token ids
//! against tiktoken (tests/oracle.rs, tests/js/counts.test.mjs).

use super::unicode_tables::{LETTER, LOWER_ISH, MARK, NUMBER, UPPER_ISH, WHITE_SPACE};

fn in_table(t: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    t.binary_search_by(|&(a, b)| {
        if c < a {
            std::cmp::Ordering::Greater
        } else if c > b {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Equal
        }
    })
    .is_ok()
}

/// Character classes used by the patterns.
#[derive(Clone, Copy)]
struct Class {
    l: bool,
    n: bool,
    s: bool,
    u: bool,
    w: bool,
}

#[inline]
fn class(c: char) -> Class {
    if c.is_ascii() {
        let l = c.is_ascii_alphabetic();
        return Class {
            l,
            n: c.is_ascii_digit(),
            s: matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}'),
            u: c.is_ascii_uppercase(),
            w: c.is_ascii_lowercase(),
        };
    }
    let m = in_table(&MARK, c);
    Class {
        l: in_table(&LETTER, c),
        n: in_table(&NUMBER, c),
        s: in_table(&WHITE_SPACE, c),
        u: m || in_table(&UPPER_ISH, c),
        w: m || in_table(&LOWER_ISH, c),
    }
}

#[inline]
fn at(text: &str, i: usize) -> Option<char> {
    text[i..].chars().next()
}

fn is_newline(c: char) -> bool {
    c == '\r' || c == '\n'
}

/// `[^\r\n\p{L}\p{N}]`
fn prefix_ok(c: char, k: Class) -> bool {
    !is_newline(c) && !k.l && !k.n
}

/// End of a run of chars satisfying `f`, from `i`.
fn run(text: &str, i: usize, f: impl Fn(char, Class) -> bool) -> usize {
    let mut j = i;
    for c in text[i..].chars() {
        if !f(c, class(c)) {
            break;
        }
        j += c.len_utf8();
    }
    j
}

/// `\p{N}{1,3}` at a number char.
fn up_to_three_digits(text: &str, i: usize) -> usize {
    let mut j = i;
    for d in text[i..].chars().take(3) {
        if !class(d).n {
            break;
        }
        j += d.len_utf8();
    }
    j
}

/// A contraction at `i` (`'s 't 're 've 'm 'll 'd`), case-insensitive or not: its end.
fn contraction(text: &str, i: usize, ci: bool) -> Option<usize> {
    let rest = text[i..].strip_prefix('\'')?;
    let b = rest.as_bytes();
    let lower = |k: usize| {
        b.get(k)
            .map(|x| if ci { x.to_ascii_lowercase() } else { *x })
    };
    match (lower(0), lower(1)) {
        (Some(b's' | b't' | b'm' | b'd'), _) => Some(i + 2),
        (Some(b'r'), Some(b'e')) | (Some(b'v'), Some(b'e')) | (Some(b'l'), Some(b'l')) => {
            Some(i + 3)
        }
        _ => None,
    }
}

/// Whitespace rules shared by cl100k and o200k: `\s*[\r\n]+ | \s+(?!\S) | \s+` at a whitespace char.
fn whitespace(text: &str, i: usize, newline_rule: bool) -> usize {
    let j = run(text, i, |_, k| k.s);
    if newline_rule {
        // \s*[\r\n]+: ends after the last newline of the run
        if let Some(k) = text[i..j].rfind(['\r', '\n']) {
            return i + k + 1;
        }
    }
    if j == text.len() {
        return j; // \s+(?!\S) at the end
    }
    // \s+(?!\S): all but the last whitespace char, when that leaves at least one
    let last = text[i..j]
        .chars()
        .next_back()
        .map(|c| c.len_utf8())
        .unwrap_or(0);
    if j - last > i {
        j - last
    } else {
        j // \s+
    }
}

/// ` ?[^\s\p{L}\p{N}]+` followed by a run of `tail` chars; `None` if it does not match at `i`.
fn punctuation(text: &str, i: usize, tail: &[char]) -> Option<usize> {
    let start = if text[i..].starts_with(' ') { i + 1 } else { i };
    let j = run(text, start, |_, k| !k.s && !k.l && !k.n);
    if j == start {
        return None;
    }
    Some(run(text, j, |c, _| tail.contains(&c)))
}

/// cl100k_base: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
pub fn cl100k_piece(text: &str, i: usize) -> usize {
    let c = at(text, i).unwrap_or(' ');
    let k = class(c);
    if let Some(e) = contraction(text, i, true) {
        return e;
    }
    if k.l {
        return run(text, i, |_, k| k.l);
    }
    let after = i + c.len_utf8();
    if prefix_ok(c, k) && at(text, after).is_some_and(|d| class(d).l) {
        return run(text, after, |_, k| k.l);
    }
    if k.n {
        return up_to_three_digits(text, i);
    }
    if let Some(e) = punctuation(text, i, &['\r', '\n']) {
        return e;
    }
    whitespace(text, i, true)
}

/// o200k_base: words with case classes and attached contractions, `\p{N}{1,3}`,
/// ` ?[^\s\p{L}\p{N}]+[\r\n/]*`, then the whitespace rules.
pub fn o200k_piece(text: &str, i: usize) -> usize {
    let c = at(text, i).unwrap_or(' ');
    let k = class(c);
    let after = i + c.len_utf8();
    let starts: &[usize] = if prefix_ok(c, k) { &[after, i] } else { &[i] };
    // A: [U]*[W]+ contraction?
    for &s in starts {
        if s > text.len() {
            continue;
        }
        let u_end = run(text, s, |_, k| k.u);
        let w_start = if at(text, u_end).is_some_and(|d| class(d).w) {
            Some(u_end)
        } else {
            // backtrack U* to the last char of its run that is also in W
            let mut found = None;
            let mut p = s;
            for d in text[s..u_end].chars() {
                if class(d).w {
                    found = Some(p);
                }
                p += d.len_utf8();
            }
            found
        };
        if let Some(ws) = w_start {
            let e = run(text, ws, |_, k| k.w);
            return contraction(text, e, true).unwrap_or(e);
        }
    }
    // B: [U]+[W]* contraction?
    for &s in starts {
        if s > text.len() {
            continue;
        }
        let u_end = run(text, s, |_, k| k.u);
        if u_end > s {
            let e = run(text, u_end, |_, k| k.w);
            return contraction(text, e, true).unwrap_or(e);
        }
    }
    if k.n {
        return up_to_three_digits(text, i);
    }
    if let Some(e) = punctuation(text, i, &['\r', '\n', '/']) {
        return e;
    }
    whitespace(text, i, true)
}

/// r50k_base / p50k_base (GPT-2): `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
pub fn gpt2_piece(text: &str, i: usize) -> usize {
    let c = at(text, i).unwrap_or(' ');
    if let Some(e) = contraction(text, i, false) {
        return e;
    }
    let start = if c == ' ' { i + 1 } else { i };
    if let Some(d) = at(text, start) {
        let kd = class(d);
        if kd.l {
            return run(text, start, |_, k| k.l);
        }
        if kd.n {
            return run(text, start, |_, k| k.n);
        }
    }
    if let Some(e) = punctuation(text, i, &[]) {
        return e;
    }
    whitespace(text, i, false)
}
