//! The recovery record: the few facts about a run that another tab, or the page after a
//! crash that lost the journal's tail, needs to tell whether VMs may be left running —
//! which run, where, which domain, its capacity, a pending teardown, and whether it ended
//! cleanly. Built from a [`JournalSummary`]; small (well under [`RECOVERY_MAX_BYTES`] as
//! JSON) so the page can rewrite it on every event.
//!
//! It never holds a credential: the endpoint is kept without any user name, password,
//! query or fragment ([`endpoint_for_record`]), and errors come from the journal,
//! already redacted.

use serde::{Deserialize, Serialize};

use crate::engine::capacity::CapacityState;
use crate::engine::journal::{ErrorInfo, JournalSummary, PendingTeardown};

/// The size a recovery record stays under as JSON for a realistic run, bytes.
pub const RECOVERY_MAX_BYTES: usize = 1024;

/// The longest error message and hint a record keeps, characters (the journal has them
/// whole).
const ERROR_TEXT_CHARS: usize = 160;

/// What a page needs to know about a run without its journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecoveryRecord {
    /// The page's id of the run.
    pub run_id: String,
    /// The endpoint URL, without credentials.
    pub endpoint: String,
    /// The domain.
    pub domain: String,
    /// The capacity as the journal knows it.
    pub capacity: CapacityState,
    /// A teardown begun and not ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_teardown: Option<PendingTeardown>,
    /// When the run started (ms since the epoch).
    pub started_ms: f64,
    /// When the record was written.
    pub updated_ms: f64,
    /// The run finished and no teardown is pending.
    pub ended: bool,
}

/// Why a stored recovery record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    /// Not a recovery record.
    #[error("the stored recovery record cannot be read: {0}")]
    Malformed(String),
}

impl RecoveryRecord {
    /// The record of the run `summary` describes, as of `updated_ms`; `None` when the
    /// journal holds no run.
    pub fn of(
        summary: &JournalSummary,
        run_id: impl Into<String>,
        endpoint: &str,
        updated_ms: f64,
    ) -> Option<Self> {
        let started_ms = summary.started_ms?;
        let pending_teardown = summary.pending_teardown.clone().map(|p| PendingTeardown {
            last_error: p.last_error.map(shorten),
            ..p
        });
        Some(Self {
            run_id: run_id.into(),
            endpoint: endpoint_for_record(endpoint),
            domain: summary.domain.clone().unwrap_or_default(),
            capacity: summary.capacity,
            ended: summary.ended() && pending_teardown.is_none(),
            pending_teardown,
            started_ms,
            updated_ms,
        })
    }

    /// Whether the person must be told: VMs may be running or a teardown is pending, and
    /// the run did not end cleanly.
    pub fn needs_attention(&self) -> bool {
        !self.ended && (self.capacity.may_be_running() || self.pending_teardown.is_some())
    }

    /// As JSON for storage.
    pub fn to_json(&self) -> Result<String, RecoveryError> {
        serde_json::to_string(self).map_err(|e| RecoveryError::Malformed(e.to_string()))
    }

    /// Reads [`RecoveryRecord::to_json`].
    pub fn from_json(text: &str) -> Result<Self, RecoveryError> {
        serde_json::from_str(text).map_err(|e| RecoveryError::Malformed(e.to_string()))
    }
}

/// `url` without a user name or password, query or fragment: what a record may keep.
pub fn endpoint_for_record(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    match scheme {
        Some(scheme) => format!("{scheme}://{host}{path}"),
        None => format!("{host}{path}"),
    }
}

/// The error with its message and hint cut to [`ERROR_TEXT_CHARS`].
fn shorten(error: ErrorInfo) -> ErrorInfo {
    ErrorInfo {
        message: cut(&error.message),
        hint: cut(&error.hint),
        ..error
    }
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(ERROR_TEXT_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
