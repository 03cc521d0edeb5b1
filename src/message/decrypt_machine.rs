//! Message decryption as a synchronous state machine (sans-IO): bytes in, the next thing it
//! needs out, authenticated plaintext released as it is earned.
//!
//! The machine parses and checks the message format and nothing else. It never waits, calls a
//! materials manager or holds a key: each [`DecryptStep`] names work for its driver (get
//! materials, derive the message keys, open the header tag, open a batch of frames, verify the
//! footer signature), and the driver answers with the matching method. One driver
//! ([`Decryptor`](super::decrypt::Decryptor)) fulfils the steps with a CMM and the crate's
//! crypto; another can fulfil them with a host's asynchronous crypto (WebCrypto) without the
//! machine knowing. The shape follows rustls's unbuffered connection API.
//!
//! Order (spec: client-apis/decrypt.md): parse header → commitment policy → materials → key
//! commitment (constant time) → header tag → frames → footer signature.

use subtle::ConstantTimeEq;

use crate::cmm::DecryptionMaterialsRequest;
use crate::codec::Reader;
use crate::context::EncryptionContext;
use crate::crypto::content_key::OpenJob;
use crate::error::{Error, Result};
use crate::materials::DecryptionMaterials;
use crate::message::body::{body_aad, frame_iv, read_body_part, BodyPart};
use crate::message::decrypt::{DecryptOptions, DecryptedMessageInfo, SignedMessages};
use crate::message::encrypt::ClientConfig;
use crate::message::header::{extended_header_aad, MessageHeader};
use crate::message::header_parser::{CompleteHeader, HeaderLimits, HeaderParser, HeaderProgress};
use crate::plaintext_buf::{self, PlaintextBuf};
use crate::suite::{AlgorithmSuite, SignatureAlgorithm, IV_LEN};

/// What the machine needs next. Ask again with [`DecryptMachine::step`] after answering; a
/// step that was not answered is returned again.
#[derive(Debug)]
pub enum DecryptStep<'a> {
    /// Every byte given so far is used: give more with [`DecryptMachine::input`], or end the
    /// input with [`DecryptMachine::end`].
    NeedInput,
    /// The header is parsed: ask the materials manager, then answer with
    /// [`DecryptMachine::use_materials`].
    NeedMaterials(DecryptionMaterialsRequest),
    /// Derive the message's content key (and commit key) from the materials' data key, then
    /// answer with [`DecryptMachine::keys_derived`].
    DeriveKeys {
        /// The message's suite.
        suite: AlgorithmSuite,
        /// The message id, the derivation's salt or info.
        message_id: &'a [u8],
    },
    /// Check the header authentication tag with the content key (AES-GCM over no ciphertext),
    /// then answer with [`DecryptMachine::header_opened`].
    OpenHeader {
        /// The header IV.
        iv: &'a [u8; IV_LEN],
        /// The header AAD: the header body, then any required pairs that are not stored.
        aad: &'a [u8],
        /// The 16-byte tag.
        tag: &'a [u8],
    },
    /// A signed message: start a verifier for the materials' verification key and give it
    /// `header`, then answer with [`DecryptMachine::verifier_started`].
    StartVerifier {
        /// The signature algorithm.
        alg: SignatureAlgorithm,
        /// The whole serialized header, the first bytes of the signed data.
        header: &'a [u8],
    },
    /// Open a batch of frames with the content key, then answer with
    /// [`DecryptMachine::opened`].
    Open(OpenWork<'a>),
    /// Check the footer signature over everything given to the verifier, then answer with
    /// [`DecryptMachine::verified`].
    Verify {
        /// The DER signature.
        signature: &'a [u8],
    },
    /// The message is complete and checked: [`DecryptMachine::finish`].
    Done,
}

/// A batch of AES-GCM decryptions: job `j` opens `src[j.sealed..j.sealed + j.len + 16]`
/// (`ciphertext ‖ tag`) into `dest[j.start..j.start + j.len]`.
#[derive(Debug)]
pub struct OpenWork<'a> {
    /// The frames as they are in the message.
    pub src: &'a [u8],
    /// Where their plaintext goes (zeroed room; nothing of it is released before
    /// [`DecryptMachine::opened`] says the batch verified).
    pub dest: &'a mut [u8],
    /// The jobs, in frame order.
    pub jobs: &'a [OpenJob],
    /// For a signed message, the serialized frames the verifier must be given (the whole of
    /// `src`); empty otherwise.
    pub signed: &'a [u8],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Header,
    Materials,
    Keys,
    HeaderTag,
    Verifier,
    Body,
    Opening,
    Footer,
    Verifying,
    Done,
    /// A check failed or an answer was an error: nothing more is released.
    Failed,
}

/// A batch of frames laid out for the driver.
struct Batch {
    jobs: Vec<OpenJob>,
    /// Serialized length of its frames (consumed once they open).
    len: usize,
    /// Whether their plaintext goes to `held` rather than `released`.
    held: bool,
    /// Where their plaintext starts in that buffer.
    first: usize,
    first_sequence: u32,
    /// The batch ends with the final frame (or is the single block).
    last: bool,
}

/// The incremental decryption of one message, as a state machine its driver steps.
pub struct DecryptMachine {
    commitment_policy: crate::policy::CommitmentPolicy,
    options: DecryptOptions,
    state: State,
    /// The header, parsed as its bytes arrive (each byte once, whatever the chunking).
    header_parser: HeaderParser,
    complete: Option<CompleteHeader>,
    /// The header AAD when required-but-unstored pairs extend the header body.
    header_aad: Option<Vec<u8>>,
    /// The header tag (and key commitment) verified: the header may be shown.
    authenticated: bool,
    encryption_context: EncryptionContext,
    signed: bool,
    /// Input not used yet starts at `pos`; earlier bytes are dropped on the next input.
    input: Vec<u8>,
    pos: usize,
    ended: bool,
    /// Plaintext that may be released (zeroized on drop, whole capacity).
    released: PlaintextBuf,
    /// Plaintext held back until the signature verifies.
    held: PlaintextBuf,
    batch: Option<Batch>,
    next_sequence: u32,
}

impl core::fmt::Debug for DecryptMachine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DecryptMachine")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl DecryptMachine {
    pub(crate) fn new(config: ClientConfig, options: DecryptOptions) -> Self {
        DecryptMachine {
            commitment_policy: config.commitment_policy,
            options,
            state: State::Header,
            header_parser: HeaderParser::new(HeaderLimits {
                max_encrypted_data_keys: config.max_encrypted_data_keys,
                max_header_len: config.max_header_len,
            }),
            complete: None,
            header_aad: None,
            authenticated: false,
            encryption_context: EncryptionContext::new(),
            signed: false,
            input: Vec::new(),
            pos: 0,
            ended: false,
            released: PlaintextBuf::default(),
            held: PlaintextBuf::default(),
            batch: None,
            next_sequence: 1,
        }
    }

    /// The header, once it has been parsed and authenticated.
    pub fn header(&self) -> Option<&MessageHeader> {
        self.complete
            .as_ref()
            .filter(|_| self.authenticated)
            .map(|c| &c.parsed.header)
    }

    /// Appends message bytes. Bytes already used are dropped first, so the machine holds at most
    /// one incomplete frame besides what it is given.
    pub fn input(&mut self, data: &[u8]) {
        if self.pos > 0 && self.batch.is_none() {
            self.input.drain(..self.pos);
            self.pos = 0;
        }
        self.input.extend_from_slice(data);
    }

    /// As [`input`](Self::input), taking the bytes: when nothing is left of earlier input (a
    /// one-shot decryption's whole message), they are kept as they are rather than copied.
    pub fn input_vec(&mut self, data: Vec<u8>) {
        if self.pos == self.input.len() && self.batch.is_none() {
            self.input = data;
            self.pos = 0;
        } else {
            self.input(&data);
        }
    }

    /// Ends the input: a step that needs more now reports the message as truncated.
    pub fn end(&mut self) {
        self.ended = true;
    }

    /// Moves the plaintext released so far to the end of `out`.
    pub fn take_plaintext(&mut self, out: &mut Vec<u8>) {
        if self.state == State::Failed {
            return;
        }
        if out.capacity() == 0 {
            // A new buffer (the one-shot decrypt's): hand over the plaintext buffer itself.
            *out = core::mem::take(&mut *self.released);
        } else {
            plaintext_buf::append(out, &mut self.released);
        }
    }

    /// The next step. An error ends the message: the machine releases nothing more.
    pub fn step(&mut self) -> Result<DecryptStep<'_>> {
        match self.advance() {
            Ok(()) => {}
            Err(e) => return Err(self.fail(e)),
        }
        Ok(match self.state {
            State::Header | State::Body | State::Footer => DecryptStep::NeedInput,
            State::Materials => {
                let header = self.parsed()?;
                DecryptStep::NeedMaterials(DecryptionMaterialsRequest {
                    suite: header.suite,
                    commitment_policy: self.commitment_policy,
                    encrypted_data_keys: header.encrypted_data_keys.clone(),
                    stored_context: header.encryption_context.clone(),
                    reproduced_context: self.options.encryption_context.clone(),
                })
            }
            State::Keys => {
                let header = &self.parsed_header()?.parsed.header;
                DecryptStep::DeriveKeys {
                    suite: header.suite,
                    message_id: &header.message_id,
                }
            }
            State::HeaderTag => {
                let complete = self.parsed_header()?;
                let aad = match &self.header_aad {
                    Some(aad) => aad,
                    None => complete.body(),
                };
                let header = &complete.parsed.header;
                DecryptStep::OpenHeader {
                    iv: &header.header_iv,
                    aad,
                    tag: &header.auth_tag,
                }
            }
            State::Verifier => {
                let complete = self.parsed_header()?;
                let alg = complete
                    .parsed
                    .header
                    .suite
                    .signature()
                    .ok_or_else(|| Error::SignatureInvalid("no signature algorithm".into()))?;
                DecryptStep::StartVerifier {
                    alg,
                    header: &complete.bytes,
                }
            }
            State::Opening => {
                let batch = self.batch.as_ref().ok_or_else(lost_batch)?;
                let end = self.pos.checked_add(batch.len).ok_or_else(lost_batch)?;
                let src = self.input.get(self.pos..end).ok_or_else(lost_batch)?;
                let dest = if batch.held {
                    &mut self.held
                } else {
                    &mut self.released
                };
                DecryptStep::Open(OpenWork {
                    src,
                    dest: dest.get_mut(batch.first..).ok_or_else(lost_batch)?,
                    jobs: &batch.jobs,
                    signed: if self.signed { src } else { &[] },
                })
            }
            State::Verifying => {
                let mut r = Reader::new(self.input.get(self.pos..).unwrap_or(&[]));
                DecryptStep::Verify {
                    signature: r.u16_prefixed("footer.signature")?,
                }
            }
            State::Done => DecryptStep::Done,
            State::Failed => return Err(Error::invalid("this decryption already failed")),
        })
    }

    /// Uses what the input allows: parses the header, lays out the next batch of frames, reads
    /// the footer. Stops at a step that needs an answer or more input.
    fn advance(&mut self) -> Result<()> {
        let rest = self.input.get(self.pos..).unwrap_or(&[]);
        match self.state {
            State::Header => match self.header_parser.feed(rest)? {
                // The parser takes every header byte it is given.
                HeaderProgress::NeedMore => {
                    self.pos = self.input.len();
                    self.need_more("header")
                }
                HeaderProgress::Done { consumed, header } => {
                    self.pos += consumed;
                    let suite = header.parsed.header.suite;
                    self.commitment_policy.check_decrypt(suite)?;
                    self.signed = suite.signature().is_some();
                    if self.signed && self.options.signed_messages == SignedMessages::Refuse {
                        return Err(Error::SignedMessageRefused);
                    }
                    self.complete = Some(*header);
                    self.state = State::Materials;
                    Ok(())
                }
            },
            State::Body => self.lay_out_batch(),
            State::Footer => {
                let mut r = Reader::new(rest);
                match r.u16_prefixed("footer.signature") {
                    Ok(_) => {
                        self.state = State::Verifying;
                        Ok(())
                    }
                    Err(Error::Truncated { .. }) => self.need_more("footer"),
                    Err(e) => Err(e),
                }
            }
            State::Done if !rest.is_empty() => Err(Error::TrailingBytes(rest.len())),
            _ => Ok(()),
        }
    }

    fn need_more(&self, field: &'static str) -> Result<()> {
        if self.ended {
            Err(Error::Truncated { field })
        } else {
            Ok(())
        }
    }

    /// Answers [`DecryptStep::NeedMaterials`].
    pub fn use_materials(&mut self, materials: &DecryptionMaterials) -> Result<()> {
        let r = self.take_materials(materials);
        self.settle(r)
    }

    fn take_materials(&mut self, materials: &DecryptionMaterials) -> Result<()> {
        self.expect(State::Materials)?;
        let complete = self.parsed_header()?;
        if materials.suite != complete.parsed.header.suite {
            return Err(Error::Keyring(
                "materials manager changed the message's algorithm suite".into(),
            ));
        }
        if materials.data_key.is_none() {
            return Err(Error::NoDecryptingKeyring(Vec::new()));
        }
        if self.signed && materials.verifying_key.is_none() {
            return Err(Error::SignatureInvalid(
                "no verification key for a signed message".into(),
            ));
        }
        // Inserted one by one: collecting into a BTreeMap sorts, which costs the wasm module a
        // sort instantiation; the source is already in order.
        let mut auth_only = EncryptionContext::new();
        for (k, v) in &materials.encryption_context {
            if materials.required_context_keys.contains(k) {
                auth_only.insert(k.clone(), v.clone());
            }
        }
        self.header_aad = extended_header_aad(complete.body(), &auth_only)?;
        self.encryption_context = materials.encryption_context.clone();
        self.state = State::Keys;
        Ok(())
    }

    /// Answers [`DecryptStep::DeriveKeys`] with the derived commit key (committing suites);
    /// it must equal the header's, compared in constant time.
    pub fn keys_derived(&mut self, commit_key: Option<&[u8]>) -> Result<()> {
        let r = self.check_commitment(commit_key);
        self.settle(r)
    }

    fn check_commitment(&mut self, commit_key: Option<&[u8]>) -> Result<()> {
        self.expect(State::Keys)?;
        let header = &self.parsed_header()?.parsed.header;
        // Spec: client-apis/decrypt.md, "Verify the key commitment": a mismatch ends decryption
        // before the header tag is checked.
        if let Some(commit) = commit_key {
            if !bool::from(commit.ct_eq(&header.suite_data)) {
                return Err(Error::CommitmentMismatch);
            }
        } else if header.suite.is_committing() {
            return Err(Error::CommitmentMismatch);
        }
        self.state = State::HeaderTag;
        Ok(())
    }

    /// Answers [`DecryptStep::OpenHeader`]: whether the tag verified.
    pub fn header_opened(&mut self, verified: bool) -> Result<()> {
        let r = self.expect(State::HeaderTag).and_then(|()| {
            if !verified {
                return Err(Error::HeaderAuthFailed);
            }
            self.state = if self.signed {
                State::Verifier
            } else {
                self.authenticated()?;
                State::Body
            };
            Ok(())
        });
        self.settle(r)
    }

    /// Answers [`DecryptStep::StartVerifier`].
    pub fn verifier_started(&mut self) -> Result<()> {
        let r = self.expect(State::Verifier).and_then(|()| {
            self.authenticated()?;
            self.state = State::Body;
            Ok(())
        });
        self.settle(r)
    }

    /// The header is authenticated: it may be shown.
    fn authenticated(&mut self) -> Result<()> {
        self.parsed_header()?;
        self.authenticated = true;
        Ok(())
    }

    /// Answers [`DecryptStep::Open`]: `Ok(())` if every job verified, `Err(i)` if job `i` did
    /// not (its frame and the rest of the batch are discarded, and decryption fails).
    pub fn opened(&mut self, result: core::result::Result<(), usize>) -> Result<()> {
        let r = self.finish_batch(result);
        self.settle(r)
    }

    fn finish_batch(&mut self, result: core::result::Result<(), usize>) -> Result<()> {
        self.expect(State::Opening)?;
        let batch = self.batch.take().ok_or_else(lost_batch)?;
        if let Err(i) = result {
            let sequence = u32::try_from(i).map_or(batch.first_sequence, |i| {
                batch.first_sequence.wrapping_add(i)
            });
            return Err(Error::BodyAuthFailed { sequence });
        }
        self.pos += batch.len;
        self.state = match (batch.last, self.signed) {
            (false, _) => State::Body,
            (true, true) => State::Footer,
            (true, false) => State::Done,
        };
        Ok(())
    }

    /// Answers [`DecryptStep::Verify`]: whether the signature matched. Then the held plaintext
    /// is released.
    pub fn verified(&mut self, matched: bool) -> Result<()> {
        let r = self.expect(State::Verifying).and_then(|()| {
            if !matched {
                return Err(Error::SignatureInvalid(
                    "the footer signature does not match the message".into(),
                ));
            }
            let mut r = Reader::new(self.input.get(self.pos..).unwrap_or(&[]));
            r.u16_prefixed("footer.signature")?;
            self.pos += r.position();
            plaintext_buf::append(&mut self.released, &mut self.held);
            self.state = State::Done;
            Ok(())
        });
        self.settle(r)
    }

    /// Ends the message: fails if it is incomplete or followed by more bytes, and releases the
    /// rest of the plaintext to `out`.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<DecryptedMessageInfo> {
        self.ended = true;
        if self.state != State::Done {
            // Let a complete footer or trailing bytes be reported as what they are.
            self.step()?;
            let field = match self.state {
                State::Header | State::Materials => "header",
                State::Footer | State::Verifying => "footer",
                State::Done => "",
                _ => "body",
            };
            if self.state != State::Done {
                return Err(Error::Truncated { field });
            }
        }
        let rest = self.input.len().saturating_sub(self.pos);
        if rest != 0 {
            return Err(Error::TrailingBytes(rest));
        }
        self.take_plaintext(out);
        let header = match self.complete.take() {
            Some(c) if self.authenticated => c.parsed.header,
            _ => return Err(no_header()),
        };
        Ok(DecryptedMessageInfo {
            header,
            encryption_context: core::mem::take(&mut self.encryption_context),
        })
    }

    /// Lays out the frames (or the single block) complete at `pos` as one batch.
    fn lay_out_batch(&mut self) -> Result<()> {
        let hold_all = self.options.signed_messages == SignedMessages::VerifyBeforeRelease;
        let header = &self.complete.as_ref().ok_or_else(no_header)?.parsed.header;
        let data = self.input.get(self.pos..).unwrap_or(&[]);
        let mut pos = 0;
        let mut jobs = Vec::new();
        // Job `i` is frame `first_sequence + i`: each frame must carry the next number.
        let first_sequence = self.next_sequence;
        // Each batch goes to one buffer: released now or held for the signature.
        let mut to_held = None;
        let mut last = false;
        while !last {
            let frame = match read_body_part(
                data.get(pos..).unwrap_or(&[]),
                header.content_type,
                header.frame_length,
            ) {
                Ok(frame) => frame,
                Err(Error::Truncated { .. }) => break,
                Err(e) => return Err(e),
            };
            let held_part = self.signed && (hold_all || frame.part != BodyPart::Frame);
            if *to_held.get_or_insert(held_part) != held_part {
                break; // the next batch takes it
            }
            if frame.sequence != self.next_sequence {
                return Err(Error::malformed(
                    "body.sequence_number",
                    format!(
                        "expected frame {} but found frame {}",
                        self.next_sequence, frame.sequence
                    ),
                ));
            }
            if frame.iv != frame_iv(frame.sequence) {
                return Err(Error::malformed(
                    "body.iv",
                    format!("frame {} IV is not the sequence-number IV", frame.sequence),
                ));
            }
            let mut aad = Vec::with_capacity(96);
            body_aad(
                &mut aad,
                &header.message_id,
                frame.part,
                frame.sequence,
                frame.ciphertext_len as u64,
            );
            jobs.push(OpenJob {
                iv: frame.iv,
                aad,
                sealed: pos + frame.ciphertext_at,
                start: 0, // set below, relative to the batch's first plaintext byte
                len: frame.ciphertext_len,
            });
            pos += frame.len;
            if frame.part == BodyPart::Frame {
                self.next_sequence = frame
                    .sequence
                    .checked_add(1)
                    .ok_or_else(|| Error::malformed("body.sequence_number", "too many frames"))?;
            } else {
                last = true;
            }
        }
        if jobs.is_empty() {
            return self.need_more("body");
        }
        let held = to_held == Some(true);
        let target = if held {
            &mut self.held
        } else {
            &mut self.released
        };
        let first = target.len();
        let mut start = 0;
        for job in &mut jobs {
            job.start = start;
            start += job.len;
        }
        plaintext_buf::extend_zeroed(target, start);
        self.batch = Some(Batch {
            jobs,
            len: pos,
            held,
            first,
            first_sequence,
            last,
        });
        self.state = State::Opening;
        Ok(())
    }

    fn expect(&self, state: State) -> Result<()> {
        if self.state == state {
            Ok(())
        } else {
            Err(Error::invalid(
                "a decryption step was answered out of order",
            ))
        }
    }

    /// Passes a driver's result through; an error stops the machine, and the plaintext it has
    /// not released yet is wiped. (The machine's own answers settle themselves.)
    pub fn settle<T>(&mut self, r: Result<T>) -> Result<T> {
        r.map_err(|e| self.fail(e))
    }

    #[cold]
    #[inline(never)]
    fn fail(&mut self, e: Error) -> Error {
        if self.state != State::Failed {
            self.state = State::Failed;
            self.batch = None;
            plaintext_buf::discard_tail(&mut self.released, 0);
            plaintext_buf::discard_tail(&mut self.held, 0);
        }
        e
    }

    fn parsed_header(&self) -> Result<&CompleteHeader> {
        self.complete.as_ref().ok_or_else(no_header)
    }

    fn parsed(&self) -> Result<&MessageHeader> {
        Ok(&self.parsed_header()?.parsed.header)
    }
}

#[cold]
fn no_header() -> Error {
    Error::Truncated { field: "header" }
}

/// A batch the machine laid out is gone: a bug, reported rather than a panic.
#[cold]
fn lost_batch() -> Error {
    Error::invalid("a decryption step was answered out of order")
}
