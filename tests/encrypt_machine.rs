//! The sans-IO encryptor driven by hand, as a host driver drives it: its steps in order, that
//! its messages decrypt, and that no laid-out plaintext leaves it unsealed.

use std::sync::Arc;

use sealkit::crypto::content_key::ContentKey;
use sealkit::crypto::kdf;
use sealkit::crypto::signature::MessageSigner;
use sealkit::materials::EncryptionMaterials;
use sealkit::{
    block_on, keyring_cmm, AlgorithmSuite, Client, CommitmentPolicy, CryptoMaterialsManager,
    DecryptOptions, EncryptMachine, EncryptOptions, EncryptStep, Error, Framing, RawAesKeyring,
};

fn cmm() -> Arc<dyn CryptoMaterialsManager> {
    keyring_cmm(Arc::new(
        RawAesKeyring::new("ns", "machine", &[9u8; 32]).unwrap(),
    ))
}

fn client() -> Client {
    Client::new(CommitmentPolicy::RequireEncryptRequireDecrypt)
}

fn options(suite: AlgorithmSuite, framing: Framing) -> EncryptOptions {
    EncryptOptions {
        suite: Some(suite),
        framing,
        ..Default::default()
    }
}

#[derive(Default)]
struct Held {
    materials: Option<EncryptionMaterials>,
    key: Option<ContentKey>,
    signer: Option<MessageSigner>,
    steps: Vec<&'static str>,
    /// Leave a seal step unanswered.
    stall_seal: bool,
    /// Take the output after every answered step (as a streaming driver may).
    eager: Option<Vec<u8>>,
}

/// Answers steps until the machine needs input (or is done, or a seal is left unanswered).
fn drive(m: &mut EncryptMachine, h: &mut Held) -> sealkit::Result<()> {
    loop {
        if let Some(out) = h.eager.as_mut() {
            m.take_output(out);
        }
        match m.step()? {
            EncryptStep::NeedInput => return Ok(()),
            EncryptStep::Done => {
                h.steps.push("done");
                return Ok(());
            }
            EncryptStep::NeedMaterials(request) => {
                h.steps.push("materials");
                let got = block_on(cmm().get_encryption_materials(request))?;
                m.use_materials(&got)?;
                h.materials = Some(got);
            }
            EncryptStep::DeriveKeys { suite, message_id } => {
                h.steps.push("derive");
                let dk = h.materials.as_ref().unwrap().data_key.as_ref().unwrap();
                let derived = block_on(kdf::derive(suite, dk.as_bytes(), message_id))?;
                m.keys_derived(derived.commit_key.as_ref().map(|c| &c[..]))?;
                h.key = Some(derived.content_key);
            }
            EncryptStep::SealHeader { iv, aad } => {
                h.steps.push("header");
                let tag = block_on(h.key.as_ref().unwrap().seal(iv, aad, &[]))?;
                m.header_sealed(&tag)?;
            }
            EncryptStep::StartSigner { alg, header } => {
                h.steps.push("signer");
                let sk = h.materials.as_mut().unwrap().signing_key.take().unwrap();
                let mut s = sk.start(alg)?;
                s.update(header);
                h.signer = Some(s);
                m.signer_started()?;
            }
            EncryptStep::Seal(work) => {
                if h.stall_seal {
                    return Ok(());
                }
                h.steps.push("seal");
                block_on(h.key.as_ref().unwrap().seal_jobs(work.buf, work.jobs))?;
                if work.signed {
                    h.signer.as_mut().unwrap().update(work.buf);
                }
                m.sealed()?;
            }
            EncryptStep::Sign => {
                h.steps.push("sign");
                let sig = block_on(h.signer.take().unwrap().finish())?;
                m.signed(&sig)?;
            }
        }
    }
}

#[test]
fn steps_in_order_and_the_message_decrypts() {
    let plaintext: Vec<u8> = (0..1000u32).map(|i| (i % 253) as u8).collect();
    for (suite, framing, expected) in [
        (
            AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
            Framing::Framed(128),
            &["materials", "derive", "header", "seal", "seal", "done"][..],
        ),
        (
            AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
            Framing::Framed(128),
            &[
                "materials",
                "derive",
                "header",
                "signer",
                "seal",
                "seal",
                "sign",
                "done",
            ][..],
        ),
        (
            AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
            Framing::NonFramed,
            &["materials", "derive", "header", "seal", "done"][..],
        ),
    ] {
        // `input` then `end`, and `input_final`: the last frames and the final frame as one
        // batch (one "seal" where the first way makes two).
        for last in [false, true] {
            let client = client();
            let mut m = client
                .encrypt_machine(options(suite, framing), None)
                .unwrap();
            let mut h = Held::default();
            let mut out = Vec::new();
            drive(&mut m, &mut h).unwrap();
            if last {
                m.input_final(&plaintext).unwrap();
            } else {
                m.input(&plaintext).unwrap();
                drive(&mut m, &mut h).unwrap();
                m.take_output(&mut out);
                m.end();
            }
            drive(&mut m, &mut h).unwrap();
            m.take_output(&mut out);
            let mut expected = expected.to_vec();
            if last {
                expected.dedup();
            }
            assert_eq!(h.steps, expected, "{suite:?} {framing:?} {last}");
            let back = block_on(client.decrypt(cmm(), &out, DecryptOptions::default())).unwrap();
            assert_eq!(back.plaintext, plaintext);
            // No input after the end.
            assert!(m.input(b"more").is_err());
        }
    }
}

#[test]
fn empty_and_exact_multiple_inputs_end_with_a_final_frame() {
    for len in [0usize, 128, 256] {
        let client = client();
        let suite = AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
        let mut m = client
            .encrypt_machine(options(suite, Framing::Framed(128)), None)
            .unwrap();
        let mut h = Held::default();
        let mut out = Vec::new();
        drive(&mut m, &mut h).unwrap();
        m.input(&vec![1u8; len]).unwrap();
        // End before the batch is answered: the final frame must still follow it.
        m.end();
        drive(&mut m, &mut h).unwrap();
        m.take_output(&mut out);
        let back = block_on(client.decrypt(cmm(), &out, DecryptOptions::default())).unwrap();
        assert_eq!(back.plaintext, vec![1u8; len], "{len}");
    }
}

#[test]
fn unsealed_frames_never_leave_the_machine() {
    let client = client();
    let suite = AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    let mut m = client
        .encrypt_machine(options(suite, Framing::Framed(64)), None)
        .unwrap();
    let mut h = Held::default();
    drive(&mut m, &mut h).unwrap();
    let mut header = Vec::new();
    m.take_output(&mut header);
    let secret = [0x5au8; 300];
    m.input(&secret).unwrap();
    h.stall_seal = true;
    drive(&mut m, &mut h).unwrap();
    let mut out = Vec::new();
    m.take_output(&mut out);
    assert!(out.is_empty(), "{} unsealed bytes released", out.len());
    // Input before the batch is answered is refused, and the machine stops.
    assert!(matches!(m.input(b"more"), Err(Error::InvalidArgument(_))));
    m.take_output(&mut out);
    assert!(out.is_empty());
    assert!(m.step().is_err());
}

#[test]
fn declared_length_and_reserved_context_are_checked() {
    let client = client();
    let suite = AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    let mut m = client
        .encrypt_machine(options(suite, Framing::Framed(64)), Some(10))
        .unwrap();
    let mut h = Held::default();
    drive(&mut m, &mut h).unwrap();
    assert!(matches!(m.input(&[0u8; 11]), Err(Error::LimitExceeded(_))));

    let mut opts = options(suite, Framing::Framed(64));
    opts.encryption_context
        .insert("aws-crypto-public-key".into(), "x".into());
    assert!(client.encrypt_machine(opts, None).is_err());
}

#[test]
fn output_taken_after_every_step_still_signs_the_header() {
    // The signer is handed the header from the output: none of it may leave before then.
    let plaintext = vec![7u8; 300];
    let client = client();
    let suite = AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    let mut m = client
        .encrypt_machine(options(suite, Framing::Framed(128)), None)
        .unwrap();
    let mut h = Held {
        eager: Some(Vec::new()),
        ..Held::default()
    };
    drive(&mut m, &mut h).unwrap();
    m.input(&plaintext).unwrap();
    drive(&mut m, &mut h).unwrap();
    m.end();
    drive(&mut m, &mut h).unwrap();
    let mut out = h.eager.take().unwrap();
    m.take_output(&mut out);
    let back = block_on(client.decrypt(cmm(), &out, DecryptOptions::default())).unwrap();
    assert_eq!(back.plaintext, plaintext);
}
