//! Both backends against each other and against the `rsa` crate's public-key operations: the
//! same plaintexts, PKCS#1 v1.5 signatures byte for byte, PSS signatures that verify, and the
//! same coarse errors for wrong-size ciphertexts, bad padding and wrong digest lengths.

use std::sync::OnceLock;

use rand_core::OsRng;
use rsa::pkcs8::EncodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::*;

fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut OsRng, 2048).expect("test key generation"))
}

fn backends() -> Vec<RsaBackend> {
    #[allow(unused_mut)]
    let mut v = vec![RsaBackend::RustCryptoBlinded];
    #[cfg(feature = "aws-lc-rsa")]
    v.push(RsaBackend::AwsLc);
    v
}

/// Each backend twice: through the PKCS#8 loader and through an already parsed key.
fn loaded() -> Vec<(RsaBackend, Box<dyn RsaPrivateOps>)> {
    let der = key().to_pkcs8_der().expect("pkcs8");
    let mut v = Vec::new();
    for b in backends() {
        v.push((b, b.load_pkcs8_der(der.as_bytes()).expect("load")));
        v.push((b, b.from_rsa_key(key().clone()).expect("from key")));
    }
    v
}

fn encrypt(public: &RsaPublicKey, padding: RsaDecryptPadding, msg: &[u8]) -> Vec<u8> {
    let rng = &mut OsRng;
    match padding {
        RsaDecryptPadding::Pkcs1v15 => public.encrypt(rng, Pkcs1v15Encrypt, msg),
        RsaDecryptPadding::Oaep(RsaHash::Sha1) => {
            public.encrypt(rng, Oaep::new::<sha1::Sha1>(), msg)
        }
        RsaDecryptPadding::Oaep(RsaHash::Sha256) => public.encrypt(rng, Oaep::new::<Sha256>(), msg),
        RsaDecryptPadding::Oaep(RsaHash::Sha384) => public.encrypt(rng, Oaep::new::<Sha384>(), msg),
        RsaDecryptPadding::Oaep(RsaHash::Sha512) => public.encrypt(rng, Oaep::new::<Sha512>(), msg),
    }
    .expect("encrypt")
}

const PADDINGS: [RsaDecryptPadding; 5] = [
    RsaDecryptPadding::Pkcs1v15,
    RsaDecryptPadding::Oaep(RsaHash::Sha1),
    RsaDecryptPadding::Oaep(RsaHash::Sha256),
    RsaDecryptPadding::Oaep(RsaHash::Sha384),
    RsaDecryptPadding::Oaep(RsaHash::Sha512),
];

#[test]
fn every_backend_decrypts_every_padding() {
    let public = key().to_public_key();
    let msg = [0x5au8; 32];
    for padding in PADDINGS {
        let ct = encrypt(&public, padding, &msg);
        for (b, k) in loaded() {
            let pt = k
                .decrypt(padding, &ct)
                .unwrap_or_else(|e| panic!("{b:?} {padding:?}: {e}"));
            assert_eq!(&pt[..], &msg[..], "{b:?} {padding:?}");
        }
    }
}

#[test]
fn wrong_padding_wrong_size_and_garbage_fail_alike() {
    let public = key().to_public_key();
    let msg = [1u8; 32];
    let ct = encrypt(&public, RsaDecryptPadding::Oaep(RsaHash::Sha256), &msg);
    let mut flipped = ct.clone();
    flipped[100] ^= 1;
    let mut long = ct.clone();
    long.push(0);
    let cases: Vec<(&str, RsaDecryptPadding, Vec<u8>)> = vec![
        (
            "other OAEP hash",
            RsaDecryptPadding::Oaep(RsaHash::Sha1),
            ct.clone(),
        ),
        ("PKCS#1 on OAEP", RsaDecryptPadding::Pkcs1v15, ct.clone()),
        (
            "bit flip",
            RsaDecryptPadding::Oaep(RsaHash::Sha256),
            flipped,
        ),
        (
            "one byte short",
            RsaDecryptPadding::Oaep(RsaHash::Sha256),
            ct[1..].to_vec(),
        ),
        (
            "one byte long",
            RsaDecryptPadding::Oaep(RsaHash::Sha256),
            long,
        ),
        ("empty", RsaDecryptPadding::Oaep(RsaHash::Sha256), vec![]),
        (
            "modulus itself",
            RsaDecryptPadding::Pkcs1v15,
            public.n().to_bytes_be(),
        ),
        (
            "all 0xff",
            RsaDecryptPadding::Pkcs1v15,
            vec![0xff; public.size()],
        ),
    ];
    for (b, k) in loaded() {
        for (what, padding, c) in &cases {
            assert_eq!(
                k.decrypt(*padding, c).map(|p| p.to_vec()),
                Err(RsaPrivateError::Decryption),
                "{b:?}: {what}"
            );
        }
    }
}

#[test]
fn signatures_verify_and_pkcs1_signatures_agree() {
    let public = key().to_public_key();
    let d256 = Sha256::digest(b"message").to_vec();
    let d384 = Sha384::digest(b"message").to_vec();
    let d512 = Sha512::digest(b"message").to_vec();
    let mut pkcs1_sigs: Vec<Vec<u8>> = Vec::new();
    for (b, k) in loaded() {
        let s = k
            .sign(RsaSignScheme::Pkcs1v15(RsaHash::Sha256), &d256)
            .expect("sign");
        public
            .verify(Pkcs1v15Sign::new::<Sha256>(), &d256, &s)
            .expect("verify");
        pkcs1_sigs.push(s);
        let s = k
            .sign(RsaSignScheme::Pkcs1v15(RsaHash::Sha384), &d384)
            .expect("sign");
        public
            .verify(Pkcs1v15Sign::new::<Sha384>(), &d384, &s)
            .expect("verify");
        let s = k
            .sign(RsaSignScheme::Pkcs1v15(RsaHash::Sha512), &d512)
            .expect("sign");
        public
            .verify(Pkcs1v15Sign::new::<Sha512>(), &d512, &s)
            .expect("verify");
        let s = k
            .sign(RsaSignScheme::Pss(RsaHash::Sha256), &d256)
            .expect("sign");
        public
            .verify(Pss::new::<Sha256>(), &d256, &s)
            .unwrap_or_else(|e| panic!("{b:?}: {e}"));
        let s = k
            .sign(RsaSignScheme::Pss(RsaHash::Sha384), &d384)
            .expect("sign");
        public
            .verify(Pss::new::<Sha384>(), &d384, &s)
            .expect("verify");
        let s = k
            .sign(RsaSignScheme::Pss(RsaHash::Sha512), &d512)
            .expect("sign");
        public
            .verify(Pss::new::<Sha512>(), &d512, &s)
            .expect("verify");
    }
    // PKCS#1 v1.5 signing is deterministic: every backend gives the same bytes.
    assert!(pkcs1_sigs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn wrong_digest_lengths_and_sha1_signing_are_refused() {
    let d256 = Sha256::digest(b"message").to_vec();
    for (b, k) in loaded() {
        for scheme in [
            RsaSignScheme::Pkcs1v15(RsaHash::Sha384),
            RsaSignScheme::Pss(RsaHash::Sha512),
        ] {
            assert_eq!(
                k.sign(scheme, &d256),
                Err(RsaPrivateError::Signing),
                "{b:?} {scheme:?}"
            );
        }
        assert_eq!(
            k.sign(RsaSignScheme::Pkcs1v15(RsaHash::Sha256), &d256[1..]),
            Err(RsaPrivateError::Signing),
            "{b:?}"
        );
        assert_eq!(
            k.sign(RsaSignScheme::Pss(RsaHash::Sha1), &[0; 20]),
            Err(RsaPrivateError::Signing),
            "{b:?}"
        );
    }
}

#[test]
fn the_build_default_follows_the_feature() {
    #[cfg(feature = "aws-lc-rsa")]
    assert_eq!(RsaBackend::for_build(), RsaBackend::AwsLc);
    #[cfg(not(feature = "aws-lc-rsa"))]
    assert_eq!(RsaBackend::for_build(), RsaBackend::RustCryptoBlinded);
}

#[cfg(feature = "aws-lc-rsa")]
#[test]
fn aws_lc_refuses_keys_below_2048_bits_when_made_and_lazily() {
    let small = RsaPrivateKey::new(&mut OsRng, 1024).expect("small key");
    assert_eq!(
        RsaBackend::AwsLc.from_rsa_key(small.clone()).err(),
        Some(RsaPrivateError::InvalidKey)
    );
    let der = small.to_pkcs8_der().expect("pkcs8");
    let k = RsaBackend::AwsLc
        .load_pkcs8_der(der.as_bytes())
        .expect("lazy load");
    let ct = encrypt(
        &small.to_public_key(),
        RsaDecryptPadding::Pkcs1v15,
        &[1; 16],
    );
    assert_eq!(
        k.decrypt(RsaDecryptPadding::Pkcs1v15, &ct)
            .map(|p| p.to_vec()),
        Err(RsaPrivateError::Decryption)
    );
    // The same key still works on the rsa backend (the library default).
    let k = RsaBackend::RustCryptoBlinded
        .from_rsa_key(small)
        .expect("rsa backend");
    assert_eq!(
        &k.decrypt(RsaDecryptPadding::Pkcs1v15, &ct)
            .expect("decrypt")[..],
        &[1; 16]
    );
}
