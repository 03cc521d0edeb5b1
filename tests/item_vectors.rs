//! Every case of tests/vectors/dbesdk (DB-ESDK structured encryption): positive cases must
//! decrypt to the expected plaintext, negative cases must fail. Nothing is skipped; counts are
//! printed per file. (The legacy DynamoDB Encryption Client format is out of scope and not vendored.)

#[path = "support/item.rs"]
mod item_support;
mod support;

use std::path::PathBuf;
use std::sync::Arc;

use item_support::*;
use sealkit::item::json::item_from_json;
use sealkit::item::{Item, ItemEncryptor};
use sealkit::{block_on, Keyring};
use serde_json::Value;
use support::{read_json, vectors_dir};

const TABLE: &str = "GazelleVectorTable";
const PARTITION_KEY: &str = "RecNum";

fn dir() -> PathBuf {
    vectors_dir().join("dbesdk")
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
}

impl Tally {
    fn record(&mut self, id: &str, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.passed += 1,
            Err(why) => self.failed.push(format!("{id}: {why}")),
        }
    }
    fn report(&self, file: &str) {
        println!(
            "item vectors {file}: {} passed, {} failed",
            self.passed,
            self.failed.len()
        );
        for f in &self.failed {
            println!("  FAILED {f}");
        }
    }
}

fn check_decrypt(
    encryptor: &ItemEncryptor,
    encrypted: &Item,
    expected: Option<&Item>,
) -> Result<(), String> {
    let result = block_on(encryptor.decrypt_item(encrypted));
    match (expected, result) {
        (Some(want), Ok(got)) => {
            if canonical_item(&got) == canonical_item(want) {
                Ok(())
            } else {
                Err(format!("plaintext differs:\n got  {got:?}\n want {want:?}"))
            }
        }
        (Some(_), Err(e)) => Err(format!("expected success, got error: {e}")),
        (None, Ok(_)) => Err("negative case decrypted".into()),
        (None, Err(e)) => {
            println!("  negative case failed as expected: {e}");
            Ok(())
        }
    }
}

fn run_decrypt_manifest(file: &str) -> Tally {
    let manifest = read_json(&dir().join(file));
    assert_eq!(manifest["manifest"]["type"], "aws-dbesdk-decrypt", "{file}");
    let keyring = static_branch_keyring(&dir().join("keys.json"));
    let mut tally = Tally::default();
    for (id, t) in manifest["tests"].as_object().expect("tests") {
        let outcome = (|| {
            let config =
                config_from_json(&t["config"], (TABLE, PARTITION_KEY, None), keyring.clone());
            let encryptor = ItemEncryptor::new(config).map_err(|e| format!("config: {e}"))?;
            let encrypted = item_from_json(&t["encrypted"]).map_err(|e| e.to_string())?;
            let expected = simplified_item(&t["plaintext"]);
            match t["type"].as_str() {
                Some("positive-decrypt") => check_decrypt(&encryptor, &encrypted, Some(&expected)),
                Some("negative-decrypt") => check_decrypt(&encryptor, &encrypted, None),
                other => Err(format!("unknown test type {other:?}")),
            }
        })();
        tally.record(id, outcome);
    }
    tally
}

fn run_rawaes_manifest(file: &str) -> Tally {
    let manifest = read_json(&dir().join(file));
    let keyring = raw_aes_keyring(&manifest["keyring"]);
    let mut tally = Tally::default();
    for (id, t) in manifest["tests"].as_object().expect("tests") {
        let outcome = (|| {
            let mut config = config_from_json(&t["config"], ("", "", None), keyring.clone());
            if let Some(s) = t["algorithmSuite"].as_str() {
                config.algorithm_suite_id = parse_suite(s);
            }
            let encryptor = ItemEncryptor::new(config).map_err(|e| format!("config: {e}"))?;
            let encrypted = item_from_json(&t["encrypted"]).map_err(|e| e.to_string())?;
            let expected = item_from_json(&t["plaintext"]).map_err(|e| e.to_string())?;
            match t["type"].as_str() {
                Some("positive-decrypt") => check_decrypt(&encryptor, &encrypted, Some(&expected)),
                Some("negative-decrypt") => check_decrypt(&encryptor, &encrypted, None),
                other => Err(format!("unknown test type {other:?}")),
            }
        })();
        tally.record(id, outcome);
    }
    tally
}

fn round_trip(write: &ItemEncryptor, read: &ItemEncryptor, record: &Item) -> Result<(), String> {
    let encrypted = block_on(write.encrypt_item(record)).map_err(|e| format!("encrypt: {e}"))?;
    check_decrypt(read, &encrypted, Some(record))
}

fn run_iotest(file: &str) -> Tally {
    let manifest = read_json(&dir().join(file));
    let keyring: Arc<dyn Keyring> = static_branch_keyring(&dir().join("keys.json"));
    let encryptor = |cfg: &Value| -> Result<ItemEncryptor, String> {
        ItemEncryptor::new(config_from_json(
            cfg,
            (TABLE, PARTITION_KEY, None),
            keyring.clone(),
        ))
        .map_err(|e| format!("config: {e}"))
    };
    let mut tally = Tally::default();
    for (i, t) in manifest["DecryptTests"]
        .as_array()
        .expect("DecryptTests")
        .iter()
        .enumerate()
    {
        let enc = t["EncryptedRecords"].as_array().expect("records");
        let plain = t["PlainTextRecords"].as_array().expect("records");
        assert_eq!(enc.len(), plain.len());
        for (j, (e, p)) in enc.iter().zip(plain).enumerate() {
            let outcome = (|| {
                let encrypted = item_from_json(e).map_err(|e| e.to_string())?;
                check_decrypt(
                    &encryptor(&t["Config"])?,
                    &encrypted,
                    Some(&simplified_item(p)),
                )
            })();
            tally.record(&format!("DecryptTests[{i}][{j}]"), outcome);
        }
    }
    // Encrypt-side cases, checked offline by decrypting what we wrote (the official runner writes
    // files for other runtimes to read; re-encryption is randomized, so bytes cannot be compared).
    for (i, t) in manifest["WriteTests"]
        .as_array()
        .expect("WriteTests")
        .iter()
        .enumerate()
    {
        for (j, r) in t["Records"].as_array().expect("records").iter().enumerate() {
            let outcome = (|| {
                let e = encryptor(&t["Config"])?;
                round_trip(&e, &e, &simplified_item(r))
            })();
            tally.record(&format!("WriteTests[{i}][{j}]"), outcome);
        }
    }
    // IoTests: write with WriteConfig, read with ReadConfig. The beacon/query part of IoTest2
    // ("search", "Queries") needs DynamoDB and searchable encryption, which are out of scope here.
    for (name, t) in manifest["IoTests"].as_object().expect("IoTests") {
        let read_cfg = if t["ReadConfig"].is_object() {
            &t["ReadConfig"]
        } else {
            &t["WriteConfig"]
        };
        for (j, r) in t["Records"].as_array().expect("records").iter().enumerate() {
            let outcome = (|| {
                round_trip(
                    &encryptor(&t["WriteConfig"])?,
                    &encryptor(read_cfg)?,
                    &simplified_item(r),
                )
            })();
            tally.record(&format!("IoTests.{name}[{j}]"), outcome);
        }
    }
    tally
}

#[test]
fn dbesdk_vectors() {
    let mut failures = 0;
    let mut total = 0;
    for file in [
        "decrypt_java_32.json",
        "decrypt_java_33.json",
        "decrypt_dotnet_32.json",
        "decrypt_dotnet_33.json",
    ] {
        let t = run_decrypt_manifest(file);
        t.report(file);
        failures += t.failed.len();
        total += t.passed + t.failed.len();
    }
    let file = "rawaes_rust_aws-db-esdk-1.3.0.json";
    let t = run_rawaes_manifest(file);
    t.report(file);
    failures += t.failed.len();
    total += t.passed + t.failed.len();
    let file = "iotest.json";
    let t = run_iotest(file);
    t.report(file);
    failures += t.failed.len();
    total += t.passed + t.failed.len();
    assert!(total > 0, "no vectors found under {}", dir().display());
    assert_eq!(
        failures, 0,
        "{failures} of {total} item vector case(s) failed"
    );
}
