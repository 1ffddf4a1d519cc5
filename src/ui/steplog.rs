//! The step log: one line per request and per ramp step, rendered from the journal only,
//! with a filter by outcome, "Copy" and "Download" (text and JSON). Server text is
//! always rendered as text.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::engine::journal::{Event, Journal, MonitorResult, Outcome, RunEnd, TeardownOutcome};
use crate::engine::Phase;

use super::runner::RunState;
use super::state::{AppState, Notice};
use super::storage;

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
    /// The run's own milestones (started, domain ready, stop, teardown, finished).
    Info,
    /// A request sent whose answer is not in the journal (yet, or ever: page closed).
    Pending,
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
            LineKind::Info => "info",
            LineKind::Pending => "pending",
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
    /// Requests that failed or were cancelled.
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
            Filter::Failed => matches!(line.kind, LineKind::Failed | LineKind::Cancelled),
        }
    }
}

/// `HH:MM:SS.mmm` (UTC) of a time in ms since the epoch.
pub fn clock_time(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "--:--:--.---".to_string();
    }
    let ms = ms.round() as u64;
    let day = ms % 86_400_000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        day / 3_600_000,
        day / 60_000 % 60,
        day / 1000 % 60,
        day % 1000
    )
}

/// Seconds with milliseconds: `12.345 s`.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

fn info(at_ms: f64, action: &str, outcome: String) -> LogLine {
    LogLine {
        time: clock_time(at_ms),
        timing: String::new(),
        action: action.to_string(),
        target: String::new(),
        outcome,
        request_id: String::new(),
        kind: LineKind::Info,
        retries: 0,
    }
}

/// The log lines of a journal, in its order.
pub fn log_lines(events: &[Event]) -> Vec<LogLine> {
    let answered: std::collections::BTreeSet<u32> = events
        .iter()
        .filter_map(|e| match e {
            Event::RequestDone(d) => Some(d.no),
            _ => None,
        })
        .collect();
    let mut lines = Vec::new();
    for event in events {
        match event {
            Event::RunStarted(e) => lines.push(info(
                e.at_ms,
                "Run started",
                format!(
                    "domain {}, {} requests planned, {} timed steps",
                    e.domain,
                    e.planned_requests,
                    e.schedule.len()
                ),
            )),
            Event::RequestSent(e) => {
                if !answered.contains(&e.no) {
                    lines.push(LogLine {
                        time: clock_time(e.at_ms),
                        timing: String::new(),
                        action: e.action.clone(),
                        target: e.target.to_string(),
                        outcome: "sent, no answer recorded yet".to_string(),
                        request_id: String::new(),
                        kind: LineKind::Pending,
                        retries: 0,
                    });
                }
            }
            Event::Monitor(m) => {
                if let MonitorResult::Failed { error, attempts } = &m.result {
                    lines.push(LogLine {
                        time: clock_time(m.at_ms),
                        timing: format!("ramp time {}", seconds(m.offset_ms)),
                        action: "DescribeAutoScalingGroups (monitor)".to_string(),
                        target: String::new(),
                        outcome: format!(
                            "failed after {attempts} attempt(s): {}{}",
                            error
                                .code
                                .as_ref()
                                .map(|c| format!("{c}: "))
                                .unwrap_or_default(),
                            error.message
                        ),
                        request_id: error.request_id.clone().unwrap_or_default(),
                        kind: LineKind::Failed,
                        retries: attempts.saturating_sub(1),
                    });
                }
            }
            Event::RequestDone(e) => {
                let retries = (e.attempts.len() as u32).saturating_sub(1);
                let again = match retries {
                    0 => String::new(),
                    1 => " after retrying once".to_string(),
                    n => format!(" after retrying {n} times"),
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
                        format!(
                            "failed{again}: {}{}",
                            error
                                .code
                                .as_ref()
                                .map(|c| format!("{c}: "))
                                .unwrap_or_default(),
                            error.message
                        ),
                        error.request_id.clone(),
                    ),
                    Outcome::Cancelled => (
                        LineKind::Cancelled,
                        "cancelled by Stop (the server may have acted on it)".to_string(),
                        None,
                    ),
                };
                lines.push(LogLine {
                    time: clock_time(e.ended_ms),
                    timing: String::new(),
                    action: e.action.clone(),
                    target: e.target.to_string(),
                    outcome,
                    request_id: request_id.unwrap_or_default(),
                    kind,
                    retries,
                });
            }
            Event::RampStarted(e) => lines.push(info(
                e.at_ms,
                "Ramp started",
                if e.domain_created {
                    "domain created: ramp time 0".to_string()
                } else {
                    "existing domain kept: ramp time 0".to_string()
                },
            )),
            Event::RampStep(e) => {
                let action = match e.phase {
                    Phase::End => "Final capacity".to_string(),
                    _ => format!("Ramp step {}", e.index + 1),
                };
                let outcome = match e.superseded.len() {
                    0 => "fired".to_string(),
                    n => format!("fired, replacing {n} late step(s)"),
                };
                lines.push(LogLine {
                    time: clock_time(e.at_ms),
                    timing: format!(
                        "planned +{}, late {} ms",
                        seconds(e.planned_offset_ms),
                        e.lateness_ms
                    ),
                    action,
                    target: format!("capacity {}", e.capacity),
                    outcome,
                    request_id: String::new(),
                    kind: LineKind::Step,
                    retries: 0,
                });
            }
            Event::StopRequested(e) => lines.push(info(
                e.at_ms,
                "Stop",
                format!("requested during {}", e.stage),
            )),
            Event::Teardown(e) => lines.push(info(
                e.at_ms,
                "Teardown",
                match &e.outcome {
                    TeardownOutcome::Done => "capacity 0 set".to_string(),
                    TeardownOutcome::Skipped { reason } => {
                        format!("not needed: {}", reason.label())
                    }
                    TeardownOutcome::Failed { error } => format!(
                        "FAILED, VMs may be running: {}{}",
                        error
                            .code
                            .as_ref()
                            .map(|c| format!("{c}: "))
                            .unwrap_or_default(),
                        error.message
                    ),
                },
            )),
            Event::RunFinished(e) => {
                lines.push(info(e.at_ms, "Run finished", end_text(&e.report.end)))
            }
        }
    }
    lines
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

/// The lines as tab-separated text, one per line.
pub fn as_text(lines: &[LogLine]) -> String {
    let mut out = String::from("time (UTC)\ttiming\taction\ttarget\toutcome\trequest id\n");
    for l in lines {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            l.time, l.timing, l.action, l.target, l.outcome, l.request_id
        ));
    }
    out
}

/// The step log with its filter and buttons.
#[component]
pub fn StepLog() -> impl IntoView {
    let app = expect_context::<AppState>();
    let run = expect_context::<RunState>();
    let filter = RwSignal::new(Filter::All);
    let lines = Memo::new(move |_| run.events.with(|e| log_lines(e)));
    let shown = move || {
        let f = filter.get();
        lines.with(|all| {
            all.iter()
                .filter(|l| f.admits(l))
                .map(|l| {
                    let class = format!("log-line {}", l.kind.class());
                    view! {
                        <li class=class>
                            <span class="time">{l.time.clone()}</span>
                            <span class="timing">{l.timing.clone()}</span>
                            <span class="action">{l.action.clone()}</span>
                            <span class="target">{l.target.clone()}</span>
                            <span class="outcome">{l.outcome.clone()}</span>
                            <span class="request-id">{l.request_id.clone()}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let copy = move |_| {
        let text = lines.with_untracked(|l| as_text(l));
        spawn_local(async move {
            let notice = match storage::copy_text(&text).await {
                Ok(()) => Notice::info("The step log is on the clipboard."),
                Err(e) => Notice::error(format!("The step log was not copied: {e}.")),
            };
            app.notice.try_set(Some(notice));
        });
    };
    let download_text = move |_| {
        let text = lines.with_untracked(|l| as_text(l));
        if let Err(e) = storage::download_text("phantom-run-log.txt", "text/plain", &text) {
            app.notice
                .set(Some(Notice::error(format!("No download: {e}."))));
        }
    };
    let download_json = move |_| {
        let journal = Journal {
            events: run.events.get_untracked(),
        };
        let result = journal.to_json().map_err(|e| e.to_string()).and_then(|t| {
            storage::download_text("phantom-run-journal.json", "application/json", &t)
        });
        if let Err(e) = result {
            app.notice
                .set(Some(Notice::error(format!("No download: {e}."))));
        }
    };
    let empty = move || lines.with(Vec::is_empty);
    // The list follows new lines while it is scrolled to its end.
    let list = NodeRef::<leptos::html::Ol>::new();
    let follow = RwSignal::new(true);
    Effect::new(move |_| {
        lines.track();
        filter.track();
        if let (true, Some(el)) = (follow.get_untracked(), list.get()) {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = list.get_untracked() {
            follow.set(el.scroll_height() - el.scroll_top() - el.client_height() < 24);
        }
    };
    view! {
        <section class="step-log-section" aria-label="Step log">
            <h2>"Step log"</h2>
            <div class="log-tools">
                <label>
                    "Show "
                    <select
                        id="log-filter"
                        on:change=move |ev| filter.set(Filter::parse(&event_target_value(&ev)))
                    >
                        {Filter::ALL
                            .iter()
                            .map(|(_, value, label)| view! { <option value=*value>{*label}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button type="button" class="secondary" on:click=copy disabled=empty>
                    "Copy"
                </button>
                <button type="button" class="secondary" on:click=download_text disabled=empty>
                    "Download text"
                </button>
                <button type="button" class="secondary" on:click=download_json disabled=empty>
                    "Download JSON"
                </button>
            </div>
            <Show when=move || !empty() fallback=|| view! { <p class="muted">"No run yet."</p> }>
                <ol class="step-log" aria-live="polite" node_ref=list on:scroll=on_scroll>
                    {shown}
                </ol>
            </Show>
        </section>
    }
}
