//! Thin seams over the RustCrypto primitives sealkit uses.

pub mod aead;
pub mod content_key;
pub mod digest;
#[cfg(feature = "host-crypto")]
pub mod host;
pub mod kdf;
pub mod oaep_public;
pub mod random;
pub mod rsa;
pub mod rsa_spki;
pub mod signature;
