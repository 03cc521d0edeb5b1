//! Growing buffers that hold plaintext without leaving copies behind.
//!
//! `Vec::extend_from_slice` reallocates by copying into a new allocation and freeing the old
//! one as is, so every growth of a plaintext buffer would leave a copy of its earlier bytes in
//! freed memory (in wasm: in the module's linear memory, which JS can read). Plaintext buffers
//! grow here instead: into a new allocation, with the old one zeroized before it is freed.
//!
//! Wipes go through [`wipe`], which zeroizes the bytes as one slice (`[u8]::zeroize`, volatile
//! writes 16 bytes at a time). `Vec<u8>::zeroize`, which `Zeroizing<Vec<u8>>` calls on drop,
//! walks the elements one volatile byte write each: at 1 MiB in the browser that was 10–14 % of
//! a message's time (BENCHMARKS.md, the browser driver's copies).

use zeroize::Zeroize;

/// A buffer that holds plaintext: wiped, whole allocation, when dropped.
#[derive(Default)]
pub(crate) struct PlaintextBuf(Vec<u8>);

impl PlaintextBuf {
    /// Takes ownership of `bytes` (wiped when dropped).
    #[cfg_attr(not(feature = "wasm-lite"), allow(dead_code))] // the small modules' input
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        PlaintextBuf(bytes)
    }
}

impl core::ops::Deref for PlaintextBuf {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl core::ops::DerefMut for PlaintextBuf {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl Drop for PlaintextBuf {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Zeroizes the whole allocation of `buf` (spare capacity included) and empties it.
pub(crate) fn wipe(buf: &mut Vec<u8>) {
    buf.as_mut_slice().zeroize();
    buf.spare_capacity_mut().zeroize();
    buf.clear();
}

/// Appends `data` to the plaintext buffer `buf`; if that needs a larger allocation, the bytes
/// are moved into a new one (at least twice as large) and the old allocation is zeroized.
pub(crate) fn extend(buf: &mut Vec<u8>, data: &[u8]) {
    reserve(buf, data.len());
    buf.extend_from_slice(data);
}

/// Appends `len` zero bytes to the plaintext buffer `buf` (room that plaintext is decrypted
/// into), growing it as [`extend`] does.
pub(crate) fn extend_zeroed(buf: &mut Vec<u8>, len: usize) {
    reserve(buf, len);
    buf.resize(buf.len() + len, 0);
}

/// Makes room for `additional` more bytes in the plaintext buffer `buf` as [`extend`] does.
pub(crate) fn reserve(buf: &mut Vec<u8>, additional: usize) {
    let needed = buf.len().saturating_add(additional);
    if needed > buf.capacity() {
        let mut grown = Vec::with_capacity(needed.max(buf.capacity().saturating_mul(2)));
        grown.extend_from_slice(buf);
        wipe(buf); // the whole old allocation, spare capacity included
        *buf = grown;
    }
}

/// Zeroizes `buf[from..]` and cuts it off (plaintext that must not be released).
pub(crate) fn discard_tail(buf: &mut Vec<u8>, from: usize) {
    if let Some(tail) = buf.get_mut(from..) {
        tail.zeroize();
    }
    buf.truncate(from);
}

/// Moves the contents of `from` to the end of `to` (as [`extend`]) and zeroizes `from`.
pub(crate) fn append(to: &mut Vec<u8>, from: &mut Vec<u8>) {
    extend(to, from);
    wipe(from);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_keeps_order() {
        let mut v = Vec::new();
        for i in 0..100u8 {
            extend(&mut v, &[i; 37]);
        }
        assert_eq!(v.len(), 3700);
        assert!(v
            .chunks(37)
            .enumerate()
            .all(|(i, c)| c.iter().all(|&b| b as usize == i)));
        let mut from = vec![7u8; 10];
        append(&mut v, &mut from);
        assert!(from.is_empty());
        assert_eq!(&v[3700..], &[7u8; 10]);
    }
}
