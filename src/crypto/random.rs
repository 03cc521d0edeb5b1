//! Randomness from the OS (natively) or `crypto.getRandomValues` (wasm).

use crate::error::{Error, Result};

/// Fills `buf` with cryptographically secure random bytes.
pub fn fill(buf: &mut [u8]) -> Result<()> {
    // The code, not getrandom's Display: that carries every platform's failure texts.
    getrandom::getrandom(buf).map_err(|e| {
        Error::Keyring(format!(
            "random number generator failed (getrandom code {})",
            e.code()
        ))
    })
}

/// Returns `n` random bytes.
pub fn bytes(n: usize) -> Result<Vec<u8>> {
    let mut v = vec![0u8; n];
    fill(&mut v)?;
    Ok(v)
}
