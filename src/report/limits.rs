//! How much run history this browser keeps, as the person sets it in the Run history
//! section: at most so many runs and so many MB of logs (the journals' JSON), the oldest
//! ended runs let go first ([`super::history::over_bounds_within`]). Stored apart from
//! the settings file under [`LIMITS_KEY`]: it is about this browser, not an engine.

use serde::{Deserialize, Serialize};

use super::history::{Bounds, MAX_JOURNAL_CHARS, MAX_RUNS, MAX_STORED_JOURNAL_CHARS};

/// The `localStorage` key of the limits (JSON of [`HistoryLimits`]).
pub const LIMITS_KEY: &str = "pde.history.limits";

/// The most runs a person may ask to keep: the index is read whole at every load.
pub const MAX_LIMIT_RUNS: usize = 500;

/// The most MB of logs a person may ask to keep (a browser's quota is a share of the
/// disk; past it, the page warns and runs on in memory).
pub const MAX_LIMIT_MB: u64 = 1024;

/// One MB of logs, in journal characters.
const MB: u64 = 1024 * 1024;

/// The history's limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLimits {
    /// Runs kept at most.
    pub runs: usize,
    /// MB of logs kept at most.
    pub mb: u64,
}

impl Default for HistoryLimits {
    fn default() -> Self {
        Self {
            runs: MAX_RUNS,
            mb: MAX_STORED_JOURNAL_CHARS / MB,
        }
    }
}

/// Which limit a problem is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitField {
    /// Runs kept at most.
    Runs,
    /// MB of logs kept at most.
    Mb,
}

fn whole(text: &str, field: LimitField, max: u64) -> Result<u64, (LimitField, String)> {
    let t = text.trim();
    let n: u64 = t.parse().map_err(|_| {
        (
            field,
            format!("a whole number from 1 to {max}, not \"{t}\""),
        )
    })?;
    if n == 0 || n > max {
        return Err((field, format!("from 1 to {max}, not {n}")));
    }
    Ok(n)
}

impl HistoryLimits {
    /// The limits as typed, or every problem, each with its field.
    pub fn parse(runs: &str, mb: &str) -> Result<Self, Vec<(LimitField, String)>> {
        let runs = whole(runs, LimitField::Runs, MAX_LIMIT_RUNS as u64);
        let mb = whole(mb, LimitField::Mb, MAX_LIMIT_MB);
        match (runs, mb) {
            (Ok(runs), Ok(mb)) => Ok(Self {
                runs: runs as usize,
                mb,
            }),
            (runs, mb) => Err(runs.err().into_iter().chain(mb.err()).collect()),
        }
    }

    /// The stored limits: the defaults when there are none, or when what is stored does
    /// not read or is out of range (another version's, or edited by hand).
    pub fn read(stored: Option<&str>) -> Self {
        stored
            .and_then(|t| serde_json::from_str::<Self>(t).ok())
            .filter(|l| {
                (1..=MAX_LIMIT_RUNS).contains(&l.runs) && (1..=MAX_LIMIT_MB).contains(&l.mb)
            })
            .unwrap_or_default()
    }

    /// As stored.
    pub fn to_json(self) -> String {
        format!("{{\"runs\":{},\"mb\":{}}}", self.runs, self.mb)
    }

    /// The bounds the journals in IndexedDB are kept within.
    pub fn bounds(self) -> Bounds {
        Bounds {
            runs: self.runs,
            chars: self.mb * MB,
        }
    }

    /// The bounds `localStorage` is kept within: the person's count of runs (their
    /// recovery records and index entries), and its own bound on journal characters,
    /// not the person's (its journals are only earlier versions', and the store is small).
    pub fn local_bounds(self) -> Bounds {
        Bounds {
            runs: self.runs,
            chars: MAX_JOURNAL_CHARS,
        }
    }

    /// "at most 50 runs and 64 MB of logs".
    pub fn text(self) -> String {
        format!(
            "at most {} run{} and {} MB of logs",
            self.runs,
            if self.runs == 1 { "" } else { "s" },
            self.mb
        )
    }
}
