//! The compact binary rank format (`.cwr`) shipped in `pkg/ranks/`.
//!
//! Layout (all integers little-endian):
//! ```text
//! b"CWR1"            magic and version
//! u32 slots          number of rank slots; slot i holds the bytes of rank i
//! slots × (varint len, len bytes)   len 0 marks a rank that does not exist (a hole)
//! u32 checksum       FNV-1a 32 of every byte before it
//! ```
//! Ranks are implied by position, so the file holds no numbers and no base64: cl100k_base is
//! about 0.8 MB instead of tiktoken's 1.7 MB text file, and parsing makes no intermediate strings.

use crate::error::{Error, ErrorCode, Result};

const MAGIC: &[u8; 4] = b"CWR1";

/// FNV-1a, 32 bit.
fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Writes a rank file. `tokens[i]` is the byte string of rank `i`; `None` marks a hole.
pub fn write_rank_file(tokens: &[Option<&[u8]>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(tokens.len() * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(tokens.len() as u32).to_le_bytes());
    for t in tokens {
        let bytes = t.unwrap_or(&[]);
        let mut len = bytes.len();
        loop {
            let b = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
        out.extend_from_slice(bytes);
    }
    let sum = fnv1a(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// The parsed contents of a rank file: every token's bytes, concatenated, with offsets.
#[derive(Debug, Clone)]
pub struct RankData {
    /// Concatenated token bytes in rank order.
    pub bytes: Vec<u8>,
    /// `offsets[r]..offsets[r + 1]` is rank `r`'s byte range; equal offsets mark a hole.
    pub offsets: Vec<u32>,
}

impl RankData {
    /// Number of rank slots (including holes).
    pub fn slots(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    /// The bytes of rank `r`, or `None` for a hole or an out-of-range rank.
    pub fn token(&self, r: u32) -> Option<&[u8]> {
        let r = r as usize;
        if r + 1 >= self.offsets.len() {
            return None;
        }
        let (a, b) = (self.offsets[r] as usize, self.offsets[r + 1] as usize);
        if a == b {
            None
        } else {
            Some(&self.bytes[a..b])
        }
    }
}

fn bad(name: &str, what: &str) -> Error {
    Error::new(
        ErrorCode::InvalidRanks,
        format!(
            "rank data for '{name}' is not a valid contextwise rank file ({what}); \
             pass the bytes of pkg/ranks/{name}.cwr from the same contextwise version"
        ),
    )
}

/// Parses a rank file, checking magic, structure and checksum.
pub fn read_rank_file(name: &str, data: &[u8]) -> Result<RankData> {
    if data.len() < 12 || &data[..4] != MAGIC {
        return Err(bad(name, "missing CWR1 header"));
    }
    let body = &data[..data.len() - 4];
    let stored = u32::from_le_bytes([
        data[data.len() - 4],
        data[data.len() - 3],
        data[data.len() - 2],
        data[data.len() - 1],
    ]);
    if fnv1a(body) != stored {
        return Err(bad(
            name,
            "checksum mismatch: the file is truncated or corrupt",
        ));
    }
    let slots = u32::from_le_bytes([body[4], body[5], body[6], body[7]]) as usize;
    if slots > 4_000_000 {
        return Err(bad(name, "implausible slot count"));
    }
    let mut bytes = Vec::with_capacity(body.len());
    let mut offsets = Vec::with_capacity(slots + 1);
    offsets.push(0u32);
    let mut pos = 8;
    for _ in 0..slots {
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let b = *body
                .get(pos)
                .ok_or_else(|| bad(name, "ends inside a length"))?;
            pos += 1;
            len |= ((b & 0x7f) as usize) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
            if shift > 28 {
                return Err(bad(name, "length too long"));
            }
        }
        let tok = body
            .get(pos..pos + len)
            .ok_or_else(|| bad(name, "ends inside a token"))?;
        bytes.extend_from_slice(tok);
        pos += len;
        offsets.push(bytes.len() as u32);
    }
    if pos != body.len() {
        return Err(bad(name, "trailing bytes after the last token"));
    }
    bytes.shrink_to_fit();
    Ok(RankData { bytes, offsets })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_holes() {
        let toks: Vec<Option<&[u8]>> = vec![Some(b"a"), None, Some(b"hello"), Some(&[0xff; 200])];
        let file = write_rank_file(&toks);
        let data = read_rank_file("x", &file).unwrap();
        assert_eq!(data.slots(), 4);
        assert_eq!(data.token(0), Some(&b"a"[..]));
        assert_eq!(data.token(1), None);
        assert_eq!(data.token(2), Some(&b"hello"[..]));
        assert_eq!(data.token(3).unwrap().len(), 200);
        assert_eq!(data.token(4), None);
    }

    #[test]
    fn rejects_corruption() {
        let toks: Vec<Option<&[u8]>> = vec![Some(b"a"), Some(b"bc")];
        let mut file = write_rank_file(&toks);
        assert_eq!(
            read_rank_file("x", &file[..file.len() - 1])
                .unwrap_err()
                .code,
            ErrorCode::InvalidRanks
        );
        file[9] ^= 1;
        assert_eq!(
            read_rank_file("x", &file).unwrap_err().code,
            ErrorCode::InvalidRanks
        );
        assert_eq!(
            read_rank_file("x", b"nope").unwrap_err().code,
            ErrorCode::InvalidRanks
        );
    }
}
