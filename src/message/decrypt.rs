//! Message decryption, incremental: bytes in, authenticated plaintext out.
//!
//! Order (spec: client-apis/decrypt.md): parse header → commitment policy → materials →
//! key commitment (constant time) → header tag → frames → footer signature.

use std::borrow::Cow;
use std::sync::Arc;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::cmm::{CryptoMaterialsManager, DecryptionMaterialsRequest};
use crate::codec::Reader;
use crate::context::{self, EncryptionContext};
use crate::crypto::content_key::{ContentKey, OpenJob};
use crate::crypto::kdf;
use crate::crypto::signature::MessageVerifier;
use crate::error::{Error, Result};
use crate::message::body::{body_aad, frame_iv, BodyPart, FINAL_FRAME_MARKER, MAX_NON_FRAMED_LEN};
use crate::message::encrypt::ClientConfig;
use crate::message::header::{ContentType, MessageHeader};
use crate::message::header_parser::{CompleteHeader, HeaderLimits, HeaderParser, HeaderProgress};
use crate::plaintext_buf;
use crate::suite::{IV_LEN, TAG_LEN};

/// What to do with signed messages (suites 0x0214, 0x0346, 0x0378, 0x0578).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignedMessages {
    /// Decrypt them, releasing no plaintext until the footer signature verifies (default).
    /// Streaming holds the plaintext of a signed message in memory until then.
    #[default]
    VerifyBeforeRelease,
    /// Decrypt them, releasing regular frames as soon as their tags verify, before the
    /// signature is checked (explicit opt-in; the final frame still waits for the signature).
    /// If the signature then fails, the caller must discard everything it received.
    ReleaseUnverifiedFrames,
    /// Refuse them right after the header: the ESDK's "unsigned only" streaming mode.
    Refuse,
}

/// Per-message decryption options.
#[derive(Clone, Debug, Default)]
pub struct DecryptOptions {
    /// Reproduced context: each pair must match the message; pairs not stored are supplied.
    pub encryption_context: EncryptionContext,
    /// Handling of signed messages.
    pub signed_messages: SignedMessages,
}

/// What decryption learned about the message.
#[derive(Clone, Debug)]
pub struct DecryptedMessageInfo {
    /// The parsed header (its context is the stored one).
    pub header: MessageHeader,
    /// The full context: stored pairs plus reproduced pairs that were not stored.
    pub encryption_context: EncryptionContext,
}

struct Active {
    header: MessageHeader,
    encryption_context: EncryptionContext,
    key: ContentKey,
    verifier: Option<MessageVerifier>,
    next_sequence: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Header,
    Body,
    Footer,
    Done,
}

/// Decrypts one message incrementally.
pub struct Decryptor {
    cmm: Arc<dyn CryptoMaterialsManager>,
    config: ClientConfig,
    options: DecryptOptions,
    stage: Stage,
    /// The header, parsed as its bytes arrive (each byte once, whatever the chunking).
    header_parser: HeaderParser,
    /// An incomplete frame or footer carried over to the next input.
    buf: Vec<u8>,
    /// Plaintext held back until the signature verifies (zeroized on drop, whole capacity).
    held: Zeroizing<Vec<u8>>,
    active: Option<Active>,
}

impl Decryptor {
    pub(crate) fn new(
        cmm: Arc<dyn CryptoMaterialsManager>,
        config: ClientConfig,
        options: DecryptOptions,
    ) -> Self {
        let header_parser = HeaderParser::new(HeaderLimits {
            max_encrypted_data_keys: config.max_encrypted_data_keys,
            max_header_len: config.max_header_len,
        });
        Decryptor {
            cmm,
            config,
            options,
            stage: Stage::Header,
            header_parser,
            buf: Vec::new(),
            held: Zeroizing::default(),
            active: None,
        }
    }

    /// The header, once it has been parsed and authenticated.
    pub fn header(&self) -> Option<&MessageHeader> {
        self.active.as_ref().map(|a| &a.header)
    }

    /// Consumes `input`, appending plaintext that may be released to `out`.
    ///
    /// Unsigned messages release each frame once its tag verifies; signed messages follow
    /// [`SignedMessages`]. After an error the decryptor is unusable and everything it
    /// released must be discarded.
    pub async fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        if self.buf.is_empty() {
            let used = self.process(input, out).await?;
            self.buf.extend_from_slice(&input[used..]);
        } else {
            let mut buf = std::mem::take(&mut self.buf);
            buf.extend_from_slice(input);
            let used = self.process(&buf, out).await?;
            buf.drain(..used);
            self.buf = buf;
        }
        Ok(())
    }

    /// Ends the input: fails if the message is incomplete, and releases held plaintext.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<DecryptedMessageInfo> {
        let field = match self.stage {
            Stage::Header => "header",
            Stage::Body => "body",
            Stage::Footer => "footer",
            Stage::Done => "",
        };
        if self.stage != Stage::Done {
            return Err(Error::Truncated { field });
        }
        if !self.buf.is_empty() {
            return Err(Error::TrailingBytes(self.buf.len()));
        }
        plaintext_buf::append(out, &mut self.held);
        let active = self
            .active
            .take()
            .ok_or(Error::Truncated { field: "header" })?;
        Ok(DecryptedMessageInfo {
            header: active.header,
            encryption_context: active.encryption_context,
        })
    }

    /// Processes as much of `data` as is complete; returns the bytes consumed.
    async fn process(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<usize> {
        let mut pos = 0;
        loop {
            let rest = &data[pos..];
            let used = match self.stage {
                // The parser takes every header byte it is given, so nothing of the header is
                // left in `buf`.
                Stage::Header => match self.header_parser.feed(rest)? {
                    HeaderProgress::NeedMore => {
                        pos = data.len();
                        break;
                    }
                    HeaderProgress::Done { consumed, header } => {
                        self.begin(*header).await?;
                        consumed
                    }
                },
                Stage::Body => match self.body(rest, out).await? {
                    None => break,
                    Some(n) => n,
                },
                Stage::Footer => match self.footer(rest).await? {
                    None => break,
                    Some(n) => {
                        plaintext_buf::append(out, &mut self.held);
                        n
                    }
                },
                Stage::Done => {
                    if !rest.is_empty() {
                        return Err(Error::TrailingBytes(rest.len()));
                    }
                    break;
                }
            };
            pos += used;
        }
        Ok(pos)
    }

    async fn begin(&mut self, complete: CompleteHeader) -> Result<()> {
        let CompleteHeader { parsed, bytes } = complete;
        let header = parsed.header;
        let header_bytes = &bytes[..];
        let header_body = bytes.get(..parsed.body_len).unwrap_or(&[]);
        let suite = header.suite;
        self.config.commitment_policy.check_decrypt(suite)?;
        if suite.signature().is_some() && self.options.signed_messages == SignedMessages::Refuse {
            return Err(Error::SignedMessageRefused);
        }
        let materials = self
            .cmm
            .decrypt_materials(DecryptionMaterialsRequest {
                suite,
                commitment_policy: self.config.commitment_policy,
                encrypted_data_keys: header.encrypted_data_keys.clone(),
                stored_context: header.encryption_context.clone(),
                reproduced_context: self.options.encryption_context.clone(),
            })
            .await?;
        if materials.suite != suite {
            return Err(Error::Keyring(
                "materials manager changed the message's algorithm suite".into(),
            ));
        }
        let data_key = materials
            .data_key
            .as_ref()
            .ok_or_else(|| Error::NoDecryptingKeyring(Vec::new()))?;
        let derived = kdf::derive(suite, data_key.as_bytes(), &header.message_id).await?;
        if let Some(commit) = derived.commit_key {
            if !bool::from(commit.as_slice().ct_eq(&header.suite_data)) {
                return Err(Error::CommitmentMismatch);
            }
        }
        let key = derived.content_key;
        // Inserted one by one: collecting into a BTreeMap sorts, which costs the wasm module a
        // sort instantiation; the source is already in order.
        let mut auth_only = EncryptionContext::new();
        for (k, v) in &materials.encryption_context {
            if materials.required_context_keys.contains(k) {
                auth_only.insert(k.clone(), v.clone());
            }
        }
        // AAD = header body ‖ required-but-unstored pairs (spec: data-format/message-header.md
        // #header-authentication-tag); most messages have none, so no copy of the body then.
        let aad = if auth_only.is_empty() {
            Cow::Borrowed(header_body)
        } else {
            let mut aad = Vec::with_capacity(header_body.len() + 64);
            aad.extend_from_slice(header_body);
            aad.extend_from_slice(&context::serialize(&auth_only)?);
            Cow::Owned(aad)
        };
        key.open(&header.header_iv, &aad, &header.auth_tag)
            .await?
            .map_err(|_| Error::HeaderAuthFailed)?;
        let verifier = match (suite.signature(), materials.verifying_key) {
            (Some(alg), Some(vk)) => {
                let mut v = vk.start(alg).await?;
                v.update(header_bytes);
                Some(v)
            }
            (None, _) => None,
            (Some(_), None) => {
                return Err(Error::SignatureInvalid(
                    "no verification key for a signed message".into(),
                ))
            }
        };
        self.active = Some(Active {
            header,
            encryption_context: materials.encryption_context,
            key,
            verifier,
            next_sequence: 1,
        });
        self.stage = Stage::Body;
        Ok(())
    }

    /// Decrypts the frames (or the single block) complete at the start of `data` as one
    /// batch; returns the bytes consumed, `None` while not even one is complete.
    async fn body(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<Option<usize>> {
        let hold_all = self.options.signed_messages == SignedMessages::VerifyBeforeRelease;
        let Decryptor {
            active,
            held,
            stage,
            ..
        } = self;
        let a = active
            .as_mut()
            .ok_or(Error::Truncated { field: "header" })?;
        let signed = a.verifier.is_some();
        let mut pos = 0;
        let mut jobs = Vec::new();
        // Job `i` is frame `first_sequence + i`: each frame must carry the next number.
        let first_sequence = a.next_sequence;
        // Each batch goes to one buffer: released now (`out`) or held for the signature.
        let mut to_held = None;
        let mut last = false;
        while !last {
            let Some(frame) = need_more(read_body_part(&data[pos..], &a.header))? else {
                break;
            };
            let BodyFrame {
                part,
                sequence,
                iv,
                ciphertext_at,
                ciphertext_len,
                len,
            } = frame;
            let held_part = signed && (hold_all || part != BodyPart::Frame);
            if *to_held.get_or_insert(held_part) != held_part {
                break; // the next batch takes it
            }
            if sequence != a.next_sequence {
                return Err(Error::malformed(
                    "body.sequence_number",
                    format!(
                        "expected frame {} but found frame {sequence}",
                        a.next_sequence
                    ),
                ));
            }
            if iv != frame_iv(sequence) {
                return Err(Error::malformed(
                    "body.iv",
                    format!("frame {sequence} IV is not the sequence-number IV"),
                ));
            }
            let mut aad = Vec::with_capacity(96);
            body_aad(
                &mut aad,
                &a.header.message_id,
                part,
                sequence,
                ciphertext_len as u64,
            );
            let target = if held_part { &mut *held } else { &mut *out };
            jobs.push(OpenJob {
                iv,
                aad,
                sealed: pos + ciphertext_at,
                start: target.len(),
                len: ciphertext_len,
            });
            plaintext_buf::extend_zeroed(target, ciphertext_len);
            if let Some(h) = &mut a.verifier {
                h.update(&data[pos..pos + len]);
            }
            pos += len;
            if part == BodyPart::Frame {
                a.next_sequence = sequence
                    .checked_add(1)
                    .ok_or_else(|| Error::malformed("body.sequence_number", "too many frames"))?;
            } else {
                last = true;
            }
        }
        let Some(first) = jobs.first().map(|j| j.start) else {
            return Ok(None);
        };
        let target = if to_held == Some(true) { held } else { out };
        let failed = match a.key.open_jobs(data, target, &jobs).await {
            Ok(Ok(())) => None,
            Ok(Err(i)) => Some(Error::BodyAuthFailed {
                sequence: u32::try_from(i)
                    .map_or(first_sequence, |i| first_sequence.wrapping_add(i)),
            }),
            Err(e) => Some(e),
        };
        if let Some(e) = failed {
            plaintext_buf::discard_tail(target, first);
            return Err(e);
        }
        if last {
            *stage = if signed { Stage::Footer } else { Stage::Done };
        }
        Ok(Some(pos))
    }

    async fn footer(&mut self, data: &[u8]) -> Result<Option<usize>> {
        let mut r = Reader::new(data);
        let Some(sig) = need_more(r.u16_prefixed("footer.signature"))? else {
            return Ok(None);
        };
        let a = self
            .active
            .as_mut()
            .ok_or(Error::Truncated { field: "header" })?;
        let verifier = a
            .verifier
            .take()
            .ok_or_else(|| Error::SignatureInvalid("no verifier".into()))?;
        verifier.verify(sig).await?;
        self.stage = Stage::Done;
        Ok(Some(r.position()))
    }
}

/// A complete frame (or single block) at the start of the input.
struct BodyFrame {
    part: BodyPart,
    sequence: u32,
    iv: [u8; IV_LEN],
    /// Where `ciphertext ‖ tag` starts in the frame.
    ciphertext_at: usize,
    ciphertext_len: usize,
    /// Serialized length of the whole frame.
    len: usize,
}

fn read_body_part(data: &[u8], header: &MessageHeader) -> Result<BodyFrame> {
    let mut r = Reader::new(data);
    let (part, sequence, iv, content_len) = match header.content_type {
        ContentType::NonFramed => {
            let iv = r.array::<IV_LEN>("body.iv")?;
            let len = r.u64("body.content_length")?;
            if len > MAX_NON_FRAMED_LEN {
                return Err(Error::malformed(
                    "body.content_length",
                    "exceeds 2^36 - 32 bytes",
                ));
            }
            (BodyPart::SingleBlock, 1, iv, len)
        }
        ContentType::Framed => {
            let first = r.u32("body.sequence_number")?;
            if first == FINAL_FRAME_MARKER {
                let seq = r.u32("body.final_frame.sequence_number")?;
                let iv = r.array::<IV_LEN>("body.final_frame.iv")?;
                let len = r.u32("body.final_frame.content_length")?;
                if len > header.frame_length {
                    return Err(Error::malformed(
                        "body.final_frame.content_length",
                        format!("{len} exceeds the frame length {}", header.frame_length),
                    ));
                }
                (BodyPart::FinalFrame, seq, iv, len as u64)
            } else {
                let iv = r.array::<IV_LEN>("body.frame.iv")?;
                (BodyPart::Frame, first, iv, header.frame_length as u64)
            }
        }
    };
    let content_len =
        usize::try_from(content_len).map_err(|_| Error::LimitExceeded("content length".into()))?;
    let ciphertext_at = r.position();
    r.take(content_len, "body.ciphertext")?;
    r.take(TAG_LEN, "body.auth_tag")?;
    Ok(BodyFrame {
        part,
        sequence,
        iv,
        ciphertext_at,
        ciphertext_len: content_len,
        len: r.position(),
    })
}

/// Maps a short read to "wait for more input".
fn need_more<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Error::Truncated { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
