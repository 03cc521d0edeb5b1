//! The host ECDSA seam: a JS object (node:crypto in Node) that signs and verifies messages
//! (`crypto::signature::HostSignatures`). The private key never leaves the host; message bytes
//! reach JS as views into wasm memory.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::crypto::signature::{set_host_signatures, HostSignatures, HostSigner, HostVerifier};
use crate::suite::SignatureAlgorithm;

#[wasm_bindgen]
extern "C" {
    /// `{ generate(curve), verifier(curve, sec1) }` with `curve` = 256 | 384.
    pub type JsHostSignatures;

    /// A new key pair as a [`JsHostSigner`]; `undefined` = use the built-in implementation.
    #[wasm_bindgen(method, catch)]
    fn generate(this: &JsHostSignatures, curve: u32) -> Result<JsValue, JsValue>;

    /// A [`JsHostVerifier`] for a SEC1 point; throws for an invalid point, `undefined` = use the
    /// built-in implementation.
    #[wasm_bindgen(method, catch)]
    fn verifier(this: &JsHostSignatures, curve: u32, sec1: &[u8]) -> Result<JsValue, JsValue>;

    /// `{ publicKey: Uint8Array (SEC1 compressed), update(bytes), sign(): Uint8Array (DER),
    /// signData(bytes): Uint8Array (DER over those bytes alone) }`.
    type JsHostSigner;
    #[wasm_bindgen(method, getter, js_name = publicKey)]
    fn public_key(this: &JsHostSigner) -> Vec<u8>;
    #[wasm_bindgen(method, catch, js_name = update)]
    fn signer_update(this: &JsHostSigner, data: &[u8]) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn sign(this: &JsHostSigner) -> Result<Vec<u8>, JsValue>;
    #[wasm_bindgen(method, catch, js_name = signData)]
    fn sign_data(this: &JsHostSigner, data: &[u8]) -> Result<Vec<u8>, JsValue>;

    /// `{ update(bytes), verify(der): boolean }`.
    type JsHostVerifier;
    #[wasm_bindgen(method, catch, js_name = update)]
    fn verifier_update(this: &JsHostVerifier, data: &[u8]) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn verify(this: &JsHostVerifier, der: &[u8]) -> Result<bool, JsValue>;
}

fn curve(alg: SignatureAlgorithm) -> u32 {
    match alg {
        SignatureAlgorithm::EcdsaP256Sha256 => 256,
        SignatureAlgorithm::EcdsaP384Sha384 => 384,
    }
}

struct Host(JsHostSignatures);

impl HostSignatures for Host {
    fn generate(&self, alg: SignatureAlgorithm) -> Option<Box<dyn HostSigner>> {
        let js = self.0.generate(curve(alg)).ok()?;
        if js.is_undefined() || js.is_null() {
            return None;
        }
        let js: JsHostSigner = js.unchecked_into();
        let public_key = js.public_key();
        Some(Box::new(Signer {
            js,
            public_key,
            failed: false,
        }))
    }

    fn verifier(
        &self,
        alg: SignatureAlgorithm,
        sec1: &[u8],
    ) -> Option<Result<Box<dyn HostVerifier>, ()>> {
        match self.0.verifier(curve(alg), sec1) {
            Err(_) => Some(Err(())),
            Ok(js) if js.is_undefined() || js.is_null() => None,
            Ok(js) => Some(Ok(Box::new(Verifier {
                js: js.unchecked_into(),
                failed: false,
            }))),
        }
    }
}

/// A host failure part-way through is remembered, so the message fails at the signature.
struct Signer {
    js: JsHostSigner,
    public_key: Vec<u8>,
    failed: bool,
}

impl HostSigner for Signer {
    fn public_key(&self) -> Vec<u8> {
        self.public_key.clone()
    }
    fn update(&mut self, data: &[u8]) {
        self.failed |= self.js.signer_update(data).is_err();
    }
    fn sign(self: Box<Self>) -> Option<Vec<u8>> {
        if self.failed {
            return None;
        }
        self.js.sign().ok().filter(|der| !der.is_empty())
    }
    fn sign_data(&self, data: &[u8]) -> Option<Vec<u8>> {
        self.js.sign_data(data).ok().filter(|der| !der.is_empty())
    }
}

struct Verifier {
    js: JsHostVerifier,
    failed: bool,
}

impl HostVerifier for Verifier {
    fn update(&mut self, data: &[u8]) {
        self.failed |= self.js.verifier_update(data).is_err();
    }
    fn verify(self: Box<Self>, der: &[u8]) -> bool {
        !self.failed && self.js.verify(der).unwrap_or(false)
    }
}

/// Installs a host ECDSA implementation for message signatures (`undefined`/`null` removes it).
#[wasm_bindgen(js_name = setHostSignatures)]
pub fn set_host(host: Option<JsHostSignatures>) {
    set_host_signatures(host.map(|js| Rc::new(Host(js)) as Rc<dyn HostSignatures>));
}
