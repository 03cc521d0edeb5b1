//! The local KMS over a `Storage`: one transaction per operation holding only its rows, rollback
//! of a failed commit, several KMS instances over one store, material sealed at rest.

use sealkit_kms::clock::ManualClock;
use sealkit_kms::local::{AuditRecord, LocalKms, LocalKmsClient, MemoryStorage, Record, Storage};
use sealkit_kms::*;
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const DAY: u64 = 86_400;

/// Code run inside another call.
type Hook = Box<dyn FnOnce() + Send>;

/// A memory store shared by several KMS instances (like processes over one database), which
/// counts what each commit writes and can be told to fail.
#[derive(Clone, Default)]
struct Shared {
    inner: Arc<Mutex<MemoryStorage>>,
    /// Rows and audit records of the last commit.
    last: Arc<Mutex<(usize, usize)>>,
    pending: Arc<Mutex<(usize, usize)>>,
    fail_commits: Arc<Mutex<bool>>,
    /// Runs once at the next `begin_write`, before the write lock is taken: another process
    /// committing between this one's catch-up and its lock.
    on_begin: Arc<Mutex<Option<Hook>>>,
}

impl Storage for Shared {
    fn changes_since(&mut self, since: u64) -> Result<Vec<Record>, String> {
        self.inner.lock().unwrap().changes_since(since)
    }
    fn begin_write(&mut self) -> Result<(), String> {
        let hook = self.on_begin.lock().unwrap().take();
        if let Some(hook) = hook {
            hook();
        }
        *self.pending.lock().unwrap() = (0, 0);
        self.inner.lock().unwrap().begin_write()
    }
    fn put(&mut self, records: &[Record]) -> Result<(), String> {
        self.pending.lock().unwrap().0 += records.len();
        self.inner.lock().unwrap().put(records)
    }
    fn append_audit(&mut self, records: &[AuditRecord]) -> Result<(), String> {
        self.pending.lock().unwrap().1 += records.len();
        self.inner.lock().unwrap().append_audit(records)
    }
    fn commit(&mut self) -> Result<u64, String> {
        if *self.fail_commits.lock().unwrap() {
            return Err("disk full".into());
        }
        *self.last.lock().unwrap() = *self.pending.lock().unwrap();
        self.inner.lock().unwrap().commit()
    }
    fn rollback(&mut self) {
        self.inner.lock().unwrap().rollback()
    }
    fn check(&mut self) -> Result<(), String> {
        Ok(())
    }
}

fn root() -> Zeroizing<[u8; 32]> {
    Zeroizing::new([9u8; 32])
}

fn open(store: &Shared, clock: &Arc<ManualClock>) -> (LocalKms, LocalKmsClient) {
    let kms = LocalKms::with_storage(Box::new(store.clone()), root(), clock.clone()).unwrap();
    let c = kms.client("us-east-1", ALICE).unwrap();
    (kms, c)
}

fn create(c: &LocalKmsClient) -> String {
    block_on(c.create_key(CreateKeyRequest::default()))
        .unwrap()
        .key_metadata
        .arn
}

fn gdk(c: &LocalKmsClient, key: &str) -> GenerateDataKeyResponse {
    block_on(c.generate_data_key(GenerateDataKeyRequest {
        key_id: key.to_string(),
        number_of_bytes: Some(32),
        ..Default::default()
    }))
    .unwrap()
}

fn decrypts(c: &LocalKmsClient, blob: &[u8]) -> Result<Vec<u8>, KmsError> {
    block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: blob.to_vec(),
        ..Default::default()
    }))
    .map(|r| r.plaintext.to_vec())
}

#[test]
fn a_write_commits_only_its_rows_and_a_read_only_its_audit_record() {
    let store = Shared::default();
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let (_kms, c) = open(&store, &clock);
    for _ in 0..50 {
        create(&c);
    }
    let key = create(&c);
    // The key row and its material row, and the audit record: not the 50 other keys.
    assert_eq!(*store.last.lock().unwrap(), (2, 1));
    block_on(c.create_alias(AliasRequest {
        alias_name: "alias/a".into(),
        target_key_id: key.clone(),
    }))
    .unwrap();
    assert_eq!(*store.last.lock().unwrap(), (1, 1));
    let audit_before = store.inner.lock().unwrap().audit().len();
    let seq_before = store.inner.lock().unwrap().seq();
    gdk(&c, "alias/a");
    // A read commits no transaction of rows, but its audit record is stored.
    assert_eq!(store.inner.lock().unwrap().seq(), seq_before);
    assert_eq!(store.inner.lock().unwrap().audit().len(), audit_before + 1);
    // A denied call is audited too.
    let eve = _kms
        .client("us-east-1", "arn:aws:iam::999988887777:user/eve")
        .unwrap();
    assert!(block_on(eve.describe_key(KeyIdRequest::new(&key))).is_err());
    let audit = store.inner.lock().unwrap().audit().to_vec();
    let last = audit.last().unwrap();
    assert!(!last.success);
    assert_eq!(last.operation, "DescribeKey");
}

#[test]
fn the_state_reads_back_from_the_store_with_material_that_decrypts() {
    let store = Shared::default();
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let (_kms, c) = open(&store, &clock);
    let key = create(&c);
    block_on(c.rotate_key_on_demand(KeyIdRequest::new(&key))).unwrap();
    let dk = gdk(&c, &key);
    drop((_kms, c));
    let (_kms2, c2) = open(&store, &clock);
    assert_eq!(
        decrypts(&c2, &dk.ciphertext_blob).unwrap(),
        dk.plaintext.to_vec()
    );
    let rotations = block_on(c2.list_key_rotations(KeyIdRequest::new(&key))).unwrap();
    assert_eq!(rotations.rotations.len(), 1);
}

#[test]
fn a_failed_commit_answers_internal_and_leaves_nothing_behind() {
    let store = Shared::default();
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let (_kms, c) = open(&store, &clock);
    let kept = create(&c);
    *store.fail_commits.lock().unwrap() = true;
    let e = block_on(c.create_key(CreateKeyRequest::default())).unwrap_err();
    assert_eq!(e.name, "KMSInternalException");
    let e = block_on(c.schedule_key_deletion(ScheduleKeyDeletionRequest {
        key_id: kept.clone(),
        pending_window_in_days: Some(7),
    }))
    .unwrap_err();
    assert_eq!(e.name, "KMSInternalException");
    *store.fail_commits.lock().unwrap() = false;
    let keys = block_on(c.list_keys()).unwrap().keys;
    assert_eq!(keys.len(), 1, "the failed CreateKey is not in memory");
    let md = block_on(c.describe_key(KeyIdRequest::new(&kept)))
        .unwrap()
        .key_metadata;
    assert_eq!(md.key_state, Some(KeyState::Enabled));
}

#[test]
fn two_instances_over_one_store_see_each_other_and_rotate_once_per_period() {
    let store = Shared::default();
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let (_a, ca) = open(&store, &clock);
    let (_b, cb) = open(&store, &clock);
    let key = create(&ca);
    // Made through one, used through the other.
    let dk = gdk(&cb, &key);
    assert_eq!(
        decrypts(&ca, &dk.ciphertext_blob).unwrap(),
        dk.plaintext.to_vec()
    );
    block_on(cb.enable_key_rotation(EnableKeyRotationRequest {
        key_id: key.clone(),
        rotation_period_in_days: Some(90),
    }))
    .unwrap();
    clock.advance(91 * DAY);
    // Both meet the due rotation; exactly one performs it.
    let da = gdk(&ca, &key);
    let db = gdk(&cb, &key);
    for c in [&ca, &cb] {
        let r = block_on(c.list_key_rotations(KeyIdRequest::new(&key))).unwrap();
        assert_eq!(r.rotations.len(), 1);
        for d in [&dk, &da, &db] {
            assert_eq!(
                decrypts(c, &d.ciphertext_blob).unwrap(),
                d.plaintext.to_vec()
            );
        }
    }
    // On-demand rotations through both add one version each, seen by both.
    block_on(ca.rotate_key_on_demand(KeyIdRequest::new(&key))).unwrap();
    block_on(cb.rotate_key_on_demand(KeyIdRequest::new(&key))).unwrap();
    for c in [&ca, &cb] {
        let r = block_on(c.list_key_rotations(KeyIdRequest::new(&key))).unwrap();
        assert_eq!(r.rotations.len(), 3);
    }
}

#[test]
fn material_is_sealed_and_bound_to_its_row() {
    let store = Shared::default();
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let (_kms, c) = open(&store, &clock);
    let k1 = create(&c);
    let k2 = create(&c);
    let rows = store.inner.lock().unwrap().changes_since(0).unwrap();
    let material: Vec<&Record> = rows
        .iter()
        .filter(|r| r.kind == sealkit_kms::local::RecordKind::Material)
        .collect();
    assert_eq!(material.len(), 2);
    assert!(material.iter().any(|r| r.name == k1) && material.iter().any(|r| r.name == k2));
    // Swap the two sealed material rows: neither opens under the other's name.
    let mut forged = MemoryStorage::new();
    forged.begin_write().unwrap();
    let mut swapped: Vec<Record> = rows.clone();
    let (a, b) = (
        material[0].value.clone().unwrap(),
        material[1].value.clone().unwrap(),
    );
    for r in swapped.iter_mut() {
        if r.name == material[0].name && r.kind == material[0].kind {
            r.value = Some(b.clone());
        } else if r.name == material[1].name && r.kind == material[1].kind {
            r.value = Some(a.clone());
        }
    }
    forged.put(&swapped).unwrap();
    forged.commit().unwrap();
    let e = LocalKms::with_storage(Box::new(forged), root(), clock.clone()).unwrap_err();
    assert_eq!(e.name, "KMSInternalException");
    // And the right rows under a wrong root key do not open either.
    let e = LocalKms::with_storage(
        Box::new(store.clone()),
        Zeroizing::new([1u8; 32]),
        clock.clone(),
    )
    .unwrap_err();
    assert_eq!(e.name, "KMSInternalException");
}

#[test]
fn a_rotation_committed_by_another_process_just_before_the_write_lock_is_not_repeated() {
    let store = Shared::default();
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let (_a, ca) = open(&store, &clock);
    let (_b, cb) = open(&store, &clock);
    let key = create(&ca);
    block_on(ca.enable_key_rotation(EnableKeyRotationRequest {
        key_id: key.clone(),
        rotation_period_in_days: Some(90),
    }))
    .unwrap();
    gdk(&cb, &key);
    clock.advance(91 * DAY);
    // B sees the rotation due and goes for the write lock; A rotates and commits first.
    let (ca2, key2) = (ca.clone(), key.clone());
    let from_a = Arc::new(Mutex::new(None));
    let slot = from_a.clone();
    *store.on_begin.lock().unwrap() = Some(Box::new(move || {
        *slot.lock().unwrap() = Some(gdk(&ca2, &key2));
    }));
    let db = gdk(&cb, &key);
    let da = from_a.lock().unwrap().take().expect("A ran in between");
    for c in [&ca, &cb] {
        let r = block_on(c.list_key_rotations(KeyIdRequest::new(&key))).unwrap();
        assert_eq!(r.rotations.len(), 1, "one rotation for one due period");
        for d in [&da, &db] {
            assert_eq!(
                decrypts(c, &d.ciphertext_blob).unwrap(),
                d.plaintext.to_vec()
            );
        }
    }
}
