//! The default CMM (spec: framework/default-cmm.md): keyring + signing keys.

use std::sync::Arc;

use crate::cmm::{CryptoMaterialsManager, DecryptionMaterialsRequest, EncryptionMaterialsRequest};
use crate::context::PUBLIC_KEY_FIELD;
use crate::crypto::signature::{SigningKey, VerifyingKey};
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::Keyring;
use crate::materials::{DecryptionMaterials, EncryptionMaterials};

/// Gets data keys from a keyring and manages the message signing key pair.
#[derive(Clone)]
pub struct DefaultCmm {
    keyring: Arc<dyn Keyring>,
}

impl DefaultCmm {
    /// A default CMM over `keyring`.
    pub fn new(keyring: Arc<dyn Keyring>) -> Self {
        DefaultCmm { keyring }
    }
}

impl CryptoMaterialsManager for DefaultCmm {
    fn get_encryption_materials(
        &self,
        req: EncryptionMaterialsRequest,
    ) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        Box::pin(async move {
            let suite = req
                .suite
                .unwrap_or_else(|| req.commitment_policy.default_suite());
            req.commitment_policy.check_encrypt(suite)?;
            let mut ec = req.encryption_context;
            if ec.contains_key(PUBLIC_KEY_FIELD) {
                return Err(Error::ReservedContextKey(PUBLIC_KEY_FIELD.into()));
            }
            let signing_key = match suite.signature() {
                Some(alg) => Some(SigningKey::generate(alg).await?),
                None => None,
            };
            if let Some(k) = &signing_key {
                ec.insert(PUBLIC_KEY_FIELD.into(), k.public_key_base64());
            }
            let materials = EncryptionMaterials {
                suite,
                encryption_context: ec,
                required_context_keys: req.required_context_keys,
                data_key: None,
                encrypted_data_keys: Vec::new(),
                signing_key,
            };
            let m = self.keyring.on_encrypt(materials).await?;
            if m.data_key.is_none() || m.encrypted_data_keys.is_empty() {
                return Err(Error::Keyring(
                    "keyring produced no data key or no encrypted data key".into(),
                ));
            }
            Ok(m)
        })
    }

    fn decrypt_materials(
        &self,
        req: DecryptionMaterialsRequest,
    ) -> BoxFuture<'_, Result<DecryptionMaterials>> {
        Box::pin(async move {
            req.commitment_policy.check_decrypt(req.suite)?;
            // cmm-interface.md "Decrypt Materials": reproduced pairs must equal stored ones;
            // reproduced pairs that were not stored become required (authenticated-only) pairs.
            let mut ec = req.stored_context;
            let mut required = crate::context::ContextKeys::new();
            for (k, v) in req.reproduced_context {
                match ec.get(&k) {
                    Some(stored) if *stored == v => {}
                    Some(_) => {
                        return Err(Error::ContextMismatch(format!(
                            "key '{k}' has a different value in the message"
                        )))
                    }
                    None => {
                        required.insert(k.clone());
                        ec.insert(k, v);
                    }
                }
            }
            let verifying_key = match (req.suite.signature(), ec.get(PUBLIC_KEY_FIELD)) {
                (Some(alg), Some(pk)) => Some(VerifyingKey::from_base64(alg, pk)?),
                (Some(_), None) => {
                    return Err(Error::malformed(
                        "header.encryption_context",
                        "signing suite but no aws-crypto-public-key in the encryption context",
                    ))
                }
                (None, Some(_)) => return Err(Error::malformed(
                    "header.encryption_context",
                    "non-signing suite but the encryption context carries aws-crypto-public-key",
                )),
                (None, None) => None,
            };
            let materials = DecryptionMaterials {
                suite: req.suite,
                encryption_context: ec,
                required_context_keys: required,
                data_key: None,
                verifying_key,
            };
            let m = self
                .keyring
                .on_decrypt(materials, &req.encrypted_data_keys)
                .await?;
            if m.data_key.is_none() {
                return Err(Error::NoDecryptingKeyring(vec![
                    "keyring returned without a data key".into(),
                ]));
            }
            Ok(m)
        })
    }
}
