//! The engines at a glance: the overview table (every engine's phase, desired and
//! running capacity, next step and last problem) and the run bar, which stays at the top
//! of the window while anything runs (the settings form is long: a run's status would
//! otherwise scroll away under it), with each running engine's Stop and **Stop all**.

use leptos::prelude::*;

use crate::report::overview::{capacity_text, Glance, GlanceWatch};

use super::engines::{Engine, Workspace};
use super::run::{next_step, run_phase, ticking_now};
use super::state::Notice;

/// What one engine shows in the overview and the run bar, kept per engine.
#[derive(Clone, Copy)]
struct Look {
    glance: Memo<Glance>,
}

impl Look {
    fn of(engine: &Engine) -> Self {
        let events = engine.run.events;
        let watch = StoredValue::new(GlanceWatch::default());
        // Reads only the events added since the last look (see `GlanceWatch`).
        let glance = Memo::new(move |_| {
            events.with(|list| {
                watch
                    .try_update_value(|w| w.sync(list).clone())
                    .unwrap_or_default()
            })
        });
        Self { glance }
    }
}

fn phase_of(engine: &Engine, look: Look) -> impl Fn() -> String + Send + Sync + 'static {
    let run = engine.run;
    move || run_phase(run, look.glance.with(|g| g.stage))
}

fn countdown_of(
    engine: &Engine,
    now: RwSignal<f64>,
) -> impl Fn() -> String + Send + Sync + 'static {
    let run = engine.run;
    move || {
        let now = now.get();
        run.active
            .get()
            .then(|| run.summary.with(|s| next_step(s, now)))
            .flatten()
            .map_or_else(
                || "–".to_string(),
                |(ms, capacity)| format!("capacity {capacity} in {:.1} s", ms / 1000.0),
            )
    }
}

fn capacity_of(engine: &Engine, look: Look) -> impl Fn() -> String + Send + Sync + 'static {
    let run = engine.run;
    move || {
        let capacity = run.summary.with(|s| s.capacity);
        look.glance.with(|g| capacity_text(g, capacity))
    }
}

fn domain_of(engine: &Engine) -> impl Fn() -> String + Send + Sync + 'static {
    let settings = engine.app.settings;
    move || settings.with(|s| s.domain.name.clone())
}

/// The overview of every engine.
#[component]
pub fn EnginesOverview() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let now = ticking_now(move || ws.any_running());
    let row = move |engine: Engine| {
        let look = Look::of(&engine);
        let no = engine.key();
        let anchor = format!("#{}", engine.app.id("engine"));
        let problem = {
            move || {
                look.glance
                    .with(|g| g.problem.clone())
                    .unwrap_or_else(|| "–".to_string())
            }
        };
        view! {
            <tr>
                <td class="no">{no + 1}</td>
                <td class="domain"><a href=anchor>{domain_of(&engine)}</a></td>
                <td class="phase">{phase_of(&engine, look)}</td>
                <td class="capacity">{capacity_of(&engine, look)}</td>
                <td class="next">{countdown_of(&engine, now)}</td>
                <td class="problem">{problem}</td>
            </tr>
        }
    };
    view! {
        <section class="overview" aria-label="Engines">
            <h2>"Engines"</h2>
            <div class="table-wrap">
            <table class="overview-table">
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>"Domain"</th>
                        <th>"Phase"</th>
                        <th title="Desired capacity as last looked at (or as last asked for) / running VMs">"Desired / running"</th>
                        <th>"Next step"</th>
                        <th>"Last problem"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || ws.engines.get() key=Engine::key children=row/>
                </tbody>
            </table>
            </div>
        </section>
    }
}

/// The run bar: shown while any engine runs or tears down, at the top of the window.
#[component]
pub fn RunBar() -> impl IntoView {
    let ws = expect_context::<Workspace>();
    let now = ticking_now(move || ws.any_running());
    let running = move || {
        ws.engines.with(|l| {
            l.iter()
                .filter(|e| e.run.active.get() || e.run.pursuing.get())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let item = move |engine: Engine| {
        let look = Look::of(&engine);
        let run = engine.run;
        let label = {
            let settings = engine.app.settings;
            move || format!("Stop {}", settings.with(|s| s.domain.name.clone()))
        };
        view! {
            <li class="run-bar-item">
                <span class="domain">{domain_of(&engine)}</span>
                <span class="phase">{phase_of(&engine, look)}</span>
                <span class="next">{countdown_of(&engine, now)}</span>
                <span class="capacity">{capacity_of(&engine, look)}</span>
                <button
                    type="button"
                    class="danger small"
                    aria-label=label
                    disabled=move || !run.active.get()
                    on:click=move |_| run.stop()
                >
                    "Stop"
                </button>
            </li>
        }
    };
    let stop_all = move |_| {
        let n = ws.stop_all();
        ws.shared.notify(Notice::info(format!(
            "Stop all: asked {n} running engine{} to stop; each tears down as its run options say.",
            if n == 1 { "" } else { "s" }
        )));
    };
    view! {
        <div class="run-bar" role="region" aria-label="Running engines" hidden=move || !ws.any_running()>
            <ul>
                <For each=running key=Engine::key children=item/>
            </ul>
            <button
                type="button"
                class="danger"
                disabled=move || ws.engines.with(|l| !l.iter().any(|e| e.run.active.get()))
                on:click=stop_all
            >
                "Stop all"
            </button>
        </div>
    }
}
