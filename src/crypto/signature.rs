//! ECDSA message signatures (P-256/SHA-256, P-384/SHA-384) over a running hash.
//!
//! Verification accepts high-s signatures: the Python ESDK emits them on purpose
//! (spec notes §3.6), and the ESDK spec does not require low-s.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use p256::ecdsa::signature::{DigestSigner, DigestVerifier};
use sha2::{Digest, Sha256, Sha384};

use crate::error::{Error, Result};
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

/// An ephemeral per-message signing key. The ecdsa crate zeroizes it on drop.
pub enum SigningKey {
    /// P-256.
    P256(p256::ecdsa::SigningKey),
    /// P-384.
    P384(p384::ecdsa::SigningKey),
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

impl SigningKey {
    /// Generates a new key for the algorithm.
    pub fn generate(alg: SignatureAlgorithm) -> Self {
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
        }
    }

    /// Signs the hash; returns a DER ECDSA-Sig-Value.
    pub fn sign(&self, hasher: MessageHasher) -> Result<Vec<u8>> {
        match (self, hasher) {
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
}

impl VerifyingKey {
    /// Parses the base64 compressed (or uncompressed) SEC1 point.
    pub fn from_base64(alg: SignatureAlgorithm, b64: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::malformed("encryption_context.aws-crypto-public-key", why.to_string())
        };
        let bytes = B64.decode(b64).map_err(|_| bad("not valid base64"))?;
        Ok(match alg {
            SignatureAlgorithm::EcdsaP256Sha256 => VerifyingKey::P256(
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&bytes)
                    .map_err(|_| bad("not a P-256 point"))?,
            ),
            SignatureAlgorithm::EcdsaP384Sha384 => VerifyingKey::P384(
                p384::ecdsa::VerifyingKey::from_sec1_bytes(&bytes)
                    .map_err(|_| bad("not a P-384 point"))?,
            ),
        })
    }

    /// Verifies a DER signature over the hash.
    pub fn verify(&self, hasher: MessageHasher, der: &[u8]) -> Result<()> {
        let bad_der = || {
            Error::SignatureInvalid("footer signature is not a valid DER ECDSA signature".into())
        };
        let mismatch = || Error::SignatureInvalid("signature does not match the message".into());
        match (self, hasher) {
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
