//! The step log's lines: one per request and per ramp step, plus the run's milestones
//! (the teardown's start, each failed attempt with the next one's time, its end; how the
//! domain settled afterwards), from the journal only (so a reloaded page shows the same
//! log), and the filter by outcome. Server text is kept as the server wrote it; `ui`
//! renders it as text.

use std::collections::BTreeSet;

use crate::engine::journal::{
    AttemptRecord, Event, MonitorResult, MonitorSnapshot, Outcome, RampStep, RequestDone,
    RequestSent, Retry, RunEnd, Settlement, Teardown, TeardownRetry, TeardownStarted,
};
use crate::engine::timing::whole_ms;
use crate::engine::Phase;

use super::time::{clock_time, seconds};

/// What a line is about, for its style and the filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A request that succeeded.
    Ok,
    /// A request that was not needed.
    Skipped,
    /// A request that failed after the client's retries.
    Failed,
    /// A request cancelled by Stop.
    Cancelled,
    /// A timed ramp step fired.
    Step,
    /// A policy decided (see [`super::decisions`]).
    Decision,
    /// The run's own milestones (started, domain ready, stop, teardown, finished).
    Info,
    /// A request sent whose answer is not in the journal (yet, or ever: page closed).
    Pending,
    /// Something the person must know: a teardown attempt failed (it goes on), a
    /// teardown was abandoned, the domain did not settle.
    Warning,
}

impl LineKind {
    /// The CSS class (and the text a test reads).
    pub fn class(self) -> &'static str {
        match self {
            LineKind::Ok => "ok",
            LineKind::Skipped => "skipped",
            LineKind::Failed => "failed",
            LineKind::Cancelled => "cancelled",
            LineKind::Step => "step",
            LineKind::Decision => "decision",
            LineKind::Info => "info",
            LineKind::Pending => "pending",
            // Not "warning": the page's `.warning` is a box of its own.
            LineKind::Warning => "warn",
        }
    }
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// Wall-clock time, `HH:MM:SS.mmm` UTC.
    pub time: String,
    /// For ramp steps: planned offset and lateness.
    pub timing: String,
    /// The action (or milestone).
    pub action: String,
    /// The cloud, domain or capacity it is about.
    pub target: String,
    /// How it ended, in words.
    pub outcome: String,
    /// The server's request id, when known.
    pub request_id: String,
    /// What the line is.
    pub kind: LineKind,
    /// How many times the client retried.
    pub retries: u32,
}

impl LogLine {
    /// A line with only its time, kind and action; the rest is filled in by the caller.
    pub(crate) fn new(at_ms: f64, kind: LineKind, action: impl Into<String>) -> Self {
        Self {
            time: clock_time(at_ms),
            timing: String::new(),
            action: action.into(),
            target: String::new(),
            outcome: String::new(),
            request_id: String::new(),
            kind,
            retries: 0,
        }
    }

    /// A milestone of the run.
    fn info(at_ms: f64, action: &str, outcome: String) -> Self {
        Self {
            outcome,
            ..Self::new(at_ms, LineKind::Info, action)
        }
    }
}

/// The outcome filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    /// Every line.
    All,
    /// Requests that succeeded (also after retries).
    Ok,
    /// Requests that were not needed.
    Skipped,
    /// Requests the client had to retry.
    Retried,
    /// Requests that failed or were cancelled, and warnings.
    Failed,
}

impl Filter {
    /// Every filter with its value and label.
    pub const ALL: [(Filter, &'static str, &'static str); 5] = [
        (Filter::All, "all", "All"),
        (Filter::Ok, "ok", "OK"),
        (Filter::Skipped, "skipped", "Skipped"),
        (Filter::Retried, "retried", "Retried"),
        (Filter::Failed, "failed", "Failed"),
    ];

    /// From a `<select>` value (anything unknown: all).
    pub fn parse(value: &str) -> Self {
        Self::ALL
            .iter()
            .find(|(_, v, _)| *v == value)
            .map_or(Filter::All, |(f, _, _)| *f)
    }

    /// Whether `line` is shown.
    pub fn admits(self, line: &LogLine) -> bool {
        match self {
            Filter::All => true,
            Filter::Ok => line.kind == LineKind::Ok,
            Filter::Skipped => line.kind == LineKind::Skipped,
            Filter::Retried => line.retries > 0,
            Filter::Failed => matches!(
                line.kind,
                LineKind::Failed | LineKind::Cancelled | LineKind::Warning
            ),
        }
    }
}

/// The log lines of a journal, in its order.
pub fn log_lines(events: &[Event]) -> Vec<LogLine> {
    // A sent request gets its line when it is answered; one never answered (the page
    // was closed) keeps a line of its own, so it is not lost from the log.
    // Inserted one by one: collecting into a set sorts first, one more copy of the
    // standard library's sort in the .wasm (see crate::order).
    let mut answered = BTreeSet::new();
    for e in events {
        if let Event::RequestDone(d) = e {
            answered.insert(d.no);
        }
    }
    events
        .iter()
        .filter(|event| !matches!(event, Event::RequestSent(e) if answered.contains(&e.no)))
        .filter_map(event_line)
        .collect()
}

/// The line of one event, as [`log_lines`] writes it, for a log written as the run goes
/// (the headless runner's stdout). A [`Event::RequestSent`] gets its "no answer recorded
/// yet" line here: a caller that streams skips it and writes the line of its
/// [`Event::RequestDone`], which always follows. `None` for events the log does not
/// show (a look at the domain that succeeded).
pub fn event_line(event: &Event) -> Option<LogLine> {
    match event {
        Event::RunStarted(e) => Some(LogLine::info(
            e.at_ms,
            "Run started",
            format!(
                "domain {}, {} requests planned, {} timed steps",
                e.domain,
                e.planned_requests,
                e.schedule.len()
            ),
        )),
        Event::RequestSent(e) => Some(pending_line(e)),
        Event::Monitor(m) => failed_look_line(m),
        Event::RequestDone(e) => Some(request_line(e)),
        Event::RampStarted(e) => Some(LogLine::info(
            e.at_ms,
            "Ramp started",
            if e.domain_created {
                "domain created: ramp time 0".to_string()
            } else {
                "existing domain kept: ramp time 0".to_string()
            },
        )),
        Event::RampStep(e) => Some(step_line(e)),
        Event::Decision(e) => Some(super::decisions::decision_line(e)),
        Event::StopRequested(e) => Some(LogLine::info(
            e.at_ms,
            "Stop",
            format!("requested during {}", e.stage),
        )),
        Event::TeardownStarted(e) => Some(teardown_started_line(e)),
        Event::TeardownRetry(e) => Some(teardown_retry_line(e)),
        Event::Teardown(e) => Some(teardown_line(e)),
        Event::RunFinished(e) => Some(LogLine::info(
            e.at_ms,
            "Run finished",
            end_text(&e.report.end),
        )),
        Event::Settled(e) => Some(settlement_line(&Settlement::Settled(e.clone()))),
        Event::NotSettled(e) => Some(settlement_line(&Settlement::NotSettled(e.clone()))),
    }
}

/// A request sent whose answer the journal does not hold.
fn pending_line(e: &RequestSent) -> LogLine {
    LogLine {
        target: e.target.to_string(),
        outcome: "sent, no answer recorded yet".to_string(),
        ..LogLine::new(e.at_ms, LineKind::Pending, e.action.clone())
    }
}

/// A look at the domain that failed (successful looks show in the live view only).
fn failed_look_line(m: &MonitorSnapshot) -> Option<LogLine> {
    let MonitorResult::Failed { error, attempts } = &m.result else {
        return None;
    };
    Some(LogLine {
        timing: format!("ramp time {}", seconds(m.offset_ms)),
        outcome: format!("failed after {attempts} attempt(s): {}", error.summary()),
        request_id: error.request_id.clone().unwrap_or_default(),
        retries: attempts.saturating_sub(1),
        ..LogLine::new(
            m.at_ms,
            LineKind::Failed,
            "DescribeAutoScalingGroups (monitor)",
        )
    })
}

/// An answered (or cancelled) request.
fn request_line(e: &RequestDone) -> LogLine {
    let retries = (e.attempts.len() as u32).saturating_sub(1);
    let again = match retried_words(&e.attempts) {
        Some(words) => format!(" after {words}"),
        None => String::new(),
    };
    let (kind, outcome, request_id) = match &e.outcome {
        Outcome::Ok { request_id, detail } => (
            LineKind::Ok,
            match detail {
                Some(d) => format!("ok{again}: {d}"),
                None => format!("ok{again}"),
            },
            request_id.clone(),
        ),
        Outcome::Skipped { reason, error } => (
            LineKind::Skipped,
            format!("skipped: {}", reason.label()),
            error.as_ref().and_then(|x| x.request_id.clone()),
        ),
        Outcome::Failed { error } => (
            LineKind::Failed,
            format!("failed{again}: {}", error.summary()),
            error.request_id.clone(),
        ),
        Outcome::Cancelled => (
            LineKind::Cancelled,
            "cancelled by Stop (the server may have acted on it)".to_string(),
            None,
        ),
    };
    LogLine {
        target: e.target.to_string(),
        outcome,
        request_id: request_id.unwrap_or_default(),
        retries,
        ..LogLine::new(e.ended_ms, kind, e.action.clone())
    }
}

/// What the client did between a request's attempts, in words ("correcting the clock
/// by +312 s (server Date) and retrying once"), or `None` after a single attempt. Every
/// attempt but the last led to another one: by a clock correction, or by a retry.
fn retried_words(attempts: &[AttemptRecord]) -> Option<String> {
    let leading = attempts.len().checked_sub(1).filter(|&n| n > 0)?;
    let mut corrections = Vec::new();
    let mut retries = 0u32;
    for a in &attempts[..leading] {
        match a.retry {
            Some(Retry::ClockCorrected { seconds }) => corrections.push(seconds),
            _ => retries += 1,
        }
    }
    let mut words: Vec<String> = corrections
        .iter()
        .map(|s| format!("correcting the clock by {s:+} s (server Date)"))
        .collect();
    match retries {
        0 => {}
        1 => words.push("retrying once".to_string()),
        n => words.push(format!("retrying {n} times")),
    }
    Some(words.join(" and "))
}

/// A timed step that fired: when it was planned and how late it fired.
fn step_line(e: &RampStep) -> LogLine {
    let action = match e.phase {
        Phase::End => "Final capacity".to_string(),
        _ => format!("Ramp step {}", e.index + 1),
    };
    let outcome = match e.superseded.len() {
        0 => "fired".to_string(),
        n => format!("fired, replacing {n} late step(s)"),
    };
    LogLine {
        timing: format!(
            "planned +{}, late {} ms",
            seconds(e.planned_offset_ms),
            e.lateness_ms
        ),
        target: format!("capacity {}", e.capacity),
        outcome,
        ..LogLine::new(e.at_ms, LineKind::Step, action)
    }
}

/// A teardown began: what it pursues, and why.
fn teardown_started_line(e: &TeardownStarted) -> LogLine {
    let outcome = if e.resumed {
        format!(
            "resumed after a reload ({}): capacity {} until the server confirms it",
            e.cause.label(),
            e.target
        )
    } else {
        format!(
            "{}: capacity {} until the server confirms it",
            e.cause.label(),
            e.target
        )
    };
    LogLine {
        target: e.domain.clone(),
        ..LogLine::info(e.at_ms, "Teardown started", outcome)
    }
}

/// A teardown attempt failed: why, and when the next one is due.
fn teardown_retry_line(e: &TeardownRetry) -> LogLine {
    let wait = seconds(whole_ms(e.next_attempt_ms - e.at_ms));
    LogLine {
        outcome: format!(
            "attempt {} failed: {}; next attempt at {} (in {wait})",
            e.attempt,
            e.error.summary(),
            clock_time(e.next_attempt_ms)
        ),
        request_id: e.error.request_id.clone().unwrap_or_default(),
        ..LogLine::new(e.at_ms, LineKind::Warning, "Teardown retry")
    }
}

/// The teardown's end; an abandoned one (or an older journal's failed one) says VMs may
/// still be running.
fn teardown_line(e: &Teardown) -> LogLine {
    let kind = if e.outcome.may_leave_running() {
        LineKind::Warning
    } else {
        LineKind::Info
    };
    LogLine {
        outcome: e.outcome.label(e.target),
        ..LogLine::new(e.at_ms, kind, "Teardown")
    }
}

/// How the domain settled after the run.
fn settlement_line(s: &Settlement) -> LogLine {
    let (at_ms, kind, action) = match s {
        Settlement::Settled(e) => (e.at_ms, LineKind::Info, "Settled"),
        Settlement::NotSettled(e) => (e.at_ms, LineKind::Warning, "Not settled"),
    };
    LogLine {
        outcome: s.label(),
        ..LogLine::new(at_ms, kind, action)
    }
}

/// How a run ended, in words.
pub fn end_text(end: &RunEnd) -> String {
    match end {
        RunEnd::Completed => "completed".to_string(),
        RunEnd::Stopped { stage } => format!("stopped during {stage}"),
        RunEnd::Failed { stage, reason } => format!("failed during {stage}: {reason}"),
        RunEnd::Rejected { problem } => format!("not started: {problem}"),
    }
}
