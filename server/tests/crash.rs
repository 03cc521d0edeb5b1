//! Crash test: a real server process on its SQLite store is SIGKILLed at random moments while
//! two clients run CreateKey, EnableKeyRotation, Encrypt, GenerateDataKey, PutKeyPolicy and
//! CreateAlias, and reads that meet a due automatic rotation (each restart moves the key clock
//! 91 days ahead, past the 90-day period). Every acknowledged operation goes into a ledger.
//! After the last kill: every restart came up (0 corrupt restarts), nothing acknowledged is lost,
//! and every acknowledged ciphertext decrypts to its plaintext.
//!
//! CI runs 100 kills (`SEALKIT_CRASH_KILLS`, default 100) in a few tens of seconds. A longer run
//! for humans: `SEALKIT_CRASH_KILLS=2000 cargo test -p sealkit-key-server --release --test crash
//! -- --nocapture` (`SEALKIT_CRASH_SEED=N` replays a seed printed by a run).

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::{start_with_env, state_args, TempDir};
use sealkit::block_on;
use sealkit::kms::clock::SystemClock;
use sealkit::kms::http::native::UreqTransport;
use sealkit::kms::http::sigv4::Credentials;
use sealkit::kms::http::{Auth, HttpKmsClient, HttpKmsConfig};
use sealkit::kms::{
    AliasRequest, CreateKeyRequest, DecryptRequest, EnableKeyRotationRequest, EncryptRequest,
    GenerateDataKeyRequest, KeyIdRequest, KmsAdmin, KmsProvider, PutKeyPolicyRequest,
};

const DAY: u64 = 86_400;

/// xorshift64*: reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What the server acknowledged.
#[derive(Default)]
struct Ledger {
    keys: Vec<String>,
    /// (key, plaintext, ciphertext) of Encrypt and GenerateDataKey.
    ciphertexts: Vec<(String, Vec<u8>, Vec<u8>)>,
    /// Key → highest acknowledged policy version, and highest attempted one.
    policies: BTreeMap<String, (u64, u64)>,
    aliases: BTreeMap<String, String>,
    /// Key → rotations listed after an acknowledged read that met a due rotation.
    rotations: BTreeMap<String, usize>,
    rotating: Vec<String>,
    acknowledged: usize,
}

fn policy(n: u64) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"v{n}","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    )
}

fn policy_version(p: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(p).unwrap();
    v["Statement"][0]["Sid"].as_str().unwrap()[1..]
        .parse()
        .unwrap()
}

fn client(url: &str) -> HttpKmsClient {
    let mut config = HttpKmsConfig::new(
        url,
        "us-east-1",
        Auth::SigV4(Credentials::new("AKID", "open-mode")),
    );
    // One attempt: a request is acknowledged by the process it was sent to, or not at all.
    config.max_attempts = 1;
    HttpKmsClient::new(
        config,
        Arc::new(UreqTransport::new(Duration::from_secs(10))),
        Arc::new(SystemClock),
    )
}

/// One client's loop until `stop`, over its own keys, recording acknowledgements.
fn work(url: String, worker: usize, seed: u64, stop: Arc<AtomicBool>, ledger: Arc<Mutex<Ledger>>) {
    let c = client(&url);
    let mut rng = Rng(seed | 1);
    // Each worker uses every other key of the ledger, so no key has two writers.
    let mine = |l: &Ledger| -> Vec<String> {
        l.keys
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == worker)
            .map(|(_, k)| k.clone())
            .collect()
    };
    // First, a read on every rotating key of this worker: each meets its due rotation.
    let rotating: Vec<String> = {
        let l = ledger.lock().unwrap();
        let mine = mine(&l);
        l.rotating
            .iter()
            .filter(|k| mine.contains(k))
            .cloned()
            .collect()
    };
    for key in rotating {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(dk) = block_on(c.generate_data_key(GenerateDataKeyRequest {
            key_id: key.clone(),
            number_of_bytes: Some(32),
            ..Default::default()
        })) else {
            return;
        };
        let mut l = ledger.lock().unwrap();
        l.ciphertexts
            .push((key.clone(), dk.plaintext.to_vec(), dk.ciphertext_blob));
        l.acknowledged += 1;
        drop(l);
        let Ok(r) = block_on(c.list_key_rotations(KeyIdRequest::new(&key))) else {
            return;
        };
        let mut l = ledger.lock().unwrap();
        let seen = l.rotations.entry(key).or_default();
        *seen = (*seen).max(r.rotations.len());
    }
    while !stop.load(Ordering::SeqCst) {
        let keys = mine(&ledger.lock().unwrap());
        let pick = rng.below(100);
        let key = (!keys.is_empty()).then(|| keys[rng.below(keys.len() as u64) as usize].clone());
        let Some(key) = key.filter(|_| pick >= 10 || keys.len() >= 6) else {
            let Ok(r) = block_on(c.create_key(CreateKeyRequest::default())) else {
                return;
            };
            let arn = r.key_metadata.arn;
            let mut l = ledger.lock().unwrap();
            l.keys.push(arn.clone());
            l.acknowledged += 1;
            drop(l);
            if rng.below(2) == 0 {
                let on = block_on(c.enable_key_rotation(EnableKeyRotationRequest {
                    key_id: arn.clone(),
                    rotation_period_in_days: Some(90),
                }));
                if on.is_err() {
                    return;
                }
                let mut l = ledger.lock().unwrap();
                l.rotating.push(arn);
                l.acknowledged += 1;
            }
            continue;
        };
        let mut plaintext = vec![0u8; 1 + rng.below(64) as usize];
        plaintext.iter_mut().for_each(|b| *b = rng.next() as u8);
        match pick {
            10..=44 => {
                let Ok(r) = block_on(c.encrypt(EncryptRequest {
                    key_id: key.clone(),
                    plaintext: plaintext.clone().into(),
                    ..Default::default()
                })) else {
                    return;
                };
                let mut l = ledger.lock().unwrap();
                l.ciphertexts.push((key, plaintext, r.ciphertext_blob));
                l.acknowledged += 1;
            }
            45..=79 => {
                let Ok(dk) = block_on(c.generate_data_key(GenerateDataKeyRequest {
                    key_id: key.clone(),
                    number_of_bytes: Some(32),
                    ..Default::default()
                })) else {
                    return;
                };
                let mut l = ledger.lock().unwrap();
                l.ciphertexts
                    .push((key, dk.plaintext.to_vec(), dk.ciphertext_blob));
                l.acknowledged += 1;
            }
            80..=89 => {
                let n = {
                    let mut l = ledger.lock().unwrap();
                    let e = l.policies.entry(key.clone()).or_default();
                    e.1 += 1;
                    e.1
                };
                let put = block_on(c.put_key_policy(PutKeyPolicyRequest {
                    key_id: key.clone(),
                    policy: policy(n),
                    policy_name: None,
                }));
                if put.is_err() {
                    return;
                }
                let mut l = ledger.lock().unwrap();
                let e = l.policies.entry(key).or_default();
                e.0 = e.0.max(n);
                l.acknowledged += 1;
            }
            _ => {
                let name = format!("alias/crash-{worker}-{}", rng.next());
                let made = block_on(c.create_alias(AliasRequest {
                    alias_name: name.clone(),
                    target_key_id: key.clone(),
                }));
                if made.is_err() {
                    return;
                }
                let mut l = ledger.lock().unwrap();
                l.aliases.insert(name, key);
                l.acknowledged += 1;
            }
        }
    }
}

#[test]
fn nothing_acknowledged_is_lost_through_100_sigkills() {
    let kills: u64 = std::env::var("SEALKIT_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let seed: u64 = std::env::var("SEALKIT_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("crash test: {kills} kills, SEALKIT_CRASH_SEED={seed}");
    let mut rng = Rng(seed | 1);
    let dir = TempDir::new("crash");
    let mut args = vec!["--insecure-no-auth".to_string()];
    args.extend(state_args(&dir.0));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let offset = |cycle: u64| (cycle * 91 * DAY).to_string();
    for cycle in 0..kills {
        let off = offset(cycle);
        // A restart that does not come up (a corrupt store) fails here.
        let server = start_with_env(
            &args,
            &[("SEALKIT_KEY_SERVER_TEST_CLOCK_OFFSET_SECS", off.as_str())],
        );
        let stop = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let (url, stop, ledger) = (server.url.clone(), stop.clone(), ledger.clone());
                let s = rng.next();
                std::thread::spawn(move || work(url, w, s, stop, ledger))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(5 + rng.below(150)));
        server.kill9();
        stop.store(true, Ordering::SeqCst);
        for w in workers {
            w.join().unwrap();
        }
    }

    let off = offset(kills);
    let server = start_with_env(
        &args,
        &[("SEALKIT_KEY_SERVER_TEST_CLOCK_OFFSET_SECS", off.as_str())],
    );
    let c = client(&server.url);
    let l = ledger.lock().unwrap();
    eprintln!(
        "crash test: {} acknowledged operations, {} keys ({} rotating), {} ciphertexts, {} aliases, {} policies",
        l.acknowledged,
        l.keys.len(),
        l.rotating.len(),
        l.ciphertexts.len(),
        l.aliases.len(),
        l.policies.values().filter(|p| p.0 > 0).count()
    );
    assert!(l.acknowledged > kills as usize, "the clients got work done");
    assert!(!l.rotations.is_empty(), "reads met due rotations");
    let listed = block_on(c.list_keys()).unwrap().keys;
    for k in &l.keys {
        assert!(listed.iter().any(|e| &e.key_arn == k), "key {k} lost");
    }
    for (alias, key) in &l.aliases {
        let md = block_on(c.describe_key(KeyIdRequest::new(alias)))
            .unwrap_or_else(|e| panic!("alias {alias} lost: {}", e.name))
            .key_metadata;
        assert_eq!(&md.arn, key, "alias {alias} moved");
    }
    for (key, (acked, tried)) in &l.policies {
        let p = block_on(c.get_key_policy(KeyIdRequest::new(key)))
            .unwrap()
            .policy;
        let v = if p.contains("\"Sid\":\"v") {
            policy_version(&p)
        } else {
            0
        };
        assert!(
            v >= *acked && v <= *tried,
            "policy of {key}: v{v}, acknowledged v{acked}"
        );
    }
    for (key, seen) in &l.rotations {
        let now = block_on(c.list_key_rotations(KeyIdRequest::new(key)))
            .unwrap()
            .rotations
            .len();
        assert!(
            now >= *seen,
            "rotations of {key}: {now} < acknowledged {seen}"
        );
    }
    for (key, plaintext, blob) in &l.ciphertexts {
        let out = block_on(c.decrypt(DecryptRequest {
            ciphertext_blob: blob.clone(),
            ..Default::default()
        }))
        .unwrap_or_else(|e| panic!("a ciphertext under {key} does not decrypt: {}", e.name));
        assert_eq!(out.plaintext.as_slice(), plaintext.as_slice());
        assert_eq!(&out.key_id, key);
    }
}
