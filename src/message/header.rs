//! The message header, v1 and v2 (spec: data-format/message-header.md).

use crate::codec::Writer;
use crate::context::{self, EncryptionContext};
use crate::error::{Error, Result};
use crate::materials::EncryptedDataKey;
use crate::message::header_parser::{HeaderLimits, HeaderParser, HeaderProgress};
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

/// The v1 header's message type: customer authenticated encrypted data.
pub(crate) const V1_TYPE_CUSTOMER_AED: u8 = 0x80;
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
    /// Parses a header from the start of `bytes` (all at once; streaming callers use
    /// [`HeaderParser`] directly). A short input is [`Error::Truncated`]. `max_edks` stops parsing
    /// as soon as the count exceeds it; the header length is not limited here, since the caller
    /// already holds the bytes.
    pub fn parse(bytes: &[u8], max_edks: Option<u16>) -> Result<ParsedHeader> {
        let mut parser = HeaderParser::new(HeaderLimits {
            max_encrypted_data_keys: max_edks,
            max_header_len: usize::MAX,
        });
        match parser.feed(bytes)? {
            HeaderProgress::Done { header, .. } => Ok(header.parsed),
            HeaderProgress::NeedMore => Err(parser.truncated()),
        }
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

/// The suite of a message from its first bytes; `None` until enough bytes have arrived (at most
/// four). Lets a caller choose how to process a message before it has the whole header.
pub fn peek_suite(bytes: &[u8]) -> Result<Option<AlgorithmSuite>> {
    // v1: version, type, suite id; v2: version, suite id. Nothing after them is read.
    const PREFIX_LEN: usize = 4;
    let mut parser = HeaderParser::new(HeaderLimits::default());
    parser.feed(bytes.get(..PREFIX_LEN).unwrap_or(bytes))?;
    Ok(parser.suite())
}

/// The header authentication tag's AAD when it is more than the header body: the serialized
/// body followed by the encryption-context pairs that are authenticated but not stored, which
/// a required-encryption-context CMM asks for (spec: data-format/message-header.md, "Header
/// Authentication Tag"; client-apis/encrypt.md, "Construct the header"). `None`: there are no
/// such pairs and the AAD is the body itself, used where it is without a copy. Encryption and
/// decryption both build it here, so the rule exists once.
pub(crate) fn extended_header_aad(
    body: &[u8],
    auth_only: &EncryptionContext,
) -> Result<Option<Vec<u8>>> {
    if auth_only.is_empty() {
        return Ok(None);
    }
    let pairs = context::serialize(auth_only)?;
    let mut aad = Vec::with_capacity(body.len() + pairs.len());
    aad.extend_from_slice(body);
    aad.extend_from_slice(&pairs);
    Ok(Some(aad))
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
