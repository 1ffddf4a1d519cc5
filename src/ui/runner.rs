//! The run's browser edge: starts `engine::run::run` with the current settings and plan,
//! keeps every [`Event`] in a signal (and in `localStorage` as it grows), and offers Stop
//! and "scale this domain to 0" after an interrupted run. No protocol decisions here:
//! the engine decides what is sent; this only wires it to the page.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::action::{
    DescribeAutoScalingGroups, SetDesiredCapacity, TerminateInstanceInAutoScalingGroup,
};
use crate::api::fetch::{BrowserClock, FetchTransport};
use crate::api::{Client, Instance, Request};
use crate::engine::journal::{Event, Journal, JournalSummary, Stage};
use crate::engine::run::run;
use crate::engine::stop::StopHandle;
use crate::engine::Plan;
use crate::engine::{manual, resume_plan, RunOptions};

use super::state::{AppState, Notice};
use super::storage;

/// Requests by hand are numbered above this, apart from a run's own numbers.
const MANUAL_NUMBERS: u32 = 1_000_000;

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
    /// The domain's VMs as last listed ("List VMs"); `None` until listed.
    pub instances: RwSignal<Option<Vec<Instance>>>,
    /// A listing is under way.
    pub listing: RwSignal<bool>,
    /// A request by hand (scale to 0, terminate, replace) is under way.
    pub manual: RwSignal<bool>,
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
            instances: RwSignal::new(None),
            listing: RwSignal::new(false),
            manual: RwSignal::new(false),
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
        let options = app
            .settings
            .with_untracked(|s| RunOptions::from_settings(&s.run));
        self.launch(app, plan, options, false);
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
                    ..app
                        .settings
                        .with_untracked(|s| RunOptions::from_settings(&s.run))
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

    /// The endpoint and credentials of the current settings, or a notice saying what to
    /// fix (nothing is sent then).
    fn client(&self, app: AppState) -> Option<Client<FetchTransport, BrowserClock>> {
        let settings = app.settings.get_untracked();
        let secret = app.secret.get_untracked();
        match (settings.client_config(), settings.credentials(&secret)) {
            (Ok(config), Ok(credentials)) => Some(Client::new(
                config,
                credentials,
                FetchTransport,
                BrowserClock,
                Box::new(js_sys::Math::random),
            )),
            _ => {
                app.notice.set(Some(Notice::error(
                    "Enter the endpoint and credentials first: nothing was sent.",
                )));
                None
            }
        }
    }

    /// The domain the journal is about, or else the one the settings name.
    fn domain(&self, app: AppState) -> String {
        self.summary
            .with_untracked(|s| s.domain.clone())
            .unwrap_or_else(|| app.settings.with_untracked(|s| s.domain.name.clone()))
    }

    /// The next number for a request by hand. These start at 1,000,001 so they never
    /// collide with the numbers of a run going on in the same journal.
    fn next_no(&self) -> u32 {
        self.events.with_untracked(|events| {
            events
                .iter()
                .filter_map(|e| match e {
                    Event::RequestSent(s) => Some(s.no),
                    _ => None,
                })
                .max()
                .unwrap_or(0)
                .max(MANUAL_NUMBERS)
                + 1
        })
    }

    /// Sends `request` outside a plan, appending it to the journal (also while a run goes
    /// on: the person may terminate or replace a VM at any time).
    fn send_one(
        &self,
        app: AppState,
        stage: Stage,
        request: Request,
        then: impl FnOnce() + 'static,
    ) {
        if self.manual.get_untracked() {
            return;
        }
        let Some(client) = self.client(app) else {
            return;
        };
        let no = self.next_no();
        self.manual.set(true);
        let (events, manual) = (self.events, self.manual);
        spawn_local(async move {
            let mut on_event = |event: &Event| {
                events.try_update(|v| v.push(event.clone()));
            };
            let _ = manual::send(&client, stage, &request, no, &mut on_event).await;
            manual.try_set(false);
            then();
        });
    }

    /// After an interrupted run: sets the journal's domain to capacity 0 (journaled).
    pub fn scale_to_zero(&self, app: AppState) {
        if self.active.get_untracked() {
            return;
        }
        let Some(domain) = self.summary.with_untracked(|s| s.domain.clone()) else {
            return;
        };
        let request = Request::SetDesiredCapacity(SetDesiredCapacity {
            name: domain,
            desired_capacity: 0,
            honor_cooldown: None,
        });
        self.send_one(app, Stage::Teardown, request, || {});
    }

    /// Lists the domain's VMs (a read; not journaled).
    pub fn list_instances(&self, app: AppState) {
        let Some(client) = self.client(app) else {
            return;
        };
        let domain = self.domain(app);
        let (instances, listing, notice) = (self.instances, self.listing, app.notice);
        listing.set(true);
        spawn_local(async move {
            let action = DescribeAutoScalingGroups {
                names: vec![domain],
            };
            match client.call(&action, &mut |_| {}).await {
                Ok(r) => {
                    let vms: Vec<Instance> =
                        r.output.into_iter().flat_map(|g| g.instances).collect();
                    instances.try_set(Some(vms));
                }
                Err(e) => {
                    notice.try_set(Some(Notice::error(format!("Listing the VMs failed: {e}"))));
                }
            }
            listing.try_set(false);
        });
    }

    /// Terminates one VM: `decrement` shrinks the domain by one, otherwise Phantom
    /// replaces it. Journaled; the list is read again afterwards.
    pub fn terminate(&self, app: AppState, instance_id: String, decrement: bool) {
        let request =
            Request::TerminateInstanceInAutoScalingGroup(TerminateInstanceInAutoScalingGroup {
                instance_id,
                should_decrement_desired_capacity: decrement,
            });
        let this = *self;
        self.send_one(app, Stage::Manual, request, move || {
            this.list_instances(app)
        });
    }
}
