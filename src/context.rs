//! Encryption context: canonical serialization (spec: framework/structures.md#serialization).
//!
//! `BTreeMap<String, String>` orders keys by their UTF-8 bytes, which is exactly the
//! canonical order the format needs (not UTF-16 order, the JS ESDK's old bug).

use std::collections::BTreeMap;

use crate::codec::{Reader, Writer};
use crate::error::{Error, Result};

/// An encryption context: non-secret key/value pairs bound to a message as AAD.
pub type EncryptionContext = BTreeMap<String, String>;

/// Prefix of keys reserved for the SDK itself.
pub const RESERVED_PREFIX: &str = "aws-crypto-";
/// Key under which signing suites store the base64 compressed public key.
pub const PUBLIC_KEY_FIELD: &str = "aws-crypto-public-key";

/// Serializes a context canonically. The empty context is zero bytes (not a zero count).
pub fn serialize(ec: &EncryptionContext) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    if ec.is_empty() {
        return Ok(out);
    }
    let count = u16::try_from(ec.len()).map_err(|_| {
        Error::LimitExceeded(format!(
            "encryption context has {} pairs; the maximum is 65535",
            ec.len()
        ))
    })?;
    out.put_u16(count);
    for (k, v) in ec {
        out.put_u16_prefixed(k.as_bytes(), "encryption context key")?;
        out.put_u16_prefixed(v.as_bytes(), "encryption context value")?;
    }
    if out.len() > u16::MAX as usize {
        return Err(Error::LimitExceeded(format!(
            "serialized encryption context is {} bytes; the maximum is 65535",
            out.len()
        )));
    }
    Ok(out)
}

/// Parses a serialized context (the content of the header's AAD field).
///
/// The field is complete, so a short read inside it is malformation, not truncation.
pub fn parse(bytes: &[u8]) -> Result<EncryptionContext> {
    parse_pairs(bytes).map_err(|e| match e {
        Error::Truncated { field } => Error::malformed(field, "pair lengths overrun the AAD field"),
        e => e,
    })
}

fn parse_pairs(bytes: &[u8]) -> Result<EncryptionContext> {
    const FIELD: &str = "header.encryption_context";
    let mut ec = EncryptionContext::new();
    if bytes.is_empty() {
        return Ok(ec);
    }
    let mut r = Reader::new(bytes);
    let count = r.u16(FIELD)?;
    if count == 0 {
        return Err(Error::malformed(
            FIELD,
            "non-empty AAD field with a pair count of 0",
        ));
    }
    for _ in 0..count {
        let k = r.u16_prefixed_str(FIELD)?;
        let v = r.u16_prefixed_str(FIELD)?;
        if ec.insert(k.to_owned(), v.to_owned()).is_some() {
            return Err(Error::malformed(FIELD, format!("duplicate key '{k}'")));
        }
    }
    r.expect_end(FIELD)?;
    Ok(ec)
}

/// Refuses caller-supplied keys in the reserved `aws-crypto-` namespace.
pub fn check_no_reserved_keys(ec: &EncryptionContext) -> Result<()> {
    match ec.keys().find(|k| k.starts_with(RESERVED_PREFIX)) {
        Some(k) => Err(Error::ReservedContextKey(k.clone())),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_zero_bytes_and_sort_is_utf8_bytewise() {
        assert!(serialize(&EncryptionContext::new()).unwrap().is_empty());
        let mut ec = EncryptionContext::new();
        ec.insert("\u{10000}".into(), "a".into()); // F0 90 80 80
        ec.insert("\u{ffff}".into(), "b".into()); // EF BF BF: sorts first bytewise
        let bytes = serialize(&ec).unwrap();
        assert_eq!(&bytes[..5], &[0, 2, 0, 3, 0xEF]);
        assert_eq!(parse(&bytes).unwrap(), ec);
    }

    #[test]
    fn duplicates_and_zero_count_rejected() {
        assert!(parse(&[0, 0]).is_err());
        assert!(parse(&[0, 2, 0, 1, b'a', 0, 0, 0, 1, b'a', 0, 0]).is_err());
    }
}
