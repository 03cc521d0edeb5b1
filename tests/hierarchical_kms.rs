//! The hierarchical keyring over a KMS-backed branch key store (local KMS): branch keys are
//! generated and wrapped by a KMS key, versioned, persisted through export/import, and every
//! older version still decrypts; the KMS key's state and the store name are enforced.

use std::sync::Arc;

use sealkit::keyring::hierarchical::{BranchKeyStore, KmsBranchKeyStore};
use sealkit::kms::local::LocalKms;
use sealkit::kms::{CreateKeyRequest, KeyIdRequest, KmsAdmin, KmsProvider};
use sealkit::{
    block_on, keyring_cmm, AttributeValue, Client, CryptoAction, DecryptOptions, EncryptOptions,
    HierarchicalKeyring, Item, ItemEncryptor, ItemEncryptorConfig, Keyring,
};

fn item() -> Item {
    [
        ("id".to_string(), AttributeValue::S("user-1".into())),
        ("ssn".to_string(), AttributeValue::S("123-45-6789".into())),
    ]
    .into_iter()
    .collect()
}

fn item_encryptor(keyring: Arc<dyn Keyring>) -> ItemEncryptor {
    let mut config = ItemEncryptorConfig::new("users", "id", keyring);
    config
        .attribute_actions
        .insert("id".into(), CryptoAction::SignOnly);
    config
        .attribute_actions
        .insert("ssn".into(), CryptoAction::EncryptAndSign);
    ItemEncryptor::new(config).unwrap()
}

#[test]
fn kms_backed_branch_keys_version_persist_and_decrypt() {
    let (kms, _clock) = LocalKms::with_manual_clock(1_700_000_000);
    let admin = kms
        .client("us-east-1", "arn:aws:iam::111122223333:root")
        .unwrap();
    let kms_key = block_on(admin.create_key(CreateKeyRequest::default()))
        .unwrap()
        .key_metadata
        .arn;
    let provider: Arc<dyn KmsProvider> = Arc::new(admin.clone());

    let store =
        Arc::new(KmsBranchKeyStore::new(provider.clone(), &kms_key, "app-keystore").unwrap());
    let branch = block_on(store.create_branch_key(Some("tenant-acme"))).unwrap();
    let keyring: Arc<dyn Keyring> =
        Arc::new(HierarchicalKeyring::new(store.clone(), branch.clone()).unwrap());

    // messages and items both work with the hierarchical keyring
    let client = Client::default();
    let msg_v1 = block_on(client.encrypt(
        keyring_cmm(keyring.clone()),
        b"v1 message",
        EncryptOptions::default(),
    ))
    .unwrap();
    let enc = item_encryptor(keyring.clone());
    let item_v1 = block_on(enc.encrypt_item(&item())).unwrap();
    assert!(matches!(item_v1.get("ssn"), Some(AttributeValue::B(_))));

    // rotate: new data uses the new version, old data still decrypts
    let v2 = block_on(store.version_branch_key(&branch)).unwrap();
    assert_eq!(
        block_on(store.get_active_branch_key(&branch))
            .unwrap()
            .version(),
        v2
    );
    let msg_v2 = block_on(client.encrypt(
        keyring_cmm(keyring.clone()),
        b"v2 message",
        EncryptOptions::default(),
    ))
    .unwrap();
    for (msg, want) in [(&msg_v1, b"v1 message"), (&msg_v2, b"v2 message")] {
        let out = block_on(client.decrypt(
            keyring_cmm(keyring.clone()),
            &msg.ciphertext,
            DecryptOptions::default(),
        ))
        .unwrap();
        assert_eq!(&out.plaintext, want);
    }
    assert_eq!(block_on(enc.decrypt_item(&item_v1)).unwrap(), item());

    // persist: the export holds only KMS-wrapped keys; the restored store (plus the restored
    // local KMS) decrypts everything
    let root = [3u8; 32];
    let kms_blob = kms.export_state(&root).unwrap();
    let store_blob = store.export().unwrap();
    let restored_kms =
        LocalKms::import_state(&kms_blob, &root, Arc::new(sealkit::kms::clock::SystemClock))
            .unwrap();
    let restored_provider: Arc<dyn KmsProvider> = Arc::new(
        restored_kms
            .client("us-east-1", "arn:aws:iam::111122223333:root")
            .unwrap(),
    );
    let restored = Arc::new(
        KmsBranchKeyStore::import(
            restored_provider.clone(),
            &kms_key,
            "app-keystore",
            &store_blob,
        )
        .unwrap(),
    );
    let restored_ring: Arc<dyn Keyring> =
        Arc::new(HierarchicalKeyring::new(restored, branch.clone()).unwrap());
    let out = block_on(client.decrypt(
        keyring_cmm(restored_ring.clone()),
        &msg_v1.ciphertext,
        DecryptOptions::default(),
    ))
    .unwrap();
    assert_eq!(out.plaintext, b"v1 message");
    assert_eq!(
        block_on(item_encryptor(restored_ring).decrypt_item(&item_v1)).unwrap(),
        item()
    );

    // the store name is bound into the wrapping: another name cannot unwrap
    let renamed = Arc::new(
        KmsBranchKeyStore::import(restored_provider, &kms_key, "other-store", &store_blob).unwrap(),
    );
    assert!(block_on(renamed.get_active_branch_key(&branch)).is_err());
    // garbage exports are refused with a named error
    assert!(KmsBranchKeyStore::import(
        provider.clone(),
        &kms_key,
        "app-keystore",
        &store_blob[..store_blob.len() - 1]
    )
    .is_err());

    // disabling the KMS key stops branch key access for a keyring without cached branch keys
    // (the KMS error surfaces); the keyring above keeps its cached keys until their TTL ends
    block_on(admin.disable_key(KeyIdRequest {
        key_id: kms_key.clone(),
        ..Default::default()
    }))
    .unwrap();
    assert!(
        block_on(client.encrypt(keyring_cmm(keyring), b"cached", EncryptOptions::default()))
            .is_ok()
    );
    let fresh: Arc<dyn Keyring> = Arc::new(HierarchicalKeyring::new(store, branch).unwrap());
    let err =
        block_on(client.encrypt(keyring_cmm(fresh), b"x", EncryptOptions::default())).unwrap_err();
    assert!(err.to_string().contains("DisabledException"), "{err}");
}

/// The keyring's crypto is the provider it holds: a provider that counts (and otherwise is the
/// built-in one) sees one HMAC-SHA-256 and one AES-GCM seal per item encryption, one open per
/// decryption; a provider that refuses HMAC stops the keyring with its error.
#[test]
fn the_keyring_derives_and_wraps_through_its_crypto_provider() {
    use sealkit::crypto::builtin::BuiltinCrypto;
    use sealkit::crypto::provider::{CryptoProvider, GcmJob, MacHash, Opened, Secret32};
    use sealkit::future::BoxFuture;
    use sealkit::keyring::hierarchical::{BranchKey, StaticBranchKeyStore};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use zeroize::Zeroizing;

    #[derive(Debug, Default)]
    struct Counting {
        hmac256: AtomicUsize,
        seals: AtomicUsize,
        opens: AtomicUsize,
        refuse_hmac: bool,
    }
    impl CryptoProvider for Counting {
        fn name(&self) -> &'static str {
            "counting"
        }
        fn hkdf_sha512<'a>(
            &'a self,
            ikm: &'a [u8],
            info: &'a [u8],
        ) -> BoxFuture<'a, sealkit::Result<Secret32>> {
            BuiltinCrypto.hkdf_sha512(ikm, info)
        }
        fn hmac<'a>(
            &'a self,
            hash: MacHash,
            key: &'a [u8],
            data: &'a [u8],
        ) -> BoxFuture<'a, sealkit::Result<Zeroizing<Vec<u8>>>> {
            if hash == MacHash::Sha256 {
                self.hmac256.fetch_add(1, Ordering::SeqCst);
                if self.refuse_hmac {
                    return Box::pin(async {
                        Err(sealkit::Error::Keyring("counting: HMAC refused".into()))
                    });
                }
            }
            BuiltinCrypto.hmac(hash, key, data)
        }
        fn sha384<'a>(&'a self, data: &'a [u8]) -> BoxFuture<'a, sealkit::Result<[u8; 48]>> {
            BuiltinCrypto.sha384(data)
        }
        fn aes256_ctr_keystream<'a>(
            &'a self,
            key: &'a [u8; 32],
            counter: [u8; 16],
            len: usize,
        ) -> BoxFuture<'a, sealkit::Result<Zeroizing<Vec<u8>>>> {
            BuiltinCrypto.aes256_ctr_keystream(key, counter, len)
        }
        fn seal_many<'a>(
            &'a self,
            jobs: &'a [GcmJob<'a>],
        ) -> BoxFuture<'a, sealkit::Result<Vec<Vec<u8>>>> {
            self.seals.fetch_add(jobs.len(), Ordering::SeqCst);
            BuiltinCrypto.seal_many(jobs)
        }
        fn open_many<'a>(
            &'a self,
            jobs: &'a [GcmJob<'a>],
        ) -> BoxFuture<'a, sealkit::Result<Vec<Opened>>> {
            self.opens.fetch_add(jobs.len(), Ordering::SeqCst);
            BuiltinCrypto.open_many(jobs)
        }
    }

    let bk = BranchKey::new("bk-1", "e9ce18a3-edb5-4272-9f86-1cacb7997ff6", &[7u8; 32]).unwrap();
    let store: Arc<dyn BranchKeyStore> = Arc::new(StaticBranchKeyStore::new(bk));
    let counting = Arc::new(Counting::default());
    let keyring = HierarchicalKeyring::new(store.clone(), "bk-1")
        .unwrap()
        .with_provider(counting.clone());
    let enc = item_encryptor(Arc::new(keyring));
    let stored = block_on(enc.encrypt_item(&item())).unwrap();
    assert_eq!(counting.hmac256.load(Ordering::SeqCst), 1);
    assert_eq!(counting.seals.load(Ordering::SeqCst), 1);
    assert_eq!(block_on(enc.decrypt_item(&stored)).unwrap(), item());
    assert_eq!(counting.hmac256.load(Ordering::SeqCst), 2);
    assert_eq!(counting.opens.load(Ordering::SeqCst), 1);
    // The default provider reads what the counting one wrote.
    let plain = item_encryptor(Arc::new(
        HierarchicalKeyring::new(store.clone(), "bk-1").unwrap(),
    ));
    assert_eq!(block_on(plain.decrypt_item(&stored)).unwrap(), item());

    let refusing = Arc::new(Counting {
        refuse_hmac: true,
        ..Counting::default()
    });
    let keyring = HierarchicalKeyring::new(store, "bk-1")
        .unwrap()
        .with_provider(refusing);
    let err = block_on(item_encryptor(Arc::new(keyring)).encrypt_item(&item())).unwrap_err();
    assert!(err.to_string().contains("HMAC refused"), "{err}");
}
