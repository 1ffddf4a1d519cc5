//! Several engines at once (issue 14): two runs of the engine on one virtual clock, each
//! against its own domain, interleaved by the executor as the page's engines are. One
//! engine's failure or Stop never touches the other's domain: the other sends the same
//! requests at the same times as it does alone, and ends the same way.

#[path = "support/query.rs"]
mod query;
#[path = "support/scripted_phantom.rs"]
mod scripted_phantom;
#[path = "support/virtual_time.rs"]
mod virtual_time;

use std::cell::RefCell;
use std::rc::Rc;

use phantom_de::engine::journal::{Event, RunEnd, RunReport};
use phantom_de::engine::run::{run, RunControls};
use phantom_de::engine::{CapacityState, Plan, RunOptions};
use phantom_de::settings::Settings;
use scripted_phantom::{client, error, tutorial_settings, Server};
use virtual_time::{Sim, VirtualClock};

/// One engine: its settings, its own domain's server, its controls.
struct Engine {
    settings: Settings,
    server: Rc<Server>,
    controls: RunControls,
}

impl Engine {
    fn new(clock: &VirtualClock, domain: &str) -> Self {
        let mut settings = tutorial_settings();
        settings.domain.name = domain.into();
        settings.launch.base_name = format!("lc_{domain}");
        Self {
            settings,
            server: Server::new(clock.clone()),
            controls: RunControls::new(),
        }
    }

    /// The requests its server received: (virtual time, "Action target capacity").
    fn sent(&self) -> Vec<(u64, String)> {
        self.server
            .log
            .borrow()
            .iter()
            .map(|s| (s.at, s.line()))
            .collect()
    }
}

/// What one run left: its report and events.
type Outcome = (RunReport, Vec<Event>);

/// Runs every engine at once on `clock`, with `setup` given the simulation first (to
/// press buttons at set times); returns each run's outcome, in order.
fn run_all(clock: VirtualClock, engines: &[&Engine], setup: impl FnOnce(&mut Sim)) -> Vec<Outcome> {
    let mut sim = Sim::new(clock);
    setup(&mut sim);
    let options = RunOptions {
        monitor_interval_ms: 0,
        ..RunOptions::default()
    };
    let runs: Vec<_> = engines
        .iter()
        .map(|e| {
            let plan = Plan::from_settings(&e.settings).expect("valid settings");
            let client = client(&e.settings, &e.server);
            let controls = e.controls.clone();
            let options = options.clone();
            async move {
                let events = Rc::new(RefCell::new(Vec::new()));
                let sink = events.clone();
                let mut on_event = |ev: &Event| sink.borrow_mut().push(ev.clone());
                let report = run(&client, &plan, &options, &controls, &mut on_event).await;
                (report, events.take())
            }
        })
        .collect();
    sim.run(futures::future::join_all(runs))
}

/// The requests of `domain` alone, for comparison.
fn alone(domain: &str) -> (Outcome, Vec<(u64, String)>) {
    let clock = VirtualClock::new();
    let e = Engine::new(&clock, domain);
    let mut out = run_all(clock, &[&e], |_| {});
    (out.remove(0), e.sent())
}

/// Two engines on one clock: "workers" (the one watched) and "head" (the other).
fn workers_and_head() -> (VirtualClock, Engine, Engine) {
    let clock = VirtualClock::new();
    let a = Engine::new(&clock, "workers");
    let b = Engine::new(&clock, "head");
    (clock, a, b)
}

#[test]
fn two_engines_run_at_once_and_each_sends_what_it_sends_alone() {
    let ((solo, _), solo_sent) = alone("workers");
    assert_eq!(solo.end, RunEnd::Completed);

    let (clock, a, b) = workers_and_head();
    let out = run_all(clock, &[&a, &b], |_| {});
    assert_eq!(out[0].0, solo);
    assert_eq!(out[1].0.end, RunEnd::Completed);
    assert_eq!(
        a.sent(),
        solo_sent,
        "the other engine changed what this one sent, or when"
    );
    assert!(b.sent().iter().all(|(_, l)| !l.contains("workers")));
    assert!(a.sent().iter().all(|(_, l)| !l.contains("head")));
    // Concurrent: both ramps ran over the same span of virtual time.
    let first = |s: &[(u64, String)]| s.first().map(|x| x.0).unwrap_or_default();
    let last = |s: &[(u64, String)]| s.last().map(|x| x.0).unwrap_or_default();
    assert!(first(&b.sent()) < last(&a.sent()) && first(&a.sent()) < last(&b.sent()));
    // Each journal names its own domain only.
    for (i, domain) in ["workers", "head"].iter().enumerate() {
        let other = if i == 0 { "head" } else { "workers" };
        let text = format!("{:?}", out[i].1);
        assert!(text.contains(domain) && !text.contains(other));
    }
}

#[test]
fn one_engine_failing_leaves_the_other_running_to_completion() {
    let (_, solo_sent) = alone("workers");
    let (clock, a, b) = workers_and_head();
    // Step 2 of "head" is refused for good: its run fails and tears down to 0.
    b.server.script(
        "SetDesiredCapacity:2",
        vec![error(400, "ValidationError", "refused by the test"); 8],
    );
    let out = run_all(clock, &[&a, &b], |_| {});
    assert!(
        matches!(out[1].0.end, RunEnd::Failed { .. }),
        "{:?}",
        out[1].0
    );
    assert_eq!(out[1].0.capacity, CapacityState::Confirmed { capacity: 0 });
    assert_eq!(b.server.desired(), Some(0));
    assert_eq!(out[0].0.end, RunEnd::Completed);
    assert_eq!(a.sent(), solo_sent, "the failure reached the other engine");
}

#[test]
fn stopping_one_engine_leaves_the_other_running_to_completion() {
    let (_, solo_sent) = alone("workers");
    let (clock, a, b) = workers_and_head();
    let stop = b.controls.stop.clone();
    let out = run_all(clock, &[&a, &b], |sim| {
        sim.at(45_000, move || {
            stop.stop();
        })
    });
    assert!(
        matches!(out[1].0.end, RunEnd::Stopped { .. }),
        "{:?}",
        out[1].0
    );
    assert_eq!(b.server.desired(), Some(0));
    assert_eq!(out[0].0.end, RunEnd::Completed);
    assert_eq!(a.sent(), solo_sent, "the Stop reached the other engine");
}
