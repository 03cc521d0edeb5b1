//! ECDSA message signatures (P-256/SHA-256, P-384/SHA-384) over a running hash.
//!
//! Verification accepts high-s signatures: the Python ESDK emits them on purpose
//! (they pad the DER to a fixed length by negating s), and the ESDK spec does not require low-s
//! (framework/transitive-requirements.md, "ECDSA"; data-format/message-footer.md, "Signature").
//!
//! A host implementation (node:crypto or WebCrypto, through the wasm bindings) can take over
//! signing and verification with [`set_host_signatures`]; it produces the same format (SEC1
//! compressed public keys, DER signatures), so readers cannot tell the two apart. Host calls
//! return futures: node:crypto answers at once, WebCrypto later, which only the one-shot (async)
//! paths wait for. Without the `builtin-ecdsa` feature (the `sealkit/lite` wasm module, which
//! uses WebCrypto) there is no built-in ECDSA and signed suites need a host.

use std::rc::Rc;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::error::{Error, Result};
use crate::future::{BoxFuture, MaybeSend};
use crate::suite::SignatureAlgorithm;

/// A host ECDSA implementation. A future that yields `None` declines (or failed), and the
/// built-in implementation is used where there is one.
pub trait HostSignatures {
    /// A new ephemeral key pair, ready to hash a message.
    fn generate(&self, alg: SignatureAlgorithm) -> BoxFuture<'static, Option<Box<dyn HostSigner>>>;
    /// A verifier for a SEC1 public point; `Some(Err(()))` = the host rejects the point.
    fn verifier(
        &self,
        alg: SignatureAlgorithm,
        sec1: &[u8],
    ) -> BoxFuture<'static, Option<Result<Box<dyn HostVerifier>, ()>>>;
}

/// A host signing key with its running message hash. The private key stays in the host.
/// (`Any`: a host driver, such as the small module's JS driver, can get its own object back.)
pub trait HostSigner: MaybeSend + core::any::Any {
    /// The SEC1 compressed public point.
    fn public_key(&self) -> Vec<u8>;
    /// Adds bytes to the signed data.
    fn update(&mut self, data: &[u8]);
    /// The DER ECDSA-Sig-Value over everything added; `None` = the host failed.
    fn sign(self: Box<Self>) -> BoxFuture<'static, Option<Vec<u8>>>;
    /// A DER signature over `data` alone, leaving the running hash alone; may be called again
    /// for a fresh signature (item footers need one of a fixed length).
    fn sign_data(&self, data: &[u8]) -> BoxFuture<'static, Option<Vec<u8>>>;
}

/// A host verifier with its running message hash.
pub trait HostVerifier: MaybeSend {
    /// Adds bytes to the signed data.
    fn update(&mut self, data: &[u8]);
    /// Whether the DER signature matches everything added.
    fn verify(self: Box<Self>, der: &[u8]) -> BoxFuture<'static, bool>;
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
    #[cfg(feature = "builtin-ecdsa")]
    P256(p256::ecdsa::SigningKey),
    /// P-384.
    #[cfg(feature = "builtin-ecdsa")]
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
    pub async fn generate(alg: SignatureAlgorithm) -> Result<Self> {
        // The host handle is not held across the await (it is not `Send`).
        let pending = host_signatures().map(|h| h.generate(alg));
        if let Some(pending) = pending {
            if let Some(signer) = pending.await {
                return Ok(SigningKey::Host(signer));
            }
        }
        Self::generate_builtin(alg)
    }

    /// Generates a new key with the built-in implementation.
    #[cfg(feature = "builtin-ecdsa")]
    pub fn generate_builtin(alg: SignatureAlgorithm) -> Result<Self> {
        let mut rng = rand_core::OsRng;
        Ok(match alg {
            SignatureAlgorithm::EcdsaP256Sha256 => {
                SigningKey::P256(p256::ecdsa::SigningKey::random(&mut rng))
            }
            SignatureAlgorithm::EcdsaP384Sha384 => {
                SigningKey::P384(p384::ecdsa::SigningKey::random(&mut rng))
            }
        })
    }

    /// Without built-in ECDSA only a host can sign.
    #[cfg(not(feature = "builtin-ecdsa"))]
    pub fn generate_builtin(_alg: SignatureAlgorithm) -> Result<Self> {
        Err(no_builtin())
    }

    /// A copy of a built-in key (for materials a caching CMM hands out again, spec:
    /// framework/caching-cmm.md "Get Encryption Materials"); `None` for a key held by the host,
    /// which cannot be copied.
    pub fn try_clone(&self) -> Option<Self> {
        match self {
            #[cfg(feature = "builtin-ecdsa")]
            SigningKey::P256(k) => Some(SigningKey::P256(k.clone())),
            #[cfg(feature = "builtin-ecdsa")]
            SigningKey::P384(k) => Some(SigningKey::P384(k.clone())),
            SigningKey::Host(_) => None,
        }
    }

    /// base64 of the SEC1 compressed public point, as stored under `aws-crypto-public-key`.
    pub fn public_key_base64(&self) -> String {
        match self {
            #[cfg(feature = "builtin-ecdsa")]
            SigningKey::P256(k) => B64.encode(k.verifying_key().to_encoded_point(true).as_bytes()),
            #[cfg(feature = "builtin-ecdsa")]
            SigningKey::P384(k) => B64.encode(k.verifying_key().to_encoded_point(true).as_bytes()),
            SigningKey::Host(k) => B64.encode(k.public_key()),
        }
    }

    /// A fresh DER ECDSA signature over `data` alone (hashed with the key's curve hash), with
    /// new randomness on every call: item footers draw again until one has a fixed length.
    pub async fn sign_data(&self, data: &[u8]) -> Result<Vec<u8>> {
        match self {
            SigningKey::Host(k) => k
                .sign_data(data)
                .await
                .ok_or_else(|| Error::Keyring("ECDSA signing failed in the host".into())),
            #[cfg(feature = "builtin-ecdsa")]
            key => builtin::sign_data(key, data),
        }
    }

    /// Starts signing a message for `alg` (which must be the key's algorithm).
    #[cfg_attr(not(feature = "builtin-ecdsa"), allow(unused_variables))]
    pub fn start(self, alg: SignatureAlgorithm) -> Result<MessageSigner> {
        match self {
            SigningKey::Host(k) => Ok(MessageSigner::Host(k)),
            #[cfg(feature = "builtin-ecdsa")]
            key => builtin::Signer::start(key, alg).map(|s| MessageSigner::Builtin(Box::new(s))),
        }
    }
}

/// A signing key with the running hash of the message it signs.
pub enum MessageSigner {
    /// Built-in ECDSA over a built-in hash.
    #[cfg(feature = "builtin-ecdsa")]
    Builtin(Box<builtin::Signer>),
    /// The host's key and hash.
    Host(Box<dyn HostSigner>),
}

impl MessageSigner {
    /// Adds bytes to the signed data.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            #[cfg(feature = "builtin-ecdsa")]
            MessageSigner::Builtin(b) => b.update(data),
            MessageSigner::Host(k) => k.update(data),
        }
    }

    /// Signs everything added; returns a DER ECDSA-Sig-Value.
    pub async fn finish(self) -> Result<Vec<u8>> {
        match self {
            #[cfg(feature = "builtin-ecdsa")]
            MessageSigner::Builtin(b) => b.finish(),
            MessageSigner::Host(k) => k
                .sign()
                .await
                .ok_or_else(|| Error::Keyring("ECDSA signing failed in the host".into())),
        }
    }
}

#[cfg(not(feature = "builtin-ecdsa"))]
fn no_builtin() -> Error {
    Error::Unsupported(
        "this build has no built-in ECDSA and no host ECDSA is installed (WebCrypto or node:crypto)"
            .into(),
    )
}

fn bad_public_key(why: &str) -> Error {
    Error::malformed("encryption_context.aws-crypto-public-key", why.to_string())
}

pub(crate) fn not_a_point(alg: SignatureAlgorithm) -> Error {
    bad_public_key(match alg {
        SignatureAlgorithm::EcdsaP256Sha256 => "not a P-256 point",
        SignatureAlgorithm::EcdsaP384Sha384 => "not a P-384 point",
    })
}

/// The verification key taken from a message's `aws-crypto-public-key`.
#[derive(Clone, Debug)]
pub enum VerifyingKey {
    /// P-256.
    #[cfg(feature = "builtin-ecdsa")]
    P256(p256::ecdsa::VerifyingKey),
    /// P-384.
    #[cfg(feature = "builtin-ecdsa")]
    P384(p384::ecdsa::VerifyingKey),
    /// A SEC1 point for the host implementation, which checks it when verification starts.
    Host(SignatureAlgorithm, Vec<u8>),
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

    #[cfg(feature = "builtin-ecdsa")]
    fn builtin(alg: SignatureAlgorithm, sec1: &[u8]) -> Result<Self> {
        builtin::verifying_key(alg, sec1).ok_or_else(|| not_a_point(alg))
    }

    #[cfg(not(feature = "builtin-ecdsa"))]
    fn builtin(_alg: SignatureAlgorithm, _sec1: &[u8]) -> Result<Self> {
        Err(no_builtin())
    }

    /// Starts verifying a message signed for `alg` (which must be the key's algorithm).
    pub async fn start(&self, alg: SignatureAlgorithm) -> Result<MessageVerifier> {
        let key = match self {
            VerifyingKey::Host(key_alg, sec1) => {
                if *key_alg != alg {
                    return Err(algorithm_mismatch());
                }
                let pending = host_signatures().map(|h| h.verifier(alg, sec1));
                let host = match pending {
                    Some(pending) => pending.await,
                    None => None,
                };
                match host {
                    Some(Ok(v)) => return Ok(MessageVerifier::Host(v)),
                    Some(Err(())) => return Err(not_a_point(alg)),
                    // The host was removed or declines: the built-in implementation takes over.
                    None => Self::builtin(alg, sec1)?,
                }
            }
            #[cfg(feature = "builtin-ecdsa")]
            key => key.clone(),
        };
        #[cfg(feature = "builtin-ecdsa")]
        return builtin::Verifier::start(key, alg).map(|v| MessageVerifier::Builtin(Box::new(v)));
        #[cfg(not(feature = "builtin-ecdsa"))]
        match key {
            VerifyingKey::Host(..) => Err(no_builtin()),
        }
    }
}

pub(crate) fn algorithm_mismatch() -> Error {
    Error::SignatureInvalid("verification key and hash algorithm differ".into())
}

/// A verification key with the running hash of the message it checks.
pub enum MessageVerifier {
    /// Built-in ECDSA over a built-in hash.
    #[cfg(feature = "builtin-ecdsa")]
    Builtin(Box<builtin::Verifier>),
    /// The host's verifier and hash.
    Host(Box<dyn HostVerifier>),
}

impl MessageVerifier {
    /// Adds bytes to the signed data.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            #[cfg(feature = "builtin-ecdsa")]
            MessageVerifier::Builtin(b) => b.update(data),
            MessageVerifier::Host(v) => v.update(data),
        }
    }

    /// Checks a DER signature over everything added.
    pub async fn verify(self, der: &[u8]) -> Result<()> {
        match self {
            #[cfg(feature = "builtin-ecdsa")]
            MessageVerifier::Builtin(b) => b.verify(der),
            MessageVerifier::Host(v) => {
                if v.verify(der).await {
                    Ok(())
                } else {
                    Err(signature_mismatch())
                }
            }
        }
    }
}

fn signature_mismatch() -> Error {
    Error::SignatureInvalid("signature does not match the message".into())
}

/// The built-in ECDSA (RustCrypto `p256` / `p384`).
#[cfg(feature = "builtin-ecdsa")]
mod builtin {
    use p256::ecdsa::signature::{DigestSigner, DigestVerifier};
    use sha2::{Digest, Sha256, Sha384};

    use super::{algorithm_mismatch, signature_mismatch, SigningKey, VerifyingKey};
    use crate::error::{Error, Result};
    use crate::suite::SignatureAlgorithm;

    /// A built-in key with the running hash of its message.
    pub enum Signer {
        P256(p256::ecdsa::SigningKey, Sha256),
        P384(p384::ecdsa::SigningKey, Sha384),
    }

    impl Signer {
        pub(super) fn start(key: SigningKey, alg: SignatureAlgorithm) -> Result<Self> {
            match (key, alg) {
                (SigningKey::P256(k), SignatureAlgorithm::EcdsaP256Sha256) => {
                    Ok(Signer::P256(k, Sha256::new()))
                }
                (SigningKey::P384(k), SignatureAlgorithm::EcdsaP384Sha384) => {
                    Ok(Signer::P384(k, Sha384::new()))
                }
                _ => Err(Error::Keyring(
                    "signing key does not match the suite".into(),
                )),
            }
        }

        pub(super) fn update(&mut self, data: &[u8]) {
            match self {
                Signer::P256(_, h) => h.update(data),
                Signer::P384(_, h) => h.update(data),
            }
        }

        pub(super) fn finish(self) -> Result<Vec<u8>> {
            let failed = |_| Error::Keyring("ECDSA signing failed".into());
            Ok(match self {
                Signer::P256(k, h) => {
                    let sig: p256::ecdsa::Signature = k.try_sign_digest(h).map_err(failed)?;
                    sig.to_der().as_bytes().to_vec()
                }
                Signer::P384(k, h) => {
                    let sig: p384::ecdsa::Signature = k.try_sign_digest(h).map_err(failed)?;
                    sig.to_der().as_bytes().to_vec()
                }
            })
        }
    }

    /// A randomized signature over `data` (RFC 6979 with added entropy, so each call differs).
    pub(super) fn sign_data(key: &SigningKey, data: &[u8]) -> Result<Vec<u8>> {
        use p256::ecdsa::signature::RandomizedDigestSigner;
        let failed = |_| Error::Keyring("ECDSA signing failed".into());
        let mut rng = rand_core::OsRng;
        Ok(match key {
            SigningKey::P256(k) => {
                let sig: p256::ecdsa::Signature = k
                    .try_sign_digest_with_rng(&mut rng, Sha256::new_with_prefix(data))
                    .map_err(failed)?;
                sig.to_der().as_bytes().to_vec()
            }
            SigningKey::P384(k) => {
                let sig: p384::ecdsa::Signature = k
                    .try_sign_digest_with_rng(&mut rng, Sha384::new_with_prefix(data))
                    .map_err(failed)?;
                sig.to_der().as_bytes().to_vec()
            }
            SigningKey::Host(_) => {
                return Err(Error::Keyring(
                    "internal: a host key signs in the host".into(),
                ))
            }
        })
    }

    pub(super) fn verifying_key(alg: SignatureAlgorithm, sec1: &[u8]) -> Option<VerifyingKey> {
        Some(match alg {
            SignatureAlgorithm::EcdsaP256Sha256 => {
                VerifyingKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1).ok()?)
            }
            SignatureAlgorithm::EcdsaP384Sha384 => {
                VerifyingKey::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1).ok()?)
            }
        })
    }

    /// A built-in verification key with the running hash of its message.
    pub enum Verifier {
        P256(p256::ecdsa::VerifyingKey, Sha256),
        P384(p384::ecdsa::VerifyingKey, Sha384),
    }

    impl Verifier {
        pub(super) fn start(key: VerifyingKey, alg: SignatureAlgorithm) -> Result<Self> {
            match (key, alg) {
                (VerifyingKey::P256(k), SignatureAlgorithm::EcdsaP256Sha256) => {
                    Ok(Verifier::P256(k, Sha256::new()))
                }
                (VerifyingKey::P384(k), SignatureAlgorithm::EcdsaP384Sha384) => {
                    Ok(Verifier::P384(k, Sha384::new()))
                }
                _ => Err(algorithm_mismatch()),
            }
        }

        pub(super) fn update(&mut self, data: &[u8]) {
            match self {
                Verifier::P256(_, h) => h.update(data),
                Verifier::P384(_, h) => h.update(data),
            }
        }

        pub(super) fn verify(self, der: &[u8]) -> Result<()> {
            let bad_der = || {
                Error::SignatureInvalid(
                    "footer signature is not a valid DER ECDSA signature".into(),
                )
            };
            match self {
                Verifier::P256(k, h) => {
                    let sig = p256::ecdsa::Signature::from_der(der).map_err(|_| bad_der())?;
                    k.verify_digest(h, &sig).map_err(|_| signature_mismatch())
                }
                Verifier::P384(k, h) => {
                    let sig = p384::ecdsa::Signature::from_der(der).map_err(|_| bad_der())?;
                    k.verify_digest(h, &sig).map_err(|_| signature_mismatch())
                }
            }
        }
    }
}
