//! sealkit's KMS keyrings ↔ the official Python ESDK's KMS keyrings through the same moto
//! server, both directions, including a multi-Region key: primary (us-west-2) → replica (eu-west-1).
//!
//! Ignored by default: `scripts/test-kms.sh` starts moto and runs these with `--ignored`, setting
//! `SEALKIT_MOTO_URL` and `SEALKIT_PYTHON` (the venv with aws-encryption-sdk[MPL]==4.0.7).

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use sealkit::kms::clock::SystemClock;
use sealkit::kms::http::native::UreqTransport;
use sealkit::kms::http::sigv4::Credentials;
use sealkit::kms::http::{Auth, HttpKmsClient, HttpKmsConfig};
use sealkit::kms::KmsProvider;
use sealkit::{
    block_on, keyring_cmm, AwsKmsDiscoveryKeyring, AwsKmsKeyring, AwsKmsMrkAwareKeyring,
    AwsKmsMrkDiscoveryKeyring, Client, DecryptOptions, EncryptOptions, Keyring,
};
use serde_json::Value;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set (run scripts/test-kms.sh)"))
}

fn oracle(args: &[&str], stdin: &[u8]) -> Result<Vec<u8>, String> {
    let tool = support::tools_dir().join("esdk_kms_oracle.py");
    let mut child = Command::new(env("SEALKIT_PYTHON"))
        .arg(tool)
        .args(args)
        .args(["--endpoint", &env("SEALKIT_MOTO_URL")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("python");
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn provider(region: &str) -> Arc<dyn KmsProvider> {
    let config = HttpKmsConfig::new(
        env("SEALKIT_MOTO_URL"),
        region,
        Auth::SigV4(Credentials::new("AKIDTEST", "secret")),
    );
    Arc::new(HttpKmsClient::new(
        config,
        Arc::new(UreqTransport::new(Duration::from_secs(20))),
        Arc::new(SystemClock),
    ))
}

fn seal(keyring: Arc<dyn Keyring>, data: &[u8]) -> Vec<u8> {
    let mut opts = EncryptOptions::default();
    opts.encryption_context
        .insert("purpose".into(), "interop".into());
    opts.encryption_context
        .insert("tenant".into(), "acme".into());
    block_on(Client::default().encrypt(keyring_cmm(keyring), data, opts))
        .expect("sealkit encrypt")
        .ciphertext
}

fn open(keyring: Arc<dyn Keyring>, ct: &[u8]) -> Vec<u8> {
    let out =
        block_on(Client::default().decrypt(keyring_cmm(keyring), ct, DecryptOptions::default()))
            .expect("sealkit decrypt");
    assert_eq!(
        out.encryption_context.get("tenant").map(String::as_str),
        Some("acme")
    );
    out.plaintext
}

#[test]
#[ignore = "needs moto and the Python ESDK: scripts/test-kms.sh"]
fn kms_keyrings_interoperate_with_the_python_esdk() {
    let keys: Value =
        serde_json::from_slice(&oracle(&["setup"], b"").expect("setup")).expect("setup JSON");
    let sym = keys["symmetric"].as_str().expect("symmetric");
    let primary = keys["mrk_primary"].as_str().expect("mrk_primary");
    let replica = keys["mrk_replica"].as_str().expect("mrk_replica");
    let west2 = provider("us-west-2");
    let eu = provider("eu-west-1");
    let data: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let ec = ["--ec", "purpose=interop", "--ec", "tenant=acme"];
    let mut passed = 0;

    // sealkit → Python (MPL keyring API and legacy master key provider API)
    let ct = seal(
        Arc::new(AwsKmsKeyring::new(west2.clone(), sym).unwrap()),
        &data,
    );
    for api in ["keyring", "mkp"] {
        let mut args = vec!["decrypt", "--key", sym, "--api", api];
        args.extend(ec);
        assert_eq!(
            oracle(&args, &ct).unwrap_or_else(|e| panic!("python {api} decrypt: {e}")),
            data
        );
        passed += 1;
    }
    // Python → sealkit (strict and discovery)
    for api in ["keyring", "mkp"] {
        let mut args = vec!["encrypt", "--key", sym, "--api", api];
        args.extend(ec);
        let ct = oracle(&args, &data).unwrap_or_else(|e| panic!("python {api} encrypt: {e}"));
        assert_eq!(
            open(
                Arc::new(AwsKmsKeyring::new(west2.clone(), sym).unwrap()),
                &ct
            ),
            data
        );
        assert_eq!(
            open(
                Arc::new(AwsKmsDiscoveryKeyring::new(west2.clone(), None).unwrap()),
                &ct
            ),
            data
        );
        passed += 2;
    }
    // MRK: sealkit encrypts with the primary; Python decrypts with the replica in eu-west-1.
    let ct = seal(
        Arc::new(AwsKmsMrkAwareKeyring::new(west2.clone(), primary).unwrap()),
        &data,
    );
    let mut args = vec!["decrypt", "--key", replica, "--mrk"];
    args.extend(ec);
    assert_eq!(
        oracle(&args, &ct).unwrap_or_else(|e| panic!("python mrk decrypt: {e}")),
        data
    );
    passed += 1;
    // MRK: Python encrypts with the primary; sealkit decrypts through the replica (and MRK discovery).
    let mut args = vec!["encrypt", "--key", primary, "--mrk"];
    args.extend(ec);
    let ct = oracle(&args, &data).unwrap_or_else(|e| panic!("python mrk encrypt: {e}"));
    assert_eq!(
        open(
            Arc::new(AwsKmsMrkAwareKeyring::new(eu.clone(), replica).unwrap()),
            &ct
        ),
        data
    );
    assert_eq!(
        open(
            Arc::new(AwsKmsMrkDiscoveryKeyring::new(eu, None, "eu-west-1").unwrap()),
            &ct
        ),
        data
    );
    passed += 2;
    println!("kms python interop: {passed} passed, 0 failed");
}
