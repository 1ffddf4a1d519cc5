//! The plan preview: the exact requests of a run in order with their planned times, the
//! capacity chart, and a "show signed request" view per row.

use leptos::prelude::*;

use crate::api::Request;
use crate::engine::{example_signing, Plan, EXAMPLE_TIME};
use crate::report::decisions::policy_plan_text;
use crate::settings::field_label;

use super::chart::CapacityChart;
use super::state::AppState;

/// The signed view of one request: its parameters and the redacted signing debug.
fn signed_view(state: AppState, request: Request) -> impl IntoView {
    let params: Vec<String> = request
        .params()
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let signed = state.settings.with_untracked(|s| {
        let config = s.client_config().map_err(|e| {
            e.first()
                .map(|f| format!("{}: {}", field_label(&f.field), f.message))
                .unwrap_or_default()
        })?;
        example_signing(
            &config,
            &request,
            &s.credentials.access_key_id,
            !s.credentials.session_token.is_empty(),
        )
        .map_err(|e| e.to_string())
    });
    view! {
        <div class="signed">
            <h3>"Parameters"</h3>
            <pre class="params">{params.join("\n")}</pre>
            {match signed {
                Ok(p) => {
                    view! {
                        <h3>"Signed at " {EXAMPLE_TIME} " (example time) as " {p.access_key}</h3>
                        <p class="hint">
                            {p.target}
                            ". The secret key is never shown; the signature, which depends on it, is left out."
                        </p>
                        <pre class="debug">{p.debug}</pre>
                    }
                        .into_any()
                }
                Err(why) => {
                    view! {
                        <p class="hint">"To see the signed request, fix the endpoint first: " {why}</p>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

fn plan_table(state: AppState, plan: Plan, open: RwSignal<Option<usize>>) -> impl IntoView {
    let rows = plan
        .requests
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let expanded = move || open.get() == Some(i);
            let request = row.request.clone();
            let panel_id = format!("signed-{i}");
            view! {
                <tr class="request" data-phase=format!("{:?}", row.phase)>
                    <td class="num">{i + 1}</td>
                    <td class="phase">{row.phase.label()}</td>
                    <td class="round">{row.round_label()}</td>
                    <td class="when">{row.when()}</td>
                    <td>
                        <code class="action">{row.request.name()}</code>
                        <span class="summary">{row.summary()}</span>
                    </td>
                    <td class="condition">
                        {row.condition.as_ref().map(ToString::to_string).unwrap_or_else(|| "always".into())}
                    </td>
                    <td>
                        <button
                            type="button"
                            class="link"
                            aria-expanded=move || if expanded() { "true" } else { "false" }
                            aria-controls=panel_id.clone()
                            on:click=move |_| open.update(|o| *o = if *o == Some(i) { None } else { Some(i) })
                        >
                            {move || if expanded() { "Hide signed request" } else { "Show signed request" }}
                        </button>
                    </td>
                </tr>
                {move || {
                    expanded()
                        .then(|| {
                            view! {
                                <tr class="signed-row" id=panel_id.clone()>
                                    <td colspan="7">{signed_view(state, request.clone())}</td>
                                </tr>
                            }
                        })
                }}
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="plan">
                <caption>"The requests a run makes, in order. The setup's requests of one round go out together; the next round starts when they are answered. Times count from the ramp's start (right after the domain is ready)."</caption>
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"Phase"</th>
                        <th scope="col">"Round"</th>
                        <th scope="col">"When"</th>
                        <th scope="col">"Request"</th>
                        <th scope="col">"Sent"</th>
                        <th scope="col">
                            <span class="sr-only">"Signed request"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The plan section.
#[component]
pub fn PlanPreview() -> impl IntoView {
    let state = expect_context::<AppState>();
    let open = RwSignal::new(None::<usize>);
    view! {
        <section class="preview" aria-labelledby="plan-heading">
            <h2 id="plan-heading">"Plan"</h2>
            {move || match state.plan.get() {
                Ok(plan) => {
                    let schedule = plan.schedule.clone();
                    let policy = plan.policy.as_ref().map(policy_plan_text);
                    view! {
                        <CapacityChart schedule=schedule/>
                        {policy.map(|text| view! { <p class="policy-plan" id="policy-plan">{text}</p> })}
                        {plan_table(state, plan, open)}
                    }
                        .into_any()
                }
                Err(errors) => {
                    view! {
                        <p class="hint" id="plan-unavailable">
                            {format!(
                                "The plan appears once the clouds, launch configuration, domain and ramp are valid ({} to fix).",
                                errors.len(),
                            )}
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
