//! Hand-written pre-tokenizers that reproduce the tiktoken split patterns exactly, without a
//! backtracking regex engine. Each function returns the end (byte offset) of the piece that
//! starts at `i`; the regex semantics (leftmost-first alternation, greedy quantifiers with
//! backtracking, `\s+(?!\S)`) are worked out case by case below and checked against
//! fancy-regex on the corpus and on generated strings (tests/split.rs), and the token ids
//! against tiktoken (tests/oracle.rs, tests/js/counts.test.mjs).
//!
//! The scanners work on the UTF-8 bytes: an ASCII byte is classified with one table load, other
//! characters are decoded in place (the input is a `&str`, so it is valid UTF-8) and looked up
//! in the generated two-level table.

use super::unicode_tables::{BLOCK, BLOCKS, BLOCK_OF, CLASS_BITS, LATIN1};

/// `\p{L}`
const L: u8 = 1;
/// `\p{N}`
const N: u8 = 2;
/// `\s`
const S: u8 = 4;
/// o200k's upper-ish class `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`
const U: u8 = 8;
/// o200k's lower-ish class `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`
const W: u8 = 16;

/// The class bits of a code point: one table load below U+0100, three above.
#[inline]
fn bits_of(cp: u32) -> u8 {
    let cp = cp as usize;
    if cp < 256 {
        return LATIN1[cp];
    }
    let Some(&block) = BLOCK_OF.get(cp / BLOCK) else {
        return 0;
    };
    let pair = BLOCKS[block as usize][(cp % BLOCK) / 2];
    CLASS_BITS[((pair >> ((cp & 1) * 4)) & 0xF) as usize]
}

/// The class bits of a character (bit 0 `\p{L}`, 1 `\p{N}`, 2 `\s`, 3 o200k upper-ish,
/// 4 o200k lower-ish); public for the exhaustive table test.
#[doc(hidden)]
pub fn class_bits(c: char) -> u8 {
    bits_of(c as u32)
}

/// The character at byte `i` (a character boundary of valid UTF-8): its code point and length.
#[inline(always)]
fn decode(b: &[u8], i: usize) -> (u32, usize) {
    let x = b[i] as u32;
    if x < 0x80 {
        (x, 1)
    } else if x < 0xE0 {
        ((x & 0x1F) << 6 | (b[i + 1] as u32 & 0x3F), 2)
    } else if x < 0xF0 {
        (
            (x & 0x0F) << 12 | (b[i + 1] as u32 & 0x3F) << 6 | (b[i + 2] as u32 & 0x3F),
            3,
        )
    } else {
        (
            (x & 0x07) << 18
                | (b[i + 1] as u32 & 0x3F) << 12
                | (b[i + 2] as u32 & 0x3F) << 6
                | (b[i + 3] as u32 & 0x3F),
            4,
        )
    }
}

/// The class bits and length of the character at `i`, or `None` at the end.
#[inline(always)]
fn class_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let &x = b.get(i)?;
    if x < 0x80 {
        return Some((LATIN1[x as usize], 1));
    }
    let (cp, len) = decode(b, i);
    Some((bits_of(cp), len))
}

/// End of the run from `i` of characters whose class bits meet `mask` (`want`: some bit of
/// `mask` set; `!want`: none of them set).
#[inline(always)]
fn run(b: &[u8], i: usize, mask: u8, want: bool) -> usize {
    let mut j = i;
    while let Some((k, len)) = class_at(b, j) {
        if (k & mask != 0) != want {
            break;
        }
        j += len;
    }
    j
}

/// o200k's `[U]*` from `i`: the end of the run, and the start of its last character that is
/// also in `W` (if any), in one scan.
#[inline(always)]
fn run_u(b: &[u8], i: usize) -> (usize, Option<usize>) {
    let mut j = i;
    let mut last_w = None;
    while let Some((k, len)) = class_at(b, j) {
        if k & U == 0 {
            break;
        }
        if k & W != 0 {
            last_w = Some(j);
        }
        j += len;
    }
    (j, last_w)
}

/// `[^\r\n\p{L}\p{N}]` for the character at `i` with class bits `k`.
#[inline]
fn prefix_ok(b: &[u8], i: usize, k: u8) -> bool {
    b[i] != b'\r' && b[i] != b'\n' && k & (L | N) == 0
}

/// `\p{N}{1,3}` at a number char.
fn up_to_three_digits(b: &[u8], i: usize) -> usize {
    let mut j = i;
    for _ in 0..3 {
        match class_at(b, j) {
            Some((k, len)) if k & N != 0 => j += len,
            _ => break,
        }
    }
    j
}

/// A contraction at `i` (`'s 't 're 've 'm 'll 'd`), case-insensitive or not: its end.
#[inline]
fn contraction(b: &[u8], i: usize, ci: bool) -> Option<usize> {
    let rest = b.get(i..)?.strip_prefix(b"'")?;
    let lower = |k: usize| {
        rest.get(k)
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

/// Start of the last character of the non-empty `b[i..j]`.
fn last_char_start(b: &[u8], i: usize, j: usize) -> usize {
    let mut p = j - 1;
    while p > i && b[p] & 0xC0 == 0x80 {
        p -= 1;
    }
    p
}

/// Whitespace rules shared by cl100k and o200k: `\s*[\r\n]+ | \s+(?!\S) | \s+` at a whitespace char.
fn whitespace(b: &[u8], i: usize, newline_rule: bool) -> usize {
    let j = run(b, i, S, true);
    if newline_rule {
        // \s*[\r\n]+: ends after the last newline of the run
        if let Some(k) = b[i..j].iter().rposition(|&x| x == b'\r' || x == b'\n') {
            return i + k + 1;
        }
    }
    if j == b.len() {
        return j; // \s+(?!\S) at the end
    }
    // \s+(?!\S): all but the last whitespace char, when that leaves at least one
    let last = last_char_start(b, i, j);
    if last > i {
        last
    } else {
        j // \s+
    }
}

/// ` ?[^\s\p{L}\p{N}]+` followed by a run of `tail` bytes; `None` if it does not match at `i`.
fn punctuation(b: &[u8], i: usize, tail: &[u8]) -> Option<usize> {
    let start = if b[i] == b' ' { i + 1 } else { i };
    let j = run(b, start, L | N | S, false);
    if j == start {
        return None;
    }
    let mut e = j;
    while e < b.len() && tail.contains(&b[e]) {
        e += 1;
    }
    Some(e)
}

/// cl100k_base: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
pub fn cl100k_piece(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    let Some((k, len)) = class_at(b, i) else {
        return i;
    };
    if k & L != 0 {
        return run(b, i + len, L, true);
    }
    if b[i] == b'\'' {
        if let Some(e) = contraction(b, i, true) {
            return e;
        }
    }
    if prefix_ok(b, i, k) && class_at(b, i + len).is_some_and(|(d, _)| d & L != 0) {
        return run(b, i + len, L, true);
    }
    if k & N != 0 {
        return up_to_three_digits(b, i);
    }
    if let Some(e) = punctuation(b, i, b"\r\n") {
        return e;
    }
    whitespace(b, i, true)
}

/// o200k_base: words with case classes and attached contractions, `\p{N}{1,3}`,
/// ` ?[^\s\p{L}\p{N}]+[\r\n/]*`, then the whitespace rules.
pub fn o200k_piece(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    let Some((k, len)) = class_at(b, i) else {
        return i;
    };
    let after = i + len;
    let starts: &[usize] = if prefix_ok(b, i, k) {
        &[after, i]
    } else {
        &[i]
    };
    // A: [U]*[W]+ contraction? The U run and the start of its last char that is also in W
    // (where `[U]*` backtracks to when no W follows the run) come from one scan.
    let mut u_ends = [0usize; 2];
    for (n, &s) in starts.iter().enumerate() {
        let (u_end, last_w) = run_u(b, s);
        u_ends[n] = u_end;
        let w_start = if class_at(b, u_end).is_some_and(|(d, _)| d & W != 0) {
            Some(u_end)
        } else {
            last_w
        };
        if let Some(ws) = w_start {
            let e = run(b, ws, W, true);
            return contraction(b, e, true).unwrap_or(e);
        }
    }
    // B: [U]+[W]* contraction?
    for (n, &s) in starts.iter().enumerate() {
        let u_end = u_ends[n];
        if u_end > s {
            let e = run(b, u_end, W, true);
            return contraction(b, e, true).unwrap_or(e);
        }
    }
    if k & N != 0 {
        return up_to_three_digits(b, i);
    }
    if let Some(e) = punctuation(b, i, b"\r\n/") {
        return e;
    }
    whitespace(b, i, true)
}

/// r50k_base / p50k_base (GPT-2): `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
pub fn gpt2_piece(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    if i >= b.len() {
        return i;
    }
    if let Some(e) = contraction(b, i, false) {
        return e;
    }
    let start = if b[i] == b' ' { i + 1 } else { i };
    if let Some((kd, _)) = class_at(b, start) {
        if kd & L != 0 {
            return run(b, start, L, true);
        }
        if kd & N != 0 {
            return run(b, start, N, true);
        }
    }
    if let Some(e) = punctuation(b, i, b"") {
        return e;
    }
    whitespace(b, i, false)
}
