//! One tiktoken encoding: its split pattern, special tokens and rank table.

use super::rankfile::read_rank_file;
use super::vocab::{Rank, Vocab};
use crate::error::{Error, ErrorCode, Result};

/// The encodings contextwise knows, by their tiktoken names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EncodingName {
    /// GPT-4, GPT-3.5-turbo, text-embedding-3.
    Cl100kBase,
    /// GPT-4o, GPT-4.1, o-series, GPT-5.
    O200kBase,
    /// Codex and text-davinci-002/003.
    P50kBase,
    /// GPT-3 (davinci …).
    R50kBase,
}

/// Every known encoding, in a stable order.
pub const ALL_ENCODINGS: [EncodingName; 4] = [
    EncodingName::Cl100kBase,
    EncodingName::O200kBase,
    EncodingName::P50kBase,
    EncodingName::R50kBase,
];

const CL100K_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const O200K_PATTERN: &str = concat!(
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
);
const GPT2_PATTERN: &str =
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

impl EncodingName {
    /// Parses a tiktoken encoding name.
    pub fn parse(name: &str) -> Result<EncodingName> {
        match name {
            "cl100k_base" => Ok(EncodingName::Cl100kBase),
            "o200k_base" => Ok(EncodingName::O200kBase),
            "p50k_base" => Ok(EncodingName::P50kBase),
            "r50k_base" | "gpt2" => Ok(EncodingName::R50kBase),
            _ => Err(Error::new(
                ErrorCode::UnknownEncoding,
                format!(
                    "unknown encoding '{name}'; use one of cl100k_base, o200k_base, p50k_base, r50k_base"
                ),
            )),
        }
    }

    /// The tiktoken name.
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingName::Cl100kBase => "cl100k_base",
            EncodingName::O200kBase => "o200k_base",
            EncodingName::P50kBase => "p50k_base",
            EncodingName::R50kBase => "r50k_base",
        }
    }

    /// The split pattern (the regex form, kept as the test oracle).
    pub fn pattern(self) -> &'static str {
        match self {
            EncodingName::Cl100kBase => CL100K_PATTERN,
            EncodingName::O200kBase => O200K_PATTERN,
            EncodingName::P50kBase | EncodingName::R50kBase => GPT2_PATTERN,
        }
    }

    /// The special tokens of this encoding, as tiktoken defines them.
    pub fn special_tokens(self) -> &'static [(&'static str, Rank)] {
        match self {
            EncodingName::Cl100kBase => &[
                ("<|endoftext|>", 100257),
                ("<|fim_prefix|>", 100258),
                ("<|fim_middle|>", 100259),
                ("<|fim_suffix|>", 100260),
                ("<|endofprompt|>", 100276),
            ],
            EncodingName::O200kBase => &[("<|endoftext|>", 199999), ("<|endofprompt|>", 200018)],
            EncodingName::P50kBase | EncodingName::R50kBase => &[("<|endoftext|>", 50256)],
        }
    }

    /// Expected number of rank slots, to reject a rank file of another encoding.
    fn expected_slots(self) -> usize {
        match self {
            EncodingName::Cl100kBase => 100_256,
            EncodingName::O200kBase => 199_998,
            EncodingName::P50kBase => 50_281,
            EncodingName::R50kBase => 50_256,
        }
    }
}

/// Which special-token strings in the text are encoded as special tokens.
#[derive(Debug, Clone, Default)]
pub enum AllowedSpecial {
    /// None: every special-token string is plain text (the default).
    #[default]
    None,
    /// All of the encoding's special tokens.
    All,
    /// Only these.
    Some(Vec<String>),
}

/// A loaded encoding.
#[derive(Debug)]
pub struct Encoding {
    name: EncodingName,
    split: fn(&str, usize) -> usize,
    vocab: Vocab,
}

impl Encoding {
    /// Builds an encoding from the bytes of its rank file (`pkg/ranks/<name>.bin`).
    pub fn from_rank_file(name: EncodingName, bytes: &[u8]) -> Result<Encoding> {
        let data = read_rank_file(name.as_str(), bytes)?;
        if data.slots() != name.expected_slots() {
            return Err(Error::new(
                ErrorCode::InvalidRanks,
                format!(
                    "rank data has {} ranks but {} has {}; pass the file pkg/ranks/{}.bin",
                    data.slots(),
                    name.as_str(),
                    name.expected_slots(),
                    name.as_str()
                ),
            ));
        }
        let split: fn(&str, usize) -> usize = match name {
            EncodingName::Cl100kBase => super::split::cl100k_piece,
            EncodingName::O200kBase => super::split::o200k_piece,
            EncodingName::P50kBase | EncodingName::R50kBase => super::split::gpt2_piece,
        };
        Ok(Encoding {
            name,
            split,
            vocab: Vocab::new(data),
        })
    }

    /// The encoding's name.
    pub fn name(&self) -> EncodingName {
        self.name
    }

    /// Calls `f` for each pre-tokenized piece of `text`; stops early when `f` returns false.
    fn for_each_piece(&self, text: &str, mut f: impl FnMut(&str) -> bool) {
        let mut start = 0;
        while start < text.len() {
            let end = (self.split)(text, start).max(start + 1);
            // a split never ends inside a character; guard anyway so slicing cannot panic
            let end = (end..=text.len())
                .find(|&e| text.is_char_boundary(e))
                .unwrap_or(text.len());
            if !f(&text[start..end]) {
                return;
            }
            start = end;
        }
    }

    /// Number of tokens in `text`, with special-token strings counted as plain text.
    pub fn count(&self, text: &str) -> usize {
        let mut n = 0;
        self.for_each_piece(text, |p| {
            n += self.vocab.count_piece(p.as_bytes());
            true
        });
        n
    }

    /// `Some(count)` when `text` has at most `limit` tokens, else `None`; stops counting as soon
    /// as the limit is passed.
    pub fn count_within(&self, text: &str, limit: usize) -> Option<usize> {
        let mut n = 0;
        let mut within = true;
        self.for_each_piece(text, |p| {
            n += self.vocab.count_piece(p.as_bytes());
            within = n <= limit;
            within
        });
        within.then_some(n)
    }

    /// Encodes `text` with special-token strings as plain text.
    pub fn encode_ordinary(&self, text: &str) -> Vec<Rank> {
        let mut out = Vec::with_capacity(text.len() / 3);
        self.encode_ordinary_into(text, &mut out);
        out
    }

    fn encode_ordinary_into(&self, text: &str, out: &mut Vec<Rank>) {
        self.for_each_piece(text, |p| {
            self.vocab.encode_piece(p.as_bytes(), out);
            true
        });
    }

    /// Encodes `text`, turning the allowed special-token strings into their special tokens.
    pub fn encode(&self, text: &str, allowed: &AllowedSpecial) -> Result<Vec<Rank>> {
        let specials: Vec<(&str, Rank)> = match allowed {
            AllowedSpecial::None => return Ok(self.encode_ordinary(text)),
            AllowedSpecial::All => self.name.special_tokens().to_vec(),
            AllowedSpecial::Some(names) => {
                let mut v = Vec::new();
                for n in names {
                    let found = self.name.special_tokens().iter().find(|(s, _)| s == n);
                    match found {
                        Some(&pair) => v.push(pair),
                        None => {
                            return Err(Error::invalid_argument(format!(
                                "allowedSpecial names '{n}', which is not a special token of {}; \
                                 its special tokens are {}",
                                self.name.as_str(),
                                self.name
                                    .special_tokens()
                                    .iter()
                                    .map(|s| s.0)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )))
                        }
                    }
                }
                v
            }
        };
        let mut out = Vec::with_capacity(text.len() / 3);
        let mut rest = text;
        loop {
            let next = specials
                .iter()
                .filter_map(|&(s, r)| rest.find(s).map(|i| (i, s.len(), r)))
                .min_by_key(|&(i, len, _)| (i, std::cmp::Reverse(len)));
            match next {
                Some((i, len, rank)) => {
                    self.encode_ordinary_into(&rest[..i], &mut out);
                    out.push(rank);
                    rest = &rest[i + len..];
                }
                None => {
                    self.encode_ordinary_into(rest, &mut out);
                    return Ok(out);
                }
            }
        }
    }

    /// The bytes of a token sequence; special tokens decode to their strings.
    pub fn decode_bytes(&self, tokens: &[Rank]) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(tokens.len() * 4);
        for &t in tokens {
            if let Some(b) = self.vocab.token(t) {
                out.extend_from_slice(b);
            } else if let Some((s, _)) = self.name.special_tokens().iter().find(|(_, r)| *r == t) {
                out.extend_from_slice(s.as_bytes());
            } else {
                return Err(Error::new(
                    ErrorCode::InvalidToken,
                    format!(
                        "token id {t} is not in {}; decode only ids this encoding produced",
                        self.name.as_str()
                    ),
                ));
            }
        }
        Ok(out)
    }

    /// Decodes to a string; bytes that are not valid UTF-8 (a token sequence cut inside a
    /// character) become U+FFFD, as tiktoken's JS `TextDecoder` does.
    pub fn decode(&self, tokens: &[Rank]) -> Result<String> {
        Ok(String::from_utf8_lossy(&self.decode_bytes(tokens)?).into_owned())
    }
}
