//! wasm32 only: the adapters to the JS world (fetch via gloo-net; later IndexedDB).

pub mod fetch;
