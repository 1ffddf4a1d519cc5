//! The Run button: disabled, with the reason shown, while anything is invalid.

use leptos::prelude::*;

use crate::settings::field_label;

use super::fields::dom_id;
use super::state::AppState;

/// How many problems are listed by name under the Run button.
const LISTED: usize = 8;

/// The run controls at the end of the form.
#[component]
pub fn RunControls() -> impl IntoView {
    let state = expect_context::<AppState>();
    let blocked = move || state.errors.with(|e| !e.is_empty());
    let reason = move || {
        state.errors.with(|e| match e.len() {
            0 => "Ready: Run makes the requests of the plan below.".to_string(),
            1 => format!(
                "Run is disabled: fix 1 setting first ({}).",
                field_label(&e[0].field)
            ),
            n => format!(
                "Run is disabled: fix {n} settings first ({}{}).",
                e.iter()
                    .take(3)
                    .map(|x| field_label(&x.field))
                    .collect::<Vec<_>>()
                    .join(", "),
                if n > 3 { ", …" } else { "" }
            ),
        })
    };
    let problems = move || {
        state.errors.with(|e| {
            let more = e.len().saturating_sub(LISTED);
            let items = e
                .iter()
                .take(LISTED)
                .map(|x| {
                    // List-level problems have no input: point at their message.
                    let href = match x.field.as_str() {
                        "clouds" | "ramp.steps" => format!("#{}-error", dom_id(&x.field)),
                        field => format!("#{}", dom_id(field)),
                    };
                    let text = format!("{}: {}", field_label(&x.field), x.message);
                    view! {
                        <li>
                            <a href=href>{text}</a>
                        </li>
                    }
                })
                .collect_view();
            (!e.is_empty()).then(|| {
                view! {
                    <ul class="problems" aria-label="Settings to fix">
                        {items}
                        {(more > 0).then(|| view! { <li>{format!("and {more} more")}</li> })}
                    </ul>
                }
            })
        })
    };
    view! {
        <div class="run-controls">
            <button type="submit" disabled=blocked aria-describedby="run-reason">
                "Run"
            </button>
            <span id="run-reason" class="reason" aria-live="polite">
                {reason}
            </span>
            {problems}
        </div>
    }
}
