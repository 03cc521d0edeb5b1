//! Maps keyed by attribute name: items, `M` values, attribute actions and name sets.
//!
//! A vector kept sorted by name (byte order, as `BTreeMap<String, _>` orders), with the map
//! methods items use, rather than a `BTreeMap`: items hold tens of attributes, and `BTreeMap`'s
//! node code is about a tenth of the items wasm module (BENCHMARKS.md, bundle size).
//!
//! Inserting names in ascending order (how decoders meet them) appends; building from any
//! order through [`FromIterator`] sorts once, so no input costs more than O(n log n).

use core::fmt;

use crate::sort::sort_by;

/// A map of attribute names to `V`, in ascending name order.
#[derive(Clone, PartialEq, Eq)]
pub struct AttributeMap<V> {
    entries: Vec<(String, V)>,
}

/// The entries of an [`AttributeMap`] in name order.
pub type Iter<'a, V> =
    core::iter::Map<core::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> (&'a String, &'a V)>;

fn entry_refs<V>(e: &(String, V)) -> (&String, &V) {
    (&e.0, &e.1)
}

impl<V> Default for AttributeMap<V> {
    fn default() -> Self {
        AttributeMap {
            entries: Vec::new(),
        }
    }
}

impl<V> AttributeMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        // Appending in order is the common case: check the end before searching.
        match self.entries.last() {
            None => Err(0),
            Some((last, _)) if last.as_str() < name => Err(self.entries.len()),
            _ => self.entries.binary_search_by(|(k, _)| k.as_str().cmp(name)),
        }
    }

    /// The value stored under `name`.
    pub fn get(&self, name: &str) -> Option<&V> {
        self.position(name).ok().map(|i| &self.entries[i].1)
    }

    /// The value stored under `name`, mutably.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut V> {
        match self.position(name) {
            Ok(i) => Some(&mut self.entries[i].1),
            Err(_) => None,
        }
    }

    /// Whether `name` is present.
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// Sets `name` to `value`; returns the value it replaces.
    pub fn insert(&mut self, name: String, value: V) -> Option<V> {
        match self.position(&name) {
            Ok(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (name, value));
                None
            }
        }
    }

    /// Removes `name`; returns its value.
    pub fn remove(&mut self, name: &str) -> Option<V> {
        self.position(name).ok().map(|i| self.entries.remove(i).1)
    }

    /// The entries in name order.
    pub fn iter(&self) -> Iter<'_, V> {
        self.entries
            .iter()
            .map(entry_refs as fn(&(String, V)) -> (&String, &V))
    }

    /// The names in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in name order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<V> FromIterator<(String, V)> for AttributeMap<V> {
    /// Sorts once; of repeated names the last value wins, as with repeated [`insert`](Self::insert).
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut numbered: Vec<(usize, (String, V))> = iter.into_iter().enumerate().collect();
        sort_by(&mut numbered, |(i, (a, _)), (j, (b, _))| {
            a.cmp(b).then(i.cmp(j))
        });
        let mut entries: Vec<(String, V)> = Vec::with_capacity(numbered.len());
        for (_, (name, value)) in numbered {
            match entries.last_mut() {
                Some(last) if last.0 == name => last.1 = value,
                _ => entries.push((name, value)),
            }
        }
        AttributeMap { entries }
    }
}

impl<V> Extend<(String, V)> for AttributeMap<V> {
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, iter: I) {
        for (name, value) in iter {
            self.insert(name, value);
        }
    }
}

impl<V, const N: usize> From<[(String, V); N]> for AttributeMap<V> {
    fn from(entries: [(String, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<V> IntoIterator for AttributeMap<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a AttributeMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = Iter<'a, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<V> core::ops::Index<&str> for AttributeMap<V> {
    type Output = V;
    /// The value under `name`; panics when it is absent, as `BTreeMap`'s index does (use
    /// [`get`](AttributeMap::get) on names that may be missing).
    fn index(&self, name: &str) -> &V {
        match self.get(name) {
            Some(v) => v,
            None => panic!("no attribute named {name:?}"),
        }
    }
}

impl<V: fmt::Debug> fmt::Debug for AttributeMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A set of attribute names, in ascending order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AttributeNames(AttributeMap<()>);

impl AttributeNames {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name`; returns whether it was new.
    pub fn insert(&mut self, name: String) -> bool {
        self.0.insert(name, ()).is_none()
    }

    /// Whether `name` is in the set.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.0.keys()
    }
}

impl FromIterator<String> for AttributeNames {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        AttributeNames(iter.into_iter().map(|n| (n, ())).collect())
    }
}

impl Extend<String> for AttributeNames {
    fn extend<I: IntoIterator<Item = String>>(&mut self, iter: I) {
        iter.into_iter().for_each(|n| {
            self.insert(n);
        });
    }
}

impl fmt::Debug for AttributeNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Every operation agrees with `BTreeMap` on a sequence with repeats, in and out of order.
    #[test]
    fn behaves_like_a_btree_map() {
        let names = ["m", "b", "z", "b", "a", "", "zz", "m", "ä", "B"];
        let mut ours = AttributeMap::new();
        let mut theirs = BTreeMap::new();
        for (i, n) in names.iter().enumerate() {
            assert_eq!(
                ours.insert(n.to_string(), i),
                theirs.insert(n.to_string(), i)
            );
            assert_eq!(ours.len(), theirs.len());
        }
        assert!(ours.iter().eq(theirs.iter()));
        for n in names.iter().chain(&["q", "zzz"]) {
            assert_eq!(ours.get(n), theirs.get(*n));
            assert_eq!(ours.contains_key(n), theirs.contains_key(*n));
        }
        assert_eq!(ours.remove("m"), theirs.remove("m"));
        assert_eq!(ours.remove("m"), None);
        assert!(ours.iter().eq(theirs.iter()));
        let collected: AttributeMap<usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), i))
            .collect();
        let reference: BTreeMap<String, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), i))
            .collect();
        assert!(
            collected.iter().eq(reference.iter()),
            "the last repeat wins"
        );
        assert_eq!(collected["b"], 3);
        assert_eq!(format!("{collected:?}"), format!("{reference:?}"));
    }

    #[test]
    fn names_are_a_sorted_set() {
        let mut set: AttributeNames = ["b", "a", "b"].iter().map(|s| s.to_string()).collect();
        assert_eq!(set.len(), 2);
        assert!(set.insert("c".into()));
        assert!(!set.insert("a".into()));
        assert!(set.contains("c") && !set.contains("d"));
        assert_eq!(
            set.iter().map(String::as_str).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(format!("{set:?}"), r#"{"a", "b", "c"}"#);
    }
}
