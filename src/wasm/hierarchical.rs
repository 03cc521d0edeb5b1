//! Hierarchical keyrings for JS over a [`KmsBranchKeyStore`] whose branch keys are wrapped under
//! a KMS key reached through a [`WasmKmsProvider`] (the static branch key form is in
//! `hierarchical_static.rs`). Absent from the `wasm-lite` build, like `kms.rs`.

use std::sync::Arc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::keyring::hierarchical::KmsBranchKeyStore;
use crate::wasm::convert::{js, js_error};
use crate::wasm::hierarchical_static::keyring;
use crate::wasm::keyring::WasmKeyring;
use crate::wasm::kms::WasmKmsProvider;

/// Branch keys wrapped under one KMS key (state in wasm memory).
#[wasm_bindgen]
pub struct WasmKmsBranchKeyStore {
    inner: Arc<KmsBranchKeyStore>,
}

#[wasm_bindgen]
impl WasmKmsBranchKeyStore {
    /// An empty store wrapping under `kms_key_id`; `logical_name` is bound into every wrapped key.
    #[wasm_bindgen(constructor)]
    pub fn new(
        provider: &WasmKmsProvider,
        kms_key_id: &str,
        logical_name: &str,
    ) -> Result<WasmKmsBranchKeyStore, JsValue> {
        let store = js(KmsBranchKeyStore::new(
            provider.provider(),
            kms_key_id,
            logical_name,
        ))?;
        Ok(WasmKmsBranchKeyStore {
            inner: Arc::new(store),
        })
    }

    /// Creates a branch key (id defaults to a random UUID) → Promise of its id.
    #[wasm_bindgen(js_name = createBranchKey)]
    pub fn create_branch_key(&self, branch_key_id: Option<String>) -> Promise {
        let store = self.inner.clone();
        crate::wasm::convert::promise(async move {
            let id = store
                .create_branch_key(branch_key_id.as_deref())
                .await
                .map_err(|e| js_error(&e))?;
            Ok(JsValue::from_str(&id))
        })
    }

    /// Rotates a branch key → Promise of the new active version.
    #[wasm_bindgen(js_name = versionBranchKey)]
    pub fn version_branch_key(&self, branch_key_id: String) -> Promise {
        let store = self.inner.clone();
        crate::wasm::convert::promise(async move {
            let v = store
                .version_branch_key(&branch_key_id)
                .await
                .map_err(|e| js_error(&e))?;
            Ok(JsValue::from_str(&v))
        })
    }

    /// A hierarchical keyring using `branch_key_id` from this store.
    pub fn keyring(&self, branch_key_id: String) -> Result<WasmKeyring, JsValue> {
        keyring(self.inner.clone(), branch_key_id)
    }
}
