//! One provider call per cache miss, however many requests miss on the same identifier at once.
//!
//! The first request that misses becomes the flight's leader and asks the underlying CMM; the
//! others wait on the flight. How the flight landed tells each waiter what to do next:
//! - the leader stored materials: look in the cache again, where they now are (and are counted
//!   against the entry's usage limits like any hit);
//! - the leader's call failed: a waiter whose request matches the leader's in every part that
//!   reaches the underlying CMM fails at once with a copy of the leader's error, rather than
//!   repeating a call that just failed (and, with many waiters, failing one after another);
//! - the leader got materials that cannot be cached (an identity-KDF suite chosen by the
//!   underlying CMM, a signing key that cannot be copied): the waiters ask the underlying CMM
//!   themselves, all at once, since none of them could be served from the cache either;
//! - the leader went away (its future was dropped mid-call): look again, and one of the waiters
//!   becomes the next leader.
//!
//! The wait is a plain future woken through its `Waker`, so it works under `block_on` on native
//! threads and under the JS event loop on wasm, with no thread of its own.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use crate::error::Error;

/// A digest of the parts of a request the cache identifier does not cover (commitment policy,
/// required or reproduced context): two requests with the same identifier and tag make the same
/// call to the underlying CMM.
pub type RequestTag = [u8; 64];

/// How a flight ended.
pub enum Landing {
    /// The leader stored materials under the identifier.
    Stored,
    /// The leader got materials that cannot be cached.
    Uncached,
    /// The leader's call to the underlying CMM failed.
    Failed {
        /// The leader's request tag.
        tag: RequestTag,
        /// The leader's error.
        error: Error,
    },
    /// The leader stopped before its call finished.
    Abandoned,
}

/// What a waiter does once its flight has landed.
pub enum After {
    /// Look in the cache again (and lead the next flight on a miss).
    LookAgain,
    /// Ask the underlying CMM directly, without a flight and without storing.
    Bypass,
    /// Fail with (a copy of) the leader's error.
    Fail(Error),
}

/// A provider call in progress for one cache identifier.
#[derive(Default)]
pub struct Flight {
    state: Mutex<FlightState>,
}

#[derive(Default)]
struct FlightState {
    landing: Option<Landing>,
    waiters: Vec<Waker>,
}

impl Flight {
    fn lock(&self) -> std::sync::MutexGuard<'_, FlightState> {
        // Nothing under this lock can panic half-way through an update.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records how the call finished and wakes every waiter.
    pub fn land(&self, landing: Landing) {
        let waiters = {
            let mut s = self.lock();
            if s.landing.is_none() {
                s.landing = Some(landing);
            }
            core::mem::take(&mut s.waiters)
        };
        for w in waiters {
            w.wake();
        }
    }

    /// What a waiter whose request has tag `tag` does now that the flight has landed
    /// (`LookAgain` if it has not landed yet).
    pub fn after(&self, tag: &RequestTag) -> After {
        match &self.lock().landing {
            Some(Landing::Uncached) => After::Bypass,
            Some(Landing::Failed { tag: t, error }) if t == tag => After::Fail(error.duplicate()),
            _ => After::LookAgain,
        }
    }

    /// How many waiters have registered and not been woken yet.
    pub fn waiting(&self) -> usize {
        self.lock().waiters.len()
    }

    /// A future that completes once the flight has landed.
    pub fn wait(self: &Arc<Self>) -> FlightWait {
        FlightWait(self.clone())
    }
}

/// Completes with its [`Flight`] when the flight lands.
pub struct FlightWait(Arc<Flight>);

impl core::future::Future for FlightWait {
    type Output = Arc<Flight>;

    fn poll(self: core::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Arc<Flight>> {
        let mut s = self.0.lock();
        if s.landing.is_some() {
            return Poll::Ready(self.0.clone());
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
        flight.land(Landing::Stored);
        for w in waiters {
            w.join().unwrap();
        }
        assert!(now_or_never(flight.wait()).is_some());
    }

    #[test]
    fn a_failure_is_shared_only_with_matching_requests() {
        let flight = Flight::default();
        flight.land(Landing::Failed {
            tag: [1; 64],
            error: Error::Keyring("down".into()),
        });
        assert!(matches!(flight.after(&[1; 64]), After::Fail(Error::Keyring(m)) if m == "down"));
        assert!(matches!(flight.after(&[2; 64]), After::LookAgain));
        // The first landing is the one that counts.
        flight.land(Landing::Uncached);
        assert!(matches!(flight.after(&[1; 64]), After::Fail(_)));
    }
}
