//! The run's browser edge: starts `engine::run::run` with the current settings and plan,
//! keeps every [`Event`] in a signal (and in `localStorage` as it grows), offers Stop,
//! and the requests by hand of `engine::manual` (list the VMs, terminate or replace one,
//! scale the domain to 0 after an interrupted run). Each of these is a Leptos action:
//! its `pending()` is what the buttons wait on. No protocol decisions here: the engine
//! decides what is sent; this only wires it to the page.

use std::rc::Rc;

use leptos::prelude::*;

use crate::api::Instance;
use crate::engine::journal::{Event, Journal, JournalSummary};
use crate::engine::run::run;
use crate::engine::{
    manual, resume_plan, Plan, RunControls, RunOptions, StopHandle, TeardownControl,
};

use super::state::{AppState, BrowserClient, Notice};
use super::storage;

/// A run to start.
struct Launch {
    client: BrowserClient,
    plan: Plan,
    options: RunOptions,
    controls: RunControls,
}

/// A request by hand, numbered in the journal.
struct ByHand {
    client: Rc<BrowserClient>,
    no: u32,
    what: Manual,
}

/// What a request by hand does.
enum Manual {
    /// Capacity 0 for the journal's domain.
    ScaleToZero { domain: String },
    /// Terminate (`decrement`) or replace one VM, then list the domain's VMs again.
    Terminate {
        instance_id: String,
        decrement: bool,
        domain: String,
    },
}

/// A listing of the domain's VMs.
struct Listing {
    client: Rc<BrowserClient>,
    domain: String,
}

/// The run, shared through context. Copy: every field is a reactive handle.
#[derive(Clone, Copy)]
pub struct RunState {
    /// The journal of the current (or last) run, oldest first.
    pub events: RwSignal<Vec<Event>>,
    /// Whether a run is under way in this page.
    pub active: Signal<bool>,
    /// The journal was found in storage at load and its run had not ended.
    pub interrupted: RwSignal<bool>,
    /// The summary of `events`.
    pub summary: Memo<JournalSummary>,
    /// The domain's VMs as last listed ("List VMs"); `None` until listed. A failed
    /// listing keeps the last list.
    pub instances: Signal<Option<Vec<Instance>>>,
    /// A listing is under way.
    pub listing: Signal<bool>,
    /// A request by hand (scale to 0, terminate, replace) is under way.
    pub manual: Signal<bool>,
    runs: Action<Rc<Launch>, ()>,
    by_hand: Action<Rc<ByHand>, ()>,
    list: Action<Rc<Listing>, Option<Vec<Instance>>>,
    stop: StoredValue<Option<StopHandle>>,
}

/// Appends every event to the journal signal (nothing once the page is gone).
fn journal_into(events: RwSignal<Vec<Event>>) -> impl FnMut(&Event) {
    move |event| {
        events.try_update(|v| v.push(event.clone()));
    }
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
                app.notify(Notice::error(format!(
                    "{problem}; the previous run's log is not shown."
                )));
                (Vec::new(), false)
            }
        };
        let events = RwSignal::new(events);
        let summary = Memo::new(move |_| events.with(|e| JournalSummary::of(e)));
        let runs = Action::new_local(move |launch: &Rc<Launch>| {
            let launch = Rc::clone(launch);
            async move {
                let Launch {
                    client,
                    plan,
                    options,
                    controls,
                } = &*launch;
                run(client, plan, options, controls, &mut journal_into(events)).await;
            }
        });
        let list = Action::new_local(move |listing: &Rc<Listing>| {
            let listing = Rc::clone(listing);
            async move {
                match manual::list_instances(&listing.client, &listing.domain).await {
                    Ok(vms) => Some(vms),
                    Err(e) => {
                        app.notify(Notice::error(format!("Listing the VMs failed: {e}")));
                        None
                    }
                }
            }
        });
        let by_hand = Action::new_local(move |request: &Rc<ByHand>| {
            let request = Rc::clone(request);
            async move {
                let ByHand { client, no, what } = &*request;
                let mut journal = journal_into(events);
                // The outcome is in the journal (the step log shows a failure).
                match what {
                    Manual::ScaleToZero { domain } => {
                        let mut numbers = manual::numbers_from(*no);
                        let control = TeardownControl::new();
                        manual::scale_to_zero(client, domain, &control, &mut numbers, &mut journal)
                            .await;
                    }
                    Manual::Terminate {
                        instance_id,
                        decrement,
                        domain,
                    } => {
                        let _ =
                            manual::terminate(client, instance_id, *decrement, *no, &mut journal)
                                .await;
                        list.dispatch_local(Rc::new(Listing {
                            client: Rc::clone(client),
                            domain: domain.clone(),
                        }));
                    }
                }
            }
        });
        let listed = list.value();
        let instances = Memo::new(
            move |last: Option<&Option<Vec<Instance>>>| match listed.get() {
                Some(Some(vms)) => Some(vms),
                _ => last.cloned().flatten(),
            },
        );
        let state = Self {
            events,
            active: runs.pending().into(),
            interrupted: RwSignal::new(interrupted),
            summary,
            instances: instances.into(),
            listing: list.pending().into(),
            manual: by_hand.pending().into(),
            runs,
            by_hand,
            list,
            stop: StoredValue::new(None),
        };
        provide_context(state);
        // The journal is saved as it grows (never holds a credential).
        Effect::new(move |_| {
            let journal = Journal {
                events: events.get(),
            };
            if !storage::save_journal(&journal) {
                app.notify(Notice::error(
                    "This browser does not let the page save the run log; it lasts until the page is closed.",
                ));
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
            app.notify(Notice::error(
                "Nothing was sent: correct the marked settings first.",
            ));
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
                self.launch(app, plan, options, true);
            }
            Err(problem) => app.notify(Notice::error(format!("Nothing was sent: {problem}."))),
        }
    }

    /// Runs `plan` with the current endpoint and credentials; `keep_log` appends to the
    /// journal instead of starting a new one.
    fn launch(&self, app: AppState, plan: Plan, options: RunOptions, keep_log: bool) {
        let Some(client) = self.client(app) else {
            return;
        };
        let controls = RunControls::new();
        self.stop.set_value(Some(controls.stop.clone()));
        if !keep_log {
            self.events.set(Vec::new());
        }
        self.interrupted.set(false);
        app.clear_notice();
        self.runs.dispatch_local(Rc::new(Launch {
            client,
            plan,
            options,
            controls,
        }));
    }

    /// Asks the run to stop (harmless when repeated or when nothing runs).
    pub fn stop(&self) {
        if let Some(Some(handle)) = self.stop.try_get_value() {
            handle.stop();
        }
    }

    /// The client of the current settings, or a notice saying what to fix (nothing is
    /// sent then).
    fn client(&self, app: AppState) -> Option<BrowserClient> {
        let client = app.client().ok();
        if client.is_none() {
            app.notify(Notice::error(
                "Enter the endpoint and credentials first: nothing was sent.",
            ));
        }
        client
    }

    /// The domain the journal is about, or else the one the settings name.
    fn domain(&self, app: AppState) -> String {
        self.summary
            .with_untracked(|s| s.domain.clone())
            .unwrap_or_else(|| app.settings.with_untracked(|s| s.domain.name.clone()))
    }

    /// Sends a request by hand, appending it to the journal (also while a run goes on:
    /// the person may terminate or replace a VM at any time). One at a time.
    fn send_by_hand(&self, app: AppState, what: Manual) {
        if self.manual.get_untracked() {
            return;
        }
        let Some(client) = self.client(app) else {
            return;
        };
        let no = self
            .events
            .with_untracked(|events| manual::next_number(events));
        self.by_hand.dispatch_local(Rc::new(ByHand {
            client: Rc::new(client),
            no,
            what,
        }));
    }

    /// After an interrupted run: sets the journal's domain to capacity 0 (journaled).
    pub fn scale_to_zero(&self, app: AppState) {
        if self.active.get_untracked() {
            return;
        }
        let Some(domain) = self.summary.with_untracked(|s| s.domain.clone()) else {
            return;
        };
        self.send_by_hand(app, Manual::ScaleToZero { domain });
    }

    /// Lists the domain's VMs (a read; not journaled).
    pub fn list_instances(&self, app: AppState) {
        let Some(client) = self.client(app) else {
            return;
        };
        self.list.dispatch_local(Rc::new(Listing {
            client: Rc::new(client),
            domain: self.domain(app),
        }));
    }

    /// Terminates one VM: `decrement` shrinks the domain by one, otherwise Phantom
    /// replaces it. Journaled; the list is read again afterwards.
    pub fn terminate(&self, app: AppState, instance_id: String, decrement: bool) {
        let domain = self.domain(app);
        self.send_by_hand(
            app,
            Manual::Terminate {
                instance_id,
                decrement,
                domain,
            },
        );
    }
}
