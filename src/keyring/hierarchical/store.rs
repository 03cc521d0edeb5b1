//! Branch key stores: where the hierarchical keyring gets branch keys (spec: framework/branch-key-store.md).
//!
//! The AWS store keeps KMS-wrapped branch keys in DynamoDB; a KMS-backed store implements
//! [`BranchKeyStore`] in the KMS crate. This module has the in-memory and static stores.

use std::collections::BTreeMap;
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::branch_key::{random_uuid, BranchKey, BRANCH_KEY_LEN};
use crate::error::{Error, Result};
use crate::future::{BoxFuture, MaybeSend, MaybeSync};

/// A source of branch keys. Async so that implementations can call a key service.
pub trait BranchKeyStore: MaybeSend + MaybeSync {
    /// The active (newest) version of a branch key, used to encrypt.
    fn get_active_branch_key<'a>(
        &'a self,
        branch_key_id: &'a str,
    ) -> BoxFuture<'a, Result<BranchKey>>;
    /// A specific version of a branch key, used to decrypt.
    fn get_branch_key_version<'a>(
        &'a self,
        branch_key_id: &'a str,
        version: &'a str,
    ) -> BoxFuture<'a, Result<BranchKey>>;
}

fn not_found(id: &str, version: Option<&str>) -> Error {
    match version {
        Some(v) => Error::Keyring(format!("branch key '{id}' has no version '{v}'")),
        None => Error::Keyring(format!("no branch key '{id}'")),
    }
}

/// A store holding exactly one branch key version (e.g. the test vectors' `static-branch-key-1`).
#[derive(Debug, Clone)]
pub struct StaticBranchKeyStore {
    key: BranchKey,
}

impl StaticBranchKeyStore {
    /// A store that serves `key` as the active version and by its version id.
    pub fn new(key: BranchKey) -> Self {
        StaticBranchKeyStore { key }
    }
}

impl BranchKeyStore for StaticBranchKeyStore {
    fn get_active_branch_key<'a>(
        &'a self,
        branch_key_id: &'a str,
    ) -> BoxFuture<'a, Result<BranchKey>> {
        Box::pin(async move {
            if branch_key_id == self.key.branch_key_id() {
                Ok(self.key.clone())
            } else {
                Err(not_found(branch_key_id, None))
            }
        })
    }

    fn get_branch_key_version<'a>(
        &'a self,
        branch_key_id: &'a str,
        version: &'a str,
    ) -> BoxFuture<'a, Result<BranchKey>> {
        Box::pin(async move {
            if branch_key_id == self.key.branch_key_id() && version == self.key.version() {
                Ok(self.key.clone())
            } else {
                Err(not_found(branch_key_id, Some(version)))
            }
        })
    }
}

struct Versions {
    active: String,
    keys: BTreeMap<String, Zeroizing<Vec<u8>>>,
}

/// A process-local store with create and rotate ("version") operations; for tests, demos and
/// applications that manage branch keys themselves.
#[derive(Default)]
pub struct InMemoryBranchKeyStore {
    keys: Mutex<BTreeMap<String, Versions>>,
}

impl core::fmt::Debug for InMemoryBranchKeyStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InMemoryBranchKeyStore")
            .finish_non_exhaustive()
    }
}

impl InMemoryBranchKeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, BTreeMap<String, Versions>>> {
        self.keys
            .lock()
            .map_err(|_| Error::Keyring("branch key store lock poisoned".into()))
    }

    /// Creates a branch key with a random first version; `branch_key_id` defaults to a random UUID.
    /// Returns the id.
    pub fn create_branch_key(&self, branch_key_id: Option<&str>) -> Result<String> {
        let id = match branch_key_id {
            Some("") => return Err(Error::invalid("branch key id must not be empty")),
            Some(id) => id.to_owned(),
            None => random_uuid()?,
        };
        let mut keys = self.lock()?;
        if keys.contains_key(&id) {
            return Err(Error::invalid(format!("branch key '{id}' already exists")));
        }
        let version = random_uuid()?;
        let mut versions = BTreeMap::new();
        versions.insert(
            version.clone(),
            Zeroizing::new(crate::crypto::random::bytes(BRANCH_KEY_LEN)?),
        );
        keys.insert(
            id.clone(),
            Versions {
                active: version,
                keys: versions,
            },
        );
        Ok(id)
    }

    /// Rotates a branch key: adds a random new version and makes it active. Returns the version.
    pub fn version_branch_key(&self, branch_key_id: &str) -> Result<String> {
        let mut keys = self.lock()?;
        let entry = keys
            .get_mut(branch_key_id)
            .ok_or_else(|| not_found(branch_key_id, None))?;
        let version = random_uuid()?;
        entry.keys.insert(
            version.clone(),
            Zeroizing::new(crate::crypto::random::bytes(BRANCH_KEY_LEN)?),
        );
        entry.active = version.clone();
        Ok(version)
    }

    /// Adds a known branch key version; `active` makes it the version used to encrypt.
    pub fn insert(&self, key: &BranchKey, active: bool) -> Result<()> {
        let mut keys = self.lock()?;
        let entry = keys
            .entry(key.branch_key_id().to_owned())
            .or_insert_with(|| Versions {
                active: key.version().to_owned(),
                keys: BTreeMap::new(),
            });
        entry.keys.insert(
            key.version().to_owned(),
            Zeroizing::new(key.key_bytes().to_vec()),
        );
        if active {
            entry.active = key.version().to_owned();
        }
        Ok(())
    }

    fn get(&self, id: &str, version: Option<&str>) -> Result<BranchKey> {
        let keys = self.lock()?;
        let entry = keys.get(id).ok_or_else(|| not_found(id, None))?;
        let v = version.unwrap_or(&entry.active);
        let key = entry.keys.get(v).ok_or_else(|| not_found(id, Some(v)))?;
        BranchKey::new(id, v, key)
    }
}

impl BranchKeyStore for InMemoryBranchKeyStore {
    fn get_active_branch_key<'a>(
        &'a self,
        branch_key_id: &'a str,
    ) -> BoxFuture<'a, Result<BranchKey>> {
        Box::pin(async move { self.get(branch_key_id, None) })
    }

    fn get_branch_key_version<'a>(
        &'a self,
        branch_key_id: &'a str,
        version: &'a str,
    ) -> BoxFuture<'a, Result<BranchKey>> {
        Box::pin(async move { self.get(branch_key_id, Some(version)) })
    }
}
