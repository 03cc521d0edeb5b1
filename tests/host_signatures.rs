//! The host ECDSA seam (`crypto::signature::HostSignatures`, node:crypto in the npm package):
//! messages signed through a host read back with the built-in code and the other way round,
//! and host failures surface as named errors. The host here is a stand-in over the RustCrypto
//! curves, counting its calls so that each test can tell which path ran. It signs with a random
//! nonce, as node:crypto and WebCrypto do (a deterministic RFC 6979 signer would give the same
//! too-short r on every retry of a 103-byte item signature).

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use p256::ecdsa::signature::{DigestVerifier, RandomizedDigestSigner};
use rand_core::OsRng;
use sealkit::crypto::signature::{set_host_signatures, HostSignatures, HostSigner, HostVerifier};
use sealkit::future::BoxFuture;
use sealkit::suite::SignatureAlgorithm;
use sealkit::{
    block_on, keyring_cmm, AlgorithmSuite, Client, CommitmentPolicy, DecryptOptions,
    EncryptOptions, Keyring, RawAesKeyring,
};
use sha2::{Digest, Sha256, Sha384};

/// Answers like node:crypto (at once), or like WebCrypto (after the caller waits once).
fn answer<T: Send + 'static>(value: T, later: bool) -> BoxFuture<'static, T> {
    Box::pin(async move {
        if later {
            YieldOnce(false).await;
        }
        value
    })
}

/// Pending on the first poll (waking its task), ready on the second.
struct YieldOnce(bool);
impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

#[derive(Default)]
struct Counters {
    generated: Cell<usize>,
    verifiers: Cell<usize>,
}

/// What the stand-in host does wrong, if anything.
#[derive(Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// No fault, but every answer comes later (as WebCrypto's do).
    Later,
    SignFails,
    RejectsPoint,
    VerifyFails,
}

struct TestHost {
    counters: Rc<Counters>,
    fault: Fault,
}

enum Key {
    P256(p256::ecdsa::SigningKey, Sha256),
    P384(p384::ecdsa::SigningKey, Sha384),
}

struct Signer {
    key: Key,
    fails: bool,
    later: bool,
}

impl HostSigner for Signer {
    fn public_key(&self) -> Vec<u8> {
        match &self.key {
            Key::P256(k, _) => k.verifying_key().to_encoded_point(true).as_bytes().to_vec(),
            Key::P384(k, _) => k.verifying_key().to_encoded_point(true).as_bytes().to_vec(),
        }
    }
    fn update(&mut self, data: &[u8]) {
        match &mut self.key {
            Key::P256(_, h) => h.update(data),
            Key::P384(_, h) => h.update(data),
        }
    }
    fn sign_data(&self, data: &[u8]) -> BoxFuture<'static, Option<Vec<u8>>> {
        if self.fails {
            return answer(None, self.later);
        }
        let der = match &self.key {
            Key::P256(k, _) => {
                let sig: p256::ecdsa::Signature =
                    k.sign_digest_with_rng(&mut OsRng, Sha256::new_with_prefix(data));
                sig.to_der().as_bytes().to_vec()
            }
            Key::P384(k, _) => {
                let sig: p384::ecdsa::Signature =
                    k.sign_digest_with_rng(&mut OsRng, Sha384::new_with_prefix(data));
                sig.to_der().as_bytes().to_vec()
            }
        };
        answer(Some(der), self.later)
    }
    fn sign(self: Box<Self>) -> BoxFuture<'static, Option<Vec<u8>>> {
        if self.fails {
            return answer(None, self.later);
        }
        let later = self.later;
        let der = match self.key {
            Key::P256(k, h) => {
                let sig: p256::ecdsa::Signature = k.sign_digest_with_rng(&mut OsRng, h);
                sig.to_der().as_bytes().to_vec()
            }
            Key::P384(k, h) => {
                let sig: p384::ecdsa::Signature = k.sign_digest_with_rng(&mut OsRng, h);
                sig.to_der().as_bytes().to_vec()
            }
        };
        answer(Some(der), later)
    }
}

enum Check {
    P256(p256::ecdsa::VerifyingKey, Sha256),
    P384(p384::ecdsa::VerifyingKey, Sha384),
    AlwaysFalse,
}

struct Verifier {
    check: Check,
    later: bool,
}

impl HostVerifier for Verifier {
    fn update(&mut self, data: &[u8]) {
        match &mut self.check {
            Check::P256(_, h) => h.update(data),
            Check::P384(_, h) => h.update(data),
            Check::AlwaysFalse => {}
        }
    }
    fn verify(self: Box<Self>, der: &[u8]) -> BoxFuture<'static, bool> {
        let ok = match self.check {
            Check::P256(k, h) => p256::ecdsa::Signature::from_der(der)
                .is_ok_and(|sig| k.verify_digest(h, &sig).is_ok()),
            Check::P384(k, h) => p384::ecdsa::Signature::from_der(der)
                .is_ok_and(|sig| k.verify_digest(h, &sig).is_ok()),
            Check::AlwaysFalse => false,
        };
        answer(ok, self.later)
    }
}

impl HostSignatures for TestHost {
    fn generate(&self, alg: SignatureAlgorithm) -> BoxFuture<'static, Option<Box<dyn HostSigner>>> {
        self.counters
            .generated
            .set(self.counters.generated.get() + 1);
        let mut rng = rand_core::OsRng;
        let key = match alg {
            SignatureAlgorithm::EcdsaP256Sha256 => {
                Key::P256(p256::ecdsa::SigningKey::random(&mut rng), Sha256::new())
            }
            SignatureAlgorithm::EcdsaP384Sha384 => {
                Key::P384(p384::ecdsa::SigningKey::random(&mut rng), Sha384::new())
            }
        };
        let signer: Box<dyn HostSigner> = Box::new(Signer {
            key,
            fails: self.fault == Fault::SignFails,
            later: self.fault == Fault::Later,
        });
        answer(Some(signer), self.fault == Fault::Later)
    }

    fn verifier(
        &self,
        alg: SignatureAlgorithm,
        sec1: &[u8],
    ) -> BoxFuture<'static, Option<Result<Box<dyn HostVerifier>, ()>>> {
        self.counters
            .verifiers
            .set(self.counters.verifiers.get() + 1);
        let later = self.fault == Fault::Later;
        let check = match (self.fault, alg) {
            (Fault::RejectsPoint, _) => return answer(Some(Err(())), later),
            (Fault::VerifyFails, _) => Check::AlwaysFalse,
            (_, SignatureAlgorithm::EcdsaP256Sha256) => {
                match p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1) {
                    Ok(k) => Check::P256(k, Sha256::new()),
                    Err(_) => return answer(Some(Err(())), later),
                }
            }
            (_, SignatureAlgorithm::EcdsaP384Sha384) => {
                match p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1) {
                    Ok(k) => Check::P384(k, Sha384::new()),
                    Err(_) => return answer(Some(Err(())), later),
                }
            }
        };
        let verifier: Box<dyn HostVerifier> = Box::new(Verifier { check, later });
        answer(Some(Ok(verifier)), later)
    }
}

fn install(fault: Fault) -> Rc<Counters> {
    let counters = Rc::new(Counters::default());
    set_host_signatures(Some(Rc::new(TestHost {
        counters: counters.clone(),
        fault,
    })));
    counters
}

fn keyring() -> Arc<dyn Keyring> {
    Arc::new(RawAesKeyring::new("ns", "k", &[7u8; 32]).unwrap())
}

/// A client that may encrypt with `suite` and decrypts either kind.
fn client(suite: AlgorithmSuite) -> Client {
    Client::new(if suite.is_committing() {
        CommitmentPolicy::RequireEncryptAllowDecrypt
    } else {
        CommitmentPolicy::ForbidEncryptAllowDecrypt
    })
}

fn encrypt(suite: AlgorithmSuite, plaintext: &[u8]) -> sealkit::Result<Vec<u8>> {
    let options = EncryptOptions {
        suite: Some(suite),
        ..EncryptOptions::default()
    };
    block_on(client(suite).encrypt(keyring_cmm(keyring()), plaintext, options))
        .map(|m| m.ciphertext)
}

fn decrypt(ciphertext: &[u8]) -> sealkit::Result<Vec<u8>> {
    let any = AlgorithmSuite::AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256;
    block_on(client(any).decrypt(
        keyring_cmm(keyring()),
        ciphertext,
        DecryptOptions::default(),
    ))
    .map(|m| m.plaintext)
}

const SIGNED: [AlgorithmSuite; 2] = [
    AlgorithmSuite::AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256,
    AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
];

#[test]
fn host_and_builtin_signatures_read_each_other() {
    let plaintext: Vec<u8> = (0..10_000u32).map(|i| (i * 13) as u8).collect();
    for suite in SIGNED {
        let counters = install(Fault::None);
        let by_host = encrypt(suite, &plaintext).unwrap();
        assert_eq!(
            counters.generated.get(),
            1,
            "{suite:?}: the host made the key"
        );
        set_host_signatures(None);
        assert_eq!(
            decrypt(&by_host).unwrap(),
            plaintext,
            "{suite:?}: built-in reads host"
        );
        let builtin = encrypt(suite, &plaintext).unwrap();

        let counters = install(Fault::None);
        assert_eq!(
            decrypt(&builtin).unwrap(),
            plaintext,
            "{suite:?}: host reads built-in"
        );
        assert_eq!(decrypt(&by_host).unwrap(), plaintext);
        assert_eq!(counters.verifiers.get(), 2, "{suite:?}: the host verified");
        let mut tampered = by_host.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(
            decrypt(&tampered).unwrap_err().code(),
            "ERR_SIGNATURE_INVALID"
        );
        set_host_signatures(None);
    }
}

#[test]
fn host_failures_are_named_errors() {
    let suite = AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    install(Fault::SignFails);
    assert_eq!(encrypt(suite, b"x").unwrap_err().code(), "ERR_KEYRING");

    set_host_signatures(None);
    let message = encrypt(suite, b"hello").unwrap();
    install(Fault::RejectsPoint);
    assert_eq!(decrypt(&message).unwrap_err().code(), "ERR_BAD_CIPHERTEXT");
    install(Fault::VerifyFails);
    assert_eq!(
        decrypt(&message).unwrap_err().code(),
        "ERR_SIGNATURE_INVALID"
    );
    set_host_signatures(None);
    assert_eq!(decrypt(&message).unwrap(), b"hello");
}

/// Signed items (0x6701): footers signed by the host are 103 bytes and read back with the
/// built-in code, and the host verifies built-in ones; a tampered signed attribute fails.
#[test]
fn signed_items_through_the_host() {
    use sealkit::item::{AttributeValue, CryptoAction, Item, ItemEncryptor, ItemEncryptorConfig};
    let mut config = ItemEncryptorConfig::new("t", "pk", keyring());
    config.algorithm_suite_id = 0x6701;
    config
        .attribute_actions
        .insert("pk".into(), CryptoAction::SignOnly);
    config
        .attribute_actions
        .insert("secret".into(), CryptoAction::EncryptAndSign);
    config
        .attribute_actions
        .insert("signed".into(), CryptoAction::SignOnly);
    let encryptor = ItemEncryptor::new(config).unwrap();
    let mut item = Item::new();
    item.insert("pk".into(), AttributeValue::S("p".into()));
    item.insert("secret".into(), AttributeValue::S("s".into()));
    item.insert("signed".into(), AttributeValue::N("1".into()));

    // Forty items: the re-sign for a too-short r (about 1 in 128) may run as well.
    for _ in 0..40 {
        let counters = install(Fault::None);
        let by_host = block_on(encryptor.encrypt_item(&item)).unwrap();
        assert_eq!(counters.generated.get(), 1);
        let foot = by_host["aws_dbe_foot"].as_binary().unwrap().len();
        assert_eq!(foot, 48 + 103, "one recipient tag and a 103-byte signature");
        set_host_signatures(None);
        assert_eq!(block_on(encryptor.decrypt_item(&by_host)).unwrap(), item);
        let builtin = block_on(encryptor.encrypt_item(&item)).unwrap();
        let counters = install(Fault::None);
        assert_eq!(block_on(encryptor.decrypt_item(&builtin)).unwrap(), item);
        assert_eq!(counters.verifiers.get(), 1);
    }
    let mut tampered = block_on(encryptor.encrypt_item(&item)).unwrap();
    tampered.insert("signed".into(), AttributeValue::N("2".into()));
    assert_eq!(
        block_on(encryptor.decrypt_item(&tampered))
            .unwrap_err()
            .code(),
        "ERR_SIGNATURE_INVALID"
    );
    set_host_signatures(None);
}

/// A host that answers later (as WebCrypto does): the one-shot API waits for it; the
/// synchronous `Encryptor::finish` reports a named error instead of blocking.
#[test]
fn a_host_that_answers_later() {
    let plaintext = b"later".to_vec();
    for suite in SIGNED {
        let counters = install(Fault::Later);
        let message = encrypt(suite, &plaintext).unwrap();
        assert_eq!(decrypt(&message).unwrap(), plaintext);
        assert_eq!((counters.generated.get(), counters.verifiers.get()), (1, 1));
        set_host_signatures(None);
        assert_eq!(decrypt(&message).unwrap(), plaintext, "built-in reads it");

        install(Fault::Later);
        let options = EncryptOptions {
            suite: Some(suite),
            ..EncryptOptions::default()
        };
        let encryptor = block_on(client(suite).encryptor(keyring_cmm(keyring()), options)).unwrap();
        let mut out = Vec::new();
        let err = encryptor.finish(&mut out).unwrap_err();
        assert_eq!(err.code(), "ERR_KEYRING", "{err}");
        set_host_signatures(None);
    }
}

/// The DER ⇄ `r ‖ s` conversions used for WebCrypto agree with RustCrypto's encodings.
#[test]
fn signature_encodings_match_rustcrypto() {
    use p384::ecdsa::signature::Signer as _;
    use sealkit::codec::ecdsa_sig::{der_to_fixed, fixed_to_der};
    let key = p384::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    for i in 0..300u32 {
        let sig: p384::ecdsa::Signature = key.sign(&i.to_be_bytes());
        for sig in [sig, sig.normalize_s().unwrap_or(sig)] {
            let der = sig.to_der();
            let fixed = sig.to_bytes();
            assert_eq!(fixed_to_der(&fixed).unwrap(), der.as_bytes());
            assert_eq!(der_to_fixed(der.as_bytes(), 48).unwrap(), fixed[..]);
        }
    }
}
