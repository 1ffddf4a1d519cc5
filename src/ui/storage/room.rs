//! Making room in a full storage, and keeping the history within its bounds: which of
//! a run's records go first is `report::history`'s choice (ended runs, oldest first);
//! this removes them, one at a time, until the write that needed the room fits.

use web_sys::Storage;

use crate::report::history::{self, eviction_order, over_bounds_within, part_key, RunPart};

use super::raw::{read_index, read_length, update_index, write, WriteError};

/// What may be let go to make room.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Room {
    /// Ended runs' journals only.
    Journals,
    /// Ended runs' journals, then those runs whole (recovery records and index entries).
    JournalsThenRuns,
}

/// Writes `value` at `key`; when storage is full, lets ended runs other than `keep` go
/// (see [`Room`]) one at a time, oldest first, retrying after each.
pub(super) fn write_making_room(
    storage: &Storage,
    key: &str,
    value: &str,
    keep: &str,
    room: Room,
    evicted: &mut Vec<String>,
) -> Result<(), WriteError> {
    match write(storage, key, value) {
        Err(WriteError::Quota) => {}
        done => return done,
    }
    if make_room_for(storage, keep, evicted, || write(storage, key, value)) {
        return Ok(());
    }
    if room == Room::JournalsThenRuns {
        for victim in eviction_order(&read_index(storage), keep) {
            remove_records(storage, &victim);
            if !evicted.contains(&victim) {
                evicted.push(victim);
            }
            if write(storage, key, value).is_ok() {
                return Ok(());
            }
        }
    }
    Err(WriteError::Quota)
}

/// Lets ended runs' journals go, oldest first, until `attempt` succeeds; whether it did.
pub(super) fn make_room_for(
    storage: &Storage,
    keep: &str,
    evicted: &mut Vec<String>,
    attempt: impl Fn() -> Result<(), WriteError>,
) -> bool {
    for victim in eviction_order(&read_index(storage), keep) {
        let journal = part_key(&victim, RunPart::Journal);
        if read_length(storage, &journal).is_none() {
            continue;
        }
        let _ = storage.remove_item(&journal);
        evicted.push(victim);
        if attempt().is_ok() {
            return true;
        }
    }
    false
}

/// Removes ended runs (other than `keep`) beyond the history's limits; their ids.
pub(super) fn enforce_bounds(storage: &Storage, keep: &str) -> Vec<String> {
    let index = read_index(storage);
    let bounds = super::prune::limits().local_bounds();
    let chosen = over_bounds_within(
        &index,
        |id| read_length(storage, &part_key(id, RunPart::Journal)).unwrap_or(0),
        keep,
        bounds,
    );
    for id in &chosen {
        remove_records(storage, id);
    }
    chosen
}

/// Removes a run's records from one storage (its two keys and its index entry) and its
/// journal from IndexedDB (without waiting: these paths are synchronous).
pub(super) fn remove_records(storage: &Storage, run_id: &str) {
    remove_local_records(storage, run_id);
    super::journals::forget_later(run_id);
}

/// Removes a run's two keys and its index entry from one storage.
pub(super) fn remove_local_records(storage: &Storage, run_id: &str) {
    // A refused removal leaves a record that a later load still lists: nothing better
    // to do with it.
    let _ = storage.remove_item(&part_key(run_id, RunPart::Journal));
    let _ = storage.remove_item(&part_key(run_id, RunPart::Recovery));
    let _ = update_index(storage, |index| {
        history::remove(index, run_id);
    });
}
