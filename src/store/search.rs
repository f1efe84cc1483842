//! Memory across sessions: an inverted index of facts and summaries kept in the store itself
//! (so it works the same over every backend), scored by BM25 with a recency weight.

use super::keys;
use super::records::{FactRecord, MemoryHit, SummaryRecord};
use super::sessions::{parse, put, Store};
use super::{Op, Range};
use crate::condense::text::{is_stopword, words};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// BM25 term-frequency saturation.
const K1: f64 = 1.2;
/// BM25 length normalization.
const B: f64 = 0.75;
/// Distinct terms indexed per document.
const MAX_TERMS: usize = 256;
/// Terms of a query that are looked up.
const MAX_QUERY_TERMS: usize = 32;
/// Postings read per query term.
const MAX_POSTINGS: u32 = 20_000;

/// `relevantMemory` options.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchOptions {
    /// At most this many hits (default 10, at most 100).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Leave out this session (the current one).
    #[serde(default)]
    pub exclude_session: Option<String>,
    /// Days after which the recency weight of an entry has halved toward its floor (default 30).
    #[serde(default)]
    pub half_life_days: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    docs: u64,
    total_len: u64,
}

/// A search document: what it points at and the terms it was indexed under.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Doc {
    key: String,
    terms: Vec<String>,
    len: u64,
}

/// The doc id of a fact.
pub fn fact_doc(fact_id: &str) -> String {
    format!("f{fact_id}")
}

/// The doc id of a summary (one per covered range: a new summary of the same range replaces it).
pub fn summary_doc(s: &SummaryRecord) -> String {
    format!("y{}-{}", s.from, s.to)
}

/// Lower-cased content words and their counts.
fn terms(text: &str) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    for w in words(text).filter(|w| !is_stopword(w) && w.chars().count() <= 40) {
        if out.len() >= MAX_TERMS && !out.contains_key(&w) {
            continue;
        }
        *out.entry(w).or_insert(0) += 1;
    }
    out
}

/// Index changes of one batch, with the totals they move.
pub(super) struct Batch {
    store: Store,
    stats: Stats,
    changed: bool,
    /// Documents removed in this batch (a second removal of one must not count twice).
    removed: std::collections::HashSet<String>,
}

impl Batch {
    pub async fn new(store: &Store) -> Result<Batch> {
        Self::load(store, true).await
    }

    /// A batch; the totals are read only when the batch will index something.
    pub async fn load(store: &Store, needed: bool) -> Result<Batch> {
        let stats = match needed {
            true => store
                .get_json::<Stats>(keys::STATS)
                .await?
                .unwrap_or_default(),
            false => Stats::default(),
        };
        Ok(Batch {
            store: store.clone(),
            stats,
            changed: false,
            removed: Default::default(),
        })
    }

    fn add(
        &mut self,
        ops: &mut Vec<Op>,
        session: &str,
        doc: &str,
        key: String,
        text: &str,
        time: f64,
    ) -> Result<()> {
        let t = terms(text);
        let len: u64 = t.values().map(|&n| n as u64).sum();
        for (term, tf) in &t {
            ops.push(put(
                &keys::posting(term, session, doc),
                &format!("{tf},{len},{time}"),
            )?);
        }
        ops.push(put(
            &keys::doc(session, doc),
            &Doc {
                key,
                terms: t.into_keys().collect(),
                len,
            },
        )?);
        self.stats.docs += 1;
        self.stats.total_len += len;
        self.changed = true;
        Ok(())
    }

    pub fn add_fact(&mut self, ops: &mut Vec<Op>, f: &FactRecord) -> Result<()> {
        let text = format!("{} {}", f.subject.as_deref().unwrap_or(""), f.text);
        self.add(
            ops,
            &f.session_id,
            &fact_doc(&f.id),
            keys::fact(&f.session_id, &f.id),
            &text,
            f.created,
        )
    }

    pub fn add_summary(&mut self, ops: &mut Vec<Op>, s: &SummaryRecord) -> Result<()> {
        let key = keys::summary(&s.session_id, s.from, s.to);
        self.add(ops, &s.session_id, &summary_doc(s), key, &s.text, s.created)
    }

    /// Removes a document and its postings.
    pub async fn remove(&mut self, ops: &mut Vec<Op>, session: &str, doc: &str) -> Result<()> {
        let key = keys::doc(session, doc);
        if !self.removed.insert(key.clone()) {
            return Ok(());
        }
        if let Some(d) = self.store.get_json::<Doc>(&key).await? {
            self.forget(ops, session, doc, &d);
            ops.push(Op::Delete { key });
        }
        Ok(())
    }

    fn forget(&mut self, ops: &mut Vec<Op>, session: &str, doc: &str, d: &Doc) {
        for term in &d.terms {
            ops.push(Op::Delete {
                key: keys::posting(term, session, doc),
            });
        }
        self.stats.docs = self.stats.docs.saturating_sub(1);
        self.stats.total_len = self.stats.total_len.saturating_sub(d.len);
        self.changed = true;
    }

    /// Removes every document of a session and its postings.
    pub async fn remove_session(&mut self, ops: &mut Vec<Op>, session: &str) -> Result<()> {
        for (key, d) in self.store.scan::<Doc>(&format!("d/{session}/")).await? {
            let doc = key.rsplit('/').next().unwrap_or_default().to_string();
            self.forget(ops, session, &doc, &d);
            ops.push(Op::Delete { key });
        }
        Ok(())
    }

    pub fn finish(mut self, ops: &mut Vec<Op>) -> Result<()> {
        self.flush(ops)
    }

    /// Adds the totals so far to `ops` (a batch that goes on into further commits).
    pub fn flush(&mut self, ops: &mut Vec<Op>) -> Result<()> {
        if self.changed {
            ops.push(put(keys::STATS, &self.stats)?);
            self.changed = false;
        }
        Ok(())
    }
}

/// Indexes an existing fact or summary (migrations, import).
pub(super) enum Entry<'a> {
    Fact(&'a FactRecord),
    Summary(&'a SummaryRecord),
}

/// Index ops for entries that are not indexed yet.
pub(super) async fn index_entries(store: &Store, entries: &[Entry<'_>]) -> Result<Vec<Op>> {
    let mut ops = Vec::new();
    let mut batch = Batch::new(store).await?;
    for e in entries {
        match e {
            Entry::Fact(f) if f.superseded_by.is_none() => {
                if store
                    .backend
                    .get(&keys::doc(&f.session_id, &fact_doc(&f.id)))
                    .await?
                    .is_none()
                {
                    batch.add_fact(&mut ops, f)?;
                }
            }
            Entry::Summary(s) => {
                if store
                    .backend
                    .get(&keys::doc(&s.session_id, &summary_doc(s)))
                    .await?
                    .is_none()
                {
                    batch.add_summary(&mut ops, s)?;
                }
            }
            Entry::Fact(_) => {}
        }
    }
    batch.finish(&mut ops)?;
    Ok(ops)
}

struct Candidate {
    session: String,
    doc: String,
    score: f64,
}

impl Store {
    /// Facts and summaries of stored sessions that match `query`, best first: BM25 over their
    /// terms times a recency weight (`0.5 + 0.5 · 2^(−age / halfLife)`); superseded facts are
    /// not returned.
    ///
    /// ```js
    /// const hits = await manager.relevantMemory('which database did we pick?', { limit: 5 });
    /// hits[0]; // { kind: 'fact', sessionId, text: 'We use Postgres 16 for orders', score, source: [3], time }
    /// ```
    pub async fn relevant_memory(&self, query: &str, o: &SearchOptions) -> Result<Vec<MemoryHit>> {
        let limit = o.limit.unwrap_or(10).clamp(1, 100) as usize;
        let half_life = o.half_life_days.unwrap_or(30.0);
        if !(half_life.is_finite() && half_life > 0.0) {
            return Err(Error::invalid_argument(
                "relevantMemory halfLifeDays must be a positive number of days",
            ));
        }
        let stats = self
            .get_json::<Stats>(keys::STATS)
            .await?
            .unwrap_or_default();
        let now = self.now();
        let candidates = self
            .score(query, &stats, now, half_life, o.exclude_session.as_deref())
            .await?;
        let mut hits = Vec::new();
        for c in candidates {
            if hits.len() == limit {
                break;
            }
            if let Some(hit) = self.hit(&c).await? {
                hits.push(hit);
            }
        }
        Ok(hits)
    }

    async fn score(
        &self,
        query: &str,
        stats: &Stats,
        now: f64,
        half_life: f64,
        exclude: Option<&str>,
    ) -> Result<Vec<Candidate>> {
        let mut scores: HashMap<(String, String), f64> = HashMap::new();
        let avgdl = if stats.docs == 0 {
            1.0
        } else {
            (stats.total_len as f64 / stats.docs as f64).max(1.0)
        };
        for term in terms(query).into_keys().take(MAX_QUERY_TERMS) {
            let rows = self
                .backend
                .list(&Range::prefix(&keys::postings(&term), MAX_POSTINGS))
                .await?;
            // a term in more documents than are read is as common as a stopword (and a partial
            // read would favour sessions whose ids sort first): it does not rank
            if rows.len() >= MAX_POSTINGS as usize {
                continue;
            }
            let df = rows.len() as f64;
            let n = (stats.docs as f64).max(df);
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for (key, value) in &rows {
                let Some((session, doc)) = keys::posting_doc(key) else {
                    continue;
                };
                if Some(session) == exclude {
                    continue;
                }
                let mut it = value
                    .trim_matches('"')
                    .split(',')
                    .map(|x| x.parse::<f64>().unwrap_or(0.0));
                let (tf, len, time) = (
                    it.next().unwrap_or(0.0),
                    it.next().unwrap_or(1.0),
                    it.next().unwrap_or(0.0),
                );
                let bm25 = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avgdl));
                let age_days = ((now - time) / 86_400_000.0).max(0.0);
                let recency = 0.5 + 0.5 * (-age_days / half_life * std::f64::consts::LN_2).exp();
                *scores
                    .entry((session.to_string(), doc.to_string()))
                    .or_insert(0.0) += bm25 * recency;
            }
        }
        let mut out: Vec<Candidate> = scores
            .into_iter()
            .map(|((session, doc), score)| Candidate {
                session,
                doc,
                score,
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.doc.cmp(&b.doc)));
        Ok(out)
    }

    async fn hit(&self, c: &Candidate) -> Result<Option<MemoryHit>> {
        let Some(doc) = self.get_json::<Doc>(&keys::doc(&c.session, &c.doc)).await? else {
            return Ok(None);
        };
        let Some(raw) = self.backend.get(&doc.key).await? else {
            return Ok(None);
        };
        let hit = if doc.key.starts_with("f/") {
            let f: FactRecord = parse(&doc.key, &raw)?;
            if f.superseded_by.is_some() {
                return Ok(None);
            }
            MemoryHit {
                kind: "fact".into(),
                session_id: f.session_id,
                text: f.text,
                score: c.score,
                source: f.source,
                time: f.created,
                fact_id: Some(f.id),
                covers: None,
            }
        } else {
            let s: SummaryRecord = parse(&doc.key, &raw)?;
            MemoryHit {
                kind: "summary".into(),
                session_id: s.session_id,
                text: s.text,
                score: c.score,
                source: Vec::new(),
                time: s.created,
                fact_id: None,
                covers: Some([s.from, s.to]),
            }
        };
        Ok(Some(hit))
    }
}
