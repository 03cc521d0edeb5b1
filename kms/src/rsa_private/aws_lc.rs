//! [`RsaPrivateOps`] on AWS-LC (`aws-lc-rs`): constant-time RSA private-key operations for the
//! native builds (feature `aws-lc-rsa`). AWS-LC accepts 2048- to 8192-bit keys.
//!
//! The key is kept as PKCS#8 DER (zeroized on drop) and each AWS-LC key object (one per padding
//! family) is parsed the first time an operation needs it: the key server loads a key per
//! request and runs one operation (one parse, of the kind it needs; AWS-LC's parse validates the
//! key and costs about as much as the operation, see BENCHMARKS.md), a keyring loads once and
//! decrypts many times.

use std::sync::OnceLock;

use aws_lc_rs::digest::{Digest, SHA256, SHA384, SHA512};
use aws_lc_rs::rsa::{
    OaepAlgorithm, OaepPrivateDecryptingKey, Pkcs1PrivateDecryptingKey, PrivateDecryptingKey,
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384, OAEP_SHA512_MGF1SHA512,
};
use aws_lc_rs::signature::{
    RsaEncoding, RsaKeyPair, RSA_PKCS1_SHA256, RSA_PKCS1_SHA384, RSA_PKCS1_SHA512, RSA_PSS_SHA256,
    RSA_PSS_SHA384, RSA_PSS_SHA512,
};
use zeroize::Zeroizing;

use super::{RsaDecryptPadding, RsaHash, RsaPrivateError, RsaPrivateOps, RsaSignScheme};

/// An RSA private key for AWS-LC.
pub(super) struct AwsLcKey {
    pkcs8: Zeroizing<Vec<u8>>,
    oaep: OnceLock<OaepPrivateDecryptingKey>,
    pkcs1: OnceLock<Pkcs1PrivateDecryptingKey>,
    signing: OnceLock<RsaKeyPair>,
}

impl AwsLcKey {
    /// Keeps the key; nothing is parsed until an operation needs it, and then a key AWS-LC
    /// refuses fails that operation.
    pub(super) fn from_pkcs8_der_lazy(der: &[u8]) -> Self {
        AwsLcKey {
            pkcs8: Zeroizing::new(der.to_vec()),
            oaep: OnceLock::new(),
            pkcs1: OnceLock::new(),
            signing: OnceLock::new(),
        }
    }

    /// Parses the key for decryption now, so a key AWS-LC refuses (outside 2048..=8192 bits, or
    /// inconsistent) is an error when the keyring is made, not at its first decryption.
    pub(super) fn from_pkcs8_der_checked(der: &[u8]) -> Result<Self, RsaPrivateError> {
        let key = Self::from_pkcs8_der_lazy(der);
        key.oaep_key()?;
        Ok(key)
    }

    fn decrypting_key(&self) -> Result<PrivateDecryptingKey, RsaPrivateError> {
        PrivateDecryptingKey::from_pkcs8(&self.pkcs8).map_err(|_| RsaPrivateError::InvalidKey)
    }

    fn oaep_key(&self) -> Result<&OaepPrivateDecryptingKey, RsaPrivateError> {
        if let Some(k) = self.oaep.get() {
            return Ok(k);
        }
        let k = OaepPrivateDecryptingKey::new(self.decrypting_key()?)
            .map_err(|_| RsaPrivateError::InvalidKey)?;
        Ok(self.oaep.get_or_init(|| k))
    }

    fn pkcs1_key(&self) -> Result<&Pkcs1PrivateDecryptingKey, RsaPrivateError> {
        if let Some(k) = self.pkcs1.get() {
            return Ok(k);
        }
        let k = Pkcs1PrivateDecryptingKey::new(self.decrypting_key()?)
            .map_err(|_| RsaPrivateError::InvalidKey)?;
        Ok(self.pkcs1.get_or_init(|| k))
    }

    fn signing_key(&self) -> Result<&RsaKeyPair, RsaPrivateError> {
        if let Some(k) = self.signing.get() {
            return Ok(k);
        }
        let k = RsaKeyPair::from_pkcs8(&self.pkcs8).map_err(|_| RsaPrivateError::InvalidKey)?;
        Ok(self.signing.get_or_init(|| k))
    }
}

fn oaep_algorithm(h: RsaHash) -> &'static OaepAlgorithm {
    match h {
        RsaHash::Sha1 => &OAEP_SHA1_MGF1SHA1,
        RsaHash::Sha256 => &OAEP_SHA256_MGF1SHA256,
        RsaHash::Sha384 => &OAEP_SHA384_MGF1SHA384,
        RsaHash::Sha512 => &OAEP_SHA512_MGF1SHA512,
    }
}

impl RsaPrivateOps for AwsLcKey {
    fn decrypt(
        &self,
        padding: RsaDecryptPadding,
        ct: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, RsaPrivateError> {
        // AWS-LC wants exactly a modulus-sized ciphertext (anything else fails) and an output
        // buffer at least that large.
        let n = match padding {
            RsaDecryptPadding::Oaep(h) => {
                let key = self.oaep_key().map_err(|_| RsaPrivateError::Decryption)?;
                let mut out = Zeroizing::new(vec![0u8; key.min_output_size()]);
                let n = key
                    .decrypt(oaep_algorithm(h), ct, &mut out, None)
                    .map(|p| p.len());
                (out, n)
            }
            RsaDecryptPadding::Pkcs1v15 => {
                let key = self.pkcs1_key().map_err(|_| RsaPrivateError::Decryption)?;
                let mut out = Zeroizing::new(vec![0u8; key.min_output_size()]);
                let n = key.decrypt(ct, &mut out).map(|p| p.len());
                (out, n)
            }
        };
        let (mut out, n) = n;
        let n = n.map_err(|_| RsaPrivateError::Decryption)?;
        // The plaintext is the buffer's prefix; truncating keeps it in the zeroized allocation.
        out.truncate(n);
        Ok(out)
    }

    fn sign(&self, scheme: RsaSignScheme, digest: &[u8]) -> Result<Vec<u8>, RsaPrivateError> {
        let (encoding, alg): (&'static dyn RsaEncoding, _) = match scheme {
            RsaSignScheme::Pkcs1v15(RsaHash::Sha256) => (&RSA_PKCS1_SHA256, &SHA256),
            RsaSignScheme::Pkcs1v15(RsaHash::Sha384) => (&RSA_PKCS1_SHA384, &SHA384),
            RsaSignScheme::Pkcs1v15(RsaHash::Sha512) => (&RSA_PKCS1_SHA512, &SHA512),
            RsaSignScheme::Pss(RsaHash::Sha256) => (&RSA_PSS_SHA256, &SHA256),
            RsaSignScheme::Pss(RsaHash::Sha384) => (&RSA_PSS_SHA384, &SHA384),
            RsaSignScheme::Pss(RsaHash::Sha512) => (&RSA_PSS_SHA512, &SHA512),
            RsaSignScheme::Pkcs1v15(RsaHash::Sha1) | RsaSignScheme::Pss(RsaHash::Sha1) => {
                return Err(RsaPrivateError::Signing)
            }
        };
        // A digest of the wrong length is refused here, as the other backend does.
        let digest = Digest::import_less_safe(digest, alg).map_err(|_| RsaPrivateError::Signing)?;
        let key = self.signing_key().map_err(|_| RsaPrivateError::Signing)?;
        let mut sig = vec![0u8; key.public_modulus_len()];
        key.sign_digest(encoding, &digest, &mut sig)
            .map_err(|_| RsaPrivateError::Signing)?;
        Ok(sig)
    }
}
