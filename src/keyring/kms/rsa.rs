//! The AWS KMS RSA keyring (spec: aws-kms-rsa-keyring.md): encrypt **offline** with the KMS
//! key's public key (from GetPublicKey, once; `rsa_offline.rs`), decrypt through the provider.
//! The RSA plaintext is SHA-384(serialized EC) ‖ data key, binding the context the RSA wrapping
//! alone would not.

use std::sync::Arc;

use sealkit_kms::arn::mrk_match;
use sealkit_kms::{DecryptRequest, EncryptionAlgorithm, KmsProvider};
use subtle::ConstantTimeEq;

use crate::crypto::digest::SHA384_LEN;
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::attempts::Attempts;
use crate::keyring::Keyring;
use crate::materials::{DataKey, DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};

use super::rsa_offline::{
    check_options, context_digest, no_provider, refuse_signing, KmsRsaOfflineKeyring, PROVIDER_ID,
};

const DIGEST_LEN: usize = SHA384_LEN;

/// Offline-encrypt, online-decrypt keyring for an asymmetric (RSA ENCRYPT_DECRYPT) KMS key.
pub struct AwsKmsRsaKeyring {
    key_id: String,
    algorithm: EncryptionAlgorithm,
    offline: Option<KmsRsaOfflineKeyring>,
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
        check_options(key_id, &algorithm)?;
        let offline = public_key_pem
            .map(|pem| KmsRsaOfflineKeyring::new(key_id, &algorithm, pem))
            .transpose()?;
        if offline.is_none() && provider.is_none() {
            return Err(Error::invalid(
                "AwsKmsRsaKeyring needs a publicKey (encrypt), a provider (decrypt), or both",
            ));
        }
        Ok(AwsKmsRsaKeyring {
            key_id: key_id.to_string(),
            algorithm,
            offline,
            provider,
        })
    }
}

impl Keyring for AwsKmsRsaKeyring {
    fn on_encrypt(&self, m: EncryptionMaterials) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        Box::pin(async move {
            refuse_signing(m.suite)?;
            let offline = self.offline.as_ref().ok_or_else(|| {
                Error::Keyring(format!(
                    "KMS RSA keyring {} has no public key to encrypt with",
                    self.key_id
                ))
            })?;
            offline.wrap(m).await
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
            refuse_signing(m.suite)?;
            let Some(provider) = &self.provider else {
                return Err(no_provider(&self.key_id));
            };
            let expected = context_digest(&m.encryption_context).await?;
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
