//! One KMS operation as the server runs it: maintenance, the operation, and the save, all under
//! one lock, so that no response is sent before its change is on disk and a change that could not
//! be saved is undone before anyone sees it.

use std::sync::Mutex;

use sealkit_kms::local::{dispatch, LocalKms};
use sealkit_kms::KmsError;

use crate::auth::Identity;
use crate::state_file::StateFile;

/// The local KMS and, when configured, the file it is persisted in.
pub struct Service {
    kms: LocalKms,
    state: Option<StateFile>,
    /// Serializes operations with their saves: a change is visible to the next operation only
    /// once it is saved (or undone).
    lock: Mutex<()>,
}

fn internal() -> KmsError {
    KmsError::new(
        "KMSInternalException",
        "the change could not be saved; nothing was changed",
    )
}

impl Service {
    /// A service over `kms`, saving to `state` after each change. Maintenance (due rotations and
    /// deletions) becomes a write of its own, saved before the operation that follows it.
    pub fn new(kms: LocalKms, state: Option<StateFile>) -> Self {
        kms.set_automatic_maintenance(false);
        Service {
            kms,
            state,
            lock: Mutex::new(()),
        }
    }

    /// Saves, or undoes the change back to `before` when the save fails.
    fn commit(&self, before: Option<sealkit_kms::local::Snapshot>) -> Result<(), KmsError> {
        let Some(state) = &self.state else {
            return Ok(());
        };
        state.save(&self.kms).map_err(|e| {
            eprintln!("sealkit-key-server: error: {e}");
            if let Some(b) = before {
                self.kms.restore(b);
            }
            internal()
        })
    }

    /// Whether the service can serve: its lock is free within the call and, with a state file,
    /// the file's directory and the file are there.
    pub fn health(&self) -> Result<(), String> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        match &self.state {
            Some(s) => s.check(),
            None => Ok(()),
        }
    }

    /// Runs `op` with its JSON `body` for `id`; returns the JSON response body.
    pub fn call(&self, id: &Identity, op: &str, body: &[u8]) -> Result<Vec<u8>, KmsError> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        // A due rotation creates material the operation may use at once (GenerateDataKey under
        // the new version): it is saved first, like any write.
        if let Some(before) = self.kms.run_maintenance()? {
            self.commit(Some(before))?;
        }
        let client = self.kms.client(&id.region, &id.principal)?;
        let mutating = dispatch::is_mutating(op);
        let before = (mutating && self.state.is_some()).then(|| self.kms.snapshot());
        let out = dispatch::dispatch_json(&client, op, body);
        if mutating && out.is_ok() {
            self.commit(before)?;
        }
        out
    }
}
