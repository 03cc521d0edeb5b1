//! The caching CMM (spec: framework/caching-cmm.md): reuses the materials of an underlying CMM
//! (or keyring) for many messages, within a time-to-live and usage limits, so a key service is
//! called once per data key rather than once per message.

use std::sync::Arc;
use std::time::Duration;

use crate::cmm::cache_id::{self, CacheId};
use crate::cmm::materials_cache::{
    CacheEntry, CachedMaterials, LocalCryptoMaterialsCache, Lookup, Use,
};
use crate::cmm::single_flight::{After, Landing, RequestTag};
use crate::cmm::{
    CryptoMaterialsManager, DecryptionMaterialsRequest, DefaultCmm, EncryptionMaterialsRequest,
};
use crate::context::ContextKeys;
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::hierarchical::{Clock, SystemClock};
use crate::keyring::Keyring;
use crate::materials::{DecryptionMaterials, EncryptionMaterials};
use crate::policy::CommitmentPolicy;
use crate::suite::{AlgorithmSuite, KeyDerivation};

/// The default and largest message limit per data key: 2^32 ("Limit Messages"; the AWS
/// Encryption SDK developer guide, "Setting cache security thresholds").
pub const MAX_MESSAGES_ENCRYPTED: u64 = 1 << 32;
/// The default and largest byte limit per data key: 2^63 - 1 ("Limit Bytes").
pub const MAX_BYTES_ENCRYPTED: u64 = (1 << 63) - 1;

/// A CMM that caches the materials of another CMM (or of a default CMM over a keyring).
///
/// Each data key is reused until its entry is older than `max_age`, or has encrypted
/// `max_messages_encrypted` messages or `max_bytes_encrypted` bytes. Requests that miss on the
/// same entry at the same time make one call to the underlying CMM. Messages of unknown length
/// (a streaming encryptor started without a length) and suites without key derivation are not
/// cached (caching-cmm.md "Get Encryption Materials", "Decrypt Materials").
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use sealkit::cmm::{CachingMaterialsManager, LocalCryptoMaterialsCache};
/// use sealkit::{Client, CommitmentPolicy, DecryptOptions, EncryptOptions, RawAesKeyring};
/// # sealkit::block_on(async {
/// let keyring = Arc::new(RawAesKeyring::new("ns", "key", &[7u8; 32])?);
/// let cache = Arc::new(LocalCryptoMaterialsCache::new(100));
/// let cmm = Arc::new(
///     CachingMaterialsManager::with_keyring(keyring, cache, Duration::from_secs(300))?
///         .with_max_messages_encrypted(1000)?,
/// );
/// let client = Client::new(CommitmentPolicy::RequireEncryptRequireDecrypt);
/// let a = client.encrypt(cmm.clone(), b"one", EncryptOptions::default()).await?;
/// let b = client.encrypt(cmm.clone(), b"two", EncryptOptions::default()).await?;
/// assert_eq!(a.header.encrypted_data_keys, b.header.encrypted_data_keys); // one data key
/// assert_eq!(client.decrypt(cmm, &b.ciphertext, DecryptOptions::default()).await?.plaintext, b"two");
/// # Ok::<(), sealkit::Error>(())
/// # }).unwrap();
/// ```
pub struct CachingMaterialsManager {
    inner: Arc<dyn CryptoMaterialsManager>,
    cache: Arc<LocalCryptoMaterialsCache>,
    partition: [u8; 64],
    max_age_millis: u64,
    max_messages: u64,
    max_bytes: u64,
    clock: Arc<dyn Clock>,
}

impl core::fmt::Debug for CachingMaterialsManager {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CachingMaterialsManager")
            .field("max_age_millis", &self.max_age_millis)
            .field("max_messages_encrypted", &self.max_messages)
            .field("max_bytes_encrypted", &self.max_bytes)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl CachingMaterialsManager {
    /// Caches the materials of `inner` in `cache` for at most `max_age` each ("Initialization":
    /// the cache and the TTL are required, the TTL greater than zero). The partition is a random
    /// UUID, so the entries are this manager's alone until [`with_partition`](Self::with_partition).
    pub fn new(
        inner: Arc<dyn CryptoMaterialsManager>,
        cache: Arc<LocalCryptoMaterialsCache>,
        max_age: Duration,
    ) -> Result<Self> {
        let max_age_millis = u64::try_from(max_age.as_millis()).unwrap_or(u64::MAX);
        if max_age_millis == 0 {
            return Err(Error::invalid(
                "maxAge must be at least one millisecond (caching-cmm.md: the TTL is greater than zero)",
            ));
        }
        // "Partition ID": unset, it MUST uniquely identify this manager.
        let mut uuid = [0u8; 16];
        crate::crypto::random::fill(&mut uuid)?;
        uuid[6] = (uuid[6] & 0x0f) | 0x40; // version 4
        uuid[8] = (uuid[8] & 0x3f) | 0x80; // RFC 4122 variant
        let partition = crate::keyring::hierarchical::uuid_from_bytes(&uuid);
        Ok(CachingMaterialsManager {
            inner,
            cache,
            partition: cache_id::partition_hash(&partition),
            max_age_millis,
            max_messages: MAX_MESSAGES_ENCRYPTED,
            max_bytes: MAX_BYTES_ENCRYPTED,
            clock: Arc::new(SystemClock),
        })
    }

    /// Caches the materials of a default CMM over `keyring` ("Initialization": a keyring is
    /// wrapped in a default CMM).
    pub fn with_keyring(
        keyring: Arc<dyn Keyring>,
        cache: Arc<LocalCryptoMaterialsCache>,
        max_age: Duration,
    ) -> Result<Self> {
        Self::new(Arc::new(DefaultCmm::new(keyring)), cache, max_age)
    }

    /// Shares entries with the managers on the same cache that use the same partition name.
    pub fn with_partition(mut self, partition: &str) -> Self {
        self.partition = cache_id::partition_hash(partition);
        self
    }

    /// At most `n` messages per data key, 1 to 2^32 (default 2^32).
    pub fn with_max_messages_encrypted(mut self, n: u64) -> Result<Self> {
        if n == 0 || n > MAX_MESSAGES_ENCRYPTED {
            return Err(Error::invalid(format!(
                "maxMessagesEncrypted must be between 1 and 2^32, not {n}"
            )));
        }
        self.max_messages = n;
        Ok(self)
    }

    /// At most `n` plaintext bytes per data key, up to 2^63 - 1 (the default).
    pub fn with_max_bytes_encrypted(mut self, n: u64) -> Result<Self> {
        if n > MAX_BYTES_ENCRYPTED {
            return Err(Error::invalid(format!(
                "maxBytesEncrypted must be at most 2^63 - 1, not {n}"
            )));
        }
        self.max_bytes = n;
        Ok(self)
    }

    /// Reads time from `clock` (tests use a manual clock).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The cache this manager uses.
    pub fn cache(&self) -> &Arc<LocalCryptoMaterialsCache> {
        &self.cache
    }

    fn expiry(&self, now: u64) -> u64 {
        now.saturating_add(self.max_age_millis)
    }

    /// Serves one request through the cache: a usable entry (`decide` charges its usage under
    /// the cache's lock), else one call to the underlying CMM per identifier at a time
    /// (single-flight; see `single_flight` for what waiters do when it lands). `fetch` makes
    /// the call and returns the materials with the entry to store, if they can be cached; the
    /// entry's expiry is set here, from the time the call returned.
    async fn through_cache<R, Fut>(
        &self,
        id: &CacheId,
        tag: &RequestTag,
        mut decide: impl FnMut(&mut CacheEntry) -> Use<R>,
        fetch: impl FnOnce() -> Fut,
    ) -> Result<R>
    where
        Fut: core::future::Future<Output = Result<(R, Option<CacheEntry>)>>,
    {
        loop {
            let now = self.clock.now_millis();
            let guard = match self.cache.lookup(id, now, &mut decide) {
                Lookup::Hit(m) => return Ok(m),
                Lookup::Wait(w) => match w.await.after(tag) {
                    After::LookAgain => continue,
                    After::Fail(e) => return Err(e),
                    After::Bypass => return fetch().await.map(|(m, _)| m),
                },
                Lookup::Lead(guard) => guard,
            };
            return match fetch().await {
                Ok((m, Some(mut entry))) => {
                    let now = self.clock.now_millis();
                    entry.expires_at = self.expiry(now);
                    self.cache.put(id, entry, now);
                    guard.land(Landing::Stored);
                    Ok(m)
                }
                Ok((m, None)) => {
                    guard.land(Landing::Uncached);
                    Ok(m)
                }
                Err(error) => {
                    guard.land(Landing::Failed {
                        tag: *tag,
                        error: error.duplicate(),
                    });
                    Err(error)
                }
            };
        }
    }

    async fn encryption_materials(
        &self,
        mut req: EncryptionMaterialsRequest,
    ) -> Result<EncryptionMaterials> {
        let length = match req.max_plaintext_length {
            Some(n) if !req.suite.is_some_and(identity_kdf) => n,
            _ => return self.inner.get_encryption_materials(req).await,
        };
        if length > self.max_bytes {
            // The message alone would exceed an entry's byte budget: its materials are never
            // reusable, so they are neither looked up nor stored.
            return self.inner.get_encryption_materials(req).await;
        }
        let id = cache_id::encryption(&self.partition, req.suite, &req.encryption_context)?;
        let tag = request_tag(
            req.commitment_policy,
            req.required_context_keys.iter().map(|k| (k.as_str(), "")),
        );
        let policy = req.commitment_policy;
        let required = req.required_context_keys.clone();
        let decide =
            |entry: &mut CacheEntry| self.use_for_encrypt(entry, policy, &required, length);
        let fetch = || async move {
            // "the request MUST include a Max Plaintext Length with a value equal to its Limit
            // Bytes value".
            req.max_plaintext_length = Some(self.max_bytes);
            let required = req.required_context_keys.clone();
            let m = self.inner.get_encryption_materials(req).await?;
            // A suite the underlying CMM chose may lack key derivation too; a host-held signing
            // key cannot be copied for the next message.
            let reusable = 1 < self.max_messages && length < self.max_bytes;
            let copy = match reusable && !identity_kdf(m.suite) {
                true => copy_encryption_materials(&m),
                false => None,
            };
            let entry = copy.map(|materials| CacheEntry {
                materials: CachedMaterials::Encrypt {
                    materials,
                    commitment_policy: policy,
                    required_context_keys: required,
                },
                expires_at: 0,
                // "the caching CMM MUST set the initial usage stats": this message.
                messages_encrypted: 1,
                bytes_encrypted: length,
            });
            Ok((m, entry))
        };
        self.through_cache(&id, &tag, decide, fetch).await
    }

    /// "Usage Stats": a hit charges the message and its bytes to the entry; an entry that
    /// cannot take them is evicted, and one they use up is evicted after this use.
    fn use_for_encrypt(
        &self,
        entry: &mut CacheEntry,
        policy: CommitmentPolicy,
        required: &ContextKeys,
        length: u64,
    ) -> Use<EncryptionMaterials> {
        let CachedMaterials::Encrypt {
            materials,
            commitment_policy,
            required_context_keys,
        } = &entry.materials
        else {
            return Use::Evict;
        };
        if *commitment_policy != policy || required_context_keys != required {
            return Use::Skip;
        }
        let messages = entry.messages_encrypted.saturating_add(1);
        let bytes = entry.bytes_encrypted.saturating_add(length);
        if messages > self.max_messages || bytes > self.max_bytes {
            return Use::Evict;
        }
        let Some(copy) = copy_encryption_materials(materials) else {
            return Use::Evict;
        };
        entry.messages_encrypted = messages;
        entry.bytes_encrypted = bytes;
        if messages >= self.max_messages || bytes >= self.max_bytes {
            Use::HitLast(copy)
        } else {
            Use::Hit(copy)
        }
    }

    async fn decryption_materials(
        &self,
        req: DecryptionMaterialsRequest,
    ) -> Result<DecryptionMaterials> {
        if identity_kdf(req.suite) {
            return self.inner.decrypt_materials(req).await;
        }
        // Appendix A hashes the context stored in the message; the pairs the caller reproduces
        // are compared on a hit instead (see `CachedMaterials`).
        let id: CacheId = cache_id::decryption(
            &self.partition,
            req.suite,
            &req.encrypted_data_keys,
            &req.stored_context,
        )?;
        let tag = request_tag(
            req.commitment_policy,
            req.reproduced_context
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        );
        let policy = req.commitment_policy;
        let reproduced = req.reproduced_context.clone();
        let decide = |entry: &mut CacheEntry| match &entry.materials {
            CachedMaterials::Decrypt {
                materials,
                commitment_policy,
                reproduced_context,
            } if *commitment_policy == policy && *reproduced_context == reproduced => {
                Use::Hit(materials.clone())
            }
            CachedMaterials::Decrypt { .. } => Use::Skip,
            CachedMaterials::Encrypt { .. } => Use::Evict,
        };
        let fetch = || async move {
            let reproduced_context = req.reproduced_context.clone();
            let m = self.inner.decrypt_materials(req).await?;
            let entry = CacheEntry {
                materials: CachedMaterials::Decrypt {
                    materials: m.clone(),
                    commitment_policy: policy,
                    reproduced_context,
                },
                expires_at: 0,
                messages_encrypted: 0,
                bytes_encrypted: 0,
            };
            Ok((m, Some(entry)))
        };
        self.through_cache(&id, &tag, decide, fetch).await
    }
}

/// The [`RequestTag`] of a request: its commitment policy and its required keys (encrypt) or
/// reproduced pairs (decrypt), each string length-prefixed so that no two lists share a digest.
fn request_tag<'a>(
    policy: CommitmentPolicy,
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> RequestTag {
    use sha2::{Digest, Sha512};
    let mut h = Sha512::new();
    h.update([policy as u8]);
    for (k, v) in pairs {
        for s in [k, v] {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
    }
    h.finalize().into()
}

/// Suites whose data key is the content key: caching one would reuse a content key across
/// messages, so the caching CMM never stores them (caching-cmm.md "Get Encryption Materials").
fn identity_kdf(suite: AlgorithmSuite) -> bool {
    matches!(suite.kdf(), KeyDerivation::Identity)
}

fn copy_encryption_materials(m: &EncryptionMaterials) -> Option<EncryptionMaterials> {
    let signing_key = match &m.signing_key {
        Some(k) => Some(k.try_clone()?),
        None => None,
    };
    Some(EncryptionMaterials {
        suite: m.suite,
        encryption_context: m.encryption_context.clone(),
        required_context_keys: m.required_context_keys.clone(),
        data_key: m.data_key.clone(),
        encrypted_data_keys: m.encrypted_data_keys.clone(),
        signing_key,
    })
}

impl CryptoMaterialsManager for CachingMaterialsManager {
    fn get_encryption_materials(
        &self,
        request: EncryptionMaterialsRequest,
    ) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        Box::pin(self.encryption_materials(request))
    }

    fn decrypt_materials(
        &self,
        request: DecryptionMaterialsRequest,
    ) -> BoxFuture<'_, Result<DecryptionMaterials>> {
        Box::pin(self.decryption_materials(request))
    }
}
