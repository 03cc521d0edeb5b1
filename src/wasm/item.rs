//! Item encryption (DB-ESDK item format) for JS. Items cross the boundary as one byte array in
//! the wire form of [`crate::item::wire`] (`js/item-wire.mjs` writes and reads it); both
//! operations return promises because the keyring may wait on a KMS.

use std::rc::Rc;
use std::str::FromStr;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::item::wire::{decode_item, encode_item};
use crate::item::{CryptoAction, ItemEncryptor, ItemEncryptorConfig, ItemLimits};
use crate::wasm::convert::{invalid, js, js_error};
use crate::wasm::keyring::WasmKeyring;

/// An item encryptor owned by JS.
#[wasm_bindgen]
pub struct WasmItemEncryptor {
    inner: Rc<ItemEncryptor>,
}

#[wasm_bindgen]
impl WasmItemEncryptor {
    /// `actions`: flat `[name1, action1, …]`; `suite`: 0x6700 or 0x6701; `limits`:
    /// `[max_attributes, max_depth, max_value_len]`, 0 keeping a default (see [`ItemLimits`]).
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(constructor)]
    pub fn new(
        table_name: String,
        partition_key: String,
        sort_key: Option<String>,
        actions: Vec<String>,
        default_action: Option<String>,
        allowed_unsigned: Vec<String>,
        allowed_unsigned_prefix: Option<String>,
        keyring: &WasmKeyring,
        suite: u32,
        limits: Vec<u32>,
    ) -> Result<WasmItemEncryptor, JsValue> {
        if actions.len() % 2 != 0 {
            return Err(invalid("attributeActions must map names to actions"));
        }
        let mut cfg = ItemEncryptorConfig::new(table_name, partition_key, keyring.keyring()?);
        cfg.sort_key = sort_key;
        let mut it = actions.into_iter();
        while let (Some(name), Some(action)) = (it.next(), it.next()) {
            let a = js(CryptoAction::from_str(&action))?;
            cfg.attribute_actions.insert(name, a);
        }
        cfg.default_action = default_action
            .map(|a| js(CryptoAction::from_str(&a)))
            .transpose()?;
        cfg.allowed_unsigned_attributes = allowed_unsigned.into_iter().collect();
        cfg.allowed_unsigned_attribute_prefix = allowed_unsigned_prefix;
        cfg.algorithm_suite_id = u16::try_from(suite)
            .map_err(|_| invalid("algorithmSuiteId must be 0x6700 or 0x6701"))?;
        let [max_attributes, max_depth, max_value_len] = limits[..] else {
            return Err(invalid("limits must hold 3 numbers"));
        };
        let given = |v: u32, default: usize| match v {
            0 => default,
            v => usize::try_from(v).unwrap_or(usize::MAX),
        };
        let defaults = ItemLimits::default();
        cfg.limits = ItemLimits {
            max_attributes: given(max_attributes, defaults.max_attributes),
            max_depth: given(max_depth, defaults.max_depth),
            max_value_len: given(max_value_len, defaults.max_value_len),
        };
        Ok(WasmItemEncryptor {
            inner: Rc::new(js(ItemEncryptor::new(cfg))?),
        })
    }

    /// Encrypts an item (wire form) → Promise of the item to store (wire form, `Uint8Array`).
    #[wasm_bindgen(js_name = encryptItem)]
    pub fn encrypt_item(&self, item: Vec<u8>) -> Promise {
        let enc = self.inner.clone();
        // The wire bytes hold plaintext: wiped once decoded.
        let item = Zeroizing::new(item);
        crate::wasm::convert::promise(async move {
            let item = decode_item(&item).map_err(|e| js_error(&e))?;
            let out = enc.encrypt_item(&item).await.map_err(|e| js_error(&e))?;
            Ok(wire_to_js(&encode_item(&out).map_err(|e| js_error(&e))?))
        })
    }

    /// Verifies and decrypts a stored item (wire form) → Promise of the plaintext item (wire
    /// form, `Uint8Array`).
    #[wasm_bindgen(js_name = decryptItem)]
    pub fn decrypt_item(&self, item: Vec<u8>) -> Promise {
        let enc = self.inner.clone();
        crate::wasm::convert::promise(async move {
            let item = decode_item(&item).map_err(|e| js_error(&e))?;
            let out = enc.decrypt_item(&item).await.map_err(|e| js_error(&e))?;
            let wire = Zeroizing::new(encode_item(&out).map_err(|e| js_error(&e))?);
            Ok(wire_to_js(&wire))
        })
    }
}

/// Copies wire bytes out to a JS `Uint8Array` (the caller wipes its own copy).
fn wire_to_js(wire: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(wire).into()
}
