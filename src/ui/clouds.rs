//! The Clouds section: an ordered list (order is rank) with add, remove, move up/down.

use leptos::prelude::*;

use crate::settings::{CloudField, CloudSettings, Field, Settings};

use super::fields::{field_message, focus_later, text_field, Kind};
use super::state::AppState;

fn row_button_id(i: usize, what: &str) -> String {
    format!("cloud-{i}-{what}")
}

fn cloud_row(state: AppState, i: usize, count: Memo<usize>) -> impl IntoView {
    let name_of = move || {
        state.settings.with(|s| {
            s.clouds
                .get(i)
                .map(|c| c.name.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("cloud {}", i + 1))
        })
    };
    let move_to = move |to: usize, up: bool| {
        state.settings.update(|s| {
            if i < s.clouds.len() && to < s.clouds.len() {
                s.clouds.swap(i, to);
            }
        });
        // Focus follows the cloud that moved: the same button if it can be pressed
        // again, otherwise the opposite one.
        let last = count.get_untracked().saturating_sub(1);
        let again = if up { to > 0 } else { to < last };
        let what = if up == again { "up" } else { "down" };
        focus_later(row_button_id(to, what));
    };
    view! {
        <li class="row">
            <span class="rank" aria-hidden="true">{i + 1}</span>
            {text_field(
                Field::cloud(i, CloudField::Name),
                "Name",
                Kind::Text,
                None,
                move |s: &Settings| s.clouds.get(i).map(|c| c.name.clone()).unwrap_or_default(),
                move |s: &mut Settings, v| {
                    if let Some(c) = s.clouds.get_mut(i) {
                        c.name = v;
                    }
                },
            )}
            {text_field(
                Field::cloud(i, CloudField::MaxVms),
                "Max VMs",
                Kind::Integer,
                None,
                move |s: &Settings| s.clouds.get(i).map(|c| c.max_vms.0.clone()).unwrap_or_default(),
                move |s: &mut Settings, v| {
                    if let Some(c) = s.clouds.get_mut(i) {
                        c.max_vms.0 = v;
                    }
                },
            )}
            <div class="row-buttons">
                <button
                    type="button"
                    class="icon"
                    id=row_button_id(i, "up")
                    disabled=i == 0
                    aria-label=move || format!("Move {} up", name_of())
                    on:click=move |_| {
                        if i > 0 {
                            move_to(i - 1, true);
                        }
                    }
                >
                    "\u{2191}"
                </button>
                <button
                    type="button"
                    class="icon"
                    id=row_button_id(i, "down")
                    disabled=move || { i + 1 >= count.get() }
                    aria-label=move || format!("Move {} down", name_of())
                    on:click=move |_| {
                        if i + 1 < count.get_untracked() {
                            move_to(i + 1, false);
                        }
                    }
                >
                    "\u{2193}"
                </button>
                <button
                    type="button"
                    class="icon danger"
                    id=row_button_id(i, "remove")
                    aria-label=move || format!("Remove {}", name_of())
                    on:click=move |_| {
                        state.settings.update(|s| {
                            if i < s.clouds.len() {
                                s.clouds.remove(i);
                            }
                        });
                        let left = count.get_untracked();
                        if left == 0 {
                            focus_later("add-cloud".into());
                        } else {
                            focus_later(row_button_id(i.min(left - 1), "remove"));
                        }
                    }
                >
                    "\u{2715}"
                </button>
            </div>
        </li>
    }
}

/// The Clouds fieldset.
#[component]
pub fn CloudsSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let count = Memo::new(move |_| state.settings.with(|s| s.clouds.len()));
    let total = move || {
        state.settings.with(|s| {
            s.clouds
                .iter()
                .map(|c| c.max_vms.0.trim().parse::<u64>().unwrap_or(0))
                .sum::<u64>()
        })
    };
    view! {
        <fieldset class="section" id="clouds">
            <legend>"Clouds"</legend>
            <p class="hint">
                "In rank order: Phantom fills the first cloud up to its maximum, then the next. Total: "
                {total} " VMs."
            </p>
            <ol class="rows" aria-label="Clouds in rank order">
                {move || (0..count.get()).map(|i| cloud_row(state, i, count)).collect_view()}
            </ol>
            {field_message(Field::Clouds)}
            <button
                type="button"
                class="secondary"
                id="add-cloud"
                on:click=move |_| {
                    state.settings.update(|s| s.clouds.push(CloudSettings::new("", 4)));
                    let i = count.get_untracked().saturating_sub(1);
                    focus_later(state.dom_id(&Field::cloud(i, CloudField::Name)));
                }
            >
                "Add cloud"
            </button>
        </fieldset>
    }
}
