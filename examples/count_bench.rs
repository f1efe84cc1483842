//! Native tokenizer timing for tuning (not the published benchmark, which is `npm run bench`).
//! `cargo run --release --example count_bench -- <encoding> <file> [chars] [reps]`; run it under
//! `valgrind --tool=callgrind` for instruction counts that do not drift with machine load.
use contextwise::tokens::encoding::{Encoding, EncodingName};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = EncodingName::parse(args.get(1).map_or("cl100k_base", |s| s)).unwrap();
    let file = args
        .get(2)
        .map_or("tests/fixtures/corpus/multilingual.txt", |s| s);
    let chars: usize = args.get(3).map_or(300_000, |s| s.parse().unwrap());
    let reps: usize = args.get(4).map_or(5, |s| s.parse().unwrap());
    let ranks = std::fs::read(format!("pkg/ranks/{}.bin", name.as_str())).unwrap();
    let enc = Encoding::from_rank_file(name, &ranks).unwrap();
    let text: String = std::fs::read_to_string(file)
        .unwrap()
        .chars()
        .take(chars)
        .collect();
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..reps {
        n = run(&enc, &text);
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{} tokens, {:.1} MB/s",
        n,
        (text.len() * reps) as f64 / s / 1e6
    );
}

/// Kept out of line so `valgrind --tool=callgrind --toggle-collect='*count_bench::run*'` measures
/// counting alone.
#[inline(never)]
fn run(enc: &Encoding, text: &str) -> usize {
    enc.count(text)
}
