//! The serde-free KMS bodies of the browser's small KMS module (`sealkit_kms::http::
//! keyring_bodies` over `plain_json`), checked against serde: for any body, each of the three
//! response decoders accepts it exactly when serde's derive does, with the same values (an
//! object; serde also takes an array of the fields, the decoders here do not).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealkit::kms::http::keyring_bodies as bodies;
use sealkit::kms::http::plain_json;
use sealkit::kms::{DecryptResponse, EncryptResponse, GenerateDataKeyResponse};

fn serde_body(data: &[u8]) -> &[u8] {
    if data.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        data
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = plain_json::check_value(data);
    // serde's derive also reads a struct from an array of its fields in order, which no KMS
    // sends; the decoders here take objects only, and refuse arrays (checked below).
    if data.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        assert!(bodies::encrypt_response(data).is_err());
        return;
    }
    let mine = bodies::generate_data_key_response(data).map(|r| {
        (
            r.key_id,
            r.plaintext.to_vec(),
            r.ciphertext_blob,
            r.key_material_id,
        )
    });
    let theirs = serde_json::from_slice::<GenerateDataKeyResponse>(serde_body(data)).map(|r| {
        (
            r.key_id,
            r.plaintext.to_vec(),
            r.ciphertext_blob,
            r.key_material_id,
        )
    });
    match (&mine, &theirs) {
        (Ok(a), Ok(b)) => assert!(a == b, "GenerateDataKey values differ"),
        (Err(_), Err(_)) => {}
        _ => panic!(
            "GenerateDataKey: plain {:?} serde {:?}",
            mine.is_ok(),
            theirs.err().map(|e| e.to_string())
        ),
    }
    let mine = bodies::encrypt_response(data)
        .map(|r| (r.key_id, r.ciphertext_blob, r.encryption_algorithm));
    let theirs = serde_json::from_slice::<EncryptResponse>(serde_body(data))
        .map(|r| (r.key_id, r.ciphertext_blob, r.encryption_algorithm));
    match (&mine, &theirs) {
        (Ok(a), Ok(b)) => assert!(a == b, "Encrypt values differ"),
        (Err(_), Err(_)) => {}
        _ => panic!(
            "Encrypt: plain {:?} serde {:?}",
            mine.is_ok(),
            theirs.err().map(|e| e.to_string())
        ),
    }
    let mine = bodies::decrypt_response(data).map(|r| {
        (
            r.key_id,
            r.plaintext.to_vec(),
            r.encryption_algorithm,
            r.key_material_id,
        )
    });
    let theirs = serde_json::from_slice::<DecryptResponse>(serde_body(data)).map(|r| {
        (
            r.key_id,
            r.plaintext.to_vec(),
            r.encryption_algorithm,
            r.key_material_id,
        )
    });
    match (&mine, &theirs) {
        (Ok(a), Ok(b)) => assert!(a == b, "Decrypt values differ"),
        (Err(_), Err(_)) => {}
        _ => panic!(
            "Decrypt: plain {:?} serde {:?}",
            mine.is_ok(),
            theirs.err().map(|e| e.to_string())
        ),
    }
});
