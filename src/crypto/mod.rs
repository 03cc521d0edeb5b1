//! Thin seams over the RustCrypto primitives sealkit uses.

pub mod aead;
#[cfg(not(feature = "host-crypto"))]
pub mod builtin;
pub mod content_key;
pub mod digest;
#[cfg(feature = "host-crypto")]
pub mod host;
#[cfg(feature = "host-crypto")]
pub mod host_provider;
pub mod kdf;
pub mod oaep_public;
pub mod provider;
pub mod random;
pub mod rsa;
pub mod rsa_spki;
pub mod signature;
