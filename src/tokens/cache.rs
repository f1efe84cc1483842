//! A bounded least-recently-used cache of per-message token counts.
//!
//! Keys are 64-bit hashes of (encoding, message content); values are the message's text
//! tokens. Re-assessing a growing conversation then costs only its new messages.

use serde::Serialize;
use std::collections::HashMap;

const NIL: usize = usize::MAX;

#[derive(Debug, Clone)]
struct Node {
    key: u64,
    value: u32,
    prev: usize,
    next: usize,
}

/// Hit/miss counters and size of the count cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CacheStats {
    /// Lookups that found a count.
    pub hits: u64,
    /// Lookups that did not.
    pub misses: u64,
    /// Entries held now.
    pub size: usize,
    /// Maximum entries.
    pub capacity: usize,
    /// Entries evicted to stay within capacity.
    pub evictions: u64,
}

/// An LRU map from `u64` to `u32` with O(1) get and put.
#[derive(Debug, Clone)]
pub struct CountCache {
    map: HashMap<u64, usize>,
    nodes: Vec<Node>,
    free: Vec<usize>,
    head: usize, // most recent
    tail: usize, // least recent
    stats: CacheStats,
}

/// Default number of cached message counts.
pub const DEFAULT_CAPACITY: usize = 10_000;

impl Default for CountCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl CountCache {
    /// A cache holding at most `capacity` entries (0 disables caching).
    pub fn new(capacity: usize) -> Self {
        CountCache {
            map: HashMap::new(),
            nodes: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            stats: CacheStats {
                capacity,
                ..CacheStats::default()
            },
        }
    }

    /// Counters and size.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            size: self.map.len(),
            ..self.stats
        }
    }

    /// Changes the capacity, evicting the least recently used entries if needed.
    pub fn set_capacity(&mut self, capacity: usize) {
        self.stats.capacity = capacity;
        while self.map.len() > capacity {
            self.evict();
        }
    }

    /// Drops every entry and resets the counters.
    pub fn clear(&mut self) {
        *self = Self::new(self.stats.capacity);
    }

    fn unlink(&mut self, i: usize) {
        let (p, n) = (self.nodes[i].prev, self.nodes[i].next);
        if p != NIL {
            self.nodes[p].next = n;
        } else {
            self.head = n;
        }
        if n != NIL {
            self.nodes[n].prev = p;
        } else {
            self.tail = p;
        }
    }

    fn push_front(&mut self, i: usize) {
        self.nodes[i].prev = NIL;
        self.nodes[i].next = self.head;
        if self.head != NIL {
            self.nodes[self.head].prev = i;
        }
        self.head = i;
        if self.tail == NIL {
            self.tail = i;
        }
    }

    fn evict(&mut self) {
        let t = self.tail;
        if t == NIL {
            return;
        }
        self.unlink(t);
        self.map.remove(&self.nodes[t].key);
        self.free.push(t);
        self.stats.evictions += 1;
    }

    /// The cached value, marking it most recently used.
    pub fn get(&mut self, key: u64) -> Option<u32> {
        match self.map.get(&key).copied() {
            Some(i) => {
                self.stats.hits += 1;
                self.unlink(i);
                self.push_front(i);
                Some(self.nodes[i].value)
            }
            None => {
                self.stats.misses += 1;
                None
            }
        }
    }

    /// Inserts or updates a value.
    pub fn put(&mut self, key: u64, value: u32) {
        if self.stats.capacity == 0 {
            return;
        }
        if let Some(&i) = self.map.get(&key) {
            self.nodes[i].value = value;
            self.unlink(i);
            self.push_front(i);
            return;
        }
        if self.map.len() >= self.stats.capacity {
            self.evict();
        }
        let node = Node {
            key,
            value,
            prev: NIL,
            next: NIL,
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.nodes[i] = node;
                i
            }
            None => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        };
        self.map.insert(key, i);
        self.push_front(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used() {
        let mut c = CountCache::new(2);
        c.put(1, 10);
        c.put(2, 20);
        assert_eq!(c.get(1), Some(10)); // 1 is now most recent
        c.put(3, 30); // evicts 2
        assert_eq!(c.get(2), None);
        assert_eq!(c.get(3), Some(30));
        assert_eq!(c.get(1), Some(10));
        let s = c.stats();
        assert_eq!((s.hits, s.misses, s.size, s.evictions), (3, 1, 2, 1));
        c.set_capacity(1);
        assert_eq!(c.stats().size, 1);
        assert_eq!(c.get(1), Some(10));
        c.set_capacity(0);
        c.put(5, 1);
        assert_eq!(c.get(5), None);
    }
}
