//! Cache entry identifiers of the caching CMM (spec: framework/caching-cmm.md,
//! "Appendix A: Cache Entry Identifier Formulas").

use sha2::{Digest, Sha512};

use crate::codec::Writer;
use crate::context::{self, EncryptionContext};
use crate::error::Result;
use crate::materials::EncryptedDataKey;
use crate::suite::AlgorithmSuite;

/// A cache entry identifier: a SHA-512 digest.
pub type CacheId = [u8; 64];

fn sha512(bytes: &[u8]) -> [u8; 64] {
    Sha512::digest(bytes).into()
}

/// `SHA512(UTF8Encode(partitionId))`, the first component of every identifier; computed once
/// per manager, since the partition never changes after initialization ("Partition ID").
pub fn partition_hash(partition: &str) -> [u8; 64] {
    sha512(partition.as_bytes())
}

/// The identifier of a Get Encryption Materials request: "Encryption Materials, Without
/// Algorithm Suite" (`0x00`) or "With Algorithm Suite" (`0x01` ‖ the two-byte suite id), then the
/// SHA-512 of the serialized encryption context ("Preliminaries": structures.md#serialization,
/// where the empty context is zero bytes).
pub fn encryption(
    partition: &[u8; 64],
    suite: Option<AlgorithmSuite>,
    encryption_context: &EncryptionContext,
) -> Result<CacheId> {
    let mut h = Sha512::new();
    h.update(partition);
    match suite {
        None => h.update([0x00]),
        Some(s) => {
            h.update([0x01]);
            h.update(s.id().to_be_bytes());
        }
    }
    h.update(sha512(&context::serialize(encryption_context)?));
    Ok(h.finalize().into())
}

/// The identifier of a Decrypt Materials request ("Decryption Materials"): the suite id, the
/// sorted SHA-512 digests of the serialized EDKs (message-header.md#encrypted-data-key-entries),
/// 64 zero bytes ending the list, then the SHA-512 of the serialized encryption context.
pub fn decryption(
    partition: &[u8; 64],
    suite: AlgorithmSuite,
    encrypted_data_keys: &[EncryptedDataKey],
    encryption_context: &EncryptionContext,
) -> Result<CacheId> {
    let mut edk_hashes = Vec::with_capacity(encrypted_data_keys.len());
    for edk in encrypted_data_keys {
        let mut entry = Vec::with_capacity(
            6 + edk.provider_id.len() + edk.provider_info.len() + edk.ciphertext.len(),
        );
        entry.put_u16_prefixed(edk.provider_id.as_bytes(), "EDK provider id")?;
        entry.put_u16_prefixed(&edk.provider_info, "EDK provider info")?;
        entry.put_u16_prefixed(&edk.ciphertext, "EDK ciphertext")?;
        edk_hashes.push(sha512(&entry));
    }
    edk_hashes.sort_unstable();
    let mut h = Sha512::new();
    h.update(partition);
    h.update(suite.id().to_be_bytes());
    for d in &edk_hashes {
        h.update(d);
    }
    h.update([0u8; 64]);
    h.update(sha512(&context::serialize(encryption_context)?));
    Ok(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    // Known answers published with the Python ESDK's unit tests (test/unit/caches/test_caches.py),
    // which implement the same Appendix A formulas.
    const PARTITION: &str = "c15b9079-6d0e-42b6-8784-5e804b025692";

    fn b64(s: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD.decode(s).unwrap()
    }

    fn full_context() -> EncryptionContext {
        let mut ec = EncryptionContext::new();
        ec.insert("this".into(), "is".into());
        ec.insert("a".into(), "non-empty".into());
        ec.insert("encryption".into(), "context".into());
        ec
    }

    fn edk(id: &str, info: &[u8], ct: &[u8]) -> EncryptedDataKey {
        EncryptedDataKey {
            provider_id: id.into(),
            provider_info: info.to_vec(),
            ciphertext: ct.to_vec(),
        }
    }

    #[test]
    fn encryption_identifiers_match_known_answers() {
        let p = partition_hash(PARTITION);
        let p384 = AlgorithmSuite::from_id(0x0378).unwrap();
        let empty = EncryptionContext::new();
        let cases: [(Option<AlgorithmSuite>, &EncryptionContext, &str); 4] = [
            (None, &empty, "rkrFAso1YyPbOJbmwVMjrPw+wwLJT7xusn8tA8zMe9e3+OqbtfDueB7bvoKLU3fsmdUvZ6eMt7mBp1ThMMB25Q=="),
            (Some(p384), &empty, "3icBIkLK4V3fVwbm3zSxUdUQV6ZvZYUOLl8buN36g6gDMqAkghcGryxX7QiVABkW1JhB6GRp5z+bzbiuciBcKQ=="),
            (None, &full_context(), "IHiUHYOUVUEFTc3BcZPJDlsWct2Qy1A7JdfQl9sQoV/ILIbRpoz9q7RtGd/MlibaGl5ihE66cN8ygM8A5rtYbg=="),
            (Some(p384), &full_context(), "mRNK7qhTb/kJiiyGPgAevp0gwFRcET4KeeNYwZHhoEDvSUzQiDgl8Of+YRDaVzKxAqpNBgcAuFXde9JlaRRsmw=="),
        ];
        for (suite, ec, want) in cases {
            assert_eq!(encryption(&p, suite, ec).unwrap().to_vec(), b64(want));
        }
    }

    #[test]
    fn decryption_identifiers_match_known_answers() {
        let p = partition_hash(PARTITION);
        let k0 = edk(
            "this is a provider ID",
            b"this is some key info",
            b"super secret key, now with encryption!",
        );
        let k1 = edk(
            "another provider ID!",
            b"this is some different key info",
            b"better super secret key, now with encryption!",
        );
        let s128 = AlgorithmSuite::from_id(0x0114).unwrap();
        let p384 = AlgorithmSuite::from_id(0x0378).unwrap();
        assert_eq!(
            decryption(&p, s128, std::slice::from_ref(&k0), &EncryptionContext::new())
                .unwrap()
                .to_vec(),
            b64("n0zVzk9QIVxhz6ET+aJIKKOJNxtpGtSe1yAbu7WU5l272Iw/jmhlER4psDHJs9Mr8KYiIvLGSXzggNDCc23+9w==")
        );
        let want = b64("+rtwUe38CGnczGmYu12iqGWHIyDyZ44EvYQ4S6ACmsgS8VaEpiw0RTGpDk6Z/7YYN/jVHOAcNKDyCNP8EmstFg==");
        // The EDK order of the message does not matter: the digests are sorted.
        for edks in [[k0.clone(), k1.clone()], [k1, k0]] {
            assert_eq!(
                decryption(&p, p384, &edks, &full_context())
                    .unwrap()
                    .to_vec(),
                want
            );
        }
    }
}
