//! The item encryption context (DB-ESDK spec: dynamodb-encryption-client/encrypt-item.md
//! #dynamodb-item-base-context, structured-encryption/encrypt-path-structure.md
//! "Encryption Context Naming", structured-encryption/encrypt-structure.md).
//!
//! Every key built here is *required*: authenticated but never stored in the header.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::codec::Writer;
use crate::context::EncryptionContext;
use crate::error::{Error, Result};
use crate::item::attribute_map::AttributeMap;
use crate::item::number;
use crate::item::serialize::{self, Terminal};
use crate::item::value::{AttributeValue, Item};

/// `aws-crypto-table-name`: the logical table name.
pub const TABLE_NAME_KEY: &str = "aws-crypto-table-name";
/// `aws-crypto-partition-name`: the partition key's name.
pub const PARTITION_NAME_KEY: &str = "aws-crypto-partition-name";
/// `aws-crypto-sort-name`: the sort key's name.
pub const SORT_NAME_KEY: &str = "aws-crypto-sort-name";
/// Prefix of the per-attribute value keys.
pub const ATTR_PREFIX: &str = "aws-crypto-attr.";
/// `aws-crypto-legend`: the types of the version-2 attribute entries.
pub const LEGEND_KEY: &str = "aws-crypto-legend";

/// Table, key names and key values of the item.
pub struct KeySchema<'a> {
    /// Logical table name.
    pub table_name: &'a str,
    /// Partition key name.
    pub partition_key: &'a str,
    /// Sort key name.
    pub sort_key: Option<&'a str>,
}

fn key_value<'i>(item: &'i Item, name: &str, role: &str) -> Result<&'i AttributeValue> {
    item.get(name)
        .ok_or_else(|| Error::item(name, format!("the {role} is missing from the item")))
}

fn terminal(name: &str, v: &AttributeValue) -> Result<Terminal> {
    serialize::serialize(v).map_err(|e| Error::item(name, e.to_string()))
}

/// The base context for header version 1: names plus base64(TypeID ‖ value) of each key attribute.
pub fn base_v1(schema: &KeySchema<'_>, item: &Item) -> Result<EncryptionContext> {
    let mut ec = EncryptionContext::new();
    ec.insert(TABLE_NAME_KEY.into(), schema.table_name.into());
    ec.insert(PARTITION_NAME_KEY.into(), schema.partition_key.into());
    let pk = key_value(item, schema.partition_key, "partition key")?;
    ec.insert(
        format!("{ATTR_PREFIX}{}", schema.partition_key),
        B64.encode(terminal(schema.partition_key, pk)?.to_bytes()),
    );
    if let Some(sk) = schema.sort_key {
        let v = key_value(item, sk, "sort key")?;
        ec.insert(SORT_NAME_KEY.into(), sk.into());
        ec.insert(
            format!("{ATTR_PREFIX}{sk}"),
            B64.encode(terminal(sk, v)?.to_bytes()),
        );
    }
    Ok(ec)
}

/// The context for header version 2: names, then one entry per SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT
/// attribute (`context_attributes`), then `aws-crypto-legend`.
pub fn v2(
    schema: &KeySchema<'_>,
    item: &Item,
    context_attributes: &[&str],
) -> Result<EncryptionContext> {
    let mut ec = EncryptionContext::new();
    ec.insert(TABLE_NAME_KEY.into(), schema.table_name.into());
    ec.insert(PARTITION_NAME_KEY.into(), schema.partition_key.into());
    key_value(item, schema.partition_key, "partition key")?;
    if let Some(sk) = schema.sort_key {
        key_value(item, sk, "sort key")?;
        ec.insert(SORT_NAME_KEY.into(), sk.into());
    }
    // The legend lists the entries in the context's own (UTF-8 key) order.
    let mut entries = AttributeMap::new();
    for name in context_attributes {
        let v = item.get(name).ok_or_else(|| {
            Error::item(
                *name,
                "SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT attribute is missing from the item",
            )
        })?;
        let (kind, text) = match v {
            AttributeValue::S(s) => ('S', s.clone()),
            AttributeValue::N(n) => (
                'N',
                number::normalize(n).map_err(|e| Error::item(*name, e.to_string()))?,
            ),
            AttributeValue::Null => ('L', "null".to_string()),
            AttributeValue::Bool(b) => ('L', if *b { "true" } else { "false" }.to_string()),
            other => ('B', B64.encode(terminal(name, other)?.to_bytes())),
        };
        entries.insert(format!("{ATTR_PREFIX}{name}"), (kind, text));
    }
    let mut legend = String::with_capacity(entries.len());
    for (k, (kind, text)) in entries {
        legend.push(kind);
        ec.insert(k, text);
    }
    ec.insert(LEGEND_KEY.into(), legend);
    Ok(ec)
}

/// The context as the header and the footer's canonical record serialize it: the pair count is
/// always present, even for an empty context (unlike the ESDK/keyring serialization).
pub fn serialize_with_count(ec: &EncryptionContext) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let count = u16::try_from(ec.len()).map_err(|_| {
        Error::LimitExceeded(format!(
            "encryption context has {} pairs; the maximum is 65535",
            ec.len()
        ))
    })?;
    out.put_u16(count);
    for (k, v) in ec {
        out.put_u16_prefixed(k.as_bytes(), "encryption context key")?;
        out.put_u16_prefixed(v.as_bytes(), "encryption context value")?;
    }
    Ok(out)
}
