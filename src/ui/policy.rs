//! The policy shapes' fields in the Ramp section: each shape's own fields, then the
//! rails every policy has, from one table ([`PolicySettings::fields_of`]); for a custom
//! policy, the code with its templates.

use leptos::prelude::*;

use crate::settings::templates::TEMPLATES;
use crate::settings::{PolicyField, PolicySettings, RampShape, Settings};

use super::fields::{text_area, text_field, Kind};
use super::state::AppState;

fn kind_of(field: PolicyField) -> Kind {
    use PolicyField as F;
    match field {
        F::MetricUrl => Kind::Url,
        F::JsonPointer | F::Zone | F::Days | F::WindowFrom | F::WindowTo | F::Code => Kind::Text,
        F::Every
        | F::RunFor
        | F::UpCooldown
        | F::DownCooldown
        | F::MetricPerVm
        | F::MetricMaxAge
        | F::StuckAfter
        | F::ReplacementWindow => Kind::Decimal,
        _ => Kind::Integer,
    }
}

fn hint_of(field: PolicyField) -> Option<String> {
    use PolicyField as F;
    Some(match field {
        F::MetricUrl => "A JSON document read every decision: a path on this page's server (its /metrics/ proxy) or an absolute URL the page may reach.",
        F::JsonPointer => "Where the number is in it, such as /queue/length (empty: the document itself).",
        F::MetricPerVm => "Capacity = metric ÷ this, rounded up.",
        F::MetricMaxAge => "An older value (the source failing) makes the policy hold.",
        F::Code => "function decide(observation) returns { capacity, reason, memory? }. It runs in a sandbox: no storage, page, network or credentials.",
        F::Zone => "An IANA time zone such as Europe/Paris; daylight-saving changes are followed.",
        F::Days => "Such as Mon-Fri, or Sat, Sun.",
        F::WindowTo => "At or before the opening time, the window runs past midnight.",
        F::MaxChange => "Empty: any change.",
        F::RunFor => "Then the final capacity is set and the run completes.",
        F::MinCapacity => "Every decision is held between the minimum and the maximum.",
        _ => return None,
    }.to_string())
}

fn field_view(field: PolicyField) -> AnyView {
    let get = move |s: &Settings| s.ramp.policy.text(field).to_string();
    let set = move |s: &mut Settings, v: String| s.ramp.policy.set_text(field, v);
    if field == PolicyField::Code {
        return text_area(field, field.label(), hint_of(field), get, set);
    }
    text_field(
        field,
        field.label(),
        kind_of(field),
        hint_of(field),
        get,
        set,
    )
}

/// The template list and its button, for a custom policy.
fn templates() -> impl IntoView {
    let state = expect_context::<AppState>();
    let chosen = RwSignal::new(0usize);
    view! {
        <div class="field template-picker">
            <label for=state.id("policy-template")>"Template"</label>
            <select
                id=state.id("policy-template")
                on:change=move |ev| {
                    chosen.set(event_target_value(&ev).parse().unwrap_or(0));
                }
            >
                {TEMPLATES
                    .iter()
                    .enumerate()
                    .map(|(i, t)| view! { <option value=i.to_string()>{t.name}</option> })
                    .collect_view()}
            </select>
            <button
                type="button"
                class="secondary"
                on:click=move |_| {
                    if let Some(t) = TEMPLATES.get(chosen.get_untracked()) {
                        state.settings.update(|s| s.ramp.policy.code = t.code.to_string());
                    }
                }
            >
                "Use template"
            </button>
        </div>
    }
}

/// The fields of policy `shape`.
pub fn policy_fields(shape: RampShape) -> AnyView {
    let fields = PolicySettings::fields_of(shape);
    let label = format!("{} settings", shape.label());
    view! {
        <div class="group" role="group" aria-label=label>
            {(shape == RampShape::Custom).then(templates)}
            {fields.into_iter().map(field_view).collect_view()}
        </div>
    }
    .into_any()
}
