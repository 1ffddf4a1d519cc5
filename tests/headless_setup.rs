//! The setup's rounds over the headless runner's own transport (a thread per request,
//! its answer through a channel) and clock, driven by `block_on` as the runner drives
//! them, against the local endpoint (`tests/phantom-sim`) adding 150 ms to every
//! answer: the requests of a round overlap for real, and the endpoint takes them
//! concurrently, so a fresh setup takes two round trips, not the five of the
//! tutorial's script.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/native.rs"]
mod native;
#[path = "support/sim.rs"]
mod sim;

use std::time::Instant;

use futures::executor::block_on;
use phantom_de::api::{Client, Connection};
use phantom_de::engine::journal::{Event, RunEnd};
use phantom_de::engine::run::{run, RunControls};
use phantom_de::engine::{Plan, RunOptions};
use phantom_de::settings::Settings;

const AK: &str = "PDESETUPKEY";
const SECRET: &str = "setup-sim-secret";
const LATENCY_MS: f64 = 150.0;

#[test]
fn a_fresh_setup_over_the_native_transport_takes_two_round_trips() {
    let latency = LATENCY_MS.to_string();
    let credentials = format!("{AK}:{SECRET}");
    let sim = sim::start(&[
        "--credentials",
        &credentials,
        "--boot-seconds",
        "0.1",
        "--latency-ms",
        &latency,
    ]);
    let mut settings = Settings::tutorial_defaults();
    settings.endpoint.url = sim.url.clone();
    settings.credentials.access_key_id = AK.into();
    settings.ramp.interval = "0.05".into();
    settings.ramp.hold = "0.05".into();
    let plan = Plan::from_settings(&settings).expect("valid settings");
    let mut config = settings.client_config().expect("endpoint");
    config.connection = Connection::Direct;
    let client = Client::new(
        config,
        settings.credentials(SECRET).expect("credentials"),
        native::transport(),
        native::SystemClock,
        Box::new(|| 0.5),
    );
    let options = RunOptions {
        monitor_interval_ms: 0,
        ..RunOptions::default()
    };
    let mut events = Vec::new();
    let started = Instant::now();
    let report = block_on(run(
        &client,
        &plan,
        &options,
        &RunControls::new(),
        &mut |e: &Event| events.push(e.clone()),
    ));
    assert_eq!(report.end, RunEnd::Completed, "{:?}", started.elapsed());
    let at = |pick: fn(&Event) -> Option<f64>| events.iter().find_map(pick).expect("event");
    let run_started = at(|e| match e {
        Event::RunStarted(r) => Some(r.at_ms),
        _ => None,
    });
    let ramp_started = at(|e| match e {
        Event::RampStarted(r) => Some(r.at_ms),
        _ => None,
    });
    let setup = ramp_started - run_started;
    // Two round trips; a third (or any request waiting for another of its round) would
    // make it 450 ms at least.
    assert!(
        (2.0 * LATENCY_MS..3.0 * LATENCY_MS).contains(&setup),
        "Run → domain created took {setup} ms"
    );
}
