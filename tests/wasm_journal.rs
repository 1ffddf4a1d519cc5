//! The run journal in IndexedDB, in headless Chromium: appended in batches and read back
//! in order, recovered whole by a reload of an interrupted run, the journals of earlier
//! versions (in `localStorage`) still loaded and moved, the history pruned by count and
//! size without touching unended runs, and a refused store warned about while the run
//! goes on in memory.
//!
//! One page runs every test here, and `wasm-bindgen-test` runs async tests side by
//! side: each takes [`TURN`] first, then clears the `pde.*` keys and every stored
//! journal.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use leptos::prelude::GetUntracked;

use phantom_de::engine::journal::{Event, Journal, JournalSummary};
use phantom_de::engine::RecoveryRecord;
use phantom_de::report::history::{part_key, RunEntry, RunPart, MAX_RUNS};
use phantom_de::ui::runner::{found_at_load, Keeper};
use phantom_de::ui::storage::appender::{Appender, Status};
use phantom_de::ui::storage::journals::{self, Batch, JournalMeta};
use phantom_de::ui::storage::runs;
use phantom_de::ui::storage::{idb, prune::prune};
use wasm_bindgen_test::*;

#[path = "support/run_events.rs"]
mod run_events;
use run_events::{clear_all, interrupted_run};

wasm_bindgen_test_configure!(run_in_browser);

/// One test at a time: they share the page's storage.
static TURN: futures::lock::Mutex<()> = futures::lock::Mutex::new(());

const ENDPOINT: &str = "https://svc.example.org:8445/";

fn now() -> f64 {
    js_sys::Date::now()
}

async fn pause(ms: u64) {
    gloo_timers::future::sleep(Duration::from_millis(ms)).await;
}

/// Waits until `done()` holds, up to 10 s.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..1000 {
        if done() {
            return;
        }
        pause(10).await;
    }
    panic!("timed out waiting for {what}");
}

fn texts(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| serde_json::to_string(e).expect("json"))
        .collect()
}

fn local() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage")
}

/// Keeps `events` as the page does, one batch per slice end in `ends`.
fn keep_in_batches(keeper: &Keeper, events: &[Event], ends: &[usize]) {
    for &end in ends {
        let part = &events[..end];
        keeper.keep(part, &JournalSummary::of(part));
    }
}

fn first_record(run_id: &str, events: &[Event]) -> RecoveryRecord {
    RecoveryRecord::of(&JournalSummary::of(&events[..1]), run_id, ENDPOINT, now())
        .expect("a record from RunStarted")
}

#[wasm_bindgen_test]
async fn appends_in_batches_and_reads_back_in_order() {
    let _turn = TURN.lock().await;
    clear_all().await;
    let id = runs::new_run_id();
    let events = interrupted_run(0.0, 200);
    let heard = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let log = heard.clone();
    let appender = Appender::new(move |_, status| log.borrow_mut().push(status));
    appender.start(Some(&id), JournalMeta::default());
    // Growing slices, without waiting: each call queues only what is new.
    for end in [1, 2, 50, 51, 300, events.len()] {
        appender.append(&events[..end]);
    }
    until("all stored", || {
        appender.is_idle() && appender.stored().events == events.len() as u64
    })
    .await;
    let stored = journals::read(&id).await.expect("read").expect("a journal");
    assert_eq!(stored, texts(&events));
    let listed = journals::list().await.expect("list");
    let meta = listed.iter().find(|(i, _)| *i == id).expect("listed").1;
    assert_eq!(meta.events, events.len() as u64);
    assert_eq!(
        meta.chars,
        texts(&events)
            .iter()
            .map(|t| journals::js_chars(t))
            .sum::<u64>()
    );
    // Fewer transactions than calls: batches merge while one is being written.
    let commits = heard.borrow().len();
    assert!((1..=6).contains(&commits), "{commits} commits");
    assert!(heard
        .borrow()
        .iter()
        .all(|s| matches!(s, Status::Stored { .. })));

    // Appending the same journal again writes nothing.
    appender.append(&events);
    assert!(appender.is_idle());
    // Resumed (the same run taken on again): it goes on from what is committed.
    appender.start(Some(&id), JournalMeta::default());
    assert_eq!(appender.stored().events, events.len() as u64);
    appender.append(&events);
    assert!(appender.is_idle(), "nothing new to write");
    clear_all().await;
}

#[wasm_bindgen_test]
async fn a_reload_recovers_every_event_of_an_interrupted_run() {
    let _turn = TURN.lock().await;
    clear_all().await;
    let id = runs::new_run_id();
    let events = interrupted_run(0.0, 2_500);
    let keeper = Keeper::new();
    keeper.begin(&id, ENDPOINT, first_record(&id, &events));
    let t = now();
    keep_in_batches(&keeper, &events, &[1, 10, 1_000, 3_000, events.len()]);
    console_log!(
        "{} events kept in 5 batches: {:.1} ms on the caller's path",
        events.len(),
        now() - t
    );
    until("all stored", || {
        keeper.is_idle() && keeper.stored().events == events.len() as u64
    })
    .await;
    assert_eq!(keeper.warning.get_untracked(), None);

    // The reload: a new connection, and the page's reading of storage.
    idb::close();
    let t = now();
    let found = found_at_load(&[], "my_domain").await.expect("the run");
    console_log!(
        "reload recovery of {} events: {:.0} ms",
        events.len(),
        now() - t
    );
    assert_eq!(found.run_id, id);
    assert_eq!(found.problem, None);
    assert_eq!(found.events, events);
    assert_eq!(found.stored.events, events.len() as u64);
    assert!(found
        .record
        .as_ref()
        .is_some_and(RecoveryRecord::needs_attention));
    // Another tab drives its domain: not shown here.
    let held = phantom_de::ui::locks::domain_lock_name(ENDPOINT, "my_domain");
    assert!(found_at_load(&[held], "my_domain").await.is_none());
    // Another engine of the page, on another domain, does not take it.
    assert!(found_at_load(&[], "another_domain").await.is_none());
    clear_all().await;
}

#[wasm_bindgen_test]
async fn an_old_local_storage_journal_still_loads_and_moves_to_indexeddb() {
    let _turn = TURN.lock().await;
    clear_all().await;
    let id = runs::new_run_id();
    let events = interrupted_run(0.0, 20);
    let record = first_record(&id, &events);
    let entry = RunEntry {
        run_id: id.clone(),
        started_ms: record.started_ms,
        domain: record.domain.clone(),
        endpoint: ENDPOINT.into(),
        ended: false,
        finished: None,
    };
    assert!(runs::save_recovery(&entry, &record.to_json().expect("json")).is_durable());
    let text = Journal {
        events: events.clone(),
    }
    .to_json()
    .expect("json");
    assert!(runs::save_journal(&id, &text).is_durable());

    let found = found_at_load(&[], "my_domain").await.expect("the run");
    assert_eq!(found.events, events);
    assert_eq!(
        found.stored,
        JournalMeta::default(),
        "nothing in IndexedDB yet"
    );

    // Shown again and kept: written to IndexedDB whole, and the old key goes.
    let keeper = Keeper::new();
    keeper.adopt(&id, ENDPOINT, found.record.clone(), found.stored);
    keeper.keep(&found.events, &JournalSummary::of(&found.events));
    until("moved", || keeper.stored().events == events.len() as u64).await;
    let key = part_key(&id, RunPart::Journal);
    until("the old key removed", || {
        local().get_item(&key).ok().flatten().is_none()
    })
    .await;
    idb::close();
    let again = found_at_load(&[], "my_domain").await.expect("the run");
    assert_eq!(again.events, events);
    assert_eq!(again.stored.events, events.len() as u64);
    clear_all().await;
}

fn entry(run_id: &str, started_ms: f64, ended: bool) -> RunEntry {
    RunEntry {
        run_id: run_id.to_string(),
        started_ms,
        domain: "dom".into(),
        endpoint: ENDPOINT.into(),
        ended,
        finished: None,
    }
}

/// A run in the index with a stored journal of one event that counts `chars`.
async fn stored_run(started_ms: f64, ended: bool, chars: u64) -> String {
    let id = runs::new_run_id();
    assert!(runs::save_recovery(&entry(&id, started_ms, ended), "{}").is_durable());
    let events = ["{}".to_string()];
    journals::append(Batch {
        run_id: &id,
        first: 0,
        events: &events,
        after: JournalMeta { events: 1, chars },
    })
    .await
    .expect("append");
    id
}

async fn stored_ids() -> Vec<String> {
    let mut ids: Vec<String> = journals::list()
        .await
        .expect("list")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    ids.sort();
    ids
}

#[wasm_bindgen_test]
async fn pruning_by_count_and_size_keeps_unended_runs() {
    let _turn = TURN.lock().await;
    clear_all().await;
    // By size: 3 × 30 Mi characters is over the 64 Mi bound; the oldest ended run goes,
    // never the older unended one.
    let big = 30 * 1024 * 1024;
    let unended = stored_run(1.0, false, big).await;
    let old = stored_run(2.0, true, big).await;
    let newer = stored_run(3.0, true, big).await;
    assert_eq!(prune("").await, vec![old.clone()]);
    let mut left = vec![unended.clone(), newer.clone()];
    left.sort();
    assert_eq!(stored_ids().await, left);
    let ids: Vec<String> = runs::load_runs().into_iter().map(|r| r.run_id).collect();
    assert!(!ids.contains(&old), "its records went too: {ids:?}");
    // The run being kept is never let go, even over the bound.
    let huge = stored_run(4.0, true, 2 * big).await;
    assert_eq!(prune(&huge).await, vec![newer]);
    clear_all().await;

    // By count: MAX_RUNS + 2 runs, the oldest unended: the two oldest ended runs go.
    let unended = stored_run(0.0, false, 10).await;
    let mut ended = Vec::new();
    for i in 0..=MAX_RUNS {
        ended.push(stored_run(1.0 + i as f64, true, 10).await);
    }
    // localStorage's own bound (MAX_RUNS) let the oldest ended run go already, with its
    // journal; pruning keeps IndexedDB's count within it as well.
    let chosen = prune("").await;
    let ids = stored_ids().await;
    assert!(ids.contains(&unended));
    assert!(!ids.contains(&ended[0]), "{chosen:?}");
    assert!(ids.len() <= MAX_RUNS, "{} journals", ids.len());
    clear_all().await;
}

/// Makes every IndexedDB `put` throw `QuotaExceededError` until [`allow_puts`].
fn refuse_puts() {
    js_sys::eval(
        "IDBObjectStore.prototype.__put = IDBObjectStore.prototype.put;\
         IDBObjectStore.prototype.put = function () { throw new DOMException('full', 'QuotaExceededError'); };",
    )
    .expect("override put");
}

fn allow_puts() {
    js_sys::eval("IDBObjectStore.prototype.put = IDBObjectStore.prototype.__put;")
        .expect("restore put");
}

#[wasm_bindgen_test]
async fn a_refused_store_warns_and_the_run_goes_on() {
    let _turn = TURN.lock().await;
    clear_all().await;
    // An ended run's journal is let go first, to make room.
    let old = stored_run(1.0, true, 10).await;
    let id = runs::new_run_id();
    let events = interrupted_run(10.0, 50);
    let keeper = Keeper::new();
    keeper.begin(&id, ENDPOINT, first_record(&id, &events));
    refuse_puts();
    keep_in_batches(&keeper, &events, &[5, 20]);
    until("the warning", || keeper.warning.get_untracked().is_some()).await;
    until("idle", || keeper.is_idle()).await;
    let warning = keeper.warning.get_untracked().unwrap_or_default();
    assert!(warning.contains("in memory only"), "{warning}");
    assert!(
        !stored_ids().await.contains(&old),
        "the ended run was let go"
    );
    // The run goes on: later events are taken without a panic and without writing.
    keep_in_batches(&keeper, &events, &[40, events.len()]);
    assert!(keeper.is_idle());
    allow_puts();
    assert_eq!(keeper.stored().events, 0);
    // The recovery record, in localStorage, was written all along.
    let record = local()
        .get_item(&part_key(&id, RunPart::Recovery))
        .expect("read")
        .expect("the record");
    assert!(RecoveryRecord::from_json(&record).is_ok_and(|r| r.needs_attention()));
    // A new run tries again.
    let next = runs::new_run_id();
    keeper.begin(&next, ENDPOINT, first_record(&next, &events));
    keep_in_batches(&keeper, &events, &[events.len()]);
    until("stored", || keeper.stored().events == events.len() as u64).await;
    clear_all().await;
}
