//! The local KMS state: keys per region and account, shared material sets, aliases, audit.

use super::audit::AuditRecord;
use super::due::{key_due, material_due, Dated, DueIndex};
use super::grants::GrantEntry;
use super::policy::{self, AuthRequest, Decision};
use super::table::Table;
use super::tags::Tags;
use crate::arn::{KeyIdentifier, ResourceType};
use crate::error::{names, KmsError};
use crate::secret::{hex, random_bytes, SecretBytes};
use crate::types::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Partition of every ARN the local KMS makes.
pub(crate) const PARTITION: &str = "aws";

/// One version of key material.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MaterialVersion {
    /// Public identifier of this version (hex), like KMS `KeyMaterialId`.
    pub id: String,
    pub created: u64,
    pub secret: SecretBytes,
}

/// A past rotation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RotationEvent {
    pub date: u64,
    pub kind: RotationType,
}

/// Rotation settings and history of a material set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct RotationState {
    pub enabled: bool,
    pub period_days: u32,
    pub next_rotation: Option<u64>,
    pub history: Vec<RotationEvent>,
}

/// Key material shared by a key and (for multi-Region keys) all its replicas.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MaterialSet {
    pub spec: KeySpec,
    /// Index = version number in ciphertext blobs; the last one is current.
    pub versions: Vec<MaterialVersion>,
    pub rotation: RotationState,
}

impl MaterialSet {
    /// A set with one fresh version.
    pub fn generate(spec: &KeySpec, now: u64) -> Result<Self, KmsError> {
        Ok(MaterialSet {
            spec: spec.clone(),
            versions: vec![new_version(spec, now)?],
            rotation: RotationState::default(),
        })
    }

    /// The current version and its number.
    pub fn current(&self) -> Result<(u32, &MaterialVersion), KmsError> {
        let last = self
            .versions
            .last()
            .ok_or_else(|| KmsError::new(names::INTERNAL, "key has no material"))?;
        let n = u32::try_from(self.versions.len() - 1)
            .map_err(|_| KmsError::new(names::INTERNAL, "too many versions"))?;
        Ok((n, last))
    }
}

/// A fresh material version.
pub(crate) fn new_version(spec: &KeySpec, now: u64) -> Result<MaterialVersion, KmsError> {
    Ok(MaterialVersion {
        id: hex(&random_bytes(32)?),
        created: now,
        secret: super::key::generate(spec)?,
    })
}

/// One key in one region (a multi-Region replica is its own entry).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeyEntry {
    pub key_id: String,
    pub arn: String,
    pub region: String,
    pub account: String,
    pub spec: KeySpec,
    pub usage: KeyUsage,
    pub state: KeyState,
    pub description: String,
    pub creation_date: u64,
    pub deletion_date: Option<u64>,
    pub pending_window_days: Option<u32>,
    pub policy: String,
    /// Key of `State::materials`.
    pub material_ref: String,
    /// Region of the primary key, for multi-Region keys.
    pub mrk_primary_region: Option<String>,
    /// Tags (absent in rows written before tags existed).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: Tags,
}

impl KeyEntry {
    /// True for a multi-Region replica.
    pub fn is_replica(&self) -> bool {
        self.mrk_primary_region
            .as_ref()
            .is_some_and(|p| p != &self.region)
    }
}

/// The whole state; serialized (encrypted) by `persist`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct State {
    /// By key ARN.
    pub keys: Table<KeyEntry>,
    /// By material reference: the ARN of the key that created it (`ACCOUNT/KEYID` in states
    /// made before that).
    pub materials: Table<MaterialSet>,
    /// Alias ARN → target key id (same region and account).
    pub aliases: Table<String>,
    /// Grants, by `"{key ARN}#{grant id}"` (absent in states saved before grants existed).
    #[serde(default)]
    pub grants: Table<GrantEntry>,
    /// The audit trail of a KMS that keeps it in memory (one without a [`super::Storage`]).
    pub audit: Vec<AuditRecord>,
    /// When maintenance is next due (derived from the tables, so not serialized).
    #[serde(skip)]
    pub due: DueIndex,
}

impl State {
    /// Whether any table changed since the last [`settle`](Self::settle).
    pub fn is_dirty(&self) -> bool {
        self.keys.is_dirty()
            || self.materials.is_dirty()
            || self.aliases.is_dirty()
            || self.grants.is_dirty()
    }

    /// The changes are committed: index their dates and forget their journal.
    pub fn settle(&mut self) {
        if self.due.is_built() {
            let keys: Vec<String> = self.keys.touched().map(str::to_string).collect();
            for k in keys {
                let d = self.keys.get(&k).and_then(key_due);
                self.due.set(Dated::Key, &k, d);
            }
            let sets: Vec<String> = self.materials.touched().map(str::to_string).collect();
            for m in sets {
                let d = self.materials.get(&m).and_then(material_due);
                self.due.set(Dated::Material, &m, d);
            }
        }
        self.keys.settle();
        self.materials.settle();
        self.aliases.settle();
        self.grants.settle();
    }

    /// Undoes every change since the last settle.
    pub fn rollback(&mut self) {
        self.keys.rollback();
        self.materials.rollback();
        self.aliases.rollback();
        self.grants.rollback();
    }
}

/// The caller of one operation, and what it touched (for the audit record).
pub(crate) struct Call<'a> {
    pub region: &'a str,
    pub principal: &'a str,
    pub account: &'a str,
    pub now: u64,
    pub key_arn: Option<String>,
}

/// `arn:aws:kms:REGION:ACCOUNT:key/ID`.
pub(crate) fn key_arn(region: &str, account: &str, key_id: &str) -> String {
    format!("arn:{PARTITION}:kms:{region}:{account}:key/{key_id}")
}

/// `arn:aws:kms:REGION:ACCOUNT:alias/NAME` for `alias_name` = `alias/NAME`.
pub(crate) fn alias_arn(region: &str, account: &str, alias_name: &str) -> String {
    format!("arn:{PARTITION}:kms:{region}:{account}:{alias_name}")
}

/// A random UUID v4 in text form.
pub(crate) fn uuid_v4() -> Result<String, KmsError> {
    let mut b = random_bytes(16)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

/// `mrk-` + 32 lowercase hex, as real KMS.
pub(crate) fn mrk_id() -> Result<String, KmsError> {
    Ok(format!("mrk-{}", hex(&random_bytes(16)?)))
}

impl State {
    /// Resolves any identifier form to a key ARN in the caller's region (`NotFoundException` if
    /// absent). Bare ids and alias names are looked up in the caller's account; ARNs name theirs.
    pub fn resolve(&self, c: &Call<'_>, ident: &str) -> Result<String, KmsError> {
        // Checked first, and not echoed: an error must not carry megabytes of input back.
        super::limits::key_id("KeyId", ident)?;
        let nf = || KmsError::not_found(&format!("key '{ident}'"));
        let arn = match KeyIdentifier::parse(ident).map_err(|e| {
            if e.name == names::INVALID_ARN {
                nf()
            } else {
                e
            }
        })? {
            KeyIdentifier::Arn(a) => {
                if a.region != c.region || a.partition != PARTITION {
                    return Err(nf());
                }
                match a.resource_type {
                    ResourceType::Key => key_arn(&a.region, &a.account, &a.resource_id),
                    ResourceType::Alias => {
                        let target = self.aliases.get(&a.to_string()).ok_or_else(nf)?;
                        key_arn(&a.region, &a.account, target)
                    }
                }
            }
            KeyIdentifier::AliasName(name) => {
                let target = self
                    .aliases
                    .get(&alias_arn(c.region, c.account, &name))
                    .ok_or_else(nf)?;
                key_arn(c.region, c.account, target)
            }
            KeyIdentifier::KeyId(id) => key_arn(c.region, c.account, &id),
        };
        if self.keys.contains_key(&arn) {
            Ok(arn)
        } else {
            Err(nf())
        }
    }

    /// The entry for a key ARN.
    pub fn entry(&self, arn: &str) -> Result<&KeyEntry, KmsError> {
        self.keys
            .get(arn)
            .ok_or_else(|| KmsError::not_found(&format!("key '{arn}'")))
    }

    /// The entry for a key ARN, mutable.
    pub fn entry_mut(&mut self, arn: &str) -> Result<&mut KeyEntry, KmsError> {
        self.keys
            .get_mut(arn)
            .ok_or_else(|| KmsError::not_found(&format!("key '{arn}'")))
    }

    /// The material set of a key.
    pub fn materials_of(&self, e: &KeyEntry) -> Result<&MaterialSet, KmsError> {
        self.materials
            .get(&e.material_ref)
            .ok_or_else(|| KmsError::new(names::INTERNAL, "key material missing"))
    }

    /// Resolves, records the key for the audit trail, and checks the key policy.
    pub fn authorized(
        &self,
        c: &mut Call<'_>,
        ident: &str,
        action: &str,
        ctx: Option<&EncryptionContext>,
    ) -> Result<KeyEntry, KmsError> {
        let arn = self.resolve(c, ident)?;
        c.key_arn = Some(arn.clone());
        let e = self.entry(&arn)?;
        self.authorize_entry(c, e, action, ctx)?;
        Ok(e.clone())
    }

    /// Checks the key policy of `e` for `action`, then its grants: a grant allows what the
    /// policy does not explicitly deny (AWS KMS developer guide, "Grants in AWS KMS").
    pub fn authorize_entry(
        &self,
        c: &Call<'_>,
        e: &KeyEntry,
        action: &str,
        ctx: Option<&EncryptionContext>,
    ) -> Result<(), KmsError> {
        let qualified = format!("kms:{action}");
        let req = AuthRequest {
            principal: c.principal,
            account: c.account,
            action: &qualified,
            resource: &e.arn,
            context: ctx,
        };
        match policy::decide(&e.policy, &req) {
            Decision::Allow => Ok(()),
            Decision::NoMatch if super::grants::allow(self, e, c.principal, action, ctx) => Ok(()),
            _ => Err(policy::denied(&req)),
        }
    }

    /// Resolves, authorizes and requires the key to be Enabled (cryptographic operations).
    pub fn usable(
        &self,
        c: &mut Call<'_>,
        ident: &str,
        action: &str,
        ctx: Option<&EncryptionContext>,
    ) -> Result<KeyEntry, KmsError> {
        let e = self.authorized(c, ident, action, ctx)?;
        require_enabled(&e)?;
        Ok(e)
    }

    /// KeyMetadata of a key.
    pub fn metadata(&self, e: &KeyEntry) -> KeyMetadata {
        let multi_region_configuration = e.mrk_primary_region.as_ref().map(|primary_region| {
            let mut replicas: Vec<MultiRegionKey> = self
                .keys
                .values()
                .filter(|k| {
                    k.account == e.account && k.key_id == e.key_id && k.region != *primary_region
                })
                .map(|k| MultiRegionKey {
                    arn: k.arn.clone(),
                    region: k.region.clone(),
                })
                .collect();
            replicas.sort_by(|a, b| a.region.cmp(&b.region));
            MultiRegionConfiguration {
                multi_region_key_type: Some(if e.is_replica() {
                    MultiRegionKeyType::Replica
                } else {
                    MultiRegionKeyType::Primary
                }),
                primary_key: Some(MultiRegionKey {
                    arn: key_arn(primary_region, &e.account, &e.key_id),
                    region: primary_region.clone(),
                }),
                replica_keys: replicas,
            }
        });
        let (enc, sig, mac) = match e.usage {
            KeyUsage::EncryptDecrypt if e.spec == KeySpec::SymmetricDefault => (
                Some(vec![EncryptionAlgorithm::SymmetricDefault]),
                None,
                None,
            ),
            KeyUsage::EncryptDecrypt => (
                Some(vec![
                    EncryptionAlgorithm::RsaesOaepSha1,
                    EncryptionAlgorithm::RsaesOaepSha256,
                ]),
                None,
                None,
            ),
            KeyUsage::SignVerify => (None, Some(super::key::signing_algorithms(&e.spec)), None),
            _ => (
                None,
                None,
                super::key::mac_algorithm(&e.spec).map(|m| vec![m]),
            ),
        };
        KeyMetadata {
            aws_account_id: Some(e.account.clone()),
            key_id: e.key_id.clone(),
            arn: e.arn.clone(),
            creation_date: Some(e.creation_date as f64),
            enabled: Some(e.state == KeyState::Enabled),
            description: Some(e.description.clone()),
            key_usage: Some(e.usage.clone()),
            key_state: Some(e.state.clone()),
            deletion_date: e.deletion_date.map(|d| d as f64),
            origin: Some("AWS_KMS".to_string()),
            key_manager: Some("CUSTOMER".to_string()),
            key_spec: Some(e.spec.clone()),
            customer_master_key_spec: Some(e.spec.clone()),
            encryption_algorithms: enc,
            signing_algorithms: sig,
            mac_algorithms: mac,
            multi_region: Some(e.mrk_primary_region.is_some()),
            multi_region_configuration,
            pending_deletion_window_in_days: e.pending_window_days,
        }
    }

    /// Whether a key deletion or an automatic rotation may be due at `now`: O(log n) from the
    /// date index (built from the whole state once, after a load); the operations that do the
    /// work check each key's state themselves.
    pub fn maintenance_due(&mut self, now: u64) -> bool {
        if !self.due.is_built() {
            self.due.reset();
            let keys: Vec<(String, Option<u64>)> = self
                .keys
                .iter()
                .map(|(n, k)| (n.clone(), key_due(k)))
                .collect();
            for (n, d) in keys {
                self.due.set(Dated::Key, &n, d);
            }
            let sets: Vec<(String, Option<u64>)> = self
                .materials
                .iter()
                .map(|(n, m)| (n.clone(), material_due(m)))
                .collect();
            for (n, d) in sets {
                self.due.set(Dated::Material, &n, d);
            }
        }
        self.due.earliest().is_some_and(|d| d <= now)
    }

    /// Marks the date index as out of date (the tables were replaced or loaded).
    pub fn reindex(&mut self) {
        self.due = DueIndex::default();
    }

    /// Removes keys whose deletion date has passed, their aliases, and orphaned material.
    pub fn purge_deleted(&mut self, now: u64) {
        let gone: Vec<String> = self
            .keys
            .values()
            .filter(|k| {
                k.state == KeyState::PendingDeletion && k.deletion_date.is_some_and(|d| d <= now)
            })
            .map(|k| k.arn.clone())
            .collect();
        for arn in gone {
            self.remove_key(&arn);
        }
    }

    /// Deletes a key, its aliases and its material when no replica still uses it.
    pub fn remove_key(&mut self, arn: &str) {
        let Some(e) = self.keys.remove(arn) else {
            return;
        };
        super::grants::remove_all(self, arn);
        let prefix = alias_arn(&e.region, &e.account, "alias/");
        self.aliases
            .retain(|a, target| !(a.starts_with(&prefix) && *target == e.key_id));
        // Linear in the keys, only when a key is deleted.
        if !self.keys.values().any(|k| k.material_ref == e.material_ref) {
            self.materials.remove(&e.material_ref);
        }
    }
}

/// `DisabledException` / `KMSInvalidStateException` unless Enabled.
pub(crate) fn require_enabled(e: &KeyEntry) -> Result<(), KmsError> {
    match e.state {
        KeyState::Enabled => Ok(()),
        KeyState::Disabled => Err(KmsError::new(
            names::DISABLED,
            format!("{} is disabled", e.arn),
        )),
        ref s => Err(KmsError::new(
            names::INVALID_STATE,
            format!("{} is {s}", e.arn),
        )),
    }
}

/// `KMSInvalidStateException` when pending deletion (admin operations that need a live key).
pub(crate) fn require_not_pending(e: &KeyEntry) -> Result<(), KmsError> {
    if e.state == KeyState::PendingDeletion {
        Err(KmsError::new(
            names::INVALID_STATE,
            format!("{} is pending deletion", e.arn),
        ))
    } else {
        Ok(())
    }
}

/// `InvalidKeyUsageException` unless the key has `usage`.
pub(crate) fn require_usage(e: &KeyEntry, usage: KeyUsage) -> Result<(), KmsError> {
    if e.usage == usage {
        Ok(())
    } else {
        Err(KmsError::new(
            names::INVALID_KEY_USAGE,
            format!("{} has usage {}, not {usage}", e.arn, e.usage),
        ))
    }
}
