//! The client (commitment policy, EDK limit) and its one-shot encrypt/decrypt; the option
//! conversions every message binding shares.

use std::str::FromStr;
use std::sync::Arc;

use wasm_bindgen::prelude::*;
#[cfg(not(feature = "wasm-lite"))]
use zeroize::Zeroizing;

use crate::client::Client;
use crate::cmm::{CryptoMaterialsManager, RequiredEncryptionContextCmm};
use crate::message::decrypt::{DecryptOptions, SignedMessages};
use crate::message::encrypt::{EncryptOptions, Framing};
use crate::message::header::peek_suite;
use crate::policy::CommitmentPolicy;
use crate::suite::AlgorithmSuite;
use crate::wasm::convert::{context_from_flat, invalid, js};
#[cfg(not(feature = "wasm-lite"))]
use crate::wasm::convert::{decrypted_js, encrypted_js, run_now};
use crate::wasm::keyring::WasmKeyring;

/// A client: commitment policy and EDK limit.
#[wasm_bindgen]
pub struct WasmClient {
    // In the small module the client only checks its settings: its messages run on machines
    // (machine.rs), which build their own client from the same arguments.
    #[cfg_attr(feature = "wasm-lite", allow(dead_code))]
    pub(crate) client: Client,
}

pub(crate) fn cmm(
    keyring: &WasmKeyring,
    required_keys: Vec<String>,
) -> Result<Arc<dyn CryptoMaterialsManager>, JsValue> {
    let cmm = keyring.materials()?;
    Ok(if required_keys.is_empty() {
        cmm
    } else {
        Arc::new(RequiredEncryptionContextCmm::new(cmm, required_keys))
    })
}

pub(crate) fn encrypt_options(
    context: Vec<String>,
    suite: Option<u32>,
    frame_length: Option<u32>,
) -> Result<EncryptOptions, JsValue> {
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
    Ok(EncryptOptions {
        encryption_context: context_from_flat(context, "encryptionContext")?,
        suite,
        framing,
    })
}

pub(crate) fn decrypt_options(
    context: Vec<String>,
    signed_messages: u8,
) -> Result<DecryptOptions, JsValue> {
    let signed_messages = match signed_messages {
        0 => SignedMessages::VerifyBeforeRelease,
        1 => SignedMessages::ReleaseUnverifiedFrames,
        2 => SignedMessages::Refuse,
        _ => return Err(invalid("signedMessages is not a known mode")),
    };
    Ok(DecryptOptions {
        encryption_context: context_from_flat(context, "encryptionContext")?,
        signed_messages,
    })
}

/// What an encryption's JS arguments make: its client, materials manager and options.
pub(crate) type EncryptSetup = (Client, Arc<dyn CryptoMaterialsManager>, EncryptOptions);
/// What a decryption's JS arguments make.
pub(crate) type DecryptSetup = (Client, Arc<dyn CryptoMaterialsManager>, DecryptOptions);

/// The client, manager and options of an encryption called with these JS arguments (the
/// promise-returning calls and the small module's machines take the same ones).
#[allow(clippy::too_many_arguments)]
pub(crate) fn encrypt_setup(
    policy: &str,
    max_edks: u32,
    keyring: &WasmKeyring,
    context: Vec<String>,
    required_keys: Vec<String>,
    suite: Option<u32>,
    frame_length: Option<u32>,
) -> Result<EncryptSetup, JsValue> {
    Ok((
        build_client(policy, max_edks)?,
        cmm(keyring, required_keys)?,
        encrypt_options(context, suite, frame_length)?,
    ))
}

/// As [`encrypt_setup`], for a decryption.
#[allow(clippy::too_many_arguments)]
pub(crate) fn decrypt_setup(
    policy: &str,
    max_edks: u32,
    keyring: &WasmKeyring,
    context: Vec<String>,
    required_keys: Vec<String>,
    signed_messages: u8,
    max_header_len: u32,
) -> Result<DecryptSetup, JsValue> {
    Ok((
        with_header_limit(build_client(policy, max_edks)?, max_header_len),
        cmm(keyring, required_keys)?,
        decrypt_options(context, signed_messages)?,
    ))
}

/// `client` with the JS `maxHeaderLength` decrypt option (0 = the client's limit, by default
/// [`crate::DEFAULT_MAX_HEADER_LEN`]).
pub(crate) fn with_header_limit(client: Client, max_header_len: u32) -> Client {
    match usize::try_from(max_header_len) {
        Ok(max) if max != 0 => client.with_max_header_len(max),
        _ => client,
    }
}

/// A client from the JS policy name and EDK limit (0 = no limit).
pub(crate) fn build_client(policy: &str, max_edks: u32) -> Result<Client, JsValue> {
    let mut client = Client::new(js(CommitmentPolicy::from_str(policy))?);
    if max_edks != 0 {
        let max = u16::try_from(max_edks)
            .map_err(|_| invalid("maxEncryptedDataKeys must be between 1 and 65535"))?;
        client = client.with_max_encrypted_data_keys(max);
    }
    Ok(client)
}

#[wasm_bindgen]
impl WasmClient {
    /// `policy`: an ESDK commitment policy name; `max_edks`: 0 = no limit.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: &str, max_edks: u32) -> Result<WasmClient, JsValue> {
        Ok(WasmClient {
            client: build_client(policy, max_edks)?,
        })
    }

    /// One-shot encryption → `{ result, messageHeader }`. (Not in `sealkit/lite`, whose
    /// messages run on machines stepped by the JS driver: machine.rs.)
    #[cfg(not(feature = "wasm-lite"))]
    pub fn encrypt(
        &self,
        keyring: &WasmKeyring,
        plaintext: Vec<u8>,
        context: Vec<String>,
        required_keys: Vec<String>,
        suite: Option<u32>,
        frame_length: Option<u32>,
    ) -> Result<JsValue, JsValue> {
        // Owned (not borrowed) so that this copy in wasm memory is zeroized, not just freed.
        let plaintext = Zeroizing::new(plaintext);
        let cmm = cmm(keyring, required_keys)?;
        let options = encrypt_options(context, suite, frame_length)?;
        let msg = js(run_now(self.client.encrypt(cmm, &plaintext, options))?)?;
        Ok(encrypted_js(&msg.ciphertext, &msg.header))
    }

    /// One-shot decryption → `{ plaintext, messageHeader, encryptionContext }`. (Not in
    /// `sealkit/lite`: see `encrypt`.)
    #[cfg(not(feature = "wasm-lite"))]
    pub fn decrypt(
        &self,
        keyring: &WasmKeyring,
        ciphertext: &[u8],
        context: Vec<String>,
        required_keys: Vec<String>,
        signed_messages: u8,
        max_header_len: u32,
    ) -> Result<JsValue, JsValue> {
        let cmm = cmm(keyring, required_keys)?;
        let options = decrypt_options(context, signed_messages)?;
        let client = with_header_limit(self.client, max_header_len);
        let mut msg = js(run_now(client.decrypt(cmm, ciphertext, options))?)?;
        Ok(decrypted_js(
            &mut msg.plaintext,
            &msg.header,
            &msg.encryption_context,
        ))
    }
}

/// The suite id of the message starting with `prefix`; `undefined` until enough bytes.
#[wasm_bindgen(js_name = messageSuite)]
pub fn message_suite(prefix: &[u8]) -> Result<Option<u16>, JsValue> {
    Ok(js(peek_suite(prefix))?.map(|suite| suite.id()))
}

/// What the JS layer routes on, for suite `id`: bit 0 set when its messages are signed, bit 1
/// when its data key is AES-192; 0 for an unknown id (the call that uses it names the error).
#[wasm_bindgen(js_name = suiteFacts)]
pub fn suite_facts(id: u16) -> u32 {
    AlgorithmSuite::from_id(id).map_or(0, |suite| {
        u32::from(suite.signature().is_some()) | u32::from(suite.key_len() == 24) << 1
    })
}
