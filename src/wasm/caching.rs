//! The caching materials manager for JS (`CachingMaterialsManager` and
//! `LocalCryptoMaterialsCache` in js/kms.mjs): the limits are checked here, the manager is the
//! core's [`CachingMaterialsManager`]. Its handle is a [`WasmKeyring`] holding the manager, so
//! every message operation that takes a keyring takes it. Absent from the `wasm-lite` build.

use std::sync::Arc;
use std::time::Duration;

use wasm_bindgen::prelude::*;

use crate::cmm::{
    CachingMaterialsManager, CryptoMaterialsManager, LocalCryptoMaterialsCache,
    MAX_BYTES_ENCRYPTED, MAX_MESSAGES_ENCRYPTED,
};
use crate::error::{Error, Result};
use crate::wasm::convert::js;
use crate::wasm::keyring::WasmKeyring;

/// An LRU cache of materials, shareable between managers.
#[wasm_bindgen]
pub struct WasmMaterialsCache {
    inner: Arc<LocalCryptoMaterialsCache>,
}

#[wasm_bindgen]
impl WasmMaterialsCache {
    /// A cache of at most `capacity` entries (a whole number, at least 1).
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: JsValue) -> Result<WasmMaterialsCache, JsValue> {
        let capacity = js(whole(&capacity, "capacity", 1, u32::MAX as u64))?;
        Ok(WasmMaterialsCache {
            inner: Arc::new(LocalCryptoMaterialsCache::new(capacity as usize)),
        })
    }

    /// The entry capacity.
    #[wasm_bindgen(getter)]
    pub fn capacity(&self) -> u32 {
        u32::try_from(self.inner.capacity()).unwrap_or(u32::MAX)
    }

    /// The entries held now.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }

    /// Evicts every entry (their data keys are zeroized).
    pub fn clear(&self) {
        self.inner.clear();
    }
}

/// 2^53 - 1 (`Number.MAX_SAFE_INTEGER`): beyond it a JS number is not one integer.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A whole number from JS (a number that is a safe integer, or a bigint) in `min..=max`.
fn whole(v: &JsValue, name: &str, min: u64, max: u64) -> Result<u64> {
    let n = if let Some(f) = v.as_f64() {
        if !(f.is_finite() && f.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER as f64).contains(&f)) {
            return Err(range(name, min, max));
        }
        f as u64
    } else if v.is_bigint() {
        let text = js_sys::BigInt::from(v.clone())
            .to_string(10)
            .map(String::from)
            .unwrap_or_default();
        text.parse::<u64>().map_err(|_| range(name, min, max))?
    } else {
        return Err(Error::InvalidArgument(format!(
            "{name} must be a number or a bigint"
        )));
    };
    if n < min || n > max {
        return Err(range(name, min, max));
    }
    Ok(n)
}

fn range(name: &str, min: u64, max: u64) -> Error {
    Error::InvalidArgument(format!("{name} must be a whole number from {min} to {max}"))
}

/// A caching manager over `inner`'s keyring (or manager), storing in `cache`. `max_age_ms` is
/// required (milliseconds, as in @aws-crypto); the other limits are `undefined` for their
/// defaults (2^32 messages, 2^63 - 1 bytes, a partition of this manager's own).
#[wasm_bindgen(js_name = cachingMaterialsManager)]
pub fn caching_materials_manager(
    inner: &WasmKeyring,
    cache: &WasmMaterialsCache,
    max_age_ms: JsValue,
    max_messages: JsValue,
    max_bytes: JsValue,
    partition: Option<String>,
) -> Result<WasmKeyring, JsValue> {
    let age = js(whole(&max_age_ms, "maxAge", 1, MAX_SAFE_INTEGER))?;
    let optional = |v: &JsValue, name: &str, min: u64, max: u64| match v.is_undefined() {
        true => Ok(max),
        false => whole(v, name, min, max),
    };
    let messages = js(optional(
        &max_messages,
        "maxMessagesEncrypted",
        1,
        MAX_MESSAGES_ENCRYPTED,
    ))?;
    let bytes = js(optional(
        &max_bytes,
        "maxBytesEncrypted",
        0,
        MAX_BYTES_ENCRYPTED,
    ))?;
    let cache = cache.inner.clone();
    inner.derive_cmm(move |cmm| {
        let mut m = CachingMaterialsManager::new(cmm, cache, Duration::from_millis(age))?
            .with_max_messages_encrypted(messages)?
            .with_max_bytes_encrypted(bytes)?;
        if let Some(p) = partition {
            m = m.with_partition(&p);
        }
        Ok(Arc::new(m) as Arc<dyn CryptoMaterialsManager>)
    })
}
