//! The rank table of one encoding and the byte-pair merge over it.
//!
//! Token bytes live in one buffer ([`RankData`]); lookups go through a flat open-addressing table
//! of `u32` ranks, so loading an encoding makes three allocations, not one per token.
//! The merge reproduces tiktoken's exactly (always merge the adjacent pair with the lowest
//! rank, leftmost first); long pieces use a heap so a pasted emoji line or base64 blob stays
//! `O(n log n)` instead of tiktoken's `O(n²)`.

use super::rankfile::RankData;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A token rank (token id).
pub type Rank = u32;
const NONE: Rank = Rank::MAX;

/// Pieces longer than this use the heap merge.
const HEAP_MERGE_FROM: usize = 96;

/// Longest piece kept in the piece cache.
const CACHED_PIECE: usize = 24;
/// Entries of the direct-mapped piece cache.
const PIECE_CACHE: usize = 4096;

/// One slot of the piece cache: the piece's bytes (exact compare, no hash-only match) and count.
#[derive(Debug, Clone, Copy)]
struct CachedPiece {
    len: u8,
    bytes: [u8; CACHED_PIECE],
    count: u32,
}

/// The byte→rank and rank→byte tables of one encoding.
#[derive(Debug)]
pub struct Vocab {
    data: RankData,
    table: Vec<u32>,
    mask: usize,
    /// Counts of short pieces that needed merging (natural text repeats its words).
    pieces: std::cell::RefCell<Vec<CachedPiece>>,
}

#[inline]
fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ v).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

impl Vocab {
    /// Builds the lookup table over parsed rank data.
    pub fn new(data: RankData) -> Vocab {
        let n = data.slots();
        let size = (n * 2).next_power_of_two().max(16);
        let mask = size - 1;
        let mut table = vec![0u32; size];
        for r in 0..n as u32 {
            if let Some(tok) = data.token(r) {
                let mut i = hash_bytes(tok) as usize & mask;
                while table[i] != 0 {
                    i = (i + 1) & mask;
                }
                table[i] = r + 1;
            }
        }
        let empty = CachedPiece {
            len: 0,
            bytes: [0; CACHED_PIECE],
            count: 0,
        };
        Vocab {
            data,
            table,
            mask,
            pieces: std::cell::RefCell::new(vec![empty; PIECE_CACHE]),
        }
    }

    /// Number of rank slots.
    pub fn len(&self) -> usize {
        self.data.slots()
    }

    /// True when the vocabulary has no ranks.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rank of exactly these bytes, if they are one token.
    #[inline]
    pub fn rank(&self, bytes: &[u8]) -> Option<Rank> {
        let mut i = hash_bytes(bytes) as usize & self.mask;
        loop {
            let e = self.table[i];
            if e == 0 {
                return None;
            }
            if self.data.token(e - 1) == Some(bytes) {
                return Some(e - 1);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// The bytes of a rank.
    pub fn token(&self, rank: Rank) -> Option<&[u8]> {
        self.data.token(rank)
    }

    #[inline]
    fn rank_or_none(&self, bytes: &[u8]) -> Rank {
        self.rank(bytes).unwrap_or(NONE)
    }

    /// Number of tokens the piece encodes to.
    pub fn count_piece(&self, piece: &[u8]) -> usize {
        if piece.len() <= 1 || self.rank(piece).is_some() {
            return usize::from(!piece.is_empty());
        }
        let cacheable = piece.len() <= CACHED_PIECE;
        let slot = (hash_bytes(piece) as usize) & (PIECE_CACHE - 1);
        if cacheable {
            if let Ok(cache) = self.pieces.try_borrow() {
                let e = &cache[slot];
                if e.len as usize == piece.len() && &e.bytes[..piece.len()] == piece {
                    return e.count as usize;
                }
            }
        }
        let mut n = 0;
        self.merge(piece, |_, _| n += 1);
        if cacheable {
            if let Ok(mut cache) = self.pieces.try_borrow_mut() {
                let mut bytes = [0u8; CACHED_PIECE];
                bytes[..piece.len()].copy_from_slice(piece);
                cache[slot] = CachedPiece {
                    len: piece.len() as u8,
                    bytes,
                    count: n as u32,
                };
            }
        }
        n
    }

    /// Appends the piece's tokens to `out`.
    pub fn encode_piece(&self, piece: &[u8], out: &mut Vec<Rank>) {
        if piece.is_empty() {
            return;
        }
        if let Some(r) = self.rank(piece) {
            out.push(r);
            return;
        }
        self.merge(piece, |a, b| out.push(self.rank_or_none(&piece[a..b])));
    }

    /// Runs the byte-pair merge and calls `emit(start, end)` for each final part, in order.
    fn merge(&self, piece: &[u8], emit: impl FnMut(usize, usize)) {
        if piece.len() >= HEAP_MERGE_FROM {
            self.merge_heap(piece, emit)
        } else {
            self.merge_small(piece, emit)
        }
    }

    /// tiktoken's `_byte_pair_merge`, for short pieces.
    fn merge_small(&self, piece: &[u8], mut emit: impl FnMut(usize, usize)) {
        let mut parts: Vec<(usize, Rank)> = Vec::with_capacity(piece.len() + 1);
        let mut min = (NONE, usize::MAX);
        for i in 0..piece.len() - 1 {
            let r = self.rank_or_none(&piece[i..i + 2]);
            if r < min.0 {
                min = (r, i);
            }
            parts.push((i, r));
        }
        parts.push((piece.len() - 1, NONE));
        parts.push((piece.len(), NONE));
        let get = |parts: &Vec<(usize, Rank)>, i: usize| {
            if i + 3 < parts.len() {
                self.rank_or_none(&piece[parts[i].0..parts[i + 3].0])
            } else {
                NONE
            }
        };
        while min.0 != NONE {
            let i = min.1;
            if i > 0 {
                parts[i - 1].1 = get(&parts, i - 1);
            }
            parts[i].1 = get(&parts, i);
            parts.remove(i + 1);
            min = (NONE, usize::MAX);
            for (j, &(_, r)) in parts[..parts.len() - 1].iter().enumerate() {
                if r < min.0 {
                    min = (r, j);
                }
            }
        }
        for w in parts.windows(2) {
            emit(w[0].0, w[1].0);
        }
    }

    /// The same merge order with a heap and a linked list: `O(n log n)`.
    fn merge_heap(&self, piece: &[u8], mut emit: impl FnMut(usize, usize)) {
        let n = piece.len();
        // next[i] is the start of the part after the part starting at i (n = end).
        let mut next: Vec<usize> = (1..=n).collect();
        let mut prev: Vec<usize> = (0..n).map(|i| i.wrapping_sub(1)).collect();
        let mut alive = vec![true; n];
        let mut heap: BinaryHeap<Reverse<(Rank, usize, usize)>> = BinaryHeap::with_capacity(n);
        for i in 0..n - 1 {
            let r = self.rank_or_none(&piece[i..i + 2]);
            if r != NONE {
                heap.push(Reverse((r, i, i + 2)));
            }
        }
        while let Some(Reverse((_, l, end))) = heap.pop() {
            if !alive[l] {
                continue;
            }
            let m = next[l];
            if m >= n || next[m] != end {
                continue; // stale: one side has grown since this pair was pushed
            }
            // merge m into l
            alive[m] = false;
            next[l] = end;
            if end < n {
                prev[end] = l;
            }
            if end < n {
                let r = self.rank_or_none(&piece[l..next[end]]);
                if r != NONE {
                    heap.push(Reverse((r, l, next[end])));
                }
            }
            let p = prev[l];
            if p != usize::MAX {
                let r = self.rank_or_none(&piece[p..end]);
                if r != NONE {
                    heap.push(Reverse((r, p, end)));
                }
            }
        }
        let mut i = 0;
        while i < n {
            emit(i, next[i]);
            i = next[i];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::rankfile::{read_rank_file, write_rank_file};
    use super::*;

    fn toy() -> Vocab {
        let mut toks: Vec<Vec<u8>> = (0u8..=255).map(|b| vec![b]).collect();
        for t in ["ab", "bc", "abc", "aa", "aaaa", "cd"] {
            toks.push(t.as_bytes().to_vec());
        }
        let refs: Vec<Option<&[u8]>> = toks.iter().map(|t| Some(t.as_slice())).collect();
        Vocab::new(read_rank_file("toy", &write_rank_file(&refs)).unwrap())
    }

    #[test]
    fn small_and_heap_merges_agree() {
        let v = toy();
        let pieces = ["abcd", "aaaaaaa", "abcabcabcd", "xyz", "aabbccdd"];
        for p in pieces {
            let long = p.repeat(40);
            let mut a = Vec::new();
            let mut b = Vec::new();
            v.merge_small(long.as_bytes(), |x, y| a.push((x, y)));
            v.merge_heap(long.as_bytes(), |x, y| b.push((x, y)));
            assert_eq!(a, b, "piece {p}");
        }
    }

    #[test]
    fn lookup_finds_every_token() {
        let v = toy();
        assert_eq!(v.rank(b"abc"), Some(258));
        assert_eq!(v.rank(b"zz"), None);
        assert_eq!(v.token(258), Some(&b"abc"[..]));
    }
}
