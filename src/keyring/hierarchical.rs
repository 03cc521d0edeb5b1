//! The hierarchical keyring (ESDK spec: framework/aws-kms/aws-kms-hierarchical-keyring.md,
//! "Branch Key Wrapping" and "Branch Key Wrapping and Unwrapping AAD"): data keys are wrapped under keys derived from versioned *branch keys*,
//! which come from a [`BranchKeyStore`] through a TTL cache.
//!
//! EDK: provider id `aws-kms-hierarchy`, provider info = branch key id (UTF-8), ciphertext =
//! `salt(16) ‖ iv(12) ‖ version(16) ‖ AES-256-GCM(dk, iv, aad, key)` where
//! `dk = HMAC-SHA256(branchKey, u32be(1) ‖ "aws-kms-hierarchy" ‖ 0x00 ‖ salt ‖ u32be(256))`
//! (NIST SP 800-108 counter mode, one block) and
//! `aad = "aws-kms-hierarchy" ‖ branchKeyId ‖ version ‖ serialized encryption context`.

mod branch_key;
mod cache;
mod clock;
mod kms_store;
mod store;
mod supplier;

pub use branch_key::{uuid_from_bytes, uuid_to_bytes, BranchKey, BRANCH_KEY_LEN};
pub use cache::BranchKeyCache;
pub use clock::{Clock, ManualClock, SystemClock};
pub use kms_store::KmsBranchKeyStore;
pub use store::{BranchKeyStore, InMemoryBranchKeyStore, StaticBranchKeyStore};
pub use supplier::{BranchKeyIdSupplier, ContextKeySupplier};

use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::codec::Reader;
use crate::context::{self, EncryptionContext};
use crate::crypto::provider::{self, default_provider, CryptoProvider, GcmJob, MacHash};
use crate::crypto::random;
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::attempts::Attempts;
use crate::keyring::Keyring;
use crate::materials::{DataKey, DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};
use crate::suite::{IV_LEN, TAG_LEN};

/// The provider id of hierarchical keyring EDKs.
pub const PROVIDER_ID: &str = "aws-kms-hierarchy";
const SALT_LEN: usize = 16;
const VERSION_LEN: usize = 16;
/// Default cache time-to-live.
pub const DEFAULT_TTL: Duration = Duration::from_secs(600);
const DEFAULT_CACHE_CAPACITY: usize = 1000;

enum BranchKeyIdSource {
    Fixed(String),
    Supplier(Arc<dyn BranchKeyIdSupplier>),
}

/// Wraps data keys under branch keys from a [`BranchKeyStore`].
pub struct HierarchicalKeyring {
    source: BranchKeyIdSource,
    store: Arc<dyn BranchKeyStore>,
    cache: Arc<BranchKeyCache>,
    crypto: Arc<dyn CryptoProvider>,
}

impl core::fmt::Debug for HierarchicalKeyring {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let id = match &self.source {
            BranchKeyIdSource::Fixed(id) => id.as_str(),
            BranchKeyIdSource::Supplier(_) => "<supplier>",
        };
        f.debug_struct("HierarchicalKeyring")
            .field("branch_key_id", &id)
            .field("cache", &self.cache)
            .field("crypto", &self.crypto.name())
            .finish()
    }
}

impl HierarchicalKeyring {
    /// A keyring always using `branch_key_id`, with a private cache (10 minutes TTL).
    pub fn new(store: Arc<dyn BranchKeyStore>, branch_key_id: impl Into<String>) -> Result<Self> {
        let id = branch_key_id.into();
        if id.is_empty() {
            return Err(Error::invalid("branch key id must not be empty"));
        }
        Ok(HierarchicalKeyring {
            source: BranchKeyIdSource::Fixed(id),
            store,
            cache: default_cache(),
            crypto: default_provider(),
        })
    }

    /// A multi-tenant keyring: `supplier` picks the branch key id from each encryption context.
    pub fn with_supplier(
        store: Arc<dyn BranchKeyStore>,
        supplier: Arc<dyn BranchKeyIdSupplier>,
    ) -> Self {
        HierarchicalKeyring {
            source: BranchKeyIdSource::Supplier(supplier),
            store,
            cache: default_cache(),
            crypto: default_provider(),
        }
    }

    /// Uses `cache` (e.g. one shared by several keyrings, or with a custom TTL or clock).
    pub fn with_cache(mut self, cache: Arc<BranchKeyCache>) -> Self {
        self.cache = cache;
        self
    }

    /// Derives wrapping keys and wraps data keys with `crypto` instead of the build's
    /// [`default_provider`] (WebCrypto in the small browser modules, RustCrypto elsewhere).
    pub fn with_provider(mut self, crypto: Arc<dyn CryptoProvider>) -> Self {
        self.crypto = crypto;
        self
    }

    /// The wrapping key of one EDK (the spec's "hierarchical keyring", wrapping key derivation:
    /// NIST SP 800-108 KDF in counter mode over HMAC-SHA-256, one block):
    /// `HMAC-SHA256(branchKey, u32be(1) ‖ "aws-kms-hierarchy" ‖ 0x00 ‖ salt ‖ u32be(256))`.
    async fn wrapping_key(&self, branch_key: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let mut input = Vec::with_capacity(4 + PROVIDER_ID.len() + 1 + salt.len() + 4);
        input.extend_from_slice(&1u32.to_be_bytes());
        input.extend_from_slice(PROVIDER_ID.as_bytes());
        input.push(0);
        input.extend_from_slice(salt);
        input.extend_from_slice(&256u32.to_be_bytes());
        let tag = self
            .crypto
            .hmac(MacHash::Sha256, branch_key, &input)
            .await?;
        let key = <[u8; 32]>::try_from(&tag[..])
            .map_err(|_| Error::Keyring("HMAC-SHA-256 gave a tag of the wrong length".into()))?;
        Ok(Zeroizing::new(key))
    }

    fn branch_key_id(&self, ec: &EncryptionContext) -> Result<String> {
        match &self.source {
            BranchKeyIdSource::Fixed(id) => Ok(id.clone()),
            BranchKeyIdSource::Supplier(s) => {
                let id = s.branch_key_id(ec)?;
                if id.is_empty() {
                    return Err(Error::Keyring(
                        "branch key id supplier returned an empty id".into(),
                    ));
                }
                Ok(id)
            }
        }
    }

    async fn active_key(&self, id: &str) -> Result<BranchKey> {
        if let Some(k) = self.cache.get_active(id) {
            return Ok(k);
        }
        let k = self.store.get_active_branch_key(id).await?;
        check_returned(&k, id, None)?;
        self.cache.put_active(k.clone());
        Ok(k)
    }

    async fn versioned_key(&self, id: &str, version: &str) -> Result<BranchKey> {
        if let Some(k) = self.cache.get_version(id, version) {
            return Ok(k);
        }
        let k = self.store.get_branch_key_version(id, version).await?;
        check_returned(&k, id, Some(version))?;
        self.cache.put_version(k.clone());
        Ok(k)
    }
}

fn default_cache() -> Arc<BranchKeyCache> {
    Arc::new(BranchKeyCache::new(DEFAULT_TTL, DEFAULT_CACHE_CAPACITY))
}

/// A store must return the key it was asked for (a confused store must not redirect encryption).
fn check_returned(k: &BranchKey, id: &str, version: Option<&str>) -> Result<()> {
    if k.branch_key_id() != id || version.is_some_and(|v| v != k.version()) {
        return Err(Error::Keyring(format!(
            "branch key store returned a different key than '{id}' asked for"
        )));
    }
    Ok(())
}

fn wrapping_aad(
    branch_key_id: &str,
    version: &[u8; VERSION_LEN],
    ec: &EncryptionContext,
) -> Result<Vec<u8>> {
    let mut aad = Vec::new();
    aad.extend_from_slice(PROVIDER_ID.as_bytes());
    aad.extend_from_slice(branch_key_id.as_bytes());
    aad.extend_from_slice(version);
    aad.extend_from_slice(&context::serialize(ec)?);
    Ok(aad)
}

impl Keyring for HierarchicalKeyring {
    fn on_encrypt(&self, mut m: EncryptionMaterials) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        Box::pin(async move {
            let id = self.branch_key_id(&m.encryption_context)?;
            let bk = self.active_key(&id).await?;
            let data_key = m.data_key_or_generate()?;
            let mut salt = [0u8; SALT_LEN];
            random::fill(&mut salt)?;
            let mut iv = [0u8; IV_LEN];
            random::fill(&mut iv)?;
            let wrapping_key = self.wrapping_key(bk.key_bytes(), &salt).await?;
            let aad = wrapping_aad(&id, bk.version_bytes(), &m.encryption_context)?;
            let job = GcmJob {
                key: &wrapping_key,
                iv: &iv,
                aad: &aad,
                input: data_key.as_bytes(),
            };
            let sealed = provider::seal_one(self.crypto.as_ref(), job).await?;
            let mut ciphertext = Vec::with_capacity(SALT_LEN + IV_LEN + VERSION_LEN + sealed.len());
            ciphertext.extend_from_slice(&salt);
            ciphertext.extend_from_slice(&iv);
            ciphertext.extend_from_slice(bk.version_bytes());
            ciphertext.extend_from_slice(&sealed);
            m.encrypted_data_keys.push(EncryptedDataKey {
                provider_id: PROVIDER_ID.into(),
                provider_info: id.into_bytes(),
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
            let id = self.branch_key_id(&m.encryption_context)?;
            let mut attempts = Attempts::new(format!("hierarchical keyring (branch key '{id}')"));
            for (i, edk) in edks.iter().enumerate() {
                if edk.provider_id != PROVIDER_ID || edk.provider_info != id.as_bytes() {
                    continue;
                }
                let mut r = Reader::new(&edk.ciphertext);
                let parsed = (|| -> Result<_> {
                    let salt = r.array::<SALT_LEN>("edk.salt")?;
                    let iv = r.array::<IV_LEN>("edk.iv")?;
                    let version = r.array::<VERSION_LEN>("edk.version")?;
                    Ok((salt, iv, version, r.rest()))
                })();
                let Ok((salt, iv, version_bytes, sealed)) = parsed else {
                    attempts.failed(i, "too short");
                    continue;
                };
                if sealed.len() < TAG_LEN {
                    attempts.failed(i, "too short");
                    continue;
                }
                let version = uuid_from_bytes(&version_bytes);
                let bk = match self.versioned_key(&id, &version).await {
                    Ok(k) => k,
                    Err(e) => {
                        attempts.failed(i, format_args!("version {version}: {e}"));
                        continue;
                    }
                };
                let wrapping_key = self.wrapping_key(bk.key_bytes(), &salt).await?;
                let aad = wrapping_aad(&id, &version_bytes, &m.encryption_context)?;
                let job = GcmJob {
                    key: &wrapping_key,
                    iv: &iv,
                    aad: &aad,
                    input: sealed,
                };
                match provider::open_one(self.crypto.as_ref(), job).await? {
                    Ok(mut k) if k.len() == m.suite.key_len() => {
                        // The bytes move into the DataKey, which zeroizes them on drop.
                        m.data_key = Some(DataKey::new(core::mem::take(&mut *k)));
                        return Ok(m);
                    }
                    Ok(_) => attempts.failed(i, "unwrapped key has the wrong length"),
                    Err(_) => attempts.failed(
                        i,
                        "AES-GCM unwrap failed (wrong branch key or encryption context)",
                    ),
                }
            }
            Err(attempts.none_unwrapped(&format!(
                "no EDK with provider id '{PROVIDER_ID}' and this branch key id"
            )))
        })
    }
}
