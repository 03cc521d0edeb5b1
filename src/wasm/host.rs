//! The host AES-GCM seam: a JS object (node:crypto in Node) that message bodies use for
//! their frames. Slices reach JS as views into wasm memory, so the key is never copied into
//! the JS heap (node:crypto hands it straight to OpenSSL).

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::crypto::aead::{set_host_aead, HostAead};
use crate::suite::{IV_LEN, TAG_LEN};

#[wasm_bindgen]
extern "C" {
    /// `{ seal(key, iv, aad, buf, tag): boolean, open(key, iv, aad, buf, tag): 1 | 0 | -1 }`.
    pub type JsHostAead;

    /// Encrypts `buf` in place and writes `tag`; false = not done (fall back).
    #[wasm_bindgen(method)]
    fn seal(
        this: &JsHostAead,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        buf: &mut [u8],
        tag: &mut [u8],
    ) -> bool;

    /// Decrypts `buf` in place if `tag` verifies: 1 ok, 0 authentication failed, -1 fall back.
    #[wasm_bindgen(method)]
    fn open(
        this: &JsHostAead,
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8],
    ) -> i32;
}

struct Host {
    js: JsHostAead,
    min_len: usize,
}

impl HostAead for Host {
    fn min_len(&self) -> usize {
        self.min_len
    }

    fn seal(
        &self,
        key: &[u8],
        iv: &[u8; IV_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Option<[u8; TAG_LEN]> {
        let mut tag = [0u8; TAG_LEN];
        self.js.seal(key, iv, aad, buf, &mut tag).then_some(tag)
    }

    fn open(
        &self,
        key: &[u8],
        iv: &[u8; IV_LEN],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Option<bool> {
        match self.js.open(key, iv, aad, buf, tag) {
            1 => Some(true),
            0 => Some(false),
            _ => None,
        }
    }
}

/// Installs a host AES-GCM implementation for frames of at least `min_len` bytes
/// (`undefined`/`null` removes it).
#[wasm_bindgen(js_name = setHostAead)]
pub fn set_host(host: Option<JsHostAead>, min_len: u32) {
    set_host_aead(host.map(|js| {
        Rc::new(Host {
            js,
            min_len: min_len as usize,
        }) as Rc<dyn HostAead>
    }));
}
