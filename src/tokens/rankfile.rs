//! The compact binary rank format ("CWR", files `<encoding>.bin`) shipped in `pkg/ranks/`.
//!
//! Layout (all integers little-endian):
//! ```text
//! b"CWR2"            magic and version
//! u32 slots          number of rank slots; slot i holds the bytes of rank i
//! slots × (varint len, len bytes)   len 0 marks a rank that does not exist (a hole)
//! 8192 bytes         bit (a << 8 | b), little-endian 64-bit words: bytes a, b stand next to each
//!                    other in some token (lets a long piece be cut where no token can span)
//! u32 checksum       of every byte before it (FNV-1a 64 over 8-byte words, folded to 32 bits)
//! ```
//! Ranks are implied by position, so the file holds no numbers and no base64: cl100k_base is
//! about 0.8 MB instead of tiktoken's 1.7 MB text file. Loading keeps the file's bytes as they
//! are and records where each token's record starts: no per-token copies or strings.

use crate::error::{Error, ErrorCode, Result};

const MAGIC: &[u8; 4] = b"CWR2";

/// 64-bit words of the adjacent-byte-pair set (65,536 bits).
const ADJACENT_WORDS: usize = 1 << 10;

/// The file checksum: FNV-1a 64 over little-endian 8-byte words (then the tail bytes), folded to
/// 32 bits. Word-wise so that checking a 1.6 MB file costs a fraction of a millisecond.
fn checksum(bytes: &[u8]) -> u32 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let v = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        h = (h ^ v).wrapping_mul(PRIME);
    }
    for &b in words.remainder() {
        h = (h ^ b as u64).wrapping_mul(PRIME);
    }
    (h ^ (h >> 32)) as u32
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
    let mut adjacent = [0u64; ADJACENT_WORDS];
    for t in tokens.iter().flatten() {
        for p in t.windows(2) {
            let pair = (p[0] as usize) << 8 | p[1] as usize;
            adjacent[pair >> 6] |= 1 << (pair & 63);
        }
    }
    for w in adjacent {
        out.extend_from_slice(&w.to_le_bytes());
    }
    let sum = checksum(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// The parsed contents of a rank file: the file's bytes and where each rank's record starts.
#[derive(Debug, Clone)]
pub struct RankData {
    /// The rank file (records of varint length + token bytes).
    file: Vec<u8>,
    /// `records[r]` is the offset of rank `r`'s record; `records[slots]` is the end of the last.
    records: Vec<u32>,
    /// The adjacent-byte-pair set.
    adjacent: Vec<u64>,
}

impl RankData {
    /// Number of rank slots (including holes).
    pub fn slots(&self) -> usize {
        self.records.len().saturating_sub(1)
    }

    /// The byte length of rank `r`'s token (0 for a hole), from the record offsets alone.
    #[inline]
    pub fn token_len(&self, r: usize) -> usize {
        let record = (self.records[r + 1] - self.records[r]) as usize;
        // a record is a varint length (1 byte below 128, 2 below 16384, …) and the bytes
        match record {
            0..=128 => record.saturating_sub(1),
            129..=16385 => record - 2,
            _ => self.token(r as u32).map_or(0, <[u8]>::len),
        }
    }

    /// Bit `a << 8 | b` (of 65,536, in 64-bit words) is set when bytes `a`, `b` stand next to
    /// each other in some token.
    pub fn adjacent_pairs(&self) -> &[u64] {
        &self.adjacent
    }

    /// The bytes of rank `r`, or `None` for a hole or an out-of-range rank.
    #[inline]
    pub fn token(&self, r: u32) -> Option<&[u8]> {
        let r = r as usize;
        let (&a, &b) = (self.records.get(r)?, self.records.get(r + 1)?);
        let (mut a, b) = (a as usize, b as usize);
        // skip the varint length (validated when the file was read)
        while self.file[a] & 0x80 != 0 {
            a += 1;
        }
        a += 1;
        (a < b).then(|| &self.file[a..b])
    }
}

fn bad(name: &str, what: &str) -> Error {
    Error::new(
        ErrorCode::InvalidRanks,
        format!(
            "rank data for '{name}' is not a valid contextwise rank file ({what}); \
             pass the bytes of pkg/ranks/{name}.bin from the same contextwise version"
        ),
    )
}

/// Parses a rank file, checking magic, structure and checksum.
pub fn read_rank_file(name: &str, data: &[u8]) -> Result<RankData> {
    if data.len() < 12 || &data[..4] != MAGIC {
        return Err(bad(name, "missing CWR2 header"));
    }
    let body = &data[..data.len() - 4];
    let stored = u32::from_le_bytes([
        data[data.len() - 4],
        data[data.len() - 3],
        data[data.len() - 2],
        data[data.len() - 1],
    ]);
    if checksum(body) != stored {
        return Err(bad(
            name,
            "checksum mismatch: the file is truncated or corrupt",
        ));
    }
    let slots = u32::from_le_bytes([body[4], body[5], body[6], body[7]]) as usize;
    if slots > 4_000_000 {
        return Err(bad(name, "implausible slot count"));
    }
    let mut records = Vec::with_capacity(slots + 1);
    let mut pos = 8;
    let mut left = slots;
    while left > 0 {
        // in chunks: a WASM engine optimizes a function between calls, not inside a running loop
        let k = left.min(4096);
        pos = parse_records(name, body, pos, k, &mut records)?;
        left -= k;
    }
    if body.len() - pos != ADJACENT_WORDS * 8 {
        return Err(bad(
            name,
            "the pair set after the last token has the wrong size",
        ));
    }
    let adjacent = body[pos..]
        .chunks_exact(8)
        .map(|w| u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]))
        .collect();
    records.push(pos as u32);
    Ok(RankData {
        file: body[..pos].to_vec(),
        records,
        adjacent,
    })
}

/// Walks `k` (varint length, bytes) records from `pos`, noting where each starts; returns the
/// position after them.
#[inline(never)]
fn parse_records(
    name: &str,
    body: &[u8],
    mut pos: usize,
    k: usize,
    records: &mut Vec<u32>,
) -> Result<usize> {
    for _ in 0..k {
        records.push(pos as u32);
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
        if len > body.len() - pos {
            return Err(bad(name, "ends inside a token"));
        }
        pos += len;
    }
    Ok(pos)
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
        for r in 0..4 {
            assert_eq!(
                data.token_len(r),
                data.token(r as u32).map_or(0, <[u8]>::len)
            );
        }
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
