//! A TTL cache of branch keys, shareable between hierarchical keyrings
//! (spec: aws-kms-hierarchical-keyring.md#cache; the MPL's "shared cache").

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::branch_key::BranchKey;
use super::clock::{Clock, SystemClock};

#[derive(Clone, PartialEq, Eq, Hash)]
enum CacheKey {
    Active(String),
    Version(String, String),
}

struct Entry {
    key: BranchKey,
    expires_at: u64,
}

/// Branch keys with a time-to-live. Keys are zeroized when evicted (the [`BranchKey`] drops).
pub struct BranchKeyCache {
    ttl_millis: u64,
    capacity: usize,
    clock: Arc<dyn Clock>,
    entries: Mutex<HashMap<CacheKey, Entry>>,
}

impl core::fmt::Debug for BranchKeyCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BranchKeyCache")
            .field("ttl_millis", &self.ttl_millis)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl BranchKeyCache {
    /// A cache keeping up to `capacity` entries for `ttl`, on the system clock.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self::with_clock(ttl, capacity, Arc::new(SystemClock))
    }

    /// A cache on an explicit clock.
    pub fn with_clock(ttl: Duration, capacity: usize, clock: Arc<dyn Clock>) -> Self {
        BranchKeyCache {
            ttl_millis: ttl.as_millis().min(u64::MAX as u128) as u64,
            capacity: capacity.max(1),
            clock,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, key: &CacheKey) -> Option<BranchKey> {
        let now = self.clock.now_millis();
        let mut entries = self.entries.lock().ok()?;
        match entries.get(key) {
            Some(e) if now < e.expires_at => Some(e.key.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: CacheKey, value: BranchKey) {
        if self.ttl_millis == 0 {
            return;
        }
        let now = self.clock.now_millis();
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, e| now < e.expires_at);
            if entries.len() >= self.capacity {
                // Evict the entry closest to expiry.
                if let Some(k) = entries
                    .iter()
                    .min_by_key(|(_, e)| e.expires_at)
                    .map(|(k, _)| k.clone())
                {
                    entries.remove(&k);
                }
            }
        }
        entries.insert(
            key,
            Entry {
                key: value,
                expires_at: now.saturating_add(self.ttl_millis),
            },
        );
    }

    /// The cached active version of `branch_key_id`, if fresh.
    pub fn get_active(&self, branch_key_id: &str) -> Option<BranchKey> {
        self.get(&CacheKey::Active(branch_key_id.to_owned()))
    }

    /// Caches the active version.
    pub fn put_active(&self, key: BranchKey) {
        self.put(CacheKey::Active(key.branch_key_id().to_owned()), key)
    }

    /// A cached specific version, if fresh.
    pub fn get_version(&self, branch_key_id: &str, version: &str) -> Option<BranchKey> {
        self.get(&CacheKey::Version(
            branch_key_id.to_owned(),
            version.to_owned(),
        ))
    }

    /// Caches a specific version.
    pub fn put_version(&self, key: BranchKey) {
        self.put(
            CacheKey::Version(key.branch_key_id().to_owned(), key.version().to_owned()),
            key,
        )
    }

    /// Number of entries (fresh or not yet evicted).
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
