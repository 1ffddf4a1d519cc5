//! The step log: the lines of [`crate::report::steplog`] with a filter by outcome,
//! "Copy" and "Download" (text and JSON, [`crate::report::export`]; the HTML report,
//! [`crate::report::html`]). Server text is always rendered as text.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::report::export::{self, Download};
use crate::report::facts::ReportFacts;
use crate::report::html::report_download;
use crate::report::steplog::{log_lines, Filter};

use super::runner::RunState;
use super::state::{AppState, Notice};
use super::storage;

/// The step log with its filter and buttons.
#[component]
pub fn StepLog() -> impl IntoView {
    let app = expect_context::<AppState>();
    let run = expect_context::<RunState>();
    let filter = RwSignal::new(Filter::All);
    let lines = Memo::new(move |_| run.events.with(|e| log_lines(e)));
    let shown = move || {
        let f = filter.get();
        lines.with(|all| {
            all.iter()
                .filter(|l| f.admits(l))
                .map(|l| {
                    let class = format!("log-line {}", l.kind.class());
                    view! {
                        <li class=class>
                            <span class="time">{l.time.clone()}</span>
                            <span class="timing">{l.timing.clone()}</span>
                            <span class="action">{l.action.clone()}</span>
                            <span class="target">{l.target.clone()}</span>
                            <span class="outcome">{l.outcome.clone()}</span>
                            <span class="request-id">{l.request_id.clone()}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let copy = move |_| {
        let text = lines.with_untracked(|l| export::log_text(l));
        spawn_local(async move {
            let notice = match storage::copy_text(&text).await {
                Ok(()) => Notice::info("The step log is on the clipboard."),
                Err(e) => Notice::error(format!("The step log was not copied: {e}.")),
            };
            app.notice.try_set(Some(notice));
        });
    };
    let offer = move |download: Result<Download, String>| {
        let result = download.and_then(|d| storage::download_text(&d.file_name, d.mime, &d.text));
        if let Err(e) = result {
            app.notice
                .set(Some(Notice::error(format!("No download: {e}."))));
        }
    };
    let download_text = move |_| offer(Ok(lines.with_untracked(|l| export::text_download(l))));
    let download_json = move |_| {
        offer(
            run.events
                .with_untracked(|e| export::journal_download(e))
                .map_err(|e| e.to_string()),
        )
    };
    // The report's facts come from the settings (which hold no secret), its endpoint
    // from the run itself when the page knows it (the settings may have changed since).
    let download_report = move |_| {
        let endpoint = match run.keeper.endpoint.get_untracked() {
            e if e.is_empty() => app.settings.with_untracked(|s| s.endpoint.url.clone()),
            e => e,
        };
        let facts = app
            .settings
            .with_untracked(|s| ReportFacts::of(s, &endpoint, js_sys::Date::now()));
        offer(Ok(run
            .events
            .with_untracked(|e| report_download(e, &facts))))
    };
    // "Open a journal": a journal file, shown read-only. Not yet issue 14's "Open a run":
    // while the page has one Run button, a button whose name contains "run" would make
    // every page-wide lookup of the Run button ambiguous; the label comes with the
    // engines' own sections.
    let picker = NodeRef::<leptos::html::Input>::new();
    let choose_file = move |_| {
        if let Some(input) = picker.get_untracked() {
            input.click();
        }
    };
    let open_file = move |ev: web_sys::Event| {
        let Some(file) = storage::chosen_file(&ev) else {
            return;
        };
        let name = file.name();
        spawn_local(async move {
            match storage::read_journal_file(file).await {
                Ok(journal) => run.open(app, journal, name),
                Err(e) => app.notify(Notice::error(format!("Not opened: {e}."))),
            }
        });
    };
    let empty = move || lines.with(Vec::is_empty);
    // Running or finished: whenever the journal holds a run.
    let no_run = move || run.summary.with(|s| s.started_ms.is_none());
    // The list follows new lines while it is scrolled to its end.
    let list = NodeRef::<leptos::html::Ol>::new();
    let follow = RwSignal::new(true);
    Effect::new(move |_| {
        lines.track();
        filter.track();
        if let (true, Some(el)) = (follow.get_untracked(), list.get()) {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = list.get_untracked() {
            follow.set(el.scroll_height() - el.scroll_top() - el.client_height() < 24);
        }
    };
    view! {
        <section class="step-log-section" aria-label="Step log">
            <h2>"Step log"</h2>
            <div class="log-tools">
                <label>
                    "Show "
                    <select
                        id="log-filter"
                        on:change=move |ev| filter.set(Filter::parse(&event_target_value(&ev)))
                    >
                        {Filter::ALL
                            .iter()
                            .map(|(_, value, label)| view! { <option value=*value>{*label}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button type="button" class="secondary" on:click=copy disabled=empty>
                    "Copy"
                </button>
                <button type="button" class="secondary" on:click=download_text disabled=empty>
                    "Download text"
                </button>
                <button type="button" class="secondary" on:click=download_json disabled=empty>
                    "Download JSON"
                </button>
                <button type="button" class="secondary" on:click=download_report disabled=no_run>
                    "Download report"
                </button>
                <button
                    type="button"
                    class="secondary"
                    on:click=choose_file
                    disabled=move || run.active.get() || run.pursuing.get()
                >
                    "Open a journal"
                </button>
                <input
                    id="open-run"
                    class="file-input"
                    type="file"
                    accept="application/json,.json"
                    tabindex="-1"
                    aria-hidden="true"
                    node_ref=picker
                    on:change=open_file
                />
            </div>
            <Show when=move || !empty() fallback=|| view! { <p class="muted">"No run yet."</p> }>
                <ol class="step-log" aria-live="polite" node_ref=list on:scroll=on_scroll>
                    {shown}
                </ol>
            </Show>
        </section>
    }
}
