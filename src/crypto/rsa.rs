//! RSA key parsing and PKCS#1 v1.5 / OAEP wrapping (MGF1 hash = OAEP hash, empty label).

use std::str::FromStr;

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::{Oaep, Pkcs1v15Encrypt, RsaPrivateKey, RsaPublicKey};
pub use sealkit_kms::rsa_private::{
    RsaBackend, RsaDecryptPadding, RsaHash, RsaPrivateError, RsaPrivateOps,
};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::future::{BoxFuture, MaybeSend, MaybeSync};

/// What an RSA decryption yields: the plaintext, or one undetailed failure.
pub type RsaDecryptResult = core::result::Result<Zeroizing<Vec<u8>>, RsaPrivateError>;

/// A private key's decryption, wherever the key lives: the build's backend (any
/// [`RsaPrivateOps`]) or a host that keeps the key (node:crypto in Node, WebCrypto in
/// browsers; see `wasm::host_rsa`). Only `Send`/`Sync` natively: on wasm a host key is a JS
/// value. The answer is a future because WebCrypto answers with a Promise; the built-in
/// backend and node:crypto answer at once (the future is ready on its first poll).
pub trait RsaDecryptKey: MaybeSend + MaybeSync {
    /// Decrypts `ciphertext`. Every failure is [`RsaPrivateError::Decryption`], with no detail
    /// (no padding oracle).
    fn decrypt<'a>(
        &'a self,
        padding: RsaDecryptPadding,
        ciphertext: &'a [u8],
    ) -> BoxFuture<'a, RsaDecryptResult>;
}

impl RsaDecryptKey for Box<dyn RsaPrivateOps> {
    fn decrypt<'a>(
        &'a self,
        padding: RsaDecryptPadding,
        ciphertext: &'a [u8],
    ) -> BoxFuture<'a, RsaDecryptResult> {
        Box::pin(core::future::ready(
            self.as_ref().decrypt(padding, ciphertext),
        ))
    }
}

/// A public key's encryption, wherever the key is used: the built-in `rsa` code
/// ([`RsaPublicKey`]) or a host (WebCrypto in browsers, whose RSA-OAEP is several times faster
/// than the module's big-number code; see `wasm::host_rsa`). A future for the same reason as
/// [`RsaDecryptKey`]'s.
pub trait RsaEncryptKey: MaybeSend + MaybeSync {
    /// Encrypts `data` (a data key) with `padding`.
    fn encrypt<'a>(&'a self, padding: RsaPadding, data: &'a [u8])
        -> BoxFuture<'a, Result<Vec<u8>>>;
}

impl RsaEncryptKey for RsaPublicKey {
    fn encrypt<'a>(
        &'a self,
        padding: RsaPadding,
        data: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>>> {
        Box::pin(core::future::ready(encrypt(self, padding, data)))
    }
}

/// RSA padding schemes of the raw RSA keyring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaPadding {
    /// PKCS#1 v1.5.
    Pkcs1,
    /// OAEP with SHA-1 and MGF1-SHA-1.
    OaepSha1,
    /// OAEP with SHA-256 and MGF1-SHA-256.
    OaepSha256,
    /// OAEP with SHA-384 and MGF1-SHA-384.
    OaepSha384,
    /// OAEP with SHA-512 and MGF1-SHA-512.
    OaepSha512,
}

impl RsaPadding {
    /// The OAEP hash (also MGF1's); `None` for PKCS#1 v1.5.
    pub fn oaep_hash(&self) -> Option<RsaHash> {
        match self {
            RsaPadding::Pkcs1 => None,
            RsaPadding::OaepSha1 => Some(RsaHash::Sha1),
            RsaPadding::OaepSha256 => Some(RsaHash::Sha256),
            RsaPadding::OaepSha384 => Some(RsaHash::Sha384),
            RsaPadding::OaepSha512 => Some(RsaHash::Sha512),
        }
    }

    /// The CLI/JS name (`pkcs1`, `oaep-sha1`, …).
    pub fn name(&self) -> &'static str {
        match self {
            RsaPadding::Pkcs1 => "pkcs1",
            RsaPadding::OaepSha1 => "oaep-sha1",
            RsaPadding::OaepSha256 => "oaep-sha256",
            RsaPadding::OaepSha384 => "oaep-sha384",
            RsaPadding::OaepSha512 => "oaep-sha512",
        }
    }
}

impl FromStr for RsaPadding {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "pkcs1" => RsaPadding::Pkcs1,
            "oaep-sha1" => RsaPadding::OaepSha1,
            "oaep-sha256" => RsaPadding::OaepSha256,
            "oaep-sha384" => RsaPadding::OaepSha384,
            "oaep-sha512" => RsaPadding::OaepSha512,
            _ => {
                return Err(Error::invalid(format!(
                    "unknown RSA padding '{s}' (expected pkcs1, oaep-sha1, oaep-sha256, oaep-sha384 or oaep-sha512)"
                )))
            }
        })
    }
}

/// Parses a PEM public key (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`).
pub fn public_key_from_pem(pem: &str) -> Result<RsaPublicKey> {
    RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem.trim()))
        .map_err(|_| {
            Error::invalid(
                "RSA public key is not a valid PEM SubjectPublicKeyInfo or PKCS#1 public key",
            )
        })
}

/// Parses a DER SubjectPublicKeyInfo (what KMS GetPublicKey returns).
pub fn public_key_from_der(der: &[u8]) -> Result<RsaPublicKey> {
    RsaPublicKey::from_public_key_der(der)
        .map_err(|_| Error::invalid("RSA public key is not a valid DER SubjectPublicKeyInfo"))
}

/// Parses a PEM private key (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`).
pub fn private_key_from_pem(pem: &str) -> Result<RsaPrivateKey> {
    RsaPrivateKey::from_pkcs8_pem(pem.trim())
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem.trim()))
        .map_err(|_| {
            Error::invalid("RSA private key is not a valid PEM PKCS#8 or PKCS#1 private key")
        })
}

/// Encrypts `data` to the public key.
pub fn encrypt(key: &RsaPublicKey, padding: RsaPadding, data: &[u8]) -> Result<Vec<u8>> {
    let mut rng = rand_core::OsRng;
    let r = match padding {
        RsaPadding::Pkcs1 => key.encrypt(&mut rng, Pkcs1v15Encrypt, data),
        RsaPadding::OaepSha1 => key.encrypt(&mut rng, Oaep::new::<sha1::Sha1>(), data),
        RsaPadding::OaepSha256 => key.encrypt(&mut rng, Oaep::new::<sha2::Sha256>(), data),
        RsaPadding::OaepSha384 => key.encrypt(&mut rng, Oaep::new::<sha2::Sha384>(), data),
        RsaPadding::OaepSha512 => key.encrypt(&mut rng, Oaep::new::<sha2::Sha512>(), data),
    };
    r.map_err(|e| Error::Keyring(format!("RSA {} encryption failed: {e}", padding.name())))
}

/// The padding's private-key form (OAEP: MGF1 with the same hash, empty label).
fn decrypt_padding(padding: RsaPadding) -> RsaDecryptPadding {
    padding
        .oaep_hash()
        .map_or(RsaDecryptPadding::Pkcs1v15, RsaDecryptPadding::Oaep)
}

/// A private key ready for decryption through `backend`: constant-time AWS-LC in the native
/// CLI's build (feature `aws-lc-rsa`), rsa 0.9 with blinding otherwise (RUSTSEC-2023-0071,
/// Marvin; see SECURITY.md). AWS-LC refuses keys outside 2048..=8192 bits.
pub fn private_ops(backend: RsaBackend, key: RsaPrivateKey) -> Result<Box<dyn RsaPrivateOps>> {
    backend.from_rsa_key(key).map_err(|_| {
        Error::invalid(format!(
            "RSA private key is not accepted by the {} RSA implementation (2048 to 8192 bits)",
            backend.name()
        ))
    })
}

/// Decrypts with the private key. Failures carry no detail (no padding oracle in messages).
pub async fn decrypt(
    key: &dyn RsaDecryptKey,
    padding: RsaPadding,
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    key.decrypt(decrypt_padding(padding), data)
        .await
        .map_err(|_| Error::Keyring(format!("RSA {} decryption failed", padding.name())))
}
