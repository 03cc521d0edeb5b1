//! Message encryption as a synchronous state machine (sans-IO): plaintext in, the next thing it
//! needs out, the serialized message out as its parts are sealed.
//!
//! Like [`DecryptMachine`](super::decrypt_machine::DecryptMachine), the machine writes and
//! checks the message format and nothing else: each [`EncryptStep`] names work for its driver
//! (get materials, derive the message keys, seal the header tag, start the signer, seal a batch
//! of frames in place, sign), and the driver answers with the matching method.
//! [`Encryptor`](super::encrypt::Encryptor) is the crate's driver.
//!
//! Spec: client-apis/encrypt.md; the layout is data-format/message-header.md and
//! message-body.md.

use crate::cmm::EncryptionMaterialsRequest;
use crate::codec::Writer;
use crate::context::{self, EncryptionContext};
use crate::crypto::content_key::SealJob;
use crate::crypto::random;
use crate::error::{Error, Result};
use crate::materials::EncryptionMaterials;
use crate::message::body::{body_aad, frame_iv, BodyPart, FINAL_FRAME_MARKER, MAX_NON_FRAMED_LEN};
use crate::message::encrypt::{ClientConfig, EncryptOptions, Framing};
use crate::message::header::{extended_header_aad, ContentType, MessageHeader};
use crate::plaintext_buf::{self, PlaintextBuf};
use crate::suite::{AlgorithmSuite, SignatureAlgorithm, IV_LEN, TAG_LEN};

/// What the machine needs next. Ask again with [`EncryptMachine::step`] after answering; a
/// step that was not answered is returned again.
#[derive(Debug)]
pub enum EncryptStep<'a> {
    /// Ask the materials manager, then answer with [`EncryptMachine::use_materials`].
    NeedMaterials(EncryptionMaterialsRequest),
    /// Derive the content key (and commit key) from the materials' data key, then answer with
    /// [`EncryptMachine::keys_derived`].
    DeriveKeys {
        /// The message's suite.
        suite: AlgorithmSuite,
        /// The new message's id.
        message_id: &'a [u8],
    },
    /// Seal no plaintext under the header AAD with the content key, then answer with the
    /// 16-byte tag ([`EncryptMachine::header_sealed`]).
    SealHeader {
        /// The header IV (all zero: each message has its own key).
        iv: &'a [u8; IV_LEN],
        /// The header body, then the required pairs that are not stored.
        aad: &'a [u8],
    },
    /// A signing suite: start a signer with the materials' signing key and give it `header`,
    /// then answer with [`EncryptMachine::signer_started`].
    StartSigner {
        /// The signature algorithm.
        alg: SignatureAlgorithm,
        /// The serialized header, the first bytes of the signed data.
        header: &'a [u8],
    },
    /// Give plaintext with [`EncryptMachine::input`], or end it with [`EncryptMachine::end`].
    NeedInput,
    /// Seal a batch of frames in place, then answer with [`EncryptMachine::sealed`].
    Seal(SealWork<'a>),
    /// Sign everything given to the signer, then answer with the DER signature
    /// ([`EncryptMachine::signed`]).
    Sign,
    /// The message is complete: take the rest of it with [`EncryptMachine::take_output`].
    Done,
}

/// A batch of AES-GCM encryptions in place: job `j` encrypts `buf[j.start..j.start + j.len]`
/// and writes its tag to the 16 bytes after it.
#[derive(Debug)]
pub struct SealWork<'a> {
    /// The laid-out frames: their fields, their plaintext, room for their tags.
    pub buf: &'a mut [u8],
    /// The jobs, in frame order.
    pub jobs: &'a [SealJob],
    /// A signing suite: once sealed, all of `buf` goes to the signer.
    pub signed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Materials,
    Keys,
    HeaderTag,
    Signer,
    Body,
    Sealing,
    Signing,
    Done,
    /// An answer was an error or a check failed: the machine stops.
    Failed,
}

/// The incremental encryption of one message, as a state machine its driver steps.
pub struct EncryptMachine {
    config: ClientConfig,
    options: EncryptOptions,
    declared_len: Option<u64>,
    state: State,
    message_id: Vec<u8>,
    header: Option<MessageHeader>,
    /// Pairs authenticated but not stored, until the header AAD is built.
    auth_only: EncryptionContext,
    /// The header AAD while the header tag is made.
    header_aad: Vec<u8>,
    signed: bool,
    /// The message so far; from `batch_start` on, frames laid out and not sealed yet.
    output: Vec<u8>,
    batch_start: usize,
    jobs: Vec<SealJob>,
    /// The part of the final frame (or the single block) received so far (zeroized on drop).
    pending: PlaintextBuf,
    sequence: u32,
    fed: u64,
    ended: bool,
    /// The final frame (or the single block) is laid out.
    last_laid: bool,
}

impl Drop for EncryptMachine {
    /// Frames laid out and never sealed are still plaintext.
    fn drop(&mut self) {
        if !self.jobs.is_empty() {
            let from = self.batch_start.min(self.output.len());
            plaintext_buf::discard_tail(&mut self.output, from);
        }
    }
}

impl core::fmt::Debug for EncryptMachine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EncryptMachine")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl EncryptMachine {
    /// A machine for one message; `declared_len` bounds the plaintext (a caching CMM charges
    /// it to a data key's budget).
    pub(crate) fn new(
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
        Ok(EncryptMachine {
            config,
            options,
            declared_len,
            state: State::Materials,
            message_id: Vec::new(),
            header: None,
            auth_only: EncryptionContext::new(),
            header_aad: Vec::new(),
            signed: false,
            output: Vec::new(),
            batch_start: 0,
            jobs: Vec::new(),
            pending: PlaintextBuf::default(),
            sequence: 1,
            fed: 0,
            ended: false,
            last_laid: false,
        })
    }

    /// The header of the message, once its tag is made.
    pub fn header(&self) -> Option<&MessageHeader> {
        self.header.as_ref().filter(|_| {
            !matches!(
                self.state,
                State::Materials | State::Keys | State::HeaderTag
            )
        })
    }

    /// The next step. An error ends the message.
    pub fn step(&mut self) -> Result<EncryptStep<'_>> {
        Ok(match self.state {
            State::Materials => EncryptStep::NeedMaterials(EncryptionMaterialsRequest {
                encryption_context: self.options.encryption_context.clone(),
                suite: self.options.suite,
                commitment_policy: self.config.commitment_policy,
                required_context_keys: Default::default(),
                max_plaintext_length: self.declared_len,
            }),
            State::Keys => EncryptStep::DeriveKeys {
                suite: self.header.as_ref().ok_or_else(out_of_order)?.suite,
                message_id: &self.message_id,
            },
            State::HeaderTag => EncryptStep::SealHeader {
                iv: &self.header.as_ref().ok_or_else(out_of_order)?.header_iv,
                aad: &self.header_aad,
            },
            State::Signer => {
                let alg = self
                    .header
                    .as_ref()
                    .and_then(|h| h.suite.signature())
                    .ok_or_else(out_of_order)?;
                EncryptStep::StartSigner {
                    alg,
                    header: &self.output,
                }
            }
            State::Body if self.ended => {
                match self.lay_out_last() {
                    Ok(()) => {}
                    Err(e) => return Err(self.fail(e)),
                }
                self.seal_step()
            }
            State::Body => EncryptStep::NeedInput,
            State::Sealing => self.seal_step(),
            State::Signing => EncryptStep::Sign,
            State::Done => EncryptStep::Done,
            State::Failed => return Err(Error::invalid("this encryption already failed")),
        })
    }

    fn seal_step(&mut self) -> EncryptStep<'_> {
        let start = self.batch_start.min(self.output.len());
        EncryptStep::Seal(SealWork {
            buf: &mut self.output[start..],
            jobs: &self.jobs,
            signed: self.signed,
        })
    }

    /// Answers [`EncryptStep::NeedMaterials`]: checks the materials against the request and
    /// lays out the header (its tag still to come).
    pub fn use_materials(&mut self, materials: &EncryptionMaterials) -> Result<()> {
        let r = self.take_materials(materials);
        self.settle(r)
    }

    fn take_materials(&mut self, materials: &EncryptionMaterials) -> Result<()> {
        self.expect(State::Materials)?;
        let suite = materials.suite;
        self.config.commitment_policy.check_encrypt(suite)?;
        if self.options.suite.is_some_and(|s| s != suite) {
            return Err(Error::Keyring(
                "materials manager changed the requested algorithm suite".into(),
            ));
        }
        if let Some(max) = self.config.max_encrypted_data_keys {
            if materials.encrypted_data_keys.len() > max as usize {
                return Err(Error::TooManyEncryptedDataKeys { max });
            }
        }
        if materials.data_key.is_none() {
            return Err(Error::Keyring("no data key".into()));
        }
        if materials.signing_key.is_some() != suite.signature().is_some() {
            return Err(Error::Keyring(
                "signing key does not match the suite".into(),
            ));
        }
        self.signed = suite.signature().is_some();
        self.message_id = random::bytes(suite.message_id_len())?;
        // Required pairs are authenticated but not stored (spec: client-apis/encrypt.md).
        let (stored, auth_only): (EncryptionContext, EncryptionContext) = materials
            .encryption_context
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .partition(|(k, _)| !materials.required_context_keys.contains(k));
        let (content_type, frame_length) = match self.options.framing {
            Framing::Framed(l) => (ContentType::Framed, l),
            Framing::NonFramed => (ContentType::NonFramed, 0),
        };
        self.header = Some(MessageHeader {
            version: suite.message_format_version(),
            suite,
            message_id: self.message_id.clone(),
            encryption_context: stored,
            encrypted_data_keys: materials.encrypted_data_keys.clone(),
            content_type,
            frame_length,
            header_iv: [0u8; IV_LEN],
            suite_data: Vec::new(),
            auth_tag: [0u8; TAG_LEN],
        });
        self.auth_only = auth_only;
        self.state = State::Keys;
        Ok(())
    }

    /// Answers [`EncryptStep::DeriveKeys`] with the commit key of a committing suite, which
    /// the header stores as its suite data.
    pub fn keys_derived(&mut self, commit_key: Option<&[u8]>) -> Result<()> {
        let r = self.expect(State::Keys).and_then(|()| {
            let header = self.header.as_mut().ok_or_else(out_of_order)?;
            if commit_key.is_some() != header.suite.is_committing() {
                return Err(Error::Keyring(
                    "the key derivation does not match the suite's commitment".into(),
                ));
            }
            header.suite_data = commit_key.map(<[u8]>::to_vec).unwrap_or_default();
            let body = header.serialize_body()?;
            let auth_only = core::mem::take(&mut self.auth_only);
            self.header_aad = extended_header_aad(&body, &auth_only)?.unwrap_or(body);
            self.state = State::HeaderTag;
            Ok(())
        });
        self.settle(r)
    }

    /// Answers [`EncryptStep::SealHeader`] with the tag; the header is then written out.
    pub fn header_sealed(&mut self, tag: &[u8]) -> Result<()> {
        let r = self.expect(State::HeaderTag).and_then(|()| {
            let header = self.header.as_mut().ok_or_else(out_of_order)?;
            header.auth_tag = tag
                .try_into()
                .map_err(|_| Error::Keyring("header tag has the wrong length".into()))?;
            self.output = header.serialize()?;
            self.header_aad = Vec::new();
            self.batch_start = self.output.len();
            self.state = if self.signed {
                State::Signer
            } else {
                State::Body
            };
            Ok(())
        });
        self.settle(r)
    }

    /// Answers [`EncryptStep::StartSigner`].
    pub fn signer_started(&mut self) -> Result<()> {
        let r = self
            .expect(State::Signer)
            .map(|()| self.state = State::Body);
        self.settle(r)
    }

    /// Takes plaintext: the frames it completes are laid out for one [`EncryptStep::Seal`].
    /// A regular frame is laid out only when more bytes follow it, so the last frame is always
    /// the final frame.
    pub fn input(&mut self, data: &[u8]) -> Result<()> {
        let r = self.lay_out(data);
        self.settle(r)
    }

    /// Makes room for `additional` more bytes of output (a hint: one allocation instead of
    /// several growths, each of which zeroizes the old one).
    pub fn reserve(&mut self, additional: usize) {
        plaintext_buf::reserve(&mut self.output, additional);
    }

    /// Takes the rest of the plaintext and ends it: its frames and the final frame (or the
    /// single block) are laid out as one batch, where [`input`](Self::input) then
    /// [`end`](Self::end) make two (a regular frame is laid out only once more bytes follow).
    pub fn input_final(&mut self, data: &[u8]) -> Result<()> {
        let r = self.lay_out(data).and_then(|()| {
            self.ended = true;
            self.lay_out_last()
        });
        self.settle(r)
    }

    /// Ends the plaintext: the final frame (or the single block) is laid out next.
    pub fn end(&mut self) {
        self.ended = true;
    }

    /// The sealed output not taken yet ([`take_output`](Self::take_output) would move it),
    /// without taking it: a one-shot driver signs it in place at [`EncryptStep::Sign`].
    pub fn output(&self) -> &[u8] {
        if !self.releasing() {
            return &[];
        }
        self.output
            .get(..self.batch_start.min(self.output.len()))
            .unwrap_or(&[])
    }

    /// Moves the sealed output so far to the end of `out`. Nothing is released before the
    /// signer has the header ([`EncryptStep::StartSigner`] hands it over from the output).
    pub fn take_output(&mut self, out: &mut Vec<u8>) {
        if !self.releasing() {
            return;
        }
        let sealed = self.batch_start.min(self.output.len());
        if out.is_empty() && sealed == self.output.len() {
            core::mem::swap(out, &mut self.output);
            self.output.clear();
        } else {
            out.extend_from_slice(&self.output[..sealed]);
            self.output.drain(..sealed);
        }
        // Jobs of a batch not sealed yet count from its start, which is now 0.
        self.batch_start = 0;
    }

    /// Whether sealed output may leave: not before the signer has the header (nor after a
    /// failure).
    fn releasing(&self) -> bool {
        !matches!(
            self.state,
            State::Failed | State::Materials | State::Keys | State::HeaderTag | State::Signer
        )
    }

    /// Answers [`EncryptStep::Seal`]: the batch is sealed in place.
    pub fn sealed(&mut self) -> Result<()> {
        let r = self.expect(State::Sealing).map(|()| {
            self.jobs.clear();
            self.batch_start = self.output.len();
            self.state = if !self.last_laid {
                State::Body
            } else if self.signed {
                State::Signing
            } else {
                State::Done
            };
        });
        self.settle(r)
    }

    /// Answers [`EncryptStep::Sign`] with the DER signature, which ends the message.
    pub fn signed(&mut self, signature: &[u8]) -> Result<()> {
        let r = self.expect(State::Signing).and_then(|()| {
            self.output.put_u16_prefixed(signature, "signature")?;
            self.batch_start = self.output.len();
            self.state = State::Done;
            Ok(())
        });
        self.settle(r)
    }

    fn lay_out(&mut self, mut input: &[u8]) -> Result<()> {
        self.expect(State::Body)?;
        if self.ended {
            return Err(Error::invalid("plaintext after the end of the input"));
        }
        self.fed = self.fed.saturating_add(input.len() as u64);
        if let Some(max) = self.declared_len {
            if self.fed > max {
                return Err(Error::LimitExceeded(format!(
                    "more plaintext than the {max} bytes declared when the encryption started"
                )));
            }
        }
        let frame_len = match self.options.framing {
            Framing::NonFramed => {
                if self.fed > MAX_NON_FRAMED_LEN {
                    return Err(Error::LimitExceeded(
                        "non-framed content is limited to 2^36 - 32 bytes".into(),
                    ));
                }
                plaintext_buf::extend(&mut self.pending, input);
                return Ok(());
            }
            Framing::Framed(l) => l as usize,
        };
        // Room for every frame this input can complete, at once: each growth of the output
        // copies it and wipes the old allocation.
        let frames = (self.pending.len() + input.len()) / frame_len + 1;
        plaintext_buf::reserve(
            &mut self.output,
            input
                .len()
                .saturating_add(self.pending.len())
                .saturating_add(frames.saturating_mul(FRAME_OVERHEAD)),
        );
        if !self.pending.is_empty() {
            let take = (frame_len - self.pending.len()).min(input.len());
            plaintext_buf::extend(&mut self.pending, &input[..take]);
            input = &input[take..];
            if self.pending.len() == frame_len && !input.is_empty() {
                let frame = core::mem::take(&mut self.pending);
                let laid = self.lay_out_frame(&frame, BodyPart::Frame);
                self.pending = frame;
                self.pending.clear();
                laid?;
            }
        }
        while input.len() > frame_len {
            let (frame, rest) = input.split_at(frame_len);
            self.lay_out_frame(frame, BodyPart::Frame)?;
            input = rest;
        }
        plaintext_buf::extend(&mut self.pending, input);
        if !self.jobs.is_empty() {
            self.state = State::Sealing;
        }
        Ok(())
    }

    /// Lays out the final frame (or the single block) from what is pending.
    fn lay_out_last(&mut self) -> Result<()> {
        let part = match self.options.framing {
            Framing::Framed(_) => BodyPart::FinalFrame,
            Framing::NonFramed => BodyPart::SingleBlock,
        };
        let pending = core::mem::take(&mut self.pending);
        let laid = self.lay_out_frame(&pending, part);
        drop(pending);
        laid?;
        self.last_laid = true;
        self.state = State::Sealing;
        Ok(())
    }

    /// Appends a frame's fields and plaintext (sealed later, with the batch) and room for its
    /// tag.
    fn lay_out_frame(&mut self, plaintext: &[u8], part: BodyPart) -> Result<()> {
        let seq = self.sequence;
        if part == BodyPart::Frame && seq == u32::MAX {
            return Err(Error::LimitExceeded(
                "a message holds at most 2^32 - 1 frames".into(),
            ));
        }
        let iv = frame_iv(seq);
        let out = &mut self.output;
        // Growth must not leave the batch's unsealed plaintext behind in freed memory.
        plaintext_buf::reserve(out, plaintext.len() + FRAME_OVERHEAD);
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
        let message_id = &self.message_id;
        body_aad(&mut aad, message_id, part, seq, plaintext.len() as u64);
        let start = out.len();
        out.extend_from_slice(plaintext);
        out.resize(start + plaintext.len() + TAG_LEN, 0);
        self.jobs.push(SealJob {
            iv,
            aad,
            start: start - self.batch_start,
            len: plaintext.len(),
        });
        self.sequence = seq.wrapping_add(1);
        Ok(())
    }

    fn expect(&self, state: State) -> Result<()> {
        if self.state == state {
            Ok(())
        } else {
            Err(out_of_order())
        }
    }

    /// Passes a driver's result through; an error stops the machine, and frames laid out but
    /// not sealed (plaintext) are wiped.
    pub fn settle<T>(&mut self, r: Result<T>) -> Result<T> {
        r.map_err(|e| self.fail(e))
    }

    #[cold]
    #[inline(never)]
    fn fail(&mut self, e: Error) -> Error {
        if self.state != State::Failed {
            self.state = State::Failed;
            let from = self.batch_start.min(self.output.len());
            plaintext_buf::discard_tail(&mut self.output, from);
            self.jobs.clear();
            plaintext_buf::discard_tail(&mut self.pending, 0);
        }
        e
    }
}

/// The most a frame adds to its plaintext: a final frame's marker, sequence number, IV,
/// length and tag.
const FRAME_OVERHEAD: usize = 4 + 4 + IV_LEN + 4 + TAG_LEN;

#[cold]
fn out_of_order() -> Error {
    Error::invalid("an encryption step was answered out of order")
}
