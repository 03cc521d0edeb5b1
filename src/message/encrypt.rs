//! Message encryption: header, frames and footer, produced incrementally.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::cmm::{CryptoMaterialsManager, EncryptionMaterialsRequest};
use crate::codec::Writer;
use crate::context::{self, EncryptionContext};
use crate::crypto::content_key::{ContentKey, SealJob};
use crate::crypto::kdf;
use crate::crypto::random;
use crate::crypto::signature::MessageSigner;
use crate::error::{Error, Result};
use crate::message::body::{body_aad, frame_iv, BodyPart, FINAL_FRAME_MARKER, MAX_NON_FRAMED_LEN};
use crate::message::header::{ContentType, MessageHeader};
use crate::message::header_parser::DEFAULT_MAX_HEADER_LEN;
use crate::plaintext_buf;
use crate::policy::CommitmentPolicy;
use crate::suite::{AlgorithmSuite, IV_LEN, TAG_LEN};

/// Default frame length (bytes of plaintext per frame).
pub const DEFAULT_FRAME_LENGTH: u32 = 4096;

/// Body layout for new messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// Frames of this many plaintext bytes (1 ..= 2^32 - 1).
    Framed(u32),
    /// One AES-GCM block; legacy, only on request. Holds the whole plaintext before writing.
    NonFramed,
}

impl Default for Framing {
    fn default() -> Self {
        Framing::Framed(DEFAULT_FRAME_LENGTH)
    }
}

/// Per-message encryption options.
#[derive(Clone, Debug, Default)]
pub struct EncryptOptions {
    /// Pairs bound to the message (stored in the header unless marked required by a CMM).
    pub encryption_context: EncryptionContext,
    /// The suite; the commitment policy's default when `None`.
    pub suite: Option<AlgorithmSuite>,
    /// Framing; 4096-byte frames by default.
    pub framing: Framing,
}

/// Client-wide settings every message uses.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClientConfig {
    pub commitment_policy: CommitmentPolicy,
    pub max_encrypted_data_keys: Option<u16>,
    /// Decrypt refuses longer headers ([`DEFAULT_MAX_HEADER_LEN`] unless configured).
    pub max_header_len: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            commitment_policy: CommitmentPolicy::default(),
            max_encrypted_data_keys: None,
            max_header_len: DEFAULT_MAX_HEADER_LEN,
        }
    }
}

/// Encrypts one message incrementally: feed plaintext with [`update`](Self::update), then
/// [`finish`](Self::finish). Memory use is one frame (framed messages).
pub struct Encryptor {
    header: MessageHeader,
    header_bytes: Option<Vec<u8>>,
    key: ContentKey,
    framing: Framing,
    /// Plaintext of the frame being filled (zeroized on drop).
    pending: Zeroizing<Vec<u8>>,
    sequence: u32,
    non_framed_len: u64,
    signer: Option<MessageSigner>,
    /// The plaintext length declared to the CMM, if any, and the plaintext fed so far: more than
    /// declared would spend a cached data key's byte budget without it being counted.
    declared_len: Option<u64>,
    fed: u64,
}

impl core::fmt::Debug for Encryptor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Encryptor")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl Encryptor {
    pub(crate) async fn start(
        cmm: Arc<dyn CryptoMaterialsManager>,
        config: ClientConfig,
        options: EncryptOptions,
        declared_len: Option<u64>,
    ) -> Result<Self> {
        context::check_no_reserved_keys(&options.encryption_context)?;
        if let Some(suite) = options.suite {
            config.commitment_policy.check_encrypt(suite)?;
        }
        if options.framing == Framing::Framed(0) {
            return Err(Error::invalid(
                "frameLength must be between 1 and 4294967295 (0 is not a frame length)",
            ));
        }
        let materials = cmm
            .get_encryption_materials(EncryptionMaterialsRequest {
                encryption_context: options.encryption_context,
                suite: options.suite,
                commitment_policy: config.commitment_policy,
                required_context_keys: Default::default(),
                max_plaintext_length: declared_len,
            })
            .await?;
        let suite = materials.suite;
        config.commitment_policy.check_encrypt(suite)?;
        if options.suite.is_some_and(|s| s != suite) {
            return Err(Error::Keyring(
                "materials manager changed the requested algorithm suite".into(),
            ));
        }
        if let Some(max) = config.max_encrypted_data_keys {
            if materials.encrypted_data_keys.len() > max as usize {
                return Err(Error::TooManyEncryptedDataKeys { max });
            }
        }
        let data_key = materials
            .data_key
            .as_ref()
            .ok_or_else(|| Error::Keyring("no data key".into()))?;
        let message_id = random::bytes(suite.message_id_len())?;
        let derived = kdf::derive(suite, data_key.as_bytes(), &message_id).await?;
        let key = derived.content_key;

        // Required pairs are authenticated but not stored (spec: client-apis/encrypt.md).
        let (stored, auth_only): (EncryptionContext, EncryptionContext) = materials
            .encryption_context
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .partition(|(k, _)| !materials.required_context_keys.contains(k));
        let (content_type, frame_length) = match options.framing {
            Framing::Framed(l) => (ContentType::Framed, l),
            Framing::NonFramed => (ContentType::NonFramed, 0),
        };
        let mut header = MessageHeader {
            version: suite.message_format_version(),
            suite,
            message_id,
            encryption_context: stored,
            encrypted_data_keys: materials.encrypted_data_keys.clone(),
            content_type,
            frame_length,
            header_iv: [0u8; IV_LEN],
            suite_data: derived.commit_key.map(|c| c.to_vec()).unwrap_or_default(),
            auth_tag: [0u8; 16],
        };
        let mut aad = header.serialize_body()?;
        aad.extend_from_slice(&context::serialize(&auth_only)?);
        let tag = key.seal(&header.header_iv, &aad, &[]).await?;
        header.auth_tag = tag
            .as_slice()
            .try_into()
            .map_err(|_| Error::Keyring("header tag has the wrong length".into()))?;
        let header_bytes = header.serialize()?;

        let signer = match (materials.signing_key, suite.signature()) {
            (Some(k), Some(alg)) => {
                let mut signer = k.start(alg)?;
                signer.update(&header_bytes);
                Some(signer)
            }
            (None, None) => None,
            _ => {
                return Err(Error::Keyring(
                    "signing key does not match the suite".into(),
                ))
            }
        };
        Ok(Encryptor {
            header,
            header_bytes: Some(header_bytes),
            key,
            framing: options.framing,
            pending: Zeroizing::default(),
            sequence: 1,
            non_framed_len: 0,
            signer,
            declared_len,
            fed: 0,
        })
    }

    /// The header of the message being written.
    pub fn header(&self) -> &MessageHeader {
        &self.header
    }

    /// Encrypts `input`, appending whatever complete output is ready to `out`. (The
    /// `host-crypto` build, whose AES-GCM answers later, needs [`update_async`](Self::update_async).)
    pub fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        crate::future::now_or_never(self.update_async(input, out)).unwrap_or_else(|| {
            Err(Error::invalid(
                "the host AES-GCM answers asynchronously: use update_async",
            ))
        })
    }

    /// Encrypts `input`, appending whatever complete output is ready to `out`; the frames it
    /// completes are sealed as one batch. On error no frame of the batch is left in `out`, and
    /// the encryptor must not be used further.
    pub async fn update_async(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.fed = self.fed.saturating_add(input.len() as u64);
        if let Some(max) = self.declared_len {
            if self.fed > max {
                return Err(Error::LimitExceeded(format!(
                    "more plaintext than the {max} bytes declared when the encryption started"
                )));
            }
        }
        self.emit_header(out);
        let frame_len = match self.framing {
            Framing::NonFramed => {
                self.non_framed_len += input.len() as u64;
                if self.non_framed_len > MAX_NON_FRAMED_LEN {
                    return Err(Error::LimitExceeded(
                        "non-framed content is limited to 2^36 - 32 bytes".into(),
                    ));
                }
                plaintext_buf::extend(&mut self.pending, input);
                return Ok(());
            }
            Framing::Framed(l) => l as usize,
        };
        // A regular frame is written only when more bytes follow it, so the last frame is
        // always the final frame (full when the length is a multiple of the frame length).
        let mut batch = FrameBatch::new(out);
        if !self.pending.is_empty() {
            let take = (frame_len - self.pending.len()).min(input.len());
            plaintext_buf::extend(&mut self.pending, &input[..take]);
            input = &input[take..];
            if self.pending.len() == frame_len && !input.is_empty() {
                let frame = std::mem::take(&mut self.pending);
                let laid = self.lay_out_frame(&frame, BodyPart::Frame, &mut batch);
                self.pending = frame;
                self.pending.clear();
                laid?;
            }
        }
        while input.len() > frame_len {
            let (frame, rest) = input.split_at(frame_len);
            self.lay_out_frame(frame, BodyPart::Frame, &mut batch)?;
            input = rest;
        }
        self.seal_batch(&mut batch).await?;
        plaintext_buf::extend(&mut self.pending, input);
        Ok(())
    }

    /// Writes the final frame (or the single block) and the footer. A host signer that
    /// answers later (WebCrypto) needs [`finish_async`](Self::finish_async) instead.
    pub fn finish(self, out: &mut Vec<u8>) -> Result<()> {
        crate::future::now_or_never(self.finish_async(out)).unwrap_or_else(|| {
            Err(Error::Keyring(
                "the host crypto answers asynchronously: use the one-shot encrypt".into(),
            ))
        })
    }

    /// Writes the final frame (or the single block) and the footer, waiting for the signature.
    pub async fn finish_async(mut self, out: &mut Vec<u8>) -> Result<()> {
        self.emit_header(out);
        let pending = std::mem::take(&mut self.pending);
        let part = match self.framing {
            Framing::Framed(_) => BodyPart::FinalFrame,
            Framing::NonFramed => BodyPart::SingleBlock,
        };
        let mut batch = FrameBatch::new(out);
        self.lay_out_frame(&pending, part, &mut batch)?;
        drop(pending);
        self.seal_batch(&mut batch).await?;
        drop(batch);
        if let Some(signer) = self.signer.take() {
            let sig = signer.finish().await?;
            out.put_u16_prefixed(&sig, "signature")?;
        }
        Ok(())
    }

    fn emit_header(&mut self, out: &mut Vec<u8>) {
        if let Some(h) = self.header_bytes.take() {
            out.extend_from_slice(&h);
        }
    }

    /// Appends a frame's fields and plaintext (sealed later, with the batch) and a place for
    /// its tag.
    fn lay_out_frame(
        &mut self,
        plaintext: &[u8],
        part: BodyPart,
        batch: &mut FrameBatch<'_>,
    ) -> Result<()> {
        let seq = self.sequence;
        if part == BodyPart::Frame && seq == u32::MAX {
            return Err(Error::LimitExceeded(
                "a message holds at most 2^32 - 1 frames".into(),
            ));
        }
        let iv = frame_iv(seq);
        let out = &mut *batch.out;
        // Growth must not leave the batch's unsealed plaintext behind in freed memory.
        plaintext_buf::reserve(out, plaintext.len() + 40);
        match part {
            BodyPart::Frame => {
                out.put_u32(seq);
                out.extend_from_slice(&iv);
            }
            BodyPart::FinalFrame => {
                out.put_u32(FINAL_FRAME_MARKER);
                out.put_u32(seq);
                out.extend_from_slice(&iv);
                out.put_u32(plaintext.len() as u32);
            }
            BodyPart::SingleBlock => {
                out.extend_from_slice(&iv);
                out.put_u64(plaintext.len() as u64);
            }
        }
        let mut aad = Vec::with_capacity(96);
        body_aad(
            &mut aad,
            &self.header.message_id,
            part,
            seq,
            plaintext.len() as u64,
        );
        let start = out.len();
        out.extend_from_slice(plaintext);
        out.resize(start + plaintext.len() + TAG_LEN, 0);
        let job = SealJob {
            iv,
            aad,
            start,
            len: plaintext.len(),
        };
        self.sequence = seq.wrapping_add(1);
        // A synchronous AES-GCM seals the frame now, while it is in cache; the host of the
        // `host-crypto` build gets the whole batch at once.
        #[cfg(not(feature = "host-crypto"))]
        self.key.seal_job(out, &job)?;
        #[cfg(feature = "host-crypto")]
        batch.jobs.push(job);
        Ok(())
    }

    /// Seals the laid-out frames in place and signs them.
    async fn seal_batch(&mut self, batch: &mut FrameBatch<'_>) -> Result<()> {
        if !batch.jobs.is_empty() {
            self.key.seal_jobs(batch.out, &batch.jobs).await?;
        }
        if let Some(h) = &mut self.signer {
            if let Some(sealed) = batch.out.get(batch.start..).filter(|b| !b.is_empty()) {
                h.update(sealed);
            }
        }
        batch.sealed = true;
        Ok(())
    }
}

/// Frames laid out in `out` from `start` on, waiting to be sealed together. Dropped unsealed
/// (an error on the way), it zeroizes and removes them: they are still plaintext.
struct FrameBatch<'a> {
    out: &'a mut Vec<u8>,
    start: usize,
    jobs: Vec<SealJob>,
    sealed: bool,
}

impl<'a> FrameBatch<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        FrameBatch {
            start: out.len(),
            out,
            jobs: Vec::new(),
            sealed: false,
        }
    }
}

impl Drop for FrameBatch<'_> {
    fn drop(&mut self) {
        if !self.sealed {
            plaintext_buf::discard_tail(self.out, self.start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsealed_batch_leaves_nothing_behind() {
        let mut out = b"header".to_vec();
        let batch = FrameBatch::new(&mut out);
        batch.out.extend_from_slice(b"plaintext not sealed yet");
        drop(batch);
        assert_eq!(out, b"header");

        let mut batch = FrameBatch::new(&mut out);
        batch.out.extend_from_slice(b"sealed");
        batch.sealed = true;
        drop(batch);
        assert_eq!(out, b"headersealed");
    }
}
