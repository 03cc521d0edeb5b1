//! A raw RSA keyring's private key held by the host, which decrypts in place of the module's
//! `rsa` 0.9 code (RUSTSEC-2023-0071, Marvin; see SECURITY.md): node:crypto in Node (OpenSSL)
//! and WebCrypto in browsers (BoringSSL in Chromium), whose RSA private-key operations are
//! constant time. The JS side makes one key object per keyring, `{ decrypt(hash, ciphertext) }`
//! (`js/node-host.mjs` answers at once, `js/webcrypto-rsa.mjs` with a Promise). In browsers the
//! public key is WebCrypto's too, `{ encrypt(hash, plaintext) }` ([`HostRsaPublicKey`]): its
//! RSA-OAEP encryption is several times faster than the module's big-number code.
//!
//! OAEP only: Node refuses RSAES-PKCS1-v1_5 private decryption (CVE-2023-46809) and WebCrypto
//! has no such algorithm, so a PKCS#1 keyring keeps the module's blinded implementation
//! (`WasmKeyring::raw_rsa` decides).

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use crate::crypto::rsa::{
    RsaDecryptKey, RsaDecryptPadding, RsaDecryptResult, RsaEncryptKey, RsaHash, RsaPadding,
    RsaPrivateError,
};
use crate::error::Error;
use crate::future::BoxFuture;
use crate::wasm::convert::invalid;

/// A host key object. `decrypt(hash, ciphertext)` returns, or resolves to:
/// - the plaintext as a `Uint8Array`, which is wiped once copied;
/// - `null`/`undefined` when the host cannot use the key at all (WebCrypto refused to import
///   it): the module's own implementation decrypts, if the keyring has the key;
///
/// and throws (or rejects) when this ciphertext does not decrypt.
pub(crate) struct HostRsaKey {
    this: JsValue,
    decrypt: Function,
    /// The module's implementation of the same key, for a host that cannot use it.
    fallback: Option<Box<dyn RsaDecryptKey>>,
}

impl HostRsaKey {
    /// Checks that `key` has a `decrypt` function.
    pub(crate) fn from_js(key: JsValue) -> Result<Self, JsValue> {
        let decrypt = Reflect::get(&key, &JsValue::from_str("decrypt"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                invalid("host RSA key must have a decrypt(hash, ciphertext) function")
            })?;
        Ok(HostRsaKey {
            this: key,
            decrypt,
            fallback: None,
        })
    }

    /// The same key, with the module's implementation `own` for when the host cannot use it.
    pub(crate) fn falling_back_on(self, own: Option<Box<dyn RsaDecryptKey>>) -> Self {
        HostRsaKey {
            fallback: own,
            ..self
        }
    }

    /// Moves the host's plaintext out. An OAEP plaintext is shorter than the modulus, which is
    /// the ciphertext's length; anything else is refused.
    fn take(out: JsValue, ciphertext_len: usize) -> RsaDecryptResult {
        let out = out
            .dyn_into::<Uint8Array>()
            .map_err(|_| RsaPrivateError::Decryption)?;
        let len = out.length();
        if len as usize >= ciphertext_len {
            out.fill(0, 0, len);
            return Err(RsaPrivateError::Decryption);
        }
        let mut plain = Zeroizing::new(vec![0u8; len as usize]);
        out.copy_to(&mut plain);
        out.fill(0, 0, len);
        Ok(plain)
    }
}

/// The JS name of an OAEP hash.
fn hash_name(hash: RsaHash) -> &'static str {
    match hash {
        RsaHash::Sha1 => "sha1",
        RsaHash::Sha256 => "sha256",
        RsaHash::Sha384 => "sha384",
        RsaHash::Sha512 => "sha512",
    }
}

/// Calls `f` on `this` with the hash name and `input`, awaiting a Promise answer.
async fn call(
    this: &JsValue,
    f: &Function,
    hash: RsaHash,
    input: &Uint8Array,
) -> Result<JsValue, JsValue> {
    let out = f.call2(this, &JsValue::from_str(hash_name(hash)), input)?;
    match out.dyn_ref::<Promise>() {
        Some(promise) => JsFuture::from(promise.clone()).await,
        None => Ok(out),
    }
}

impl RsaDecryptKey for HostRsaKey {
    fn decrypt<'a>(
        &'a self,
        padding: RsaDecryptPadding,
        ciphertext: &'a [u8],
    ) -> BoxFuture<'a, RsaDecryptResult> {
        Box::pin(async move {
            let RsaDecryptPadding::Oaep(hash) = padding else {
                return Err(RsaPrivateError::Decryption);
            };
            let input = Uint8Array::from(ciphertext);
            // A throw or a rejection (bad padding, wrong key) is one undetailed failure, like
            // the built-in code's.
            let out = call(&self.this, &self.decrypt, hash, &input)
                .await
                .map_err(|_| RsaPrivateError::Decryption)?;
            if out.is_null() || out.is_undefined() {
                // The host cannot use this key (it says so whatever the ciphertext, so this
                // tells an attacker nothing about it).
                return match &self.fallback {
                    Some(own) => own.decrypt(padding, ciphertext).await,
                    None => Err(RsaPrivateError::Decryption),
                };
            }
            Self::take(out, ciphertext.len())
        })
    }
}

/// A host public key object. `encrypt(hash, plaintext)` returns, or resolves to, the ciphertext
/// as a `Uint8Array`, or `null`/`undefined` when the host cannot use the key (the module's own
/// code encrypts then). The plaintext (a data key) is a copy, zeroed here once answered.
pub(crate) struct HostRsaPublicKey {
    this: JsValue,
    encrypt: Function,
    /// The module's implementation of the same key.
    fallback: Option<Box<dyn RsaEncryptKey>>,
}

impl HostRsaPublicKey {
    /// Checks that `key` has an `encrypt` function.
    pub(crate) fn from_js(key: JsValue) -> Result<Self, JsValue> {
        let encrypt = Reflect::get(&key, &JsValue::from_str("encrypt"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                invalid("host RSA public key must have an encrypt(hash, plaintext) function")
            })?;
        Ok(HostRsaPublicKey {
            this: key,
            encrypt,
            fallback: None,
        })
    }

    /// The same key, with the module's implementation `own` for when the host cannot use it.
    pub(crate) fn falling_back_on(self, own: Option<Box<dyn RsaEncryptKey>>) -> Self {
        HostRsaPublicKey {
            fallback: own,
            ..self
        }
    }
}

impl RsaEncryptKey for HostRsaPublicKey {
    fn encrypt<'a>(
        &'a self,
        padding: RsaPadding,
        data: &'a [u8],
    ) -> BoxFuture<'a, crate::Result<Vec<u8>>> {
        Box::pin(async move {
            let Some(hash) = padding.oaep_hash() else {
                // WebCrypto has no PKCS#1 v1.5 encryption.
                return self.own(padding, data).await;
            };
            let input = Uint8Array::from(data);
            let out = call(&self.this, &self.encrypt, hash, &input).await;
            input.fill(0, 0, input.length());
            let out = out.map_err(|_| {
                Error::Keyring(format!("RSA {} encryption failed (host)", padding.name()))
            })?;
            if out.is_null() || out.is_undefined() {
                return self.own(padding, data).await;
            }
            out.dyn_into::<Uint8Array>()
                .map(|c| c.to_vec())
                .map_err(|_| Error::Keyring("the host RSA encryption gave no bytes".into()))
        })
    }
}

impl HostRsaPublicKey {
    async fn own(&self, padding: RsaPadding, data: &[u8]) -> crate::Result<Vec<u8>> {
        match &self.fallback {
            Some(own) => own.encrypt(padding, data).await,
            None => Err(Error::Keyring(
                "the host cannot use this RSA public key".into(),
            )),
        }
    }
}
