//! One small in-place sort for the whole crate: heapsort, O(n log n) on any input (the inputs
//! include untrusted headers and items), no allocation.
//!
//! The standard library's sorts are faster on large inputs, but each element type and comparator
//! instantiates several kilobytes of code, and the small wasm module would carry one copy per call
//! site. The inputs here are encryption contexts, attribute names and set members: small.

use core::cmp::Ordering;

/// Sorts `v` by `cmp` (not stable: equal elements may be reordered).
pub(crate) fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let less = |a: &T, b: &T| cmp(a, b) == Ordering::Less;
    let sift_down = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            return;
        }
        v.swap(root, child);
        root = child;
    };
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in [0usize, 1, 2, 3, 7, 64, 257, 1000] {
            let mut v: Vec<u16> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed % 97) as u16
                })
                .collect();
            let mut expected = v.clone();
            expected.sort();
            sort_by(&mut v, |a, b| a.cmp(b));
            assert_eq!(v, expected, "len {len}");
            sort_by(&mut v, |a, b| b.cmp(a));
            expected.reverse();
            assert_eq!(v, expected, "len {len}, reversed");
        }
    }
}
