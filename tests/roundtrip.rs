//! Round trips over suites × frame lengths × sizes, one-shot and streaming, with and without
//! encryption context; plus the encrypt-side rules (policy, reserved keys, EDK limits).

mod support;

use std::sync::Arc;

use sealkit::message::io::{decrypt_stream, encrypt_stream};
use sealkit::{
    block_on, keyring_cmm, AlgorithmSuite, Client, CommitmentPolicy, CryptoMaterialsManager,
    DecryptOptions, EncryptOptions, EncryptionContext, Error, Framing, Keyring, MultiKeyring,
    RawAesKeyring, RawRsaKeyring, RequiredEncryptionContextCmm, RsaPadding, SignedMessages,
};

fn aes(name: &str, len: usize) -> Arc<dyn Keyring> {
    Arc::new(RawAesKeyring::new("ns", name, &vec![0x42; len]).unwrap())
}

fn ec(pairs: &[(&str, &str)]) -> EncryptionContext {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn policy_for(suite: AlgorithmSuite) -> (Client, Client) {
    let enc = if suite.is_committing() {
        CommitmentPolicy::RequireEncryptRequireDecrypt
    } else {
        CommitmentPolicy::ForbidEncryptAllowDecrypt
    };
    let dec = if suite.is_committing() {
        CommitmentPolicy::RequireEncryptRequireDecrypt
    } else {
        CommitmentPolicy::RequireEncryptAllowDecrypt
    };
    (Client::new(enc), Client::new(dec))
}

fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + 7) as u8).collect()
}

/// Streams `data` through an encryptor in uneven chunks.
fn stream_encrypt(
    client: &Client,
    cmm: Arc<dyn CryptoMaterialsManager>,
    opts: EncryptOptions,
    data: &[u8],
) -> Vec<u8> {
    let mut out = Vec::new();
    let reader = ChunkedReader {
        data,
        pos: 0,
        step: 1,
    };
    encrypt_stream(client, cmm, opts, reader, &mut out, &mut |_| {}).unwrap();
    out
}

/// A reader that returns 1, 2, 3, … bytes per call, to exercise every split point.
struct ChunkedReader<'a> {
    data: &'a [u8],
    pos: usize,
    step: usize,
}

impl std::io::Read for ChunkedReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        self.step = self.step % 97 + 1;
        Ok(n)
    }
}

#[test]
fn every_suite_frame_length_and_size() {
    let keyring = aes("k", 32);
    let cmm = keyring_cmm(keyring);
    let mut cases = 0;
    for &suite in AlgorithmSuite::ALL {
        let (enc_client, dec_client) = policy_for(suite);
        for frame in [
            Framing::Framed(128),
            Framing::Framed(4096),
            Framing::NonFramed,
        ] {
            let sizes: Vec<usize> = match frame {
                Framing::Framed(l) => {
                    let l = l as usize;
                    vec![0, 1, l - 1, l, l + 1, 3 * l, 5 * l + 17]
                }
                Framing::NonFramed => vec![0, 1, 1000],
            };
            for size in sizes {
                for context in [
                    ec(&[]),
                    ec(&[("tenant", "acme"), ("ключ", "значение"), ("", "")]),
                ] {
                    let data = plaintext(size);
                    let opts = EncryptOptions {
                        encryption_context: context.clone(),
                        suite: Some(suite),
                        framing: frame,
                    };
                    // one-shot
                    let msg =
                        block_on(enc_client.encrypt(cmm.clone(), &data, opts.clone())).unwrap();
                    assert_eq!(msg.header.suite, suite);
                    let out = block_on(dec_client.decrypt(
                        cmm.clone(),
                        &msg.ciphertext,
                        DecryptOptions::default(),
                    ))
                    .unwrap();
                    assert_eq!(
                        out.plaintext,
                        data,
                        "suite {:04x} {frame:?} size {size}",
                        suite.id()
                    );
                    for (k, v) in &context {
                        assert_eq!(out.encryption_context.get(k), Some(v));
                    }
                    // streaming both ways
                    let streamed = stream_encrypt(&enc_client, cmm.clone(), opts, &data);
                    let mut plain = Vec::new();
                    let reader = ChunkedReader {
                        data: &streamed,
                        pos: 0,
                        step: 5,
                    };
                    decrypt_stream(
                        &dec_client,
                        cmm.clone(),
                        DecryptOptions::default(),
                        reader,
                        &mut plain,
                        &mut |_| {},
                    )
                    .unwrap();
                    assert_eq!(plain, data);
                    cases += 1;
                }
            }
        }
    }
    println!("roundtrip: {cases} suite/framing/size/context cases passed");
}

#[test]
fn frame_layout_matches_the_format() {
    // 0x0478, frame 128, 256 bytes → exactly two frames, the second final and full (no empty frame).
    let cmm = keyring_cmm(aes("k", 32));
    let client = Client::new(CommitmentPolicy::RequireEncryptRequireDecrypt);
    let opts = EncryptOptions {
        suite: Some(AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY),
        framing: Framing::Framed(128),
        ..Default::default()
    };
    let msg = block_on(client.encrypt(cmm, &[1u8; 256], opts)).unwrap();
    let header_len = msg.header.serialize().unwrap().len();
    let body = &msg.ciphertext[header_len..];
    // regular frame: 4 + 12 + 128 + 16; final frame: 4 + 4 + 12 + 4 + 128 + 16
    assert_eq!(body.len(), 160 + 168);
    assert_eq!(&body[..4], &[0, 0, 0, 1]);
    assert_eq!(&body[160..168], &[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2]);
}

#[test]
fn multi_keyring_any_member_decrypts() {
    let rsa_pem = std::fs::read_to_string(support::vectors_dir().join("esdk/keys.json")).unwrap();
    let keys: serde_json::Value = serde_json::from_str(&rsa_pem).unwrap();
    let public = keys["keys"]["rsa-4096-public"]["material"]
        .as_str()
        .unwrap();
    let private = keys["keys"]["rsa-4096-private"]["material"]
        .as_str()
        .unwrap();
    let rsa_enc: Arc<dyn Keyring> = Arc::new(
        RawRsaKeyring::from_pem("ns", "rsa", RsaPadding::OaepSha256, Some(public), None).unwrap(),
    );
    let rsa_dec: Arc<dyn Keyring> = Arc::new(
        RawRsaKeyring::from_pem("ns", "rsa", RsaPadding::OaepSha256, None, Some(private)).unwrap(),
    );
    let multi: Arc<dyn Keyring> = Arc::new(
        MultiKeyring::new(Some(aes("a", 16)), vec![rsa_enc.clone(), aes("b", 24)]).unwrap(),
    );
    let client = Client::default();
    let msg =
        block_on(client.encrypt(keyring_cmm(multi), b"multi", EncryptOptions::default())).unwrap();
    assert_eq!(msg.header.encrypted_data_keys.len(), 3);
    for k in [aes("a", 16), rsa_dec, aes("b", 24)] {
        let out =
            block_on(client.decrypt(keyring_cmm(k), &msg.ciphertext, DecryptOptions::default()))
                .unwrap();
        assert_eq!(out.plaintext, b"multi");
    }
    // A public-key-only RSA keyring cannot decrypt; the error lists the attempt.
    let err = block_on(client.decrypt(
        keyring_cmm(rsa_enc),
        &msg.ciphertext,
        DecryptOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(err.code(), "ERR_NO_DECRYPTING_KEYRING");
    assert!(err.to_string().contains("no private key"), "{err}");
    // A wrong key names what was tried.
    let err = block_on(client.decrypt(
        keyring_cmm(aes("a", 32)),
        &msg.ciphertext,
        DecryptOptions::default(),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("raw AES keyring ns/a"), "{err}");
}

#[test]
fn policy_reserved_keys_and_edk_limits() {
    let cmm = keyring_cmm(aes("k", 32));
    let strict = Client::new(CommitmentPolicy::RequireEncryptRequireDecrypt);
    let old = AlgorithmSuite::AES_256_GCM_IV12_TAG16_HKDF_SHA256;
    let opts = EncryptOptions {
        suite: Some(old),
        ..Default::default()
    };
    assert!(matches!(
        block_on(strict.encrypt(cmm.clone(), b"x", opts.clone())),
        Err(Error::CommitmentPolicy(_))
    ));
    let forbid = Client::new(CommitmentPolicy::ForbidEncryptAllowDecrypt);
    let legacy = block_on(forbid.encrypt(cmm.clone(), b"x", opts)).unwrap();
    assert!(matches!(
        block_on(strict.decrypt(cmm.clone(), &legacy.ciphertext, DecryptOptions::default())),
        Err(Error::CommitmentPolicy(_))
    ));
    // default suites per policy
    assert_eq!(
        block_on(strict.encrypt(cmm.clone(), b"x", EncryptOptions::default()))
            .unwrap()
            .header
            .suite
            .id(),
        0x0578
    );
    assert_eq!(
        block_on(forbid.encrypt(cmm.clone(), b"x", EncryptOptions::default()))
            .unwrap()
            .header
            .suite
            .id(),
        0x0378
    );

    for key in ["aws-crypto-public-key", "aws-crypto-anything"] {
        let opts = EncryptOptions {
            encryption_context: ec(&[(key, "v")]),
            ..Default::default()
        };
        let err = block_on(strict.encrypt(cmm.clone(), b"x", opts)).unwrap_err();
        assert_eq!(err.code(), "ERR_RESERVED_CONTEXT_KEY");
    }

    let three: Arc<dyn Keyring> =
        Arc::new(MultiKeyring::new(Some(aes("a", 32)), vec![aes("b", 32), aes("c", 32)]).unwrap());
    let limited = Client::default().with_max_encrypted_data_keys(2);
    let err =
        block_on(limited.encrypt(keyring_cmm(three.clone()), b"x", EncryptOptions::default()))
            .unwrap_err();
    assert_eq!(err.code(), "ERR_TOO_MANY_EDKS");
    let msg = block_on(Client::default().encrypt(
        keyring_cmm(three.clone()),
        b"x",
        EncryptOptions::default(),
    ))
    .unwrap();
    let err = block_on(limited.decrypt(
        keyring_cmm(three.clone()),
        &msg.ciphertext,
        DecryptOptions::default(),
    ))
    .unwrap_err();
    assert_eq!(err.code(), "ERR_TOO_MANY_EDKS");
    let ok = Client::default().with_max_encrypted_data_keys(3);
    assert!(block_on(ok.decrypt(
        keyring_cmm(three),
        &msg.ciphertext,
        DecryptOptions::default()
    ))
    .is_ok());

    let err = block_on(strict.encrypt(
        cmm,
        b"x",
        EncryptOptions {
            framing: Framing::Framed(0),
            ..Default::default()
        },
    ))
    .unwrap_err();
    assert_eq!(err.code(), "ERR_INVALID_ARGUMENT");
}

#[test]
fn required_context_is_authenticated_but_not_stored() {
    let inner = keyring_cmm(aes("k", 32));
    let cmm: Arc<dyn CryptoMaterialsManager> = Arc::new(RequiredEncryptionContextCmm::new(
        inner.clone(),
        ["secret".to_string()],
    ));
    let client = Client::default();
    let opts = EncryptOptions {
        encryption_context: ec(&[("secret", "s1"), ("public", "p1")]),
        ..Default::default()
    };
    let msg = block_on(client.encrypt(cmm.clone(), b"data", opts)).unwrap();
    assert!(!msg.header.encryption_context.contains_key("secret"));
    assert_eq!(
        msg.header
            .encryption_context
            .get("public")
            .map(String::as_str),
        Some("p1")
    );
    // Without the pair: refused. With a wrong value: header auth fails. With it: decrypts.
    assert!(
        block_on(client.decrypt(cmm.clone(), &msg.ciphertext, DecryptOptions::default())).is_err()
    );
    let wrong = DecryptOptions {
        encryption_context: ec(&[("secret", "nope")]),
        ..Default::default()
    };
    assert!(block_on(client.decrypt(inner.clone(), &msg.ciphertext, wrong)).is_err());
    let right = DecryptOptions {
        encryption_context: ec(&[("secret", "s1")]),
        ..Default::default()
    };
    let out = block_on(client.decrypt(cmm, &msg.ciphertext, right.clone())).unwrap();
    assert_eq!(out.plaintext, b"data");
    assert_eq!(
        out.encryption_context.get("secret").map(String::as_str),
        Some("s1")
    );
    // the default CMM also accepts the reproduced pair
    assert!(block_on(client.decrypt(inner, &msg.ciphertext, right)).is_ok());
}

#[test]
fn signed_streaming_release_modes() {
    let cmm = keyring_cmm(aes("k", 32));
    let client = Client::default(); // 0x0578, signed
    let data = plaintext(10_000);
    let msg = block_on(client.encrypt(
        cmm.clone(),
        &data,
        EncryptOptions {
            framing: Framing::Framed(1000),
            ..Default::default()
        },
    ))
    .unwrap();
    let footer_start = msg.ciphertext.len() - 105; // u16 length + DER P-384 signature (≤ 104)
    let body_only = &msg.ciphertext[..footer_start];

    let run = |mode: SignedMessages, input: &[u8]| {
        let mut dec = client.decryptor(
            cmm.clone(),
            DecryptOptions {
                signed_messages: mode,
                ..Default::default()
            },
        );
        let mut out = Vec::new();
        let r = block_on(dec.update(input, &mut out));
        (r, out)
    };
    // default: nothing before the signature
    let (r, out) = run(SignedMessages::VerifyBeforeRelease, body_only);
    assert!(r.is_ok());
    assert!(out.is_empty());
    // opt-in: regular frames flow, the final frame waits
    let (r, out) = run(SignedMessages::ReleaseUnverifiedFrames, body_only);
    assert!(r.is_ok());
    assert_eq!(out, &data[..9000]);
    // unsigned-only: refused after the header
    let (r, out) = run(SignedMessages::Refuse, &msg.ciphertext);
    assert_eq!(r.unwrap_err().code(), "ERR_SIGNED_MESSAGE_REFUSED");
    assert!(out.is_empty());
}

#[test]
fn tampering_anywhere_fails_and_releases_nothing() {
    let cmm = keyring_cmm(aes("k", 32));
    for suite in [
        AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
        AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
    ] {
        let client = Client::default();
        let opts = EncryptOptions {
            encryption_context: ec(&[("a", "b")]),
            suite: Some(suite),
            framing: Framing::Framed(64),
        };
        let msg = block_on(client.encrypt(cmm.clone(), &plaintext(300), opts)).unwrap();
        for i in 0..msg.ciphertext.len() {
            let mut bad = msg.ciphertext.clone();
            bad[i] ^= 0x01;
            let r = block_on(client.decrypt(cmm.clone(), &bad, DecryptOptions::default()));
            assert!(
                r.is_err(),
                "suite {:04x}: flipping byte {i} was not detected",
                suite.id()
            );
        }
        for cut in 0..msg.ciphertext.len() {
            let r = block_on(client.decrypt(
                cmm.clone(),
                &msg.ciphertext[..cut],
                DecryptOptions::default(),
            ));
            assert!(r.is_err(), "truncation at {cut} not detected");
        }
        let mut extra = msg.ciphertext.clone();
        extra.push(0);
        assert_eq!(
            block_on(client.decrypt(cmm.clone(), &extra, DecryptOptions::default()))
                .unwrap_err()
                .code(),
            "ERR_TRAILING_BYTES"
        );
    }
}
