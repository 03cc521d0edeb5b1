//! Randomness from the OS (natively) or `crypto.getRandomValues` (wasm: through getrandom, or
//! in the `host-crypto` build through the host, which spares the module getrandom's detection
//! of Node and browsers).

use crate::error::{Error, Result};

/// Fills `buf` with cryptographically secure random bytes.
#[cfg(feature = "host-crypto")]
pub fn fill(buf: &mut [u8]) -> Result<()> {
    if crate::crypto::host::host_crypto()?.fill_random(buf) {
        Ok(())
    } else {
        Err(Error::Keyring(
            "the host random number generator failed".into(),
        ))
    }
}

/// Fills `buf` with cryptographically secure random bytes.
#[cfg(not(feature = "host-crypto"))]
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
