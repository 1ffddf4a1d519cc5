//! The runner on virtual time against a scripted Phantom: the tutorial's work in rounds
//! and its timing, zero drift under latency, late wake-ups, concurrent launch configuration
//! creation, replace-and-wait, stop and failure at every phase with the right teardown,
//! the monitor, and the journal's summary after a reload.

#[path = "support/query.rs"]
mod query;
#[path = "support/scripted_phantom.rs"]
mod scripted_phantom;
#[path = "support/virtual_time.rs"]
mod virtual_time;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use phantom_de::api::action::SetDesiredCapacity;
use phantom_de::api::ErrorClass;
use phantom_de::api::{Clock, Instance, TransportError};
use phantom_de::engine::journal::{
    count_instances, CapacityState, Event, InstanceState, Journal, JournalSummary, MonitorResult,
    Outcome, PlanProblem, RampStep, RequestDone, Retry, RunEnd, RunReport, SkipReason, Stage,
    Target, TeardownCause, TeardownOutcome, TeardownSkip,
};
use phantom_de::engine::run::{run, RunControls};
use phantom_de::engine::stop::StopHandle;
use phantom_de::engine::{
    manual, resume_plan, resume_teardown, OnStepFailure, Phase, Plan, ResumeProblem, RunOptions,
    TeardownControl,
};
use phantom_de::settings::{CloudSettings, Settings};
use scripted_phantom::{
    client, error, tutorial_settings, Answer, Sent, Server, TestClient, SECRET,
};
use virtual_time::{Sim, VirtualClock};

// ---------------------------------------------------------------------------------------
// Running a case.

struct Case {
    settings: Settings,
    plan: Option<Plan>,
    options: RunOptions,
    clock: VirtualClock,
    server: Rc<Server>,
    sim: Sim,
    stop: StopHandle,
    controls: RunControls,
}

impl Case {
    /// The tutorial's settings against an empty server, no latency, monitor off.
    fn new() -> Self {
        let clock = VirtualClock::new();
        let controls = RunControls::new();
        Self {
            settings: tutorial_settings(),
            plan: None,
            options: RunOptions {
                monitor_interval_ms: 0,
                ..RunOptions::default()
            },
            server: Server::new(clock.clone()),
            sim: Sim::new(clock.clone()),
            clock,
            stop: controls.stop.clone(),
            controls,
        }
    }

    fn latency(self, ms: u64) -> Self {
        self.server.latency_ms.set(ms);
        self
    }

    fn stop_at(&mut self, at_ms: u64) {
        let stop = self.stop.clone();
        self.sim.at(at_ms, move || {
            stop.stop();
        });
    }

    /// Presses "Stop trying" (the teardown's) at `at_ms`.
    fn stop_trying_at(&mut self, at_ms: u64) {
        let control = self.controls.teardown.clone();
        self.sim.at(at_ms, move || {
            control.stop_trying();
        });
    }

    fn run(mut self) -> Done {
        let plan = self
            .plan
            .take()
            .unwrap_or_else(|| Plan::from_settings(&self.settings).expect("valid settings"));
        let client = client(&self.settings, &self.server);
        let events = Rc::new(RefCell::new(Vec::new()));
        let sink = events.clone();
        let clock = self.clock.clone();
        let options = self.options.clone();
        let controls = self.controls.clone();
        let report = self.sim.run(async move {
            let mut on_event = |e: &Event| sink.borrow_mut().push((clock.now(), e.clone()));
            run(&client, &plan, &options, &controls, &mut on_event).await
        });
        let timed: Vec<(u64, Event)> = events.take();
        let done = Done {
            events: timed.iter().map(|(_, e)| e.clone()).collect(),
            heard_at: timed.iter().map(|(t, _)| *t).collect(),
            report,
            log: self.server.log.take(),
            server: self.server,
            clock: self.clock,
            stop: self.stop,
        };
        done.check_invariants();
        done
    }
}

struct Done {
    events: Vec<Event>,
    /// Virtual time at which the callback heard each event.
    heard_at: Vec<u64>,
    report: RunReport,
    log: Vec<Sent>,
    server: Rc<Server>,
    clock: VirtualClock,
    stop: StopHandle,
}

impl Done {
    /// What holds for every run: RunStarted first, RunFinished last with the returned
    /// report, every sent request answered exactly once in the journal, no timer left.
    fn check_invariants(&self) {
        assert!(matches!(self.events.first(), Some(Event::RunStarted(_))));
        match self.events.last() {
            Some(Event::RunFinished(f)) => assert_eq!(f.report, self.report),
            other => panic!("the last event is {other:?}"),
        }
        let finished = self
            .events
            .iter()
            .filter(|e| matches!(e, Event::RunFinished(_)))
            .count();
        assert_eq!(finished, 1);
        let sent: Vec<u32> = self
            .events
            .iter()
            .filter_map(|e| match e {
                Event::RequestSent(s) => Some(s.no),
                _ => None,
            })
            .collect();
        let mut done: Vec<u32> = self
            .requests()
            .filter(|d| d.no != 0)
            .map(|d| d.no)
            .collect();
        done.sort_unstable();
        assert_eq!(sent, done, "every RequestSent has one RequestDone");
        assert_eq!(self.clock.pending_timers(), 0, "no timer outlives the run");
        assert_eq!(
            JournalSummary::of(&self.events).finished.as_ref(),
            Some(&self.report)
        );
    }

    fn requests(&self) -> impl Iterator<Item = &RequestDone> {
        self.events.iter().filter_map(|e| match e {
            Event::RequestDone(d) => Some(d),
            _ => None,
        })
    }

    fn request(&self, stage: Stage, action: &str) -> Vec<&RequestDone> {
        self.requests()
            .filter(|d| d.stage == stage && d.action == action)
            .collect()
    }

    fn ramp_steps(&self) -> Vec<&RampStep> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::RampStep(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    fn teardowns(&self) -> Vec<(TeardownCause, TeardownOutcome)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Teardown(t) => Some((t.cause, t.outcome.clone())),
                _ => None,
            })
            .collect()
    }

    fn ramp_start(&self) -> u64 {
        virtual_time::ramp_start(&self.clock, &self.events)
    }

    /// (virtual time sent, capacity) of every SetDesiredCapacity the server saw.
    fn sets(&self) -> Vec<(u64, u32)> {
        self.log
            .iter()
            .filter(|s| s.action == "SetDesiredCapacity")
            .map(|s| (s.at, s.capacity().expect("a capacity")))
            .collect()
    }

    fn lines(&self) -> Vec<String> {
        self.log.iter().map(Sent::line).collect()
    }

    fn stage_of_stop(&self) -> Vec<Stage> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::StopRequested(s) => Some(s.stage),
                _ => None,
            })
            .collect()
    }
}

fn sets_from(sets: &[(u64, u32)], origin: u64) -> Vec<(u64, u32)> {
    sets.iter().map(|&(t, c)| (t - origin, c)).collect()
}

const TUTORIAL_SETS: [(u64, u32); 5] = [(0, 1), (10_000, 2), (20_000, 3), (30_000, 4), (90_000, 0)];

// ---------------------------------------------------------------------------------------
// The tutorial.

#[test]
fn the_tutorial_plan_sends_the_tutorials_requests_and_capacities() {
    // The tutorial's printed run: both launch configurations exist, the domain too.
    let case = Case::new().latency(50);
    case.server.with_existing(2);
    let done = case.run();
    assert_eq!(
        done.lines(),
        [
            "CreateLaunchConfiguration my_launch_config@hotel",
            "CreateLaunchConfiguration my_launch_config@sierra",
            "DescribeAutoScalingGroups my_domain",
            "DeleteAutoScalingGroup my_domain",
            "DescribeAutoScalingGroups my_domain",
            "CreateAutoScalingGroup my_launch_config@hotel my_domain",
            "SetDesiredCapacity my_domain 1",
            "SetDesiredCapacity my_domain 2",
            "SetDesiredCapacity my_domain 3",
            "SetDesiredCapacity my_domain 4",
            "SetDesiredCapacity my_domain 0",
        ]
    );
    let start = done.ramp_start();
    assert_eq!(
        start,
        4 * 50,
        "four rounds of 50 ms: creates and describe, delete, describe, create"
    );
    assert_eq!(sets_from(&done.sets(), start), TUTORIAL_SETS);
    // "Launch config '…' has already been added, skipping...": the server says so.
    let skipped: Vec<(String, Outcome)> = done
        .request(Stage::LaunchConfigurations, "CreateLaunchConfiguration")
        .iter()
        .map(|d| (d.target.to_string(), d.outcome.clone()))
        .collect();
    assert_eq!(skipped.len(), 2);
    for ((target, outcome), cloud) in skipped.iter().zip(["hotel", "sierra"]) {
        assert_eq!(target, &format!("my_launch_config@{cloud}"));
        assert!(
            matches!(
                outcome,
                Outcome::Skipped {
                    reason: SkipReason::AlreadyExists,
                    error: Some(_)
                }
            ),
            "{outcome:?}"
        );
    }
    let create = &done.log[5];
    for (name, value) in [
        ("MinSize", "0"),
        ("MaxSize", "0"),
        ("AvailabilityZones.member.1", "us-east-1"),
        ("Tags.member.1.Value", "error_overflow_n_preserving"),
        ("Tags.member.2.Value", "hotel:4,sierra:4"),
    ] {
        assert_eq!(create.param(name), Some(value), "{name}");
    }
    assert_eq!(done.report.end, RunEnd::Completed);
    assert_eq!(
        done.report.capacity,
        CapacityState::Confirmed { capacity: 0 }
    );
    assert!(!done.report.capacity_may_be_running());
    assert_eq!(done.report.teardown, None);
    assert!(done.teardowns().is_empty());
    // Every step on time, and each heard by the callback when it fired.
    for (step, &(at, capacity)) in done.ramp_steps().iter().zip(&TUTORIAL_SETS) {
        assert_eq!(
            (
                step.planned_offset_ms,
                step.actual_offset_ms,
                step.lateness_ms,
                step.capacity
            ),
            (at, at, 0, capacity)
        );
        assert!(step.superseded.is_empty());
    }
    let step_heard: Vec<u64> = done
        .events
        .iter()
        .zip(&done.heard_at)
        .filter(|(e, _)| matches!(e, Event::RampStep(_)))
        .map(|(_, &t)| t - start)
        .collect();
    assert_eq!(step_heard, [0, 10_000, 20_000, 30_000, 90_000]);
    let phases: Vec<Phase> = done.ramp_steps().iter().map(|s| s.phase).collect();
    assert_eq!(
        phases,
        [
            Phase::Ramp,
            Phase::Ramp,
            Phase::Ramp,
            Phase::Ramp,
            Phase::End
        ]
    );
}

#[test]
fn a_fresh_server_gets_both_launch_configurations_and_a_new_domain() {
    let done = Case::new().run();
    assert_eq!(
        done.lines(),
        [
            "CreateLaunchConfiguration my_launch_config@hotel",
            "CreateLaunchConfiguration my_launch_config@sierra",
            "DescribeAutoScalingGroups my_domain",
            "CreateAutoScalingGroup my_launch_config@hotel my_domain",
            "SetDesiredCapacity my_domain 1",
            "SetDesiredCapacity my_domain 2",
            "SetDesiredCapacity my_domain 3",
            "SetDesiredCapacity my_domain 4",
            "SetDesiredCapacity my_domain 0",
        ]
    );
    assert_eq!(done.sets(), TUTORIAL_SETS);
    // The plan's requests that were not needed are in the journal as skipped.
    let skipped: Vec<(&str, SkipReason)> = done
        .requests()
        .filter_map(|d| match &d.outcome {
            Outcome::Skipped { reason, .. } => Some((d.action.as_str(), *reason)),
            _ => None,
        })
        .collect();
    assert_eq!(
        skipped,
        [
            ("DeleteAutoScalingGroup", SkipReason::DomainMissing),
            ("DescribeAutoScalingGroups", SkipReason::DomainMissing)
        ]
    );
    assert!(done
        .events
        .iter()
        .any(|e| matches!(e, Event::RampStarted(r) if r.domain_created)));
}

// ---------------------------------------------------------------------------------------
// Time.

/// The tutorial's way: each request, then a sleep for the gap to the next step.
async fn sleep_after_request(client: &TestClient, schedule: &[(u64, u32)]) {
    for (i, &(at, capacity)) in schedule.iter().enumerate() {
        let set = SetDesiredCapacity {
            name: "my_domain".into(),
            desired_capacity: capacity,
            honor_cooldown: None,
        };
        let _ = client.call(&set, &mut |_| {}).await;
        if let Some(&(next, _)) = schedule.get(i + 1) {
            client.clock().sleep(next - at).await;
        }
    }
}

#[test]
fn latency_never_accumulates_unlike_a_sleep_after_each_request() {
    let done = Case::new().latency(400).run();
    let start = done.ramp_start();
    assert_eq!(start, 2 * 400, "creates and describe together, then create");
    assert_eq!(sets_from(&done.sets(), start), TUTORIAL_SETS, "zero drift");
    assert!(done
        .ramp_steps()
        .iter()
        .all(|s| s.lateness_ms == 0 && s.actual_offset_ms == s.planned_offset_ms));
    // Every answer took 400 ms, yet the next step did not move.
    let answered: Vec<u64> = done
        .log
        .iter()
        .filter(|s| s.action == "SetDesiredCapacity")
        .map(|s| s.answered.expect("answered") - s.at)
        .collect();
    assert_eq!(answered, [400; 5]);

    // The same schedule driven the tutorial's way drifts by 400 ms per request.
    let clock = VirtualClock::new();
    let server = Server::new(clock.clone()).with_existing(0);
    server.latency_ms.set(400);
    let client = client(&tutorial_settings(), &server);
    Sim::new(clock).run(async move { sleep_after_request(&client, &TUTORIAL_SETS).await });
    let naive: Vec<(u64, u32)> = server
        .log
        .borrow()
        .iter()
        .map(|s| (s.at, s.capacity().expect("capacity")))
        .collect();
    assert_eq!(
        naive,
        [(0, 1), (10_400, 2), (20_800, 3), (31_200, 4), (91_600, 0)]
    );
    let drift: Vec<i64> = naive
        .iter()
        .zip(TUTORIAL_SETS)
        .map(|(n, p)| n.0 as i64 - p.0 as i64)
        .collect();
    assert_eq!(drift, [0, 400, 800, 1_200, 1_600]);
}

#[test]
fn a_late_wake_up_applies_only_the_newest_due_step_once() {
    // Default options (monitor on). The clock jumps 25 s at 12 s, while the runner waits
    // for the 20 s step: at 37 s, steps 20 s (3) and 30 s (4) are both due.
    let mut case = Case::new();
    case.options = RunOptions::default();
    let clock = case.clock.clone();
    case.sim.at(12_000, move || clock.jump(25_000));
    let done = case.run();
    assert_eq!(
        done.sets(),
        [(0, 1), (10_000, 2), (37_000, 4), (90_000, 0)],
        "capacity 3 is never sent; 4 once"
    );
    let steps = done.ramp_steps();
    let late = steps[2];
    assert_eq!(
        (
            late.index,
            late.capacity,
            late.planned_offset_ms,
            late.actual_offset_ms,
            late.lateness_ms
        ),
        (3, 4, 30_000, 37_000, 7_000)
    );
    assert_eq!(late.superseded.len(), 1);
    let s = &late.superseded[0];
    assert_eq!(
        (s.index, s.capacity, s.planned_offset_ms, s.late_by_ms),
        (2, 3, 20_000, 17_000)
    );
    assert_eq!((steps[3].index, steps[3].lateness_ms), (4, 0));
    assert_eq!(done.report.end, RunEnd::Completed);
}

#[test]
fn sleeping_through_the_whole_ramp_applies_only_the_final_capacity() {
    let mut case = Case::new();
    let clock = case.clock.clone();
    case.sim.at(5_000, move || clock.jump(100_000));
    let done = case.run();
    assert_eq!(done.sets(), [(0, 1), (105_000, 0)]);
    let last = done.ramp_steps()[1];
    assert_eq!(
        (last.index, last.phase, last.lateness_ms),
        (4, Phase::End, 15_000)
    );
    let superseded: Vec<(usize, u32)> = last
        .superseded
        .iter()
        .map(|s| (s.index, s.capacity))
        .collect();
    assert_eq!(superseded, [(1, 2), (2, 3), (3, 4)]);
    assert_eq!(
        done.report.capacity,
        CapacityState::Confirmed { capacity: 0 }
    );
}

// ---------------------------------------------------------------------------------------
// Setup.

#[test]
fn launch_configurations_are_created_concurrently_and_already_exists_is_skipped() {
    let case = Case::new().latency(300);
    // Not listed, but created by someone else meanwhile.
    case.server.script(
        "CreateLaunchConfiguration:my_launch_config@sierra",
        vec![error(400, "Name already in use", "my_launch_config@sierra")],
    );
    let done = case.run();
    let creates: Vec<&Sent> = done
        .log
        .iter()
        .filter(|s| s.action == "CreateLaunchConfiguration")
        .collect();
    assert_eq!(creates.len(), 2);
    assert_eq!(creates[0].at, 0);
    assert_eq!(creates[1].at, 0, "both sent before either answered");
    assert_eq!(creates[0].answered, Some(300));
    assert_eq!(creates[1].answered, Some(300));
    assert_eq!(
        done.server.max_in_flight.borrow()["CreateLaunchConfiguration"],
        2
    );
    let outcomes: BTreeMap<String, Outcome> = done
        .request(Stage::LaunchConfigurations, "CreateLaunchConfiguration")
        .iter()
        .map(|d| (d.target.to_string(), d.outcome.clone()))
        .collect();
    assert!(matches!(
        outcomes["my_launch_config@hotel"],
        Outcome::Ok { .. }
    ));
    match &outcomes["my_launch_config@sierra"] {
        Outcome::Skipped {
            reason: SkipReason::AlreadyExists,
            error: Some(e),
        } => {
            assert_eq!(e.class, ErrorClass::AlreadyExists);
            assert_eq!(e.code.as_deref(), Some("Name already in use"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(done.report.end, RunEnd::Completed);
    assert_eq!(done.ramp_start(), 2 * 300);
}

#[test]
fn replace_deletes_the_domain_and_waits_until_it_is_gone() {
    let case = Case::new();
    case.server.with_existing(3);
    case.server.model.borrow_mut().listed_after_delete = Some(2);
    let done = case.run();
    let domain: Vec<(u64, String)> = done
        .log
        .iter()
        .filter(|s| s.action.contains("AutoScalingGroup") && s.action != "SetDesiredCapacity")
        .map(|s| (s.at, s.action.clone()))
        .collect();
    assert_eq!(
        domain,
        [
            (0, "DescribeAutoScalingGroups".to_string()),
            (0, "DeleteAutoScalingGroup".to_string()),
            (0, "DescribeAutoScalingGroups".to_string()),
            (3_000, "DescribeAutoScalingGroups".to_string()),
            (6_000, "DescribeAutoScalingGroups".to_string()),
            (6_000, "CreateAutoScalingGroup".to_string()),
        ]
    );
    let polls: Vec<Option<String>> = done
        .request(Stage::Domain, "DescribeAutoScalingGroups")
        .iter()
        .map(|d| match &d.outcome {
            Outcome::Ok { detail, .. } => detail.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(polls.len(), 4);
    assert!(polls[1]
        .as_deref()
        .is_some_and(|d| d.starts_with("my_domain listed")));
    assert_eq!(polls[3].as_deref(), Some("not listed"));
    assert_eq!(done.ramp_start(), 6_000);
    assert_eq!(sets_from(&done.sets(), 6_000), TUTORIAL_SETS);
}

#[test]
fn a_domain_that_never_goes_away_fails_the_setup_without_any_capacity_change() {
    let case = Case::new();
    case.server.with_existing(3);
    case.server.model.borrow_mut().listed_after_delete = None;
    let done = case.run();
    let polls = done.request(Stage::Domain, "DescribeAutoScalingGroups");
    // The first describe, then polls at 0, 3, …, 120 s.
    assert_eq!(polls.len(), 1 + 41);
    assert_eq!(done.clock.now(), 120_000, "bounded by the timeout");
    assert!(done.sets().is_empty());
    assert!(!done
        .log
        .iter()
        .any(|s| s.action == "CreateAutoScalingGroup"));
    match &done.report.end {
        RunEnd::Failed { stage, reason } => {
            assert_eq!(*stage, Stage::Domain);
            assert!(reason.contains("still listed 120 s after"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        done.teardowns(),
        [(
            TeardownCause::Failed,
            TeardownOutcome::Skipped {
                reason: TeardownSkip::NoCapacityRequested
            }
        )]
    );
    assert_eq!(done.report.capacity, CapacityState::Untouched);
    assert!(!done.report.capacity_may_be_running());
}

#[test]
fn with_replace_off_an_existing_domain_is_kept_and_driven() {
    let mut case = Case::new();
    case.settings.domain.replace_existing = false;
    case.server.with_existing(1);
    let done = case.run();
    assert_eq!(
        &done.lines()[..4],
        [
            "CreateLaunchConfiguration my_launch_config@hotel",
            "CreateLaunchConfiguration my_launch_config@sierra",
            "DescribeAutoScalingGroups my_domain",
            "SetDesiredCapacity my_domain 1",
        ]
    );
    let create = done.request(Stage::Domain, "CreateAutoScalingGroup");
    assert!(matches!(
        create[0].outcome,
        Outcome::Skipped {
            reason: SkipReason::DomainKept,
            ..
        }
    ));
    assert!(done
        .events
        .iter()
        .any(|e| matches!(e, Event::RampStarted(r) if !r.domain_created)));
    assert_eq!(done.sets(), TUTORIAL_SETS);
}

// ---------------------------------------------------------------------------------------
// Stop.

fn assert_no_capacity_change(done: &Done, stage: Stage) {
    assert!(done.sets().is_empty(), "{:?}", done.lines());
    assert_eq!(done.report.end, RunEnd::Stopped { stage });
    assert_eq!(done.stage_of_stop(), [stage]);
    assert_eq!(
        done.teardowns(),
        [(
            TeardownCause::Stopped,
            TeardownOutcome::Skipped {
                reason: TeardownSkip::NoCapacityRequested
            }
        )]
    );
    assert_eq!(done.report.capacity, CapacityState::Untouched);
}

#[test]
fn stop_during_launch_configuration_setup_cancels_and_changes_no_capacity() {
    let mut case = Case::new().latency(400);
    case.stop_at(200); // both creates and the describe in flight since 0
    let done = case.run();
    assert_eq!(done.log.len(), 3);
    assert!(done.log.iter().all(|s| s.answered.is_none()), "cancelled");
    let creates = done.request(Stage::LaunchConfigurations, "CreateLaunchConfiguration");
    assert_eq!(creates.len(), 2);
    assert!(creates.iter().all(|d| d.outcome == Outcome::Cancelled));
    assert_no_capacity_change(&done, Stage::LaunchConfigurations);
    assert_eq!(done.clock.now(), 200, "nothing waited after the stop");
}

#[test]
fn stop_during_domain_setup_changes_no_capacity() {
    let mut case = Case::new().latency(400);
    case.server.with_existing(2);
    case.server.model.borrow_mut().listed_after_delete = None;
    case.stop_at(5_000); // waiting for the domain to go
    let done = case.run();
    assert_no_capacity_change(&done, Stage::Domain);
    assert!(done
        .log
        .iter()
        .any(|s| s.action == "DeleteAutoScalingGroup"));
}

#[test]
fn stop_between_ramp_steps_sets_capacity_0_and_stops_the_monitor() {
    let mut case = Case::new();
    case.options.monitor_interval_ms = 3_000;
    case.stop_at(15_000);
    let done = case.run();
    assert_eq!(done.sets(), [(0, 1), (10_000, 2), (15_000, 0)]);
    assert_eq!(done.report.end, RunEnd::Stopped { stage: Stage::Ramp });
    assert_eq!(
        done.teardowns(),
        [(TeardownCause::Stopped, TeardownOutcome::Done)]
    );
    let teardown = done.request(Stage::Teardown, "SetDesiredCapacity");
    assert_eq!(teardown.len(), 1);
    assert!(matches!(
        teardown[0].target,
        Target::Capacity { capacity: 0, .. }
    ));
    assert_eq!(
        done.report.capacity,
        CapacityState::Confirmed { capacity: 0 }
    );
    assert!(!done.report.capacity_may_be_running());
    assert!(
        done.log.iter().all(|s| s.at <= 15_000),
        "nothing after the stop but the teardown"
    );
    assert_eq!(done.clock.now(), 15_000);
}

#[test]
fn stop_during_an_in_flight_set_desired_capacity_cancels_it_and_tears_down() {
    let mut case = Case::new();
    case.server.latency("SetDesiredCapacity:2", 2_000);
    case.stop_at(11_000);
    let done = case.run();
    assert_eq!(done.sets(), [(0, 1), (10_000, 2), (11_000, 0)]);
    let set2 = done
        .log
        .iter()
        .find(|s| s.capacity() == Some(2))
        .expect("set 2");
    assert_eq!(set2.answered, None, "its answer never came: cancelled");
    let ramp = done.request(Stage::Ramp, "SetDesiredCapacity");
    assert_eq!(ramp[1].outcome, Outcome::Cancelled);
    // Unconfirmed 2 at the stop → teardown; confirmed 0 after it.
    assert_eq!(
        done.teardowns(),
        [(TeardownCause::Stopped, TeardownOutcome::Done)]
    );
    assert_eq!(
        done.report.capacity,
        CapacityState::Confirmed { capacity: 0 }
    );
}

#[test]
fn stop_during_the_end_phase_tears_down_unless_capacity_0_is_confirmed() {
    // The final capacity 0 is in flight: not confirmed, so the teardown sends 0 again.
    let mut case = Case::new();
    case.server.latency("SetDesiredCapacity:0", 2_000);
    case.stop_at(91_000);
    let done = case.run();
    assert_eq!(done.report.end, RunEnd::Stopped { stage: Stage::End });
    assert_eq!(
        done.sets(),
        [
            (0, 1),
            (10_000, 2),
            (20_000, 3),
            (30_000, 4),
            (90_000, 0),
            (91_000, 0)
        ]
    );
    assert_eq!(
        done.teardowns(),
        [(TeardownCause::Stopped, TeardownOutcome::Done)]
    );

    // Deleting the domain after the final 0 was confirmed: nothing to tear down.
    let mut case = Case::new();
    case.settings.ramp.delete_domain = true;
    case.server.latency("DeleteAutoScalingGroup", 2_000);
    case.stop_at(91_000);
    let done = case.run();
    assert_eq!(done.report.end, RunEnd::Stopped { stage: Stage::End });
    assert_eq!(done.sets(), TUTORIAL_SETS);
    assert_eq!(
        done.teardowns(),
        [(
            TeardownCause::Stopped,
            TeardownOutcome::Skipped {
                reason: TeardownSkip::AlreadyZero
            }
        )]
    );
    assert_eq!(
        done.request(Stage::End, "DeleteAutoScalingGroup")[0].outcome,
        Outcome::Cancelled
    );
}

#[test]
fn leave_running_keeps_the_capacity_after_a_stop_and_says_so() {
    let mut case = Case::new();
    case.options.leave_running = true;
    case.stop_at(15_000);
    let done = case.run();
    assert_eq!(done.sets(), [(0, 1), (10_000, 2)]);
    assert_eq!(
        done.teardowns(),
        [(
            TeardownCause::Stopped,
            TeardownOutcome::Skipped {
                reason: TeardownSkip::LeaveRunning
            }
        )]
    );
    assert_eq!(
        done.report.capacity,
        CapacityState::Confirmed { capacity: 2 }
    );
    assert!(done.report.capacity_may_be_running());
}

#[test]
fn a_second_stop_is_harmless() {
    let mut case = Case::new();
    case.server.latency("SetDesiredCapacity:0", 1_000);
    case.stop_at(15_000);
    case.stop_at(15_000);
    case.stop_at(15_500); // during the teardown
    let done = case.run();
    assert_eq!(done.stage_of_stop(), [Stage::Ramp]);
    assert_eq!(done.sets(), [(0, 1), (10_000, 2), (15_000, 0)]);
    assert_eq!(
        done.teardowns(),
        [(TeardownCause::Stopped, TeardownOutcome::Done)]
    );
    assert_eq!(done.clock.now(), 16_000, "the teardown was not cut short");
    assert!(done.stop.is_stopped());
    assert!(!done.stop.stop(), "stopping a finished run does nothing");
}

#[test]
fn a_stop_before_the_start_sends_nothing() {
    let case = Case::new();
    assert!(case.stop.stop());
    let done = case.run();
    assert!(done.log.is_empty());
    assert_no_capacity_change(&done, Stage::LaunchConfigurations);
}

// ---------------------------------------------------------------------------------------
// Failures.

fn assert_failed_without_capacity(done: &Done, stage: Stage) {
    assert!(done.sets().is_empty(), "{:?}", done.lines());
    assert!(
        matches!(&done.report.end, RunEnd::Failed { stage: s, .. } if *s == stage),
        "{:?}",
        done.report.end
    );
    assert_eq!(
        done.teardowns(),
        [(
            TeardownCause::Failed,
            TeardownOutcome::Skipped {
                reason: TeardownSkip::NoCapacityRequested
            }
        )]
    );
}

#[test]
fn a_failure_during_setup_changes_no_capacity() {
    // Unknown key at the first round (the describe with it is answered).
    let case = Case::new();
    let unknown = error(
        403,
        "InvalidClientTokenId",
        "The AWS Access Key Id you provided does not exist in our records.",
    );
    case.server
        .script("CreateLaunchConfiguration", vec![unknown.clone(), unknown]);
    let done = case.run();
    assert_eq!(done.log.len(), 3, "authentication errors are not retried");
    assert_failed_without_capacity(&done, Stage::LaunchConfigurations);
    let RunEnd::Failed { reason, .. } = &done.report.end else {
        unreachable!()
    };
    assert!(reason.contains("InvalidClientTokenId"), "{reason}");

    // A launch configuration the server rejects: the other one still completes.
    let case = Case::new();
    case.server.script(
        "CreateLaunchConfiguration:my_launch_config@hotel",
        vec![error(
            400,
            "InvalidParameterValue",
            "ImageId hello-phantom.gz not found",
        )],
    );
    let done = case.run();
    assert_failed_without_capacity(&done, Stage::LaunchConfigurations);
    assert!(!done
        .log
        .iter()
        .any(|s| s.action == "CreateAutoScalingGroup"));
    let creates = done.request(Stage::LaunchConfigurations, "CreateLaunchConfiguration");
    assert!(
        matches!(creates[1].outcome, Outcome::Ok { .. }),
        "{:?}",
        creates
    );

    // The domain cannot be created (and a server error is retried first).
    let case = Case::new();
    case.server.script(
        "CreateAutoScalingGroup",
        vec![
            error(500, "InternalFailure", "an internal error"),
            error(400, "InvalidParameterValue", "unknown key cloudz"),
        ],
    );
    let done = case.run();
    assert_failed_without_capacity(&done, Stage::Domain);
    let create = done.request(Stage::Domain, "CreateAutoScalingGroup");
    assert_eq!(create[0].attempts.len(), 2);
    assert_eq!(
        create[0].attempts[0].retry,
        Some(Retry::After { wait_ms: 100 })
    );
    assert_eq!(create[0].attempts[1].retry, Some(Retry::GaveUp));

    // The old domain cannot be deleted.
    let case = Case::new();
    case.server.with_existing(2);
    case.server.script(
        "DeleteAutoScalingGroup",
        vec![error(400, "ResourceInUse", "the domain is busy")],
    );
    let done = case.run();
    assert_failed_without_capacity(&done, Stage::Domain);
}

#[test]
fn a_failed_ramp_step_stops_and_tears_down_by_default() {
    let case = Case::new();
    case.server.script(
        "SetDesiredCapacity:3",
        vec![error(
            400,
            "InvalidParameterValue",
            "capacity 3 is above the maximum",
        )],
    );
    let done = case.run();
    assert_eq!(done.sets(), [(0, 1), (10_000, 2), (20_000, 3), (20_000, 0)]);
    match &done.report.end {
        RunEnd::Failed { stage, reason } => {
            assert_eq!(*stage, Stage::Ramp);
            assert!(
                reason.contains("SetDesiredCapacity my_domain → 3 failed"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        done.teardowns(),
        [(TeardownCause::Failed, TeardownOutcome::Done)]
    );
    assert_eq!(done.report.failed_steps, 1);
    assert_eq!(
        done.report.capacity,
        CapacityState::Confirmed { capacity: 0 }
    );
}

#[test]
fn a_failed_ramp_step_with_continue_goes_on() {
    let mut case = Case::new();
    case.options.on_step_failure = OnStepFailure::Continue;
    case.server.script(
        "SetDesiredCapacity:3",
        vec![error(
            400,
            "InvalidParameterValue",
            "capacity 3 is above the maximum",
        )],
    );
    let done = case.run();
    assert_eq!(done.sets(), TUTORIAL_SETS);
    assert_eq!(done.report.end, RunEnd::Completed);
    assert_eq!(done.report.failed_steps, 1);
    assert!(done.teardowns().is_empty());
    let failed = done.request(Stage::Ramp, "SetDesiredCapacity");
    assert!(
        matches!(&failed[2].outcome, Outcome::Failed { error } if error.class == ErrorClass::InvalidInput)
    );
}

#[test]
fn a_retried_step_does_not_delay_the_next_one() {
    let case = Case::new().latency(400);
    case.server.script(
        "SetDesiredCapacity:2",
        vec![error(500, "InternalFailure", "an internal error")],
    );
    let done = case.run();
    let start = done.ramp_start();
    let sets = sets_from(&done.sets(), start);
    // 10 s: fails after 400 ms, waits 100 ms (jitter 0.5 of 200), retried at 10.5 s.
    assert_eq!(
        sets,
        [
            (0, 1),
            (10_000, 2),
            (10_500, 2),
            (20_000, 3),
            (30_000, 4),
            (90_000, 0)
        ]
    );
    let step = done.request(Stage::Ramp, "SetDesiredCapacity")[1];
    assert_eq!(step.attempts.len(), 2);
    let first = &step.attempts[0];
    assert_eq!(first.status, Some(500));
    assert_eq!(
        first.error.as_ref().map(|e| e.class),
        Some(ErrorClass::Retryable)
    );
    assert_eq!(first.retry, Some(Retry::After { wait_ms: 100 }));
    assert!(matches!(step.outcome, Outcome::Ok { .. }));
    assert_eq!(done.report.end, RunEnd::Completed);
}

#[test]
fn a_failed_teardown_attempt_is_retried_a_second_later_until_the_server_confirms_0() {
    // Before issue 11 the teardown gave up after the client's three attempts and
    // reported "failed, VMs may be running"; now the pursuit goes on.
    let case = Case::new();
    case.server.script(
        "SetDesiredCapacity:3",
        vec![error(
            400,
            "InvalidParameterValue",
            "capacity 3 is above the maximum",
        )],
    );
    case.server.script(
        "SetDesiredCapacity:0",
        vec![
            error(500, "InternalFailure", "an internal error"),
            Answer::Transport(TransportError::Network("connection reset".into())),
            error(503, "ServiceUnavailable", "try later"),
        ],
    );
    let done = case.run();
    assert_eq!(
        done.sets(),
        [
            (0, 1),
            (10_000, 2),
            (20_000, 3),
            (20_000, 0),
            (20_100, 0),
            (20_300, 0),
            (21_300, 0)
        ],
        "the client's three attempts, 100 and 200 ms apart; the pursuit's next a second later"
    );
    let teardown: Vec<String> = done
        .log
        .iter()
        .filter(|s| s.at >= 20_000)
        .map(|s| format!("{} {}", s.at, s.line()))
        .collect();
    assert_eq!(
        teardown[4..],
        [
            "21300 SetDesiredCapacity my_domain 0",
            "21300 DescribeAutoScalingGroups my_domain"
        ],
        "the describe that confirms it; no describe after a retryable failure"
    );
    let attempt = done.request(Stage::Teardown, "SetDesiredCapacity")[0];
    let retries: Vec<Option<Retry>> = attempt.attempts.iter().map(|a| a.retry.clone()).collect();
    assert_eq!(
        retries,
        [
            Some(Retry::After { wait_ms: 100 }),
            Some(Retry::After { wait_ms: 200 }),
            Some(Retry::GaveUp)
        ]
    );
    let retry = done
        .events
        .iter()
        .find_map(|e| match e {
            Event::TeardownRetry(r) => Some(r),
            _ => None,
        })
        .expect("a retry");
    assert_eq!(
        (retry.attempt, retry.error.code.as_deref()),
        (1, Some("ServiceUnavailable"))
    );
    assert_eq!(done.clock.virtual_of(retry.at_ms), 20_300);
    assert_eq!(done.clock.virtual_of(retry.next_attempt_ms), 21_300);
    assert_eq!(
        done.teardowns(),
        [(TeardownCause::Failed, TeardownOutcome::Done)]
    );
    assert_eq!(
        done.report.capacity,
        CapacityState::Confirmed { capacity: 0 }
    );
    assert!(!done.report.capacity_may_be_running());
    assert_eq!(done.server.desired(), Some(0));
}

#[test]
fn stop_during_the_teardown_changes_nothing_and_the_run_finishes_after_it() {
    let mut case = Case::new();
    case.server.script(
        "SetDesiredCapacity:0",
        vec![
            error(503, "ServiceUnavailable", "try later"),
            error(503, "ServiceUnavailable", "try later"),
            error(503, "ServiceUnavailable", "try later"),
        ],
    );
    case.stop_at(15_000);
    case.stop_at(15_200); // during the first attempt's client retries
    case.stop_at(15_800); // during the pursuit's wait
    let done = case.run();
    assert_eq!(
        done.stage_of_stop(),
        [Stage::Ramp],
        "one stop, journaled once"
    );
    assert_eq!(
        sets_from(&done.sets()[2..], 0),
        [(15_000, 0), (15_100, 0), (15_300, 0), (16_300, 0)],
        "the wait was not cut short, nothing else was sent"
    );
    assert_eq!(
        done.teardowns(),
        [(TeardownCause::Stopped, TeardownOutcome::Done)]
    );
    let position = |f: &dyn Fn(&Event) -> bool| done.events.iter().position(f).expect("found");
    let started = position(&|e| matches!(e, Event::TeardownStarted(_)));
    let retry = position(&|e| matches!(e, Event::TeardownRetry(_)));
    let ended = position(&|e| matches!(e, Event::Teardown(_)));
    let finished = position(&|e| matches!(e, Event::RunFinished(_)));
    assert!(started < retry && retry < ended && ended + 1 == finished);
    assert_eq!(done.heard_at[finished], 16_300);
    assert_eq!(done.report.end, RunEnd::Stopped { stage: Stage::Ramp });
    assert_eq!(
        done.report.capacity,
        CapacityState::Confirmed { capacity: 0 }
    );
}

#[test]
fn stop_trying_during_a_runs_teardown_abandons_it_and_the_report_says_vms_may_run() {
    let mut case = Case::new();
    case.server.script(
        "SetDesiredCapacity:0",
        vec![error(403, "AccessDenied", "not allowed"); 5],
    );
    case.stop_at(15_000);
    case.stop_trying_at(50_000);
    let done = case.run();
    assert_eq!(
        sets_from(&done.sets()[2..], 0),
        [(15_000, 0), (45_000, 0)],
        "an authentication failure waits the ceiling"
    );
    assert!(matches!(
        done.report.teardown,
        Some(TeardownOutcome::Abandoned { attempts: 2, .. })
    ));
    assert_eq!(
        done.report.capacity,
        CapacityState::Unconfirmed { capacity: 0 }
    );
    assert!(done.report.capacity_may_be_running());
    assert_eq!(done.clock.now(), 50_000);
    assert_eq!(done.server.desired(), Some(2));
}

#[test]
fn a_journal_cut_during_the_teardown_shows_it_pending_and_the_resumed_one_goes_on() {
    let mut case = Case::new();
    case.server.script(
        "SetDesiredCapacity:0",
        vec![error(400, "ValidationError", "rejected"); 2],
    );
    case.stop_at(15_000);
    let done = case.run();
    // The page was reloaded while the teardown waited after its first attempt.
    let cut = done
        .events
        .iter()
        .position(|e| matches!(e, Event::TeardownRetry(_)))
        .expect("a retry");
    let journal = done.events[..=cut].to_vec();
    let summary = JournalSummary::of(&journal);
    assert!(!summary.ended());
    assert!(summary.capacity_may_be_running());
    let pending = summary.pending_teardown.clone().expect("pending");
    assert_eq!(
        (pending.cause, pending.target, pending.attempts),
        (TeardownCause::Stopped, 0, 1)
    );
    assert_eq!(done.clock.virtual_of(pending.since_ms), 15_000);
    assert_eq!(
        pending.next_attempt_ms.map(|t| done.clock.virtual_of(t)),
        Some(45_000)
    );
    assert_eq!(
        pending.last_error.as_ref().and_then(|e| e.code.as_deref()),
        Some("ValidationError")
    );

    // After the reload (at 20 s, the domain still at 2), the page resumes it: the
    // attempts go on counting, and one more refusal is waited out at the ceiling.
    let clock = VirtualClock::new();
    clock.jump(20_000);
    let server = Server::new(clock.clone()).with_existing(2);
    server.script(
        "SetDesiredCapacity:0",
        vec![error(400, "ValidationError", "rejected")],
    );
    let mut sim = Sim::new(clock.clone());
    let resuming = client(&tutorial_settings(), &server);
    let first_no = manual::next_number(&journal);
    let (outcome, resumed) = sim.run(async move {
        let mut events = Vec::new();
        let outcome = resume_teardown(
            &resuming,
            &summary,
            &TeardownControl::new(),
            &mut manual::numbers_from(first_no),
            &mut |e| events.push(e.clone()),
        )
        .await;
        (outcome, events)
    });
    assert_eq!(outcome, Some(TeardownOutcome::Done));
    let Event::TeardownStarted(started) = &resumed[0] else {
        panic!("{:?}", resumed[0]);
    };
    assert!(started.resumed);
    let attempts: Vec<u32> = resumed
        .iter()
        .filter_map(|e| match e {
            Event::TeardownRetry(r) => Some(r.attempt),
            _ => None,
        })
        .collect();
    assert_eq!(attempts, [2], "numbered on from the interrupted one");
    let sets: Vec<u64> = server
        .log
        .borrow()
        .iter()
        .filter(|s| s.action == "SetDesiredCapacity" && s.at >= 20_000)
        .map(|s| s.at)
        .collect();
    assert_eq!(
        sets,
        [20_000, 50_000],
        "at once after the reload, then 30 s"
    );
    let mut whole = journal.clone();
    whole.extend(resumed.iter().cloned());
    let mid = JournalSummary::of(&whole[..journal.len() + 1]);
    assert_eq!(
        mid.pending_teardown
            .as_ref()
            .map(|p| (p.since_ms, p.attempts)),
        Some((pending.since_ms, 1)),
        "a resumption keeps the teardown's start and count"
    );
    let after = JournalSummary::of(&whole);
    assert_eq!(after.pending_teardown, None);
    assert_eq!(after.capacity, CapacityState::Confirmed { capacity: 0 });
    assert!(!after.capacity_may_be_running());
    assert_eq!(server.desired(), Some(0));
    // Nothing pending: resuming again does nothing.
    let mut sim = Sim::new(clock);
    let client = client(&tutorial_settings(), &server);
    let none = sim.run(async move {
        resume_teardown(
            &client,
            &after,
            &TeardownControl::new(),
            &mut manual::numbers_from(1),
            &mut |_| {},
        )
        .await
    });
    assert_eq!(none, None);
}

#[test]
fn a_failed_final_capacity_tears_down_even_with_continue() {
    let mut case = Case::new();
    case.options.on_step_failure = OnStepFailure::Continue;
    case.server.script(
        "SetDesiredCapacity:0",
        vec![error(400, "ValidationError", "rejected once")],
    );
    let done = case.run();
    assert_eq!(done.sets().last(), Some(&(90_000, 0)));
    assert_eq!(done.sets().len(), 6, "the final 0, then the teardown's 0");
    assert!(matches!(
        done.report.end,
        RunEnd::Failed {
            stage: Stage::End,
            ..
        }
    ));
    assert_eq!(
        done.teardowns(),
        [(TeardownCause::Failed, TeardownOutcome::Done)]
    );
}

#[test]
fn a_failed_domain_deletion_at_the_end_needs_no_teardown_after_a_confirmed_0() {
    let mut case = Case::new();
    case.settings.ramp.delete_domain = true;
    case.server.script(
        "DeleteAutoScalingGroup",
        vec![error(400, "ResourceInUse", "the domain is busy")],
    );
    let done = case.run();
    assert_eq!(done.sets(), TUTORIAL_SETS);
    assert!(matches!(
        done.report.end,
        RunEnd::Failed {
            stage: Stage::End,
            ..
        }
    ));
    assert_eq!(
        done.teardowns(),
        [(
            TeardownCause::Failed,
            TeardownOutcome::Skipped {
                reason: TeardownSkip::AlreadyZero
            }
        )]
    );
    assert!(!done.report.capacity_may_be_running());
}

#[test]
fn the_stop_signal_wakes_any_executor_even_from_another_thread() {
    let stop = StopHandle::new();
    let remote = stop.clone();
    let thread = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(20));
        remote.stop()
    });
    futures::executor::block_on(stop.stopped());
    assert!(stop.is_stopped());
    assert!(thread.join().expect("joins"), "the first stop");
    assert!(!stop.stop(), "a second stop changes nothing");
    futures::executor::block_on(stop.stopped()); // resolves at once
}

#[test]
fn an_unexecutable_plan_is_rejected_before_any_request() {
    let mut case = Case::new();
    let mut plan = Plan::from_settings(&case.settings).expect("valid");
    plan.requests[0].at_ms = Some(0);
    case.plan = Some(plan);
    let done = case.run();
    assert!(done.log.is_empty());
    assert_eq!(
        done.report.end,
        RunEnd::Rejected {
            problem: PlanProblem::TimedNotCapacity { index: 0 }
        }
    );
}

#[test]
fn the_secret_never_reaches_the_journal() {
    let case = Case::new();
    case.server.script(
        "SetDesiredCapacity:2",
        vec![error(
            400,
            "IncompleteSignature",
            &format!("the secret was {SECRET}"),
        )],
    );
    let done = case.run();
    let journal = Journal {
        events: done.events.clone(),
    };
    let json = journal.to_json().expect("serializes");
    assert!(
        json.contains("<redacted>"),
        "the server's echo is in, redacted"
    );
    assert!(!json.contains(SECRET));
    assert!(!format!("{:?}", done.events).contains(SECRET));
}

// ---------------------------------------------------------------------------------------
// Monitor.

#[test]
fn the_monitor_counts_instances_at_its_interval_and_stops_with_the_run() {
    let mut case = Case::new().latency(100);
    case.settings.clouds = vec![
        CloudSettings::new("hotel", 2),
        CloudSettings::new("sierra", 2),
    ];
    case.options.monitor_interval_ms = 4_000;
    let done = case.run();
    let start = done.ramp_start();
    assert_eq!(start, 200);
    let snapshots: Vec<(u64, &MonitorResult)> = done
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Monitor(m) => Some((m.offset_ms, &m.result)),
            _ => None,
        })
        .collect();
    let offsets: Vec<u64> = snapshots.iter().map(|s| s.0).collect();
    let expected: Vec<u64> = (1..=22).map(|k| k * 4_000 + 100).collect();
    assert_eq!(
        offsets, expected,
        "every 4 s from the ramp's start, until the end at 90 s"
    );
    let count = |at: u64| -> Vec<(String, String, InstanceState, u32)> {
        match snapshots.iter().find(|s| s.0 == at).map(|s| s.1) {
            Some(MonitorResult::Domain { counts, .. }) => counts
                .iter()
                .map(|c| (c.cloud.clone(), c.state.clone(), c.category, c.count))
                .collect(),
            other => panic!("{other:?}"),
        }
    };
    let row =
        |cloud: &str, state: &str, category, n| (cloud.to_string(), state.to_string(), category, n);
    // 12 s: the first VM runs, the second (10 s) is booting.
    assert_eq!(
        count(12_100),
        [
            row("hotel", "400-PENDING", InstanceState::Pending, 1),
            row("hotel", "600-RUNNING", InstanceState::Running, 1)
        ]
    );
    // 24 s: hotel is full (2), the third VM (20 s) boots on sierra.
    assert_eq!(
        count(24_100),
        [
            row("hotel", "600-RUNNING", InstanceState::Running, 2),
            row("sierra", "400-PENDING", InstanceState::Pending, 1)
        ]
    );
    assert!(matches!(
        snapshots[9].1,
        MonitorResult::Domain {
            desired_capacity: Some(4),
            instances: 4,
            ..
        }
    ));
    // Nothing described after the final capacity; the last snapshot precedes the end.
    let end_sent = done.sets().last().expect("final").0;
    assert!(done
        .log
        .iter()
        .filter(|s| s.action == "DescribeAutoScalingGroups")
        .all(|s| s.at < end_sent));
    let monitor_describes = done
        .log
        .iter()
        .filter(|s| s.action == "DescribeAutoScalingGroups" && s.at >= start)
        .count();
    assert_eq!(monitor_describes, 22);
    assert_eq!(
        sets_from(&done.sets(), start),
        TUTORIAL_SETS,
        "the monitor does not disturb the ramp"
    );
}

#[test]
fn a_failing_monitor_is_recorded_and_does_not_stop_the_run() {
    let mut case = Case::new();
    case.options.monitor_interval_ms = 40_000;
    // After the setup: the first monitor describe fails for good (three attempts).
    let server = case.server.clone();
    case.sim.at(39_000, move || {
        server.script(
            "DescribeAutoScalingGroups",
            vec![error(400, "Throttling", "Rate exceeded"); 3],
        )
    });
    let done = case.run();
    let results: Vec<&MonitorResult> = done
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Monitor(m) => Some(&m.result),
            _ => None,
        })
        .collect();
    assert_eq!(results.len(), 2, "at 40 s and 80 s");
    match results[0] {
        MonitorResult::Failed { error, attempts } => {
            assert_eq!(*attempts, 3);
            assert_eq!(error.code.as_deref(), Some("Throttling"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        results[1],
        MonitorResult::Domain { instances: 4, .. }
    ));
    assert_eq!(done.report.end, RunEnd::Completed);
    assert_eq!(done.sets(), TUTORIAL_SETS);
}

#[test]
fn instance_states_are_counted_by_cloud_and_state_in_both_dialects() {
    let vm = |zone: &str, state: &str| Instance {
        availability_zone: zone.into(),
        lifecycle_state: state.into(),
        ..Instance::default()
    };
    let counts = count_instances(&[
        vm("us-east-1a", "InService"),
        vm("us-east-1a", "Pending:Wait"),
        vm("us-east-1a", "InService"),
        vm("hotel", "850-FAILED"),
        vm("hotel", "700-RUNNING_FAILED"),
        vm("hotel", "800-TERMINATING"),
        vm("sierra", "900-TERMINATED"),
        vm("us-east-1b", "Terminating:Wait"),
        vm("us-east-1b", "Standby"),
    ]);
    let rows: Vec<(&str, &str, InstanceState, u32)> = counts
        .iter()
        .map(|c| (c.cloud.as_str(), c.state.as_str(), c.category, c.count))
        .collect();
    assert_eq!(
        rows,
        [
            ("hotel", "700-RUNNING_FAILED", InstanceState::Failed, 1),
            ("hotel", "800-TERMINATING", InstanceState::Terminating, 1),
            ("hotel", "850-FAILED", InstanceState::Failed, 1),
            ("sierra", "900-TERMINATED", InstanceState::Terminated, 1),
            ("us-east-1a", "InService", InstanceState::Running, 2),
            ("us-east-1a", "Pending:Wait", InstanceState::Pending, 1),
            ("us-east-1b", "Standby", InstanceState::Other, 1),
            (
                "us-east-1b",
                "Terminating:Wait",
                InstanceState::Terminating,
                1
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// The journal after a page reload.

#[test]
fn the_journal_summary_of_a_journal_cut_at_several_points() {
    let done = Case::new().latency(200).run();
    let events = &done.events;
    let position = |pred: &dyn Fn(&Event) -> bool| events.iter().position(pred).expect("found");

    // Only the start: nothing asked for, every step remains.
    let s = JournalSummary::of(&events[..1]);
    assert!(!s.ended());
    assert_eq!(s.domain.as_deref(), Some("my_domain"));
    assert_eq!(
        (s.capacity, s.last_capacity_requested),
        (CapacityState::Untouched, None)
    );
    assert!(!s.capacity_may_be_running());
    let all: Vec<(u64, u32)> = s
        .remaining_steps()
        .iter()
        .map(|r| (r.at_ms, r.capacity))
        .collect();
    assert_eq!(all, TUTORIAL_SETS);

    // Cut while SetDesiredCapacity 2 is in flight.
    let sent2 = position(
        &|e| matches!(e, Event::RequestSent(r) if r.target == Target::Capacity { domain: "my_domain".into(), capacity: 2 }),
    );
    let s = JournalSummary::of(&events[..=sent2]);
    assert!(!s.ended());
    assert_eq!(s.capacity, CapacityState::Unconfirmed { capacity: 2 });
    assert_eq!(s.last_capacity_requested, Some(2));
    assert_eq!(s.in_flight.len(), 1);
    assert!(s.capacity_may_be_running(), "offer scale to 0");
    let rest: Vec<usize> = s.remaining_steps().iter().map(|r| r.index).collect();
    assert_eq!(rest, [2, 3, 4]);
    assert!(s.ramp_started_ms.is_some());

    // Its answer arrived.
    let s = JournalSummary::of(&events[..=sent2 + 1]);
    assert_eq!(s.capacity, CapacityState::Confirmed { capacity: 2 });
    assert!(s.in_flight.is_empty());

    // Cut after the final step fired, before the run finished.
    let last_step = position(&|e| matches!(e, Event::RampStep(r) if r.phase == Phase::End));
    let s = JournalSummary::of(&events[..=last_step]);
    assert!(!s.ended());
    assert!(s.remaining_steps().is_empty());
    assert_eq!(s.capacity, CapacityState::Confirmed { capacity: 4 });

    // The whole journal.
    let s = JournalSummary::of(events);
    assert!(s.ended());
    assert_eq!(
        s.finished.as_ref().map(|r| &r.end),
        Some(&RunEnd::Completed)
    );
    assert_eq!(s.last_capacity_requested, Some(0));
    assert!(!s.capacity_may_be_running());

    // Stored and read back after a reload: the same events, the same summary.
    let journal = Journal {
        events: events[..=sent2].to_vec(),
    };
    let json = journal.to_json().expect("serializes");
    let back = Journal::from_json(&json).expect("reads");
    assert_eq!(back, journal);
    assert_eq!(back.summary(), JournalSummary::of(&events[..=sent2]));
    assert!(json.len() < 8_000, "compact: {} bytes", json.len());
}

#[test]
fn superseded_and_stopped_steps_in_the_summary() {
    // Late wake-up: superseded steps do not remain.
    let mut case = Case::new();
    let clock = case.clock.clone();
    case.sim.at(12_000, move || clock.jump(25_000));
    case.stop_at(50_000);
    let done = case.run();
    let s = JournalSummary::of(&done.events);
    assert!(s.ended() && s.stop_requested);
    let rest: Vec<(usize, Phase)> = s
        .remaining_steps()
        .iter()
        .map(|r| (r.index, r.phase))
        .collect();
    assert_eq!(rest, [(4, Phase::End)]);
    assert_eq!(s.capacity, CapacityState::Confirmed { capacity: 0 });
    assert_eq!(s.last_capacity_requested, Some(0));

    // A journal cut after the stop, before the teardown answered: capacity may run.
    let stop = done
        .events
        .iter()
        .position(|e| matches!(e, Event::StopRequested(_)))
        .expect("stop");
    let teardown_sent = done.events[stop..]
        .iter()
        .position(|e| matches!(e, Event::RequestSent(_)))
        .expect("teardown sent")
        + stop;
    let s = JournalSummary::of(&done.events[..=teardown_sent]);
    assert!(!s.ended());
    assert_eq!(s.capacity, CapacityState::Unconfirmed { capacity: 0 });
    assert!(s.capacity_may_be_running());
}

#[test]
fn a_journal_from_a_newer_app_or_garbage_is_refused() {
    assert!(Journal::from_json("not json").is_err());
    let done = Case::new().run();
    let mut journal = Journal {
        events: done.events.clone(),
    };
    if let Some(Event::RunStarted(s)) = journal.events.first_mut() {
        s.version = 99;
    }
    let json = journal.to_json().expect("serializes");
    assert!(Journal::from_json(&json).is_err());
}

// The options are part of the journal: an old journal without them still reads.
#[test]
fn run_options_default_when_missing() {
    let options: RunOptions = serde_json::from_str("{}").expect("reads");
    assert_eq!(options, RunOptions::default());
    assert_eq!(options.monitor_interval_ms, 3_000);
    assert_eq!(options.on_step_failure, OnStepFailure::StopAndTearDown);
    assert!(!options.leave_running);
}

// ---- Resuming the remaining steps after a page reload -------------------------------

/// The tutorial run's journal cut right after the ramp step that set `capacity` (as a page
/// reload leaves it: no teardown, no RunFinished), and the plan it ran.
fn interrupted_after(capacity: u32) -> (Vec<Event>, Plan) {
    let done = Case::new().run();
    let cut = done
        .events
        .iter()
        .position(|e| matches!(e, Event::RampStep(s) if s.capacity == capacity))
        .expect("that step");
    let plan = Plan::from_settings(&tutorial_settings()).expect("plan");
    (done.events[..=cut].to_vec(), plan)
}

/// Resumes `events` `jump_ms` after virtual time 0 on a server whose domain runs
/// `running` VMs.
fn resume_case(events: &[Event], plan: &Plan, jump_ms: u64, running: u32) -> Case {
    let summary = JournalSummary::of(events);
    let (resumed, resume) = resume_plan(plan, &summary).expect("resumable");
    let mut case = Case::new();
    case.server = case.server.with_existing(running);
    case.plan = Some(resumed);
    case.options.resume = Some(resume);
    case.clock.jump(jump_ms);
    case
}

#[test]
fn a_resumed_run_keeps_the_original_deadlines() {
    let (events, plan) = interrupted_after(2);
    let original = Case::new().run().ramp_start();
    // The page comes back 15 s after the ramp began: steps 3 and 4 are still ahead.
    let done = resume_case(&events, &plan, original + 15_000, 2).run();
    assert_eq!(done.report.end, RunEnd::Completed);
    assert_eq!(
        done.sets(),
        [
            (original + 20_000, 3),
            (original + 30_000, 4),
            (original + 90_000, 0)
        ]
    );
    assert!(done.ramp_steps().iter().all(|s| s.lateness_ms == 0));
    // No setup request is repeated.
    assert!(done.log.iter().all(|s| s.action == "SetDesiredCapacity"));
}

#[test]
fn a_late_resume_applies_only_the_newest_due_step() {
    let (events, plan) = interrupted_after(2);
    let original = Case::new().run().ramp_start();
    // Back 35 s in: capacity 3 (at 20 s) and 4 (at 30 s) are both due; only 4 is sent.
    let done = resume_case(&events, &plan, original + 35_000, 2).run();
    assert_eq!(
        done.sets(),
        [(original + 35_000, 4), (original + 90_000, 0)]
    );
    let steps = done.ramp_steps();
    assert_eq!(steps[0].capacity, 4);
    assert_eq!(steps[0].lateness_ms, 5_000);
    assert_eq!(steps[0].superseded.len(), 1);
    assert_eq!(steps[0].superseded[0].capacity, 3);
}

#[test]
fn stopping_a_resumed_run_tears_down_the_capacity_it_inherited() {
    let (events, plan) = interrupted_after(2);
    let original = Case::new().run().ramp_start();
    let mut case = resume_case(&events, &plan, original + 12_000, 2);
    // Stop before the resumed run sent anything: the interrupted run's 2 VMs still count.
    case.stop_at(original + 13_000);
    let done = case.run();
    assert_eq!(done.sets(), [(original + 13_000, 0)]);
    assert_eq!(
        done.teardowns(),
        [(TeardownCause::Stopped, TeardownOutcome::Done)]
    );
    assert_eq!(
        done.server
            .model
            .borrow()
            .domain
            .as_ref()
            .map(|d| d.desired),
        Some(0)
    );
    // A journal of the resumed run alone says the same after a second reload.
    let cut = &done.events[..1];
    assert!(JournalSummary::of(cut).capacity_may_be_running());
}

#[test]
fn resume_is_refused_when_there_is_nothing_sensible_to_resume() {
    let (events, plan) = interrupted_after(2);
    assert_eq!(
        resume_plan(&plan, &JournalSummary::of(&[])).err(),
        Some(ResumeProblem::NoRun)
    );
    let finished = Case::new().run();
    assert_eq!(
        resume_plan(&plan, &JournalSummary::of(&finished.events)).err(),
        Some(ResumeProblem::Ended)
    );
    let before_ramp: Vec<Event> = events
        .iter()
        .take_while(|e| !matches!(e, Event::RampStarted(_)))
        .cloned()
        .collect();
    assert_eq!(
        resume_plan(&plan, &JournalSummary::of(&before_ramp)).err(),
        Some(ResumeProblem::NoRamp)
    );
    let mut other = tutorial_settings();
    other.domain.name = "another_domain".into();
    let other_plan = Plan::from_settings(&other).expect("plan");
    assert!(matches!(
        resume_plan(&other_plan, &JournalSummary::of(&events)),
        Err(ResumeProblem::OtherDomain { .. })
    ));
    // Cut after the final step fired, before RunFinished: nothing remains.
    let all = Case::new().run().events;
    let last_step = all
        .iter()
        .rposition(|e| matches!(e, Event::RampStep(_)))
        .expect("a step");
    assert_eq!(
        resume_plan(&plan, &JournalSummary::of(&all[..=last_step])).err(),
        Some(ResumeProblem::NothingLeft)
    );
}
