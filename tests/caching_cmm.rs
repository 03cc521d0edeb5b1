//! The caching CMM against real providers: calls counted at the embedded LocalKms (its audit
//! log) and at a counting keyring; limits, partitions, contexts, identity-KDF suites,
//! streaming without a length, and single-flight under real threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use sealkit::cmm::{CachingMaterialsManager, LocalCryptoMaterialsCache};
use sealkit::future::BoxFuture;
use sealkit::keyring::hierarchical::ManualClock;
use sealkit::kms::local::{AuditFilter, LocalKms};
use sealkit::kms::{CreateKeyRequest, KeySpec, KeyUsage, KmsAdmin, KmsProvider};
use sealkit::materials::{DecryptionMaterials, EncryptionMaterials};
use sealkit::{
    block_on, keyring_cmm, AlgorithmSuite, AwsKmsKeyring, Client, CommitmentPolicy,
    CryptoMaterialsManager, DecryptOptions, EncryptOptions, EncryptedDataKey, Keyring,
    RawAesKeyring,
};

const ROOT: &str = "arn:aws:iam::111122223333:root";
const SUITE: AlgorithmSuite = AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY;

/// A LocalKms with one symmetric key, and a KMS keyring for it.
fn kms_keyring() -> (LocalKms, Arc<dyn Keyring>) {
    let (kms, _clock) = LocalKms::with_manual_clock(1_700_000_000);
    let client = kms.client("us-east-1", ROOT).unwrap();
    let arn = block_on(client.create_key(CreateKeyRequest {
        key_spec: Some(KeySpec::SymmetricDefault),
        key_usage: Some(KeyUsage::EncryptDecrypt),
        ..Default::default()
    }))
    .unwrap()
    .key_metadata
    .arn;
    let provider: Arc<dyn KmsProvider> = Arc::new(client);
    (kms, Arc::new(AwsKmsKeyring::new(provider, &arn).unwrap()))
}

fn kms_calls(kms: &LocalKms, operation: &str) -> usize {
    kms.audit_log(&AuditFilter {
        operation: Some(operation.into()),
        ..Default::default()
    })
    .len()
}

/// Counts the calls that reach a raw AES keyring.
struct Counting {
    inner: RawAesKeyring,
    encrypts: AtomicUsize,
    decrypts: AtomicUsize,
    /// When set, `on_encrypt` holds on until this many requests wait on the cache's flights.
    hold_until_waiting: Option<(Arc<LocalCryptoMaterialsCache>, usize)>,
}

impl Counting {
    fn new() -> Arc<Self> {
        Arc::new(Self::holding(None))
    }
    fn holding(hold: Option<(Arc<LocalCryptoMaterialsCache>, usize)>) -> Self {
        Counting {
            inner: RawAesKeyring::new("ns", "key", &[9u8; 32]).unwrap(),
            encrypts: AtomicUsize::new(0),
            decrypts: AtomicUsize::new(0),
            hold_until_waiting: hold,
        }
    }
    fn encrypts(&self) -> usize {
        self.encrypts.load(Ordering::SeqCst)
    }
    fn decrypts(&self) -> usize {
        self.decrypts.load(Ordering::SeqCst)
    }
}

impl Keyring for Counting {
    fn on_encrypt(
        &self,
        materials: EncryptionMaterials,
    ) -> BoxFuture<'_, sealkit::Result<EncryptionMaterials>> {
        self.encrypts.fetch_add(1, Ordering::SeqCst);
        if let Some((cache, n)) = &self.hold_until_waiting {
            // Bounded (about a minute): without single-flight nobody waits, every thread calls
            // here, and the count assertion fails instead of the test hanging.
            for _ in 0..60_000 {
                if cache.waiting_requests() >= *n {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        self.inner.on_encrypt(materials)
    }

    fn on_decrypt<'a>(
        &'a self,
        materials: DecryptionMaterials,
        edks: &'a [EncryptedDataKey],
    ) -> BoxFuture<'a, sealkit::Result<DecryptionMaterials>> {
        self.decrypts.fetch_add(1, Ordering::SeqCst);
        self.inner.on_decrypt(materials, edks)
    }
}

fn client() -> Client {
    Client::new(CommitmentPolicy::RequireEncryptRequireDecrypt)
}

fn opts(pairs: &[(&str, &str)]) -> EncryptOptions {
    let mut o = EncryptOptions {
        suite: Some(SUITE),
        ..Default::default()
    };
    for (k, v) in pairs {
        o.encryption_context.insert((*k).into(), (*v).into());
    }
    o
}

fn caching(keyring: Arc<dyn Keyring>, max_age: Duration) -> CachingMaterialsManager {
    CachingMaterialsManager::with_keyring(
        keyring,
        Arc::new(LocalCryptoMaterialsCache::new(16)),
        max_age,
    )
    .unwrap()
}

fn encrypt(cmm: &Arc<dyn CryptoMaterialsManager>, plaintext: &[u8], o: EncryptOptions) -> Vec<u8> {
    block_on(client().encrypt(cmm.clone(), plaintext, o))
        .unwrap()
        .ciphertext
}

#[test]
fn ten_thousand_messages_ten_data_keys_at_the_kms() {
    let (kms, keyring) = kms_keyring();
    let enc: Arc<dyn CryptoMaterialsManager> = Arc::new(
        caching(keyring.clone(), Duration::from_secs(3600))
            .with_max_messages_encrypted(1000)
            .unwrap(),
    );
    let mut messages = Vec::with_capacity(10_000);
    for i in 0..10_000u32 {
        messages.push(encrypt(&enc, &i.to_be_bytes(), opts(&[("tenant", "acme")])));
    }
    assert_eq!(kms_calls(&kms, "GenerateDataKey"), 10);

    // A separate manager (own cache) decrypts them all: one KMS Decrypt per data key.
    let dec: Arc<dyn CryptoMaterialsManager> =
        Arc::new(caching(keyring, Duration::from_secs(3600)));
    for (i, m) in messages.iter().enumerate() {
        let out = block_on(client().decrypt(dec.clone(), m, DecryptOptions::default())).unwrap();
        assert_eq!(out.plaintext, (i as u32).to_be_bytes());
    }
    assert_eq!(kms_calls(&kms, "Decrypt"), 10);
}

#[test]
fn without_caching_every_message_calls_the_kms() {
    // The baseline the counts above are measured against.
    let (kms, keyring) = kms_keyring();
    let cmm = keyring_cmm(keyring);
    for _ in 0..20 {
        encrypt(&cmm, b"x", opts(&[]));
    }
    assert_eq!(kms_calls(&kms, "GenerateDataKey"), 20);
}

#[test]
fn concurrent_misses_make_one_call() {
    const THREADS: usize = 100;
    let cache = Arc::new(LocalCryptoMaterialsCache::new(16));
    let keyring = Arc::new(Counting::holding(Some((cache.clone(), THREADS - 1))));
    let cmm: Arc<dyn CryptoMaterialsManager> = Arc::new(
        CachingMaterialsManager::with_keyring(keyring.clone(), cache, Duration::from_secs(60))
            .unwrap(),
    );
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|i| {
            let (cmm, start) = (cmm.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let m = encrypt(&cmm, format!("message {i}").as_bytes(), opts(&[("a", "b")]));
                let out = block_on(client().decrypt(cmm, &m, DecryptOptions::default())).unwrap();
                assert_eq!(out.plaintext, format!("message {i}").as_bytes());
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(keyring.encrypts(), 1);
    // Decrypts: the messages share one data key, so at most one unwrap (the single-flight
    // leader's); the encrypt path never unwraps.
    assert_eq!(keyring.decrypts(), 1);
}

#[test]
fn entries_expire_after_max_age_on_a_manual_clock() {
    let keyring = Counting::new();
    let clock = Arc::new(ManualClock::new(1_000_000));
    let cmm: Arc<dyn CryptoMaterialsManager> =
        Arc::new(caching(keyring.clone(), Duration::from_secs(10)).with_clock(clock.clone()));
    let first = encrypt(&cmm, b"a", opts(&[]));
    clock.advance(9_999);
    encrypt(&cmm, b"b", opts(&[]));
    assert_eq!(keyring.encrypts(), 1);
    clock.advance(1);
    encrypt(&cmm, b"c", opts(&[]));
    assert_eq!(keyring.encrypts(), 2);
    // Decrypt entries expire the same way.
    block_on(client().decrypt(cmm.clone(), &first, DecryptOptions::default())).unwrap();
    clock.advance(9_999);
    block_on(client().decrypt(cmm.clone(), &first, DecryptOptions::default())).unwrap();
    assert_eq!(keyring.decrypts(), 1);
    clock.advance(1);
    block_on(client().decrypt(cmm, &first, DecryptOptions::default())).unwrap();
    assert_eq!(keyring.decrypts(), 2);
}

#[test]
fn a_message_larger_than_the_remaining_byte_budget_gets_fresh_materials() {
    let keyring = Counting::new();
    let cmm: Arc<dyn CryptoMaterialsManager> = Arc::new(
        caching(keyring.clone(), Duration::from_secs(60))
            .with_max_bytes_encrypted(100)
            .unwrap(),
    );
    let edks = |m: &[u8]| {
        sealkit::MessageHeader::parse(m, None)
            .unwrap()
            .header
            .encrypted_data_keys
    };
    let a = encrypt(&cmm, &[0u8; 60], opts(&[]));
    let b = encrypt(&cmm, &[0u8; 30], opts(&[])); // 90 of 100 bytes used
    assert_eq!(keyring.encrypts(), 1);
    assert_eq!(edks(&a), edks(&b));
    let c = encrypt(&cmm, &[0u8; 20], opts(&[])); // 110 > 100: fresh materials
    assert_eq!(keyring.encrypts(), 2);
    assert_ne!(edks(&b), edks(&c));
    let d = encrypt(&cmm, &[0u8; 80], opts(&[])); // 20 + 80 = 100: allowed, then spent
    assert_eq!(edks(&c), edks(&d));
    encrypt(&cmm, &[], opts(&[]));
    assert_eq!(keyring.encrypts(), 3);
    // A message bigger than the whole budget is never cached.
    encrypt(&cmm, &[0u8; 101], opts(&[]));
    encrypt(&cmm, &[0u8; 101], opts(&[]));
    assert_eq!(keyring.encrypts(), 5);
}

#[test]
fn message_limit_counts_the_first_message() {
    let keyring = Counting::new();
    let cmm: Arc<dyn CryptoMaterialsManager> = Arc::new(
        caching(keyring.clone(), Duration::from_secs(60))
            .with_max_messages_encrypted(3)
            .unwrap(),
    );
    for _ in 0..9 {
        encrypt(&cmm, b"m", opts(&[]));
    }
    assert_eq!(keyring.encrypts(), 3);
    assert!(CachingMaterialsManager::with_keyring(
        keyring.clone(),
        Arc::new(LocalCryptoMaterialsCache::new(1)),
        Duration::from_secs(1)
    )
    .unwrap()
    .with_max_messages_encrypted((1 << 32) + 1)
    .is_err());
    assert!(CachingMaterialsManager::with_keyring(
        keyring,
        Arc::new(LocalCryptoMaterialsCache::new(1)),
        Duration::ZERO
    )
    .is_err());
}

#[test]
fn partitions_do_not_share_entries() {
    let keyring = Counting::new();
    let cache = Arc::new(LocalCryptoMaterialsCache::new(16));
    let make = |partition: Option<&str>| -> Arc<dyn CryptoMaterialsManager> {
        let m = CachingMaterialsManager::with_keyring(
            keyring.clone(),
            cache.clone(),
            Duration::from_secs(60),
        )
        .unwrap();
        Arc::new(match partition {
            Some(p) => m.with_partition(p),
            None => m,
        })
    };
    // Default partitions are random per manager.
    let (a, b) = (make(None), make(None));
    encrypt(&a, b"1", opts(&[]));
    encrypt(&b, b"2", opts(&[]));
    assert_eq!(keyring.encrypts(), 2);
    let (x, y, z) = (
        make(Some("orders")),
        make(Some("orders")),
        make(Some("users")),
    );
    encrypt(&x, b"3", opts(&[]));
    encrypt(&y, b"4", opts(&[]));
    assert_eq!(keyring.encrypts(), 3);
    encrypt(&z, b"5", opts(&[]));
    assert_eq!(keyring.encrypts(), 4);
}

#[test]
fn encryption_contexts_do_not_share_entries() {
    let keyring = Counting::new();
    let cmm: Arc<dyn CryptoMaterialsManager> =
        Arc::new(caching(keyring.clone(), Duration::from_secs(60)));
    let a = encrypt(&cmm, b"1", opts(&[("tenant", "a")]));
    let b = encrypt(&cmm, b"2", opts(&[("tenant", "b")]));
    encrypt(&cmm, b"3", opts(&[("tenant", "a")]));
    assert_eq!(keyring.encrypts(), 2);
    // A request naming the suite and one leaving it to the policy are distinct entries too.
    let mut unnamed = opts(&[("tenant", "a")]);
    unnamed.suite = None;
    encrypt(&cmm, b"4", unnamed);
    assert_eq!(keyring.encrypts(), 3);
    for m in [a, b] {
        block_on(client().decrypt(cmm.clone(), &m, DecryptOptions::default())).unwrap();
    }
    assert_eq!(keyring.decrypts(), 2);
}

#[test]
fn reproduced_context_is_checked_on_a_hit() {
    let keyring = Counting::new();
    let cmm: Arc<dyn CryptoMaterialsManager> =
        Arc::new(caching(keyring.clone(), Duration::from_secs(60)));
    let m = encrypt(&cmm, b"1", opts(&[("tenant", "a")]));
    let with = |v: &str| {
        let mut o = DecryptOptions::default();
        o.encryption_context.insert("tenant".into(), v.into());
        o
    };
    block_on(client().decrypt(cmm.clone(), &m, with("a"))).unwrap();
    // Same message, cached materials, but a mismatching reproduced pair is still refused.
    let err = block_on(client().decrypt(cmm, &m, with("b"))).unwrap_err();
    assert_eq!(err.code(), "ERR_CONTEXT_MISMATCH");
}

#[test]
fn identity_kdf_suites_are_never_cached() {
    let keyring = Counting::new();
    let cache = Arc::new(LocalCryptoMaterialsCache::new(16));
    let cmm: Arc<dyn CryptoMaterialsManager> = Arc::new(
        CachingMaterialsManager::with_keyring(
            keyring.clone(),
            cache.clone(),
            Duration::from_secs(60),
        )
        .unwrap(),
    );
    let client = Client::new(CommitmentPolicy::ForbidEncryptAllowDecrypt);
    let o = EncryptOptions {
        suite: Some(AlgorithmSuite::from_id(0x0078).unwrap()),
        ..Default::default()
    };
    let m = block_on(client.encrypt(cmm.clone(), b"1", o.clone())).unwrap();
    block_on(client.encrypt(cmm.clone(), b"2", o)).unwrap();
    assert_eq!(keyring.encrypts(), 2);
    for _ in 0..2 {
        block_on(client.decrypt(cmm.clone(), &m.ciphertext, DecryptOptions::default())).unwrap();
    }
    assert_eq!(keyring.decrypts(), 2);
    assert!(cache.is_empty());
}

#[test]
fn streams_are_cached_only_with_a_declared_length() {
    let keyring = Counting::new();
    let cmm: Arc<dyn CryptoMaterialsManager> =
        Arc::new(caching(keyring.clone(), Duration::from_secs(60)));
    let c = client();
    for _ in 0..2 {
        let mut enc = block_on(c.encryptor(cmm.clone(), opts(&[]))).unwrap();
        let mut out = Vec::new();
        enc.update(b"stream", &mut out).unwrap();
        enc.finish(&mut out).unwrap();
    }
    assert_eq!(keyring.encrypts(), 2);
    let mut outputs = Vec::new();
    for _ in 0..2 {
        let mut enc =
            block_on(c.encryptor_with_plaintext_length(cmm.clone(), opts(&[]), 6)).unwrap();
        let mut out = Vec::new();
        enc.update(b"stream", &mut out).unwrap();
        enc.finish(&mut out).unwrap();
        outputs.push(out);
    }
    assert_eq!(keyring.encrypts(), 3);
    for m in outputs {
        assert_eq!(
            block_on(c.decrypt(cmm.clone(), &m, DecryptOptions::default()))
                .unwrap()
                .plaintext,
            b"stream"
        );
    }
    // More than declared is refused, so the byte budget cannot be overrun.
    let mut enc = block_on(c.encryptor_with_plaintext_length(cmm, opts(&[]), 6)).unwrap();
    let err = enc.update(b"stream!", &mut Vec::new()).unwrap_err();
    assert_eq!(err.code(), "ERR_LIMIT_EXCEEDED");
}

#[test]
fn signing_suites_reuse_the_signing_key_and_still_verify() {
    let keyring = Counting::new();
    let cmm: Arc<dyn CryptoMaterialsManager> =
        Arc::new(caching(keyring.clone(), Duration::from_secs(60)));
    let mut o = opts(&[]);
    o.suite = Some(AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384);
    let msgs: Vec<_> = (0..3u8).map(|i| encrypt(&cmm, &[i], o.clone())).collect();
    assert_eq!(keyring.encrypts(), 1);
    let dec = keyring_cmm(keyring.clone());
    for (i, m) in msgs.iter().enumerate() {
        let out = block_on(client().decrypt(dec.clone(), m, DecryptOptions::default())).unwrap();
        assert_eq!(out.plaintext, [i as u8]);
    }
}

#[test]
fn lru_capacity_bounds_the_entries_kept() {
    let keyring = Counting::new();
    let cache = Arc::new(LocalCryptoMaterialsCache::new(2));
    let cmm: Arc<dyn CryptoMaterialsManager> = Arc::new(
        CachingMaterialsManager::with_keyring(
            keyring.clone(),
            cache.clone(),
            Duration::from_secs(60),
        )
        .unwrap(),
    );
    for t in ["a", "b", "c"] {
        encrypt(&cmm, b"x", opts(&[("t", t)]));
    }
    assert_eq!(cache.len(), 2);
    encrypt(&cmm, b"x", opts(&[("t", "c")])); // kept
    encrypt(&cmm, b"x", opts(&[("t", "a")])); // evicted as least recently used
    assert_eq!(keyring.encrypts(), 4);
}

/// A keyring whose every call fails; the first holds on until `n` requests wait on the cache's
/// flights.
struct Failing {
    calls: AtomicUsize,
    hold_until_waiting: (Arc<LocalCryptoMaterialsCache>, usize),
}

impl Failing {
    fn hold(&self) {
        if self.calls.fetch_add(1, Ordering::SeqCst) > 0 {
            return;
        }
        let (cache, n) = &self.hold_until_waiting;
        // Bounded, as in `Counting`: a build without single-flight fails the count instead.
        for _ in 0..60_000 {
            if cache.waiting_requests() >= *n {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Keyring for Failing {
    fn on_encrypt(
        &self,
        _materials: EncryptionMaterials,
    ) -> BoxFuture<'_, sealkit::Result<EncryptionMaterials>> {
        self.hold();
        Box::pin(async { Err(sealkit::Error::Keyring("key service unavailable".into())) })
    }

    fn on_decrypt<'a>(
        &'a self,
        _materials: DecryptionMaterials,
        _edks: &'a [EncryptedDataKey],
    ) -> BoxFuture<'a, sealkit::Result<DecryptionMaterials>> {
        self.hold();
        Box::pin(async { Err(sealkit::Error::Keyring("key service unavailable".into())) })
    }
}

#[test]
fn waiters_get_the_leaders_error_instead_of_retrying_one_by_one() {
    const THREADS: usize = 50;
    let cache = Arc::new(LocalCryptoMaterialsCache::new(16));
    let keyring = Arc::new(Failing {
        calls: AtomicUsize::new(0),
        hold_until_waiting: (cache.clone(), THREADS - 1),
    });
    let cmm: Arc<dyn CryptoMaterialsManager> = Arc::new(
        CachingMaterialsManager::with_keyring(
            keyring.clone(),
            cache.clone(),
            Duration::from_secs(60),
        )
        .unwrap(),
    );
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (cmm, start) = (cmm.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                block_on(client().encrypt(cmm, b"x", opts(&[("a", "b")])))
                    .err()
                    .map(|e| e.to_string())
            })
        })
        .collect();
    for t in threads {
        let err = t.join().unwrap().expect("every encrypt fails");
        assert!(err.contains("key service unavailable"), "{err}");
    }
    // One call for all fifty: the waiters shared the leader's failure.
    assert_eq!(keyring.calls.load(Ordering::SeqCst), 1);
    assert_eq!(cache.waiting_requests(), 0);
    assert!(cache.is_empty());
    // A failure is not cached: the next request asks again.
    assert!(block_on(client().encrypt(cmm.clone(), b"x", opts(&[("a", "b")]))).is_err());
    assert_eq!(keyring.calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_waiter_whose_request_differs_from_the_failed_leaders_asks_itself() {
    // Same identifier (partition, suite, context), another commitment policy: the leader's
    // error need not be this request's, so it is not handed on; the waiter makes its own call.
    let cache = Arc::new(LocalCryptoMaterialsCache::new(16));
    let keyring = Arc::new(Failing {
        calls: AtomicUsize::new(0),
        hold_until_waiting: (cache.clone(), 1),
    });
    let cmm: Arc<dyn CryptoMaterialsManager> = Arc::new(
        CachingMaterialsManager::with_keyring(keyring.clone(), cache, Duration::from_secs(60))
            .unwrap(),
    );
    let policies = [
        CommitmentPolicy::RequireEncryptRequireDecrypt,
        CommitmentPolicy::RequireEncryptAllowDecrypt,
    ];
    let threads: Vec<_> = policies
        .into_iter()
        .map(|policy| {
            let cmm = cmm.clone();
            std::thread::spawn(move || {
                block_on(Client::new(policy).encrypt(cmm, b"x", opts(&[]))).is_err()
            })
        })
        .collect();
    for t in threads {
        assert!(t.join().unwrap());
    }
    assert_eq!(keyring.calls.load(Ordering::SeqCst), 2);
}
