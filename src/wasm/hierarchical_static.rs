//! The hierarchical keyring over one static branch key (no KMS; e.g. the DB-ESDK test vectors'
//! `static-branch-key-1`): in the full module and in `sealkit/items` (feature `wasm-items`), where
//! its HMAC-SHA-256 and AES-GCM run on WebCrypto through the build's `CryptoProvider`. The
//! KMS-backed branch key store is in `hierarchical.rs` (full module only).

use std::sync::Arc;

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::keyring::hierarchical::{
    BranchKey, BranchKeyStore, HierarchicalKeyring, StaticBranchKeyStore,
};
use crate::wasm::convert::js;
use crate::wasm::keyring::WasmKeyring;

/// A hierarchical keyring using `branch_key_id` from `store`, with its own branch key cache
/// (10 minutes TTL).
pub(crate) fn keyring(
    store: Arc<dyn BranchKeyStore>,
    branch_key_id: String,
) -> Result<WasmKeyring, JsValue> {
    let k = js(HierarchicalKeyring::new(store, branch_key_id))?;
    Ok(WasmKeyring::wrap(Arc::new(k)))
}

/// A hierarchical keyring over one branch key version: `version` is its UUID, `key` its 32
/// bytes (owned here and zeroized on drop).
#[wasm_bindgen(js_name = hierarchicalStaticKeyring)]
pub fn hierarchical_static_keyring(
    branch_key_id: String,
    version: &str,
    key: Vec<u8>,
) -> Result<WasmKeyring, JsValue> {
    let key = Zeroizing::new(key);
    let bk = js(BranchKey::new(branch_key_id.clone(), version, &key))?;
    keyring(Arc::new(StaticBranchKeyStore::new(bk)), branch_key_id)
}
