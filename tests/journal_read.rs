//! The journal's hand-written reader (`engine::journal::read`): every variant of every
//! journal type reads back what `derive(Serialize)` writes, older shapes still read
//! (missing defaults, `null` options, unknown fields), and what cannot be read says where.

use phantom_de::api::ErrorClass;
use phantom_de::engine::journal::*;
use phantom_de::engine::{OnStepFailure, Phase, RecoveryRecord, Resume, RunOptions};

const T0: f64 = 1_767_323_045_000.0;

fn error() -> ErrorInfo {
    ErrorInfo {
        code: Some("Throttling".into()),
        message: "Throttling (HTTP 400): slow down".into(),
        class: ErrorClass::Retryable,
        status: Some(400),
        request_id: Some("req-1".into()),
        hint: "Try again.".into(),
    }
}

fn bare_error(class: ErrorClass) -> ErrorInfo {
    ErrorInfo {
        code: None,
        message: "no answer".into(),
        class,
        status: None,
        request_id: None,
        hint: String::new(),
    }
}

fn targets() -> Vec<Target> {
    vec![
        Target::LaunchConfigurations,
        Target::LaunchConfiguration {
            name: "lc@hotel".into(),
            cloud: "hotel".into(),
        },
        Target::Domain {
            name: "my_domain".into(),
        },
        Target::NewDomain {
            name: "my_domain".into(),
            min_size: 0,
            max_size: 4,
            desired_capacity: Some(2),
        },
        Target::NewDomain {
            name: "my_domain".into(),
            min_size: 1,
            max_size: 4,
            desired_capacity: None,
        },
        Target::Capacity {
            domain: "my_domain".into(),
            capacity: 3,
        },
        Target::Other {
            detail: "TerminateInstanceInAutoScalingGroup i-1".into(),
        },
    ]
}

fn outcomes() -> Vec<Outcome> {
    vec![
        Outcome::Ok {
            request_id: Some("r".into()),
            detail: Some("listed".into()),
        },
        Outcome::Ok {
            request_id: None,
            detail: None,
        },
        Outcome::Skipped {
            reason: SkipReason::Listed,
            error: None,
        },
        Outcome::Skipped {
            reason: SkipReason::AlreadyExists,
            error: Some(bare_error(ErrorClass::AlreadyExists)),
        },
        Outcome::Skipped {
            reason: SkipReason::DomainMissing,
            error: None,
        },
        Outcome::Skipped {
            reason: SkipReason::DomainKept,
            error: None,
        },
        Outcome::Failed { error: error() },
        Outcome::Cancelled,
    ]
}

fn rails() -> Vec<RailNote> {
    vec![
        RailNote::RaisedToMinimum { asked: 0, min: 1 },
        RailNote::LoweredToMaximum { asked: 9, max: 4 },
        RailNote::ChangeLimited {
            asked: 9,
            to: 3,
            max_change: 2,
        },
        RailNote::CoolingDown {
            direction: Direction::Up,
            wanted: 3,
            remaining_ms: 2_000,
        },
        RailNote::CoolingDown {
            direction: Direction::Down,
            wanted: 1,
            remaining_ms: 1,
        },
        RailNote::ReplacementsLimited {
            asked: 3,
            allowed: 1,
        },
        RailNote::NotReplaced { id: "i-9".into() },
    ]
}

fn reports() -> Vec<RunReport> {
    let ends = [
        RunEnd::Completed,
        RunEnd::Stopped { stage: Stage::Ramp },
        RunEnd::Failed {
            stage: Stage::Domain,
            reason: "the domain could not be created".into(),
        },
        RunEnd::Rejected {
            problem: PlanProblem::NoDomain,
        },
        RunEnd::Rejected {
            problem: PlanProblem::TimedNotCapacity { index: 1 },
        },
        RunEnd::Rejected {
            problem: PlanProblem::OutOfOrder { index: 2 },
        },
        RunEnd::Rejected {
            problem: PlanProblem::OutOfPlace { index: 3 },
        },
    ];
    let capacities = [
        CapacityState::Untouched,
        CapacityState::Confirmed { capacity: 0 },
        CapacityState::Unconfirmed { capacity: 2 },
        CapacityState::Deleted,
    ];
    let teardowns = [
        None,
        Some(TeardownOutcome::Done),
        Some(TeardownOutcome::Skipped {
            reason: TeardownSkip::NoCapacityRequested,
        }),
        Some(TeardownOutcome::Skipped {
            reason: TeardownSkip::AlreadyZero,
        }),
        Some(TeardownOutcome::Skipped {
            reason: TeardownSkip::DomainDeleted,
        }),
        Some(TeardownOutcome::Skipped {
            reason: TeardownSkip::LeaveRunning,
        }),
        Some(TeardownOutcome::Abandoned {
            attempts: 3,
            last_error: Some(error()),
            last_desired: Some(2),
        }),
        Some(TeardownOutcome::Abandoned {
            attempts: 0,
            last_error: None,
            last_desired: None,
        }),
        Some(TeardownOutcome::Failed { error: error() }),
    ];
    let mut out = Vec::new();
    for (i, end) in ends.iter().enumerate() {
        out.push(RunReport {
            end: end.clone(),
            capacity: capacities[i % capacities.len()],
            teardown: teardowns[i % teardowns.len()].clone(),
            failed_steps: i as u32,
        });
    }
    for teardown in teardowns {
        out.push(RunReport {
            end: RunEnd::Completed,
            capacity: CapacityState::Deleted,
            teardown,
            failed_steps: 0,
        });
    }
    out
}

/// At least one event of every kind, every enum's every variant inside one of them.
fn every_event() -> Vec<Event> {
    let classes = [
        ErrorClass::Retryable,
        ErrorClass::ClockSkew,
        ErrorClass::Authentication,
        ErrorClass::AlreadyExists,
        ErrorClass::InvalidInput,
        ErrorClass::Other,
    ];
    let stages = [
        Stage::LaunchConfigurations,
        Stage::Domain,
        Stage::Ramp,
        Stage::End,
        Stage::Monitor,
        Stage::Teardown,
        Stage::Manual,
    ];
    let schedule = vec![
        ScheduledStep {
            index: 0,
            phase: Phase::Ramp,
            at_ms: 0,
            capacity: 1,
        },
        ScheduledStep {
            index: 1,
            phase: Phase::End,
            at_ms: 60_000,
            capacity: 0,
        },
    ];
    let mut events = vec![
        Event::RunStarted(RunStarted {
            version: JOURNAL_VERSION,
            at_ms: T0,
            domain: "my_domain".into(),
            launch_configurations: vec!["lc@hotel".into(), "lc@sierra".into()],
            replace_existing: true,
            schedule: schedule.clone(),
            delete_domain: false,
            planned_requests: 7,
            options: RunOptions::default(),
            policy: None,
        }),
        Event::RunStarted(RunStarted {
            version: JOURNAL_VERSION,
            at_ms: T0 + 0.5,
            domain: "d".into(),
            launch_configurations: vec![],
            replace_existing: false,
            schedule,
            delete_domain: true,
            planned_requests: 0,
            options: RunOptions {
                monitor_interval_ms: 1_000,
                on_step_failure: OnStepFailure::Continue,
                leave_running: true,
                domain_gone_timeout_ms: 5,
                domain_gone_poll_ms: 6,
                resume: Some(Resume {
                    ramp_started_ms: T0 - 1_000.0,
                    capacity: CapacityState::Confirmed { capacity: 2 },
                }),
            },
            policy: Some("Follow a metric".into()),
        }),
    ];
    for (no, target) in targets().into_iter().enumerate() {
        let stage = stages[no % stages.len()];
        events.push(Event::RequestSent(RequestSent {
            no: no as u32 + 1,
            stage,
            action: "SetDesiredCapacity".into(),
            target: target.clone(),
            at_ms: T0 + no as f64,
        }));
        for (k, outcome) in outcomes().into_iter().enumerate() {
            let attempts = if k % 2 == 0 {
                vec![]
            } else {
                vec![
                    AttemptRecord {
                        number: 1,
                        started_ms: T0,
                        duration_ms: 12.25,
                        status: Some(503),
                        error: Some(bare_error(classes[k % classes.len()])),
                        retry: Some(Retry::After { wait_ms: 1_000 }),
                    },
                    AttemptRecord {
                        number: 2,
                        started_ms: T0 + 1.0,
                        duration_ms: 3.0,
                        status: None,
                        error: Some(error()),
                        retry: Some(Retry::ClockCorrected { seconds: -300 }),
                    },
                    AttemptRecord {
                        number: 3,
                        started_ms: T0 + 2.0,
                        duration_ms: 3.0,
                        status: Some(400),
                        error: Some(error()),
                        retry: Some(Retry::GaveUp),
                    },
                    AttemptRecord {
                        number: 4,
                        started_ms: T0 + 3.0,
                        duration_ms: 0.0,
                        status: Some(200),
                        error: None,
                        retry: None,
                    },
                ]
            };
            events.push(Event::RequestDone(RequestDone {
                no: no as u32 + 1,
                stage: stages[(no + k) % stages.len()],
                action: "CreateLaunchConfiguration".into(),
                target: target.clone(),
                attempts,
                outcome,
                started_ms: T0,
                ended_ms: T0 + 10.0,
            }));
        }
    }
    events.push(Event::RampStarted(RampStarted {
        at_ms: T0,
        domain_created: true,
    }));
    events.push(Event::RampStep(RampStep {
        index: 0,
        phase: Phase::Ramp,
        capacity: 1,
        planned_offset_ms: 0,
        actual_offset_ms: 3,
        lateness_ms: 3,
        superseded: vec![],
        at_ms: T0 + 3.0,
    }));
    events.push(Event::RampStep(RampStep {
        index: 3,
        phase: Phase::End,
        capacity: 0,
        planned_offset_ms: 30_000,
        actual_offset_ms: 45_000,
        lateness_ms: 15_000,
        superseded: vec![SupersededStep {
            index: 2,
            planned_offset_ms: 20_000,
            capacity: 3,
            late_by_ms: 25_000,
        }],
        at_ms: T0 + 45_000.0,
    }));
    let states = [
        InstanceState::Pending,
        InstanceState::Running,
        InstanceState::Failed,
        InstanceState::Terminating,
        InstanceState::Terminated,
        InstanceState::Other,
    ];
    for result in [
        MonitorResult::Domain {
            desired_capacity: Some(3),
            instances: 6,
            counts: states
                .iter()
                .map(|&category| InstanceCount {
                    cloud: "hotel".into(),
                    state: format!("{category:?}"),
                    category,
                    count: 1,
                })
                .collect(),
        },
        MonitorResult::Domain {
            desired_capacity: None,
            instances: 0,
            counts: vec![],
        },
        MonitorResult::Missing,
        MonitorResult::Failed {
            error: error(),
            attempts: 4,
        },
    ] {
        events.push(Event::Monitor(MonitorSnapshot {
            at_ms: T0,
            offset_ms: 3_000,
            result,
        }));
    }
    for outcome in [
        DecisionOutcome::Decided {
            asked: Some(9),
            reason: "queue 90".into(),
            set: Some(4),
            replace: vec!["i-1".into()],
            rails: rails(),
        },
        DecisionOutcome::Decided {
            asked: None,
            reason: "hold".into(),
            set: None,
            replace: vec![],
            rails: vec![],
        },
        DecisionOutcome::Fault {
            message: "TypeError: x is undefined".into(),
            line: Some(3),
            consecutive: 2,
        },
        DecisionOutcome::Fault {
            message: "timeout".into(),
            line: None,
            consecutive: 1,
        },
    ] {
        events.push(Event::Decision(DecisionMade {
            at_ms: T0,
            tick: 7,
            offset_ms: 7_000,
            lateness_ms: 4,
            observed: ObservedBrief {
                desired: 3,
                running: 2,
                pending: 1,
                failed: 0,
                terminating: 1,
                metric: Some(90.5),
                metric_age_ms: Some(250),
                look_failed: Some("no answer".into()),
            },
            outcome,
        }));
    }
    events.push(Event::Decision(DecisionMade {
        at_ms: T0,
        tick: 0,
        offset_ms: 0,
        lateness_ms: 0,
        observed: ObservedBrief::default(),
        outcome: DecisionOutcome::Fault {
            message: "m".into(),
            line: None,
            consecutive: 1,
        },
    }));
    for stage in stages {
        events.push(Event::StopRequested(StopRequested { at_ms: T0, stage }));
    }
    for (cause, resumed) in [
        (TeardownCause::Stopped, false),
        (TeardownCause::Failed, true),
        (TeardownCause::ByHand, false),
    ] {
        events.push(Event::TeardownStarted(TeardownStarted {
            at_ms: T0,
            domain: "my_domain".into(),
            cause,
            target: 0,
            resumed,
        }));
    }
    events.push(Event::TeardownRetry(TeardownRetry {
        at_ms: T0,
        attempt: 2,
        error: error(),
        desired_capacity: Some(3),
        next_attempt_ms: T0 + 4_000.0,
    }));
    events.push(Event::TeardownRetry(TeardownRetry {
        at_ms: T0,
        attempt: 1,
        error: bare_error(ErrorClass::ClockSkew),
        desired_capacity: None,
        next_attempt_ms: T0 + 1_000.0,
    }));
    for report in reports() {
        if let Some(outcome) = report.teardown.clone() {
            events.push(Event::Teardown(Teardown {
                at_ms: T0,
                cause: TeardownCause::Stopped,
                target: 0,
                outcome,
            }));
        }
        events.push(Event::RunFinished(RunFinished { at_ms: T0, report }));
    }
    events.push(Event::Settled(Settled {
        at_ms: T0,
        capacity: 2,
        running: 2,
    }));
    events.push(Event::NotSettled(NotSettled {
        at_ms: T0,
        capacity: 0,
        desired_capacity: Some(1),
        running: Some(1),
        waited_ms: 600_000,
    }));
    events.push(Event::NotSettled(NotSettled {
        at_ms: T0,
        capacity: 0,
        desired_capacity: None,
        running: None,
        waited_ms: 600_000,
    }));
    events
}

#[test]
fn every_event_reads_back_what_is_written() {
    let journal = Journal {
        events: every_event(),
    };
    let json = journal.to_json().expect("serializes");
    let back = Journal::from_json(&json).expect("reads");
    assert_eq!(back, journal);
    // One by one, as IndexedDB keeps them, and through serde as other types hold them.
    for event in &journal.events {
        let text = serde_json::to_string(event).expect("json");
        assert_eq!(&Event::read_str(&text).expect("reads"), event, "{text}");
        let through_serde: Event = serde_json::from_str(&text).expect("serde");
        assert_eq!(&through_serde, event);
        // Written again, the same text: nothing is lost or added on the way.
        assert_eq!(serde_json::to_string(&through_serde).expect("json"), text);
    }
}

#[test]
fn a_summary_and_a_recovery_record_read_back() {
    let events = every_event();
    let mut summary = JournalSummary::of(&events[..40]);
    summary.pending_teardown = Some(PendingTeardown {
        domain: "my_domain".into(),
        target: 0,
        cause: TeardownCause::Failed,
        since_ms: T0,
        attempts: 2,
        last_error: Some(error()),
        next_attempt_ms: Some(T0 + 4_000.0),
    });
    summary.settled = Some(Settlement::NotSettled(NotSettled {
        at_ms: T0,
        capacity: 0,
        desired_capacity: None,
        running: Some(1),
        waited_ms: 1,
    }));
    // The run history's figures, set apart from what the 40 events give them.
    summary.peak_requested = 7;
    summary.finished_ms = Some(T0 + 60_000.0);
    let text = serde_json::to_string(&summary).expect("json");
    assert_eq!(JournalSummary::read_str(&text).expect("reads"), summary);
    // A summary kept before the run history has neither; it reads with none.
    let mut older: serde_json::Value = serde_json::from_str(&text).expect("json");
    let fields = older.as_object_mut().expect("an object");
    fields.remove("peak_requested");
    fields.remove("finished_ms");
    let back = JournalSummary::read_str(&older.to_string()).expect("reads");
    assert_eq!((back.peak_requested, back.finished_ms), (0, None));
    let record =
        RecoveryRecord::of(&summary, "run-1", "http://127.0.0.1:8445/", T0).expect("a run");
    let back = RecoveryRecord::from_json(&record.to_json().expect("json")).expect("reads");
    assert_eq!(back, record);
}

#[test]
fn older_shapes_read_with_their_defaults() {
    // Without the fields later versions added, with nulls for options and a field this
    // version does not know.
    let old = r#"{"events":[
        {"type":"run-started","version":1,"at_ms":1767323045000,"domain":"d","launch_configurations":[],"replace_existing":false,"schedule":[{"index":0,"phase":"end","at_ms":0,"capacity":0}],"delete_domain":false,"planned_requests":1,"options":{},"future_field":[1,2]},
        {"type":"request-done","no":0,"stage":"launch-configurations","action":"CreateLaunchConfiguration","target":{"kind":"launch-configuration","name":"a@b","cloud":"b"},"outcome":{"kind":"skipped","reason":"listed","error":null},"started_ms":1.5,"ended_ms":2},
        {"type":"ramp-step","index":0,"phase":"end","capacity":0,"planned_offset_ms":0,"actual_offset_ms":0,"lateness_ms":0,"at_ms":3},
        {"type":"decision","at_ms":4,"tick":0,"offset_ms":0,"observed":{"desired":1,"running":1,"pending":0,"failed":0},"outcome":{"kind":"decided","reason":"r"}},
        {"type":"teardown-started","at_ms":5,"domain":"d","cause":"stopped","target":0},
        {"type":"teardown","at_ms":6,"cause":"stopped","outcome":{"kind":"done"}}
    ]}"#;
    let journal = Journal::from_json(old).expect("reads");
    let Event::RunStarted(s) = &journal.events[0] else {
        panic!("{:?}", journal.events[0]);
    };
    assert_eq!(s.options, RunOptions::default());
    assert_eq!(s.policy, None);
    assert_eq!(s.at_ms, T0);
    let Event::RequestDone(d) = &journal.events[1] else {
        panic!()
    };
    assert!(d.attempts.is_empty());
    assert_eq!(
        d.outcome,
        Outcome::Skipped {
            reason: SkipReason::Listed,
            error: None
        }
    );
    let Event::RampStep(r) = &journal.events[2] else {
        panic!()
    };
    assert!(r.superseded.is_empty());
    let Event::Decision(m) = &journal.events[3] else {
        panic!()
    };
    assert_eq!((m.lateness_ms, m.observed.terminating), (0, 0));
    let Event::TeardownStarted(t) = &journal.events[4] else {
        panic!()
    };
    assert!(!t.resumed);
    let Event::Teardown(t) = &journal.events[5] else {
        panic!()
    };
    assert_eq!(t.target, 0);
    // Part of the options still takes the rest from the defaults.
    let options: RunOptions = serde_json::from_str(r#"{"leave_running":true}"#).expect("reads");
    assert_eq!(
        options,
        RunOptions {
            leave_running: true,
            ..RunOptions::default()
        }
    );
}

#[test]
fn what_cannot_be_read_says_where() {
    let cases = [
        ("not json", "expected ident"),
        (r#"{"events":{}}"#, "at events: expected a list"),
        (r#"{}"#, "missing field `events`"),
        (
            r#"{"events":[{"type":"ramp-started","at_ms":1}]}"#,
            "at events[0]: missing field `domain_created`",
        ),
        (
            r#"{"events":[{"type":"launch","at_ms":1}]}"#,
            "at events[0]: unknown event type \"launch\"",
        ),
        (
            r#"{"events":[{"at_ms":1}]}"#,
            "at events[0]: missing field `type`",
        ),
        (
            r#"{"events":[{"type":"request-sent","no":-1,"stage":"ramp","action":"A","target":{"kind":"domain","name":"d"},"at_ms":1}]}"#,
            "at events[0].no: expected a whole number ≥ 0",
        ),
        (
            r#"{"events":[{"type":"request-sent","no":1,"stage":"ramp","action":"A","target":{"kind":"domain","name":7},"at_ms":1}]}"#,
            "at events[0].target.name: expected a string",
        ),
        (
            r#"{"events":[{"type":"request-sent","no":1,"stage":"later","action":"A","target":{"kind":"domain","name":"d"},"at_ms":1}]}"#,
            "at events[0].stage: unknown Stage \"later\"",
        ),
        (
            r#"{"events":[{"type":"stop-requested","at_ms":1.5e400,"stage":"ramp"}]}"#,
            "number out of range",
        ),
        (
            r#"{"events":[{"type":"settled","at_ms":1,"capacity":4294967296,"running":0}]}"#,
            "at events[0].capacity: expected a smaller number",
        ),
    ];
    for (text, expected) in cases {
        let err = Journal::from_json(text).expect_err(text).to_string();
        assert!(err.contains(expected), "{text}: {err}");
        assert!(
            err.starts_with("the stored run journal cannot be read: "),
            "{err}"
        );
    }
}
