//! KMS keyrings over the embedded local KMS: strict, MRK-aware, discovery (with filter),
//! MRK discovery across regions, and the offline-encrypt RSA keyring.

mod support;

use std::sync::Arc;

use sealkit::kms::local::LocalKms;
use sealkit::kms::{
    CreateKeyRequest, EncryptionAlgorithm, KeyIdRequest, KeySpec, KeyUsage, KmsAdmin, KmsProvider,
    ReplicateKeyRequest,
};
use sealkit::{
    aws_kms_multi_keyring, block_on, keyring_cmm, AlgorithmSuite, AwsKmsDiscoveryKeyring,
    AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, Client,
    CommitmentPolicy, DecryptOptions, DiscoveryFilter, EncryptOptions, Keyring,
    KmsRsaOfflineKeyring,
};

const ROOT: &str = "arn:aws:iam::111122223333:root";

fn create(client: &impl KmsAdmin, spec: KeySpec, usage: KeyUsage, multi_region: bool) -> String {
    let req = CreateKeyRequest {
        key_spec: Some(spec),
        key_usage: Some(usage),
        multi_region: Some(multi_region),
        ..Default::default()
    };
    block_on(client.create_key(req))
        .expect("create key")
        .key_metadata
        .arn
}

fn roundtrip(
    enc: Arc<dyn Keyring>,
    dec: Arc<dyn Keyring>,
    suite: AlgorithmSuite,
) -> sealkit::Result<Vec<u8>> {
    let policy = if suite.is_committing() {
        CommitmentPolicy::RequireEncryptRequireDecrypt
    } else {
        CommitmentPolicy::ForbidEncryptAllowDecrypt
    };
    let client = Client::new(policy);
    let mut opts = EncryptOptions {
        suite: Some(suite),
        ..Default::default()
    };
    opts.encryption_context
        .insert("tenant".into(), "acme".into());
    let msg = block_on(client.encrypt(keyring_cmm(enc), b"kms data", opts))?;
    let out =
        block_on(client.decrypt(keyring_cmm(dec), &msg.ciphertext, DecryptOptions::default()))?;
    Ok(out.plaintext)
}

#[test]
fn strict_and_multi_kms_keyrings() {
    let (kms, _clock) = LocalKms::with_manual_clock(1_700_000_000);
    let east = kms.client("us-east-1", ROOT).unwrap();
    let a = create(
        &east,
        KeySpec::SymmetricDefault,
        KeyUsage::EncryptDecrypt,
        false,
    );
    let b = create(
        &east,
        KeySpec::SymmetricDefault,
        KeyUsage::EncryptDecrypt,
        false,
    );
    let provider: Arc<dyn KmsProvider> = Arc::new(east);
    let ka: Arc<dyn Keyring> = Arc::new(AwsKmsKeyring::new(provider.clone(), &a).unwrap());
    let kb: Arc<dyn Keyring> = Arc::new(AwsKmsKeyring::new(provider.clone(), &b).unwrap());
    assert_eq!(
        roundtrip(
            ka.clone(),
            ka.clone(),
            AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
        )
        .unwrap(),
        b"kms data"
    );
    // A keyring for another key does not decrypt, and says why.
    let err = roundtrip(
        ka.clone(),
        kb.clone(),
        AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
    )
    .unwrap_err();
    assert_eq!(err.code(), "ERR_NO_DECRYPTING_KEYRING");
    // generator + additional key: either one decrypts
    let multi: Arc<dyn Keyring> = Arc::new(
        aws_kms_multi_keyring(provider.clone(), Some(&a), std::slice::from_ref(&b), false).unwrap(),
    );
    for suite in AlgorithmSuite::ALL.iter().copied() {
        assert_eq!(
            roundtrip(multi.clone(), kb.clone(), suite).unwrap(),
            b"kms data",
            "suite {:04x}",
            suite.id()
        );
    }
}

#[test]
fn discovery_keyring_and_filter() {
    let (kms, _clock) = LocalKms::with_manual_clock(1_700_000_000);
    let east = kms.client("us-east-1", ROOT).unwrap();
    let a = create(
        &east,
        KeySpec::SymmetricDefault,
        KeyUsage::EncryptDecrypt,
        false,
    );
    let provider: Arc<dyn KmsProvider> = Arc::new(east);
    let ka: Arc<dyn Keyring> = Arc::new(AwsKmsKeyring::new(provider.clone(), &a).unwrap());
    let open: Arc<dyn Keyring> =
        Arc::new(AwsKmsDiscoveryKeyring::new(provider.clone(), None).unwrap());
    let suite = AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    assert_eq!(
        roundtrip(ka.clone(), open.clone(), suite).unwrap(),
        b"kms data"
    );
    let ours = DiscoveryFilter {
        partition: "aws".into(),
        accounts: vec!["111122223333".into()],
    };
    let theirs = DiscoveryFilter {
        partition: "aws".into(),
        accounts: vec!["999999999999".into()],
    };
    let allowed: Arc<dyn Keyring> =
        Arc::new(AwsKmsDiscoveryKeyring::new(provider.clone(), Some(ours)).unwrap());
    let denied: Arc<dyn Keyring> =
        Arc::new(AwsKmsDiscoveryKeyring::new(provider.clone(), Some(theirs)).unwrap());
    assert!(roundtrip(ka.clone(), allowed, suite).is_ok());
    assert_eq!(
        roundtrip(ka.clone(), denied, suite).unwrap_err().code(),
        "ERR_NO_DECRYPTING_KEYRING"
    );
    // discovery keyrings cannot encrypt
    assert_eq!(
        roundtrip(open, ka, suite).unwrap_err().code(),
        "ERR_KEYRING"
    );
}

#[test]
fn multi_region_key_decrypts_through_the_replica() {
    let (kms, _clock) = LocalKms::with_manual_clock(1_700_000_000);
    let east = kms.client("us-east-1", ROOT).unwrap();
    let west = kms.client("eu-west-1", ROOT).unwrap();
    let primary = create(
        &east,
        KeySpec::SymmetricDefault,
        KeyUsage::EncryptDecrypt,
        true,
    );
    assert!(primary.contains(":key/mrk-"), "{primary}");
    let replica = block_on(east.replicate_key(ReplicateKeyRequest {
        key_id: primary.clone(),
        replica_region: "eu-west-1".into(),
        ..Default::default()
    }))
    .unwrap();
    let replica_arn = primary.replace("us-east-1", "eu-west-1");
    let _ = replica;
    let east_p: Arc<dyn KmsProvider> = Arc::new(east);
    let west_p: Arc<dyn KmsProvider> = Arc::new(west);
    let enc: Arc<dyn Keyring> =
        Arc::new(AwsKmsMrkAwareKeyring::new(east_p.clone(), &primary).unwrap());
    let suite = AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    // MRK-aware keyring configured with the replica ARN
    let dec: Arc<dyn Keyring> =
        Arc::new(AwsKmsMrkAwareKeyring::new(west_p.clone(), &replica_arn).unwrap());
    assert_eq!(roundtrip(enc.clone(), dec, suite).unwrap(), b"kms data");
    // MRK discovery in eu-west-1
    let disc: Arc<dyn Keyring> =
        Arc::new(AwsKmsMrkDiscoveryKeyring::new(west_p.clone(), None, "eu-west-1").unwrap());
    assert_eq!(roundtrip(enc.clone(), disc, suite).unwrap(), b"kms data");
    // the strict keyring does not treat the replica as the same key
    let strict: Arc<dyn Keyring> = Arc::new(AwsKmsKeyring::new(west_p, &replica_arn).unwrap());
    assert!(roundtrip(enc, strict, suite).is_err());
}

#[test]
fn rsa_keyring_encrypts_offline_and_decrypts_through_the_provider() {
    let (kms, _clock) = LocalKms::with_manual_clock(1_700_000_000);
    let east = kms.client("us-east-1", ROOT).unwrap();
    let key = create(&east, KeySpec::Rsa2048, KeyUsage::EncryptDecrypt, false);
    let der = block_on(east.get_public_key(KeyIdRequest {
        key_id: key.clone(),
        ..Default::default()
    }))
    .unwrap()
    .public_key;
    let pem = to_pem(&der);
    let provider: Arc<dyn KmsProvider> = Arc::new(east);
    for alg in [
        EncryptionAlgorithm::RsaesOaepSha256,
        EncryptionAlgorithm::RsaesOaepSha1,
    ] {
        // encrypt-only keyrings: no provider at all, as the full keyring and as the offline
        // half on its own (what the small browser module builds)
        let offline: Arc<dyn Keyring> =
            Arc::new(AwsKmsRsaKeyring::new(&key, alg.clone(), Some(&pem), None).unwrap());
        let half: Arc<dyn Keyring> = Arc::new(KmsRsaOfflineKeyring::new(&key, &alg, &pem).unwrap());
        let online: Arc<dyn Keyring> = Arc::new(
            AwsKmsRsaKeyring::new(&key, alg.clone(), None, Some(provider.clone())).unwrap(),
        );
        let suite = AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
        for enc in [&offline, &half] {
            assert_eq!(
                roundtrip(enc.clone(), online.clone(), suite).unwrap(),
                b"kms data"
            );
            // signing suites are refused
            let signed = AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
            assert_eq!(
                roundtrip(enc.clone(), online.clone(), signed)
                    .unwrap_err()
                    .code(),
                "ERR_KEYRING"
            );
            // without a provider nothing decrypts
            let e = roundtrip(enc.clone(), enc.clone(), suite).unwrap_err();
            assert_eq!(e.code(), "ERR_NO_DECRYPTING_KEYRING");
            assert!(e.to_string().contains("no provider to decrypt with"), "{e}");
        }
    }
    // the offline half checks what the full keyring checks
    let sha256 = EncryptionAlgorithm::RsaesOaepSha256;
    for (id, alg, pem, want) in [
        ("", &sha256, pem.as_str(), "keyId"),
        (
            key.as_str(),
            &EncryptionAlgorithm::from_wire("RSAES_PKCS1_V1_5"),
            pem.as_str(),
            "encryptionAlgorithm",
        ),
        (
            key.as_str(),
            &sha256,
            "-----BEGIN PUBLIC KEY-----\nMA==\n-----END PUBLIC KEY-----",
            "not a valid PEM",
        ),
    ] {
        let e = KmsRsaOfflineKeyring::new(id, alg, pem)
            .err()
            .expect("refused");
        assert_eq!(e.code(), "ERR_INVALID_ARGUMENT");
        assert!(e.to_string().contains(want), "{e}");
    }
    // the EC digest binds the context: a message decrypted with an extra reproduced pair fails
    let offline: Arc<dyn Keyring> = Arc::new(
        AwsKmsRsaKeyring::new(&key, EncryptionAlgorithm::RsaesOaepSha256, Some(&pem), None)
            .unwrap(),
    );
    let online: Arc<dyn Keyring> = Arc::new(
        AwsKmsRsaKeyring::new(
            &key,
            EncryptionAlgorithm::RsaesOaepSha256,
            None,
            Some(provider),
        )
        .unwrap(),
    );
    let client = Client::default();
    let opts = EncryptOptions {
        suite: Some(AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY),
        ..Default::default()
    };
    let msg = block_on(client.encrypt(keyring_cmm(offline), b"x", opts)).unwrap();
    let mut dopts = DecryptOptions::default();
    dopts
        .encryption_context
        .insert("extra".into(), "pair".into());
    assert!(block_on(client.decrypt(keyring_cmm(online), &msg.ciphertext, dopts)).is_err());
}

fn to_pem(der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    )
}
