//! Reads' audit records are committed in groups through the store's audit handle, with no lock
//! on the KMS held meanwhile; a read answers only once its record is durable.

use sealkit_kms::clock::ManualClock;
use sealkit_kms::local::{AuditRecord, LocalKms, LocalKmsClient, MemoryStorage, Record, Storage};
use sealkit_kms::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use zeroize::Zeroizing;

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
/// Long enough never to be reached when the code is right; reached, the test fails (no hang).
const STUCK: Duration = Duration::from_secs(20);

/// What the audit handle saw, and a gate that holds its commits.
#[derive(Default)]
struct Sink {
    open: Mutex<bool>,
    opened: Condvar,
    /// Commits started (the gate is waited on after counting).
    entered: AtomicUsize,
    /// Records committed.
    records: AtomicUsize,
    fail: Mutex<bool>,
}

impl Sink {
    fn set_open(&self, open: bool) {
        *self.open.lock().unwrap() = open;
        self.opened.notify_all();
    }
}

struct AuditHandle(Arc<Sink>);

impl Storage for AuditHandle {
    fn changes_since(&mut self, _: u64) -> Result<Vec<Record>, String> {
        Err("the audit handle serves audit only".into())
    }
    fn begin_write(&mut self) -> Result<(), String> {
        Err("the audit handle serves audit only".into())
    }
    fn put(&mut self, _: &[Record]) -> Result<(), String> {
        Err("the audit handle serves audit only".into())
    }
    fn append_audit(&mut self, records: &[AuditRecord]) -> Result<(), String> {
        self.0.entered.fetch_add(1, Ordering::SeqCst);
        let mut open = self.0.open.lock().unwrap();
        while !*open {
            open = self.0.opened.wait(open).unwrap();
        }
        if *self.0.fail.lock().unwrap() {
            return Err("disk full".into());
        }
        self.0.records.fetch_add(records.len(), Ordering::SeqCst);
        Ok(())
    }
    fn commit(&mut self) -> Result<u64, String> {
        Err("no write transaction".into())
    }
    fn rollback(&mut self) {}
    fn check(&mut self) -> Result<(), String> {
        Ok(())
    }
}

/// The operations' store: memory, counting catch-up reads; its audit handle is a [`Sink`].
struct Main {
    rows: MemoryStorage,
    reads: Arc<AtomicUsize>,
    sink: Arc<Sink>,
}

impl Storage for Main {
    fn changes_since(&mut self, since: u64) -> Result<Vec<Record>, String> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.rows.changes_since(since)
    }
    fn begin_write(&mut self) -> Result<(), String> {
        self.rows.begin_write()
    }
    fn put(&mut self, records: &[Record]) -> Result<(), String> {
        self.rows.put(records)
    }
    fn append_audit(&mut self, records: &[AuditRecord]) -> Result<(), String> {
        self.rows.append_audit(records)
    }
    fn commit(&mut self) -> Result<u64, String> {
        self.rows.commit()
    }
    fn rollback(&mut self) {
        self.rows.rollback()
    }
    fn check(&mut self) -> Result<(), String> {
        Ok(())
    }
    fn audit_handle(&mut self) -> Result<Option<Box<dyn Storage>>, String> {
        Ok(Some(Box::new(AuditHandle(self.sink.clone()))))
    }
}

fn open() -> (LocalKms, LocalKmsClient, Arc<Sink>, Arc<AtomicUsize>) {
    let sink = Arc::new(Sink::default());
    sink.set_open(true);
    let reads = Arc::new(AtomicUsize::new(0));
    let main = Main {
        rows: MemoryStorage::new(),
        reads: reads.clone(),
        sink: sink.clone(),
    };
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let kms = LocalKms::with_storage(Box::new(main), Zeroizing::new([7u8; 32]), clock).unwrap();
    let c = kms.client("us-east-1", ALICE).unwrap();
    (kms, c, sink, reads)
}

fn create(c: &LocalKmsClient) -> String {
    block_on(c.create_key(CreateKeyRequest::default()))
        .unwrap()
        .key_metadata
        .arn
}

fn gdk(c: &LocalKmsClient, key: &str) -> Result<GenerateDataKeyResponse, KmsError> {
    block_on(c.generate_data_key(GenerateDataKeyRequest {
        key_id: key.to_string(),
        number_of_bytes: Some(32),
        ..Default::default()
    }))
}

fn wait_until(what: &str, f: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !f() {
        assert!(start.elapsed() < STUCK, "stuck waiting until {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn a_read_waiting_for_its_audit_commit_holds_no_lock_and_answers_after_it() {
    let (_kms, c, sink, _) = open();
    let key = create(&c);
    sink.set_open(false);
    let reader = {
        let (c, key) = (c.clone(), key.clone());
        std::thread::spawn(move || gdk(&c, &key))
    };
    wait_until("the read commits its audit record", || {
        sink.entered.load(Ordering::SeqCst) == 1
    });
    // While that fsync is held, a write (its own transaction) gets through the KMS.
    let (done, finished) = mpsc::channel();
    {
        let c = c.clone();
        std::thread::spawn(move || {
            let _ = done.send(create(&c));
        });
    }
    let created = finished.recv_timeout(STUCK);
    assert!(created.is_ok(), "a write waited for a read's audit commit");
    assert!(
        !reader.is_finished(),
        "a read answered before its audit record was durable"
    );
    assert_eq!(sink.records.load(Ordering::SeqCst), 0);
    sink.set_open(true);
    let dk = reader.join().unwrap().unwrap();
    assert_eq!(dk.plaintext.len(), 32);
    assert_eq!(sink.records.load(Ordering::SeqCst), 1);
}

#[test]
fn reads_waiting_at_the_same_time_share_one_commit() {
    let (_kms, c, sink, reads) = open();
    let key = create(&c);
    sink.set_open(false);
    let first = {
        let (c, key) = (c.clone(), key.clone());
        std::thread::spawn(move || gdk(&c, &key))
    };
    wait_until("the first read commits", || {
        sink.entered.load(Ordering::SeqCst) == 1
    });
    let before = reads.load(Ordering::SeqCst);
    let others: Vec<_> = (0..5)
        .map(|_| {
            let (c, key) = (c.clone(), key.clone());
            std::thread::spawn(move || gdk(&c, &key))
        })
        .collect();
    wait_until("the other reads ran", || {
        reads.load(Ordering::SeqCst) >= before + 5
    });
    // From their catch-up to queueing their record is a few instructions.
    std::thread::sleep(Duration::from_millis(200));
    sink.set_open(true);
    assert!(first.join().unwrap().is_ok());
    for t in others {
        assert!(t.join().unwrap().is_ok());
    }
    assert_eq!(sink.records.load(Ordering::SeqCst), 6);
    let commits = sink.entered.load(Ordering::SeqCst);
    assert!(
        commits < 6,
        "{commits} commits for 6 records: the waiting reads were not grouped"
    );
}

#[test]
fn a_read_whose_audit_record_cannot_be_committed_answers_internal() {
    let (_kms, c, sink, _) = open();
    let key = create(&c);
    *sink.fail.lock().unwrap() = true;
    let e = gdk(&c, &key).unwrap_err();
    assert_eq!(e.name, "KMSInternalException");
    assert!(block_on(c.describe_key(KeyIdRequest::new(&key))).is_err());
    *sink.fail.lock().unwrap() = false;
    assert!(gdk(&c, &key).is_ok());
}
