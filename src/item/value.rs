//! The DynamoDB attribute value model.

use crate::item::attribute_map::AttributeMap;

/// A DynamoDB item: attribute name → value.
pub type Item = AttributeMap<AttributeValue>;

/// One DynamoDB attribute value (the `AttributeValue` union of the DynamoDB API).
///
/// Numbers are kept as the caller's decimal strings; they are normalized only where the format
/// needs it (serialization, encryption context), so pass-through attributes keep their spelling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeValue {
    /// `S`: a UTF-8 string.
    S(String),
    /// `N`: a decimal number, as text.
    N(String),
    /// `B`: raw bytes.
    B(Vec<u8>),
    /// `BOOL`.
    Bool(bool),
    /// `NULL` (always true in DynamoDB).
    Null,
    /// `L`: an ordered list.
    L(Vec<AttributeValue>),
    /// `M`: a map of names to values.
    M(AttributeMap<AttributeValue>),
    /// `SS`: a string set (order is not significant).
    Ss(Vec<String>),
    /// `NS`: a number set.
    Ns(Vec<String>),
    /// `BS`: a binary set.
    Bs(Vec<Vec<u8>>),
}

impl AttributeValue {
    /// The DynamoDB type tag (`"S"`, `"N"`, `"B"`, `"BOOL"`, `"NULL"`, `"L"`, `"M"`, `"SS"`, `"NS"`, `"BS"`).
    pub fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::S(_) => "S",
            AttributeValue::N(_) => "N",
            AttributeValue::B(_) => "B",
            AttributeValue::Bool(_) => "BOOL",
            AttributeValue::Null => "NULL",
            AttributeValue::L(_) => "L",
            AttributeValue::M(_) => "M",
            AttributeValue::Ss(_) => "SS",
            AttributeValue::Ns(_) => "NS",
            AttributeValue::Bs(_) => "BS",
        }
    }

    /// The bytes of a `B` value.
    pub fn as_binary(&self) -> Option<&[u8]> {
        match self {
            AttributeValue::B(b) => Some(b),
            _ => None,
        }
    }
}
