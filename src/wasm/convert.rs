//! Conversions: errors, encryption contexts, headers, and the synchronous future driver.

#[cfg(not(feature = "host-crypto"))]
use core::future::Future;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsValue;

use crate::context::EncryptionContext;
use crate::error::Error;
use crate::message::header::{ContentType, MessageHeader};

/// A JS `Error` whose `code` property is the stable error code. No key material is ever in
/// a sealkit error message.
pub(crate) fn js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let _ = Reflect::set(
        &err,
        &JsValue::from_str("code"),
        &JsValue::from_str(e.code()),
    );
    if let Error::Kms {
        name,
        message,
        status,
    } = e
    {
        // The AWS SDK v3 error shape as the SealkitError's `cause`: the KMS error name, its
        // message and `$metadata.httpStatusCode` (absent when the call did not go over HTTP).
        let cause = js_sys::Object::new();
        let metadata = js_sys::Object::new();
        let _ = Reflect::set(&cause, &"name".into(), &JsValue::from_str(name));
        let _ = Reflect::set(&cause, &"message".into(), &JsValue::from_str(message));
        if let Some(s) = status {
            let _ = Reflect::set(&metadata, &"httpStatusCode".into(), &JsValue::from(*s));
        }
        let _ = Reflect::set(&cause, &"$metadata".into(), &metadata);
        let _ = Reflect::set(&err, &"cause".into(), &cause);
    }
    err.into()
}

/// `Result<T, Error>` → `Result<T, JsValue>`.
pub(crate) fn js<T>(r: crate::Result<T>) -> Result<T, JsValue> {
    r.map_err(|e| js_error(&e))
}

pub(crate) fn invalid(msg: &str) -> JsValue {
    js_error(&Error::InvalidArgument(msg.to_owned()))
}

/// Polls `fut` once; the raw keyrings and the node:crypto host complete without waiting.
#[cfg(not(feature = "host-crypto"))]
pub(crate) fn run_now<F: Future>(fut: F) -> Result<F::Output, JsValue> {
    crate::future::now_or_never(fut).ok_or_else(|| {
        invalid(
            "a keyring or the crypto host tried to wait; use the promise-returning one-shot API",
        )
    })
}

/// A future as a JS Promise. Every caller's future is boxed into one type first, so the
/// module holds one copy of wasm-bindgen-futures' driver instead of one per future.
pub(crate) fn promise(
    fut: impl core::future::Future<Output = Result<JsValue, JsValue>> + 'static,
) -> js_sys::Promise {
    let fut: core::pin::Pin<Box<dyn core::future::Future<Output = Result<JsValue, JsValue>>>> =
        Box::pin(fut);
    wasm_bindgen_futures::future_to_promise(fut)
}

/// A flat `[k1, v1, k2, v2, …]` list → an encryption context.
pub(crate) fn context_from_flat(
    flat: Vec<String>,
    arg: &str,
) -> Result<EncryptionContext, JsValue> {
    if flat.len() % 2 != 0 {
        return Err(invalid(&format!("{arg} must map strings to strings")));
    }
    let mut ec = EncryptionContext::new();
    let mut it = flat.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        ec.insert(k, v);
    }
    Ok(ec)
}

fn set(obj: &Object, key: &'static str, value: &JsValue) {
    let _ = Reflect::set(obj, &name(key), value);
}

/// The JS string of a property name of the objects built here, made once per thread: decoding
/// the name out of wasm memory on every `set` was about 4 % of a 1 KiB decryption in Chromium.
/// The names are this file's literals, so the table stays as small as their number.
fn name(key: &'static str) -> JsValue {
    thread_local! {
        static NAMES: core::cell::RefCell<Vec<(&'static str, JsValue)>> =
            const { core::cell::RefCell::new(Vec::new()) };
    }
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some((_, v)) = names.iter().find(|(k, _)| *k == key) {
            return v.clone();
        }
        let v = JsValue::from_str(key);
        names.push((key, v.clone()));
        v
    })
}

pub(crate) fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

/// A view of `b` where it is in the module's memory, not a copy (built from the memory's
/// buffer, so no `unsafe` is needed). It is valid only until the module next runs: an
/// allocation may grow the memory (which detaches the buffer) or move or free `b`. The driver
/// (js/driver.mjs) therefore uses a view synchronously, or asks for a fresh one after an
/// `await`; WebCrypto copies its input before `encrypt`/`decrypt` return.
#[cfg(feature = "wasm-lite")]
pub(crate) fn memory_view(b: &[u8]) -> JsValue {
    use wasm_bindgen::JsCast;
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    // wasm32: addresses and lengths are u32.
    Uint8Array::new_with_byte_offset_and_length(&memory.buffer(), b.as_ptr() as u32, b.len() as u32)
        .into()
}

/// An encryption context as a plain JS object.
pub(crate) fn context_js(ec: &EncryptionContext) -> JsValue {
    let obj = Object::new();
    for (k, v) in ec {
        let _ = Reflect::set(&obj, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    obj.into()
}

/// A message header as a plain JS object.
pub(crate) fn header_js(h: &MessageHeader) -> JsValue {
    let obj = Object::new();
    set(&obj, "version", &JsValue::from(h.version));
    set(&obj, "suiteId", &JsValue::from(h.suite.id()));
    set(&obj, "messageId", &bytes(&h.message_id));
    set(
        &obj,
        "encryptionContext",
        &context_js(&h.encryption_context),
    );
    let edks = Array::new();
    for edk in &h.encrypted_data_keys {
        let e = Object::new();
        set(&e, "providerId", &JsValue::from_str(&edk.provider_id));
        set(&e, "providerInfo", &bytes(&edk.provider_info));
        set(&e, "encryptedDataKey", &bytes(&edk.ciphertext));
        edks.push(&e);
    }
    set(&obj, "encryptedDataKeys", &edks);
    let content_type: u8 = match h.content_type {
        ContentType::NonFramed => 1,
        ContentType::Framed => 2,
    };
    set(&obj, "contentType", &JsValue::from(content_type));
    set(&obj, "frameLength", &JsValue::from(h.frame_length));
    set(&obj, "headerIv", &bytes(&h.header_iv));
    set(&obj, "headerAuthTag", &bytes(&h.auth_tag));
    obj.into()
}

/// `{ plaintext, messageHeader, encryptionContext }` of a finished decryption.
/// The plaintext is copied into JS and then zeroized in wasm memory.
pub(crate) fn decrypted_js(
    plaintext: &mut [u8],
    header: &MessageHeader,
    full: &EncryptionContext,
) -> JsValue {
    let obj = Object::new();
    set(&obj, "plaintext", &bytes(plaintext));
    zeroize::Zeroize::zeroize(plaintext);
    set(&obj, "messageHeader", &header_js(header));
    set(&obj, "encryptionContext", &context_js(full));
    obj.into()
}

/// `{ result, messageHeader }` of a finished encryption.
#[cfg(not(feature = "wasm-lite"))]
pub(crate) fn encrypted_js(ciphertext: &[u8], header: &MessageHeader) -> JsValue {
    let obj = Object::new();
    set(&obj, "result", &bytes(ciphertext));
    set(&obj, "messageHeader", &header_js(header));
    obj.into()
}
