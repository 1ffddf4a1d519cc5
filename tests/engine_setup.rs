//! The setup at the round-trip limit, on virtual time against a scripted Phantom that
//! adds the same latency to every answer: the plan's rounds go out together, so the
//! setup takes (rounds that send something) × latency; a failure in a round lets the
//! others of that round end and be journaled before the setup fails.

#[path = "support/query.rs"]
mod query;
#[path = "support/scripted_phantom.rs"]
mod scripted_phantom;
#[path = "support/virtual_time.rs"]
mod virtual_time;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use phantom_de::engine::journal::{
    Event, Outcome, RequestDone, RunEnd, RunReport, Stage, TeardownOutcome, TeardownSkip,
};
use phantom_de::engine::run::{run, RunControls};
use phantom_de::engine::{Plan, RunOptions};
use phantom_de::settings::{CloudSettings, Settings};
use scripted_phantom::{client, error, tutorial_settings, Sent, Server};
use virtual_time::{Sim, VirtualClock};

/// The reference script's added latency in the benchmark (scripts/bench).
const L: u64 = 150;

struct Done {
    events: Vec<Event>,
    log: Vec<Sent>,
    report: RunReport,
    clock: VirtualClock,
}

impl Done {
    /// The virtual time of the ramp's start: Run → domain ready.
    fn ramp_start(&self) -> u64 {
        virtual_time::ramp_start(&self.clock, &self.events)
    }

    /// The setup as the server saw it: (time sent, the requests sent then, as a set),
    /// up to the first SetDesiredCapacity.
    fn rounds(&self) -> Vec<(u64, BTreeSet<String>)> {
        let mut out: Vec<(u64, BTreeSet<String>)> = Vec::new();
        for s in self
            .log
            .iter()
            .take_while(|s| s.action != "SetDesiredCapacity")
        {
            match out.last_mut() {
                Some((at, lines)) if *at == s.at => {
                    lines.insert(s.line());
                }
                _ => out.push((s.at, BTreeSet::from([s.line()]))),
            }
        }
        out
    }

    fn done(&self) -> Vec<&RequestDone> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::RequestDone(d) => Some(d),
                _ => None,
            })
            .collect()
    }
}

/// Runs `settings`' plan against `server` on its clock, the monitor off.
fn run_on(settings: &Settings, server: &Rc<Server>) -> Done {
    let clock = server.clock.clone();
    let plan = Plan::from_settings(settings).expect("valid settings");
    let client = client(settings, server);
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = events.clone();
    let options = RunOptions {
        monitor_interval_ms: 0,
        ..RunOptions::default()
    };
    let report = Sim::new(clock.clone()).run(async move {
        let mut on_event = |e: &Event| sink.borrow_mut().push(e.clone());
        run(&client, &plan, &options, &RunControls::new(), &mut on_event).await
    });
    let events = events.take();
    Done {
        events,
        log: server.log.take(),
        report,
        clock,
    }
}

fn slow_server(latency: u64) -> Rc<Server> {
    let server = Server::new(VirtualClock::new());
    server.latency_ms.set(latency);
    server
}

fn set(lines: &[&str]) -> BTreeSet<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

const CREATE_HOTEL: &str = "CreateLaunchConfiguration my_launch_config@hotel";
const CREATE_SIERRA: &str = "CreateLaunchConfiguration my_launch_config@sierra";
const DESCRIBE: &str = "DescribeAutoScalingGroups my_domain";
const CREATE_DOMAIN: &str = "CreateAutoScalingGroup my_launch_config@hotel my_domain";

#[test]
fn from_nothing_the_setup_is_two_round_trips() {
    let done = run_on(&tutorial_settings(), &slow_server(L));
    assert_eq!(
        done.rounds(),
        [
            (0, set(&[CREATE_HOTEL, CREATE_SIERRA, DESCRIBE])),
            (L, set(&[CREATE_DOMAIN])),
        ]
    );
    // The tutorial's script: describe, create, create, describe, create = 5 L.
    assert_eq!(done.ramp_start(), 2 * L, "0.4 × the script's 5 round trips");
    assert_eq!(done.report.end, RunEnd::Completed);

    // Eight clouds: eight creates, still two round trips.
    let mut eight = tutorial_settings();
    eight.clouds = ["hotel", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .map(|c| CloudSettings::new(c, 1))
        .collect();
    let done = run_on(&eight, &slow_server(L));
    assert_eq!(done.rounds().len(), 2);
    assert_eq!(done.rounds()[0].1.len(), 9);
    assert_eq!(done.ramp_start(), 2 * L);
}

#[test]
fn the_domain_waits_for_its_slowest_launch_configuration() {
    // Phantom refuses a domain whose launch configuration it does not know yet.
    let server = slow_server(L);
    server.latency("CreateLaunchConfiguration:my_launch_config@sierra", 4 * L);
    let done = run_on(&tutorial_settings(), &server);
    assert_eq!(
        done.rounds(),
        [
            (0, set(&[CREATE_HOTEL, CREATE_SIERRA, DESCRIBE])),
            (4 * L, set(&[CREATE_DOMAIN])),
        ]
    );
    assert_eq!(done.report.end, RunEnd::Completed);
}

#[test]
fn an_existing_domain_is_replaced_in_four_rounds() {
    // The domain exists, its launch configurations do not (another base name before).
    let server = slow_server(L).with_existing(2);
    server.model.borrow_mut().launch_configurations.clear();
    server
        .model
        .borrow_mut()
        .launch_configurations
        .insert("old@hotel".into());
    let done = run_on(&tutorial_settings(), &server);
    assert_eq!(
        done.rounds(),
        [
            (0, set(&[CREATE_HOTEL, CREATE_SIERRA, DESCRIBE])),
            (L, set(&["DeleteAutoScalingGroup my_domain"])),
            (2 * L, set(&[DESCRIBE])),
            (3 * L, set(&[CREATE_DOMAIN])),
        ]
    );
    // The script: describe, create, create, describe, delete, describe, create = 7 L.
    assert_eq!(done.ramp_start(), 4 * L);
    let created: Vec<&str> = done
        .done()
        .iter()
        .filter(|d| d.action == "CreateLaunchConfiguration")
        .map(|d| match d.outcome {
            Outcome::Ok { .. } => "ok",
            _ => "not ok",
        })
        .collect();
    assert_eq!(created, ["ok", "ok"]);

    // Everything exists already: the same four rounds, the creates skipped.
    let done = run_on(&tutorial_settings(), &slow_server(L).with_existing(2));
    assert_eq!(done.rounds().len(), 4);
    assert_eq!(done.ramp_start(), 4 * L);

    // "Replace" off: the domain is kept after the first round.
    let mut keep = tutorial_settings();
    keep.domain.replace_existing = false;
    let done = run_on(&keep, &slow_server(L).with_existing(2));
    assert_eq!(
        done.rounds(),
        [(0, set(&[CREATE_HOTEL, CREATE_SIERRA, DESCRIBE]))]
    );
    assert_eq!(done.ramp_start(), L);
}

#[test]
fn a_failed_create_lets_its_round_end_then_fails_the_setup() {
    let server = slow_server(L);
    server.script(
        "CreateLaunchConfiguration:my_launch_config@hotel",
        vec![error(
            400,
            "InvalidParameterValue",
            "ImageId hello-phantom.gz not found",
        )],
    );
    server.latency("CreateLaunchConfiguration:my_launch_config@sierra", 3 * L);
    let done = run_on(&tutorial_settings(), &server);
    assert_eq!(
        done.rounds(),
        [(0, set(&[CREATE_HOTEL, CREATE_SIERRA, DESCRIBE]))],
        "no domain is created"
    );
    // Sent in plan order (numbered so), journaled as the answers came.
    let sent: Vec<(u32, String)> = done
        .events
        .iter()
        .filter_map(|e| match e {
            Event::RequestSent(s) => Some((s.no, s.target.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(
        sent,
        [
            (1, "my_launch_config@hotel".to_string()),
            (2, "my_launch_config@sierra".to_string()),
            (3, "my_domain".to_string()),
        ]
    );
    let ended: Vec<(u32, u64, bool)> = done
        .done()
        .iter()
        .map(|d| {
            (
                d.no,
                done.clock.virtual_of(d.ended_ms),
                matches!(d.outcome, Outcome::Ok { .. }),
            )
        })
        .collect();
    assert_eq!(ended, [(1, L, false), (3, L, true), (2, 3 * L, true)]);
    match &done.report.end {
        RunEnd::Failed { stage, reason } => {
            assert_eq!(*stage, Stage::LaunchConfigurations);
            assert!(reason.contains("my_launch_config@hotel"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        done.report.teardown,
        Some(TeardownOutcome::Skipped {
            reason: TeardownSkip::NoCapacityRequested
        })
    );
    assert_eq!(
        done.clock.now(),
        3 * L,
        "the setup failed once its round ended"
    );
}

#[test]
fn a_failed_describe_beside_the_creates_fails_in_the_domain_stage() {
    let server = slow_server(L);
    server.script(
        "DescribeAutoScalingGroups",
        vec![error(400, "InvalidParameterValue", "bad name")],
    );
    let done = run_on(&tutorial_settings(), &server);
    assert_eq!(done.log.len(), 3);
    assert!(done
        .done()
        .iter()
        .filter(|d| d.action == "CreateLaunchConfiguration")
        .all(|d| matches!(d.outcome, Outcome::Ok { .. })));
    assert!(matches!(
        done.report.end,
        RunEnd::Failed {
            stage: Stage::Domain,
            ..
        }
    ));
}
