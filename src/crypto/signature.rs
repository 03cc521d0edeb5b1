//! ECDSA message signatures (P-256/SHA-256, P-384/SHA-384) over a running hash.
//!
//! Verification accepts high-s signatures: the Python ESDK emits them on purpose
//! (spec notes §3.6), and the ESDK spec does not require low-s.
//!
//! A host implementation (node:crypto, through the wasm bindings) can take over message
//! signing and verification with [`set_host_signatures`]; it produces the same format (SEC1
//! compressed public keys, DER signatures), so readers cannot tell the two apart.

use std::rc::Rc;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use p256::ecdsa::signature::{DigestSigner, DigestVerifier};
use sha2::{Digest, Sha256, Sha384};

use crate::error::{Error, Result};
use crate::future::MaybeSend;
use crate::suite::SignatureAlgorithm;

/// The running hash of everything a signature covers.
#[derive(Clone)]
pub enum MessageHasher {
    /// For P-256 suites.
    Sha256(Sha256),
    /// For P-384 suites.
    Sha384(Sha384),
}

impl MessageHasher {
    /// A fresh hasher for the algorithm.
    pub fn new(alg: SignatureAlgorithm) -> Self {
        match alg {
            SignatureAlgorithm::EcdsaP256Sha256 => MessageHasher::Sha256(Sha256::new()),
            SignatureAlgorithm::EcdsaP384Sha384 => MessageHasher::Sha384(Sha384::new()),
        }
    }
    /// Adds bytes to the hash.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            MessageHasher::Sha256(h) => h.update(data),
            MessageHasher::Sha384(h) => h.update(data),
        }
    }
}

/// A host ECDSA implementation. Each method may decline (`None`), and the built-in one is used.
pub trait HostSignatures {
    /// A new ephemeral key pair, ready to hash a message.
    fn generate(&self, alg: SignatureAlgorithm) -> Option<Box<dyn HostSigner>>;
    /// A verifier for a SEC1 public point; `Some(Err(_))` = the host rejects the point.
    fn verifier(
        &self,
        alg: SignatureAlgorithm,
        sec1: &[u8],
    ) -> Option<Result<Box<dyn HostVerifier>, ()>>;
}

/// A host signing key with its running message hash. The private key stays in the host.
pub trait HostSigner: MaybeSend {
    /// The SEC1 compressed public point.
    fn public_key(&self) -> Vec<u8>;
    /// Adds bytes to the signed data.
    fn update(&mut self, data: &[u8]);
    /// The DER ECDSA-Sig-Value over everything added; `None` = the host failed.
    fn sign(self: Box<Self>) -> Option<Vec<u8>>;
    /// A DER signature over `data` alone, leaving the running hash alone; may be called again
    /// for a fresh signature (item footers need one of a fixed length).
    fn sign_data(&self, data: &[u8]) -> Option<Vec<u8>>;
}

/// A host verifier with its running message hash.
pub trait HostVerifier: MaybeSend {
    /// Adds bytes to the signed data.
    fn update(&mut self, data: &[u8]);
    /// Whether the DER signature matches everything added.
    fn verify(self: Box<Self>, der: &[u8]) -> bool;
}

std::thread_local! {
    static HOST_SIGNATURES: std::cell::RefCell<Option<Rc<dyn HostSignatures>>> =
        const { std::cell::RefCell::new(None) };
}

/// Installs (or with `None` removes) the host ECDSA implementation for this thread.
pub fn set_host_signatures(host: Option<Rc<dyn HostSignatures>>) {
    HOST_SIGNATURES.with(|h| *h.borrow_mut() = host);
}

fn host_signatures() -> Option<Rc<dyn HostSignatures>> {
    HOST_SIGNATURES.with(|h| h.borrow().clone())
}

/// An ephemeral per-message signing key. The ecdsa crate zeroizes built-in keys on drop.
pub enum SigningKey {
    /// P-256.
    P256(p256::ecdsa::SigningKey),
    /// P-384.
    P384(p384::ecdsa::SigningKey),
    /// A key held by the host implementation.
    Host(Box<dyn HostSigner>),
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

impl SigningKey {
    /// Generates a new key for the algorithm, in the host implementation when one is installed.
    pub fn generate(alg: SignatureAlgorithm) -> Self {
        match host_signatures().and_then(|h| h.generate(alg)) {
            Some(host) => SigningKey::Host(host),
            None => Self::generate_builtin(alg),
        }
    }

    /// Generates a new key with the built-in implementation (for callers that need the scalar).
    pub fn generate_builtin(alg: SignatureAlgorithm) -> Self {
        let mut rng = rand_core::OsRng;
        match alg {
            SignatureAlgorithm::EcdsaP256Sha256 => {
                SigningKey::P256(p256::ecdsa::SigningKey::random(&mut rng))
            }
            SignatureAlgorithm::EcdsaP384Sha384 => {
                SigningKey::P384(p384::ecdsa::SigningKey::random(&mut rng))
            }
        }
    }

    /// base64 of the SEC1 compressed public point, as stored under `aws-crypto-public-key`.
    pub fn public_key_base64(&self) -> String {
        match self {
            SigningKey::P256(k) => B64.encode(k.verifying_key().to_encoded_point(true).as_bytes()),
            SigningKey::P384(k) => B64.encode(k.verifying_key().to_encoded_point(true).as_bytes()),
            SigningKey::Host(k) => B64.encode(k.public_key()),
        }
    }

    /// Starts signing a message for `alg` (which must be the key's algorithm).
    pub fn start(self, alg: SignatureAlgorithm) -> Result<MessageSigner> {
        let matches = match &self {
            SigningKey::P256(_) => alg == SignatureAlgorithm::EcdsaP256Sha256,
            SigningKey::P384(_) => alg == SignatureAlgorithm::EcdsaP384Sha384,
            SigningKey::Host(_) => true,
        };
        if !matches {
            return Err(Error::Keyring(
                "signing key does not match the suite".into(),
            ));
        }
        Ok(match self {
            SigningKey::Host(k) => MessageSigner::Host(k),
            key => MessageSigner::Builtin(Box::new((key, MessageHasher::new(alg)))),
        })
    }
}

/// A signing key with the running hash of the message it signs.
pub enum MessageSigner {
    /// Built-in ECDSA over a built-in hash.
    Builtin(Box<(SigningKey, MessageHasher)>),
    /// The host's key and hash.
    Host(Box<dyn HostSigner>),
}

impl MessageSigner {
    /// Adds bytes to the signed data.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            MessageSigner::Builtin(b) => b.1.update(data),
            MessageSigner::Host(k) => k.update(data),
        }
    }

    /// Signs everything added; returns a DER ECDSA-Sig-Value.
    pub fn finish(self) -> Result<Vec<u8>> {
        let builtin = match self {
            MessageSigner::Host(k) => {
                return k
                    .sign()
                    .ok_or_else(|| Error::Keyring("ECDSA signing failed in the host".into()))
            }
            MessageSigner::Builtin(b) => *b,
        };
        match builtin {
            (SigningKey::P256(k), MessageHasher::Sha256(h)) => {
                let sig: p256::ecdsa::Signature = k.try_sign_digest(h).map_err(sign_err)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            (SigningKey::P384(k), MessageHasher::Sha384(h)) => {
                let sig: p384::ecdsa::Signature = k.try_sign_digest(h).map_err(sign_err)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            _ => Err(Error::Keyring(
                "signing key and hash algorithm differ".into(),
            )),
        }
    }
}

fn sign_err(_: p256::ecdsa::Error) -> Error {
    Error::Keyring("ECDSA signing failed".into())
}

/// The verification key taken from a message's `aws-crypto-public-key`.
#[derive(Clone, Debug)]
pub enum VerifyingKey {
    /// P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// P-384.
    P384(p384::ecdsa::VerifyingKey),
    /// A SEC1 point for the host implementation, which checks it when verification starts.
    Host(SignatureAlgorithm, Vec<u8>),
}

fn bad_public_key(why: &str) -> Error {
    Error::malformed("encryption_context.aws-crypto-public-key", why.to_string())
}

impl VerifyingKey {
    /// Parses the base64 compressed (or uncompressed) SEC1 point.
    pub fn from_base64(alg: SignatureAlgorithm, b64: &str) -> Result<Self> {
        let bytes = B64
            .decode(b64)
            .map_err(|_| bad_public_key("not valid base64"))?;
        if host_signatures().is_some() {
            return Ok(VerifyingKey::Host(alg, bytes));
        }
        Self::builtin(alg, &bytes)
    }

    fn builtin(alg: SignatureAlgorithm, sec1: &[u8]) -> Result<Self> {
        Ok(match alg {
            SignatureAlgorithm::EcdsaP256Sha256 => VerifyingKey::P256(
                p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1)
                    .map_err(|_| bad_public_key("not a P-256 point"))?,
            ),
            SignatureAlgorithm::EcdsaP384Sha384 => VerifyingKey::P384(
                p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1)
                    .map_err(|_| bad_public_key("not a P-384 point"))?,
            ),
        })
    }

    /// Starts verifying a message signed for `alg` (which must be the key's algorithm).
    pub fn start(&self, alg: SignatureAlgorithm) -> Result<MessageVerifier> {
        let mismatch = || {
            Err(Error::SignatureInvalid(
                "verification key and hash algorithm differ".into(),
            ))
        };
        match self {
            VerifyingKey::P256(_) if alg != SignatureAlgorithm::EcdsaP256Sha256 => mismatch(),
            VerifyingKey::P384(_) if alg != SignatureAlgorithm::EcdsaP384Sha384 => mismatch(),
            VerifyingKey::Host(key_alg, _) if *key_alg != alg => mismatch(),
            VerifyingKey::Host(_, sec1) => {
                match host_signatures().and_then(|h| h.verifier(alg, sec1)) {
                    Some(Ok(v)) => Ok(MessageVerifier::Host(v)),
                    Some(Err(())) => Err(bad_public_key(match alg {
                        SignatureAlgorithm::EcdsaP256Sha256 => "not a P-256 point",
                        SignatureAlgorithm::EcdsaP384Sha384 => "not a P-384 point",
                    })),
                    // The host was removed or declines: the built-in implementation takes over.
                    None => Self::builtin(alg, sec1)?.start(alg),
                }
            }
            key => Ok(MessageVerifier::Builtin(Box::new((
                key.clone(),
                MessageHasher::new(alg),
            )))),
        }
    }
}

/// A verification key with the running hash of the message it checks.
pub enum MessageVerifier {
    /// Built-in ECDSA over a built-in hash.
    Builtin(Box<(VerifyingKey, MessageHasher)>),
    /// The host's verifier and hash.
    Host(Box<dyn HostVerifier>),
}

impl MessageVerifier {
    /// Adds bytes to the signed data.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            MessageVerifier::Builtin(b) => b.1.update(data),
            MessageVerifier::Host(v) => v.update(data),
        }
    }

    /// Checks a DER signature over everything added.
    pub fn verify(self, der: &[u8]) -> Result<()> {
        let bad_der = || {
            Error::SignatureInvalid("footer signature is not a valid DER ECDSA signature".into())
        };
        let mismatch = || Error::SignatureInvalid("signature does not match the message".into());
        let builtin = match self {
            MessageVerifier::Host(v) => {
                return if v.verify(der) {
                    Ok(())
                } else {
                    Err(mismatch())
                }
            }
            MessageVerifier::Builtin(b) => *b,
        };
        match builtin {
            (VerifyingKey::P256(k), MessageHasher::Sha256(h)) => {
                let sig = p256::ecdsa::Signature::from_der(der).map_err(|_| bad_der())?;
                k.verify_digest(h, &sig).map_err(|_| mismatch())
            }
            (VerifyingKey::P384(k), MessageHasher::Sha384(h)) => {
                let sig = p384::ecdsa::Signature::from_der(der).map_err(|_| bad_der())?;
                k.verify_digest(h, &sig).map_err(|_| mismatch())
            }
            _ => Err(Error::SignatureInvalid(
                "verification key and hash algorithm differ".into(),
            )),
        }
    }
}
