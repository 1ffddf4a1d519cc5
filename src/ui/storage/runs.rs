//! Each run's records in the browser, under keys of its own (`report::history` names them
//! and decides what to let go): the recovery record a reload needs to finish the run's
//! obligations, the journal the step log shows, and the index of runs.
//!
//! Why this order of sacrifice: the recovery record (small; its shape is the engine's, here
//! it is only a string) says what the run still owes the server, so it is written first
//! and kept at almost any cost; the journal is history and goes first. When
//! `localStorage` is full ([`is_quota`]) the recovery record is retried after letting go,
//! oldest first, the journals of runs that ended and then those runs whole; if it still
//! does not fit it goes to `sessionStorage`, whose quota is separate and which survives a
//! reload of the tab (not its closing): [`SaveResult::InSessionOnly`], for the page to
//! warn about. A journal that does not fit after letting go of ended runs' journals is
//! [`SaveResult::Refused`]: the page keeps it in memory and warns, and the copy stored
//! last (a prefix of it) stays.
//!
//! Tabs share these keys. Each run's own keys are written by the one tab that runs it
//! (the domain lock, `ui::locks`, keeps a run to one tab), but the index is read, changed
//! and written back by every tab, and two tabs doing so at the same moment can lose one
//! entry: the run's records are still found by their keys ([`StoredRun::entry`] is then
//! `None`), only its place in the eviction order is lost, so it is never let go
//! automatically.
//!
//! Bounds (the person's count of runs, `history::MAX_JOURNAL_CHARS`) are enforced whenever a
//! recovery record is saved, i.e. when a run starts or changes state, not on every journal
//! save: journals are measured in JavaScript (their length, never copied into wasm) and
//! that costs a read per run.

use web_sys::Storage;

pub use super::raw::is_quota;
use super::raw::{keys, local_storage, read, read_index, session_storage, update_index, write};
use super::room::{enforce_bounds, make_room_for, remove_records, write_making_room, Room};

use crate::engine::journal::Journal;
use crate::report::history::{
    self, is_run_id, parse_part_key, part_key, RunDigest, RunEntry, RunPart, LEGACY_JOURNAL_KEY,
};

/// What became of a save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveResult {
    /// In `localStorage`. `evicted` names the ended runs whose journals (or whole records)
    /// were let go to make room or to keep the history within its bounds.
    Saved {
        /// Run ids let go, oldest first.
        evicted: Vec<String>,
    },
    /// `localStorage` refused it even after letting ended runs go, so it is in
    /// `sessionStorage`: it survives a reload of this tab, not closing it. Only recovery
    /// records go there.
    InSessionOnly,
    /// Not stored anywhere (no storage, or every store refused, or an invalid run id):
    /// the page keeps it in memory and warns.
    Refused,
}

impl SaveResult {
    /// Whether it will still be there after closing the tab.
    pub fn is_durable(&self) -> bool {
        matches!(self, SaveResult::Saved { .. })
    }
}

/// One run found in storage.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRun {
    /// Its id.
    pub run_id: String,
    /// Its index entry; `None` when only its keys were found (a damaged index, or an
    /// index write refused by a full storage).
    pub entry: Option<RunEntry>,
    /// The recovery record as saved: the `sessionStorage` copy when there is one (it is
    /// only written when `localStorage` refused, and removed when a later save fits
    /// there, so it is the newer).
    pub recovery: Option<String>,
    /// The journal JSON as last saved.
    pub journal: Option<String>,
    /// Whether the recovery record came from `sessionStorage`.
    pub from_session: bool,
}

/// A new run id ([`history::run_id_from`]: the time and 12 random bytes).
pub fn new_run_id() -> String {
    history::run_id_from(
        js_sys::Date::now(),
        &crate::ui::random::random_bytes::<12>(),
    )
}

/// Saves a run's recovery record (and its index entry, `entry.ended` telling whether it
/// may be let go later). Written before anything else of the run; see the module doc
/// for what happens when storage is full.
pub fn save_recovery(entry: &RunEntry, recovery_json: &str) -> SaveResult {
    let id = entry.run_id.as_str();
    if !is_run_id(id) {
        return SaveResult::Refused;
    }
    let key = part_key(id, RunPart::Recovery);
    if let Some(local) = local_storage() {
        let mut evicted = Vec::new();
        if write_making_room(
            &local,
            &key,
            recovery_json,
            id,
            Room::JournalsThenRuns,
            &mut evicted,
        )
        .is_ok()
        {
            let indexed =
                update_index(&local, |index| history::upsert(index, entry.clone())).is_ok() || {
                    // Room for the index entry from journals only; otherwise the entry
                    // waits in sessionStorage and the run is still found by its key.
                    let mut more = Vec::new();
                    let made = make_room_for(&local, id, &mut more, || {
                        update_index(&local, |index| history::upsert(index, entry.clone()))
                    });
                    evicted.extend(more);
                    made
                };
            if let Some(session) = session_storage() {
                let _ = session.remove_item(&key);
                if indexed {
                    let _ = update_index(&session, |index| {
                        history::remove(index, id);
                    });
                } else {
                    let _ = update_index(&session, |index| history::upsert(index, entry.clone()));
                }
            }
            evicted.extend(enforce_bounds(&local, id));
            return SaveResult::Saved { evicted };
        }
    }
    match session_storage() {
        Some(session) if write(&session, &key, recovery_json).is_ok() => {
            let _ = update_index(&session, |index| history::upsert(index, entry.clone()));
            SaveResult::InSessionOnly
        }
        _ => SaveResult::Refused,
    }
}

/// Saves a run's journal JSON, letting ended runs' journals go when storage is full.
pub fn save_journal(run_id: &str, journal_json: &str) -> SaveResult {
    if !is_run_id(run_id) {
        return SaveResult::Refused;
    }
    let Some(local) = local_storage() else {
        return SaveResult::Refused;
    };
    let key = part_key(run_id, RunPart::Journal);
    let mut evicted = Vec::new();
    match write_making_room(
        &local,
        &key,
        journal_json,
        run_id,
        Room::Journals,
        &mut evicted,
    ) {
        Ok(()) => SaveResult::Saved { evicted },
        Err(_) => SaveResult::Refused,
    }
}

/// Every run in storage, in index order (oldest first), then runs known only to the
/// `sessionStorage` index, then runs found only by their keys (by id, i.e. by start).
/// Moves the single journal of earlier versions (`pde.journal`) into a run of its own
/// first; when even that does not fit (storage full), it stays where it was and is listed
/// under a new id each time, so removing that run does not remove it.
pub fn load_runs() -> Vec<StoredRun> {
    let local = local_storage();
    let session = session_storage();
    let mut legacy = local.as_ref().and_then(migrate_legacy_journal);
    let local_index = local.as_ref().map(read_index).unwrap_or_default();
    let session_index = session.as_ref().map(read_index).unwrap_or_default();

    let mut order: Vec<String> = Vec::new();
    let mut add = |id: &str| {
        if !order.iter().any(|o| o == id) {
            order.push(id.to_string());
        }
    };
    local_index
        .iter()
        .chain(&session_index)
        .for_each(|e| add(&e.run_id));
    let mut found: Vec<String> = [&local, &session]
        .into_iter()
        .flatten()
        .flat_map(keys)
        .filter_map(|k| parse_part_key(&k).map(|(id, _)| id.to_string()))
        .collect();
    crate::order::sort(&mut found);
    found.iter().for_each(|id| add(id));

    let mut runs: Vec<StoredRun> = order
        .into_iter()
        .filter_map(|run_id| {
            let recovery_key = part_key(&run_id, RunPart::Recovery);
            let in_session = session.as_ref().and_then(|s| read(s, &recovery_key));
            let from_session = in_session.is_some();
            let recovery =
                in_session.or_else(|| local.as_ref().and_then(|l| read(l, &recovery_key)));
            let journal = local
                .as_ref()
                .and_then(|l| read(l, &part_key(&run_id, RunPart::Journal)));
            if recovery.is_none() && journal.is_none() {
                return None;
            }
            let entry = local_index
                .iter()
                .chain(&session_index)
                .find(|e| e.run_id == run_id)
                .cloned();
            Some(StoredRun {
                run_id,
                entry,
                recovery,
                journal,
                from_session,
            })
        })
        .collect();
    runs.extend(legacy.take());
    runs
}

/// Removes a run's records from both storages and both indexes.
pub fn remove_run(run_id: &str) {
    for storage in [local_storage(), session_storage()].into_iter().flatten() {
        remove_records(&storage, run_id);
    }
}

/// Moves `pde.journal` into a run of its own. The old key is removed first, so that its
/// own space is free for the copy; when the copy still does not fit it is put back and
/// the journal is returned as a run that is stored under the old key only.
fn migrate_legacy_journal(local: &Storage) -> Option<StoredRun> {
    let text = read(local, LEGACY_JOURNAL_KEY)?;
    let run_id = new_run_id();
    let now = js_sys::Date::now();
    // A journal that cannot be read holds no obligation the page could act on: it
    // may be let go like an ended run.
    let entry = match Journal::from_json(&text) {
        Ok(journal) => {
            let summary = journal.summary();
            RunEntry {
                run_id: run_id.clone(),
                started_ms: summary.started_ms.unwrap_or(now),
                domain: summary.domain.clone().unwrap_or_default(),
                endpoint: String::new(),
                ended: summary.ended() || journal.events.is_empty(),
                finished: RunDigest::of(&summary),
            }
        }
        Err(_) => RunEntry {
            run_id: run_id.clone(),
            started_ms: now,
            domain: String::new(),
            endpoint: String::new(),
            ended: true,
            finished: None,
        },
    };
    let _ = local.remove_item(LEGACY_JOURNAL_KEY);
    let mut evicted = Vec::new();
    let key = part_key(&run_id, RunPart::Journal);
    if write_making_room(local, &key, &text, &run_id, Room::Journals, &mut evicted).is_ok() {
        if update_index(local, |index| history::upsert(index, entry.clone())).is_err() {
            if let Some(session) = session_storage() {
                let _ = update_index(&session, |index| history::upsert(index, entry.clone()));
            }
        }
        return None;
    }
    // Put back; if even that is refused the text is still returned, for this page.
    let _ = write(local, LEGACY_JOURNAL_KEY, &text);
    Some(StoredRun {
        run_id,
        entry: Some(entry),
        recovery: None,
        journal: Some(text),
        from_session: false,
    })
}
