//! The required-encryption-context CMM (spec: framework/required-encryption-context-cmm.md).

use std::sync::Arc;

use crate::cmm::{CryptoMaterialsManager, DecryptionMaterialsRequest, EncryptionMaterialsRequest};
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::materials::{DecryptionMaterials, EncryptionMaterials};

/// Requires certain context keys on encrypt and decrypt; their pairs are authenticated but
/// not stored in the message, so decrypt must be given them again.
pub struct RequiredEncryptionContextCmm {
    inner: Arc<dyn CryptoMaterialsManager>,
    required_keys: crate::context::ContextKeys,
}

impl RequiredEncryptionContextCmm {
    /// Wraps `inner`, requiring `required_keys`.
    pub fn new(
        inner: Arc<dyn CryptoMaterialsManager>,
        required_keys: impl IntoIterator<Item = String>,
    ) -> Self {
        // Inserted one by one (not collected: that would sort, see message::decrypt).
        let mut keys = crate::context::ContextKeys::new();
        for k in required_keys {
            keys.insert(k);
        }
        RequiredEncryptionContextCmm {
            inner,
            required_keys: keys,
        }
    }

    fn missing<'a>(
        &'a self,
        present: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = &'a String> + 'a {
        self.required_keys.iter().filter(move |k| !present(k))
    }
}

impl CryptoMaterialsManager for RequiredEncryptionContextCmm {
    fn get_encryption_materials(
        &self,
        mut req: EncryptionMaterialsRequest,
    ) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        Box::pin(async move {
            if let Some(k) = self
                .missing(|k| req.encryption_context.contains_key(k))
                .next()
            {
                return Err(Error::ContextMismatch(format!(
                    "required key '{k}' is missing from the encryption context"
                )));
            }
            req.required_context_keys
                .extend(self.required_keys.iter().cloned());
            let m = self.inner.get_encryption_materials(req).await?;
            if let Some(k) = self.missing(|k| m.required_context_keys.contains(k)).next() {
                return Err(Error::Keyring(format!(
                    "materials do not mark '{k}' as required"
                )));
            }
            Ok(m)
        })
    }

    fn decrypt_materials(
        &self,
        req: DecryptionMaterialsRequest,
    ) -> BoxFuture<'_, Result<DecryptionMaterials>> {
        Box::pin(async move {
            if let Some(k) = self
                .missing(|k| req.reproduced_context.contains_key(k))
                .next()
            {
                return Err(Error::ContextMismatch(format!(
                    "required key '{k}' must be supplied in the decrypt encryption context"
                )));
            }
            let m = self.inner.decrypt_materials(req).await?;
            if let Some(k) = self
                .missing(|k| m.encryption_context.contains_key(k))
                .next()
            {
                return Err(Error::ContextMismatch(format!(
                    "required key '{k}' is missing from the materials"
                )));
            }
            Ok(m)
        })
    }
}
