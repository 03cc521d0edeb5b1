//! The encrypt half of the KMS RSA keyring (spec: aws-kms-rsa-keyring.md, OnEncrypt): wrap the
//! data key **offline** with the KMS key's public key, from GetPublicKey, never calling KMS.
//! It is a keyring of its own, so that a build that only encrypts offline (the small browser
//! module) carries none of the decrypt half's provider, ARN and attempt code.
//!
//! The RSA plaintext is SHA-384(serialized encryption context) ‖ data key: RSA-OAEP alone would
//! not bind the context, and KMS Decrypt of an RSA key takes none.

use sealkit_kms::EncryptionAlgorithm;

use crate::context;
use crate::crypto::digest::{sha384, SHA384_LEN};
use crate::crypto::oaep_public::{OaepHash, OaepPublicKey};
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::Keyring;
use crate::materials::{DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};
use crate::AlgorithmSuite;

/// Provider id of the KMS RSA keyring.
pub const PROVIDER_ID: &str = "aws-kms-rsa";

/// The smallest KMS RSA key, RSA_2048, in bytes.
const MIN_MODULUS_LEN: usize = 256;

/// The options every KMS RSA keyring checks: a key id, and an OAEP encryption algorithm.
pub(crate) fn check_options(key_id: &str, algorithm: &EncryptionAlgorithm) -> Result<OaepHash> {
    let hash = match algorithm {
        EncryptionAlgorithm::RsaesOaepSha1 => OaepHash::Sha1,
        EncryptionAlgorithm::RsaesOaepSha256 => OaepHash::Sha256,
        _ => {
            return Err(Error::invalid(
                "encryptionAlgorithm must be RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256",
            ))
        }
    };
    if key_id.is_empty() {
        return Err(Error::invalid("keyId must not be empty"));
    }
    Ok(hash)
}

/// The KMS RSA keyring's signing-suite rule: the ESDK refuses signing suites with it (the RSA
/// key cannot sign, and a reader with the public key could forge messages otherwise).
pub(crate) fn refuse_signing(suite: AlgorithmSuite) -> Result<()> {
    if suite.signature().is_some() {
        return Err(Error::Keyring(format!(
            "the KMS RSA keyring cannot be used with signing suite 0x{:04x}",
            suite.id()
        )));
    }
    Ok(())
}

/// SHA-384 of the serialized encryption context: what the wrapped data key carries with it.
pub(crate) async fn context_digest(ec: &crate::EncryptionContext) -> Result<[u8; SHA384_LEN]> {
    sha384(&context::serialize(ec)?).await
}

/// Encrypt-only KMS RSA keyring: no provider, so it decrypts nothing.
pub struct KmsRsaOfflineKeyring {
    key_id: String,
    hash: OaepHash,
    public_key: OaepPublicKey,
}

impl KmsRsaOfflineKeyring {
    /// `algorithm` is `RSAES_OAEP_SHA_1` or `RSAES_OAEP_SHA_256`; the PEM is a SubjectPublicKeyInfo
    /// (or PKCS#1) RSA key of at least 2048 bits.
    pub fn new(
        key_id: &str,
        algorithm: &EncryptionAlgorithm,
        public_key_pem: &str,
    ) -> Result<Self> {
        let hash = check_options(key_id, algorithm)?;
        let public_key = OaepPublicKey::from_pem(public_key_pem)?;
        if public_key.modulus_len() < MIN_MODULUS_LEN {
            return Err(Error::invalid(
                "the KMS RSA public key must be at least 2048 bits",
            ));
        }
        Ok(KmsRsaOfflineKeyring {
            key_id: key_id.to_string(),
            hash,
            public_key,
        })
    }

    /// Adds this key's EDK (generating the data key first if there is none).
    pub(crate) async fn wrap(&self, mut m: EncryptionMaterials) -> Result<EncryptionMaterials> {
        refuse_signing(m.suite)?;
        let digest = context_digest(&m.encryption_context).await?;
        let data_key = m.data_key_or_generate()?;
        let mut plaintext = zeroize::Zeroizing::new(digest.to_vec());
        plaintext.extend_from_slice(data_key.as_bytes());
        let ciphertext = self.public_key.encrypt(self.hash, &plaintext).await?;
        m.encrypted_data_keys.push(EncryptedDataKey {
            provider_id: PROVIDER_ID.into(),
            provider_info: self.key_id.as_bytes().to_vec(),
            ciphertext,
        });
        Ok(m)
    }
}

/// Why a KMS RSA keyring without a provider unwraps nothing.
pub(crate) fn no_provider(key_id: &str) -> Error {
    Error::NoDecryptingKeyring(vec![format!(
        "KMS RSA keyring {key_id}: no provider to decrypt with"
    )])
}

impl Keyring for KmsRsaOfflineKeyring {
    fn on_encrypt(&self, m: EncryptionMaterials) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        Box::pin(self.wrap(m))
    }

    fn on_decrypt<'a>(
        &'a self,
        m: DecryptionMaterials,
        _edks: &'a [EncryptedDataKey],
    ) -> BoxFuture<'a, Result<DecryptionMaterials>> {
        Box::pin(async move {
            if m.data_key.is_some() {
                return Ok(m);
            }
            refuse_signing(m.suite)?;
            Err(no_provider(&self.key_id))
        })
    }
}
