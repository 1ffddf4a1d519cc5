//! The step log (or the VM table) alone on a page, for the browser tests and the
//! benchmark of long lists: mounted with the app's state and run state (so the log draws
//! from the journal signal the engine writes to), a journal of as many lines as asked,
//! and helpers to wait for frames and read the list.
#![allow(dead_code)]

use std::cell::RefCell;

use leptos::prelude::*;
use phantom_de::api::Instance;
use phantom_de::engine::journal::{Event, Outcome};
use phantom_de::ui::instances::VmTable;
use phantom_de::ui::runner::RunState;
use phantom_de::ui::state::AppState;
use phantom_de::ui::steplog::StepLog;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::dom::{choose, new_root, texts};
use super::run_events::interrupted_run;

thread_local! {
    static RUN: RefCell<Option<RunState>> = const { RefCell::new(None) };
}

/// Mounts the step log (with the state it needs) into a new `<div>`; returns it and the
/// run state whose journal it shows.
pub fn mount_step_log() -> (HtmlElement, RunState) {
    mount_with(|| view! { <StepLog/> }.into_any())
}

/// Mounts the VM table of `instances` (with the state its buttons need).
pub fn mount_vm_table(instances: Vec<Instance>) -> HtmlElement {
    mount_with(move || view! { <VmTable instances=instances/> }.into_any()).0
}

/// Mounts what `content` makes, with the app's state and run state as context, and
/// the page's stylesheet.
fn mount_with(content: impl FnOnce() -> AnyView + 'static) -> (HtmlElement, RunState) {
    let root = new_root();
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    // The page's stylesheet: the lists scroll in boxes of their own, rows of one height.
    if document
        .query_selector("style#pde-main-css")
        .ok()
        .flatten()
        .is_none()
    {
        let style = document.create_element("style").expect("style");
        style.set_id("pde-main-css");
        style.set_text_content(Some(include_str!("../../style/main.css")));
        document
            .head()
            .expect("head")
            .append_child(&style)
            .expect("append");
    }
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let app = AppState::provide();
        let run = RunState::provide(app, phantom_de::ui::runner::Tabs::open());
        RUN.with(|r| *r.borrow_mut() = Some(run));
        content()
    });
    handle.forget();
    let run = RUN.with(|r| r.borrow_mut().take()).expect("the run state");
    (root, run)
}

/// A journal of `lines` log lines (and so as many events): a start, the ramp, and
/// answered capacity requests `req-0`, `req-1`, … (their sends left out: each would
/// share its answer's line).
pub fn journal_of_lines(lines: usize) -> Vec<Event> {
    let requests = lines.saturating_sub(2) as u32;
    interrupted_run(0.0, requests)
        .into_iter()
        .filter(|e| !matches!(e, Event::RequestSent(_)))
        .collect()
}

/// The next answered request of [`journal_of_lines`] after `events` (made from the
/// last one: its cost is one event's, whatever the journal's length).
pub fn next_request(events: &[Event]) -> Event {
    let no = (events.len() - 2) as u32;
    match events.last() {
        Some(Event::RequestDone(last)) => {
            let mut next = last.clone();
            next.no = no;
            next.started_ms += 1.0;
            next.ended_ms += 1.0;
            next.outcome = Outcome::Ok {
                request_id: Some(format!("req-{no}")),
                detail: None,
            };
            Event::RequestDone(next)
        }
        _ => interrupted_run(0.0, no + 1).pop().expect("its answer"),
    }
}

/// Resolves in the next animation frame (after the frame's earlier callbacks).
pub async fn next_frame() -> f64 {
    let (tx, rx) = futures::channel::oneshot::channel::<f64>();
    let callback = Closure::once_into_js(move |time: f64| {
        let _ = tx.send(time);
    });
    web_sys::window()
        .expect("window")
        .request_animation_frame(callback.unchecked_ref())
        .expect("rAF");
    rx.await.unwrap_or(0.0)
}

/// Waits `n` animation frames and then for the tasks queued behind them.
pub async fn frames(n: usize) {
    for _ in 0..n {
        next_frame().await;
    }
    gloo_timers::future::sleep(std::time::Duration::from_millis(0)).await;
}

/// The rows of the step log in the page, as text.
pub fn rows(root: &HtmlElement) -> Vec<String> {
    texts(root, ".step-log .log-line")
}

/// Chooses the outcome filter `value`.
pub fn choose_filter(root: &HtmlElement, value: &str) {
    choose(root, "#log-filter", value);
}

/// The "N of M lines" text.
pub fn count_text(root: &HtmlElement) -> String {
    root.query_selector(".log-count")
        .ok()
        .flatten()
        .and_then(|n| n.text_content())
        .unwrap_or_default()
}

/// The list's scrolling box.
pub fn scroller(root: &HtmlElement) -> web_sys::Element {
    root.query_selector(".step-log-scroll")
        .expect("query")
        .expect("the scrolling list")
}

/// Types `text` into "Search the log" (an `input` event, as typing sends).
pub fn search(root: &HtmlElement, text: &str) {
    let input: web_sys::HtmlInputElement = root
        .query_selector("#log-search")
        .expect("query")
        .expect("the search")
        .dyn_into()
        .expect("input");
    input.set_value(text);
    let event = web_sys::Event::new("input").expect("event");
    input.dispatch_event(&event).expect("dispatch");
}

/// Waits (a frame at a time, at most `frames` frames) until `done` holds.
pub async fn until(frames_max: usize, mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..frames_max {
        if done() {
            return true;
        }
        next_frame().await;
        gloo_timers::future::sleep(std::time::Duration::from_millis(0)).await;
    }
    done()
}
