//! One driver per domain, and every tab told of the others' runs.
//!
//! A run (and a teardown resumed or asked for by hand) holds the browser-wide Web Lock
//! of its endpoint + domain ([`locks::domain_lock_name`]) from before its first request
//! until it has ended; another tab asking for the same lock is refused and says which
//! run holds it. Chromium also does not freeze or discard a tab that holds a Web Lock,
//! so the lock keeps a run's own tab awake while it is hidden.
//!
//! The runs themselves are announced on the `pde.runs` BroadcastChannel, so every tab
//! lists the runs of the others ([`Tabs::others`]) and a newly opened tab asks for them.
//! The lock decides; the announcements only name the holder (a tab that closed without
//! saying "ended" drops out when its lock goes, see [`Tabs::refresh_held`]).

use leptos::prelude::*;

use crate::report::time::clock_time;
use crate::ui::channel::{RunAnnouncement, RunChannel, RunPhase};
use crate::ui::locks::{self, HeldLock, LockError};
use crate::ui::state::{AppState, Notice};

/// What this tab knows of the other tabs' runs. Copy: reactive handles only.
#[derive(Clone, Copy)]
pub struct Tabs {
    /// The other tabs' runs that have not ended, oldest first.
    pub others: RwSignal<Vec<RunAnnouncement>>,
    /// The domain locks held anywhere in the browser, as last asked.
    pub held: RwSignal<Vec<String>>,
    /// Whether this browser offers Web Locks (if not, runs go unguarded: warned once).
    pub locks_available: RwSignal<bool>,
    channel: StoredValue<Option<RunChannel>, LocalStorage>,
}

/// Why a lock was not taken.
pub enum Refusal {
    /// Another tab holds it: the message names the run, when it was announced.
    HeldElsewhere(String),
}

impl Tabs {
    /// Opens the channel, asks the other tabs what they run and which locks are held.
    pub fn open() -> Self {
        let others = RwSignal::new(Vec::<RunAnnouncement>::new());
        let held = RwSignal::new(Vec::new());
        let channel = RunChannel::open(move |a: RunAnnouncement| {
            others.try_update(|list| {
                list.retain(|o| o.run_id != a.run_id);
                if a.state != RunPhase::Ended {
                    list.push(a.clone());
                }
            });
            // A run that began or ended elsewhere changes which locks are held.
            Self::refresh(held);
        })
        .ok();
        if let Some(c) = &channel {
            // Unanswered when no other tab runs anything: nothing to do then.
            let _ = c.ask();
        }
        let tabs = Self {
            others,
            held,
            locks_available: RwSignal::new(true),
            channel: StoredValue::new_local(channel),
        };
        tabs.refresh_held();
        tabs
    }

    fn refresh(held: RwSignal<Vec<String>>) {
        leptos::task::spawn_local(async move {
            if let Ok(names) = locks::held_names().await {
                held.try_set(names);
            }
        });
    }

    /// Asks again which domain locks are held.
    pub fn refresh_held(&self) {
        Self::refresh(self.held);
    }

    /// Whether a lock for `endpoint` + `domain` is held, by this tab or another (as
    /// last asked).
    pub fn is_held(&self, endpoint: &str, domain: &str) -> bool {
        let name = locks::domain_lock_name(endpoint, domain);
        self.held.with(|h| h.contains(&name))
    }

    /// Tells the other tabs about a run of this tab.
    pub fn announce(
        &self,
        run_id: &str,
        endpoint: &str,
        domain: &str,
        started: f64,
        phase: RunPhase,
    ) {
        let announcement = RunAnnouncement::new(run_id, endpoint, domain, started, phase);
        self.channel.with_value(|c| {
            if let Some(c) = c {
                // A tab that cannot post is still guarded by the lock.
                let _ = c.post(&announcement);
            }
        });
    }

    /// Takes the lock of `endpoint` + `domain`, or says who holds it. `Ok(None)`: this
    /// browser has no Web Locks; the person is warned and the run goes on unguarded.
    pub async fn acquire(
        &self,
        app: AppState,
        endpoint: &str,
        domain: &str,
    ) -> Result<Option<HeldLock>, Refusal> {
        let name = locks::domain_lock_name(endpoint, domain);
        let result = locks::try_acquire(&name).await;
        self.refresh_held();
        match result {
            Ok(Some(lock)) => Ok(Some(lock)),
            Ok(None) => Err(Refusal::HeldElsewhere(self.holder(endpoint, domain))),
            Err(LockError::Unavailable) | Err(LockError::Refused(_)) => {
                self.locks_available.try_set(false);
                app.notify(Notice::error(
                    "This browser offers no Web Locks: the page cannot keep another tab from driving the same domain. Run it in one tab only.",
                ));
                Ok(None)
            }
        }
    }

    /// [`Tabs::acquire`], a refusal told on the page: `None` when the lock is not ours.
    pub async fn acquire_or_say(
        &self,
        app: AppState,
        endpoint: &str,
        domain: &str,
    ) -> Option<Option<HeldLock>> {
        match self.acquire(app, endpoint, domain).await {
            Ok(lock) => Some(lock),
            Err(refusal) => {
                app.notify(Notice::error(refusal.message()));
                None
            }
        }
    }

    /// The end of a run or pursuit of this tab: the others are told, the lock given back.
    pub async fn release(
        &self,
        lock: Option<HeldLock>,
        run_id: &str,
        endpoint: &str,
        domain: &str,
        started: f64,
    ) {
        self.announce(run_id, endpoint, domain, started, RunPhase::Ended);
        if let Some(lock) = lock {
            lock.release().await;
        }
        self.refresh_held();
    }

    /// "my_domain is being driven by another tab (run started 14:02:11)".
    pub fn holder(&self, endpoint: &str, domain: &str) -> String {
        let key = locks::domain_lock_name(endpoint, domain);
        let started = self.others.with_untracked(|o| {
            o.iter()
                .find(|a| locks::domain_lock_name(&a.endpoint, &a.domain) == key)
                .map(|a| a.started_ms)
        });
        match started {
            Some(ms) => format!(
                "{domain} is being driven by another tab (run started {}); nothing was sent.",
                clock_time(ms)
            ),
            None => format!("{domain} is being driven by another tab; nothing was sent."),
        }
    }
}

impl Refusal {
    /// The message to show.
    pub fn message(self) -> String {
        match self {
            Refusal::HeldElsewhere(m) => m,
        }
    }
}
