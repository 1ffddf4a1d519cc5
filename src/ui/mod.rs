//! Leptos components. They render state and forward user intent; no protocol logic here.

pub mod test_connection;

use leptos::prelude::*;

/// Mounts the app on the page's `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The settings sections, in the order a run uses them.
const SECTIONS: [(&str, &str); 6] = [
    ("endpoint", "Endpoint"),
    ("credentials", "Credentials"),
    ("clouds", "Clouds"),
    ("launch-configuration", "Launch configuration"),
    ("domain", "Domain"),
    ("ramp", "Ramp"),
];

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="app-header">
            <h1>"Phantom Decision Engine"</h1>
            <p class="tagline">
                "Creates launch configurations on every cloud, (re)creates a Phantom domain and drives its capacity on a timed schedule."
            </p>
        </header>
        <main>
            <form class="settings" aria-label="Decision engine settings" on:submit=|ev| ev.prevent_default()>
                {SECTIONS
                    .iter()
                    .map(|(id, title)| {
                        view! {
                            <fieldset class="section" id=*id>
                                <legend>{*title}</legend>
                            </fieldset>
                        }
                    })
                    .collect_view()}
                <div class="run-controls">
                    <button type="submit" disabled=true aria-describedby="run-reason">"Run"</button>
                    <span id="run-reason" class="reason">"Settings are not editable yet."</span>
                </div>
            </form>
        </main>
    }
}
