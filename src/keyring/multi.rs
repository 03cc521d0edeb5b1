//! The multi-keyring (spec: framework/multi-keyring.md): a generator plus children.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::Keyring;
use crate::materials::{DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};

/// Combines keyrings: the generator makes the data key, every keyring wraps it, and any
/// one of them may unwrap it.
pub struct MultiKeyring {
    generator: Option<Arc<dyn Keyring>>,
    children: Vec<Arc<dyn Keyring>>,
}

impl MultiKeyring {
    /// A multi-keyring; without a generator, encryption needs a data key from elsewhere.
    pub fn new(
        generator: Option<Arc<dyn Keyring>>,
        children: Vec<Arc<dyn Keyring>>,
    ) -> Result<Self> {
        if generator.is_none() && children.is_empty() {
            return Err(Error::invalid(
                "MultiKeyring needs a generator or at least one child",
            ));
        }
        Ok(MultiKeyring {
            generator,
            children,
        })
    }
}

impl Keyring for MultiKeyring {
    fn on_encrypt(&self, mut m: EncryptionMaterials) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        Box::pin(async move {
            if let Some(g) = &self.generator {
                m = g.on_encrypt(m).await?;
            }
            if m.data_key.is_none() {
                return Err(Error::Keyring(
                    "multi-keyring has no generator and no data key was provided".into(),
                ));
            }
            for child in &self.children {
                m = child.on_encrypt(m).await?;
            }
            Ok(m)
        })
    }

    fn on_decrypt<'a>(
        &'a self,
        m: DecryptionMaterials,
        edks: &'a [EncryptedDataKey],
    ) -> BoxFuture<'a, Result<DecryptionMaterials>> {
        Box::pin(async move {
            if m.data_key.is_some() {
                return Ok(m);
            }
            let mut attempts = Vec::new();
            for k in self.generator.iter().chain(self.children.iter()) {
                match k.on_decrypt(m.clone(), edks).await {
                    Ok(done) if done.data_key.is_some() => return Ok(done),
                    Ok(_) => attempts.push("a keyring returned without a data key".to_string()),
                    Err(Error::NoDecryptingKeyring(list)) => attempts.extend(list),
                    Err(e) => attempts.push(e.to_string()),
                }
            }
            Err(Error::NoDecryptingKeyring(attempts))
        })
    }

    fn leaf_keyrings(&self) -> Option<Vec<Arc<dyn Keyring>>> {
        Some(
            self.generator
                .iter()
                .chain(self.children.iter())
                .cloned()
                .collect(),
        )
    }
}
