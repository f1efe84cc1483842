//! Native tokenizer timing for tuning (not the published benchmark, which is `npm run bench`).
//! `cargo run --release --example count_bench -- <encoding> <file> [chars] [reps]`; run it under
//! `valgrind --tool=callgrind --toggle-collect='*count_bench::first*' --toggle-collect='*count_bench::warm*'`
//! for instruction counts that do not drift with machine load: `first` is the first pass over the
//! text (never-seen pieces), `warm` the `reps - 1` passes after it (`callgrind_annotate
//! --inclusive=yes` gives each).
use contextwise::tokens::encoding::{Encoding, EncodingName};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = EncodingName::parse(args.get(1).map_or("cl100k_base", |s| s)).unwrap();
    let file = args
        .get(2)
        .map_or("tests/fixtures/corpus/multilingual.txt", |s| s);
    let chars: usize = args.get(3).map_or(300_000, |s| s.parse().unwrap());
    let reps: usize = args.get(4).map_or(5, |s| s.parse().unwrap()).max(2);
    let ranks = std::fs::read(format!("pkg/ranks/{}.bin", name.as_str())).unwrap();
    let enc = Encoding::from_rank_file(name, &ranks).unwrap();
    let text: String = std::fs::read_to_string(file)
        .unwrap()
        .chars()
        .take(chars)
        .collect();
    let t = Instant::now();
    let n = first(&enc, &text);
    let s1 = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for _ in 1..reps {
        assert_eq!(warm(&enc, &text), n);
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{} bytes, {} tokens, first pass {:.1} MB/s, warm {:.1} MB/s",
        text.len(),
        n,
        text.len() as f64 / s1 / 1e6,
        (text.len() * (reps - 1)) as f64 / s / 1e6
    );
}

/// The first pass. Kept out of line so callgrind can count it alone (the `black_box` keeps the
/// compiler from folding it into `warm`).
#[inline(never)]
fn first(enc: &Encoding, text: &str) -> usize {
    enc.count(std::hint::black_box(text))
}

/// A pass over text counted before. Kept out of line so callgrind can count it alone.
#[inline(never)]
fn warm(enc: &Encoding, text: &str) -> usize {
    enc.count(text) + std::hint::black_box(0)
}
