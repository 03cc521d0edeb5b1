//! Group commit of audit records written outside a write transaction (reads, refusals).
//!
//! A read changes no row, but its audit record must be durable before its answer goes out (the
//! trail must hold every call, allowed or denied). Committing each record on its own costs one
//! fsync per read and, done under the state lock, made every read wait for every other read's
//! fsync. Here a caller queues its record and waits; the first caller that finds no flush in
//! progress becomes the leader, takes everything queued so far and commits it as one
//! transaction (one fsync), then wakes the others with the outcome of their own record. Callers
//! that arrive during a flush are the next batch, so batches are served in arrival order and no
//! caller is overtaken more than once. No lock on the KMS state is held meanwhile.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard};

use super::audit::AuditRecord;

/// The queue of records waiting for the next flush, and the outcome of flushed ones.
#[derive(Default)]
struct Queue {
    /// Records not yet taken by a leader, with their tickets.
    pending: Vec<(u64, AuditRecord)>,
    /// The next ticket to hand out.
    next: u64,
    /// Whether a leader is flushing now.
    flushing: bool,
    /// Outcome of flushed records whose callers have not looked yet (each caller removes its
    /// own, so this holds at most one batch of callers per flush in flight).
    done: HashMap<u64, Result<(), String>>,
}

/// Group commit of audit records (see the module documentation).
#[derive(Default)]
pub(crate) struct AuditGroup {
    queue: Mutex<Queue>,
    flushed: Condvar,
}

impl AuditGroup {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // The queue holds no invariant a panic in `flush` could break (it runs unlocked).
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `record` and returns once it is durable (`Ok`) or its batch failed (`Err`, the
    /// store's description). `flush` commits one batch; it is called without the queue lock.
    pub(crate) fn append(
        &self,
        record: AuditRecord,
        flush: impl Fn(&[AuditRecord]) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut q = self.lock();
        let ticket = q.next;
        q.next = q.next.wrapping_add(1);
        q.pending.push((ticket, record));
        loop {
            if let Some(outcome) = q.done.remove(&ticket) {
                return outcome;
            }
            if q.flushing {
                q = self.flushed.wait(q).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            // Leader: our own record is still pending (it has no outcome), so the batch is
            // never empty.
            q.flushing = true;
            let batch = std::mem::take(&mut q.pending);
            drop(q);
            let (tickets, records): (Vec<u64>, Vec<AuditRecord>) = batch.into_iter().unzip();
            // If `flush` panics, the guard's drop still clears `flushing` and answers the
            // batch, so the callers waiting on it (and every later caller) do not wait forever.
            let mut guard = Leader {
                group: self,
                ticket,
                tickets,
            };
            let outcome = flush(&records);
            q = guard.finish(outcome);
        }
    }
}

/// What a flush panicked with, as the waiting callers of its batch see it.
const FLUSH_PANICKED: &str = "the audit flush panicked";

/// A leader's batch while its flush runs: finished with the batch's outcome, or, if the flush
/// unwinds, answered with [`FLUSH_PANICKED`] on drop.
struct Leader<'a> {
    group: &'a AuditGroup,
    /// The leader's own ticket (the unwinding leader takes no outcome, so none is stored).
    ticket: u64,
    /// Tickets of the batch not yet answered; empty once answered.
    tickets: Vec<u64>,
}

impl<'a> Leader<'a> {
    /// Stores `outcome` for every record of the batch, ends the flush and wakes the waiters;
    /// returns the queue lock for the leader's own next look.
    fn finish(&mut self, outcome: Result<(), String>) -> MutexGuard<'a, Queue> {
        let mut q = self.group.lock();
        for t in self.tickets.drain(..) {
            q.done.insert(t, outcome.clone());
        }
        q.flushing = false;
        self.group.flushed.notify_all();
        q
    }
}

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        if self.tickets.is_empty() {
            return;
        }
        // Only reached when `flush` unwound before `finish`.
        let own = self.ticket;
        self.tickets.retain(|&t| t != own);
        drop(self.finish(Err(FLUSH_PANICKED.into())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn record(n: u64) -> AuditRecord {
        AuditRecord {
            time: n,
            principal: String::new(),
            operation: "Decrypt".into(),
            key_arn: None,
            region: "us-east-1".into(),
            encryption_context: None,
            success: true,
            error_code: None,
        }
    }

    #[test]
    fn every_record_is_flushed_once_and_gets_its_batch_outcome() {
        let group = Arc::new(AuditGroup::default());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let flushes = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..16u64)
            .map(|n| {
                let (group, seen, flushes) = (group.clone(), seen.clone(), flushes.clone());
                std::thread::spawn(move || {
                    group.append(record(n), |batch| {
                        flushes.fetch_add(1, Ordering::SeqCst);
                        seen.lock().unwrap().extend(batch.iter().map(|r| r.time));
                        // Odd-numbered flushes fail: their callers must see the failure.
                        if flushes.load(Ordering::SeqCst) % 2 == 0 {
                            Err("disk full".into())
                        } else {
                            Ok(())
                        }
                    })
                })
            })
            .collect();
        let outcomes: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let mut seen = seen.lock().unwrap().clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..16).collect::<Vec<_>>());
        assert!(outcomes.iter().any(|o| o.is_ok()));
        if flushes.load(Ordering::SeqCst) > 1 {
            assert!(outcomes.iter().any(|o| o.is_err()));
        }
        assert!(group.lock().done.is_empty());
        assert!(group.lock().pending.is_empty());
    }

    #[test]
    fn a_panicking_flush_fails_its_batch_and_later_appends_still_flush() {
        use std::panic::{catch_unwind, AssertUnwindSafe};
        use std::sync::mpsc;
        use std::time::Duration;

        let group = Arc::new(AuditGroup::default());
        // A first leader holds its flush open until two callers have queued behind it, so those
        // two are one batch; whichever of them leads it panics in its flush.
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let first = {
            let group = group.clone();
            std::thread::spawn(move || {
                group.append(record(0), |_| {
                    release_rx.recv().unwrap();
                    Ok(())
                })
            })
        };
        while !group.lock().flushing {
            std::thread::yield_now();
        }
        let (out_tx, out_rx) = mpsc::channel();
        for n in 1..=2 {
            let (group, out_tx) = (group.clone(), out_tx.clone());
            std::thread::spawn(move || {
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    group.append(record(n), |_| panic!("flush panics (test)"))
                }));
                out_tx.send(outcome.map_err(|_| ())).unwrap();
            });
        }
        while group.lock().pending.len() < 2 {
            std::thread::yield_now();
        }
        release_tx.send(()).unwrap();
        assert_eq!(first.join().unwrap(), Ok(()));
        let wait = Duration::from_secs(30);
        let a = out_rx
            .recv_timeout(wait)
            .expect("a caller of the batch hangs");
        let b = out_rx
            .recv_timeout(wait)
            .expect("a caller of the batch hangs");
        // One caller led and unwound; the other was answered with the batch's failure.
        let mut outcomes = [a, b];
        outcomes.sort_by_key(|o| o.is_ok());
        assert_eq!(outcomes[0], Err(()), "the leader's panic propagates to it");
        assert_eq!(outcomes[1], Ok(Err(FLUSH_PANICKED.to_string())));
        // Later appends flush normally.
        let flushed = Arc::new(Mutex::new(Vec::new()));
        let f = flushed.clone();
        let later = group.append(record(3), move |batch| {
            f.lock().unwrap().extend(batch.iter().map(|r| r.time));
            Ok(())
        });
        assert_eq!(later, Ok(()));
        assert_eq!(*flushed.lock().unwrap(), vec![3]);
        let q = group.lock();
        assert!(!q.flushing);
        assert!(
            q.done.is_empty(),
            "no outcome is left for the unwound leader"
        );
        assert!(q.pending.is_empty());
    }
}
