//! The asynchronous host crypto seam of the small module (`crate::crypto::host`): WebCrypto's
//! AES-GCM and HKDF, reached through a JS object (`js/webcrypto-host.mjs`).
//!
//! Inputs reach JS as views into wasm memory, which the host copies before it returns (the
//! views die at the next allocation). Outputs that are key or plaintext bytes are copied into
//! wasm memory and then zeroed in JS.

use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::crypto::aead::AuthFailed;
use crate::crypto::host::{
    set_host_crypto, GcmAnswer, HkdfHash, HostBytes, HostCrypto, HostGcmKey,
};
use crate::crypto::oaep_public::OaepHash;
use crate::crypto::provider::MacHash;
use crate::future::BoxFuture;
use crate::suite::IV_LEN;
use crate::wasm::host_ecdsa::settle;

#[wasm_bindgen]
extern "C" {
    /// `{ random(view), hkdf(hash, ikm, salt, info, length), hkdfAesKey(…the same),
    /// aesGcmKey(key), digest(hash, data), hmac(hash, key, data), aesCtr(key, counter, length),
    /// rsaOaepEncrypt(hash, spki, plaintext) }`, all but
    /// `random` returning a Promise; `hash` = 256 | 384 | 512 (1 = SHA-1 for OAEP); the keys are
    /// [`JsGcmKey`]s.
    pub type JsHostCrypto;
    #[wasm_bindgen(method, catch)]
    fn hkdf(
        this: &JsHostCrypto,
        hash: u32,
        ikm: &[u8],
        salt: &[u8],
        info: &[u8],
        length: u32,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = hkdfAesKey)]
    fn hkdf_aes_key(
        this: &JsHostCrypto,
        hash: u32,
        ikm: &[u8],
        salt: &[u8],
        info: &[u8],
        length: u32,
    ) -> Result<JsValue, JsValue>;
    /// Fills the view with random bytes (`crypto.getRandomValues`).
    #[wasm_bindgen(method, catch)]
    fn random(this: &JsHostCrypto, buf: &mut [u8]) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = aesGcmKey)]
    fn aes_gcm_key(this: &JsHostCrypto, key: &[u8]) -> Result<JsValue, JsValue>;
    /// `digest(384, data)` → Promise of the 48 bytes.
    #[wasm_bindgen(method, catch)]
    fn digest(this: &JsHostCrypto, hash: u32, data: &[u8]) -> Result<JsValue, JsValue>;
    /// `hmac(hash, key, data)` → Promise of the tag; `hash` = 256 | 384 | 512.
    #[wasm_bindgen(method, catch)]
    fn hmac(this: &JsHostCrypto, hash: u32, key: &[u8], data: &[u8]) -> Result<JsValue, JsValue>;
    /// `aesCtr(key, counter, length)` → Promise of `length` bytes of keystream.
    #[wasm_bindgen(method, catch, js_name = aesCtr)]
    fn aes_ctr(
        this: &JsHostCrypto,
        key: &[u8],
        counter: &[u8],
        length: u32,
    ) -> Result<JsValue, JsValue>;
    /// `rsaOaepEncrypt(hash, spki, plaintext)` → Promise of the ciphertext; `hash` = 1 | 256.
    #[wasm_bindgen(method, catch, js_name = rsaOaepEncrypt)]
    fn rsa_oaep_encrypt(
        this: &JsHostCrypto,
        hash: u32,
        spki: &[u8],
        plaintext: &[u8],
    ) -> Result<JsValue, JsValue>;

    /// `{ seal(iv, aad, plaintext) → Promise<ciphertext ‖ tag>, open(iv, aad, sealed) →
    /// Promise<plaintext | null> }` (null: authentication failed).
    type JsGcmKey;
    #[wasm_bindgen(method, catch)]
    fn seal(this: &JsGcmKey, iv: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn open(this: &JsGcmKey, iv: &[u8], aad: &[u8], sealed: &[u8]) -> Result<JsValue, JsValue>;
}

/// Secret bytes from JS: copied into wasm memory, then zeroed in JS.
fn take_secret(value: JsValue) -> Option<Zeroizing<Vec<u8>>> {
    let array = value.dyn_into::<Uint8Array>().ok()?;
    let len = array.length();
    let mut bytes = Zeroizing::new(vec![0u8; len as usize]);
    array.copy_to(&mut bytes);
    array.fill(0, 0, len);
    Some(bytes)
}

fn bits(hash: HkdfHash) -> u32 {
    match hash {
        HkdfHash::Sha256 => 256,
        HkdfHash::Sha384 => 384,
        HkdfHash::Sha512 => 512,
    }
}

fn gcm_key(value: JsValue) -> Option<Rc<dyn HostGcmKey>> {
    let key: JsGcmKey = value.dyn_into::<js_sys::Object>().ok()?.unchecked_into();
    Some(Rc::new(GcmKey(key)))
}

struct Host(JsHostCrypto);

impl HostCrypto for Host {
    fn hkdf(
        &self,
        hash: HkdfHash,
        ikm: &[u8],
        salt: &[u8],
        info: &[u8],
        len: usize,
    ) -> BoxFuture<'static, Option<Zeroizing<Vec<u8>>>> {
        let call = u32::try_from(len)
            .ok()
            .map(|len| self.0.hkdf(bits(hash), ikm, salt, info, len));
        Box::pin(async move { take_secret(settle(call?).await.ok()?) })
    }

    fn hkdf_aes_key(
        &self,
        hash: HkdfHash,
        ikm: &[u8],
        salt: &[u8],
        info: &[u8],
        len: usize,
    ) -> BoxFuture<'static, Option<Rc<dyn HostGcmKey>>> {
        let call = u32::try_from(len)
            .ok()
            .map(|len| self.0.hkdf_aes_key(bits(hash), ikm, salt, info, len));
        Box::pin(async move { gcm_key(settle(call?).await.ok()?) })
    }

    fn fill_random(&self, buf: &mut [u8]) -> bool {
        // getRandomValues fills at most 65,536 bytes per call.
        buf.chunks_mut(65_536)
            .all(|chunk| self.0.random(chunk).is_ok())
    }

    fn aes_gcm_key(&self, key: &[u8]) -> BoxFuture<'static, Option<Rc<dyn HostGcmKey>>> {
        let call = self.0.aes_gcm_key(key);
        Box::pin(async move { gcm_key(settle(call).await.ok()?) })
    }

    fn sha384(&self, data: &[u8]) -> BoxFuture<'static, Option<[u8; 48]>> {
        let call = self.0.digest(384, data);
        Box::pin(async move {
            let array = settle(call).await.ok()?.dyn_into::<Uint8Array>().ok()?;
            let mut out = [0u8; 48];
            if array.length() as usize != out.len() {
                return None;
            }
            array.copy_to(&mut out);
            Some(out)
        })
    }

    fn hmac(
        &self,
        hash: MacHash,
        key: &[u8],
        data: &[u8],
    ) -> BoxFuture<'static, Option<Zeroizing<Vec<u8>>>> {
        let call = self.0.hmac(hash.bits(), key, data);
        Box::pin(async move { take_secret(settle(call).await.ok()?) })
    }

    fn aes_ctr_keystream(
        &self,
        key: &[u8],
        counter: &[u8; 16],
        len: usize,
    ) -> BoxFuture<'static, Option<Zeroizing<Vec<u8>>>> {
        let call = u32::try_from(len)
            .ok()
            .map(|len| self.0.aes_ctr(key, counter, len));
        Box::pin(async move {
            let out = take_secret(settle(call?).await.ok()?)?;
            (out.len() == len).then_some(out)
        })
    }

    fn rsa_oaep_encrypt(
        &self,
        hash: OaepHash,
        spki: &[u8],
        plaintext: &[u8],
    ) -> BoxFuture<'static, Option<Vec<u8>>> {
        let bits = match hash {
            OaepHash::Sha1 => 1,
            OaepHash::Sha256 => 256,
        };
        let call = self.0.rsa_oaep_encrypt(bits, spki, plaintext);
        Box::pin(async move {
            let array = settle(call).await.ok()?.dyn_into::<Uint8Array>().ok()?;
            Some(array.to_vec())
        })
    }
}

struct GcmKey(JsGcmKey);

/// A `Uint8Array` a host call returned.
struct JsBytes(Uint8Array);

impl HostBytes for JsBytes {
    fn len(&self) -> usize {
        self.0.length() as usize
    }
    fn move_to(&self, dest: &mut [u8]) {
        self.0.copy_to(dest);
        self.wipe();
    }
    fn wipe(&self) {
        self.0.fill(0, 0, self.0.length());
    }
}

fn js_bytes(value: JsValue) -> Option<Box<dyn HostBytes>> {
    Some(Box::new(JsBytes(value.dyn_into::<Uint8Array>().ok()?)))
}

impl HostGcmKey for GcmKey {
    fn seal(
        &self,
        iv: &[u8; IV_LEN],
        aad: &[u8],
        plaintext: &[u8],
    ) -> BoxFuture<'static, GcmAnswer> {
        gcm_answer(self.0.seal(iv, aad, plaintext))
    }

    fn open(&self, iv: &[u8; IV_LEN], aad: &[u8], sealed: &[u8]) -> BoxFuture<'static, GcmAnswer> {
        gcm_answer(self.0.open(iv, aad, sealed))
    }
}

/// The answer of `seal`/`open`: a Promise of the output bytes, or of `null` when a tag did not
/// verify (one future type for both).
fn gcm_answer(call: Result<JsValue, JsValue>) -> BoxFuture<'static, GcmAnswer> {
    Box::pin(async move {
        let value = settle(call).await.ok()?;
        if value.is_null() {
            return Some(Err(AuthFailed));
        }
        js_bytes(value).map(Ok)
    })
}

/// Installs the host AES-GCM and HKDF (`undefined`/`null` removes them).
#[wasm_bindgen(js_name = setHostCrypto)]
pub fn set_host(host: Option<JsHostCrypto>) {
    set_host_crypto(host.map(|js| Rc::new(Host(js)) as Rc<dyn HostCrypto>));
}
