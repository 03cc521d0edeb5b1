//! Keyrings: generate, wrap and unwrap data keys (spec: framework/keyring-interface.md).

mod attempts;
pub mod hierarchical;
pub mod kms;
mod multi;
mod raw_aes;
mod raw_rsa;

pub use hierarchical::HierarchicalKeyring;
pub use kms::{
    aws_kms_multi_keyring, AwsKmsDiscoveryKeyring, AwsKmsKeyring, AwsKmsMrkAwareKeyring,
    AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, DiscoveryFilter, KmsRsaOfflineKeyring,
};
pub use multi::MultiKeyring;
pub use raw_aes::RawAesKeyring;
pub use raw_rsa::RawRsaKeyring;

use crate::error::Result;
use crate::future::{BoxFuture, MaybeSend, MaybeSync};
use crate::materials::{DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};

/// A keyring. Both operations are async so that keyrings can call a key service.
pub trait Keyring: MaybeSend + MaybeSync {
    /// Generates the data key if none is set yet, and adds this keyring's encrypted copy.
    fn on_encrypt(
        &self,
        materials: EncryptionMaterials,
    ) -> BoxFuture<'_, Result<EncryptionMaterials>>;

    /// Unwraps one of `edks` into `materials` if the data key is not set yet.
    ///
    /// When nothing could be unwrapped, returns [`crate::Error::NoDecryptingKeyring`]
    /// listing each EDK tried and why it failed.
    fn on_decrypt<'a>(
        &'a self,
        materials: DecryptionMaterials,
        edks: &'a [EncryptedDataKey],
    ) -> BoxFuture<'a, Result<DecryptionMaterials>>;

    /// The keyrings a multi-keyring combines (generator first), or `None` for a single keyring.
    ///
    /// Item encryption wraps a distinct intermediate key with each leaf keyring
    /// (ESDK spec framework/algorithm-suites.md, "Intermediate Key Wrapping"), so it needs to
    /// reach the leaves.
    fn leaf_keyrings(&self) -> Option<Vec<std::sync::Arc<dyn Keyring>>> {
        None
    }
}

/// Refuses namespaces reserved for the KMS keyrings (spec: keyring-interface.md).
pub(crate) fn check_raw_namespace(namespace: &str) -> Result<()> {
    if namespace.starts_with("aws-kms") {
        return Err(crate::Error::invalid(format!(
            "keyNamespace '{namespace}' is reserved for AWS KMS keyrings"
        )));
    }
    Ok(())
}
