//! Helpers for the item tests: the vectors' simplified JSON, comparison, keyrings and configs.
#![allow(dead_code)]

use sealkit::item::AttributeMap;
use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use sealkit::item::json::value_from_json;
use sealkit::item::number::normalize;
use sealkit::item::{AttributeValue, CryptoAction, Item, ItemEncryptorConfig};
use sealkit::keyring::hierarchical::{BranchKey, HierarchicalKeyring, StaticBranchKeyStore};
use sealkit::{Keyring, RawAesKeyring};
use serde_json::Value;

pub fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .expect("base64")
}

/// The vectors' "simplified" values: a bare string is S, a bare number is N, otherwise typed
/// DynamoDB JSON whose L/M members and NS members may again be simplified.
pub fn simplified_value(v: &Value) -> AttributeValue {
    match v {
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::Object(o) if o.len() == 1 => {
            let (tag, inner) = o.iter().next().expect("one key");
            match tag.as_str() {
                "L" => AttributeValue::L(
                    inner
                        .as_array()
                        .expect("L array")
                        .iter()
                        .map(simplified_value)
                        .collect(),
                ),
                "M" => AttributeValue::M(
                    inner
                        .as_object()
                        .expect("M object")
                        .iter()
                        .map(|(k, v)| (k.clone(), simplified_value(v)))
                        .collect(),
                ),
                "NS" => AttributeValue::Ns(
                    inner
                        .as_array()
                        .expect("NS array")
                        .iter()
                        .map(|n| match n {
                            Value::String(s) => s.clone(),
                            Value::Number(n) => n.to_string(),
                            other => panic!("bad NS member {other}"),
                        })
                        .collect(),
                ),
                _ => value_from_json(v).expect("typed value"),
            }
        }
        other => panic!("unsupported simplified value {other}"),
    }
}

pub fn simplified_item(v: &Value) -> Item {
    v.as_object()
        .expect("item object")
        .iter()
        .map(|(k, v)| (k.clone(), simplified_value(v)))
        .collect()
}

/// A value as DynamoDB would store it: numbers normalized, sets sorted.
pub fn canonical_value(v: &AttributeValue) -> AttributeValue {
    match v {
        AttributeValue::N(n) => AttributeValue::N(normalize(n).expect("number")),
        AttributeValue::Ns(ns) => {
            let mut v: Vec<String> = ns.iter().map(|n| normalize(n).expect("number")).collect();
            v.sort();
            AttributeValue::Ns(v)
        }
        AttributeValue::Ss(ss) => {
            let mut v = ss.clone();
            v.sort();
            AttributeValue::Ss(v)
        }
        AttributeValue::Bs(bs) => {
            let mut v = bs.clone();
            v.sort();
            AttributeValue::Bs(v)
        }
        AttributeValue::L(l) => AttributeValue::L(l.iter().map(canonical_value).collect()),
        AttributeValue::M(m) => AttributeValue::M(
            m.iter()
                .map(|(k, v)| (k.clone(), canonical_value(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

pub fn canonical_item(item: &Item) -> Item {
    item.iter()
        .map(|(k, v)| (k.clone(), canonical_value(v)))
        .collect()
}

/// The hierarchical keyring over `keys.json` → `static-branch-key-1`.
pub fn static_branch_keyring(keys_json: &Path) -> Arc<dyn Keyring> {
    let keys = crate::support::read_json(keys_json);
    let k = &keys["keys"]["static-branch-key-1"];
    let id = k["key-id"].as_str().expect("key-id");
    let bk = BranchKey::new(
        id,
        k["branchKeyVersion"].as_str().expect("version"),
        &b64(k["branchKey"].as_str().expect("key")),
    )
    .expect("branch key");
    Arc::new(
        HierarchicalKeyring::new(Arc::new(StaticBranchKeyStore::new(bk)), id).expect("keyring"),
    )
}

pub fn raw_aes_keyring(desc: &Value) -> Arc<dyn Keyring> {
    Arc::new(
        RawAesKeyring::new(
            desc["keyNamespace"].as_str().expect("ns"),
            desc["keyName"].as_str().expect("name"),
            &b64(desc["key"].as_str().expect("key")),
        )
        .expect("raw aes"),
    )
}

/// A vector "config" object → encryptor config; `defaults` = (table, partition key, sort key).
pub fn config_from_json(
    cfg: &Value,
    defaults: (&str, &str, Option<&str>),
    keyring: Arc<dyn Keyring>,
) -> ItemEncryptorConfig {
    let table = cfg["logicalTableName"].as_str().unwrap_or(defaults.0);
    let pk = cfg["partitionKeyName"].as_str().unwrap_or(defaults.1);
    let mut c = ItemEncryptorConfig::new(table, pk, keyring);
    c.sort_key = cfg["sortKeyName"]
        .as_str()
        .or(defaults.2)
        .map(str::to_owned);
    let actions: AttributeMap<CryptoAction> = cfg["attributeActionsOnEncrypt"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().expect("action").parse().expect("action"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    c.attribute_actions = actions;
    if let Some(list) = cfg["allowedUnsignedAttributes"].as_array() {
        c.allowed_unsigned_attributes = list
            .iter()
            .map(|v| v.as_str().expect("name").to_owned())
            .collect();
    }
    c.allowed_unsigned_attribute_prefix = cfg["allowedUnsignedAttributePrefix"]
        .as_str()
        .map(str::to_owned);
    if let Some(id) = cfg["algorithmSuiteId"].as_str() {
        c.algorithm_suite_id = parse_suite(id);
    }
    c
}

pub fn parse_suite(s: &str) -> u16 {
    match s {
        "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384_SYMSIG_HMAC_SHA384" => 0x6701,
        "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_SYMSIG_HMAC_SHA384" => 0x6700,
        other => u16::from_str_radix(other.trim_start_matches("0x"), 16)
            .unwrap_or_else(|_| panic!("suite {other}")),
    }
}
