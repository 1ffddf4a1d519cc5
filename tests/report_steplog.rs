//! The step log on the host: every kind of journal event becomes the line it always was
//! (time, timing, action, target, outcome, request id, kind, retries), the outcome
//! filter, how a run ended in words, and the text and JSON downloads.

use phantom_de::api::ErrorClass;
use phantom_de::engine::journal::{
    AttemptRecord, CapacityState, ErrorInfo, Event, InstanceCount, InstanceState, Journal,
    MonitorResult, MonitorSnapshot, NotSettled, Outcome, PlanProblem, RampStarted, RampStep,
    RequestDone, RequestSent, Retry, RunEnd, RunFinished, RunReport, RunStarted, ScheduledStep,
    Settled, SkipReason, Stage, StopRequested, SupersededStep, Target, Teardown, TeardownCause,
    TeardownOutcome, TeardownRetry, TeardownSkip, TeardownStarted, JOURNAL_VERSION,
};
use phantom_de::engine::Phase;
use phantom_de::engine::RunOptions;
use phantom_de::report::export::{journal_download, log_text, text_download};
use phantom_de::report::steplog::{end_text, log_lines, Filter, LineKind, LogLine};

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

fn error(code: Option<&str>, message: &str, request_id: Option<&str>) -> ErrorInfo {
    ErrorInfo {
        code: code.map(str::to_string),
        message: message.into(),
        class: ErrorClass::Retryable,
        status: Some(400),
        request_id: request_id.map(str::to_string),
        hint: "Wait and try again.".into(),
    }
}

fn throttled() -> ErrorInfo {
    error(
        Some("Throttling"),
        "Rate exceeded <b>not html</b>",
        Some("req-failed"),
    )
}

fn done(no: u32, action: &str, target: Target, attempts: u32, outcome: Outcome) -> Event {
    let attempts = (1..=attempts)
        .map(|n| attempt(n, (n < attempts).then(throttled)))
        .collect();
    Event::RequestDone(RequestDone {
        no,
        stage: Stage::LaunchConfigurations,
        action: action.into(),
        target,
        attempts,
        outcome,
        started_ms: T0 + f64::from(no),
        ended_ms: T0 + f64::from(no) * 10.0 + 5.0,
    })
}

fn lc(cloud: &str) -> Target {
    Target::LaunchConfiguration {
        name: format!("my_launch_config@{cloud}"),
        cloud: cloud.into(),
    }
}

fn capacity(capacity: u32) -> Target {
    Target::Capacity {
        domain: "my_domain".into(),
        capacity,
    }
}

fn step(index: usize, phase: Phase, at_ms: u64, capacity: u32) -> ScheduledStep {
    ScheduledStep {
        index,
        phase,
        at_ms,
        capacity,
    }
}

fn run_started() -> Event {
    Event::RunStarted(RunStarted {
        version: JOURNAL_VERSION,
        at_ms: T0,
        domain: "my_domain".into(),
        launch_configurations: vec!["my_launch_config@hotel".into()],
        replace_existing: true,
        schedule: vec![
            step(0, Phase::Ramp, 0, 1),
            step(1, Phase::Ramp, 2000, 2),
            step(2, Phase::End, 5000, 0),
        ],
        delete_domain: false,
        planned_requests: 6,
        options: RunOptions::default(),
        policy: None,
    })
}

/// A stopped run with one event of every kind (and each outcome of a request).
fn journal() -> Vec<Event> {
    vec![
        run_started(),
        done(
            1,
            "CreateLaunchConfiguration",
            lc("hotel"),
            2,
            Outcome::Ok {
                request_id: Some("req-retried".into()),
                detail: None,
            },
        ),
        done(
            2,
            "CreateLaunchConfiguration",
            lc("sierra"),
            3,
            Outcome::Failed { error: throttled() },
        ),
        done(
            0,
            "CreateLaunchConfiguration",
            lc("tango"),
            0,
            Outcome::Skipped {
                reason: SkipReason::Listed,
                error: None,
            },
        ),
        done(
            4,
            "CreateLaunchConfiguration",
            lc("uniform"),
            1,
            Outcome::Skipped {
                reason: SkipReason::AlreadyExists,
                error: Some(error(
                    Some("AlreadyExists"),
                    "Name already in use",
                    Some("req-exists"),
                )),
            },
        ),
        done(
            5,
            "DescribeAutoScalingGroups",
            Target::Domain {
                name: "my_domain".into(),
            },
            1,
            Outcome::Ok {
                request_id: None,
                detail: Some("my_domain listed, 3 instances".into()),
            },
        ),
        done(
            6,
            "DeleteAutoScalingGroup",
            Target::Domain {
                name: "my_domain".into(),
            },
            1,
            Outcome::Failed {
                error: error(None, "connection refused", None),
            },
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
            no: 7,
            stage: Stage::Ramp,
            action: "SetDesiredCapacity".into(),
            target: capacity(1),
            at_ms: T0 + 103.0,
        }),
        done(
            7,
            "SetDesiredCapacity",
            capacity(1),
            1,
            Outcome::Ok {
                request_id: Some("req-ok".into()),
                detail: None,
            },
        ),
        Event::Monitor(MonitorSnapshot {
            at_ms: T0 + 3000.0,
            offset_ms: 2900,
            result: MonitorResult::Failed {
                error: error(Some("InternalFailure"), "try later", Some("req-monitor")),
                attempts: 3,
            },
        }),
        Event::Monitor(MonitorSnapshot {
            at_ms: T0 + 4000.0,
            offset_ms: 3900,
            result: MonitorResult::Domain {
                desired_capacity: Some(1),
                instances: 1,
                counts: vec![InstanceCount {
                    cloud: "hotel".into(),
                    state: "600-RUNNING".into(),
                    category: InstanceState::Running,
                    count: 1,
                }],
            },
        }),
        Event::RampStep(RampStep {
            index: 2,
            phase: Phase::End,
            capacity: 0,
            planned_offset_ms: 5000,
            actual_offset_ms: 61_005,
            lateness_ms: 56_005,
            superseded: vec![SupersededStep {
                index: 1,
                planned_offset_ms: 2000,
                capacity: 2,
                late_by_ms: 59_005,
            }],
            at_ms: T0 + 61_105.0,
        }),
        Event::StopRequested(StopRequested {
            at_ms: T0 + 61_200.0,
            stage: Stage::End,
        }),
        done(8, "SetDesiredCapacity", capacity(0), 1, Outcome::Cancelled),
        Event::Teardown(Teardown {
            at_ms: T0 + 61_300.0,
            cause: TeardownCause::Stopped,
            target: 0,
            outcome: TeardownOutcome::Failed { error: throttled() },
        }),
        Event::RequestSent(RequestSent {
            no: 9,
            stage: Stage::Teardown,
            action: "SetDesiredCapacity".into(),
            target: capacity(0),
            at_ms: T0 + 61_400.0,
        }),
        Event::RunFinished(RunFinished {
            at_ms: T0 + 61_500.0,
            report: RunReport {
                end: RunEnd::Stopped { stage: Stage::End },
                capacity: CapacityState::Unconfirmed { capacity: 0 },
                teardown: None,
                failed_steps: 0,
            },
        }),
    ]
}

/// A line in one string: `time|timing|action|target|outcome|request id|kind|retries`.
fn flat(l: &LogLine) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}",
        l.time,
        l.timing,
        l.action,
        l.target,
        l.outcome,
        l.request_id,
        l.kind.class(),
        l.retries
    )
}

#[test]
fn every_event_becomes_its_line() {
    let lines: Vec<String> = log_lines(&journal()).iter().map(flat).collect();
    let expected = [
        "03:04:05.000||Run started||domain my_domain, 6 requests planned, 3 timed steps||info|0",
        "03:04:05.015||CreateLaunchConfiguration|my_launch_config@hotel|ok after retrying once|req-retried|ok|1",
        "03:04:05.025||CreateLaunchConfiguration|my_launch_config@sierra|failed after retrying 2 times: Throttling: Rate exceeded <b>not html</b>|req-failed|failed|2",
        "03:04:05.005||CreateLaunchConfiguration|my_launch_config@tango|skipped: already listed, not created again||skipped|0",
        "03:04:05.045||CreateLaunchConfiguration|my_launch_config@uniform|skipped: the server says it exists already|req-exists|skipped|0",
        "03:04:05.055||DescribeAutoScalingGroups|my_domain|ok: my_domain listed, 3 instances||ok|0",
        "03:04:05.065||DeleteAutoScalingGroup|my_domain|failed: connection refused||failed|0",
        "03:04:05.100||Ramp started||domain created: ramp time 0||info|0",
        "03:04:05.103|planned +0.000 s, late 3 ms|Ramp step 1|capacity 1|fired||step|0",
        // Its RequestSent has no line of its own: the answer is in the journal.
        "03:04:05.075||SetDesiredCapacity|my_domain → 1|ok|req-ok|ok|0",
        // A failed look shows; a successful one only in the live view.
        "03:04:08.000|ramp time 2.900 s|DescribeAutoScalingGroups (monitor)||failed after 3 attempt(s): InternalFailure: try later|req-monitor|failed|2",
        "03:05:06.105|planned +5.000 s, late 56005 ms|Final capacity|capacity 0|fired, replacing 1 late step(s)||step|0",
        "03:05:06.200||Stop||requested during End||info|0",
        "03:04:05.085||SetDesiredCapacity|my_domain → 0|cancelled by Stop (the server may have acted on it)||cancelled|0",
        // A teardown that may leave VMs running is a warning.
        "03:05:06.300||Teardown||FAILED, VMs may be running: Throttling: Rate exceeded <b>not html</b>||warn|0",
        // Sent, never answered: the page was closed.
        "03:05:06.400||SetDesiredCapacity|my_domain → 0|sent, no answer recorded yet||pending|0",
        "03:05:06.500||Run finished||stopped during End||info|0",
    ];
    assert_eq!(lines, expected);
}

#[test]
fn a_kept_domain_and_teardowns_that_were_done_or_not_needed() {
    let events = [
        Event::RampStarted(RampStarted {
            at_ms: T0,
            domain_created: false,
        }),
        Event::Teardown(Teardown {
            at_ms: T0,
            cause: TeardownCause::Failed,
            target: 0,
            outcome: TeardownOutcome::Done,
        }),
        Event::Teardown(Teardown {
            at_ms: T0,
            cause: TeardownCause::Stopped,
            target: 0,
            outcome: TeardownOutcome::Skipped {
                reason: TeardownSkip::LeaveRunning,
            },
        }),
        Event::Monitor(MonitorSnapshot {
            at_ms: T0,
            offset_ms: 0,
            result: MonitorResult::Missing,
        }),
    ];
    let outcomes: Vec<String> = log_lines(&events).into_iter().map(|l| l.outcome).collect();
    assert_eq!(
        outcomes,
        [
            "existing domain kept: ramp time 0",
            "capacity 0 set and confirmed by the server",
            "not needed: left running, as the run options ask",
        ]
    );
}

#[test]
fn retries_are_counted_in_words() {
    let lines = log_lines(&[done(
        1,
        "SetDesiredCapacity",
        capacity(2),
        4,
        Outcome::Ok {
            request_id: None,
            detail: None,
        },
    )]);
    assert_eq!(lines[0].outcome, "ok after retrying 3 times");
    assert_eq!(lines[0].retries, 3);
}

#[test]
fn a_broken_time_renders_as_dashes() {
    let mut events = vec![run_started()];
    if let Event::RunStarted(e) = &mut events[0] {
        e.at_ms = f64::NAN;
    }
    assert_eq!(log_lines(&events)[0].time, "--:--:--.---");
}

#[test]
fn the_filter_keeps_the_lines_of_its_outcome() {
    let lines = log_lines(&journal());
    let actions = |f: Filter| -> Vec<String> {
        lines
            .iter()
            .filter(|l| f.admits(l))
            .map(|l| format!("{} {}", l.action, l.target))
            .collect()
    };
    assert_eq!(actions(Filter::All).len(), lines.len());
    assert_eq!(
        actions(Filter::Ok),
        [
            "CreateLaunchConfiguration my_launch_config@hotel",
            "DescribeAutoScalingGroups my_domain",
            "SetDesiredCapacity my_domain → 1",
        ]
    );
    assert_eq!(
        actions(Filter::Skipped),
        [
            "CreateLaunchConfiguration my_launch_config@tango",
            "CreateLaunchConfiguration my_launch_config@uniform",
        ]
    );
    assert_eq!(
        actions(Filter::Retried),
        [
            "CreateLaunchConfiguration my_launch_config@hotel",
            "CreateLaunchConfiguration my_launch_config@sierra",
            "DescribeAutoScalingGroups (monitor) ",
        ]
    );
    assert_eq!(
        actions(Filter::Failed),
        [
            "CreateLaunchConfiguration my_launch_config@sierra",
            "DeleteAutoScalingGroup my_domain",
            "DescribeAutoScalingGroups (monitor) ",
            "SetDesiredCapacity my_domain → 0",
            "Teardown ",
        ]
    );
}

#[test]
fn filters_are_read_from_their_select_values() {
    let values: Vec<(&str, &str)> = Filter::ALL.iter().map(|(_, v, l)| (*v, *l)).collect();
    assert_eq!(
        values,
        [
            ("all", "All"),
            ("ok", "OK"),
            ("skipped", "Skipped"),
            ("retried", "Retried"),
            ("failed", "Failed"),
        ]
    );
    for (filter, value, _) in Filter::ALL {
        assert_eq!(Filter::parse(value), filter);
    }
    assert_eq!(Filter::parse("Failed"), Filter::All);
    assert_eq!(Filter::parse(""), Filter::All);
}

#[test]
fn line_kinds_have_their_css_class() {
    let classes: Vec<&str> = [
        LineKind::Ok,
        LineKind::Skipped,
        LineKind::Failed,
        LineKind::Cancelled,
        LineKind::Step,
        LineKind::Info,
        LineKind::Pending,
        LineKind::Warning,
    ]
    .into_iter()
    .map(LineKind::class)
    .collect();
    assert_eq!(
        classes,
        [
            "ok",
            "skipped",
            "failed",
            "cancelled",
            "step",
            "info",
            "pending",
            "warn"
        ]
    );
}

#[test]
fn how_a_run_ended_in_words() {
    assert_eq!(end_text(&RunEnd::Completed), "completed");
    assert_eq!(
        end_text(&RunEnd::Stopped { stage: Stage::Ramp }),
        "stopped during Ramp"
    );
    assert_eq!(
        end_text(&RunEnd::Failed {
            stage: Stage::LaunchConfigurations,
            reason: "CreateLaunchConfiguration failed".into(),
        }),
        "failed during Launch configurations: CreateLaunchConfiguration failed"
    );
    assert_eq!(
        end_text(&RunEnd::Rejected {
            problem: PlanProblem::NoDomain,
        }),
        "not started: the plan names no domain"
    );
}

#[test]
fn an_error_in_one_line_has_its_code_first() {
    assert_eq!(
        throttled().summary(),
        "Throttling: Rate exceeded <b>not html</b>"
    );
    assert_eq!(
        error(None, "connection refused", None).summary(),
        "connection refused"
    );
}

#[test]
fn the_text_export_is_tab_separated_with_a_header() {
    let lines = log_lines(&journal());
    let text = log_text(&lines);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), lines.len() + 1);
    assert_eq!(
        rows[0],
        "time (UTC)\ttiming\taction\ttarget\toutcome\trequest id"
    );
    assert_eq!(
        rows[2],
        "03:04:05.015\t\tCreateLaunchConfiguration\tmy_launch_config@hotel\tok after retrying once\treq-retried"
    );
    assert_eq!(
        rows[9],
        "03:04:05.103\tplanned +0.000 s, late 3 ms\tRamp step 1\tcapacity 1\tfired\t"
    );
    assert!(text.ends_with("Run finished\t\tstopped during End\t\n"));
    assert_eq!(
        log_text(&[]),
        "time (UTC)\ttiming\taction\ttarget\toutcome\trequest id\n"
    );

    let download = text_download(&lines);
    assert_eq!(download.file_name, "phantom-run-log.txt");
    assert_eq!(download.mime, "text/plain");
    assert_eq!(download.text, text);
}

#[test]
fn the_json_export_is_the_journal_the_page_reads_back() {
    let events = journal();
    let download = journal_download(&events).expect("json");
    assert_eq!(download.file_name, "phantom-run-journal.json");
    assert_eq!(download.mime, "application/json");
    assert!(
        download
            .text
            .starts_with(r#"{"events":[{"type":"run-started","version":1,"#),
        "{}",
        download.text
    );
    let back = Journal::from_json(&download.text).expect("reads back");
    assert_eq!(back.events, events);
    assert_eq!(
        journal_download(&[]).expect("json").text,
        r#"{"events":[]}"#
    );
}

/// A request whose attempts ended as `retries` say (the last one with `last`).
fn attempts_then(retries: &[Retry], last: Outcome) -> Event {
    let mut attempts: Vec<AttemptRecord> = retries
        .iter()
        .enumerate()
        .map(|(i, r)| AttemptRecord {
            retry: Some(r.clone()),
            ..attempt(i as u32 + 1, Some(throttled()))
        })
        .collect();
    let failed = matches!(last, Outcome::Failed { .. });
    attempts.push(AttemptRecord {
        retry: failed.then_some(Retry::GaveUp),
        ..attempt(attempts.len() as u32 + 1, failed.then(throttled))
    });
    Event::RequestDone(RequestDone {
        no: 1,
        stage: Stage::Ramp,
        action: "SetDesiredCapacity".into(),
        target: capacity(2),
        attempts,
        outcome: last,
        started_ms: T0,
        ended_ms: T0,
    })
}

#[test]
fn a_clock_correction_is_said_with_its_seconds() {
    let ok = || Outcome::Ok {
        request_id: None,
        detail: None,
    };
    let outcomes: Vec<(String, u32)> = log_lines(&[
        attempts_then(&[Retry::ClockCorrected { seconds: 312 }], ok()),
        attempts_then(
            &[
                Retry::After { wait_ms: 100 },
                Retry::ClockCorrected { seconds: -45 },
            ],
            ok(),
        ),
        attempts_then(
            &[
                Retry::ClockCorrected { seconds: 3600 },
                Retry::After { wait_ms: 100 },
                Retry::After { wait_ms: 200 },
            ],
            Outcome::Failed { error: throttled() },
        ),
        attempts_then(&[Retry::After { wait_ms: 100 }], ok()),
    ])
    .into_iter()
    .map(|l| (l.outcome, l.retries))
    .collect();
    assert_eq!(
        outcomes,
        [
            ("ok after correcting the clock by +312 s (server Date)".to_string(), 1),
            (
                "ok after correcting the clock by -45 s (server Date) and retrying once".to_string(),
                2
            ),
            (
                "failed after correcting the clock by +3600 s (server Date) and retrying 2 times: Throttling: Rate exceeded <b>not html</b>".to_string(),
                3
            ),
            ("ok after retrying once".to_string(), 1),
        ]
    );
}

fn refused() -> ErrorInfo {
    ErrorInfo {
        code: Some("ValidationError".into()),
        message: "ValidationError (HTTP 400): rejected".into(),
        class: ErrorClass::InvalidInput,
        status: Some(400),
        request_id: Some("req-refused".into()),
        hint: "Check the settings.".into(),
    }
}

#[test]
fn the_teardowns_start_each_retry_and_its_end_are_lines() {
    let events = [
        Event::TeardownStarted(TeardownStarted {
            at_ms: T0,
            domain: "my_domain".into(),
            cause: TeardownCause::Stopped,
            target: 0,
            resumed: false,
        }),
        Event::TeardownRetry(TeardownRetry {
            at_ms: T0 + 300.0,
            attempt: 1,
            error: throttled(),
            desired_capacity: None,
            next_attempt_ms: T0 + 1_300.0,
        }),
        Event::TeardownRetry(TeardownRetry {
            at_ms: T0 + 1_400.0,
            attempt: 2,
            error: refused(),
            desired_capacity: Some(3),
            next_attempt_ms: T0 + 31_400.0,
        }),
        Event::TeardownStarted(TeardownStarted {
            at_ms: T0 + 40_000.0,
            domain: "my_domain".into(),
            cause: TeardownCause::Failed,
            target: 0,
            resumed: true,
        }),
        Event::Teardown(Teardown {
            at_ms: T0 + 41_000.0,
            cause: TeardownCause::Failed,
            target: 0,
            outcome: TeardownOutcome::Done,
        }),
        Event::TeardownStarted(TeardownStarted {
            at_ms: T0 + 50_000.0,
            domain: "my_domain".into(),
            cause: TeardownCause::ByHand,
            target: 0,
            resumed: false,
        }),
        Event::Teardown(Teardown {
            at_ms: T0 + 80_000.0,
            cause: TeardownCause::ByHand,
            target: 0,
            outcome: TeardownOutcome::Abandoned {
                attempts: 2,
                last_error: Some(refused()),
                last_desired: Some(3),
            },
        }),
        Event::Teardown(Teardown {
            at_ms: T0 + 90_000.0,
            cause: TeardownCause::ByHand,
            target: 0,
            outcome: TeardownOutcome::Abandoned {
                attempts: 1,
                last_error: None,
                last_desired: None,
            },
        }),
    ];
    let lines: Vec<String> = log_lines(&events).iter().map(flat).collect();
    assert_eq!(
        lines,
        [
            "03:04:05.000||Teardown started|my_domain|after Stop: capacity 0 until the server confirms it||info|0",
            "03:04:05.300||Teardown retry||attempt 1 failed: Throttling: Rate exceeded <b>not html</b>; next attempt at 03:04:06.300 (in 1.000 s)|req-failed|warn|0",
            "03:04:06.400||Teardown retry||attempt 2 failed: ValidationError: ValidationError (HTTP 400): rejected; next attempt at 03:04:36.400 (in 30.000 s)|req-refused|warn|0",
            "03:04:45.000||Teardown started|my_domain|resumed after a reload (after the run failed): capacity 0 until the server confirms it||info|0",
            "03:04:46.000||Teardown||capacity 0 set and confirmed by the server||info|0",
            "03:04:55.000||Teardown started|my_domain|asked for by hand: capacity 0 until the server confirms it||info|0",
            "03:05:25.000||Teardown||STOPPED TRYING after 2 attempt(s) to set capacity 0: VMs may still be running (the domain last showed DesiredCapacity 3); last error: ValidationError: ValidationError (HTTP 400): rejected||warn|0",
            "03:05:35.000||Teardown||STOPPED TRYING after 1 attempt(s) to set capacity 0: VMs may still be running at the domain's last capacity||warn|0",
        ]
    );
    // Warnings are among the failures the filter shows.
    let failed: Vec<String> = log_lines(&events)
        .into_iter()
        .filter(|l| Filter::Failed.admits(l))
        .map(|l| l.action)
        .collect();
    assert_eq!(
        failed,
        ["Teardown retry", "Teardown retry", "Teardown", "Teardown"]
    );
}

#[test]
fn how_the_domain_settled_is_a_line() {
    let events = [
        Event::Settled(Settled {
            at_ms: T0,
            capacity: 0,
            running: 0,
        }),
        Event::Settled(Settled {
            at_ms: T0,
            capacity: 3,
            running: 3,
        }),
        Event::NotSettled(NotSettled {
            at_ms: T0 + 600_000.0,
            capacity: 0,
            desired_capacity: Some(2),
            running: Some(2),
            waited_ms: 600_000,
        }),
    ];
    let lines: Vec<String> = log_lines(&events).iter().map(flat).collect();
    assert_eq!(
        lines,
        [
            "03:04:05.000||Settled||0 running — nothing left||info|0",
            "03:04:05.000||Settled||3 running, as asked||info|0",
            "03:14:05.000||Not settled||WARNING: not settled at capacity 0 after 10 min: 2 VM(s) not terminating, DesiredCapacity 2; look at the domain||warn|0",
        ]
    );
}

#[test]
fn the_new_events_keep_their_json_shape() {
    let events = vec![
        Event::TeardownStarted(TeardownStarted {
            at_ms: T0,
            domain: "my_domain".into(),
            cause: TeardownCause::ByHand,
            target: 0,
            resumed: false,
        }),
        Event::TeardownRetry(TeardownRetry {
            at_ms: T0,
            attempt: 1,
            error: refused(),
            desired_capacity: Some(3),
            next_attempt_ms: T0 + 30_000.0,
        }),
        Event::Teardown(Teardown {
            at_ms: T0,
            cause: TeardownCause::ByHand,
            target: 0,
            outcome: TeardownOutcome::Abandoned {
                attempts: 1,
                last_error: None,
                last_desired: Some(3),
            },
        }),
        Event::Settled(Settled {
            at_ms: T0,
            capacity: 0,
            running: 0,
        }),
        Event::NotSettled(NotSettled {
            at_ms: T0,
            capacity: 0,
            desired_capacity: None,
            running: None,
            waited_ms: 600_000,
        }),
    ];
    let json: Vec<String> = events
        .iter()
        .map(|e| serde_json::to_string(e).expect("json"))
        .collect();
    assert_eq!(
        json,
        [
            r#"{"type":"teardown-started","at_ms":1767323045000.0,"domain":"my_domain","cause":"by-hand","target":0}"#,
            r#"{"type":"teardown-retry","at_ms":1767323045000.0,"attempt":1,"error":{"code":"ValidationError","message":"ValidationError (HTTP 400): rejected","class":"invalid-input","status":400,"request_id":"req-refused","hint":"Check the settings."},"desired_capacity":3,"next_attempt_ms":1767323075000.0}"#,
            r#"{"type":"teardown","at_ms":1767323045000.0,"cause":"by-hand","target":0,"outcome":{"kind":"abandoned","attempts":1,"last_desired":3}}"#,
            r#"{"type":"settled","at_ms":1767323045000.0,"capacity":0,"running":0}"#,
            r#"{"type":"not-settled","at_ms":1767323045000.0,"capacity":0,"waited_ms":600000}"#,
        ]
    );
    let back = Journal::from_json(
        &Journal {
            events: events.clone(),
        }
        .to_json()
        .expect("json"),
    )
    .expect("reads back");
    assert_eq!(back.events, events);
}

#[test]
fn an_older_journals_teardown_still_reads() {
    // Written before issue 11: no target, and an outcome this version never produces.
    let old = r#"{"events":[{"type":"teardown","at_ms":1767323045000.0,"cause":"stopped","outcome":{"kind":"failed","error":{"message":"no answer within 15000 ms","class":"retryable","hint":"Try again."}}},{"type":"teardown","at_ms":1767323045000.0,"cause":"failed","outcome":{"kind":"done"}}]}"#;
    let journal = Journal::from_json(old).expect("reads");
    let Event::Teardown(t) = &journal.events[0] else {
        panic!("{:?}", journal.events[0]);
    };
    assert_eq!(t.target, 0);
    assert!(matches!(t.outcome, TeardownOutcome::Failed { .. }));
    assert!(t.outcome.may_leave_running());
    assert_eq!(
        log_lines(&journal.events)[0].outcome,
        "FAILED, VMs may be running: no answer within 15000 ms"
    );
    assert!(matches!(
        &journal.events[1],
        Event::Teardown(Teardown {
            outcome: TeardownOutcome::Done,
            ..
        })
    ));
}

#[test]
fn the_book_kept_as_the_journal_grows_writes_these_lines_at_every_prefix() {
    use phantom_de::report::logbook::LogBook;
    let events = journal();
    let mut book = LogBook::new();
    for n in 0..=events.len() {
        book.sync(&events[..n]);
        let grown: Vec<LogLine> = book.lines().cloned().collect();
        assert_eq!(grown, log_lines(&events[..n]), "after {n} events");
    }
}
