//! Tamper sweeps: for one small message per ESDK suite (40 bytes of plaintext; framed with
//! 16-byte frames, so 3 frames, and non-framed), every single-bit flip, every truncation,
//! appended bytes, and for framed messages frame swaps, drops and duplicates. Every variant must
//! be refused with a named error, one-shot (no plaintext at all) and streaming in small chunks
//! (whatever was released before the error is a prefix of the true plaintext, i.e. only
//! authenticated frames). Items: the same over one item per item suite (0x6700, 0x6701).

use std::collections::BTreeSet;
use std::sync::Arc;

use sealkit::item::{AttributeValue as V, CryptoAction, Item, ItemEncryptor, ItemEncryptorConfig};
use sealkit::{
    block_on, keyring_cmm, AlgorithmSuite, Client, CommitmentPolicy, DecryptOptions,
    EncryptOptions, Framing, Keyring, MessageHeader, RawAesKeyring,
};

const PLAINTEXT: &[u8; 40] = b"forty bytes of plaintext, 3 frames of 16";
const FRAME: usize = 16;

fn keyring() -> Arc<dyn Keyring> {
    Arc::new(RawAesKeyring::new("sweep", "key", &[0x5a; 32]).unwrap())
}

/// The named errors a tampered message may be refused with.
const REFUSALS: &[&str] = &[
    "ERR_BAD_CIPHERTEXT",
    "ERR_TRUNCATED",
    "ERR_TRAILING_BYTES",
    "ERR_COMMITMENT_POLICY",
    "ERR_COMMITMENT_MISMATCH",
    "ERR_HEADER_AUTH",
    "ERR_BODY_AUTH",
    "ERR_SIGNATURE_INVALID",
    "ERR_NO_DECRYPTING_KEYRING",
    "ERR_UNSUPPORTED",
    "ERR_LIMIT_EXCEEDED",
    "ERR_CONTEXT_MISMATCH",
    "ERR_BASE64_INPUT",
];

/// One decryption of a variant: refused with a named error, one-shot and (with `streamed`)
/// streamed in 7-byte chunks.
fn refused(
    client: &Client,
    message: &[u8],
    what: &str,
    codes: &mut BTreeSet<&'static str>,
    streamed: bool,
) {
    match block_on(client.decrypt(keyring_cmm(keyring()), message, DecryptOptions::default())) {
        Ok(_) => panic!("{what}: accepted"),
        Err(e) => {
            assert!(REFUSALS.contains(&e.code()), "{what}: {} ({e})", e.code());
            codes.insert(e.code());
        }
    }
    if !streamed {
        return;
    }
    let mut dec = client.decryptor(keyring_cmm(keyring()), DecryptOptions::default());
    let mut out = Vec::new();
    let mut result = Ok(());
    for chunk in message.chunks(7) {
        result = block_on(dec.update(chunk, &mut out));
        if result.is_err() {
            break;
        }
    }
    let result = result.and_then(|()| dec.finish(&mut out).map(|_| ()));
    let e = result
        .err()
        .unwrap_or_else(|| panic!("{what}: accepted when streamed"));
    assert!(REFUSALS.contains(&e.code()), "{what} (streamed): {e}");
    assert!(
        PLAINTEXT.starts_with(&out) && [0, FRAME, 2 * FRAME, PLAINTEXT.len()].contains(&out.len()),
        "{what}: streaming released {} bytes that are not whole authenticated frames",
        out.len()
    );
}

/// The frames of a framed message: (start, end) of each, after the header.
fn frames(message: &[u8], header_len: usize, signed: bool) -> Vec<(usize, usize)> {
    // Regular frame: sequence (4) + IV (12) + content + tag (16); the final frame adds its
    // marker (4) and content length (4) (message-body.md). 40 = 16 + 16 + 8: all three are 48.
    let frame_len = 4 + 12 + FRAME + 16;
    let out: Vec<(usize, usize)> = (0..3)
        .map(|i| (header_len + i * frame_len, header_len + (i + 1) * frame_len))
        .collect();
    let footer = if signed { message.len() - out[2].1 } else { 0 };
    assert_eq!(out[2].1 + footer, message.len(), "frame layout");
    out
}

fn sweep(client: &Client, message: &[u8], suite: AlgorithmSuite, framed: bool) -> usize {
    let what = |m: &str| {
        format!(
            "0x{:04x} {} {m}",
            suite.id(),
            if framed { "framed" } else { "non-framed" }
        )
    };
    let mut codes = BTreeSet::new();
    let mut cases = 0;
    for bit in 0..message.len() * 8 {
        let mut m = message.to_vec();
        m[bit / 8] ^= 1 << (bit % 8);
        // One-shot only, for CI time: the streamed path is swept by the truncations, appends
        // and frame changes below, and the `decrypt` fuzz target checks that both paths agree.
        refused(
            client,
            &m,
            &what(&format!("bit {bit} flipped")),
            &mut codes,
            false,
        );
        cases += 1;
    }
    for len in 0..message.len() {
        refused(
            client,
            &message[..len],
            &what(&format!("truncated to {len}")),
            &mut codes,
            true,
        );
        cases += 1;
    }
    for extra in [&[0u8][..], &[0xff; 16][..], message] {
        let m = [message, extra].concat();
        refused(
            client,
            &m,
            &what(&format!("{} bytes appended", extra.len())),
            &mut codes,
            true,
        );
        cases += 1;
    }
    if framed {
        let header_len = MessageHeader::parse(message, None).unwrap().total_len;
        let f = frames(message, header_len, suite.signature().is_some());
        let part = |i: usize| &message[f[i].0..f[i].1];
        let head = &message[..header_len];
        let tail = &message[f[2].1..];
        let variants: [(&str, Vec<&[u8]>); 6] = [
            (
                "frames 1 and 2 swapped",
                vec![head, part(1), part(0), part(2), tail],
            ),
            (
                "frames 2 and 3 swapped",
                vec![head, part(0), part(2), part(1), tail],
            ),
            ("frame 2 dropped", vec![head, part(0), part(2), tail]),
            ("final frame dropped", vec![head, part(0), part(1), tail]),
            (
                "frame 1 duplicated",
                vec![head, part(0), part(0), part(1), part(2), tail],
            ),
            (
                "final frame duplicated",
                vec![head, part(0), part(1), part(2), part(2), tail],
            ),
        ];
        for (name, pieces) in variants {
            refused(client, &pieces.concat(), &what(name), &mut codes, true);
            cases += 1;
        }
    }
    eprintln!("{}: {cases} variants refused, codes {codes:?}", what(""));
    cases
}

/// One message of `suite` and its sweep; returns the number of variants.
fn sweep_suite(suite: AlgorithmSuite, framing: Framing) -> usize {
    let decryptor = Client::new(CommitmentPolicy::RequireEncryptAllowDecrypt);
    let policy = if suite.is_committing() {
        CommitmentPolicy::RequireEncryptRequireDecrypt
    } else {
        CommitmentPolicy::ForbidEncryptAllowDecrypt
    };
    let options = EncryptOptions {
        suite: Some(suite),
        framing,
        ..Default::default()
    };
    let message = block_on(Client::new(policy).encrypt(keyring_cmm(keyring()), PLAINTEXT, options))
        .unwrap()
        .ciphertext;
    let plain =
        block_on(decryptor.decrypt(keyring_cmm(keyring()), &message, DecryptOptions::default()))
            .unwrap();
    assert_eq!(plain.plaintext.as_slice(), PLAINTEXT);
    sweep(&decryptor, &message, suite, framing != Framing::NonFramed)
}

#[test]
fn every_tampered_message_of_every_suite_is_refused() {
    let configs: Vec<(AlgorithmSuite, Framing)> = AlgorithmSuite::ALL
        .iter()
        .flat_map(|s| {
            [
                (*s, Framing::Framed(FRAME as u32)),
                (*s, Framing::NonFramed),
            ]
        })
        .collect();
    assert_eq!(configs.len(), 22, "11 suites, framed and non-framed");
    // Two workers (CI has two cores), each taking every other configuration.
    let total: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let mine: Vec<_> = configs.iter().copied().skip(w).step_by(2).collect();
                scope.spawn(move || {
                    mine.into_iter()
                        .map(|(s, f)| sweep_suite(s, f))
                        .sum::<usize>()
                })
            })
            .collect();
        workers.into_iter().map(|h| h.join().unwrap()).sum()
    });
    eprintln!("{total} tampered messages refused");
}

fn item_encryptor(suite: u16) -> ItemEncryptor {
    let mut c = ItemEncryptorConfig::new("sweep-table", "pk", keyring());
    c.algorithm_suite_id = suite;
    c.sort_key = Some("sk".into());
    for (name, action) in [
        ("pk", CryptoAction::SignOnly),
        ("sk", CryptoAction::SignOnly),
        ("secret", CryptoAction::EncryptAndSign),
        ("signed", CryptoAction::SignOnly),
    ] {
        c.attribute_actions.insert(name.into(), action);
    }
    c.allowed_unsigned_attribute_prefix = Some(":".into());
    ItemEncryptor::new(c).unwrap()
}

#[test]
fn every_tampered_item_of_every_item_suite_is_refused() {
    for suite in [0x6700u16, 0x6701] {
        let enc = item_encryptor(suite);
        let mut item = Item::new();
        item.insert("pk".into(), V::S("p-1".into()));
        item.insert("sk".into(), V::N("7".into()));
        item.insert(
            "secret".into(),
            V::S("forty bytes of plaintext in one attribute".into()),
        );
        item.insert(
            "signed".into(),
            V::L(vec![V::Bool(true), V::B(vec![1, 2, 3])]),
        );
        item.insert(":free".into(), V::Null);
        let stored = block_on(enc.encrypt_item(&item)).unwrap();
        assert_eq!(block_on(enc.decrypt_item(&stored)).unwrap(), item);
        let mut cases = 0;
        let mut codes = BTreeSet::new();
        let mut check = |variant: Item, what: String| {
            let e = block_on(enc.decrypt_item(&variant))
                .err()
                .unwrap_or_else(|| panic!("0x{suite:04x} {what}: accepted"));
            assert!(
                [
                    "ERR_ITEM",
                    "ERR_BAD_CIPHERTEXT",
                    "ERR_TRUNCATED",
                    "ERR_NO_DECRYPTING_KEYRING",
                    "ERR_SIGNATURE_INVALID",
                    "ERR_UNSUPPORTED"
                ]
                .contains(&e.code()),
                "0x{suite:04x} {what}: {e}"
            );
            assert!(
                !e.to_string().contains("forty bytes"),
                "{what}: plaintext in {e}"
            );
            codes.insert(e.code());
            cases += 1;
        };
        // Every binary attribute (header, footer, the encrypted value): every bit, every
        // truncation, an appended byte.
        for name in ["aws_dbe_head", "aws_dbe_foot", "secret"] {
            let bytes = stored[name].as_binary().unwrap().to_vec();
            let with = |b: Vec<u8>| {
                let mut v = stored.clone();
                v.insert(name.into(), V::B(b));
                v
            };
            for bit in 0..bytes.len() * 8 {
                let mut b = bytes.clone();
                b[bit / 8] ^= 1 << (bit % 8);
                check(with(b), format!("{name} bit {bit} flipped"));
            }
            for len in 0..bytes.len() {
                check(
                    with(bytes[..len].to_vec()),
                    format!("{name} truncated to {len}"),
                );
            }
            check(
                with([&bytes[..], &[0]].concat()),
                format!("{name} 1 byte appended"),
            );
        }
        // Signed values changed, attributes dropped, duplicated under another signed name.
        for (name, value) in [
            ("pk", V::S("p-2".into())),
            // (not "7.0": numbers are compared normalized, as DynamoDB stores them)
            ("sk", V::N("8".into())),
            ("signed", V::L(vec![V::Bool(false), V::B(vec![1, 2, 3])])),
            (
                "signed",
                V::L(vec![V::Bool(true), V::B(vec![1, 2, 3]), V::Null]),
            ),
            (
                "secret",
                V::S("forty bytes of plaintext in one attribute".into()),
            ),
        ] {
            let mut v = stored.clone();
            v.insert(name.into(), value);
            check(v, format!("{name} replaced"));
        }
        for name in [
            "pk",
            "sk",
            "secret",
            "signed",
            "aws_dbe_head",
            "aws_dbe_foot",
        ] {
            let mut v = stored.clone();
            v.remove(name);
            check(v, format!("{name} dropped"));
        }
        let mut v = stored.clone();
        v.insert("extra".into(), stored["signed"].clone());
        check(v, "signed attribute duplicated under a new name".into());
        let (a, b) = (stored["secret"].clone(), stored["signed"].clone());
        let mut v = stored.clone();
        v.insert("secret".into(), b);
        v.insert("signed".into(), a);
        check(v, "secret and signed swapped".into());
        eprintln!("item 0x{suite:04x}: {cases} variants refused, codes {codes:?}");
    }
}
