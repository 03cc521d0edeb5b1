//! Message encryption: header, frames and footer, produced incrementally. [`Encryptor`] is the
//! crate's async driver of the sans-IO [`EncryptMachine`]: it answers the machine's steps with a
//! materials manager, the crate's key derivation, AES-GCM and signatures.

use std::sync::Arc;

use crate::cmm::CryptoMaterialsManager;
use crate::context::EncryptionContext;
use crate::crypto::content_key::ContentKey;
use crate::crypto::kdf;
use crate::crypto::signature::MessageSigner;
use crate::error::{Error, Result};
use crate::materials::EncryptionMaterials;
use crate::message::encrypt_machine::{EncryptMachine, EncryptStep};
use crate::message::header::MessageHeader;
use crate::message::header_parser::DEFAULT_MAX_HEADER_LEN;
use crate::policy::CommitmentPolicy;
use crate::suite::AlgorithmSuite;

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
    machine: EncryptMachine,
    /// The machine's header, complete once `start` returns.
    header: MessageHeader,
    key: ContentKey,
    signer: Option<MessageSigner>,
}

impl core::fmt::Debug for Encryptor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Encryptor")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

/// Plaintext laid out per batch by the synchronous AES-GCM: each batch is sealed while it is
/// still in cache. (The asynchronous host of the `host-crypto` build gets whole inputs, so that
/// many calls are in flight at once.)
#[cfg(not(feature = "host-crypto"))]
const SYNC_BATCH: usize = 64 * 1024;

impl Encryptor {
    pub(crate) async fn start(
        cmm: Arc<dyn CryptoMaterialsManager>,
        config: ClientConfig,
        options: EncryptOptions,
        declared_len: Option<u64>,
    ) -> Result<Self> {
        let mut machine = EncryptMachine::new(config, options, declared_len)?;
        let r = Self::header_steps(&mut machine, cmm).await;
        let (key, signer) = machine.settle(r)?;
        let header = machine.header().cloned().ok_or_else(no_key)?;
        Ok(Encryptor {
            machine,
            header,
            key,
            signer,
        })
    }

    /// Answers the steps up to the first [`EncryptStep::NeedInput`]: materials, keys, the
    /// header tag, the signer.
    async fn header_steps(
        machine: &mut EncryptMachine,
        cmm: Arc<dyn CryptoMaterialsManager>,
    ) -> Result<(ContentKey, Option<MessageSigner>)> {
        let mut materials: Option<EncryptionMaterials> = None;
        let mut key = None;
        let mut signer = None;
        loop {
            match machine.step()? {
                EncryptStep::NeedMaterials(request) => {
                    let got = cmm.get_encryption_materials(request).await?;
                    machine.use_materials(&got)?;
                    materials = Some(got);
                }
                EncryptStep::DeriveKeys { suite, message_id } => {
                    let data_key = materials
                        .as_ref()
                        .and_then(|m| m.data_key.as_ref())
                        .ok_or_else(|| Error::Keyring("no data key".into()))?;
                    let derived = kdf::derive(suite, data_key.as_bytes(), message_id).await?;
                    machine.keys_derived(derived.commit_key.as_ref().map(|c| &c[..]))?;
                    key = Some(derived.content_key);
                }
                EncryptStep::SealHeader { iv, aad } => {
                    let tag = key.as_ref().ok_or_else(no_key)?.seal(iv, aad, &[]).await?;
                    machine.header_sealed(&tag)?;
                }
                EncryptStep::StartSigner { alg, header } => {
                    let signing_key = materials
                        .as_mut()
                        .and_then(|m| m.signing_key.take())
                        .ok_or_else(|| {
                            Error::Keyring("signing key does not match the suite".into())
                        })?;
                    let mut s = signing_key.start(alg)?;
                    s.update(header);
                    signer = Some(s);
                    machine.signer_started()?;
                }
                EncryptStep::NeedInput => return Ok((key.ok_or_else(no_key)?, signer)),
                _ => return Err(no_key()),
            }
        }
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
    pub async fn update_async(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        // Frames add 32 bytes or less per frame of plaintext: 1/32 covers frames of 1 KiB or more.
        self.machine.reserve(
            input
                .len()
                .saturating_add(input.len() / 32)
                .saturating_add(256),
        );
        #[cfg(not(feature = "host-crypto"))]
        let chunks = input.chunks(SYNC_BATCH.max(1));
        #[cfg(feature = "host-crypto")]
        let chunks = core::iter::once(input);
        for chunk in chunks {
            self.machine.input(chunk)?;
            let r = self.seal_steps().await;
            self.machine.settle(r)?;
        }
        self.machine.take_output(out);
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
        self.machine.end();
        let r = self.seal_steps().await;
        self.machine.settle(r)?;
        self.machine.take_output(out);
        Ok(())
    }

    /// Answers seal and sign steps until the machine needs input or is done.
    async fn seal_steps(&mut self) -> Result<()> {
        loop {
            match self.machine.step()? {
                EncryptStep::NeedInput | EncryptStep::Done => return Ok(()),
                EncryptStep::Seal(work) => {
                    self.key.seal_jobs(work.buf, work.jobs).await?;
                    if let (true, Some(s)) = (work.signed, &mut self.signer) {
                        s.update(work.buf);
                    }
                    self.machine.sealed()?;
                }
                EncryptStep::Sign => {
                    let signer = self.signer.take().ok_or_else(no_key)?;
                    let signature = signer.finish().await?;
                    self.machine.signed(&signature)?;
                }
                _ => return Err(no_key()),
            }
        }
    }
}

fn no_key() -> Error {
    Error::invalid("an encryption step was answered out of order")
}
