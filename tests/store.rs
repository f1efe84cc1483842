//! The store on the host: the contract over the memory backend, migrations from schema 1 (the
//! v1 writer below is the old code, kept here), atomic turns when a backend fails, recency.

use contextwise::store::{
    contract, Backend, BoxFuture, Env, MemoryBackend, MessageRange, Op, Range, SearchOptions,
    SessionPatch, Store, Turn,
};
use contextwise::{ErrorCode, Result};
use pollster::block_on;
use serde_json::json;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

fn clock(start: f64) -> (Env, Rc<Cell<f64>>) {
    let now = Rc::new(Cell::new(start));
    let n = now.clone();
    let ids = Rc::new(Cell::new(0u64));
    let env = Env {
        now: Rc::new(move || {
            n.set(n.get() + 1.0);
            n.get()
        }),
        random_id: Rc::new(move || {
            ids.set(ids.get() + 1);
            format!("id{}", ids.get())
        }),
        pause: Rc::new(|_| Box::pin(async {})),
    };
    (env, now)
}

#[test]
fn the_contract_holds_for_the_memory_backend() {
    let passed = block_on(contract::run(Rc::new(MemoryBackend::new()), Env::system())).unwrap();
    assert_eq!(passed.len(), 8, "{passed:?}");
}

/// A backend that fails commits on demand (a full disk, a quota) — or only the n-th.
struct Failing {
    inner: MemoryBackend,
    fail_next: Cell<bool>,
}

impl Backend for Failing {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>>> {
        self.inner.get(key)
    }
    fn list<'a>(&'a self, range: &'a Range) -> BoxFuture<'a, Result<Vec<(String, String)>>> {
        self.inner.list(range)
    }
    fn commit<'a>(&'a self, ops: &'a [Op]) -> BoxFuture<'a, Result<bool>> {
        if self.fail_next.replace(false) {
            return Box::pin(async {
                Err(contextwise::Error::new(
                    ErrorCode::StorageQuota,
                    "the storage quota is used up",
                ))
            });
        }
        self.inner.commit(ops)
    }
}

#[test]
fn a_failed_turn_leaves_the_session_exactly_as_before() {
    let backend = Rc::new(Failing {
        inner: MemoryBackend::new(),
        fail_next: Cell::new(false),
    });
    let store = block_on(Store::open(backend.clone(), Env::system())).unwrap();
    block_on(store.create_session(Some("s"), &SessionPatch::default())).unwrap();
    block_on(store.append(
        "s",
        json!({ "role": "user", "content": "keep me" }),
        BTreeMap::new(),
    ))
    .unwrap();
    let before = backend.inner.snapshot();
    let turn: Turn = serde_json::from_value(json!({
        "messages": [{ "role": "assistant", "content": "reply" }],
        "usage": [{ "model": "gpt-4o", "promptTokens": 5 }],
        "facts": [{ "kind": "decision", "text": "use Redis for the cache" }],
        "summary": { "from": 0, "to": 0, "strategy": "summary", "text": "asked to keep" },
    }))
    .unwrap();
    backend.fail_next.set(true);
    let err = block_on(store.commit_turn("s", &turn, &[])).unwrap_err();
    assert_eq!(err.code, ErrorCode::StorageQuota);
    assert_eq!(
        backend.inner.snapshot(),
        before,
        "a failed turn changed the store"
    );
    // and the store is usable afterwards
    block_on(store.commit_turn("s", &turn, &[])).unwrap();
    assert_eq!(
        block_on(store.messages("s", &MessageRange::default()))
            .unwrap()
            .len(),
        2
    );
}

/// Schema 1, as the first version wrote it: sessions, messages without token counts, facts
/// and summaries — no listing index, no search index.
fn write_v1(b: &MemoryBackend) {
    let mut ops = vec![Op::Put {
        key: "!meta".into(),
        value: r#"{"schema":1}"#.into(),
        if_absent: false,
    }];
    let mut put = |k: String, v: serde_json::Value| {
        ops.push(Op::Put {
            key: k,
            value: v.to_string(),
            if_absent: false,
        })
    };
    for i in 0..3 {
        let id = format!("old-{i}");
        put(
            format!("s/{id}"),
            json!({ "id": id, "title": format!("Old {i}"), "created": 1000 + i, "updated": 2000 + i, "model": null, "metadata": null }),
        );
        for seq in 0..4u64 {
            put(
                format!("m/{id}/{seq:015}"),
                json!({ "sessionId": id, "seq": seq, "message": { "role": "user", "content": format!("{id} says {seq}") }, "created": 1500 }),
            );
        }
        put(
            format!("f/{id}/fact{i}"),
            json!({ "sessionId": id, "id": format!("fact{i}"), "kind": "decision", "subject": null, "text": format!("Deploy window {i} is Friday"), "source": [1], "supersededBy": null, "created": 1800 }),
        );
    }
    assert!(block_on(b.commit(&ops)).unwrap());
}

#[test]
fn opening_a_version_1_store_upgrades_it_in_place_without_losing_rows() {
    let backend = Rc::new(MemoryBackend::new());
    write_v1(&backend);
    let before = backend.len();
    let (env, _) = clock(10_000.0);
    let store = block_on(Store::open(backend.clone(), env.clone())).unwrap();
    assert_eq!(store.schema(), 2);
    assert!(backend.len() > before);
    let listing = block_on(store.list_sessions(None, None)).unwrap();
    assert_eq!(
        listing
            .sessions
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        ["old-2", "old-1", "old-0"]
    );
    for i in 0..3 {
        let msgs = block_on(store.messages(&format!("old-{i}"), &MessageRange::default())).unwrap();
        assert_eq!(msgs.len(), 4);
        assert!(msgs[3].tokens.is_empty());
    }
    let hits =
        block_on(store.relevant_memory("deploy window friday", &SearchOptions::default())).unwrap();
    assert_eq!(hits.len(), 3);
    // a second open (another process that raced the first) changes nothing
    let snapshot = backend.snapshot();
    block_on(Store::open(backend.clone(), env)).unwrap();
    assert_eq!(backend.snapshot(), snapshot);
}

#[test]
fn a_store_from_a_newer_version_is_refused() {
    let backend = Rc::new(MemoryBackend::new());
    block_on(backend.commit(&[Op::Put {
        key: "!meta".into(),
        value: r#"{"schema":99}"#.into(),
        if_absent: false,
    }]))
    .unwrap();
    let err = block_on(Store::open(backend, Env::system())).err().unwrap();
    assert_eq!(err.code, ErrorCode::StorageVersion);
}

#[test]
fn recent_memory_outranks_equally_relevant_old_memory() {
    let backend = Rc::new(MemoryBackend::new());
    let (env, now) = clock(0.0);
    let store = block_on(Store::open(backend, env)).unwrap();
    let fact = |sid: &str, text: &str| {
        block_on(store.create_session(Some(sid), &SessionPatch::default())).unwrap();
        let turn: Turn =
            serde_json::from_value(json!({ "facts": [{ "kind": "decision", "text": text }] }))
                .unwrap();
        block_on(store.commit_turn(sid, &turn, &[])).unwrap();
    };
    fact("old", "The staging cluster runs in eu-west-1");
    now.set(now.get() + 90.0 * 86_400_000.0);
    fact("new", "The staging cluster runs in us-east-2");
    let hits = block_on(store.relevant_memory("staging cluster region", &SearchOptions::default()))
        .unwrap();
    assert_eq!(
        hits.iter()
            .map(|h| h.session_id.as_str())
            .collect::<Vec<_>>(),
        ["new", "old"]
    );
    assert!(hits[0].score > hits[1].score * 1.5);
}

#[test]
fn invalid_ids_and_unknown_sessions_are_typed_errors() {
    let store = block_on(Store::open(Rc::new(MemoryBackend::new()), Env::system())).unwrap();
    let e = block_on(store.create_session(Some("../etc"), &SessionPatch::default())).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    let e = block_on(store.update_session("nope", &SessionPatch::default())).unwrap_err();
    assert_eq!(e.code, ErrorCode::SessionNotFound);
    assert!(!block_on(store.delete_session("nope")).unwrap());
    // a fresh session per call without an id
    let a = block_on(store.create_session(None, &SessionPatch::default())).unwrap();
    let b = block_on(store.create_session(None, &SessionPatch::default())).unwrap();
    assert_ne!(a.id, b.id);
}

#[test]
fn only_the_last_message_can_be_removed_and_its_number_is_used_again() {
    let store = block_on(Store::open(Rc::new(MemoryBackend::new()), Env::system())).unwrap();
    block_on(store.create_session(Some("r"), &Default::default())).unwrap();
    for text in ["question", "first answer"] {
        block_on(store.append(
            "r",
            json!({ "role": "user", "content": text }),
            BTreeMap::new(),
        ))
        .unwrap();
    }
    let e = block_on(store.remove_last_message("r", 0)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument, "{e:?}");
    let rev = block_on(store.existing("r")).unwrap().rev;
    block_on(store.remove_last_message("r", 1)).unwrap();
    assert!(
        block_on(store.existing("r")).unwrap().rev > rev,
        "a new revision: a writer holding the old one retries"
    );
    let again = block_on(store.append(
        "r",
        json!({ "role": "assistant", "content": "second answer" }),
        BTreeMap::new(),
    ))
    .unwrap();
    assert_eq!(again.seq, 1);
    let all = block_on(store.messages("r", &Default::default())).unwrap();
    assert_eq!(
        all.iter()
            .map(|m| m.message["content"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["question", "second answer"]
    );
    assert_eq!(
        block_on(store.remove_last_message("nope", 0))
            .unwrap_err()
            .code,
        ErrorCode::SessionNotFound
    );
}
