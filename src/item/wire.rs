//! The binary item form that the npm package's JS (`js/item-wire.mjs`) and the core exchange.
//!
//! It is not a DB-ESDK format and never leaves the process: it replaces DynamoDB JSON with
//! base64 at the wasm boundary, so that an item crosses as one byte array (no JSON parser, no
//! base64, no JSON number formatting in the module) and values keep their exact spelling.
//!
//! ```text
//! item   = count:u32 (name value){count}
//! name   = len:u32 utf8{len}
//! value  = tag:u8 payload
//!   S 0x01, N 0x02: len:u32 utf8{len}      B 0x03: len:u32 byte{len}
//!   BOOL 0x04: 0x00 | 0x01                 NULL 0x05: (nothing)
//!   L 0x06: count:u32 value{count}         M 0x07: count:u32 (name value){count}
//!   SS 0x08, NS 0x09: count:u32 (len:u32 utf8{len}){count}
//!   BS 0x0a: count:u32 (len:u32 byte{len}){count}
//! ```
//!
//! Integers are big-endian. Decoding is linear in the input: every count is checked against
//! the bytes left before anything is reserved, and nesting stops at
//! [`serialize::MAX_DEPTH`](crate::item::serialize::MAX_DEPTH), as for DynamoDB JSON.

use crate::codec::{Reader, Writer};
use crate::error::{Error, Result};
use crate::item::serialize::MAX_DEPTH;
use crate::item::value::{AttributeValue, Item};

const S: u8 = 0x01;
const N: u8 = 0x02;
const B: u8 = 0x03;
const BOOL: u8 = 0x04;
const NULL: u8 = 0x05;
const L: u8 = 0x06;
const M: u8 = 0x07;
const SS: u8 = 0x08;
const NS: u8 = 0x09;
const BS: u8 = 0x0a;

/// Decodes an item from its wire form.
pub fn decode_item(bytes: &[u8]) -> Result<Item> {
    let mut r = Reader::new(bytes);
    let item = map(&mut r, 0)?;
    r.expect_end("item")?;
    Ok(item)
}

/// Encodes an item in its wire form.
pub fn encode_item(item: &Item) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    put_map(&mut out, item)?;
    Ok(out)
}

/// A count followed by at least `min_entry` bytes per entry: refused before anything is
/// reserved when the bytes left cannot hold that many entries.
fn count(r: &mut Reader<'_>, min_entry: usize, field: &'static str) -> Result<usize> {
    let n = usize::try_from(r.u32(field)?).unwrap_or(usize::MAX);
    if n > r.remaining() / min_entry.max(1) {
        return Err(Error::Truncated { field });
    }
    Ok(n)
}

fn bytes<'a>(r: &mut Reader<'a>, field: &'static str) -> Result<&'a [u8]> {
    let n = usize::try_from(r.u32(field)?).unwrap_or(usize::MAX);
    r.take(n, field)
}

fn string(r: &mut Reader<'_>, field: &'static str) -> Result<String> {
    let b = bytes(r, field)?;
    core::str::from_utf8(b)
        .map(str::to_owned)
        .map_err(|_| Error::malformed(field, "not valid UTF-8"))
}

fn map(r: &mut Reader<'_>, depth: usize) -> Result<Item> {
    // name (4) + tag (1)
    let n = count(r, 5, "item map")?;
    let mut out = Item::new();
    for _ in 0..n {
        let name = string(r, "attribute name")?;
        let v = value(r, depth)?;
        if out.insert(name, v).is_some() {
            return Err(Error::malformed("item map", "duplicate attribute name"));
        }
    }
    Ok(out)
}

fn strings(r: &mut Reader<'_>, field: &'static str) -> Result<Vec<String>> {
    let n = count(r, 4, field)?;
    (0..n).map(|_| string(r, field)).collect()
}

fn value(r: &mut Reader<'_>, depth: usize) -> Result<AttributeValue> {
    if depth > MAX_DEPTH {
        return Err(Error::LimitExceeded(format!(
            "item value nesting is deeper than {MAX_DEPTH} levels"
        )));
    }
    Ok(match r.u8("value type")? {
        S => AttributeValue::S(string(r, "S value")?),
        N => AttributeValue::N(string(r, "N value")?),
        B => AttributeValue::B(bytes(r, "B value")?.to_vec()),
        BOOL => match r.u8("BOOL value")? {
            0 => AttributeValue::Bool(false),
            1 => AttributeValue::Bool(true),
            _ => return Err(Error::malformed("BOOL value", "not 0 or 1")),
        },
        NULL => AttributeValue::Null,
        L => {
            let n = count(r, 1, "L value")?;
            AttributeValue::L((0..n).map(|_| value(r, depth + 1)).collect::<Result<_>>()?)
        }
        M => AttributeValue::M(map(r, depth + 1)?),
        SS => AttributeValue::Ss(strings(r, "SS value")?),
        NS => AttributeValue::Ns(strings(r, "NS value")?),
        BS => {
            let n = count(r, 4, "BS value")?;
            AttributeValue::Bs(
                (0..n)
                    .map(|_| Ok(bytes(r, "BS value")?.to_vec()))
                    .collect::<Result<_>>()?,
            )
        }
        _ => return Err(Error::malformed("value type", "unknown tag")),
    })
}

fn put_len(out: &mut Vec<u8>, n: usize) -> Result<()> {
    let n = u32::try_from(n)
        .map_err(|_| Error::LimitExceeded("an item value is 4 GiB or longer".into()))?;
    out.put_u32(n);
    Ok(())
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) -> Result<()> {
    put_len(out, b.len())?;
    out.extend_from_slice(b);
    Ok(())
}

fn put_map(out: &mut Vec<u8>, m: &Item) -> Result<()> {
    put_len(out, m.len())?;
    for (name, v) in m {
        put_bytes(out, name.as_bytes())?;
        put_value(out, v)?;
    }
    Ok(())
}

fn put_strings(out: &mut Vec<u8>, tag: u8, items: &[String]) -> Result<()> {
    out.push(tag);
    put_len(out, items.len())?;
    items.iter().try_for_each(|s| put_bytes(out, s.as_bytes()))
}

fn put_value(out: &mut Vec<u8>, v: &AttributeValue) -> Result<()> {
    match v {
        AttributeValue::S(s) => {
            out.push(S);
            put_bytes(out, s.as_bytes())
        }
        AttributeValue::N(n) => {
            out.push(N);
            put_bytes(out, n.as_bytes())
        }
        AttributeValue::B(b) => {
            out.push(B);
            put_bytes(out, b)
        }
        AttributeValue::Bool(b) => {
            out.extend_from_slice(&[BOOL, u8::from(*b)]);
            Ok(())
        }
        AttributeValue::Null => {
            out.push(NULL);
            Ok(())
        }
        AttributeValue::L(items) => {
            out.push(L);
            put_len(out, items.len())?;
            items.iter().try_for_each(|e| put_value(out, e))
        }
        AttributeValue::M(m) => {
            out.push(M);
            put_map(out, m)
        }
        AttributeValue::Ss(items) => put_strings(out, SS, items),
        AttributeValue::Ns(items) => put_strings(out, NS, items),
        AttributeValue::Bs(items) => {
            out.push(BS);
            put_len(out, items.len())?;
            items.iter().try_for_each(|b| put_bytes(out, b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_type() -> Item {
        let mut inner = Item::new();
        inner.insert(
            "k".into(),
            AttributeValue::Ns(vec!["1".into(), "2.50".into()]),
        );
        Item::from([
            ("a".to_string(), AttributeValue::S("x ü".into())),
            ("b".to_string(), AttributeValue::N("1.50".into())),
            ("c".to_string(), AttributeValue::B(vec![0, 1, 255])),
            ("d".to_string(), AttributeValue::Bool(false)),
            ("d2".to_string(), AttributeValue::Bool(true)),
            ("e".to_string(), AttributeValue::Null),
            (
                "f".to_string(),
                AttributeValue::L(vec![
                    AttributeValue::S("y".into()),
                    AttributeValue::M(inner),
                ]),
            ),
            (
                "g".to_string(),
                AttributeValue::Ss(vec!["p".into(), "q".into()]),
            ),
            ("h".to_string(), AttributeValue::Bs(vec![vec![0], vec![]])),
            ("".to_string(), AttributeValue::L(vec![])),
        ])
    }

    #[test]
    fn every_type_round_trips_and_numbers_keep_their_spelling() {
        let item = every_type();
        let wire = encode_item(&item).unwrap();
        assert_eq!(decode_item(&wire).unwrap(), item);
    }

    #[test]
    fn every_truncation_and_a_trailing_byte_are_refused() {
        let wire = encode_item(&every_type()).unwrap();
        for n in 0..wire.len() {
            assert!(
                decode_item(&wire[..n]).is_err(),
                "prefix of {n} bytes accepted"
            );
        }
        let mut long = wire.clone();
        long.push(0);
        assert!(decode_item(&long).is_err());
    }

    #[test]
    fn huge_counts_are_refused_before_reserving() {
        // An item announcing 2^32 - 1 attributes in 4 bytes, a list announcing as many values.
        assert!(matches!(
            decode_item(&[0xff; 4]),
            Err(Error::Truncated { .. })
        ));
        let list = [&[0, 0, 0, 1, 0, 0, 0, 1, b'a', L][..], &[0xff; 4]].concat();
        assert!(matches!(decode_item(&list), Err(Error::Truncated { .. })));
    }

    #[test]
    fn bad_tags_utf8_booleans_and_duplicates_are_refused() {
        let one = |value: &[u8]| [&[0, 0, 0, 1, 0, 0, 0, 1, b'a'][..], value].concat();
        assert!(decode_item(&one(&[0x0b])).is_err());
        assert!(decode_item(&one(&[BOOL, 2])).is_err());
        assert!(decode_item(&one(&[S, 0, 0, 0, 1, 0xff])).is_err());
        let dup = [
            &[0, 0, 0, 2][..],
            &[0, 0, 0, 1, b'a', NULL],
            &[0, 0, 0, 1, b'a', NULL],
        ]
        .concat();
        assert!(decode_item(&dup).is_err());
    }

    #[test]
    fn nesting_stops_at_the_depth_limit() {
        let nested = |levels: usize| {
            let mut v = AttributeValue::Null;
            for _ in 0..levels {
                v = AttributeValue::L(vec![v]);
            }
            Item::from([("a".to_string(), v)])
        };
        let ok = encode_item(&nested(MAX_DEPTH)).unwrap();
        assert!(decode_item(&ok).is_ok());
        let deep = encode_item(&nested(MAX_DEPTH + 1)).unwrap();
        assert!(matches!(decode_item(&deep), Err(Error::LimitExceeded(_))));
    }
}
