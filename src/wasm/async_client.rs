//! One-shot encrypt/decrypt that may wait: the same operations as `WasmClient::encrypt` /
//! `decrypt` (session.rs), returned as promises so keyrings calling a KMS (local, `fetch`, or
//! a JS object) can await. `js/kms.mjs` routes a client's `encrypt`/`decrypt` here only when
//! the keyring involves a KMS keyring; the synchronous path is unchanged for the others.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::wasm::convert::{decrypted_js, encrypted_js, js_error};
use crate::wasm::keyring::WasmKeyring;
use crate::wasm::session::{decrypt_setup, encrypt_setup};

/// Encrypts → Promise of `{ result, messageHeader }` (arguments as `WasmClient::encrypt`).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = encryptAsync)]
pub fn encrypt_async(
    policy: &str,
    max_edks: u32,
    keyring: &WasmKeyring,
    plaintext: Vec<u8>,
    context: Vec<String>,
    required_keys: Vec<String>,
    suite: Option<u32>,
    frame_length: Option<u32>,
) -> Result<Promise, JsValue> {
    let plaintext = Zeroizing::new(plaintext);
    let (client, cmm, options) = encrypt_setup(
        policy,
        max_edks,
        keyring,
        context,
        required_keys,
        suite,
        frame_length,
    )?;
    Ok(crate::wasm::convert::promise(async move {
        let msg = client
            .encrypt(cmm, &plaintext, options)
            .await
            .map_err(|e| js_error(&e))?;
        Ok(encrypted_js(&msg.ciphertext, &msg.header))
    }))
}

/// Decrypts → Promise of `{ plaintext, messageHeader, encryptionContext }`.
#[wasm_bindgen(js_name = decryptAsync)]
#[allow(clippy::too_many_arguments)]
pub fn decrypt_async(
    policy: &str,
    max_edks: u32,
    keyring: &WasmKeyring,
    ciphertext: Vec<u8>,
    context: Vec<String>,
    required_keys: Vec<String>,
    signed_messages: u8,
    max_header_len: u32,
) -> Result<Promise, JsValue> {
    let (client, cmm, options) = decrypt_setup(
        policy,
        max_edks,
        keyring,
        context,
        required_keys,
        signed_messages,
        max_header_len,
    )?;
    Ok(crate::wasm::convert::promise(async move {
        let mut msg = client
            .decrypt(cmm, &ciphertext, options)
            .await
            .map_err(|e| js_error(&e))?;
        Ok(decrypted_js(
            &mut msg.plaintext,
            &msg.header,
            &msg.encryption_context,
        ))
    }))
}
