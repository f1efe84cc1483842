//! Image token formulas and reading an image's pixel size from its header.
//!
//! - OpenAI tile models: `detail: low` costs the base; otherwise the image is scaled to fit
//!   2048×2048, then its shortest side to 768, and costs base + tile × (number of 512-px tiles).
//! - OpenAI patch models: 32-px patches, capped at 1536 (scaled down to fit), times a multiplier.
//! - Anthropic: scaled so the long edge is ≤ 1568 px and it is at most ~1,600 tokens (1.2 MP), then w·h / 750.
//!
//! When the size is unknown (a remote URL with no `width`/`height`), a 1024×1024 image is
//! assumed and the count is marked estimated.

use serde::{Deserialize, Serialize};

/// How a model prices images.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ImageFormula {
    /// OpenAI tiles: `base + tile × tiles`.
    Tile {
        /// Tokens for every image (and all of a `low` image).
        base: u32,
        /// Tokens per 512-px tile.
        tile: u32,
    },
    /// OpenAI patches: `min(patches, 1536) × multiplier`.
    Patch {
        /// Model multiplier.
        multiplier: f64,
    },
    /// Anthropic: `w × h / 750` after resizing.
    Anthropic,
}

/// Size assumed for images whose size cannot be read.
pub const ASSUMED_SIZE: (u32, u32) = (1024, 1024);

/// Tokens for one image under a formula.
pub fn image_tokens(
    formula: ImageFormula,
    size: (u32, u32),
    detail: crate::messages::Detail,
) -> u32 {
    let (w, h) = (size.0.max(1) as f64, size.1.max(1) as f64);
    match formula {
        ImageFormula::Tile { base, tile } => {
            if detail == crate::messages::Detail::Low {
                return base;
            }
            let (mut w, mut h) = (w, h);
            if w > 2048.0 || h > 2048.0 {
                let s = 2048.0 / w.max(h);
                w = (w * s).floor();
                h = (h * s).floor();
            }
            if w.min(h) > 768.0 {
                let s = 768.0 / w.min(h);
                w = (w * s).floor();
                h = (h * s).floor();
            }
            let tiles = (w / 512.0).ceil() * (h / 512.0).ceil();
            base + tile * tiles as u32
        }
        ImageFormula::Patch { multiplier } => {
            const CAP: f64 = 1536.0;
            let mut patches = (w / 32.0).ceil() * (h / 32.0).ceil();
            if patches > CAP {
                let r = (32.0 * 32.0 * CAP / (w * h)).sqrt();
                let (sw, sh) = (w * r / 32.0, h * r / 32.0);
                let r = r * (sw.floor() / sw).min(sh.floor() / sh);
                patches = ((w * r / 32.0 - 1e-9).ceil() * (h * r / 32.0 - 1e-9).ceil()).min(CAP);
            }
            (patches * multiplier).ceil() as u32
        }
        ImageFormula::Anthropic => {
            let (mut w, mut h) = (w, h);
            let long = w.max(h);
            if long > 1568.0 {
                let s = 1568.0 / long;
                w *= s;
                h *= s;
            }
            let max_area = 1600.0 * 750.0;
            if w * h > max_area {
                let s = (max_area / (w * h)).sqrt();
                w *= s;
                h *= s;
            }
            ((w.floor() * h.floor()) / 750.0).ceil() as u32
        }
    }
}

fn b64_value(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    } as u32)
}

/// Decodes up to `max` bytes of base64 (whitespace skipped, stops at padding or junk).
fn decode_b64_prefix(s: &str, max: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(max.min(s.len()));
    let (mut acc, mut bits) = (0u32, 0);
    for &c in s.as_bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let Some(v) = b64_value(c) else { break };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            if out.len() >= max {
                break;
            }
        }
    }
    out
}

/// The pixel size in an image header (PNG, GIF, JPEG, WebP).
pub fn header_size(b: &[u8]) -> Option<(u32, u32)> {
    let be16 = |i: usize| Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]) as u32);
    let le16 = |i: usize| Some(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?]) as u32);
    let be32 = |i: usize| {
        Some(u32::from_be_bytes([
            *b.get(i)?,
            *b.get(i + 1)?,
            *b.get(i + 2)?,
            *b.get(i + 3)?,
        ]))
    };
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(16)?, be32(20)?));
    }
    if b.starts_with(b"GIF8") {
        return Some((le16(6)?, le16(8)?));
    }
    if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        return match b.get(12..16)? {
            b"VP8 " => Some((le16(26)? & 0x3fff, le16(28)? & 0x3fff)),
            b"VP8L" => {
                let v = u32::from_le_bytes([*b.get(21)?, *b.get(22)?, *b.get(23)?, *b.get(24)?]);
                Some(((v & 0x3fff) + 1, ((v >> 14) & 0x3fff) + 1))
            }
            b"VP8X" => {
                let w = u32::from_le_bytes([*b.get(24)?, *b.get(25)?, *b.get(26)?, 0]) + 1;
                let h = u32::from_le_bytes([*b.get(27)?, *b.get(28)?, *b.get(29)?, 0]) + 1;
                Some((w, h))
            }
            _ => None,
        };
    }
    if b.starts_with(&[0xff, 0xd8]) {
        let mut i = 2;
        while i + 4 <= b.len() {
            if b[i] != 0xff {
                i += 1;
                continue;
            }
            let marker = b[i + 1];
            if marker == 0xff {
                i += 1;
                continue;
            }
            let len = be16(i + 2)? as usize;
            let is_sof = matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
            if is_sof {
                return Some((be16(i + 7)?, be16(i + 5)?));
            }
            i += 2 + len;
        }
    }
    None
}

/// The size of a base64-encoded image (Anthropic `source.data`).
pub fn base64_size(data: &str) -> Option<(u32, u32)> {
    // JPEG headers can sit behind large EXIF blocks, so decode generously.
    header_size(&decode_b64_prefix(data, 1 << 20))
}

/// The size of an image given as a `data:image/...;base64,` URL.
pub fn data_url_size(url: &str) -> Option<(u32, u32)> {
    let rest = url.strip_prefix("data:")?;
    let comma = rest.find(',')?;
    if !rest[..comma].ends_with(";base64") {
        return None;
    }
    base64_size(&rest[comma + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Detail;

    const GPT4O: ImageFormula = ImageFormula::Tile {
        base: 85,
        tile: 170,
    };

    #[test]
    fn openai_documented_examples() {
        // OpenAI's vision guide: 1024×1024 high = 765; 2048×4096 high = 1105; low = 85.
        assert_eq!(image_tokens(GPT4O, (1024, 1024), Detail::High), 765);
        assert_eq!(image_tokens(GPT4O, (2048, 4096), Detail::High), 1105);
        assert_eq!(image_tokens(GPT4O, (4096, 8192), Detail::Low), 85);
        // Patch examples from the same guide: 1024×1024 → 1024 patches; 1800×2400 → 1452.
        assert_eq!(
            image_tokens(
                ImageFormula::Patch { multiplier: 1.0 },
                (1024, 1024),
                Detail::Auto
            ),
            1024
        );
        assert_eq!(
            image_tokens(
                ImageFormula::Patch { multiplier: 1.0 },
                (1800, 2400),
                Detail::Auto
            ),
            1452
        );
    }

    #[test]
    fn anthropic_formula() {
        // Anthropic's table: 1092×1092 ≈ 1590 tokens; 200×200 ≈ 54.
        assert_eq!(
            image_tokens(ImageFormula::Anthropic, (1092, 1092), Detail::Auto),
            1590
        );
        assert_eq!(
            image_tokens(ImageFormula::Anthropic, (200, 200), Detail::Auto),
            54
        );
    }

    #[test]
    fn reads_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        assert_eq!(header_size(&png), Some((640, 480)));
        let gif = b"GIF89a\x20\x03\x58\x02";
        assert_eq!(header_size(gif), Some((800, 600)));
        // 1×1 PNG as a data URL
        let url = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
        assert_eq!(data_url_size(url), Some((1, 1)));
        assert_eq!(data_url_size("https://example.com/a.png"), None);
    }
}
