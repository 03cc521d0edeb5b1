//! Key rotation: automatic (when the clock passes the period) and on demand. Rotation adds a
//! material version; the key id never changes and old versions stay for decryption.

use super::store::{new_version, MaterialSet, RotationEvent, State};
use crate::error::KmsError;
use crate::types::{KeyState, RotationType};
use std::collections::BTreeSet;

/// Default automatic rotation period.
pub(crate) const DEFAULT_PERIOD_DAYS: u32 = 365;
/// Allowed period range (AWS: 90 days to 7 years).
pub(crate) const PERIOD_RANGE: core::ops::RangeInclusive<u32> = 90..=2560;

const DAY: u64 = 86_400;

/// Adds a new current version.
pub(crate) fn rotate(set: &mut MaterialSet, at: u64, kind: RotationType) -> Result<(), KmsError> {
    let v = new_version(&set.spec, at)?;
    set.versions.push(v);
    set.rotation.history.push(RotationEvent { date: at, kind });
    Ok(())
}

/// Turns on automatic rotation; the first one happens `period` days from now.
pub(crate) fn enable(set: &mut MaterialSet, period_days: u32, now: u64) {
    set.rotation.enabled = true;
    set.rotation.period_days = period_days;
    set.rotation.next_rotation = Some(now + u64::from(period_days) * DAY);
}

/// Turns off automatic rotation.
pub(crate) fn disable(set: &mut MaterialSet) {
    set.rotation.enabled = false;
    set.rotation.next_rotation = None;
}

/// Performs every automatic rotation that is due at `now`, for material sets used by at least
/// one Enabled key (KMS does not rotate disabled keys). Each due date gets its own version.
pub(crate) fn run_due(state: &mut State, now: u64) -> Result<(), KmsError> {
    if !any_due(state, now) {
        return Ok(());
    }
    let live = live_materials(state);
    let due: Vec<String> = state
        .materials
        .iter()
        .filter(|(name, set)| {
            set.rotation.enabled
                && live.contains(name.as_str())
                && set.rotation.next_rotation.is_some_and(|d| d <= now)
        })
        .map(|(name, _)| name.clone())
        .collect();
    for name in due {
        let Some(set) = state.materials.get_mut(&name) else {
            continue;
        };
        let period = u64::from(set.rotation.period_days.max(1)) * DAY;
        while let Some(due) = set.rotation.next_rotation.filter(|d| *d <= now) {
            rotate(set, due, RotationType::Automatic)?;
            set.rotation.next_rotation = Some(due + period);
        }
    }
    Ok(())
}

/// Whether [`run_due`] at `now` would rotate anything.
pub(crate) fn any_due(state: &State, now: u64) -> bool {
    // The scan for a due date allocates nothing; the set of live materials is built only when
    // some date is due.
    let is_due = |set: &MaterialSet| {
        set.rotation.enabled && set.rotation.next_rotation.is_some_and(|d| d <= now)
    };
    if !state.materials.values().any(is_due) {
        return false;
    }
    let live = live_materials(state);
    state
        .materials
        .iter()
        .any(|(name, set)| is_due(set) && live.contains(name.as_str()))
}

/// Material sets used by at least one Enabled key (a set: one lookup per material, so a check
/// stays linear in the number of keys).
fn live_materials(state: &State) -> BTreeSet<&str> {
    state
        .keys
        .values()
        .filter(|k| k.state == KeyState::Enabled)
        .map(|k| k.material_ref.as_str())
        .collect()
}
