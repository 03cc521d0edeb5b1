//! The footer's ECDSA P-384 signature, always 103 bytes of DER.
//!
//! The DB-ESDK parses the footer by fixed offsets: each recipient tag is 48 bytes, then the
//! signature takes a fixed 103 bytes (structured-encryption/footer.md "Footer Format" says 0
//! or 96; the shipped code and its vectors use 103). DER's length depends on the values. When
//! r and s both have their high bit set, they need a 0x00 sign octet each, and the encoding is
//! 2 + (2 + 49) + (2 + 49) = 103 bytes.
//!
//! (r, s) and (r, n − s) are both valid signatures of the same hash. Exactly one of s and
//! n − s has its high bit set when s is not near n/2, so one signing operation almost always
//! suffices. A new signature is drawn only when r is short or lacks its high bit (about half
//! the time). The flip is done on bytes here, so the same code serves the built-in key and a
//! key held by the host (WebCrypto, node:crypto), and the small wasm module needs no P-384
//! arithmetic.

use crate::codec::ecdsa_sig::{der_to_fixed, fixed_to_der};
use crate::crypto::signature::SigningKey;
use crate::error::{Error, Result};
use crate::item::footer::SIGNATURE_LEN;

/// Width of a P-384 scalar.
const SCALAR_LEN: usize = 48;

/// The order n of the P-384 group (FIPS 186-4 D.1.2.4), big-endian.
const P384_ORDER: [u8; SCALAR_LEN] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
];

/// How many signatures to draw before giving up; the chance that 64 draws all have a short r
/// or an r without its high bit is 2⁻⁶⁴.
const MAX_DRAWS: usize = 64;

/// Signs the 48-byte canonical hash (the signed data, hashed again with SHA-384 by ECDSA, as
/// the DB-ESDK does) and returns a 103-byte DER signature.
pub(crate) async fn sign(key: &SigningKey, hash: &[u8; 48]) -> Result<Vec<u8>> {
    let failed = || Error::Keyring("ECDSA signing produced a malformed signature".into());
    for _ in 0..MAX_DRAWS {
        let der = key.sign_data(hash).await?;
        let fixed = der_to_fixed(&der, SCALAR_LEN).ok_or_else(failed)?;
        let (r, s) = fixed.split_at(SCALAR_LEN);
        let flipped = [r, &negate(s).ok_or_else(failed)?[..]].concat();
        for candidate in [&fixed, &flipped] {
            if let Some(der) = fixed_to_der(candidate).filter(|d| d.len() == SIGNATURE_LEN) {
                return Ok(der);
            }
        }
    }
    Err(Error::Keyring(
        "could not produce a 103-byte ECDSA signature".into(),
    ))
}

/// n − s for 0 < s < n, big-endian; `None` when s is out of that range (not a valid signature).
fn negate(s: &[u8]) -> Option<[u8; SCALAR_LEN]> {
    if s.len() != SCALAR_LEN || s.iter().all(|&b| b == 0) || s >= &P384_ORDER[..] {
        return None;
    }
    let mut out = [0u8; SCALAR_LEN];
    let mut borrow = 0u16;
    for i in (0..SCALAR_LEN).rev() {
        let d = u16::from(P384_ORDER[i])
            .wrapping_sub(u16::from(s[i]))
            .wrapping_sub(borrow);
        out[i] = d as u8;
        borrow = (d >> 8) & 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negation_is_an_involution_and_sums_to_the_order() {
        let mut s = [0u8; SCALAR_LEN];
        s[SCALAR_LEN - 1] = 1;
        let n1 = negate(&s).unwrap();
        let mut expected = P384_ORDER;
        expected[SCALAR_LEN - 1] -= 1;
        assert_eq!(n1, expected);
        assert_eq!(negate(&n1).unwrap(), s);
        // A value with borrows across many bytes.
        let s: [u8; SCALAR_LEN] = core::array::from_fn(|i| (i as u8).wrapping_mul(37) >> 1);
        assert_eq!(negate(&negate(&s).unwrap()).unwrap(), s);
    }

    #[test]
    fn out_of_range_scalars_are_refused() {
        assert!(negate(&[0u8; SCALAR_LEN]).is_none());
        assert!(negate(&P384_ORDER).is_none());
        assert!(negate(&[0xff; SCALAR_LEN]).is_none());
        assert!(negate(&[1u8; 47]).is_none());
    }

    #[cfg(feature = "builtin-ecdsa")]
    #[test]
    fn footer_signatures_are_103_bytes_and_verify() {
        use crate::crypto::signature::VerifyingKey;
        use crate::suite::SignatureAlgorithm::EcdsaP384Sha384 as P384;
        crate::block_on(async {
            let key = SigningKey::generate_builtin(P384).unwrap();
            let vk = VerifyingKey::from_base64(P384, &key.public_key_base64()).unwrap();
            for i in 0..32u8 {
                let hash = [i; 48];
                let sig = sign(&key, &hash).await.unwrap();
                assert_eq!(sig.len(), SIGNATURE_LEN);
                let mut v = vk.start(P384).await.unwrap();
                v.update(&hash);
                v.verify(&sig).await.unwrap();
                // The flipped half verifies too: the check is not low-s only.
                let mut fixed = der_to_fixed(&sig, SCALAR_LEN).unwrap();
                let n = negate(&fixed[SCALAR_LEN..]).unwrap();
                fixed[SCALAR_LEN..].copy_from_slice(&n);
                let mut v = vk.start(P384).await.unwrap();
                v.update(&hash);
                v.verify(&fixed_to_der(&fixed).unwrap()).await.unwrap();
            }
        });
    }
}
