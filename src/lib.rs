//! contextwise: a client-side context manager for LLM chat apps.
//!
//! Everything that decides — token counting, risk, the model registry — is pure Rust in the
//! modules below and tests on the host; `bindings/` (wasm32 only) exposes it to JavaScript.

#![deny(missing_docs)]

pub mod condense;
pub mod engine;
pub mod error;
pub mod image_size;
pub mod instance;
pub mod manager;
pub mod messages;
pub mod models;
pub mod providers;
pub mod risk;
pub mod route;
pub mod store;
pub mod tokens;

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod bindings;
#[cfg(all(target_arch = "wasm32", feature = "full"))]
pub mod platform;

pub use error::{Error, ErrorCode, Result};
pub use instance::Engine;
