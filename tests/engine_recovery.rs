//! The recovery record (`engine::recovery`) of real journals: the tutorial's run
//! against a scripted Phantom, stopped, cut mid-teardown or mid-ramp. It stays under
//! 1 KB, reads back, needs attention exactly when VMs may be left running, and keeps
//! neither the secret nor any credential of the endpoint URL.

#[path = "support/query.rs"]
mod query;
#[path = "support/scripted_phantom.rs"]
mod scripted_phantom;
#[path = "support/virtual_time.rs"]
mod virtual_time;

use std::rc::Rc;

use phantom_de::engine::journal::{Event, JournalSummary, RequestSent, Stage, Target};
use phantom_de::engine::recovery::{endpoint_for_record, RecoveryRecord, RECOVERY_MAX_BYTES};
use phantom_de::engine::run::{run, RunControls};
use phantom_de::engine::{CapacityState, Plan, RunOptions};
use scripted_phantom::{client, error, tutorial_settings, Answer, Server, SECRET};
use virtual_time::{Sim, VirtualClock, EPOCH_MS};

const ENDPOINT: &str = "https://svc.example.org:8445";

/// The tutorial's run against a fresh server, the teardown's SetDesiredCapacity 0
/// refused `refusals` times with `message`, stopped at `stop_at` (if any).
fn tutorial(stop_at: Option<u64>, refusals: usize, message: &str) -> Vec<Event> {
    let clock = VirtualClock::new();
    let server = Server::new(clock.clone());
    server.script(
        "SetDesiredCapacity:0",
        vec![error(400, "ValidationError", message); refusals],
    );
    run_against(&server, stop_at)
}

/// The tutorial's run against `server` (monitor off), stopped at `stop_at` (if any).
fn run_against(server: &Rc<Server>, stop_at: Option<u64>) -> Vec<Event> {
    let settings = tutorial_settings();
    let plan = Plan::from_settings(&settings).expect("valid");
    let client = client(&settings, server);
    let controls = RunControls::new();
    let mut sim = Sim::new(server.clock.clone());
    if let Some(at) = stop_at {
        let stop = controls.stop.clone();
        sim.at(at, move || {
            stop.stop();
        });
    }
    sim.run(async move {
        let mut events = Vec::new();
        let options = RunOptions {
            monitor_interval_ms: 0,
            ..RunOptions::default()
        };
        run(&client, &plan, &options, &controls, &mut |e| {
            events.push(e.clone())
        })
        .await;
        events
    })
}

/// The journal up to and including its first event `is`.
fn cut_at(events: &[Event], is: impl Fn(&Event) -> bool) -> Vec<Event> {
    let i = events.iter().position(is).expect("found");
    events[..=i].to_vec()
}

fn record(events: &[Event]) -> RecoveryRecord {
    RecoveryRecord::of(
        &JournalSummary::of(events),
        "run-2026-01-02T03:04:05Z",
        ENDPOINT,
        EPOCH_MS + 20_000.0,
    )
    .expect("a run")
}

#[test]
fn a_record_cut_mid_teardown_stays_under_1_kb_and_reads_back() {
    let events = tutorial(
        Some(15_000),
        3,
        "DesiredCapacity 0 is below the domain's MinSize 1",
    );
    let cut = cut_at(&events, |e| matches!(e, Event::TeardownRetry(_)));
    let record = record(&cut);
    assert_eq!(
        (
            record.domain.as_str(),
            record.endpoint.as_str(),
            record.started_ms
        ),
        ("my_domain", ENDPOINT, EPOCH_MS)
    );
    assert_eq!(record.capacity, CapacityState::Unconfirmed { capacity: 0 });
    let pending = record.pending_teardown.as_ref().expect("pending");
    assert_eq!(pending.attempts, 1);
    assert!(!record.ended);
    assert!(record.needs_attention());
    let json = record.to_json().expect("json");
    assert!(
        json.len() < RECOVERY_MAX_BYTES,
        "{} bytes: {json}",
        json.len()
    );
    assert_eq!(
        RecoveryRecord::from_json(&json).expect("reads back"),
        record
    );
    assert!(RecoveryRecord::from_json("{}").is_err());
}

#[test]
fn a_long_server_message_is_cut_so_the_record_stays_small() {
    let message = "x".repeat(5_000);
    let events = tutorial(Some(15_000), 3, &message);
    let cut = cut_at(&events, |e| matches!(e, Event::TeardownRetry(_)));
    let record = record(&cut);
    let error = record
        .pending_teardown
        .as_ref()
        .and_then(|p| p.last_error.as_ref())
        .expect("an error");
    assert_eq!(error.message.chars().count(), 161);
    assert!(error.message.ends_with('…'));
    let json = record.to_json().expect("json");
    assert!(json.len() < RECOVERY_MAX_BYTES, "{} bytes", json.len());
    // The journal keeps what the client kept (its own cap is 600 characters).
    let whole = JournalSummary::of(&cut).pending_teardown.expect("pending");
    assert!(whole.last_error.expect("error").message.chars().count() > 600);
}

#[test]
fn it_needs_attention_exactly_when_vms_may_be_left_running() {
    // Stopped and torn down: ended cleanly.
    let stopped = tutorial(Some(15_000), 0, "");
    let r = record(&stopped);
    assert!(r.ended && !r.needs_attention(), "{r:?}");
    assert_eq!(r.capacity, CapacityState::Confirmed { capacity: 0 });

    // Completed at its final capacity 0: ended cleanly.
    let completed = tutorial(None, 0, "");
    assert!(!record(&completed).needs_attention());

    // Cut mid-ramp after a capacity request: interrupted, VMs may run.
    let mid_ramp = cut_at(
        &completed,
        |e| matches!(e, Event::RequestSent(s) if s.target.capacity() == Some(2)),
    );
    let r = record(&mid_ramp);
    assert!(!r.ended && r.pending_teardown.is_none() && r.needs_attention());

    // Cut before any capacity was asked for: nothing to worry about.
    let setup = cut_at(&completed, |e| matches!(e, Event::RampStarted(_)));
    assert!(!record(&setup).needs_attention());

    // A completed run, then a teardown by hand cut short: pending, not ended.
    let mut by_hand = completed.clone();
    let teardown_started = stopped
        .iter()
        .find(|e| matches!(e, Event::TeardownStarted(_)))
        .cloned()
        .expect("a teardown");
    by_hand.push(teardown_started);
    by_hand.push(Event::RequestSent(RequestSent {
        no: 1_000_001,
        stage: Stage::Teardown,
        action: "SetDesiredCapacity".into(),
        target: Target::Capacity {
            domain: "my_domain".into(),
            capacity: 0,
        },
        at_ms: EPOCH_MS + 100_000.0,
    }));
    let r = record(&by_hand);
    assert!(JournalSummary::of(&by_hand).ended());
    assert!(!r.ended && r.needs_attention());

    // No run at all: no record.
    assert_eq!(
        RecoveryRecord::of(&JournalSummary::default(), "id", ENDPOINT, EPOCH_MS),
        None
    );
}

#[test]
fn the_record_keeps_no_credential() {
    let echo = format!("the signature was made with {SECRET}");
    let events = tutorial(Some(15_000), 3, &echo);
    let cut = cut_at(&events, |e| matches!(e, Event::TeardownRetry(_)));
    let record = RecoveryRecord::of(
        &JournalSummary::of(&cut),
        "r1",
        "https://AKIDEXAMPLE:hunter2@svc.example.org:8445/phantom/?X-Amz-Credential=AKIDEXAMPLE&X-Amz-Signature=abc#top",
        EPOCH_MS,
    )
    .expect("a run");
    assert_eq!(record.endpoint, "https://svc.example.org:8445/phantom/");
    let json = record.to_json().expect("json");
    for secret in [SECRET, "hunter2", "AKIDEXAMPLE", "X-Amz"] {
        assert!(!json.contains(secret), "{secret} in {json}");
    }
    assert!(json.contains("<redacted>"), "{json}");
}

#[test]
fn endpoints_lose_user_info_query_and_fragment_only() {
    for (url, kept) in [
        (
            "https://svc.example.org:8445",
            "https://svc.example.org:8445",
        ),
        (
            "https://svc.example.org:8445/",
            "https://svc.example.org:8445/",
        ),
        ("  http://u@[::1]:8445/a/b?x=1  ", "http://[::1]:8445/a/b"),
        (
            "https://a:b@c@svc.example.org/#f",
            "https://svc.example.org/",
        ),
        ("/phantom/", "/phantom/"),
        ("svc.example.org:8445?q", "svc.example.org:8445"),
    ] {
        assert_eq!(endpoint_for_record(url), kept, "{url}");
    }
}

#[test]
fn an_unconfirmed_teardown_answer_keeps_the_record_pending() {
    // An acknowledged but unapplied 0: the describe shows 4, the attempt failed.
    let server = Server::new(VirtualClock::new());
    server.script("SetDesiredCapacity:0", vec![Answer::AckOnly]);
    let events = run_against(&server, Some(35_000));
    let cut = cut_at(&events, |e| matches!(e, Event::TeardownRetry(_)));
    let r = record(&cut);
    assert_eq!(
        r.capacity,
        CapacityState::Unconfirmed { capacity: 0 },
        "its SetDesiredCapacity was OK, but the attempt did not confirm it"
    );
    assert!(r.needs_attention());
}
