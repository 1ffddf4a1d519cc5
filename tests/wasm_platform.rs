//! The browser primitives under the runs, in headless Chromium: Web Locks (one run per
//! domain), the cross-tab channel, per-run storage when `localStorage` is full, the old
//! single journal's migration, and the timer worker's sleeps.
//!
//! One page runs every test here, one after the other, so each test uses its own lock
//! names and clears the `pde.*` keys it writes. The timer worker (`worker/ticker.js`) is
//! served by `wasm-bindgen-test-runner` from the crate root, at the same relative URL as in
//! the release page, so the worker path itself is tested, not only its fallback.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::{join_all, select, Either};
use phantom_de::api::fetch::BrowserClock;
use phantom_de::api::ticker::{Ticker, TickerMode};
use phantom_de::api::Clock;
use phantom_de::engine::journal::Journal;
use phantom_de::report::history::{RunEntry, INDEX_KEY, LEGACY_JOURNAL_KEY};
use phantom_de::ui::channel::{self, RunAnnouncement, RunChannel, RunPhase, CHANNEL_NAME};
use phantom_de::ui::locks::{self, domain_lock_name};
use phantom_de::ui::storage::runs::{self, SaveResult};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Storage;

wasm_bindgen_test_configure!(run_in_browser);

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .expect("performance")
        .now()
}

/// The page's own timer, independent of the ticker under test.
async fn pause(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Waits until `done()` holds, up to `ms`; whether it did.
async fn eventually(ms: u32, done: impl Fn() -> bool) -> bool {
    let until = now() + f64::from(ms);
    while now() < until {
        if done() {
            return true;
        }
        pause(10).await;
    }
    done()
}

fn unique(prefix: &str) -> String {
    format!("{prefix} {}", runs::new_run_id())
}

// ---- Web Locks ----

#[wasm_bindgen_test]
async fn a_held_lock_is_refused_to_a_second_request_and_free_again_once_released() {
    let name = unique("pde.test lock");
    let first = locks::try_acquire(&name)
        .await
        .expect("locks available")
        .expect("a free lock is granted");
    assert_eq!(first.name(), name);
    let second = locks::try_acquire(&name).await.expect("locks available");
    assert!(second.is_none(), "the same lock twice in one page");
    let held = locks::held_names().await.expect("query");
    assert!(held.contains(&name), "{held:?}");

    first.release().await;
    let held = locks::held_names().await.expect("query");
    assert!(!held.contains(&name), "released: {held:?}");
    let third = locks::try_acquire(&name)
        .await
        .expect("locks available")
        .expect("granted again after release");

    // Dropping releases too, a moment later.
    drop(third);
    let mut released = false;
    for _ in 0..50 {
        if !locks::held_names().await.expect("query").contains(&name) {
            released = true;
            break;
        }
        pause(10).await;
    }
    assert!(released, "a dropped lock is released");
    let again = locks::try_acquire(&name).await.expect("locks available");
    assert!(again.is_some(), "free after drop");
}

#[wasm_bindgen_test]
async fn locks_of_different_domains_do_not_exclude_each_other() {
    let a = domain_lock_name("https://svc.example.org:8445/", &unique("a"));
    let b = domain_lock_name("https://svc.example.org:8445/", &unique("b"));
    let held_a = locks::try_acquire(&a).await.expect("locks").expect("a");
    let held_b = locks::try_acquire(&b).await.expect("locks").expect("b");
    let held = locks::held_names().await.expect("query");
    assert!(held.contains(&a) && held.contains(&b), "{held:?}");
    drop((held_a, held_b));
}

#[wasm_bindgen_test]
fn the_domain_lock_name_is_one_however_the_endpoint_is_written() {
    assert_eq!(
        domain_lock_name(" HTTPS://Svc.Example.org:443/ ", "dom"),
        "pde.domain https://svc.example.org dom"
    );
    assert_eq!(
        domain_lock_name("https://svc.example.org", "dom"),
        domain_lock_name("https://svc.example.org:443/", "dom")
    );
    assert_ne!(
        domain_lock_name("https://svc.example.org:8445", "dom"),
        domain_lock_name("https://svc.example.org:8446", "dom")
    );
}

// ---- BroadcastChannel ----

fn collecting() -> (
    Rc<RefCell<Vec<RunAnnouncement>>>,
    impl Fn(RunAnnouncement) + 'static,
) {
    let got = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&got);
    (got, move |a| sink.borrow_mut().push(a))
}

#[wasm_bindgen_test]
async fn runs_are_announced_to_other_channels_and_asks_are_answered() {
    let (got_a, on_a) = collecting();
    let (got_b, on_b) = collecting();
    let a = RunChannel::open(on_a).expect("channel a");
    let b = RunChannel::open(on_b).expect("channel b");

    // The wire format, as a tab of another version would see it.
    let raw_texts = Rc::new(RefCell::new(Vec::<String>::new()));
    let raw = web_sys::BroadcastChannel::new(CHANNEL_NAME).expect("raw channel");
    let sink = Rc::clone(&raw_texts);
    let on_raw =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(text) = e.data().as_string() {
                sink.borrow_mut().push(text);
            }
        });
    raw.set_onmessage(Some(on_raw.as_ref().unchecked_ref()));

    let run_id = runs::new_run_id();
    let running = RunAnnouncement::new(
        &run_id,
        "https://svc.example.org:8445/",
        "dom",
        1_767_323_045_000.0,
        RunPhase::Running,
    );
    assert_eq!(running.tab_id, channel::tab_id());
    assert_eq!(running.tab_id.len(), 32);
    b.post(&running).expect("post");
    assert!(
        eventually(2_000, || got_a.borrow().len() == 1).await,
        "a got {:?}",
        got_a.borrow()
    );
    assert_eq!(got_a.borrow()[0], running);
    assert!(
        got_b.borrow().is_empty(),
        "a channel never gets its own posts"
    );

    let wire: serde_json::Value = serde_json::from_str(&raw_texts.borrow()[0]).expect("JSON text");
    assert_eq!(wire["type"], "run");
    assert_eq!(wire["state"], "running");
    assert_eq!(wire["run_id"], run_id.as_str());
    assert_eq!(wire["domain"], "dom");
    assert_eq!(wire["started_ms"], 1_767_323_045_000.0);

    // A tab opened later asks, and b answers with its run.
    a.ask().expect("ask");
    assert!(
        eventually(2_000, || got_a.borrow().len() == 2).await,
        "the answer: {:?}",
        got_a.borrow()
    );
    assert_eq!(got_a.borrow()[1], running);
    let ask: serde_json::Value = serde_json::from_str(
        raw_texts
            .borrow()
            .iter()
            .find(|t| t.contains("\"ask\""))
            .expect("the ask went out"),
    )
    .expect("JSON");
    assert_eq!(ask["tab_id"], channel::tab_id().as_str());

    // Tearing down, then ended: an ended run is no longer answered for.
    let mut tearing = running.clone();
    tearing.state = RunPhase::TearingDown;
    b.post(&tearing).expect("post");
    let mut ended = running.clone();
    ended.state = RunPhase::Ended;
    b.post(&ended).expect("post");
    assert!(eventually(2_000, || got_a.borrow().len() == 4).await);
    assert_eq!(got_a.borrow()[2].state, RunPhase::TearingDown);
    assert_eq!(got_a.borrow()[3].state, RunPhase::Ended);
    assert!(raw_texts
        .borrow()
        .iter()
        .any(|t| t.contains("\"tearing-down\"")));
    a.ask().expect("ask");
    pause(200).await;
    assert_eq!(got_a.borrow().len(), 4, "no answer for an ended run");

    // Messages of another kind or version are ignored; a closed channel gets nothing.
    raw.post_message(&JsValue::from_str("{\"type\":\"future\"}"))
        .expect("post");
    raw.post_message(&JsValue::from_f64(42.0)).expect("post");
    drop(a);
    b.post(&running).expect("post");
    pause(200).await;
    assert_eq!(got_a.borrow().len(), 4);
    raw.close();
}

// ---- Per-run storage ----

fn local() -> Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage")
}

fn session() -> Storage {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .expect("sessionStorage")
}

/// Removes every `pde.*` and filler key from both storages.
fn clear_storage() {
    for storage in [local(), session()] {
        let keys: Vec<String> = (0..storage.length().expect("length"))
            .filter_map(|i| storage.key(i).ok().flatten())
            .collect();
        for key in keys {
            if key.starts_with("pde.") || key.starts_with("test.filler.") {
                storage.remove_item(&key).expect("remove");
            }
        }
    }
}

/// Fills `storage` until it refuses even one more character; the keys written.
fn fill(storage: &Storage) -> Vec<String> {
    let mut keys = Vec::new();
    let mut size: usize = 1 << 20;
    while size > 0 {
        let key = format!("test.filler.{}", keys.len());
        match storage.set_item(&key, &"x".repeat(size)) {
            Ok(()) => keys.push(key),
            Err(error) => {
                assert!(runs::is_quota(&error), "a full storage says so: {error:?}");
                size /= 2;
            }
        }
    }
    keys
}

fn unfill(storage: &Storage, keys: &[String]) {
    for key in keys {
        storage.remove_item(key).expect("remove filler");
    }
}

fn entry(run_id: &str, started_ms: f64, ended: bool) -> RunEntry {
    RunEntry {
        run_id: run_id.to_string(),
        started_ms,
        domain: "dom".to_string(),
        endpoint: "https://svc.example.org:8445/".to_string(),
        ended,
        finished: None,
    }
}

fn find<'a>(all: &'a [runs::StoredRun], id: &str) -> &'a runs::StoredRun {
    all.iter()
        .find(|r| r.run_id == id)
        .unwrap_or_else(|| panic!("run {id} in {all:?}"))
}

#[wasm_bindgen_test]
fn each_run_keeps_its_own_records_listed_oldest_first() {
    clear_storage();
    let a = runs::new_run_id();
    let b = runs::new_run_id();
    assert_ne!(a, b);
    assert_eq!(
        runs::save_recovery(&entry(&a, 1.0, false), "{\"a\":1}"),
        SaveResult::Saved { evicted: vec![] }
    );
    assert_eq!(
        runs::save_journal(&a, "{\"events\":[]}"),
        SaveResult::Saved { evicted: vec![] }
    );
    assert!(runs::save_recovery(&entry(&b, 2.0, false), "{\"b\":2}").is_durable());
    // A second tab's run does not overwrite the first's.
    assert!(runs::save_journal(&b, "{\"events\":[1]}").is_durable());

    let all = runs::load_runs();
    let ids: Vec<&str> = all.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(ids, [a.as_str(), b.as_str()]);
    assert_eq!(all[0].recovery.as_deref(), Some("{\"a\":1}"));
    assert_eq!(all[0].journal.as_deref(), Some("{\"events\":[]}"));
    assert_eq!(all[1].journal.as_deref(), Some("{\"events\":[1]}"));
    assert_eq!(all[0].entry.as_ref(), Some(&entry(&a, 1.0, false)));
    assert!(!all[0].from_session);
    assert!(local()
        .get_item(INDEX_KEY)
        .expect("read")
        .is_some_and(|t| t.contains(&a)));

    // Ended: the flag is kept with the index entry.
    assert!(runs::save_recovery(&entry(&a, 1.0, true), "{\"a\":\"ended\"}").is_durable());
    assert!(find(&runs::load_runs(), &a)
        .entry
        .as_ref()
        .is_some_and(|e| e.ended));

    runs::remove_run(&a);
    let ids: Vec<String> = runs::load_runs().into_iter().map(|r| r.run_id).collect();
    assert_eq!(ids, [b]);
    assert_eq!(runs::save_journal("Not An Id", "{}"), SaveResult::Refused);
    clear_storage();
}

#[wasm_bindgen_test]
fn the_old_single_journal_becomes_a_run_of_its_own_once() {
    clear_storage();
    let text = Journal::new().to_json().expect("json");
    local().set_item(LEGACY_JOURNAL_KEY, &text).expect("write");
    let first = runs::load_runs();
    assert_eq!(first.len(), 1, "{first:?}");
    let run = &first[0];
    assert_eq!(run.journal.as_deref(), Some(text.as_str()));
    assert_eq!(run.recovery, None);
    assert!(
        run.entry.as_ref().is_some_and(|e| e.ended),
        "an empty journal owes nothing"
    );
    assert_eq!(local().get_item(LEGACY_JOURNAL_KEY).expect("read"), None);
    // Moved, not copied: the next load finds the same run.
    let second = runs::load_runs();
    assert_eq!(second, first);

    // A journal that cannot be read is kept, and may be let go like an ended run.
    local()
        .set_item(LEGACY_JOURNAL_KEY, "not a journal")
        .expect("write");
    let third = runs::load_runs();
    assert_eq!(third.len(), 2);
    assert_eq!(third[1].journal.as_deref(), Some("not a journal"));
    assert!(third[1].entry.as_ref().is_some_and(|e| e.ended));
    clear_storage();
}

#[wasm_bindgen_test]
fn a_full_storage_keeps_the_recovery_record_and_refuses_the_journal() {
    clear_storage();
    let old = runs::new_run_id();
    let running = runs::new_run_id();
    let later = runs::new_run_id();
    assert!(runs::save_recovery(&entry(&old, 1.0, true), "{\"old\":\"ended\"}").is_durable());
    assert!(runs::save_journal(&old, &"j".repeat(100_000)).is_durable());

    // Full: the ended run's journal is let go for the new run's recovery record.
    let fillers = fill(&local());
    assert!(fillers.len() > 4, "{} fillers", fillers.len());
    console_log!("localStorage filled with {} filler keys", fillers.len());
    let result = runs::save_recovery(&entry(&running, 2.0, false), "{\"running\":true}");
    assert_eq!(
        result,
        SaveResult::Saved {
            evicted: vec![old.clone()]
        }
    );
    let all = runs::load_runs();
    assert_eq!(find(&all, &old).journal, None, "journal let go");
    assert_eq!(
        find(&all, &old).recovery.as_deref(),
        Some("{\"old\":\"ended\"}"),
        "its recovery record stays while it fits"
    );
    assert_eq!(
        find(&all, &running).recovery.as_deref(),
        Some("{\"running\":true}")
    );

    assert!(runs::save_journal(&running, "{\"events\":[0]}").is_durable());

    // Full again and nothing ended left to let go: sessionStorage keeps the record.
    let more = fill(&local());
    let record = format!("{{\"later\":\"{}\"}}", "r".repeat(2_000));
    assert_eq!(
        runs::save_recovery(&entry(&later, 3.0, false), &record),
        SaveResult::InSessionOnly
    );
    let all = runs::load_runs();
    let found = find(&all, &later);
    assert!(found.from_session);
    assert_eq!(found.recovery.as_deref(), Some(record.as_str()));
    assert_eq!(found.entry.as_ref(), Some(&entry(&later, 3.0, false)));
    assert!(
        all.iter().all(|r| r.run_id != old),
        "the ended run was let go whole first: {all:?}"
    );

    // A journal that does not fit is refused (the page keeps it in memory); a running
    // run's journal is never let go for it.
    assert_eq!(
        runs::save_journal(&later, &"j".repeat(50_000)),
        SaveResult::Refused
    );
    assert_eq!(
        find(&runs::load_runs(), &running).journal.as_deref(),
        Some("{\"events\":[0]}")
    );

    // Room again: the record goes back to localStorage and the session copy goes.
    unfill(&local(), &more);
    unfill(&local(), &fillers);
    assert!(runs::save_recovery(&entry(&later, 3.0, false), &record).is_durable());
    assert_eq!(
        session()
            .get_item(&format!("pde.run.{later}.recovery"))
            .expect("read"),
        None
    );
    let found = runs::load_runs();
    assert!(!find(&found, &later).from_session);
    clear_storage();
}

// ---- The timer worker ----

#[wasm_bindgen_test]
async fn sleeps_on_the_worker_keep_their_time() {
    let ticker = Ticker::shared();
    let mut lateness = Vec::new();
    for _ in 0..20 {
        let start = now();
        ticker.sleep(50).await;
        lateness.push(now() - start - 50.0);
    }
    assert_eq!(
        ticker.mode(),
        TickerMode::Worker,
        "worker/ticker.js is served from the crate root"
    );
    let max = lateness.iter().cloned().fold(f64::MIN, f64::max);
    let min = lateness.iter().cloned().fold(f64::MAX, f64::min);
    let total: f64 = lateness.iter().sum();
    console_log!(
        "20 × 50 ms on the worker: lateness min {min:.1} max {max:.1} total {total:.1} ms"
    );
    assert!(min > -2.0, "never early: {lateness:?}");
    assert!(max < 250.0, "{lateness:?}");
    assert!(total < 1_000.0, "{lateness:?}");
    // The engine's clock sleeps on it.
    let start = now();
    BrowserClock.sleep(30).await;
    assert!(now() - start >= 29.0);
}

#[wasm_bindgen_test]
async fn a_dropped_sleep_cancels_its_timer() {
    let ticker = Ticker::shared();
    let long = Box::pin(ticker.sleep(10_000));
    let short = Box::pin(ticker.sleep(20));
    match select(long, short).await {
        Either::Right(((), long)) => {
            assert_eq!(ticker.waiting(), 1, "the long one still waits");
            drop(long);
        }
        Either::Left(_) => panic!("10 s before 20 ms"),
    }
    assert_eq!(ticker.waiting(), 0, "dropped: cancelled");
    // The worker carries on after a cancel.
    let start = now();
    ticker.sleep(10).await;
    assert!(now() - start >= 9.0);
}

#[wasm_bindgen_test]
async fn many_concurrent_sleeps_all_wake_no_earlier_than_asked() {
    let ticker = Ticker::shared();
    let start = now();
    let woke = Rc::new(RefCell::new(Vec::new()));
    let sleeps = (0..200u64).map(|i| {
        let ms = (i * 37) % 120;
        let ticker = ticker.clone();
        let woke = Rc::clone(&woke);
        async move {
            ticker.sleep(ms).await;
            woke.borrow_mut().push((ms, now() - start));
        }
    });
    join_all(sleeps).await;
    let woke = woke.borrow();
    assert_eq!(woke.len(), 200);
    let worst = woke
        .iter()
        .map(|(ms, at)| at - *ms as f64)
        .fold(f64::MIN, f64::max);
    console_log!("200 concurrent sleeps: latest wake {worst:.1} ms after its time");
    assert!(
        woke.iter().all(|(ms, at)| *at >= *ms as f64 - 1.0),
        "{woke:?}"
    );
    assert!(worst < 500.0);
    assert_eq!(ticker.waiting(), 0);
}

#[wasm_bindgen_test]
async fn without_its_worker_the_ticker_falls_back_to_page_timers() {
    let ticker = Ticker::start("worker/missing.js");
    // Chromium reports a missing worker script later, with an `error` event: the sleep
    // below starts on the worker and finishes on the page's timers.
    assert_eq!(ticker.mode(), TickerMode::Worker);
    // Waiting on the worker when its script turns out missing: finishes on page timers.
    let start = now();
    ticker.sleep(200).await;
    let took = now() - start;
    console_log!("a sleep of 200 ms across the worker's failure took {took:.1} ms");
    assert!(took >= 199.0, "{took}");
    assert!(took < 1_000.0, "{took}");
    assert_eq!(ticker.mode(), TickerMode::PageTimers);
    let start = now();
    ticker.sleep(30).await;
    assert!(now() - start >= 29.0);
    assert_eq!(ticker.waiting(), 0);
}

/// The Schedule windows policy's clock: a zone's offset from the browser's own zone data
/// (`Intl.DateTimeFormat`), summer and winter, and an unknown zone refused.
#[wasm_bindgen_test]
fn a_zone_offset_comes_from_the_browser() {
    use phantom_de::ui::runner::policy_host::zone_offset_minutes;
    let january = 1_768_478_400_000.0; // 2026-01-15T12:00:00Z
    let july = 1_784_116_800_000.0; // 2026-07-15T12:00:00Z
    assert_eq!(zone_offset_minutes("UTC", january), Some(0));
    assert_eq!(zone_offset_minutes("Europe/Paris", january), Some(60));
    assert_eq!(zone_offset_minutes("Europe/Paris", july), Some(120));
    assert_eq!(zone_offset_minutes("America/New_York", july), Some(-240));
    assert_eq!(zone_offset_minutes("Asia/Kolkata", january), Some(330));
    assert_eq!(zone_offset_minutes("Not/A_Zone", january), None);
}
