//! When the next maintenance (an automatic rotation or a key deletion) falls due, kept as an
//! index updated from each operation's changed rows, so that checking for due work before every
//! operation costs O(log n), not a scan of every key.

use super::store::{KeyEntry, MaterialSet};
use crate::types::KeyState;
use std::collections::{BTreeMap, BTreeSet};

/// Which table a dated name is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Dated {
    Key,
    Material,
}

/// Dates of pending deletions (keys) and next automatic rotations (material sets).
#[derive(Debug, Clone, Default)]
pub(crate) struct DueIndex {
    /// False until built from the whole state (after a load or an import).
    built: bool,
    by_name: BTreeMap<(Dated, String), u64>,
    by_time: BTreeSet<(u64, Dated, String)>,
}

/// The deletion date of a key pending deletion.
pub(crate) fn key_due(k: &KeyEntry) -> Option<u64> {
    (k.state == KeyState::PendingDeletion)
        .then_some(k.deletion_date)
        .flatten()
}

/// The next automatic rotation of a material set. Whether a key using it is enabled is checked
/// when it falls due (KMS does not rotate disabled keys).
pub(crate) fn material_due(m: &MaterialSet) -> Option<u64> {
    m.rotation
        .enabled
        .then_some(m.rotation.next_rotation)
        .flatten()
}

impl DueIndex {
    /// Whether the index must be built from the whole state first.
    pub fn is_built(&self) -> bool {
        self.built
    }

    /// Starts over as an empty, built index (then filled by [`set`](Self::set)).
    pub fn reset(&mut self) {
        *self = DueIndex {
            built: true,
            ..DueIndex::default()
        };
    }

    /// Records the date of one name (`None`: nothing due for it). Ignored before the index is
    /// built, since building reads every name anyway.
    pub fn set(&mut self, table: Dated, name: &str, due: Option<u64>) {
        if !self.built {
            return;
        }
        let key = (table, name.to_string());
        if let Some(old) = self.by_name.remove(&key) {
            self.by_time.remove(&(old, table, key.1.clone()));
        }
        if let Some(d) = due {
            self.by_time.insert((d, table, key.1.clone()));
            self.by_name.insert(key, d);
        }
    }

    /// The earliest date in the index.
    pub fn earliest(&self) -> Option<u64> {
        self.by_time.first().map(|(d, _, _)| *d)
    }
}
