//! Keeping the shown run in storage, obligations first: on every change its recovery
//! record (`engine::recovery`, a few hundred bytes) is written to `localStorage`,
//! synchronously, before its journal's new events are handed to IndexedDB
//! (`ui::storage::appender`, which writes them in the background), so a full storage
//! loses the log, never the fact that VMs may be running (`ui::storage::runs` makes
//! room, or keeps the record in `sessionStorage`). And, at load, finding the run to show
//! again ([`found_at_load`]).

use leptos::prelude::*;

use crate::engine::journal::{Event, JournalSummary};
use crate::engine::{CapacityState, RecoveryRecord};
use crate::report::history::{RunDigest, RunEntry};
use crate::ui::storage::appender::{Appender, Status};
use crate::ui::storage::journals::JournalMeta;
use crate::ui::storage::prune::prune;
use crate::ui::storage::runs::{self, SaveResult};

mod found;
pub use found::{found_at_load, read_journal, unclaimed_domains, Found};

/// What the page says when the journal cannot be stored.
const JOURNAL_REFUSED: &str = "The browser refused to store this run's log (its storage is full, or it keeps nothing in this mode): the log is kept in memory only until the page closes. The small recovery record is kept, so a reload still offers to scale the domain to 0.";

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
    /// Counts the writes of the run's index entry that the history shows differently
    /// (the first one, ended, finished): the history lists the index again then, and
    /// not on every event.
    pub listed: RwSignal<u32>,
    /// The record last written, without its time (an unchanged record is not
    /// written again). Also the base of the next one when the journal holds no run of
    /// its own (a record found at load whose journal was lost).
    last: StoredValue<Option<RecoveryRecord>>,
    /// The writer of the journal's new events.
    appender: StoredValue<Appender, LocalStorage>,
    /// How the run finished, once it has, and whether its index entry says so yet (the
    /// history lists runs from the index alone).
    digest: StoredValue<(Option<RunDigest>, bool)>,
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
        let warning = RwSignal::new(None);
        let appender = Appender::new(move |_run_id: &str, status: Status| {
            if let Status::Refused(_) = status {
                // The page may be gone (tests unmount it) by the time storage answers.
                let _ = warning.try_set(Some(JOURNAL_REFUSED.to_string()));
            }
        });
        Self {
            run_id: RwSignal::new(None),
            endpoint: RwSignal::new(String::new()),
            warning,
            listed: RwSignal::new(0),
            last: StoredValue::new(None),
            appender: StoredValue::new_local(appender),
            digest: StoredValue::new((None, false)),
        }
    }

    /// What of the shown run's journal is stored, as last committed.
    pub fn stored(&self) -> JournalMeta {
        self.appender.with_value(Appender::stored)
    }

    /// Whether every event handed over is committed (or refused).
    pub fn is_idle(&self) -> bool {
        self.appender.with_value(Appender::is_idle)
    }

    /// Takes on the run `run_id` (a new one) and writes its first record before
    /// anything is sent: the domain, and the capacity it inherits.
    pub fn begin(&self, run_id: &str, endpoint: &str, record: RecoveryRecord) {
        self.run_id.set(Some(run_id.to_string()));
        self.endpoint.set(endpoint.to_string());
        self.last.set_value(None);
        self.digest.set_value((None, false));
        self.warning.set(None);
        self.appender
            .with_value(|a| a.start(Some(run_id), JournalMeta::default()));
        self.save_record(record);
    }

    /// Takes on a run found at load, whose journal has `stored` events in IndexedDB
    /// already (nothing is written until it changes; a journal read from `localStorage`,
    /// `stored` 0, is written to IndexedDB whole, once).
    pub fn adopt(
        &self,
        run_id: &str,
        endpoint: &str,
        record: Option<RecoveryRecord>,
        stored: JournalMeta,
    ) {
        self.run_id.set(Some(run_id.to_string()));
        self.endpoint.set(endpoint.to_string());
        self.last.set_value(record.as_ref().map(timeless));
        self.digest.set_value((None, false));
        self.appender.with_value(|a| a.start(Some(run_id), stored));
        // The history is pruned once per page, off the engine's path.
        let keep = run_id.to_string();
        wasm_bindgen_futures::spawn_local(async move {
            prune(&keep).await;
        });
    }

    /// Writes what changed of the shown run after `events` grew: its record first, then
    /// the events after those already handed over (the cost is the new events', not the
    /// journal's; storage is never awaited here).
    pub fn keep(&self, events: &[Event], summary: &JournalSummary) {
        let Some(run_id) = self.run_id.get_untracked() else {
            return;
        };
        let endpoint = self.endpoint.get_untracked();
        let now = js_sys::Date::now();
        if self.digest.with_value(|d| d.0.is_none()) {
            if let Some(digest) = RunDigest::of(summary) {
                self.digest.set_value((Some(digest), false));
            }
        }
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
        self.appender.with_value(|a| a.append(events));
    }

    fn save_record(&self, record: RecoveryRecord) {
        let same = self
            .last
            .with_value(|last| last.as_ref() == Some(&timeless(&record)));
        let (finished, digest_written) = self.digest.get_value();
        if same && (digest_written || finished.is_none()) {
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
            finished: finished.clone(),
        };
        let ended = entry.ended;
        let listed_differently = self
            .last
            .with_value(|last| last.as_ref().is_none_or(|l| l.ended != ended))
            || (finished.is_some() && !digest_written);
        match runs::save_recovery(&entry, &text) {
            SaveResult::Saved { .. } => {
                if listed_differently {
                    self.listed.update(|n| *n += 1);
                }
                if ended {
                    // An ended run joins the history: keep it within its bounds.
                    let keep = record.run_id.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        prune(&keep).await;
                    });
                }
            }
            SaveResult::InSessionOnly => self.warn(
                "The browser's storage is full: what this run may leave running is kept for this tab only (it survives a reload, not closing the tab).",
            ),
            SaveResult::Refused => self.warn(
                "The browser refuses to store anything: if this page is closed, nothing will remember that VMs may be running.",
            ),
        }
        self.last.set_value(Some(timeless(&record)));
        self.digest
            .set_value((finished.clone(), finished.is_some()));
    }

    fn warn(&self, text: &str) {
        if self.warning.with_untracked(|w| w.as_deref() != Some(text)) {
            self.warning.set(Some(text.to_string()));
        }
    }
}
