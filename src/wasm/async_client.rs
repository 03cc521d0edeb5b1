//! One-shot encrypt/decrypt that may wait: the same operations as `WasmClient::encrypt` /
//! `decrypt` (session.rs), returned as promises so keyrings calling a KMS (local, `fetch`, or
//! a JS object) can await. `js/kms.mjs` routes a client's `encrypt`/`decrypt` here only when
//! the keyring involves a KMS keyring; the synchronous path is unchanged for the others.

use std::str::FromStr;
use std::sync::Arc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use zeroize::Zeroizing;

use crate::client::{keyring_cmm, Client};
use crate::cmm::{CryptoMaterialsManager, RequiredEncryptionContextCmm};
use crate::message::decrypt::{DecryptOptions, SignedMessages};
use crate::message::encrypt::{EncryptOptions, Framing};
use crate::policy::CommitmentPolicy;
use crate::suite::AlgorithmSuite;
use crate::wasm::convert::{context_from_flat, decrypted_js, encrypted_js, invalid, js, js_error};
use crate::wasm::keyring::WasmKeyring;

fn client(policy: &str, max_edks: u32) -> Result<Client, JsValue> {
    let mut client = Client::new(js(CommitmentPolicy::from_str(policy))?);
    if max_edks != 0 {
        let max = u16::try_from(max_edks)
            .map_err(|_| invalid("maxEncryptedDataKeys must be between 1 and 65535"))?;
        client = client.with_max_encrypted_data_keys(max);
    }
    Ok(client)
}

fn cmm(
    keyring: &WasmKeyring,
    required_keys: Vec<String>,
) -> Result<Arc<dyn CryptoMaterialsManager>, JsValue> {
    let cmm = keyring_cmm(keyring.keyring()?);
    Ok(if required_keys.is_empty() {
        cmm
    } else {
        Arc::new(RequiredEncryptionContextCmm::new(cmm, required_keys))
    })
}

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
    let client = client(policy, max_edks)?;
    let cmm = cmm(keyring, required_keys)?;
    let suite = match suite {
        None => None,
        Some(id) => {
            let id =
                u16::try_from(id).map_err(|_| invalid("suiteId is not an algorithm suite id"))?;
            Some(AlgorithmSuite::from_id(id).map_err(|_| {
                invalid(&format!(
                    "suiteId 0x{id:04x} is not an ESDK algorithm suite"
                ))
            })?)
        }
    };
    let framing = match frame_length {
        None => Framing::default(),
        Some(0) => Framing::NonFramed,
        Some(n) => Framing::Framed(n),
    };
    let options = EncryptOptions {
        encryption_context: context_from_flat(context, "encryptionContext")?,
        suite,
        framing,
    };
    Ok(future_to_promise(async move {
        let msg = client
            .encrypt(cmm, &plaintext, options)
            .await
            .map_err(|e| js_error(&e))?;
        Ok(encrypted_js(&msg.ciphertext, &msg.header))
    }))
}

/// Decrypts → Promise of `{ plaintext, messageHeader, encryptionContext }`.
#[wasm_bindgen(js_name = decryptAsync)]
pub fn decrypt_async(
    policy: &str,
    max_edks: u32,
    keyring: &WasmKeyring,
    ciphertext: Vec<u8>,
    context: Vec<String>,
    required_keys: Vec<String>,
    signed_messages: u8,
) -> Result<Promise, JsValue> {
    let client = client(policy, max_edks)?;
    let cmm = cmm(keyring, required_keys)?;
    let signed_messages = match signed_messages {
        0 => SignedMessages::VerifyBeforeRelease,
        1 => SignedMessages::ReleaseUnverifiedFrames,
        2 => SignedMessages::Refuse,
        _ => return Err(invalid("signedMessages is not a known mode")),
    };
    let options = DecryptOptions {
        encryption_context: context_from_flat(context, "encryptionContext")?,
        signed_messages,
    };
    Ok(future_to_promise(async move {
        let mut msg = client
            .decrypt(cmm, &ciphertext, options)
            .await
            .map_err(|e| js_error(&e))?;
        let out = decrypted_js(&msg.plaintext, &msg.header, &msg.encryption_context);
        zeroize::Zeroize::zeroize(&mut msg.plaintext);
        Ok(out)
    }))
}
