//! Form building blocks: a labelled input, select or checkbox bound to one setting, with
//! its inline message. Each is named by its [`Field`], whose path gives the DOM id; the
//! message's id is the field's id plus `-error`, and the input names it in
//! `aria-describedby`.

use std::sync::Arc;

use leptos::prelude::*;

use crate::settings::{Field, Settings};

use super::state::AppState;

/// The DOM id of a settings field: `clouds[1].name` → `f-clouds-1-name`.
pub fn dom_id(field: &Field) -> String {
    let mut id = String::from("f-");
    let mut dash = false;
    for c in field.to_string().chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            id.push(c);
            dash = false;
        } else if !dash {
            id.push('-');
            dash = true;
        }
    }
    id.trim_end_matches('-').to_string()
}

/// What an input holds, for its `type` and `inputmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// A URL.
    Url,
    /// A whole number (kept as text, so "abc" reaches validation as typed).
    Integer,
    /// A decimal number.
    Decimal,
    /// A credential: a password field, never spell-checked or autofilled.
    Secret,
}

impl Kind {
    fn input_type(self) -> &'static str {
        match self {
            Kind::Secret => "password",
            _ => "text",
        }
    }

    fn input_mode(self) -> Option<&'static str> {
        match self {
            Kind::Text | Kind::Secret => None,
            Kind::Url => Some("url"),
            Kind::Integer => Some("numeric"),
            Kind::Decimal => Some("decimal"),
        }
    }
}

/// The inline message for `field`: present only while the field has a problem.
pub fn field_message(field: Field) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = format!("{}-error", state.dom_id(&field));
    move || {
        state.error_of(field).map(|message| {
            view! {
                <p class="field-error" id=id.clone()>
                    {message}
                </p>
            }
        })
    }
}

/// `aria-describedby` for a field: its hint (when it has one) and its message.
fn described_by(id: &str, has_hint: bool) -> String {
    if has_hint {
        format!("{id}-hint {id}-error")
    } else {
        format!("{id}-error")
    }
}

/// What every field's view starts from: its DOM id, whether it has a problem (for
/// `class:invalid` and `aria-invalid`), its `aria-describedby` and its hint's id.
struct Frame {
    state: AppState,
    id: String,
    invalid: Memo<bool>,
    describedby: String,
    hint_id: String,
}

impl Frame {
    fn new(field: Field, has_hint: bool) -> Self {
        let state = expect_context::<AppState>();
        let id = state.dom_id(&field);
        Self {
            state,
            invalid: Memo::new(move |_| state.error_of(field).is_some()),
            describedby: described_by(&id, has_hint),
            hint_id: format!("{id}-hint"),
            id,
        }
    }
}

/// The hint below a field, when it has one.
fn hint_view(hint: Option<String>, hint_id: String) -> impl IntoView {
    hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })
}

/// Reads one text of the settings.
type GetText = Arc<dyn Fn(&Settings) -> String + Send + Sync>;
/// Writes one text of the settings.
type SetText = Arc<dyn Fn(&mut Settings, String) + Send + Sync>;

/// A labelled single-line input bound to one settings text.
pub fn text_field(
    field: impl Into<Field>,
    label: impl Into<String>,
    kind: Kind,
    hint: Option<String>,
    get: impl Fn(&Settings) -> String + Send + Sync + 'static,
    set: impl Fn(&mut Settings, String) + Send + Sync + 'static,
) -> AnyView {
    // One non-generic body for every field keeps the wasm small.
    text_field_view(
        field.into(),
        label.into(),
        kind,
        hint,
        Arc::new(get),
        Arc::new(set),
    )
}

fn text_field_view(
    field: Field,
    label: String,
    kind: Kind,
    hint: Option<String>,
    get: GetText,
    set: SetText,
) -> AnyView {
    let Frame {
        state,
        id,
        invalid,
        describedby,
        hint_id,
    } = Frame::new(field, hint.is_some());
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type=kind.input_type()
                inputmode=kind.input_mode()
                autocomplete="off"
                spellcheck="false"
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                aria-describedby=describedby
                prop:value=move || state.settings.with(|s| get(s))
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    state.settings.update(|s| set(s, value));
                }
            />
            {hint_view(hint, hint_id)}
            {field_message(field)}
        </div>
    }
    .into_any()
}

/// A labelled multi-line input bound to one settings text.
pub fn text_area(
    field: impl Into<Field>,
    label: impl Into<String>,
    hint: Option<String>,
    get: impl Fn(&Settings) -> String + Send + Sync + 'static,
    set: impl Fn(&mut Settings, String) + Send + Sync + 'static,
) -> AnyView {
    let field = field.into();
    let Frame {
        state,
        id,
        invalid,
        describedby,
        hint_id,
    } = Frame::new(field, hint.is_some());
    view! {
        <div class="field wide" class:invalid=invalid>
            <label for=id.clone()>{label.into()}</label>
            <textarea
                id=id
                rows="3"
                spellcheck="false"
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                aria-describedby=describedby
                prop:value=move || state.settings.with(&get)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    state.settings.update(|s| set(s, value));
                }
            ></textarea>
            {hint_view(hint, hint_id)}
            {field_message(field)}
        </div>
    }
    .into_any()
}

/// A labelled `<select>` over `options` (value, label), bound to one setting.
pub fn select_field(
    field: impl Into<Field>,
    label: impl Into<String>,
    options: Signal<Vec<(String, String)>>,
    get: impl Fn(&Settings) -> String + Send + Sync + 'static,
    set: impl Fn(&mut Settings, String) + Send + Sync + 'static,
) -> AnyView {
    select_view(
        field.into(),
        label.into(),
        options,
        Arc::new(get),
        Arc::new(set),
    )
}

fn select_view(
    field: Field,
    label: String,
    options: Signal<Vec<(String, String)>>,
    get: GetText,
    set: SetText,
) -> AnyView {
    let Frame {
        state,
        id,
        invalid,
        describedby,
        ..
    } = Frame::new(field, false);
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                aria-describedby=describedby
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    state.settings.update(|s| set(s, value));
                }
            >
                {move || {
                    let get = get.clone();
                    options
                        .get()
                        .into_iter()
                        .map(|(value, text)| {
                            let get = get.clone();
                            let v = value.clone();
                            view! {
                                <option
                                    value=value
                                    prop:selected=move || state.settings.with(|s| get(s) == v)
                                >
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            {field_message(field)}
        </div>
    }
    .into_any()
}

/// A labelled checkbox bound to one setting.
pub fn checkbox_field(
    field: impl Into<Field>,
    label: impl Into<String>,
    hint: Option<String>,
    get: impl Fn(&Settings) -> bool + Send + Sync + 'static,
    set: impl Fn(&mut Settings, bool) + Send + Sync + 'static,
) -> AnyView {
    checkbox_view(
        field.into(),
        label.into(),
        hint,
        Arc::new(get),
        Arc::new(set),
    )
}

#[allow(clippy::type_complexity)]
fn checkbox_view(
    field: Field,
    label: String,
    hint: Option<String>,
    get: Arc<dyn Fn(&Settings) -> bool + Send + Sync>,
    set: Arc<dyn Fn(&mut Settings, bool) + Send + Sync>,
) -> AnyView {
    let state = expect_context::<AppState>();
    let id = state.dom_id(&field);
    let hint_id = format!("{id}-hint");
    let describedby = hint.as_ref().map(|_| hint_id.clone());
    view! {
        <div class="field check">
            <input
                id=id.clone()
                type="checkbox"
                aria-describedby=describedby
                prop:checked=move || state.settings.with(|s| get(s))
                on:change=move |ev| {
                    let checked = event_target_checked(&ev);
                    state.settings.update(|s| set(s, checked));
                }
            />
            <label for=id>{label}</label>
            {hint_view(hint, hint_id)}
        </div>
    }
    .into_any()
}

/// Moves keyboard focus to the element with `id` once the DOM has caught up (after a
/// list re-renders, say).
pub fn focus_later(id: String) {
    set_timeout(
        move || {
            let element = document().get_element_by_id(&id);
            if let Some(el) =
                element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                // Focus can fail on a detached element; nothing to do then.
                let _ = el.focus();
            }
        },
        std::time::Duration::from_millis(0),
    );
}
