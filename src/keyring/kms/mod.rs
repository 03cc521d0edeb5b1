//! Keyrings over a KMS provider (provider id `aws-kms`; spec: framework/aws-kms/*.md).
//!
//! The provider is any [`KmsProvider`]: the embedded local KMS, the HTTP client, or a JS object.

mod discovery;
mod rsa;
mod rsa_offline;
mod strict;

pub use discovery::{AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, DiscoveryFilter};
pub use rsa::AwsKmsRsaKeyring;
pub use rsa_offline::KmsRsaOfflineKeyring;
pub use strict::{AwsKmsKeyring, AwsKmsMrkAwareKeyring};

use std::sync::Arc;

use sealkit_kms::arn::{KmsArn, ResourceType};
use sealkit_kms::{DecryptRequest, KmsError, KmsProvider};

use crate::error::Error;
use crate::keyring::{Keyring, MultiKeyring};
use crate::materials::{DataKey, DecryptionMaterials, EncryptedDataKey};

/// Provider id of the symmetric KMS keyrings.
pub const PROVIDER_ID: &str = "aws-kms";

pub(crate) fn kms_error(op: &str, key: &str, e: KmsError) -> Error {
    Error::Kms {
        name: e.name,
        message: format!("{op} with {key}: {}", e.message),
        status: e.status,
    }
}

/// The key ARN an `aws-kms` EDK names, if it is one (spec: provider info must be a key ARN).
pub(crate) fn edk_key_arn(edk: &EncryptedDataKey) -> Result<(String, KmsArn), String> {
    let info = core::str::from_utf8(&edk.provider_info)
        .map_err(|_| "provider info is not UTF-8".to_string())?;
    let arn =
        KmsArn::parse(info).map_err(|_| format!("provider info '{info}' is not a KMS ARN"))?;
    if arn.resource_type != ResourceType::Key {
        return Err(format!("provider info '{info}' is not a key ARN"));
    }
    Ok((info.to_string(), arn))
}

/// Decrypts one `aws-kms` EDK with `key_id`. The response must name exactly that key and carry
/// a data key of the suite's length (spec: aws-kms-keyring.md, OnDecrypt); the error says why not.
pub(crate) async fn decrypt_edk(
    provider: &dyn KmsProvider,
    edk: &EncryptedDataKey,
    key_id: &str,
    m: &DecryptionMaterials,
    grant_tokens: &[String],
) -> core::result::Result<DataKey, String> {
    let resp = provider
        .decrypt(DecryptRequest {
            ciphertext_blob: edk.ciphertext.clone(),
            encryption_context: m.encryption_context.clone().into(),
            key_id: Some(key_id.to_string()),
            encryption_algorithm: None,
            grant_tokens: grant_tokens.to_vec(),
        })
        .await
        .map_err(|e| format!("{}: {}", e.name, e.message))?;
    if resp.key_id != key_id {
        return Err(format!(
            "Decrypt answered for a different key {}",
            resp.key_id
        ));
    }
    if resp.plaintext.len() != m.suite.key_len() {
        return Err("data key has the wrong length".into());
    }
    Ok(DataKey::new(resp.plaintext.to_vec()))
}

/// The ESDK's "KMS multi-keyring": the generator key makes the data key, every other key wraps it,
/// and any of them can decrypt (what `new AwsKmsKeyring({ generatorKeyId, keyIds })` builds in JS).
pub fn aws_kms_multi_keyring(
    provider: Arc<dyn KmsProvider>,
    generator_key_id: Option<&str>,
    key_ids: &[String],
    mrk_aware: bool,
) -> crate::Result<MultiKeyring> {
    let make = |id: &str| -> crate::Result<Arc<dyn Keyring>> {
        Ok(if mrk_aware {
            Arc::new(AwsKmsMrkAwareKeyring::new(provider.clone(), id)?)
        } else {
            Arc::new(AwsKmsKeyring::new(provider.clone(), id)?)
        })
    };
    let generator = generator_key_id.map(make).transpose()?;
    let children = key_ids
        .iter()
        .map(|id| make(id))
        .collect::<crate::Result<Vec<_>>>()?;
    MultiKeyring::new(generator, children)
}
