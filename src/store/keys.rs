//! The key layout. Every key is printable ASCII; numbers are zero-padded so that key order is
//! numeric order; strings from outside (session ids are checked, model names and search terms
//! are escaped) never contain the separator.
//!
//! | key | value |
//! |---|---|
//! | `!meta` | `{ schema }` |
//! | `!stats` | search-index totals `{ docs, totalLen }` |
//! | `!turns` | the turn loop's totals (`manager.stats()`) |
//! | `s/<session>` | [`SessionRecord`](super::SessionRecord) |
//! | `v/<hash of session>/<rev>` | `""` — claims of a session's latest 64 revisions (kept after a delete, so a writer that read the deleted session fails) |
//! | `u/<updated ms>/<session>` | `""` — the listing by last update (checked against `s/`) |
//! | `m/<session>/<seq>` | [`MessageRecord`](super::MessageRecord) |
//! | `y/<session>/<to>/<from>` | [`SummaryRecord`](super::SummaryRecord) |
//! | `f/<session>/<id>` | [`FactRecord`](super::FactRecord) |
//! | `g/<session>/<time>/<id>` | [`UsageRecord`](super::UsageRecord) |
//! | `c/<model>` | calibration factor |
//! | `d/<session>/<doc>` | a search document: its terms and what it points at |
//! | `t/<term>/<session>/<doc>` | a posting: `tf,len,time` |

use crate::error::{Error, Result};

/// Key of the schema record.
pub const META: &str = "!meta";
/// Key of the search-index totals.
pub const STATS: &str = "!stats";
/// Key of the turn loop's totals.
pub const TURN_STATS: &str = "!turns";

/// The end (exclusive) of the range of keys starting with `prefix` ('~' is the largest
/// printable ASCII character and never appears in a key).
pub fn prefix_end(prefix: &str) -> String {
    format!("{prefix}~")
}

/// Checks a session id: 1–128 characters of `A–Z a–z 0–9 _ - . :`.
pub fn check_session_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_argument(format!(
            "session id {:?} is not valid: use 1–128 characters of A–Z, a–z, 0–9, '_', '-', '.', ':' (or omit it for a new id)",
            id.chars().take(60).collect::<String>()
        )))
    }
}

/// The largest sequence number, range end or time a key holds (15 digits; below 2^53, so exact in JS).
pub const MAX_NUM: u64 = 999_999_999_999_999;

/// A number as 15 digits (milliseconds until the year 33658; sequence numbers).
pub fn num(n: f64) -> String {
    format!("{:015}", n.clamp(0.0, 999_999_999_999_999.0) as u64)
}

/// Any text as a key part: ASCII letters and digits kept, every other byte as `%XX`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `s/<session>`.
pub fn session(id: &str) -> String {
    format!("s/{id}")
}
/// `v/<hash>/` — the revision claims of a session (the id hashed: no key names a deleted session).
pub fn revisions(id: &str) -> String {
    format!("v/{}/", hash_id(&["session", id]))
}
/// `v/<hash>/<rev>`.
pub fn revision(id: &str, rev: u64) -> String {
    format!("{}{}", revisions(id), num(rev as f64))
}
/// The revision of a `v/` key.
pub fn revision_number(key: &str) -> Option<u64> {
    key.rsplit('/').next()?.parse().ok()
}
/// `u/<updated>/<session>`.
pub fn updated(time: f64, id: &str) -> String {
    format!("u/{}/{id}", num(time))
}
/// The session id of a `u/` key.
pub fn updated_session(key: &str) -> Option<&str> {
    key.strip_prefix("u/")?.split_once('/').map(|(_, id)| id)
}
/// `m/<session>/` — every message of a session.
pub fn messages(id: &str) -> String {
    format!("m/{id}/")
}
/// `m/<session>/<seq>`.
pub fn message(id: &str, seq: u64) -> String {
    format!("m/{id}/{}", num(seq as f64))
}
/// `y/<session>/<to>/<from>`.
pub fn summary(id: &str, from: u64, to: u64) -> String {
    format!("y/{id}/{}/{}", num(to as f64), num(from as f64))
}
/// `f/<session>/<fact>`.
pub fn fact(id: &str, fact: &str) -> String {
    format!("f/{id}/{fact}")
}
/// `g/<session>/<time>/<id>`.
pub fn usage(id: &str, time: f64, uid: &str) -> String {
    format!("g/{id}/{}/{uid}", num(time))
}
/// `c/<model>`.
pub fn calibration(model: &str) -> String {
    format!("c/{}", escape(model))
}
/// The model of a `c/` key.
pub fn calibration_model(key: &str) -> Option<String> {
    let esc = key.strip_prefix("c/")?;
    let mut bytes = Vec::with_capacity(esc.len());
    let mut it = esc.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next()?, it.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok()
}
/// `d/<session>/<doc>`.
pub fn doc(id: &str, doc: &str) -> String {
    format!("d/{id}/{doc}")
}
/// `t/<term>/` — every posting of a term.
pub fn postings(term: &str) -> String {
    format!("t/{}/", escape(term))
}
/// `t/<term>/<session>/<doc>`.
pub fn posting(term: &str, id: &str, doc: &str) -> String {
    format!("t/{}/{id}/{doc}", escape(term))
}
/// `(session, doc)` of a posting key.
pub fn posting_doc(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("t/")?;
    let (_, rest) = rest.split_once('/')?;
    rest.split_once('/')
}

/// A short, stable id: the first 16 hex digits of SHA-256 of `parts`.
pub fn hash_id(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_numerically_and_escape_round_trips() {
        assert!(message("a", 9) < message("a", 10));
        assert!(updated(5.0, "z") < updated(40.0, "a"));
        for m in ["gpt-4o", "qwen2.5:7b", "모델/x%"] {
            assert_eq!(calibration_model(&calibration(m)).as_deref(), Some(m));
        }
        assert!(escape("a/b~").bytes().all(|b| b != b'/' && b != b'~'));
        assert!(check_session_id("ok-1.2:x_").is_ok());
        assert!(check_session_id("no/slash").is_err());
        assert_eq!(posting_doc(&posting("día", "s1", "d1")), Some(("s1", "d1")));
    }
}
