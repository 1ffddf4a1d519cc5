//! The teardown banner: while a teardown pursues capacity 0 (after Stop, a failure, a
//! reload that found one pending, or "Scale this domain to 0"), what it is doing, when
//! it last failed, the countdown to its next attempt, **Try now** and **Stop trying**;
//! after "Stop trying", what may still be running. A banner and not a log line: this is
//! the one thing on the page a person must not miss.

use leptos::prelude::*;

use crate::engine::journal::{Event, JournalSummary, TeardownOutcome};
use crate::report::time::clock_time;

use super::runner::RunState;
use super::state::AppState;

/// While capacity may be running and a teardown pursues 0: what it is doing, when it
/// last failed, the countdown to the next attempt, "Try now" and "Stop trying". After
/// "Stop trying": what may still be running, and "Scale this domain to 0".
#[component]
pub fn TeardownBanner(
    /// The time the countdown counts from (the run controls' 250 ms tick).
    now: Signal<f64>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let run = expect_context::<RunState>();
    let last_failure = Memo::new(move |_| {
        run.events.with(|events| {
            events.iter().rev().find_map(|e| match e {
                Event::TeardownRetry(r) => Some(r.at_ms),
                Event::TeardownStarted(_) => Some(f64::NAN),
                _ => None,
            })
        })
    });
    move || {
        let busy = run.active.get() || run.pursuing.get();
        let pending = run.summary.with(|s| s.pending_teardown.clone());
        if let Some(pending) = pending.filter(|_| busy) {
            let now = now.get();
            let failed_at = last_failure
                .get()
                .filter(|t| t.is_finite())
                .map(|t| format!(" Last failure at {}.", clock_time(t)))
                .unwrap_or_default();
            let under_way = pending.attempt_under_way();
            return Some(
                view! {
                    <div class="teardown-banner" role="alert">
                        <p>
                            <strong>{format!("Capacity may be running on {}. ", pending.domain)}</strong>
                            {pending.label(now)}
                            {failed_at}
                        </p>
                        <button
                            type="button"
                            disabled=under_way
                            on:click=move |_| run.try_now()
                        >
                            "Try now"
                        </button>
                        <button type="button" class="secondary" on:click=move |_| run.stop_trying()>
                            "Stop trying"
                        </button>
                    </div>
                }
                .into_any(),
            );
        }
        if run.awaiting_credentials.get() {
            let domain = run
                .summary
                .with(|s| s.pending_teardown.as_ref().map(|p| p.domain.clone()))
                .or_else(|| run.recovered.with(|r| r.as_ref().map(|r| r.domain.clone())))
                .unwrap_or_default();
            return Some(
                view! {
                    <div class="teardown-banner" role="alert">
                        <p>
                            <strong>{format!("Capacity may be running on {domain}. ")}</strong>
                            "A teardown to capacity 0 was under way when the page closed: enter the secret key and it resumes at once."
                        </p>
                    </div>
                }
                .into_any(),
            );
        }
        let abandoned = run.last_teardown.get().filter(|t| {
            t.outcome.may_leave_running()
                && run.summary.with(JournalSummary::capacity_may_be_running)
        });
        abandoned.filter(|_| !busy && run.opened.get().is_none()).map(|t| {
            let domain = run
                .summary
                .with(|s| s.domain.clone())
                .unwrap_or_else(|| run.recovered.with(|r| r.as_ref().map(|r| r.domain.clone()).unwrap_or_default()));
            let seen = match (&t.outcome, run.summary.with(|s| s.last_confirmed_capacity)) {
                (
                    TeardownOutcome::Abandoned {
                        last_desired: Some(d),
                        ..
                    },
                    _,
                ) => format!("the domain last showed DesiredCapacity {d}"),
                (_, Some(c)) => format!("up to {c}: the last capacity the server confirmed"),
                _ => "at its last capacity".to_string(),
            };
            view! {
                <div class="teardown-banner stopped" role="alert">
                    <p>
                        {format!(
                            "Stopped trying: VMs may still be running on {domain} ({seen}). Nothing more is sent until you ask."
                        )}
                    </p>
                    <p class="hint">{t.outcome.label(t.target)}</p>
                    <button
                        type="button"
                        class="danger"
                        on:click=move |_| run.scale_to_zero(state)
                    >
                        "Scale this domain to 0"
                    </button>
                </div>
            }
            .into_any()
        })
    }
}
