//! Typed-value ("terminal") serialization of DynamoDB values
//! (DB-ESDK spec: dynamodb-encryption-client/ddb-attribute-serialization.md).
//!
//! Every value becomes a two-byte TypeID plus bytes. Sets and map keys are sorted so that a
//! value read back from DynamoDB (which does not keep set order) serializes identically.

use std::cmp::Ordering;

use crate::codec::{Reader, Writer};
use crate::error::{Error, Result};
use crate::item::attribute_map::AttributeMap;
use crate::item::number;
use crate::item::value::AttributeValue;

/// A two-byte type identifier.
pub type TypeId = [u8; 2];

/// `NULL`.
pub const NULL: TypeId = [0x00, 0x00];
/// `S`.
pub const STRING: TypeId = [0x00, 0x01];
/// `N`.
pub const NUMBER: TypeId = [0x00, 0x02];
/// `BOOL`.
pub const BOOLEAN: TypeId = [0x00, 0x04];
/// `SS`.
pub const STRING_SET: TypeId = [0x01, 0x01];
/// `NS`.
pub const NUMBER_SET: TypeId = [0x01, 0x02];
/// `BS`.
pub const BINARY_SET: TypeId = [0x01, 0xFF];
/// `M`.
pub const MAP: TypeId = [0x02, 0x00];
/// `L`.
pub const LIST: TypeId = [0x03, 0x00];
/// `B`, and also the type of every encrypted value.
pub const BINARY: TypeId = [0xFF, 0xFF];

/// DynamoDB's maximum nesting depth; also bounds recursion on untrusted input.
pub const MAX_DEPTH: usize = 32;

/// A serialized value: its TypeID and value bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terminal {
    /// The TypeID.
    pub type_id: TypeId,
    /// The value bytes (without the TypeID).
    pub value: Vec<u8>,
}

impl Terminal {
    /// TypeID ‖ value, as used in encryption-context entries and as the encrypted plaintext's prefix.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 + self.value.len());
        out.extend_from_slice(&self.type_id);
        out.extend_from_slice(&self.value);
        out
    }
}

/// Compares strings by UTF-16 code units, the order DynamoDB and the Dafny code use for sets and map keys.
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Serializes a value.
pub fn serialize(value: &AttributeValue) -> Result<Terminal> {
    serialize_at(value, 0)
}

fn len_u32(n: usize, what: &str) -> Result<u32> {
    u32::try_from(n).map_err(|_| Error::LimitExceeded(format!("{what} is too large ({n})")))
}

fn serialize_at(value: &AttributeValue, depth: usize) -> Result<Terminal> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid(format!(
            "value nesting is deeper than {MAX_DEPTH} levels"
        )));
    }
    let (type_id, value) = match value {
        AttributeValue::Null => (NULL, Vec::new()),
        AttributeValue::S(s) => (STRING, s.as_bytes().to_vec()),
        AttributeValue::N(n) => (NUMBER, number::normalize(n)?.into_bytes()),
        AttributeValue::B(b) => (BINARY, b.clone()),
        AttributeValue::Bool(b) => (BOOLEAN, vec![u8::from(*b)]),
        AttributeValue::Ss(items) => {
            let mut sorted: Vec<&str> = items.iter().map(String::as_str).collect();
            crate::sort::sort_by(&mut sorted, |a, b| cmp_utf16(a, b));
            (
                STRING_SET,
                set_bytes(sorted.iter().map(|s| s.as_bytes()), "SS")?,
            )
        }
        AttributeValue::Ns(items) => {
            let mut sorted = items
                .iter()
                .map(|n| number::normalize(n))
                .collect::<Result<Vec<_>>>()?;
            crate::sort::sort_by(&mut sorted, |a, b| cmp_utf16(a, b));
            (
                NUMBER_SET,
                set_bytes(sorted.iter().map(|s| s.as_bytes()), "NS")?,
            )
        }
        AttributeValue::Bs(items) => {
            let mut sorted: Vec<&[u8]> = items.iter().map(Vec::as_slice).collect();
            crate::sort::sort_by(&mut sorted, |a, b| a.cmp(b));
            (BINARY_SET, set_bytes(sorted.into_iter(), "BS")?)
        }
        AttributeValue::L(items) => {
            let mut out = Vec::new();
            out.put_u32(len_u32(items.len(), "list")?);
            for item in items {
                let t = serialize_at(item, depth + 1)?;
                out.extend_from_slice(&t.type_id);
                out.put_u32(len_u32(t.value.len(), "list element")?);
                out.extend_from_slice(&t.value);
            }
            (LIST, out)
        }
        AttributeValue::M(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            crate::sort::sort_by(&mut keys, |a, b| cmp_utf16(a, b));
            let mut out = Vec::new();
            out.put_u32(len_u32(map.len(), "map")?);
            for k in keys {
                let t = serialize_at(&map[k], depth + 1)?;
                out.extend_from_slice(&STRING);
                out.put_u32(len_u32(k.len(), "map key")?);
                out.extend_from_slice(k.as_bytes());
                out.extend_from_slice(&t.type_id);
                out.put_u32(len_u32(t.value.len(), "map value")?);
                out.extend_from_slice(&t.value);
            }
            (MAP, out)
        }
    };
    Ok(Terminal { type_id, value })
}

/// Sorted members → count ‖ (len ‖ bytes)*; duplicates are refused (DynamoDB sets have none).
fn set_bytes<'a>(sorted: impl Iterator<Item = &'a [u8]>, kind: &str) -> Result<Vec<u8>> {
    let members: Vec<&[u8]> = sorted.collect();
    if members.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::invalid(format!("{kind} contains duplicate members")));
    }
    let mut out = Vec::new();
    out.put_u32(len_u32(members.len(), kind)?);
    for m in members {
        out.put_u32(len_u32(m.len(), kind)?);
        out.extend_from_slice(m);
    }
    Ok(out)
}

/// Parses a TypeID and value bytes back into a value (decrypted fields).
pub fn deserialize(type_id: TypeId, bytes: &[u8]) -> Result<AttributeValue> {
    deserialize_at(type_id, bytes, 0)
}

const FIELD: &str = "item.typed_value";

fn utf8(bytes: &[u8]) -> Result<String> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| Error::malformed(FIELD, "string is not valid UTF-8"))
}

fn deserialize_at(type_id: TypeId, bytes: &[u8], depth: usize) -> Result<AttributeValue> {
    if depth > MAX_DEPTH {
        return Err(Error::malformed(
            FIELD,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    let value = match type_id {
        NULL => {
            if !bytes.is_empty() {
                return Err(Error::malformed(FIELD, "NULL with a non-empty value"));
            }
            AttributeValue::Null
        }
        STRING => AttributeValue::S(utf8(bytes)?),
        NUMBER => AttributeValue::N(
            number::normalize(&utf8(bytes)?).map_err(|_| Error::malformed(FIELD, "bad number"))?,
        ),
        BINARY => AttributeValue::B(bytes.to_vec()),
        BOOLEAN => match bytes {
            [0] => AttributeValue::Bool(false),
            [1] => AttributeValue::Bool(true),
            _ => return Err(Error::malformed(FIELD, "BOOL must be one byte 0 or 1")),
        },
        STRING_SET | NUMBER_SET | BINARY_SET => {
            let members = read_set(bytes)?;
            match type_id {
                STRING_SET => {
                    AttributeValue::Ss(members.iter().map(|m| utf8(m)).collect::<Result<_>>()?)
                }
                NUMBER_SET => AttributeValue::Ns(
                    members
                        .iter()
                        .map(|m| {
                            number::normalize(&utf8(m)?)
                                .map_err(|_| Error::malformed(FIELD, "bad number in NS"))
                        })
                        .collect::<Result<_>>()?,
                ),
                _ => AttributeValue::Bs(members.iter().map(|m| m.to_vec()).collect()),
            }
        }
        LIST => {
            let mut r = Reader::new(bytes);
            let count = r.u32(FIELD)? as usize;
            let mut items = Vec::with_capacity(count.min(r.remaining() / 6));
            for _ in 0..count {
                let t = r.array::<2>(FIELD)?;
                let n = r.u32(FIELD)? as usize;
                items.push(deserialize_at(t, r.take(n, FIELD)?, depth + 1)?);
            }
            r.expect_end(FIELD)?;
            AttributeValue::L(items)
        }
        MAP => {
            let mut r = Reader::new(bytes);
            let count = r.u32(FIELD)? as usize;
            let mut map = AttributeMap::new();
            for _ in 0..count {
                if r.array::<2>(FIELD)? != STRING {
                    return Err(Error::malformed(FIELD, "map key is not a string"));
                }
                let klen = r.u32(FIELD)? as usize;
                let key = utf8(r.take(klen, FIELD)?)?;
                let t = r.array::<2>(FIELD)?;
                let n = r.u32(FIELD)? as usize;
                let v = deserialize_at(t, r.take(n, FIELD)?, depth + 1)?;
                if map.insert(key, v).is_some() {
                    return Err(Error::malformed(FIELD, "duplicate map key"));
                }
            }
            r.expect_end(FIELD)?;
            AttributeValue::M(map)
        }
        other => {
            return Err(Error::malformed(
                FIELD,
                format!("unknown TypeID {:02x}{:02x}", other[0], other[1]),
            ));
        }
    };
    Ok(value)
}

fn read_set(bytes: &[u8]) -> Result<Vec<&[u8]>> {
    let mut r = Reader::new(bytes);
    let count = r.u32(FIELD)? as usize;
    let mut members = Vec::with_capacity(count.min(r.remaining() / 4));
    for _ in 0..count {
        let n = r.u32(FIELD)? as usize;
        members.push(r.take(n, FIELD)?);
    }
    r.expect_end(FIELD)?;
    let mut sorted = members.clone();
    crate::sort::sort_by(&mut sorted, |a, b| a.cmp(b));
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::malformed(FIELD, "set contains duplicate members"));
    }
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_order_differs_from_utf8() {
        // U+FF5E (one UTF-16 unit 0xFF5E) sorts after U+1F600 (surrogates 0xD83D…) in UTF-16,
        // but before it in UTF-8.
        assert_eq!(cmp_utf16("\u{ff5e}", "\u{1f600}"), Ordering::Greater);
        assert!("\u{ff5e}".as_bytes() < "\u{1f600}".as_bytes());
    }

    #[test]
    fn nested_round_trip() {
        let mut m = AttributeMap::new();
        m.insert(
            "k".to_string(),
            AttributeValue::L(vec![
                AttributeValue::Bool(true),
                AttributeValue::Null,
                AttributeValue::N("1".into()),
            ]),
        );
        m.insert(
            "a".to_string(),
            AttributeValue::Bs(vec![vec![2], vec![1], vec![]]),
        );
        let v = AttributeValue::M(m);
        let t = serialize(&v).unwrap();
        let back = deserialize(t.type_id, &t.value).unwrap();
        assert_eq!(serialize(&back).unwrap(), t);
    }

    #[test]
    fn malformed_inputs_do_not_panic() {
        for t in [
            LIST,
            MAP,
            STRING_SET,
            NUMBER_SET,
            BINARY_SET,
            BOOLEAN,
            NULL,
            [0x12, 0x34],
        ] {
            for bytes in [
                &[][..],
                &[0, 0, 0, 5][..],
                &[0xff; 9][..],
                &[0, 0, 0, 1, 0, 1, 0, 0, 0, 9][..],
            ] {
                let _ = deserialize(t, bytes);
            }
        }
        assert!(serialize(&AttributeValue::Ss(vec!["a".into(), "a".into()])).is_err());
        assert!(serialize(&AttributeValue::Ns(vec!["1".into(), "1.0".into()])).is_err());
    }
}
