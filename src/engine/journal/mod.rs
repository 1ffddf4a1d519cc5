//! The run journal: every happening of a run as a typed, serializable [`Event`], and a
//! pure [`JournalSummary`] of a journal (ended? capacity? remaining steps?).
//!
//! The page renders the journal and keeps it in `localStorage` as it grows, so every
//! event is self-contained: it names its action, target and times itself and never
//! points into the plan or into another event (the `no` of a request only pairs its
//! [`Event::RequestSent`] with its [`Event::RequestDone`]; an [`Event::TeardownRetry`]
//! belongs to the [`Event::TeardownStarted`] before it). Times are milliseconds since
//! the Unix epoch (`*_ms` of the clock, as [`crate::api::Attempt`] has them); offsets are
//! milliseconds from the ramp's start. No event ever holds a credential: errors come
//! from the client already redacted, and requests are recorded by target, not by
//! parameters.
//!
//! The rooms: [`events`] (the [`Event`] enum and the run's own happenings), [`request`]
//! (one request: target, sent, done, outcome), [`attempt`] (errors and attempts as
//! kept), [`instances`] (counting a domain's VMs), [`teardown`] (its start, retries,
//! end, and a pending one), [`report`] (the end of a run), [`settle`] (whether the
//! domain reached the capacity asked for afterwards), [`stage`], [`summary`], and
//! [`read`] (every type read back from its JSON). This module keeps the whole journal
//! and its JSON.

pub mod attempt;
pub mod decision;
pub mod events;
pub mod instances;
pub mod read;
pub mod report;
pub mod request;
pub mod settle;
pub mod stage;
pub mod summary;
pub mod teardown;

pub use attempt::{AttemptRecord, ErrorInfo, Retry};
pub use decision::{DecisionMade, DecisionOutcome, Direction, ObservedBrief, RailNote};
// The capacity a run leaves is part of its report.
pub use crate::engine::capacity::{CapacityState, TeardownSkip};
pub use events::{
    Event, MonitorResult, MonitorSnapshot, RampStarted, RampStep, RunStarted, ScheduledStep,
    StopRequested, SupersededStep, JOURNAL_VERSION,
};
pub use instances::{count_instances, InstanceCount, InstanceState};
pub use read::{ReadError, ReadJson};
pub use report::{PlanProblem, RunEnd, RunFinished, RunReport};
pub use request::{Outcome, RequestDone, RequestSent, SkipReason, Target};
pub use settle::{NotSettled, Settled, Settlement};
pub use stage::Stage;
pub use summary::JournalSummary;
pub use teardown::{
    PendingTeardown, Teardown, TeardownCause, TeardownOutcome, TeardownRetry, TeardownStarted,
};

use serde::Serialize;

/// A run's events in order, as the page keeps them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Journal {
    /// The events, oldest first.
    pub events: Vec<Event>,
}

/// Why a stored journal could not be read.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Not a journal in this format.
    #[error("the stored run journal cannot be read: {0}")]
    Malformed(String),
    /// Written by a newer version of the app.
    #[error(
        "the stored run journal has version {found}; this app reads version {JOURNAL_VERSION}"
    )]
    Version {
        /// The version found.
        found: u32,
    },
}

impl Journal {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an event.
    pub fn push(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Its summary.
    pub fn summary(&self) -> JournalSummary {
        JournalSummary::of(&self.events)
    }

    /// As JSON for storage.
    pub fn to_json(&self) -> Result<String, JournalError> {
        serde_json::to_string(self).map_err(|e| JournalError::Malformed(e.to_string()))
    }

    /// Reads [`Journal::to_json`].
    pub fn from_json(text: &str) -> Result<Self, JournalError> {
        let journal =
            Journal::read_str(text).map_err(|e| JournalError::Malformed(e.to_string()))?;
        Self::checked(journal.events)
    }

    /// The journal of `events` read from storage one by one (the browser keeps a run's
    /// events as separate records), refused as [`Journal::from_json`] refuses a file of a
    /// newer version.
    pub fn checked(events: Vec<Event>) -> Result<Self, JournalError> {
        if let Some(Event::RunStarted(s)) = events.first() {
            if s.version > JOURNAL_VERSION {
                return Err(JournalError::Version { found: s.version });
            }
        }
        Ok(Self { events })
    }
}
