//! Key material: generation and the cryptographic operations on it. Material never leaves this
//! module except as public keys, and errors never mention it.

use crate::error::{names, KmsError};
use crate::rsa_private::{RsaBackend, RsaDecryptPadding, RsaHash, RsaPrivateOps, RsaSignScheme};
use crate::secret::{random_bytes, SecretBytes};
use crate::types::{
    EncryptionAlgorithm, KeySpec, KeyUsage, MacAlgorithm, MessageType, SigningAlgorithm,
};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand_core::OsRng;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use rsa::{Oaep, Pkcs1v15Sign, Pss, RsaPrivateKey};
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

fn internal(msg: &str) -> KmsError {
    KmsError::new(names::INTERNAL, msg)
}

fn usage_err(msg: impl Into<String>) -> KmsError {
    KmsError::new(names::INVALID_KEY_USAGE, msg)
}

/// Whether the local KMS can make keys of this spec with this usage.
pub(crate) fn check_spec_usage(spec: &KeySpec, usage: &KeyUsage) -> Result<(), KmsError> {
    use KeySpec::*;
    let ok = match spec {
        SymmetricDefault => *usage == KeyUsage::EncryptDecrypt,
        Rsa2048 | Rsa3072 | Rsa4096 => {
            matches!(usage, KeyUsage::EncryptDecrypt | KeyUsage::SignVerify)
        }
        EccNistP256 | EccNistP384 | EccNistP521 | EccSecgP256k1 => {
            if let Some(Err(e)) = super::ec::curve(spec) {
                return Err(e);
            }
            *usage == KeyUsage::SignVerify
        }
        Hmac224 | Hmac256 | Hmac384 | Hmac512 => *usage == KeyUsage::GenerateVerifyMac,
        _ => {
            return Err(KmsError::new(
                names::UNSUPPORTED,
                format!("key spec {spec} is not supported"),
            ))
        }
    };
    if ok {
        Ok(())
    } else {
        Err(KmsError::validation(format!(
            "key usage {usage} is not valid for key spec {spec}"
        )))
    }
}

/// Fresh material: raw AES/HMAC key bytes, PKCS#8 DER for RSA, the scalar for EC keys.
pub(crate) fn generate(spec: &KeySpec) -> Result<SecretBytes, KmsError> {
    let bytes = match spec {
        KeySpec::SymmetricDefault | KeySpec::Hmac256 => random_bytes(32)?,
        // HMAC key lengths equal the digest lengths (AWS KMS developer guide, "HMAC key specs").
        KeySpec::Hmac224 => random_bytes(28)?,
        KeySpec::Hmac384 => random_bytes(48)?,
        KeySpec::Hmac512 => random_bytes(64)?,
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
            let bits = match spec {
                KeySpec::Rsa2048 => 2048,
                KeySpec::Rsa3072 => 3072,
                _ => 4096,
            };
            let key = RsaPrivateKey::new(&mut OsRng, bits)
                .map_err(|_| internal("RSA key generation failed"))?;
            let der = key
                .to_pkcs8_der()
                .map_err(|_| internal("RSA key encoding failed"))?;
            der.as_bytes().to_vec()
        }
        other if super::ec::curve(other).is_some() => {
            let curve = super::ec::curve(other).ok_or_else(|| internal("no curve"))??;
            (curve.generate)()
        }
        other => {
            return Err(KmsError::new(
                names::UNSUPPORTED,
                format!("key spec {other} is not supported"),
            ))
        }
    };
    Ok(SecretBytes::new(bytes))
}

/// The stored key for a private-key operation, through the build's RSA backend.
fn rsa_private_key(m: &SecretBytes) -> Result<Box<dyn RsaPrivateOps>, KmsError> {
    RsaBackend::for_build()
        .load_pkcs8_der(m.expose())
        .map_err(|_| internal("stored RSA key is unreadable"))
}

fn rsa_key(m: &SecretBytes) -> Result<RsaPrivateKey, KmsError> {
    RsaPrivateKey::from_pkcs8_der(m.expose()).map_err(|_| internal("stored RSA key is unreadable"))
}

/// DER SubjectPublicKeyInfo of an asymmetric key.
pub(crate) fn public_key_der(spec: &KeySpec, m: &SecretBytes) -> Result<Vec<u8>, KmsError> {
    let der = match spec {
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
            rsa_key(m)?.to_public_key().to_public_key_der()
        }
        spec => {
            if let Some(curve) = super::ec::curve(spec) {
                return (curve?.public_der)(m.expose());
            }
            return Err(KmsError::new(
                names::UNSUPPORTED,
                "GetPublicKey needs an asymmetric key",
            ));
        }
    };
    der.map(|d| d.as_bytes().to_vec())
        .map_err(|_| internal("public key encoding failed"))
}

/// A fresh key pair of `spec` (GenerateDataKeyPair): the private key as PKCS#8 DER and the
/// public key as DER SubjectPublicKeyInfo.
pub(crate) fn generate_pair(spec: &KeySpec) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), KmsError> {
    let unsupported = || {
        KmsError::validation(
            "KeyPairSpec must be RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, \
             ECC_NIST_P521 or ECC_SECG_P256K1",
        )
    };
    match spec {
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
            let m = generate(spec)?;
            let public = public_key_der(spec, &m)?;
            Ok((Zeroizing::new(m.expose().to_vec()), public))
        }
        spec => {
            let curve = super::ec::curve(spec).ok_or_else(unsupported)??;
            let scalar = Zeroizing::new((curve.generate)());
            Ok(((curve.pkcs8)(&scalar)?, (curve.public_der)(&scalar)?))
        }
    }
}

/// AES-256-GCM seal: returns IV ‖ ciphertext ‖ tag.
pub(crate) fn aes_seal(key: &[u8], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, KmsError> {
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| internal("bad AES key length"))?;
    let iv = random_bytes(12)?;
    let nonce: [u8; 12] = iv
        .as_slice()
        .try_into()
        .map_err(|_| internal("bad IV length"))?;
    let ct = cipher
        .encrypt(&Nonce::from(nonce), Payload { msg: pt, aad })
        .map_err(|_| internal("encryption failed"))?;
    let mut out = iv;
    out.extend_from_slice(&ct);
    Ok(out)
}

/// AES-256-GCM open of IV ‖ ciphertext ‖ tag; any failure is `InvalidCiphertextException`.
pub(crate) fn aes_open(key: &[u8], aad: &[u8], data: &[u8]) -> Result<Vec<u8>, KmsError> {
    if data.len() < 12 + 16 {
        return Err(KmsError::invalid_ciphertext());
    }
    let (iv, ct) = data.split_at(12);
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| internal("bad AES key length"))?;
    let nonce: [u8; 12] = iv.try_into().map_err(|_| KmsError::invalid_ciphertext())?;
    cipher
        .decrypt(&Nonce::from(nonce), Payload { msg: ct, aad })
        .map_err(|_| KmsError::invalid_ciphertext())
}

/// RSA-OAEP encryption with the key's public half.
pub(crate) fn rsa_encrypt(
    m: &SecretBytes,
    alg: &EncryptionAlgorithm,
    pt: &[u8],
) -> Result<Vec<u8>, KmsError> {
    let public = rsa_key(m)?.to_public_key();
    let res = match alg {
        EncryptionAlgorithm::RsaesOaepSha1 => {
            public.encrypt(&mut OsRng, Oaep::new::<sha1::Sha1>(), pt)
        }
        EncryptionAlgorithm::RsaesOaepSha256 => {
            public.encrypt(&mut OsRng, Oaep::new::<Sha256>(), pt)
        }
        other => return Err(usage_err(format!("{other} is not valid for an RSA key"))),
    };
    // The only failure for a valid key is a plaintext too long for the modulus.
    res.map_err(|_| KmsError::validation("plaintext is too long for this RSA key and algorithm"))
}

/// RSA-OAEP decryption; every failure is `InvalidCiphertextException` (no padding oracle detail).
pub(crate) fn rsa_decrypt(
    m: &SecretBytes,
    alg: &EncryptionAlgorithm,
    ct: &[u8],
) -> Result<Vec<u8>, KmsError> {
    let padding = match alg {
        EncryptionAlgorithm::RsaesOaepSha1 => RsaDecryptPadding::Oaep(RsaHash::Sha1),
        EncryptionAlgorithm::RsaesOaepSha256 => RsaDecryptPadding::Oaep(RsaHash::Sha256),
        other => return Err(usage_err(format!("{other} is not valid for an RSA key"))),
    };
    // The key server answers Decrypt for anyone who can reach it, so its timing must not follow
    // the ciphertext (RUSTSEC-2023-0071, Marvin; see SECURITY.md): constant-time AWS-LC in the
    // key server's build, rsa 0.9 with blinding otherwise.
    let res = rsa_private_key(m)?.decrypt(padding, ct);
    res.map(|p| p.to_vec())
        .map_err(|_| KmsError::invalid_ciphertext())
}

/// The signing algorithms of a key spec.
pub(crate) fn signing_algorithms(spec: &KeySpec) -> Vec<SigningAlgorithm> {
    use SigningAlgorithm::*;
    match spec {
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => vec![
            RsassaPkcs1V15Sha256,
            RsassaPkcs1V15Sha384,
            RsassaPkcs1V15Sha512,
            RsassaPssSha256,
            RsassaPssSha384,
            RsassaPssSha512,
        ],
        KeySpec::EccNistP256 | KeySpec::EccSecgP256k1 => vec![EcdsaSha256],
        KeySpec::EccNistP384 => vec![EcdsaSha384],
        KeySpec::EccNistP521 => vec![EcdsaSha512],
        _ => vec![],
    }
}

/// The MAC algorithm of an HMAC key spec.
pub(crate) fn mac_algorithm(spec: &KeySpec) -> Option<MacAlgorithm> {
    match spec {
        KeySpec::Hmac224 => Some(MacAlgorithm::HmacSha224),
        KeySpec::Hmac256 => Some(MacAlgorithm::HmacSha256),
        KeySpec::Hmac384 => Some(MacAlgorithm::HmacSha384),
        KeySpec::Hmac512 => Some(MacAlgorithm::HmacSha512),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    fn len(self) -> usize {
        match self {
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }
    fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(msg).to_vec(),
            HashAlg::Sha384 => Sha384::digest(msg).to_vec(),
            HashAlg::Sha512 => Sha512::digest(msg).to_vec(),
        }
    }
}

fn hash_of(alg: &SigningAlgorithm) -> Result<HashAlg, KmsError> {
    use SigningAlgorithm::*;
    Ok(match alg {
        RsassaPssSha256 | RsassaPkcs1V15Sha256 | EcdsaSha256 => HashAlg::Sha256,
        RsassaPssSha384 | RsassaPkcs1V15Sha384 | EcdsaSha384 => HashAlg::Sha384,
        RsassaPssSha512 | RsassaPkcs1V15Sha512 | EcdsaSha512 => HashAlg::Sha512,
        Unknown(s) => {
            return Err(KmsError::validation(format!(
                "unknown signing algorithm {s}"
            )))
        }
    })
}

/// The digest to sign: the hash of a RAW message, or a DIGEST message of the right length.
fn prepare_digest(
    alg: &SigningAlgorithm,
    msg: &[u8],
    mt: &Option<MessageType>,
) -> Result<Vec<u8>, KmsError> {
    let h = hash_of(alg)?;
    match mt {
        None | Some(MessageType::Raw) => Ok(h.digest(msg)),
        Some(MessageType::Digest) if msg.len() == h.len() => Ok(msg.to_vec()),
        Some(MessageType::Digest) => Err(KmsError::validation(
            "digest length does not match the signing algorithm",
        )),
        Some(MessageType::Unknown(s)) => {
            Err(KmsError::validation(format!("unknown message type {s}")))
        }
    }
}

fn check_alg(spec: &KeySpec, alg: &SigningAlgorithm) -> Result<(), KmsError> {
    if signing_algorithms(spec).contains(alg) {
        Ok(())
    } else {
        Err(usage_err(format!("{alg} is not valid for key spec {spec}")))
    }
}

/// Signs: raw RSA signature bytes, or a DER ECDSA signature.
pub(crate) fn sign(
    spec: &KeySpec,
    m: &SecretBytes,
    alg: &SigningAlgorithm,
    msg: &[u8],
    mt: &Option<MessageType>,
) -> Result<Vec<u8>, KmsError> {
    check_alg(spec, alg)?;
    let digest = prepare_digest(alg, msg, mt)?;
    if let Some(curve) = super::ec::curve(spec) {
        return (curve?.sign)(m.expose(), &digest);
    }
    use SigningAlgorithm::*;
    let scheme = match alg {
        RsassaPkcs1V15Sha256 => RsaSignScheme::Pkcs1v15(RsaHash::Sha256),
        RsassaPkcs1V15Sha384 => RsaSignScheme::Pkcs1v15(RsaHash::Sha384),
        RsassaPkcs1V15Sha512 => RsaSignScheme::Pkcs1v15(RsaHash::Sha512),
        RsassaPssSha256 => RsaSignScheme::Pss(RsaHash::Sha256),
        RsassaPssSha384 => RsaSignScheme::Pss(RsaHash::Sha384),
        _ => RsaSignScheme::Pss(RsaHash::Sha512),
    };
    rsa_private_key(m)?
        .sign(scheme, &digest)
        .map_err(|_| internal("signing failed"))
}

/// Verifies; a bad signature is `KMSInvalidSignatureException`.
pub(crate) fn verify(
    spec: &KeySpec,
    m: &SecretBytes,
    alg: &SigningAlgorithm,
    msg: &[u8],
    mt: &Option<MessageType>,
    signature: &[u8],
) -> Result<(), KmsError> {
    check_alg(spec, alg)?;
    let digest = prepare_digest(alg, msg, mt)?;
    let bad = || KmsError::new(names::INVALID_SIGNATURE, "");
    let ok = match super::ec::curve(spec) {
        Some(curve) => (curve?.verify)(m.expose(), &digest, signature)?,
        None => {
            let key = rsa_key(m)?.to_public_key();
            use SigningAlgorithm::*;
            match alg {
                RsassaPkcs1V15Sha256 => {
                    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, signature)
                }
                RsassaPkcs1V15Sha384 => {
                    key.verify(Pkcs1v15Sign::new::<Sha384>(), &digest, signature)
                }
                RsassaPkcs1V15Sha512 => {
                    key.verify(Pkcs1v15Sign::new::<Sha512>(), &digest, signature)
                }
                RsassaPssSha256 => key.verify(Pss::new::<Sha256>(), &digest, signature),
                RsassaPssSha384 => key.verify(Pss::new::<Sha384>(), &digest, signature),
                _ => key.verify(Pss::new::<Sha512>(), &digest, signature),
            }
            .is_ok()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(bad())
    }
}

fn check_mac_alg(spec: &KeySpec, alg: &MacAlgorithm) -> Result<(), KmsError> {
    if mac_algorithm(spec).as_ref() == Some(alg) {
        Ok(())
    } else {
        Err(usage_err(format!("{alg} is not valid for key spec {spec}")))
    }
}

/// HMAC of `msg`.
pub(crate) fn mac(
    spec: &KeySpec,
    m: &SecretBytes,
    alg: &MacAlgorithm,
    msg: &[u8],
) -> Result<Vec<u8>, KmsError> {
    check_mac_alg(spec, alg)?;
    let k = m.expose();
    let bad = |_| internal("bad HMAC key");
    Ok(match alg {
        MacAlgorithm::HmacSha224 => {
            let mut h = <Hmac<Sha224> as Mac>::new_from_slice(k).map_err(bad)?;
            h.update(msg);
            h.finalize().into_bytes().to_vec()
        }
        MacAlgorithm::HmacSha256 => {
            let mut h = <Hmac<Sha256> as Mac>::new_from_slice(k).map_err(bad)?;
            h.update(msg);
            h.finalize().into_bytes().to_vec()
        }
        MacAlgorithm::HmacSha384 => {
            let mut h = <Hmac<Sha384> as Mac>::new_from_slice(k).map_err(bad)?;
            h.update(msg);
            h.finalize().into_bytes().to_vec()
        }
        _ => {
            let mut h = <Hmac<Sha512> as Mac>::new_from_slice(k).map_err(bad)?;
            h.update(msg);
            h.finalize().into_bytes().to_vec()
        }
    })
}

/// Constant-time MAC check; a mismatch is `KMSInvalidMacException`.
pub(crate) fn verify_mac(
    spec: &KeySpec,
    m: &SecretBytes,
    alg: &MacAlgorithm,
    msg: &[u8],
    tag: &[u8],
) -> Result<(), KmsError> {
    use subtle::ConstantTimeEq;
    let expected = mac(spec, m, alg, msg)?;
    if expected.len() == tag.len() && bool::from(expected.ct_eq(tag)) {
        Ok(())
    } else {
        Err(KmsError::new(names::INVALID_MAC, ""))
    }
}
