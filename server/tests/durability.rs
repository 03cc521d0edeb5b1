//! Durability of the key server's SQLite store against a real server process killed with
//! SIGKILL: material made by an automatic rotation is committed before a data key under it is
//! handed out, and a change whose commit fails is undone (not visible, not committed later, no
//! duplicate on retry).

mod common;

use common::{client, sigv4, start, start_with_env, state_args, TempDir};
use sealkit::block_on;
use sealkit::kms::{
    CreateKeyRequest, DecryptRequest, EnableKeyRotationRequest, GenerateDataKeyRequest,
    KeyIdRequest, KmsAdmin, KmsProvider,
};

const DAY: u64 = 86_400;

fn args(dir: &TempDir) -> Vec<String> {
    let mut a = vec!["--insecure-no-auth".to_string()];
    a.extend(state_args(&dir.0));
    a
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn a_data_key_issued_after_an_automatic_rotation_decrypts_after_kill_9() {
    let dir = TempDir::new("rotation");
    let args = args(&dir);
    let auth = || sigv4("AKID", "open-mode");

    // Day 0: a key with automatic rotation every 90 days.
    let server = start(&refs(&args));
    let c = client(&server.url, auth());
    let key = block_on(c.create_key(CreateKeyRequest::default()))
        .unwrap()
        .key_metadata
        .arn;
    block_on(c.enable_key_rotation(EnableKeyRotationRequest {
        key_id: key.clone(),
        rotation_period_in_days: Some(90),
    }))
    .unwrap();
    server.kill9();

    // Day 91: the rotation is due; the first call (a read) performs it and uses the new material.
    let offset = (91 * DAY).to_string();
    let env = [("SEALKIT_KEY_SERVER_TEST_CLOCK_OFFSET_SECS", offset.as_str())];
    let server = start_with_env(&refs(&args), &env);
    let c = client(&server.url, auth());
    let dk = block_on(c.generate_data_key(GenerateDataKeyRequest {
        key_id: key.clone(),
        number_of_bytes: Some(32),
        ..Default::default()
    }))
    .unwrap();
    let rotations = block_on(c.list_key_rotations(KeyIdRequest::new(&key)))
        .unwrap()
        .rotations;
    assert_eq!(rotations.len(), 1, "one automatic rotation by day 91");
    server.kill9();

    // After kill -9 and a restart at the same time: the data key decrypts, and the restart did
    // not rotate again.
    let server = start_with_env(&refs(&args), &env);
    let c = client(&server.url, auth());
    let out = block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: dk.ciphertext_blob.clone(),
        ..Default::default()
    }))
    .expect("data key from after the rotation decrypts after a restart");
    assert_eq!(out.plaintext.as_slice(), dk.plaintext.as_slice());
    let again = block_on(c.list_key_rotations(KeyIdRequest::new(&key)))
        .unwrap()
        .rotations;
    assert_eq!(again.len(), 1, "no second rotation after the restart");
    assert_eq!(again[0].rotation_date, rotations[0].rotation_date);
}

#[test]
fn a_failed_commit_leaves_no_change_visible_and_a_retry_makes_no_duplicate() {
    let dir = TempDir::new("failed-save");
    let mut args = args(&dir);
    args.extend(["--busy-timeout-ms".to_string(), "200".to_string()]);
    let server = start(&refs(&args));
    let c = client(&server.url, sigv4("AKID", "open-mode"));
    let count = |c: &sealkit::kms::http::HttpKmsClient| block_on(c.list_keys()).unwrap().keys.len();
    block_on(c.create_key(CreateKeyRequest::default())).unwrap();
    assert_eq!(count(&c), 1);

    // Another process holds the database's write lock: the server's commit cannot happen
    // (even as root, where a read-only file would not stop it).
    let blocker = rusqlite::Connection::open(dir.path("kms.state")).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let err = block_on(c.create_key(CreateKeyRequest::default())).unwrap_err();
    assert_eq!(err.name, "KMSInternalException");
    blocker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(count(&c), 1, "the failed CreateKey is not visible");

    // The client retries once the lock is gone: exactly one new key.
    block_on(c.create_key(CreateKeyRequest::default())).unwrap();
    assert_eq!(count(&c), 2);
    server.kill9();
    let server = start(&refs(&args));
    let c = client(&server.url, sigv4("AKID", "open-mode"));
    assert_eq!(count(&c), 2, "what was acknowledged is what was committed");
}
