//! Several engines on one page. An engine is one domain's settings (its clouds, launch
//! configuration, domain, policy and run options, an [`AppState`]) and its run (a
//! [`RunState`]: Run, Stop, step log, live view, storage); every engine has its own
//! section, in the order they were added. The endpoint and the credentials are the
//! page's: typed once in the Connection sections ([`Workspace::shared`]) and copied
//! into every engine (`settings::share_connection`), so the saved settings still hold a
//! whole, valid engine each — unless an engine has its own (`run.own_connection`), with
//! its own secret, never remembered.
//!
//! Why each engine has its own reactive owner: an engine's run, its timers and its
//! storage writers live as long as the engine, not as long as a view of it, and
//! removing an engine must end all of them. An engine is removed only when it owes its
//! domain nothing ([`RunState::owes`]); the page never drops an interrupted run's offer
//! to scale it to 0.
//!
//! Independence: engines share nothing a run writes. Each has its own journal, records
//! and lock (`ui::locks`, by endpoint and domain), and two engines naming the same domain
//! on the same endpoint are refused before Run (`settings::engine_conflicts`), as are two
//! creating the same launch configuration.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::settings::{
    copy_for_new_engine, engine_conflicts, share_connection, FieldError, Settings, MAX_ENGINES,
};

use super::runner::{unclaimed_domains, RunState, Tabs};
use super::state::{AppState, Notice, Shared};
use super::storage;

/// One engine of the page.
#[derive(Clone)]
pub struct Engine {
    /// Its settings and what they imply.
    pub app: AppState,
    /// Its run.
    pub run: RunState,
    /// What its run, timers and writers belong to (ended when it is removed).
    owner: Owner,
}

impl Engine {
    /// Its key among the engines (never reused on the page).
    pub fn key(&self) -> u32 {
        self.app.no
    }

    /// Its domain name as typed.
    pub fn domain(&self) -> String {
        self.app.settings.with(|s| s.domain.name.clone())
    }
}

/// The page's engines and what they share. Copy: reactive handles only.
#[derive(Clone, Copy)]
pub struct Workspace {
    /// The Connection sections' state (endpoint and credentials, shared by every engine)
    /// and the page's status line.
    pub shared: AppState,
    /// The engines, in the order they were added.
    pub engines: RwSignal<Vec<Engine>>,
    /// The other tabs and the domain locks (one view for all engines).
    pub tabs: Tabs,
    shared_parts: Shared,
    /// The next engine's number.
    next_no: StoredValue<u32>,
    /// Each engine's refusals for naming another one's domain or launch configuration,
    /// by engine number.
    conflicts: Memo<Vec<(u32, Vec<FieldError>)>>,
    /// Where engines' owners hang from (the page's).
    root: StoredValue<Option<Owner>>,
}

impl Workspace {
    /// Loads every engine from `localStorage`, starts saving them, asks the page server
    /// for proxies, adds an engine for every stored run that still needs attention and
    /// that no engine names, and provides the workspace (and its shared state) as
    /// context.
    pub fn provide() -> Self {
        let mut loaded = storage::load();
        let parts = Shared::of(&mut loaded);
        // The page's connection is the first engine's that shares it.
        let first = loaded
            .engines
            .iter()
            .find(|e| !e.run.own_connection)
            .or(loaded.engines.first())
            .cloned()
            .unwrap_or_default();
        let shared = AppState::new(first, parts, 0, Signal::default(), Signal::default());
        let engines: RwSignal<Vec<Engine>> = RwSignal::new(Vec::new());
        let conflicts = Memo::new(move |_| {
            engines.with(|list| {
                let settings: Vec<Settings> = list.iter().map(|e| e.app.settings.get()).collect();
                list.iter()
                    .map(|e| e.app.no)
                    .zip(engine_conflicts(&settings))
                    .collect()
            })
        });
        let ws = Self {
            shared,
            engines,
            tabs: Tabs::open(),
            shared_parts: parts,
            next_no: StoredValue::new(0),
            conflicts,
            root: StoredValue::new(Owner::current()),
        };
        provide_context(ws);
        provide_context(shared);
        for settings in loaded.engines {
            ws.push(settings);
        }

        // The page's connection (and secret) is every engine's, but for an engine that
        // has its own. Tracks every engine's settings: cheap, at most MAX_ENGINES.
        Effect::new(move |_| {
            let connection = shared.settings.get();
            let secret = shared.secret.get();
            engines.with(|list| {
                for e in list {
                    let (own, differs) = e.app.settings.with(|s| {
                        (
                            s.run.own_connection,
                            s.endpoint != connection.endpoint
                                || s.credentials != connection.credentials,
                        )
                    });
                    if own {
                        continue;
                    }
                    if differs {
                        e.app.settings.update(|s| {
                            share_connection(s, &connection);
                        });
                    }
                    if e.app.secret.with_untracked(|s| *s != secret) {
                        e.app.secret.set(secret.clone());
                    }
                }
            });
        });
        // Every engine's non-secret settings are saved as they change.
        Effect::new(move |_| {
            let all: Vec<Settings> =
                engines.with(|list| list.iter().map(|e| e.app.settings.get()).collect());
            if !storage::save_settings(&all) {
                shared.notify(Notice::error(
                    "This browser does not let the page save settings; they last until the page is closed.",
                ));
            }
        });
        shared.remember_while_asked();
        shared.ask_for_offers(!loaded.stored);
        spawn_local(async move { ws.claim_unclaimed().await });
        ws
    }

    /// Adds an engine for every stored run that needs attention but whose domain no
    /// engine names (its settings were renamed or removed since, or came from another
    /// version): the engine shows the run and offers its teardown.
    async fn claim_unclaimed(self) {
        let held = super::locks::held_names().await.unwrap_or_default();
        let Some(names) = self
            .engines
            .try_with_untracked(|list| list.iter().map(Engine::domain).collect::<Vec<_>>())
        else {
            return;
        };
        for domain in unclaimed_domains(&held, &names).await {
            let Some(Some(from)) = self
                .engines
                .try_with_untracked(|l| l.last().map(|e| e.app.settings.get_untracked()))
            else {
                return;
            };
            let mut settings = from;
            settings.domain.name = domain.clone();
            self.push(settings);
            self.shared.notify(Notice::info(format!(
                "Added an engine for domain {domain}: a run on it was interrupted and VMs it asked for may still be running."
            )));
        }
    }

    /// A new engine of `settings` (with the page's connection unless it has its own),
    /// after the others.
    fn push(&self, mut settings: Settings) -> Engine {
        let connection = self.shared.settings.get_untracked();
        share_connection(&mut settings, &connection);
        let no = self.next_no.get_value();
        self.next_no.set_value(no + 1);
        let owner = match self.root.get_value() {
            Some(root) => root.child(),
            None => Owner::new(),
        };
        let engines = self.engines;
        let conflicts = self.conflicts;
        let parts = self.shared_parts;
        let tabs = self.tabs;
        let (app, run) = owner.with(|| {
            let extra = Signal::derive(move || {
                conflicts.with(|d| {
                    d.iter()
                        .find(|(n, _)| *n == no)
                        .map(|(_, e)| e.clone())
                        .unwrap_or_default()
                })
            });
            let named = Signal::derive(move || engines.with(|l| l.len() > 1));
            // Its own secret: the page's, copied in while it shares the connection.
            let secret = RwSignal::new(if settings.run.own_connection {
                String::new()
            } else {
                parts.secret.get_untracked()
            });
            let parts = Shared { secret, ..parts };
            let mut app = AppState::new(settings, parts, no, extra, named);
            app.remembers = false;
            let run = RunState::provide(app, tabs);
            (app, run)
        });
        let engine = Engine { app, run, owner };
        self.engines.update(|l| l.push(engine.clone()));
        engine
    }

    /// "Add domain": a copy of the last engine under new domain and launch configuration
    /// names.
    pub fn add(&self) {
        let all: Vec<Settings> = self
            .engines
            .with_untracked(|l| l.iter().map(|e| e.app.settings.get_untracked()).collect());
        if all.len() >= MAX_ENGINES {
            self.shared.notify(Notice::error(format!(
                "A page holds at most {MAX_ENGINES} engines: remove one first."
            )));
            return;
        }
        let from = all.last().cloned().unwrap_or_default();
        let copy = copy_for_new_engine(&from, &all);
        let name = copy.domain.name.clone();
        let engine = self.push(copy);
        let field = crate::settings::Field::Domain(crate::settings::DomainField::Name);
        super::fields::focus_later(engine.app.dom_id(&field));
        self.shared.notify(Notice::info(format!(
            "Added domain {name}: a copy of {}, with its own Run and Stop below.",
            from.domain.name
        )));
    }

    /// Removes engine `no`, unless it owes its domain something or is the last one.
    pub fn remove(&self, no: u32) {
        let Some(engine) = self
            .engines
            .with_untracked(|l| l.iter().find(|e| e.key() == no).cloned())
        else {
            return;
        };
        let domain = engine.app.settings.get_untracked().domain.name;
        if engine.run.owes() {
            self.shared.notify(Notice::error(format!(
                "Domain {domain} is running, tearing down or may have VMs running: stop it or scale it to 0 before removing it."
            )));
            return;
        }
        if self.engines.with_untracked(Vec::len) <= 1 {
            self.shared
                .notify(Notice::error("The page keeps at least one engine."));
            return;
        }
        self.engines.update(|l| l.retain(|e| e.key() != no));
        self.shared.notify(Notice::info(format!(
            "Removed the engine of domain {domain}."
        )));
        dispose_later(engine.owner);
    }

    /// Replaces the engines' settings by `list` (an imported file, or the tutorial's one
    /// engine), by position: engine N takes the file's N-th settings and keeps its run
    /// (as the one-engine page always did), the file's further engines are added, and
    /// the page's further engines are removed, except those that owe their domain
    /// something (they stay, with their offers). The endpoint and credentials of the
    /// file's first engine that shares the page's become the page's; the session token and "remember" stay the
    /// person's. Returns the domains kept beyond the file.
    pub fn replace(&self, list: Vec<Settings>) -> Vec<String> {
        let Some(first) = list.iter().find(|e| !e.run.own_connection).or(list.first()) else {
            return Vec::new();
        };
        self.shared.settings.update(|s| {
            let token = std::mem::take(&mut s.credentials.session_token);
            let remember = s.credentials.remember_secret;
            s.endpoint = first.endpoint.clone();
            s.credentials = first.credentials.clone();
            s.credentials.session_token = token;
            s.credentials.remember_secret = remember;
        });
        let connection = self.shared.settings.get_untracked();
        let current = self.engines.get_untracked();
        let mut kept = Vec::new();
        let mut gone = Vec::new();
        for (i, engine) in current.iter().enumerate() {
            match list.get(i) {
                Some(settings) => {
                    let mut settings = settings.clone();
                    share_connection(&mut settings, &connection);
                    engine.app.settings.set(settings);
                }
                None if engine.run.owes() => kept.push(engine.domain()),
                None => gone.push(engine.key()),
            }
        }
        for settings in list.into_iter().skip(current.len()) {
            self.push(settings);
        }
        if !gone.is_empty() {
            self.engines
                .update(|l| l.retain(|e| !gone.contains(&e.key())));
            for engine in current.into_iter().filter(|e| gone.contains(&e.key())) {
                dispose_later(engine.owner);
            }
        }
        kept
    }

    /// "Stop all": asks every running engine to stop (each tears down as its own run
    /// options say). Returns how many were running.
    pub fn stop_all(&self) -> usize {
        self.engines.with_untracked(|l| {
            l.iter()
                .filter(|e| e.run.active.get_untracked())
                .inspect(|e| e.run.stop())
                .count()
        })
    }

    /// Whether any engine runs or tears down.
    pub fn any_running(&self) -> bool {
        self.engines
            .with(|l| l.iter().any(|e| e.run.active.get() || e.run.pursuing.get()))
    }

    /// Where a past run opens (read-only): the idle engine of its domain, else the first
    /// idle engine.
    pub fn open_target(&self, domain: &str) -> Option<Engine> {
        self.engines.with_untracked(|l| {
            let idle =
                |e: &&Engine| !e.run.active.get_untracked() && !e.run.pursuing.get_untracked();
            l.iter()
                .filter(idle)
                .find(|e| e.app.settings.with_untracked(|s| s.domain.name == domain))
                .or_else(|| l.iter().find(idle))
                .cloned()
        })
    }
}

/// Ends an engine's owner once its view is gone: the view still reads its signals until
/// the engine list's change has been rendered, which happens after this task.
fn dispose_later(owner: Owner) {
    set_timeout(move || owner.cleanup(), std::time::Duration::from_millis(0));
}
