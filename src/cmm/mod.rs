//! Cryptographic materials managers (spec: framework/cmm-interface.md).

pub mod cache_id;
mod caching;
mod default;
mod materials_cache;
mod required_context;
mod single_flight;

pub use caching::{CachingMaterialsManager, MAX_BYTES_ENCRYPTED, MAX_MESSAGES_ENCRYPTED};
pub use default::DefaultCmm;
pub use materials_cache::LocalCryptoMaterialsCache;
pub use required_context::RequiredEncryptionContextCmm;

use crate::context::EncryptionContext;
use crate::error::Result;
use crate::future::{BoxFuture, MaybeSend, MaybeSync};
use crate::materials::{DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};
use crate::policy::CommitmentPolicy;
use crate::suite::AlgorithmSuite;

/// Input to [`CryptoMaterialsManager::get_encryption_materials`].
#[derive(Clone, Debug)]
pub struct EncryptionMaterialsRequest {
    /// The caller's encryption context.
    pub encryption_context: EncryptionContext,
    /// The suite the caller asked for, if any.
    pub suite: Option<AlgorithmSuite>,
    /// Policy the suite must satisfy.
    pub commitment_policy: CommitmentPolicy,
    /// Context keys to authenticate without storing them in the header.
    pub required_context_keys: crate::context::ContextKeys,
    /// An upper bound on the plaintext the materials will encrypt, when the caller knows it
    /// (cmm-interface.md "Encryption Materials Request": Max Plaintext Length). The caching CMM
    /// caches only requests that carry it, so it can charge the bytes to the entry's budget.
    pub max_plaintext_length: Option<u64>,
}

/// Input to [`CryptoMaterialsManager::decrypt_materials`].
#[derive(Clone, Debug)]
pub struct DecryptionMaterialsRequest {
    /// The message's suite.
    pub suite: AlgorithmSuite,
    /// Policy the suite must satisfy.
    pub commitment_policy: CommitmentPolicy,
    /// The message's encrypted data keys.
    pub encrypted_data_keys: Vec<EncryptedDataKey>,
    /// The context stored in the header.
    pub stored_context: EncryptionContext,
    /// Pairs the caller supplies: they must match stored pairs, and supply unstored ones.
    pub reproduced_context: EncryptionContext,
}

/// Produces the materials a message is encrypted or decrypted with.
pub trait CryptoMaterialsManager: MaybeSend + MaybeSync {
    /// Materials for a new message.
    fn get_encryption_materials(
        &self,
        request: EncryptionMaterialsRequest,
    ) -> BoxFuture<'_, Result<EncryptionMaterials>>;

    /// Materials for decrypting a parsed message.
    fn decrypt_materials(
        &self,
        request: DecryptionMaterialsRequest,
    ) -> BoxFuture<'_, Result<DecryptionMaterials>>;
}
