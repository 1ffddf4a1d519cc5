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

/// Everything the components share. Copy: every field is a reactive handle.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The settings, as typed (saved to `localStorage` on every change).
    pub settings: RwSignal<Settings>,
    /// The secret access key: memory only, unless `remember_secret` is ticked.
    pub secret: RwSignal<String>,
    /// Every problem of the settings and the secret, in form order.
    pub errors: Memo<Vec<FieldError>>,
    /// The plan of the current settings (or why there is none).
    pub plan: Memo<Result<Plan, Vec<FieldError>>>,
    /// What the page's server offers (same-origin proxies).
    pub offers: RwSignal<Vec<ProxyOffer>>,
    /// The status line.
    pub notice: RwSignal<Option<Notice>>,
    /// The Simulation section's model (or its problems): checked apart, so it never
    /// blocks Run.
    pub simulation: Memo<Result<ValidSimulation, Vec<FieldError>>>,
}

impl AppState {
    /// Loads from `localStorage`, starts persisting, asks the page server for proxies,
    /// and provides the state as context.
    pub fn provide() -> Self {
        let loaded = storage::load();
        let initial = loaded.settings.clone();
        let settings = RwSignal::new(loaded.settings);
        let secret = RwSignal::new(loaded.secret.unwrap_or_default());
        let errors = Memo::new(move |_| {
            let secret = secret.read();
            settings.with(|s| s.validate_with_secret(&secret))
        });
        let plan = Memo::new(move |_| settings.with(Plan::from_settings));
        let simulation = Memo::new(move |_| settings.with(|s| s.simulate.validated()));
        let state = Self {
            simulation,
            settings,
            secret,
            errors,
            plan,
            offers: RwSignal::new(Vec::new()),
            notice: RwSignal::new(loaded.problem.map(Notice::error)),
        };
        provide_context(state);

        // Every non-secret setting is saved as it changes.
        Effect::new(move |_| {
            let ok = settings.with(storage::save_settings);
            if !ok {
                state.notify(Notice::error(
                    "This browser does not let the page save settings; they last until the page is closed.",
                ));
            }
        });
        // The secret (and token) are stored only while "remember" is ticked.
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

        // A first visit takes the page server's proxy as the connection unless the person
        // has already chosen one, and its target as the URL unless one is typed.
        let first_visit = !loaded.stored;
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
        state
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

    /// Shows `notice` in the status line (nothing happens once the page is gone).
    pub fn notify(&self, notice: Notice) {
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
