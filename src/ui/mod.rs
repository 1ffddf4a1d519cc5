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
pub mod engines;
pub mod fields;
pub mod frames;
pub mod history;
pub mod instances;
pub mod launch;
pub mod locks;
pub mod measure;
pub mod overview;
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

/// Mounts the app on the page's `<body>`, then marks the moment in the page's
/// performance timeline (`pde-mounted`): `scripts/bench` reads it to tell the page's own
/// start-up (download, compile, first render) from the browser's and the test driver's.
pub fn mount() {
    // The release page aborts at once on a panic (scripts/lib/env.sh `build_page`): no
    // hook would ever run, so none is linked.
    #[cfg(not(panic = "immediate-abort"))]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        // A failed mark only loses a benchmark figure.
        let _ = performance.mark("pde-mounted");
    }
}

/// The whole page: the toolbar, the shared Connection sections, the engines' overview
/// and run bar, every engine's section in the order they were added, **Add domain**,
/// the run history.
#[component]
pub fn App() -> impl IntoView {
    let ws = engines::Workspace::provide();
    view! {
        <header class="app-header">
            <h1>"Phantom Decision Engine"</h1>
            <p class="tagline">
                "Creates launch configurations on every cloud, (re)creates a Phantom domain and drives its capacity on a timed schedule."
            </p>
        </header>
        <overview::RunBar/>
        <main>
            <toolbar::Toolbar/>
            // Unnamed: "Connection" is a field's label, which tests and people look up.
            <form
                class="settings connection"
                novalidate=true
                on:submit=|ev: web_sys::SubmitEvent| ev.prevent_default()
            >
                <endpoint::EndpointSection/>
                <credentials::CredentialsSection/>
            </form>
            <overview::EnginesOverview/>
            <For
                each=move || ws.engines.get()
                key=engines::Engine::key
                children=move |e| view! { <EngineSection engine=e/> }
            />
            <div class="add-engine">
                <button type="button" class="secondary" on:click=move |_| ws.add()>
                    "Add domain"
                </button>
                <span class="hint">
                    "A copy of the last engine under a new domain name and launch configuration name, with its own Run, Stop and log. The endpoint and credentials above are every engine's."
                </span>
            </div>
            <history::RunHistory/>
        </main>
    }
}

/// One engine's section: its settings, Run and Stop, live view, step log and plan.
#[component]
fn EngineSection(engine: engines::Engine) -> impl IntoView {
    let ws = expect_context::<engines::Workspace>();
    let (state, run) = (engine.app, engine.run);
    provide_context(state);
    provide_context(run);
    let no = engine.key();
    let name = move || {
        state.settings.with(|s| {
            let n = s.domain.name.trim();
            if n.is_empty() {
                format!("Engine {}", no + 1)
            } else {
                n.to_string()
            }
        })
    };
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        run.start(state);
    };
    let several = move || ws.engines.with(|l| l.len() > 1);
    view! {
        <section class="engine" id=state.id("engine") aria-label=name>
            <div class="engine-head">
                <h2>{move || format!("Engine {}: {}", no + 1, name())}</h2>
                <button
                    type="button"
                    class="secondary danger small"
                    hidden=move || !several()
                    disabled=move || run.owes()
                    title="Only an engine that is not running and owes its domain nothing can be removed"
                    aria-label=move || format!("Remove {}", name())
                    on:click=move |_| ws.remove(no)
                >
                    "Remove"
                </button>
            </div>
            <details open=true class="engine-settings">
                <summary>"Settings"</summary>
                <form
                    class="settings"
                    aria-label=move || format!("Settings of {}", name())
                    novalidate=true
                    on:submit=submit
                >
                    <div class="own-connection">
                        {fields::checkbox_field(
                            crate::settings::RunField::OwnConnection,
                            "Its own endpoint and credentials",
                            Some("Off: the Endpoint and Credentials at the top of the page.".into()),
                            |s: &crate::settings::Settings| s.run.own_connection,
                            |s: &mut crate::settings::Settings, v| s.run.own_connection = v,
                        )}
                    </div>
                    <Show when=move || state.settings.with(|s| s.run.own_connection)>
                        <endpoint::EndpointSection/>
                        <credentials::CredentialsSection/>
                    </Show>
                    <clouds::CloudsSection/>
                    <launch::LaunchSection/>
                    <domain::DomainSection/>
                    <ramp::RampSection/>
                    <simulation::SimulationSection/>
                    <run::RunControls/>
                </form>
            </details>
            <domainview::DomainView/>
            <steplog::StepLog/>
            <preview::PlanPreview/>
        </section>
    }
}
