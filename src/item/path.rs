//! Canonical paths and their order (DB-ESDK spec: structured-encryption/header.md#canonical-path).

use std::cmp::Ordering;

use crate::codec::Writer;

/// `canon(attr) = UTF8(table) ‖ u64be(1) ‖ '$' ‖ u64be(len) ‖ UTF8(attr)`.
///
/// ⚠ `len` is the name's length in UTF-16 code units (Dafny `|key|`), not its UTF-8 byte length.
pub fn canonical_path(table_name: &str, attribute: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(table_name.len() + 17 + attribute.len());
    out.extend_from_slice(table_name.as_bytes());
    out.put_u64(1); // depth: top-level attributes only
    out.push(b'$');
    out.put_u64(utf16_len(attribute) as u64);
    out.extend_from_slice(attribute.as_bytes());
    out
}

/// The name's length in UTF-16 code units, counted on the UTF-8 bytes: one unit per character
/// (every byte that is not a continuation byte `10xxxxxx`) and a second one for each character
/// outside the BMP (lead byte `11110xxx`). The sort of every item calls it per comparison.
pub fn utf16_len(s: &str) -> usize {
    s.bytes()
        .map(|b| usize::from(b & 0xc0 != 0x80) + usize::from(b >= 0xf0))
        .sum()
}

/// Orders top-level attributes as their canonical paths' bytes would sort: the table-name prefix is
/// shared, so the order is by UTF-16 length first, then by UTF-8 bytes (shorter names first).
pub fn cmp_attributes(a: &str, b: &str) -> Ordering {
    utf16_len(a)
        .cmp(&utf16_len(b))
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// Sorts attribute names into canonical order.
pub fn sort_canonical<T, F: Fn(&T) -> &str>(items: &mut [T], name: F) {
    crate::sort::sort_by(items, |a, b| cmp_attributes(name(a), name(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorter_names_first_and_utf16_lengths() {
        let mut names = vec!["RecNum", "Stuff", "Junk"];
        sort_canonical(&mut names, |s| s);
        assert_eq!(names, ["Junk", "Stuff", "RecNum"]);
        assert_eq!(utf16_len("😀x"), 3);
        for s in [
            "",
            "a",
            "ñ",
            "日本",
            "😀x",
            "a\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}",
        ] {
            assert_eq!(utf16_len(s), s.encode_utf16().count(), "{s:?}");
        }
        let p = canonical_path("t", "😀x");
        assert_eq!(&p[10..18], &3u64.to_be_bytes());
        // The comparator agrees with sorting the canonical path bytes.
        let names = ["😀x", "abcd", "ab", "ñ", "日本", "zz"];
        let mut by_bytes: Vec<&str> = names.to_vec();
        by_bytes.sort_by_key(|n| canonical_path("t", n));
        let mut by_cmp: Vec<&str> = names.to_vec();
        sort_canonical(&mut by_cmp, |s| s);
        assert_eq!(by_bytes, by_cmp);
    }
}
