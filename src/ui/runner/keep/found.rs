//! At load, the run to show again: every run stored (`localStorage`'s records and index,
//! the journals of earlier versions there, IndexedDB's journals), weighed as
//! `report::history::run_to_show` says, and the chosen run's whole journal read back.
//!
//! Why runs are weighed by their recovery record and not by their journal: the record is
//! written before every batch of the journal, so it is never older, and reading it costs
//! nothing, while reading fifty journals of up to 100,000 events would hold the page.
//! Only a run with no record (an older version's journal, or a record storage refused)
//! is weighed by its journal.

use crate::engine::journal::{Event, Journal, JournalSummary, ReadJson};
use crate::engine::RecoveryRecord;
use crate::report::history::{run_to_show, Candidate};
use crate::ui::locks;
use crate::ui::storage::journals::{self, JournalMeta};
use crate::ui::storage::runs::{self, StoredRun};

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
    /// What of its journal is in IndexedDB (nothing when it was read from
    /// `localStorage`: it is written there once it is kept again).
    pub stored: JournalMeta,
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
    /// Its journal, when read (from `localStorage`, or from IndexedDB for a run without
    /// a record, or for the run chosen).
    journal: Result<Option<Journal>, String>,
    /// What IndexedDB holds of its journal.
    in_db: Option<JournalMeta>,
}

impl Read {
    fn of(stored: StoredRun, in_db: Option<JournalMeta>) -> Self {
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
            in_db,
        }
    }

    /// Whether IndexedDB's copy is the one to read: it is written from the start of the
    /// run (or of the older journal it replaces), so once it holds as many events it is
    /// the newer.
    fn prefers_db(&self) -> bool {
        let Some(meta) = self.in_db else {
            return false;
        };
        match &self.journal {
            Ok(Some(journal)) => meta.events >= journal.events.len() as u64,
            _ => true,
        }
    }

    /// Reads the journal from IndexedDB when that is the copy to read.
    async fn read_db(&mut self) {
        if self.prefers_db() {
            self.journal = read_journal(&self.stored.run_id).await;
        }
    }

    fn summary(&self) -> Option<JournalSummary> {
        self.journal
            .as_ref()
            .ok()
            .and_then(Option::as_ref)
            .map(Journal::summary)
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
        // A journal read here says more than an older version's record written beside it.
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

/// A run's journal as IndexedDB holds it: `Ok(None)` when it holds none.
pub async fn read_journal(run_id: &str) -> Result<Option<Journal>, String> {
    let Some(texts) = journals::read(run_id).await.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let events = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            Event::read_str(text)
                .map_err(|e| format!("the stored run journal cannot be read at event {i}: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Journal::checked(events)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Every stored run, read as far as weighing it needs.
async fn read_all() -> Vec<Read> {
    let mut stored = runs::load_runs();
    // No IndexedDB (private mode, refused): the records in `localStorage` still say
    // what the runs left running.
    let in_db = journals::list().await.unwrap_or_default();
    for (run_id, _) in &in_db {
        if !stored.iter().any(|s| &s.run_id == run_id) {
            stored.push(StoredRun {
                run_id: run_id.clone(),
                entry: None,
                recovery: None,
                journal: None,
                from_session: false,
            });
        }
    }
    let mut read = Vec::with_capacity(stored.len());
    for run in stored {
        let meta = in_db
            .iter()
            .find(|(id, _)| *id == run.run_id)
            .map(|(_, m)| *m);
        let mut one = Read::of(run, meta);
        if one.record.is_none() {
            one.read_db().await;
        }
        read.push(one);
    }
    read
}

/// The domains of stored runs that need attention (VMs may be running, or a teardown
/// is pending) and that no other tab drives, other than `shown` (the engines' domains):
/// the page adds an engine for each, so no obligation goes unseen.
pub async fn unclaimed_domains(held: &[String], shown: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for one in read_all().await {
        let domain = one.domain();
        let candidate = one.candidate(held);
        if candidate.needs_attention
            && !candidate.held_elsewhere
            && !domain.trim().is_empty()
            && !shown.iter().any(|d| d.trim() == domain.trim())
            && !out.contains(&domain)
        {
            out.push(domain);
        }
    }
    out
}

/// The run of `domain` an engine shows at load ([`run_to_show`] among that domain's
/// runs), given the domain locks other tabs hold: never one whose domain another tab
/// drives.
pub async fn found_at_load(held: &[String], domain: &str) -> Option<Found> {
    let read: Vec<Read> = read_all()
        .await
        .into_iter()
        .filter(|r| r.domain().trim() == domain.trim())
        .collect();
    let candidates: Vec<Candidate> = read.iter().map(|r| r.candidate(held)).collect();
    let mut chosen = read.into_iter().nth(run_to_show(&candidates)?)?;
    if chosen.record.is_some() {
        chosen.read_db().await;
    }
    let endpoint = chosen.endpoint();
    let from_db = chosen.prefers_db();
    let (events, problem) = match chosen.journal {
        Ok(Some(journal)) => (journal.events, None),
        Ok(None) => (Vec::new(), None),
        Err(problem) => (Vec::new(), Some(problem)),
    };
    let stored = match chosen.in_db {
        Some(meta) if from_db && meta.events == events.len() as u64 => meta,
        // Read from `localStorage`, or IndexedDB's count does not match what was read:
        // written again from the start.
        _ => JournalMeta::default(),
    };
    Some(Found {
        run_id: chosen.stored.run_id,
        endpoint,
        events,
        record: chosen.record,
        problem,
        stored,
    })
}
