//! Writes `<dir>/<encoding>.bin` for every encoding, from the OpenAI rank files that the
//! tiktoken-rs crate carries. Run by `npm run build`: `cargo run --example make_ranks -- pkg/ranks`.

#[path = "../tests/support/ranks.rs"]
mod ranks;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "pkg/ranks".into());
    std::fs::create_dir_all(&dir).expect("create output dir");
    for name in contextwise::tokens::encoding::ALL_ENCODINGS {
        let file = ranks::rank_file_bytes(name.as_str());
        let path = format!("{dir}/{}.bin", name.as_str());
        std::fs::write(&path, &file).expect("write rank file");
        println!("{path}: {} bytes", file.len());
    }
}
