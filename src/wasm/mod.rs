//! wasm-bindgen bindings: JS <-> Rust conversion only, no logic.
//!
//! The hand-written JS layer (`js/api.mjs`) validates argument types and turns the errors
//! thrown here (a JS `Error` with a `code` property = [`Error::code`]) into `SealkitError`s.
//! Every export returns `Result`; nothing here can panic.
//!
//! The core's futures are driven to completion synchronously: the keyrings available in the
//! package (raw AES, raw RSA, multi) never wait, so one poll completes them. A future that
//! would wait is reported as an error rather than blocking.
//!
//! In Node the entries install node:crypto as the host AES-GCM for message frames
//! (`setHostAead`, see `host.rs` and `crypto::aead::HostAead`) and as the host ECDSA for message
//! signatures (`setHostSignatures`, see `host_ecdsa.rs`): identical formats, much faster.

// The core's keyring/CMM seam is `Arc<dyn …>` whose trait objects are deliberately not
// `Send`/`Sync` on wasm (single-threaded JS values; see `future::MaybeSend`).
#![allow(clippy::arc_with_non_send_sync)]

#[cfg(not(feature = "wasm-lite"))]
mod async_client;
#[cfg(not(feature = "wasm-lite"))]
mod caching;
mod convert;
#[cfg(any(not(feature = "wasm-lite"), feature = "wasm-kms"))]
mod fetch;
#[cfg(not(feature = "wasm-lite"))]
mod hierarchical;
#[cfg(any(not(feature = "wasm-lite"), feature = "wasm-items"))]
mod hierarchical_static;
#[cfg(not(feature = "host-crypto"))]
mod host;
#[cfg(feature = "host-crypto")]
mod host_crypto;
mod host_ecdsa;
#[cfg(not(feature = "wasm-lite"))]
mod host_rsa;
#[cfg(any(not(feature = "wasm-lite"), feature = "wasm-items"))]
mod item;
mod keyring;
#[cfg(feature = "wasm-kms")]
mod keyring_ops;
#[cfg(any(not(feature = "wasm-lite"), feature = "wasm-kms"))]
mod kms;
#[cfg(not(feature = "wasm-lite"))]
mod local_kms;
#[cfg(feature = "wasm-lite")]
mod machine;
mod session;
#[cfg(not(feature = "wasm-lite"))]
mod streams;

#[cfg(not(feature = "host-crypto"))]
pub use host::set_host;
#[cfg(feature = "host-crypto")]
pub use host_crypto::set_host as set_host_crypto;
pub use host_ecdsa::set_host as set_host_signatures;
pub use keyring::{WasmKeyring, WasmMultiBuilder};
#[cfg(feature = "wasm-lite")]
pub use machine::{decrypt_machine, encrypt_machine, WasmDecryptMachine, WasmEncryptMachine};
pub use session::WasmClient;
#[cfg(not(feature = "wasm-lite"))]
pub use streams::{WasmDecryptor, WasmEncryptor};
// The small modules' messages run on the machines driven from JS. KMS providers and keyrings:
// in the full module and in wasm-kms (no embedded local KMS there). Items: in the full module and
// in wasm-items (WebCrypto signatures).
#[cfg(not(feature = "wasm-lite"))]
pub use async_client::{decrypt_async, encrypt_async};
#[cfg(not(feature = "wasm-lite"))]
pub use caching::{caching_materials_manager, WasmMaterialsCache};
#[cfg(not(feature = "wasm-lite"))]
pub use hierarchical::WasmKmsBranchKeyStore;
#[cfg(any(not(feature = "wasm-lite"), feature = "wasm-items"))]
pub use item::WasmItemEncryptor;
#[cfg(any(not(feature = "wasm-lite"), feature = "wasm-kms"))]
pub use kms::WasmKmsProvider;
#[cfg(not(feature = "wasm-lite"))]
pub use local_kms::WasmLocalKms;
