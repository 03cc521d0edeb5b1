//! Request and response structs of the KMS operations, with the AWS KMS JSON field names.
//!
//! Byte fields are raw bytes in Rust and base64 on the wire. Plaintexts are `Zeroizing` and are
//! redacted from `Debug`. Response fields that emulators omit are optional or defaulted.

use crate::b64;
use crate::wire_enum::wire_enum;
use core::fmt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

mod grant;
mod key_pair;
mod paging;
mod tag;
pub use grant::*;
pub use key_pair::*;
pub use paging::*;
pub use tag::*;

/// Encryption context: string pairs bound to a ciphertext.
pub type EncryptionContext = BTreeMap<String, String>;

wire_enum!(
    /// `KeySpec` of a KMS key.
    KeySpec {
        /// AES-256-GCM.
        SymmetricDefault = "SYMMETRIC_DEFAULT",
        /// RSA 2048.
        Rsa2048 = "RSA_2048",
        /// RSA 3072.
        Rsa3072 = "RSA_3072",
        /// RSA 4096.
        Rsa4096 = "RSA_4096",
        /// NIST P-256.
        EccNistP256 = "ECC_NIST_P256",
        /// NIST P-384.
        EccNistP384 = "ECC_NIST_P384",
        /// NIST P-521 (local KMS: with the `extra-curves` feature).
        EccNistP521 = "ECC_NIST_P521",
        /// secp256k1 (local KMS: with the `extra-curves` feature).
        EccSecgP256k1 = "ECC_SECG_P256K1",
        /// HMAC-SHA-224.
        Hmac224 = "HMAC_224",
        /// HMAC-SHA-256.
        Hmac256 = "HMAC_256",
        /// HMAC-SHA-384.
        Hmac384 = "HMAC_384",
        /// HMAC-SHA-512.
        Hmac512 = "HMAC_512",
    }
);

wire_enum!(
    /// `KeyUsage` of a KMS key.
    KeyUsage {
        /// Encrypt and decrypt.
        EncryptDecrypt = "ENCRYPT_DECRYPT",
        /// Sign and verify.
        SignVerify = "SIGN_VERIFY",
        /// HMAC.
        GenerateVerifyMac = "GENERATE_VERIFY_MAC",
        /// ECDH (not supported by the local KMS).
        KeyAgreement = "KEY_AGREEMENT",
    }
);

wire_enum!(
    /// `KeyState` of a KMS key.
    KeyState {
        /// Usable.
        Enabled = "Enabled",
        /// Disabled; cryptographic use gives `DisabledException`.
        Disabled = "Disabled",
        /// Scheduled for deletion; use gives `KMSInvalidStateException`.
        PendingDeletion = "PendingDeletion",
        /// Awaiting imported material.
        PendingImport = "PendingImport",
        /// Replica being deleted.
        PendingReplicaDeletion = "PendingReplicaDeletion",
        /// Unavailable.
        Unavailable = "Unavailable",
        /// Being created.
        Creating = "Creating",
        /// Being updated.
        Updating = "Updating",
    }
);

wire_enum!(
    /// `EncryptionAlgorithm`.
    EncryptionAlgorithm {
        /// AES-256-GCM (symmetric keys).
        SymmetricDefault = "SYMMETRIC_DEFAULT",
        /// RSA-OAEP with SHA-1 (OAEP hash and MGF1).
        RsaesOaepSha1 = "RSAES_OAEP_SHA_1",
        /// RSA-OAEP with SHA-256 (OAEP hash and MGF1).
        RsaesOaepSha256 = "RSAES_OAEP_SHA_256",
        /// SM2 (China regions; not supported by the local KMS).
        Sm2Pke = "SM2PKE",
    }
);

wire_enum!(
    /// `SigningAlgorithm`.
    SigningAlgorithm {
        /// RSASSA-PSS SHA-256, salt = 32.
        RsassaPssSha256 = "RSASSA_PSS_SHA_256",
        /// RSASSA-PSS SHA-384, salt = 48.
        RsassaPssSha384 = "RSASSA_PSS_SHA_384",
        /// RSASSA-PSS SHA-512, salt = 64.
        RsassaPssSha512 = "RSASSA_PSS_SHA_512",
        /// RSASSA-PKCS1-v1_5 SHA-256.
        RsassaPkcs1V15Sha256 = "RSASSA_PKCS1_V1_5_SHA_256",
        /// RSASSA-PKCS1-v1_5 SHA-384.
        RsassaPkcs1V15Sha384 = "RSASSA_PKCS1_V1_5_SHA_384",
        /// RSASSA-PKCS1-v1_5 SHA-512.
        RsassaPkcs1V15Sha512 = "RSASSA_PKCS1_V1_5_SHA_512",
        /// ECDSA SHA-256 (P-256, secp256k1).
        EcdsaSha256 = "ECDSA_SHA_256",
        /// ECDSA SHA-384 (P-384).
        EcdsaSha384 = "ECDSA_SHA_384",
        /// ECDSA SHA-512 (P-521).
        EcdsaSha512 = "ECDSA_SHA_512",
    }
);

wire_enum!(
    /// `MacAlgorithm`.
    MacAlgorithm {
        /// HMAC-SHA-224.
        HmacSha224 = "HMAC_SHA_224",
        /// HMAC-SHA-256.
        HmacSha256 = "HMAC_SHA_256",
        /// HMAC-SHA-384.
        HmacSha384 = "HMAC_SHA_384",
        /// HMAC-SHA-512.
        HmacSha512 = "HMAC_SHA_512",
    }
);

wire_enum!(
    /// `MessageType` of Sign/Verify.
    MessageType {
        /// The message is hashed by KMS.
        Raw = "RAW",
        /// The message is already a digest.
        Digest = "DIGEST",
    }
);

wire_enum!(
    /// `KeySpec` of GenerateDataKey.
    DataKeySpec {
        /// 32 bytes.
        Aes256 = "AES_256",
        /// 16 bytes.
        Aes128 = "AES_128",
    }
);

wire_enum!(
    /// Role of a multi-Region key.
    MultiRegionKeyType {
        /// The primary key.
        Primary = "PRIMARY",
        /// A replica.
        Replica = "REPLICA",
    }
);

wire_enum!(
    /// How a rotation happened.
    RotationType {
        /// Scheduled rotation.
        Automatic = "AUTOMATIC",
        /// `RotateKeyOnDemand`.
        OnDemand = "ON_DEMAND",
    }
);

fn redacted(v: &Zeroizing<Vec<u8>>) -> String {
    format!("<{} secret bytes>", v.len())
}

/// `GenerateDataKey` / `GenerateDataKeyWithoutPlaintext` request. Set exactly one of
/// `number_of_bytes` and `key_spec`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GenerateDataKeyRequest {
    /// Key id, key ARN, alias name or alias ARN.
    pub key_id: String,
    /// Bound to the ciphertext.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub encryption_context: EncryptionContext,
    /// 1..=1024.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_bytes: Option<u32>,
    /// AES_128 or AES_256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<DataKeySpec>,
    /// Grant tokens (accepted and ignored by the local KMS).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
}

/// `GenerateDataKey` response.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyResponse {
    /// ARN of the key used.
    #[serde(default)]
    pub key_id: String,
    /// The data key.
    #[serde(with = "b64::secret")]
    pub plaintext: Zeroizing<Vec<u8>>,
    /// The data key encrypted under the KMS key.
    #[serde(with = "b64::bytes")]
    pub ciphertext_blob: Vec<u8>,
    /// Identifier of the key material version used (optional on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_material_id: Option<String>,
}

impl fmt::Debug for GenerateDataKeyResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenerateDataKeyResponse")
            .field("key_id", &self.key_id)
            .field("plaintext", &redacted(&self.plaintext))
            .field("ciphertext_blob_len", &self.ciphertext_blob.len())
            .finish()
    }
}

/// `GenerateDataKeyWithoutPlaintext` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyWithoutPlaintextResponse {
    /// ARN of the key used.
    #[serde(default)]
    pub key_id: String,
    /// The encrypted data key.
    #[serde(with = "b64::bytes")]
    pub ciphertext_blob: Vec<u8>,
    /// Identifier of the key material version used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_material_id: Option<String>,
}

/// `Encrypt` request (plaintext 1..=4096 bytes).
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EncryptRequest {
    /// Key identifier.
    pub key_id: String,
    /// Data to encrypt.
    #[serde(with = "b64::secret")]
    pub plaintext: Zeroizing<Vec<u8>>,
    /// Bound to the ciphertext (symmetric keys only).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub encryption_context: EncryptionContext,
    /// Required for RSA keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_algorithm: Option<EncryptionAlgorithm>,
    /// Grant tokens.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
}

impl fmt::Debug for EncryptRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptRequest")
            .field("key_id", &self.key_id)
            .field("plaintext", &redacted(&self.plaintext))
            .field("encryption_context", &self.encryption_context)
            .field("encryption_algorithm", &self.encryption_algorithm)
            .finish()
    }
}

/// `Encrypt` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptResponse {
    /// ARN of the key used.
    #[serde(default)]
    pub key_id: String,
    /// The ciphertext.
    #[serde(with = "b64::bytes")]
    pub ciphertext_blob: Vec<u8>,
    /// Algorithm used (emulators may omit it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_algorithm: Option<EncryptionAlgorithm>,
}

/// `Decrypt` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DecryptRequest {
    /// The ciphertext.
    #[serde(with = "b64::bytes")]
    pub ciphertext_blob: Vec<u8>,
    /// Must equal the context used at encryption.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub encryption_context: EncryptionContext,
    /// Expected key; required for RSA keys. A mismatch gives `IncorrectKeyException`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Required for RSA keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_algorithm: Option<EncryptionAlgorithm>,
    /// Grant tokens.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
}

/// `Decrypt` response.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DecryptResponse {
    /// ARN of the key actually used (a replica's ARN when decrypting through a replica).
    #[serde(default)]
    pub key_id: String,
    /// The plaintext.
    #[serde(with = "b64::secret")]
    pub plaintext: Zeroizing<Vec<u8>>,
    /// Algorithm used (emulators may omit it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_algorithm: Option<EncryptionAlgorithm>,
    /// Identifier of the key material version used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_material_id: Option<String>,
}

impl fmt::Debug for DecryptResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptResponse")
            .field("key_id", &self.key_id)
            .field("plaintext", &redacted(&self.plaintext))
            .field("encryption_algorithm", &self.encryption_algorithm)
            .finish()
    }
}

/// `ReEncrypt` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReEncryptRequest {
    /// The ciphertext to re-encrypt.
    #[serde(with = "b64::bytes")]
    pub ciphertext_blob: Vec<u8>,
    /// Context of the source ciphertext.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub source_encryption_context: EncryptionContext,
    /// Expected source key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_key_id: Option<String>,
    /// Destination key.
    pub destination_key_id: String,
    /// Context for the new ciphertext.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub destination_encryption_context: EncryptionContext,
    /// Source algorithm (RSA sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_encryption_algorithm: Option<EncryptionAlgorithm>,
    /// Destination algorithm (RSA destinations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_encryption_algorithm: Option<EncryptionAlgorithm>,
    /// Grant tokens.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
}

/// `ReEncrypt` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReEncryptResponse {
    /// The new ciphertext.
    #[serde(with = "b64::bytes")]
    pub ciphertext_blob: Vec<u8>,
    /// ARN of the source key.
    #[serde(default)]
    pub source_key_id: String,
    /// ARN of the destination key.
    #[serde(default)]
    pub key_id: String,
    /// Source algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_encryption_algorithm: Option<EncryptionAlgorithm>,
    /// Destination algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_encryption_algorithm: Option<EncryptionAlgorithm>,
}

/// A request naming only a key (GetPublicKey, DescribeKey, EnableKey, ...).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct KeyIdRequest {
    /// Key identifier.
    pub key_id: String,
    /// Grant tokens (GetPublicKey, DescribeKey).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
}

impl KeyIdRequest {
    /// A request for `key_id`.
    pub fn new(key_id: impl Into<String>) -> Self {
        KeyIdRequest {
            key_id: key_id.into(),
            grant_tokens: Vec::new(),
        }
    }
}

/// `GetPublicKey` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetPublicKeyResponse {
    /// Key ARN (moto returns the bare id).
    #[serde(default)]
    pub key_id: String,
    /// DER SubjectPublicKeyInfo.
    #[serde(with = "b64::bytes")]
    pub public_key: Vec<u8>,
    /// Key spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<KeySpec>,
    /// Deprecated duplicate of `key_spec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_master_key_spec: Option<KeySpec>,
    /// Key usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<KeyUsage>,
    /// For ENCRYPT_DECRYPT keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_algorithms: Option<Vec<EncryptionAlgorithm>>,
    /// For SIGN_VERIFY keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_algorithms: Option<Vec<SigningAlgorithm>>,
}

/// One key of a multi-Region set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MultiRegionKey {
    /// Key ARN.
    pub arn: String,
    /// Region.
    pub region: String,
}

/// Multi-Region configuration of a key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MultiRegionConfiguration {
    /// PRIMARY or REPLICA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multi_region_key_type: Option<MultiRegionKeyType>,
    /// The primary key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<MultiRegionKey>,
    /// The replicas.
    pub replica_keys: Vec<MultiRegionKey>,
}

/// `KeyMetadata` (DescribeKey, CreateKey, ReplicateKey).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct KeyMetadata {
    /// Owning account.
    #[serde(rename = "AWSAccountId", skip_serializing_if = "Option::is_none")]
    pub aws_account_id: Option<String>,
    /// Key id.
    pub key_id: String,
    /// Key ARN.
    pub arn: String,
    /// Creation time, epoch seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<f64>,
    /// True when the state is Enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Usage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<KeyUsage>,
    /// State.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_state: Option<KeyState>,
    /// Scheduled deletion time, epoch seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<f64>,
    /// `AWS_KMS` for generated material.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// `CUSTOMER` or `AWS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_manager: Option<String>,
    /// Key spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<KeySpec>,
    /// Deprecated duplicate of `key_spec`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_master_key_spec: Option<KeySpec>,
    /// Encryption algorithms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_algorithms: Option<Vec<EncryptionAlgorithm>>,
    /// Signing algorithms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_algorithms: Option<Vec<SigningAlgorithm>>,
    /// MAC algorithms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac_algorithms: Option<Vec<MacAlgorithm>>,
    /// Multi-Region key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multi_region: Option<bool>,
    /// Primary and replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multi_region_configuration: Option<MultiRegionConfiguration>,
    /// Waiting period of a scheduled deletion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_deletion_window_in_days: Option<u32>,
}

/// `DescribeKey` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeKeyResponse {
    /// The key.
    pub key_metadata: KeyMetadata,
}

/// `Sign` request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignRequest {
    /// Key identifier.
    pub key_id: String,
    /// Message or digest (≤ 4096 bytes).
    #[serde(with = "b64::bytes")]
    pub message: Vec<u8>,
    /// RAW (default) or DIGEST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<MessageType>,
    /// Algorithm.
    pub signing_algorithm: SigningAlgorithm,
    /// Grant tokens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
}

/// `Sign` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignResponse {
    /// Key ARN.
    #[serde(default)]
    pub key_id: String,
    /// DER ECDSA signature or raw RSA signature.
    #[serde(with = "b64::bytes")]
    pub signature: Vec<u8>,
    /// Algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_algorithm: Option<SigningAlgorithm>,
}

/// `Verify` request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyRequest {
    /// Key identifier.
    pub key_id: String,
    /// Message or digest.
    #[serde(with = "b64::bytes")]
    pub message: Vec<u8>,
    /// RAW (default) or DIGEST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<MessageType>,
    /// Signature to check.
    #[serde(with = "b64::bytes")]
    pub signature: Vec<u8>,
    /// Algorithm.
    pub signing_algorithm: SigningAlgorithm,
    /// Grant tokens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
}

/// `Verify` response (an invalid signature is the `KMSInvalidSignatureException` error).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyResponse {
    /// Key ARN.
    #[serde(default)]
    pub key_id: String,
    /// True.
    pub signature_valid: bool,
    /// Algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_algorithm: Option<SigningAlgorithm>,
}

/// `GenerateMac` request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateMacRequest {
    /// Key identifier.
    pub key_id: String,
    /// Message (≤ 4096 bytes).
    #[serde(with = "b64::bytes")]
    pub message: Vec<u8>,
    /// Algorithm matching the key spec.
    pub mac_algorithm: MacAlgorithm,
    /// Grant tokens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
}

/// `GenerateMac` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateMacResponse {
    /// Key ARN.
    #[serde(default)]
    pub key_id: String,
    /// The MAC.
    #[serde(with = "b64::bytes")]
    pub mac: Vec<u8>,
    /// Algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_algorithm: Option<MacAlgorithm>,
}

/// `VerifyMac` request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyMacRequest {
    /// Key identifier.
    pub key_id: String,
    /// Message.
    #[serde(with = "b64::bytes")]
    pub message: Vec<u8>,
    /// MAC to check.
    #[serde(with = "b64::bytes")]
    pub mac: Vec<u8>,
    /// Algorithm.
    pub mac_algorithm: MacAlgorithm,
    /// Grant tokens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
}

/// `VerifyMac` response (a wrong MAC is the `KMSInvalidMacException` error).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyMacResponse {
    /// Key ARN.
    #[serde(default)]
    pub key_id: String,
    /// True.
    pub mac_valid: bool,
    /// Algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_algorithm: Option<MacAlgorithm>,
}

/// `CreateKey` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CreateKeyRequest {
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Usage (default ENCRYPT_DECRYPT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<KeyUsage>,
    /// Spec (default SYMMETRIC_DEFAULT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_spec: Option<KeySpec>,
    /// Create a multi-Region primary key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multi_region: Option<bool>,
    /// Key policy JSON (default: the account root has full access).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Tags of the new key (at most 50).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// `CreateKey` / `ReplicateKey` response metadata holder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateKeyResponse {
    /// The new key.
    pub key_metadata: KeyMetadata,
}

/// `CreateAlias` / `UpdateAlias` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AliasRequest {
    /// `alias/<name>`.
    pub alias_name: String,
    /// Key id or key ARN (not an alias).
    pub target_key_id: String,
}

/// `DeleteAlias` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteAliasRequest {
    /// `alias/<name>`.
    pub alias_name: String,
}

/// `ListAliases` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListAliasesRequest {
    /// Only aliases of this key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// At most this many aliases (1..=100, default 50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The `NextMarker` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
}

/// One alias.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AliasListEntry {
    /// `alias/<name>`.
    pub alias_name: String,
    /// Alias ARN.
    #[serde(default)]
    pub alias_arn: String,
    /// Key id (absent for AWS-managed aliases not yet used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_key_id: Option<String>,
}

/// `ListAliases` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListAliasesResponse {
    /// The aliases.
    pub aliases: Vec<AliasListEntry>,
    /// The marker of the next page, when truncated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// Whether more entries follow.
    pub truncated: bool,
}

/// One key of `ListKeys`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyListEntry {
    /// Key id.
    pub key_id: String,
    /// Key ARN.
    pub key_arn: String,
}

/// `ListKeys` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListKeysResponse {
    /// The keys.
    pub keys: Vec<KeyListEntry>,
    /// The marker of the next page, when truncated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// Whether more entries follow.
    pub truncated: bool,
}

/// `ReplicateKey` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReplicateKeyRequest {
    /// The primary key.
    pub key_id: String,
    /// Region of the new replica.
    pub replica_region: String,
    /// Replica policy (default policy if absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Replica description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `ReplicateKey` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicateKeyResponse {
    /// The replica.
    pub replica_key_metadata: KeyMetadata,
    /// The replica's policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_policy: Option<String>,
}

/// `ScheduleKeyDeletion` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ScheduleKeyDeletionRequest {
    /// Key identifier.
    pub key_id: String,
    /// 7..=30, default 30.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_window_in_days: Option<u32>,
}

/// `ScheduleKeyDeletion` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduleKeyDeletionResponse {
    /// Key ARN.
    #[serde(default)]
    pub key_id: String,
    /// When the key will be deleted, epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<f64>,
    /// PendingDeletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_state: Option<KeyState>,
    /// The window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_window_in_days: Option<u32>,
}

/// A response carrying only the key id (CancelKeyDeletion, RotateKeyOnDemand).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct KeyIdResponse {
    /// Key id or ARN, as the service returns it.
    pub key_id: String,
}

/// `EnableKeyRotation` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EnableKeyRotationRequest {
    /// Key identifier.
    pub key_id: String,
    /// 90..=2560, default 365.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation_period_in_days: Option<u32>,
}

/// `GetKeyRotationStatus` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetKeyRotationStatusResponse {
    /// Automatic rotation on.
    pub key_rotation_enabled: bool,
    /// Key ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation_period_in_days: Option<u32>,
    /// Next automatic rotation, epoch seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_rotation_date: Option<f64>,
}

/// One past rotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationsListEntry {
    /// Key ARN.
    #[serde(default)]
    pub key_id: String,
    /// When, epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_date: Option<f64>,
    /// How.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_type: Option<RotationType>,
}

/// `ListKeyRotations` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListKeyRotationsResponse {
    /// Rotations, oldest first.
    pub rotations: Vec<RotationsListEntry>,
    /// The marker of the next page, when truncated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// Whether more entries follow.
    pub truncated: bool,
}

/// `PutKeyPolicy` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutKeyPolicyRequest {
    /// Key identifier.
    pub key_id: String,
    /// Policy JSON.
    pub policy: String,
    /// Always `default`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
}

/// `GetKeyPolicy` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetKeyPolicyResponse {
    /// Policy JSON.
    pub policy: String,
    /// `default`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
}
