//! AES-GCM with 128/192/256-bit keys, 12-byte IVs and 16-byte tags.

use aes::Aes192;
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Aes256Gcm, AesGcm, KeyInit, Nonce, Tag};

use crate::error::{Error, Result};
use crate::suite::{IV_LEN, TAG_LEN};

type Aes192Gcm = AesGcm<Aes192, U12>;

/// An AES-GCM key schedule. The cipher crates zeroize their round keys on drop.
pub enum AesGcmKey {
    /// AES-128-GCM.
    Aes128(Box<Aes128Gcm>),
    /// AES-192-GCM.
    Aes192(Box<Aes192Gcm>),
    /// AES-256-GCM.
    Aes256(Box<Aes256Gcm>),
}

impl core::fmt::Debug for AesGcmKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AesGcmKey(<redacted>)")
    }
}

/// The AEAD authentication failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthFailed;

impl AesGcmKey {
    /// Builds a key schedule from 16, 24 or 32 key bytes.
    pub fn new(key: &[u8]) -> Result<Self> {
        Ok(match key.len() {
            16 => AesGcmKey::Aes128(Box::new(
                Aes128Gcm::new_from_slice(key).map_err(|_| bad_len(16))?,
            )),
            24 => AesGcmKey::Aes192(Box::new(
                Aes192Gcm::new_from_slice(key).map_err(|_| bad_len(24))?,
            )),
            32 => AesGcmKey::Aes256(Box::new(
                Aes256Gcm::new_from_slice(key).map_err(|_| bad_len(32))?,
            )),
            n => {
                return Err(Error::invalid(format!(
                    "AES key must be 16, 24 or 32 bytes, got {n}"
                )))
            }
        })
    }

    /// Encrypts `buf` in place and returns the tag.
    pub fn seal_in_place(
        &self,
        iv: &[u8; IV_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        let nonce = Nonce::from(*iv);
        let tag = match self {
            AesGcmKey::Aes128(c) => c.encrypt_in_place_detached(&nonce, aad, buf),
            AesGcmKey::Aes192(c) => c.encrypt_in_place_detached(&nonce, aad, buf),
            AesGcmKey::Aes256(c) => c.encrypt_in_place_detached(&nonce, aad, buf),
        };
        tag.map(Into::into)
            .map_err(|_| Error::LimitExceeded("AES-GCM input longer than 2^36 - 32 bytes".into()))
    }

    /// Decrypts `buf` in place if `tag` verifies; on failure `buf` is zeroed.
    pub fn open_in_place(
        &self,
        iv: &[u8; IV_LEN],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), AuthFailed> {
        let nonce = Nonce::from(*iv);
        let tag = Tag::from(*tag);
        let r = match self {
            AesGcmKey::Aes128(c) => c.decrypt_in_place_detached(&nonce, aad, buf, &tag),
            AesGcmKey::Aes192(c) => c.decrypt_in_place_detached(&nonce, aad, buf, &tag),
            AesGcmKey::Aes256(c) => c.decrypt_in_place_detached(&nonce, aad, buf, &tag),
        };
        r.map_err(|_| {
            buf.iter_mut().for_each(|b| *b = 0);
            AuthFailed
        })
    }

    /// Convenience: returns `ciphertext ‖ tag`.
    pub fn seal(&self, iv: &[u8; IV_LEN], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(plaintext.len() + TAG_LEN);
        out.extend_from_slice(plaintext);
        let tag = self.seal_in_place(iv, aad, &mut out)?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Convenience: opens `ciphertext ‖ tag`.
    pub fn open(
        &self,
        iv: &[u8; IV_LEN],
        aad: &[u8],
        sealed: &[u8],
    ) -> Result<Vec<u8>, AuthFailed> {
        let split = sealed.len().checked_sub(TAG_LEN).ok_or(AuthFailed)?;
        let (ct, tag) = sealed.split_at(split);
        let mut tag_arr = [0u8; TAG_LEN];
        tag_arr.copy_from_slice(tag);
        let mut buf = ct.to_vec();
        self.open_in_place(iv, aad, &mut buf, &tag_arr)?;
        Ok(buf)
    }
}

/// Seals `plaintext` under a key used for this one value: `ciphertext ‖ tag`. A host AES-GCM,
/// when one is installed, takes it at any length: a fresh key schedule in software costs more
/// than one host call (the item format derives a key per attribute).
pub fn seal_once(key: &[u8], iv: &[u8; IV_LEN], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    #[cfg(not(feature = "host-crypto"))]
    if let Some(host) = host_aead() {
        let mut out = Vec::with_capacity(plaintext.len() + TAG_LEN);
        out.extend_from_slice(plaintext);
        if let Some(tag) = host.seal(key, iv, aad, &mut out) {
            out.extend_from_slice(&tag);
            return Ok(out);
        }
        out.iter_mut().for_each(|b| *b = 0);
    }
    AesGcmKey::new(key)?.seal(iv, aad, plaintext)
}

/// Opens `ciphertext ‖ tag` under a key used for this one value (see [`seal_once`]).
pub fn open_once(
    key: &[u8],
    iv: &[u8; IV_LEN],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Vec<u8>, AuthFailed> {
    #[cfg(not(feature = "host-crypto"))]
    if let Some(host) = host_aead() {
        let split = sealed.len().checked_sub(TAG_LEN).ok_or(AuthFailed)?;
        let (ct, tag) = sealed.split_at(split);
        let mut tag_arr = [0u8; TAG_LEN];
        tag_arr.copy_from_slice(tag);
        let mut buf = ct.to_vec();
        match host.open(key, iv, aad, &mut buf, &tag_arr) {
            Some(true) => return Ok(buf),
            Some(false) => {
                buf.iter_mut().for_each(|b| *b = 0);
                return Err(AuthFailed);
            }
            None => {}
        }
    }
    AesGcmKey::new(key)
        .map_err(|_| AuthFailed)?
        .open(iv, aad, sealed)
}

fn bad_len(n: usize) -> Error {
    Error::invalid(format!("AES key must be {n} bytes"))
}

/// A host AES-GCM implementation that produces the same bytes as the built-in one (for example
/// node:crypto, reached through the wasm bindings): message bodies use it, when one is
/// installed, for buffers of at least its [`min_len`](HostAead::min_len).
pub trait HostAead {
    /// Smallest buffer worth handing to the host.
    fn min_len(&self) -> usize;
    /// Encrypts `buf` in place and returns the tag; `None` = use the built-in implementation.
    fn seal(
        &self,
        key: &[u8],
        iv: &[u8; IV_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Option<[u8; TAG_LEN]>;
    /// Decrypts `buf` in place if `tag` verifies: `Some(true)`; `Some(false)` = authentication
    /// failed; `None` = use the built-in implementation.
    fn open(
        &self,
        key: &[u8],
        iv: &[u8; IV_LEN],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Option<bool>;
}

std::thread_local! {
    static HOST_AEAD: std::cell::RefCell<Option<std::rc::Rc<dyn HostAead>>> =
        const { std::cell::RefCell::new(None) };
}

/// Installs (or with `None` removes) the host AES-GCM implementation for this thread.
pub fn set_host_aead(host: Option<std::rc::Rc<dyn HostAead>>) {
    HOST_AEAD.with(|h| *h.borrow_mut() = host);
}

#[cfg(not(feature = "host-crypto"))]
pub(crate) fn host_aead() -> Option<std::rc::Rc<dyn HostAead>> {
    HOST_AEAD.with(|h| h.borrow().clone())
}
