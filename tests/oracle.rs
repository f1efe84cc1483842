//! Differential tests: contextwise's tokenizer against tiktoken-rs's `CoreBPE` built from the
//! same OpenAI rank data, on the repo's corpus and on generated strings.

mod support {
    #[path = "../support/pool.rs"]
    pub mod pool;
    #[path = "../support/ranks.rs"]
    pub mod ranks;
}

use contextwise::tokens::encoding::{AllowedSpecial, Encoding, EncodingName, ALL_ENCODINGS};
use proptest::prelude::*;
use std::sync::OnceLock;

thread_local! {
    // Encodings keep a per-instance piece cache (not Sync), so each test thread loads its own.
    static OURS: Vec<&'static Encoding> = ALL_ENCODINGS
        .iter()
        .map(|n| &*Box::leak(Box::new(Encoding::from_rank_file(*n, &support::ranks::rank_file_bytes(n.as_str())).expect("loads"))))
        .collect();
}

fn ours(name: EncodingName) -> &'static Encoding {
    OURS.with(|all| all[ALL_ENCODINGS.iter().position(|n| *n == name).unwrap()])
}

fn oracle(name: EncodingName) -> &'static tiktoken_rs::CoreBPE {
    static C: OnceLock<tiktoken_rs::CoreBPE> = OnceLock::new();
    static O: OnceLock<tiktoken_rs::CoreBPE> = OnceLock::new();
    static P: OnceLock<tiktoken_rs::CoreBPE> = OnceLock::new();
    static R: OnceLock<tiktoken_rs::CoreBPE> = OnceLock::new();
    match name {
        EncodingName::Cl100kBase => C.get_or_init(|| tiktoken_rs::cl100k_base().unwrap()),
        EncodingName::O200kBase => O.get_or_init(|| tiktoken_rs::o200k_base().unwrap()),
        EncodingName::P50kBase => P.get_or_init(|| tiktoken_rs::p50k_base().unwrap()),
        EncodingName::R50kBase => R.get_or_init(|| tiktoken_rs::r50k_base().unwrap()),
    }
}

/// Compares encodings of `text`; on a difference, shrinks to the shortest differing line.
fn check(name: EncodingName, text: &str) {
    let (a, b) = (
        ours(name).encode_ordinary(text),
        oracle(name).encode_ordinary(text),
    );
    if a != b {
        let line = text
            .lines()
            .find(|l| ours(name).encode_ordinary(l) != oracle(name).encode_ordinary(l));
        panic!(
            "{}: tokens differ; first differing line: {:?}",
            name.as_str(),
            line.unwrap_or(text)
        );
    }
    assert_eq!(
        ours(name).count(text),
        b.len(),
        "count differs from encode length"
    );
    assert_eq!(
        ours(name).decode(&a).unwrap(),
        text,
        "decode does not round-trip"
    );
}

fn corpus() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect()
}

#[test]
fn corpus_matches_tiktoken_for_every_encoding() {
    let corpus = corpus();
    assert!(
        corpus.iter().map(|(_, t)| t.len()).sum::<usize>() > 2_000_000,
        "corpus must be at least 2 MB"
    );
    for name in ALL_ENCODINGS {
        for (_, text) in &corpus {
            check(name, text);
        }
    }
}

#[test]
fn special_tokens_are_plain_text_by_default_and_special_when_allowed() {
    let text = "a<|endoftext|>b <|fim_prefix|>c<|endofprompt|>";
    for name in ALL_ENCODINGS {
        check(name, text);
        let all = ours(name).encode(text, &AllowedSpecial::All).unwrap();
        assert_eq!(
            all,
            oracle(name).encode_with_special_tokens(text),
            "{}",
            name.as_str()
        );
    }
    let some = ours(EncodingName::Cl100kBase)
        .encode(text, &AllowedSpecial::Some(vec!["<|endoftext|>".into()]))
        .unwrap();
    assert!(some.contains(&100257) && !some.contains(&100258));
    assert!(ours(EncodingName::Cl100kBase)
        .encode(text, &AllowedSpecial::Some(vec!["<|x|>".into()]))
        .is_err());
}

#[test]
fn long_unsplittable_pieces_match() {
    for name in [EncodingName::Cl100kBase, EncodingName::O200kBase] {
        for piece in ["🙂", "漢", "a", " ", "Zq", "=/+9"] {
            check(name, &piece.repeat(3000));
        }
    }
}

#[test]
fn count_within_stops_at_the_limit() {
    let e = ours(EncodingName::Cl100kBase);
    let text = "hello world ".repeat(100);
    let n = e.count(&text);
    assert_eq!(e.count_within(&text, n), Some(n));
    assert_eq!(e.count_within(&text, n - 1), None);
    assert_eq!(e.count_within("", 0), Some(0));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]
    #[test]
    fn generated_strings_match(parts in proptest::collection::vec(proptest::sample::select(support::pool::pool()), 0..60)) {
        let text: String = parts.concat();
        for name in [EncodingName::Cl100kBase, EncodingName::O200kBase, EncodingName::P50kBase] {
            prop_assert_eq!(ours(name).encode_ordinary(&text), oracle(name).encode_ordinary(&text), "{} on {:?}", name.as_str(), text);
        }
    }
}
