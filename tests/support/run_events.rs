//! A run's journal made by hand for the browser storage tests and the step log's: a
//! start, the ramp, and as many capacity requests (sent and done) as asked, not ended,
//! so its record needs attention; and how to clear what the browser tests store.
#![allow(dead_code)]

use phantom_de::engine::journal::{
    AttemptRecord, Event, Outcome, RampStarted, RequestDone, RequestSent, RunStarted,
    ScheduledStep, Stage, Target, JOURNAL_VERSION,
};
use phantom_de::engine::{Phase, RunOptions};

pub const T0: f64 = 1_767_323_045_000.0; // 2026-01-02T03:04:05Z

/// A run started at `T0 + start`, then `requests` capacity requests of 1 VM.
pub fn interrupted_run(start: f64, requests: u32) -> Vec<Event> {
    let capacity = Target::Capacity {
        domain: "my_domain".into(),
        capacity: 1,
    };
    let mut events = vec![
        Event::RunStarted(RunStarted {
            version: JOURNAL_VERSION,
            at_ms: T0 + start,
            domain: "my_domain".into(),
            launch_configurations: vec![],
            replace_existing: true,
            schedule: vec![ScheduledStep {
                index: 0,
                phase: Phase::Ramp,
                at_ms: 0,
                capacity: 1,
            }],
            delete_domain: false,
            planned_requests: requests as usize,
            options: RunOptions::default(),
            policy: None,
        }),
        Event::RampStarted(RampStarted {
            at_ms: T0 + start + 100.0,
            domain_created: true,
        }),
    ];
    for no in 0..requests {
        let at_ms = T0 + start + 200.0 + f64::from(no);
        events.push(Event::RequestSent(RequestSent {
            no,
            stage: Stage::Ramp,
            action: "SetDesiredCapacity".into(),
            target: capacity.clone(),
            at_ms,
        }));
        events.push(Event::RequestDone(RequestDone {
            no,
            stage: Stage::Ramp,
            action: "SetDesiredCapacity".into(),
            target: capacity.clone(),
            attempts: vec![AttemptRecord {
                number: 1,
                started_ms: at_ms,
                duration_ms: 5.0,
                status: Some(200),
                error: None,
                retry: None,
            }],
            outcome: Outcome::Ok {
                request_id: Some(format!("req-{no}")),
                detail: None,
            },
            started_ms: at_ms,
            ended_ms: at_ms + 5.0,
        }));
    }
    events
}

/// Removes every `pde.*` key of both storages and every journal in IndexedDB.
#[cfg(target_arch = "wasm32")]
pub async fn clear_all() {
    let window = web_sys::window().expect("window");
    for storage in [
        window.local_storage().ok().flatten(),
        window.session_storage().ok().flatten(),
    ]
    .into_iter()
    .flatten()
    {
        let keys: Vec<String> = (0..storage.length().unwrap_or(0))
            .filter_map(|i| storage.key(i).ok().flatten())
            .collect();
        for key in keys.iter().filter(|k| k.starts_with("pde.")) {
            let _ = storage.remove_item(key);
        }
    }
    let stored = phantom_de::ui::storage::journals::list()
        .await
        .unwrap_or_default();
    for (id, _) in stored {
        phantom_de::ui::storage::journals::forget(&id)
            .await
            .expect("forget");
    }
}
