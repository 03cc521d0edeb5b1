//! The sans-IO decryptor driven by hand, as a host driver (WebCrypto in JS) drives it: its
//! steps in order, its refusals of out-of-order or failed answers, and that nothing is released
//! after a failure.

use std::sync::Arc;

use sealkit::crypto::kdf;
use sealkit::{
    block_on, keyring_cmm, AlgorithmSuite, Client, CommitmentPolicy, CryptoMaterialsManager,
    DecryptMachine, DecryptOptions, DecryptStep, EncryptOptions, Error, Framing, RawAesKeyring,
};

fn cmm() -> Arc<dyn CryptoMaterialsManager> {
    keyring_cmm(Arc::new(
        RawAesKeyring::new("ns", "machine", &[7u8; 32]).unwrap(),
    ))
}

fn message(suite: AlgorithmSuite, len: usize, frame: u32) -> (Client, Vec<u8>, Vec<u8>) {
    let policy = if suite.is_committing() {
        CommitmentPolicy::RequireEncryptRequireDecrypt
    } else {
        CommitmentPolicy::ForbidEncryptAllowDecrypt
    };
    let client = Client::new(policy);
    let plaintext: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    let options = EncryptOptions {
        suite: Some(suite),
        framing: Framing::Framed(frame),
        ..Default::default()
    };
    let msg = block_on(client.encrypt(cmm(), &plaintext, options)).unwrap();
    (client, plaintext, msg.ciphertext)
}

/// What a driver keeps between calls: the materials, the content key, the verifier.
#[derive(Default)]
struct Held {
    materials: Option<sealkit::materials::DecryptionMaterials>,
    key: Option<sealkit::crypto::content_key::ContentKey>,
    verifier: Option<sealkit::crypto::signature::MessageVerifier>,
    steps: Vec<&'static str>,
}

/// Drives `m` with the crate's own crypto until it needs input, recording the steps; `tamper`
/// may change an answer.
fn drive(
    m: &mut DecryptMachine,
    held: &mut Held,
    mut tamper: impl FnMut(&'static str) -> bool,
) -> sealkit::Result<()> {
    let Held {
        materials,
        key,
        verifier,
        steps,
    } = held;
    loop {
        match m.step()? {
            DecryptStep::NeedInput => return Ok(()),
            DecryptStep::Done => {
                steps.push("done");
                return Ok(());
            }
            DecryptStep::NeedMaterials(request) => {
                steps.push("materials");
                let got = block_on(cmm().decrypt_materials(request))?;
                m.use_materials(&got)?;
                *materials = Some(got);
            }
            DecryptStep::DeriveKeys { suite, message_id } => {
                steps.push("derive");
                let data_key = materials.as_mut().unwrap().data_key.take().unwrap();
                let derived = block_on(kdf::derive(suite, data_key.as_bytes(), message_id))?;
                let mut commit = derived.commit_key;
                if tamper("derive") {
                    if let Some(c) = &mut commit {
                        c[0] ^= 1;
                    }
                }
                m.keys_derived(commit.as_ref().map(|c| &c[..]))?;
                *key = Some(derived.content_key);
            }
            DecryptStep::OpenHeader { iv, aad, tag } => {
                steps.push("header");
                let ok = block_on(key.as_ref().unwrap().open(iv, aad, tag))?.is_ok();
                m.header_opened(ok && !tamper("header"))?;
            }
            DecryptStep::StartVerifier { alg, header } => {
                steps.push("verifier");
                let vk = materials.as_mut().unwrap().verifying_key.take().unwrap();
                let mut v = block_on(vk.start(alg))?;
                v.update(header);
                *verifier = Some(v);
                m.verifier_started()?;
            }
            DecryptStep::Open(work) => {
                steps.push("open");
                let r = block_on(
                    key.as_ref()
                        .unwrap()
                        .open_jobs(work.src, work.dest, work.jobs),
                )?;
                if let Some(v) = verifier {
                    v.update(work.signed);
                }
                let r = if tamper("open") { Err(0) } else { r };
                m.opened(r)?;
            }
            DecryptStep::Verify { signature } => {
                steps.push("verify");
                let ok = block_on(verifier.take().unwrap().verify(signature)).is_ok();
                m.verified(ok && !tamper("verify"))?;
            }
        }
    }
}

#[test]
fn steps_in_order_for_an_unsigned_and_a_signed_message() {
    for (suite, expected) in [
        (
            AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
            &["materials", "derive", "header", "open", "done"][..],
        ),
        (
            AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
            &[
                "materials",
                "derive",
                "header",
                "verifier",
                "open",
                "verify",
                "done",
            ][..],
        ),
    ] {
        let (client, plaintext, ct) = message(suite, 300, 100);
        let mut m = client.decrypt_machine(DecryptOptions::default());
        let mut held = Held::default();
        m.input(&ct);
        drive(&mut m, &mut held, |_| false).unwrap();
        assert_eq!(held.steps, expected, "suite {suite:?}");
        let mut out = Vec::new();
        let info = m.finish(&mut out).unwrap();
        assert_eq!(out, plaintext);
        assert_eq!(info.header.suite, suite);
    }
}

#[test]
fn one_byte_at_a_time_releases_each_frame_once_it_verifies() {
    let (client, plaintext, ct) =
        message(AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 250, 100);
    let mut m = client.decrypt_machine(DecryptOptions::default());
    let mut held = Held::default();
    let mut out = Vec::new();
    let mut released_at = Vec::new();
    for (i, b) in ct.iter().enumerate() {
        m.input(core::slice::from_ref(b));
        drive(&mut m, &mut held, |_| false).unwrap();
        let before = out.len();
        m.take_plaintext(&mut out);
        if out.len() != before {
            released_at.push((i, out.len()));
        }
    }
    m.finish(&mut out).unwrap();
    assert_eq!(out, plaintext);
    // Three frames (100, 100, final 50), each released by the byte that completes it.
    assert_eq!(released_at.len(), 3);
    assert_eq!(held.steps.iter().filter(|s| **s == "open").count(), 3);
}

#[test]
fn a_failed_answer_stops_the_machine_and_releases_nothing() {
    let suites = [
        AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
        AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
    ];
    for suite in suites {
        for (at, expected) in [
            ("derive", "CommitmentMismatch"),
            ("header", "HeaderAuthFailed"),
            ("open", "BodyAuthFailed"),
            ("verify", "SignatureInvalid"),
        ] {
            let signed = suite.signature().is_some();
            if at == "verify" && !signed {
                continue;
            }
            let (client, _, ct) = message(suite, 250, 100);
            let mut m = client.decrypt_machine(DecryptOptions::default());
            let mut held = Held::default();
            // Frames are fed one call at a time, so plaintext of earlier frames is waiting.
            let mut err = None;
            let mut opens = 0;
            for chunk in ct.chunks(60) {
                m.input(chunk);
                // The second frame fails, so the first one's plaintext is waiting.
                let tamper = |s: &'static str| {
                    if s == "open" {
                        opens += 1;
                    }
                    s == at && (s != "open" || opens == 2)
                };
                if let Err(e) = drive(&mut m, &mut held, tamper) {
                    err = Some(e);
                    break;
                }
            }
            let err = err.unwrap_or_else(|| panic!("{at}: no error"));
            assert!(format!("{err:?}").starts_with(expected), "{at}: {err:?}");
            let mut out = Vec::new();
            m.take_plaintext(&mut out);
            assert!(out.is_empty(), "{at}: released {} bytes", out.len());
            assert!(m.step().is_err(), "{at}: the machine goes on");
            assert!(m.finish(&mut out).is_err() && out.is_empty());
        }
    }
}

#[test]
fn answers_out_of_order_are_refused() {
    let (client, _, ct) = message(AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 10, 100);
    let mut m = client.decrypt_machine(DecryptOptions::default());
    m.input(&ct);
    assert!(matches!(m.step(), Ok(DecryptStep::NeedMaterials(_))));
    // A step not answered is asked again.
    assert!(matches!(m.step(), Ok(DecryptStep::NeedMaterials(_))));
    assert!(matches!(
        m.header_opened(true),
        Err(Error::InvalidArgument(_))
    ));
    // …and the machine stays stopped.
    assert!(m.step().is_err());
}

#[test]
fn truncation_and_trailing_bytes_are_named() {
    let (client, _, ct) = message(AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY, 250, 100);
    for (cut, field) in [(10, "header"), (ct.len() - 5, "body")] {
        let mut m = client.decrypt_machine(DecryptOptions::default());
        m.input(&ct[..cut]);
        drive(&mut m, &mut Held::default(), |_| false).unwrap();
        let err = m.finish(&mut Vec::new()).unwrap_err();
        assert!(
            matches!(err, Error::Truncated { field: f } if f == field),
            "{cut}: {err:?}"
        );
    }
    let mut m = client.decrypt_machine(DecryptOptions::default());
    m.input(&ct);
    m.input(b"xyz");
    assert!(matches!(
        drive(&mut m, &mut Held::default(), |_| false),
        Err(Error::TrailingBytes(3))
    ));
}
