//! The memory backend: a `BTreeMap` (tests, and `store: 'memory'`).

use super::{Backend, BoxFuture, Op, Range};
use crate::error::Result;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Keeps everything in memory; gone when the process or page ends.
///
/// ```js
/// const manager = await ContextManager.open({ appName: 'tests', store: 'memory' });
/// ```
#[derive(Debug, Default)]
pub struct MemoryBackend {
    map: RefCell<BTreeMap<String, String>>,
}

impl MemoryBackend {
    /// An empty store.
    pub fn new() -> MemoryBackend {
        MemoryBackend::default()
    }
    /// Number of keys (tests).
    pub fn len(&self) -> usize {
        self.map.borrow().len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.map.borrow().is_empty()
    }
    /// Every entry (tests: "nothing changed" checks).
    pub fn snapshot(&self) -> BTreeMap<String, String> {
        self.map.borrow().clone()
    }
}

impl Backend for MemoryBackend {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>>> {
        let v = self.map.borrow().get(key).cloned();
        Box::pin(async move { Ok(v) })
    }

    fn list<'a>(&'a self, range: &'a Range) -> BoxFuture<'a, Result<Vec<(String, String)>>> {
        let map = self.map.borrow();
        let entries = map.range(range.start.clone()..range.end.clone());
        let take = |it: &mut dyn Iterator<Item = (&String, &String)>| {
            it.take(range.limit as usize)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        let out = if range.reverse {
            take(&mut entries.rev())
        } else {
            take(&mut { entries })
        };
        Box::pin(async move { Ok(out) })
    }

    fn commit<'a>(&'a self, ops: &'a [Op]) -> BoxFuture<'a, Result<bool>> {
        let mut map = self.map.borrow_mut();
        let conflict = ops
            .iter()
            .any(|op| matches!(op, Op::Put { key, if_absent: true, .. } if map.contains_key(key)));
        if !conflict {
            for op in ops {
                match op {
                    Op::Put { key, value, .. } => {
                        map.insert(key.clone(), value.clone());
                    }
                    Op::Delete { key } => {
                        map.remove(key);
                    }
                }
            }
        }
        Box::pin(async move { Ok(!conflict) })
    }
}
