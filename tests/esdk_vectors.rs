//! Every case of tests/vectors/esdk: positives must decrypt to the exact plaintext,
//! negatives must fail. No case is skipped; counts are printed per set.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use sealkit::{
    block_on, keyring_cmm, Client, CommitmentPolicy, CryptoMaterialsManager, DecryptOptions,
    RequiredEncryptionContextCmm, SignedMessages,
};
use serde_json::Value;
use support::*;

struct Tally {
    passed: usize,
    failed: Vec<String>,
}

fn run_manifest(set: &str, manifest_name: &str) -> Tally {
    let dir = vectors_dir().join("esdk").join(set);
    let manifest = read_json(&dir.join(manifest_name));
    let keys = read_json(&resolve(&dir, manifest["keys"].as_str().expect("keys uri")));
    let tests = manifest["tests"].as_object().expect("tests");
    let mut tally = Tally {
        passed: 0,
        failed: Vec::new(),
    };
    for (id, t) in tests {
        let ciphertext =
            std::fs::read(resolve(&dir, t["ciphertext"].as_str().expect("ciphertext")))
                .expect("read ct");
        let keyring =
            keyring_from_master_keys(&keys, t["master-keys"].as_array().expect("master-keys"));
        let mut cmm: Arc<dyn CryptoMaterialsManager> = keyring_cmm(keyring);
        let mut reproduced = BTreeMap::new();
        if t["cmm"].as_str() == Some("RequiredEncryptionContext") {
            let ec = t["encryption-context"]
                .as_object()
                .expect("encryption-context");
            reproduced = ec
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("value").to_owned()))
                .collect();
            cmm = Arc::new(RequiredEncryptionContextCmm::new(
                cmm,
                reproduced.keys().cloned(),
            ));
        }
        let policy = match t["x-commitment-policy"].as_str() {
            Some(p) => p.parse::<CommitmentPolicy>().expect("policy"),
            None => CommitmentPolicy::RequireEncryptAllowDecrypt,
        };
        let signed_messages = match t["decryption-method"].as_str() {
            Some("streaming-unsigned-only") => SignedMessages::Refuse,
            None => SignedMessages::VerifyBeforeRelease,
            Some(other) => panic!("{id}: unknown decryption method {other}"),
        };
        let client = Client::new(policy);
        let options = DecryptOptions {
            encryption_context: reproduced.into(),
            signed_messages,
        };
        let result = block_on(client.decrypt(cmm, &ciphertext, options));
        let outcome = match (&t["result"]["output"], &t["result"]["error"], result) {
            (Value::Object(o), _, Ok(out)) => {
                let expected =
                    std::fs::read(resolve(&dir, o["plaintext"].as_str().expect("plaintext")))
                        .expect("pt");
                if out.plaintext == expected {
                    Ok(())
                } else {
                    Err("plaintext differs".to_string())
                }
            }
            (Value::Object(_), _, Err(e)) => Err(format!("expected success, got error: {e}")),
            (_, Value::Object(_), Err(_)) => Ok(()),
            (_, Value::Object(_), Ok(_)) => {
                Err("expected an error, decryption succeeded".to_string())
            }
            _ => Err("manifest entry has neither output nor error".to_string()),
        };
        match outcome {
            Ok(()) => tally.passed += 1,
            Err(why) => tally
                .failed
                .push(format!("{set}/{manifest_name} {id}: {why}")),
        }
    }
    println!(
        "esdk vectors {set}/{manifest_name}: {} passed, {} failed",
        tally.passed,
        tally.failed.len()
    );
    tally
}

#[test]
fn every_esdk_vector() {
    let sets = [
        ("net-4.0.1", "manifest.json", 99),
        ("net-4.0.0-valid", "manifest.json", 5),
        ("net-4.0.0-invalid", "manifest.json", 28),
        ("python-4.0.7", "manifest.json", 478),
        ("python-4.0.7", "manifest-strict.json", 4),
    ];
    let mut failures = Vec::new();
    let mut total = 0;
    for (set, manifest, expected_count) in sets {
        let tally = run_manifest(set, manifest);
        let ran = tally.passed + tally.failed.len();
        assert_eq!(
            ran, expected_count,
            "{set}/{manifest}: expected {expected_count} cases, ran {ran}"
        );
        total += tally.passed;
        failures.extend(tally.failed);
    }
    for f in &failures {
        println!("FAILED {f}");
    }
    println!(
        "esdk vectors total: {total} passed, {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "{} vector(s) failed", failures.len());
    assert_eq!(total, 614);
}
