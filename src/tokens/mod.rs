//! Token counting: rank files, encodings, text and chat counting, the count cache.

pub mod cache;
pub mod chat;
pub mod encoding;
pub mod image;
pub mod rankfile;
mod rankwrite;
pub mod split;
#[rustfmt::skip]
pub mod unicode_tables;
pub mod vocab;

use crate::error::{Error, ErrorCode, Result};
use encoding::{Encoding, EncodingName};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Reads an encoding's rank-file bytes synchronously (Node: the package's own file), or `None`.
pub type RankLoader = Rc<dyn Fn(EncodingName) -> Option<Vec<u8>>>;

/// The set of loaded encodings. With a [`RankLoader`] (set where rank files can be read
/// synchronously), an encoding that is not loaded yet is loaded on first use.
/// Loaded encodings are immutable; one set is shared (`Rc`) by every engine of a process.
#[derive(Default)]
pub struct Encodings {
    loaded: RefCell<BTreeMap<EncodingName, Rc<Encoding>>>,
    loader: RefCell<Option<RankLoader>>,
}

impl std::fmt::Debug for Encodings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encodings")
            .field("loaded", &self.loaded())
            .field("loader", &self.loader.borrow().is_some())
            .finish()
    }
}

impl Encodings {
    /// Loads (or reloads) an encoding from its rank-file bytes.
    pub fn load(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let name = EncodingName::parse(name)?;
        let enc = Encoding::from_rank_file(name, bytes)?;
        self.loaded.borrow_mut().insert(name, Rc::new(enc));
        Ok(())
    }

    /// Sets how encodings load on first use.
    pub fn set_loader(&self, loader: Option<RankLoader>) {
        *self.loader.borrow_mut() = loader;
    }

    /// True when the encoding is loaded.
    pub fn is_loaded(&self, name: EncodingName) -> bool {
        self.loaded.borrow().contains_key(&name)
    }

    /// Names of the loaded encodings.
    pub fn loaded(&self) -> Vec<&'static str> {
        self.loaded.borrow().keys().map(|n| n.as_str()).collect()
    }

    /// A loaded encoding; loaded now through the loader if there is one; else
    /// `ENCODING_NOT_LOADED` naming the call to make.
    pub fn get(&self, name: EncodingName) -> Result<Rc<Encoding>> {
        if let Some(enc) = self.loaded.borrow().get(&name) {
            return Ok(enc.clone());
        }
        let loader = self.loader.borrow().clone();
        let Some(bytes) = loader.and_then(|l| l(name)) else {
            return Err(Error::new(
                ErrorCode::EncodingNotLoaded,
                format!(
                    "encoding '{0}' is not loaded; in browsers and workers call `await loadEncoding('{0}')` once before counting (Node loads it by itself)",
                    name.as_str()
                ),
            ));
        };
        let enc = Rc::new(Encoding::from_rank_file(name, &bytes)?);
        self.loaded.borrow_mut().insert(name, enc.clone());
        Ok(enc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loader_loads_on_first_use_once() {
        let e = Encodings::default();
        assert_eq!(
            e.get(EncodingName::R50kBase).unwrap_err().code,
            ErrorCode::EncodingNotLoaded
        );
        let calls = Rc::new(std::cell::Cell::new(0));
        let c = calls.clone();
        e.set_loader(Some(Rc::new(move |name| {
            c.set(c.get() + 1);
            (name == EncodingName::R50kBase).then(|| vec![1, 2, 3])
        })));
        // bytes that are not a rank file are reported, not ignored
        assert_eq!(
            e.get(EncodingName::R50kBase).unwrap_err().code,
            ErrorCode::InvalidRanks
        );
        // a loader that has nothing says what to do
        assert_eq!(
            e.get(EncodingName::Cl100kBase).unwrap_err().code,
            ErrorCode::EncodingNotLoaded
        );
        assert_eq!(calls.get(), 2);
    }
}
