//! The step log: the lines of [`crate::report::steplog`] with a filter by outcome, a
//! text search, "Copy" and "Download" (text and JSON, [`crate::report::export`]; the
//! HTML report, [`crate::report::html`]). Server text is always rendered as text.
//!
//! Off the engine's path: a new event only asks for a frame ([`super::frames`]); once
//! per animation frame the new events' lines are made ([`crate::report::logbook`]), the
//! search looks at its next chunk, and the rows in view are drawn, keyed by line, in a
//! list as high as all its rows. Following the end scrolls to a position computed from
//! the row height, so nothing asks the page for its layout after the list changed.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::report::export::{self, Download};
use crate::report::facts::ReportFacts;
use crate::report::html::report_download;
use crate::report::logbook::{at_end, end_scroll_top, window, Change, LineKey, LogBook, LogView};
use crate::report::steplog::{log_lines, Filter, LogLine};

use super::frames::Frames;
use super::measure::{used_height, viewport_of};
use super::runner::RunState;
use super::state::{AppState, Notice};
use super::storage;

/// Rows drawn beyond the viewport on either side (scrolling shows no blank rows).
const OVERSCAN: usize = 30;
/// A row's height until one is measured (the stylesheet's `.log-line`, at 16 px a rem).
const ROW_PX_GUESS: f64 = 25.6;
/// The viewport's height until it is measured (the stylesheet's 28 rem).
const VIEWPORT_PX_GUESS: f64 = 448.0;
/// Events a frame reads before it checks the time.
const EVENT_CHUNK: usize = 2_000;
/// Lines a frame's search looks at before it checks the time.
const SCAN_CHUNK: usize = 5_000;
/// How long a frame reads and searches before it leaves the rest to the next frame.
const SCAN_BUDGET_MS: f64 = 6.0;

/// What the windowed list shows, as of the last frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Shown {
    /// The lines of the log (the "M" of "N of M lines").
    lines: usize,
    /// The lines the filter and search admit, so far (the "N").
    matches: usize,
    /// Whether the search has looked at every line.
    complete: bool,
    /// The rows drawn, as positions in the filtered list.
    start: usize,
    end: usize,
    /// Changes whenever the rows' content may have changed.
    version: u64,
}

/// The list's measurements: read only on scroll, on resize and once for the row height,
/// never right after the list changed.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    row_px: f64,
    viewport_px: f64,
    scroll_top: f64,
    /// Whether `row_px` was read from a row (it is a guess until then).
    measured: bool,
}

/// One drawn row.
#[derive(Clone)]
struct Row {
    key: LineKey,
    line: LogLine,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The step log with its filter, search and buttons; the list is windowed: only the rows
/// in view (and [`OVERSCAN`] more) are in the page, however long the log.
#[component]
pub fn StepLog() -> impl IntoView {
    let app = expect_context::<AppState>();
    let run = expect_context::<RunState>();
    let filter = RwSignal::new(Filter::All);
    let query = RwSignal::new(String::new());
    let book = StoredValue::new_local(LogBook::new());
    let view_of = StoredValue::new_local(LogView::default());
    let shown = RwSignal::new(Shown::default());
    // Whether the book has read every event of the journal (as of the last frame).
    let caught_up = StoredValue::new(true);
    let follow = RwSignal::new(true);
    let geometry = StoredValue::new(Geometry {
        row_px: ROW_PX_GUESS,
        viewport_px: VIEWPORT_PX_GUESS,
        scroll_top: 0.0,
        measured: false,
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
    let list = NodeRef::<leptos::html::Ol>::new();

    // Places the drawn rows: the list as high as all its rows, padded down to the first
    // drawn one. Written, never read; through the CSS object model, which the page's
    // Content-Security-Policy (`style-src 'self'`) allows where a style attribute is not.
    let place = move |start: usize, total: usize| {
        let g = geometry.get_value();
        if let Some(ol) = list.get_untracked() {
            let style = web_sys::HtmlElement::style(&ol);
            let _ = style.set_property("height", &format!("{}px", total as f64 * g.row_px));
            let _ = style.set_property("padding-top", &format!("{}px", start as f64 * g.row_px));
        }
    };
    // The rows in view now, drawn when they differ from those drawn.
    let redraw = move |bump: bool| {
        let g = geometry.get_value();
        let Some(current) = shown.try_get_untracked() else {
            return;
        };
        let total = view_of.with_value(LogView::len);
        let range = window(total, g.scroll_top, g.viewport_px, g.row_px, OVERSCAN);
        let next = Shown {
            lines: book.with_value(LogBook::len),
            matches: total,
            complete: caught_up.get_value()
                && book.with_value(|b| view_of.with_value(|v| v.is_complete(b))),
            start: range.start,
            end: range.end,
            version: current.version + u64::from(bump),
        };
        place(range.start, total);
        if next != current {
            shown.set(next);
        }
    };
    // A frame's work: the new events' lines, the search's next chunk, the end followed.
    let frames = StoredValue::new_local(None::<Frames>);
    let ask = move || {
        frames.with_value(|f| {
            if let Some(f) = f {
                f.ask();
            }
        })
    };
    let frame = move || {
        let started = now_ms();
        let (mut grew, mut read_all) = (false, false);
        while !read_all {
            let Some((change, done)) = run
                .events
                .try_with_untracked(|events| {
                    book.try_update_value(|b| b.sync_some(events, EVENT_CHUNK))
                })
                .flatten()
            else {
                return;
            };
            grew |= change != Change::Unchanged;
            read_all = done;
            view_of.update_value(|v| v.apply(&change));
            if now_ms() - started > SCAN_BUDGET_MS {
                break;
            }
        }
        caught_up.set_value(read_all);
        let scanned = book.with_value(|b| {
            view_of
                .try_update_value(|v| loop {
                    if v.scan(b, SCAN_CHUNK) {
                        break true;
                    }
                    if now_ms() - started > SCAN_BUDGET_MS {
                        break false;
                    }
                })
                .unwrap_or(true)
        });
        let complete = read_all && scanned;
        // The row height, read once from a drawn row (a row whose height cannot be read,
        // in a list not displayed, keeps the guess until the next resize).
        if !geometry.get_value().measured {
            if let Some(row) = list.get_untracked().and_then(|ol| ol.first_element_child()) {
                let height = used_height(&row);
                geometry.update_value(|g| {
                    g.row_px = height.unwrap_or(g.row_px);
                    g.measured = true;
                });
            }
        }
        let total = view_of.with_value(LogView::len);
        let mut g = geometry.get_value();
        let end = end_scroll_top(total, g.row_px, g.viewport_px);
        if follow.get_untracked() {
            g.scroll_top = end;
        } else {
            g.scroll_top = g.scroll_top.min(end);
        }
        geometry.set_value(g);
        place(0, total);
        if let (true, Some(el)) = (follow.get_untracked(), scroller.get_untracked()) {
            el.set_scroll_top(end.round() as i32);
        }
        redraw(grew || !complete);
        if !complete || (!geometry.get_value().measured && total > 0) {
            ask();
        }
    };
    frames.set_value(Some(Frames::new(frame)));
    on_cleanup(move || {
        frames.with_value(|f| {
            if let Some(f) = f {
                f.close();
            }
        })
    });
    // Every new event asks for a frame; nothing is drawn on the engine's path.
    Effect::new(move |_| {
        run.events.track();
        ask();
    });
    // Another filter or search: the view starts again.
    Effect::new(move |_| {
        let f = filter.get();
        let q = query.get();
        view_of.update_value(|v| v.set(f, &q));
        ask();
    });
    // The list (re)appears: measure it and draw.
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            if let Some(viewport) = viewport_of(&el) {
                geometry.update_value(|g| g.viewport_px = viewport);
            }
            ask();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        geometry.update_value(|g| g.measured = false);
        if let Some(viewport) = scroller.get_untracked().and_then(|el| viewport_of(&el)) {
            geometry.update_value(|g| g.viewport_px = viewport);
        }
        ask();
    });
    on_cleanup(move || resize.remove());
    // Scrolling away from the end stops following it; scrolling back to it follows again.
    let on_scroll = move |_| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let scroll_top = f64::from(el.scroll_top());
        let viewport = viewport_of(&el);
        geometry.update_value(|g| {
            g.scroll_top = scroll_top;
            if let Some(viewport) = viewport {
                g.viewport_px = viewport;
            }
        });
        let g = geometry.get_value();
        let total = view_of.with_value(LogView::len);
        let here = at_end(total, g.row_px, scroll_top, g.viewport_px, g.row_px / 2.0);
        if follow.get_untracked() != here {
            follow.set(here);
        }
        redraw(false);
    };
    let follow_end = move |_| {
        follow.set(true);
        ask();
    };
    let rows = move || {
        let s = shown.get();
        book.with_value(|b| {
            view_of.with_value(|v| {
                v.rows(s.start..s.end)
                    .iter()
                    .filter_map(|&at| {
                        let at = at as usize;
                        b.line(at).map(|line| Row {
                            key: b.key(at),
                            line: line.clone(),
                        })
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let count = move || {
        let s = shown.get();
        let searching = if s.complete { "" } else { " (searching…)" };
        format!("{} of {} lines{searching}", s.matches, s.lines)
    };
    let all_lines = move || run.events.with_untracked(|e| log_lines(e));
    let copy = move |_| {
        let text = export::log_text(&all_lines());
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
    let download_text = move |_| offer(Ok(export::text_download(&all_lines())));
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
    // "Open a run": a journal file or a report this app wrote, shown read-only.
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
    let empty = move || shown.with(|s| s.lines == 0);
    // Running or finished: whenever the journal holds a run.
    let no_run = move || run.summary.with(|s| s.started_ms.is_none());
    view! {
        <section class="step-log-section" aria-label="Step log">
            <h2>"Step log"</h2>
            <div class="log-tools">
                <label>
                    "Show "
                    <select
                        id=app.id("log-filter")
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
                    "Open a run"
                </button>
                <input
                    id=app.id("open-run")
                    class="file-input"
                    type="file"
                    accept="application/json,.json,text/html,.html"
                    tabindex="-1"
                    aria-hidden="true"
                    node_ref=picker
                    on:change=open_file
                />
            </div>
            <Show when=move || !empty() fallback=|| view! { <p class="muted">"No run yet."</p> }>
                <div class="log-find">
                    <label>
                        "Search the log "
                        <input
                            id=app.id("log-search")
                            type="search"
                            autocomplete="off"
                            on:input=move |ev| query.set(event_target_value(&ev))
                        />
                    </label>
                    <span class="log-count" role="status">{count}</span>
                    <button
                        type="button"
                        class="secondary"
                        aria-pressed=move || if follow.get() { "true" } else { "false" }
                        on:click=follow_end
                    >
                        "Follow the end"
                    </button>
                </div>
                <div class="step-log-scroll" node_ref=scroller on:scroll=on_scroll>
                    <ol class="step-log" aria-live="polite" node_ref=list>
                        <For each=rows key=|row| row.key let:row>
                            <li class=format!("log-line {}", row.line.kind.class())>
                                <span class="time">{row.line.time}</span>
                                <span class="timing">{row.line.timing}</span>
                                <span class="action">{row.line.action}</span>
                                <span class="target">{row.line.target}</span>
                                <span class="outcome" title=row.line.outcome.clone()>
                                    {row.line.outcome.clone()}
                                </span>
                                <span class="request-id">{row.line.request_id}</span>
                            </li>
                        </For>
                    </ol>
                </div>
            </Show>
        </section>
    }
}
