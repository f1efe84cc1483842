//! The store contract: one suite that every [`Backend`] must pass — memory on the host
//! (`cargo test`), IndexedDB in Chromium, SQLite and Postgres in Node (through the package's
//! test-only `__storeContractForTesting(adapter)`). It needs an empty store.

use super::records::*;
use super::sessions::{Env, Store};
use super::{Backend, ImportMode, Op, Range, SearchOptions};
use crate::error::{ErrorCode, Result};
use serde_json::json;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// One failed check.
fn fail(what: impl Into<String>) -> crate::Error {
    crate::Error::new(
        ErrorCode::Internal,
        format!("store contract: {}", what.into()),
    )
}

macro_rules! check {
    ($cond:expr, $($msg:tt)*) => {
        if !$cond {
            return Err(fail(format!($($msg)*)));
        }
    };
}

/// Runs every check on an empty backend; `Ok(names of the checks passed)`.
pub async fn run(backend: Rc<dyn Backend>, env: Env) -> Result<Vec<&'static str>> {
    let all = Range {
        start: "!".into(),
        end: "~".into(),
        limit: 1,
        reverse: false,
    };
    check!(
        backend.list(&all).await?.is_empty(),
        "the store is not empty"
    );
    let mut passed = Vec::new();
    backend_basics(backend.as_ref()).await?;
    passed.push("backend: get, list (order, reverse, limit, end), atomic batches, if-absent");
    let store = Store::open(backend.clone(), env.clone()).await?;
    check!(
        store.schema() == super::SCHEMA_VERSION,
        "schema {}",
        store.schema()
    );
    messages_in_order(&store).await?;
    passed.push("messages: append, order, last n, paging");
    listing(&store).await?;
    passed.push("sessions: listing by last update, cursors");
    turns(&store).await?;
    passed.push("turns: messages, usage, facts, summary, calibration in one batch; supersede");
    concurrent_appends(&store).await?;
    passed.push("concurrent appends: none lost, one order");
    races(&store).await?;
    passed.push("races: rename with append, delete with a turn, a summary replaced");
    memory_and_transfer(&store).await?;
    passed.push("relevantMemory, export, import, delete");
    let reopened = Store::open(backend, env).await?;
    check!(
        reopened.session("c-msgs").await?.is_some(),
        "a session is gone after reopening"
    );
    passed.push("reopen");
    Ok(passed)
}

async fn backend_basics(b: &dyn Backend) -> Result<()> {
    let put = |k: &str, v: &str, a: bool| Op::Put {
        key: k.into(),
        value: v.into(),
        if_absent: a,
    };
    check!(b.get("x/1").await?.is_none(), "get of a missing key");
    check!(
        b.commit(&[
            put("x/1", "1", false),
            put("x/2", "2", true),
            put("x/3", "3", false)
        ])
        .await?,
        "a plain batch failed"
    );
    check!(b.get("x/2").await?.as_deref() == Some("2"), "get after put");
    let r = |s: &str, e: &str, l: u32, rev: bool| Range {
        start: s.into(),
        end: e.into(),
        limit: l,
        reverse: rev,
    };
    let keys = |v: Vec<(String, String)>| v.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    check!(
        keys(b.list(&r("x/", "x/~", 10, false)).await?) == ["x/1", "x/2", "x/3"],
        "list order"
    );
    check!(
        keys(b.list(&r("x/", "x/~", 2, true)).await?) == ["x/3", "x/2"],
        "reverse list with limit"
    );
    check!(
        keys(b.list(&r("x/1", "x/3", 10, false)).await?) == ["x/1", "x/2"],
        "start is inclusive, end exclusive"
    );
    let atomic = b
        .commit(&[
            put("x/4", "4", false),
            put("x/2", "new", true),
            Op::Delete { key: "x/1".into() },
        ])
        .await?;
    check!(
        !atomic,
        "an if-absent put on an existing key must fail the batch"
    );
    check!(
        b.get("x/4").await?.is_none()
            && b.get("x/1").await?.is_some()
            && b.get("x/2").await?.as_deref() == Some("2"),
        "a failed batch applied some of its writes"
    );
    check!(
        b.commit(&[
            Op::Delete { key: "x/1".into() },
            Op::Delete { key: "x/2".into() },
            Op::Delete { key: "x/3".into() }
        ])
        .await?,
        "delete"
    );
    check!(
        b.list(&r("x/", "x/~", 10, false)).await?.is_empty(),
        "keys left after delete"
    );
    let big = "é∑😀".repeat(20_000);
    check!(
        b.commit(&[put("x/big", &big, false)]).await?,
        "a large value"
    );
    check!(
        b.get("x/big").await?.as_deref() == Some(big.as_str()),
        "a large non-ASCII value changed"
    );
    check!(
        b.commit(&[Op::Delete {
            key: "x/big".into()
        }])
        .await?,
        "delete"
    );
    Ok(())
}

fn user(text: &str) -> serde_json::Value {
    json!({ "role": "user", "content": text })
}

async fn messages_in_order(store: &Store) -> Result<()> {
    let s = store
        .create_session(
            Some("c-msgs"),
            &SessionPatch {
                title: Some("Ordering".into()),
                ..Default::default()
            },
        )
        .await?;
    check!(s.title.as_deref() == Some("Ordering"), "title");
    for i in 0..25 {
        let tokens = BTreeMap::from([("o200k_base".to_string(), i)]);
        let m = store
            .append("c-msgs", user(&format!("message {i}")), tokens)
            .await?;
        check!(m.seq == i, "append {i} got seq {}", m.seq);
    }
    let all = store.messages("c-msgs", &MessageRange::default()).await?;
    check!(
        all.len() == 25
            && all
                .iter()
                .enumerate()
                .all(|(i, m)| m.seq == i as u64 && m.message == user(&format!("message {i}"))),
        "messages out of order"
    );
    check!(
        all[7].tokens.get("o200k_base") == Some(&7),
        "token counts not kept"
    );
    let last = store
        .messages(
            "c-msgs",
            &MessageRange {
                last: Some(3),
                ..Default::default()
            },
        )
        .await?;
    check!(
        last.iter().map(|m| m.seq).collect::<Vec<_>>() == [22, 23, 24],
        "last 3"
    );
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .messages(
                "c-msgs",
                &MessageRange {
                    after,
                    limit: Some(10),
                    last: None,
                },
            )
            .await?;
        let Some(l) = page.last() else { break };
        after = Some(l.seq);
        seen.extend(page.iter().map(|m| m.seq));
    }
    check!(
        seen == (0..25).collect::<Vec<_>>(),
        "paging forward saw {seen:?}"
    );
    let bad = store
        .append(
            "c-msgs",
            json!({ "role": "wizard", "content": 1 }),
            BTreeMap::new(),
        )
        .await;
    check!(
        bad.is_err_and(|e| e.code == ErrorCode::InvalidMessage),
        "an invalid message was accepted"
    );
    let missing = store.append("c-none", user("x"), BTreeMap::new()).await;
    check!(
        missing.is_err_and(|e| e.code == ErrorCode::SessionNotFound),
        "append to a missing session"
    );
    check!(
        store
            .messages("c-msgs", &MessageRange::default())
            .await?
            .len()
            == 25,
        "a failed append changed the session"
    );
    Ok(())
}

async fn listing(store: &Store) -> Result<()> {
    for i in 0..120 {
        store
            .create_session(Some(&format!("c-list-{i:03}")), &SessionPatch::default())
            .await?;
    }
    store
        .update_session(
            "c-list-005",
            &SessionPatch {
                title: Some("renamed".into()),
                ..Default::default()
            },
        )
        .await?;
    store
        .append("c-list-010", user("newest"), BTreeMap::new())
        .await?;
    let newest = store.existing("c-list-010").await?.updated;
    let mut ids = Vec::new();
    let mut first_updated = None;
    let mut cursor: Option<String> = None;
    loop {
        let page = store.list_sessions(Some(50), cursor.as_deref()).await?;
        check!(page.sessions.len() <= 50, "page larger than its limit");
        ids.extend(page.sessions.iter().map(|s| s.id.clone()));
        first_updated = first_updated.or(page.sessions.first().map(|s| s.updated));
        check!(
            page.sessions
                .windows(2)
                .all(|w| w[0].updated >= w[1].updated),
            "a page is not newest first"
        );
        match page.cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    // sessions changed in the same millisecond may come in either order
    check!(
        first_updated == Some(newest),
        "the most recently changed session is not first: {:?}",
        ids.first()
    );
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    check!(
        sorted.len() == ids.len() && ids.len() == 121,
        "listing saw {} sessions ({} distinct)",
        ids.len(),
        sorted.len()
    );
    check!(
        store
            .list_sessions(Some(5), Some("not a cursor"))
            .await
            .is_err(),
        "a bad cursor was accepted"
    );
    Ok(())
}

async fn turns(store: &Store) -> Result<()> {
    store
        .create_session(Some("c-turn"), &SessionPatch::default())
        .await?;
    store
        .append(
            "c-turn",
            user("We will use Postgres for the orders service"),
            BTreeMap::new(),
        )
        .await?;
    let turn = Turn {
        messages: vec![json!({ "role": "assistant", "content": "Noted: Postgres for orders." })],
        usage: vec![NewUsage {
            model: "gpt-4o".into(),
            prompt_tokens: 12,
            completion_tokens: 5,
            cached_tokens: 0,
            cost: 0.0001,
            latency_ms: 80.0,
        }],
        facts: vec![NewFact {
            kind: "decision".into(),
            subject: Some("orders database".into()),
            text: "The orders service uses Postgres".into(),
            source: vec![0],
            supersedes: vec![],
        }],
        summary: Some(NewSummary {
            from: 0,
            to: 1,
            strategy: "summary".into(),
            model: None,
            text: "The user chose Postgres for orders.".into(),
            tokens: 9,
        }),
        calibration: BTreeMap::from([("my-model".to_string(), 1.07)]),
    };
    let r = store.commit_turn("c-turn", &turn, &[]).await?;
    check!(
        r.messages.len() == 1 && r.messages[0].seq == 1,
        "turn message seq"
    );
    check!(store.usage("c-turn").await?.len() == 1, "usage not stored");
    check!(
        store.summaries("c-turn").await?.len() == 1,
        "summary not stored"
    );
    check!(
        store.calibration().await?.get("my-model") == Some(&1.07),
        "calibration not stored"
    );
    let old = r.facts[0].id.clone();
    let change = Turn {
        facts: vec![NewFact {
            kind: "decision".into(),
            subject: Some("orders database".into()),
            text: "The orders service moves to CockroachDB".into(),
            source: vec![2],
            supersedes: vec![old.clone()],
        }],
        ..Turn::default()
    };
    store.commit_turn("c-turn", &change, &[]).await?;
    let facts = store.facts("c-turn").await?;
    check!(
        facts.len() == 2
            && facts[0].id == old
            && facts[0].superseded_by.is_some()
            && facts[1].superseded_by.is_none(),
        "supersede: {facts:?}"
    );
    let bad = Turn {
        messages: vec![
            json!({ "role": "assistant", "content": "ok" }),
            json!({ "role": 5 }),
        ],
        ..Turn::default()
    };
    check!(
        store.commit_turn("c-turn", &bad, &[]).await.is_err(),
        "a turn with an invalid message was stored"
    );
    check!(
        store
            .messages("c-turn", &MessageRange::default())
            .await?
            .len()
            == 2,
        "a rejected turn stored part of itself"
    );
    Ok(())
}

async fn races(store: &Store) -> Result<()> {
    use super::join::join2;
    store
        .create_session(Some("c-rename"), &SessionPatch::default())
        .await?;
    let rename = SessionPatch {
        title: Some("Renamed".into()),
        ..Default::default()
    };
    let (a, b) = join2(
        store.update_session("c-rename", &rename),
        store.append("c-rename", user("hello"), BTreeMap::new()),
    )
    .await;
    a?;
    b?;
    let s = store.existing("c-rename").await?;
    check!(
        s.title.as_deref() == Some("Renamed"),
        "a rename racing an append was lost"
    );
    check!(
        store
            .messages("c-rename", &MessageRange::default())
            .await?
            .len()
            == 1,
        "an append racing a rename was lost"
    );
    // a delete racing a turn: whatever the order, nothing of the session is left
    store
        .create_session(Some("c-gone"), &SessionPatch::default())
        .await?;
    store
        .append("c-gone", user("first"), BTreeMap::new())
        .await?;
    let turn = Turn {
        messages: vec![user("late")],
        facts: vec![NewFact {
            kind: "decision".into(),
            subject: None,
            text: "late fact about zebras".into(),
            source: vec![],
            supersedes: vec![],
        }],
        ..Turn::default()
    };
    let (deleted, committed) = join2(
        store.delete_session("c-gone"),
        store.commit_turn("c-gone", &turn, &[]),
    )
    .await;
    check!(deleted?, "the delete found no session");
    if let Err(e) = committed {
        check!(
            e.code == ErrorCode::SessionNotFound,
            "a turn racing a delete failed with {e}"
        );
    }
    check!(
        store.session("c-gone").await?.is_none(),
        "a turn racing a delete brought the session back"
    );
    for prefix in ["m/c-gone/", "f/c-gone/", "d/c-gone/"] {
        check!(
            store
                .backend
                .list(&Range::prefix(prefix, 1))
                .await?
                .is_empty(),
            "{prefix} left after a delete that raced a turn"
        );
    }
    check!(
        store
            .relevant_memory("zebras", &SearchOptions::default())
            .await?
            .is_empty(),
        "a deleted session is still found"
    );
    // the same id again starts a new session
    let again = store
        .create_session(Some("c-gone"), &SessionPatch::default())
        .await?;
    check!(
        store
            .messages("c-gone", &MessageRange::default())
            .await?
            .is_empty()
            && again.rev > 1,
        "a recreated session is not new"
    );
    // a summary of the same range replaces the stored one in search too
    let summary = |text: &str| Turn {
        summary: Some(NewSummary {
            from: 0,
            to: 0,
            strategy: "summary".into(),
            model: None,
            text: text.into(),
            tokens: 3,
        }),
        ..Turn::default()
    };
    store
        .commit_turn("c-gone", &summary("alpha giraffe"), &[])
        .await?;
    store
        .commit_turn("c-gone", &summary("beta okapi"), &[])
        .await?;
    check!(
        store
            .relevant_memory("giraffe", &SearchOptions::default())
            .await?
            .is_empty(),
        "a replaced summary is still found"
    );
    check!(
        store
            .relevant_memory("okapi", &SearchOptions::default())
            .await?
            .len()
            == 1,
        "the new summary is not found"
    );
    check!(
        store.summaries("c-gone").await?.len() == 1,
        "two summaries of one range"
    );
    store.delete_session("c-gone").await?;
    check!(
        store
            .backend
            .list(&Range::prefix("t/giraffe/", 1))
            .await?
            .is_empty(),
        "postings of a replaced summary outlived the session"
    );
    Ok(())
}

async fn concurrent_appends(store: &Store) -> Result<()> {
    store
        .create_session(Some("c-race"), &SessionPatch::default())
        .await?;
    let writer = |w: usize| -> Pin<Box<dyn Future<Output = Result<()>> + '_>> {
        Box::pin(async move {
            for i in 0..10 {
                store
                    .append("c-race", user(&format!("w{w}-{i}")), BTreeMap::new())
                    .await?;
            }
            Ok(())
        })
    };
    for r in super::join::join_all(vec![writer(0), writer(1), writer(2)]).await {
        r?;
    }
    let all = store.messages("c-race", &MessageRange::default()).await?;
    check!(
        all.len() == 30,
        "{} of 30 concurrent messages stored",
        all.len()
    );
    check!(
        all.iter().enumerate().all(|(i, m)| m.seq == i as u64),
        "sequence numbers are not 0..30"
    );
    for w in 0..3 {
        let mine: Vec<_> = all
            .iter()
            .filter_map(|m| {
                m.message["content"]
                    .as_str()
                    .filter(|c| c.starts_with(&format!("w{w}-")))
            })
            .collect();
        let want: Vec<String> = (0..10).map(|i| format!("w{w}-{i}")).collect();
        check!(mine == want, "writer {w}'s messages out of order: {mine:?}");
    }
    Ok(())
}

async fn memory_and_transfer(store: &Store) -> Result<()> {
    let hits = store
        .relevant_memory("which database for orders?", &SearchOptions::default())
        .await?;
    check!(
        hits.first()
            .is_some_and(|h| h.text.contains("CockroachDB") && h.session_id == "c-turn"),
        "relevantMemory: {hits:?}"
    );
    check!(
        !hits
            .iter()
            .any(|h| h.text == "The orders service uses Postgres"),
        "a superseded fact was returned"
    );
    let excluded = store
        .relevant_memory(
            "orders database",
            &SearchOptions {
                exclude_session: Some("c-turn".into()),
                ..Default::default()
            },
        )
        .await?;
    check!(excluded.is_empty(), "excludeSession returned {excluded:?}");
    let export = store.export(Some(&["c-turn".to_string()])).await?;
    let data = serde_json::to_value(&export).map_err(|e| fail(e.to_string()))?;
    let dup = store.import(&data, ImportMode::Error).await;
    check!(
        dup.is_err_and(|e| e.code == ErrorCode::InvalidImport),
        "importing an existing session without onConflict"
    );
    check!(store.delete_session("c-turn").await?, "delete");
    check!(
        store.session("c-turn").await?.is_none(),
        "deleted session still there"
    );
    check!(
        store
            .relevant_memory("orders database", &SearchOptions::default())
            .await?
            .is_empty(),
        "search still finds a deleted session"
    );
    for prefix in [
        "m/c-turn/",
        "f/c-turn/",
        "y/c-turn/",
        "g/c-turn/",
        "d/c-turn/",
    ] {
        check!(
            store
                .backend
                .list(&Range::prefix(prefix, 1))
                .await?
                .is_empty(),
            "{prefix} left after delete"
        );
    }
    let report = store.import(&data, ImportMode::Error).await?;
    check!(report.imported == ["c-turn"], "import report {report:?}");
    let back = store.export(Some(&["c-turn".to_string()])).await?;
    // the same, but for the revision: importing is a change
    let unrevised = |mut e: super::Export| {
        e.sessions.iter_mut().for_each(|s| s.session.rev = 0);
        e.sessions
    };
    check!(
        unrevised(back.clone()) == unrevised(export.clone()),
        "export → import → export changed the session"
    );
    check!(
        back.sessions[0].session.rev > export.sessions[0].session.rev,
        "an import did not raise the revision"
    );
    check!(
        store
            .relevant_memory("CockroachDB", &SearchOptions::default())
            .await?
            .len()
            == 1,
        "imported facts are not searchable"
    );
    let mut bad = data.clone();
    bad["sessions"][0]["messages"][0]["message"] = json!({ "role": "nobody" });
    bad["sessions"][0]["session"]["id"] = json!("c-other");
    check!(
        store
            .import(&bad, ImportMode::Error)
            .await
            .is_err_and(|e| e.code == ErrorCode::InvalidImport),
        "a bad file was imported"
    );
    check!(
        store.session("c-other").await?.is_none(),
        "a rejected import wrote a session"
    );
    Ok(())
}
