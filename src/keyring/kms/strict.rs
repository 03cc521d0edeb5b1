//! The AWS KMS keyring and its multi-Region-aware variant (spec: aws-kms-keyring.md,
//! aws-kms-mrk-keyring.md): one configured key; GenerateDataKey/Encrypt on encrypt,
//! Decrypt with that key on decrypt.

use std::sync::Arc;

use sealkit_kms::arn::{mrk_match, KeyIdentifier};
use sealkit_kms::{EncryptRequest, GenerateDataKeyRequest, KmsProvider};
use zeroize::Zeroizing;

use super::{decrypt_edk, edk_key_arn, kms_error, PROVIDER_ID};
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::attempts::Attempts;
use crate::keyring::Keyring;
use crate::materials::{DataKey, DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};

/// How an EDK's key ARN is matched against the configured key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Matching {
    Exact,
    MultiRegion,
}

struct Inner {
    provider: Arc<dyn KmsProvider>,
    key_id: String,
    grant_tokens: Vec<String>,
    matching: Matching,
}

/// Wraps data keys with one KMS key; decrypts only EDKs made by exactly that key ARN.
pub struct AwsKmsKeyring(Inner);

/// Like [`AwsKmsKeyring`], but a multi-Region key ARN matches its replicas in other regions:
/// an EDK made with `mrk-…` in us-east-1 decrypts through the replica configured here.
pub struct AwsKmsMrkAwareKeyring(Inner);

fn new_inner(provider: Arc<dyn KmsProvider>, key_id: &str, matching: Matching) -> Result<Inner> {
    KeyIdentifier::parse(key_id)
        .map_err(|e| Error::invalid(format!("KMS key id '{key_id}': {}", e.message)))?;
    Ok(Inner {
        provider,
        key_id: key_id.to_string(),
        grant_tokens: Vec::new(),
        matching,
    })
}

impl AwsKmsKeyring {
    /// A keyring for one KMS key (key ARN, alias, or key id; decrypt needs a key ARN to match EDKs).
    pub fn new(provider: Arc<dyn KmsProvider>, key_id: &str) -> Result<Self> {
        Ok(AwsKmsKeyring(new_inner(provider, key_id, Matching::Exact)?))
    }
    /// Grant tokens passed on every call.
    pub fn with_grant_tokens(mut self, tokens: Vec<String>) -> Self {
        self.0.grant_tokens = tokens;
        self
    }
}

impl AwsKmsMrkAwareKeyring {
    /// A multi-Region-aware keyring for one KMS key.
    pub fn new(provider: Arc<dyn KmsProvider>, key_id: &str) -> Result<Self> {
        Ok(AwsKmsMrkAwareKeyring(new_inner(
            provider,
            key_id,
            Matching::MultiRegion,
        )?))
    }
    /// Grant tokens passed on every call.
    pub fn with_grant_tokens(mut self, tokens: Vec<String>) -> Self {
        self.0.grant_tokens = tokens;
        self
    }
}

impl Inner {
    async fn on_encrypt(&self, mut m: EncryptionMaterials) -> Result<EncryptionMaterials> {
        let key_len = m.suite.key_len();
        let (arn, ciphertext) = match &m.data_key {
            None => {
                let resp = self
                    .provider
                    .generate_data_key(GenerateDataKeyRequest {
                        key_id: self.key_id.clone(),
                        encryption_context: m.encryption_context.clone().into(),
                        number_of_bytes: Some(key_len as u32),
                        grant_tokens: self.grant_tokens.clone(),
                        ..Default::default()
                    })
                    .await
                    .map_err(|e| kms_error("GenerateDataKey", &self.key_id, e))?;
                if resp.plaintext.len() != key_len {
                    return Err(Error::Keyring(format!(
                        "GenerateDataKey with {} returned a {}-byte key; the suite needs {key_len}",
                        self.key_id,
                        resp.plaintext.len()
                    )));
                }
                m.data_key = Some(DataKey::new(resp.plaintext.to_vec()));
                (resp.key_id, resp.ciphertext_blob)
            }
            Some(k) => {
                let resp = self
                    .provider
                    .encrypt(EncryptRequest {
                        key_id: self.key_id.clone(),
                        plaintext: Zeroizing::new(k.as_bytes().to_vec()),
                        encryption_context: m.encryption_context.clone().into(),
                        encryption_algorithm: None,
                        grant_tokens: self.grant_tokens.clone(),
                    })
                    .await
                    .map_err(|e| kms_error("Encrypt", &self.key_id, e))?;
                (resp.key_id, resp.ciphertext_blob)
            }
        };
        // The provider info is the key ARN KMS answered with (always a full ARN).
        sealkit_kms::arn::KmsArn::parse(&arn).map_err(|_| {
            Error::Keyring(format!("KMS answered with '{arn}', which is not a key ARN"))
        })?;
        m.encrypted_data_keys.push(EncryptedDataKey {
            provider_id: PROVIDER_ID.into(),
            provider_info: arn.into_bytes(),
            ciphertext,
        });
        Ok(m)
    }

    async fn on_decrypt(
        &self,
        mut m: DecryptionMaterials,
        edks: &[EncryptedDataKey],
    ) -> Result<DecryptionMaterials> {
        if m.data_key.is_some() {
            return Ok(m);
        }
        let mut attempts = Attempts::new(format!("KMS keyring {}", self.key_id));
        for (i, edk) in edks.iter().enumerate() {
            if edk.provider_id != PROVIDER_ID {
                continue;
            }
            let arn = match edk_key_arn(edk) {
                Ok((s, _)) => s,
                Err(why) => {
                    attempts.failed(i, why);
                    continue;
                }
            };
            let matches = match self.matching {
                Matching::Exact => arn == self.key_id,
                Matching::MultiRegion => mrk_match(&self.key_id, &arn),
            };
            if !matches {
                continue;
            }
            match decrypt_edk(&*self.provider, edk, &self.key_id, &m, &self.grant_tokens).await {
                Ok(k) => {
                    m.data_key = Some(k);
                    return Ok(m);
                }
                Err(why) => attempts.failed(i, why),
            }
        }
        Err(attempts.none_unwrapped("no EDK made by this key"))
    }
}

macro_rules! keyring_impl {
    ($t:ty) => {
        impl Keyring for $t {
            fn on_encrypt(
                &self,
                m: EncryptionMaterials,
            ) -> BoxFuture<'_, Result<EncryptionMaterials>> {
                Box::pin(self.0.on_encrypt(m))
            }
            fn on_decrypt<'a>(
                &'a self,
                m: DecryptionMaterials,
                edks: &'a [EncryptedDataKey],
            ) -> BoxFuture<'a, Result<DecryptionMaterials>> {
                Box::pin(self.0.on_decrypt(m, edks))
            }
        }
    };
}
keyring_impl!(AwsKmsKeyring);
keyring_impl!(AwsKmsMrkAwareKeyring);
