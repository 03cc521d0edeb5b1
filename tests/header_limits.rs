//! Hostile headers: decrypt time grows linearly with the header whatever the chunk size, and the
//! header-length and EDK-count limits refuse oversized headers as their length fields arrive.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sealkit::{
    block_on, keyring_cmm, AlgorithmSuite, Client, ContentType, DecryptOptions, EncryptedDataKey,
    EncryptionContext, Keyring, MessageHeader, RawAesKeyring, DEFAULT_MAX_HEADER_LEN,
};

/// A v2 header (suite 0x0478) whose EDKs hold about `len` bytes in all; nothing can unwrap
/// them, and the tag is garbage.
fn header_of(len: usize) -> Vec<u8> {
    const EDK_LEN: usize = 60_000;
    let edks = len.div_ceil(EDK_LEN);
    MessageHeader {
        version: 2,
        suite: AlgorithmSuite::from_id(0x0478).unwrap(),
        message_id: vec![1; 32],
        encryption_context: EncryptionContext::new(),
        encrypted_data_keys: (0..edks)
            .map(|i| EncryptedDataKey {
                provider_id: "elsewhere".into(),
                provider_info: format!("key-{i}").into_bytes(),
                ciphertext: vec![0xab; EDK_LEN],
            })
            .collect(),
        content_type: ContentType::Framed,
        frame_length: 4096,
        header_iv: [0; 12],
        suite_data: vec![2; 32],
        auth_tag: [3; 16],
    }
    .serialize()
    .unwrap()
}

fn keyring() -> Arc<dyn Keyring> {
    Arc::new(RawAesKeyring::new("ns", "k", &[0x42; 32]).unwrap())
}

/// Feeds `message` to a decryptor in `chunk`-byte pieces; returns the error code and the time.
fn decrypt_in_chunks(client: &Client, message: &[u8], chunk: usize) -> (&'static str, Duration) {
    let start = Instant::now();
    let mut dec = client.decryptor(keyring_cmm(keyring()), DecryptOptions::default());
    let mut out = Vec::new();
    let mut code = None;
    for part in message.chunks(chunk) {
        if let Err(e) = block_on(dec.update(part, &mut out)) {
            code = Some(e.code());
            break;
        }
    }
    let code = code.unwrap_or_else(|| dec.finish(&mut out).map_or_else(|e| e.code(), |_| "ok"));
    (code, start.elapsed())
}

#[test]
fn header_parsing_is_linear_in_any_chunking() {
    let client = Client::default().with_max_header_len(16 << 20);
    let small = header_of(1 << 20);
    let large = header_of(8 << 20);
    // 64-byte chunks: a decryptor that re-parses its buffer per chunk does ~60,000 times the
    // work for 8 MB; a linear one about 8 times that of 1 MB.
    let chunk = 64;
    let best = |msg: &[u8]| {
        (0..3)
            .map(|_| {
                let (code, t) = decrypt_in_chunks(&client, msg, chunk);
                // The header parses; then no keyring can unwrap its EDKs.
                assert_eq!(code, "ERR_NO_DECRYPTING_KEYRING");
                t
            })
            .min()
            .unwrap()
    };
    let t_small = best(&small);
    let t_large = best(&large);
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-6);
    eprintln!(
        "header parse: 1 MB in {t_small:?}, 8 MB in {t_large:?} ({chunk}-byte chunks), ratio {ratio:.1}"
    );
    // Linear growth is 8; quadratic would be 64. The margin absorbs a shared machine's noise.
    assert!(
        ratio < 24.0,
        "8x the header took {ratio:.1}x the time: not linear"
    );
}

#[test]
fn oversized_headers_are_refused_before_they_arrive() {
    assert_eq!(DEFAULT_MAX_HEADER_LEN, 1 << 20);
    let client = Client::default();
    assert_eq!(client.max_header_len(), DEFAULT_MAX_HEADER_LEN);
    assert_eq!(client.max_encrypted_data_keys(), None);
    let message = header_of(2 << 20);
    // Refused once the EDK whose length crosses 1 MiB is announced, not at the end.
    let mut dec = client.decryptor(keyring_cmm(keyring()), DecryptOptions::default());
    let mut out = Vec::new();
    let mut fed = 0;
    let err = loop {
        let part = &message[fed..(fed + 4096).min(message.len())];
        fed += part.len();
        if let Err(e) = block_on(dec.update(part, &mut out)) {
            break e;
        }
    };
    assert_eq!(err.code(), "ERR_HEADER_TOO_LARGE");
    assert!(
        fed <= DEFAULT_MAX_HEADER_LEN + 4096,
        "refused after {fed} bytes"
    );
    // One-shot decrypt too; a larger limit lets the header through to the keyring.
    let err = block_on(client.decrypt(keyring_cmm(keyring()), &message, DecryptOptions::default()))
        .unwrap_err();
    assert_eq!(err.code(), "ERR_HEADER_TOO_LARGE");
    let roomy = Client::default().with_max_header_len(4 << 20);
    let err = block_on(roomy.decrypt(keyring_cmm(keyring()), &message, DecryptOptions::default()))
        .unwrap_err();
    assert_eq!(err.code(), "ERR_NO_DECRYPTING_KEYRING");
    // The EDK count limit applies on the count field: 35 EDKs against a maximum of 10.
    let limited = Client::default()
        .with_max_header_len(4 << 20)
        .with_max_encrypted_data_keys(10);
    let (code, _) = decrypt_in_chunks(&limited, &message, 64);
    assert_eq!(code, "ERR_TOO_MANY_EDKS");
}

#[test]
fn a_64_mb_header_is_refused_after_the_first_mebibyte() {
    // The growth case: 64 MB of header under the default 1 MiB limit. The streaming
    // decryptor stops once the EDK whose length crosses the limit is announced, so the work is
    // bounded by the limit, not by the header (and one-shot decrypt agrees).
    let client = Client::default();
    let message = header_of(64 << 20);
    assert!(message.len() >= 64 << 20);
    let chunk = 64 << 10;
    let start = Instant::now();
    let mut dec = client.decryptor(keyring_cmm(keyring()), DecryptOptions::default());
    let mut out = Vec::new();
    let mut fed = 0;
    let err = loop {
        let part = &message[fed..(fed + chunk).min(message.len())];
        assert!(!part.is_empty(), "the whole 64 MB header was accepted");
        fed += part.len();
        if let Err(e) = block_on(dec.update(part, &mut out)) {
            break e;
        }
    };
    let streamed = start.elapsed();
    assert_eq!(err.code(), "ERR_HEADER_TOO_LARGE");
    assert!(
        fed <= DEFAULT_MAX_HEADER_LEN + chunk,
        "refused after {fed} bytes"
    );
    assert!(out.is_empty());
    let start = Instant::now();
    let err = block_on(client.decrypt(keyring_cmm(keyring()), &message, DecryptOptions::default()))
        .unwrap_err();
    assert_eq!(err.code(), "ERR_HEADER_TOO_LARGE");
    eprintln!(
        "64 MB header: refused after {fed} bytes streamed ({streamed:?}), one-shot in {:?}",
        start.elapsed()
    );
}
