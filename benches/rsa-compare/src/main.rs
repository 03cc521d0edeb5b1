//! RSA private-key operations, three implementations side by side in one process, interleaved
//! round by round (the machine is shared and noisy, so every implementation sees the same noise):
//!
//! - `rsa09`: rsa 0.9.10 with blinding (`decrypt_blinded`, `sign_with_rng`): what sealkit runs
//!   without the `aws-lc-rsa` feature;
//! - `rsa010`: rsa 0.10.0 (crypto-bigint, blinded by default, PKCS#1 v1.5 implicit rejection);
//! - `aws-lc`: aws-lc-rs 1.19 (AWS-LC).
//!
//! Operations: OAEP-SHA256 / OAEP-SHA1 / PKCS#1 v1.5 decryption, PKCS#1 v1.5-SHA256 and
//! PSS-SHA256 signing of a digest, and "parse+OAEP-SHA256": PKCS#8 parsing then one decryption,
//! which is what the key server does per Decrypt (it keeps keys as PKCS#8 DER).
//!
//! Usage: `cargo run --release -- [rounds] [bits,...]`; prints the median microseconds per
//! operation over the rounds, one line per (bits, operation, implementation).

use std::hint::black_box;
use std::time::Instant;

use rsa010::pkcs8::DecodePrivateKey as _;
use rsa09::pkcs8::EncodePrivateKey;
use rsa09::traits::PublicKeyParts;

use aws_lc_rs::rsa::{
    OaepPrivateDecryptingKey, Pkcs1PrivateDecryptingKey, PrivateDecryptingKey, OAEP_SHA1_MGF1SHA1,
    OAEP_SHA256_MGF1SHA256,
};
use aws_lc_rs::signature::{RsaKeyPair, RSA_PKCS1_SHA256, RSA_PSS_SHA256};

type Op<'a> = Box<dyn Fn() + 'a>;

struct Keys {
    r09: rsa09::RsaPrivateKey,
    r10: rsa010::PrivateKey,
    lc_dec: PrivateDecryptingKey,
    lc_oaep: OaepPrivateDecryptingKey,
    lc_pkcs1: Pkcs1PrivateDecryptingKey,
    lc_sign: RsaKeyPair,
    der: Vec<u8>,
}

fn load(bits: usize) -> Keys {
    let mut rng = rand_core::OsRng;
    let r09 = rsa09::RsaPrivateKey::new(&mut rng, bits).expect("keygen");
    let der = r09.to_pkcs8_der().expect("pkcs8").as_bytes().to_vec();
    let r10 = rsa010::PrivateKey::from_pkcs8_der(&der).expect("rsa 0.10 parse");
    let lc_dec = PrivateDecryptingKey::from_pkcs8(&der).expect("aws-lc parse");
    let lc_oaep = OaepPrivateDecryptingKey::new(
        PrivateDecryptingKey::from_pkcs8(&der).expect("aws-lc parse"),
    )
    .expect("oaep key");
    let lc_pkcs1 = Pkcs1PrivateDecryptingKey::new(
        PrivateDecryptingKey::from_pkcs8(&der).expect("aws-lc parse"),
    )
    .expect("pkcs1 key");
    let lc_sign = RsaKeyPair::from_pkcs8(&der).expect("aws-lc sign key");
    Keys {
        r09,
        r10,
        lc_dec,
        lc_oaep,
        lc_pkcs1,
        lc_sign,
        der,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(7);
    let sizes: Vec<usize> = args
        .get(2)
        .map(|s| s.split(',').filter_map(|b| b.parse().ok()).collect())
        .unwrap_or_else(|| vec![2048, 3072, 4096]);
    println!("# rounds={rounds}; median us/op over rounds; implementations interleaved per round");
    println!("bits\toperation\timplementation\tus_per_op");
    for bits in sizes {
        let k = load(bits);
        let mut rng = rand_core::OsRng;
        let public = k.r09.to_public_key();
        let msg = [7u8; 32];
        let ct_oaep256 = public
            .encrypt(&mut rng, rsa09::Oaep::new::<sha2::Sha256>(), &msg)
            .expect("encrypt");
        let ct_oaep1 = public
            .encrypt(&mut rng, rsa09::Oaep::new::<sha1::Sha1>(), &msg)
            .expect("encrypt");
        let ct_pkcs1 = public
            .encrypt(&mut rng, rsa09::Pkcs1v15Encrypt, &msg)
            .expect("encrypt");
        let digest: [u8; 32] = {
            use sha2::Digest;
            sha2::Sha256::digest(b"message").into()
        };
        let n = public.size();
        let lc_digest =
            aws_lc_rs::digest::Digest::import_less_safe(&digest, &aws_lc_rs::digest::SHA256)
                .expect("digest");
        let iters = match bits {
            0..=2048 => 40,
            2049..=3072 => 15,
            _ => 8,
        };

        let check = |got: &[u8]| assert_eq!(got, &msg[..]);
        let mut ops: Vec<(&str, &str, Op)> = Vec::new();
        // OAEP-SHA256
        ops.push((
            "oaep-sha256 decrypt",
            "rsa09-blinded",
            Box::new(|| {
                let p = k
                    .r09
                    .decrypt_blinded(
                        &mut rand_core::OsRng,
                        rsa09::Oaep::new::<sha2::Sha256>(),
                        &ct_oaep256,
                    )
                    .expect("dec");
                check(&p);
            }),
        ));
        ops.push((
            "oaep-sha256 decrypt",
            "rsa010",
            Box::new(|| {
                let p = k
                    .r10
                    .decrypt(rsa010::Oaep::<sha2_011::Sha256>::new(), &ct_oaep256)
                    .expect("dec");
                check(&p);
            }),
        ));
        ops.push((
            "oaep-sha256 decrypt",
            "aws-lc",
            Box::new(|| {
                let mut out = vec![0u8; n];
                let p = k
                    .lc_oaep
                    .decrypt(&OAEP_SHA256_MGF1SHA256, &ct_oaep256, &mut out, None)
                    .expect("dec");
                check(p);
            }),
        ));
        // OAEP-SHA1
        ops.push((
            "oaep-sha1 decrypt",
            "rsa09-blinded",
            Box::new(|| {
                let p = k
                    .r09
                    .decrypt_blinded(
                        &mut rand_core::OsRng,
                        rsa09::Oaep::new::<sha1::Sha1>(),
                        &ct_oaep1,
                    )
                    .expect("dec");
                check(&p);
            }),
        ));
        ops.push((
            "oaep-sha1 decrypt",
            "rsa010",
            Box::new(|| {
                let p = k
                    .r10
                    .decrypt(rsa010::Oaep::<sha1_011::Sha1>::new(), &ct_oaep1)
                    .expect("dec");
                check(&p);
            }),
        ));
        ops.push((
            "oaep-sha1 decrypt",
            "aws-lc",
            Box::new(|| {
                let mut out = vec![0u8; n];
                let p = k
                    .lc_oaep
                    .decrypt(&OAEP_SHA1_MGF1SHA1, &ct_oaep1, &mut out, None)
                    .expect("dec");
                check(p);
            }),
        ));
        // PKCS#1 v1.5 decryption
        ops.push((
            "pkcs1v15 decrypt",
            "rsa09-blinded",
            Box::new(|| {
                let p = k
                    .r09
                    .decrypt_blinded(&mut rand_core::OsRng, rsa09::Pkcs1v15Encrypt, &ct_pkcs1)
                    .expect("dec");
                check(&p);
            }),
        ));
        ops.push((
            "pkcs1v15 decrypt",
            "rsa010",
            Box::new(|| {
                let p = k
                    .r10
                    .decrypt(rsa010::Pkcs1v15Encrypt, &ct_pkcs1)
                    .expect("dec");
                check(&p);
            }),
        ));
        ops.push((
            "pkcs1v15 decrypt",
            "aws-lc",
            Box::new(|| {
                let mut out = vec![0u8; n];
                let p = k.lc_pkcs1.decrypt(&ct_pkcs1, &mut out).expect("dec");
                check(p);
            }),
        ));
        // PKCS#1 v1.5 signing (SHA-256 digest)
        ops.push((
            "pkcs1v15-sha256 sign",
            "rsa09-blinded",
            Box::new(|| {
                let s = k
                    .r09
                    .sign_with_rng(
                        &mut rand_core::OsRng,
                        rsa09::Pkcs1v15Sign::new::<sha2::Sha256>(),
                        &digest,
                    )
                    .expect("sign");
                black_box(s);
            }),
        ));
        ops.push((
            "pkcs1v15-sha256 sign",
            "rsa010",
            Box::new(|| {
                let s = k
                    .r10
                    .sign(rsa010::Pkcs1v15Sign::new::<sha2_011::Sha256>(), &digest)
                    .expect("sign");
                black_box(s);
            }),
        ));
        ops.push((
            "pkcs1v15-sha256 sign",
            "aws-lc",
            Box::new(|| {
                let mut s = vec![0u8; n];
                k.lc_sign
                    .sign_digest(&RSA_PKCS1_SHA256, &lc_digest, &mut s)
                    .expect("sign");
                black_box(s);
            }),
        ));
        // PSS-SHA256 signing (salt = digest length)
        ops.push((
            "pss-sha256 sign",
            "rsa09-blinded",
            Box::new(|| {
                let s = k
                    .r09
                    .sign_with_rng(
                        &mut rand_core::OsRng,
                        rsa09::Pss::new::<sha2::Sha256>(),
                        &digest,
                    )
                    .expect("sign");
                black_box(s);
            }),
        ));
        ops.push((
            "pss-sha256 sign",
            "rsa010",
            Box::new(|| {
                let s = k
                    .r10
                    .sign(rsa010::Pss::<sha2_011::Sha256>::new(), &digest)
                    .expect("sign");
                black_box(s);
            }),
        ));
        ops.push((
            "pss-sha256 sign",
            "aws-lc",
            Box::new(|| {
                let mut s = vec![0u8; n];
                k.lc_sign
                    .sign_digest(&RSA_PSS_SHA256, &lc_digest, &mut s)
                    .expect("sign");
                black_box(s);
            }),
        ));
        // The key server's shape: parse the stored PKCS#8, then decrypt once.
        ops.push((
            "parse+oaep-sha256 decrypt",
            "rsa09-blinded",
            Box::new(|| {
                use rsa09::pkcs8::DecodePrivateKey;
                let key = rsa09::RsaPrivateKey::from_pkcs8_der(&k.der).expect("parse");
                let p = key
                    .decrypt_blinded(
                        &mut rand_core::OsRng,
                        rsa09::Oaep::new::<sha2::Sha256>(),
                        &ct_oaep256,
                    )
                    .expect("dec");
                check(&p);
            }),
        ));
        ops.push((
            "parse+oaep-sha256 decrypt",
            "rsa010",
            Box::new(|| {
                let key = rsa010::PrivateKey::from_pkcs8_der(&k.der).expect("parse");
                let p = key
                    .decrypt(rsa010::Oaep::<sha2_011::Sha256>::new(), &ct_oaep256)
                    .expect("dec");
                check(&p);
            }),
        ));
        ops.push((
            "parse+oaep-sha256 decrypt",
            "aws-lc",
            Box::new(|| {
                let key = OaepPrivateDecryptingKey::new(
                    PrivateDecryptingKey::from_pkcs8(&k.der).expect("parse"),
                )
                .expect("key");
                let mut out = vec![0u8; n];
                let p = key
                    .decrypt(&OAEP_SHA256_MGF1SHA256, &ct_oaep256, &mut out, None)
                    .expect("dec");
                check(p);
            }),
        ));
        black_box(&k.lc_dec);

        // Warm-up once, then rounds: every implementation of every operation once per round.
        for (_, _, f) in &ops {
            f();
        }
        let mut samples: Vec<Vec<f64>> = vec![Vec::new(); ops.len()];
        for _ in 0..rounds {
            for (i, (_, _, f)) in ops.iter().enumerate() {
                let t = Instant::now();
                for _ in 0..iters {
                    f();
                }
                samples[i].push(t.elapsed().as_secs_f64() * 1e6 / iters as f64);
            }
        }
        for ((op, imp, _), s) in ops.iter().zip(samples) {
            println!("{bits}\t{op}\t{imp}\t{:.0}", median(s));
        }
    }
}
