//! The built-in [`CryptoProvider`]: RustCrypto's HKDF, HMAC, SHA-2 and AES, answering at once.

use aes::cipher::{BlockEncrypt, KeyInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha384, Sha512};
use zeroize::{Zeroize, Zeroizing};

use crate::crypto::aead;
use crate::crypto::provider::{CryptoProvider, GcmJob, MacHash, Opened, Secret32};
use crate::error::{Error, Result};
use crate::future::{BoxFuture, MaybeSend};

/// RustCrypto, in this process. Attribute AES-GCM goes to the host AES-GCM when the npm package
/// installed one (node:crypto; [`aead::seal_once`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct BuiltinCrypto;

fn ready<'a, T: 'a + MaybeSend>(value: T) -> BoxFuture<'a, T> {
    Box::pin(core::future::ready(value))
}

/// HMAC over one key and one message; the tag as a zeroized vector.
fn mac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let mut m =
        <M as KeyInit>::new_from_slice(key).map_err(|_| Error::Keyring("bad HMAC key".into()))?;
    m.update(data);
    Ok(Zeroizing::new(m.finalize().into_bytes().to_vec()))
}

impl CryptoProvider for BuiltinCrypto {
    fn name(&self) -> &'static str {
        "built-in"
    }

    fn hkdf_sha512<'a>(&'a self, ikm: &'a [u8], info: &'a [u8]) -> BoxFuture<'a, Result<Secret32>> {
        let mut out = Zeroizing::new([0u8; 32]);
        let r = Hkdf::<Sha512>::new(None, ikm)
            .expand(info, out.as_mut())
            .map(|()| out)
            .map_err(|_| Error::Keyring("HKDF output length invalid".into()));
        ready(r)
    }

    fn hmac<'a>(
        &'a self,
        hash: MacHash,
        key: &'a [u8],
        data: &'a [u8],
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>>> {
        ready(match hash {
            MacHash::Sha256 => mac::<Hmac<sha2::Sha256>>(key, data),
            MacHash::Sha384 => mac::<Hmac<Sha384>>(key, data),
            MacHash::Sha512 => mac::<Hmac<Sha512>>(key, data),
        })
    }

    fn sha384<'a>(&'a self, data: &'a [u8]) -> BoxFuture<'a, Result<[u8; 48]>> {
        ready(Ok(Sha384::digest(data).into()))
    }

    fn aes256_ctr_keystream<'a>(
        &'a self,
        key: &'a [u8; 32],
        counter: [u8; 16],
        len: usize,
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>>> {
        let cipher = aes::Aes256::new(key.into());
        let start = u128::from_be_bytes(counter);
        // All blocks in one call: the bitsliced software AES encrypts several blocks at once.
        let mut blocks: Vec<aes::Block> = (0..len.div_ceil(16))
            .map(|i| aes::Block::from(start.wrapping_add(i as u128).to_be_bytes()))
            .collect();
        cipher.encrypt_blocks(&mut blocks);
        let mut out = Zeroizing::new(Vec::with_capacity(blocks.len() * 16));
        for b in blocks.iter_mut() {
            out.extend_from_slice(b);
            b[..].zeroize();
        }
        out.truncate(len);
        ready(Ok(out))
    }

    fn seal_many<'a>(&'a self, jobs: &'a [GcmJob<'a>]) -> BoxFuture<'a, Result<Vec<Vec<u8>>>> {
        ready(
            jobs.iter()
                .map(|j| aead::seal_once(j.key, j.iv, j.aad, j.input))
                .collect(),
        )
    }

    fn open_many<'a>(&'a self, jobs: &'a [GcmJob<'a>]) -> BoxFuture<'a, Result<Vec<Opened>>> {
        ready(Ok(jobs
            .iter()
            .map(|j| aead::open_once(j.key, j.iv, j.aad, j.input).map(Zeroizing::new))
            .collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::future::block_on;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    /// SP 800-38A F.5.5 (CTR-AES256.Encrypt): keystream = ciphertext ⊕ plaintext, four blocks,
    /// asked for at lengths that end inside a block.
    #[test]
    fn aes256_ctr_keystream_matches_sp800_38a() {
        let key: [u8; 32] = hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
            .try_into()
            .expect("32 bytes");
        let counter: [u8; 16] = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
            .try_into()
            .expect("16 bytes");
        let pt = hex(concat!(
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51",
            "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
        ));
        let ct = hex(concat!(
            "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5",
            "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"
        ));
        let want: Vec<u8> = pt.iter().zip(&ct).map(|(p, c)| p ^ c).collect();
        for len in [0, 1, 16, 44, 48, 63, 64] {
            let got = block_on(BuiltinCrypto.aes256_ctr_keystream(&key, counter, len))
                .expect("keystream");
            assert_eq!(&got[..], &want[..len], "length {len}");
        }
    }

    /// The counter carries across all 128 bits (the item format's field keys rely on it).
    #[test]
    fn the_counter_is_one_128_bit_integer() {
        let key = [7u8; 32];
        let stream =
            block_on(BuiltinCrypto.aes256_ctr_keystream(&key, [0xff; 16], 32)).expect("stream");
        let wrapped =
            block_on(BuiltinCrypto.aes256_ctr_keystream(&key, [0; 16], 16)).expect("stream");
        assert_eq!(&stream[16..], &wrapped[..]);
    }
}
