//! The asynchronous host crypto seam of the `host-crypto` build (the small browser module):
//! AES-GCM, HKDF, HMAC, SHA-384 and AES-CTR come from the host — WebCrypto, with hardware AES — instead of being
//! compiled into the module.
//!
//! The host answers later (a Promise), so only async paths can use it: message encryption and
//! decryption await each batch of frames (see [`ContentKey`](super::content_key::ContentKey)). Every
//! call copies its inputs before returning its future, so many calls can be in flight at once.
//! Built-in AES-192-GCM stays in the module: Chromium's WebCrypto refuses 192-bit AES keys.
//! The KMS RSA keyring's offline encrypt (RSA-OAEP and the SHA-384 of the context) comes from
//! the host too, so the module carries no RSA or SHA-2 code.

use std::rc::Rc;

use zeroize::Zeroizing;

use crate::crypto::aead::AuthFailed;
use crate::crypto::oaep_public::OaepHash;
use crate::crypto::provider::MacHash;
use crate::future::BoxFuture;
use crate::suite::IV_LEN;

/// The hash under an HKDF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HkdfHash {
    /// HKDF-SHA-256.
    Sha256,
    /// HKDF-SHA-384.
    Sha384,
    /// HKDF-SHA-512.
    Sha512,
}

/// Host AES-GCM, HKDF and randomness. `None` from any method = the host failed.
pub trait HostCrypto {
    /// RFC 5869 extract-and-expand: `len` bytes from `ikm`, `salt` (empty = the all-zero salt)
    /// and `info`.
    fn hkdf(
        &self,
        hash: HkdfHash,
        ikm: &[u8],
        salt: &[u8],
        info: &[u8],
        len: usize,
    ) -> BoxFuture<'static, Option<Zeroizing<Vec<u8>>>>;

    /// As [`hkdf`](Self::hkdf), the output imported as a (non-extractable) AES-GCM key of
    /// `len` = 16 or 32 bytes.
    fn hkdf_aes_key(
        &self,
        hash: HkdfHash,
        ikm: &[u8],
        salt: &[u8],
        info: &[u8],
        len: usize,
    ) -> BoxFuture<'static, Option<Rc<dyn HostGcmKey>>>;

    /// Fills `buf` with cryptographically secure random bytes (synchronously); false = failed.
    fn fill_random(&self, buf: &mut [u8]) -> bool;

    /// Imports a 16- or 32-byte AES-GCM key.
    fn aes_gcm_key(&self, key: &[u8]) -> BoxFuture<'static, Option<Rc<dyn HostGcmKey>>>;

    /// SHA-384 of `data`.
    fn sha384(&self, data: &[u8]) -> BoxFuture<'static, Option<[u8; 48]>>;

    /// HMAC of `data` under `key` (the full tag).
    fn hmac(
        &self,
        hash: MacHash,
        key: &[u8],
        data: &[u8],
    ) -> BoxFuture<'static, Option<Zeroizing<Vec<u8>>>>;

    /// `len` bytes of AES-CTR keystream under the 16- or 32-byte `key`, the whole 16-byte
    /// `counter` block incremented as one 128-bit integer.
    fn aes_ctr_keystream(
        &self,
        key: &[u8],
        counter: &[u8; 16],
        len: usize,
    ) -> BoxFuture<'static, Option<Zeroizing<Vec<u8>>>>;

    /// RSA-OAEP (MGF1 with the same hash, empty label) of `plaintext` under the DER
    /// SubjectPublicKeyInfo `spki` (already checked by
    /// [`RsaSpki`](crate::crypto::rsa_spki::RsaSpki)).
    fn rsa_oaep_encrypt(
        &self,
        hash: OaepHash,
        spki: &[u8],
        plaintext: &[u8],
    ) -> BoxFuture<'static, Option<Vec<u8>>>;
}

/// Bytes a host call produced, still in host memory: copied out once, straight to where they go.
pub trait HostBytes {
    /// Their length.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Copies them into `dest` (exactly [`len`](Self::len) bytes) and zeroes the host's copy.
    fn move_to(&self, dest: &mut [u8]);
    /// Zeroes them where they are (an answer that is not used).
    fn wipe(&self);
}

/// A host AES-GCM answer: `None` if the call failed, [`AuthFailed`] if a tag did not verify
/// (decryption only), else the output bytes. One type for both directions, so that the batch
/// pipeline exists once.
pub type GcmAnswer = Option<Result<Box<dyn HostBytes>, AuthFailed>>;

/// An imported host AES-GCM key (12-byte IVs, 16-byte tags).
pub trait HostGcmKey {
    /// `ciphertext ‖ tag` of `plaintext`.
    fn seal(
        &self,
        iv: &[u8; IV_LEN],
        aad: &[u8],
        plaintext: &[u8],
    ) -> BoxFuture<'static, GcmAnswer>;
    /// The plaintext of `ciphertext ‖ tag`, or [`AuthFailed`].
    fn open(&self, iv: &[u8; IV_LEN], aad: &[u8], sealed: &[u8]) -> BoxFuture<'static, GcmAnswer>;
}

std::thread_local! {
    static HOST_CRYPTO: std::cell::RefCell<Option<Rc<dyn HostCrypto>>> =
        const { std::cell::RefCell::new(None) };
}

/// Installs (or with `None` removes) the host crypto for this thread.
pub fn set_host_crypto(host: Option<Rc<dyn HostCrypto>>) {
    HOST_CRYPTO.with(|h| *h.borrow_mut() = host);
}

/// The installed host crypto; without one (no WebCrypto: an insecure browser context) the
/// error says so, as [`Error::Unsupported`](crate::error::Error::Unsupported): nothing is wrong
/// with the keyring or the input, this environment cannot do it.
pub(crate) fn host_crypto() -> crate::error::Result<Rc<dyn HostCrypto>> {
    HOST_CRYPTO.with(|h| h.borrow().clone()).ok_or_else(|| {
        crate::error::Error::Unsupported(
            "this module needs WebCrypto (crypto.subtle, a secure context) for its cryptography"
                .into(),
        )
    })
}
