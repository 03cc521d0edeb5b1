//! The RSA public-key codec: a PEM `PUBLIC KEY` (X.509 SubjectPublicKeyInfo, RFC 5280 §4.1.2.7)
//! or `RSA PUBLIC KEY` (PKCS#1 RSAPublicKey, RFC 8017 §A.1.1) read into DER
//! SubjectPublicKeyInfo bytes and the modulus length.
//!
//! This is what a host needs to import the key (WebCrypto's `importKey('spki', …)` takes only
//! SubjectPublicKeyInfo), and what the keyrings check before they accept one, without the
//! big-integer code of an RSA implementation: the module that encrypts through the host
//! (`host-crypto`) carries no RSA arithmetic. Only DER is accepted (definite, minimal lengths;
//! no trailing bytes), as KMS GetPublicKey and every PEM writer produce it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::error::{Error, Result};

/// `rsaEncryption` (RFC 8017 §A.1): 1.2.840.113549.1.1.1, as DER content bytes.
const RSA_ENCRYPTION_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const NULL: u8 = 0x05;
const OID: u8 = 0x06;
/// The largest modulus accepted: 4096 bits, as the built-in RSA implementation (and KMS,
/// whose largest RSA key spec is RSA_4096).
pub const MAX_MODULUS_LEN: usize = 512;

/// A checked RSA public key as DER SubjectPublicKeyInfo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaSpki {
    der: Vec<u8>,
    modulus_len: usize,
}

fn bad() -> Error {
    Error::invalid("RSA public key is not a valid PEM SubjectPublicKeyInfo or PKCS#1 public key")
}

impl RsaSpki {
    /// Reads a PEM `PUBLIC KEY` or `RSA PUBLIC KEY`.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let pem = pem.trim();
        for (label, spki) in [("PUBLIC KEY", true), ("RSA PUBLIC KEY", false)] {
            let begin = format!("-----BEGIN {label}-----");
            let end = format!("-----END {label}-----");
            let Some(body) = pem
                .strip_prefix(begin.as_str())
                .and_then(|rest| rest.strip_suffix(end.as_str()))
            else {
                continue;
            };
            let b64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let der = STANDARD.decode(b64.as_bytes()).map_err(|_| bad())?;
            return if spki {
                Self::from_der(&der)
            } else {
                Self::from_pkcs1_der(&der)
            };
        }
        Err(bad())
    }

    /// Reads DER SubjectPublicKeyInfo (what KMS GetPublicKey returns).
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let mut outer = Der(der);
        let mut spki = Der(outer.take(SEQUENCE)?);
        outer.end()?;
        let mut algorithm = Der(spki.take(SEQUENCE)?);
        if algorithm.take(OID)? != RSA_ENCRYPTION_OID {
            return Err(bad());
        }
        // The parameters of rsaEncryption are NULL (RFC 8017 §A.1); some writers omit them.
        if !algorithm.0.is_empty() && !algorithm.take(NULL)?.is_empty() {
            return Err(bad());
        }
        algorithm.end()?;
        let bits = spki.take(BIT_STRING)?;
        spki.end()?;
        match bits.split_first() {
            Some((0, key)) => Self::from_pkcs1_der(key),
            _ => Err(bad()),
        }
    }

    /// Reads DER PKCS#1 RSAPublicKey and wraps it as SubjectPublicKeyInfo.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self> {
        let mut outer = Der(der);
        let mut key = Der(outer.take(SEQUENCE)?);
        outer.end()?;
        let modulus = positive(key.take(INTEGER)?)?;
        let exponent = positive(key.take(INTEGER)?)?;
        key.end()?;
        // An even modulus or exponent is no RSA key; e = 1 encrypts nothing.
        let odd = |n: &[u8]| n.last().is_some_and(|b| b & 1 == 1);
        if modulus.len() > MAX_MODULUS_LEN
            || !odd(modulus)
            || !odd(exponent)
            || exponent == [1]
            || exponent.len() > modulus.len()
        {
            return Err(bad());
        }
        let mut algorithm = tlv(OID, RSA_ENCRYPTION_OID);
        algorithm.extend_from_slice(&[NULL, 0]);
        let mut bits = vec![0u8];
        bits.extend(tlv(
            SEQUENCE,
            &[integer(modulus), integer(exponent)].concat(),
        ));
        let body = [tlv(SEQUENCE, &algorithm), tlv(BIT_STRING, &bits)].concat();
        Ok(RsaSpki {
            der: tlv(SEQUENCE, &body),
            modulus_len: modulus.len(),
        })
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The modulus length in bytes (the length of every ciphertext).
    pub fn modulus_len(&self) -> usize {
        self.modulus_len
    }
}

/// The magnitude of a DER INTEGER that must be positive and minimally encoded.
fn positive(int: &[u8]) -> Result<&[u8]> {
    match int {
        [] => Err(bad()),
        [b, ..] if b & 0x80 != 0 => Err(bad()),
        [0, rest @ ..] => match rest.first() {
            Some(b) if b & 0x80 != 0 => Ok(rest),
            _ => Err(bad()),
        },
        _ => Ok(int),
    }
}

/// The DER INTEGER of a positive magnitude (a leading zero byte when its top bit is set).
fn integer(magnitude: &[u8]) -> Vec<u8> {
    if magnitude.first().is_some_and(|b| b & 0x80 != 0) {
        tlv(INTEGER, &[&[0u8][..], magnitude].concat())
    } else {
        tlv(INTEGER, magnitude)
    }
}

/// Tag, definite minimal length (X.690 §8.1.3, §10.1), contents.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A cursor over DER: each `take` reads one element of the expected tag.
struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    fn take(&mut self, tag: u8) -> Result<&'a [u8]> {
        let (&t, rest) = self.0.split_first().ok_or_else(bad)?;
        let (&first, mut rest) = rest.split_first().ok_or_else(bad)?;
        if t != tag {
            return Err(bad());
        }
        let len = if first < 0x80 {
            first as usize
        } else {
            let n = (first & 0x7f) as usize;
            // 0x80 is BER's indefinite length; more than 3 length bytes exceeds any RSA key.
            if n == 0 || n > 3 || rest.len() < n {
                return Err(bad());
            }
            let (len_bytes, after) = rest.split_at(n);
            rest = after;
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            // Minimal: no leading zero byte, and the long form only from 128 on.
            if len_bytes.first() == Some(&0) || len < 0x80 {
                return Err(bad());
            }
            len
        };
        if rest.len() < len {
            return Err(bad());
        }
        let (content, after) = rest.split_at(len);
        self.0 = after;
        Ok(content)
    }

    fn end(&self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(bad())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::traits::PublicKeyParts;

    fn key(bits: usize) -> rsa::RsaPublicKey {
        let mut rng = rand_core::OsRng;
        rsa::RsaPrivateKey::new(&mut rng, bits)
            .expect("key generation")
            .to_public_key()
    }

    #[test]
    fn reads_what_the_rsa_crate_writes_both_armors_and_rewrites_the_same_spki() {
        for bits in [2048, 3072] {
            let k = key(bits);
            let spki_pem = k.to_public_key_pem(LineEnding::LF).expect("pem");
            let pkcs1_pem = k.to_pkcs1_pem(LineEnding::CRLF).expect("pem");
            let spki_der = k.to_public_key_der().expect("der");
            let a = RsaSpki::from_pem(&spki_pem).expect("spki");
            let b = RsaSpki::from_pem(&pkcs1_pem).expect("pkcs1");
            assert_eq!(a, b);
            assert_eq!(a.der(), spki_der.as_bytes());
            assert_eq!(a.modulus_len(), k.size());
            assert_eq!(RsaSpki::from_der(spki_der.as_bytes()).expect("der"), a);
        }
    }

    #[test]
    fn refuses_what_is_not_a_der_rsa_public_key() {
        let k = key(2048);
        let der = k.to_public_key_der().expect("der").as_bytes().to_vec();
        let mut cases: Vec<Vec<u8>> = Vec::new();
        cases.push(Vec::new());
        cases.push(der[..der.len() - 1].to_vec()); // truncated
        cases.push([der.as_slice(), &[0]].concat()); // trailing byte
        let mut wrong_oid = der.clone();
        let at = der
            .windows(RSA_ENCRYPTION_OID.len())
            .position(|w| w == RSA_ENCRYPTION_OID)
            .expect("oid");
        wrong_oid[at + 8] ^= 1;
        cases.push(wrong_oid);
        let mut indefinite = der.clone();
        indefinite[1] = 0x80;
        cases.push(indefinite);
        for (i, c) in cases.iter().enumerate() {
            assert!(RsaSpki::from_der(c).is_err(), "case {i} accepted");
        }
        // Every single-byte truncation of the DER is refused, never a panic.
        for n in 0..der.len() {
            assert!(RsaSpki::from_der(&der[..n]).is_err());
        }
        assert!(
            RsaSpki::from_pem("-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----").is_err()
        );
        assert!(RsaSpki::from_pem("not a key").is_err());
    }

    #[test]
    fn refuses_even_moduli_and_exponents_and_keys_over_4096_bits() {
        let der = |n: &[u8], e: &[u8]| tlv(SEQUENCE, &[integer(n), integer(e)].concat());
        let mut n = vec![0xc1u8; 256];
        assert!(RsaSpki::from_pkcs1_der(&der(&n, &[1, 0, 1])).is_ok());
        assert!(RsaSpki::from_pkcs1_der(&der(&n, &[1, 0, 2])).is_err());
        assert!(RsaSpki::from_pkcs1_der(&der(&n, &[1])).is_err());
        n[255] = 0xc2;
        assert!(RsaSpki::from_pkcs1_der(&der(&n, &[1, 0, 1])).is_err());
        let big = vec![0xc1u8; MAX_MODULUS_LEN + 1];
        assert!(RsaSpki::from_pkcs1_der(&der(&big, &[1, 0, 1])).is_err());
        // A non-minimal INTEGER (a needless leading zero) is not DER.
        let padded = tlv(
            SEQUENCE,
            &[
                tlv(INTEGER, &[&[0u8][..], &[0x41; 256]].concat()),
                integer(&[1, 0, 1]),
            ]
            .concat(),
        );
        assert!(RsaSpki::from_pkcs1_der(&padded).is_err());
    }
}
