//! Keeping the journals in IndexedDB within the history's limits (the person's
//! [`HistoryLimits`], by default `report::history`'s `STORED_BOUNDS`): ended runs go
//! whole, oldest first, their journal and their `localStorage` records together. Run when a run ends and at load, never on the
//! engine's path: it reads every run's stored size, which is one small read per run.

use super::journals;
use super::raw::{local_storage, read_index, session_storage};
use super::room::remove_local_records;
use crate::report::history::over_bounds_within;
use crate::report::limits::{HistoryLimits, LIMITS_KEY};

/// The history's limits as stored (the defaults when none are).
pub fn limits() -> HistoryLimits {
    let stored = local_storage().and_then(|l| l.get_item(LIMITS_KEY).ok().flatten());
    HistoryLimits::read(stored.as_deref())
}

/// Stores the history's limits; false when the browser refuses.
pub fn save_limits(limits: HistoryLimits) -> bool {
    local_storage().is_some_and(|l| l.set_item(LIMITS_KEY, &limits.to_json()).is_ok())
}

/// Lets ended runs other than `keep` go until the stored journals are within bounds; the
/// ids let go. Nothing when IndexedDB cannot be read (nothing is known to be too much).
pub async fn prune(keep: &str) -> Vec<String> {
    let Ok(stored) = journals::list().await else {
        return Vec::new();
    };
    let Some(local) = local_storage() else {
        return Vec::new();
    };
    let index = read_index(&local);
    let chars = |id: &str| {
        stored
            .iter()
            .find(|(stored_id, _)| stored_id == id)
            .map_or(0, |(_, meta)| meta.chars)
    };
    let chosen = over_bounds_within(&index, chars, keep, limits().bounds());
    for id in &chosen {
        for storage in [Some(local.clone()), session_storage()]
            .into_iter()
            .flatten()
        {
            remove_local_records(&storage, id);
        }
        // A journal that could not be removed is listed again at the next load and
        // tried again; its run is no longer in the index, so it is kept until then.
        let _ = journals::forget(id).await;
    }
    chosen
}
