//! The rank files round-trip: for every encoding, the vocabulary read back from the file that
//! `examples/make_ranks.rs` writes is tiktoken-rs's, rank for rank.

mod support {
    #[path = "../support/ranks.rs"]
    pub mod ranks;
}

use contextwise::tokens::encoding::{Encoding, EncodingName, ALL_ENCODINGS};
use contextwise::tokens::rankfile::read_rank_file;

#[test]
fn every_encoding_reads_back_as_tiktoken_rs_has_it() {
    for name in ALL_ENCODINGS {
        let name = name.as_str();
        let expected = support::ranks::tiktoken_tokens(name);
        let file = support::ranks::rank_file_bytes(name);
        let data = read_rank_file(name, &file).expect("reads");
        assert_eq!(data.slots(), expected.len(), "{name}: slots");
        // and loads as the encoding (which checks the slot count)
        Encoding::from_rank_file(EncodingName::parse(name).unwrap(), &file).expect("loads");
        for (r, t) in expected.iter().enumerate() {
            assert_eq!(data.token(r as u32), t.as_deref(), "{name}: rank {r}");
        }
        // the adjacent-pair set is exactly the byte pairs inside tokens
        let mut pairs = vec![0u64; 1024];
        for t in expected.iter().flatten() {
            for p in t.windows(2) {
                let i = (p[0] as usize) << 8 | p[1] as usize;
                pairs[i >> 6] |= 1 << (i & 63);
            }
        }
        assert_eq!(data.adjacent_pairs(), &pairs[..], "{name}: adjacent pairs");
        println!("{name}: {} ranks in {} bytes", data.slots(), file.len());
    }
}
