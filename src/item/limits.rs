//! Limits on the items an [`ItemEncryptor`](crate::item::ItemEncryptor) accepts, encrypting or
//! decrypting: how many attributes, how deeply `L`/`M` values nest, and how large one attribute
//! value may be. They bound the work and memory one item can cost before anything is
//! authenticated (a stored item is attacker-controlled until its signature and tags verify).
//!
//! The defaults follow DynamoDB's own limits (Amazon DynamoDB Developer Guide, "Service, account,
//! and table quotas": an item is at most 400 KB, documents nest at most 32 levels), so no item
//! DynamoDB can store is refused, except for the attribute count, which DynamoDB bounds only
//! through the item size.

use crate::error::{Error, Result};
use crate::item::config::{FOOTER_ATTRIBUTE, HEADER_ATTRIBUTE};
use crate::item::serialize::MAX_DEPTH;
use crate::item::value::{AttributeValue, Item};

/// Default [`ItemLimits::max_attributes`].
pub const DEFAULT_MAX_ATTRIBUTES: usize = 4096;
/// Default [`ItemLimits::max_depth`]: DynamoDB's nesting limit, also the most this crate allows.
pub const DEFAULT_MAX_DEPTH: usize = MAX_DEPTH;
/// Default [`ItemLimits::max_value_len`]: DynamoDB's item size limit, 400 KB (409,600 bytes).
pub const DEFAULT_MAX_VALUE_LEN: usize = 400 * 1024;

/// What encryption adds to a value: its 2-byte TypeID and the 16-byte AES-GCM tag
/// (structured-encryption/encrypt-structure.md, "Encrypted Terminal Data").
const ENCRYPTION_OVERHEAD: usize = 2 + 16;

/// The limit names of [`Error::ItemLimit`]: attribute count, nesting depth, value length.
pub mod limit {
    /// [`super::ItemLimits::max_attributes`].
    pub const ATTRIBUTES: &str = "attributes";
    /// [`super::ItemLimits::max_depth`].
    pub const DEPTH: &str = "nesting depth";
    /// [`super::ItemLimits::max_value_len`].
    pub const VALUE_LEN: &str = "value length";
}

/// The limits, checked on the item given to `encrypt_item` and on the stored item given to
/// `decrypt_item` (before any key is unwrapped) and on what it decrypts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemLimits {
    /// Attributes per item, including `aws_dbe_head` and `aws_dbe_foot` on a stored item
    /// (default 4096).
    pub max_attributes: usize,
    /// Nesting levels of `L` and `M` values: a scalar has none, `{"L": []}` and
    /// `{"L": [{"S": "x"}]}` one, `{"M": {"a": {"L": []}}}` two (default and maximum 32,
    /// DynamoDB's limit).
    pub max_depth: usize,
    /// Bytes of one attribute value: the UTF-8 length of strings and numbers, the length of
    /// binaries, summed over set members, list elements and map keys and values; one byte for a
    /// `BOOL` or `NULL` (DynamoDB's item-size rule applied to a value; default 400 KiB).
    pub max_value_len: usize,
}

impl Default for ItemLimits {
    fn default() -> Self {
        ItemLimits {
            max_attributes: DEFAULT_MAX_ATTRIBUTES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_value_len: DEFAULT_MAX_VALUE_LEN,
        }
    }
}

impl ItemLimits {
    /// Checks the limits themselves: each at least 1, `max_depth` at most 32.
    pub fn validate(&self) -> Result<()> {
        if self.max_attributes == 0 || self.max_value_len == 0 {
            return Err(Error::invalid(
                "item limits: max_attributes and max_value_len must be at least 1",
            ));
        }
        if self.max_depth > MAX_DEPTH {
            return Err(Error::invalid(format!(
                "item limits: max_depth must be at most {MAX_DEPTH} (DynamoDB's nesting limit)"
            )));
        }
        Ok(())
    }

    /// Checks a plaintext `item` against the limits; the error names the attribute, never its
    /// value.
    pub fn check(&self, item: &Item) -> Result<()> {
        if item.len() > self.max_attributes {
            return Err(self.exceeded(limit::ATTRIBUTES, item.len(), None));
        }
        for (name, value) in item {
            self.check_value(name, value, 0)?;
        }
        Ok(())
    }

    /// Checks a stored (encrypted) item: `aws_dbe_head` and `aws_dbe_foot` are not counted as
    /// attributes, and a value may be longer by the encryption overhead (a `B` value holds the
    /// TypeID and a 16-byte tag besides the plaintext), so every item `check` accepted on
    /// encrypt is accepted here.
    pub(crate) fn check_stored(&self, item: &Item) -> Result<()> {
        let count = item
            .keys()
            .filter(|k| *k != HEADER_ATTRIBUTE && *k != FOOTER_ATTRIBUTE)
            .count();
        if count > self.max_attributes {
            return Err(self.exceeded(limit::ATTRIBUTES, count, None));
        }
        for (name, value) in item {
            if name != HEADER_ATTRIBUTE && name != FOOTER_ATTRIBUTE {
                self.check_value(name, value, ENCRYPTION_OVERHEAD)?;
            }
        }
        Ok(())
    }

    /// Checks one attribute value (allowing `slack` bytes over the length limit). Iterative (an
    /// explicit stack), so a value nested deeper than any limit is refused without recursing.
    fn check_value(&self, name: &str, value: &AttributeValue, slack: usize) -> Result<()> {
        let max_len = self.max_value_len.saturating_add(slack);
        let mut len = 0usize;
        let mut stack: Vec<(&AttributeValue, usize)> = vec![(value, 0)];
        // `depth`: how many `L`/`M` values enclose `v`; a container is one more level.
        while let Some((v, depth)) = stack.pop() {
            if matches!(v, AttributeValue::L(_) | AttributeValue::M(_)) && depth >= self.max_depth {
                return Err(self.exceeded(limit::DEPTH, depth + 1, Some(name)));
            }
            len = len.saturating_add(match v {
                AttributeValue::S(s) | AttributeValue::N(s) => s.len(),
                AttributeValue::B(b) => b.len(),
                AttributeValue::Bool(_) | AttributeValue::Null => 1,
                AttributeValue::Ss(items) | AttributeValue::Ns(items) => {
                    items.iter().map(String::len).fold(0, usize::saturating_add)
                }
                AttributeValue::Bs(items) => {
                    items.iter().map(Vec::len).fold(0, usize::saturating_add)
                }
                AttributeValue::L(items) => {
                    stack.extend(items.iter().map(|i| (i, depth + 1)));
                    0
                }
                AttributeValue::M(map) => {
                    stack.extend(map.values().map(|i| (i, depth + 1)));
                    map.keys().map(String::len).fold(0, usize::saturating_add)
                }
            });
            if len > max_len {
                return Err(self.exceeded(limit::VALUE_LEN, len, Some(name)));
            }
        }
        Ok(())
    }

    fn exceeded(&self, limit: &'static str, actual: usize, attribute: Option<&str>) -> Error {
        let max = match limit {
            limit::ATTRIBUTES => self.max_attributes,
            limit::DEPTH => self.max_depth,
            _ => self.max_value_len,
        };
        Error::ItemLimit {
            limit,
            max,
            actual,
            attribute: attribute.map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::attribute_map::AttributeMap;

    fn nested(depth: usize) -> AttributeValue {
        let mut v = AttributeValue::S("x".into());
        for i in 0..depth {
            v = if i % 2 == 0 {
                AttributeValue::L(vec![v])
            } else {
                AttributeValue::M(AttributeMap::from([("k".to_string(), v)]))
            };
        }
        v
    }

    fn limit_of(r: Result<()>) -> Option<(&'static str, usize)> {
        match r {
            Err(Error::ItemLimit { limit, actual, .. }) => Some((limit, actual)),
            _ => None,
        }
    }

    #[test]
    fn each_limit_is_exact() {
        let l = ItemLimits {
            max_attributes: 2,
            max_depth: 3,
            max_value_len: 10,
        };
        let mut item = Item::new();
        item.insert("a".into(), nested(3));
        item.insert("b".into(), AttributeValue::B(vec![0; 10]));
        assert!(l.check(&item).is_ok(), "at each limit");
        item.insert("c".into(), AttributeValue::Null);
        assert_eq!(limit_of(l.check(&item)), Some((limit::ATTRIBUTES, 3)));
        item.remove("c");
        item.insert("a".into(), nested(4));
        assert_eq!(limit_of(l.check(&item)), Some((limit::DEPTH, 4)));
        // An empty container is a level too.
        let empty = |v: AttributeValue| AttributeValue::L(vec![v]);
        let four = empty(empty(empty(AttributeValue::M(AttributeMap::new()))));
        assert_eq!(
            limit_of(l.check_value("z", &four, 0)),
            Some((limit::DEPTH, 4))
        );
        item.insert(
            "a".into(),
            AttributeValue::Ss(vec!["12345".into(), "123456".into()]),
        );
        assert_eq!(limit_of(l.check(&item)), Some((limit::VALUE_LEN, 11)));
        let map = AttributeValue::M(AttributeMap::from([(
            "12345".to_string(),
            AttributeValue::S("123456".into()),
        )]));
        assert_eq!(
            limit_of(l.check_value("m", &map, 0)),
            Some((limit::VALUE_LEN, 11))
        );
    }

    #[test]
    fn a_very_deep_value_is_refused_without_recursion() {
        let deep = nested(100_000);
        let err = ItemLimits::default()
            .check_value("d", &deep, 0)
            .unwrap_err();
        assert_eq!(err.code(), "ERR_ITEM_LIMIT");
        assert!(err.to_string().contains("'d'"), "{err}");
        // Dropping it would recurse 100,000 levels: take it apart first.
        let mut v = deep;
        loop {
            v = match v {
                AttributeValue::L(mut items) => match items.pop() {
                    Some(i) => i,
                    None => break,
                },
                AttributeValue::M(m) => match m.into_iter().next() {
                    Some((_, i)) => i,
                    None => break,
                },
                _ => break,
            }
        }
    }

    #[test]
    fn limits_are_validated() {
        let bad = [
            ItemLimits {
                max_depth: 33,
                ..Default::default()
            },
            ItemLimits {
                max_attributes: 0,
                ..Default::default()
            },
            ItemLimits {
                max_value_len: 0,
                ..Default::default()
            },
        ];
        for l in bad {
            assert!(l.validate().is_err(), "{l:?}");
        }
        assert!(ItemLimits::default().validate().is_ok());
    }
}
