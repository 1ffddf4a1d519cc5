//! The headless runner's pure parts on the host: the exit status of every way a run
//! ends, the signal count and its messages, `--timing`'s figures, the progress line,
//! `--dry-run`'s plan, the stdout lines of each event (text and JSON), and the journal
//! file, which `Journal::from_json` reads back.

#![cfg(not(target_arch = "wasm32"))]

use phantom_de::api::ErrorClass;
use phantom_de::engine::journal::{
    CapacityState, ErrorInfo, Event, Journal, RampStarted, RampStep, RequestSent, RunEnd,
    RunFinished, RunReport, RunStarted, ScheduledStep, Stage, Target, Teardown, TeardownCause,
    TeardownOutcome, TeardownRetry, TeardownSkip, TeardownStarted, JOURNAL_VERSION,
};
use phantom_de::engine::{Phase, Plan, RunControls, RunOptions};
use phantom_de::headless::exit::Exit;
use phantom_de::headless::output::{event_lines, text_header, LogForm};
use phantom_de::headless::plan_text::{plan_lines, PLAN_HEADER};
use phantom_de::headless::progress::Progress;
use phantom_de::headless::recorder::Recorder;
use phantom_de::headless::signals::{message, RunWatch, SignalAction, SignalCount};
use phantom_de::headless::timing::Timing;
use phantom_de::report::export::log_text;
use phantom_de::report::steplog::log_lines;
use phantom_de::settings::Settings;

const T0: f64 = 1_767_323_045_000.0;

fn report(end: RunEnd, teardown: Option<TeardownOutcome>) -> RunReport {
    RunReport {
        end,
        capacity: CapacityState::Confirmed { capacity: 0 },
        teardown,
        failed_steps: 0,
    }
}

fn abandoned() -> TeardownOutcome {
    TeardownOutcome::Abandoned {
        attempts: 2,
        last_error: None,
        last_desired: Some(3),
    }
}

#[test]
fn the_exit_status_says_how_the_run_ended() {
    let stopped = || RunEnd::Stopped { stage: Stage::Ramp };
    let failed = || RunEnd::Failed {
        stage: Stage::Ramp,
        reason: "SetDesiredCapacity failed".into(),
    };
    let cases = [
        (report(RunEnd::Completed, None), Exit::Completed, 0),
        (
            report(stopped(), Some(TeardownOutcome::Done)),
            Exit::NotCompleted,
            1,
        ),
        (
            report(failed(), Some(TeardownOutcome::Done)),
            Exit::NotCompleted,
            1,
        ),
        (
            report(
                failed(),
                Some(TeardownOutcome::Skipped {
                    reason: TeardownSkip::NoCapacityRequested,
                }),
            ),
            Exit::NotCompleted,
            1,
        ),
        (
            report(
                stopped(),
                Some(TeardownOutcome::Skipped {
                    reason: TeardownSkip::LeaveRunning,
                }),
            ),
            Exit::NotCompleted,
            1,
        ),
        (report(stopped(), Some(abandoned())), Exit::MayBeRunning, 3),
        (report(failed(), Some(abandoned())), Exit::MayBeRunning, 3),
        (
            report(
                RunEnd::Rejected {
                    problem: phantom_de::engine::journal::PlanProblem::NoDomain,
                },
                None,
            ),
            Exit::BadInput,
            2,
        ),
    ];
    for (report, exit, code) in cases {
        assert_eq!(Exit::of(&report), exit, "{report:?}");
        assert_eq!(exit.code(), code);
    }
}

fn watch(leave_running: bool) -> RunWatch {
    RunWatch {
        controls: RunControls::new(),
        domain: "my_domain".into(),
        leave_running,
        tearing_down: Default::default(),
        recorder: Default::default(),
    }
}

#[test]
fn the_first_signal_stops_the_second_is_ignored_the_third_gives_up() {
    let mut count = SignalCount::default();
    assert_eq!(count.arrived(), SignalAction::Stop);
    assert_eq!(count.arrived(), SignalAction::Ignore);
    assert_eq!(count.arrived(), SignalAction::GiveUp);
    assert_eq!(count.arrived(), SignalAction::GiveUp);
}

#[test]
fn the_signal_messages_say_what_happens_to_the_capacity() {
    let w = watch(false);
    let stop = message(SignalAction::Stop, "SIGINT", &w);
    assert!(
        stop.starts_with("SIGINT: stopping") && stop.contains("capacity 0"),
        "{stop}"
    );
    let kept = message(SignalAction::Stop, "SIGTERM", &watch(true));
    assert!(kept.contains("left running"), "{kept}");
    w.tearing_down
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let during = message(SignalAction::Stop, "SIGINT", &w);
    assert!(
        during.contains("teardown of my_domain is under way"),
        "{during}"
    );
    let ignored = message(SignalAction::Ignore, "SIGINT", &w);
    assert!(
        ignored.starts_with("SIGINT ignored") && ignored.contains("third"),
        "{ignored}"
    );
    let given_up = message(SignalAction::GiveUp, "SIGINT", &w);
    assert!(
        given_up.contains("capacity may be running on my_domain"),
        "{given_up}"
    );
}

fn started(schedule: Vec<ScheduledStep>) -> Event {
    Event::RunStarted(RunStarted {
        version: JOURNAL_VERSION,
        at_ms: T0,
        domain: "my_domain".into(),
        launch_configurations: vec!["my_launch_config@hotel".into()],
        replace_existing: true,
        schedule,
        delete_domain: false,
        planned_requests: 8,
        options: RunOptions::default(),
        policy: None,
    })
}

fn scheduled(index: usize, phase: Phase, at_ms: u64, capacity: u32) -> ScheduledStep {
    ScheduledStep {
        index,
        phase,
        at_ms,
        capacity,
    }
}

fn fired(index: usize, phase: Phase, at_ms: u64, capacity: u32, late: u64) -> Event {
    Event::RampStep(RampStep {
        index,
        phase,
        capacity,
        planned_offset_ms: at_ms,
        actual_offset_ms: at_ms + late,
        lateness_ms: late,
        superseded: Vec::new(),
        at_ms: T0 + 100.0 + (at_ms + late) as f64,
    })
}

fn ramp_journal() -> Vec<Event> {
    let schedule = vec![
        scheduled(0, Phase::Ramp, 0, 1),
        scheduled(1, Phase::Ramp, 1_000, 2),
        scheduled(2, Phase::End, 3_000, 0),
    ];
    vec![
        started(schedule),
        Event::RampStarted(RampStarted {
            at_ms: T0 + 100.0,
            domain_created: true,
        }),
        fired(0, Phase::Ramp, 0, 1, 0),
        fired(1, Phase::Ramp, 1_000, 2, 3),
        fired(2, Phase::End, 3_000, 0, 1),
    ]
}

#[test]
fn timing_reads_setup_latency_and_lateness_from_the_journal() {
    let timing = Timing::of(&ramp_journal());
    assert_eq!(timing.setup_ms, Some(100));
    assert_eq!(timing.lateness_ms, [0, 3, 1]);
    assert_eq!(timing.lateness_percentile(50), Some(1));
    assert_eq!(timing.lateness_percentile(95), Some(3));
    let lines = timing.lines();
    assert_eq!(
        lines[0],
        "timing: setup latency 100 ms (start → ramp time 0)"
    );
    assert_eq!(
        lines[1],
        "timing: 3 timed steps, lateness median / p95 / max / last step: 1 / 3 / 3 / 1 ms"
    );
    let none = Timing::of(&[]);
    assert_eq!(none.setup_ms, None);
    assert!(none.lines()[1].contains("- / - / - / -"));
}

#[test]
fn the_progress_line_counts_down_to_the_next_step_then_the_teardown() {
    let journal = ramp_journal();
    let mut p = Progress::default();
    p.apply(&journal[0]);
    assert_eq!(p.line(T0), "setting up my_domain");
    p.apply(&journal[1]);
    p.apply(&journal[2]);
    assert_eq!(
        p.line(T0 + 600.0),
        "step 2/2 → capacity 2 in 0.500 s · asked 1"
    );
    p.apply(&journal[3]);
    assert_eq!(
        p.line(T0 + 1_100.0),
        "final capacity → capacity 0 in 2.000 s · asked 2"
    );
    p.apply(&Event::TeardownStarted(TeardownStarted {
        at_ms: T0 + 1_500.0,
        domain: "my_domain".into(),
        cause: TeardownCause::Stopped,
        target: 0,
        resumed: false,
    }));
    p.apply(&Event::TeardownRetry(TeardownRetry {
        at_ms: T0 + 1_600.0,
        attempt: 1,
        error: ErrorInfo {
            code: Some("Throttling".into()),
            message: "Rate exceeded".into(),
            class: ErrorClass::Retryable,
            status: Some(400),
            request_id: None,
            hint: String::new(),
        },
        desired_capacity: None,
        next_attempt_ms: T0 + 2_600.0,
    }));
    assert_eq!(
        p.line(T0 + 2_000.0),
        "teardown: capacity 0 until the server confirms it · next attempt in 0.600 s · asked 2"
    );
    p.apply(&Event::Teardown(Teardown {
        at_ms: T0 + 3_000.0,
        cause: TeardownCause::Stopped,
        target: 0,
        outcome: TeardownOutcome::Done,
    }));
    p.apply(&Event::RunFinished(RunFinished {
        at_ms: T0 + 3_000.0,
        report: report(
            RunEnd::Stopped { stage: Stage::Ramp },
            Some(TeardownOutcome::Done),
        ),
    }));
    assert_eq!(p.line(T0 + 3_000.0), "");
}

#[test]
fn a_dry_run_lists_the_pages_plan_in_order() {
    let plan = Plan::from_settings(&Settings::tutorial_defaults()).expect("plans");
    let lines = plan_lines(&plan);
    assert_eq!(lines[0], PLAN_HEADER);
    assert_eq!(lines.len(), plan.requests.len() + 2);
    assert_eq!(
        lines[1],
        "1\tLaunch configurations\t1\tat the start\tCreateLaunchConfiguration\tmy_launch_config@hotel: image hello-phantom.gz, m1.small, key phantomkey, groups default\tonly if my_launch_config@hotel is missing"
    );
    assert!(
        lines[3].starts_with("3\tDomain\t1\tat the start\tDescribeAutoScalingGroups\t"),
        "{}",
        lines[3]
    );
    assert!(
        lines[7].starts_with("7\tRamp\t\t+0 s\tSetDesiredCapacity"),
        "{}",
        lines[7]
    );
    let ramp: Vec<&String> = lines.iter().filter(|l| l.contains("\tRamp\t")).collect();
    assert_eq!(ramp.len(), 4);
    assert!(
        ramp[1].contains("+10") && ramp[1].contains("my_domain → 2"),
        "{}",
        ramp[1]
    );
    let last = lines.last().expect("schedule line");
    assert!(
        last.starts_with("schedule: 1@+0.000 s, 2@+10.000 s"),
        "{last}"
    );
    assert!(
        last.contains("peak 4") && last.contains("the end at +90.000 s"),
        "{last}"
    );
}

#[test]
fn each_event_is_one_stdout_line_and_the_text_is_the_pages_download() {
    let sent = Event::RequestSent(RequestSent {
        no: 1,
        stage: Stage::Ramp,
        action: "SetDesiredCapacity".into(),
        target: Target::Capacity {
            domain: "my_domain".into(),
            capacity: 1,
        },
        at_ms: T0,
    });
    assert_eq!(
        event_lines(LogForm::Text, &sent),
        None,
        "its answer's line says it"
    );
    let json = event_lines(LogForm::Json, &sent).expect("every event in JSON");
    assert!(!json.contains('\n'));
    let back: Event = serde_json::from_str(&json).expect("an event");
    assert_eq!(back, sent);

    let journal = ramp_journal();
    let mut streamed = format!("{}\n", text_header());
    for event in &journal {
        if let Some(line) = event_lines(LogForm::Text, event) {
            assert!(!line.contains('\n'));
            streamed.push_str(&line);
            streamed.push('\n');
        }
    }
    assert_eq!(streamed, log_text(&log_lines(&journal)));
}

#[test]
fn the_journal_file_is_the_pages_journal_and_stays_complete() {
    let dir = std::env::temp_dir().join(format!("pde-headless-output-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("journal.json");
    let mut recorder = Recorder::to_file(&path).expect("writable");
    assert_eq!(
        Journal::from_json(&std::fs::read_to_string(&path).expect("written at once"))
            .expect("parses")
            .events,
        []
    );
    let journal = ramp_journal();
    for event in &journal {
        assert_eq!(recorder.push(event), None);
    }
    recorder.flush();
    let read = Journal::from_json(&std::fs::read_to_string(&path).expect("file")).expect("parses");
    assert_eq!(read.events, journal);
    assert_eq!(recorder.events(), journal.as_slice());
    assert!(!dir.join("journal.json.tmp").exists());
    let unwritable = Recorder::to_file(&dir.join("no/such/dir/journal.json"));
    assert!(unwritable
        .expect_err("refused")
        .contains("cannot write the journal"));
    let _ = std::fs::remove_dir_all(&dir);
}
