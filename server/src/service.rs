//! One KMS operation as the server runs it. With a store, the local KMS makes each operation
//! one transaction there (its changed rows and its audit record), committed before the call
//! returns, so no response is sent before its change is durable, and a change that could not be
//! committed is undone before anyone sees it (see `LocalKms::with_storage`).

use sealkit_kms::local::{dispatch, AuditRecord, LocalKms};
use sealkit_kms::KmsError;

use crate::auth::Identity;

/// The local KMS the server answers from.
pub struct Service {
    kms: LocalKms,
}

impl Service {
    /// A service over `kms` (persisted or in memory).
    pub fn new(kms: LocalKms) -> Self {
        Service { kms }
    }

    /// Whether the service can serve: the store answers.
    pub fn health(&self) -> Result<(), String> {
        self.kms.check_storage()
    }

    /// Runs `op` with its JSON `body` for `id`; returns the JSON response body.
    pub fn call(&self, id: &Identity, op: &str, body: &[u8]) -> Result<Vec<u8>, KmsError> {
        let client = self.kms.client(&id.region, &id.principal)?;
        dispatch::dispatch_json(&client, op, body)
    }

    /// Audits a request refused before it reached an operation (authentication); the caller
    /// is unknown then, so the record names no principal.
    pub fn audit_refused(&self, op: &str, region: &str, e: &KmsError) {
        let record = AuditRecord {
            time: self.kms.now(),
            principal: String::new(),
            operation: op.chars().take(64).collect(),
            key_arn: None,
            region: region.to_string(),
            encryption_context: None,
            success: false,
            error_code: Some(e.name.clone()),
        };
        // A refusal is answered as a refusal even when its record cannot be written.
        let _ = self.kms.append_audit(record);
    }
}
