//! The Run and Stop buttons: Run is disabled, with the reason shown, while anything is
//! invalid or a run is under way. Below them: the phase, the progress, a countdown to
//! the next ramp step, and after an interrupted run the offer to scale the domain to 0.

use leptos::prelude::*;

use crate::engine::journal::{JournalSummary, Stage};
use crate::engine::CapacityState;
use crate::settings::field_label;

use super::fields::{checkbox_field, text_field, Kind};
use super::runner::RunState;
use super::state::AppState;
use crate::report::steplog::end_text;
use crate::report::time::clock_time;
use crate::settings::{RunField, Settings};
use crate::ui::channel::RunPhase;

/// How many problems are listed by name under the Run button.
const LISTED: usize = 8;

/// The run controls at the end of the form.
#[component]
pub fn RunControls() -> impl IntoView {
    let state = expect_context::<AppState>();
    let run = expect_context::<RunState>();
    let blocked = move || state.errors.with(|e| !e.is_empty()) || run.active.get();
    let reason = move || {
        state.errors.with(|e| match e.len() {
            0 => "Ready: Run makes the requests of the plan below.".to_string(),
            1 => format!(
                "Run is disabled: fix 1 setting first ({}).",
                field_label(&e[0].field)
            ),
            n => format!(
                "Run is disabled: fix {n} settings first ({}{}).",
                e.iter()
                    .take(3)
                    .map(|x| field_label(&x.field))
                    .collect::<Vec<_>>()
                    .join(", "),
                if n > 3 { ", …" } else { "" }
            ),
        })
    };
    let problems = move || {
        state.errors.with(|e| {
            let more = e.len().saturating_sub(LISTED);
            let items = e
                .iter()
                .take(LISTED)
                .map(|x| {
                    // List-level problems have no input: point at their message.
                    let href = if x.field.is_list() {
                        format!("#{}-error", state.dom_id(&x.field))
                    } else {
                        format!("#{}", state.dom_id(&x.field))
                    };
                    let text = format!("{}: {}", field_label(&x.field), x.message);
                    view! {
                        <li>
                            <a href=href>{text}</a>
                        </li>
                    }
                })
                .collect_view();
            (!e.is_empty()).then(|| {
                view! {
                    <ul class="problems" aria-label="Settings to fix">
                        {items}
                        {(more > 0).then(|| view! { <li>{format!("and {more} more")}</li> })}
                    </ul>
                }
            })
        })
    };
    view! {
        <div class="run-controls">
            <button type="submit" disabled=blocked aria-describedby=state.id("run-reason")>
                "Run"
            </button>
            <button
                type="button"
                class="danger"
                disabled=move || !run.active.get()
                on:click=move |_| run.stop()
            >
                "Stop"
            </button>
            <span id=state.id("run-reason") class="reason" aria-live="polite">
                {reason}
            </span>
            {problems}
            <details class="run-options">
                <summary>"Run options"</summary>
                {checkbox_field(
                    RunField::LeaveRunning,
                    "Leave the VMs running when I press Stop",
                    Some("Off: Stop sets capacity 0. A failure always sets capacity 0.".into()),
                    |s: &Settings| s.run.leave_running,
                    |s: &mut Settings, v| s.run.leave_running = v,
                )}
                {checkbox_field(
                    RunField::ContinueOnFailedStep,
                    "Continue after a ramp step fails",
                    Some("Off: a step that still fails after its retries stops the run and sets capacity 0.".into()),
                    |s: &Settings| s.run.continue_on_failed_step,
                    |s: &mut Settings, v| s.run.continue_on_failed_step = v,
                )}
                {text_field(
                    RunField::MonitorSeconds,
                    "Look at the domain every (seconds)",
                    Kind::Decimal,
                    Some("0: never. The live view counts VMs per cloud and state at this interval.".into()),
                    |s: &Settings| s.run.monitor_seconds.0.clone(),
                    |s: &mut Settings, v| s.run.monitor_seconds.0 = v,
                )}
            </details>
            <RunStatus/>
        </div>
    }
}

/// The phase of a run, in words.
pub fn phase_text(summary: &JournalSummary, last_stage: Option<Stage>, active: bool) -> String {
    if let Some(report) = &summary.finished {
        return format!("Finished: {}", end_text(&report.end));
    }
    if summary.started_ms.is_none() {
        return "No run yet".to_string();
    }
    if !active {
        let zero = summary.capacity == CapacityState::Confirmed { capacity: 0 };
        return format!(
            "Interrupted (the page was closed or reloaded during the run){}",
            if zero {
                "; the domain is now at capacity 0"
            } else {
                ""
            }
        );
    }
    if summary.stop_requested {
        return "Stopping: setting capacity 0".to_string();
    }
    match last_stage {
        Some(stage) => format!("Running: {stage}"),
        None => "Running".to_string(),
    }
}

/// The phase of `run` as its status line, the overview and the run bar say it: a run
/// opened from a file or the history, or [`phase_text`] (tracked).
pub fn run_phase(run: RunState, last_stage: Option<Stage>) -> String {
    match run.opened.get() {
        Some(name) => format!("Opened from {name} (read-only)"),
        None => run
            .summary
            .with(|s| phase_text(s, last_stage, run.active.get())),
    }
}

/// Milliseconds until the next ramp step is due, and its capacity.
pub fn next_step(summary: &JournalSummary, now_ms: f64) -> Option<(f64, u32)> {
    if summary.ended() {
        return None;
    }
    let start = summary.ramp_started_ms?;
    let step = summary.remaining_steps().into_iter().next()?;
    Some(((start + step.at_ms as f64 - now_ms).max(0.0), step.capacity))
}

/// The time now, for countdowns: ticks every 250 ms while `active` holds, and stops
/// when it no longer does or when the calling component unmounts.
pub fn ticking_now(active: impl Fn() -> bool + Send + Sync + 'static) -> RwSignal<f64> {
    let now = RwSignal::new(js_sys::Date::now());
    let ticker: StoredValue<Option<IntervalHandle>> = StoredValue::new(None);
    Effect::new(move |_| {
        let active = active();
        if let Some(Some(h)) = ticker.try_get_value() {
            h.clear();
        }
        ticker.try_set_value(None);
        if active {
            let handle = set_interval_with_handle(
                move || {
                    now.try_set(js_sys::Date::now());
                },
                std::time::Duration::from_millis(250),
            )
            .ok();
            ticker.try_set_value(handle);
        }
    });
    on_cleanup(move || {
        if let Some(Some(h)) = ticker.try_get_value() {
            h.clear();
        }
    });
    now
}

/// Phase, progress, countdown, the leave-page warning and the scale-to-0 offer.
#[component]
fn RunStatus() -> impl IntoView {
    let state = expect_context::<AppState>();
    let run = expect_context::<RunState>();
    let now = ticking_now(move || run.active.get() || run.pursuing.get());
    // Leaving the page while capacity this run asked for may be running: warn.
    let listener = window_event_listener(leptos::ev::beforeunload, move |ev| {
        let risky = (run.active.get_untracked() || run.pursuing.get_untracked())
            && run
                .summary
                .with_untracked(JournalSummary::capacity_may_be_running);
        if risky {
            ev.prevent_default();
            ev.set_return_value("A run is under way and VMs may be running.");
        }
    });
    on_cleanup(move || listener.remove());

    let last_stage = Memo::new(move |_| {
        run.events.with(|events| {
            events.iter().rev().find_map(|e| match e {
                crate::engine::journal::Event::RequestSent(s) => Some(s.stage),
                _ => None,
            })
        })
    });
    let phase = move || run_phase(run, last_stage.get());
    let progress = move || {
        run.summary.with(|s| {
            (s.started_ms.is_some() && !s.schedule.is_empty()).then(|| {
                let done = s.last_step.map_or(0, |l| l + 1);
                let total = s.schedule.len();
                view! {
                    <span class="progress-text">{format!("Steps {done} / {total}")}</span>
                    <progress max=total value=done></progress>
                }
            })
        })
    };
    let countdown = move || {
        let now = now.get();
        run.active
            .get()
            .then(|| run.summary.with(|s| next_step(s, now)))
            .flatten()
            .map(|(ms, capacity)| {
                view! {
                    <span class="countdown">
                        {format!("Next step (capacity {capacity}) in {:.1} s", ms / 1000.0)}
                    </span>
                }
            })
    };
    let offer = move || {
        let quiet = !run.active.get() && !run.pursuing.get() && !run.driven_elsewhere();
        let interrupted = run.interrupted.get()
            && run.summary.with(|s| {
                !s.ended() && s.capacity_may_be_running() && s.pending_teardown.is_none()
            });
        // A run whose journal was lost: only its recovery record is left.
        let recovered = run
            .recovered
            .with(|r| {
                r.as_ref()
                    .filter(|r| r.pending_teardown.is_none())
                    .map(|r| r.domain.clone())
            })
            .filter(|_| {
                run.summary
                    .with(|s| s.capacity != CapacityState::Confirmed { capacity: 0 })
            });
        let show = quiet && (interrupted || recovered.is_some());
        show.then(|| {
            let domain = run
                .summary
                .with(|s| s.domain.clone())
                .or(recovered.clone())
                .unwrap_or_default();
            let remaining = run.summary.with(|s| s.remaining_steps().len());
            let lost_log = recovered.is_some() && !interrupted;
            view! {
                <div class="interrupted" role="alert">
                    <p>
                        {format!(
                            "The last run on domain {domain} was interrupted and VMs it asked for may still be running."
                        )}
                        {lost_log.then_some(" Its log was not saved (the browser's storage was full); its recovery record was.")}
                    </p>
                    <button
                        type="button"
                        class="danger"
                        disabled=move || run.active.get() || run.pursuing.get()
                        on:click=move |_| run.scale_to_zero(state)
                    >
                        "Scale this domain to 0"
                    </button>
                    {(remaining > 0 && !lost_log)
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="secondary"
                                    disabled=move || run.active.get() || run.pursuing.get()
                                    on:click=move |_| run.resume(state)
                                >
                                    "Resume the remaining steps"
                                </button>
                                <p class="hint">
                                    {format!(
                                        "{remaining} step(s) left; they keep their original times, and steps already due are merged into the newest."
                                    )}
                                </p>
                            }
                        })}
                </div>
            }
        })
    };
    let warning = move || {
        run.keeper
            .warning
            .get()
            .map(|text| view! { <p class="warning storage-warning" role="alert">{text}</p> })
    };
    let others = move || {
        let list = run.tabs.others.get();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|a| {
                    let what = match a.state {
                        RunPhase::Running => "running",
                        RunPhase::TearingDown => "tearing down",
                        RunPhase::Ended => "ended",
                    };
                    view! {
                        <li>
                            {format!(
                                "{} on {}: {what}, started {}",
                                a.domain,
                                a.endpoint,
                                clock_time(a.started_ms)
                            )}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="other-tabs">
                    <p class="hint">"Runs in other tabs of this browser:"</p>
                    <ul>{items}</ul>
                </div>
            }
        })
    };
    view! {
        <div class="run-status" role="status">
            <span class="phase">{phase}</span>
            {progress}
            {countdown}
        </div>
        <super::banner::TeardownBanner now=now.into()/>
        {offer}
        {warning}
        {others}
    }
}
