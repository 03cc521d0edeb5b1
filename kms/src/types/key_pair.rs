//! `GenerateDataKeyPair`, `GenerateDataKeyPairWithoutPlaintext` and `GenerateRandom`.

use super::{redacted, EncryptionContext, KeySpec};
use crate::b64;
use core::fmt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// `GenerateDataKeyPair` / `GenerateDataKeyPairWithoutPlaintext` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GenerateDataKeyPairRequest {
    /// The symmetric encryption key that encrypts the private key.
    pub key_id: String,
    /// `RSA_2048`, `RSA_3072`, `RSA_4096`, `ECC_NIST_P256`, `ECC_NIST_P384`, `ECC_NIST_P521` or
    /// `ECC_SECG_P256K1`.
    pub key_pair_spec: Option<KeySpec>,
    /// Bound to the encrypted private key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub encryption_context: EncryptionContext,
    /// Grant tokens.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
}

/// `GenerateDataKeyPair` response.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyPairResponse {
    /// ARN of the key that encrypted the private key.
    #[serde(default)]
    pub key_id: String,
    /// The private key, PKCS#8 DER.
    #[serde(with = "b64::secret")]
    pub private_key_plaintext: Zeroizing<Vec<u8>>,
    /// The private key encrypted under the KMS key (a `Decrypt` ciphertext).
    #[serde(with = "b64::bytes")]
    pub private_key_ciphertext_blob: Vec<u8>,
    /// The public key, DER SubjectPublicKeyInfo.
    #[serde(with = "b64::bytes")]
    pub public_key: Vec<u8>,
    /// The key pair spec.
    pub key_pair_spec: KeySpec,
    /// Identifier of the key material version used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_material_id: Option<String>,
}

impl fmt::Debug for GenerateDataKeyPairResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenerateDataKeyPairResponse")
            .field("key_id", &self.key_id)
            .field(
                "private_key_plaintext",
                &redacted(&self.private_key_plaintext),
            )
            .field("key_pair_spec", &self.key_pair_spec)
            .finish()
    }
}

/// `GenerateDataKeyPairWithoutPlaintext` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyPairWithoutPlaintextResponse {
    /// ARN of the key that encrypted the private key.
    #[serde(default)]
    pub key_id: String,
    /// The private key encrypted under the KMS key.
    #[serde(with = "b64::bytes")]
    pub private_key_ciphertext_blob: Vec<u8>,
    /// The public key, DER SubjectPublicKeyInfo.
    #[serde(with = "b64::bytes")]
    pub public_key: Vec<u8>,
    /// The key pair spec.
    pub key_pair_spec: KeySpec,
    /// Identifier of the key material version used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_material_id: Option<String>,
}

/// `GenerateRandom` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GenerateRandomRequest {
    /// 1..=1024.
    pub number_of_bytes: Option<u32>,
    /// Custom key stores are not supported by the local KMS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_key_store_id: Option<String>,
}

/// `GenerateRandom` response.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateRandomResponse {
    /// The random bytes.
    #[serde(with = "b64::secret")]
    pub plaintext: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for GenerateRandomResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenerateRandomResponse")
            .field("plaintext", &redacted(&self.plaintext))
            .finish()
    }
}
