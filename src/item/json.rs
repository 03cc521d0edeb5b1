//! DynamoDB JSON ⇄ [`AttributeValue`]: `{"S": "x"}`, `{"N": "1"}`, `{"B": "<base64>"}`, `{"BOOL": true}`,
//! `{"NULL": true}`, `{"L": [...]}`, `{"M": {...}}`, `{"SS": [...]}`, `{"NS": [...]}`, `{"BS": [...]}`
//! (the wire format of the DynamoDB API and of `aws dynamodb` CLI output).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::item::attribute_map::AttributeMap;
use crate::item::serialize::MAX_DEPTH;
use crate::item::value::{AttributeValue, Item};

/// Parses a DynamoDB-JSON item (an object of attribute name → typed value).
pub fn item_from_json(json: &Value) -> Result<Item> {
    let obj = json
        .as_object()
        .ok_or_else(|| Error::invalid("a DynamoDB item must be a JSON object"))?;
    obj.iter()
        .map(|(k, v)| Ok((k.clone(), value_at(v, k, 0)?)))
        .collect()
}

/// Parses a DynamoDB-JSON item from text.
pub fn item_from_json_str(text: &str) -> Result<Item> {
    let json: Value = serde_json::from_str(text)
        .map_err(|e| Error::invalid(format!("item is not valid JSON: {e}")))?;
    item_from_json(&json)
}

/// Parses one typed value such as `{"S": "x"}`.
pub fn value_from_json(json: &Value) -> Result<AttributeValue> {
    value_at(json, "value", 0)
}

/// Renders an item as DynamoDB JSON.
pub fn item_to_json(item: &Item) -> Value {
    Value::Object(
        item.iter()
            .map(|(k, v)| (k.clone(), value_to_json(v)))
            .collect(),
    )
}

/// Renders one value as DynamoDB JSON.
pub fn value_to_json(value: &AttributeValue) -> Value {
    let (tag, inner) = match value {
        AttributeValue::S(s) => ("S", Value::String(s.clone())),
        AttributeValue::N(n) => ("N", Value::String(n.clone())),
        AttributeValue::B(b) => ("B", Value::String(B64.encode(b))),
        AttributeValue::Bool(b) => ("BOOL", Value::Bool(*b)),
        AttributeValue::Null => ("NULL", Value::Bool(true)),
        AttributeValue::L(items) => ("L", Value::Array(items.iter().map(value_to_json).collect())),
        AttributeValue::M(m) => (
            "M",
            Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), value_to_json(v)))
                    .collect(),
            ),
        ),
        AttributeValue::Ss(items) => (
            "SS",
            Value::Array(items.iter().cloned().map(Value::String).collect()),
        ),
        AttributeValue::Ns(items) => (
            "NS",
            Value::Array(items.iter().cloned().map(Value::String).collect()),
        ),
        AttributeValue::Bs(items) => (
            "BS",
            Value::Array(items.iter().map(|b| Value::String(B64.encode(b))).collect()),
        ),
    };
    let mut obj = Map::new();
    obj.insert(tag.to_string(), inner);
    Value::Object(obj)
}

fn value_at(json: &Value, path: &str, depth: usize) -> Result<AttributeValue> {
    let bad = |why: String| Error::invalid(format!("attribute '{path}': {why}"));
    if depth > MAX_DEPTH {
        return Err(bad(format!("nested deeper than {MAX_DEPTH} levels")));
    }
    let obj = json
        .as_object()
        .ok_or_else(|| bad("expected a typed value such as {\"S\": \"…\"}".into()))?;
    if obj.len() != 1 {
        return Err(bad(format!(
            "a typed value has exactly one key, found {}",
            obj.len()
        )));
    }
    let Some((tag, inner)) = obj.iter().next() else {
        return Err(bad("empty typed value".into()));
    };
    let string = |v: &Value| {
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| bad(format!("{tag} needs a string")))
    };
    // DynamoDB JSON writes numbers as strings; a bare JSON number is accepted too.
    let number = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(bad(format!("{tag} needs a number string"))),
    };
    let binary = |v: &Value| {
        let s = v
            .as_str()
            .ok_or_else(|| bad(format!("{tag} needs a base64 string")))?;
        B64.decode(s)
            .map_err(|_| bad(format!("{tag} is not valid base64")))
    };
    let array = |v: &Value| {
        v.as_array()
            .cloned()
            .ok_or_else(|| bad(format!("{tag} needs an array")))
    };
    Ok(match tag.as_str() {
        "S" => AttributeValue::S(string(inner)?),
        "N" => AttributeValue::N(number(inner)?),
        "B" => AttributeValue::B(binary(inner)?),
        "BOOL" => AttributeValue::Bool(
            inner
                .as_bool()
                .ok_or_else(|| bad("BOOL needs true or false".into()))?,
        ),
        "NULL" => match inner {
            Value::Bool(true) => AttributeValue::Null,
            _ => return Err(bad("NULL must be true".into())),
        },
        "SS" => AttributeValue::Ss(array(inner)?.iter().map(string).collect::<Result<_>>()?),
        "NS" => AttributeValue::Ns(array(inner)?.iter().map(number).collect::<Result<_>>()?),
        "BS" => AttributeValue::Bs(array(inner)?.iter().map(binary).collect::<Result<_>>()?),
        "L" => AttributeValue::L(
            array(inner)?
                .iter()
                .enumerate()
                .map(|(i, v)| value_at(v, &format!("{path}[{i}]"), depth + 1))
                .collect::<Result<_>>()?,
        ),
        "M" => {
            let m = inner
                .as_object()
                .ok_or_else(|| bad("M needs an object".into()))?;
            AttributeValue::M(
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), value_at(v, &format!("{path}.{k}"), depth + 1)?)))
                    .collect::<Result<AttributeMap<_>>>()?,
            )
        }
        other => return Err(bad(format!("unknown DynamoDB type '{other}'"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_all_types() {
        let text = r#"{"a":{"S":"x"},"b":{"N":"1.50"},"c":{"B":"AAE="},"d":{"BOOL":false},"e":{"NULL":true},
            "f":{"L":[{"S":"y"},{"M":{"k":{"NS":["1","2"]}}}]},"g":{"SS":["p","q"]},"h":{"BS":["AA==",""]}}"#;
        let item = item_from_json_str(text).unwrap();
        assert_eq!(item_from_json(&item_to_json(&item)).unwrap(), item);
        assert!(item_from_json_str(r#"{"a":{"X":"1"}}"#)
            .unwrap_err()
            .to_string()
            .contains("'a'"));
        assert!(item_from_json_str(r#"{"a":{"S":"1","N":"1"}}"#).is_err());
    }
}
