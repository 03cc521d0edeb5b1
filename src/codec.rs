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

/// ECDSA signature encodings: the ESDK writes DER `ECDSA-Sig-Value` (RFC 3279 §2.2.3);
/// WebCrypto takes and gives fixed-width `r ‖ s` (IEEE P1363). Only short-form lengths occur
/// for P-256 and P-384 (a sequence of at most 102 bytes).
pub mod ecdsa_sig {
    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;

    /// DER → `r ‖ s`, each left-padded to `width` bytes. `None` unless the input is strict DER
    /// (minimal, non-negative INTEGERs; nothing after the sequence) with values of at most
    /// `width` bytes.
    pub fn der_to_fixed(der: &[u8], width: usize) -> Option<Vec<u8>> {
        let (tag, body, rest) = tlv(der)?;
        if tag != SEQUENCE || !rest.is_empty() {
            return None;
        }
        let (r, body) = integer(body)?;
        let (s, body) = integer(body)?;
        if !body.is_empty() || r.len() > width || s.len() > width {
            return None;
        }
        let mut out = vec![0u8; 2 * width];
        out[width - r.len()..width].copy_from_slice(r);
        out[2 * width - s.len()..].copy_from_slice(s);
        Some(out)
    }

    /// `r ‖ s` (two halves of equal width, at most 66 bytes each) → DER.
    pub fn fixed_to_der(fixed: &[u8]) -> Option<Vec<u8>> {
        if fixed.is_empty() || fixed.len() % 2 != 0 || fixed.len() > 132 {
            return None;
        }
        let (r, s) = fixed.split_at(fixed.len() / 2);
        let mut body = Vec::with_capacity(fixed.len() + 6);
        for v in [r, s] {
            let first = v.iter().position(|&b| b != 0).unwrap_or(v.len() - 1);
            let v = v.get(first..)?;
            let pad = v.first().is_some_and(|b| b & 0x80 != 0);
            body.push(INTEGER);
            body.push((v.len() + usize::from(pad)) as u8);
            if pad {
                body.push(0);
            }
            body.extend_from_slice(v);
        }
        let len = u8::try_from(body.len()).ok().filter(|l| *l < 0x80)?;
        let mut out = Vec::with_capacity(body.len() + 2);
        out.push(SEQUENCE);
        out.push(len);
        out.extend_from_slice(&body);
        Some(out)
    }

    /// One tag-length-value with a short-form length: (tag, value, what follows).
    fn tlv(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, data) = data.split_first()?;
        let (&len, data) = data.split_first()?;
        if len & 0x80 != 0 {
            return None;
        }
        let len = usize::from(len);
        (data.len() >= len).then(|| (tag, &data[..len], &data[len..]))
    }

    /// A minimal non-negative INTEGER: its magnitude without the sign octet, and what follows.
    fn integer(data: &[u8]) -> Option<(&[u8], &[u8])> {
        let (tag, value, rest) = tlv(data)?;
        let (&first, tail) = value.split_first()?;
        if tag != INTEGER || first & 0x80 != 0 {
            return None;
        }
        if first == 0 {
            match tail.first() {
                // 0x00 is only allowed before a byte with its high bit set.
                Some(next) if next & 0x80 != 0 => Some((tail, rest)),
                None => Some((value, rest)),
                Some(_) => None,
            }
        } else {
            Some((value, rest))
        }
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

    #[test]
    fn ecdsa_signature_encodings() {
        use super::ecdsa_sig::{der_to_fixed, fixed_to_der};
        // r with its high bit set (needs a 0x00), s with a leading zero byte (shorter).
        let mut fixed = vec![0u8; 96];
        fixed[0] = 0x80;
        fixed[47] = 1;
        fixed[49] = 0x7f;
        fixed[95] = 2;
        let der = fixed_to_der(&fixed).unwrap();
        assert_eq!(der[..5], [0x30, 2 + 49 + 2 + 47, 0x02, 49, 0x00]);
        assert_eq!(der_to_fixed(&der, 48).unwrap(), fixed);
        assert_eq!(der_to_fixed(&der, 47), None, "values wider than the curve");
        // Not strict DER: a redundant 0x00, a negative INTEGER, trailing bytes, long-form length.
        let redundant = [0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01];
        assert_eq!(der_to_fixed(&redundant, 48), None);
        let negative = [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01];
        assert_eq!(der_to_fixed(&negative, 48), None);
        let mut trailing = fixed_to_der(&[1, 1]).unwrap();
        assert_eq!(der_to_fixed(&trailing, 1).unwrap(), vec![1, 1]);
        trailing.push(0);
        assert_eq!(der_to_fixed(&trailing, 1), None);
        assert_eq!(der_to_fixed(&[0x30, 0x81, 0x06], 48), None);
        // Every truncation of a valid encoding is rejected without a panic.
        for n in 0..der.len() {
            assert_eq!(der_to_fixed(&der[..n], 48), None);
        }
        assert_eq!(fixed_to_der(&[]), None);
        assert_eq!(fixed_to_der(&[0, 0, 0]), None);
        assert_eq!(fixed_to_der(&[0, 0]).unwrap(), [0x30, 6, 2, 1, 0, 2, 1, 0]);
    }
}
