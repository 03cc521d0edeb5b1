//! The `aws_dbe_head` attribute (DB-ESDK spec: structured-encryption/header.md, "Header Value"
//! and "Header Commitment").
//!
//! ```text
//! version(1) ‖ flavor(1) ‖ messageId(32) ‖ u16 legendLen ‖ legend ‖ storedEC (u16 count ‖ pairs)
//!   ‖ u8 edkCount ‖ EDKs ‖ commitment(32)
//! ```

use crate::codec::{Reader, Writer};
use crate::context::EncryptionContext;
use crate::error::{Error, Result};
use crate::item::actions::CryptoAction;
use crate::item::context::serialize_with_count;
use crate::item::keys::COMMITMENT_LEN;
use crate::materials::EncryptedDataKey;
use crate::suite::AlgorithmSuite;

/// Length of the message id.
pub const MESSAGE_ID_LEN: usize = 32;

/// A parsed item header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemHeader {
    /// 1, or 2 when some attribute is SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT.
    pub version: u8,
    /// The item suite (from the flavor byte).
    pub suite: AlgorithmSuite,
    /// Random per-item id.
    pub message_id: [u8; MESSAGE_ID_LEN],
    /// One action per signed attribute, in canonical order.
    pub legend: Vec<CryptoAction>,
    /// The stored part of the encryption context.
    pub stored_context: EncryptionContext,
    /// The wrapped data keys (at least one).
    pub encrypted_data_keys: Vec<EncryptedDataKey>,
    /// `HMAC-SHA512(commitKey, everything before it)[..32]`.
    pub commitment: [u8; COMMITMENT_LEN],
}

const F: &str = "aws_dbe_head";

fn flavor(suite: AlgorithmSuite) -> Result<u8> {
    match suite.id() {
        0x6700 => Ok(0),
        0x6701 => Ok(1),
        id => Err(Error::invalid(format!(
            "suite 0x{id:04x} is not an item suite"
        ))),
    }
}

impl ItemHeader {
    /// Serializes everything the commitment covers.
    pub fn serialize_without_commitment(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(256);
        out.push(self.version);
        out.push(flavor(self.suite)?);
        out.extend_from_slice(&self.message_id);
        let legend: Vec<u8> = self
            .legend
            .iter()
            .filter_map(CryptoAction::legend_byte)
            .collect();
        if legend.len() != self.legend.len() {
            return Err(Error::invalid("the legend cannot contain DO_NOTHING"));
        }
        out.put_u16_prefixed(&legend, "aws_dbe_head.legend")?;
        out.extend_from_slice(&serialize_with_count(&self.stored_context)?);
        let count = u8::try_from(self.encrypted_data_keys.len()).map_err(|_| {
            Error::LimitExceeded("an item header holds at most 255 encrypted data keys".into())
        })?;
        if count == 0 {
            return Err(Error::Keyring("no encrypted data key was produced".into()));
        }
        out.push(count);
        for edk in &self.encrypted_data_keys {
            out.put_u16_prefixed(edk.provider_id.as_bytes(), "aws_dbe_head.edk.provider_id")?;
            out.put_u16_prefixed(&edk.provider_info, "aws_dbe_head.edk.provider_info")?;
            out.put_u16_prefixed(&edk.ciphertext, "aws_dbe_head.edk.ciphertext")?;
        }
        Ok(out)
    }

    /// The full header bytes.
    pub fn serialize(&self) -> Result<Vec<u8>> {
        let mut out = self.serialize_without_commitment()?;
        out.extend_from_slice(&self.commitment);
        Ok(out)
    }

    /// Parses a header; returns it and the length of the part the commitment covers.
    pub fn parse(bytes: &[u8]) -> Result<(ItemHeader, usize)> {
        Self::parse_inner(bytes).map_err(|e| match e {
            Error::Truncated { .. } => Error::malformed(F, "header is truncated"),
            e => e,
        })
    }

    fn parse_inner(bytes: &[u8]) -> Result<(ItemHeader, usize)> {
        let mut r = Reader::new(bytes);
        let version = r.u8(F)?;
        if version != 1 && version != 2 {
            return Err(Error::malformed(
                F,
                format!("unsupported header version {version}"),
            ));
        }
        let suite = match r.u8(F)? {
            0 => AlgorithmSuite::DBE_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_SYMSIG_HMAC_SHA384,
            1 => {
                AlgorithmSuite::DBE_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384_SYMSIG_HMAC_SHA384
            }
            f => return Err(Error::malformed(F, format!("unknown format flavor {f}"))),
        };
        let message_id = r.array::<MESSAGE_ID_LEN>(F)?;
        let legend = r
            .u16_prefixed(F)?
            .iter()
            .map(|b| CryptoAction::from_legend_byte(*b))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Error::malformed(F, "legend byte is not 'e', 's' or 'c'"))?;
        if version == 1 && legend.contains(&CryptoAction::SignAndIncludeInEncryptionContext) {
            return Err(Error::malformed(
                F,
                "a version 1 header cannot have SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT attributes",
            ));
        }
        let mut stored_context = EncryptionContext::new();
        for _ in 0..r.u16(F)? {
            let k = r.u16_prefixed_str(F)?;
            let v = r.u16_prefixed_str(F)?;
            if stored_context.insert(k.to_owned(), v.to_owned()).is_some() {
                return Err(Error::malformed(
                    F,
                    format!("duplicate encryption context key '{k}'"),
                ));
            }
        }
        let count = r.u8(F)?;
        if count == 0 {
            return Err(Error::malformed(F, "no encrypted data keys"));
        }
        let mut encrypted_data_keys = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let provider_id = r.u16_prefixed_str(F)?.to_owned();
            let provider_info = r.u16_prefixed(F)?.to_vec();
            let ciphertext = r.u16_prefixed(F)?.to_vec();
            encrypted_data_keys.push(EncryptedDataKey {
                provider_id,
                provider_info,
                ciphertext,
            });
        }
        let covered = r.position();
        let commitment = r.array::<COMMITMENT_LEN>(F)?;
        r.expect_end(F)?;
        Ok((
            ItemHeader {
                version,
                suite,
                message_id,
                legend,
                stored_context,
                encrypted_data_keys,
                commitment,
            },
            covered,
        ))
    }
}
