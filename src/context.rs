//! Encryption context: canonical serialization (spec: framework/structures.md#serialization).
//!
//! [`EncryptionContext`] keeps its pairs sorted by the keys' UTF-8 bytes, which is exactly the
//! canonical order the format needs (not UTF-16 order, the JS ESDK's old bug).

use crate::codec::{Reader, Writer};
use crate::error::{Error, Result};

/// An encryption context: non-secret key/value pairs bound to a message as AAD, with unique keys
/// kept in ascending byte order (the order they are serialized in).
///
/// A sorted vector with map-like methods rather than a `BTreeMap`: contexts hold a handful of
/// pairs, and the wasm modules are about 10 KB smaller without `BTreeMap`'s code.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EncryptionContext {
    pairs: Vec<(String, String)>,
}

/// The pairs of an [`EncryptionContext`] in key order.
pub type Iter<'a> = core::iter::Map<
    core::slice::Iter<'a, (String, String)>,
    fn(&'a (String, String)) -> (&'a String, &'a String),
>;

fn pair_refs(pair: &(String, String)) -> (&String, &String) {
    (&pair.0, &pair.1)
}

impl EncryptionContext {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    fn position(&self, key: &str) -> core::result::Result<usize, usize> {
        self.pairs.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Option<&String> {
        self.position(key).ok().map(|i| &self.pairs[i].1)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        // Pairs usually arrive in order: append without searching.
        if self.pairs.last().is_none_or(|(last, _)| *last < key) {
            self.pairs.push((key, value));
            return None;
        }
        match self.position(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.pairs[i].1, value)),
            Err(i) => {
                self.pairs.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.position(key).ok().map(|i| self.pairs.remove(i).1)
    }

    /// Keeps the pairs for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut String) -> bool) {
        self.pairs.retain_mut(|(k, v)| keep(k, v));
    }

    /// The pairs in key order.
    pub fn iter(&self) -> Iter<'_> {
        self.pairs
            .iter()
            .map(pair_refs as fn(&(String, String)) -> (&String, &String))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.pairs.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.pairs.iter().map(|(_, v)| v)
    }

    /// Builds a context from pairs in any order, rejecting duplicate keys: `Err(key)`.
    /// O(n log n) whatever the order (it runs on untrusted message headers).
    fn from_unique_pairs(mut pairs: Vec<(String, String)>) -> core::result::Result<Self, String> {
        if !pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            crate::sort::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
            if let Some(w) = pairs.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(w[0].0.clone());
            }
        }
        Ok(EncryptionContext { pairs })
    }
}

impl core::fmt::Debug for EncryptionContext {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(String, String)> for EncryptionContext {
    /// Later pairs replace earlier ones with the same key (as a map's `collect`).
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        let mut ec = EncryptionContext::new();
        ec.extend(iter);
        ec
    }
}

impl Extend<(String, String)> for EncryptionContext {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl IntoIterator for EncryptionContext {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.pairs.into_iter()
    }
}

impl<'a> IntoIterator for &'a EncryptionContext {
    type Item = (&'a String, &'a String);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl From<std::collections::BTreeMap<String, String>> for EncryptionContext {
    fn from(map: std::collections::BTreeMap<String, String>) -> Self {
        // Already in key order, keys unique.
        EncryptionContext {
            pairs: map.into_iter().collect(),
        }
    }
}

impl From<EncryptionContext> for std::collections::BTreeMap<String, String> {
    fn from(ec: EncryptionContext) -> Self {
        ec.pairs.into_iter().collect()
    }
}

impl<const N: usize> From<[(String, String); N]> for EncryptionContext {
    fn from(pairs: [(String, String); N]) -> Self {
        pairs.into_iter().collect()
    }
}

/// A set of encryption-context keys (the required, authenticated-only ones), kept sorted and
/// unique, with the set methods sealkit uses (a sorted vector, for the reason given at
/// [`EncryptionContext`]).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct ContextKeys {
    keys: Vec<String>,
}

impl ContextKeys {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether `key` is in the set.
    pub fn contains(&self, key: &str) -> bool {
        self.keys.binary_search_by(|k| k.as_str().cmp(key)).is_ok()
    }

    /// Adds `key`; false if it was there already.
    pub fn insert(&mut self, key: String) -> bool {
        match self.keys.binary_search(&key) {
            Ok(_) => false,
            Err(i) => {
                self.keys.insert(i, key);
                true
            }
        }
    }

    /// The keys in order.
    pub fn iter(&self) -> core::slice::Iter<'_, String> {
        self.keys.iter()
    }
}

impl core::fmt::Debug for ContextKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<String> for ContextKeys {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        let mut keys = ContextKeys::new();
        keys.extend(iter);
        keys
    }
}

impl Extend<String> for ContextKeys {
    fn extend<I: IntoIterator<Item = String>>(&mut self, iter: I) {
        for k in iter {
            self.insert(k);
        }
    }
}

impl<'a> IntoIterator for &'a ContextKeys {
    type Item = &'a String;
    type IntoIter = core::slice::Iter<'a, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Prefix of keys reserved for the SDK itself.
pub const RESERVED_PREFIX: &str = "aws-crypto-";
/// Key under which signing suites store the base64 compressed public key.
pub const PUBLIC_KEY_FIELD: &str = "aws-crypto-public-key";

/// Serializes a context canonically. The empty context is zero bytes (not a zero count).
pub fn serialize(ec: &EncryptionContext) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    if ec.is_empty() {
        return Ok(out);
    }
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
    if out.len() > u16::MAX as usize {
        return Err(Error::LimitExceeded(format!(
            "serialized encryption context is {} bytes; the maximum is 65535",
            out.len()
        )));
    }
    Ok(out)
}

/// Parses a serialized context (the content of the header's AAD field).
///
/// The field is complete, so a short read inside it is malformation, not truncation.
pub fn parse(bytes: &[u8]) -> Result<EncryptionContext> {
    parse_pairs(bytes).map_err(|e| match e {
        Error::Truncated { field } => Error::malformed(field, "pair lengths overrun the AAD field"),
        e => e,
    })
}

fn parse_pairs(bytes: &[u8]) -> Result<EncryptionContext> {
    const FIELD: &str = "header.encryption_context";
    if bytes.is_empty() {
        return Ok(EncryptionContext::new());
    }
    let mut r = Reader::new(bytes);
    let count = r.u16(FIELD)?;
    if count == 0 {
        return Err(Error::malformed(
            FIELD,
            "non-empty AAD field with a pair count of 0",
        ));
    }
    let mut pairs = Vec::with_capacity(usize::from(count).min(r.remaining() / 4));
    for _ in 0..count {
        let k = r.u16_prefixed_str(FIELD)?;
        let v = r.u16_prefixed_str(FIELD)?;
        pairs.push((k.to_owned(), v.to_owned()));
    }
    r.expect_end(FIELD)?;
    EncryptionContext::from_unique_pairs(pairs)
        .map_err(|k| Error::malformed(FIELD, format!("duplicate key '{k}'")))
}

/// Refuses caller-supplied keys in the reserved `aws-crypto-` namespace.
pub fn check_no_reserved_keys(ec: &EncryptionContext) -> Result<()> {
    match ec.keys().find(|k| k.starts_with(RESERVED_PREFIX)) {
        Some(k) => Err(Error::ReservedContextKey(k.clone())),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_zero_bytes_and_sort_is_utf8_bytewise() {
        assert!(serialize(&EncryptionContext::new()).unwrap().is_empty());
        let mut ec = EncryptionContext::new();
        ec.insert("\u{10000}".into(), "a".into()); // F0 90 80 80
        ec.insert("\u{ffff}".into(), "b".into()); // EF BF BF: sorts first bytewise
        let bytes = serialize(&ec).unwrap();
        assert_eq!(&bytes[..5], &[0, 2, 0, 3, 0xEF]);
        assert_eq!(parse(&bytes).unwrap(), ec);
    }

    /// A serialized context with the pairs in the given order (not necessarily canonical).
    fn wire(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        out.put_u16(pairs.len() as u16);
        for (k, v) in pairs {
            out.put_u16_prefixed(k.as_bytes(), "k").unwrap();
            out.put_u16_prefixed(v.as_bytes(), "v").unwrap();
        }
        out
    }

    #[test]
    fn parse_orders_any_input_like_a_btreemap() {
        // A small deterministic generator (xorshift): many sizes and orders, duplicates too.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in 0..200usize {
            let keys: Vec<String> = (0..n).map(|_| format!("k{}", next() % 97)).collect();
            let pairs: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), "v")).collect();
            let reference: std::collections::BTreeMap<String, String> =
                keys.iter().map(|k| (k.clone(), "v".to_string())).collect();
            let parsed = parse(&wire(&pairs));
            if n == 0 {
                assert!(parsed.is_err(), "zero count");
            } else if reference.len() < n {
                assert!(parsed.is_err(), "duplicate keys must be rejected (n = {n})");
            } else {
                let parsed = parsed.unwrap();
                assert_eq!(std::collections::BTreeMap::from(parsed.clone()), reference);
                assert!(parsed.keys().zip(parsed.keys().skip(1)).all(|(a, b)| a < b));
            }
        }
    }

    #[test]
    fn map_and_set_methods() {
        let mut ec = EncryptionContext::new();
        assert_eq!(ec.insert("b".into(), "1".into()), None);
        assert_eq!(ec.insert("a".into(), "2".into()), None);
        assert_eq!(ec.insert("b".into(), "3".into()), Some("1".into()));
        assert_eq!(ec.get("b").map(String::as_str), Some("3"));
        assert!(ec.contains_key("a") && !ec.contains_key("c"));
        assert_eq!(ec.keys().cloned().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(format!("{ec:?}"), r#"{"a": "2", "b": "3"}"#);
        assert_eq!(ec.remove("a"), Some("2".into()));
        assert_eq!(ec.len(), 1);
        let mut keys: ContextKeys = ["z".to_string(), "y".into(), "z".into()]
            .into_iter()
            .collect();
        assert!(!keys.insert("y".into()));
        assert!(keys.contains("z") && !keys.contains("x"));
        assert_eq!(keys.iter().cloned().collect::<Vec<_>>(), ["y", "z"]);
    }

    #[test]
    fn duplicates_and_zero_count_rejected() {
        assert!(parse(&[0, 0]).is_err());
        assert!(parse(&[0, 2, 0, 1, b'a', 0, 0, 0, 1, b'a', 0, 0]).is_err());
    }
}
