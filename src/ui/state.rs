//! The app state, shared through Leptos context, and the effects that keep
//! `localStorage` in step with it; the one place a browser client is built
//! ([`AppState::client`]) and the one way a notice reaches the status line
//! ([`AppState::notify`]).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::fetch::{BrowserClock, FetchTransport};
use crate::api::Client;
use crate::engine::Plan;
use crate::settings::{Field, FieldError, ProxyOffer, Settings, ValidSimulation};

use super::storage;

/// A message for the person, shown in the status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// True for a problem, false for information.
    pub is_error: bool,
    /// The text (rendered as text, never as HTML).
    pub text: String,
}

impl Notice {
    /// Information.
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            is_error: false,
            text: text.into(),
        }
    }

    /// A problem.
    pub fn error(text: impl Into<String>) -> Self {
        Self {
            is_error: true,
            text: text.into(),
        }
    }
}

/// The client every request of the page goes through: `fetch` and the browser's clock.
pub type BrowserClient = Client<FetchTransport, BrowserClock>;

/// One engine's settings and what is derived from them, or (for the Endpoint and
/// Credentials sections, shared by every engine) the page's. Copy: every field is a
/// reactive handle.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The settings, as typed (saved with every engine's on every change, see
    /// `ui::engines`).
    pub settings: RwSignal<Settings>,
    /// The secret access key: memory only, unless `remember_secret` is ticked. One for
    /// the page: every engine signs with it.
    pub secret: RwSignal<String>,
    /// Every problem of the settings and the secret, in form order (and, for an engine,
    /// another engine of the page naming the same domain).
    pub errors: Memo<Vec<FieldError>>,
    /// The plan of the current settings (or why there is none).
    pub plan: Memo<Result<Plan, Vec<FieldError>>>,
    /// What the page's server offers (same-origin proxies).
    pub offers: RwSignal<Vec<ProxyOffer>>,
    /// The status line (one for the page).
    pub notice: RwSignal<Option<Notice>>,
    /// The Simulation section's model (or its problems): checked apart, so it never
    /// blocks Run.
    pub simulation: Memo<Result<ValidSimulation, Vec<FieldError>>>,
    /// The engine's number on the page, from 0 in the order engines were added: the
    /// prefix of its element ids past the first (`e2-f-domain-name`), so every label
    /// names its own engine's input.
    pub no: u32,
    /// Whether notices name the domain (several engines on the page).
    named: Signal<bool>,
    /// Whether this state's secret may be remembered on the device: the page's (and a
    /// single engine's), not an engine's own (`run.own_connection`), whose secret stays
    /// in memory.
    pub remembers: bool,
}

/// What every engine of the page shares: the secret, the proxies on offer, the status
/// line.
#[derive(Clone, Copy)]
pub struct Shared {
    /// The secret access key.
    pub secret: RwSignal<String>,
    /// The page server's proxies.
    pub offers: RwSignal<Vec<ProxyOffer>>,
    /// The status line.
    pub notice: RwSignal<Option<Notice>>,
}

impl Shared {
    /// What `loaded` holds for the page (the secret, if remembered, and the problem
    /// reading the settings, as the first notice), taken out of it.
    pub fn of(loaded: &mut storage::Loaded) -> Self {
        Self {
            secret: RwSignal::new(loaded.secret.take().unwrap_or_default()),
            offers: RwSignal::new(Vec::new()),
            notice: RwSignal::new(loaded.problem.take().map(Notice::error)),
        }
    }
}

impl AppState {
    /// The state of `settings`, numbered `no`, with `extra` problems beyond its own
    /// (another engine's domain) and notices naming the domain while `named`.
    pub fn new(
        settings: Settings,
        shared: Shared,
        no: u32,
        extra: Signal<Vec<FieldError>>,
        named: Signal<bool>,
    ) -> Self {
        let settings = RwSignal::new(settings);
        let secret = shared.secret;
        let errors = Memo::new(move |_| {
            let secret = secret.read();
            let mut errors = settings.with(|s| s.validate_with_secret(&secret));
            extra.with(|x| errors.extend(x.iter().cloned()));
            errors
        });
        let plan = Memo::new(move |_| settings.with(Plan::from_settings));
        let simulation = Memo::new(move |_| settings.with(|s| s.simulate.validated()));
        Self {
            simulation,
            settings,
            secret,
            errors,
            plan,
            offers: shared.offers,
            notice: shared.notice,
            no,
            named,
            remembers: true,
        }
    }

    /// The page's state, loaded from `localStorage`, and a single engine of it provided
    /// as context (the tests' page, which has no engine list).
    pub fn provide() -> Self {
        let mut loaded = storage::load();
        let shared = Shared::of(&mut loaded);
        let first = loaded.engines.into_iter().next().unwrap_or_default();
        let state = Self::new(first, shared, 0, Signal::default(), Signal::default());
        provide_context(state);
        state
    }

    /// Keeps the secret (and token) stored only while "remember" is ticked.
    pub fn remember_while_asked(&self) {
        let (settings, secret) = (self.settings, self.secret);
        Effect::new(move |_| {
            let (remember, token) = settings.with(|s| {
                (
                    s.credentials.remember_secret,
                    s.credentials.session_token.clone(),
                )
            });
            let secret = secret.get();
            // Nothing typed means nothing to remember: a cleared field clears the store.
            if remember && !(secret.is_empty() && token.is_empty()) {
                storage::remember_secret(&secret, &token);
            } else {
                storage::forget_secret();
            }
        });
    }

    /// Asks the page server for its proxies; a first visit takes the first as the
    /// connection unless the person has already chosen one, and its target as the URL
    /// unless one is typed.
    pub fn ask_for_offers(&self, first_visit: bool) {
        let state = *self;
        let initial = self.settings.get_untracked();
        spawn_local(async move {
            let offers = storage::fetch_server_offers().await;
            // The page may have been closed (or the test unmounted) meanwhile.
            if state.offers.try_set(offers.clone()).is_some() {
                return;
            }
            if first_visit {
                state.settings.try_update(|s| {
                    let untouched = s.endpoint.connection == initial.endpoint.connection
                        && s.endpoint.proxy_prefix == initial.endpoint.proxy_prefix;
                    if untouched {
                        s.apply_server_offer(&offers);
                    }
                });
            }
        });
    }

    /// The element id `id` of this engine's section (unchanged for the first engine).
    pub fn id(&self, id: &str) -> String {
        match self.no {
            0 => id.to_string(),
            n => format!("e{}-{id}", n + 1),
        }
    }

    /// The element id of `field`'s input in this engine's section.
    pub fn dom_id(&self, field: &Field) -> String {
        self.id(&super::fields::dom_id(field))
    }

    /// A client for the endpoint and credentials of the current settings and the secret,
    /// or every problem that keeps one from being built (then nothing can be sent).
    pub fn client(&self) -> Result<BrowserClient, Vec<FieldError>> {
        let secret = self.secret.get_untracked();
        self.settings
            .with_untracked(|s| match (s.client_config(), s.credentials(&secret)) {
                (Ok(config), Ok(credentials)) => Ok(Client::new(
                    config,
                    credentials,
                    FetchTransport,
                    BrowserClock,
                    Box::new(js_sys::Math::random),
                )),
                (config, credentials) => {
                    let mut problems = config.err().unwrap_or_default();
                    problems.extend(credentials.err().unwrap_or_default());
                    Err(problems)
                }
            })
    }

    /// Shows `notice` in the status line (nothing happens once the page is gone),
    /// naming the engine's domain while the page has several.
    pub fn notify(&self, mut notice: Notice) {
        if self.named.try_get_untracked().unwrap_or(false) {
            if let Some(domain) = self.settings.try_with_untracked(|s| s.domain.name.clone()) {
                notice.text = format!("{domain}: {}", notice.text);
            }
        }
        let _ = self.notice.try_set(Some(notice));
    }

    /// Clears the status line.
    pub fn clear_notice(&self) {
        let _ = self.notice.try_set(None);
    }

    /// The first problem of `field`, if any.
    pub fn error_of(&self, field: Field) -> Option<String> {
        let first = |e: &[FieldError]| {
            e.iter()
                .find(|x| x.field == field)
                .map(|x| x.message.clone())
        };
        if let Field::Simulate(_) = field {
            return self
                .simulation
                .with(|r| r.as_ref().err().and_then(|e| first(e)));
        }
        self.errors.with(|e| first(e))
    }

    /// Resets to the tutorial's values, keeping the credentials, and applies the page
    /// server's offer again.
    pub fn reset(&self) {
        let offers = self.offers.get_untracked();
        self.settings.update(|s| {
            s.reset_keeping_credentials();
            s.apply_server_offer(&offers);
        });
    }

    /// Forgets the secret and token: out of `localStorage` and out of memory.
    pub fn forget_secret(&self) {
        self.settings.update(|s| {
            s.credentials.remember_secret = false;
            s.credentials.session_token.clear();
        });
        self.secret.set(String::new());
        storage::forget_secret();
    }
}
