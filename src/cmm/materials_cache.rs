//! The local cryptographic materials cache: an in-memory LRU cache with a capacity, shareable
//! between caching CMMs (spec: framework/local-cryptographic-materials-cache.md).
//!
//! Entries are evicted when their time-to-live passes, when a caching CMM finds their usage
//! limits spent, or as the least recently used once the capacity is reached. An evicted entry is
//! dropped at once, and its data key with it: [`crate::materials::DataKey`] zeroizes on drop
//! (signing keys are zeroized by the ecdsa crate).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::cmm::cache_id::CacheId;
use crate::cmm::single_flight::{Flight, FlightWait, Landing};
use crate::context::{ContextKeys, EncryptionContext};
use crate::materials::{DecryptionMaterials, EncryptionMaterials};
use crate::policy::CommitmentPolicy;

/// How many least recently used entries each get or put checks for expiry
/// ("Entry Pruning Tail Size").
const PRUNING_TAIL_SIZE: usize = 3;

/// Materials held by a cache entry, with the parts of the request the identifier does not
/// cover: an entry is only used for a request that agrees on them too, so a hit never skips a
/// check the underlying CMM would have made on that request.
pub(crate) enum CachedMaterials {
    /// From Get Encryption Materials.
    Encrypt {
        materials: EncryptionMaterials,
        commitment_policy: CommitmentPolicy,
        required_context_keys: ContextKeys,
    },
    /// From Decrypt Materials.
    Decrypt {
        materials: DecryptionMaterials,
        commitment_policy: CommitmentPolicy,
        reproduced_context: EncryptionContext,
    },
}

/// One cache entry (cryptographic-materials-cache.md "Cache Entry"; usage stats from
/// caching-cmm.md "Usage Stats").
pub(crate) struct CacheEntry {
    pub materials: CachedMaterials,
    /// Clock time (ms) from which the entry is TTL-expired.
    pub expires_at: u64,
    pub messages_encrypted: u64,
    pub bytes_encrypted: u64,
}

/// What a caching CMM decides about the entry it found.
pub(crate) enum Use<R> {
    /// Use it; it stays cached.
    Hit(R),
    /// Use it for this request, then evict it: its limits are now spent.
    HitLast(R),
    /// It does not fit this request; leave it.
    Skip,
    /// It does not fit this request or any other: evict it.
    Evict,
}

/// The answer to [`LocalCryptoMaterialsCache::lookup`].
pub(crate) enum Lookup<R> {
    /// Materials from the cache.
    Hit(R),
    /// No usable entry: the caller asks the underlying CMM, then lands the flight with
    /// [`FlightGuard::land`].
    Lead(FlightGuard),
    /// Another request is asking the underlying CMM for this identifier: wait, then do what
    /// the landed flight says ([`Flight::after`]).
    Wait(FlightWait),
}

struct Slot {
    entry: CacheEntry,
    /// Position in the recency order (larger = more recently used).
    tick: u64,
}

#[derive(Default)]
struct State {
    entries: BTreeMap<CacheId, Slot>,
    recency: BTreeMap<u64, CacheId>,
    next_tick: u64,
    flights: BTreeMap<CacheId, Arc<Flight>>,
}

impl State {
    fn touch(&mut self, id: &CacheId) {
        let tick = self.next_tick;
        self.next_tick += 1;
        if let Some(slot) = self.entries.get_mut(id) {
            self.recency.remove(&slot.tick);
            slot.tick = tick;
            self.recency.insert(tick, *id);
        }
    }

    fn remove(&mut self, id: &CacheId) {
        if let Some(slot) = self.entries.remove(id) {
            self.recency.remove(&slot.tick);
        }
    }

    /// "Pruning": evicts the TTL-expired entries among the least recently used few.
    fn prune(&mut self, now: u64) {
        let expired: Vec<CacheId> = self
            .recency
            .values()
            .take(PRUNING_TAIL_SIZE)
            .filter(|id| {
                self.entries
                    .get(*id)
                    .is_some_and(|s| now >= s.entry.expires_at)
            })
            .copied()
            .collect();
        for id in expired {
            self.remove(&id);
        }
    }
}

/// An in-memory LRU cache of encryption and decryption materials for
/// [`CachingMaterialsManager`](crate::cmm::CachingMaterialsManager)s. Share one between
/// managers through an `Arc`; managers use each other's entries only when their partition
/// names are equal (caching-cmm.md "Underlying Cryptographic Materials Cache"). Thread-safe.
pub struct LocalCryptoMaterialsCache {
    capacity: usize,
    state: Mutex<State>,
}

impl core::fmt::Debug for LocalCryptoMaterialsCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LocalCryptoMaterialsCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl LocalCryptoMaterialsCache {
    /// A cache holding at most `capacity` entries ("Entry Capacity"; 0 caches nothing).
    pub fn new(capacity: usize) -> Self {
        LocalCryptoMaterialsCache {
            capacity,
            state: Mutex::new(State::default()),
        }
    }

    /// The entry capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The number of entries held now (expired ones included until they are pruned).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many requests are waiting now for another request's call to the underlying CMM
    /// (misses on an identifier that is already being fetched).
    pub fn waiting_requests(&self) -> usize {
        self.lock().flights.values().map(|f| f.waiting()).sum()
    }

    /// Evicts every entry (their keys are zeroized as they drop).
    pub fn clear(&self) {
        let mut s = self.lock();
        s.entries.clear();
        s.recency.clear();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic under the lock leaves at worst a stale entry or recency record, never a
        // half-written one that could be returned, so a poisoned lock is recovered.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// "Get Cache Entry", with the caller's decision on the entry made under the same lock (so
    /// usage counts cannot race), and single-flight on a miss.
    pub(crate) fn lookup<R>(
        self: &Arc<Self>,
        id: &CacheId,
        now: u64,
        decide: impl FnOnce(&mut CacheEntry) -> Use<R>,
    ) -> Lookup<R> {
        let mut s = self.lock();
        s.prune(now);
        let decision = match s.entries.get_mut(id) {
            // "The local CMC MUST NOT return any TTL-expired entry."
            Some(slot) if now >= slot.entry.expires_at => Use::Evict,
            Some(slot) => decide(&mut slot.entry),
            None => Use::Skip,
        };
        match decision {
            Use::Hit(r) => {
                s.touch(id);
                return Lookup::Hit(r);
            }
            Use::HitLast(r) => {
                s.remove(id);
                return Lookup::Hit(r);
            }
            Use::Evict => s.remove(id),
            Use::Skip => {}
        }
        if let Some(flight) = s.flights.get(id) {
            return Lookup::Wait(flight.wait());
        }
        let flight = Arc::new(Flight::default());
        s.flights.insert(*id, flight.clone());
        Lookup::Lead(FlightGuard {
            cache: self.clone(),
            id: *id,
            flight,
            landing: None,
        })
    }

    /// "Put Cache Entry": stores (or replaces) the entry, then evicts the least recently used
    /// entries beyond the capacity.
    pub(crate) fn put(&self, id: &CacheId, entry: CacheEntry, now: u64) {
        let mut s = self.lock();
        s.prune(now);
        s.remove(id);
        let tick = s.next_tick;
        s.next_tick += 1;
        s.entries.insert(*id, Slot { entry, tick });
        s.recency.insert(tick, *id);
        while s.entries.len() > self.capacity {
            let Some((_, oldest)) = s.recency.pop_first() else {
                break;
            };
            s.entries.remove(&oldest);
        }
    }
}

/// Held by the leader of a flight. [`land`](Self::land) ends the flight with its outcome;
/// dropping the guard without landing it (the leader's future dropped mid-call) ends it as
/// abandoned, so no waiter waits forever on a leader that went away.
pub(crate) struct FlightGuard {
    cache: Arc<LocalCryptoMaterialsCache>,
    id: CacheId,
    flight: Arc<Flight>,
    landing: Option<Landing>,
}

impl FlightGuard {
    /// Ends the flight (after any put) and wakes its waiters.
    pub fn land(mut self, landing: Landing) {
        self.landing = Some(landing);
    }
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        {
            let mut s = self.cache.lock();
            if s.flights
                .get(&self.id)
                .is_some_and(|f| Arc::ptr_eq(f, &self.flight))
            {
                s.flights.remove(&self.id);
            }
        }
        self.flight
            .land(self.landing.take().unwrap_or(Landing::Abandoned));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::AlgorithmSuite;

    fn entry(expires_at: u64) -> CacheEntry {
        CacheEntry {
            materials: CachedMaterials::Decrypt {
                materials: DecryptionMaterials {
                    suite: AlgorithmSuite::from_id(0x0478).unwrap(),
                    encryption_context: EncryptionContext::new(),
                    required_context_keys: ContextKeys::new(),
                    data_key: None,
                    verifying_key: None,
                },
                commitment_policy: CommitmentPolicy::default(),
                reproduced_context: EncryptionContext::new(),
            },
            expires_at,
            messages_encrypted: 0,
            bytes_encrypted: 0,
        }
    }

    fn id(n: u8) -> CacheId {
        [n; 64]
    }

    fn hit(cache: &Arc<LocalCryptoMaterialsCache>, n: u8, now: u64) -> bool {
        matches!(cache.lookup(&id(n), now, |_| Use::Hit(())), Lookup::Hit(()))
    }

    #[test]
    fn evicts_least_recently_used_beyond_capacity() {
        let cache = Arc::new(LocalCryptoMaterialsCache::new(2));
        cache.put(&id(1), entry(100), 0);
        cache.put(&id(2), entry(100), 0);
        assert!(hit(&cache, 1, 0)); // 2 is now the least recently used
        cache.put(&id(3), entry(100), 0);
        assert_eq!(cache.len(), 2);
        assert!(hit(&cache, 1, 0));
        assert!(hit(&cache, 3, 0));
        assert!(!hit(&cache, 2, 0));
    }

    #[test]
    fn never_returns_expired_entries_and_prunes_them() {
        let cache = Arc::new(LocalCryptoMaterialsCache::new(10));
        cache.put(&id(1), entry(50), 0);
        cache.put(&id(2), entry(500), 0);
        assert!(hit(&cache, 1, 49));
        assert!(!hit(&cache, 1, 50));
        assert_eq!(cache.len(), 1);
        cache.put(&id(3), entry(500), 0);
        assert!(hit(&cache, 2, 499));
    }

    #[test]
    fn capacity_zero_keeps_nothing() {
        let cache = Arc::new(LocalCryptoMaterialsCache::new(0));
        cache.put(&id(1), entry(100), 0);
        assert!(cache.is_empty());
    }

    #[test]
    fn a_miss_leads_one_flight_and_others_wait() {
        let cache = Arc::new(LocalCryptoMaterialsCache::new(4));
        let lead = cache.lookup(&id(7), 0, |_| Use::Hit(()));
        assert!(matches!(lead, Lookup::Lead(_)));
        assert!(matches!(
            cache.lookup(&id(7), 0, |_| Use::Hit(())),
            Lookup::Wait(_)
        ));
        // Another identifier is not held up.
        assert!(matches!(
            cache.lookup(&id(8), 0, |_| Use::Hit(())),
            Lookup::Lead(_)
        ));
        cache.put(&id(7), entry(100), 0);
        drop(lead);
        assert!(matches!(
            cache.lookup(&id(7), 0, |_| Use::Hit(())),
            Lookup::Hit(())
        ));
    }

    #[test]
    fn spent_entries_are_evicted() {
        let cache = Arc::new(LocalCryptoMaterialsCache::new(4));
        cache.put(&id(1), entry(100), 0);
        assert!(matches!(
            cache.lookup(&id(1), 0, |_| Use::HitLast(())),
            Lookup::Hit(())
        ));
        assert!(cache.is_empty());
        cache.put(&id(1), entry(100), 0);
        let lead = cache.lookup(&id(1), 0, |_| Use::<()>::Evict);
        assert!(matches!(lead, Lookup::Lead(_)));
        assert!(cache.is_empty());
    }
}
