//! A crypto provider value: the primitives a format needs, from one implementation chosen when
//! the encryptor is made (RustCrypto built in, or the host's: WebCrypto in the small browser
//! modules). Cargo features decide only which implementations are compiled in; no function body
//! forks on them.
//!
//! Every call returns a future, because WebCrypto answers with a Promise. The built-in
//! implementation answers at once. The batch calls ([`seal_many`](CryptoProvider::seal_many),
//! [`open_many`](CryptoProvider::open_many)) let a host run independent calls at the same time:
//! the item format seals each attribute under its own key.
//!
//! Today the item format (`crate::item`) and the hierarchical keyring go through it; the message
//! format still uses the seams of `crypto::aead` / `crypto::content_key` (issue 13 moves it here).

use zeroize::Zeroizing;

use crate::crypto::aead::AuthFailed;
use crate::error::{Error, Result};
use crate::future::{BoxFuture, MaybeSend, MaybeSync};
use crate::suite::IV_LEN;

/// A 32-byte secret.
pub type Secret32 = Zeroizing<[u8; 32]>;

/// The hash under an HMAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MacHash {
    /// HMAC-SHA-256 (32-byte tags): the hierarchical keyring's wrapping-key derivation.
    Sha256,
    /// HMAC-SHA-384 (48-byte tags).
    Sha384,
    /// HMAC-SHA-512 (64-byte tags).
    Sha512,
}

impl MacHash {
    /// The hash's output size in bits (256, 384, 512): WebCrypto's `SHA-<bits>`.
    pub fn bits(self) -> u32 {
        match self {
            MacHash::Sha256 => 256,
            MacHash::Sha384 => 384,
            MacHash::Sha512 => 512,
        }
    }

    /// The length of a full tag in bytes.
    pub fn tag_len(self) -> usize {
        self.bits() as usize / 8
    }
}

/// One AES-256-GCM operation of a batch: a key used for this value only, its IV, the AAD and
/// the input (the plaintext to seal, or `ciphertext ‖ tag` to open).
pub struct GcmJob<'a> {
    /// The 32-byte key.
    pub key: &'a [u8; 32],
    /// The 12-byte IV.
    pub iv: &'a [u8; IV_LEN],
    /// Additional authenticated data.
    pub aad: &'a [u8],
    /// The input bytes.
    pub input: &'a [u8],
}

/// What opening one value gave: its plaintext, or [`AuthFailed`] when the tag did not verify.
pub type Opened = core::result::Result<Zeroizing<Vec<u8>>, AuthFailed>;

/// The primitives of the item format. Errors are [`Error`]s that say which
/// implementation failed; an authentication failure is a value, not an error.
pub trait CryptoProvider: MaybeSend + MaybeSync + core::fmt::Debug {
    /// A short name for errors and `Debug` ("built-in", "WebCrypto").
    fn name(&self) -> &'static str;

    /// RFC 5869 HKDF-SHA-512 with no salt (the all-zero salt), 32 bytes of output.
    fn hkdf_sha512<'a>(&'a self, ikm: &'a [u8], info: &'a [u8]) -> BoxFuture<'a, Result<Secret32>>;

    /// RFC 2104 HMAC of `data` under `key`: the full tag (32, 48 or 64 bytes).
    fn hmac<'a>(
        &'a self,
        hash: MacHash,
        key: &'a [u8],
        data: &'a [u8],
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>>>;

    /// SHA-384 of `data`.
    fn sha384<'a>(&'a self, data: &'a [u8]) -> BoxFuture<'a, Result<[u8; 48]>>;

    /// `len` bytes of AES-256-CTR keystream under `key`, from the 16-byte counter block
    /// `counter`, which is incremented as one 128-bit big-endian integer (SP 800-38A, 6.5).
    fn aes256_ctr_keystream<'a>(
        &'a self,
        key: &'a [u8; 32],
        counter: [u8; 16],
        len: usize,
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>>>;

    /// Seals every job's plaintext: `ciphertext ‖ tag` per job, in order.
    fn seal_many<'a>(&'a self, jobs: &'a [GcmJob<'a>]) -> BoxFuture<'a, Result<Vec<Vec<u8>>>>;

    /// Opens every job's `ciphertext ‖ tag`, in order. One value that does not authenticate is
    /// that job's [`AuthFailed`]; the others are still opened.
    fn open_many<'a>(&'a self, jobs: &'a [GcmJob<'a>]) -> BoxFuture<'a, Result<Vec<Opened>>>;
}

fn miscounted(crypto: &dyn CryptoProvider, what: &str, got: usize, want: usize) -> Error {
    Error::Keyring(format!(
        "the {} crypto provider {what} {got} of {want} values",
        crypto.name()
    ))
}

/// [`seal_many`](CryptoProvider::seal_many), with one output per job checked: a provider that
/// answers otherwise is an error.
pub async fn seal_each(crypto: &dyn CryptoProvider, jobs: &[GcmJob<'_>]) -> Result<Vec<Vec<u8>>> {
    let sealed = crypto.seal_many(jobs).await?;
    if sealed.len() != jobs.len() {
        return Err(miscounted(crypto, "sealed", sealed.len(), jobs.len()));
    }
    Ok(sealed)
}

/// [`open_many`](CryptoProvider::open_many), with one result per job checked.
pub async fn open_each(crypto: &dyn CryptoProvider, jobs: &[GcmJob<'_>]) -> Result<Vec<Opened>> {
    let opened = crypto.open_many(jobs).await?;
    if opened.len() != jobs.len() {
        return Err(miscounted(crypto, "opened", opened.len(), jobs.len()));
    }
    Ok(opened)
}

/// Seals one value: `ciphertext ‖ tag`.
pub async fn seal_one(crypto: &dyn CryptoProvider, job: GcmJob<'_>) -> Result<Vec<u8>> {
    let mut sealed = seal_each(crypto, core::slice::from_ref(&job)).await?;
    sealed
        .pop()
        .ok_or_else(|| miscounted(crypto, "sealed", 0, 1))
}

/// Opens one value.
pub async fn open_one(crypto: &dyn CryptoProvider, job: GcmJob<'_>) -> Result<Opened> {
    let mut opened = open_each(crypto, core::slice::from_ref(&job)).await?;
    opened
        .pop()
        .ok_or_else(|| miscounted(crypto, "opened", 0, 1))
}

/// The provider of this build: RustCrypto, natively and in the full wasm module (where a host
/// AES-GCM installed by the npm package in Node takes the attribute encryption, see
/// [`seal_once`](crate::crypto::aead::seal_once)).
#[cfg(not(feature = "host-crypto"))]
pub fn default_provider() -> std::sync::Arc<dyn CryptoProvider> {
    std::sync::Arc::new(crate::crypto::builtin::BuiltinCrypto)
}

/// The provider of this build: the host's (WebCrypto) in the small browser modules (feature
/// `host-crypto`), which then carry no SHA-2, HMAC or AES-256 code for items.
#[cfg(feature = "host-crypto")]
pub fn default_provider() -> std::sync::Arc<dyn CryptoProvider> {
    std::sync::Arc::new(crate::crypto::host_provider::HostProvider)
}
