//! The key server on 127.0.0.1, driven by sealkit's HTTP KMS client: keyrings work through it,
//! SigV4 is enforced (wrong secret, tampered body or target refused), bearer tokens work, and the
//! state survives a restart. Servers are stopped by PID (Child::kill).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{client, sigv4, start, start_with_env};
use sealkit::kms::http::native::UreqTransport;
use sealkit::kms::http::transport::HttpTransport;
use sealkit::kms::http::Auth;
use sealkit::kms::{CreateKeyRequest, KmsAdmin, KmsProvider};
use sealkit::{block_on, keyring_cmm, AwsKmsKeyring, Client, DecryptOptions, EncryptOptions};

const ALICE: &str = "AKIDALICE:alice-secret:arn:aws:iam::111122223333:user/alice";

#[test]
fn keyrings_work_through_the_key_server_and_sigv4_is_enforced() {
    let server = start_with_env(
        &[],
        &[
            ("SEALKIT_KEY_SERVER_CREDENTIALS", ALICE),
            (
                "SEALKIT_KEY_SERVER_BEARER",
                "gateway-token:arn:aws:iam::111122223333:user/gw",
            ),
        ],
    );
    let alice = client(&server.url, sigv4("AKIDALICE", "alice-secret"));
    let key = block_on(alice.create_key(CreateKeyRequest::default()))
        .expect("create key")
        .key_metadata
        .arn;

    let provider: Arc<dyn KmsProvider> = Arc::new(alice);
    let keyring = keyring_cmm(Arc::new(AwsKmsKeyring::new(provider, &key).unwrap()));
    let mut opts = EncryptOptions::default();
    opts.encryption_context
        .insert("tenant".into(), "acme".into());
    let msg =
        block_on(Client::default().encrypt(keyring.clone(), b"via the key server", opts)).unwrap();
    let out =
        block_on(Client::default().decrypt(keyring, &msg.ciphertext, DecryptOptions::default()))
            .unwrap();
    assert_eq!(out.plaintext, b"via the key server");

    // a wrong secret, an unknown key id, no signature at all
    let mallory = client(&server.url, sigv4("AKIDALICE", "guess"));
    let err = block_on(mallory.describe_key(sealkit::kms::KeyIdRequest {
        key_id: key.clone(),
        ..Default::default()
    }))
    .unwrap_err();
    assert_eq!(err.name, "InvalidSignatureException");
    let stranger = client(&server.url, sigv4("AKIDNOBODY", "x"));
    let err = block_on(stranger.list_keys()).unwrap_err();
    assert_eq!(err.name, "UnrecognizedClientException");

    // a correctly signed request passes; the same request with its body or target changed does not
    let alice = client(&server.url, sigv4("AKIDALICE", "alice-secret"));
    let body = format!(r#"{{"KeyId":"{key}"}}"#).into_bytes();
    let transport = UreqTransport::new(Duration::from_secs(10));
    let signed = alice.build_request("DescribeKey", body).unwrap();
    assert_eq!(
        block_on(transport.send(signed.clone())).unwrap().status,
        200
    );
    let mut tampered = signed.clone();
    tampered.body = format!(r#"{{"KeyId":"{key}" }}"#).into_bytes();
    let resp = block_on(transport.send(tampered)).unwrap();
    assert_eq!(resp.status, 400);
    assert!(String::from_utf8_lossy(&resp.body).contains("InvalidSignatureException"));
    let mut retargeted = signed;
    retargeted.set_header("X-Amz-Target", "TrentService.ScheduleKeyDeletion");
    assert_eq!(block_on(transport.send(retargeted)).unwrap().status, 400);

    // bearer-token mode (a company gateway)
    let gateway = client(
        &server.url,
        Auth::Bearer("gateway-token".to_string().into()),
    );
    assert!(block_on(gateway.list_keys()).is_ok());
    let wrong = client(&server.url, Auth::Bearer("nope".to_string().into()));
    assert_eq!(
        block_on(wrong.list_keys()).unwrap_err().name,
        "UnrecognizedClientException"
    );
}

#[test]
fn state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("sealkit-key-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("kms.state");
    let root = dir.join("root.key");
    std::fs::write(&root, [7u8; 32]).unwrap();
    let args = [
        "--insecure-no-auth",
        "--state",
        state.to_str().unwrap(),
        "--root-key-file",
        root.to_str().unwrap(),
    ];

    let ciphertext;
    let key;
    {
        let server = start(&args);
        let c = client(&server.url, sigv4("AKID", "open-mode"));
        key = block_on(c.create_key(CreateKeyRequest::default()))
            .unwrap()
            .key_metadata
            .arn;
        let provider: Arc<dyn KmsProvider> = Arc::new(c);
        let keyring = keyring_cmm(Arc::new(AwsKmsKeyring::new(provider, &key).unwrap()));
        ciphertext =
            block_on(Client::default().encrypt(keyring, b"persisted", EncryptOptions::default()))
                .unwrap()
                .ciphertext;
    }
    assert!(
        std::fs::read(&state).unwrap().len() > 32,
        "state file written"
    );
    let server = start(&args);
    let provider: Arc<dyn KmsProvider> = Arc::new(client(&server.url, sigv4("AKID", "open-mode")));
    let keyring = keyring_cmm(Arc::new(AwsKmsKeyring::new(provider, &key).unwrap()));
    let out = block_on(Client::default().decrypt(keyring, &ciphertext, DecryptOptions::default()))
        .unwrap();
    assert_eq!(out.plaintext, b"persisted");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
