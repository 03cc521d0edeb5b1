//! The local KMS symmetric ciphertext blob.
//!
//! ```text
//! "SK" 0x01 | id_len u8 | key id (UTF-8) | material version u32 BE | IV 12 | ciphertext | tag 16
//! ```
//! The key id (the same for every replica of a multi-Region key) and the material version
//! identify the material, so rotation keeps old blobs decryptable. The AAD is the header followed
//! by the canonical encryption context, which binds both into the GCM tag.

use crate::error::KmsError;
use crate::types::EncryptionContext;

const MAGIC: [u8; 3] = [b'S', b'K', 0x01];

/// A parsed blob header plus the sealed part.
pub(crate) struct Blob<'a> {
    pub key_id: String,
    pub version: u32,
    pub header: &'a [u8],
    pub sealed: &'a [u8],
}

/// The blob header for `key_id` at `version`.
pub(crate) fn header(key_id: &str, version: u32) -> Result<Vec<u8>, KmsError> {
    let id = key_id.as_bytes();
    let len = u8::try_from(id.len()).map_err(|_| KmsError::validation("key id too long"))?;
    let mut h = MAGIC.to_vec();
    h.push(len);
    h.extend_from_slice(id);
    h.extend_from_slice(&version.to_be_bytes());
    Ok(h)
}

/// Parses a blob; anything malformed is `InvalidCiphertextException`.
pub(crate) fn parse(blob: &[u8]) -> Result<Blob<'_>, KmsError> {
    let bad = KmsError::invalid_ciphertext;
    let rest = blob.strip_prefix(&MAGIC[..]).ok_or_else(bad)?;
    let (&len, rest) = rest.split_first().ok_or_else(bad)?;
    let len = usize::from(len);
    if rest.len() < len + 4 {
        return Err(bad());
    }
    let (id, rest) = rest.split_at(len);
    let (ver, sealed) = rest.split_at(4);
    let key_id = String::from_utf8(id.to_vec()).map_err(|_| bad())?;
    let version = u32::from_be_bytes([ver[0], ver[1], ver[2], ver[3]]);
    let header_len = MAGIC.len() + 1 + len + 4;
    Ok(Blob {
        key_id,
        version,
        header: &blob[..header_len],
        sealed,
    })
}

/// AAD: header ‖ for each pair in key order: u32 len ‖ key ‖ u32 len ‖ value.
pub(crate) fn aad(header: &[u8], ec: &EncryptionContext) -> Vec<u8> {
    let mut out = header.to_vec();
    for (k, v) in ec {
        for s in [k, v] {
            out.extend_from_slice(&(s.len() as u32).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_garbage() {
        let h = header("mrk-abc", 7).unwrap();
        let mut blob = h.clone();
        blob.extend_from_slice(&[1, 2, 3]);
        let b = parse(&blob).unwrap();
        assert_eq!(
            (b.key_id.as_str(), b.version, b.header, b.sealed),
            ("mrk-abc", 7, &h[..], &[1u8, 2, 3][..])
        );
        for g in [
            &b""[..],
            b"SK",
            b"SK\x01",
            b"SK\x01\x09abc",
            b"XX\x01\x00\x00\x00\x00\x00",
        ] {
            assert!(parse(g).is_err());
        }
    }
}
