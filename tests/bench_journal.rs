//! Benchmark, not a test (`scripts/bench` runs it; `scripts/test` does not: its name is
//! not `wasm_*`): the cost of keeping one more event when the run's journal already has
//! 1,000, 10,000 or 100,000, and the time a reload takes to read back a journal of
//! 100,000 events. Prints one `BENCH {json}` line per number; nothing fails on time.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use leptos::prelude::GetUntracked;
use phantom_de::engine::journal::{Event, JournalSummary};
use phantom_de::engine::RecoveryRecord;
use phantom_de::ui::runner::{found_at_load, Keeper};
use phantom_de::ui::storage::{idb, journals, runs};
use wasm_bindgen_test::*;

#[path = "support/run_events.rs"]
mod run_events;
use run_events::{clear_all, interrupted_run};
#[path = "support/stats.rs"]
mod stats;
use stats::{median, now, p95};

wasm_bindgen_test_configure!(run_in_browser);

const ENDPOINT: &str = "https://svc.example.org:8445/";
/// Single-event appends measured at each size.
const SAMPLES: usize = 200;

async fn idle(keeper: &Keeper, events: usize) {
    while !(keeper.is_idle() && keeper.stored().events == events as u64) {
        gloo_timers::future::sleep(Duration::from_millis(1)).await;
    }
}

#[wasm_bindgen_test]
async fn journal_append_and_reload() {
    clear_all().await;
    for size in [1_000usize, 10_000, 100_000] {
        let events: Vec<Event> = interrupted_run(0.0, ((size + SAMPLES) / 2) as u32);
        let id = runs::new_run_id();
        let keeper = Keeper::new();
        let record = RecoveryRecord::of(&JournalSummary::of(&events[..1]), &id, ENDPOINT, 0.0)
            .expect("record");
        keeper.begin(&id, ENDPOINT, record);
        // One summary for the whole bench: what is measured is keeping, not summing up.
        let summary = JournalSummary::of(&events[..1]);
        // Filled in batches of 1,000, as a busy page would hand them over.
        let mut end = 0;
        while end < size {
            end = (end + 1_000).min(size);
            keeper.keep(&events[..end], &summary);
            idle(&keeper, end).await;
        }
        let (mut call, mut commit) = (Vec::new(), Vec::new());
        for i in 0..SAMPLES {
            let t = now();
            keeper.keep(&events[..size + i + 1], &summary);
            call.push(now() - t);
            idle(&keeper, size + i + 1).await;
            commit.push(now() - t);
        }
        assert_eq!(keeper.warning.get_untracked(), None);
        console_log!(
            "BENCH {{\"what\":\"append\",\"events\":{size},\"call_ms_median\":{:.4},\"call_ms_p95\":{:.4},\"commit_ms_median\":{:.3},\"commit_ms_p95\":{:.3}}}",
            median(call.clone()),
            p95(call),
            median(commit.clone()),
            p95(commit)
        );
        if size == 100_000 {
            idb::close();
            let t = now();
            let texts = journals::read(&id).await.expect("read").expect("stored");
            let read_ms = now() - t;
            drop(texts);
            idb::close();
            let t = now();
            let found = found_at_load(&[], "my_domain").await.expect("the run");
            let ms = now() - t;
            assert_eq!(found.events.len(), size + SAMPLES);
            console_log!(
                "BENCH {{\"what\":\"reload\",\"events\":{},\"ms\":{ms:.0},\"read_ms\":{read_ms:.0}}}",
                found.events.len()
            );
        }
        clear_all().await;
    }
}
