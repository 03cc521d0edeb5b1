//! The embedded local KMS: keys, aliases, policies, rotation, multi-Region replicas, audit and
//! encrypted persistence, all in process and wasm-compatible (no threads, time from a
//! [`Clock`], randomness from `getrandom`).
//!
//! ```
//! use sealkit_kms::local::LocalKms;
//! use sealkit_kms::{block_on, KmsAdmin, KmsProvider, CreateKeyRequest, EncryptRequest};
//!
//! let (kms, _clock) = LocalKms::with_manual_clock(1_700_000_000);
//! let c = kms.client("us-east-1", "arn:aws:iam::111122223333:user/alice").unwrap();
//! let key = block_on(c.create_key(CreateKeyRequest::default())).unwrap().key_metadata.arn;
//! let ct = block_on(c.encrypt(EncryptRequest {
//!     key_id: key,
//!     plaintext: b"hi".to_vec().into(),
//!     ..Default::default()
//! }))
//! .unwrap();
//! assert!(!ct.ciphertext_blob.is_empty());
//! ```

mod admin;
mod audit;
mod audit_group;
mod ciphertext;
pub mod dispatch;
mod due;
mod ec;
mod grants;
mod key;
mod key_pair;
mod limits;
mod ops;
mod paging;
mod persist;
mod policy;
mod rotation;
mod rows;
mod storage;
mod store;
mod table;
mod tags;

pub use audit::{AuditFilter, AuditRecord};
pub use storage::{MemoryStorage, Record, RecordKind, Storage};

use crate::arn::principal_account;
use crate::clock::{Clock, ManualClock};
use crate::error::{names, KmsError};
use crate::provider::{KmsAdmin, KmsFuture, KmsProvider};
use crate::types::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use store::{Call, State};
use zeroize::Zeroizing;

/// A [`Storage`] with the root key its material is sealed under, and how far it has been read.
struct Persistence {
    storage: Box<dyn Storage>,
    root_key: Zeroizing<[u8; 32]>,
    /// Every row of transactions up to this number is applied to the in-memory state.
    cursor: u64,
}

struct Inner {
    state: Mutex<State>,
    /// Locked while `state` is locked (that order) by operations, so one operation at a time
    /// uses it; a group flush of audit records without an own handle locks it alone.
    persistence: Mutex<Option<Persistence>>,
    /// The audit records of reads and refusals of a persisted KMS, committed in groups.
    audit_group: audit_group::AuditGroup,
    /// The store's own audit handle ([`Storage::audit_handle`]), if it has one.
    audit_handle: Mutex<Option<Box<dyn Storage>>>,
    clock: Arc<dyn Clock>,
    /// Whether each operation first applies due rotations and deletions itself (the default).
    /// A host that persists the state turns this off and calls
    /// [`LocalKms::run_maintenance`] as a write of its own, so new material is saved before use.
    auto_maintenance: AtomicBool,
}

/// A copy of the whole state taken by [`LocalKms::snapshot`], to undo a change that could not be
/// persisted. It holds key material in zeroizing buffers; `Debug` shows nothing.
pub struct Snapshot(State);

impl core::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Snapshot { .. }")
    }
}

/// An in-process KMS holding any number of regions and accounts. Cheap to clone (shared state).
#[derive(Clone)]
pub struct LocalKms {
    inner: Arc<Inner>,
}

impl core::fmt::Debug for LocalKms {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("LocalKms { .. }")
    }
}

impl LocalKms {
    /// An empty KMS using `clock` for timestamps, rotation and deletion schedules.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self::from_state(State::default(), clock)
    }

    /// An empty KMS with a [`ManualClock`] starting at `start_secs`; the clock is returned so the
    /// caller can advance time (e.g. to trigger automatic rotation).
    pub fn with_manual_clock(start_secs: u64) -> (Self, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(start_secs));
        (Self::new(clock.clone()), clock)
    }

    /// A KMS persisted in `storage`: its state is read from it now, and every operation after
    /// this is one transaction in it (see [`Storage`]) that holds only the rows the operation
    /// changed, together with its audit record; an operation returns only after that commit, and
    /// a failed commit is undone in memory and answers `KMSInternalException`. Before each
    /// operation the rows other processes committed are read in, and an operation that writes
    /// (or meets a due rotation or deletion) re-reads them under the store's write lock, so due
    /// rotations happen once, whatever the number of processes. Key material is sealed under
    /// `root_key`, bound to its key and version. The audit trail goes to the store, not to
    /// memory.
    pub fn with_storage(
        mut storage: Box<dyn Storage>,
        root_key: Zeroizing<[u8; 32]>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, KmsError> {
        let mut state = State::default();
        let records = storage.changes_since(0).map_err(|e| store_error(&e))?;
        let cursor = records.iter().map(|r| r.seq).max().unwrap_or(0);
        rows::apply(&mut state, records, &root_key)?;
        let audit_handle = storage.audit_handle().map_err(|e| store_error(&e))?;
        let kms = Self::from_state(state, clock);
        *kms.inner
            .audit_handle
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = audit_handle;
        *kms.persist_lock() = Some(Persistence {
            storage,
            root_key,
            cursor,
        });
        Ok(kms)
    }

    /// Writes every key, material set and alias of this (unpersisted) KMS into `storage`, in
    /// one transaction: moving a state exported by [`export_state`](Self::export_state) into a
    /// new store.
    pub fn copy_into(
        &self,
        storage: &mut dyn Storage,
        root_key: &[u8; 32],
    ) -> Result<(), KmsError> {
        let records = rows::all(&self.lock(), root_key)?;
        storage.begin_write().map_err(|e| store_error(&e))?;
        let written = storage.put(&records).and_then(|_| storage.commit());
        if let Err(e) = written {
            storage.rollback();
            return Err(store_error(&e));
        }
        Ok(())
    }

    /// Appends an audit record of a request refused before it reached an operation (for
    /// example by authentication): to the store when persisted, else to memory.
    pub fn append_audit(&self, record: AuditRecord) -> Result<(), KmsError> {
        if self.persist_lock().is_none() {
            self.lock().audit.push(record);
            return Ok(());
        }
        self.append_audit_grouped(record)
            .map_err(|e| store_error(&e))
    }

    /// Commits `record` outside any write transaction, in a group with the records of other
    /// calls waiting at the same time (see `audit_group`), and returns once it is durable.
    /// Called with no lock held: the state stays free for other calls during the fsync.
    fn append_audit_grouped(&self, record: AuditRecord) -> Result<(), String> {
        self.inner.audit_group.append(record, |batch| {
            let mut handle = self
                .inner
                .audit_handle
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if let Some(h) = handle.as_mut() {
                return h.append_audit(batch);
            }
            drop(handle);
            match self.persist_lock().as_mut() {
                Some(p) => p.storage.append_audit(batch),
                None => Err("no store".into()),
            }
        })
    }

    /// Whether the store (if any) is usable.
    pub fn check_storage(&self) -> Result<(), String> {
        let _st = self.lock();
        match self.persist_lock().as_mut() {
            Some(p) => p.storage.check(),
            None => Ok(()),
        }
    }

    // On wasm the clock is not `Send`/`Sync`; that target has a single thread.
    #[allow(clippy::arc_with_non_send_sync)]
    fn from_state(state: State, clock: Arc<dyn Clock>) -> Self {
        LocalKms {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                persistence: Mutex::new(None),
                clock,
                auto_maintenance: AtomicBool::new(true),
                audit_group: audit_group::AuditGroup::default(),
                audit_handle: Mutex::new(None),
            }),
        }
    }

    /// A provider handle for calls in `region` made by `principal_arn`
    /// (e.g. `arn:aws:iam::111122223333:user/alice` or `...:root`). The principal's account is
    /// the account of keys it creates and of bare key ids and alias names it uses.
    pub fn client(&self, region: &str, principal_arn: &str) -> Result<LocalKmsClient, KmsError> {
        let account = principal_account(principal_arn)
            .ok_or_else(|| {
                KmsError::new(
                    names::INVALID_ARN,
                    format!("not a principal ARN: {principal_arn}"),
                )
            })?
            .to_string();
        if region.is_empty() || region.contains(':') {
            return Err(KmsError::validation(format!("invalid region '{region}'")));
        }
        Ok(LocalKmsClient {
            kms: self.clone(),
            region: region.to_string(),
            principal: principal_arn.to_string(),
            account,
        })
    }

    /// Current time of the KMS clock.
    pub fn now(&self) -> u64 {
        self.inner.clock.now_secs()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-written in a way that
        // matters more than losing it, so a poisoned lock is recovered.
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn persist_lock(&self) -> MutexGuard<'_, Option<Persistence>> {
        self.inner
            .persistence
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Audit records matching `filter`, oldest first (of a KMS without a store: a persisted
    /// one keeps its trail in the store).
    pub fn audit_log(&self, filter: &AuditFilter) -> Vec<AuditRecord> {
        self.lock()
            .audit
            .iter()
            .filter(|r| filter.matches(r))
            .cloned()
            .collect()
    }

    /// The whole audit trail as JSON lines.
    pub fn audit_jsonl(&self) -> String {
        audit::to_jsonl(&self.lock().audit)
    }

    /// The whole state (keys, material, aliases, policies, audit) encrypted under `root_key`.
    pub fn export_state(&self, root_key: &[u8; 32]) -> Result<Vec<u8>, KmsError> {
        persist::export(&self.lock(), root_key)
    }

    /// A KMS restored from [`export_state`](Self::export_state) output.
    pub fn import_state(
        blob: &[u8],
        root_key: &[u8; 32],
        clock: Arc<dyn Clock>,
    ) -> Result<Self, KmsError> {
        Ok(Self::from_state(persist::import(blob, root_key)?, clock))
    }

    /// Turns off (or back on) the due rotations and deletions that each operation applies before
    /// it runs. A host that persists the state turns them off and calls
    /// [`run_maintenance`](Self::run_maintenance) before each operation, saving when it reports a
    /// change: a rotation creates new random material, and material that encrypted a data key
    /// must be on disk before the data key is handed out.
    pub fn set_automatic_maintenance(&self, on: bool) {
        self.inner.auto_maintenance.store(on, Ordering::SeqCst);
    }

    /// Applies every automatic rotation and key deletion due at the KMS clock's time. When
    /// anything was due, returns the state as it was before, so a caller whose save of the new
    /// state fails can [`restore`](Self::restore) it; `None` means nothing changed.
    pub fn run_maintenance(&self) -> Result<Option<Snapshot>, KmsError> {
        let now = self.now();
        let mut st = self.lock();
        if !st.maintenance_due(now) {
            return Ok(None);
        }
        let before = st.clone();
        match Self::maintain(&mut st, now) {
            Ok(()) => Ok(Some(Snapshot(before))),
            Err(e) => {
                *st = before;
                Err(e)
            }
        }
    }

    fn maintain(st: &mut State, now: u64) -> Result<(), KmsError> {
        if !st.maintenance_due(now) {
            return Ok(());
        }
        st.purge_deleted(now);
        rotation::run_due(st, now)
    }

    /// A copy of the whole state, for [`restore`](Self::restore) when a change cannot be saved.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(self.lock().clone())
    }

    /// Puts back a state taken by [`snapshot`](Self::snapshot), dropping every change since.
    pub fn restore(&self, snapshot: Snapshot) {
        let mut state = snapshot.0;
        state.reindex();
        *self.lock() = state;
    }

    /// Runs one operation: applies due rotations and deletions (unless the host does that, see
    /// [`set_automatic_maintenance`](Self::set_automatic_maintenance)), calls `f`, writes the
    /// audit record; with a store, all of it as one transaction (see
    /// [`with_storage`](Self::with_storage)).
    fn run<T>(
        &self,
        client: &LocalKmsClient,
        op: &str,
        ctx: Option<&EncryptionContext>,
        f: impl FnOnce(&mut State, &mut Call<'_>) -> Result<T, KmsError>,
    ) -> Result<T, KmsError> {
        // Checked before any lock or store access, for every operation that takes a context.
        if let Some(ctx) = ctx {
            limits::context("EncryptionContext", ctx)?;
        }
        let now = self.now();
        let auto = self.inner.auto_maintenance.load(Ordering::SeqCst);
        let mut st = self.lock();
        let mut persist = self.persist_lock();
        let mut call = Call {
            region: &client.region,
            principal: &client.principal,
            account: &client.account,
            now,
            key_arn: None,
        };
        let mut writing = false;
        if let Some(p) = persist.as_mut() {
            // Catch up with what other processes committed; a writer does it again under the
            // write lock, where nobody else can commit in between.
            catch_up(&mut st, p)?;
            let due = auto && st.maintenance_due(now);
            if dispatch::is_mutating(op) || due {
                p.storage.begin_write().map_err(|e| store_error(&e))?;
                writing = true;
                if let Err(e) = catch_up(&mut st, p) {
                    p.storage.rollback();
                    return Err(e);
                }
            }
        }
        let maintained = if auto {
            Self::maintain(&mut st, now)
        } else {
            Ok(())
        };
        let mut result = maintained.and_then(|_| f(&mut st, &mut call));
        let mut record = AuditRecord {
            time: now,
            principal: client.principal.clone(),
            operation: op.to_string(),
            key_arn: call.key_arn.take(),
            region: client.region.clone(),
            encryption_context: ctx.cloned(),
            success: result.is_ok(),
            error_code: result.as_ref().err().map(|e| e.name.clone()),
        };
        let Some(p) = persist.as_mut() else {
            st.settle();
            st.audit.push(record);
            return result;
        };
        if !writing && !st.is_dirty() {
            // A read: its answer goes out once its audit record is durable, committed in a
            // group with other reads' records and with no lock held, so no other call waits
            // for this fsync.
            drop(persist);
            drop(st);
            return match self.append_audit_grouped(record.clone()) {
                Ok(()) => result,
                Err(e) => {
                    let refused = Err(store_error(&e));
                    record.success = false;
                    record.error_code = Some(names::INTERNAL.to_string());
                    let _ = self.append_audit_grouped(record);
                    refused
                }
            };
        }
        let committed = if writing {
            commit(&st, p, &record)
        } else {
            // Only a writer changes the state; reaching here is a bug, and nothing is kept.
            Err("a read changed the state".to_string())
        };
        match committed {
            Ok(seq) => {
                p.cursor = seq;
                st.settle();
            }
            Err(e) => {
                if writing {
                    p.storage.rollback();
                }
                st.rollback();
                result = Err(store_error(&e));
                // The refusal is audited too, when the store still takes it.
                record.success = false;
                record.error_code = Some(names::INTERNAL.to_string());
                let _ = p.storage.append_audit(&[record]);
            }
        }
        result
    }
}

/// Reads in the rows committed since the cursor.
fn catch_up(st: &mut State, p: &mut Persistence) -> Result<(), KmsError> {
    let records = p
        .storage
        .changes_since(p.cursor)
        .map_err(|e| store_error(&e))?;
    if let Some(max) = records.iter().map(|r| r.seq).max() {
        rows::apply(st, records, &p.root_key)?;
        p.cursor = max;
    }
    Ok(())
}

/// Writes the changed rows and the audit record in the open write transaction and commits.
fn commit(st: &State, p: &mut Persistence, record: &AuditRecord) -> Result<u64, String> {
    let records = rows::changed(st, &p.root_key).map_err(|e| e.message)?;
    if !records.is_empty() {
        p.storage.put(&records)?;
    }
    p.storage.append_audit(core::slice::from_ref(record))?;
    p.storage.commit()
}

/// The answer to a store failure; the detail goes to the host's log, not to the caller.
fn store_error(detail: &str) -> KmsError {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("sealkit-kms: storage error: {detail}");
    #[cfg(target_arch = "wasm32")]
    let _ = detail;
    KmsError::new(
        names::INTERNAL,
        "the change could not be committed; nothing was changed",
    )
}

/// A [`LocalKms`] seen from one region by one principal; implements [`KmsProvider`] and
/// [`KmsAdmin`]. All futures are ready immediately.
#[derive(Debug, Clone)]
pub struct LocalKmsClient {
    kms: LocalKms,
    region: String,
    principal: String,
    account: String,
}

impl LocalKmsClient {
    /// The region of this handle.
    pub fn region(&self) -> &str {
        &self.region
    }
    /// The caller principal ARN.
    pub fn principal(&self) -> &str {
        &self.principal
    }
    /// The caller's account.
    pub fn account(&self) -> &str {
        &self.account
    }
    /// The KMS behind this handle.
    pub fn kms(&self) -> &LocalKms {
        &self.kms
    }
}

/// Operations beyond the [`KmsProvider`] and [`KmsAdmin`] traits (and the paged forms of the
/// list operations), as the key server and the JS bindings call them through
/// [`dispatch::dispatch_json`].
impl LocalKmsClient {
    /// `GenerateDataKeyPair`.
    pub fn generate_data_key_pair(
        &self,
        req: GenerateDataKeyPairRequest,
    ) -> Result<GenerateDataKeyPairResponse, KmsError> {
        let ctx = req.encryption_context.clone();
        self.kms
            .run(self, "GenerateDataKeyPair", Some(&ctx), |st, c| {
                key_pair::generate_data_key_pair(st, c, req)
            })
    }

    /// `GenerateDataKeyPairWithoutPlaintext`.
    pub fn generate_data_key_pair_without_plaintext(
        &self,
        req: GenerateDataKeyPairRequest,
    ) -> Result<GenerateDataKeyPairWithoutPlaintextResponse, KmsError> {
        let ctx = req.encryption_context.clone();
        self.kms.run(
            self,
            "GenerateDataKeyPairWithoutPlaintext",
            Some(&ctx),
            |st, c| key_pair::generate_data_key_pair_without_plaintext(st, c, req),
        )
    }

    /// `GenerateRandom` (1..=1024 bytes).
    pub fn generate_random(
        &self,
        req: GenerateRandomRequest,
    ) -> Result<GenerateRandomResponse, KmsError> {
        self.kms.run(self, "GenerateRandom", None, |st, c| {
            key_pair::generate_random(st, c, req)
        })
    }

    /// `TagResource`.
    pub fn tag_resource(&self, req: TagResourceRequest) -> Result<(), KmsError> {
        self.kms.run(self, "TagResource", None, |st, c| {
            tags::tag_resource(st, c, req)
        })
    }

    /// `UntagResource`.
    pub fn untag_resource(&self, req: UntagResourceRequest) -> Result<(), KmsError> {
        self.kms.run(self, "UntagResource", None, |st, c| {
            tags::untag_resource(st, c, req)
        })
    }

    /// `ListResourceTags` (one page).
    pub fn list_resource_tags(
        &self,
        req: ListResourceTagsRequest,
    ) -> Result<ListResourceTagsResponse, KmsError> {
        self.kms.run(self, "ListResourceTags", None, |st, c| {
            tags::list_resource_tags(st, c, req)
        })
    }

    /// `CreateGrant`.
    pub fn create_grant(&self, req: CreateGrantRequest) -> Result<CreateGrantResponse, KmsError> {
        self.kms.run(self, "CreateGrant", None, |st, c| {
            grants::create_grant(st, c, req)
        })
    }

    /// `ListGrants` (one page).
    pub fn list_grants(&self, req: ListGrantsRequest) -> Result<ListGrantsResponse, KmsError> {
        self.kms.run(self, "ListGrants", None, |st, c| {
            grants::list_grants(st, c, req)
        })
    }

    /// `RevokeGrant`.
    pub fn revoke_grant(&self, req: RevokeGrantRequest) -> Result<(), KmsError> {
        self.kms.run(self, "RevokeGrant", None, |st, c| {
            grants::revoke_grant(st, c, req)
        })
    }

    /// `RetireGrant`.
    pub fn retire_grant(&self, req: RetireGrantRequest) -> Result<(), KmsError> {
        self.kms.run(self, "RetireGrant", None, |st, c| {
            grants::retire_grant(st, c, req)
        })
    }

    /// `UpdateKeyDescription`.
    pub fn update_key_description(&self, req: UpdateKeyDescriptionRequest) -> Result<(), KmsError> {
        self.kms.run(self, "UpdateKeyDescription", None, |st, c| {
            admin::update_key_description(st, c, req)
        })
    }

    /// `ListKeyPolicies` (`["default"]`).
    pub fn list_key_policies(
        &self,
        req: ListKeyPoliciesRequest,
    ) -> Result<ListKeyPoliciesResponse, KmsError> {
        self.kms.run(self, "ListKeyPolicies", None, |st, c| {
            admin::list_key_policies(st, c, req)
        })
    }

    /// `ListKeys`, one page (`Limit`, `Marker`).
    pub fn list_keys_page(&self, req: ListKeysRequest) -> Result<ListKeysResponse, KmsError> {
        self.kms
            .run(self, "ListKeys", None, |st, c| admin::list_keys(st, c, req))
    }

    /// `ListKeyRotations`, one page (`Limit`, `Marker`).
    pub fn list_key_rotations_page(
        &self,
        req: ListKeyRotationsRequest,
    ) -> Result<ListKeyRotationsResponse, KmsError> {
        self.kms.run(self, "ListKeyRotations", None, |st, c| {
            admin::list_key_rotations(st, c, req)
        })
    }
}

fn ready<'a, T: crate::future::MaybeSend + 'a>(r: Result<T, KmsError>) -> KmsFuture<'a, T> {
    Box::pin(core::future::ready(r))
}

macro_rules! local_op {
    ($fn:ident, $req:ty, $resp:ty, $op:literal, $module:ident, ctx = |$r:ident| $ctx:expr) => {
        fn $fn(&self, req: $req) -> KmsFuture<'_, $resp> {
            let $r = &req;
            let ctx = $ctx.cloned();
            ready(
                self.kms
                    .run(self, $op, ctx.as_ref(), |st, c| $module::$fn(st, c, req)),
            )
        }
    };
    ($fn:ident, $req:ty, $resp:ty, $op:literal, $module:ident) => {
        fn $fn(&self, req: $req) -> KmsFuture<'_, $resp> {
            ready(
                self.kms
                    .run(self, $op, None, |st, c| $module::$fn(st, c, req)),
            )
        }
    };
}

impl KmsProvider for LocalKmsClient {
    local_op!(
        generate_data_key,
        GenerateDataKeyRequest,
        GenerateDataKeyResponse,
        "GenerateDataKey",
        ops,
        ctx = |r| Some(&r.encryption_context)
    );
    local_op!(
        generate_data_key_without_plaintext,
        GenerateDataKeyRequest,
        GenerateDataKeyWithoutPlaintextResponse,
        "GenerateDataKeyWithoutPlaintext",
        ops,
        ctx = |r| Some(&r.encryption_context)
    );
    local_op!(
        encrypt,
        EncryptRequest,
        EncryptResponse,
        "Encrypt",
        ops,
        ctx = |r| Some(&r.encryption_context)
    );
    local_op!(
        decrypt,
        DecryptRequest,
        DecryptResponse,
        "Decrypt",
        ops,
        ctx = |r| Some(&r.encryption_context)
    );
    local_op!(
        re_encrypt,
        ReEncryptRequest,
        ReEncryptResponse,
        "ReEncrypt",
        ops,
        ctx = |r| Some(&r.destination_encryption_context)
    );
    local_op!(
        get_public_key,
        KeyIdRequest,
        GetPublicKeyResponse,
        "GetPublicKey",
        ops
    );
    local_op!(
        describe_key,
        KeyIdRequest,
        DescribeKeyResponse,
        "DescribeKey",
        ops
    );
    local_op!(sign, SignRequest, SignResponse, "Sign", ops);
    local_op!(verify, VerifyRequest, VerifyResponse, "Verify", ops);
    local_op!(
        generate_mac,
        GenerateMacRequest,
        GenerateMacResponse,
        "GenerateMac",
        ops
    );
    local_op!(
        verify_mac,
        VerifyMacRequest,
        VerifyMacResponse,
        "VerifyMac",
        ops
    );
}

impl KmsAdmin for LocalKmsClient {
    local_op!(
        create_key,
        CreateKeyRequest,
        CreateKeyResponse,
        "CreateKey",
        admin
    );
    local_op!(create_alias, AliasRequest, (), "CreateAlias", admin);
    local_op!(update_alias, AliasRequest, (), "UpdateAlias", admin);
    local_op!(delete_alias, DeleteAliasRequest, (), "DeleteAlias", admin);
    local_op!(
        list_aliases,
        ListAliasesRequest,
        ListAliasesResponse,
        "ListAliases",
        admin
    );
    /// Every key of the caller's account and region: the pages of `ListKeys`, joined.
    fn list_keys(&self) -> KmsFuture<'_, ListKeysResponse> {
        let mut all = ListKeysResponse::default();
        let mut marker = None;
        loop {
            let page = match self.list_keys_page(ListKeysRequest {
                limit: Some(1000),
                marker: marker.take(),
            }) {
                Ok(p) => p,
                Err(e) => return ready(Err(e)),
            };
            all.keys.extend(page.keys);
            match page.next_marker {
                Some(m) if page.truncated => marker = Some(m),
                _ => return ready(Ok(all)),
            }
        }
    }
    local_op!(
        replicate_key,
        ReplicateKeyRequest,
        ReplicateKeyResponse,
        "ReplicateKey",
        admin
    );
    local_op!(enable_key, KeyIdRequest, (), "EnableKey", admin);
    local_op!(disable_key, KeyIdRequest, (), "DisableKey", admin);
    local_op!(
        schedule_key_deletion,
        ScheduleKeyDeletionRequest,
        ScheduleKeyDeletionResponse,
        "ScheduleKeyDeletion",
        admin
    );
    local_op!(
        cancel_key_deletion,
        KeyIdRequest,
        KeyIdResponse,
        "CancelKeyDeletion",
        admin
    );
    local_op!(
        enable_key_rotation,
        EnableKeyRotationRequest,
        (),
        "EnableKeyRotation",
        admin
    );
    local_op!(
        disable_key_rotation,
        KeyIdRequest,
        (),
        "DisableKeyRotation",
        admin
    );
    local_op!(
        get_key_rotation_status,
        KeyIdRequest,
        GetKeyRotationStatusResponse,
        "GetKeyRotationStatus",
        admin
    );
    local_op!(
        rotate_key_on_demand,
        KeyIdRequest,
        KeyIdResponse,
        "RotateKeyOnDemand",
        admin
    );
    /// The first page (up to 1000) of `ListKeyRotations`.
    fn list_key_rotations(&self, req: KeyIdRequest) -> KmsFuture<'_, ListKeyRotationsResponse> {
        ready(self.list_key_rotations_page(ListKeyRotationsRequest {
            key_id: req.key_id,
            limit: Some(1000),
            marker: None,
        }))
    }
    local_op!(
        put_key_policy,
        PutKeyPolicyRequest,
        (),
        "PutKeyPolicy",
        admin
    );
    local_op!(
        get_key_policy,
        KeyIdRequest,
        GetKeyPolicyResponse,
        "GetKeyPolicy",
        admin
    );
}
