//! Keeping the shown run in storage, obligations first: on every change its recovery
//! record (`engine::recovery`, a few hundred bytes) is written before its journal, so a
//! full `localStorage` loses the log, never the fact that VMs may be running
//! (`ui::storage::runs` makes room, or keeps the record in `sessionStorage`). And, at
//! load, finding the run to show again ([`found_at_load`]).

use leptos::prelude::*;

use crate::engine::journal::{Event, Journal, JournalSummary};
use crate::engine::{CapacityState, RecoveryRecord};
use crate::report::history::{run_to_show, Candidate, RunEntry};
use crate::ui::locks;
use crate::ui::storage::runs::{self, SaveResult, StoredRun};

/// The run whose journal the page shows, and how well it is kept. Copy: reactive
/// handles only.
#[derive(Clone, Copy)]
pub struct Keeper {
    /// Its id (`None`: no run yet, nothing is written).
    pub run_id: RwSignal<Option<String>>,
    /// The endpoint it drives (the URL as typed, without credentials).
    pub endpoint: RwSignal<String>,
    /// What storage refused, in words for the page; `None` while all is kept.
    pub warning: RwSignal<Option<String>>,
    /// The record last written, without its time (an unchanged record is not
    /// written again). Also the base of the next one when the journal holds no run of
    /// its own (a record found at load whose journal was lost).
    last: StoredValue<Option<RecoveryRecord>>,
}

/// What a record is compared by: everything but the time it was written.
fn timeless(record: &RecoveryRecord) -> RecoveryRecord {
    RecoveryRecord {
        updated_ms: 0.0,
        ..record.clone()
    }
}

impl Default for Keeper {
    fn default() -> Self {
        Self::new()
    }
}

impl Keeper {
    /// Nothing kept yet.
    pub fn new() -> Self {
        Self {
            run_id: RwSignal::new(None),
            endpoint: RwSignal::new(String::new()),
            warning: RwSignal::new(None),
            last: StoredValue::new(None),
        }
    }

    /// Takes on the run `run_id` (a new one) and writes its first record before
    /// anything is sent: the domain, and the capacity it inherits.
    pub fn begin(&self, run_id: &str, endpoint: &str, record: RecoveryRecord) {
        self.run_id.set(Some(run_id.to_string()));
        self.endpoint.set(endpoint.to_string());
        self.last.set_value(None);
        self.warning.set(None);
        self.save_record(record);
    }

    /// Takes on a run found at load (nothing is written until it changes).
    pub fn adopt(&self, run_id: &str, endpoint: &str, record: Option<RecoveryRecord>) {
        self.run_id.set(Some(run_id.to_string()));
        self.endpoint.set(endpoint.to_string());
        self.last.set_value(record.as_ref().map(timeless));
    }

    /// Writes what changed of the shown run after `events` grew: its record first, then
    /// its journal.
    pub fn keep(&self, events: &[Event], summary: &JournalSummary) {
        let Some(run_id) = self.run_id.get_untracked() else {
            return;
        };
        let endpoint = self.endpoint.get_untracked();
        let now = js_sys::Date::now();
        let record = RecoveryRecord::of(summary, &run_id, &endpoint, now).or_else(|| {
            // No RunStarted: a teardown of a run whose journal was lost. What the
            // journal says of the capacity updates the record found at load.
            let base = self.last.get_value()?;
            let capacity = match summary.capacity {
                CapacityState::Untouched => base.capacity,
                known => known,
            };
            let pending_teardown = summary.pending_teardown.clone();
            Some(RecoveryRecord {
                capacity,
                ended: !capacity.may_be_running() && pending_teardown.is_none(),
                pending_teardown,
                updated_ms: now,
                ..base
            })
        });
        if let Some(record) = record {
            self.save_record(record);
        }
        let journal = Journal {
            events: events.to_vec(),
        };
        let saved = match journal.to_json() {
            Ok(text) => runs::save_journal(&run_id, &text),
            Err(_) => SaveResult::Refused,
        };
        if saved == SaveResult::Refused {
            self.warn(
                "The browser's storage is full: this run's log is kept in memory only until the page closes. The small recovery record is kept, so a reload still offers to scale the domain to 0.",
            );
        }
    }

    fn save_record(&self, record: RecoveryRecord) {
        let same = self
            .last
            .with_value(|last| last.as_ref() == Some(&timeless(&record)));
        if same {
            return;
        }
        let Ok(text) = record.to_json() else {
            return;
        };
        let entry = RunEntry {
            run_id: record.run_id.clone(),
            started_ms: record.started_ms,
            domain: record.domain.clone(),
            endpoint: record.endpoint.clone(),
            ended: record.ended,
        };
        match runs::save_recovery(&entry, &text) {
            SaveResult::Saved { .. } => {}
            SaveResult::InSessionOnly => self.warn(
                "The browser's storage is full: what this run may leave running is kept for this tab only (it survives a reload, not closing the tab).",
            ),
            SaveResult::Refused => self.warn(
                "The browser refuses to store anything: if this page is closed, nothing will remember that VMs may be running.",
            ),
        }
        self.last.set_value(Some(timeless(&record)));
    }

    fn warn(&self, text: &str) {
        if self.warning.with_untracked(|w| w.as_deref() != Some(text)) {
            self.warning.set(Some(text.to_string()));
        }
    }
}

/// The run found in storage at load.
pub struct Found {
    /// Its id.
    pub run_id: String,
    /// Its endpoint.
    pub endpoint: String,
    /// Its journal (empty when it was lost or cannot be read).
    pub events: Vec<Event>,
    /// Its recovery record, when one was kept.
    pub record: Option<RecoveryRecord>,
    /// Why its journal is not shown, when it is not.
    pub problem: Option<String>,
}

impl Found {
    /// Whether its journal is missing and only the record says what it left.
    pub fn record_only(&self) -> bool {
        self.events.is_empty() && self.record.is_some()
    }
}

/// What one stored run is, read.
struct Read {
    stored: StoredRun,
    record: Option<RecoveryRecord>,
    journal: Result<Option<Journal>, String>,
}

impl Read {
    fn of(stored: StoredRun) -> Self {
        let record = stored
            .recovery
            .as_deref()
            .and_then(|t| RecoveryRecord::from_json(t).ok());
        let journal = match stored.journal.as_deref() {
            None => Ok(None),
            Some(text) => Journal::from_json(text)
                .map(Some)
                .map_err(|e| e.to_string()),
        };
        Self {
            stored,
            record,
            journal,
        }
    }

    fn summary(&self) -> Option<JournalSummary> {
        self.journal.as_ref().ok().flatten().map(Journal::summary)
    }

    fn endpoint(&self) -> String {
        self.record
            .as_ref()
            .map(|r| r.endpoint.clone())
            .or_else(|| self.stored.entry.as_ref().map(|e| e.endpoint.clone()))
            .unwrap_or_default()
    }

    fn domain(&self) -> String {
        self.record
            .as_ref()
            .map(|r| r.domain.clone())
            .or_else(|| self.summary().and_then(|s| s.domain))
            .or_else(|| self.stored.entry.as_ref().map(|e| e.domain.clone()))
            .unwrap_or_default()
    }

    fn candidate(&self, held: &[String]) -> Candidate {
        let summary = self.summary();
        // The journal, when there is one, says more than the record written beside it.
        let needs_attention = summary
            .as_ref()
            .and_then(|s| RecoveryRecord::of(s, &self.stored.run_id, "", 0.0))
            .or_else(|| self.record.clone())
            .is_some_and(|r| r.needs_attention());
        let started_ms = summary
            .and_then(|s| s.started_ms)
            .or(self.record.as_ref().map(|r| r.started_ms))
            .or(self.stored.entry.as_ref().map(|e| e.started_ms))
            .unwrap_or(0.0);
        Candidate {
            started_ms,
            needs_attention,
            held_elsewhere: held
                .contains(&locks::domain_lock_name(&self.endpoint(), &self.domain())),
        }
    }
}

/// The run a page shows at load ([`run_to_show`]), given the domain locks other tabs
/// hold: never one whose domain another tab drives.
pub fn found_at_load(held: &[String]) -> Option<Found> {
    let read: Vec<Read> = runs::load_runs().into_iter().map(Read::of).collect();
    let candidates: Vec<Candidate> = read.iter().map(|r| r.candidate(held)).collect();
    let chosen = read.into_iter().nth(run_to_show(&candidates)?)?;
    let endpoint = chosen.endpoint();
    let (events, problem) = match chosen.journal {
        Ok(Some(journal)) => (journal.events, None),
        Ok(None) => (Vec::new(), None),
        Err(problem) => (Vec::new(), Some(problem)),
    };
    Some(Found {
        run_id: chosen.stored.run_id,
        endpoint,
        events,
        record: chosen.record,
        problem,
    })
}
