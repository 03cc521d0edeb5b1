//! Item encryptor configuration and its validation
//! (DB-ESDK spec: dynamodb-encryption-client/ddb-table-encryption-config.md, "Attribute Actions").

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::item::actions::CryptoAction;
use crate::item::attribute_map::{AttributeMap, AttributeNames};
use crate::item::limits::ItemLimits;
use crate::keyring::Keyring;
use crate::suite::AlgorithmSuite;

/// Attribute names with this prefix are reserved for the format (`aws_dbe_head`, `aws_dbe_foot`,
/// beacons `aws_dbe_b_*`, …).
pub const RESERVED_PREFIX: &str = "aws_dbe_";
/// The header attribute.
pub const HEADER_ATTRIBUTE: &str = "aws_dbe_head";
/// The footer attribute.
pub const FOOTER_ATTRIBUTE: &str = "aws_dbe_foot";
/// The default item suite (0x6701, signed with ECDSA P-384).
pub const DEFAULT_ITEM_SUITE_ID: u16 = 0x6701;

/// How an [`crate::item::ItemEncryptor`] protects items. Field names mirror the DB-ESDK / JS names.
#[derive(Clone)]
pub struct ItemEncryptorConfig {
    /// The logical table name, bound into every canonical path and the encryption context.
    pub table_name: String,
    /// The partition key attribute name.
    pub partition_key: String,
    /// The sort key attribute name, if the table has one.
    pub sort_key: Option<String>,
    /// `attributeActionsOnEncrypt`: the action for each attribute.
    pub attribute_actions: AttributeMap<CryptoAction>,
    /// Action for signed-scope attributes missing from `attribute_actions` (the DB-ESDK has none:
    /// `None` makes an unlisted attribute an error, as there).
    pub default_action: Option<CryptoAction>,
    /// `allowedUnsignedAttributes`: names that may be (and on decrypt are treated as) unsigned.
    pub allowed_unsigned_attributes: AttributeNames,
    /// `allowedUnsignedAttributePrefix`: names starting with it are unsigned.
    pub allowed_unsigned_attribute_prefix: Option<String>,
    /// The keyring that wraps (and unwraps) item data keys.
    pub keyring: Arc<dyn Keyring>,
    /// 0x6701 (ECDSA P-384 signature, the default) or 0x6700 (recipient tags only).
    pub algorithm_suite_id: u16,
    /// Attribute count, nesting depth and value length limits, for encrypt and decrypt
    /// (defaults: [`ItemLimits::default`]).
    pub limits: ItemLimits,
}

impl core::fmt::Debug for ItemEncryptorConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ItemEncryptorConfig")
            .field("table_name", &self.table_name)
            .field("partition_key", &self.partition_key)
            .field("sort_key", &self.sort_key)
            .field("attribute_actions", &self.attribute_actions)
            .field("default_action", &self.default_action)
            .field(
                "allowed_unsigned_attributes",
                &self.allowed_unsigned_attributes,
            )
            .field(
                "allowed_unsigned_attribute_prefix",
                &self.allowed_unsigned_attribute_prefix,
            )
            .field(
                "algorithm_suite_id",
                &format_args!("0x{:04x}", self.algorithm_suite_id),
            )
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl ItemEncryptorConfig {
    /// A configuration with no attribute actions yet, no sort key and suite 0x6701.
    pub fn new(
        table_name: impl Into<String>,
        partition_key: impl Into<String>,
        keyring: Arc<dyn Keyring>,
    ) -> Self {
        ItemEncryptorConfig {
            table_name: table_name.into(),
            partition_key: partition_key.into(),
            sort_key: None,
            attribute_actions: AttributeMap::new(),
            default_action: None,
            allowed_unsigned_attributes: AttributeNames::new(),
            allowed_unsigned_attribute_prefix: None,
            keyring,
            algorithm_suite_id: DEFAULT_ITEM_SUITE_ID,
            limits: ItemLimits::default(),
        }
    }

    /// Whether `name` is outside the signature scope: allowed unsigned, or reserved
    /// (the reserved `aws_dbe_*` attributes are authenticated by other means).
    pub fn is_unsigned(&self, name: &str) -> bool {
        self.allowed_unsigned_attributes.contains(name)
            || self
                .allowed_unsigned_attribute_prefix
                .as_deref()
                .is_some_and(|p| name.starts_with(p))
            || name.starts_with(RESERVED_PREFIX)
    }

    /// Configuration version 2 when any attribute is SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT
    /// (ddb-table-encryption-config.md#configuration-version).
    pub fn version(&self) -> u8 {
        let v2 = self
            .attribute_actions
            .values()
            .any(|a| *a == CryptoAction::SignAndIncludeInEncryptionContext)
            || self.default_action == Some(CryptoAction::SignAndIncludeInEncryptionContext);
        if v2 {
            2
        } else {
            1
        }
    }

    /// The action for one attribute of an item being encrypted, or an error naming it.
    pub fn action_for(&self, name: &str) -> Result<CryptoAction> {
        if name.starts_with(RESERVED_PREFIX) {
            return Err(Error::item(
                name,
                format!("names starting with '{RESERVED_PREFIX}' are reserved"),
            ));
        }
        if let Some(a) = self.attribute_actions.get(name) {
            return Ok(*a);
        }
        if self.is_unsigned(name) {
            return Ok(CryptoAction::DoNothing);
        }
        match self.default_action {
            Some(CryptoAction::DoNothing) => Err(Error::item(
                name,
                "the default action is DO_NOTHING but the attribute is not in allowedUnsignedAttributes \
                 and does not start with allowedUnsignedAttributePrefix",
            )),
            Some(a) => Ok(a),
            None => Err(Error::item(name, format!("no crypto action configured for attribute '{name}'"))),
        }
    }

    /// The suite the configuration names.
    pub fn suite(&self) -> Result<AlgorithmSuite> {
        AlgorithmSuite::from_item_suite_id(self.algorithm_suite_id)
    }

    /// Checks every rule that does not depend on an item.
    pub fn validate(&self) -> Result<()> {
        self.suite()?;
        self.limits.validate()?;
        if self.table_name.is_empty() {
            return Err(Error::invalid(
                "table_name (the logical table name) must not be empty",
            ));
        }
        if self.partition_key.is_empty() {
            return Err(Error::invalid("partition_key must not be empty"));
        }
        if self.allowed_unsigned_attribute_prefix.as_deref() == Some("") {
            return Err(Error::invalid("allowed_unsigned_attribute_prefix must not be empty (it would leave every attribute unsigned)"));
        }
        if self.sort_key.as_deref() == Some(self.partition_key.as_str()) {
            return Err(Error::invalid("sort_key must differ from partition_key"));
        }
        if let Some(sk) = &self.sort_key {
            if sk.is_empty() {
                return Err(Error::invalid("sort_key must not be empty"));
            }
        }
        for name in self.allowed_unsigned_attributes.iter() {
            if name.starts_with(RESERVED_PREFIX) {
                return Err(Error::item(
                    name,
                    format!("names starting with '{RESERVED_PREFIX}' are reserved"),
                ));
            }
        }
        for (name, action) in &self.attribute_actions {
            if name.starts_with(RESERVED_PREFIX) {
                return Err(Error::item(
                    name,
                    format!("names starting with '{RESERVED_PREFIX}' are reserved"),
                ));
            }
            // decrypt-item.md#signature-scope: encrypt must stay "forward compatible" with decrypt,
            // which derives the signature scope from the allowed-unsigned settings only.
            let unsigned = self.is_unsigned(name);
            if *action == CryptoAction::DoNothing && !unsigned {
                return Err(Error::item(
                    name,
                    "configured as DO_NOTHING but not in allowedUnsignedAttributes and not starting with \
                     allowedUnsignedAttributePrefix",
                ));
            }
            if *action != CryptoAction::DoNothing && unsigned {
                return Err(Error::item(
                    name,
                    format!("configured as {action} but it is also allowed unsigned (allowedUnsignedAttributes or prefix)"),
                ));
            }
        }
        // ddb-table-encryption-config.md#key-action: keys are SIGN_ONLY (version 1) or
        // SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT (version 2).
        let key_action = if self.version() == 2 {
            CryptoAction::SignAndIncludeInEncryptionContext
        } else {
            CryptoAction::SignOnly
        };
        for (role, key) in [
            ("partition key", Some(&self.partition_key)),
            ("sort key", self.sort_key.as_ref()),
        ] {
            let Some(key) = key else { continue };
            let action = self
                .attribute_actions
                .get(key)
                .copied()
                .or(if self.is_unsigned(key) {
                    None
                } else {
                    self.default_action
                });
            match action {
                Some(a) if a == key_action => {}
                Some(a) => {
                    return Err(Error::item(
                        key,
                        format!("the {role} must be {key_action} in this configuration, not {a}"),
                    ))
                }
                None => {
                    return Err(Error::item(
                        key,
                        format!("the {role} needs a crypto action ({key_action})"),
                    ));
                }
            }
        }
        Ok(())
    }
}
