//! The serde-free KMS bodies of the browser's small KMS module (`sealkit_kms::http::
//! keyring_bodies` over `plain_json`), checked against serde: for any body, each of the three
//! response decoders accepts it exactly when serde's derive does, with the same values (an
//! object; serde also takes an array of the fields, the decoders here do not).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealkit::kms::http::keyring_bodies as bodies;
use sealkit::kms::http::plain_json::{self, JsonError};
use sealkit::kms::{DecryptResponse, EncryptResponse, GenerateDataKeyResponse};
use serde::de::DeserializeOwned;

/// `mine` and serde agree on `data`: both refuse it, or both read the same `view` of it.
fn same<R: DeserializeOwned, V: PartialEq>(
    op: &str,
    data: &[u8],
    mine: fn(&[u8]) -> Result<R, JsonError>,
    view: fn(R) -> V,
) {
    match (
        mine(data).map(view),
        serde_json::from_slice::<R>(data).map(view),
    ) {
        (Ok(a), Ok(b)) => assert!(a == b, "{op}: values differ"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!(
            "{op}: plain ok {}, serde {:?}",
            a.is_ok(),
            b.err().map(|e| e.to_string())
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = plain_json::check_value(data);
    // serde's derive also reads a struct from an array of its fields in order, which no KMS
    // sends; the decoders here take objects only, and refuse arrays.
    if data.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        assert!(bodies::encrypt_response(data).is_err());
        return;
    }
    same(
        "GenerateDataKey",
        data,
        bodies::generate_data_key_response,
        |r: GenerateDataKeyResponse| {
            (
                r.key_id,
                r.plaintext.to_vec(),
                r.ciphertext_blob,
                r.key_material_id,
            )
        },
    );
    same(
        "Encrypt",
        data,
        bodies::encrypt_response,
        |r: EncryptResponse| (r.key_id, r.ciphertext_blob, r.encryption_algorithm),
    );
    same(
        "Decrypt",
        data,
        bodies::decrypt_response,
        |r: DecryptResponse| {
            (
                r.key_id,
                r.plaintext.to_vec(),
                r.encryption_algorithm,
                r.key_material_id,
            )
        },
    );
});
