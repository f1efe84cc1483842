//! The compact binary rank format ("CWR", files `<encoding>.bin`) shipped in `pkg/ranks/`.
//!
//! Every token of a byte-pair encoding past the single bytes is two lower-ranked tokens joined
//! (that is how BPE made it), so the file stores, for each rank, the ranks of the two parts
//! instead of the bytes: three bytes each, in byte planes (all high bytes of the left parts,
//! then all middle bytes, …) that gzip and brotli compress well (the ranks of parts are small
//! and repeat). o200k_base: 1.2 MB raw, 0.72 MB gzip, 0.70 MB brotli, against 1.6 / 1.05 / 0.83 MB
//! for its bytes. Loading rebuilds every token by copying its two parts, in rank order (about
//! 2 ms natively for o200k_base, against under 1 ms to index length-prefixed bytes; building the
//! lookup tables takes some 10 ms either way).
//!
//! Layout (integers little-endian):
//! ```text
//! b"CWR3"            magic and version (CWR2 files, length-prefixed bytes, are rejected)
//! u32 slots          number of ranks; rank i's token is token i
//! u32 bytes          the length of all tokens together
//! u32 specials       how many ranks are no pair; then for each, ascending:
//!   u32 rank, u16 length (0: a hole, no token), the token's bytes (a literal: the single
//!   bytes, and any token no two lower ranks join to)
//! 6 planes           for the other ranks, in order: byte 2 (the high byte), byte 1 and byte 0 of
//!                    the left part's rank, one plane each, then the same for the right part
//! u32 checksum       of every byte before it (FNV-1a 64 over 8-byte words, folded to 32 bits)
//! ```
//! Loading also makes the set of byte pairs that stand next to each other in some token: the
//! pairs inside literals, and each pair's join (last byte of the left part, first of the right).
//! The writer is in `rankwrite.rs`.

use crate::error::{Error, ErrorCode, Result};

pub use super::rankwrite::write_rank_file;

pub(super) const MAGIC: &[u8; 4] = b"CWR3";

/// Most rank slots a file may declare (ranks of parts take three bytes).
pub const MAX_SLOTS: usize = 4_000_000;
/// Longest token a file may hold (tiktoken's longest are 128 bytes).
pub const MAX_TOKEN_LEN: usize = 4096;
/// Most token bytes a file may hold in all (o200k_base has 1.4 MB).
pub(super) const MAX_TOTAL_BYTES: usize = 64 << 20;

/// 64-bit words of the adjacent-byte-pair set (65,536 bits).
const ADJACENT_WORDS: usize = 1 << 10;

/// Ranks decoded per call while loading.
const DECODE_CHUNK: usize = 4096;

/// The file checksum: FNV-1a 64 over little-endian 8-byte words (then the tail bytes), folded to
/// 32 bits. Word-wise so that checking a file costs a fraction of a millisecond.
pub(super) fn checksum(bytes: &[u8]) -> u32 {
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

/// The tokens of a rank file: their bytes end to end and where each starts.
#[derive(Debug, Clone)]
pub struct RankData {
    /// Every token's bytes, in rank order.
    bytes: Vec<u8>,
    /// `offsets[r]..offsets[r + 1]` is rank `r`'s token (empty for a hole).
    offsets: Vec<u32>,
    /// The adjacent-byte-pair set.
    adjacent: Vec<u64>,
}

impl RankData {
    /// Number of rank slots (including holes).
    pub fn slots(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The byte length of rank `r`'s token (0 for a hole).
    #[inline]
    pub fn token_len(&self, r: usize) -> usize {
        (self.offsets[r + 1] - self.offsets[r]) as usize
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
        let (&a, &b) = (self.offsets.get(r)?, self.offsets.get(r + 1)?);
        (a < b).then(|| &self.bytes[a as usize..b as usize])
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

type Bad = &'static str;

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// Parses a rank file, checking magic, checksum and structure.
pub fn read_rank_file(name: &str, data: &[u8]) -> Result<RankData> {
    if data.len() < 20 || &data[..4] != MAGIC {
        let what = if data.starts_with(b"CWR") {
            "an older format version; this version reads CWR3"
        } else {
            "missing CWR3 header"
        };
        return Err(bad(name, what));
    }
    let (body, sum) = data.split_at(data.len() - 4);
    if checksum(body) != u32::from_le_bytes([sum[0], sum[1], sum[2], sum[3]]) {
        return Err(bad(
            name,
            "checksum mismatch: the file is truncated or corrupt",
        ));
    }
    Decoding::new(body)
        .and_then(Decoding::run)
        .map_err(|what| bad(name, what))
}

/// A rank that is no pair: a literal token or (`bytes` empty) a hole.
struct Special<'a> {
    rank: usize,
    bytes: &'a [u8],
}

/// The state of decoding a rank file.
struct Decoding<'a> {
    slots: usize,
    specials: Vec<Special<'a>>,
    next_special: usize,
    /// The six planes of the pairs' part ranks, and the next pair.
    planes: [&'a [u8]; 6],
    next_pair: usize,
    /// Every token's bytes (and 16 to spare); `end` of them are written.
    bytes: Vec<u8>,
    end: usize,
    /// `offsets[r + 1]` is where rank `r`'s token ends (written as ranks are decoded).
    offsets: Vec<u32>,
    adjacent: Vec<u64>,
    /// The ranks of the parts of the pairs of a chunk (buffers kept between chunks).
    left: Vec<u32>,
    right: Vec<u32>,
}

impl<'a> Decoding<'a> {
    /// Reads the header and the specials, and finds the planes.
    fn new(body: &'a [u8]) -> std::result::Result<Decoding<'a>, Bad> {
        let slots = u32_at(body, 4).ok_or("no header")? as usize;
        let total = u32_at(body, 8).ok_or("no header")? as usize;
        let n_special = u32_at(body, 12).ok_or("no header")? as usize;
        if slots > MAX_SLOTS || total > MAX_TOTAL_BYTES || n_special > slots {
            return Err("implausible sizes");
        }
        let mut at = 16;
        let mut specials = Vec::with_capacity(n_special);
        for _ in 0..n_special {
            let rank = u32_at(body, at).ok_or("ends inside a literal")? as usize;
            let len = body.get(at + 4..at + 6).ok_or("ends inside a literal")?;
            let len = u16::from_le_bytes([len[0], len[1]]) as usize;
            let bytes = body
                .get(at + 6..at + 6 + len)
                .ok_or("ends inside a literal")?;
            if rank >= slots || specials.last().is_some_and(|s: &Special| s.rank >= rank) {
                return Err("literals out of order");
            }
            if len > MAX_TOKEN_LEN {
                return Err("literal too long");
            }
            specials.push(Special { rank, bytes });
            at += 6 + len;
        }
        let pairs = slots - n_special;
        let rest = &body[at..];
        if rest.len() != 6 * pairs {
            return Err("the part planes have the wrong size");
        }
        let plane = |k: usize| &rest[k * pairs..(k + 1) * pairs];
        Ok(Decoding {
            slots,
            specials,
            next_special: 0,
            planes: [plane(0), plane(1), plane(2), plane(3), plane(4), plane(5)],
            next_pair: 0,
            bytes: vec![0; total + 16],
            end: 0,
            offsets: vec![0; slots + 1],
            adjacent: vec![0; ADJACENT_WORDS],
            left: Vec::with_capacity(DECODE_CHUNK),
            right: Vec::with_capacity(DECODE_CHUNK),
        })
    }

    fn run(mut self) -> std::result::Result<RankData, Bad> {
        let mut r = 0;
        while r < self.slots {
            // in chunks: a WASM engine optimizes a function between calls, not inside a running
            // loop
            let end = (r + DECODE_CHUNK).min(self.slots);
            self.decode(r..end)?;
            r = end;
        }
        if self.end + 16 != self.bytes.len() {
            return Err("the tokens are shorter than declared");
        }
        self.bytes.truncate(self.end);
        Ok(RankData {
            bytes: self.bytes,
            offsets: self.offsets,
            adjacent: self.adjacent,
        })
    }

    /// Decodes the ranks in `ranks`.
    #[inline(never)]
    fn decode(&mut self, ranks: std::ops::Range<usize>) -> std::result::Result<(), Bad> {
        let mut r = ranks.start;
        while r < ranks.end {
            let next = self.specials.get(self.next_special);
            let stop = next.map_or(ranks.end, |s| s.rank.min(ranks.end));
            if stop > r {
                self.pairs(r..stop)?;
                r = stop;
                continue;
            }
            // rank r is a literal or a hole
            let bytes = next.map_or(&[][..], |s| s.bytes);
            self.next_special += 1;
            let (start, end) = (self.end, self.end + bytes.len());
            if end + 16 > self.bytes.len() {
                return Err("more token bytes than declared");
            }
            self.bytes[start..end].copy_from_slice(bytes);
            self.end = end;
            self.offsets[r + 1] = end as u32;
            for p in bytes.windows(2) {
                let pair = (p[0] as usize) << 8 | p[1] as usize;
                self.adjacent[pair >> 6] |= 1 << (pair & 63);
            }
            r += 1;
        }
        Ok(())
    }

    /// Appends the tokens of the pair ranks in `ranks`: each its two parts' bytes.
    #[inline(always)]
    fn pairs(&mut self, ranks: std::ops::Range<usize>) -> std::result::Result<(), Bad> {
        let (i, n) = (self.next_pair, ranks.len());
        self.next_pair += n;
        let plane = |k: usize| self.planes[k].get(i..i + n).ok_or("more pairs than planes");
        // the parts' ranks from the planes first, in a loop of its own
        let rank = |hi: &[u8], mid: &[u8], lo: &[u8], out: &mut Vec<u32>| {
            out.clear();
            out.extend(
                hi.iter()
                    .zip(mid)
                    .zip(lo)
                    .map(|((&h, &m), &l)| (h as u32) << 16 | (m as u32) << 8 | l as u32),
            );
        };
        let (mut left, mut right) = (
            std::mem::take(&mut self.left),
            std::mem::take(&mut self.right),
        );
        rank(plane(0)?, plane(1)?, plane(2)?, &mut left);
        rank(plane(3)?, plane(4)?, plane(5)?, &mut right);
        let result = join_parts(
            &mut self.bytes,
            &mut self.offsets,
            &mut self.adjacent,
            &mut self.end,
            ranks.start,
            (&left, &right),
        );
        (self.left, self.right) = (left, right);
        result
    }
}

/// Appends the tokens of ranks `first..`, each joining its left and right part, to `bytes` from
/// `*end` on, and their ends to `offsets`. (A function of its own, over slices: the loop keeps
/// everything in registers.)
#[inline(always)]
fn join_parts(
    bytes: &mut [u8],
    offsets: &mut [u32],
    adjacent: &mut [u64],
    end: &mut usize,
    first: usize,
    parts: (&[u32], &[u32]),
) -> std::result::Result<(), Bad> {
    let cap = bytes.len();
    let mut dst = *end;
    for (r, (&a, &b)) in (first..).zip(parts.0.iter().zip(parts.1)) {
        let (a, b) = (a as usize, b as usize);
        if a >= r || b >= r {
            return Err("a part not below its pair");
        }
        // a, b < r: their offsets are written
        let (sa, ea) = (offsets[a] as usize, offsets[a + 1] as usize);
        let (sb, eb) = (offsets[b] as usize, offsets[b + 1] as usize);
        let (la, lb) = (ea - sa, eb - sb);
        if la == 0 || lb == 0 || la + lb > MAX_TOKEN_LEN || dst + la + lb + 16 > cap {
            return Err("a part that is no token, a token too long, or more bytes than declared");
        }
        copy_token(bytes, sa, dst, la);
        copy_token(bytes, sb, dst + la, lb);
        dst += la + lb;
        offsets[r + 1] = dst as u32;
        let pair = (bytes[ea - 1] as usize) << 8 | bytes[sb] as usize;
        adjacent[pair >> 6] |= 1 << (pair & 63);
    }
    *end = dst;
    Ok(())
}

/// Copies `len` bytes of `bytes` from `src` to `dst` (`bytes` has 16 bytes to spare after
/// `dst + len`): by one fixed 16-byte copy where it can (no call to `memcpy`).
#[inline(always)]
fn copy_token(bytes: &mut [u8], src: usize, dst: usize, len: usize) {
    if len <= 16 {
        let chunk: [u8; 16] = match <&[u8; 16]>::try_from(&bytes[src..src + 16]) {
            Ok(c) => *c,
            Err(_) => return,
        };
        if let Ok(to) = <&mut [u8; 16]>::try_from(&mut bytes[dst..dst + 16]) {
            *to = chunk;
        }
    } else {
        bytes.copy_within(src..src + len, dst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(toks: &[Option<&[u8]>]) -> RankData {
        let file = write_rank_file(toks);
        let data = read_rank_file("x", &file).unwrap();
        assert_eq!(data.slots(), toks.len());
        for (r, t) in toks.iter().enumerate() {
            assert_eq!(data.token(r as u32), *t, "rank {r}");
            assert_eq!(data.token_len(r), t.map_or(0, <[u8]>::len));
        }
        assert_eq!(data.token(toks.len() as u32), None);
        data
    }

    #[test]
    fn round_trip_with_holes_literals_and_pairs() {
        let long = [0xffu8; 200];
        let toks: Vec<Option<&[u8]>> = vec![
            Some(b"a"),
            None,
            Some(b"b"),
            Some(b"ab"),
            Some(b"hello"), // no split into lower ranks: a literal
            Some(b"abab"),
            Some(b"bab"),
            Some(&long),
            Some(b"ababb"),
            None,
        ];
        let data = round_trip(&toks);
        let adjacent = |a: u8, b: u8| {
            let p = (a as usize) << 8 | b as usize;
            data.adjacent_pairs()[p >> 6] >> (p & 63) & 1 == 1
        };
        for (a, b) in [
            (b'a', b'b'),
            (b'b', b'a'),
            (b'b', b'b'),
            (b'l', b'l'),
            (0xff, 0xff),
        ] {
            assert!(adjacent(a, b), "{a} {b}");
        }
        assert!(!adjacent(b'a', b'a') && !adjacent(b'o', b'h'));
    }

    #[test]
    fn round_trip_of_an_empty_and_a_byte_only_vocabulary() {
        round_trip(&[]);
        let bytes: Vec<[u8; 1]> = (0..=255u8).rev().map(|b| [b]).collect();
        round_trip(&bytes.iter().map(|b| Some(&b[..])).collect::<Vec<_>>());
    }

    #[test]
    fn rejects_corruption_and_old_versions() {
        let toks: Vec<Option<&[u8]>> = vec![Some(b"a"), Some(b"b"), Some(b"ab"), Some(b"ba")];
        let file = write_rank_file(&toks);
        let err = |bytes: &[u8]| read_rank_file("x", bytes).unwrap_err();
        assert_eq!(err(&file[..file.len() - 1]).code, ErrorCode::InvalidRanks);
        for i in 4..file.len() {
            let mut f = file.clone();
            f[i] ^= 0x10;
            assert_eq!(err(&f).code, ErrorCode::InvalidRanks, "byte {i}");
        }
        assert_eq!(err(b"nope").code, ErrorCode::InvalidRanks);
        // a CWR2 file (length-prefixed tokens) is named as an older version
        let mut old = b"CWR2\x01\0\0\0\x01a".to_vec();
        old.extend_from_slice(&[0; 8192 + 4]);
        let e = err(&old);
        assert_eq!(e.code, ErrorCode::InvalidRanks);
        assert!(e.message.contains("older format"), "{}", e.message);
    }

    #[test]
    fn a_valid_checksum_over_garbage_is_an_error_not_a_panic() {
        let mut rng = 7u32;
        for n in [12usize, 40, 300, 5000] {
            let mut f = MAGIC.to_vec();
            f.extend_from_slice(&1000u32.to_le_bytes());
            while f.len() < n {
                rng = rng.wrapping_mul(1_103_515_245).wrapping_add(12345);
                f.push((rng >> 16) as u8);
            }
            let sum = checksum(&f);
            f.extend_from_slice(&sum.to_le_bytes());
            assert_eq!(
                read_rank_file("x", &f).unwrap_err().code,
                ErrorCode::InvalidRanks
            );
        }
    }

    /// Rewrites a file's checksum after an edit.
    fn resum(mut f: Vec<u8>) -> Vec<u8> {
        let n = f.len() - 4;
        let sum = checksum(&f[..n]);
        f[n..].copy_from_slice(&sum.to_le_bytes());
        f
    }

    #[test]
    fn a_checksummed_file_that_breaks_the_structure_is_an_error() {
        let toks: Vec<Option<&[u8]>> = vec![Some(b"a"), Some(b"b"), Some(b"ab"), Some(b"abab")];
        let file = write_rank_file(&toks);
        let err = |f: Vec<u8>| read_rank_file("x", &resum(f)).unwrap_err();
        // two pairs (ranks 2 and 3): six planes of two bytes before the checksum, plane k's
        // byte of pair i at planes + 2k + i (planes: left high, middle, low, then right)
        let planes = file.len() - 4 - 12;
        let mut f = file.clone();
        f[planes + 2 * 2 + 1] = 3; // rank 3's left part: rank 3 itself
        assert!(err(f).message.contains("not below"));
        let mut f = file.clone();
        f[planes + 5 * 2] = 3; // rank 2's right part: rank 3
        assert!(err(f).message.contains("not below"));
        let mut f = file.clone();
        f[8] ^= 1; // the declared length of all tokens
        assert_eq!(err(f).code, ErrorCode::InvalidRanks);
        let mut f = file.clone();
        f.insert(planes, 0); // a plane byte too many
        assert!(err(f).message.contains("wrong size"));
    }
}
