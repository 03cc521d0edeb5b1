//! Choosing the branch key per message: a fixed id, or a supplier reading the encryption context
//! (multi-tenant use; spec: aws-kms-hierarchical-keyring.md#branch-key-id-supplier).

use std::collections::BTreeMap;

use crate::context::EncryptionContext;
use crate::error::{Error, Result};
use crate::future::{MaybeSend, MaybeSync};

/// Picks the branch key id for a message or item from its encryption context.
pub trait BranchKeyIdSupplier: MaybeSend + MaybeSync {
    /// The branch key id for this encryption context.
    fn branch_key_id(&self, encryption_context: &EncryptionContext) -> Result<String>;
}

impl<F> BranchKeyIdSupplier for F
where
    F: Fn(&EncryptionContext) -> Result<String> + MaybeSend + MaybeSync,
{
    fn branch_key_id(&self, encryption_context: &EncryptionContext) -> Result<String> {
        self(encryption_context)
    }
}

/// Reads the tenant from one encryption-context key and maps it to a branch key id.
///
/// For DynamoDB items, mark the tenant attribute `SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT` and use
/// the key `aws-crypto-attr.<attribute>` (its value is the attribute's string or number).
#[derive(Debug, Clone)]
pub struct ContextKeySupplier {
    context_key: String,
    tenants: Option<BTreeMap<String, String>>,
}

impl ContextKeySupplier {
    /// Uses the context value itself as the branch key id.
    pub fn new(context_key: impl Into<String>) -> Self {
        ContextKeySupplier {
            context_key: context_key.into(),
            tenants: None,
        }
    }

    /// Maps context values (tenants) to branch key ids; unknown tenants are refused.
    pub fn with_tenants(mut self, tenants: BTreeMap<String, String>) -> Self {
        self.tenants = Some(tenants);
        self
    }
}

impl BranchKeyIdSupplier for ContextKeySupplier {
    fn branch_key_id(&self, ec: &EncryptionContext) -> Result<String> {
        let tenant = ec.get(&self.context_key).ok_or_else(|| {
            Error::Keyring(format!(
                "encryption context has no '{}' to choose the branch key",
                self.context_key
            ))
        })?;
        match &self.tenants {
            None => Ok(tenant.clone()),
            Some(map) => map.get(tenant).cloned().ok_or_else(|| {
                Error::Keyring(format!(
                    "no branch key configured for '{}' = '{tenant}'",
                    self.context_key
                ))
            }),
        }
    }
}
