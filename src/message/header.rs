//! The message header, v1 and v2 (spec: data-format/message-header.md).

use crate::codec::{Reader, Writer};
use crate::context::{self, EncryptionContext};
use crate::error::{Error, Result};
use crate::materials::EncryptedDataKey;
use crate::suite::{AlgorithmSuite, IV_LEN, TAG_LEN};

/// How the body is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentType {
    /// One AES-GCM block (content type 0x01); read-only for new messages in spirit.
    NonFramed,
    /// Fixed-length frames (content type 0x02).
    Framed,
}

impl ContentType {
    fn byte(self) -> u8 {
        match self {
            ContentType::NonFramed => 1,
            ContentType::Framed => 2,
        }
    }
}

const V1_TYPE_CUSTOMER_AED: u8 = 0x80;
/// Length of the v2 header's algorithm suite data (the commit key).
pub const SUITE_DATA_LEN: usize = 32;

/// A parsed (or about to be written) message header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageHeader {
    /// Message format version, 1 or 2.
    pub version: u8,
    /// The algorithm suite.
    pub suite: AlgorithmSuite,
    /// Random message id: 16 bytes (v1) or 32 bytes (v2).
    pub message_id: Vec<u8>,
    /// The encryption context stored in the header.
    pub encryption_context: EncryptionContext,
    /// Encrypted copies of the data key.
    pub encrypted_data_keys: Vec<EncryptedDataKey>,
    /// Framed or not.
    pub content_type: ContentType,
    /// Frame length (0 for non-framed bodies).
    pub frame_length: u32,
    /// The header authentication IV (v1 only; 12 zero bytes in v2).
    pub header_iv: [u8; IV_LEN],
    /// Algorithm suite data: the commit key for v2, empty for v1.
    pub suite_data: Vec<u8>,
    /// The header authentication tag.
    pub auth_tag: [u8; TAG_LEN],
}

/// A header and where its parts end in the input.
#[derive(Clone, Debug)]
pub struct ParsedHeader {
    /// The header.
    pub header: MessageHeader,
    /// Length of the header body (the bytes the auth tag covers).
    pub body_len: usize,
    /// Length of the whole header including IV and tag.
    pub total_len: usize,
}

impl MessageHeader {
    /// Parses a header from the start of `bytes`. A short input is [`Error::Truncated`], so a
    /// streaming reader can wait for more. `max_edks` stops parsing as soon as the count exceeds it.
    pub fn parse(bytes: &[u8], max_edks: Option<u16>) -> Result<ParsedHeader> {
        let mut r = Reader::new(bytes);
        let (version, suite) = parse_prefix(&mut r, bytes)?;
        let message_id = r
            .take(suite.message_id_len(), "header.message_id")?
            .to_vec();
        let encryption_context = context::parse(r.u16_prefixed("header.encryption_context")?)?;
        let encrypted_data_keys = parse_edks(&mut r, max_edks)?;
        let content_type = match r.u8("header.content_type")? {
            1 => ContentType::NonFramed,
            2 => ContentType::Framed,
            t => {
                return Err(Error::malformed(
                    "header.content_type",
                    format!("unknown content type 0x{t:02x}"),
                ))
            }
        };
        if version == 1 {
            let reserved = r.u32("header.reserved")?;
            if reserved != 0 {
                return Err(Error::malformed(
                    "header.reserved",
                    "reserved field must be zero",
                ));
            }
            let iv_len = r.u8("header.iv_length")?;
            if iv_len as usize != IV_LEN {
                return Err(Error::malformed(
                    "header.iv_length",
                    format!("IV length {iv_len} is not 12"),
                ));
            }
        }
        let frame_length = r.u32("header.frame_length")?;
        match content_type {
            ContentType::NonFramed if frame_length != 0 => {
                return Err(Error::malformed(
                    "header.frame_length",
                    "must be 0 for a non-framed message",
                ))
            }
            ContentType::Framed if frame_length == 0 => {
                return Err(Error::malformed(
                    "header.frame_length",
                    "must be positive for a framed message",
                ))
            }
            _ => {}
        }
        let suite_data = if version == 2 {
            r.take(SUITE_DATA_LEN, "header.algorithm_suite_data")?
                .to_vec()
        } else {
            Vec::new()
        };
        let body_len = r.position();
        let header_iv = if version == 1 {
            r.array::<IV_LEN>("header.iv")?
        } else {
            [0u8; IV_LEN]
        };
        let auth_tag = r.array::<TAG_LEN>("header.auth_tag")?;
        Ok(ParsedHeader {
            header: MessageHeader {
                version,
                suite,
                message_id,
                encryption_context,
                encrypted_data_keys,
                content_type,
                frame_length,
                header_iv,
                suite_data,
                auth_tag,
            },
            body_len,
            total_len: r.position(),
        })
    }

    /// Serializes the header body (everything the auth tag covers).
    pub fn serialize_body(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(128);
        out.push(self.version);
        if self.version == 1 {
            out.push(V1_TYPE_CUSTOMER_AED);
        }
        out.put_u16(self.suite.id());
        out.extend_from_slice(&self.message_id);
        out.put_u16_prefixed(
            &context::serialize(&self.encryption_context)?,
            "encryption context",
        )?;
        let count = u16::try_from(self.encrypted_data_keys.len())
            .map_err(|_| Error::LimitExceeded("more than 65535 encrypted data keys".into()))?;
        out.put_u16(count);
        for edk in &self.encrypted_data_keys {
            out.put_u16_prefixed(edk.provider_id.as_bytes(), "EDK provider id")?;
            out.put_u16_prefixed(&edk.provider_info, "EDK provider info")?;
            out.put_u16_prefixed(&edk.ciphertext, "EDK ciphertext")?;
        }
        out.push(self.content_type.byte());
        if self.version == 1 {
            out.put_u32(0);
            out.push(IV_LEN as u8);
        }
        out.put_u32(self.frame_length);
        out.extend_from_slice(&self.suite_data);
        Ok(out)
    }

    /// Serializes the full header: body, then (v1) IV, then the auth tag.
    pub fn serialize(&self) -> Result<Vec<u8>> {
        let mut out = self.serialize_body()?;
        if self.version == 1 {
            out.extend_from_slice(&self.header_iv);
        }
        out.extend_from_slice(&self.auth_tag);
        Ok(out)
    }
}

/// The version and suite at the start of a message (the fields that say how the rest reads).
fn parse_prefix(r: &mut Reader<'_>, bytes: &[u8]) -> Result<(u8, AlgorithmSuite)> {
    let version = r.u8("header.version")?;
    if version != 1 && version != 2 {
        // spec: client-apis/decrypt.md SHOULD detect base64 ("AY" = 01 80; "Ag" = 02 ..).
        if bytes.starts_with(b"AY") || bytes.starts_with(b"Ag") {
            return Err(Error::Base64Input);
        }
        return Err(Error::malformed(
            "header.version",
            format!("unsupported version 0x{version:02x}"),
        ));
    }
    if version == 1 {
        let t = r.u8("header.type")?;
        if t != V1_TYPE_CUSTOMER_AED {
            return Err(Error::malformed(
                "header.type",
                format!("unsupported message type 0x{t:02x}"),
            ));
        }
    }
    let suite = AlgorithmSuite::from_id(r.u16("header.algorithm_suite_id")?)?;
    if suite.message_format_version() != version {
        return Err(Error::malformed(
            "header.algorithm_suite_id",
            format!(
                "suite 0x{:04x} is not allowed in a version {version} header",
                suite.id()
            ),
        ));
    }
    Ok((version, suite))
}

/// The suite of a message from its first bytes; `None` until enough bytes have arrived (at most
/// four). Lets a caller choose how to process a message before it has the whole header.
pub fn peek_suite(bytes: &[u8]) -> Result<Option<AlgorithmSuite>> {
    match parse_prefix(&mut Reader::new(bytes), bytes) {
        Ok((_, suite)) => Ok(Some(suite)),
        Err(Error::Truncated { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

fn parse_edks(r: &mut Reader<'_>, max_edks: Option<u16>) -> Result<Vec<EncryptedDataKey>> {
    let count = r.u16("header.encrypted_data_key_count")?;
    if count == 0 {
        return Err(Error::malformed(
            "header.encrypted_data_key_count",
            "a message needs at least one encrypted data key",
        ));
    }
    if let Some(max) = max_edks {
        if count > max {
            return Err(Error::TooManyEncryptedDataKeys { max });
        }
    }
    // No pre-allocation from the wire count: entries are pushed as their bytes are read.
    let mut edks = Vec::new();
    for _ in 0..count {
        let provider_id = r
            .u16_prefixed_str("header.encrypted_data_key.provider_id")?
            .to_owned();
        let provider_info = r
            .u16_prefixed("header.encrypted_data_key.provider_info")?
            .to_vec();
        let ciphertext = r
            .u16_prefixed("header.encrypted_data_key.ciphertext")?
            .to_vec();
        edks.push(EncryptedDataKey {
            provider_id,
            provider_info,
            ciphertext,
        });
    }
    Ok(edks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peek_suite_reads_only_the_prefix() {
        // v1: version 1, type 0x80, suite; v2: version 2, suite.
        let v1 = [1u8, 0x80, 0x03, 0x78, 0xff];
        let v2 = [2u8, 0x05, 0x78];
        assert_eq!(peek_suite(&v1[..3]).unwrap(), None);
        assert_eq!(peek_suite(&v1).unwrap().map(|s| s.id()), Some(0x0378));
        assert_eq!(peek_suite(&v2[..2]).unwrap(), None);
        assert_eq!(peek_suite(&v2).unwrap().map(|s| s.id()), Some(0x0578));
        assert_eq!(peek_suite(&[]).unwrap(), None);
        assert_eq!(peek_suite(&[9]).unwrap_err().code(), "ERR_BAD_CIPHERTEXT");
        assert_eq!(peek_suite(b"AYAA").unwrap_err().code(), "ERR_BASE64_INPUT");
        // A v2 suite in a v1 header, an unknown suite, a wrong v1 type.
        assert!(peek_suite(&[1, 0x80, 0x05, 0x78]).is_err());
        assert!(peek_suite(&[2, 0x12, 0x34]).is_err());
        assert!(peek_suite(&[1, 0x81, 0x03, 0x78]).is_err());
    }
}
