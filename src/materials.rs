//! Encryption and decryption materials and encrypted data keys.

use zeroize::Zeroizing;

use crate::context::EncryptionContext;
use crate::crypto::signature::{SigningKey, VerifyingKey};
use crate::suite::AlgorithmSuite;

/// A data key encrypted by one keyring (one entry of the header's EDK list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedDataKey {
    /// Key provider id (a raw keyring's namespace, or `aws-kms`).
    pub provider_id: String,
    /// Provider-specific key info (raw AES: key name ‖ tag bits ‖ IV length ‖ IV).
    pub provider_info: Vec<u8>,
    /// The wrapped data key.
    pub ciphertext: Vec<u8>,
}

/// A plaintext data key; zeroized on drop, never printed.
#[derive(Clone)]
pub struct DataKey(Zeroizing<Vec<u8>>);

impl DataKey {
    /// Wraps key bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        DataKey(Zeroizing::new(bytes))
    }
    /// Takes over key bytes that are already zeroized on drop.
    pub fn from_zeroizing(bytes: Zeroizing<Vec<u8>>) -> Self {
        DataKey(bytes)
    }
    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl core::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "DataKey(<{} bytes redacted>)", self.0.len())
    }
}

/// What keyrings fill in on encrypt.
#[derive(Debug)]
pub struct EncryptionMaterials {
    /// The algorithm suite of the message.
    pub suite: AlgorithmSuite,
    /// The full encryption context (stored pairs, required pairs, and `aws-crypto-public-key`).
    pub encryption_context: EncryptionContext,
    /// Keys of `encryption_context` that are authenticated but not stored in the header.
    pub required_context_keys: crate::context::ContextKeys,
    /// The plaintext data key, set by the generator keyring.
    pub data_key: Option<DataKey>,
    /// Every wrapped copy of the data key.
    pub encrypted_data_keys: Vec<EncryptedDataKey>,
    /// Signing key for signing suites.
    pub signing_key: Option<SigningKey>,
}

impl EncryptionMaterials {
    /// The data key, generating a random one of the suite's length first if none is set
    /// (what every generating keyring does before wrapping).
    pub fn data_key_or_generate(&mut self) -> crate::Result<DataKey> {
        if let Some(k) = &self.data_key {
            return Ok(k.clone());
        }
        let k = DataKey::new(crate::crypto::random::bytes(self.suite.key_len())?);
        self.data_key = Some(k.clone());
        Ok(k)
    }
}

/// What keyrings fill in on decrypt.
#[derive(Clone, Debug)]
pub struct DecryptionMaterials {
    /// The algorithm suite of the message.
    pub suite: AlgorithmSuite,
    /// The stored context plus reproduced pairs that were not stored.
    pub encryption_context: EncryptionContext,
    /// Keys that are authenticated but were not stored in the header.
    pub required_context_keys: crate::context::ContextKeys,
    /// The unwrapped data key, set by the first keyring that succeeds.
    pub data_key: Option<DataKey>,
    /// Verification key for signing suites.
    pub verifying_key: Option<VerifyingKey>,
}
