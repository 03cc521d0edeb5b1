//! The client: one-shot encrypt/decrypt and the incremental encryptor/decryptor.

use std::cell::RefCell;
use std::rc::Rc;
use std::str::FromStr;
use std::sync::Arc;

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::client::Client;
use crate::cmm::{CryptoMaterialsManager, RequiredEncryptionContextCmm};
use crate::message::decrypt::{DecryptOptions, Decryptor, SignedMessages};
use crate::message::encrypt::{EncryptOptions, Encryptor, Framing};
use crate::message::header::peek_suite;
use crate::policy::CommitmentPolicy;
use crate::suite::AlgorithmSuite;
#[cfg(not(feature = "wasm-lite"))]
use crate::wasm::convert::encrypted_js;
#[cfg(not(feature = "host-crypto"))]
use crate::wasm::convert::run_now;
use crate::wasm::convert::{context_from_flat, decrypted_js, header_js, invalid, js};
use crate::wasm::keyring::WasmKeyring;

/// A client: commitment policy and EDK limit.
#[wasm_bindgen]
pub struct WasmClient {
    client: Client,
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
    /// WebCrypto signatures need the promise-returning `encryptAsync`.)
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

    /// Starts an incremental encryption (materials and header are made now). (Not in
    /// `sealkit/lite`, whose host crypto answers later: `encryptorAsync`.)
    #[cfg(not(feature = "wasm-lite"))]
    pub fn encryptor(
        &self,
        keyring: &WasmKeyring,
        context: Vec<String>,
        required_keys: Vec<String>,
        suite: Option<u32>,
        frame_length: Option<u32>,
    ) -> Result<WasmEncryptor, JsValue> {
        let cmm = cmm(keyring, required_keys)?;
        let options = encrypt_options(context, suite, frame_length)?;
        let enc = js(run_now(self.client.encryptor(cmm, options))?)?;
        Ok(WasmEncryptor::new(enc))
    }

    /// Starts an incremental decryption.
    pub fn decryptor(
        &self,
        keyring: &WasmKeyring,
        context: Vec<String>,
        required_keys: Vec<String>,
        signed_messages: u8,
        max_header_len: u32,
    ) -> Result<WasmDecryptor, JsValue> {
        let cmm = cmm(keyring, required_keys)?;
        let options = decrypt_options(context, signed_messages)?;
        let client = with_header_limit(self.client, max_header_len);
        Ok(WasmDecryptor {
            inner: StreamState::new(client.decryptor(cmm, options)),
        })
    }
}

fn finished() -> JsValue {
    invalid("the stream has already finished or failed")
}

/// A stream object's state: shared with the promise of an asynchronous call, which takes it
/// out while it runs (a second call meanwhile is refused) and puts it back when it succeeds.
struct StreamState<T>(Rc<RefCell<Option<T>>>);

impl<T> StreamState<T> {
    fn new(value: T) -> Self {
        StreamState(Rc::new(RefCell::new(Some(value))))
    }
    fn take(&self) -> Result<T, JsValue> {
        self.0
            .try_borrow_mut()
            .ok()
            .and_then(|mut v| v.take())
            .ok_or_else(finished)
    }
    fn put(&self, value: T) {
        if let Ok(mut v) = self.0.try_borrow_mut() {
            *v = Some(value);
        }
    }
    fn map<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.0.try_borrow().ok()?.as_ref().map(f)
    }
    fn shared(&self) -> Self {
        StreamState(self.0.clone())
    }
}

/// An incremental encryption.
#[wasm_bindgen]
pub struct WasmEncryptor {
    inner: StreamState<Encryptor>,
}

impl WasmEncryptor {
    fn new(enc: Encryptor) -> Self {
        WasmEncryptor {
            inner: StreamState::new(enc),
        }
    }
}

#[wasm_bindgen]
impl WasmEncryptor {
    /// The header of the message being written.
    pub fn header(&self) -> Result<JsValue, JsValue> {
        self.inner
            .map(|e| header_js(e.header()))
            .ok_or_else(finished)
    }

    /// Encrypts a chunk of plaintext (its copy in wasm memory is zeroized); returns the output
    /// that is ready.
    #[cfg(not(feature = "host-crypto"))]
    pub fn update(&mut self, chunk: Vec<u8>) -> Result<Vec<u8>, JsValue> {
        let chunk = Zeroizing::new(chunk);
        let mut enc = self.inner.take()?;
        let mut out = Vec::with_capacity(chunk.len() + 256);
        js(enc.update(&chunk, &mut out))?;
        self.inner.put(enc);
        Ok(out)
    }

    /// Encrypts a chunk of plaintext (its copy in wasm memory is zeroized) → Promise of the
    /// output that is ready. One call at a time.
    #[cfg(feature = "host-crypto")]
    pub fn update(&mut self, chunk: Vec<u8>) -> Result<js_sys::Promise, JsValue> {
        let chunk = Zeroizing::new(chunk);
        let mut enc = self.inner.take()?;
        let slot = self.inner.shared();
        Ok(crate::wasm::convert::promise(async move {
            let mut out = Vec::with_capacity(chunk.len() + 256);
            js(enc.update_async(&chunk, &mut out).await)?;
            slot.put(enc);
            Ok(js_sys::Uint8Array::from(out.as_slice()).into())
        }))
    }

    /// Writes the final frame and the footer.
    #[cfg(not(feature = "host-crypto"))]
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        let enc = self.inner.take()?;
        let mut out = Vec::new();
        js(enc.finish(&mut out))?;
        Ok(out)
    }

    /// As `finish`, waiting for the host (WebCrypto signatures, host crypto) → Promise.
    #[wasm_bindgen(js_name = finishAsync)]
    pub fn finish_async(&mut self) -> Result<js_sys::Promise, JsValue> {
        let enc = self.inner.take()?;
        Ok(crate::wasm::convert::promise(async move {
            let mut out = Vec::new();
            js(enc.finish_async(&mut out).await)?;
            Ok(js_sys::Uint8Array::from(out.as_slice()).into())
        }))
    }
}

/// As `WasmClient::encryptor`, for a signing key from an asynchronous host (WebCrypto) →
/// Promise of a `WasmEncryptor`.
#[wasm_bindgen(js_name = encryptorAsync)]
pub fn encryptor_async(
    policy: &str,
    max_edks: u32,
    keyring: &WasmKeyring,
    context: Vec<String>,
    required_keys: Vec<String>,
    suite: Option<u32>,
    frame_length: Option<u32>,
) -> Result<js_sys::Promise, JsValue> {
    let client = build_client(policy, max_edks)?;
    let cmm = cmm(keyring, required_keys)?;
    let options = encrypt_options(context, suite, frame_length)?;
    Ok(crate::wasm::convert::promise(async move {
        let enc = js(client.encryptor(cmm, options).await)?;
        Ok(WasmEncryptor::new(enc).into())
    }))
}

/// An incremental decryption.
#[wasm_bindgen]
pub struct WasmDecryptor {
    inner: StreamState<Decryptor>,
}

impl WasmDecryptor {
    /// The decryptor leaves its slot while the update runs (a second call meanwhile is
    /// refused) and returns to it when the update succeeds.
    fn update_promise(&mut self, chunk: Vec<u8>) -> Result<js_sys::Promise, JsValue> {
        let mut dec = self.inner.take()?;
        let slot = self.inner.shared();
        Ok(crate::wasm::convert::promise(async move {
            let out = decrypt_update(&mut dec, &chunk).await?;
            slot.put(dec);
            Ok(out.into())
        }))
    }
}

/// Runs one decryptor update; the plaintext it releases is copied to JS and zeroized here.
async fn decrypt_update(dec: &mut Decryptor, chunk: &[u8]) -> Result<js_sys::Uint8Array, JsValue> {
    let mut out = Zeroizing::new(Vec::new());
    js(dec.update(chunk, &mut out).await)?;
    Ok(js_sys::Uint8Array::from(out.as_slice()))
}

#[wasm_bindgen]
impl WasmDecryptor {
    /// The authenticated header, or `undefined` until it has been read.
    pub fn header(&self) -> JsValue {
        self.inner
            .map(|d| d.header().map(header_js))
            .flatten()
            .unwrap_or(JsValue::UNDEFINED)
    }

    /// Decrypts a chunk; returns the plaintext that may be released (copied to JS, then
    /// zeroized in wasm memory). After an error the decryptor is unusable.
    #[cfg(not(feature = "host-crypto"))]
    pub fn update(&mut self, chunk: &[u8]) -> Result<js_sys::Uint8Array, JsValue> {
        let mut dec = self.inner.take()?;
        let out = run_now(decrypt_update(&mut dec, chunk))??;
        self.inner.put(dec);
        Ok(out)
    }

    /// As the other builds' `update`, → Promise (the host crypto answers later). One call at a
    /// time.
    #[cfg(feature = "host-crypto")]
    pub fn update(&mut self, chunk: Vec<u8>) -> Result<js_sys::Promise, JsValue> {
        self.update_promise(chunk)
    }

    /// As `update`, → Promise: for keyrings that wait on a key provider (KMS), which unwrap the
    /// data key when the header has been read. One call at a time.
    #[cfg(not(feature = "host-crypto"))]
    #[wasm_bindgen(js_name = updateAsync)]
    pub fn update_async(&mut self, chunk: Vec<u8>) -> Result<js_sys::Promise, JsValue> {
        self.update_promise(chunk)
    }

    /// Ends the input → `{ plaintext (held back until now), messageHeader, encryptionContext }`.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let dec = self.inner.take()?;
        let mut out = Vec::new();
        let info = js(dec.finish(&mut out))?;
        Ok(decrypted_js(
            &mut out,
            &info.header,
            &info.encryption_context,
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
