//! wasm32 only: the adapters to the JS world (fetch via gloo-net; the JS store adapter).

pub mod fetch;
pub mod store;
