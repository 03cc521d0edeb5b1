//! A TTL cache of branch keys, shareable between hierarchical keyrings
//! (spec: aws-kms-hierarchical-keyring.md#cache; the MPL's "shared cache").

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::branch_key::BranchKey;
use super::clock::{Clock, SystemClock};

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
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
    // Sorted by key, searched by bisection: no hash table (and its hasher) in the small wasm
    // modules, and lookups stay O(log n) up to the capacity.
    entries: Mutex<Vec<(CacheKey, Entry)>>,
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
            entries: Mutex::new(Vec::new()),
        }
    }

    fn get(&self, key: &CacheKey) -> Option<BranchKey> {
        let now = self.clock.now_millis();
        let mut entries = self.entries.lock().ok()?;
        let i = entries.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
        if now < entries[i].1.expires_at {
            return Some(entries[i].1.key.clone());
        }
        entries.remove(i);
        None
    }

    fn put(&self, key: CacheKey, value: BranchKey) {
        if self.ttl_millis == 0 {
            return;
        }
        let now = self.clock.now_millis();
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let entry = Entry {
            key: value,
            expires_at: now.saturating_add(self.ttl_millis),
        };
        if let Ok(i) = entries.binary_search_by(|(k, _)| k.cmp(&key)) {
            entries[i].1 = entry;
            return;
        }
        if entries.len() >= self.capacity {
            entries.retain(|(_, e)| now < e.expires_at);
            if entries.len() >= self.capacity {
                // Evict the entry closest to expiry.
                if let Some(i) = (0..entries.len()).min_by_key(|&i| entries[i].1.expires_at) {
                    entries.remove(i);
                }
            }
        }
        let at = entries
            .binary_search_by(|(k, _)| k.cmp(&key))
            .unwrap_or_else(|i| i);
        entries.insert(at, (key, entry));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyring::hierarchical::clock::ManualClock;

    fn key(id: &str, n: u8) -> BranchKey {
        let version = format!("e9ce18a3-edb5-4272-9f86-1cacb7997f{n:02x}");
        BranchKey::new(id, &version, &[n; 32]).unwrap()
    }

    #[test]
    fn entries_expire_are_replaced_and_the_soonest_to_expire_is_evicted_at_capacity() {
        let clock = Arc::new(ManualClock::new(1_000));
        let cache = BranchKeyCache::with_clock(Duration::from_millis(100), 3, clock.clone());
        cache.put_active(key("b", 1));
        clock.advance(10);
        cache.put_active(key("a", 2));
        cache.put_version(key("a", 3));
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get_active("b").unwrap().key_bytes(), &[1; 32]);
        assert_eq!(cache.get_active("a").unwrap().key_bytes(), &[2; 32]);
        let v3 = key("a", 3);
        assert!(cache.get_version("a", v3.version()).is_some());
        assert!(cache.get_version("a", key("a", 4).version()).is_none());
        // Replacing an entry keeps the count.
        cache.put_active(key("a", 5));
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get_active("a").unwrap().key_bytes(), &[5; 32]);
        // At capacity, the entry closest to expiry ("b") goes.
        cache.put_active(key("c", 6));
        assert_eq!(cache.len(), 3);
        assert!(cache.get_active("b").is_none());
        assert!(cache.get_active("c").is_some());
        // After the TTL nothing is returned, and expired entries are dropped when seen.
        clock.advance(200);
        assert!(cache.get_active("a").is_none());
        assert!(cache.get_active("c").is_none());
        assert_eq!(cache.len(), 1);
    }
}
