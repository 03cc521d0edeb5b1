//! Thin seams over the RustCrypto primitives sealkit uses.

pub mod aead;
pub mod content_key;
#[cfg(feature = "host-crypto")]
pub mod host;
pub mod kdf;
pub mod random;
pub mod rsa;
pub mod signature;
