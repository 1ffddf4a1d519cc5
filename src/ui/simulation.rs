//! The Simulation section: the dry run's model (boot time, failures, seed, metric
//! trace), the **Simulate** button, and what the chosen policy would do — the chart of
//! decided capacity, running VMs and the metric, and its decisions as log lines — all
//! before any request is sent. The run itself is [`crate::engine::simulate`] on a
//! virtual clock; a custom policy runs in the same sandbox as in a live run.

use leptos::prelude::*;

use crate::engine::simulate::{simulate, SimModel};
use crate::report::simulation::{
    simulation_lines, simulation_series, simulation_summary, SimulationChart,
};
use crate::report::steplog::LogLine;
use crate::settings::{Settings, SimulateField, TraceKind};

use super::chart::domain_chart;
use super::fields::{select_field, text_area, text_field, Kind};
use super::runner::policy_host::BrowserHost;
use super::state::AppState;

/// What a dry run showed, and what it was run with (to say when that has changed).
struct Shown {
    summary: String,
    chart: Option<SimulationChart>,
    lines: Vec<LogLine>,
    /// The settings it ran with, but the credentials and the endpoint, which it never
    /// uses.
    ran_with: Settings,
}

/// The settings a dry run depends on: everything but the endpoint and credentials.
fn relevant(s: &Settings) -> Settings {
    let defaults = Settings::tutorial_defaults();
    let mut copy = s.clone();
    copy.endpoint = defaults.endpoint;
    copy.credentials = defaults.credentials;
    copy
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// Runs the current settings' policy against their model; `Err` says why it cannot.
async fn dry_run(state: AppState) -> Result<Shown, String> {
    let settings = state.settings.get_untracked();
    let plan = state.plan.get_untracked().map_err(|e| {
        format!(
            "Fix the settings first ({} problem{}).",
            e.len(),
            if e.len() == 1 { "" } else { "s" }
        )
    })?;
    let Some(policy) = plan.policy.as_ref() else {
        return Err("Simulate runs a policy: choose one in the Ramp section's Shape (a ramp's fixed steps are in the plan below).".to_string());
    };
    let valid = state
        .simulation
        .get_untracked()
        .map_err(|_| "Fix the simulation's settings first.".to_string())?;
    let final_capacity = plan.schedule.last().map(|s| s.1).unwrap_or(0);
    let model = SimModel::of(&valid, &policy.clouds);
    let started = now_ms();
    let outcome = simulate(
        policy,
        final_capacity,
        &model,
        &BrowserHost,
        js_sys::Date::now(),
    )
    .await;
    let took = now_ms() - started;
    let series = simulation_series(&outcome);
    Ok(Shown {
        summary: simulation_summary(&outcome, took),
        chart: SimulationChart::of(&series),
        lines: simulation_lines(&outcome),
        ran_with: relevant(&settings),
    })
}

fn field_view(field: SimulateField) -> AnyView {
    let get = move |s: &Settings| s.simulate.text(field).to_string();
    let set = move |s: &mut Settings, v: String| s.simulate.set_text(field, v);
    let hint = match field {
        SimulateField::Boot => Some("A started VM is pending this long, then running."),
        SimulateField::FailuresPerHour => {
            Some("How often a running VM fails (850-FAILED) on average; 0: never.")
        }
        SimulateField::Seed => Some("The same seed gives the same failures."),
        SimulateField::Values => {
            Some("Numbers separated by spaces, commas or new lines (a column pasted from a spreadsheet).")
        }
        SimulateField::SpikeWidth => Some("Shorter than the time between spikes."),
        _ => None,
    }
    .map(str::to_string);
    if field == SimulateField::Values {
        return text_area(field, field.label(), hint, get, set);
    }
    let kind = match field {
        SimulateField::Seed => Kind::Integer,
        _ => Kind::Decimal,
    };
    text_field(field, field.label(), kind, hint, get, set)
}

fn chart_view(c: SimulationChart) -> impl IntoView {
    let f = c.lines.frame;
    let metric = view! {
        <path class="metric" d=c.metric fill="none" stroke="#c77d12" stroke-width="1.5" stroke-dasharray="2 2" />
        <text x=f.right_edge() y=f.top + 8.0 font-size="11" text-anchor="end" fill="#c77d12">
            {format!("metric {}", c.metric_top_label)}
        </text>
    };
    view! {
        {domain_chart(
            c.lines,
            "domain-chart simulation-chart",
            "Simulated decided capacity, running VMs and the metric over time",
            Some(metric.into_any()),
        )}
        <p class="legend hint">
            "Blue: decided capacity; green: running VMs; dotted orange: the metric (its own scale, top right); dashed grey: the final capacity."
        </p>
    }
}

fn result_view(shown: &Shown, stale: bool) -> impl IntoView {
    let lines = shown
        .lines
        .iter()
        .map(|l| {
            let class = format!("line {}", l.kind.class());
            view! {
                <li class=class>
                    <span class="timing">{l.timing.clone()}</span>
                    " "
                    <span class="target">{l.target.clone()}</span>
                    " "
                    <span class="outcome">{l.outcome.clone()}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="simulation-result" aria-label="Simulation result">
            <p class="sim-summary" role="status">{shown.summary.clone()}</p>
            {stale.then(|| view! {
                <p class="hint stale">"The settings changed since this simulation: Simulate again to see their effect."</p>
            })}
            {shown.chart.clone().map(chart_view)}
            <ol class="sim-log" aria-label="Simulation log">{lines}</ol>
        </section>
    }
}

/// The Simulation fieldset, its button and its result.
#[component]
pub fn SimulationSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let action = Action::new_local(move |_: &()| dry_run(state));
    let traces = Signal::derive(|| {
        TraceKind::ALL
            .iter()
            .map(|k| (k.key().to_string(), k.label().to_string()))
            .collect()
    });
    let fields = Memo::new(move |_| state.settings.with(|s| s.simulate.fields()));
    let is_policy = Memo::new(move |_| state.settings.with(|s| s.ramp.shape.is_policy()));
    let blocked = move || {
        action.pending().get()
            || !is_policy.get()
            || state.plan.with(|p| p.is_err())
            || state.simulation.with(|s| s.is_err())
    };
    let reason = move || {
        if action.pending().get() {
            "Simulating…".to_string()
        } else if !is_policy.get() {
            "Simulate runs a policy: choose one in the Ramp section's Shape.".to_string()
        } else if state.plan.with(|p| p.is_err()) {
            "Simulate is disabled: fix the settings first (listed under Run).".to_string()
        } else if state.simulation.with(|s| s.is_err()) {
            "Simulate is disabled: fix the simulation's settings above.".to_string()
        } else {
            "Runs the policy on a virtual clock against this model; nothing is sent.".to_string()
        }
    };
    let result = move || {
        let value = action.value();
        value.with(|v| match v {
            None => None,
            Some(Err(message)) => Some(
                view! { <p class="sim-summary error" role="status">{message.clone()}</p> }
                    .into_any(),
            ),
            Some(Ok(shown)) => {
                let stale = state.settings.with(|s| relevant(s) != shown.ran_with);
                Some(result_view(shown, stale).into_any())
            }
        })
    };
    view! {
        <fieldset class="section" id="simulation">
            <legend>"Simulation"</legend>
            <p class="hint">
                "A dry run: the chosen policy decides on a virtual clock against a model of the domain, so you see what it would do before any request is sent."
            </p>
            {select_field(
                SimulateField::Trace,
                SimulateField::Trace.label(),
                traces,
                |s: &Settings| s.simulate.text(SimulateField::Trace).to_string(),
                |s: &mut Settings, v: String| s.simulate.set_text(SimulateField::Trace, v),
            )}
            {move || fields.get().into_iter().map(field_view).collect_view()}
            <div class="run-controls">
                <button
                    type="button"
                    id=state.id("simulate")
                    disabled=blocked
                    aria-describedby=state.id("simulate-reason")
                    on:click=move |_| {
                        action.dispatch(());
                    }
                >
                    "Simulate"
                </button>
                <span id=state.id("simulate-reason") class="reason" aria-live="polite">{reason}</span>
            </div>
            {result}
        </fieldset>
    }
}
