//! Settings file and reset: export and import every engine (settings format version 2;
//! a version 1 file is one engine), "reset to tutorial defaults", and the status line
//! that reports what happened.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::settings::Settings;

use super::engines::Workspace;
use super::state::Notice;
use super::storage;

/// "; domain a, b kept: …" for engines a replacement could not remove.
fn kept_text(kept: &[String]) -> String {
    match kept.len() {
        0 => String::new(),
        _ => format!(
            " Kept {} too: {} running, tearing down or may have VMs running.",
            kept.join(", "),
            if kept.len() == 1 { "it is" } else { "they are" }
        ),
    }
}

/// The toolbar above the form.
#[component]
pub fn Toolbar() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let state = ws.shared;
    let export = move |_| {
        let all: Vec<Settings> = ws
            .engines
            .with_untracked(|l| l.iter().map(|e| e.app.settings.get_untracked()).collect());
        let result = storage::download_settings(&all);
        state.notify(match result {
            Ok(()) => Notice::info(format!(
                "Settings of {} engine{} exported (without the secret key or session token).",
                all.len(),
                if all.len() == 1 { "" } else { "s" }
            )),
            Err(e) => Notice::error(format!("The settings could not be exported: {e}")),
        });
    };
    let import = move |ev: web_sys::Event| {
        let Some(file) = storage::chosen_file(&ev) else {
            return;
        };
        spawn_local(async move {
            let notice = match storage::read_settings_file(file).await {
                Ok(imported) => {
                    let n = imported.len();
                    let problems: usize = imported.iter().map(|s| s.validate().len()).sum();
                    let kept = ws.replace(imported);
                    let what = match n {
                        1 => "Settings imported".to_string(),
                        n => format!("Settings of {n} engines imported"),
                    };
                    let attention = match problems {
                        0 => ".".to_string(),
                        1 => "; 1 setting needs attention (marked below).".to_string(),
                        p => format!("; {p} settings need attention (marked below)."),
                    };
                    Notice::info(format!("{what}{attention}{}", kept_text(&kept)))
                }
                Err(e) => Notice::error(format!("Not imported: {e}")),
            };
            // The page may be gone by now: `notify` does nothing then.
            state.notify(notice);
        });
    };
    let reset = move |_| {
        let offers = state.offers.get_untracked();
        let mut settings = state.settings.get_untracked();
        settings.reset_keeping_credentials();
        settings.apply_server_offer(&offers);
        let kept = ws.replace(vec![settings]);
        state.notify(Notice::info(format!(
            "Settings reset to the tutorial defaults (your credentials were kept).{}",
            kept_text(&kept)
        )));
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
