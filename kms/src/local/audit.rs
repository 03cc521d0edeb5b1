//! The audit trail: one record per call, allowed or denied.

use crate::types::EncryptionContext;
use serde::{Deserialize, Serialize};

/// One audited call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Epoch seconds (from the KMS clock).
    pub time: u64,
    /// Caller principal ARN.
    pub principal: String,
    /// Operation name, e.g. `Decrypt`.
    pub operation: String,
    /// ARN of the key involved, once it was resolved.
    pub key_arn: Option<String>,
    /// Region of the call.
    pub region: String,
    /// Encryption context of the request, if the operation takes one.
    pub encryption_context: Option<EncryptionContext>,
    /// True when the call succeeded.
    pub success: bool,
    /// KMS error name when it failed.
    pub error_code: Option<String>,
}

/// A query over the audit trail; `None` fields match anything.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this key ARN.
    pub key_arn: Option<String>,
    /// Only this operation.
    pub operation: Option<String>,
    /// Only this principal.
    pub principal: Option<String>,
    /// Only successes (`Some(true)`) or failures (`Some(false)`).
    pub success: Option<bool>,
}

impl AuditFilter {
    /// Whether a record passes the filter.
    pub fn matches(&self, r: &AuditRecord) -> bool {
        self.key_arn
            .as_ref()
            .is_none_or(|k| r.key_arn.as_ref() == Some(k))
            && self.operation.as_ref().is_none_or(|o| &r.operation == o)
            && self.principal.as_ref().is_none_or(|p| &r.principal == p)
            && self.success.is_none_or(|s| r.success == s)
    }
}

/// Records as JSON lines (one object per line, newline-terminated).
pub(crate) fn to_jsonl(records: &[AuditRecord]) -> String {
    let mut out = String::new();
    for r in records {
        // Serializing plain strings and maps cannot fail; skip defensively rather than panic.
        if let Ok(line) = serde_json::to_string(r) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}
