//! The step log at 100,000 lines in headless Chromium: only the rows in view are in the
//! page, the end is followed as lines come, until the person scrolls up (and again when
//! asked), "Search the log" finds lines among all of them and says "N of M lines", and
//! the filter by outcome still applies. A long VM list is windowed the same way.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wasm_bindgen_test::*;

#[path = "support/dom.rs"]
mod dom;
#[path = "support/run_events.rs"]
mod run_events;
#[path = "support/steplog_page.rs"]
mod steplog_page;
use steplog_page::{
    choose_filter, count_text, frames, journal_of_lines, mount_step_log, next_request, rows,
    scroller, search, until,
};

wasm_bindgen_test_configure!(run_in_browser);

const LINES: usize = 100_000;
/// At most this many rows in the page, whatever the log's length: a viewport's worth
/// and the overscan on either side.
const FEW: usize = 150;

/// One more answered request, as the engine would journal it.
fn push_next(run: phantom_de::ui::runner::RunState) {
    run.events.update(|e| {
        let next = next_request(e);
        e.push(next);
    });
}

fn follow_button(root: &web_sys::HtmlElement) -> web_sys::HtmlElement {
    use wasm_bindgen::JsCast;
    let buttons = root.query_selector_all("button").expect("query");
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|b| b.text_content().as_deref() == Some("Follow the end"))
        .expect("the Follow the end button")
}

#[wasm_bindgen_test]
async fn a_log_of_a_hundred_thousand_lines_keeps_few_rows_in_the_page_and_is_searched() {
    run_events::clear_all().await;
    let (root, run) = mount_step_log();
    run.events.set(journal_of_lines(LINES));
    assert!(
        until(60, || count_text(&root) == "100000 of 100000 lines").await,
        "{}",
        count_text(&root)
    );
    frames(2).await;
    let shown = rows(&root);
    assert!(
        !shown.is_empty() && shown.len() <= FEW,
        "{} rows in the page",
        shown.len()
    );
    // The end is followed: the last line is drawn, and in view.
    let last = shown.last().cloned().unwrap_or_default();
    assert!(last.contains("req-99997"), "{last}");
    let list = scroller(&root);
    assert!(
        f64::from(list.scroll_top() + list.client_height())
            >= f64::from(list.scroll_height()) - 2.0,
        "scrolled to the end: {} + {} of {}",
        list.scroll_top(),
        list.client_height(),
        list.scroll_height()
    );

    // One more event: appended, still followed, still few rows.
    push_next(run);
    assert!(until(10, || count_text(&root) == "100001 of 100001 lines").await);
    frames(1).await;
    let shown = rows(&root);
    assert!(shown.len() <= FEW, "{}", shown.len());
    assert!(
        shown.last().is_some_and(|l| l.contains("req-99998")),
        "{:?}",
        shown.last()
    );

    // Scrolled up to the middle: the end is no longer followed; the rows there are drawn.
    list.set_scroll_top(list.scroll_height() / 2);
    frames(2).await;
    assert_eq!(
        follow_button(&root)
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    let middle = rows(&root);
    assert!(middle.len() <= FEW, "{}", middle.len());
    assert!(
        middle.iter().any(|l| l.contains("req-50000")),
        "{:?}",
        middle.first()
    );
    let top = list.scroll_top();
    push_next(run);
    assert!(until(10, || count_text(&root) == "100002 of 100002 lines").await);
    assert_eq!(
        list.scroll_top(),
        top,
        "a new line does not move a log scrolled up"
    );
    // "Follow the end" goes back to it.
    follow_button(&root).click();
    frames(3).await;
    assert_eq!(
        follow_button(&root)
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    assert!(rows(&root).last().is_some_and(|l| l.contains("req-99999")));

    // The search looks through every line, without holding the page for all of them.
    search(&root, "REQ-77777");
    assert!(
        until(60, || count_text(&root) == "1 of 100002 lines").await,
        "{}",
        count_text(&root)
    );
    frames(1).await;
    let found = rows(&root);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("req-77777"), "{}", found[0]);
    search(&root, "req-4242");
    assert!(
        until(60, || count_text(&root) == "11 of 100002 lines").await,
        "{}",
        count_text(&root)
    );
    search(&root, "");
    assert!(until(60, || count_text(&root) == "100002 of 100002 lines").await);
    frames(1).await;
    assert!(rows(&root).len() <= FEW);

    // The filter by outcome with a search: no request was skipped.
    choose_filter(&root, "skipped");
    assert!(until(60, || count_text(&root) == "0 of 100002 lines").await);
    frames(1).await;
    assert_eq!(rows(&root).len(), 0);
    choose_filter(&root, "all");
    assert!(until(60, || count_text(&root) == "100002 of 100002 lines").await);

    // A new run replaces the log (new keys: no row of the old one stays).
    run.events.set(journal_of_lines(3));
    assert!(until(20, || count_text(&root) == "3 of 3 lines").await);
    frames(1).await;
    assert_eq!(rows(&root).len(), 3, "{:?}", rows(&root));
    root.remove();
}

fn vms(n: usize) -> Vec<phantom_de::api::Instance> {
    (0..n)
        .map(|i| phantom_de::api::Instance {
            instance_id: format!("i-{i:05}"),
            availability_zone: if i % 2 == 0 { "hotel" } else { "sierra" }.into(),
            lifecycle_state: "600-RUNNING".into(),
            health_status: "Healthy".into(),
            launch_configuration_name: "my_launch_config".into(),
        })
        .collect()
}

#[wasm_bindgen_test]
async fn a_long_vm_list_keeps_few_rows_in_the_page_and_a_short_one_all() {
    use steplog_page::mount_vm_table;
    let vm_rows = |root: &web_sys::HtmlElement| dom::texts(root, "table.vm-list tbody tr.vm-row");
    // Few: every row, no spacer (what the end-to-end tests read).
    let few = mount_vm_table(vms(4));
    frames(1).await;
    assert_eq!(dom::texts(&few, "table.vm-list tbody tr").len(), 4);
    assert_eq!(
        dom::texts(&few, "table.vm-list tbody tr td:nth-child(1)")[3],
        "i-00003"
    );
    few.remove();

    let root = mount_vm_table(vms(10_000));
    frames(2).await;
    let drawn = vm_rows(&root);
    assert!(
        !drawn.is_empty() && drawn.len() <= 80,
        "{} rows",
        drawn.len()
    );
    assert!(drawn[0].starts_with("i-00000"), "{}", drawn[0]);
    // Scrolled to the middle: the rows there, still few; their buttons name their VM.
    let scroller = root
        .query_selector(".vm-scroll")
        .expect("query")
        .expect("the scrolling list");
    scroller.set_scroll_top(scroller.scroll_height() / 2);
    frames(3).await;
    let drawn = vm_rows(&root);
    assert!(drawn.len() <= 80, "{} rows", drawn.len());
    assert!(
        drawn.iter().any(|r| r.starts_with("i-05000")),
        "{:?}",
        drawn.first()
    );
    assert!(root
        .query_selector("button[aria-label='Terminate i-05000']")
        .expect("query")
        .is_some());
    // The spacers keep the whole list's height.
    let height = f64::from(scroller.scroll_height());
    assert!(height > 10_000.0 * 30.0, "{height}");
    root.remove();
}
