//! The `aws_dbe_foot` attribute and the canonical hash it authenticates
//! (DB-ESDK spec: structured-encryption/footer.md, "Canonical Hash", "Recipient Tags", "Signature").
//!
//! Footer = one 48-byte HMAC-SHA384 recipient tag per EDK, in EDK order, then for suite 0x6701
//! a 103-byte DER ECDSA P-384 signature (⚠ the spec says 0 or 96; the code uses 103).

use crate::codec::{Reader, Writer};
use crate::context::EncryptionContext;
use crate::crypto::provider::CryptoProvider;
use crate::error::{Error, Result};
use crate::item::context::serialize_with_count;
use crate::item::keys::TAG_LEN;

/// Length of the footer signature (DER, low-s; the signer retries until it has this length).
pub const SIGNATURE_LEN: usize = 103;

/// A parsed footer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemFooter {
    /// One recipient tag per EDK.
    pub tags: Vec<[u8; TAG_LEN]>,
    /// The ECDSA signature, for signing suites.
    pub signature: Option<Vec<u8>>,
}

const F: &str = "aws_dbe_foot";

impl ItemFooter {
    /// Serializes the footer.
    pub fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.tags.len() * TAG_LEN + SIGNATURE_LEN);
        for t in &self.tags {
            out.extend_from_slice(t);
        }
        if let Some(s) = &self.signature {
            out.extend_from_slice(s);
        }
        out
    }

    /// Parses a footer for a header with `edk_count` EDKs.
    pub fn parse(bytes: &[u8], edk_count: usize, signed: bool) -> Result<ItemFooter> {
        let expected = edk_count * TAG_LEN + if signed { SIGNATURE_LEN } else { 0 };
        if bytes.len() != expected {
            return Err(Error::item(
                F,
                format!(
                    "footer is {} bytes; expected {expected} ({edk_count} recipient tag(s){})",
                    bytes.len(),
                    if signed {
                        " and a 103-byte signature"
                    } else {
                        ""
                    }
                ),
            ));
        }
        let mut r = Reader::new(bytes);
        let mut tags = Vec::with_capacity(edk_count);
        for _ in 0..edk_count {
            tags.push(r.array::<TAG_LEN>(F)?);
        }
        let signature = if signed {
            Some(r.take(SIGNATURE_LEN, F)?.to_vec())
        } else {
            None
        };
        r.expect_end(F)?;
        Ok(ItemFooter { tags, signature })
    }
}

/// One signed attribute as the canonical record sees it.
pub enum CanonicalField<'a> {
    /// An encrypted attribute: its stored value `origTypeID ‖ ciphertext ‖ tag`.
    Encrypted {
        /// Canonical path.
        path: &'a [u8],
        /// The stored bytes.
        stored: &'a [u8],
    },
    /// A plaintext signed attribute.
    Plaintext {
        /// Canonical path.
        path: &'a [u8],
        /// TypeID.
        type_id: [u8; 2],
        /// Serialized value.
        value: &'a [u8],
    },
}

/// `SHA-384(header ‖ u64 len(A) ‖ A ‖ Σ canonicalField)`, A = the full context with its count
/// (footer.md#canonical-hash). `fields` must be in canonical-path order. The hashed bytes are
/// laid out in one buffer first: a host hash (WebCrypto) takes whole inputs only.
pub async fn canonical_hash(
    crypto: &dyn CryptoProvider,
    header: &[u8],
    context: &EncryptionContext,
    fields: &[CanonicalField<'_>],
) -> Result<[u8; 48]> {
    let aad = serialize_with_count(context)?;
    let mut h = Vec::new();
    h.extend_from_slice(header);
    h.put_u64(aad.len() as u64);
    h.extend_from_slice(&aad);
    for f in fields {
        match f {
            CanonicalField::Encrypted { path, stored } => {
                // The length excludes the 2-byte original TypeID that prefixes the ciphertext.
                let body = stored.len().checked_sub(2).ok_or_else(|| {
                    Error::malformed(F, "encrypted value shorter than its TypeID")
                })?;
                h.extend_from_slice(path);
                h.put_u64(body as u64);
                h.extend_from_slice(b"ENCRYPTED");
                h.extend_from_slice(stored);
            }
            CanonicalField::Plaintext {
                path,
                type_id,
                value,
            } => {
                h.extend_from_slice(path);
                h.put_u64(value.len() as u64);
                h.extend_from_slice(b"PLAINTEXT");
                h.extend_from_slice(type_id);
                h.extend_from_slice(value);
            }
        }
    }
    // Plaintext of sign-only attributes: wiped like the rest of the item's plaintext.
    let h = zeroize::Zeroizing::new(h);
    crypto.sha384(&h).await
}
