//! Token counting: rank files, encodings, text and chat counting, the count cache.

pub mod cache;
pub mod chat;
pub mod encoding;
pub mod image;
pub mod rankfile;
pub mod split;
#[rustfmt::skip]
pub mod unicode_tables;
pub mod vocab;

use crate::error::{Error, ErrorCode, Result};
use encoding::{Encoding, EncodingName};
use std::collections::BTreeMap;
use std::rc::Rc;

/// The set of loaded encodings.
#[derive(Debug, Default)]
pub struct Encodings {
    loaded: BTreeMap<EncodingName, Rc<Encoding>>,
}

impl Encodings {
    /// Loads (or reloads) an encoding from its rank-file bytes.
    pub fn load(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let name = EncodingName::parse(name)?;
        let enc = Encoding::from_rank_file(name, bytes)?;
        self.loaded.insert(name, Rc::new(enc));
        Ok(())
    }

    /// True when the encoding is loaded.
    pub fn is_loaded(&self, name: EncodingName) -> bool {
        self.loaded.contains_key(&name)
    }

    /// Names of the loaded encodings.
    pub fn loaded(&self) -> Vec<&'static str> {
        self.loaded.keys().map(|n| n.as_str()).collect()
    }

    /// A loaded encoding, or `ENCODING_NOT_LOADED` naming the call to make.
    pub fn get(&self, name: EncodingName) -> Result<Rc<Encoding>> {
        self.loaded.get(&name).cloned().ok_or_else(|| {
            Error::new(
                ErrorCode::EncodingNotLoaded,
                format!(
                    "encoding '{0}' is not loaded; call `await loadEncoding('{0}')` once before counting",
                    name.as_str()
                ),
            )
        })
    }
}
