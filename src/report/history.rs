//! The runs this browser keeps, as data: where each part of a run is stored, the index of
//! runs and which runs to let go when space runs out. The browser edge
//! (`ui::storage::runs`) reads and writes `localStorage` by these rules; everything that
//! can be decided without a browser is decided here and tested on the host.
//!
//! Why per run: one `pde.journal` key meant two tabs overwrote each other's log, and a
//! full `localStorage` lost the one record a reload needs to finish a run's obligations
//! (scale to 0, delete the domain). Each run now has its own keys:
//!
//! * `pde.run.<id>.recovery`: the small recovery record (its shape is the engine's); written
//!   first and kept at almost any cost.
//! * `pde.runs`: the index, a JSON list of [`RunEntry`] (newest last).
//! * the journal, in IndexedDB (database `pde`: one record per event under `[<id>, seq]`
//!   in `events`, its count and size under `<id>` in `journals`); the first thing given
//!   up. A whole journal in one `localStorage` key cost a rewrite of the whole run on
//!   every event and did not fit a long run.
//! * `pde.run.<id>.journal`: the journal JSON of earlier versions, still read; moved to
//!   IndexedDB when its run is shown again.
//!
//! How much is kept, by default (the person sets the runs and the IndexedDB size, see
//! [`super::limits`]): at most [`MAX_RUNS`] runs, and at most [`MAX_STORED_JOURNAL_CHARS`]
//! characters of journals in IndexedDB and [`MAX_JOURNAL_CHARS`] in `localStorage` (4 MiB
//! as Chromium counts, a UTF-16 code unit being 2 bytes: under half of its 10 MiB
//! per-origin quota, so settings and recovery records always have room). A run that has
//! not ended is never let go for any bound: its recovery record is an obligation, so the
//! bounds can be exceeded while many runs are unfinished.

use serde::{Deserialize, Serialize};

use crate::engine::journal::JournalSummary;
use crate::report::steplog::end_text;
use crate::report::time::date_time;
use crate::settings::num::format_seconds;

use crate::sign::Endpoint;

/// At most this many runs are kept (oldest ended runs go first).
pub const MAX_RUNS: usize = 50;
/// At most this many characters (UTF-16 code units, as `localStorage` counts them) of
/// journals are kept, all runs together (oldest ended runs go first).
pub const MAX_JOURNAL_CHARS: u64 = 2 * 1024 * 1024;
/// At most this many characters of journals are kept in IndexedDB, all runs together
/// (oldest ended runs go first): 64 Mi, about 128 MiB as Chromium counts strings, a small
/// share of any browser's per-origin quota (a share of the disk), and room for a few
/// runs of 100,000 events (some 20 to 40 MiB of JSON each) besides many short ones.
pub const MAX_STORED_JOURNAL_CHARS: u64 = 64 * 1024 * 1024;
/// The index of runs.
pub const INDEX_KEY: &str = "pde.runs";
/// The single journal of earlier versions, read once and moved into a run of its own.
pub const LEGACY_JOURNAL_KEY: &str = "pde.journal";
/// Every key of a run starts with this.
pub const RUN_KEY_PREFIX: &str = "pde.run.";
/// The longest run id accepted (generated ids have 33 characters).
const MAX_RUN_ID_LEN: usize = 64;

/// One run as the index lists it. Never holds a credential: the endpoint is a URL as
/// entered (no user info: `sign::Endpoint` refuses it) and the domain a name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunEntry {
    /// The run's id ([`is_run_id`]).
    pub run_id: String,
    /// When the run started (ms since the Unix epoch).
    pub started_ms: f64,
    /// The domain (auto scaling group) it drives.
    #[serde(default)]
    pub domain: String,
    /// The endpoint it was signed for.
    #[serde(default)]
    pub endpoint: String,
    /// Whether its recovery record says it ended: only ended runs are let go. (Stored here
    /// because the recovery record's shape is the engine's; the caller says so when it
    /// saves the record.)
    #[serde(default)]
    pub ended: bool,
    /// How it finished, once it has (absent in entries of earlier versions, and while it
    /// runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<RunDigest>,
}

/// What the history lists of a finished run, written into its index entry when it
/// finishes, so that listing runs never reads their journals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunDigest {
    /// How it ended, in the step log's words ("completed", "stopped during ramp").
    pub outcome: String,
    /// When it finished (ms since the Unix epoch).
    pub finished_ms: f64,
    /// The highest capacity it asked for.
    pub peak: u32,
}

impl RunDigest {
    /// The digest of a finished run's journal; `None` while it has not finished.
    pub fn of(summary: &JournalSummary) -> Option<RunDigest> {
        let report = summary.finished.as_ref()?;
        Some(RunDigest {
            outcome: end_text(&report.end),
            finished_ms: summary.finished_ms.or(summary.started_ms).unwrap_or(0.0),
            peak: summary.peak_requested,
        })
    }
}

/// One row of the run history, as the page lists it (newest first).
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    /// The run's id (what Open and Delete act on).
    pub run_id: String,
    /// When it started: `2026-12-04 06:45:12.345 UTC`.
    pub started: String,
    /// Its domain.
    pub domain: String,
    /// The endpoint's host (`127.0.0.1:8445`), never a path or query.
    pub endpoint: String,
    /// "completed", "stopped during ramp", …; "not finished" for an interrupted or
    /// running run.
    pub outcome: String,
    /// How long it ran: `1 min 32 s`; empty while unfinished.
    pub duration: String,
    /// The highest capacity it asked for; empty when unknown.
    pub peak: String,
    /// Only an ended run may be deleted (an unended one still holds an obligation).
    pub deletable: bool,
}

/// The endpoint's host as a row shows it: what is between `://` and the next `/`.
fn host_of(endpoint: &str) -> String {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or("").to_string()
}

/// The rows of `entries` (index order, oldest first), newest first.
pub fn history_rows(entries: &[RunEntry]) -> Vec<HistoryRow> {
    entries
        .iter()
        .rev()
        .map(|e| {
            let (outcome, duration, peak) = match &e.finished {
                Some(d) => (
                    d.outcome.clone(),
                    format_seconds((d.finished_ms - e.started_ms).max(0.0).round() as u64),
                    d.peak.to_string(),
                ),
                None if e.ended => ("ended".to_string(), String::new(), String::new()),
                None => ("not finished".to_string(), String::new(), String::new()),
            };
            HistoryRow {
                run_id: e.run_id.clone(),
                started: date_time(e.started_ms),
                domain: e.domain.clone(),
                endpoint: host_of(&e.endpoint),
                outcome,
                duration,
                peak,
                deletable: e.ended,
            }
        })
        .collect()
}

/// The two stored parts of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunPart {
    /// `pde.run.<id>.journal`
    Journal,
    /// `pde.run.<id>.recovery`
    Recovery,
}

impl RunPart {
    fn suffix(self) -> &'static str {
        match self {
            RunPart::Journal => "journal",
            RunPart::Recovery => "recovery",
        }
    }
}

/// Whether `id` can name a run: 1 to 64 of `0-9`, `a-z` and `-` (so it never contains
/// the `.` that separates a key's parts).
pub fn is_run_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_RUN_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'-')
}

/// The storage key of one part of a run: `pde.run.<id>.journal` or `pde.run.<id>.recovery`.
pub fn part_key(run_id: &str, part: RunPart) -> String {
    format!("{RUN_KEY_PREFIX}{run_id}.{}", part.suffix())
}

/// The run id and part a storage key names, if it is one of [`part_key`]'s.
pub fn parse_part_key(key: &str) -> Option<(&str, RunPart)> {
    let rest = key.strip_prefix(RUN_KEY_PREFIX)?;
    let (id, suffix) = rest.rsplit_once('.')?;
    let part = match suffix {
        "journal" => RunPart::Journal,
        "recovery" => RunPart::Recovery,
        _ => return None,
    };
    is_run_id(id).then_some((id, part))
}

/// A run id from the time and 12 random bytes: `<ms in base 36>-<24 hex digits>`, so ids
/// sort roughly by start and two tabs starting in the same millisecond still differ.
pub fn run_id_from(now_ms: f64, random: &[u8; 12]) -> String {
    let mut ms = if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as u64
    } else {
        0
    };
    let mut time = Vec::new();
    loop {
        let digit = (ms % 36) as u32;
        time.push(char::from_digit(digit, 36).unwrap_or('0'));
        ms /= 36;
        if ms == 0 {
            break;
        }
    }
    let time: String = time.into_iter().rev().collect();
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("{time}-{hex}")
}

/// Reads the index. Tolerant: an entry that is not a [`RunEntry`] with a valid id is
/// skipped, a repeated id keeps its first place and its last contents, and text that
/// is not a JSON list gives an empty index (the runs' own keys are still found by
/// scanning storage, so a damaged index loses no run).
pub fn parse_index(text: &str) -> Vec<RunEntry> {
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(text) else {
        return Vec::new();
    };
    let mut index = Vec::new();
    for value in values {
        if let Ok(entry) = serde_json::from_value::<RunEntry>(value) {
            if is_run_id(&entry.run_id) {
                upsert(&mut index, entry);
            }
        }
    }
    index
}

/// The index as stored.
pub fn index_json(index: &[RunEntry]) -> String {
    // A list of plain structs with string, bool and number fields always serializes.
    serde_json::to_string(index).unwrap_or_else(|_| "[]".to_string())
}

/// Puts `entry` in the index: replaces the entry with its id in place, or appends it
/// (newest last). A start time that is not a number becomes 0 (JSON has no NaN, and an
/// entry without a time would not read back).
pub fn upsert(index: &mut Vec<RunEntry>, mut entry: RunEntry) {
    if !entry.started_ms.is_finite() {
        entry.started_ms = 0.0;
    }
    match index.iter_mut().find(|e| e.run_id == entry.run_id) {
        Some(existing) => *existing = entry,
        None => index.push(entry),
    }
}

/// Removes the run `run_id` from the index; whether it was there.
pub fn remove(index: &mut Vec<RunEntry>, run_id: &str) -> bool {
    let before = index.len();
    index.retain(|e| e.run_id != run_id);
    index.len() != before
}

/// The runs that may be let go, in the order to let them go: ended runs other than
/// `keep`, oldest start first (index order among equal starts).
pub fn eviction_order(index: &[RunEntry], keep: &str) -> Vec<String> {
    let mut ended: Vec<(usize, &RunEntry)> = index
        .iter()
        .enumerate()
        .filter(|(_, e)| e.ended && e.run_id != keep)
        .collect();
    crate::order::sort_by(&mut ended, |(ia, a), (ib, b)| {
        a.started_ms
            .total_cmp(&b.started_ms)
            .then_with(|| ia.cmp(ib))
    });
    ended.into_iter().map(|(_, e)| e.run_id.clone()).collect()
}

/// How much history one store keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Runs at most.
    pub runs: usize,
    /// Characters of journals at most, all runs together.
    pub chars: u64,
}

/// IndexedDB's bounds (the journals, one record per event).
pub const STORED_BOUNDS: Bounds = Bounds {
    runs: MAX_RUNS,
    chars: MAX_STORED_JOURNAL_CHARS,
};

/// The runs to remove whole so that at most `bounds` remain, given each run's journal
/// length: ended runs other than `keep`, oldest first, and only as many as needed.
/// Unfinished runs are never chosen, so the result can leave the bounds exceeded.
pub fn over_bounds_within(
    index: &[RunEntry],
    journal_chars: impl Fn(&str) -> u64,
    keep: &str,
    bounds: Bounds,
) -> Vec<String> {
    let mut runs = index.len();
    let mut chars: u64 = index.iter().map(|e| journal_chars(&e.run_id)).sum();
    let mut chosen = Vec::new();
    for id in eviction_order(index, keep) {
        if runs <= bounds.runs && chars <= bounds.chars {
            break;
        }
        runs -= 1;
        chars = chars.saturating_sub(journal_chars(&id));
        chosen.push(id);
    }
    chosen
}

/// What names one domain on one server, the same in every tab: the endpoint normalized
/// as `sign::Endpoint` reads it (scheme and host lowercased, a default port dropped)
/// with any trailing `/` removed, a space, then the domain name as given (trimmed;
/// names are case-sensitive). `https://SVC.example.org:443/` and
/// `https://svc.example.org` are one server. An endpoint that does not parse (no run
/// can use it) is trimmed, lowercased and stripped of trailing `/`. The endpoint never
/// contains a space, so the first space separates the two. The credentials are not part
/// of it (they never go into a name or a message), so two people driving equally named
/// domains on one server from one browser are told apart by nothing: the
/// conservative side.
pub fn domain_key(endpoint: &str, domain: &str) -> String {
    let url = match Endpoint::parse(endpoint) {
        Ok(parsed) => parsed.url(),
        Err(_) => endpoint.trim().to_ascii_lowercase(),
    };
    format!("{} {}", url.trim_end_matches('/'), domain.trim())
}

/// One stored run as the page weighs it at load ([`run_to_show`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// When it started.
    pub started_ms: f64,
    /// VMs it asked for may still be running, or its teardown is pending.
    pub needs_attention: bool,
    /// Another tab holds its domain's lock: it is that tab's to drive, and this page
    /// offers nothing for it.
    pub held_elsewhere: bool,
}

/// Which stored run a page shows at load: among those whose domain no other tab holds,
/// the newest one that needs attention (its obligations come first), else the newest.
/// `None` when nothing is stored, or every stored run's domain is driven elsewhere
/// (showing another tab's live run as "interrupted" would offer to undo it).
pub fn run_to_show(candidates: &[Candidate]) -> Option<usize> {
    let newest = |attention_only: bool| {
        candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.held_elsewhere && (!attention_only || c.needs_attention))
            .max_by(|(ia, a), (ib, b)| {
                a.started_ms
                    .total_cmp(&b.started_ms)
                    .then_with(|| ia.cmp(ib))
            })
            .map(|(i, _)| i)
    };
    newest(true).or_else(|| newest(false))
}
