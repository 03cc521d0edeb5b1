//! One provider call per cache miss, however many requests miss on the same identifier at once.
//!
//! The first request that misses becomes the flight's leader and asks the underlying CMM; the
//! others wait on the flight and then look in the cache again, where the leader's materials now
//! are (and are counted against the entry's usage limits like any hit). The wait is a plain
//! future woken through its `Waker`, so it works under `block_on` on native threads and under
//! the JS event loop on wasm, with no thread of its own.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// A provider call in progress for one cache identifier.
#[derive(Default)]
pub struct Flight {
    state: Mutex<FlightState>,
}

#[derive(Default)]
struct FlightState {
    landed: bool,
    waiters: Vec<Waker>,
}

impl Flight {
    /// Marks the call finished (with or without materials) and wakes every waiter.
    pub fn land(&self) {
        let waiters = {
            let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            s.landed = true;
            core::mem::take(&mut s.waiters)
        };
        for w in waiters {
            w.wake();
        }
    }

    /// How many waiters have registered and not been woken yet.
    pub fn waiting(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .waiters
            .len()
    }

    /// A future that completes once the flight has landed.
    pub fn wait(self: &Arc<Self>) -> FlightWait {
        FlightWait(self.clone())
    }
}

/// Completes when its [`Flight`] lands.
pub struct FlightWait(Arc<Flight>);

impl core::future::Future for FlightWait {
    type Output = ();

    fn poll(self: core::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.landed {
            return Poll::Ready(());
        }
        if !s.waiters.iter().any(|w| w.will_wake(cx.waker())) {
            s.waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::future::{block_on, now_or_never};

    #[test]
    fn waits_until_landed_and_wakes_other_threads() {
        let flight = Arc::new(Flight::default());
        assert!(now_or_never(flight.wait()).is_none());
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let f = flight.clone();
                std::thread::spawn(move || block_on(f.wait()))
            })
            .collect();
        flight.land();
        for w in waiters {
            w.join().unwrap();
        }
        assert!(now_or_never(flight.wait()).is_some());
    }
}
