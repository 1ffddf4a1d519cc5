//! Benchmark, not a test (`scripts/bench` runs it; `scripts/test` does not: its name is
//! not `wasm_*`): the step log at 100,000 lines in headless Chromium, with the page's
//! stylesheet. Prints one `BENCH {json}` line per number; nothing fails on time.
//!
//! * rows: how many rows are in the page.
//! * append: one more event at 100,000 lines — the engine's call (pushing to the journal
//!   signal), the step log's frame (its animation-frame callback and the rendering it
//!   queues) and the whole frame until the task after it (style, layout and paint too).
//! * search and filter: typing a search, or choosing a filter, until "N of M lines" is
//!   final (the work is spread over frames, at most a few ms each).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use leptos::prelude::*;
use phantom_de::report::logbook::{LogBook, LogView};
use phantom_de::report::steplog::Filter;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[path = "support/dom.rs"]
mod dom;
#[path = "support/run_events.rs"]
mod run_events;
#[path = "support/stats.rs"]
mod stats;
#[path = "support/steplog_page.rs"]
mod steplog_page;
use stats::{median, now, p95};
use steplog_page::{
    choose_filter, count_text, frames, journal_of_lines, mount_step_log, next_frame, next_request,
    rows, search, until,
};

wasm_bindgen_test_configure!(run_in_browser);

const LINES: usize = 100_000;
const SAMPLES: usize = 60;

/// The time of the next animation frame's callbacks (as `performance.now`), requested
/// now: it runs after the callbacks requested before it.
fn frame_time() -> futures::channel::oneshot::Receiver<f64> {
    let (tx, rx) = futures::channel::oneshot::channel::<f64>();
    let callback = Closure::once_into_js(move |_: f64| {
        let _ = tx.send(now());
    });
    web_sys::window()
        .expect("window")
        .request_animation_frame(callback.unchecked_ref())
        .expect("rAF");
    rx
}

async fn until_complete(root: &web_sys::HtmlElement, expected: &str) -> (f64, usize) {
    let start = now();
    let mut frames_seen = 0;
    while count_text(root) != expected {
        next_frame().await;
        gloo_timers::future::sleep(Duration::from_millis(0)).await;
        frames_seen += 1;
        assert!(
            frames_seen < 2_000,
            "{} (expected {expected})",
            count_text(root)
        );
    }
    (now() - start, frames_seen)
}

#[wasm_bindgen_test]
async fn step_log_at_a_hundred_thousand_lines() {
    run_events::clear_all().await;
    let (root, run) = mount_step_log();
    let t = now();
    run.events.set(journal_of_lines(LINES));
    assert!(
        until(600, || count_text(&root)
            == format!("{LINES} of {LINES} lines"))
        .await
    );
    let first_ms = now() - t;
    frames(2).await;
    console_log!(
        "BENCH {{\"what\":\"rows\",\"lines\":{LINES},\"rows\":{},\"first_draw_ms\":{first_ms:.0}}}",
        rows(&root).len()
    );

    let (mut call, mut frame, mut whole) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..SAMPLES {
        next_frame().await;
        let next = run.events.with_untracked(|e| next_request(e));
        let before = frame_time();
        let t = now();
        run.events.update(|e| e.push(next));
        call.push(now() - t);
        // The page's effects run: the step log asks for its frame, then this one.
        gloo_timers::future::sleep(Duration::from_millis(0)).await;
        let after = frame_time();
        let start = before.await.unwrap_or(0.0);
        let end = after.await.unwrap_or(0.0);
        frame.push(end - start);
        gloo_timers::future::sleep(Duration::from_millis(0)).await;
        whole.push(now() - start);
        let lines = LINES + i + 1;
        assert_eq!(count_text(&root), format!("{lines} of {lines} lines"));
    }
    let lines = LINES + SAMPLES;
    console_log!(
        "BENCH {{\"what\":\"append\",\"lines\":{lines},\"rows\":{},\"call_ms_median\":{:.4},\"call_ms_p95\":{:.4},\"frame_ms_median\":{:.2},\"frame_ms_p95\":{:.2},\"whole_ms_median\":{:.2},\"whole_ms_p95\":{:.2}}}",
        rows(&root).len(),
        median(call.clone()),
        p95(call),
        median(frame.clone()),
        p95(frame),
        median(whole.clone()),
        p95(whole)
    );

    // A search typed, then cleared; a filter chosen.
    search(&root, "req-77777");
    let (ms, frames_seen) = until_complete(&root, &format!("1 of {lines} lines")).await;
    console_log!(
        "BENCH {{\"what\":\"search\",\"lines\":{lines},\"query\":\"req-77777\",\"matches\":1,\"ms\":{ms:.1},\"frames\":{frames_seen}}}"
    );
    search(&root, "");
    let (ms, frames_seen) = until_complete(&root, &format!("{lines} of {lines} lines")).await;
    console_log!(
        "BENCH {{\"what\":\"search\",\"lines\":{lines},\"query\":\"\",\"matches\":{lines},\"ms\":{ms:.1},\"frames\":{frames_seen}}}"
    );
    choose_filter(&root, "retried");
    let (ms, frames_seen) = until_complete(&root, &format!("0 of {lines} lines")).await;
    console_log!(
        "BENCH {{\"what\":\"filter\",\"lines\":{lines},\"filter\":\"retried\",\"matches\":0,\"ms\":{ms:.1},\"frames\":{frames_seen}}}"
    );

    // The pure parts alone: the book made from 100,000 events at once, and one search
    // through all of it in one go.
    let events = run.events.get_untracked();
    let t = now();
    let mut book = LogBook::new();
    book.sync(&events);
    let book_ms = now() - t;
    let t = now();
    let mut view = LogView::new(Filter::All, "req-77777");
    view.scan(&book, usize::MAX);
    let scan_ms = now() - t;
    console_log!(
        "BENCH {{\"what\":\"pure\",\"lines\":{},\"book_ms\":{book_ms:.1},\"search_scan_ms\":{scan_ms:.1}}}",
        book.len()
    );
    root.remove();
}
