//! Message decryption, incremental: bytes in, authenticated plaintext out. [`Decryptor`] is
//! the crate's async driver of the sans-IO [`DecryptMachine`]: it answers the machine's steps
//! with a materials manager, the crate's key derivation, AES-GCM and signature verification.

use std::sync::Arc;

use crate::cmm::CryptoMaterialsManager;
use crate::context::EncryptionContext;
use crate::crypto::content_key::ContentKey;
use crate::crypto::kdf;
use crate::crypto::signature::MessageVerifier;
use crate::error::{Error, Result};
use crate::materials::DecryptionMaterials;
use crate::message::decrypt_machine::{DecryptMachine, DecryptStep};
use crate::message::encrypt::ClientConfig;
use crate::message::header::MessageHeader;

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

/// Decrypts one message incrementally.
pub struct Decryptor {
    machine: DecryptMachine,
    cmm: Arc<dyn CryptoMaterialsManager>,
    /// From the materials until the keys are derived (the data key) and until the verifier
    /// starts (the verification key).
    materials: Option<DecryptionMaterials>,
    key: Option<ContentKey>,
    verifier: Option<MessageVerifier>,
}

impl Decryptor {
    pub(crate) fn new(
        cmm: Arc<dyn CryptoMaterialsManager>,
        config: ClientConfig,
        options: DecryptOptions,
    ) -> Self {
        Decryptor {
            machine: DecryptMachine::new(config, options),
            cmm,
            materials: None,
            key: None,
            verifier: None,
        }
    }

    /// The header, once it has been parsed and authenticated.
    pub fn header(&self) -> Option<&MessageHeader> {
        self.machine.header()
    }

    /// Consumes `input`, appending plaintext that may be released to `out`.
    ///
    /// Unsigned messages release each frame once its tag verifies; signed messages follow
    /// [`SignedMessages`]. After an error the decryptor is unusable and everything it
    /// released must be discarded.
    pub async fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.machine.input(input);
        let run = self.run().await;
        // Any failure, the driver's own included, stops the machine and wipes what it holds.
        self.machine.settle(run)?;
        self.machine.take_plaintext(out);
        Ok(())
    }

    /// Ends the input: fails if the message is incomplete, and releases held plaintext.
    pub fn finish(self, out: &mut Vec<u8>) -> Result<DecryptedMessageInfo> {
        self.machine.finish(out)
    }

    /// Answers the machine's steps until it needs more input (or the message is done).
    async fn run(&mut self) -> Result<()> {
        loop {
            match self.machine.step()? {
                DecryptStep::NeedInput | DecryptStep::Done => return Ok(()),
                DecryptStep::NeedMaterials(request) => {
                    let materials = self.cmm.decrypt_materials(request).await?;
                    self.machine.use_materials(&materials)?;
                    self.materials = Some(materials);
                }
                DecryptStep::DeriveKeys { suite, message_id } => {
                    let data_key = self
                        .materials
                        .as_mut()
                        .and_then(|m| m.data_key.take())
                        .ok_or_else(|| Error::NoDecryptingKeyring(Vec::new()))?;
                    let derived = kdf::derive(suite, data_key.as_bytes(), message_id).await?;
                    self.machine
                        .keys_derived(derived.commit_key.as_ref().map(|c| &c[..]))?;
                    self.key = Some(derived.content_key);
                }
                DecryptStep::OpenHeader { iv, aad, tag } => {
                    let key = self.key.as_ref().ok_or_else(no_key)?;
                    let verified = key.open(iv, aad, tag).await?.is_ok();
                    self.machine.header_opened(verified)?;
                }
                DecryptStep::StartVerifier { alg, header } => {
                    let key = self
                        .materials
                        .as_mut()
                        .and_then(|m| m.verifying_key.take())
                        .ok_or_else(|| {
                            Error::SignatureInvalid(
                                "no verification key for a signed message".into(),
                            )
                        })?;
                    let mut verifier = key.start(alg).await?;
                    verifier.update(header);
                    self.verifier = Some(verifier);
                    self.materials = None;
                    self.machine.verifier_started()?;
                }
                DecryptStep::Open(work) => {
                    let key = self.key.as_ref().ok_or_else(no_key)?;
                    let opened = key.open_jobs(work.src, work.dest, work.jobs).await?;
                    if let (Ok(()), Some(v)) = (&opened, &mut self.verifier) {
                        v.update(work.signed);
                    }
                    self.machine.opened(opened)?;
                }
                DecryptStep::Verify { signature } => {
                    let verifier = self
                        .verifier
                        .take()
                        .ok_or_else(|| Error::SignatureInvalid("no verifier".into()))?;
                    // A mismatch is the verifier's error, which names what failed.
                    verifier.verify(signature).await?;
                    self.machine.verified(true)?;
                }
            }
        }
    }
}

fn no_key() -> Error {
    Error::invalid("a decryption step was answered out of order")
}
