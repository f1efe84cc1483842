//! Differential tests: contextwise's tokenizer against tiktoken-rs's `CoreBPE` built from the
//! same OpenAI rank data, on the repo's corpus and on generated strings.

mod support {
    #[path = "../support/pool.rs"]
    pub mod pool;
    #[path = "../support/ranks.rs"]
    pub mod ranks;
    #[path = "../support/scripts.rs"]
    pub mod scripts;
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

/// Text of one script: runs of words of at least the given numbers of bytes, separated by the
/// given separators (by index, in turn).
fn script_text(words: &[&'static str], runs: &[usize], seps: &[usize], seed: u64) -> String {
    use support::scripts::{run_of, Rng, SEPARATORS};
    let mut rng = Rng(seed | 1);
    let mut text = String::new();
    for (k, &len) in runs.iter().enumerate() {
        text.push_str(&run_of(&mut rng, words, len));
        text.push_str(SEPARATORS[seps[k % seps.len()] % SEPARATORS.len()]);
    }
    text
}

fn check_counts(name: EncodingName, text: &str) -> Result<(), TestCaseError> {
    let want = oracle(name).encode_ordinary(text);
    prop_assert_eq!(
        &ours(name).encode_ordinary(text),
        &want,
        "{} tokens on {:?}",
        name.as_str(),
        text
    );
    // twice: the second count comes from the piece caches
    for _ in 0..2 {
        prop_assert_eq!(
            ours(name).count(text),
            want.len(),
            "{} count on {:?}",
            name.as_str(),
            text
        );
    }
    Ok(())
}

/// Issue 18: one piece of exactly `n` bytes around every threshold of the merge and the caches
/// (short-piece cache ≤ 24, long-piece cache ≤ 1,024, cut and heap merge from 16), in letters of
/// 1, 2, 3 and 4 bytes, counted fresh and again from the cache.
#[test]
fn pieces_around_the_thresholds_match() {
    let letters: [&[&str]; 5] = [
        &["a", "b", "q", "z", "e"],
        &["ж", "ы", "ф", "Ω", "λ"],
        &["ก", "ข", "ม", "ห", "ร"],
        &["漢", "鑫", "龘", "字", "の"],
        &["𠀀", "𝔸", "𐐷", "𠜎", "𡃁"],
    ];
    let mut rng = support::scripts::Rng(0x5eed);
    for set in letters {
        for n in [
            15, 16, 17, 23, 24, 25, 26, 95, 96, 97, 1020, 1023, 1024, 1025, 1030, 4000,
        ] {
            let mut p = String::new();
            while p.len() < n {
                p.push_str(set[rng.below(set.len())]);
            }
            for name in [EncodingName::Cl100kBase, EncodingName::O200kBase] {
                check_counts(name, &p).unwrap();
                check_counts(name, &format!("{p} {p}")).unwrap();
            }
        }
    }
}

/// Issue 18: several MB of distinct long pieces (more than the long-piece cache's ring holds),
/// each counted exactly, with a few pieces recurring so that some are found again after their
/// bytes in the ring were overwritten.
#[test]
fn distinct_long_pieces_beyond_the_ring_count_exactly() {
    use support::scripts::{run_of, Rng, SCRIPTS};
    let mut rng = Rng(0x1818_1818);
    let recurring: Vec<String> = (0..8)
        .map(|k| run_of(&mut rng, SCRIPTS[k % 3].1, 40 + 100 * k))
        .collect();
    for name in [EncodingName::O200kBase, EncodingName::Cl100kBase] {
        let (mut bytes, mut ours_n, mut want_n) = (0usize, 0usize, 0usize);
        let mut text = String::new();
        while bytes < 3_000_000 {
            text.clear();
            for _ in 0..50 {
                let words = SCRIPTS[rng.below(4)].1;
                let len = 25 + rng.below(1000);
                text.push_str(&run_of(&mut rng, words, len));
                text.push(' ');
            }
            text.push_str(&recurring[rng.below(recurring.len())]);
            text.push('\n');
            bytes += text.len();
            ours_n += ours(name).count(&text);
            want_n += oracle(name).encode_ordinary(&text).len();
            assert_eq!(ours_n, want_n, "{} after {bytes} bytes", name.as_str());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    /// Issue 18: text of one script, runs of words without spaces of 1 to 1,500 bytes.
    #[test]
    fn generated_script_text_matches(
        script in 0..support::scripts::SCRIPTS.len(),
        runs in proptest::collection::vec(1usize..1500, 1..12),
        seps in proptest::collection::vec(0usize..8, 1..4),
        seed in any::<u64>(),
    ) {
        let text = script_text(support::scripts::SCRIPTS[script].1, &runs, &seps, seed);
        for name in [EncodingName::Cl100kBase, EncodingName::O200kBase] {
            check_counts(name, &text)?;
        }
    }

    /// Issue 18: words of all these scripts mixed, with and without separators.
    #[test]
    fn generated_mixed_script_text_matches(
        parts in proptest::collection::vec(proptest::sample::select(support::scripts::all_words()), 0..300),
    ) {
        let text: String = parts.concat();
        for name in [EncodingName::Cl100kBase, EncodingName::O200kBase] {
            check_counts(name, &text)?;
        }
    }
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
