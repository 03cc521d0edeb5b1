//! RSA private-key operations (decryption and signing) behind one small trait, so the
//! implementation is a value chosen by the caller's build rather than hard-wired:
//!
//! - [`RsaBackend::RustCryptoBlinded`]: the `rsa` 0.9 crate with a fresh blinding factor per
//!   operation (RUSTSEC-2023-0071, Marvin: its exponentiation is not constant time; blinding is the
//!   mitigation that crate offers). Pure Rust; the only choice in the wasm module.
//! - [`RsaBackend::AwsLc`] (feature `aws-lc-rsa`, native only): AWS-LC through `aws-lc-rs`,
//!   constant-time RSA. The CLI and the key server enable it.
//!
//! [`RsaBackend::for_build`] is the build's default; see SECURITY.md ("RSA and
//! RUSTSEC-2023-0071") for the decision and its measurements.

#[cfg(feature = "aws-lc-rsa")]
mod aws_lc;
mod blinded;

use zeroize::Zeroizing;

/// A hash function used by an RSA padding scheme (for OAEP, as both the label hash and MGF1's
/// hash, as in the AWS Encryption SDK and AWS KMS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaHash {
    /// SHA-1 (OAEP only).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// How a ciphertext was padded (RFC 8017 §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaDecryptPadding {
    /// RSAES-PKCS1-v1_5 (RFC 8017 §7.2).
    Pkcs1v15,
    /// RSAES-OAEP with this hash and MGF1 with the same hash, empty label (RFC 8017 §7.1).
    Oaep(RsaHash),
}

/// A signature scheme over a precomputed digest (RFC 8017 §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaSignScheme {
    /// RSASSA-PKCS1-v1_5 with this hash's DigestInfo prefix (RFC 8017 §8.2).
    Pkcs1v15(RsaHash),
    /// RSASSA-PSS with this hash, MGF1 with the same hash, salt as long as the digest
    /// (RFC 8017 §8.1; what AWS KMS signs with).
    Pss(RsaHash),
}

/// Why a private-key operation failed. Deliberately coarse: a decryption failure never says
/// whether the length, the integer range or the padding was wrong (no padding oracle).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaPrivateError {
    /// The key bytes are not an RSA private key this implementation accepts.
    InvalidKey,
    /// The ciphertext did not decrypt (any reason).
    Decryption,
    /// Signing failed (a digest of the wrong length, or an unsupported scheme).
    Signing,
}

impl core::fmt::Display for RsaPrivateError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            RsaPrivateError::InvalidKey => "RSA private key rejected",
            RsaPrivateError::Decryption => "RSA decryption failed",
            RsaPrivateError::Signing => "RSA signing failed",
        })
    }
}

impl std::error::Error for RsaPrivateError {}

/// One loaded RSA private key and the operations that need its private half.
pub trait RsaPrivateOps: Send + Sync {
    /// Decrypts `ciphertext`. Every failure is [`RsaPrivateError::Decryption`].
    fn decrypt(
        &self,
        padding: RsaDecryptPadding,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, RsaPrivateError>;
    /// Signs `digest` (already hashed with the scheme's hash; its length must match).
    fn sign(&self, scheme: RsaSignScheme, digest: &[u8]) -> Result<Vec<u8>, RsaPrivateError>;
}

/// Which implementation performs RSA private-key operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaBackend {
    /// `rsa` 0.9 with blinding (pure Rust, works everywhere, not constant time).
    RustCryptoBlinded,
    /// AWS-LC through `aws-lc-rs` (constant time; feature `aws-lc-rsa`).
    #[cfg(feature = "aws-lc-rsa")]
    AwsLc,
}

impl RsaBackend {
    /// The build's choice: AWS-LC when the `aws-lc-rsa` feature is on (the CLI and the key
    /// server), otherwise `rsa` 0.9 with blinding (the library's default and the wasm module).
    pub const fn for_build() -> Self {
        #[cfg(feature = "aws-lc-rsa")]
        {
            RsaBackend::AwsLc
        }
        #[cfg(not(feature = "aws-lc-rsa"))]
        {
            RsaBackend::RustCryptoBlinded
        }
    }

    /// A short name for logs and the CLI's version output.
    pub const fn name(self) -> &'static str {
        match self {
            RsaBackend::RustCryptoBlinded => "rsa 0.9 (blinded)",
            #[cfg(feature = "aws-lc-rsa")]
            RsaBackend::AwsLc => "aws-lc",
        }
    }

    /// Loads a PKCS#8 DER `PrivateKeyInfo` holding an RSA key, for a caller that runs one
    /// operation per load (the key server). The `rsa` backend parses it now; AWS-LC parses it
    /// when the operation runs (only the key object that operation needs), and a key it refuses
    /// fails that operation.
    pub fn load_pkcs8_der(self, der: &[u8]) -> Result<Box<dyn RsaPrivateOps>, RsaPrivateError> {
        match self {
            RsaBackend::RustCryptoBlinded => blinded::BlindedKey::from_pkcs8_der(der).map(boxed),
            #[cfg(feature = "aws-lc-rsa")]
            RsaBackend::AwsLc => Ok(boxed(aws_lc::AwsLcKey::from_pkcs8_der_lazy(der))),
        }
    }

    /// Takes a key already parsed by the `rsa` crate (from PKCS#1 or PKCS#8, DER or PEM), for a
    /// caller that decrypts many times (a keyring): a key the backend refuses (AWS-LC: outside
    /// 2048..=8192 bits) is an error here.
    pub fn from_rsa_key(
        self,
        key: rsa::RsaPrivateKey,
    ) -> Result<Box<dyn RsaPrivateOps>, RsaPrivateError> {
        match self {
            RsaBackend::RustCryptoBlinded => Ok(boxed(blinded::BlindedKey::new(key))),
            #[cfg(feature = "aws-lc-rsa")]
            RsaBackend::AwsLc => {
                use rsa::pkcs8::EncodePrivateKey;
                // AWS-LC takes PKCS#8; the re-encoding is zeroized when dropped.
                let der = key
                    .to_pkcs8_der()
                    .map_err(|_| RsaPrivateError::InvalidKey)?;
                aws_lc::AwsLcKey::from_pkcs8_der_checked(der.as_bytes()).map(boxed)
            }
        }
    }
}

fn boxed<K: RsaPrivateOps + 'static>(k: K) -> Box<dyn RsaPrivateOps> {
    Box::new(k)
}

#[cfg(test)]
mod tests;
