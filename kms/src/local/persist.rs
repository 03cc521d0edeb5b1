//! Export/import of the whole local KMS state as one blob under a caller-supplied root key.
//!
//! ```text
//! "SKLKMS" | format version u8 (1) | IV 12 | AES-256-GCM(JSON state) | tag 16
//! ```
//! The 7-byte header is the AAD, so a blob of another format version cannot be replayed as this
//! one. The JSON plaintext (which holds key material) lives only in zeroizing buffers.

use super::key::{aes_open, aes_seal};
use super::store::State;
use crate::error::{names, KmsError};
use zeroize::Zeroizing;

const MAGIC: &[u8; 6] = b"SKLKMS";
const VERSION: u8 = 1;

fn header() -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.push(VERSION);
    h
}

/// Serializes and encrypts the state.
pub(crate) fn export(state: &State, root_key: &[u8; 32]) -> Result<Vec<u8>, KmsError> {
    let json = Zeroizing::new(
        serde_json::to_vec(state)
            .map_err(|_| KmsError::new(names::INTERNAL, "state serialization failed"))?,
    );
    let h = header();
    let sealed = aes_seal(root_key, &h, &json)?;
    let mut out = h;
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Decrypts and parses a blob made by [`export`]. A wrong root key or a modified blob is
/// `InvalidCiphertextException`; an unknown header is `ValidationException`.
pub(crate) fn import(blob: &[u8], root_key: &[u8; 32]) -> Result<State, KmsError> {
    let h = header();
    let sealed = blob
        .strip_prefix(&h[..])
        .ok_or_else(|| KmsError::validation("not a local KMS state blob of a supported version"))?;
    let json = Zeroizing::new(aes_open(root_key, &h, sealed)?);
    serde_json::from_slice(&json)
        .map_err(|_| KmsError::validation("state blob content is not valid"))
}
