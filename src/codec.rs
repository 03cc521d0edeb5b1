//! The byte codec: a bounds-checked reader cursor and length-prefixed writers.
//!
//! Every wire structure is read through [`Reader`], which never panics and never allocates
//! from an unchecked length: a length is only used after the bytes it announces are present.

use crate::error::{Error, Result};

/// A cursor over untrusted bytes. All reads are checked; a short read is [`Error::Truncated`].
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading at the beginning of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The unread rest of the input.
    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    /// The bytes consumed between `start` (an earlier [`position`](Self::position)) and now.
    pub fn consumed_since(&self, start: usize) -> &'a [u8] {
        &self.buf[start.min(self.pos)..self.pos]
    }

    /// Takes exactly `n` bytes.
    pub fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8]> {
        if self.remaining() < n {
            return Err(Error::Truncated { field });
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// Takes a fixed-size array.
    pub fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, field)?);
        Ok(out)
    }

    /// Reads one byte.
    pub fn u8(&mut self, field: &'static str) -> Result<u8> {
        Ok(self.array::<1>(field)?[0])
    }

    /// Reads a big-endian u16.
    pub fn u16(&mut self, field: &'static str) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }

    /// Reads a big-endian u32.
    pub fn u32(&mut self, field: &'static str) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }

    /// Reads a big-endian u64.
    pub fn u64(&mut self, field: &'static str) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array(field)?))
    }

    /// Reads a u16 length followed by that many bytes.
    pub fn u16_prefixed(&mut self, field: &'static str) -> Result<&'a [u8]> {
        let n = self.u16(field)? as usize;
        self.take(n, field)
    }

    /// Reads a u16-length-prefixed UTF-8 string.
    pub fn u16_prefixed_str(&mut self, field: &'static str) -> Result<&'a str> {
        let bytes = self.u16_prefixed(field)?;
        core::str::from_utf8(bytes).map_err(|_| Error::malformed(field, "not valid UTF-8"))
    }

    /// Fails unless every byte was consumed.
    pub fn expect_end(&self, field: &'static str) -> Result<()> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(Error::malformed(
                field,
                format!("{} unexpected trailing byte(s)", self.remaining()),
            ))
        }
    }
}

/// Appends big-endian integers and length-prefixed fields to a byte vector.
pub trait Writer {
    /// Appends a u16.
    fn put_u16(&mut self, v: u16);
    /// Appends a u32.
    fn put_u32(&mut self, v: u32);
    /// Appends a u64.
    fn put_u64(&mut self, v: u64);
    /// Appends a u16 length then the bytes; fails if longer than 65535.
    fn put_u16_prefixed(&mut self, bytes: &[u8], field: &'static str) -> Result<()>;
}

impl Writer for Vec<u8> {
    fn put_u16(&mut self, v: u16) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn put_u32(&mut self, v: u32) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn put_u64(&mut self, v: u64) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn put_u16_prefixed(&mut self, bytes: &[u8], field: &'static str) -> Result<()> {
        let len = u16::try_from(bytes.len()).map_err(|_| {
            Error::LimitExceeded(format!(
                "{field} is {} bytes; the maximum is 65535",
                bytes.len()
            ))
        })?;
        self.put_u16(len);
        self.extend_from_slice(bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_reads_are_truncation_errors() {
        let mut r = Reader::new(&[0, 5, 1, 2]);
        assert!(matches!(
            r.u16_prefixed("x"),
            Err(Error::Truncated { field: "x" })
        ));
        let mut r = Reader::new(&[1]);
        assert!(r.u32("y").is_err());
        assert_eq!(r.u8("z").unwrap(), 1);
        assert!(r.u8("z").is_err());
    }
}
