//! The run history: every run this browser keeps (`ui::storage::runs`' index, pruned by
//! count and size), newest first, with its start, domain, endpoint, outcome, duration
//! and peak capacity ([`crate::report::history::history_rows`]); a past run opens
//! read-only in the step log and the live view, and an ended run can be deleted, one or
//! all. A run that has not ended is never deleted here: its record is what lets a
//! reload scale its domain down.

use leptos::prelude::*;

use crate::report::history::{history_rows, HistoryRow, RunEntry};
use crate::report::limits::{HistoryLimits, LimitField};

use super::engines::Workspace;
use super::runner::RunState;
use super::state::{AppState, Notice};
use super::storage::journals;
use super::storage::prune;
use super::storage::runs;

/// The index's entries, as stored now.
fn stored_entries() -> Vec<RunEntry> {
    runs::load_runs()
        .into_iter()
        .filter_map(|r| r.entry)
        .collect()
}

/// Deletes the stored records and journal of an ended run.
fn delete_run(run_id: &str) {
    runs::remove_run(run_id);
    journals::forget_later(run_id);
}

/// The engines a past run can open in: the page's, or the one engine of a page without
/// an engine list (the tests' pages).
#[derive(Clone, Copy)]
#[allow(clippy::large_enum_variant)] // handles only, made once per section
enum Engines {
    Page(Workspace),
    One(AppState, RunState),
}

impl Engines {
    fn all(&self) -> Vec<(AppState, RunState)> {
        match self {
            Engines::Page(ws) => ws
                .engines
                .with(|l| l.iter().map(|e| (e.app, e.run)).collect()),
            Engines::One(app, run) => vec![(*app, *run)],
        }
    }

    /// Where a run of `domain` opens: an idle engine, its own domain's first.
    fn target(&self, domain: &str) -> Option<(AppState, RunState)> {
        match self {
            Engines::Page(ws) => ws.open_target(domain).map(|e| (e.app, e.run)),
            Engines::One(app, run) => (!run.active.get_untracked()
                && !run.pursuing.get_untracked())
            .then_some((*app, *run)),
        }
    }

    fn notify(&self, notice: Notice) {
        match self {
            Engines::Page(ws) => ws.shared.notify(notice),
            Engines::One(app, _) => app.notify(notice),
        }
    }
}

fn row_view(row: HistoryRow, engines: Engines, refresh: RwSignal<u32>) -> impl IntoView {
    let who = format!("{} started {}", row.domain, row.started);
    let open_label = format!("Open {who}");
    let delete_label = format!("Delete {who}");
    let id = row.run_id.clone();
    let is_shown = move || {
        engines.all().iter().any(|(_, run)| {
            run.keeper
                .run_id
                .with(|s| s.as_deref() == Some(id.as_str()))
        })
    };
    let open_id = row.run_id.clone();
    let delete_id = row.run_id.clone();
    let deletable = row.deletable;
    let label = who.clone();
    // The engine of the page that names the run's domain now (engines are numbered by
    // position, so this is where the run would open, not a stored fact).
    let of_domain = row.domain.clone();
    let engine = move || {
        engines
            .all()
            .iter()
            .position(|(app, _)| app.settings.with(|s| s.domain.name.trim() == of_domain))
            .map_or_else(|| "–".to_string(), |i| format!("Engine {}", i + 1))
    };
    let domain = row.domain.clone();
    let open = move |_| match engines.target(&domain) {
        Some((app, run)) => run.open_stored(app, open_id.clone(), label.clone()),
        None => engines.notify(Notice::error(
            "Every engine is running: a past run opens in an engine that is not.",
        )),
    };
    view! {
        <tr class:shown=is_shown>
            <td class="started">{row.started}</td>
            <td class="engine">{engine}</td>
            <td class="domain">{row.domain}</td>
            <td class="endpoint">{row.endpoint}</td>
            <td class="outcome">{row.outcome}</td>
            <td class="duration">{row.duration}</td>
            <td class="peak">{row.peak}</td>
            <td class="buttons">
                <button
                    type="button"
                    class="secondary"
                    aria-label=open_label
                    on:click=open
                >
                    "Open"
                </button>
                <button
                    type="button"
                    class="icon danger"
                    aria-label=delete_label
                    disabled=!deletable
                    title=if deletable { "" } else { "Not ended: kept until its domain is known to be down" }
                    on:click=move |_| {
                        delete_run(&delete_id);
                        refresh.update(|n| *n += 1);
                    }
                >
                    "Delete"
                </button>
            </td>
        </tr>
    }
}

/// The Run history section.
#[component]
pub fn RunHistory() -> impl IntoView {
    let engines = match use_context::<Workspace>() {
        Some(ws) => Engines::Page(ws),
        None => Engines::One(expect_context::<AppState>(), expect_context::<RunState>()),
    };
    let refresh = RwSignal::new(0u32);
    // Listed again when the shown run's entry changes as the history shows it (it
    // starts, ends, finishes), when another run is shown, and after a deletion: never
    // per event.
    let rows = Memo::new(move |_| {
        refresh.track();
        for (_, run) in engines.all() {
            run.keeper.run_id.track();
            run.keeper.listed.track();
        }
        history_rows(&stored_entries())
    });
    let delete_all = move |_| {
        let ended: Vec<String> = rows.with_untracked(|r| {
            r.iter()
                .filter(|r| r.deletable)
                .map(|r| r.run_id.clone())
                .collect()
        });
        let n = ended.len();
        ended.iter().for_each(|id| delete_run(id));
        refresh.update(|x| *x += 1);
        engines.notify(Notice::info(format!(
            "Deleted {n} ended run{} from this browser.",
            if n == 1 { "" } else { "s" }
        )));
    };
    let any_deletable = move || rows.with(|r| r.iter().any(|r| r.deletable));
    view! {
        <section class="history" aria-label="Run history">
            <h2>"Run history"</h2>
            <Show
                when=move || rows.with(|r| !r.is_empty())
                fallback=|| view! { <p class="muted">"No runs kept in this browser yet."</p> }
            >
                <div class="table-wrap">
                <table class="history-table">
                    <thead>
                        <tr>
                            <th>"Started"</th>
                            <th title="The engine on this page that names the run's domain now">"Engine"</th>
                            <th>"Domain"</th>
                            <th>"Endpoint"</th>
                            <th>"Outcome"</th>
                            <th>"Duration"</th>
                            <th>"Peak"</th>
                            <th><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            key=|r| (r.run_id.clone(), r.outcome.clone())
                            children=move |r| row_view(r, engines, refresh)
                        />
                    </tbody>
                </table>
                </div>
                <button type="button" class="secondary danger" on:click=delete_all disabled=move || !any_deletable()>
                    "Delete all ended"
                </button>
            </Show>
            <Limits engines=engines refresh=refresh/>
        </section>
    }
}

/// How much history is kept: runs and MB of logs, set by the person. Lowered limits
/// apply at once (the oldest ended runs go); a run not ended is never let go.
#[component]
fn Limits(engines: Engines, refresh: RwSignal<u32>) -> impl IntoView {
    let saved = RwSignal::new(prune::limits());
    let runs = RwSignal::new(saved.get_untracked().runs.to_string());
    let mb = RwSignal::new(saved.get_untracked().mb.to_string());
    let problems = RwSignal::new(Vec::<(LimitField, String)>::new());
    let problem = move |field: LimitField| {
        move || problems.with(|p| p.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()))
    };
    let apply = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        match HistoryLimits::parse(&runs.get_untracked(), &mb.get_untracked()) {
            Err(found) => problems.set(found),
            Ok(limits) => {
                problems.set(Vec::new());
                if !prune::save_limits(limits) {
                    engines.notify(Notice::error(
                        "This browser does not let the page save the history's limits.",
                    ));
                    return;
                }
                saved.set(limits);
                leptos::task::spawn_local(async move {
                    let gone = prune::prune("").await.len();
                    let _ = refresh.try_update(|n| *n += 1);
                    engines.notify(Notice::info(format!(
                        "The run history keeps {}{}.",
                        limits.text(),
                        match gone {
                            0 => String::new(),
                            1 => "; 1 ended run was let go".to_string(),
                            n => format!("; {n} ended runs were let go"),
                        }
                    )));
                });
            }
        }
    };
    let field =
        move |id: &'static str, label: &'static str, value: RwSignal<String>, which: LimitField| {
            let error_id = format!("{id}-error");
            let message = problem(which);
            view! {
                <div class="field">
                    <label for=id>{label}</label>
                    <input
                        id=id
                        type="text"
                        inputmode="numeric"
                        prop:value=move || value.get()
                        aria-invalid=move || if message().is_some() { "true" } else { "false" }
                        aria-describedby=error_id.clone()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                    <p class="field-error" id=error_id>{problem(which)}</p>
                </div>
            }
        };
    view! {
        <details class="history-limits">
            <summary>{move || format!("Kept in this browser: {}; the oldest ended runs go first.", saved.get().text())}</summary>
            <form class="limits" novalidate=true on:submit=apply>
                {field("history-runs", "Runs kept at most", runs, LimitField::Runs)}
                {field("history-mb", "Logs kept at most (MB)", mb, LimitField::Mb)}
                <button type="submit" class="secondary">"Apply limits"</button>
            </form>
        </details>
    }
}
