//! Incremental encryption and decryption objects of the full module (`WasmEncryptor`,
//! `WasmDecryptor`), for the JS streams. The small module has none: its JS driver steps the
//! core's machines itself (machine.rs).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::message::decrypt::Decryptor;
use crate::message::encrypt::Encryptor;
use crate::wasm::convert::{decrypted_js, header_js, invalid, js, run_now};
use crate::wasm::keyring::WasmKeyring;
use crate::wasm::session::{
    cmm, decrypt_options, encrypt_options, encrypt_setup, with_header_limit, WasmClient,
};

#[wasm_bindgen]
impl WasmClient {
    /// Starts an incremental encryption (materials and header are made now). (Not in
    /// `sealkit/lite`, whose JS driver steps an `encryptMachine`.)
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
    pub fn update(&mut self, chunk: Vec<u8>) -> Result<Vec<u8>, JsValue> {
        let chunk = Zeroizing::new(chunk);
        let mut enc = self.inner.take()?;
        let mut out = Vec::with_capacity(chunk.len() + 256);
        js(enc.update(&chunk, &mut out))?;
        self.inner.put(enc);
        Ok(out)
    }

    /// Writes the final frame and the footer.
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
    pub fn update(&mut self, chunk: &[u8]) -> Result<js_sys::Uint8Array, JsValue> {
        let mut dec = self.inner.take()?;
        let out = run_now(decrypt_update(&mut dec, chunk))??;
        self.inner.put(dec);
        Ok(out)
    }

    /// As `update`, → Promise: for keyrings that wait on a key provider (KMS), which unwrap the
    /// data key when the header has been read. One call at a time.
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
