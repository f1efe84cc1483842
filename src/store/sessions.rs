//! [`Store`]: sessions and everything that belongs to them, over any [`Backend`].

use super::join::{join2, join_all, Boxed};
use super::keys;
use super::records::*;
use super::search;
use super::{Backend, Op, Range};
use crate::error::{Error, ErrorCode, Result};
use crate::messages::parse_message;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Most attempts of a write that keeps colliding with other writers (the time budget below
/// usually ends it first).
const MAX_ATTEMPTS: usize = 1000;
/// How long a write keeps retrying after collisions before it is STORAGE_CONFLICT (ms).
const RETRY_BUDGET_MS: f64 = 15_000.0;
/// Entries read per page when scanning.
pub(super) const PAGE: u32 = 500;

/// The clock, the id source and a way to wait (injected: the wasm build uses `Date.now()`,
/// `crypto` and `setTimeout`).
#[derive(Clone)]
pub struct Env {
    /// Milliseconds since the epoch.
    pub now: Rc<dyn Fn() -> f64>,
    /// A fresh, unguessable id (hex digits or a UUID).
    pub random_id: Rc<dyn Fn() -> String>,
    /// Resolves after about `ms` milliseconds (backing off between retries of a collided write).
    pub pause: Rc<dyn Fn(u32) -> super::BoxFuture<'static, ()>>,
}

impl Env {
    /// Waits a random time that doubles with the attempt (up to ~0.5 s), so writers that collided
    /// do not collide again in lockstep — even when a busy machine stretches each attempt.
    pub(super) async fn back_off(&self, attempt: usize) {
        let cap = 1u32 << attempt.min(9) as u32;
        let id = (self.random_id)();
        let hex: String = id.chars().filter(char::is_ascii_hexdigit).take(8).collect();
        let r = u32::from_str_radix(&hex, 16).unwrap_or(0);
        (self.pause)(1 + r % cap).await;
    }
}

impl Env {
    /// The host's clock and a hashed counter (host tests and tools).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn system() -> Env {
        use std::cell::Cell;
        let counter = Rc::new(Cell::new(0u64));
        let now = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64() * 1000.0)
                .unwrap_or(0.0)
        };
        Env {
            now: Rc::new(now),
            random_id: Rc::new(move || {
                counter.set(counter.get() + 1);
                let nanos = format!("{:?}", std::time::SystemTime::now());
                keys::hash_id(&[
                    &nanos,
                    &counter.get().to_string(),
                    &std::process::id().to_string(),
                ])
            }),
            // single-threaded host callers (tests, tools) have no one to wait for
            pause: Rc::new(|_| Box::pin(async {})),
        }
    }
}

/// Sessions, messages, summaries, facts, usage and calibration in a [`Backend`].
///
/// ```js
/// const session = await manager.session();
/// await session.append({ role: 'user', content: 'hi' });
/// await session.commitTurn({ messages: [{ role: 'assistant', content: 'hello' }], usage: [{ model: 'gpt-4o', promptTokens: 9 }] });
/// ```
#[derive(Clone)]
pub struct Store {
    pub(super) backend: Rc<dyn Backend>,
    pub(super) env: Env,
    schema: u32,
    last_time: Rc<std::cell::Cell<f64>>,
}

impl Store {
    /// Opens a store: creates or upgrades its schema (`STORAGE_VERSION` when a newer contextwise
    /// wrote it).
    pub async fn open(backend: Rc<dyn Backend>, env: Env) -> Result<Store> {
        let mut store = Store {
            backend,
            env,
            schema: 0,
            last_time: Rc::default(),
        };
        store.schema = super::migrate::run(&store).await?;
        Ok(store)
    }

    /// Before attempt `attempt` of a write begun at `started`: backs off after a collision;
    /// `false` once the retry budget is spent.
    async fn retry(&self, attempt: usize, started: f64) -> bool {
        if attempt == 0 {
            return true;
        }
        if (self.env.now)() - started > RETRY_BUDGET_MS {
            return false;
        }
        self.env.back_off(attempt).await;
        true
    }

    /// Whole milliseconds since the epoch (stored times are whole, so keys and values agree),
    /// strictly increasing within this store, so one process's writes keep their order.
    pub(super) fn now(&self) -> f64 {
        let t = (self.env.now)().floor().max(self.last_time.get() + 1.0);
        self.last_time.set(t);
        t
    }

    /// The schema version in use.
    pub fn schema(&self) -> u32 {
        self.schema
    }

    /// Removes message `seq` when it is the session's last (regenerating a reply). Another writer
    /// that appended meanwhile makes it `INVALID_ARGUMENT` (the message is no longer the last);
    /// colliding writers are retried like every session write.
    pub async fn remove_last_message(&self, id: &str, seq: u64) -> Result<()> {
        keys::check_session_id(id)?;
        let started = (self.env.now)();
        for attempt in 0..MAX_ATTEMPTS {
            if !self.retry(attempt, started).await {
                break;
            }
            let (old, next) = join2(self.existing(id), self.next_seq(id)).await;
            let old = old?;
            if next? != seq + 1 {
                return Err(Error::invalid_argument(format!(
                    "message {seq} is not the last of session {id} (another message came after it)"
                )));
            }
            let mut rec = old.clone();
            rec.updated = self.now().max(old.updated + 1.0);
            let mut ops = session_ops(Some(&old), old.rev, &mut rec)?;
            ops.push(Op::Delete {
                key: keys::message(id, seq),
            });
            if self.backend.commit(&ops).await? {
                return Ok(());
            }
        }
        Err(conflict("removing the last message"))
    }

    /// The turn loop's totals (`manager.stats()`), once a turn was recorded.
    pub async fn turn_stats<T: DeserializeOwned>(&self) -> Result<Option<T>> {
        self.get_json(keys::TURN_STATS).await
    }

    /// Writes the turn loop's totals back (the manager reads, adds a turn and writes; two
    /// processes finishing turns at the same moment may each miss the other's last turn).
    pub async fn put_turn_stats<T: serde::Serialize>(&self, v: &T) -> Result<()> {
        let value = serde_json::to_string(v)
            .map_err(|e| Error::new(ErrorCode::Internal, format!("turn stats: {e}")))?;
        self.commit(&[Op::Put {
            key: keys::TURN_STATS.to_string(),
            value,
            if_absent: false,
        }])
        .await
    }

    pub(super) async fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        match self.backend.get(key).await? {
            None => Ok(None),
            Some(v) => parse(key, &v).map(Some),
        }
    }

    pub(super) async fn list_json<T: DeserializeOwned>(&self, range: &Range) -> Result<Vec<T>> {
        let rows = self.backend.list(range).await?;
        rows.iter().map(|(k, v)| parse(k, v)).collect()
    }

    /// Every value under `prefix`, page by page.
    pub(super) async fn scan<T: DeserializeOwned>(&self, prefix: &str) -> Result<Vec<(String, T)>> {
        self.scan_range(Range::prefix(prefix, PAGE)).await
    }

    /// Every entry of a range (its `limit` ignored), read a page at a time.
    async fn scan_range<T: DeserializeOwned>(&self, mut range: Range) -> Result<Vec<(String, T)>> {
        range.limit = PAGE;
        let mut out = Vec::new();
        loop {
            let rows = self.backend.list(&range).await?;
            for (k, v) in &rows {
                out.push((k.clone(), parse(k, v)?));
            }
            match rows.last() {
                Some((k, _)) if rows.len() == PAGE as usize => range.start = format!("{k} "),
                _ => return Ok(out),
            }
        }
    }

    /// Commits a batch; a conflict (`false`) is an error here (callers that retry use the
    /// backend directly).
    pub(super) async fn commit(&self, ops: &[Op]) -> Result<()> {
        if self.backend.commit(ops).await? {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::StorageConflict,
                "another writer changed the same records at the same time; try again",
            ))
        }
    }

    /// A session, or `None`.
    pub async fn session(&self, id: &str) -> Result<Option<SessionRecord>> {
        keys::check_session_id(id)?;
        self.get_json(&keys::session(id)).await
    }

    /// A session that must exist (`SESSION_NOT_FOUND` otherwise).
    pub async fn existing(&self, id: &str) -> Result<SessionRecord> {
        self.session(id).await?.ok_or_else(|| {
            Error::new(
                ErrorCode::SessionNotFound,
                format!("session '{id}' does not exist (it was deleted, or never created); open a new one with manager.session()"),
            )
        })
    }

    /// Creates a session (a fresh id when `id` is `None`); an existing id is returned as it is.
    pub async fn create_session(
        &self,
        id: Option<&str>,
        patch: &SessionPatch,
    ) -> Result<SessionRecord> {
        let given = id;
        let started = (self.env.now)();
        for attempt in 0..MAX_ATTEMPTS {
            if !self.retry(attempt, started).await {
                break;
            }
            let id = match given {
                Some(id) => id.to_string(),
                None => (self.env.random_id)(),
            };
            keys::check_session_id(&id)?;
            let now = self.now();
            let mut rec = SessionRecord {
                id: id.clone(),
                title: None,
                created: now,
                updated: now,
                model: None,
                metadata: Value::Null,
                rev: 0,
            };
            apply_patch(&mut rec, patch)?;
            // a deleted session of the same id left its last revision claimed: start above it
            let base = self.last_rev(&id).await?;
            let mut ops = session_ops(None, base, &mut rec)?;
            ops.push(put_absent(&keys::session(&id), &rec)?);
            if self.backend.commit(&ops).await? {
                return Ok(rec);
            }
            // a caller-given id that exists is that session; a random id that collided is retried
            if let (Some(_), Some(existing)) = (given, self.session(&id).await?) {
                return match patch == &SessionPatch::default() {
                    true => Ok(existing),
                    false => self.update_session(&id, patch).await,
                };
            }
        }
        Err(conflict("creating the session"))
    }

    /// The latest claimed revision of a session id (0 when none).
    pub(super) async fn last_rev(&self, id: &str) -> Result<u64> {
        let rows = self
            .backend
            .list(&Range::prefix(&keys::revisions(id), 1).reversed())
            .await?;
        Ok(rows
            .first()
            .and_then(|(k, _)| keys::revision_number(k))
            .unwrap_or(0))
    }

    /// Changes a session's title, model or metadata.
    pub async fn update_session(&self, id: &str, patch: &SessionPatch) -> Result<SessionRecord> {
        let started = (self.env.now)();
        for attempt in 0..MAX_ATTEMPTS {
            if !self.retry(attempt, started).await {
                break;
            }
            let old = self.existing(id).await?;
            let mut rec = old.clone();
            apply_patch(&mut rec, patch)?;
            rec.updated = self.now().max(old.updated + 1.0);
            if self
                .backend
                .commit(&session_ops(Some(&old), old.rev, &mut rec)?)
                .await?
            {
                return Ok(rec);
            }
        }
        Err(conflict("updating the session"))
    }

    /// Sessions, most recently updated first, `limit` at a time (default 50, at most 1,000).
    pub async fn list_sessions(
        &self,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<SessionListing> {
        let limit = limit.unwrap_or(50).clamp(1, 1000) as usize;
        let end = match cursor {
            Some(c) if c.starts_with("u/") && c.bytes().all(|b| (0x21..0x7e).contains(&b)) => c.to_string(),
            Some(_) => return Err(Error::invalid_argument("the session cursor is not one this store returned; pass the `cursor` of the previous page, or none for the first page")),
            None => keys::prefix_end("u/"),
        };
        let mut range = Range {
            start: "u/".into(),
            end,
            limit: limit as u32 + 1,
            reverse: true,
        };
        let (mut sessions, mut stale, mut more) = (Vec::new(), Vec::new(), false);
        'pages: loop {
            let rows = self.backend.list(&range).await?;
            let exhausted = rows.len() < range.limit as usize;
            let ids: Vec<&str> = rows
                .iter()
                .map(|(k, _)| keys::updated_session(k).unwrap_or_default())
                .collect();
            for ((key, _), record) in rows.iter().zip(self.sessions_by_id(&ids).await) {
                match record? {
                    // an entry left by a concurrent update no longer matches its session
                    Some(s) if keys::updated(s.updated, &s.id) == *key => {
                        if sessions.len() == limit {
                            more = true;
                            break 'pages;
                        }
                        sessions.push(s);
                    }
                    _ => stale.push(Op::Delete { key: key.clone() }),
                }
            }
            match rows.last() {
                Some((k, _)) if !exhausted => range.end = k.clone(),
                _ => break,
            }
        }
        self.drop_stale(stale).await;
        let cursor = match (more, sessions.last()) {
            (true, Some(l)) => Some(keys::updated(l.updated, &l.id)),
            _ => None,
        };
        Ok(SessionListing { sessions, cursor })
    }

    /// The stored record of each id (or `None`), read together (the caller bounds how many).
    pub(super) async fn sessions_by_id(&self, ids: &[&str]) -> Vec<Result<Option<SessionRecord>>> {
        let reads = ids.iter().map(|id| {
            let key = keys::session(id);
            Box::pin(async move { self.get_json::<SessionRecord>(&key).await }) as Boxed<'_, _>
        });
        join_all(reads.collect()).await
    }

    /// Removes listing entries left behind by concurrent updates (best effort).
    async fn drop_stale(&self, stale: Vec<Op>) {
        if !stale.is_empty() {
            let _ = self.backend.commit(&stale).await;
        }
    }

    /// Messages of a session in `seq` order.
    pub async fn messages(&self, id: &str, range: &MessageRange) -> Result<Vec<MessageRecord>> {
        keys::check_session_id(id)?;
        // a deleted session is an error, not an empty one (read together with the messages)
        let (session, rows) = join2(self.existing(id), self.read_messages(id, range)).await;
        session?;
        rows
    }

    async fn read_messages(&self, id: &str, range: &MessageRange) -> Result<Vec<MessageRecord>> {
        let prefix = keys::messages(id);
        if let Some(last) = range.last {
            let mut rows: Vec<MessageRecord> = self
                .list_json(&Range::prefix(&prefix, last).reversed())
                .await?;
            rows.reverse();
            return Ok(rows);
        }
        let mut r = Range::prefix(&prefix, range.limit.unwrap_or(u32::MAX));
        if let Some(after) = range.after {
            r.start = format!("{} ", keys::message(id, after));
        }
        match range.limit {
            Some(_) => self.list_json(&r).await,
            None => Ok(self
                .scan_range(r)
                .await?
                .into_iter()
                .map(|(_, m)| m)
                .collect()),
        }
    }

    /// The next free `seq` of a session.
    async fn next_seq(&self, id: &str) -> Result<u64> {
        let last = self
            .backend
            .list(&Range::prefix(&keys::messages(id), 1).reversed())
            .await?;
        Ok(match last.first() {
            Some((k, v)) => parse::<MessageRecord>(k, v)?.seq + 1,
            None => 0,
        })
    }

    /// Appends one message.
    pub async fn append(
        &self,
        id: &str,
        message: Value,
        tokens: BTreeMap<String, u64>,
    ) -> Result<MessageRecord> {
        let turn = Turn {
            messages: vec![message],
            ..Turn::default()
        };
        let mut receipt = self.commit_turn(id, &turn, &[tokens]).await?;
        receipt.messages.pop().ok_or_else(|| conflict("appending"))
    }

    /// Stores everything a turn wrote, all or nothing. `tokens[i]` are the token counts of
    /// `turn.messages[i]` (missing: none). Concurrent writers to the same session each get their
    /// own sequence numbers; none is lost.
    pub async fn commit_turn(
        &self,
        id: &str,
        turn: &Turn,
        tokens: &[BTreeMap<String, u64>],
    ) -> Result<TurnReceipt> {
        check_turn(turn)?;
        let indexes = !turn.facts.is_empty() || turn.summary.is_some();
        let started = (self.env.now)();
        for attempt in 0..MAX_ATTEMPTS {
            if !self.retry(attempt, started).await {
                break;
            }
            // the reads a turn depends on go to the database together
            let ((session, seq), index) = join2(
                join2(self.existing(id), self.next_seq(id)),
                search::Batch::load(self, indexes),
            )
            .await;
            let (session, seq, index) = (session?, seq?, index?);
            let now = self.now().max(session.updated + 1.0);
            let (ops, receipt) = self
                .turn_ops(&session, seq, now, turn, tokens, index)
                .await?;
            if self
                .backend
                .commit(&ops)
                .await
                .map_err(|e| not_saved(e, turn))?
            {
                return Ok(receipt);
            }
        }
        Err(conflict("storing the turn"))
    }

    async fn turn_ops(
        &self,
        session: &SessionRecord,
        seq: u64,
        now: f64,
        turn: &Turn,
        tokens: &[BTreeMap<String, u64>],
        mut index: search::Batch,
    ) -> Result<(Vec<Op>, TurnReceipt)> {
        let id = session.id.as_str();
        let mut ops = Vec::new();
        let mut receipt = TurnReceipt {
            messages: Vec::new(),
            facts: Vec::new(),
            summary: None,
        };
        for (i, m) in turn.messages.iter().enumerate() {
            let rec = MessageRecord {
                session_id: id.into(),
                seq: seq + i as u64,
                message: m.clone(),
                tokens: tokens.get(i).cloned().unwrap_or_default(),
                created: now,
            };
            ops.push(put_absent(&keys::message(id, rec.seq), &rec)?);
            receipt.messages.push(rec);
        }
        for (i, u) in turn.usage.iter().enumerate() {
            let rec = UsageRecord {
                session_id: id.into(),
                model: u.model.clone(),
                prompt_tokens: u.prompt_tokens,
                completion_tokens: u.completion_tokens,
                cached_tokens: u.cached_tokens,
                cost: u.cost,
                latency_ms: u.latency_ms,
                time: now,
            };
            let uid = keys::hash_id(&[
                id,
                &seq.to_string(),
                &i.to_string(),
                &(self.env.random_id)(),
            ]);
            ops.push(put(&keys::usage(id, now, &uid), &rec)?);
        }
        for (i, f) in turn.facts.iter().enumerate() {
            let rec = FactRecord {
                session_id: id.into(),
                id: keys::hash_id(&[
                    id,
                    &f.kind,
                    f.subject.as_deref().unwrap_or(""),
                    &f.text,
                    &now.to_string(),
                    &i.to_string(),
                ]),
                kind: f.kind.clone(),
                subject: f.subject.clone(),
                text: f.text.clone(),
                source: f.source.clone(),
                superseded_by: None,
                created: now,
            };
            for old in &f.supersedes {
                if let Some(mut prev) = self.get_json::<FactRecord>(&keys::fact(id, old)).await? {
                    prev.superseded_by = Some(rec.id.clone());
                    ops.push(put(&keys::fact(id, old), &prev)?);
                    index.remove(&mut ops, id, &search::fact_doc(old)).await?;
                }
            }
            ops.push(put(&keys::fact(id, &rec.id), &rec)?);
            index.add_fact(&mut ops, &rec)?;
            receipt.facts.push(rec);
        }
        if let Some(s) = &turn.summary {
            let rec = SummaryRecord {
                session_id: id.into(),
                from: s.from,
                to: s.to,
                strategy: s.strategy.clone(),
                model: s.model.clone(),
                text: s.text.clone(),
                tokens: s.tokens,
                created: now,
            };
            // a summary of the same range replaces the stored one, and its search entries
            index
                .remove(&mut ops, id, &search::summary_doc(&rec))
                .await?;
            ops.push(put(&keys::summary(id, s.from, s.to), &rec)?);
            index.add_summary(&mut ops, &rec)?;
            receipt.summary = Some(rec);
        }
        for (model, factor) in &turn.calibration {
            ops.push(put(&keys::calibration(model), factor)?);
        }
        index.finish(&mut ops)?;
        let mut touched = session.clone();
        touched.updated = now;
        ops.extend(session_ops(Some(session), session.rev, &mut touched)?);
        Ok((ops, receipt))
    }

    /// Summaries of a session, oldest coverage first.
    pub async fn summaries(&self, id: &str) -> Result<Vec<SummaryRecord>> {
        keys::check_session_id(id)?;
        Ok(self
            .scan::<SummaryRecord>(&format!("y/{id}/"))
            .await?
            .into_iter()
            .map(|(_, v)| v)
            .collect())
    }

    /// Facts of a session (superseded ones too, marked with `supersededBy`), oldest first.
    pub async fn facts(&self, id: &str) -> Result<Vec<FactRecord>> {
        keys::check_session_id(id)?;
        let mut facts: Vec<FactRecord> = self
            .scan::<FactRecord>(&format!("f/{id}/"))
            .await?
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        facts.sort_by(|a, b| a.created.total_cmp(&b.created).then(a.id.cmp(&b.id)));
        Ok(facts)
    }

    /// Usage records of a session, oldest first.
    pub async fn usage(&self, id: &str) -> Result<Vec<UsageRecord>> {
        keys::check_session_id(id)?;
        Ok(self
            .scan::<UsageRecord>(&format!("g/{id}/"))
            .await?
            .into_iter()
            .map(|(_, v)| v)
            .collect())
    }

    /// Calibration factors per model.
    pub async fn calibration(&self) -> Result<BTreeMap<String, f64>> {
        let rows = self.scan::<f64>("c/").await?;
        Ok(rows
            .into_iter()
            .filter_map(|(k, v)| Some((keys::calibration_model(&k)?, v)))
            .collect())
    }

    /// Deletes a session and everything that belongs to it (messages, summaries, facts, usage,
    /// search entries), in one batch. `false` when there was no such session.
    pub async fn delete_session(&self, id: &str) -> Result<bool> {
        let started = (self.env.now)();
        for attempt in 0..MAX_ATTEMPTS {
            if !self.retry(attempt, started).await {
                break;
            }
            let Some(session) = self.session(id).await? else {
                return Ok(false);
            };
            // the next revision stays claimed: a writer that read the session before fails
            let mut ops = claim_ops(id, session.rev + 1)?;
            ops.extend([
                Op::Delete {
                    key: keys::session(id),
                },
                Op::Delete {
                    key: keys::updated(session.updated, id),
                },
            ]);
            self.record_deletes(&mut ops, id).await?;
            let mut index = search::Batch::new(self).await?;
            index.remove_session(&mut ops, id).await?;
            index.finish(&mut ops)?;
            if self.backend.commit(&ops).await? {
                return Ok(true);
            }
        }
        Err(conflict("deleting the session"))
    }
}

impl Store {
    /// Deletions of a session's messages, summaries, facts and usage.
    pub(super) async fn record_deletes(&self, ops: &mut Vec<Op>, id: &str) -> Result<()> {
        for prefix in ["m", "y", "f", "g"] {
            for (k, _) in self.scan::<Value>(&format!("{prefix}/{id}/")).await? {
                ops.push(Op::Delete { key: k });
            }
        }
        Ok(())
    }
}

/// A failed write says what was not saved.
fn not_saved(mut e: Error, turn: &Turn) -> Error {
    let mut parts = Vec::new();
    let mut n = |count: usize, what: &str| {
        if count > 0 {
            parts.push(format!("{count} {what}"));
        }
    };
    n(turn.messages.len(), "message(s)");
    n(turn.facts.len(), "fact(s)");
    n(turn.usage.len(), "usage record(s)");
    n(turn.summary.iter().count(), "summary");
    e.message = format!(
        "{} — not saved: {}; the session is as it was before",
        e.message,
        parts.join(", ")
    );
    e
}

fn check_turn(turn: &Turn) -> Result<()> {
    for (i, m) in turn.messages.iter().enumerate() {
        parse_message(m, i)?;
    }
    for f in &turn.facts {
        if f.text.trim().is_empty() || f.kind.trim().is_empty() {
            return Err(Error::invalid_argument(
                "a fact needs a non-empty kind and text",
            ));
        }
    }
    let too_big = |n: u64| n > keys::MAX_NUM;
    if turn.summary.as_ref().is_some_and(|s| too_big(s.to))
        || turn
            .facts
            .iter()
            .any(|f| f.source.iter().any(|&n| too_big(n)))
    {
        return Err(Error::invalid_argument(format!(
            "message numbers (seq) are at most {}",
            keys::MAX_NUM
        )));
    }
    if let Some(s) = &turn.summary {
        if s.from > s.to {
            return Err(Error::invalid_argument(format!(
                "a summary's range is from ≤ to; got from {} to {}",
                s.from, s.to
            )));
        }
    }
    if let Some((m, f)) = turn
        .calibration
        .iter()
        .find(|(_, f)| !(f.is_finite() && **f > 0.0 && **f < 100.0))
    {
        return Err(Error::invalid_argument(format!(
            "calibration factor for '{m}' must be a positive number below 100, got {f}"
        )));
    }
    Ok(())
}

fn apply_patch(rec: &mut SessionRecord, patch: &SessionPatch) -> Result<()> {
    if let Some(t) = &patch.title {
        if t.chars().count() > 500 {
            return Err(Error::invalid_argument(
                "a session title is at most 500 characters",
            ));
        }
        rec.title = Some(t.clone());
    }
    if let Some(m) = &patch.model {
        rec.model = Some(m.clone());
    }
    if let Some(meta) = &patch.metadata {
        if !(meta.is_object() || meta.is_null()) {
            return Err(Error::invalid_argument(
                "session metadata must be an object (or null)",
            ));
        }
        rec.metadata = meta.clone();
    }
    Ok(())
}

/// Revision claims kept per session. A claim must outlive every writer that could still have read
/// the revision before it: were it deleted at once, a writer holding a stale read could claim the
/// same number again and overwrite newer data (an ABA). A writer is stale by at most the commits
/// made during one of its attempts; 64 is far beyond that.
const CLAIMS_KEPT: u64 = 64;

/// Claims revision `rev` (the batch fails if another writer did) and drops the claim that falls
/// out of the kept window.
fn claim_ops(id: &str, rev: u64) -> Result<Vec<Op>> {
    let mut ops = vec![put_absent(&keys::revision(id, rev), &"")?];
    if rev > CLAIMS_KEPT {
        ops.push(Op::Delete {
            key: keys::revision(id, rev - CLAIMS_KEPT),
        });
    }
    Ok(ops)
}

/// The writes of a session record at its next revision (`base + 1`): the claim of that revision
/// (if another writer took it since `base` was read, the whole batch fails and is retried), the
/// record (`s/`) and its listing entry moved. Creating adds its own if-absent put of `s/` after
/// these.
pub(super) fn session_ops(
    old: Option<&SessionRecord>,
    base: u64,
    rec: &mut SessionRecord,
) -> Result<Vec<Op>> {
    rec.rev = base + 1;
    let mut ops = claim_ops(&rec.id, rec.rev)?;
    if let Some(old) = old.filter(|o| o.updated != rec.updated) {
        ops.push(Op::Delete {
            key: keys::updated(old.updated, &old.id),
        });
    }
    if old.is_some() {
        ops.push(put(&keys::session(&rec.id), rec)?);
    }
    ops.push(put(&keys::updated(rec.updated, &rec.id), &"")?);
    Ok(ops)
}

pub(super) fn conflict(what: &str) -> Error {
    Error::new(
        ErrorCode::StorageConflict,
        format!(
            "{what} kept colliding with other writers (retried for {} s, at most {MAX_ATTEMPTS} attempts); nothing of it was stored; try again",
            RETRY_BUDGET_MS / 1000.0
        ),
    )
}

pub(super) fn parse<T: DeserializeOwned>(key: &str, v: &str) -> Result<T> {
    serde_json::from_str(v).map_err(|e| {
        Error::new(
            ErrorCode::StorageCorrupt,
            format!(
                "the stored record '{}' is not readable ({e}); it was changed outside contextwise",
                key.chars().take(80).collect::<String>()
            ),
        )
    })
}

pub(super) fn put<T: Serialize + ?Sized>(key: &str, v: &T) -> Result<Op> {
    Ok(Op::Put {
        key: key.into(),
        value: to_json(v)?,
        if_absent: false,
    })
}

pub(super) fn put_absent<T: Serialize + ?Sized>(key: &str, v: &T) -> Result<Op> {
    Ok(Op::Put {
        key: key.into(),
        value: to_json(v)?,
        if_absent: true,
    })
}

fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| {
        Error::new(
            ErrorCode::Internal,
            format!("could not encode a record: {e}"),
        )
    })
}
