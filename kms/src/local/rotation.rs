//! Key rotation: automatic (when the clock passes the period) and on demand. Rotation adds a
//! material version; the key id never changes and old versions stay for decryption.

use super::store::{new_version, MaterialSet, RotationEvent, State};
use crate::error::KmsError;
use crate::types::{KeyState, RotationType};

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
    let live = live_materials(state);
    for (name, set) in state.materials.iter_mut() {
        if !set.rotation.enabled || !live.contains(name) {
            continue;
        }
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
    let live = live_materials(state);
    state.materials.iter().any(|(name, set)| {
        set.rotation.enabled
            && live.contains(name)
            && set.rotation.next_rotation.is_some_and(|d| d <= now)
    })
}

/// Material sets used by at least one Enabled key.
fn live_materials(state: &State) -> Vec<String> {
    state
        .keys
        .values()
        .filter(|k| k.state == KeyState::Enabled)
        .map(|k| k.material_ref.clone())
        .collect()
}
