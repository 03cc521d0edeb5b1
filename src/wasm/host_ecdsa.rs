//! The host ECDSA seam: a JS object (node:crypto in Node, WebCrypto in `sealkit/lite` in
//! browsers) that signs and verifies (`crypto::signature::HostSignatures`). Private keys never
//! leave the host; message bytes reach JS as views into wasm memory.
//!
//! Every JS method may return its value or a Promise of it (WebCrypto answers asynchronously,
//! which only the one-shot paths can wait for). Signatures cross as DER, or as WebCrypto's
//! fixed-width `r ‖ s` when the host object says `signatureFormat: 'p1363'`; the conversion is
//! in `codec::ecdsa_sig`.

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::codec::ecdsa_sig;
use crate::crypto::signature::{set_host_signatures, HostSignatures, HostSigner, HostVerifier};
use crate::future::BoxFuture;
use crate::suite::SignatureAlgorithm;

#[wasm_bindgen]
extern "C" {
    /// `{ signatureFormat?: 'der' | 'p1363', generate(curve), verifier(curve, sec1) }` with
    /// `curve` = 256 | 384.
    pub type JsHostSignatures;

    #[wasm_bindgen(method, getter, js_name = signatureFormat)]
    fn signature_format(this: &JsHostSignatures) -> Option<String>;

    /// A new key pair as a [`JsHostSigner`] (or a Promise of one); `undefined` = decline.
    #[wasm_bindgen(method, catch)]
    fn generate(this: &JsHostSignatures, curve: u32) -> Result<JsValue, JsValue>;

    /// A [`JsHostVerifier`] for a SEC1 point (or a Promise of one); throws or rejects for an
    /// invalid point; `undefined` = decline.
    #[wasm_bindgen(method, catch)]
    fn verifier(this: &JsHostSignatures, curve: u32, sec1: &[u8]) -> Result<JsValue, JsValue>;

    /// `{ publicKey: Uint8Array (SEC1 compressed), update(bytes), sign(), signData(bytes) }`;
    /// `sign`/`signData` give a signature (or a Promise of one) over everything added / over
    /// those bytes alone.
    type JsHostSigner;
    #[wasm_bindgen(method, getter, js_name = publicKey)]
    fn public_key(this: &JsHostSigner) -> Vec<u8>;
    #[wasm_bindgen(method, catch, js_name = update)]
    fn signer_update(this: &JsHostSigner, data: &[u8]) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn sign(this: &JsHostSigner) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = signData)]
    fn sign_data(this: &JsHostSigner, data: &[u8]) -> Result<JsValue, JsValue>;

    /// `{ update(bytes), verify(signature): boolean | Promise<boolean> }`.
    type JsHostVerifier;
    #[wasm_bindgen(method, catch, js_name = update)]
    fn verifier_update(this: &JsHostVerifier, data: &[u8]) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn verify(this: &JsHostVerifier, signature: &[u8]) -> Result<JsValue, JsValue>;
}

/// The curve's size in bits, as the JS host objects name it.
pub(crate) fn curve(alg: SignatureAlgorithm) -> u32 {
    match alg {
        SignatureAlgorithm::EcdsaP256Sha256 => 256,
        SignatureAlgorithm::EcdsaP384Sha384 => 384,
    }
}

/// Width of r and of s in the fixed encoding.
pub(crate) fn width(alg: SignatureAlgorithm) -> usize {
    match alg {
        SignatureAlgorithm::EcdsaP256Sha256 => 32,
        SignatureAlgorithm::EcdsaP384Sha384 => 48,
    }
}

/// A JS call's outcome: its value, or what its Promise settles to.
pub(crate) async fn settle(result: Result<JsValue, JsValue>) -> Result<JsValue, JsValue> {
    let value = result?;
    match value.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

fn present(value: JsValue) -> Option<JsValue> {
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

fn to_bytes(value: JsValue) -> Option<Vec<u8>> {
    value
        .dyn_into::<js_sys::Uint8Array>()
        .ok()
        .map(|a| a.to_vec())
        .filter(|b| !b.is_empty())
}

struct Host {
    js: JsHostSignatures,
    fixed: bool,
}

impl HostSignatures for Host {
    fn generate(&self, alg: SignatureAlgorithm) -> BoxFuture<'static, Option<Box<dyn HostSigner>>> {
        let call = self.js.generate(curve(alg));
        let fixed = self.fixed.then(|| width(alg));
        Box::pin(async move {
            let js: JsHostSigner = present(settle(call).await.ok()?)?.unchecked_into();
            let public_key = js.public_key();
            Some(Box::new(Signer {
                js,
                public_key,
                fixed,
                failed: false,
            }) as Box<dyn HostSigner>)
        })
    }

    fn verifier(
        &self,
        alg: SignatureAlgorithm,
        sec1: &[u8],
    ) -> BoxFuture<'static, Option<Result<Box<dyn HostVerifier>, ()>>> {
        let call = self.js.verifier(curve(alg), sec1);
        let fixed = self.fixed.then(|| width(alg));
        Box::pin(async move {
            match settle(call).await {
                Err(_) => Some(Err(())),
                Ok(js) => {
                    let js: JsHostVerifier = present(js)?.unchecked_into();
                    Some(Ok(Box::new(Verifier {
                        js,
                        fixed,
                        failed: false,
                    }) as Box<dyn HostVerifier>))
                }
            }
        })
    }
}

/// The JS object of a host signing key (for the small module's JS driver, which signs with it
/// directly); `None` for a key of another kind.
#[cfg(feature = "wasm-lite")]
pub(crate) fn js_signer(key: &crate::crypto::signature::SigningKey) -> Option<JsValue> {
    match key {
        crate::crypto::signature::SigningKey::Host(k) => {
            let any: &dyn core::any::Any = &**k;
            any.downcast_ref::<Signer>().map(|s| s.js.clone())
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// A host failure part-way through is remembered, so the message fails at the signature.
struct Signer {
    js: JsHostSigner,
    public_key: Vec<u8>,
    /// `Some(width)` when the host gives fixed-width `r ‖ s`.
    fixed: Option<usize>,
    failed: bool,
}

/// A host signature → DER.
async fn signature(call: Result<JsValue, JsValue>, fixed: Option<usize>) -> Option<Vec<u8>> {
    let sig = to_bytes(settle(call).await.ok()?)?;
    match fixed {
        Some(w) if sig.len() == 2 * w => ecdsa_sig::fixed_to_der(&sig),
        Some(_) => None,
        None => Some(sig),
    }
}

impl HostSigner for Signer {
    fn public_key(&self) -> Vec<u8> {
        self.public_key.clone()
    }
    fn update(&mut self, data: &[u8]) {
        self.failed |= self.js.signer_update(data).is_err();
    }
    fn sign(self: Box<Self>) -> BoxFuture<'static, Option<Vec<u8>>> {
        let call = if self.failed {
            None
        } else {
            Some(self.js.sign())
        };
        let fixed = self.fixed;
        Box::pin(async move { signature(call?, fixed).await })
    }
    fn sign_data(&self, data: &[u8]) -> BoxFuture<'static, Option<Vec<u8>>> {
        let call = self.js.sign_data(data);
        let fixed = self.fixed;
        Box::pin(signature(call, fixed))
    }
}

struct Verifier {
    js: JsHostVerifier,
    fixed: Option<usize>,
    failed: bool,
}

impl HostVerifier for Verifier {
    fn update(&mut self, data: &[u8]) {
        self.failed |= self.js.verifier_update(data).is_err();
    }
    fn verify(self: Box<Self>, der: &[u8]) -> BoxFuture<'static, bool> {
        let sig = match self.fixed {
            Some(w) => ecdsa_sig::der_to_fixed(der, w),
            None => Some(der.to_vec()),
        };
        let call = match sig {
            Some(sig) if !self.failed => Some(self.js.verify(&sig)),
            _ => None,
        };
        Box::pin(async move {
            match call {
                Some(call) => settle(call).await.ok().and_then(|v| v.as_bool()) == Some(true),
                None => false,
            }
        })
    }
}

/// Installs a host ECDSA implementation for signatures (`undefined`/`null` removes it).
#[wasm_bindgen(js_name = setHostSignatures)]
pub fn set_host(host: Option<JsHostSignatures>) {
    set_host_signatures(host.map(|js| {
        let fixed = js.signature_format().as_deref() == Some("p1363");
        Rc::new(Host { js, fixed }) as Rc<dyn HostSignatures>
    }));
}
