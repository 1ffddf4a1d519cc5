//! The run's browser edge: starts `engine::run::run` with the current settings and plan,
//! keeps every [`Event`] in a signal (and in `localStorage` as it grows), and offers Stop
//! and "scale this domain to 0" after an interrupted run. No protocol decisions here:
//! the engine decides what is sent; this only wires it to the page.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::action::SetDesiredCapacity;
use crate::api::fetch::{BrowserClock, FetchTransport};
use crate::api::{Attempt, Client, Clock};
use crate::engine::journal::{
    AttemptRecord, ErrorInfo, Event, Journal, JournalSummary, Outcome, RequestDone, RequestSent,
    Stage, Target,
};
use crate::engine::run::{resume_plan, run, RunOptions};
use crate::engine::stop::StopHandle;
use crate::engine::Plan;

use super::state::{AppState, Notice};
use super::storage;

/// The run, shared through context. Copy: every field is a reactive handle.
#[derive(Clone, Copy)]
pub struct RunState {
    /// The journal of the current (or last) run, oldest first.
    pub events: RwSignal<Vec<Event>>,
    /// Whether a run (or a scale-to-0 request) is under way in this page.
    pub active: RwSignal<bool>,
    /// The journal was found in storage at load and its run had not ended.
    pub interrupted: RwSignal<bool>,
    /// The summary of `events`.
    pub summary: Memo<JournalSummary>,
    stop: StoredValue<Option<StopHandle>>,
}

impl RunState {
    /// Loads the stored journal, starts persisting it, and provides the state as context.
    pub fn provide(app: AppState) -> Self {
        let (events, interrupted) = match storage::load_journal() {
            Ok(Some(journal)) => {
                let ended = journal.summary().ended();
                let empty = journal.events.is_empty();
                (journal.events, !ended && !empty)
            }
            Ok(None) => (Vec::new(), false),
            Err(problem) => {
                app.notice.set(Some(Notice::error(format!(
                    "{problem}; the previous run's log is not shown."
                ))));
                (Vec::new(), false)
            }
        };
        let events = RwSignal::new(events);
        let summary = Memo::new(move |_| events.with(|e| JournalSummary::of(e)));
        let state = Self {
            events,
            active: RwSignal::new(false),
            interrupted: RwSignal::new(interrupted),
            summary,
            stop: StoredValue::new(None),
        };
        provide_context(state);
        // The journal is saved as it grows (never holds a credential).
        Effect::new(move |_| {
            let journal = Journal {
                events: events.get(),
            };
            if !storage::save_journal(&journal) {
                app.notice.set(Some(Notice::error(
                    "This browser does not let the page save the run log; it lasts until the page is closed.",
                )));
            }
        });
        state
    }

    /// Starts a run of the current plan, unless one is under way or the settings are
    /// not valid.
    pub fn start(&self, app: AppState) {
        if self.active.get_untracked() || !app.errors.with_untracked(Vec::is_empty) {
            return;
        }
        let Ok(plan) = app.plan.get_untracked() else {
            app.notice.set(Some(Notice::error(
                "Nothing was sent: correct the marked settings first.",
            )));
            return;
        };
        self.launch(app, plan, RunOptions::default(), false);
    }

    /// After an interrupted run: runs its remaining steps at their original times (steps
    /// already due are coalesced, the newest applied once), appending to its log.
    pub fn resume(&self, app: AppState) {
        if self.active.get_untracked() {
            return;
        }
        let Ok(current) = app.plan.get_untracked() else {
            app.notice.set(Some(Notice::error(
                "Nothing was sent: correct the marked settings first.",
            )));
            return;
        };
        match self
            .summary
            .with_untracked(|summary| resume_plan(&current, summary))
        {
            Ok((plan, resume)) => {
                let options = RunOptions {
                    resume: Some(resume),
                    ..RunOptions::default()
                };
                self.launch(app, plan, options, true);
            }
            Err(problem) => app
                .notice
                .set(Some(Notice::error(format!("Nothing was sent: {problem}.")))),
        }
    }

    /// Runs `plan` with the current endpoint and credentials; `keep_log` appends to the
    /// journal instead of starting a new one.
    fn launch(&self, app: AppState, plan: Plan, options: RunOptions, keep_log: bool) {
        let settings = app.settings.get_untracked();
        let secret = app.secret.get_untracked();
        let (config, credentials) = match (settings.client_config(), settings.credentials(&secret))
        {
            (Ok(c), Ok(k)) => (c, k),
            _ => {
                app.notice.set(Some(Notice::error(
                    "Enter the endpoint and credentials first: nothing was sent.",
                )));
                return;
            }
        };
        let stop = StopHandle::new();
        self.stop.set_value(Some(stop.clone()));
        if !keep_log {
            self.events.set(Vec::new());
        }
        self.interrupted.set(false);
        self.active.set(true);
        app.notice.set(None);
        let events = self.events;
        let active = self.active;
        spawn_local(async move {
            let client = Client::new(
                config,
                credentials,
                FetchTransport,
                BrowserClock,
                Box::new(js_sys::Math::random),
            );
            let mut on_event = |event: &Event| {
                events.try_update(|v| v.push(event.clone()));
            };
            let _report = run(&client, &plan, &options, &stop, &mut on_event).await;
            active.try_set(false);
        });
    }

    /// Asks the run to stop (harmless when repeated or when nothing runs).
    pub fn stop(&self) {
        if let Some(Some(handle)) = self.stop.try_get_value() {
            handle.stop();
        }
    }

    /// After an interrupted run: sets the journal's domain to capacity 0 and appends the
    /// request and its outcome to the journal.
    pub fn scale_to_zero(&self, app: AppState) {
        if self.active.get_untracked() {
            return;
        }
        let Some(domain) = self.summary.with_untracked(|s| s.domain.clone()) else {
            return;
        };
        let settings = app.settings.get_untracked();
        let secret = app.secret.get_untracked();
        let (config, credentials) = match (settings.client_config(), settings.credentials(&secret))
        {
            (Ok(c), Ok(k)) => (c, k),
            _ => {
                app.notice.set(Some(Notice::error(
                    "Enter the endpoint and credentials first: nothing was sent.",
                )));
                return;
            }
        };
        let no = self.events.with_untracked(|events| {
            events
                .iter()
                .filter_map(|e| match e {
                    Event::RequestSent(s) => Some(s.no),
                    _ => None,
                })
                .max()
                .unwrap_or(0)
                + 1
        });
        self.active.set(true);
        let events = self.events;
        let active = self.active;
        spawn_local(async move {
            let client = Client::new(
                config,
                credentials,
                FetchTransport,
                BrowserClock,
                Box::new(js_sys::Math::random),
            );
            let request = SetDesiredCapacity {
                name: domain.clone(),
                desired_capacity: 0,
                honor_cooldown: None,
            };
            let target = Target::Capacity {
                domain,
                capacity: 0,
            };
            let action = "SetDesiredCapacity".to_string();
            let started_ms = client.clock().now_ms();
            events.try_update(|v| {
                v.push(Event::RequestSent(RequestSent {
                    no,
                    stage: Stage::Teardown,
                    action: action.clone(),
                    target: target.clone(),
                    at_ms: started_ms,
                }))
            });
            let mut attempts = Vec::new();
            let mut on_attempt = |a: &Attempt| attempts.push(AttemptRecord::from(a));
            let result = client.call(&request, &mut on_attempt).await;
            let outcome = match result {
                Ok(r) => Outcome::Ok {
                    request_id: r.request_id,
                    detail: None,
                },
                Err(e) => Outcome::Failed {
                    error: ErrorInfo::from(&e),
                },
            };
            let ended_ms = client.clock().now_ms();
            events.try_update(|v| {
                v.push(Event::RequestDone(RequestDone {
                    no,
                    stage: Stage::Teardown,
                    action,
                    target,
                    attempts,
                    outcome,
                    started_ms,
                    ended_ms,
                }))
            });
            active.try_set(false);
        });
    }
}
