//! The step log rendered from a hand-made journal (as if left by an interrupted run), in
//! headless Chromium: one line per request and ramp step, failed lines with code and
//! message, the outcome filter, and the offer to scale the domain to 0.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use phantom_de::api::ErrorClass;
use phantom_de::engine::journal::{
    AttemptRecord, ErrorInfo, Event, InstanceCount, Journal, MonitorResult, MonitorSnapshot,
    Outcome, RampStarted, RampStep, RequestDone, RequestSent, RunStarted, ScheduledStep, Stage,
    Target, JOURNAL_VERSION,
};
use phantom_de::engine::{Phase, RunOptions};
use phantom_de::ui::storage::journals;
use wasm_bindgen_test::*;

#[path = "support/dom.rs"]
mod dom;

wasm_bindgen_test_configure!(run_in_browser);

const T0: f64 = 1_767_323_045_000.0; // 2026-01-02T03:04:05Z

fn attempt(number: u32, error: Option<ErrorInfo>) -> AttemptRecord {
    AttemptRecord {
        number,
        started_ms: T0,
        duration_ms: 5.0,
        status: Some(if error.is_some() { 400 } else { 200 }),
        error,
        retry: None,
    }
}

fn throttled() -> ErrorInfo {
    ErrorInfo {
        code: Some("Throttling".into()),
        message: "Rate exceeded <b>not html</b>".into(),
        class: ErrorClass::Retryable,
        status: Some(400),
        request_id: Some("req-failed".into()),
        hint: "Wait and try again.".into(),
    }
}

fn done(
    no: u32,
    action: &str,
    target: Target,
    attempts: Vec<AttemptRecord>,
    outcome: Outcome,
) -> Event {
    Event::RequestDone(RequestDone {
        no,
        stage: Stage::LaunchConfigurations,
        action: action.into(),
        target,
        attempts,
        outcome,
        started_ms: T0 + f64::from(no),
        ended_ms: T0 + f64::from(no) + 5.0,
    })
}

fn journal() -> Journal {
    let lc = |cloud: &str| Target::LaunchConfiguration {
        name: format!("my_launch_config@{cloud}"),
        cloud: cloud.into(),
    };
    let capacity = Target::Capacity {
        domain: "my_domain".into(),
        capacity: 1,
    };
    Journal {
        events: vec![
            Event::RunStarted(RunStarted {
                version: JOURNAL_VERSION,
                at_ms: T0,
                domain: "my_domain".into(),
                launch_configurations: vec![],
                replace_existing: true,
                schedule: vec![
                    ScheduledStep {
                        index: 0,
                        phase: Phase::Ramp,
                        at_ms: 0,
                        capacity: 1,
                    },
                    ScheduledStep {
                        index: 1,
                        phase: Phase::End,
                        at_ms: 5000,
                        capacity: 0,
                    },
                ],
                delete_domain: false,
                planned_requests: 4,
                options: RunOptions::default(),
                policy: None,
            }),
            done(
                1,
                "CreateLaunchConfiguration",
                lc("hotel"),
                vec![attempt(1, Some(throttled())), attempt(2, None)],
                Outcome::Ok {
                    request_id: Some("req-retried".into()),
                    detail: None,
                },
            ),
            done(
                2,
                "CreateLaunchConfiguration",
                lc("sierra"),
                vec![
                    attempt(1, Some(throttled())),
                    attempt(2, Some(throttled())),
                    attempt(3, Some(throttled())),
                ],
                Outcome::Failed { error: throttled() },
            ),
            Event::RampStarted(RampStarted {
                at_ms: T0 + 100.0,
                domain_created: true,
            }),
            Event::RampStep(RampStep {
                index: 0,
                phase: Phase::Ramp,
                capacity: 1,
                planned_offset_ms: 0,
                actual_offset_ms: 3,
                lateness_ms: 3,
                superseded: vec![],
                at_ms: T0 + 103.0,
            }),
            Event::RequestSent(RequestSent {
                no: 3,
                stage: Stage::Ramp,
                action: "SetDesiredCapacity".into(),
                target: capacity.clone(),
                at_ms: T0 + 103.0,
            }),
            done(
                3,
                "SetDesiredCapacity",
                capacity,
                vec![attempt(1, None)],
                Outcome::Ok {
                    request_id: Some("req-ok".into()),
                    detail: None,
                },
            ),
            Event::Monitor(MonitorSnapshot {
                at_ms: T0 + 3000.0,
                offset_ms: 2900,
                result: MonitorResult::Domain {
                    desired_capacity: Some(1),
                    instances: 3,
                    counts: vec![
                        count("hotel", "400-PENDING", 1),
                        count("hotel", "600-RUNNING", 1),
                        count("us-east-1a", "InService", 1),
                    ],
                },
            }),
            Event::RequestSent(RequestSent {
                no: 4,
                stage: Stage::End,
                action: "SetDesiredCapacity".into(),
                target: Target::Capacity {
                    domain: "my_domain".into(),
                    capacity: 0,
                },
                at_ms: T0 + 5100.0,
            }),
        ],
    }
}

fn count(cloud: &str, state: &str, count: u32) -> InstanceCount {
    InstanceCount::new(cloud, state, count)
}

fn mount_app() -> web_sys::HtmlElement {
    let (root, handle) = dom::mount_app();
    handle.forget();
    root
}

fn lines(root: &web_sys::HtmlElement) -> Vec<String> {
    dom::texts(root, ".step-log .log-line")
}

async fn choose(root: &web_sys::HtmlElement, value: &str) {
    dom::choose(root, "#log-filter", value);
    gloo_timers::future::sleep(Duration::from_millis(50)).await;
}

#[wasm_bindgen_test]
async fn step_log_renders_a_stored_journal_and_filters_by_outcome() {
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("storage");
    storage
        .set_item("pde.journal", &journal().to_json().expect("json"))
        .expect("store");
    let root = mount_app();
    // The stored runs are read once the page knows which domains other tabs hold.
    for _ in 0..40 {
        if !lines(&root).is_empty() {
            break;
        }
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
    }

    let all = lines(&root);
    // Run started, 2 launch configurations, ramp started, ramp step, 1 capacity request,
    // and the final capacity sent without an answer (the page was closed).
    assert_eq!(all.len(), 7, "{all:#?}");
    assert!(
        all[6].contains("my_domain → 0") && all[6].contains("no answer recorded"),
        "{}",
        all[6]
    );
    assert!(all[0].starts_with("03:04:05.000"), "{all:#?}");
    assert!(
        all[1].contains("ok after retrying once") && all[1].contains("req-retried"),
        "{}",
        all[1]
    );
    assert!(all[2].contains("my_launch_config@sierra"), "{}", all[2]);
    assert!(
        all[2].contains("failed after retrying 2 times: Throttling: Rate exceeded <b>not html</b>"),
        "{}",
        all[2]
    );
    assert!(
        all[4].contains("Ramp step 1") && all[4].contains("late 3 ms"),
        "{}",
        all[4]
    );
    // Server text stays text.
    assert!(root.query_selector(".step-log b").expect("query").is_none());

    choose(&root, "failed").await;
    let failed = lines(&root);
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(failed[0].contains("Throttling"));
    choose(&root, "retried").await;
    assert_eq!(lines(&root).len(), 2);
    choose(&root, "ok").await;
    assert_eq!(lines(&root).len(), 2);
    choose(&root, "skipped").await;
    assert_eq!(lines(&root).len(), 0);
    choose(&root, "all").await;
    assert_eq!(lines(&root).len(), 7);

    // The domain view: the latest look, both dialects' states, and the chart's lines.
    let rows = root
        .query_selector_all(".domain-view tbody tr")
        .expect("query");
    let rows: Vec<String> = (0..rows.length())
        .filter_map(|i| rows.item(i).and_then(|n| n.text_content()))
        .collect();
    assert_eq!(
        rows,
        [
            "hotel400-PENDINGpending1",
            "hotel600-RUNNINGrunning1",
            "us-east-1aInServicerunning1"
        ]
    );
    for class in ["planned", "requested", "running"] {
        let d = root
            .query_selector(&format!(".domain-chart path.{class}"))
            .expect("query")
            .and_then(|p| p.get_attribute("d"))
            .unwrap_or_default();
        assert!(d.starts_with('M'), "{class}: {d:?}");
    }

    // The run did not end and capacity 1 was confirmed: the page offers to scale to 0.
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Interrupted"), "{text}");
    let offer = root
        .query_selector(".interrupted button")
        .expect("query")
        .expect("the offer");
    assert_eq!(
        offer.text_content().as_deref(),
        Some("Scale this domain to 0")
    );
    // The journal was moved into a run of its own when the page loaded, and, shown
    // again, into IndexedDB, whole.
    let mut stored = Vec::new();
    for _ in 0..100 {
        stored = journals::list().await.expect("list");
        if !stored.is_empty() {
            break;
        }
        gloo_timers::future::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].1.events, journal().events.len() as u64);
    let keys: Vec<String> = (0..storage.length().expect("length"))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with("pde.run"))
        .collect();
    assert!(
        keys.iter()
            .any(|k| k == &format!("pde.run.{}.recovery", stored[0].0)),
        "its recovery record is kept: {keys:?}"
    );
    for key in keys {
        storage.remove_item(&key).expect("remove");
    }
    journals::forget(&stored[0].0).await.expect("forget");
}
