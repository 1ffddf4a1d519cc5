//! The Ramp section: the tutorial's shape or explicit steps, then the end.

use leptos::prelude::*;

use crate::settings::{Field, RampField, RampShape, Settings, StepField};

use super::fields::{checkbox_field, field_message, focus_later, select_field, text_field, Kind};
use super::policy::policy_fields;
use super::runner::policy_host::browser_zone;
use super::state::AppState;

fn step_row(state: AppState, i: usize, count: Memo<usize>) -> impl IntoView {
    view! {
        <li class="row">
            <span class="rank" aria-hidden="true">{i + 1}</span>
            {text_field(
                Field::step(i, StepField::Offset),
                "Time (seconds)",
                Kind::Decimal,
                None,
                move |s: &Settings| s.ramp.steps.get(i).map(|x| x.offset.0.clone()).unwrap_or_default(),
                move |s: &mut Settings, v| {
                    if let Some(x) = s.ramp.steps.get_mut(i) {
                        x.offset.0 = v;
                    }
                },
            )}
            {text_field(
                Field::step(i, StepField::Capacity),
                "Capacity",
                Kind::Integer,
                None,
                move |s: &Settings| s.ramp.steps.get(i).map(|x| x.capacity.0.clone()).unwrap_or_default(),
                move |s: &mut Settings, v| {
                    if let Some(x) = s.ramp.steps.get_mut(i) {
                        x.capacity.0 = v;
                    }
                },
            )}
            <div class="row-buttons">
                <button
                    type="button"
                    class="icon danger"
                    id=format!("step-{i}-remove")
                    aria-label=format!("Remove step {}", i + 1)
                    on:click=move |_| {
                        state.settings.update(|s| {
                            if i < s.ramp.steps.len() {
                                s.ramp.steps.remove(i);
                            }
                        });
                        let left = count.get_untracked();
                        if left == 0 {
                            focus_later("add-step".into());
                        } else {
                            focus_later(format!("step-{}-remove", i.min(left - 1)));
                        }
                    }
                >
                    "\u{2715}"
                </button>
            </div>
        </li>
    }
}

/// The Ramp fieldset.
#[component]
pub fn RampSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let shapes = Signal::derive(|| {
        RampShape::ALL
            .iter()
            .map(|s| (s.key().to_string(), s.label().to_string()))
            .collect()
    });
    let shape = Memo::new(move |_| state.settings.with(|s| s.ramp.shape));
    let count = Memo::new(move |_| state.settings.with(|s| s.ramp.steps.len()));
    view! {
        <fieldset class="section" id="ramp">
            <legend>"Ramp"</legend>
            {select_field(
                RampField::Shape,
                "Shape",
                shapes,
                |s: &Settings| s.ramp.shape.key().to_string(),
                |s: &mut Settings, v: String| {
                    s.ramp.shape = RampShape::from_key(&v).unwrap_or_default();
                    if s.ramp.shape == RampShape::Schedule && s.ramp.policy.zone.trim().is_empty() {
                        s.ramp.policy.zone = browser_zone().unwrap_or_else(|| "UTC".to_string());
                    }
                },
            )}
            {move || {
                let shape = shape.get();
                if shape.is_policy() {
                    policy_fields(shape)
                } else if shape == RampShape::Tutorial {
                    view! {
                        <div class="group" role="group" aria-label="Tutorial shape">
                            {text_field(
                                RampField::Start,
                                "Start capacity",
                                Kind::Integer,
                                None,
                                |s: &Settings| s.ramp.start.0.clone(),
                                |s: &mut Settings, v| s.ramp.start.0 = v,
                            )}
                            {text_field(
                                RampField::Increment,
                                "Increment",
                                Kind::Integer,
                                None,
                                |s: &Settings| s.ramp.increment.0.clone(),
                                |s: &mut Settings, v| s.ramp.increment.0 = v,
                            )}
                            {text_field(
                                RampField::Interval,
                                "Interval (seconds)",
                                Kind::Decimal,
                                None,
                                |s: &Settings| s.ramp.interval.0.clone(),
                                |s: &mut Settings, v| s.ramp.interval.0 = v,
                            )}
                            {text_field(
                                RampField::Peak,
                                "Peak capacity",
                                Kind::Integer,
                                Some("At most the total of the clouds' maxima.".into()),
                                |s: &Settings| s.ramp.peak.0.clone(),
                                |s: &mut Settings, v| s.ramp.peak.0 = v,
                            )}
                        </div>
                    }
                        .into_any()
                } else {
                    view! {
                        <div class="group" role="group" aria-label="Explicit steps">
                            <ol class="rows" aria-label="Ramp steps">
                                {move || (0..count.get()).map(|i| step_row(state, i, count)).collect_view()}
                            </ol>
                            {field_message(RampField::Steps.into())}
                            <button
                                type="button"
                                class="secondary"
                                id="add-step"
                                on:click=move |_| {
                                    state.settings.update(|s| s.ramp.push_step());
                                    let i = count.get_untracked().saturating_sub(1);
                                    focus_later(state.dom_id(&Field::step(i, StepField::Offset)));
                                }
                            >
                                "Add step"
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
            {move || {
                (!shape.get().is_policy())
                    .then(|| {
                        text_field(
                            RampField::Hold,
                            "Hold after the last step (seconds)",
                            Kind::Decimal,
                            None,
                            |s: &Settings| s.ramp.hold.0.clone(),
                            |s: &mut Settings, v| s.ramp.hold.0 = v,
                        )
                    })
            }}
            {text_field(
                RampField::FinalCapacity,
                "Final capacity",
                Kind::Integer,
                Some("Set when the hold (or a policy's run) is over (the tutorial: 0).".into()),
                |s: &Settings| s.ramp.final_capacity.0.clone(),
                |s: &mut Settings, v| s.ramp.final_capacity.0 = v,
            )}
            {checkbox_field(
                RampField::DeleteDomain,
                "Then delete the domain",
                None,
                |s: &Settings| s.ramp.delete_domain,
                |s: &mut Settings, v| s.ramp.delete_domain = v,
            )}
        </fieldset>
    }
}
