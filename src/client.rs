//! The client: commitment policy and EDK limit, and the one-shot and streaming entry points.

use std::sync::Arc;

use zeroize::Zeroize;

use crate::cmm::{CryptoMaterialsManager, DefaultCmm};
use crate::context::EncryptionContext;
use crate::error::Result;
use crate::keyring::Keyring;
use crate::message::decrypt::{DecryptOptions, Decryptor};
use crate::message::decrypt_machine::DecryptMachine;
use crate::message::encrypt::{ClientConfig, EncryptOptions, Encryptor};
use crate::message::encrypt_machine::EncryptMachine;
use crate::message::header::MessageHeader;
use crate::policy::CommitmentPolicy;

/// An encrypted message.
#[derive(Clone, Debug)]
pub struct EncryptedMessage {
    /// The serialized message.
    pub ciphertext: Vec<u8>,
    /// Its header.
    pub header: MessageHeader,
}

/// A decrypted message.
#[derive(Debug)]
pub struct DecryptedMessage {
    /// The plaintext.
    pub plaintext: Vec<u8>,
    /// The header (suite, message id, stored context, EDKs, framing).
    pub header: MessageHeader,
    /// Stored context plus the reproduced pairs that were not stored.
    pub encryption_context: EncryptionContext,
}

/// Encrypts and decrypts ESDK messages under one commitment policy.
#[derive(Clone, Copy, Debug, Default)]
pub struct Client {
    config: ClientConfig,
}

/// Wraps a keyring in the default CMM.
pub fn keyring_cmm(keyring: Arc<dyn Keyring>) -> Arc<dyn CryptoMaterialsManager> {
    Arc::new(DefaultCmm::new(keyring))
}

impl Client {
    /// A client with the given commitment policy, no EDK limit (the format's 65,535) and a
    /// maximum header length of [`DEFAULT_MAX_HEADER_LEN`](crate::DEFAULT_MAX_HEADER_LEN) (1 MiB) on decrypt.
    pub fn new(commitment_policy: CommitmentPolicy) -> Self {
        Client {
            config: ClientConfig {
                commitment_policy,
                ..ClientConfig::default()
            },
        }
    }

    /// Refuses to write or read messages with more than `max` encrypted data keys
    /// ([`Error::TooManyEncryptedDataKeys`](crate::Error::TooManyEncryptedDataKeys)). No limit
    /// by default; a service that decrypts untrusted messages should set one, since each EDK
    /// may cost the keyring an RSA or KMS operation before the header is authenticated.
    pub fn with_max_encrypted_data_keys(mut self, max: u16) -> Self {
        self.config.max_encrypted_data_keys = Some(max);
        self
    }

    /// Refuses to decrypt messages whose header is longer than `max` bytes
    /// ([`Error::HeaderTooLarge`](crate::Error::HeaderTooLarge)), checked as the header's
    /// length fields arrive. The default is [`DEFAULT_MAX_HEADER_LEN`](crate::DEFAULT_MAX_HEADER_LEN) (1 MiB).
    pub fn with_max_header_len(mut self, max: usize) -> Self {
        self.config.max_header_len = max;
        self
    }

    /// The EDK limit, if any.
    pub fn max_encrypted_data_keys(&self) -> Option<u16> {
        self.config.max_encrypted_data_keys
    }

    /// The maximum header length accepted on decrypt.
    pub fn max_header_len(&self) -> usize {
        self.config.max_header_len
    }

    /// The commitment policy.
    pub fn commitment_policy(&self) -> CommitmentPolicy {
        self.config.commitment_policy
    }

    /// Encrypts a whole plaintext.
    pub async fn encrypt(
        &self,
        cmm: Arc<dyn CryptoMaterialsManager>,
        plaintext: &[u8],
        options: EncryptOptions,
    ) -> Result<EncryptedMessage> {
        // The length is known here, so a caching CMM can charge it to the data key's budget.
        let mut enc =
            Encryptor::start(cmm, self.config, options, Some(plaintext.len() as u64)).await?;
        let header = enc.header().clone();
        // The encryptor sizes its own output and hands it over whole.
        let mut ciphertext = Vec::new();
        enc.update_async(plaintext, &mut ciphertext).await?;
        enc.finish_async(&mut ciphertext).await?;
        Ok(EncryptedMessage { ciphertext, header })
    }

    /// Decrypts a whole message; releases nothing unless every check passes.
    pub async fn decrypt(
        &self,
        cmm: Arc<dyn CryptoMaterialsManager>,
        ciphertext: &[u8],
        options: DecryptOptions,
    ) -> Result<DecryptedMessage> {
        let mut dec = self.decryptor(cmm, options);
        // Empty: the decryptor hands over its plaintext buffer instead of copying it.
        let mut plaintext = Vec::new();
        let result = match dec.update(ciphertext, &mut plaintext).await {
            Ok(()) => dec.finish(&mut plaintext),
            Err(e) => Err(e),
        };
        match result {
            Ok(info) => Ok(DecryptedMessage {
                plaintext,
                header: info.header,
                encryption_context: info.encryption_context,
            }),
            Err(e) => {
                plaintext.zeroize();
                Err(e)
            }
        }
    }

    /// Starts an incremental encryption (gets materials and builds the header).
    pub async fn encryptor(
        &self,
        cmm: Arc<dyn CryptoMaterialsManager>,
        options: EncryptOptions,
    ) -> Result<Encryptor> {
        Encryptor::start(cmm, self.config, options, None).await
    }

    /// Starts an incremental encryption of at most `plaintext_length` bytes. The CMM
    /// learns the bound (a caching CMM caches only such requests); feeding more is an error.
    pub async fn encryptor_with_plaintext_length(
        &self,
        cmm: Arc<dyn CryptoMaterialsManager>,
        options: EncryptOptions,
        plaintext_length: u64,
    ) -> Result<Encryptor> {
        Encryptor::start(cmm, self.config, options, Some(plaintext_length)).await
    }

    /// The sans-IO encryption of one message under this client's settings, for a caller that
    /// drives it with its own materials and crypto (see [`EncryptMachine`]). `plaintext_length`
    /// is told to the materials manager and bounds the input.
    pub fn encrypt_machine(
        &self,
        options: EncryptOptions,
        plaintext_length: Option<u64>,
    ) -> Result<EncryptMachine> {
        EncryptMachine::new(self.config, options, plaintext_length)
    }

    /// The sans-IO decryption of one message under this client's settings, for a caller that
    /// drives it with its own materials and crypto (see [`DecryptMachine`]).
    pub fn decrypt_machine(&self, options: DecryptOptions) -> DecryptMachine {
        DecryptMachine::new(self.config, options)
    }

    /// Starts an incremental decryption.
    pub fn decryptor(
        &self,
        cmm: Arc<dyn CryptoMaterialsManager>,
        options: DecryptOptions,
    ) -> Decryptor {
        Decryptor::new(cmm, self.config, options)
    }
}
