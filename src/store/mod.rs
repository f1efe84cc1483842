//! Persistent memory: sessions, messages, summaries, facts, usage and calibration, kept in any
//! ordered key-value [`Backend`] (memory, IndexedDB, SQLite, Postgres, or an app's own database
//! through the JS adapter).
//!
//! Everything that decides — the key layout, sequence numbers, indexes for the listings,
//! cursors, atomic turns, migrations, the cross-session search index, export and import — is
//! here, once, in [`Store`]. A backend only gets, lists and commits batches, so every backend
//! behaves the same and one contract suite ([`contract`]) tests them all.
//!
//! ```js
//! const manager = await ContextManager.open({ appName: 'my-app', store: { kind: 'sqlite', path: 'chat.sqlite' } });
//! const session = await manager.session();
//! await session.append({ role: 'user', content: 'Use Postgres for the orders table' });
//! (await session.messages()).length; // 1
//! ```

pub mod contract;
mod join;
mod keys;
mod memory;
mod migrate;
mod records;
mod search;
mod sessions;
mod transfer;

pub use memory::MemoryBackend;
pub use migrate::SCHEMA_VERSION;
pub use records::{
    FactRecord, MemoryHit, MessageRange, MessageRecord, NewFact, NewSummary, NewUsage,
    SessionListing, SessionPatch, SessionRecord, StorageInfo, SummaryRecord, Turn, TurnReceipt,
    UsageRecord,
};
pub use search::SearchOptions;
pub use sessions::{Env, Store};
pub use transfer::{Export, ImportMode, ImportReport, SessionExport, EXPORT_FORMAT};

use crate::error::Result;
use std::future::Future;
use std::pin::Pin;

/// A boxed future (backends are called through `dyn Backend`; nothing here is `Send`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// One write of a batch.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Op {
    /// Sets `key` to `value`. With `if_absent`, the whole batch fails (nothing written, `commit`
    /// returns `false`) when the key already exists — how concurrent writers claim a sequence
    /// number without losing each other's messages.
    #[serde(rename_all = "camelCase")]
    Put {
        /// Key (printable ASCII).
        key: String,
        /// Value (JSON text).
        value: String,
        /// Only when the key does not exist yet.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        if_absent: bool,
    },
    /// Removes `key` (no error when it is missing).
    Delete {
        /// Key.
        key: String,
    },
}

/// Keys from `start` (inclusive) to `end` (exclusive), in order or reversed, at most `limit`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Range {
    /// First key (inclusive).
    pub start: String,
    /// End (exclusive).
    pub end: String,
    /// At most this many entries.
    pub limit: u32,
    /// Descending order.
    pub reverse: bool,
}

impl Range {
    /// Every key that starts with `prefix`.
    pub fn prefix(prefix: &str, limit: u32) -> Range {
        Range {
            start: prefix.to_string(),
            end: keys::prefix_end(prefix),
            limit,
            reverse: false,
        }
    }
    /// The same range in descending order.
    pub fn reversed(mut self) -> Range {
        self.reverse = true;
        self
    }
}

/// An ordered map of printable-ASCII string keys to JSON text, with atomic batches. Keys compare
/// by byte (= UTF-16 code unit for ASCII, so IndexedDB, SQLite's BINARY and Postgres' "C"
/// collation all order them the same).
pub trait Backend {
    /// The value of `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>>>;
    /// The entries of a range, in its order.
    fn list<'a>(&'a self, range: &'a Range) -> BoxFuture<'a, Result<Vec<(String, String)>>>;
    /// Applies every op or none; `Ok(false)` (nothing applied) when an `if_absent` put found its
    /// key present.
    fn commit<'a>(&'a self, ops: &'a [Op]) -> BoxFuture<'a, Result<bool>>;
}

/// Tokens of a text with `o200k_base` when it is (or, in Node, can be) loaded, else with the
/// first loaded encoding; `0` when none is.
pub fn text_tokens(encodings: &crate::tokens::Encodings, text: &str) -> u64 {
    use crate::tokens::encoding::EncodingName;
    let first = encodings
        .loaded()
        .into_iter()
        .find_map(|n| EncodingName::parse(n).ok());
    [Some(EncodingName::O200kBase), first]
        .into_iter()
        .flatten()
        .find_map(|name| encodings.get(name).ok())
        .map_or(0, |e| e.count(text) as u64)
}

/// Token counts of a message's text for every loaded encoding — or, when none is loaded yet,
/// for `o200k_base` where it loads on first use (Node).
pub fn message_tokens(
    encodings: &crate::tokens::Encodings,
    message: &crate::messages::Message,
) -> std::collections::BTreeMap<String, u64> {
    use crate::tokens::encoding::EncodingName;
    let text = message.text();
    let mut names: Vec<EncodingName> = encodings
        .loaded()
        .into_iter()
        .filter_map(|n| EncodingName::parse(n).ok())
        .collect();
    if names.is_empty() {
        names.push(EncodingName::O200kBase);
    }
    names
        .into_iter()
        .filter_map(|name| {
            let e = encodings.get(name).ok()?;
            Some((name.as_str().to_string(), e.count(&text) as u64))
        })
        .collect()
}
