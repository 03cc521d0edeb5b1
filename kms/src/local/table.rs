//! A map of the local KMS state (keys, material sets or aliases) that remembers what one
//! operation changed: the value each touched name had before its first change. That journal is
//! what makes an operation a transaction: [`Table::rollback`] puts the old values back when the
//! change could not be committed, and [`Table::touched`] names the only rows a store has to write
//! (never the whole state).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// A `BTreeMap<String, V>` whose changes are journaled until [`Table::settle`].
#[derive(Debug, Clone)]
pub(crate) struct Table<V> {
    map: BTreeMap<String, V>,
    /// Name → value before the first change since the last settle (`None`: it was absent).
    journal: BTreeMap<String, Option<V>>,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            map: BTreeMap::new(),
            journal: BTreeMap::new(),
        }
    }
}

impl<V: Clone> Table<V> {
    fn note(&mut self, name: &str) {
        if !self.journal.contains_key(name) {
            self.journal
                .insert(name.to_string(), self.map.get(name).cloned());
        }
    }

    /// Inserts or replaces `name`.
    pub fn insert(&mut self, name: String, value: V) {
        self.note(&name);
        self.map.insert(name, value);
    }

    /// Removes `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<V> {
        if !self.map.contains_key(name) {
            return None;
        }
        self.note(name);
        self.map.remove(name)
    }

    /// The value of `name`, to change (journaled as changed even if the caller does not).
    pub fn get_mut(&mut self, name: &str) -> Option<&mut V> {
        if !self.map.contains_key(name) {
            return None;
        }
        self.note(name);
        self.map.get_mut(name)
    }

    /// Removes every entry for which `keep` is false.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &V) -> bool) {
        let gone: Vec<String> = self
            .map
            .iter()
            .filter(|(k, v)| !keep(k, v))
            .map(|(k, _)| k.clone())
            .collect();
        for k in gone {
            self.remove(&k);
        }
    }

    /// Names changed since the last [`settle`](Self::settle).
    pub fn touched(&self) -> impl Iterator<Item = &str> {
        self.journal.keys().map(String::as_str)
    }

    /// Whether anything changed since the last settle.
    pub fn is_dirty(&self) -> bool {
        !self.journal.is_empty()
    }

    /// Forgets the journal: the changes are committed.
    pub fn settle(&mut self) {
        self.journal.clear();
    }

    /// Undoes every change since the last settle.
    pub fn rollback(&mut self) {
        for (k, old) in std::mem::take(&mut self.journal) {
            match old {
                Some(v) => {
                    self.map.insert(k, v);
                }
                None => {
                    self.map.remove(&k);
                }
            }
        }
    }

    /// Sets `name` to a value read back from a store (another process's committed change), or
    /// removes it for `None`; not journaled, since it is already committed.
    pub fn load(&mut self, name: String, value: Option<V>) {
        match value {
            Some(v) => {
                self.map.insert(name, v);
            }
            None => {
                self.map.remove(&name);
            }
        }
    }
}

impl<V> core::ops::Deref for Table<V> {
    type Target = BTreeMap<String, V>;
    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl<V: Serialize> Serialize for Table<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(s)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Table<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Table {
            map: BTreeMap::deserialize(d)?,
            journal: BTreeMap::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollback_restores_inserted_replaced_and_removed_names() {
        let mut t: Table<u32> = Table::default();
        t.insert("a".into(), 1);
        t.insert("b".into(), 2);
        t.settle();
        t.insert("a".into(), 10);
        t.insert("c".into(), 3);
        t.remove("b");
        *t.get_mut("a").unwrap() = 11;
        assert_eq!(t.touched().collect::<Vec<_>>(), ["a", "b", "c"]);
        t.rollback();
        assert_eq!(t.get("a"), Some(&1));
        assert_eq!(t.get("b"), Some(&2));
        assert_eq!(t.get("c"), None);
        assert!(!t.is_dirty());
    }

    #[test]
    fn settle_keeps_changes_and_reads_do_not_journal() {
        let mut t: Table<u32> = Table::default();
        t.insert("a".into(), 1);
        t.settle();
        let _ = t.get("a");
        assert!(t.get_mut("missing").is_none());
        assert!(t.remove("missing").is_none());
        assert!(!t.is_dirty());
        t.retain(|_, v| *v != 1);
        assert!(t.is_dirty());
        t.settle();
        t.rollback();
        assert!(t.is_empty());
    }
}
