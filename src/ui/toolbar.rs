//! Settings file and reset: export, import, "reset to tutorial defaults", and the status
//! line that reports what happened.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{AppState, Notice};
use super::storage;

/// The toolbar above the form.
#[component]
pub fn Toolbar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let export = move |_| {
        let result = state.settings.with_untracked(storage::download_settings);
        state.notify(match result {
            Ok(()) => Notice::info("Settings exported (without the secret key or session token)."),
            Err(e) => Notice::error(format!("The settings could not be exported: {e}")),
        });
    };
    let import = move |ev: web_sys::Event| {
        let Some(file) = storage::chosen_file(&ev) else {
            return;
        };
        spawn_local(async move {
            let notice = match storage::read_settings_file(file).await {
                Ok(mut imported) => {
                    // The file has no credentials but the access key ID; keep the rest.
                    let problems = imported.validate().len();
                    state.settings.update(|s| {
                        imported.credentials.session_token =
                            std::mem::take(&mut s.credentials.session_token);
                        imported.credentials.remember_secret = s.credentials.remember_secret;
                        *s = imported;
                    });
                    match problems {
                        0 => Notice::info("Settings imported."),
                        1 => Notice::info(
                            "Settings imported; 1 setting needs attention (marked below).",
                        ),
                        n => Notice::info(format!(
                            "Settings imported; {n} settings need attention (marked below)."
                        )),
                    }
                }
                Err(e) => Notice::error(format!("Not imported: {e}")),
            };
            // The page may be gone by now: `notify` does nothing then.
            state.notify(notice);
        });
    };
    let reset = move |_| {
        state.reset();
        state.notify(Notice::info(
            "Settings reset to the tutorial defaults (your credentials were kept).",
        ));
    };
    view! {
        <div class="toolbar" role="group" aria-label="Settings file">
            <button type="button" class="secondary" id="export-settings" on:click=export>
                "Export settings"
            </button>
            <label class="file-button" for="import-settings">"Import settings"</label>
            <input
                id="import-settings"
                class="file-input"
                type="file"
                accept="application/json,.json"
                on:change=import
            />
            <button type="button" class="secondary" id="reset-settings" on:click=reset>
                "Reset to tutorial defaults"
            </button>
        </div>
        <p
            id="notice"
            role="status"
            class="notice"
            class:error=move || state.notice.with(|n| n.as_ref().is_some_and(|n| n.is_error))
        >
            {move || state.notice.with(|n| n.as_ref().map(|n| n.text.clone()))}
        </p>
    }
}
