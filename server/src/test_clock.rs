//! The clock of the key material (rotation and deletion dates). Tests of automatic rotation
//! across restarts need days to pass: `SEALKIT_KEY_SERVER_TEST_CLOCK_OFFSET_SECS` moves this
//! clock forward by that many seconds. It is for tests only; the server says so on stderr when it
//! is set. Request signatures are always checked against the system clock.

use std::sync::Arc;

use sealkit_kms::clock::{Clock, SystemClock};

/// The environment variable naming the test offset.
pub const OFFSET_VAR: &str = "SEALKIT_KEY_SERVER_TEST_CLOCK_OFFSET_SECS";

struct OffsetClock(u64);

impl Clock for OffsetClock {
    fn now_secs(&self) -> u64 {
        SystemClock.now_secs().saturating_add(self.0)
    }
}

/// The system clock, moved forward by the test offset when one is set.
pub fn kms_clock() -> Result<Arc<dyn Clock>, String> {
    match std::env::var(OFFSET_VAR) {
        Ok(v) => {
            let secs: u64 = v
                .parse()
                .map_err(|_| format!("{OFFSET_VAR} must be a number of seconds"))?;
            eprintln!("sealkit-key-server: warning: TEST ONLY: key clock is {secs} s ahead");
            Ok(Arc::new(OffsetClock(secs)))
        }
        Err(_) => Ok(Arc::new(SystemClock)),
    }
}
