//! The incremental message-header parser: a push codec that takes the header's bytes as they
//! arrive, in chunks of any size, and parses each field exactly once
//! (spec: data-format/message-header.md).
//!
//! Why a separate codec: a parser that re-reads its whole buffer on every chunk costs
//! O(header² / chunk) and copies every encrypted data key each time. This one keeps what it has
//! parsed (the fields, each EDK once) and the bytes of the current field only, so a header costs
//! O(header length) in time and memory whatever the chunking. Lengths read from the wire are
//! checked against the limits before the bytes they announce are waited for or stored.

use crate::codec::Reader;
use crate::context::{self, EncryptionContext};
use crate::error::{Error, Result};
use crate::materials::EncryptedDataKey;
use crate::message::header::{ContentType, MessageHeader, ParsedHeader, SUITE_DATA_LEN};
use crate::suite::{AlgorithmSuite, IV_LEN, TAG_LEN};

/// Default maximum length of a message header: 1 MiB.
///
/// The format allows about 12.9 GB of header (65,535 EDKs of three 64 KiB fields each, plus a
/// 64 KiB context); real headers are a few KiB (one KMS EDK is about 300 bytes, one RSA-4096 EDK
/// about 600). 1 MiB holds well over a thousand EDKs while bounding what an unauthenticated
/// header can make a decryptor hold before any key is used.
pub const DEFAULT_MAX_HEADER_LEN: usize = 1 << 20;

/// What the parser refuses before the header is authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderLimits {
    /// Maximum number of encrypted data keys (`None`: the format's 65,535).
    pub max_encrypted_data_keys: Option<u16>,
    /// Maximum length of the whole serialized header, IV and tag included.
    pub max_header_len: usize,
}

impl Default for HeaderLimits {
    fn default() -> Self {
        HeaderLimits {
            max_encrypted_data_keys: None,
            max_header_len: DEFAULT_MAX_HEADER_LEN,
        }
    }
}

/// The result of one [`HeaderParser::feed`].
#[derive(Debug)]
pub enum HeaderProgress {
    /// Every input byte was taken; the header continues in the next input.
    NeedMore,
    /// The header is complete: it ended `consumed` bytes into the last input (the rest of that
    /// input is the message body).
    Done {
        /// Bytes of the last input that belonged to the header.
        consumed: usize,
        /// The parsed header, with its serialized bytes.
        header: Box<CompleteHeader>,
    },
}

/// A fully parsed header and its serialized form (needed for the header tag's AAD and the
/// footer signature, spec: data-format/message-header.md#header-authentication).
#[derive(Debug)]
pub struct CompleteHeader {
    /// The header and where its parts end.
    pub parsed: ParsedHeader,
    /// The whole serialized header (`parsed.total_len` bytes).
    pub bytes: Vec<u8>,
}

impl CompleteHeader {
    /// The bytes the header authentication tag covers.
    pub fn body(&self) -> &[u8] {
        self.bytes.get(..self.parsed.body_len).unwrap_or(&[])
    }
}

/// The field the parser waits for next; each knows how many bytes it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Version,
    /// A first byte of 'A' may be base64 text ("AY…" / "Ag…"): one more byte decides.
    Base64Probe,
    V1Type,
    SuiteId,
    MessageId,
    ContextLen,
    Context(u16),
    EdkCount,
    /// Field `which` (0 provider id, 1 provider info, 2 ciphertext) of the current EDK.
    EdkFieldLen(u8),
    EdkField(u8, u16),
    ContentType,
    Reserved,
    IvLen,
    FrameLength,
    SuiteData,
    HeaderIv,
    AuthTag,
    Done,
}

impl Step {
    /// Wire field name, as reported in errors.
    fn field(self) -> &'static str {
        match self {
            Step::Version | Step::Base64Probe => "header.version",
            Step::V1Type => "header.type",
            Step::SuiteId => "header.algorithm_suite_id",
            Step::MessageId => "header.message_id",
            Step::ContextLen | Step::Context(_) => "header.encryption_context",
            Step::EdkCount => "header.encrypted_data_key_count",
            Step::EdkFieldLen(w) | Step::EdkField(w, _) => edk_field(w),
            Step::ContentType => "header.content_type",
            Step::Reserved => "header.reserved",
            Step::IvLen => "header.iv_length",
            Step::FrameLength => "header.frame_length",
            Step::SuiteData => "header.algorithm_suite_data",
            Step::HeaderIv => "header.iv",
            Step::AuthTag => "header.auth_tag",
            Step::Done => "header",
        }
    }
}

fn edk_field(which: u8) -> &'static str {
    match which {
        0 => "header.encrypted_data_key.provider_id",
        1 => "header.encrypted_data_key.provider_info",
        _ => "header.encrypted_data_key.ciphertext",
    }
}

/// Parses one message header from bytes pushed in any chunking. After an error it stays failed.
#[derive(Debug)]
pub struct HeaderParser {
    limits: HeaderLimits,
    step: Step,
    /// Every header byte taken so far; the current field is `bytes[field_start..]`.
    bytes: Vec<u8>,
    field_start: usize,
    failed: bool,
    version: u8,
    suite: Option<AlgorithmSuite>,
    message_id: Vec<u8>,
    encryption_context: EncryptionContext,
    edk_count: u16,
    edks: Vec<EncryptedDataKey>,
    edk_provider_id: String,
    edk_provider_info: Vec<u8>,
    content_type: Option<ContentType>,
    frame_length: u32,
    suite_data: Vec<u8>,
    header_iv: [u8; IV_LEN],
    body_len: usize,
}

impl HeaderParser {
    /// A parser for one header under `limits`.
    pub fn new(limits: HeaderLimits) -> Self {
        HeaderParser {
            limits,
            step: Step::Version,
            bytes: Vec::new(),
            field_start: 0,
            failed: false,
            version: 0,
            suite: None,
            message_id: Vec::new(),
            encryption_context: EncryptionContext::new(),
            edk_count: 0,
            edks: Vec::new(),
            edk_provider_id: String::new(),
            edk_provider_info: Vec::new(),
            content_type: None,
            frame_length: 0,
            suite_data: Vec::new(),
            header_iv: [0; IV_LEN],
            body_len: 0,
        }
    }

    /// Header bytes taken so far.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether no byte has been taken yet.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The suite, once its field has been read.
    pub fn suite(&self) -> Option<AlgorithmSuite> {
        self.suite
    }

    /// The error for an input that ended here: [`Error::Truncated`] naming the awaited field.
    pub fn truncated(&self) -> Error {
        Error::Truncated {
            field: self.step.field(),
        }
    }

    /// Takes bytes of the header from the start of `input`.
    ///
    /// Returns [`HeaderProgress::NeedMore`] when all of `input` was header and more is needed,
    /// or [`HeaderProgress::Done`] with the number of bytes used. A malformed field or a limit
    /// fails at once, without waiting for the rest. Feeding after `Done` or an error fails.
    pub fn feed(&mut self, input: &[u8]) -> Result<HeaderProgress> {
        if self.failed || self.step == Step::Done {
            return Err(Error::invalid(
                "the header parser has already finished or failed",
            ));
        }
        let result = self.feed_inner(input);
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    fn feed_inner(&mut self, input: &[u8]) -> Result<HeaderProgress> {
        let mut used = 0;
        loop {
            let want = self.want()?;
            let have = self.bytes.len() - self.field_start;
            if have < want {
                let take = (want - have).min(input.len() - used);
                self.bytes.extend_from_slice(&input[used..used + take]);
                used += take;
                if take < want - have {
                    return Ok(HeaderProgress::NeedMore);
                }
            }
            let end = self.field_start + want;
            let field = std::mem::take(&mut self.bytes);
            let next = self.advance(&field[self.field_start..end]);
            self.bytes = field;
            self.step = next?;
            self.field_start = end;
            if self.step == Step::Done {
                return Ok(HeaderProgress::Done {
                    consumed: used,
                    header: Box::new(self.complete()?),
                });
            }
        }
    }

    /// Bytes the current field needs; fails if they would take the header past its limit.
    fn want(&self) -> Result<usize> {
        let want = match self.step {
            Step::Version | Step::V1Type | Step::ContentType | Step::IvLen => 1,
            Step::Base64Probe => 1,
            Step::SuiteId | Step::ContextLen | Step::EdkCount | Step::EdkFieldLen(_) => 2,
            Step::MessageId => self.suite.map_or(0, |s| s.message_id_len()),
            Step::Context(n) | Step::EdkField(_, n) => usize::from(n),
            Step::Reserved | Step::FrameLength => 4,
            Step::SuiteData => SUITE_DATA_LEN,
            Step::HeaderIv => IV_LEN,
            Step::AuthTag => TAG_LEN,
            Step::Done => 0,
        };
        let max = self.limits.max_header_len;
        if self.field_start.saturating_add(want) > max {
            return Err(Error::HeaderTooLarge { max });
        }
        Ok(want)
    }

    /// Interprets one complete field and says which comes next.
    fn advance(&mut self, field: &[u8]) -> Result<Step> {
        let step = self.step;
        let name = step.field();
        let mut r = Reader::new(field);
        Ok(match step {
            Step::Version => {
                let version = r.u8(name)?;
                self.version = version;
                match version {
                    1 => Step::V1Type,
                    2 => Step::SuiteId,
                    b'A' => Step::Base64Probe,
                    v => return Err(bad_version(v)),
                }
            }
            Step::Base64Probe => {
                // spec: client-apis/decrypt.md SHOULD detect base64 ("AY" = 01 80; "Ag" = 02 ..).
                if matches!(r.u8(name)?, b'Y' | b'g') {
                    return Err(Error::Base64Input);
                }
                return Err(bad_version(self.version));
            }
            Step::V1Type => {
                let t = r.u8(name)?;
                if t != crate::message::header::V1_TYPE_CUSTOMER_AED {
                    return Err(Error::malformed(
                        name,
                        format!("unsupported message type 0x{t:02x}"),
                    ));
                }
                Step::SuiteId
            }
            Step::SuiteId => {
                let suite = AlgorithmSuite::from_id(r.u16(name)?)?;
                if suite.message_format_version() != self.version {
                    return Err(Error::malformed(
                        name,
                        format!(
                            "suite 0x{:04x} is not allowed in a version {} header",
                            suite.id(),
                            self.version
                        ),
                    ));
                }
                self.suite = Some(suite);
                Step::MessageId
            }
            Step::MessageId => {
                self.message_id = field.to_vec();
                Step::ContextLen
            }
            Step::ContextLen => match r.u16(name)? {
                0 => Step::EdkCount,
                n => Step::Context(n),
            },
            Step::Context(_) => {
                self.encryption_context = context::parse(field)?;
                Step::EdkCount
            }
            Step::EdkCount => {
                let count = r.u16(name)?;
                if count == 0 {
                    return Err(Error::malformed(
                        name,
                        "a message needs at least one encrypted data key",
                    ));
                }
                // Checked on the count, before any EDK is read or stored.
                if let Some(max) = self.limits.max_encrypted_data_keys {
                    if count > max {
                        return Err(Error::TooManyEncryptedDataKeys { max });
                    }
                }
                self.edk_count = count;
                Step::EdkFieldLen(0)
            }
            Step::EdkFieldLen(which) => match r.u16(name)? {
                0 => self.edk_field(which, &[])?,
                n => Step::EdkField(which, n),
            },
            Step::EdkField(which, _) => self.edk_field(which, field)?,
            Step::ContentType => {
                let t = r.u8(name)?;
                self.content_type = Some(match t {
                    1 => ContentType::NonFramed,
                    2 => ContentType::Framed,
                    t => {
                        return Err(Error::malformed(
                            name,
                            format!("unknown content type 0x{t:02x}"),
                        ))
                    }
                });
                if self.version == 1 {
                    Step::Reserved
                } else {
                    Step::FrameLength
                }
            }
            Step::Reserved => {
                if r.u32(name)? != 0 {
                    return Err(Error::malformed(name, "reserved field must be zero"));
                }
                Step::IvLen
            }
            Step::IvLen => {
                let iv_len = r.u8(name)?;
                if usize::from(iv_len) != IV_LEN {
                    return Err(Error::malformed(
                        name,
                        format!("IV length {iv_len} is not 12"),
                    ));
                }
                Step::FrameLength
            }
            Step::FrameLength => {
                let frame_length = r.u32(name)?;
                match self.content_type {
                    Some(ContentType::NonFramed) if frame_length != 0 => {
                        return Err(Error::malformed(name, "must be 0 for a non-framed message"))
                    }
                    Some(ContentType::Framed) if frame_length == 0 => {
                        return Err(Error::malformed(
                            name,
                            "must be positive for a framed message",
                        ))
                    }
                    _ => {}
                }
                self.frame_length = frame_length;
                if self.version == 2 {
                    Step::SuiteData
                } else {
                    self.body_len = self.field_start + field.len();
                    Step::HeaderIv
                }
            }
            Step::SuiteData => {
                self.suite_data = field.to_vec();
                self.body_len = self.field_start + field.len();
                Step::AuthTag
            }
            Step::HeaderIv => {
                self.header_iv = r.array::<IV_LEN>(name)?;
                Step::AuthTag
            }
            Step::AuthTag => Step::Done,
            Step::Done => Step::Done,
        })
    }

    /// Stores field `which` of the current EDK; the ciphertext completes it.
    fn edk_field(&mut self, which: u8, field: &[u8]) -> Result<Step> {
        match which {
            0 => {
                let id = core::str::from_utf8(field)
                    .map_err(|_| Error::malformed(edk_field(0), "not valid UTF-8"))?;
                self.edk_provider_id = id.to_owned();
                Ok(Step::EdkFieldLen(1))
            }
            1 => {
                self.edk_provider_info = field.to_vec();
                Ok(Step::EdkFieldLen(2))
            }
            _ => {
                self.edks.push(EncryptedDataKey {
                    provider_id: std::mem::take(&mut self.edk_provider_id),
                    provider_info: std::mem::take(&mut self.edk_provider_info),
                    ciphertext: field.to_vec(),
                });
                if self.edks.len() < usize::from(self.edk_count) {
                    Ok(Step::EdkFieldLen(0))
                } else {
                    Ok(Step::ContentType)
                }
            }
        }
    }

    /// Moves the parsed fields out once the tag has been read.
    fn complete(&mut self) -> Result<CompleteHeader> {
        let bytes = std::mem::take(&mut self.bytes);
        let mut tag_reader = Reader::new(
            bytes
                .get(bytes.len().saturating_sub(TAG_LEN)..)
                .unwrap_or(&[]),
        );
        let auth_tag = tag_reader.array::<TAG_LEN>("header.auth_tag")?;
        let (Some(suite), Some(content_type)) = (self.suite, self.content_type) else {
            return Err(Error::Truncated { field: "header" });
        };
        let header = MessageHeader {
            version: self.version,
            suite,
            message_id: std::mem::take(&mut self.message_id),
            encryption_context: std::mem::take(&mut self.encryption_context),
            encrypted_data_keys: std::mem::take(&mut self.edks),
            content_type,
            frame_length: self.frame_length,
            header_iv: self.header_iv,
            suite_data: std::mem::take(&mut self.suite_data),
            auth_tag,
        };
        Ok(CompleteHeader {
            parsed: ParsedHeader {
                header,
                body_len: self.body_len,
                total_len: bytes.len(),
            },
            bytes,
        })
    }
}

fn bad_version(version: u8) -> Error {
    Error::malformed(
        "header.version",
        format!("unsupported version 0x{version:02x}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(version: u8, edks: usize) -> MessageHeader {
        let (suite, id_len, suite_data) = if version == 2 {
            (0x0478, 32, vec![7u8; SUITE_DATA_LEN])
        } else {
            (0x0378, 16, Vec::new())
        };
        let mut encryption_context = EncryptionContext::new();
        encryption_context.insert("purpose".into(), "test".into());
        MessageHeader {
            version,
            suite: AlgorithmSuite::from_id(suite).unwrap(),
            message_id: vec![3; id_len],
            encryption_context,
            encrypted_data_keys: (0..edks)
                .map(|i| EncryptedDataKey {
                    provider_id: format!("p{i}"),
                    provider_info: vec![i as u8; i],
                    ciphertext: vec![0xc0; 40 + i],
                })
                .collect(),
            content_type: ContentType::Framed,
            frame_length: 4096,
            header_iv: if version == 1 {
                [9; IV_LEN]
            } else {
                [0; IV_LEN]
            },
            suite_data,
            auth_tag: [5; TAG_LEN],
        }
    }

    /// Feeds `bytes` in chunks of `chunk`; returns the header and the bytes used of the last
    /// chunk, or the error.
    fn feed_chunked(bytes: &[u8], chunk: usize, limits: HeaderLimits) -> Result<CompleteHeader> {
        let mut parser = HeaderParser::new(limits);
        for (i, part) in bytes.chunks(chunk).enumerate() {
            if let HeaderProgress::Done { consumed, header } = parser.feed(part)? {
                assert_eq!(i * chunk + consumed, header.parsed.total_len);
                return Ok(*header);
            }
        }
        Err(parser.truncated())
    }

    #[test]
    fn any_chunking_gives_the_one_shot_result() {
        for version in [1, 2] {
            let h = header(version, 3);
            let mut bytes = h.serialize().unwrap();
            let total = bytes.len();
            let body_len = h.serialize_body().unwrap().len();
            bytes.extend_from_slice(b"body bytes after the header");
            for chunk in 1..=total + 1 {
                let complete = feed_chunked(&bytes, chunk, HeaderLimits::default()).unwrap();
                assert_eq!(complete.parsed.header, h);
                assert_eq!(complete.parsed.total_len, total);
                assert_eq!(complete.parsed.body_len, body_len);
                assert_eq!(complete.bytes, bytes[..total]);
                assert_eq!(complete.body(), &bytes[..body_len]);
            }
            // Every truncation waits for more, naming the field it needs.
            for n in 0..total {
                let err = MessageHeader::parse(&bytes[..n], None).unwrap_err();
                assert_eq!(err.code(), "ERR_TRUNCATED", "v{version} cut at {n}");
            }
        }
    }

    #[test]
    fn limits_fail_as_soon_as_the_length_is_known() {
        let h = header(2, 5);
        let bytes = h.serialize().unwrap();
        // The EDK count is checked on its own two bytes, before any EDK arrives.
        let count_end =
            1 + 2 + 32 + 2 + context::serialize(&h.encryption_context).unwrap().len() + 2;
        let mut parser = HeaderParser::new(HeaderLimits {
            max_encrypted_data_keys: Some(4),
            ..HeaderLimits::default()
        });
        let err = parser.feed(&bytes[..count_end]).unwrap_err();
        assert!(matches!(err, Error::TooManyEncryptedDataKeys { max: 4 }));
        assert!(parser.feed(&bytes[count_end..]).is_err(), "stays failed");
        let mut parser = HeaderParser::new(HeaderLimits {
            max_encrypted_data_keys: Some(5),
            ..HeaderLimits::default()
        });
        assert!(matches!(
            parser.feed(&bytes),
            Ok(HeaderProgress::Done { .. })
        ));

        // A length field that announces more than the limit fails before its bytes arrive.
        let mut big = header(2, 1);
        big.encrypted_data_keys[0].ciphertext = vec![1; 60_000];
        let bytes = big.serialize().unwrap();
        let limits = HeaderLimits {
            max_encrypted_data_keys: None,
            max_header_len: 50_000,
        };
        let mut parser = HeaderParser::new(limits);
        let err = parser.feed(&bytes[..200]).unwrap_err();
        assert!(matches!(err, Error::HeaderTooLarge { max: 50_000 }));
        assert_eq!(err.code(), "ERR_HEADER_TOO_LARGE");
        assert!(parser.len() <= 200);
        // Exactly at the limit is accepted.
        let limits = HeaderLimits {
            max_encrypted_data_keys: None,
            max_header_len: bytes.len(),
        };
        assert!(feed_chunked(&bytes, 1000, limits).is_ok());
        let limits = HeaderLimits {
            max_encrypted_data_keys: None,
            max_header_len: bytes.len() - 1,
        };
        assert_eq!(
            feed_chunked(&bytes, 1000, limits).unwrap_err().code(),
            "ERR_HEADER_TOO_LARGE"
        );
    }

    #[test]
    fn malformed_fields_fail_in_any_chunking() {
        let good = header(1, 2).serialize().unwrap();
        // (offset, byte, expected code)
        let cases = [
            (0, 9u8, "ERR_BAD_CIPHERTEXT"),
            (1, 0x81, "ERR_BAD_CIPHERTEXT"),
            (3, 0x79, "ERR_BAD_CIPHERTEXT"),
        ];
        for (at, byte, code) in cases {
            let mut bad = good.clone();
            bad[at] = byte;
            for chunk in [1, 2, 7, bad.len()] {
                let err = feed_chunked(&bad, chunk, HeaderLimits::default()).unwrap_err();
                assert_eq!(err.code(), code, "byte {at} = {byte:#x}, chunks of {chunk}");
            }
        }
        for chunk in [1, 4] {
            let err = feed_chunked(b"AYABeMore", chunk, HeaderLimits::default()).unwrap_err();
            assert_eq!(err.code(), "ERR_BASE64_INPUT");
            let err = feed_chunked(b"Ax", chunk, HeaderLimits::default()).unwrap_err();
            assert_eq!(err.code(), "ERR_BAD_CIPHERTEXT");
        }
        // A provider id that is not UTF-8.
        let mut h = header(2, 1);
        h.encrypted_data_keys[0].provider_id = "\u{e9}".into();
        let mut bytes = h.serialize().unwrap();
        let at = bytes.iter().position(|&b| b == 0xc3).unwrap();
        bytes[at] = 0xff;
        let err = feed_chunked(&bytes, 3, HeaderLimits::default()).unwrap_err();
        assert_eq!(err.code(), "ERR_BAD_CIPHERTEXT");
    }
}
