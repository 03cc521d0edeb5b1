//! Randomness from the OS (natively) or `crypto.getRandomValues` (wasm: through getrandom, or
//! in the `host-crypto` build through the host, which spares the module getrandom's detection
//! of Node and browsers).
//!
//! In wasm every draw from the platform is a call out to JS (about 2 µs in Node 20, most of it
//! WebCrypto's argument checks; in Chromium 3–4 % of a 1 KiB message's time for its three
//! draws), and one item encryption makes four small draws. So small draws there are served from
//! a per-thread pool filled 1,024 bytes at a time; each byte is handed out once and zeroed in
//! the pool as it leaves. Large draws and every draw natively go to the platform directly.

use crate::error::{Error, Result};

/// Fills `buf` straight from the host.
#[cfg(feature = "host-crypto")]
fn platform_fill(buf: &mut [u8]) -> Result<()> {
    if crate::crypto::host::host_crypto()?.fill_random(buf) {
        Ok(())
    } else {
        Err(Error::Keyring(
            "the host random number generator failed".into(),
        ))
    }
}

/// Fills `buf` straight from the OS (getrandom).
#[cfg(not(feature = "host-crypto"))]
fn platform_fill(buf: &mut [u8]) -> Result<()> {
    // The code, not getrandom's Display: that carries every platform's failure texts.
    getrandom::getrandom(buf).map_err(|e| {
        Error::Keyring(format!(
            "random number generator failed (getrandom code {})",
            e.code()
        ))
    })
}

/// Fills `buf` with cryptographically secure random bytes.
#[cfg(not(target_arch = "wasm32"))]
pub fn fill(buf: &mut [u8]) -> Result<()> {
    platform_fill(buf)
}

/// Fills `buf` with cryptographically secure random bytes.
#[cfg(target_arch = "wasm32")]
pub fn fill(buf: &mut [u8]) -> Result<()> {
    if buf.len() > pool::MAX_DRAW {
        return platform_fill(buf);
    }
    pool::POOL.with(|p| p.borrow_mut().draw(buf, platform_fill))
}

/// Returns `n` random bytes.
pub fn bytes(n: usize) -> Result<Vec<u8>> {
    let mut v = vec![0u8; n];
    fill(&mut v)?;
    Ok(v)
}

/// The pool of platform random bytes behind small draws (wasm only; tested natively).
#[cfg(any(test, target_arch = "wasm32"))]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod pool {
    use zeroize::Zeroize;

    use crate::error::Result;

    const SIZE: usize = 1024;
    /// Larger draws bypass the pool.
    pub(super) const MAX_DRAW: usize = 64;

    /// `bytes[next..]` have not been handed out; `bytes[..next]` are zero.
    pub(super) struct Pool {
        bytes: [u8; SIZE],
        next: usize,
    }

    impl Pool {
        pub(super) const fn empty() -> Self {
            Pool {
                bytes: [0; SIZE],
                next: SIZE,
            }
        }

        /// Copies the next `out.len()` (≤ [`MAX_DRAW`]) unused bytes into `out`, refilling
        /// the whole pool from `refill` first when too few are left. On a refill error the
        /// pool stays empty and `out` is untouched.
        pub(super) fn draw(
            &mut self,
            out: &mut [u8],
            refill: impl FnOnce(&mut [u8]) -> Result<()>,
        ) -> Result<()> {
            debug_assert!(out.len() <= MAX_DRAW);
            if SIZE - self.next < out.len() {
                self.next = SIZE;
                self.bytes.zeroize();
                refill(&mut self.bytes)?;
                self.next = 0;
            }
            let end = self.next + out.len();
            let Some(fresh) = self.bytes.get_mut(self.next..end) else {
                // Unreachable: end ≤ SIZE by the check above.
                return Err(crate::error::Error::Keyring(
                    "random pool out of bounds".into(),
                ));
            };
            out.copy_from_slice(fresh);
            fresh.zeroize();
            self.next = end;
            Ok(())
        }
    }

    #[cfg(target_arch = "wasm32")]
    std::thread_local! {
        pub(super) static POOL: core::cell::RefCell<Pool> = const { core::cell::RefCell::new(Pool::empty()) };
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::error::Error;

        /// Each pool byte leaves once, in order, and is zeroed as it does; refills happen only
        /// when a draw does not fit.
        #[test]
        fn bytes_are_handed_out_once_and_wiped() {
            let mut counter = 0u8;
            let mut refills = 0;
            let mut refill = |buf: &mut [u8]| -> Result<()> {
                refills += 1;
                for b in buf.iter_mut() {
                    counter = counter.wrapping_add(1);
                    *b = counter;
                }
                Ok(())
            };
            let mut pool = Pool::empty();
            let mut seen = Vec::new();
            let lens = [32usize, 32, 12, 64, 64, 40, 1, 0, 64];
            for &len in lens.iter().cycle().take(lens.len() * 8) {
                let mut out = vec![0u8; len];
                pool.draw(&mut out, &mut refill).expect("draw");
                assert!(pool.bytes[..pool.next].iter().all(|&b| b == 0));
                seen.extend_from_slice(&out);
            }
            // The draws fit the first fill until the running total would pass SIZE; the draw
            // that does not fit refills, and the rest of the first fill is never handed out.
            let mut expect = Vec::new();
            let (mut fill_start, mut used, mut fills) = (0u32, 0usize, 0);
            for &len in lens.iter().cycle().take(lens.len() * 8) {
                if fills == 0 || used + len > SIZE {
                    fill_start = fills * SIZE as u32;
                    fills += 1;
                    used = 0;
                }
                expect.extend((0..len).map(|i| (fill_start + (used + i) as u32 + 1) as u8));
                used += len;
            }
            assert!(fills >= 3, "the draws must cross several refills");
            assert_eq!(refills, fills);
            assert_eq!(seen, expect);
        }

        /// A failed refill leaves the pool empty and the output untouched; the next draw
        /// refills again.
        #[test]
        fn a_failed_refill_hands_out_nothing() {
            let mut pool = Pool::empty();
            let mut out = [9u8; 16];
            let err = pool.draw(&mut out, |_| Err(Error::Keyring("no entropy".into())));
            assert!(err.is_err());
            assert_eq!(out, [9u8; 16]);
            assert_eq!(pool.next, SIZE);
            pool.draw(&mut out, |b| {
                b.fill(5);
                Ok(())
            })
            .expect("draw");
            assert_eq!(out, [5u8; 16]);
        }
    }
}
