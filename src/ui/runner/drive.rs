//! The page's jobs, each a Leptos action: a run, a pursuit of capacity 0 (resumed at load
//! or asked for by hand), a terminate or replace, a listing, and the watch after the
//! end. A run and a pursuit hold the domain's lock for as long as they may change its
//! capacity, and tell the other tabs about themselves.

use std::pin::pin;
use std::rc::Rc;

use futures::future::select;
use leptos::prelude::*;

use crate::api::Instance;
use crate::engine::journal::{Event, JournalSummary, PendingTeardown, TeardownOutcome};
use crate::engine::run::run_with;
use crate::engine::settle::settle;
use crate::engine::{
    manual, pursue_capacity, CapacityState, Plan, Pursuit, RecoveryRecord, RunControls, RunOptions,
    StopHandle, TeardownControl, Watch,
};
use crate::ui::channel::RunPhase;
use crate::ui::state::{AppState, BrowserClient, Notice};
use crate::ui::storage::runs::new_run_id;

use super::keep::Keeper;
use super::tabs::Tabs;

/// A job and the client it sends with.
pub struct Job<W> {
    pub client: Rc<BrowserClient>,
    pub work: W,
}

/// A run to start.
pub struct Launch {
    pub plan: Plan,
    pub options: RunOptions,
    pub controls: RunControls,
    /// The run it continues ("resume the remaining steps"), or `None` for a new run.
    pub run_id: Option<String>,
    /// The endpoint, as the settings have it.
    pub endpoint: String,
}

impl Launch {
    /// A run of `plan` with fresh controls.
    pub fn new(plan: Plan, options: RunOptions, run_id: Option<String>) -> Self {
        Self {
            plan,
            options,
            controls: RunControls::new(),
            run_id,
            endpoint: String::new(),
        }
    }
}

/// Which pursuit of capacity 0.
pub enum Pursue {
    /// "Scale this domain to 0".
    ScaleToZero,
    /// The teardown a stored run left pending.
    Resume(PendingTeardown),
}

/// A pursuit of capacity 0 for `domain`.
pub struct PursuitJob {
    pub what: Pursue,
    pub endpoint: String,
    pub domain: String,
    pub control: TeardownControl,
}

/// A terminate (`decrement`) or replace of one VM, numbered `no` in the journal.
pub struct Terminate {
    pub client: Rc<BrowserClient>,
    pub no: u32,
    pub instance_id: String,
    pub decrement: bool,
    pub domain: String,
}

/// A listing of the domain's VMs.
pub struct Listing {
    pub client: Rc<BrowserClient>,
    pub domain: String,
}

/// The watch after a run or teardown, until the domain settles or `cancel`.
pub struct Watching {
    pub client: Rc<BrowserClient>,
    pub watch: Watch,
    pub cancel: StopHandle,
}

/// Appends every event to the journal signal (nothing once the page is gone).
fn journal_into(events: RwSignal<Vec<Event>>) -> impl FnMut(&Event) {
    move |event| {
        events.try_update(|v| v.push(event.clone()));
    }
}

/// The page's actions. Copy: handles only.
#[derive(Clone, Copy)]
pub struct Jobs {
    pub runs: Action<Rc<Job<Launch>>, ()>,
    pub pursuits: Action<Rc<Job<PursuitJob>>, ()>,
    pub by_hand: Action<Rc<Terminate>, ()>,
    pub list: Action<Rc<Listing>, Option<Vec<Instance>>>,
    pub watch: Action<Rc<Watching>, ()>,
    watching: StoredValue<Option<StopHandle>>,
}

/// Where the jobs write: the journal, its keeper, the other tabs.
#[derive(Clone, Copy)]
struct Sinks {
    app: AppState,
    events: RwSignal<Vec<Event>>,
    keeper: Keeper,
    tabs: Tabs,
    watch: Action<Rc<Watching>, ()>,
    watching: StoredValue<Option<StopHandle>>,
}

impl Sinks {
    /// Watches `domain` for `capacity` after the end (cancelling any earlier watch).
    fn watch_after(&self, client: &Rc<BrowserClient>, watch: Option<Watch>) {
        let Some(watch) = watch else {
            return;
        };
        let cancel = StopHandle::new();
        if let Some(Some(old)) = self.watching.try_get_value() {
            old.stop();
        }
        self.watching.try_set_value(Some(cancel.clone()));
        self.watch.dispatch_local(Rc::new(Watching {
            client: Rc::clone(client),
            watch,
            cancel,
        }));
    }

    fn summary(&self) -> JournalSummary {
        self.events.with_untracked(|e| JournalSummary::of(e))
    }

    fn monitor_interval_ms(&self) -> u64 {
        self.app
            .settings
            .with_untracked(|s| RunOptions::from_settings(&s.run).monitor_interval_ms)
    }
}

impl Jobs {
    /// The actions, writing to `events` (kept by `keeper`) and telling `tabs`.
    pub fn new(app: AppState, events: RwSignal<Vec<Event>>, keeper: Keeper, tabs: Tabs) -> Self {
        let watch = Action::new_local(move |w: &Rc<Watching>| {
            let w = Rc::clone(w);
            async move {
                let mut journal = journal_into(events);
                let looking = pin!(settle(&*w.client, &w.watch, &mut journal));
                select(looking, w.cancel.stopped()).await;
            }
        });
        let watching = StoredValue::new(None);
        let sinks = Sinks {
            app,
            events,
            keeper,
            tabs,
            watch,
            watching,
        };
        let runs = Action::new_local(move |job: &Rc<Job<Launch>>| {
            let job = Rc::clone(job);
            async move { drive_run(sinks, &job).await }
        });
        let pursuits = Action::new_local(move |job: &Rc<Job<PursuitJob>>| {
            let job = Rc::clone(job);
            async move { drive_pursuit(sinks, &job).await }
        });
        let list = Action::new_local(move |listing: &Rc<Listing>| {
            let listing = Rc::clone(listing);
            async move {
                match manual::list_instances(&*listing.client, &listing.domain).await {
                    Ok(vms) => Some(vms),
                    Err(e) => {
                        app.notify(Notice::error(format!("Listing the VMs failed: {e}")));
                        None
                    }
                }
            }
        });
        let by_hand = Action::new_local(move |t: &Rc<Terminate>| {
            let t = Rc::clone(t);
            async move {
                // The outcome is in the journal (the step log shows a failure).
                let _ = manual::terminate(
                    &*t.client,
                    &t.instance_id,
                    t.decrement,
                    t.no,
                    &mut journal_into(events),
                )
                .await;
                list.dispatch_local(Rc::new(Listing {
                    client: Rc::clone(&t.client),
                    domain: t.domain.clone(),
                }));
            }
        });
        Self {
            runs,
            pursuits,
            by_hand,
            list,
            watch,
            watching,
        }
    }

    /// Stops the watch after the last run, if one is looking.
    pub fn stop_watching(&self) {
        if let Some(Some(cancel)) = self.watching.try_get_value() {
            cancel.stop();
        }
    }

    /// The VMs as last listed (a failed listing keeps the last list).
    pub fn instances(&self) -> Signal<Option<Vec<Instance>>> {
        let listed = self.list.value();
        Memo::new(
            move |last: Option<&Option<Vec<Instance>>>| match listed.get() {
                Some(Some(vms)) => Some(vms),
                _ => last.cloned().flatten(),
            },
        )
        .into()
    }
}

/// The first recovery record of a run, written before it sends anything.
fn first_record(
    run_id: &str,
    endpoint: &str,
    domain: &str,
    capacity: CapacityState,
    now: f64,
) -> RecoveryRecord {
    RecoveryRecord {
        run_id: run_id.to_string(),
        endpoint: crate::engine::recovery::endpoint_for_record(endpoint),
        domain: domain.to_string(),
        capacity,
        pending_teardown: None,
        started_ms: now,
        updated_ms: now,
        ended: false,
    }
}

/// A run: the lock, the first record, the announcement, the run, then the watch.
async fn drive_run(sinks: Sinks, job: &Job<Launch>) {
    let Sinks {
        app,
        events,
        keeper,
        tabs,
        ..
    } = sinks;
    let launch = &job.work;
    let domain = launch.plan.domain().unwrap_or_default();
    let Some(lock) = tabs.acquire_or_say(app, &launch.endpoint, &domain).await else {
        return;
    };
    let now = js_sys::Date::now();
    let run_id = launch.run_id.clone().unwrap_or_else(new_run_id);
    if launch.run_id.is_none() {
        events.set(Vec::new());
    }
    let inherited = launch
        .options
        .resume
        .map(|r| r.capacity)
        .unwrap_or_default();
    keeper.begin(
        &run_id,
        &launch.endpoint,
        first_record(&run_id, &launch.endpoint, &domain, inherited, now),
    );
    tabs.announce(&run_id, &launch.endpoint, &domain, now, RunPhase::Running);
    let mut journal = journal_into(events);
    let mut told_teardown = false;
    let mut on_event = |event: &Event| {
        if matches!(event, Event::TeardownStarted(_)) && !told_teardown {
            told_teardown = true;
            tabs.announce(
                &run_id,
                &launch.endpoint,
                &domain,
                now,
                RunPhase::TearingDown,
            );
        }
        journal(event);
    };
    let report = run_with(
        &*job.client,
        &launch.plan,
        &launch.options,
        &launch.controls,
        &super::policy_host::BrowserHost,
        &mut on_event,
    )
    .await;
    tabs.release(lock, &run_id, &launch.endpoint, &domain, now)
        .await;
    // After "Stop trying" nothing more is sent until the person asks, looks included.
    let given_up = report
        .teardown
        .as_ref()
        .is_some_and(TeardownOutcome::may_leave_running);
    let watch = Watch::after(&sinks.summary(), launch.options.monitor_interval_ms);
    sinks.watch_after(&job.client, watch.filter(|_| !given_up));
}

/// A pursuit of capacity 0: the lock, the announcement, the pursuit, then the watch.
async fn drive_pursuit(sinks: Sinks, job: &Job<PursuitJob>) {
    let (app, events, keeper, tabs) = (sinks.app, sinks.events, sinks.keeper, sinks.tabs);
    let work = &job.work;
    let Some(lock) = tabs.acquire_or_say(app, &work.endpoint, &work.domain).await else {
        return;
    };
    let now = js_sys::Date::now();
    let run_id = match keeper.run_id.get_untracked() {
        Some(id) => id,
        None => {
            let id = new_run_id();
            let record = first_record(
                &id,
                &work.endpoint,
                &work.domain,
                CapacityState::Unconfirmed { capacity: 0 },
                now,
            );
            keeper.begin(&id, &work.endpoint, record);
            id
        }
    };
    tabs.announce(
        &run_id,
        &work.endpoint,
        &work.domain,
        now,
        RunPhase::TearingDown,
    );
    let mut next_no = move || events.with_untracked(|e| manual::next_number(e));
    let mut journal = journal_into(events);
    let outcome = match &work.what {
        Pursue::ScaleToZero => {
            manual::scale_to_zero(
                &*job.client,
                &work.domain,
                &work.control,
                &mut next_no,
                &mut journal,
            )
            .await
        }
        Pursue::Resume(pending) => {
            pursue_capacity(
                &*job.client,
                &Pursuit::resuming(pending),
                &work.control,
                &mut next_no,
                &mut journal,
            )
            .await
        }
    };
    tabs.release(lock, &run_id, &work.endpoint, &work.domain, now)
        .await;
    let summary = sinks.summary();
    let watch = (outcome == TeardownOutcome::Done).then(|| Watch {
        ramp_started_ms: summary.ramp_started_ms,
        interval_ms: sinks.monitor_interval_ms(),
        ..Watch::new(work.domain.clone(), 0)
    });
    sinks.watch_after(&job.client, watch);
}
