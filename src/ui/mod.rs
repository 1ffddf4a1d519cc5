//! Leptos components. They render state and forward user intent; no protocol logic here.
//!
//! [`state::AppState`] is provided as context by [`App`]; each settings section is its own
//! component, bound field by field to `AppState::settings` (the secret to
//! `AppState::secret`), with inline messages from `Settings::validate`. The one browser
//! client is built by `AppState::client`, and notices go through `AppState::notify`.
//! [`runner::RunState`] runs the engine (`engine::run`, `engine::manual`) as Leptos
//! actions: the buttons wait on their `pending()`.
//!
//! Browser edges beside the components: [`storage`] (settings, files, and each run's
//! records in [`storage::runs`]), [`locks`] (one run per domain across tabs, Web Locks),
//! [`channel`] (runs announced across tabs, `BroadcastChannel`) and [`random`] (ids).

pub mod banner;
pub mod channel;
pub mod chart;
pub mod clouds;
pub mod credentials;
pub mod domain;
pub mod domainview;
pub mod endpoint;
pub mod fields;
pub mod frames;
pub mod history;
pub mod instances;
pub mod launch;
pub mod locks;
pub mod measure;
pub mod policy;
pub mod preview;
pub mod ramp;
pub mod random;
pub mod run;
pub mod runner;
pub mod simulation;
pub mod state;
pub mod steplog;
pub mod storage;
pub mod test_connection;
pub mod toolbar;

use leptos::prelude::*;

use state::AppState;

/// Mounts the app on the page's `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::provide();
    let run = runner::RunState::provide(state);
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        run.start(state);
    };
    view! {
        <header class="app-header">
            <h1>"Phantom Decision Engine"</h1>
            <p class="tagline">
                "Creates launch configurations on every cloud, (re)creates a Phantom domain and drives its capacity on a timed schedule."
            </p>
        </header>
        <main>
            <toolbar::Toolbar/>
            <form class="settings" aria-label="Decision engine settings" novalidate=true on:submit=submit>
                <endpoint::EndpointSection/>
                <credentials::CredentialsSection/>
                <clouds::CloudsSection/>
                <launch::LaunchSection/>
                <domain::DomainSection/>
                <ramp::RampSection/>
                <simulation::SimulationSection/>
                <run::RunControls/>
            </form>
            <domainview::DomainView/>
            <steplog::StepLog/>
            <history::RunHistory/>
            <preview::PlanPreview/>
        </main>
    }
}
