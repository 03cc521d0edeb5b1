//! Grants: `CreateGrant`, `ListGrants`, `RevokeGrant`, `RetireGrant` (AWS KMS API reference,
//! data types `GrantConstraints` and `GrantListEntry`).

use super::EncryptionContext;
use serde::{Deserialize, Serialize};

/// Encryption-context constraints of a grant: the grant allows a cryptographic operation only
/// when the request's encryption context equals (`EncryptionContextEquals`) or includes
/// (`EncryptionContextSubset`) these pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GrantConstraints {
    /// The request's context must be exactly this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_context_equals: Option<EncryptionContext>,
    /// The request's context must contain every pair of this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_context_subset: Option<EncryptionContext>,
}

/// `CreateGrant` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CreateGrantRequest {
    /// Key identifier (key id or key ARN).
    pub key_id: String,
    /// The principal the grant lets act (an IAM principal ARN).
    pub grantee_principal: String,
    /// The principal that may retire the grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retiring_principal: Option<String>,
    /// The operations allowed (`Encrypt`, `Decrypt`, `GenerateDataKey`, …).
    pub operations: Vec<String>,
    /// Encryption-context constraints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraints: Option<GrantConstraints>,
    /// Grant tokens (at most 10).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grant_tokens: Vec<String>,
    /// A name; a second `CreateGrant` with the same name, principals, operations and
    /// constraints returns the existing grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `CreateGrant` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CreateGrantResponse {
    /// Token that names the grant in `RetireGrant`.
    pub grant_token: String,
    /// Id of the grant.
    pub grant_id: String,
}

/// `ListGrants` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListGrantsRequest {
    /// Key identifier (key id or key ARN).
    pub key_id: String,
    /// At most this many grants (1..=100, default 50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The `NextMarker` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Only this grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
    /// Only grants to this principal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grantee_principal: Option<String>,
}

/// One grant of `ListGrants`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GrantListEntry {
    /// The key ARN.
    pub key_id: String,
    /// Grant id.
    pub grant_id: String,
    /// Grant name (empty when none was given).
    pub name: String,
    /// Creation time, epoch seconds.
    pub creation_date: f64,
    /// Grantee.
    pub grantee_principal: String,
    /// Retiring principal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retiring_principal: Option<String>,
    /// The principal that created the grant.
    pub issuing_account: String,
    /// Allowed operations.
    pub operations: Vec<String>,
    /// Constraints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraints: Option<GrantConstraints>,
}

/// `ListGrants` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListGrantsResponse {
    /// The grants of this page.
    pub grants: Vec<GrantListEntry>,
    /// The marker of the next page, when truncated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// Whether more grants follow.
    pub truncated: bool,
}

/// `RevokeGrant` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RevokeGrantRequest {
    /// Key identifier (key id or key ARN).
    pub key_id: String,
    /// The grant.
    pub grant_id: String,
}

/// `RetireGrant` request: a `GrantToken`, or a `KeyId` (key ARN) with a `GrantId`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RetireGrantRequest {
    /// The token `CreateGrant` returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_token: Option<String>,
    /// Key ARN of the grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Grant id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
}
