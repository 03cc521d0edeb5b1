//! The AWS KMS RSA keyring (spec: aws-kms-rsa-keyring.md): encrypt **offline** with the KMS
//! key's public key (from GetPublicKey, once), decrypt through the provider. The RSA plaintext
//! is SHA-384(serialized EC) ‖ data key, binding the context the RSA wrapping alone would not.

use std::sync::Arc;

use sealkit_kms::arn::mrk_match;
use sealkit_kms::{DecryptRequest, EncryptionAlgorithm, KmsProvider};
use sha2::{Digest, Sha384};
use subtle::ConstantTimeEq;

use crate::context;
use crate::crypto::rsa::{self as rsa_ops, RsaPadding};
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::attempts::Attempts;
use crate::keyring::Keyring;
use crate::materials::{DataKey, DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};

/// Provider id of the KMS RSA keyring.
pub const PROVIDER_ID: &str = "aws-kms-rsa";
const DIGEST_LEN: usize = 48;

/// Offline-encrypt, online-decrypt keyring for an asymmetric (RSA ENCRYPT_DECRYPT) KMS key.
pub struct AwsKmsRsaKeyring {
    key_id: String,
    algorithm: EncryptionAlgorithm,
    public_key: Option<::rsa::RsaPublicKey>,
    provider: Option<Arc<dyn KmsProvider>>,
}

impl AwsKmsRsaKeyring {
    /// `public_key_pem` enables encryption (no provider call); `provider` enables decryption.
    /// `algorithm` is `RSAES_OAEP_SHA_1` or `RSAES_OAEP_SHA_256`.
    pub fn new(
        key_id: &str,
        algorithm: EncryptionAlgorithm,
        public_key_pem: Option<&str>,
        provider: Option<Arc<dyn KmsProvider>>,
    ) -> Result<Self> {
        if !matches!(
            algorithm,
            EncryptionAlgorithm::RsaesOaepSha1 | EncryptionAlgorithm::RsaesOaepSha256
        ) {
            return Err(Error::invalid(
                "encryptionAlgorithm must be RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256",
            ));
        }
        if key_id.is_empty() {
            return Err(Error::invalid("keyId must not be empty"));
        }
        let public_key = public_key_pem
            .map(rsa_ops::public_key_from_pem)
            .transpose()?;
        if public_key
            .as_ref()
            .is_some_and(|k| ::rsa::traits::PublicKeyParts::size(k) < 256)
        {
            return Err(Error::invalid(
                "the KMS RSA public key must be at least 2048 bits",
            ));
        }
        if public_key.is_none() && provider.is_none() {
            return Err(Error::invalid(
                "AwsKmsRsaKeyring needs a publicKey (encrypt), a provider (decrypt), or both",
            ));
        }
        Ok(AwsKmsRsaKeyring {
            key_id: key_id.to_string(),
            algorithm,
            public_key,
            provider,
        })
    }

    fn padding(&self) -> RsaPadding {
        match self.algorithm {
            EncryptionAlgorithm::RsaesOaepSha1 => RsaPadding::OaepSha1,
            _ => RsaPadding::OaepSha256,
        }
    }

    fn refuse_signing(&self, suite: crate::AlgorithmSuite) -> Result<()> {
        if suite.signature().is_some() {
            return Err(Error::Keyring(format!(
                "the KMS RSA keyring cannot be used with signing suite 0x{:04x}",
                suite.id()
            )));
        }
        Ok(())
    }
}

fn context_digest(ec: &crate::EncryptionContext) -> Result<[u8; DIGEST_LEN]> {
    Ok(Sha384::digest(context::serialize(ec)?).into())
}

impl Keyring for AwsKmsRsaKeyring {
    fn on_encrypt(&self, mut m: EncryptionMaterials) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        Box::pin(async move {
            self.refuse_signing(m.suite)?;
            let public = self.public_key.as_ref().ok_or_else(|| {
                Error::Keyring(format!(
                    "KMS RSA keyring {} has no public key to encrypt with",
                    self.key_id
                ))
            })?;
            let data_key = m.data_key_or_generate()?;
            let mut plaintext =
                zeroize::Zeroizing::new(context_digest(&m.encryption_context)?.to_vec());
            plaintext.extend_from_slice(data_key.as_bytes());
            let ciphertext = rsa_ops::encrypt(public, self.padding(), &plaintext)?;
            m.encrypted_data_keys.push(EncryptedDataKey {
                provider_id: PROVIDER_ID.into(),
                provider_info: self.key_id.as_bytes().to_vec(),
                ciphertext,
            });
            Ok(m)
        })
    }

    fn on_decrypt<'a>(
        &'a self,
        mut m: DecryptionMaterials,
        edks: &'a [EncryptedDataKey],
    ) -> BoxFuture<'a, Result<DecryptionMaterials>> {
        Box::pin(async move {
            if m.data_key.is_some() {
                return Ok(m);
            }
            self.refuse_signing(m.suite)?;
            let Some(provider) = &self.provider else {
                return Err(Error::NoDecryptingKeyring(vec![format!(
                    "KMS RSA keyring {}: no provider to decrypt with",
                    self.key_id
                )]));
            };
            let expected = context_digest(&m.encryption_context)?;
            let mut attempts = Attempts::new(format!("KMS RSA keyring {}", self.key_id));
            for (i, edk) in edks.iter().enumerate() {
                let info = core::str::from_utf8(&edk.provider_info).unwrap_or("");
                if edk.provider_id != PROVIDER_ID || !mrk_match(&self.key_id, info) {
                    continue;
                }
                let resp = provider
                    .decrypt(DecryptRequest {
                        ciphertext_blob: edk.ciphertext.clone(),
                        encryption_context: Default::default(),
                        key_id: Some(self.key_id.clone()),
                        encryption_algorithm: Some(self.algorithm.clone()),
                        grant_tokens: Vec::new(),
                    })
                    .await;
                let plain = match resp {
                    Ok(r) => r.plaintext,
                    Err(e) => {
                        attempts.failed(i, format_args!("{}: {}", e.name, e.message));
                        continue;
                    }
                };
                let (digest, key) = plain.split_at(plain.len().min(DIGEST_LEN));
                if digest.len() != DIGEST_LEN || key.len() != m.suite.key_len() {
                    attempts.failed(i, "unexpected plaintext length");
                } else if !bool::from(digest.ct_eq(&expected)) {
                    attempts.failed(i, "encryption context does not match the wrapped digest");
                } else {
                    m.data_key = Some(DataKey::new(key.to_vec()));
                    return Ok(m);
                }
            }
            Err(attempts.none_unwrapped("no EDK made by this key"))
        })
    }
}
