//! The run's browser edge: starts `engine::run::run` with the current settings and plan,
//! keeps every [`Event`] in a signal (and in storage as it grows, see [`keep`]), offers
//! Stop, the teardown's "Try now" and "Stop trying", and the requests by hand of
//! `engine::manual` (list the VMs, terminate or replace one, scale the domain to 0).
//! Each of these is a Leptos action: its `pending()` is what the buttons wait on.
//!
//! Whatever may change a domain's capacity (a run, a teardown resumed at load, "Scale
//! this domain to 0") first takes the domain's browser-wide lock ([`tabs`]): one driver
//! per domain. After a run or a teardown the domain is watched until it shows the
//! capacity asked for (`engine::settle`). No protocol decisions here: the engine decides
//! what is sent; this only wires it to the page.

mod drive;
mod keep;
pub mod policy_host;
mod tabs;

use std::rc::Rc;

use leptos::prelude::*;

use crate::api::Instance;
use crate::engine::journal::{Event, JournalSummary, Teardown};
use crate::engine::{manual, resume_plan, RecoveryRecord, RunOptions, StopHandle, TeardownControl};

use super::state::{AppState, Notice};
use drive::{Job, Launch, Listing, Pursue, PursuitJob};
pub use keep::{found_at_load, unclaimed_domains, Found, Keeper};
pub use tabs::Tabs;

/// The run, shared through context. Copy: every field is a reactive handle.
#[derive(Clone, Copy)]
pub struct RunState {
    /// The journal of the current (or last) run, oldest first.
    pub events: RwSignal<Vec<Event>>,
    /// Whether a run is under way in this page (from its lock request to its end).
    pub active: Signal<bool>,
    /// Whether a teardown resumed at load or asked for by hand is under way.
    pub pursuing: Signal<bool>,
    /// The journal was found in storage at load and its run had not ended.
    pub interrupted: RwSignal<bool>,
    /// A run found at load whose journal was lost (storage was full) but whose recovery
    /// record says VMs may be running.
    pub recovered: RwSignal<Option<RecoveryRecord>>,
    /// A teardown found pending at load waits for the credentials (the secret is not
    /// remembered): it resumes as soon as they are entered.
    pub awaiting_credentials: RwSignal<bool>,
    /// The journal shown was opened from a file (its name): read-only, nothing is
    /// offered or sent for it and nothing of it is stored.
    pub opened: RwSignal<Option<String>>,
    /// The summary of `events`.
    pub summary: Memo<JournalSummary>,
    /// The last teardown's end in the journal.
    pub last_teardown: Memo<Option<Teardown>>,
    /// The domain's VMs as last listed ("List VMs"); `None` until listed. A failed
    /// listing keeps the last list.
    pub instances: Signal<Option<Vec<Instance>>>,
    /// A listing is under way.
    pub listing: Signal<bool>,
    /// A terminate or replace by hand is under way.
    pub manual: Signal<bool>,
    /// The domain is watched after the end, until it shows the capacity asked for.
    pub settling: Signal<bool>,
    /// How the shown run is kept in storage.
    pub keeper: Keeper,
    /// The other tabs' runs and the domain locks.
    pub tabs: Tabs,
    jobs: drive::Jobs,
    stop: StoredValue<Option<StopHandle>>,
    teardown: StoredValue<Option<TeardownControl>>,
}

impl RunState {
    /// Finds the run of the engine's domain to show in storage, starts keeping it, and
    /// provides the state as context. A teardown the stored run left pending resumes by
    /// itself. `tabs` is the page's one view of the other tabs (shared by its engines).
    pub fn provide(app: AppState, tabs: Tabs) -> Self {
        let events = RwSignal::new(Vec::new());
        let summary = Memo::new(move |_| events.with(|e| JournalSummary::of(e)));
        let last_teardown = Memo::new(move |_| {
            events.with(|e| {
                e.iter().rev().find_map(|e| match e {
                    Event::Teardown(t) => Some(t.clone()),
                    _ => None,
                })
            })
        });
        let keeper = Keeper::new();
        let jobs = drive::Jobs::new(app, events, keeper, tabs);
        let state = Self {
            events,
            active: jobs.runs.pending().into(),
            pursuing: jobs.pursuits.pending().into(),
            interrupted: RwSignal::new(false),
            recovered: RwSignal::new(None),
            awaiting_credentials: RwSignal::new(false),
            opened: RwSignal::new(None),
            summary,
            last_teardown,
            instances: jobs.instances(),
            listing: jobs.list.pending().into(),
            manual: jobs.by_hand.pending().into(),
            settling: jobs.watch.pending().into(),
            keeper,
            tabs,
            jobs,
            stop: StoredValue::new(None),
            teardown: StoredValue::new(None),
        };
        provide_context(state);
        // Obligations first: the record, then the journal, on every change.
        Effect::new(move |_| {
            events.with(|e| summary.with(|s| keeper.keep(e, s)));
        });
        // A pending teardown found at load waits for the credentials.
        Effect::new(move |_| {
            app.secret.track();
            app.settings.track();
            if state.awaiting_credentials.get_untracked() && app.client().is_ok() {
                state.awaiting_credentials.set(false);
                state.resume_teardown(app);
            }
        });
        leptos::task::spawn_local(async move { state.load(app).await });
        // The ramp's timer worker, started and answering before the first run needs it:
        // started lazily, its first sleep paid the script's fetch and start (20-30 ms).
        leptos::task::spawn_local(async {
            crate::api::ticker::Ticker::shared().sleep(0).await;
        });
        state
    }

    /// Shows the run found in storage (never one whose domain another tab drives), and
    /// resumes its pending teardown.
    async fn load(self, app: AppState) {
        let held = crate::ui::locks::held_names().await.unwrap_or_default();
        self.tabs.held.try_set(held.clone());
        let domain = app
            .settings
            .try_with_untracked(|s| s.domain.name.clone())
            .unwrap_or_default();
        let Some(found) = keep::found_at_load(&held, &domain).await else {
            return;
        };
        if let Some(problem) = &found.problem {
            app.notify(Notice::error(format!(
                "{problem}; the previous run's log is not shown."
            )));
        }
        let ended = JournalSummary::of(&found.events).ended();
        let interrupted = !found.events.is_empty() && !ended;
        let record_only = found.record_only();
        self.keeper.adopt(
            &found.run_id,
            &found.endpoint,
            found.record.clone(),
            found.stored,
        );
        if self.events.try_set(found.events).is_some() {
            return;
        }
        self.interrupted.set(interrupted);
        if record_only {
            self.recovered
                .set(found.record.filter(RecoveryRecord::needs_attention));
        }
        let pending = self
            .summary
            .with_untracked(|s| s.pending_teardown.is_some())
            || self
                .recovered
                .with_untracked(|r| r.as_ref().is_some_and(|r| r.pending_teardown.is_some()));
        if pending {
            self.resume_teardown(app);
        }
    }

    /// Starts a run of the current plan, unless one is under way or the settings are
    /// not valid.
    pub fn start(&self, app: AppState) {
        if self.busy() || !app.errors.with_untracked(Vec::is_empty) {
            return;
        }
        let Ok(plan) = app.plan.get_untracked() else {
            app.notify(Notice::error(
                "Nothing was sent: correct the marked settings first.",
            ));
            return;
        };
        let options = app
            .settings
            .with_untracked(|s| RunOptions::from_settings(&s.run));
        self.launch(app, Launch::new(plan, options, None));
    }

    /// After an interrupted run: runs its remaining steps at their original times (steps
    /// already due are coalesced, the newest applied once), appending to its log.
    pub fn resume(&self, app: AppState) {
        if self.busy() {
            return;
        }
        let Ok(current) = app.plan.get_untracked() else {
            app.notify(Notice::error(
                "Nothing was sent: correct the marked settings first.",
            ));
            return;
        };
        match self
            .summary
            .with_untracked(|summary| resume_plan(&current, summary))
        {
            Ok((plan, resume)) => {
                let options = RunOptions {
                    resume: Some(resume),
                    ..app
                        .settings
                        .with_untracked(|s| RunOptions::from_settings(&s.run))
                };
                let run_id = self.keeper.run_id.get_untracked();
                self.launch(app, Launch::new(plan, options, run_id));
            }
            Err(problem) => app.notify(Notice::error(format!("Nothing was sent: {problem}."))),
        }
    }

    /// Whether a run or a teardown of this page is under way.
    fn busy(&self) -> bool {
        self.active.get_untracked() || self.pursuing.get_untracked()
    }

    /// Whether the engine still owes its domain something: a run or teardown under
    /// way, an interrupted run whose VMs may be running, or a teardown waiting for the
    /// credentials. Such an engine is not removed or replaced (its offers would go).
    /// Tracked: a view's `disabled` follows it.
    pub fn owes(&self) -> bool {
        self.active.get()
            || self.pursuing.get()
            || self.awaiting_credentials.get()
            || self.recovered.with(Option::is_some)
            || (self.interrupted.get()
                && self
                    .summary
                    .with(|s| !s.ended() && s.capacity_may_be_running()))
            || self.summary.with(|s| s.pending_teardown.is_some())
    }

    fn launch(&self, app: AppState, mut launch: Launch) {
        let Some(client) = self.client(app) else {
            return;
        };
        self.stop_watching();
        self.opened.set(None);
        launch.endpoint = app.settings.with_untracked(|s| s.endpoint.url.clone());
        self.stop.set_value(Some(launch.controls.stop.clone()));
        self.teardown
            .set_value(Some(launch.controls.teardown.clone()));
        app.clear_notice();
        self.jobs.runs.dispatch_local(Rc::new(Job {
            client: Rc::new(client),
            work: launch,
        }));
    }

    /// Shows a journal read from a file ("Open a run"): read-only, so nothing is offered
    /// for it (its domain may be anyone's now) and nothing of it is stored. Refused while
    /// this page runs or tears down.
    pub fn open(&self, app: AppState, journal: crate::engine::journal::Journal, name: String) {
        if self.busy() {
            app.notify(Notice::error(
                "A run or teardown is under way in this page: open the file once it has ended.",
            ));
            return;
        }
        self.stop_watching();
        self.keeper.run_id.set(None);
        self.keeper.endpoint.set(String::new());
        self.interrupted.set(false);
        self.recovered.set(None);
        self.awaiting_credentials.set(false);
        let events = journal.events.len();
        self.events.set(journal.events);
        app.notify(Notice::info(format!(
            "Opened {name}: {events} events, shown read-only (nothing is sent for it)."
        )));
        self.opened.set(Some(name));
    }

    /// Shows run `run_id` of the history read-only, from its stored journal.
    pub fn open_stored(&self, app: AppState, run_id: String, label: String) {
        if self.busy() {
            app.notify(Notice::error(
                "A run or teardown is under way in this page: open a past run once it has ended.",
            ));
            return;
        }
        let run = *self;
        leptos::task::spawn_local(async move {
            match keep::read_journal(&run_id).await {
                Ok(Some(journal)) => run.open(app, journal, label),
                Ok(None) => app.notify(Notice::error(format!(
                    "Not opened: the log of {label} is no longer stored (only its summary is)."
                ))),
                Err(e) => app.notify(Notice::error(format!("Not opened: {e}."))),
            }
        });
    }

    /// Asks the run to stop (harmless when repeated or when nothing runs).
    pub fn stop(&self) {
        if let Some(Some(handle)) = self.stop.try_get_value() {
            handle.stop();
        }
    }

    /// Cuts the teardown's wait short: the next attempt now.
    pub fn try_now(&self) {
        if let Some(Some(control)) = self.teardown.try_get_value() {
            control.try_now();
        }
    }

    /// Ends the teardown's pursuit (the banner then says what may still be running).
    pub fn stop_trying(&self) {
        if let Some(Some(control)) = self.teardown.try_get_value() {
            control.stop_trying();
        }
    }

    /// The client of the current settings, or a notice saying what to fix (nothing is
    /// sent then).
    fn client(&self, app: AppState) -> Option<crate::ui::state::BrowserClient> {
        let client = app.client().ok();
        if client.is_none() {
            app.notify(Notice::error(
                "Enter the endpoint and credentials first: nothing was sent.",
            ));
        }
        client
    }

    /// The domain the journal is about, or else the recovered record's, or else the
    /// one the settings name.
    fn domain(&self, app: AppState) -> String {
        self.summary
            .with_untracked(|s| s.domain.clone())
            .or_else(|| {
                self.recovered
                    .with_untracked(|r| r.as_ref().map(|r| r.domain.clone()))
            })
            .unwrap_or_else(|| app.settings.with_untracked(|s| s.domain.name.clone()))
    }

    /// The endpoint of the shown run (or else the settings').
    fn endpoint(&self, app: AppState) -> String {
        let kept = self.keeper.endpoint.get_untracked();
        if kept.is_empty() {
            app.settings.with_untracked(|s| s.endpoint.url.clone())
        } else {
            kept
        }
    }

    /// Whether another tab now drives the shown run's domain (its offers are withheld).
    pub fn driven_elsewhere(&self) -> bool {
        let domain = self.summary.with(|s| s.domain.clone()).or_else(|| {
            self.recovered
                .with(|r| r.as_ref().map(|r| r.domain.clone()))
        });
        let Some(domain) = domain else {
            return false;
        };
        let mine = self.active.get() || self.pursuing.get();
        !mine && self.tabs.is_held(&self.keeper.endpoint.get(), &domain)
    }

    fn stop_watching(&self) {
        self.jobs.stop_watching();
    }

    /// Starts a pursuit of capacity 0 (resumed or by hand) under the domain's lock.
    fn pursue(&self, app: AppState, what: Pursue) {
        if self.busy() {
            return;
        }
        let Some(client) = self.client(app) else {
            return;
        };
        self.stop_watching();
        let control = TeardownControl::new();
        self.teardown.set_value(Some(control.clone()));
        self.jobs.pursuits.dispatch_local(Rc::new(Job {
            client: Rc::new(client),
            work: PursuitJob {
                what,
                endpoint: self.endpoint(app),
                domain: self.domain(app),
                control,
            },
        }));
    }

    /// Resumes the teardown the stored run left pending (when the credentials are
    /// there; otherwise as soon as they are entered).
    fn resume_teardown(&self, app: AppState) {
        if app.client().is_err() {
            self.awaiting_credentials.set(true);
            return;
        }
        let pending = self
            .summary
            .with_untracked(|s| s.pending_teardown.clone())
            .or_else(|| {
                self.recovered
                    .with_untracked(|r| r.as_ref().and_then(|r| r.pending_teardown.clone()))
            });
        if let Some(pending) = pending {
            self.pursue(app, Pursue::Resume(pending));
        }
    }

    /// After an interrupted run (or a teardown given up): sets the domain to capacity
    /// 0, pursued until the server confirms it (journaled).
    pub fn scale_to_zero(&self, app: AppState) {
        self.pursue(app, Pursue::ScaleToZero);
    }

    /// Lists the domain's VMs (a read; not journaled).
    pub fn list_instances(&self, app: AppState) {
        let Some(client) = self.client(app) else {
            return;
        };
        self.jobs.list.dispatch_local(Rc::new(Listing {
            client: Rc::new(client),
            domain: self.domain(app),
        }));
    }

    /// Terminates one VM: `decrement` shrinks the domain by one, otherwise Phantom
    /// replaces it. Journaled; the list is read again afterwards. One at a time.
    pub fn terminate(&self, app: AppState, instance_id: String, decrement: bool) {
        if self.manual.get_untracked() {
            return;
        }
        let Some(client) = self.client(app) else {
            return;
        };
        let domain = self.domain(app);
        let no = self
            .events
            .with_untracked(|events| manual::next_number(events));
        self.jobs.by_hand.dispatch_local(Rc::new(drive::Terminate {
            client: Rc::new(client),
            no,
            instance_id,
            decrement,
            domain,
        }));
    }
}
