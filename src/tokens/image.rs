//! Image token formulas (reading an image's size from its header is `crate::image_size`).
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
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
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
}
