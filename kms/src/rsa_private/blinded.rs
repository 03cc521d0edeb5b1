//! [`RsaPrivateOps`] on the `rsa` 0.9 crate, every private-key operation blinded with a fresh
//! random factor: the mitigation for RUSTSEC-2023-0071 (Marvin) that crate offers. Its modular
//! exponentiation is still not constant time; SECURITY.md says where this path still runs.

use rand_core::OsRng;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign, Pss, RsaPrivateKey};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::{RsaDecryptPadding, RsaHash, RsaPrivateError, RsaPrivateOps, RsaSignScheme};

/// An `rsa` 0.9 private key (it zeroizes itself on drop).
pub(super) struct BlindedKey(RsaPrivateKey);

impl BlindedKey {
    pub(super) fn new(key: RsaPrivateKey) -> Self {
        BlindedKey(key)
    }

    pub(super) fn from_pkcs8_der(der: &[u8]) -> Result<Self, RsaPrivateError> {
        RsaPrivateKey::from_pkcs8_der(der)
            .map(BlindedKey)
            .map_err(|_| RsaPrivateError::InvalidKey)
    }
}

impl RsaPrivateOps for BlindedKey {
    fn decrypt(
        &self,
        padding: RsaDecryptPadding,
        ct: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, RsaPrivateError> {
        let key = &self.0;
        let rng = &mut OsRng;
        let r = match padding {
            RsaDecryptPadding::Pkcs1v15 => key.decrypt_blinded(rng, Pkcs1v15Encrypt, ct),
            RsaDecryptPadding::Oaep(RsaHash::Sha1) => {
                key.decrypt_blinded(rng, Oaep::new::<sha1::Sha1>(), ct)
            }
            RsaDecryptPadding::Oaep(RsaHash::Sha256) => {
                key.decrypt_blinded(rng, Oaep::new::<Sha256>(), ct)
            }
            RsaDecryptPadding::Oaep(RsaHash::Sha384) => {
                key.decrypt_blinded(rng, Oaep::new::<Sha384>(), ct)
            }
            RsaDecryptPadding::Oaep(RsaHash::Sha512) => {
                key.decrypt_blinded(rng, Oaep::new::<Sha512>(), ct)
            }
        };
        r.map(Zeroizing::new)
            .map_err(|_| RsaPrivateError::Decryption)
    }

    fn sign(&self, scheme: RsaSignScheme, digest: &[u8]) -> Result<Vec<u8>, RsaPrivateError> {
        let key = &self.0;
        let rng = &mut OsRng;
        // With an rng, PKCS#1 v1.5 signing (deterministic output) is blinded too. Both schemes
        // refuse a digest whose length does not match the hash.
        let r = match scheme {
            RsaSignScheme::Pkcs1v15(RsaHash::Sha256) => {
                key.sign_with_rng(rng, Pkcs1v15Sign::new::<Sha256>(), digest)
            }
            RsaSignScheme::Pkcs1v15(RsaHash::Sha384) => {
                key.sign_with_rng(rng, Pkcs1v15Sign::new::<Sha384>(), digest)
            }
            RsaSignScheme::Pkcs1v15(RsaHash::Sha512) => {
                key.sign_with_rng(rng, Pkcs1v15Sign::new::<Sha512>(), digest)
            }
            RsaSignScheme::Pss(RsaHash::Sha256) => {
                key.sign_with_rng(rng, Pss::new::<Sha256>(), digest)
            }
            RsaSignScheme::Pss(RsaHash::Sha384) => {
                key.sign_with_rng(rng, Pss::new::<Sha384>(), digest)
            }
            RsaSignScheme::Pss(RsaHash::Sha512) => {
                key.sign_with_rng(rng, Pss::new::<Sha512>(), digest)
            }
            // SHA-1 signatures are not offered (AWS KMS has none either).
            RsaSignScheme::Pkcs1v15(RsaHash::Sha1) | RsaSignScheme::Pss(RsaHash::Sha1) => {
                return Err(RsaPrivateError::Signing)
            }
        };
        r.map_err(|_| RsaPrivateError::Signing)
    }
}
