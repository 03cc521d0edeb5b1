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
            let outcome = flush(&records);
            q = self.lock();
            for t in tickets {
                q.done.insert(t, outcome.clone());
            }
            q.flushing = false;
            self.flushed.notify_all();
        }
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
}
