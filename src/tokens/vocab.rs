//! The rank table of one encoding and the byte-pair merge over it.
//!
//! Token bytes stay in one buffer, as the rank file decodes them ([`RankData`]); lookups go by
//! token length (see [`Vocab`]), so loading an encoding makes a handful of allocations, not one
//! per token.
//! The merge reproduces tiktoken's exactly (always merge the adjacent pair with the lowest
//! rank, leftmost first); pieces of 16 bytes or more are cut where no token can span and merged
//! with a heap, so a pasted emoji line or base64 blob stays linear to `O(n log n)` instead of
//! tiktoken's `O(n²)`. Counts of pieces that needed merging are cached: up to 24 bytes in a
//! two-way set-associative cache, 25–1,024 bytes (text without spaces between words) in a second
//! one whose bytes live in a ring buffer; both compare bytes exactly.

use super::rankfile::RankData;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A token rank (token id).
pub type Rank = u32;
const NONE: Rank = Rank::MAX;

/// Pieces (and segments of pieces) of at least this many bytes use the heap merge.
const HEAP_MERGE_FROM: usize = 16;
/// Pieces of at least this many bytes are cut where no token spans before they are merged.
const CUT_FROM: usize = 16;

/// Longest piece kept in the piece cache.
const CACHED_PIECE: usize = 24;
/// Sets of the piece cache; each holds two pieces, the more recently used first.
const PIECE_SETS: usize = 16384;

/// One slot of the piece cache: the piece's bytes (exact compare, no hash-only match) and count.
#[derive(Debug, Clone, Copy)]
struct CachedPiece {
    len: u8,
    bytes: [u8; CACHED_PIECE],
    count: u32,
}

/// Longest piece kept in the long-piece cache (pieces of [`CACHED_PIECE`] + 1 to this many bytes).
const LONG_PIECE: usize = 1024;
/// Sets of the long-piece cache; each holds two pieces, the more recently used first.
const LONG_SETS: usize = 4096;
/// Bytes of the ring buffer that holds the long pieces' bytes.
const RING: usize = 1 << 19;

/// One slot of the long-piece cache: where the piece's bytes start in the ring (counted from the
/// first byte ever written, so a slot whose bytes were overwritten since is seen as stale), its
/// hash, length and count.
#[derive(Debug, Clone, Copy, Default)]
struct LongPiece {
    hash: u64,
    start: u64,
    len: u32,
    count: u32,
}

/// Counts of pieces longer than [`CACHED_PIECE`] (text without spaces between words, such as
/// Thai or Chinese, splits into long pieces): two-way sets whose bytes live in a ring buffer and
/// are compared exactly.
#[derive(Debug, Default)]
struct LongCache {
    sets: Vec<[LongPiece; 2]>,
    ring: Vec<u8>,
    /// Bytes written to the ring so far (the next write goes to `pos % RING`).
    pos: u64,
}

impl LongCache {
    fn get(&mut self, piece: &[u8], h: u64) -> Option<usize> {
        if self.sets.is_empty() {
            self.sets = vec![[LongPiece::default(); 2]; LONG_SETS];
            self.ring = vec![0; RING];
        }
        let (pos, ring) = (self.pos, &self.ring);
        let ways = &mut self.sets[(h >> 32) as usize & (LONG_SETS - 1)];
        let same = |e: &LongPiece| {
            e.hash == h
                && e.len as usize == piece.len()
                && e.start + RING as u64 >= pos
                && &ring[(e.start % RING as u64) as usize..][..piece.len()] == piece
        };
        if same(&ways[0]) {
            return Some(ways[0].count as usize);
        }
        if same(&ways[1]) {
            ways.swap(0, 1);
            return Some(ways[0].count as usize);
        }
        None
    }

    fn put(&mut self, piece: &[u8], h: u64, count: usize) {
        if self.sets.is_empty() {
            return;
        }
        let at = (self.pos % RING as u64) as usize;
        if at + piece.len() > RING {
            self.pos += (RING - at) as u64; // keep each piece's bytes in one run
        }
        let start = self.pos;
        let at = (start % RING as u64) as usize;
        self.ring[at..at + piece.len()].copy_from_slice(piece);
        self.pos += piece.len() as u64;
        let ways = &mut self.sets[(h >> 32) as usize & (LONG_SETS - 1)];
        ways[1] = ways[0];
        ways[0] = LongPiece {
            hash: h,
            start,
            len: piece.len() as u32,
            count: count as u32,
        };
    }
}

/// Vectors of the heap merge, kept between calls.
#[derive(Debug, Default)]
struct HeapScratch {
    next: Vec<u32>,
    prev: Vec<u32>,
    pair: Vec<Rank>,
    heap: Vec<Reverse<u64>>,
}

/// Ranks entered into the tables per call while loading.
const LOAD_CHUNK: usize = 4096;

/// Tokens of up to this many bytes are looked up by their bytes packed into one `u64`.
const SHORT: usize = 7;

/// The byte→rank and rank→byte tables of one encoding.
///
/// Lookups by length: one byte and two bytes index direct tables; 3–7 bytes are packed into a
/// `u64` key (length in the top byte) and probed in an open-addressing table of keys, so the
/// lookups a merge makes most compare one integer and never touch the token bytes; longer tokens
/// go through a hashed table whose entries carry a hash tag.
#[derive(Debug)]
pub struct Vocab {
    data: RankData,
    /// Rank of each single byte (every byte is a token in the byte-level encodings).
    singles: [Rank; 256],
    /// Rank of each two-byte token, indexed by `b0 << 8 | b1` (`NONE` if not a token).
    pairs: Vec<Rank>,
    /// Packed keys of the 3–7-byte tokens (0 = empty slot) and their ranks.
    short_keys: Vec<u64>,
    short_ranks: Vec<Rank>,
    short_shift: u32,
    /// Tokens longer than [`SHORT`]: `(hash tag << 32) | (rank + 1)`, 0 = empty.
    long: Vec<u64>,
    long_mask: usize,
    /// Counts of short pieces that needed merging (natural text repeats its words): a two-way
    /// set-associative cache with exact byte compare, allocated at the first merge.
    pieces: std::cell::RefCell<Vec<[CachedPiece; 2]>>,
    /// Counts of longer pieces (allocated at the first one).
    long_pieces: std::cell::RefCell<LongCache>,
    /// The heap merge's vectors.
    scratch: std::cell::RefCell<HeapScratch>,
}

/// The packed key of 3–7 bytes: the bytes little-endian, the length in the top byte.
#[inline]
fn short_key(bytes: &[u8]) -> u64 {
    let mut k = (bytes.len() as u64) << 56;
    for (i, &b) in bytes.iter().enumerate() {
        k |= (b as u64) << (8 * i);
    }
    k
}

/// The packed key of `piece[a..b]` (3–7 bytes) with one unaligned 8-byte load where the piece
/// has 8 bytes from `a` (or up to its end).
#[inline(always)]
fn short_key_in(piece: &[u8], a: usize, b: usize) -> u64 {
    let len = b - a;
    debug_assert!((3..=SHORT).contains(&len) && b <= piece.len());
    let word = if a + 8 <= piece.len() {
        u64::from_le_bytes(piece[a..a + 8].try_into().unwrap())
    } else if piece.len() >= 8 {
        // the last 8 bytes of the piece, shifted so that byte `a` comes first
        let e = piece.len();
        u64::from_le_bytes(piece[e - 8..e].try_into().unwrap()) >> (8 * (a + 8 - e))
    } else {
        return short_key(&piece[a..b]);
    };
    (word & ((1u64 << (8 * len)) - 1)) | (len as u64) << 56
}

#[inline]
fn short_slot(key: u64, shift: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
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
        let (mut n_short, mut n_long) = (0usize, 0usize);
        for r in 0..n {
            match data.token_len(r) {
                0..=2 => {}
                3..=SHORT => n_short += 1,
                _ => n_long += 1,
            }
        }
        // short table at most ~3/4 full, long table at most half
        let short_size = (n_short * 4 / 3 + 1).next_power_of_two().max(16);
        let short_shift = 64 - short_size.trailing_zeros();
        let long_size = (n_long * 2).next_power_of_two().max(16);
        let long_mask = long_size - 1;
        let mut v = Vocab {
            data,
            singles: [NONE; 256],
            pairs: vec![NONE; 1 << 16],
            short_keys: vec![0u64; short_size],
            short_ranks: vec![NONE; short_size],
            short_shift,
            long: vec![0u64; long_size],
            long_mask,
            pieces: std::cell::RefCell::new(Vec::new()),
            long_pieces: std::cell::RefCell::new(LongCache::default()),
            scratch: std::cell::RefCell::new(HeapScratch::default()),
        };
        // In chunks: a WASM engine optimizes a function between calls, not inside a running
        // loop, so one call over every token would run entirely in baseline code.
        for start in (0..n).step_by(LOAD_CHUNK) {
            v.insert_ranks(start..(start + LOAD_CHUNK).min(n));
        }
        v
    }

    /// Enters the tokens of these ranks into the lookup tables.
    #[inline(never)]
    fn insert_ranks(&mut self, ranks: std::ops::Range<usize>) {
        let short_mask = self.short_keys.len() - 1;
        for r in ranks {
            let r = r as Rank;
            let Some(tok) = self.data.token(r) else {
                continue; // a hole
            };
            match *tok {
                [] => {}
                [x] => self.singles[x as usize] = r,
                [x, y] => self.pairs[(x as usize) << 8 | y as usize] = r,
                _ if tok.len() <= SHORT => {
                    let key = short_key(tok);
                    let mut i = short_slot(key, self.short_shift);
                    while self.short_keys[i] != 0 {
                        i = (i + 1) & short_mask;
                    }
                    self.short_keys[i] = key;
                    self.short_ranks[i] = r;
                }
                _ => {
                    let h = hash_bytes(tok);
                    let mut i = h as usize & self.long_mask;
                    while self.long[i] != 0 {
                        i = (i + 1) & self.long_mask;
                    }
                    self.long[i] = (h >> 32) << 32 | (r as u64 + 1);
                }
            }
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
        let r = self.rank_or_none(bytes);
        (r != NONE).then_some(r)
    }

    /// The rank of these bytes, or `NONE`.
    #[inline]
    fn rank_or_none(&self, bytes: &[u8]) -> Rank {
        match *bytes {
            [] => NONE,
            [a] => self.singles[a as usize],
            [a, b] => self.pairs[(a as usize) << 8 | b as usize],
            _ if bytes.len() <= SHORT => self.short_rank(short_key(bytes)),
            _ => self.long_rank(bytes, hash_bytes(bytes)),
        }
    }

    /// The rank of `piece[a..b]` (`a < b`), or `NONE`; for the merges.
    #[inline(always)]
    fn rank_in(&self, piece: &[u8], a: usize, b: usize) -> Rank {
        match b - a {
            1 => self.singles[piece[a] as usize],
            2 => self.pairs[(piece[a] as usize) << 8 | piece[a + 1] as usize],
            n if n <= SHORT => self.short_rank(short_key_in(piece, a, b)),
            _ => self.long_rank_of(&piece[a..b]),
        }
    }

    /// The rank of a token longer than [`SHORT`] bytes (out of line: the merges inline
    /// [`Vocab::rank_in`] and reach this less often).
    #[inline(never)]
    fn long_rank_of(&self, bytes: &[u8]) -> Rank {
        self.long_rank(bytes, hash_bytes(bytes))
    }

    /// The rank of a 3–7-byte token by its packed key, or `NONE`.
    #[inline(always)]
    fn short_rank(&self, key: u64) -> Rank {
        let mask = self.short_keys.len() - 1;
        let mut i = short_slot(key, self.short_shift);
        loop {
            let k = self.short_keys[i];
            if k == key {
                return self.short_ranks[i];
            }
            if k == 0 {
                return NONE;
            }
            i = (i + 1) & mask;
        }
    }

    /// Rank of a token longer than [`SHORT`] bytes, with the hash of `bytes` already computed.
    #[inline]
    fn long_rank(&self, bytes: &[u8], h: u64) -> Rank {
        let tag = h >> 32;
        let mut i = h as usize & self.long_mask;
        loop {
            let e = self.long[i];
            if e == 0 {
                return NONE;
            }
            if e >> 32 == tag {
                let r = (e as u32) - 1;
                if self.data.token(r) == Some(bytes) {
                    return r;
                }
            }
            i = (i + 1) & self.long_mask;
        }
    }

    /// The bytes of a rank.
    pub fn token(&self, rank: Rank) -> Option<&[u8]> {
        self.data.token(rank)
    }

    /// Number of tokens the piece encodes to.
    pub fn count_piece(&self, piece: &[u8]) -> usize {
        let h;
        match piece.len() {
            0 => return 0,
            1 => return 1, // every byte is a token
            2 => return 1 + usize::from(self.rank_or_none(piece) == NONE),
            n if n <= SHORT => {
                if self.rank_or_none(piece) != NONE {
                    return 1;
                }
                h = hash_bytes(piece);
            }
            _ => {
                h = hash_bytes(piece);
                if self.long_rank(piece, h) != NONE {
                    return 1;
                }
            }
        }
        if piece.len() > CACHED_PIECE {
            if piece.len() > LONG_PIECE {
                return self.merge_count(piece);
            }
            if let Ok(mut cache) = self.long_pieces.try_borrow_mut() {
                if let Some(n) = cache.get(piece, h) {
                    return n;
                }
            }
            let n = self.merge_count(piece);
            if let Ok(mut cache) = self.long_pieces.try_borrow_mut() {
                cache.put(piece, h, n);
            }
            return n;
        }
        let set = (h as usize) & (PIECE_SETS - 1);
        let same =
            |e: &CachedPiece| e.len as usize == piece.len() && &e.bytes[..piece.len()] == piece;
        if let Ok(mut cache) = self.pieces.try_borrow_mut() {
            if cache.is_empty() {
                let empty = CachedPiece {
                    len: 0,
                    bytes: [0; CACHED_PIECE],
                    count: 0,
                };
                *cache = vec![[empty; 2]; PIECE_SETS];
            }
            let ways = &mut cache[set];
            if same(&ways[0]) {
                return ways[0].count as usize;
            }
            if same(&ways[1]) {
                ways.swap(0, 1);
                return ways[0].count as usize;
            }
        }
        let n = self.merge_count(piece);
        if let Ok(mut cache) = self.pieces.try_borrow_mut() {
            let mut bytes = [0u8; CACHED_PIECE];
            bytes[..piece.len()].copy_from_slice(piece);
            let ways = &mut cache[set];
            ways[1] = ways[0];
            ways[0] = CachedPiece {
                len: piece.len() as u8,
                bytes,
                count: n as u32,
            };
        }
        n
    }

    /// Number of parts the merge leaves (one place, so the merge is compiled once for counting).
    #[inline(never)]
    fn merge_count(&self, piece: &[u8]) -> usize {
        let mut n = 0;
        self.merge(piece, |_, _| n += 1);
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
    fn merge(&self, piece: &[u8], mut emit: impl FnMut(usize, usize)) {
        if piece.len() < CUT_FROM {
            return self.merge_small(piece, emit);
        }
        // Every part of a merge is a token, so no part ever spans two bytes that stand next to
        // each other in no token: the piece can be cut there and each segment merged on its own
        // with the same result. A line of emoji or of rare CJK characters falls apart into
        // characters this way, which keeps the long-piece cost linear.
        let adjacent = self.data.adjacent_pairs();
        let mut start = 0;
        for p in 1..=piece.len() {
            let cut = p == piece.len() || {
                let pair = (piece[p - 1] as usize) << 8 | piece[p] as usize;
                adjacent[pair / 64] & (1 << (pair % 64)) == 0
            };
            if cut {
                let seg = &piece[start..p];
                let mut shifted = |a: usize, b: usize| emit(start + a, start + b);
                match seg.len() {
                    1 => shifted(0, 1),
                    n if n < HEAP_MERGE_FROM => self.merge_small(seg, &mut shifted),
                    _ => {
                        // the vectors of earlier calls (new ones if they are in use)
                        let mut kept = self.scratch.try_borrow_mut().ok();
                        let mut fresh = HeapScratch::default();
                        let s = kept.as_deref_mut().unwrap_or(&mut fresh);
                        self.merge_heap_in(seg, s, &mut shifted)
                    }
                }
                start = p;
            }
        }
    }

    /// tiktoken's `_byte_pair_merge`, for short pieces, in stack arrays.
    fn merge_small(&self, piece: &[u8], mut emit: impl FnMut(usize, usize)) {
        debug_assert!(piece.len() >= 2 && piece.len() < HEAP_MERGE_FROM);
        // parts[k] = (start of part k, rank of part k merged with part k + 1)
        let mut parts = [(0u32, 0u32); HEAP_MERGE_FROM + 1]; // entries < len are set below
        let mut len = piece.len() + 1;
        let mut min = (NONE, usize::MAX);
        for i in 0..piece.len() - 1 {
            let r = self.pairs[(piece[i] as usize) << 8 | piece[i + 1] as usize];
            if r < min.0 {
                min = (r, i);
            }
            parts[i] = (i as u32, r);
        }
        parts[piece.len() - 1] = (piece.len() as u32 - 1, NONE);
        parts[piece.len()] = (piece.len() as u32, NONE);
        while min.0 != NONE {
            let i = min.1;
            // rank of parts i..i+3 once i and i+1 are one part
            let joined = |parts: &[(u32, Rank)], i: usize| {
                if i + 3 < len {
                    self.rank_in(piece, parts[i].0 as usize, parts[i + 3].0 as usize)
                } else {
                    NONE
                }
            };
            if i > 0 {
                parts[i - 1].1 = joined(&parts[..len], i - 1);
            }
            parts[i].1 = joined(&parts[..len], i);
            // drop part i + 1 and find the next minimum in one pass
            min = (NONE, usize::MAX);
            for j in 0..len - 2 {
                if j > i {
                    parts[j] = parts[j + 1];
                }
                if parts[j].1 < min.0 {
                    min = (parts[j].1, j);
                }
            }
            parts[len - 2] = parts[len - 1];
            len -= 1;
        }
        for w in parts[..len].windows(2) {
            emit(w[0].0 as usize, w[1].0 as usize);
        }
    }

    /// The same merge order with a heap and a linked list: `O(n log n)`, in new vectors.
    #[cfg(test)]
    fn merge_heap(&self, piece: &[u8], emit: impl FnMut(usize, usize)) {
        self.merge_heap_in(piece, &mut HeapScratch::default(), emit)
    }

    /// The heap merge in the given vectors.
    ///
    /// Heap entries are `rank << 32 | start` (one `u64`, so the smallest is the lowest rank,
    /// leftmost first). An entry is current while its part is alive and `pair[start]` still holds
    /// its rank: a pair that changed covers other bytes, so it has another rank.
    fn merge_heap_in(&self, piece: &[u8], s: &mut HeapScratch, mut emit: impl FnMut(usize, usize)) {
        let n = piece.len();
        debug_assert!(n >= 2 && n < u32::MAX as usize);
        const END: u32 = u32::MAX;
        // next[i] / prev[i]: the starts of the parts after / before the part starting at i
        let next = &mut s.next;
        next.clear();
        next.extend(1..=n as u32);
        next[n - 1] = END;
        let prev = &mut s.prev;
        prev.clear();
        prev.extend((0..n as u32).map(|i| i.wrapping_sub(1)));
        // pair[i]: rank of the part at i merged with the next one (NONE: no such token)
        let pair = &mut s.pair;
        pair.clear();
        pair.resize(n, NONE);
        let key = |r: Rank, i: usize| Reverse((r as u64) << 32 | i as u64);
        let mut first = std::mem::take(&mut s.heap);
        first.clear();
        for i in 0..n - 1 {
            let r = self.pairs[(piece[i] as usize) << 8 | piece[i + 1] as usize];
            pair[i] = r;
            if r != NONE {
                first.push(key(r, i));
            }
        }
        let mut heap = BinaryHeap::from(first); // heapify: O(n)
        let pos = |x: u32| if x == END { n } else { x as usize };
        while let Some(Reverse(e)) = heap.pop() {
            let (r, l) = ((e >> 32) as Rank, (e & 0xFFFF_FFFF) as usize);
            if pair[l] != r || next[l] == 0 {
                continue; // stale (a merged-away part has next = 0)
            }
            // merge the part at m = next[l] into l
            let m = next[l] as usize;
            let after = next[m];
            next[l] = after;
            next[m] = 0;
            pair[m] = NONE;
            if after != END {
                prev[after as usize] = l as u32;
                let r = self.rank_in(piece, l, pos(next[after as usize]));
                pair[l] = r;
                if r != NONE {
                    heap.push(key(r, l));
                }
            } else {
                pair[l] = NONE;
            }
            let p = prev[l];
            if p != u32::MAX {
                let r = self.rank_in(piece, p as usize, pos(after));
                pair[p as usize] = r;
                if r != NONE {
                    heap.push(key(r, p as usize));
                }
            }
        }
        s.heap = heap.into_vec();
        let mut i = 0;
        while i < n {
            let e = pos(next[i]);
            emit(i, e);
            i = e;
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
    fn small_cut_and_heap_merges_agree() {
        let v = toy();
        let pieces = [
            "abcd",
            "aaaaaaa",
            "abcabcabcd",
            "xyz",
            "aabbccdd",
            "abxcdaaaa",
        ];
        for p in pieces {
            for len in 2..200 {
                let long = p.repeat(100);
                let long = &long.as_bytes()[..len];
                let mut a = Vec::new();
                let mut b = Vec::new();
                if len < HEAP_MERGE_FROM {
                    v.merge_small(long, |x, y| a.push((x, y)));
                } else {
                    v.merge(long, |x, y| a.push((x, y)));
                }
                v.merge_heap(long, |x, y| b.push((x, y)));
                assert_eq!(a, b, "piece {p} cut to {len} bytes");
            }
        }
    }

    #[test]
    fn packed_keys_from_a_word_load_match_byte_by_byte() {
        let piece: Vec<u8> = (1..=20u8).collect();
        for n in 3..=20 {
            for a in 0..n {
                for b in a + 3..=(a + SHORT).min(n) {
                    let p = &piece[..n];
                    assert_eq!(short_key_in(p, a, b), short_key(&p[a..b]), "{n} {a}..{b}");
                }
            }
        }
    }

    #[test]
    fn long_piece_cache_counts_exactly_after_the_ring_wraps() {
        let v = toy();
        let piece = |i: usize| format!("{i:08}ab{}", "abcaa".repeat(5 + i % 150));
        let exact = |p: &str| {
            let mut n = 0;
            v.merge(p.as_bytes(), |_, _| n += 1);
            n
        };
        // several times the ring's bytes, then the first pieces again (their bytes overwritten)
        let mut total = 0;
        for round in 0..2 {
            for i in 0..3000 {
                let p = piece(i);
                total += p.len();
                assert_eq!(
                    v.count_piece(p.as_bytes()),
                    exact(&p),
                    "round {round} piece {i}"
                );
                assert_eq!(v.count_piece(p.as_bytes()), exact(&p), "again, piece {i}");
            }
        }
        assert!(total > 2 * RING);
        assert!(v.long_pieces.borrow().pos > 2 * RING as u64);
    }

    #[test]
    fn long_pieces_cut_where_no_token_spans_merge_the_same() {
        let v = toy();
        // "x", "y", "z" stand next to nothing in the toy tokens: cut points
        for p in ["abcxaaaay", "aaaazabcd", "xyzabcabcd"] {
            let long = p.repeat(30);
            let mut cut = Vec::new();
            let mut whole = Vec::new();
            v.merge(long.as_bytes(), |x, y| cut.push((x, y)));
            v.merge_heap(long.as_bytes(), |x, y| whole.push((x, y)));
            assert_eq!(cut, whole, "piece {p}");
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
