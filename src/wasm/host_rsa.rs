//! A raw RSA keyring's private key held by the host: in Node, node:crypto (OpenSSL, whose RSA
//! private-key operations are constant time) decrypts in place of the module's `rsa` 0.9 code
//! (RUSTSEC-2023-0071, Marvin; see SECURITY.md). The JS side makes one key object per keyring
//! (`js/node-host.mjs`, `rsaPrivateKey(pem)` → `{ decrypt(hash, ciphertext) }`).
//!
//! OAEP only: Node refuses RSAES-PKCS1-v1_5 private decryption (CVE-2023-46809), so a PKCS#1
//! keyring keeps the module's blinded implementation (`WasmKeyring::raw_rsa` decides).

use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use zeroize::Zeroizing;

use crate::crypto::rsa::{RsaDecryptKey, RsaDecryptPadding, RsaHash, RsaPrivateError};
use crate::wasm::convert::invalid;

/// A host key object: `decrypt(hash, ciphertext)` returns the plaintext as a `Uint8Array`
/// (which is wiped once copied) or throws.
pub(crate) struct HostRsaKey {
    this: JsValue,
    decrypt: Function,
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
        Ok(HostRsaKey { this: key, decrypt })
    }
}

impl RsaDecryptKey for HostRsaKey {
    fn decrypt(
        &self,
        padding: RsaDecryptPadding,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, RsaPrivateError> {
        let RsaDecryptPadding::Oaep(hash) = padding else {
            return Err(RsaPrivateError::Decryption);
        };
        let hash = match hash {
            RsaHash::Sha1 => "sha1",
            RsaHash::Sha256 => "sha256",
            RsaHash::Sha384 => "sha384",
            RsaHash::Sha512 => "sha512",
        };
        let input = Uint8Array::from(ciphertext);
        // A throw (bad padding, wrong key) is one undetailed failure, like the built-in code's.
        let out = self
            .decrypt
            .call2(&self.this, &JsValue::from_str(hash), &input)
            .map_err(|_| RsaPrivateError::Decryption)?;
        let out = out
            .dyn_into::<Uint8Array>()
            .map_err(|_| RsaPrivateError::Decryption)?;
        let len = out.length();
        // An OAEP plaintext is shorter than the modulus, which is the ciphertext's length.
        if len as usize >= ciphertext.len() {
            out.fill(0, 0, len);
            return Err(RsaPrivateError::Decryption);
        }
        let mut plain = Zeroizing::new(vec![0u8; len as usize]);
        out.copy_to(&mut plain);
        out.fill(0, 0, len);
        Ok(plain)
    }
}
