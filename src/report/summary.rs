//! The report's summary in words: one row per fact (the run's facts, its outcome, its
//! times, its peaks, its lateness, its problems), and the log lines that say what went
//! wrong. Plain text: [`super::html`] escapes it.

use crate::engine::journal::{CapacityState, RunEnd};
use crate::engine::OnStepFailure;
use crate::settings::num::format_seconds;

use super::facts::ReportFacts;
use super::figures::RunFigures;
use super::steplog::{end_text, LineKind, LogLine};
use super::time::date_time;

/// The most problem lines the summary lists (the log has them all).
pub const PROBLEM_LINES: usize = 20;

/// One row of the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryRow {
    /// What it is about.
    pub term: &'static str,
    /// The fact, in words.
    pub text: String,
    /// Whether it is bad news (shown as such).
    pub bad: bool,
}

fn row(term: &'static str, text: impl Into<String>) -> SummaryRow {
    SummaryRow {
        term,
        text: text.into(),
        bad: false,
    }
}

fn bad_row(term: &'static str, text: impl Into<String>, bad: bool) -> SummaryRow {
    SummaryRow {
        bad,
        ..row(term, text)
    }
}

/// `3 failed requests`, `1 failed request`.
fn count(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn capacity_words(c: CapacityState) -> String {
    match c {
        CapacityState::Untouched => "no capacity was asked for".to_string(),
        CapacityState::Confirmed { capacity } => {
            format!("capacity {capacity}, confirmed by the server")
        }
        CapacityState::Unconfirmed { capacity } => {
            format!("capacity {capacity} asked for, not confirmed by the server")
        }
        CapacityState::Deleted => "the domain was deleted".to_string(),
    }
}

/// The rows of the summary of `figures` with `facts`.
pub fn summary_rows(figures: &RunFigures, facts: &ReportFacts) -> Vec<SummaryRow> {
    let s = &figures.summary;
    let mut rows = vec![
        row("Domain", s.domain.clone().unwrap_or_default()),
        row("Engine", facts.engine.as_str()),
    ];
    let endpoint = match (&facts.endpoint.host_port, facts.endpoint.transport) {
        (h, _) if h.is_empty() => "not given".to_string(),
        (h, Some(t)) => format!("{h} ({t})"),
        (h, None) => h.clone(),
    };
    rows.push(row("Endpoint", endpoint));
    rows.push(row("Profile and signing", facts.signing_words()));
    rows.push(row("Policy", facts.policy.as_str()));
    rows.push(row("Ramp settings", facts.ramp.words()));
    if let Some(started) = &figures.started {
        let end = started.schedule.last().map_or(String::new(), |l| {
            format!(
                ", the last (capacity {}) at +{}",
                l.capacity,
                format_seconds(l.at_ms)
            )
        });
        rows.push(row(
            "Schedule",
            format!(
                "{} timed steps{end}; {} requests planned; an existing domain {}",
                started.schedule.len(),
                started.planned_requests,
                if started.replace_existing {
                    "is replaced"
                } else {
                    "is kept"
                }
            ),
        ));
        rows.push(row(
            "Launch configurations",
            started.launch_configurations.join(", "),
        ));
        let o = &started.options;
        rows.push(row(
            "Run options",
            format!(
                "a ramp step that keeps failing {}; Stop {}; the domain looked at {}",
                match o.on_step_failure {
                    OnStepFailure::StopAndTearDown => "stops the run (capacity 0)",
                    OnStepFailure::Continue => "is logged and skipped",
                },
                if o.leave_running {
                    "leaves the VMs running"
                } else {
                    "sets capacity 0"
                },
                match o.monitor_interval_ms {
                    0 => "never during the ramp".to_string(),
                    ms => format!("every {}", format_seconds(ms)),
                },
            ),
        ));
    }
    match &s.finished {
        Some(r) => {
            let mut text = end_text(&r.end);
            if r.failed_steps > 0 {
                text.push_str(&format!(
                    "; {}",
                    count(r.failed_steps, "timed step failed", "timed steps failed")
                ));
            }
            let bad = r.end != RunEnd::Completed || r.failed_steps > 0;
            rows.push(bad_row("Outcome", text, bad));
            rows.push(row("Capacity left", capacity_words(r.capacity)));
            if let Some(t) = &r.teardown {
                rows.push(bad_row("Teardown", t.label(0), t.may_leave_running()));
            }
        }
        None if s.started_ms.is_some() => rows.push(row(
            "Outcome",
            format!(
                "not finished when this report was written; capacity so far: {}",
                capacity_words(s.capacity)
            ),
        )),
        None => rows.push(row("Outcome", "no run")),
    }
    if let Some(settled) = &s.settled {
        rows.push(bad_row("Afterwards", settled.label(), settled.is_warning()));
    }
    if let Some(t) = s.started_ms {
        rows.push(row("Started", date_time(t)));
    }
    match (figures.finished_ms, figures.last_event_ms) {
        (Some(t), _) => rows.push(row("Ended", date_time(t))),
        (None, Some(t)) if s.started_ms.is_some() => {
            rows.push(row("Last event", date_time(t)));
        }
        _ => {}
    }
    if let Some(d) = figures.duration_ms() {
        rows.push(row("Duration", format_seconds(d)));
    }
    let or_none = |v: Option<u32>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
    let planned_peak = figures.series.planned.iter().map(|p| p.1).max();
    rows.push(row(
        "Peak capacity",
        format!(
            "planned {}, requested {}, seen running {}",
            or_none(planned_peak),
            or_none(figures.peak_requested),
            or_none(figures.peak_running)
        ),
    ));
    let planned_steps = figures.started.as_ref().map_or(0, |r| r.schedule.len());
    rows.push(row(
        "Lateness of the timed steps",
        match figures.lateness {
            Some(l) => format!(
                "median {} ms, p95 {} ms, max {} ms ({} of {planned_steps} steps fired)",
                l.median_ms, l.p95_ms, l.max_ms, l.steps
            ),
            None => format!("no step fired (of {planned_steps})"),
        },
    ));
    let p = figures.problems;
    let mut problems = Vec::new();
    for (n, one, many) in [
        (p.failed_requests, "failed request", "failed requests"),
        (
            p.cancelled_requests,
            "request cancelled by Stop",
            "requests cancelled by Stop",
        ),
        (p.teardown_retries, "teardown retry", "teardown retries"),
        (
            p.teardowns_abandoned,
            "teardown given up (VMs may still be running)",
            "teardowns given up (VMs may still be running)",
        ),
        (
            p.not_settled,
            "warning that the domain did not settle",
            "warnings that the domain did not settle",
        ),
    ] {
        if n > 0 {
            problems.push(count(n, one, many));
        }
    }
    rows.push(if problems.is_empty() {
        row("Problems", "none")
    } else {
        bad_row("Problems", problems.join("; "), true)
    });
    rows
}

/// The lines that say what went wrong (failed, cancelled, warnings), at most
/// [`PROBLEM_LINES`] of them, and how many more there are.
pub fn problem_lines(lines: &[LogLine]) -> (Vec<&LogLine>, usize) {
    let all: Vec<&LogLine> = lines
        .iter()
        .filter(|l| {
            matches!(
                l.kind,
                LineKind::Failed | LineKind::Cancelled | LineKind::Warning
            )
        })
        .collect();
    let more = all.len().saturating_sub(PROBLEM_LINES);
    (all.into_iter().take(PROBLEM_LINES).collect(), more)
}
