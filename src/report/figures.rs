//! The figures a report sums a run up with, from its journal only: when it started and
//! ended, the peak capacity asked for and seen running, how late the timed steps fired,
//! and what went wrong (failed requests, teardown retries, teardowns given up, a domain
//! that did not settle). The run is the journal's last (as [`super::series`] draws it).

use crate::engine::journal::{Event, JournalSummary, MonitorResult, Outcome, RunStarted};

use super::series::{series, Series};

/// How late the timed steps fired, ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lateness {
    /// How many steps fired.
    pub steps: usize,
    /// The median (the lower one of an even count).
    pub median_ms: u64,
    /// The 95th percentile (nearest rank).
    pub p95_ms: u64,
    /// The latest.
    pub max_ms: u64,
}

impl Lateness {
    /// The figures of `lateness` (any order); `None` for no steps.
    pub fn of(lateness: &[u64]) -> Option<Self> {
        let mut sorted = lateness.to_vec();
        crate::order::sort(&mut sorted);
        let n = sorted.len();
        let max_ms = *sorted.last()?;
        // Nearest rank: the smallest value with at least 95 % of the values at or below.
        let p95_rank = (n * 95).div_ceil(100).max(1);
        Some(Self {
            steps: n,
            median_ms: sorted[(n - 1) / 2],
            p95_ms: sorted[p95_rank - 1],
            max_ms,
        })
    }
}

/// What went wrong during a run, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Problems {
    /// Requests that failed after the client's retries (and failed looks at the domain).
    pub failed_requests: u32,
    /// Requests cancelled by Stop.
    pub cancelled_requests: u32,
    /// Teardown attempts that failed (each was tried again).
    pub teardown_retries: u32,
    /// Teardowns given up (or failed, in an older journal): VMs may still be running.
    pub teardowns_abandoned: u32,
    /// Warnings that the domain did not reach the capacity asked for.
    pub not_settled: u32,
}

impl Problems {
    /// Whether nothing went wrong.
    pub fn none(&self) -> bool {
        *self == Self::default()
    }
}

/// A run summed up.
#[derive(Clone, Debug, PartialEq)]
pub struct RunFigures {
    /// How the run began: its plan in brief and its options (`None`: no run).
    pub started: Option<RunStarted>,
    /// What the journal says about the run.
    pub summary: JournalSummary,
    /// When the run finished (`None`: not finished when the report was written).
    pub finished_ms: Option<f64>,
    /// The latest event's time: the end of what the report knows.
    pub last_event_ms: Option<f64>,
    /// The highest capacity a timed step asked for.
    pub peak_requested: Option<u32>,
    /// The most instances a look at the domain saw running.
    pub peak_running: Option<u32>,
    /// How late the timed steps (ramp and final capacity) fired.
    pub lateness: Option<Lateness>,
    /// Timed steps that fired, of the schedule's.
    pub steps_fired: usize,
    /// What went wrong.
    pub problems: Problems,
    /// The chart's lines.
    pub series: Series,
}

impl RunFigures {
    /// The figures of the journal's last run.
    pub fn of(events: &[Event]) -> Self {
        let from = events
            .iter()
            .rposition(|e| matches!(e, Event::RunStarted(_)))
            .unwrap_or(0);
        let run = &events[from..];
        let mut problems = Problems::default();
        let mut lateness = Vec::new();
        let mut finished_ms = None;
        for e in run {
            match e {
                Event::RequestDone(d) => match d.outcome {
                    Outcome::Failed { .. } => problems.failed_requests += 1,
                    Outcome::Cancelled => problems.cancelled_requests += 1,
                    Outcome::Ok { .. } | Outcome::Skipped { .. } => {}
                },
                Event::Monitor(m) => {
                    if let MonitorResult::Failed { .. } = m.result {
                        problems.failed_requests += 1;
                    }
                }
                Event::RampStep(s) => lateness.push(s.lateness_ms),
                Event::TeardownRetry(_) => problems.teardown_retries += 1,
                Event::Teardown(t) if t.outcome.may_leave_running() => {
                    problems.teardowns_abandoned += 1;
                }
                Event::NotSettled(_) => problems.not_settled += 1,
                Event::RunFinished(f) => finished_ms = Some(f.at_ms),
                _ => {}
            }
        }
        let series = series(run);
        Self {
            started: run.iter().find_map(|e| match e {
                Event::RunStarted(s) => Some(s.clone()),
                _ => None,
            }),
            summary: JournalSummary::of(run),
            finished_ms,
            last_event_ms: run.last().map(Event::at_ms),
            peak_requested: series.requested.iter().map(|p| p.1).max(),
            peak_running: series.running.iter().map(|p| p.1).max(),
            steps_fired: lateness.len(),
            lateness: Lateness::of(&lateness),
            problems,
            series,
        }
    }

    /// From the start to the finish, or to the latest event of a run not finished, ms.
    pub fn duration_ms(&self) -> Option<u64> {
        let start = self.summary.started_ms?;
        let end = self.finished_ms.or(self.last_event_ms)?;
        Some(crate::engine::timing::whole_ms(end - start))
    }
}
