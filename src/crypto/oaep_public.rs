//! RSA-OAEP encryption with a public key alone: the KMS RSA keyring's offline encrypt, with the
//! key KMS GetPublicKey handed out. Built in (RustCrypto `rsa`), or made by the host in the
//! `host-crypto` build (WebCrypto RSA-OAEP), whose module then carries no RSA arithmetic.
//!
//! Both builds accept the same keys: each is read by [`RsaSpki`] first.

use crate::crypto::rsa_spki::RsaSpki;
use crate::error::Result;
use crate::future::BoxFuture;

/// The OAEP hash (MGF1 uses the same hash; the label is empty), as KMS names its RSA
/// encryption algorithms `RSAES_OAEP_SHA_1` and `RSAES_OAEP_SHA_256`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OaepHash {
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl OaepHash {
    #[cfg(feature = "host-crypto")]
    fn name(self) -> &'static str {
        match self {
            OaepHash::Sha1 => "oaep-sha1",
            OaepHash::Sha256 => "oaep-sha256",
        }
    }
}

/// A checked RSA public key that encrypts with OAEP.
pub struct OaepPublicKey {
    spki: RsaSpki,
    #[cfg(not(feature = "host-crypto"))]
    key: ::rsa::RsaPublicKey,
}

impl OaepPublicKey {
    /// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) or `RSA PUBLIC KEY` (PKCS#1).
    pub fn from_pem(pem: &str) -> Result<Self> {
        let spki = RsaSpki::from_pem(pem)?;
        Ok(OaepPublicKey {
            #[cfg(not(feature = "host-crypto"))]
            key: crate::crypto::rsa::public_key_from_der(spki.der())?,
            spki,
        })
    }

    /// The modulus length in bytes.
    pub fn modulus_len(&self) -> usize {
        self.spki.modulus_len()
    }

    /// `plaintext` encrypted with OAEP under `hash` (random padding: a new ciphertext each time).
    pub fn encrypt(&self, hash: OaepHash, plaintext: &[u8]) -> BoxFuture<'static, Result<Vec<u8>>> {
        #[cfg(not(feature = "host-crypto"))]
        {
            use crate::crypto::rsa::{encrypt, RsaPadding};
            let padding = match hash {
                OaepHash::Sha1 => RsaPadding::OaepSha1,
                OaepHash::Sha256 => RsaPadding::OaepSha256,
            };
            let r = encrypt(&self.key, padding, plaintext);
            Box::pin(core::future::ready(r))
        }
        #[cfg(feature = "host-crypto")]
        {
            let expected = self.modulus_len();
            let call = crate::crypto::host::host_crypto()
                .map(|host| host.rsa_oaep_encrypt(hash, self.spki.der(), plaintext));
            Box::pin(async move {
                match call?.await {
                    Some(ct) if ct.len() == expected => Ok(ct),
                    _ => Err(crate::error::Error::Keyring(format!(
                        "RSA {} encryption failed in the host (WebCrypto)",
                        hash.name()
                    ))),
                }
            })
        }
    }
}

impl core::fmt::Debug for OaepPublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "OaepPublicKey({} bits)", self.modulus_len() * 8)
    }
}
