//! Time for cache expiry, injectable so that tests control it and wasm never calls
//! `SystemTime::now()` (which panics on `wasm32-unknown-unknown`).

use std::sync::atomic::{AtomicU64, Ordering};

use crate::future::{MaybeSend, MaybeSync};

/// Milliseconds since some fixed epoch; only differences matter.
pub trait Clock: MaybeSend + MaybeSync {
    /// The current time in milliseconds.
    fn now_millis(&self) -> u64;
}

/// Wall-clock time: `SystemTime` natively, `Date.now()` on wasm.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[cfg(not(target_arch = "wasm32"))]
    fn now_millis(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }

    #[cfg(target_arch = "wasm32")]
    fn now_millis(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock at `millis`.
    pub fn new(millis: u64) -> Self {
        ManualClock(AtomicU64::new(millis))
    }
    /// Moves the clock forward.
    pub fn advance(&self, millis: u64) {
        self.0.fetch_add(millis, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}
