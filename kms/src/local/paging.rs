//! Paging of the list operations (AWS KMS API reference: `Limit`, `Marker`, `NextMarker`,
//! `Truncated`). Entries are listed in the order of a sort key (a key ARN, an alias ARN, a tag
//! key, a grant id, a rotation number); a page's `NextMarker` is the sort key of the first entry
//! it left out, and the next page starts at that entry. A marker is a position, not a cursor into
//! server memory, so it stays valid across restarts and processes; an entry deleted in between
//! simply is not listed.

use super::limits;
use crate::error::KmsError;
use std::collections::BTreeMap;
use std::ops::Bound;

/// One page of entries.
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub next_marker: Option<String>,
    pub truncated: bool,
}

/// The validated `Limit` and `Marker` of a request.
pub(crate) struct Window<'a> {
    pub limit: usize,
    pub marker: Option<&'a str>,
}

impl<'a> Window<'a> {
    /// Checks `limit` (`1..=max`, default `default`) and `marker`.
    pub fn new(
        limit: Option<u32>,
        marker: Option<&'a str>,
        max: u32,
        default: u32,
    ) -> Result<Self, KmsError> {
        limits::marker(marker)?;
        Ok(Window {
            limit: limits::limit(limit, max, default)?,
            marker,
        })
    }

    /// The entries of `map` whose names start with `prefix`, from the marker on (O(log n +
    /// limit) on a B-tree), mapped by `f`; `keep` filters them.
    pub fn over<V, T>(
        &self,
        map: &BTreeMap<String, V>,
        prefix: &str,
        keep: impl Fn(&str, &V) -> bool,
        f: impl Fn(&str, &V) -> T,
    ) -> Page<T> {
        let start = match self.marker {
            Some(m) if m > prefix => m,
            _ => prefix,
        };
        let iter = map
            .range::<str, _>((Bound::Included(start), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .filter(|(k, v)| keep(k, v))
            .map(|(k, v)| (k.clone(), f(k, v)));
        self.take(iter)
    }

    /// Up to `limit` entries of `(sort key, entry)`, already starting at the marker.
    pub fn take<T>(&self, mut iter: impl Iterator<Item = (String, T)>) -> Page<T> {
        let mut items = Vec::new();
        for (_, item) in iter.by_ref().take(self.limit) {
            items.push(item);
        }
        let next_marker = iter.next().map(|(k, _)| k);
        Page {
            items,
            truncated: next_marker.is_some(),
            next_marker,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(names: &[&str]) -> BTreeMap<String, ()> {
        names.iter().map(|n| (n.to_string(), ())).collect()
    }

    #[test]
    fn pages_cover_every_entry_once() {
        let m = map(&["a/1", "a/2", "a/3", "a/4", "a/5", "b/1"]);
        let mut marker: Option<String> = None;
        let mut seen = Vec::new();
        loop {
            let w = Window::new(Some(2), marker.as_deref(), 10, 5).unwrap();
            let page = w.over(&m, "a/", |_, _| true, |k, _| k.to_string());
            assert!(page.items.len() <= 2);
            seen.extend(page.items);
            assert_eq!(page.truncated, page.next_marker.is_some());
            marker = page.next_marker;
            if marker.is_none() {
                break;
            }
        }
        assert_eq!(seen, ["a/1", "a/2", "a/3", "a/4", "a/5"]);
    }

    #[test]
    fn a_marker_before_the_prefix_starts_at_the_prefix() {
        let m = map(&["a/1", "b/1", "b/2"]);
        let w = Window::new(None, Some("a/1"), 10, 5).unwrap();
        let page = w.over(&m, "b/", |_, _| true, |k, _| k.to_string());
        assert_eq!(page.items, ["b/1", "b/2"]);
        assert!(!page.truncated);
    }
}
