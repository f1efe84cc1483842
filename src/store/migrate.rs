//! Schema versions and the upgrades between them. Each upgrade runs in place, page by page, is
//! safe to run twice (two processes opening an old store at once), and records the new version
//! last.
//!
//! - **1**: sessions, messages (without token counts), summaries, facts, usage, calibration.
//! - **2**: adds the listing by last update (`u/`) and the cross-session search index (`d/`,
//!   `t/`, `!stats`); messages carry token counts per encoding (old ones have none).

use super::keys;
use super::records::{FactRecord, SessionRecord, SummaryRecord};
use super::search::{index_entries, Entry};
use super::sessions::{put, Store};
use super::Op;
use crate::error::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};

/// The schema version this code writes.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    schema: u32,
}

/// Creates or upgrades the schema; returns the version in use.
pub(super) async fn run(store: &Store) -> Result<u32> {
    let meta = store.get_json::<Meta>(keys::META).await?;
    match meta {
        None => {
            store
                .commit(&[put(
                    keys::META,
                    &Meta {
                        schema: SCHEMA_VERSION,
                    },
                )?])
                .await?;
        }
        Some(m) if m.schema > SCHEMA_VERSION => {
            return Err(Error::new(
                ErrorCode::StorageVersion,
                format!(
                    "this store was written by a newer contextwise (schema {}; this version reads up to {SCHEMA_VERSION}); update contextwise, or open another store",
                    m.schema
                ),
            ));
        }
        Some(m) if m.schema == 1 => {
            v1_to_v2(store).await?;
            store
                .commit(&[put(keys::META, &Meta { schema: 2 })?])
                .await?;
        }
        Some(_) => {}
    }
    Ok(SCHEMA_VERSION)
}

/// Builds the listing by last update and indexes every current fact and summary.
async fn v1_to_v2(store: &Store) -> Result<()> {
    let sessions = store.scan::<SessionRecord>("s/").await?;
    for chunk in sessions.chunks(super::sessions::PAGE as usize) {
        let ops = chunk
            .iter()
            .map(|(_, s)| put(&keys::updated(s.updated, &s.id), &""))
            .collect::<Result<Vec<Op>>>()?;
        store.commit(&ops).await?;
    }
    for (_, s) in &sessions {
        let facts = store.scan::<FactRecord>(&format!("f/{}/", s.id)).await?;
        let summaries = store.scan::<SummaryRecord>(&format!("y/{}/", s.id)).await?;
        let entries: Vec<Entry> = facts
            .iter()
            .map(|(_, f)| Entry::Fact(f))
            .chain(summaries.iter().map(|(_, s)| Entry::Summary(s)))
            .collect();
        let ops = index_entries(store, &entries).await?;
        if !ops.is_empty() {
            store.commit(&ops).await?;
        }
    }
    Ok(())
}
