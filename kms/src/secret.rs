//! A byte container for key material: zeroized on drop, redacted in `Debug`, base64 in serde.

use core::fmt;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

/// Secret bytes (key material, plaintexts). `Debug` shows only the length.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps bytes.
    pub fn new(v: Vec<u8>) -> Self {
        SecretBytes(Zeroizing::new(v))
    }
    /// The bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<{} bytes>)", self.0.len())
    }
}

impl Serialize for SecretBytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::b64::secret::serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for SecretBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::b64::secret::deserialize(d).map(SecretBytes)
    }
}

/// `n` bytes from the OS (or `crypto.getRandomValues` on wasm).
pub(crate) fn random_bytes(n: usize) -> Result<Vec<u8>, crate::KmsError> {
    let mut v = vec![0u8; n];
    getrandom::getrandom(&mut v).map_err(|e| {
        crate::KmsError::new(
            crate::error::names::INTERNAL,
            format!("random source failed: {e}"),
        )
    })?;
    Ok(v)
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}
