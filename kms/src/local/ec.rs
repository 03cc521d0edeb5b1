//! ECDSA keys of the four KMS curves (AWS KMS developer guide, "Asymmetric key specs"):
//! ECC_NIST_P256 (ECDSA_SHA_256), ECC_NIST_P384 (ECDSA_SHA_384), ECC_NIST_P521 (ECDSA_SHA_512)
//! and ECC_SECG_P256K1 (ECDSA_SHA_256). Material is the private scalar; public keys are DER
//! SubjectPublicKeyInfo, private keys PKCS#8 DER, signatures DER.
//!
//! P-521 and secp256k1 come with the `extra-curves` feature: they are pure Rust (RustCrypto
//! `p521`, `k256`), but the wasm module embeds this crate and has a size budget, so it leaves
//! them out; a KMS built without them answers `UnsupportedOperationException` for those specs.

use crate::error::{names, KmsError};
use crate::types::KeySpec;
use zeroize::Zeroizing;

/// Bytes, or the error of a failed key operation.
type Bytes<T> = Result<T, KmsError>;
/// A verification: key, digest, signature.
type VerifyFn = fn(&[u8], &[u8], &[u8]) -> Bytes<bool>;

/// The operations on one curve's keys.
pub(crate) struct Curve {
    /// A fresh private scalar.
    pub generate: fn() -> Vec<u8>,
    /// DER SubjectPublicKeyInfo of a scalar.
    pub public_der: fn(&[u8]) -> Bytes<Vec<u8>>,
    /// PKCS#8 DER of a scalar.
    pub pkcs8: fn(&[u8]) -> Bytes<Zeroizing<Vec<u8>>>,
    /// DER ECDSA signature of a digest.
    pub sign: fn(&[u8], &[u8]) -> Bytes<Vec<u8>>,
    /// Whether a DER signature of a digest verifies.
    pub verify: VerifyFn,
}

fn unreadable() -> KmsError {
    KmsError::new(names::INTERNAL, "stored EC key is unreadable")
}

fn internal(msg: &str) -> KmsError {
    KmsError::new(names::INTERNAL, msg)
}

macro_rules! curve_ops {
    ($module:ident, $krate:ident) => {
        mod $module {
            use super::{internal, unreadable, Curve, KmsError, Zeroizing};
            use ::$krate as c;
            use c::pkcs8::{EncodePrivateKey, EncodePublicKey};
            use p256::ecdsa::signature::hazmat::{PrehashVerifier, RandomizedPrehashSigner};
            use rand_core::OsRng;

            fn secret(m: &[u8]) -> Result<c::SecretKey, KmsError> {
                c::SecretKey::from_slice(m).map_err(|_| unreadable())
            }

            fn signing(m: &[u8]) -> Result<c::ecdsa::SigningKey, KmsError> {
                c::ecdsa::SigningKey::from_slice(m).map_err(|_| unreadable())
            }

            pub(super) const CURVE: Curve = Curve {
                generate: || c::SecretKey::random(&mut OsRng).to_bytes().to_vec(),
                public_der: |m| {
                    secret(m)?
                        .public_key()
                        .to_public_key_der()
                        .map(|d| d.as_bytes().to_vec())
                        .map_err(|_| internal("public key encoding failed"))
                },
                pkcs8: |m| {
                    let der = secret(m)?
                        .to_pkcs8_der()
                        .map_err(|_| internal("private key encoding failed"))?;
                    Ok(Zeroizing::new(der.as_bytes().to_vec()))
                },
                sign: |m, digest| {
                    // Hedged signing (RFC 6979 nonces mixed with fresh randomness where the
                    // curve crate has them; p521 0.13 draws its nonce from the rng).
                    let sig: c::ecdsa::Signature = signing(m)?
                        .sign_prehash_with_rng(&mut OsRng, digest)
                        .map_err(|_| internal("signing failed"))?;
                    Ok(sig.to_der().as_bytes().to_vec())
                },
                verify: |m, digest, signature| {
                    let vk = c::ecdsa::VerifyingKey::from(&signing(m)?);
                    Ok(c::ecdsa::Signature::from_der(signature)
                        .is_ok_and(|s| vk.verify_prehash(digest, &s).is_ok()))
                },
            };
        }
    };
}

curve_ops!(nist_p256, p256);
curve_ops!(nist_p384, p384);
#[cfg(feature = "extra-curves")]
curve_ops!(nist_p521, p521);
#[cfg(feature = "extra-curves")]
curve_ops!(secg_p256k1, k256);

/// The curve of an EC key spec: `None` for other specs, an `UnsupportedOperationException` for
/// a curve this build leaves out.
pub(crate) fn curve(spec: &KeySpec) -> Option<Result<&'static Curve, KmsError>> {
    match spec {
        KeySpec::EccNistP256 => Some(Ok(&nist_p256::CURVE)),
        KeySpec::EccNistP384 => Some(Ok(&nist_p384::CURVE)),
        #[cfg(feature = "extra-curves")]
        KeySpec::EccNistP521 => Some(Ok(&nist_p521::CURVE)),
        #[cfg(feature = "extra-curves")]
        KeySpec::EccSecgP256k1 => Some(Ok(&secg_p256k1::CURVE)),
        #[cfg(not(feature = "extra-curves"))]
        KeySpec::EccNistP521 | KeySpec::EccSecgP256k1 => Some(Err(KmsError::new(
            names::UNSUPPORTED,
            format!("key spec {spec} needs sealkit-kms built with the extra-curves feature"),
        ))),
        _ => None,
    }
}
