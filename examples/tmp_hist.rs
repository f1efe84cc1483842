use contextwise::tokens::split::{cl100k_piece, o200k_piece};
fn main() {
    for f in ["multilingual", "prose", "code"] {
        let text: String = std::fs::read_to_string(format!("tests/fixtures/corpus/{f}.txt"))
            .unwrap()
            .chars()
            .take(300_000)
            .collect();
        for (name, sp) in [
            ("cl", cl100k_piece as fn(&str, usize) -> usize),
            ("o2", o200k_piece),
        ] {
            let mut i = 0;
            let mut set = std::collections::HashSet::new();
            let mut n = 0;
            while i < text.len() {
                let e = sp(&text, i);
                if e - i > 2 && e - i <= 24 {
                    set.insert(&text[i..e]);
                    n += 1;
                }
                i = e;
            }
            println!("{f} {name}: pieces 3-24 {n}, distinct {}", set.len());
        }
    }
}
