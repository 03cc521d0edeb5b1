//! The HTTP client against real moto 5.2.5 servers started by `scripts/test-kms.sh`.
//!
//! Ignored by default; the script runs them with `--include-ignored` and sets
//! `SEALKIT_MOTO_URL` (moto with the MRK fix) and `SEALKIT_MOTO_AUTH_URL` (SigV4-enforcing moto)
//! plus the IAM credentials it created there. A missing variable or an unreachable server fails
//! the test rather than skipping it.
#![cfg(feature = "native-http")]

use sealkit_kms::clock::SystemClock;
use sealkit_kms::http::json::decode_response;
use sealkit_kms::http::native::UreqTransport;
use sealkit_kms::http::*;
use sealkit_kms::*;
use std::sync::Arc;
use std::time::Duration;

fn env(k: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set: run scripts/test-kms.sh"))
}

fn client(url: &str, region: &str, creds: Credentials) -> HttpKmsClient {
    let mut cfg = HttpKmsConfig::new(url, region, Auth::SigV4(creds));
    cfg.max_attempts = 2;
    HttpKmsClient::new(
        cfg,
        Arc::new(UreqTransport::new(Duration::from_secs(20))),
        Arc::new(SystemClock),
    )
}

fn plain(region: &str) -> HttpKmsClient {
    client(
        &env("SEALKIT_MOTO_URL"),
        region,
        Credentials::new("testing", "testing"),
    )
}

fn ctx(pairs: &[(&str, &str)]) -> EncryptionContext {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
#[ignore = "needs moto: scripts/test-kms.sh"]
fn moto_symmetric_data_keys_and_context() {
    let c = plain("us-east-1");
    let md = block_on(c.create_key(CreateKeyRequest {
        description: Some("sealkit test".into()),
        ..Default::default()
    }))
    .expect("moto must be reachable")
    .key_metadata;
    assert!(md
        .arn
        .starts_with("arn:aws:kms:us-east-1:123456789012:key/"));
    let alias = format!("alias/sealkit-{}", &md.key_id[..8]);
    block_on(c.create_alias(AliasRequest {
        alias_name: alias.clone(),
        target_key_id: md.key_id.clone(),
    }))
    .unwrap();
    let desc = block_on(c.describe_key(KeyIdRequest::new(&alias)))
        .unwrap()
        .key_metadata;
    assert_eq!(desc.arn, md.arn);

    let ec = ctx(&[("purpose", "test"), ("tenant", "t1")]);
    let dk = block_on(c.generate_data_key(GenerateDataKeyRequest {
        key_id: alias.clone(),
        encryption_context: ec.clone(),
        number_of_bytes: Some(32),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(dk.plaintext.len(), 32);
    assert_eq!(dk.key_id, md.arn);
    let back = block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: dk.ciphertext_blob.clone(),
        encryption_context: ec.clone(),
        key_id: Some(md.arn.clone()),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(back.plaintext, dk.plaintext);
    assert_eq!(back.key_id, md.arn);

    let ct = block_on(c.encrypt(EncryptRequest {
        key_id: md.arn.clone(),
        plaintext: b"hello moto".to_vec().into(),
        encryption_context: ec.clone(),
        ..Default::default()
    }))
    .unwrap();
    let pt = block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: ct.ciphertext_blob.clone(),
        encryption_context: ec,
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(pt.plaintext.as_slice(), b"hello moto");
    let wrong = block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: ct.ciphertext_blob.clone(),
        encryption_context: ctx(&[("purpose", "other")]),
        ..Default::default()
    }))
    .unwrap_err();
    assert_eq!(wrong.name, names::INVALID_CIPHERTEXT);
    let big = block_on(c.encrypt(EncryptRequest {
        key_id: md.arn.clone(),
        plaintext: vec![0u8; 4097].into(),
        ..Default::default()
    }))
    .unwrap_err();
    assert_eq!(big.name, names::VALIDATION);
    let np = block_on(
        c.generate_data_key_without_plaintext(GenerateDataKeyRequest {
            key_id: md.arn.clone(),
            key_spec: Some(DataKeySpec::Aes128),
            ..Default::default()
        }),
    )
    .unwrap();
    let d = block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: np.ciphertext_blob,
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(d.plaintext.len(), 16);
}

#[test]
#[ignore = "needs moto: scripts/test-kms.sh"]
fn moto_error_mapping() {
    let c = plain("us-east-1");
    let e =
        block_on(
            c.encrypt(EncryptRequest {
                key_id:
                    "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000"
                        .into(),
                plaintext: b"x".to_vec().into(),
                ..Default::default()
            }),
        )
        .unwrap_err();
    assert_eq!(
        (e.name.as_str(), e.status),
        (names::NOT_FOUND, Some(400)),
        "{e}"
    );
    let e = block_on(c.describe_key(KeyIdRequest::new("alias/does-not-exist"))).unwrap_err();
    assert_eq!(e.name, names::NOT_FOUND);
}

#[test]
#[ignore = "needs moto: scripts/test-kms.sh"]
fn moto_mrk_primary_to_replica() {
    let us = plain("us-east-1");
    let eu = plain("eu-west-1");
    let primary = block_on(us.create_key(CreateKeyRequest {
        multi_region: Some(true),
        ..Default::default()
    }))
    .unwrap()
    .key_metadata;
    assert!(primary.key_id.starts_with("mrk-"));
    // moto 5.2.5 answers ReplicateKey with a key ARN by an HTTP 500 (KeyError); it needs the id.
    let replica = block_on(us.replicate_key(ReplicateKeyRequest {
        key_id: primary.key_id.clone(),
        replica_region: "eu-west-1".into(),
        ..Default::default()
    }))
    .unwrap()
    .replica_key_metadata;
    assert!(replica.arn.starts_with("arn:aws:kms:eu-west-1:"));
    assert!(arn::mrk_match(&primary.arn, &replica.arn));
    let ec = ctx(&[("k", "v")]);
    let ct = block_on(us.encrypt(EncryptRequest {
        key_id: primary.arn.clone(),
        plaintext: b"cross-region".to_vec().into(),
        encryption_context: ec.clone(),
        ..Default::default()
    }))
    .unwrap();
    let pt = block_on(eu.decrypt(DecryptRequest {
        ciphertext_blob: ct.ciphertext_blob,
        encryption_context: ec,
        key_id: Some(replica.arn.clone()),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(pt.plaintext.as_slice(), b"cross-region");
    assert_eq!(pt.key_id, replica.arn);
}

fn auth_creds() -> Credentials {
    Credentials::new(
        env("SEALKIT_MOTO_AUTH_AKID"),
        env("SEALKIT_MOTO_AUTH_SECRET"),
    )
}

/// Sends a prepared request once and decodes it as a ListKeys response.
fn send(c: &HttpKmsClient, req: HttpRequest) -> Result<ListKeysResponse, KmsError> {
    let resp = block_on(c.send_raw(req))?;
    decode_response(&resp)
}

#[test]
#[ignore = "needs moto: scripts/test-kms.sh"]
fn moto_sigv4_enforced() {
    let url = env("SEALKIT_MOTO_AUTH_URL");
    let c = client(&url, "us-east-1", auth_creds());
    // A correctly signed request passes, through the typed API and as a raw request.
    let md = block_on(c.create_key(CreateKeyRequest::default()))
        .expect("signed CreateKey must pass")
        .key_metadata;
    let ct = block_on(c.encrypt(EncryptRequest {
        key_id: md.arn.clone(),
        plaintext: b"signed".to_vec().into(),
        ..Default::default()
    }))
    .unwrap();
    let pt = block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: ct.ciphertext_blob,
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(pt.plaintext.as_slice(), b"signed");
    let good = c.build_request("ListKeys", b"{}".to_vec()).unwrap();
    assert!(send(&c, good.clone())
        .unwrap()
        .keys
        .iter()
        .any(|k| k.key_arn == md.arn));

    // The body changed after signing.
    let mut body_tampered = good.clone();
    body_tampered.body = b"{\"Limit\":5}".to_vec();
    let e = send(&c, body_tampered).unwrap_err();
    assert_eq!(
        (e.status, e.name.as_str()),
        (Some(403), "SignatureDoesNotMatch"),
        "{e}"
    );

    // X-Amz-Target changed after signing.
    let mut target_tampered = good.clone();
    target_tampered.set_header("X-Amz-Target", "TrentService.ListAliases");
    let e = send(&c, target_tampered).unwrap_err();
    assert_eq!(
        (e.status, e.name.as_str()),
        (Some(403), "SignatureDoesNotMatch"),
        "{e}"
    );

    // Wrong secret and unknown access key.
    let bad = client(
        &url,
        "us-east-1",
        Credentials::new(env("SEALKIT_MOTO_AUTH_AKID"), "not-the-secret"),
    );
    let e = block_on(bad.list_keys()).unwrap_err();
    assert_eq!(
        (e.status, e.name.as_str()),
        (Some(403), "SignatureDoesNotMatch"),
        "{e}"
    );
    let unknown = client(
        &url,
        "us-east-1",
        Credentials::new("AKIAUNKNOWNUNKNOWN00", "x"),
    );
    let e = block_on(unknown.list_keys()).unwrap_err();
    assert_eq!(
        (e.status, e.name.as_str()),
        (Some(403), "InvalidClientTokenId"),
        "{e}"
    );
}

#[test]
#[ignore = "needs moto: scripts/test-kms.sh"]
fn moto_sigv4_session_token() {
    let url = env("SEALKIT_MOTO_AUTH_URL");
    let (akid, secret, token) = (
        env("SEALKIT_MOTO_STS_AKID"),
        env("SEALKIT_MOTO_STS_SECRET"),
        env("SEALKIT_MOTO_STS_TOKEN"),
    );
    let with_token = client(
        &url,
        "us-east-1",
        Credentials::new(&akid, &secret).with_session_token(&token),
    );
    block_on(with_token.list_keys()).expect("temporary credentials with their token must pass");
    let md = block_on(with_token.create_key(CreateKeyRequest::default()))
        .unwrap()
        .key_metadata;
    assert!(md.arn.contains(":key/"));
    let without = client(&url, "us-east-1", Credentials::new(&akid, &secret));
    let e = block_on(without.list_keys()).unwrap_err();
    assert_eq!(
        (e.status, e.name.as_str()),
        (Some(403), "InvalidClientTokenId"),
        "{e}"
    );
    let wrong = client(
        &url,
        "us-east-1",
        Credentials::new(&akid, &secret).with_session_token("bogus"),
    );
    assert_eq!(block_on(wrong.list_keys()).unwrap_err().status, Some(403));
}
