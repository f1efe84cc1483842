//! The hand-written pre-tokenizers against the regex patterns (fancy-regex, the oracle):
//! identical pieces on the corpus and on generated strings; any difference prints the input.

mod support {
    #[path = "../support/pool.rs"]
    pub mod pool;
    #[path = "../support/scripts.rs"]
    pub mod scripts;
}

use contextwise::tokens::encoding::EncodingName;
use contextwise::tokens::split::{cl100k_piece, class_bits, gpt2_piece, o200k_piece};
use proptest::prelude::*;

fn oracle(name: EncodingName, text: &str) -> Vec<String> {
    static RES: std::sync::OnceLock<Vec<(EncodingName, fancy_regex::Regex)>> =
        std::sync::OnceLock::new();
    let all = RES.get_or_init(|| {
        [
            EncodingName::Cl100kBase,
            EncodingName::O200kBase,
            EncodingName::R50kBase,
        ]
        .iter()
        .map(|n| (*n, fancy_regex::Regex::new(n.pattern()).unwrap()))
        .collect()
    });
    let re = &all
        .iter()
        .find(|(n, _)| {
            *n == name || (*n == EncodingName::R50kBase && name == EncodingName::P50kBase)
        })
        .unwrap()
        .1;
    re.find_iter(text)
        .map(|m| m.unwrap().as_str().to_string())
        .collect()
}

fn ours(name: EncodingName, text: &str) -> Vec<String> {
    let f = match name {
        EncodingName::Cl100kBase => cl100k_piece,
        EncodingName::O200kBase => o200k_piece,
        _ => gpt2_piece,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let e = f(text, i);
        assert!(e > i, "no progress at {i} in {text:?}");
        out.push(text[i..e].to_string());
        i = e;
    }
    out
}

fn check(name: EncodingName, text: &str) -> Result<(), String> {
    let (a, b) = (ours(name, text), oracle(name, text));
    if a != b {
        let k = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        return Err(format!(
            "{}: piece {k} differs: ours {:?} vs regex {:?} in {:?}",
            name.as_str(),
            a.get(k),
            b.get(k),
            text.chars().take(200).collect::<String>()
        ));
    }
    Ok(())
}

#[test]
fn corpus_pieces_match_the_regex() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            let text = std::fs::read_to_string(&p).unwrap();
            for name in [
                EncodingName::Cl100kBase,
                EncodingName::O200kBase,
                EncodingName::R50kBase,
            ] {
                for para in text.split("\n\n") {
                    if let Err(e) = check(name, para) {
                        panic!("{}: {e}", p.display());
                    }
                }
                check(name, &text).unwrap();
            }
        }
    }
}

/// Every code point's class bits (the generated two-level table) against the regex classes.
#[test]
fn class_table_matches_the_regex_classes_for_every_code_point() {
    let classes: Vec<fancy_regex::Regex> = [
        r"\p{L}",
        r"\p{N}",
        r"\s",
        r"[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]",
        r"[\p{Ll}\p{Lm}\p{Lo}\p{M}]",
    ]
    .iter()
    .map(|c| fancy_regex::Regex::new(&format!("^{c}$")).unwrap())
    .collect();
    let mut buf = [0u8; 4];
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        let s = c.encode_utf8(&mut buf);
        let want = classes.iter().enumerate().fold(0u8, |acc, (bit, re)| {
            acc | (u8::from(re.is_match(s).unwrap()) << bit)
        });
        assert_eq!(class_bits(c), want, "U+{:04X}", c as u32);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
    #[test]
    fn generated_strings_split_like_the_regex(parts in proptest::collection::vec(proptest::sample::select(support::pool::pool()), 0..40)) {
        let text: String = parts.concat();
        for name in [EncodingName::Cl100kBase, EncodingName::O200kBase, EncodingName::R50kBase] {
            if let Err(e) = check(name, &text) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]
    /// Issue 18: words of scripts without spaces between words, in 3-byte characters, emoji and
    /// mixed, with and without separators (long pieces, o200k's one-pass scan of `[U]*`).
    #[test]
    fn generated_script_text_splits_like_the_regex(
        parts in proptest::collection::vec(proptest::sample::select(support::scripts::all_words()), 0..200),
        seps in proptest::collection::vec((0usize..8, 0usize..8), 0..20),
    ) {
        let mut text: String = parts.concat();
        for (at, sep) in seps {
            let mut i = (text.len() * at / 8).min(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.insert_str(i, support::scripts::SEPARATORS[sep]);
        }
        for name in [EncodingName::Cl100kBase, EncodingName::O200kBase, EncodingName::R50kBase] {
            if let Err(e) = check(name, &text) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}
