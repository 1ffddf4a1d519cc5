//! Policies on virtual time against the scripted Phantom: follow a metric (within the
//! cooldowns, holding on a stale or unreadable metric), every rail (bounds, largest
//! change, cooldowns, no request when unchanged, run length), keep healthy replacing a
//! failed VM within its window, a person's policy with memory, faults that hold and
//! then end the run with a teardown, schedule windows across a daylight-saving change,
//! ticks that never drift, and Stop.

#[path = "support/query.rs"]
mod query;
#[path = "support/scripted_phantom.rs"]
mod scripted_phantom;
#[path = "support/scripted_policy.rs"]
mod scripted_policy;
#[path = "support/virtual_time.rs"]
mod virtual_time;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use phantom_de::engine::journal::{
    DecisionMade, DecisionOutcome, Event, RailNote, RunEnd, RunReport, TeardownCause,
};
use phantom_de::engine::policy::{Decide, Decision, Observation, PolicyFault, PolicyHost};
use phantom_de::engine::run::{run_with, RunControls};
use phantom_de::engine::{Plan, RunOptions};
use phantom_de::settings::{RampShape, Settings};
use scripted_phantom::{client, tutorial_settings, Sent, Server};
use scripted_policy::{Script, Scripted};
use virtual_time::{Sim, VirtualClock, EPOCH_MS};

// ---------------------------------------------------------------------------------------
// A host: a metric that follows virtual time, a scripted "custom" policy, two zones.

struct Host {
    clock: VirtualClock,
    /// The metric at a virtual time (ms since the run's start), or why it cannot be read.
    metric: Rc<dyn Fn(u64) -> Result<f64, String>>,
    custom: Option<Script>,
    /// Observations the custom policy saw.
    seen: Rc<RefCell<Vec<Observation>>>,
}

/// Test/Summer: UTC+1 until virtual 30 min, then UTC+2 (a spring-forward change).
const CHANGE_AT_MS: f64 = EPOCH_MS + 1_800_000.0;

impl PolicyHost for Host {
    fn read_metric<'a>(
        &'a self,
        _url: &'a str,
        _pointer: &'a str,
    ) -> LocalBoxFuture<'a, Result<f64, String>> {
        let v = (self.metric)(self.clock.now());
        Box::pin(async move { v })
    }

    fn start_custom<'a>(
        &'a self,
        _code: &'a str,
        _limit_ms: u32,
    ) -> LocalBoxFuture<'a, Result<Box<dyn Decide + 'a>, PolicyFault>> {
        let made: Result<Box<dyn Decide + 'a>, PolicyFault> = match &self.custom {
            Some(script) => Ok(Box::new(Scripted {
                script: script.clone(),
                seen: self.seen.clone(),
            })),
            None => Err(PolicyFault::Unavailable {
                message: "no sandbox".into(),
            }),
        };
        Box::pin(async move { made })
    }

    fn utc_offset_minutes(&self, zone: &str, utc_ms: f64) -> Option<i32> {
        match zone {
            "UTC" => Some(0),
            "Test/Summer" => Some(if utc_ms < CHANGE_AT_MS { 60 } else { 120 }),
            _ => None,
        }
    }
}

struct Case {
    settings: Settings,
    clock: VirtualClock,
    server: Rc<Server>,
    sim: Sim,
    controls: RunControls,
    host: Host,
}

struct Done {
    events: Vec<Event>,
    report: RunReport,
    log: Vec<Sent>,
    server: Rc<Server>,
    seen: Vec<Observation>,
    ramp_start: u64,
}

impl Case {
    fn new(shape: RampShape) -> Self {
        let clock = VirtualClock::new();
        let mut settings = tutorial_settings();
        settings.ramp.shape = shape;
        let p = &mut settings.ramp.policy;
        p.every = "5".into();
        p.run_for = "120".into();
        p.min_capacity = "0".into();
        p.max_capacity = "8".into();
        p.up_cooldown = "0".into();
        p.down_cooldown = "0".into();
        p.metric_per_vm = "10".into();
        p.metric_max_age = "30".into();
        p.zone = "UTC".into();
        p.code = "function decide(o) { return { capacity: 1, reason: 'x' } }".into();
        Self {
            settings,
            server: Server::new(clock.clone()),
            sim: Sim::new(clock.clone()),
            host: Host {
                clock: clock.clone(),
                metric: Rc::new(|_| Ok(0.0)),
                custom: None,
                seen: Rc::default(),
            },
            clock,
            controls: RunControls::new(),
        }
    }

    fn metric(mut self, f: impl Fn(u64) -> Result<f64, String> + 'static) -> Self {
        self.host.metric = Rc::new(f);
        self
    }

    fn custom(
        mut self,
        f: impl Fn(&Observation) -> Result<Decision, PolicyFault> + 'static,
    ) -> Self {
        self.host.custom = Some(Rc::new(f));
        self
    }

    fn set(mut self, edit: impl FnOnce(&mut Settings)) -> Self {
        edit(&mut self.settings);
        self
    }

    fn run(mut self) -> Done {
        let plan = Plan::from_settings(&self.settings).expect("valid settings");
        let client = client(&self.settings, &self.server);
        let events = Rc::new(RefCell::new(Vec::new()));
        let sink = events.clone();
        let options = RunOptions {
            monitor_interval_ms: 0,
            ..RunOptions::default()
        };
        let controls = self.controls.clone();
        let seen = self.host.seen.clone();
        let host = self.host;
        let report = self.sim.run(async move {
            let mut on_event = |e: &Event| sink.borrow_mut().push(e.clone());
            run_with(&client, &plan, &options, &controls, &host, &mut on_event).await
        });
        let events: Vec<Event> = events.take();
        let ramp_start = events
            .iter()
            .find_map(|e| match e {
                Event::RampStarted(r) => Some(self.clock.virtual_of(r.at_ms)),
                _ => None,
            })
            .unwrap_or(0);
        assert_eq!(self.clock.pending_timers(), 0, "no timer outlives the run");
        let seen = seen.take();
        Done {
            events,
            report,
            log: self.server.log.take(),
            server: self.server,
            seen,
            ramp_start,
        }
    }
}

impl Done {
    /// (seconds after the ramp's start, capacity) of every SetDesiredCapacity.
    fn sets(&self) -> Vec<(u64, u32)> {
        self.log
            .iter()
            .filter(|s| s.action == "SetDesiredCapacity")
            .map(|s| ((s.at - self.ramp_start) / 1000, s.capacity().unwrap()))
            .collect()
    }

    fn decisions(&self) -> Vec<&DecisionMade> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Decision(d) => Some(d),
                _ => None,
            })
            .collect()
    }

    fn reasons(&self) -> Vec<String> {
        self.decisions()
            .iter()
            .map(|d| match &d.outcome {
                DecisionOutcome::Decided { reason, .. } => reason.clone(),
                DecisionOutcome::Fault { message, .. } => format!("fault: {message}"),
            })
            .collect()
    }

    fn terminations(&self) -> Vec<(String, String)> {
        self.log
            .iter()
            .filter(|s| s.action == "TerminateInstanceInAutoScalingGroup")
            .map(|s| {
                (
                    s.param("InstanceId").unwrap_or_default().to_string(),
                    s.param("ShouldDecrementDesiredCapacity")
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Follow a metric.

#[test]
fn capacity_follows_the_metric_and_ends_at_the_final_capacity() {
    // 0 for 20 s, 35 until 60 s, then 12: ceil(35 / 10) = 4, ceil(12 / 10) = 2.
    let done = Case::new(RampShape::FollowMetric)
        .metric(|t| {
            Ok(if t < 20_000 {
                0.0
            } else if t < 60_000 {
                35.0
            } else {
                12.0
            })
        })
        .run();
    assert_eq!(done.report.end, RunEnd::Completed);
    // The first decision at 0 s keeps 0 (the new domain's capacity): no request.
    assert_eq!(done.sets(), vec![(20, 4), (60, 2), (120, 0)]);
    let d = done.decisions();
    assert_eq!(d.len(), 24, "one decision every 5 s for 120 s");
    assert!(d.iter().all(|d| d.offset_ms % 5_000 == 0));
    assert!(
        done.reasons()[4].contains("metric 35 ÷ 10 per VM → 4"),
        "{:?}",
        done.reasons()[4]
    );
}

#[test]
fn cooldowns_hold_changes_back_each_in_its_direction() {
    // Up at 10 s (to 4), down wanted from 20 s but the 30 s down cooldown holds it to
    // 40 s; up again wanted at 45 s, the 15 s up cooldown holds it to 55 s.
    let done = Case::new(RampShape::FollowMetric)
        .set(|s| {
            s.ramp.policy.up_cooldown = "15".into();
            s.ramp.policy.down_cooldown = "30".into();
            s.ramp.policy.run_for = "70".into();
        })
        .metric(|t| {
            Ok(match t {
                t if t < 10_000 => 0.0,
                t if t < 20_000 => 40.0,
                t if t < 45_000 => 10.0,
                _ => 80.0,
            })
        })
        .run();
    assert_eq!(done.sets(), vec![(10, 4), (40, 1), (55, 8), (70, 0)]);
    let held: Vec<(u64, &str)> = done
        .decisions()
        .iter()
        .filter_map(|d| match &d.outcome {
            DecisionOutcome::Decided { rails, .. } => rails.iter().find_map(|r| match r {
                RailNote::CoolingDown { direction, .. } => Some((
                    d.offset_ms / 1000,
                    match direction {
                        phantom_de::engine::journal::Direction::Up => "up",
                        phantom_de::engine::journal::Direction::Down => "down",
                    },
                )),
                _ => None,
            }),
            _ => None,
        })
        .collect();
    assert_eq!(
        held,
        vec![
            (20, "down"),
            (25, "down"),
            (30, "down"),
            (35, "down"),
            (45, "up"),
            (50, "up")
        ]
    );
}

#[test]
fn bounds_and_the_largest_change_hold_whatever_the_metric_says() {
    let done = Case::new(RampShape::FollowMetric)
        .set(|s| {
            s.ramp.policy.min_capacity = "1".into();
            s.ramp.policy.max_capacity = "5".into();
            s.ramp.policy.max_change = "2".into();
            s.ramp.policy.run_for = "30".into();
        })
        .metric(|t| Ok(if t < 15_000 { 1000.0 } else { 0.0 }))
        .run();
    // 100 wanted: lowered to 5, limited to 0+2, then 4, then 5; 0 wanted: raised to 1,
    // limited to 5-2 = 3, then 1.
    assert_eq!(
        done.sets(),
        vec![(0, 2), (5, 4), (10, 5), (15, 3), (20, 1), (30, 0)]
    );
    let notes = match &done.decisions()[0].outcome {
        DecisionOutcome::Decided { rails, .. } => rails.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        notes,
        vec![
            RailNote::LoweredToMaximum { asked: 100, max: 5 },
            RailNote::ChangeLimited {
                asked: 5,
                to: 2,
                max_change: 2
            }
        ]
    );
}

#[test]
fn a_stale_or_unreadable_metric_holds_and_says_why() {
    // Readable until 20 s (25 → 3), then the source fails: held at 3 with the reason,
    // and once the last value is over 30 s old the log says it is too old.
    let done = Case::new(RampShape::FollowMetric)
        .set(|s| s.ramp.policy.run_for = "60".into())
        .metric(|t| {
            if t < 20_000 {
                Ok(25.0)
            } else {
                Err("HTTP 503".into())
            }
        })
        .run();
    assert_eq!(done.sets(), vec![(0, 3), (60, 0)]);
    let reasons = done.reasons();
    assert!(reasons[5].starts_with("metric 25"), "{}", reasons[5]);
    let stale = reasons
        .iter()
        .position(|r| r.contains("older than 30 s"))
        .unwrap();
    assert_eq!(done.decisions()[stale].offset_ms, 50_000, "{reasons:?}");
    assert!(reasons[stale].contains("HTTP 503"));
    assert_eq!(done.decisions()[stale].observed.metric, Some(25.0));
}

#[test]
fn a_metric_never_read_holds_from_the_start() {
    let done = Case::new(RampShape::FollowMetric)
        .set(|s| s.ramp.policy.run_for = "10".into())
        .metric(|_| Err("not a number at /queue/length".into()))
        .run();
    assert_eq!(done.sets(), vec![(10, 0)]);
    assert!(done.reasons()[0].contains("no metric yet (not a number at /queue/length)"));
}

// ---------------------------------------------------------------------------------------
// Ticks.

#[test]
fn ticks_keep_their_absolute_times_under_latency() {
    let case = Case::new(RampShape::FollowMetric)
        .set(|s| s.ramp.policy.run_for = "60".into())
        .metric(|t| Ok((t / 1000) as f64));
    case.server.latency_ms.set(700);
    let done = case.run();
    let offsets: Vec<u64> = done.decisions().iter().map(|d| d.offset_ms).collect();
    assert_eq!(offsets, (0..12).map(|k| k * 5_000).collect::<Vec<_>>());
    // A describe and a set of 700 ms each never push the next tick later.
    assert!(done.decisions().iter().all(|d| d.lateness_ms == 0));
}

#[test]
fn ticks_missed_by_a_slow_answer_are_dropped_not_bunched() {
    let case = Case::new(RampShape::FollowMetric)
        .set(|s| s.ramp.policy.run_for = "60".into())
        .metric(|_| Ok(10.0));
    case.server.latency("DescribeAutoScalingGroups", 12_000);
    let done = case.run();
    let offsets: Vec<u64> = done.decisions().iter().map(|d| d.offset_ms).collect();
    // Each look takes 12 s: decisions at 0, 15, 30, 45 s (5 and 10 s were missed).
    assert_eq!(offsets, vec![0, 15_000, 30_000, 45_000]);
}

// ---------------------------------------------------------------------------------------
// A person's policy (scripted here; the sandbox is the browser's).

#[test]
fn memory_carries_from_one_decision_to_the_next() {
    let done = Case::new(RampShape::Custom)
        .set(|s| {
            s.ramp.policy.run_for = "20".into();
            s.ramp.policy.metric_url = String::new();
        })
        .custom(|o| {
            let n = o.memory.get("n").and_then(|n| n.as_u64()).unwrap_or(0);
            let mut d = Decision::set(n as u32, format!("tick {n}"));
            d.memory = Some(serde_json::json!({ "n": n + 1 }));
            Ok(d)
        })
        .run();
    assert_eq!(done.sets(), vec![(5, 1), (10, 2), (15, 3), (20, 0)]);
    let memories: Vec<String> = done.seen.iter().map(|o| o.memory.to_string()).collect();
    assert_eq!(memories, ["{}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}"]);
    // What the code sees: the contract's fields.
    let json: serde_json::Value = serde_json::from_str(&done.seen[2].to_json()).unwrap();
    for field in [
        "elapsed_s",
        "desired",
        "running",
        "pending",
        "failed",
        "memory",
    ] {
        assert!(json.get(field).is_some(), "{field} in {json}");
    }
    assert_eq!(json["metric"], serde_json::Value::Null);
    assert_eq!(json["desired"], 1);
    assert_eq!(json["elapsed_s"], 10.0);
}

#[test]
fn a_fault_holds_and_three_in_a_row_end_the_run_with_a_teardown() {
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    let done = Case::new(RampShape::Custom)
        .custom(move |o| {
            c.set(c.get() + 1);
            match o.elapsed_s as u64 {
                0 => Ok(Decision::set(3, "start")),
                5 => Err(PolicyFault::TimedOut { limit_ms: 250 }),
                10 => Ok(Decision::set(3, "fine again")),
                _ => Err(PolicyFault::Threw {
                    message: "TypeError: o.queue is undefined".into(),
                    line: Some(4),
                }),
            }
        })
        .run();
    assert_eq!(calls.get(), 6);
    assert!(
        matches!(done.report.end, RunEnd::Failed { .. }),
        "{:?}",
        done.report.end
    );
    // 3 at 0 s, then the teardown's 0 after the third fault in a row (at 25 s).
    assert_eq!(done.sets(), vec![(0, 3), (25, 0)]);
    let faults: Vec<u32> = done
        .decisions()
        .iter()
        .filter_map(|d| match &d.outcome {
            DecisionOutcome::Fault {
                consecutive, line, ..
            } => {
                assert!(line.is_none() || *line == Some(4));
                Some(*consecutive)
            }
            _ => None,
        })
        .collect();
    assert_eq!(faults, vec![1, 1, 2, 3]);
    assert!(done.events.iter().any(|e| matches!(e,
        Event::TeardownStarted(t) if t.cause == TeardownCause::Failed)));
    assert_eq!(done.server.desired(), Some(0));
}

#[test]
fn a_malformed_answer_is_a_fault_with_its_message() {
    let done = Case::new(RampShape::Custom)
        .set(|s| s.ramp.policy.run_for = "5".into())
        .custom(|_| Decision::from_json(r#"{"capacity":"two","reason":"x"}"#))
        .run();
    assert_eq!(
        done.reasons(),
        ["fault: decide returned a malformed result: capacity is a string, not a whole number"]
    );
}

#[test]
fn a_custom_policy_without_a_sandbox_fails_before_any_capacity() {
    let done = Case::new(RampShape::Custom).run();
    match &done.report.end {
        RunEnd::Failed { reason, .. } => {
            assert!(reason.contains("Custom policy could not start"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert!(done.sets().is_empty());
}

// ---------------------------------------------------------------------------------------
// Keep healthy.

#[test]
fn keep_healthy_replaces_a_failed_vm_without_lowering_the_capacity() {
    let mut case = Case::new(RampShape::KeepHealthy).set(|s| {
        s.ramp.policy.healthy_capacity = "2".into();
        s.ramp.policy.max_replacements = "1".into();
        s.ramp.policy.replacement_window = "60".into();
        s.ramp.policy.run_for = "60".into();
    });
    let server = case.server.clone();
    // Both VMs fail at about 12 s (ramp time ~ 12 s).
    case.sim.at(12_000, move || {
        server.fail_vm(0);
        server.fail_vm(1);
    });
    let done = case.run();
    assert_eq!(done.sets(), vec![(0, 2), (60, 0)]);
    // One replacement per 60 s window: the first failed VM at 15 s, the second waits.
    assert_eq!(
        done.terminations(),
        vec![("i-000001".to_string(), "false".to_string())]
    );
    let limited = done.decisions().iter().any(|d| {
        matches!(&d.outcome,
        DecisionOutcome::Decided { rails, .. }
            if rails.iter().any(|r| matches!(r, RailNote::ReplacementsLimited { allowed: 0, .. })))
    });
    assert!(limited);
}

// ---------------------------------------------------------------------------------------
// Schedule windows.

#[test]
fn a_schedule_window_follows_the_local_clock_across_a_daylight_saving_change() {
    // The virtual epoch is 2026-01-02T03:04:05Z, a Friday. Test/Summer is UTC+1 until
    // 03:34:05Z, then UTC+2: the local clock jumps from 04:34 to 05:34. The window
    // 04:20–05:40 local opens at 20 min and closes at 40 min (05:44 local); without the
    // change it would have stayed open until 80 min.
    let done = Case::new(RampShape::Schedule)
        .set(|s| {
            let p = &mut s.ramp.policy;
            p.zone = "Test/Summer".into();
            p.days = "Fri".into();
            p.window_from = "04:20".into();
            p.window_to = "05:40".into();
            p.inside_capacity = "3".into();
            p.outside_capacity = "1".into();
            p.every = "300".into();
            p.run_for = "3000".into();
        })
        .run();
    let reasons = done.reasons();
    assert!(
        reasons[0].starts_with("Fri 04:04: outside Fri 04:20–05:40 Test/Summer"),
        "{reasons:?}"
    );
    assert!(
        reasons[6].starts_with("Fri 05:34: inside"),
        "{}",
        reasons[6]
    );
    assert!(
        reasons[8].starts_with("Fri 05:44: outside"),
        "{}",
        reasons[8]
    );
    assert_eq!(done.sets(), vec![(0, 1), (1200, 3), (2400, 1), (3000, 0)]);
}

#[test]
fn an_unknown_zone_holds() {
    let done = Case::new(RampShape::Schedule)
        .set(|s| {
            s.ramp.policy.zone = "Mars/Olympus".into();
            s.ramp.policy.run_for = "5".into();
        })
        .run();
    assert_eq!(
        done.reasons(),
        ["holding: time zone Mars/Olympus is unknown here"]
    );
    assert_eq!(done.sets(), vec![(5, 0)]);
}

// ---------------------------------------------------------------------------------------
// Stop.

#[test]
fn stop_during_a_policy_tears_down() {
    let mut case = Case::new(RampShape::FollowMetric).metric(|_| Ok(30.0));
    let stop = case.controls.stop.clone();
    case.sim.at(33_000, move || {
        stop.stop();
    });
    let done = case.run();
    assert!(matches!(done.report.end, RunEnd::Stopped { .. }));
    assert_eq!(done.sets().last().map(|s| s.1), Some(0));
    assert_eq!(done.server.desired(), Some(0));
}
