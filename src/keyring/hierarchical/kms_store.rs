//! A branch key store whose keys are generated and wrapped by a KMS key of a provider
//! (the embedded local KMS or the HTTP client), as the AWS key store does
//! (spec: framework/branch-key-store.md). Only KMS-wrapped material is kept, so the store's
//! [`export`](KmsBranchKeyStore::export) bytes can be persisted anywhere — next to the local
//! KMS's own encrypted export, in a file, or in IndexedDB.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use sealkit_kms::{DecryptRequest, GenerateDataKeyRequest, KmsProvider};

use super::branch_key::{random_uuid, BranchKey, BRANCH_KEY_LEN};
use super::store::BranchKeyStore;
use crate::codec::{Reader, Writer};
use crate::context::EncryptionContext;
use crate::error::{Error, Result};
use crate::future::BoxFuture;

const EXPORT_MAGIC: &[u8; 8] = b"SKBKS\x00\x00\x01";

struct Record {
    active: String,
    /// version → KMS ciphertext of the 32-byte branch key
    wrapped: BTreeMap<String, Vec<u8>>,
}

/// Branch keys wrapped under one KMS key; unwrapped through the provider on every fetch
/// (put a [`super::BranchKeyCache`] in front of the keyring to avoid a call per message).
pub struct KmsBranchKeyStore {
    provider: Arc<dyn KmsProvider>,
    kms_key_id: String,
    logical_name: String,
    records: Mutex<BTreeMap<String, Record>>,
}

impl core::fmt::Debug for KmsBranchKeyStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KmsBranchKeyStore")
            .field("kms_key_id", &self.kms_key_id)
            .field("logical_name", &self.logical_name)
            .finish_non_exhaustive()
    }
}

impl KmsBranchKeyStore {
    /// An empty store wrapping under `kms_key_id`; `logical_name` is bound into every wrapped
    /// key's encryption context, so keys cannot be moved between stores.
    pub fn new(
        provider: Arc<dyn KmsProvider>,
        kms_key_id: &str,
        logical_name: &str,
    ) -> Result<Self> {
        if kms_key_id.is_empty() || logical_name.is_empty() {
            return Err(Error::invalid(
                "kmsKeyId and logicalKeyStoreName must not be empty",
            ));
        }
        Ok(KmsBranchKeyStore {
            provider,
            kms_key_id: kms_key_id.into(),
            logical_name: logical_name.into(),
            records: Mutex::new(BTreeMap::new()),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, BTreeMap<String, Record>>> {
        self.records
            .lock()
            .map_err(|_| Error::Keyring("branch key store lock poisoned".into()))
    }

    /// The context KMS binds to one wrapped branch key version.
    fn context(&self, id: &str, version: &str) -> EncryptionContext {
        [
            ("branch-key-id", id),
            ("type", &format!("branch:version:{version}")),
            ("tablename", &self.logical_name),
            ("kms-arn", &self.kms_key_id),
            ("hierarchy-version", "1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    async fn generate(&self, id: &str, version: &str) -> Result<Vec<u8>> {
        let resp = self
            .provider
            .generate_data_key_without_plaintext(GenerateDataKeyRequest {
                key_id: self.kms_key_id.clone(),
                encryption_context: self.context(id, version).into(),
                number_of_bytes: Some(BRANCH_KEY_LEN as u32),
                ..Default::default()
            })
            .await
            .map_err(|e| {
                crate::keyring::kms::kms_error(
                    "GenerateDataKeyWithoutPlaintext",
                    &self.kms_key_id,
                    e,
                )
            })?;
        Ok(resp.ciphertext_blob)
    }

    /// Creates a branch key (id defaults to a random UUID) with a first version; returns the id.
    pub async fn create_branch_key(&self, branch_key_id: Option<&str>) -> Result<String> {
        let id = match branch_key_id {
            Some("") => return Err(Error::invalid("branch key id must not be empty")),
            Some(id) => id.to_string(),
            None => random_uuid()?,
        };
        if self.lock()?.contains_key(&id) {
            return Err(Error::invalid(format!("branch key '{id}' already exists")));
        }
        let version = random_uuid()?;
        let wrapped = self.generate(&id, &version).await?;
        let mut records = self.lock()?;
        if records.contains_key(&id) {
            return Err(Error::invalid(format!("branch key '{id}' already exists")));
        }
        records.insert(
            id.clone(),
            Record {
                active: version.clone(),
                wrapped: [(version, wrapped)].into(),
            },
        );
        Ok(id)
    }

    /// Rotates a branch key: a new active version; older versions stay for decryption.
    pub async fn version_branch_key(&self, branch_key_id: &str) -> Result<String> {
        if !self.lock()?.contains_key(branch_key_id) {
            return Err(Error::Keyring(format!("no branch key '{branch_key_id}'")));
        }
        let version = random_uuid()?;
        let wrapped = self.generate(branch_key_id, &version).await?;
        let mut records = self.lock()?;
        let record = records
            .get_mut(branch_key_id)
            .ok_or_else(|| Error::Keyring(format!("no branch key '{branch_key_id}'")))?;
        record.wrapped.insert(version.clone(), wrapped);
        record.active = version.clone();
        Ok(version)
    }

    async fn unwrap(&self, id: &str, version: Option<&str>) -> Result<BranchKey> {
        let (version, blob) = {
            let records = self.lock()?;
            let record = records
                .get(id)
                .ok_or_else(|| Error::Keyring(format!("no branch key '{id}'")))?;
            let v = version.unwrap_or(&record.active).to_string();
            let blob =
                record.wrapped.get(&v).cloned().ok_or_else(|| {
                    Error::Keyring(format!("branch key '{id}' has no version '{v}'"))
                })?;
            (v, blob)
        };
        let resp = self
            .provider
            .decrypt(DecryptRequest {
                ciphertext_blob: blob,
                encryption_context: self.context(id, &version).into(),
                key_id: Some(self.kms_key_id.clone()),
                encryption_algorithm: None,
                grant_tokens: Vec::new(),
            })
            .await
            .map_err(|e| {
                crate::keyring::kms::kms_error("Decrypt (branch key)", &self.kms_key_id, e)
            })?;
        BranchKey::new(id, &version, &resp.plaintext)
    }

    /// The store's records (KMS-wrapped keys only, no plaintext) as bytes to persist.
    pub fn export(&self) -> Result<Vec<u8>> {
        let records = self.lock()?;
        let mut out = EXPORT_MAGIC.to_vec();
        out.put_u32(records.len() as u32);
        for (id, r) in records.iter() {
            out.put_u16_prefixed(id.as_bytes(), "branch key id")?;
            out.put_u16_prefixed(r.active.as_bytes(), "active version")?;
            out.put_u32(r.wrapped.len() as u32);
            for (version, blob) in &r.wrapped {
                out.put_u16_prefixed(version.as_bytes(), "version")?;
                out.put_u16_prefixed(blob, "wrapped branch key")?;
            }
        }
        Ok(out)
    }

    /// A store restored from [`export`](Self::export) bytes.
    pub fn import(
        provider: Arc<dyn KmsProvider>,
        kms_key_id: &str,
        logical_name: &str,
        bytes: &[u8],
    ) -> Result<Self> {
        let store = Self::new(provider, kms_key_id, logical_name)?;
        const FIELD: &str = "branch key store export";
        let mut r = Reader::new(bytes);
        if r.take(EXPORT_MAGIC.len(), FIELD)? != EXPORT_MAGIC {
            return Err(Error::malformed(
                FIELD,
                "not a sealkit branch key store export",
            ));
        }
        let mut records = BTreeMap::new();
        for _ in 0..r.u32(FIELD)? {
            let id = r.u16_prefixed_str(FIELD)?.to_string();
            let active = r.u16_prefixed_str(FIELD)?.to_string();
            let mut wrapped = BTreeMap::new();
            for _ in 0..r.u32(FIELD)? {
                let version = r.u16_prefixed_str(FIELD)?.to_string();
                wrapped.insert(version, r.u16_prefixed(FIELD)?.to_vec());
            }
            if !wrapped.contains_key(&active) {
                return Err(Error::malformed(
                    FIELD,
                    format!("branch key '{id}' lacks its active version"),
                ));
            }
            records.insert(id, Record { active, wrapped });
        }
        r.expect_end(FIELD)?;
        *store.lock()? = records;
        Ok(store)
    }
}

impl BranchKeyStore for KmsBranchKeyStore {
    fn get_active_branch_key<'a>(
        &'a self,
        branch_key_id: &'a str,
    ) -> BoxFuture<'a, Result<BranchKey>> {
        Box::pin(self.unwrap(branch_key_id, None))
    }

    fn get_branch_key_version<'a>(
        &'a self,
        branch_key_id: &'a str,
        version: &'a str,
    ) -> BoxFuture<'a, Result<BranchKey>> {
        Box::pin(self.unwrap(branch_key_id, Some(version)))
    }
}
