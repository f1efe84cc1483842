// Rebuilds contextwise's rank files from the OpenAI rank data that the tiktoken-rs crate
// carries. Shared by examples/make_ranks.rs (which writes pkg/ranks/) and the host tests.

/// The rank file bytes of an encoding (written once per process: writing o200k_base takes
/// most of a second).
pub fn rank_file_bytes(name: &str) -> Vec<u8> {
    use std::sync::OnceLock;
    static FILES: [OnceLock<Vec<u8>>; 4] = [const { OnceLock::new() }; 4];
    let i = ["cl100k_base", "o200k_base", "p50k_base", "r50k_base"]
        .iter()
        .position(|n| *n == name)
        .unwrap_or_else(|| panic!("unknown encoding {name}"));
    FILES[i].get_or_init(|| write_rank_file(name)).clone()
}

/// Every rank's token as tiktoken-rs has it (`None` for a special token's rank or a gap), up to
/// the last token.
#[allow(dead_code)]
pub fn tiktoken_tokens(name: &str) -> Vec<Option<Vec<u8>>> {
    let bpe = match name {
        "cl100k_base" => tiktoken_rs::cl100k_base(),
        "o200k_base" => tiktoken_rs::o200k_base(),
        "p50k_base" => tiktoken_rs::p50k_base(),
        "r50k_base" => tiktoken_rs::r50k_base(),
        _ => panic!("unknown encoding {name}"),
    }
    .expect("tiktoken-rs encoding");
    let specials: std::collections::HashSet<u32> =
        contextwise::tokens::encoding::EncodingName::parse(name)
            .expect("known encoding")
            .special_tokens()
            .iter()
            .map(|s| s.1)
            .collect();
    let mut tokens: Vec<Option<Vec<u8>>> = Vec::new();
    let (mut r, mut misses) = (0u32, 0);
    // Ranks are dense except for a few holes; stop after a long run of missing ranks.
    while misses < 64 {
        let t = if specials.contains(&r) {
            None
        } else {
            bpe.decode_bytes(&[r]).ok()
        };
        misses = if t.is_some() { 0 } else { misses + 1 };
        tokens.push(t);
        r += 1;
    }
    while tokens.last().is_some_and(|t| t.is_none()) {
        tokens.pop();
    }
    tokens
}

fn write_rank_file(name: &str) -> Vec<u8> {
    let tokens = tiktoken_tokens(name);
    let refs: Vec<Option<&[u8]>> = tokens.iter().map(|t| t.as_deref()).collect();
    contextwise::tokens::rankfile::write_rank_file(&refs)
}

/// An engine with cl100k_base loaded (for host tests).
#[allow(dead_code)]
pub fn engine_with_cl100k() -> contextwise::Engine {
    let e = contextwise::Engine::new();
    e.encodings()
        .load("cl100k_base", &rank_file_bytes("cl100k_base"))
        .expect("cl100k_base loads");
    e
}
