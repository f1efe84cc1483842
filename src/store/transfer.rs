//! Export and import: one session or everything as JSON in a versioned format.
//!
//! ```json
//! { "format": "contextwise.export", "version": 1, "exported": 1764201600000,
//!   "sessions": [ { "session": { "id": "…", "title": "…", "created": 0, "updated": 0, "model": null, "metadata": null },
//!                   "messages": [ { "sessionId": "…", "seq": 0, "message": { "role": "user", "content": "hi" }, "tokens": {}, "created": 0 } ],
//!                   "summaries": [], "facts": [], "usage": [] } ] }
//! ```

use super::keys;
use super::records::*;
use super::search::Batch;
use super::sessions::{put, put_absent, session_ops, Store};
use super::Op;
use crate::error::{Error, ErrorCode, Result};
use crate::messages::parse_message;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The `format` field of an export.
pub const EXPORT_FORMAT: &str = "contextwise.export";
/// The export version this code writes and reads.
const EXPORT_VERSION: u32 = 1;

/// A whole export file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Export {
    /// Always `"contextwise.export"`.
    pub format: String,
    /// Format version (1).
    pub version: u32,
    /// When it was made (ms since the epoch).
    pub exported: f64,
    /// The sessions.
    pub sessions: Vec<SessionExport>,
}

/// One session and everything that belongs to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionExport {
    /// The session.
    pub session: SessionRecord,
    /// Its messages in order.
    pub messages: Vec<MessageRecord>,
    /// Its summaries.
    #[serde(default)]
    pub summaries: Vec<SummaryRecord>,
    /// Its facts.
    #[serde(default)]
    pub facts: Vec<FactRecord>,
    /// Its usage.
    #[serde(default)]
    pub usage: Vec<UsageRecord>,
}

/// What `import` does with a session whose id already exists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum ImportMode {
    /// Reject the whole file (default).
    #[default]
    Error,
    /// Leave the stored session; import the others.
    Skip,
    /// Replace the stored session with the file's.
    Replace,
}

/// What `import` did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Ids of the sessions written.
    pub imported: Vec<String>,
    /// Ids left alone (`onConflict: 'skip'`).
    pub skipped: Vec<String>,
}

fn invalid(msg: String) -> Error {
    Error::new(
        ErrorCode::InvalidImport,
        format!("{msg}; nothing was imported"),
    )
}

impl Store {
    /// One session (or every session, when `ids` is `None`) with everything that belongs to it.
    pub async fn export(&self, ids: Option<&[String]>) -> Result<Export> {
        let ids: Vec<String> = match ids {
            Some(ids) => ids.to_vec(),
            None => self
                .scan::<SessionRecord>("s/")
                .await?
                .into_iter()
                .map(|(_, s)| s.id)
                .collect(),
        };
        let mut sessions = Vec::new();
        for id in &ids {
            sessions.push(SessionExport {
                session: self.existing(id).await?,
                messages: self.messages(id, &MessageRange::default()).await?,
                summaries: self.summaries(id).await?,
                facts: self.facts(id).await?,
                usage: self.usage(id).await?,
            });
        }
        Ok(Export {
            format: EXPORT_FORMAT.into(),
            version: EXPORT_VERSION,
            exported: self.now(),
            sessions,
        })
    }

    /// Imports an export. The whole file is checked first (a bad file is `INVALID_IMPORT`,
    /// naming what is wrong, and changes nothing); then it is written a few thousand records at
    /// a time, each session complete in one batch (databases slow down sharply on huge
    /// transactions). If a write fails part-way, the sessions written before it stay, each
    /// complete, and the error names them.
    pub async fn import(&self, data: &serde_json::Value, mode: ImportMode) -> Result<ImportReport> {
        let export = parse_export(data)?;
        let ids: Vec<&str> = export
            .sessions
            .iter()
            .map(|s| s.session.id.as_str())
            .collect();
        let stored = self.stored_sessions(&ids).await?;
        if let (ImportMode::Error, Some(Some(old))) = (mode, stored.iter().find(|s| s.is_some())) {
            return Err(invalid(format!(
                "session '{}' already exists (pass {{ onConflict: 'replace' }} or 'skip')",
                old.id
            )));
        }
        let mut report = ImportReport::default();
        let (mut ops, mut pending) = (Vec::new(), Vec::new());
        let mut index = Batch::new(self).await?;
        for (s, old) in export.sessions.iter().zip(stored) {
            let id = &s.session.id;
            let mut rec = s.session.clone();
            if let Some(old) = &old {
                if mode == ImportMode::Skip {
                    report.skipped.push(id.clone());
                    continue;
                }
                self.record_deletes(&mut ops, id).await?;
                index.remove_session(&mut ops, id).await?;
                ops.extend(session_ops(Some(old), old.rev, &mut rec)?);
            } else {
                // created here, above the revision a deleted session of this id left claimed
                ops.extend(session_ops(None, self.last_rev(id).await?, &mut rec)?);
                ops.push(put_absent(&keys::session(id), &rec)?);
            }
            records_ops(&mut ops, &mut index, s)?;
            pending.push(id.clone());
            if ops.len() >= IMPORT_CHUNK {
                self.write_chunk(&mut ops, &mut index, &mut pending, &mut report)
                    .await?;
            }
        }
        self.write_chunk(&mut ops, &mut index, &mut pending, &mut report)
            .await?;
        Ok(report)
    }

    /// Commits the sessions gathered so far.
    async fn write_chunk(
        &self,
        ops: &mut Vec<Op>,
        index: &mut Batch,
        pending: &mut Vec<String>,
        report: &mut ImportReport,
    ) -> Result<()> {
        if ops.is_empty() {
            return Ok(());
        }
        index.flush(ops)?;
        if let Err(mut e) = self.commit(ops).await {
            e.message = format!(
                "{}; imported before the failure: {} session(s){}; not imported: the rest, from '{}' on",
                e.message,
                report.imported.len(),
                report.imported.last().map(|l| format!(" (the last '{l}')")).unwrap_or_default(),
                pending.first().map(String::as_str).unwrap_or("")
            );
            return Err(e);
        }
        ops.clear();
        report.imported.append(pending);
        Ok(())
    }

    /// The stored record of each id (or `None`), read a few hundred at a time in parallel.
    async fn stored_sessions(&self, ids: &[&str]) -> Result<Vec<Option<SessionRecord>>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(256) {
            for r in self.sessions_by_id(chunk).await {
                out.push(r?);
            }
        }
        Ok(out)
    }
}

/// Records per batch when importing (a session is never split).
const IMPORT_CHUNK: usize = 4000;

/// The writes of a session's messages, summaries, facts and usage (the record is written by
/// `session_ops`).
fn records_ops(ops: &mut Vec<Op>, index: &mut Batch, s: &SessionExport) -> Result<()> {
    let id = &s.session.id;
    for m in &s.messages {
        ops.push(put(&keys::message(id, m.seq), m)?);
    }
    for y in &s.summaries {
        ops.push(put(&keys::summary(id, y.from, y.to), y)?);
        index.add_summary(ops, y)?;
    }
    for f in &s.facts {
        ops.push(put(&keys::fact(id, &f.id), f)?);
        if f.superseded_by.is_none() {
            index.add_fact(ops, f)?;
        }
    }
    for (i, u) in s.usage.iter().enumerate() {
        ops.push(put(&keys::usage(id, u.time, &format!("i{i}")), u)?);
    }
    Ok(())
}

/// The export's fields, each session read on its own so that an error names where it is.
fn read_export(data: &serde_json::Value) -> Result<Export> {
    let malformed = |at: String, e: serde_json::Error| invalid(format!("{at} is malformed: {e}"));
    let obj = data
        .as_object()
        .ok_or_else(|| invalid("the export is not a JSON object".into()))?;
    if let Some(k) = obj
        .keys()
        .find(|k| !["format", "version", "exported", "sessions"].contains(&k.as_str()))
    {
        return Err(invalid(format!("the export has an unknown field '{k}'")));
    }
    let exported = obj
        .get("exported")
        .and_then(|v| v.as_f64())
        .ok_or_else(|| invalid("the export's \"exported\" is not a number".into()))?;
    let list = obj
        .get("sessions")
        .and_then(|v| v.as_array())
        .ok_or_else(|| invalid("the export's \"sessions\" is not an array".into()))?;
    let sessions = list
        .iter()
        .enumerate()
        .map(|(i, s)| {
            SessionExport::deserialize(s).map_err(|e| malformed(format!("sessions[{i}]"), e))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Export {
        format: EXPORT_FORMAT.into(),
        version: EXPORT_VERSION,
        exported,
        sessions,
    })
}

/// Checks an export completely before anything is written.
fn parse_export(data: &serde_json::Value) -> Result<Export> {
    let format = data.get("format").and_then(|f| f.as_str());
    if format != Some(EXPORT_FORMAT) {
        return Err(invalid(format!("this is not a contextwise export (its \"format\" is {:?}, expected \"{EXPORT_FORMAT}\")", format.unwrap_or("missing"))));
    }
    let version = data.get("version").and_then(|v| v.as_u64());
    if version != Some(EXPORT_VERSION as u64) {
        return Err(invalid(format!(
            "export version {} is not one this contextwise reads (version {EXPORT_VERSION})",
            version.map_or("missing".to_string(), |v| v.to_string())
        )));
    }
    let export = read_export(data)?;
    let mut seen = HashSet::new();
    for (i, s) in export.sessions.iter().enumerate() {
        check_session(s).map_err(|e| invalid(format!("sessions[{i}]: {}", e.message)))?;
        if !seen.insert(s.session.id.as_str()) {
            return Err(invalid(format!(
                "sessions[{i}]: session '{}' appears twice",
                s.session.id
            )));
        }
    }
    Ok(export)
}

fn check_session(s: &SessionExport) -> Result<()> {
    let id = &s.session.id;
    keys::check_session_id(id)?;
    let mine = |what: &str, sid: &str| {
        if sid == id {
            Ok(())
        } else {
            Err(Error::invalid_argument(format!(
                "a {what} names session '{sid}'"
            )))
        }
    };
    let bounded = |what: &str, n: u64| {
        if n <= keys::MAX_NUM {
            Ok(())
        } else {
            Err(Error::invalid_argument(format!(
                "{what} {n} is over {}",
                keys::MAX_NUM
            )))
        }
    };
    let mut last: Option<u64> = None;
    for (i, m) in s.messages.iter().enumerate() {
        mine("message", &m.session_id)?;
        bounded("a message's seq", m.seq)?;
        if last.is_some_and(|l| m.seq <= l) {
            return Err(Error::invalid_argument(format!(
                "messages[{i}]: seq {} is not after the previous one",
                m.seq
            )));
        }
        last = Some(m.seq);
        parse_message(&m.message, i)
            .map_err(|e| Error::invalid_argument(format!("messages[{i}]: {}", e.message)))?;
    }
    let mut fact_ids = HashSet::new();
    for f in &s.facts {
        mine("fact", &f.session_id)?;
        if f.id.is_empty()
            || f.id.len() > 64
            || !f
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(Error::invalid_argument(format!(
                "fact id {:?} is not 1–64 of A–Z a–z 0–9 _ -",
                f.id
            )));
        }
        if !fact_ids.insert(f.id.as_str()) {
            return Err(Error::invalid_argument(format!(
                "fact id '{}' appears twice",
                f.id
            )));
        }
        f.source
            .iter()
            .try_for_each(|&n| bounded("a fact's source", n))?;
    }
    let mut ranges = HashSet::new();
    for y in &s.summaries {
        mine("summary", &y.session_id)?;
        bounded("a summary's to", y.to)?;
        if y.from > y.to {
            return Err(Error::invalid_argument("a summary's from is after its to"));
        }
        if !ranges.insert((y.from, y.to)) {
            return Err(Error::invalid_argument(format!(
                "two summaries cover {}–{}",
                y.from, y.to
            )));
        }
    }
    for u in &s.usage {
        mine("usage record", &u.session_id)?;
    }
    Ok(())
}
