//! The embedded local KMS for JS (`LocalKms`): state in wasm memory, time from `Date.now()`.
//! In the full module only: in a browser it is a development tool, not worth the small
//! module's bytes.

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::kms::local::{AuditFilter, LocalKms};
use crate::wasm::convert::invalid;
use crate::wasm::kms::{js_clock, kms_js_error, WasmKmsProvider};

/// The embedded local KMS (state in wasm memory; time from `Date.now()`).
#[wasm_bindgen]
pub struct WasmLocalKms {
    kms: LocalKms,
}

#[wasm_bindgen]
impl WasmLocalKms {
    /// An empty local KMS.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmLocalKms {
        WasmLocalKms {
            kms: LocalKms::new(js_clock()),
        }
    }

    /// A provider for calls in `region` by `principal` (an IAM principal ARN).
    pub fn client(&self, region: &str, principal: &str) -> Result<WasmKmsProvider, JsValue> {
        let c = self.kms.client(region, principal).map_err(kms_js_error)?;
        Ok(WasmKmsProvider::local(c))
    }

    /// The audit trail as a JSON array (oldest first).
    #[wasm_bindgen(js_name = auditLogJson)]
    pub fn audit_log_json(&self) -> Result<String, JsValue> {
        serde_json::to_string(&self.kms.audit_log(&AuditFilter::default()))
            .map_err(|e| invalid(&e.to_string()))
    }

    /// The audit trail as JSON lines.
    #[wasm_bindgen(js_name = auditJsonl)]
    pub fn audit_jsonl(&self) -> String {
        self.kms.audit_jsonl()
    }

    /// The whole state encrypted under a 32-byte root key.
    #[wasm_bindgen(js_name = exportState)]
    pub fn export_state(&self, root_key: Vec<u8>) -> Result<Vec<u8>, JsValue> {
        let root = root32(root_key)?;
        self.kms.export_state(&root).map_err(kms_js_error)
    }

    /// A local KMS restored from `exportState` output.
    #[wasm_bindgen(js_name = importState)]
    pub fn import_state(blob: &[u8], root_key: Vec<u8>) -> Result<WasmLocalKms, JsValue> {
        let root = root32(root_key)?;
        let kms = LocalKms::import_state(blob, &root, js_clock()).map_err(kms_js_error)?;
        Ok(WasmLocalKms { kms })
    }
}

impl Default for WasmLocalKms {
    fn default() -> Self {
        Self::new()
    }
}

fn root32(key: Vec<u8>) -> Result<Zeroizing<[u8; 32]>, JsValue> {
    let key = Zeroizing::new(key);
    let mut root = Zeroizing::new([0u8; 32]);
    if key.len() != 32 {
        return Err(invalid(&format!(
            "rootKey must be 32 bytes, got {}",
            key.len()
        )));
    }
    root.copy_from_slice(&key);
    Ok(root)
}
