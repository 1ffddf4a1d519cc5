//! The requests a person asks for outside a plan (`engine::manual`), on virtual time
//! against a scripted server: what each sends, how it is journaled (numbered, staged,
//! with every attempt and its retry), what a read returns, and the words "Test
//! connection" shows while it goes on.

#[path = "support/query.rs"]
mod query;
#[path = "support/virtual_time.rs"]
mod virtual_time;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use phantom_de::api::{
    Client, Clock, ErrorClass, HttpRequest, HttpResponse, Transport, TransportError,
};
use phantom_de::engine::journal::{
    Event, JournalSummary, Outcome, RequestDone, RequestSent, Retry, Stage, Target, TeardownCause,
    TeardownOutcome,
};
use phantom_de::engine::manual::{self, MANUAL_NUMBERS};
use phantom_de::engine::{CapacityState, TeardownControl};
use phantom_de::report::steplog::log_lines;
use phantom_de::settings::Settings;
use phantom_de::sign::Method;
use query::{param, params_of};
use virtual_time::{Sim, VirtualClock, EPOCH_MS};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const LATENCY_MS: u64 = 100;

/// A server that answers from a script, in order, after [`LATENCY_MS`] of virtual time.
struct Server {
    clock: VirtualClock,
    answers: RefCell<VecDeque<HttpResponse>>,
    /// (virtual time, request) of everything sent.
    sent: RefCell<Vec<(u64, HttpRequest)>>,
}

#[derive(Clone)]
struct Net(Rc<Server>);

impl Transport for Net {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let server = &self.0;
        server.sent.borrow_mut().push((server.clock.now(), request));
        server.clock.sleep(LATENCY_MS).await;
        let answer = server.answers.borrow_mut().pop_front();
        Ok(answer.expect("a scripted answer"))
    }
}

fn ok(action: &str, result: &str, request_id: &str) -> HttpResponse {
    HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![],
        body: format!(
            "<{action}Response>{result}<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
        ),
    }
}

/// Phantom's plain-text error.
fn phantom_error(status: u16, code: &str, date: Option<&str>) -> HttpResponse {
    HttpResponse {
        status,
        reason: code.into(),
        headers: date
            .map(|d| vec![("Date".to_string(), d.to_string())])
            .unwrap_or_default(),
        body: format!("{status} {code}\n\nexplanation\n"),
    }
}

type TestClient = Client<Net, VirtualClock>;

/// A simulation, a server answering `answers`, and a client of the tutorial's settings.
fn setup(answers: Vec<HttpResponse>) -> (Sim, Rc<Server>, TestClient) {
    let clock = VirtualClock::new();
    let server = Rc::new(Server {
        clock: clock.clone(),
        answers: RefCell::new(answers.into()),
        sent: RefCell::new(Vec::new()),
    });
    let mut settings = Settings::tutorial_defaults();
    settings.endpoint.url = "https://svc.example.org:8445".into();
    settings.credentials.access_key_id = "AKIDEXAMPLE".into();
    let client = Client::new(
        settings.client_config().expect("valid endpoint"),
        settings.credentials(SECRET).expect("valid credentials"),
        Net(server.clone()),
        clock.clone(),
        Box::new(|| 0.5),
    );
    (Sim::new(clock), server, client)
}

/// The RequestSent and RequestDone of a request by hand.
fn pair(events: &[Event]) -> (&RequestSent, &RequestDone) {
    match events {
        [Event::RequestSent(sent), Event::RequestDone(done)] => (sent, done),
        other => panic!("not a sent/done pair: {other:?}"),
    }
}

/// A describe answer listing `my_domain` with DesiredCapacity `desired`.
fn domain_at(desired: u32) -> HttpResponse {
    ok(
        "DescribeAutoScalingGroups",
        &format!("<DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>my_domain</AutoScalingGroupName><DesiredCapacity>{desired}</DesiredCapacity></member></AutoScalingGroups></DescribeAutoScalingGroupsResult>"),
        "req-d",
    )
}

#[test]
fn scale_to_zero_is_journaled_as_a_teardown_with_every_attempt() {
    let (mut sim, server, client) = setup(vec![
        phantom_error(500, "InternalFailure", None),
        ok("SetDesiredCapacity", "", "req-2"),
        domain_at(0),
    ]);
    let no = MANUAL_NUMBERS + 1;
    let (outcome, events) = sim.run(async move {
        let mut events = Vec::new();
        let control = TeardownControl::new();
        let outcome = manual::scale_to_zero(
            &client,
            "my_domain",
            &control,
            &mut manual::numbers_from(no),
            &mut |e| events.push(e.clone()),
        )
        .await;
        (outcome, events)
    });
    assert_eq!(outcome, TeardownOutcome::Done);
    let Event::TeardownStarted(started) = &events[0] else {
        panic!("{:?}", events[0]);
    };
    assert_eq!(
        (started.domain.as_str(), started.cause, started.target),
        ("my_domain", TeardownCause::ByHand, 0)
    );
    let (confirm_sent, confirm_done) = pair(&events[3..5]);
    assert_eq!(
        (
            confirm_sent.no,
            confirm_sent.stage,
            confirm_done.action.as_str()
        ),
        (no + 1, Stage::Teardown, "DescribeAutoScalingGroups")
    );
    assert!(matches!(&events[5], Event::Teardown(t) if t.outcome == TeardownOutcome::Done));
    assert_eq!(events.len(), 6);
    let (sent, done) = pair(&events[1..3]);
    let target = Target::Capacity {
        domain: "my_domain".into(),
        capacity: 0,
    };
    assert_eq!(
        (sent.no, sent.stage, sent.action.as_str(), &sent.target),
        (no, Stage::Teardown, "SetDesiredCapacity", &target)
    );
    assert_eq!(sent.at_ms, EPOCH_MS);
    assert_eq!(
        (done.no, done.stage, &done.target, &done.outcome),
        (
            no,
            Stage::Teardown,
            &target,
            &Outcome::Ok {
                request_id: Some("req-2".into()),
                detail: None,
            }
        )
    );
    // Retried after the full-jitter wait (200 ms × 0.5), both attempts recorded.
    assert_eq!(done.attempts.len(), 2);
    assert_eq!(done.attempts[0].retry, Some(Retry::After { wait_ms: 100 }));
    assert_eq!(done.attempts[0].status, Some(500));
    assert_eq!(done.attempts[1].error, None);
    assert_eq!(
        (done.started_ms, done.ended_ms),
        (EPOCH_MS, EPOCH_MS + (LATENCY_MS + 100 + LATENCY_MS) as f64)
    );
    let sent = server.sent.borrow();
    assert_eq!(
        sent.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        [0, LATENCY_MS + 100, LATENCY_MS + 100 + LATENCY_MS]
    );
    for (_, request) in &sent[..2] {
        let params = params_of(request);
        assert_eq!(param(&params, "Action"), Some("SetDesiredCapacity"));
        assert_eq!(param(&params, "AutoScalingGroupName"), Some("my_domain"));
        assert_eq!(param(&params, "DesiredCapacity"), Some("0"));
    }
}

#[test]
fn after_scale_to_zero_an_interrupted_journal_no_longer_offers_it() {
    // A run cut short by a reload while capacity 3 was in flight.
    let interrupted = vec![Event::RequestSent(RequestSent {
        no: 7,
        stage: Stage::Ramp,
        action: "SetDesiredCapacity".into(),
        target: Target::Capacity {
            domain: "my_domain".into(),
            capacity: 3,
        },
        at_ms: EPOCH_MS,
    })];
    assert!(JournalSummary::of(&interrupted).capacity_may_be_running());
    let (mut sim, _server, client) =
        setup(vec![ok("SetDesiredCapacity", "", "req-1"), domain_at(0)]);
    let no = manual::next_number(&interrupted);
    let mut journal = interrupted.clone();
    let journal = sim.run(async move {
        let outcome = manual::scale_to_zero(
            &client,
            "my_domain",
            &TeardownControl::new(),
            &mut manual::numbers_from(no),
            &mut |e| journal.push(e.clone()),
        )
        .await;
        assert_eq!(outcome, TeardownOutcome::Done);
        journal
    });
    let summary = JournalSummary::of(&journal);
    assert_eq!(summary.capacity, CapacityState::Confirmed { capacity: 0 });
    assert!(!summary.capacity_may_be_running());
    assert_eq!(summary.last_capacity_requested, Some(0));
    assert_eq!(summary.pending_teardown, None);
}

#[test]
fn terminate_shrinks_the_domain_and_replace_does_not() {
    for (decrement, detail) in [
        (true, "i-1 (terminate, capacity - 1)"),
        (false, "i-1 (replace)"),
    ] {
        let answer = ok("TerminateInstanceInAutoScalingGroup", "", "req-t");
        let (mut sim, server, client) = setup(vec![answer]);
        let (result, events) = sim.run(async move {
            let mut events = Vec::new();
            let result = manual::terminate(&client, "i-1", decrement, 1_000_004, &mut |e| {
                events.push(e.clone())
            })
            .await;
            (result, events)
        });
        assert_eq!(result.expect("done"), Some("req-t".to_string()));
        let (sent, done) = pair(&events);
        let target = Target::Other {
            detail: detail.into(),
        };
        assert_eq!(
            (sent.no, sent.stage, &sent.target),
            (1_000_004, Stage::Manual, &target)
        );
        assert_eq!(done.action, "TerminateInstanceInAutoScalingGroup");
        assert!(matches!(done.outcome, Outcome::Ok { .. }));
        let sent = server.sent.borrow();
        assert_eq!(sent[0].1.method, Method::Post);
        let params = params_of(&sent[0].1);
        assert_eq!(param(&params, "InstanceId"), Some("i-1"));
        assert_eq!(
            param(&params, "ShouldDecrementDesiredCapacity"),
            Some(if decrement { "true" } else { "false" })
        );
    }
}

#[test]
fn a_failed_terminate_is_journaled_once_and_never_repeated() {
    let (mut sim, server, client) = setup(vec![phantom_error(500, "InternalFailure", None)]);
    let (result, events) = sim.run(async move {
        let mut events = Vec::new();
        let result = manual::terminate(&client, "i-1", false, 1_000_001, &mut |e| {
            events.push(e.clone())
        })
        .await;
        (result, events)
    });
    assert_eq!(result.map_err(|e| e.class()), Err(ErrorClass::Retryable));
    assert_eq!(server.sent.borrow().len(), 1);
    let (_, done) = pair(&events);
    assert_eq!(done.attempts.len(), 1);
    assert_eq!(done.attempts[0].retry, Some(Retry::GaveUp));
    let Outcome::Failed { error } = &done.outcome else {
        panic!("not failed: {:?}", done.outcome);
    };
    assert_eq!(error.code.as_deref(), Some("InternalFailure"));
    assert!(!format!("{events:?}").contains(SECRET));
}

#[test]
fn listing_the_vms_reads_the_domain_and_journals_nothing() {
    let groups = "<DescribeAutoScalingGroupsResult><AutoScalingGroups><member>\
        <AutoScalingGroupName>my_domain</AutoScalingGroupName><Instances>\
        <member><InstanceId>i-1</InstanceId><AvailabilityZone>hotel</AvailabilityZone><LifecycleState>600-RUNNING</LifecycleState></member>\
        <member><InstanceId>i-2</InstanceId><AvailabilityZone>sierra</AvailabilityZone><LifecycleState>400-PENDING</LifecycleState></member>\
        </Instances></member></AutoScalingGroups></DescribeAutoScalingGroupsResult>";
    let (mut sim, server, client) = setup(vec![ok("DescribeAutoScalingGroups", groups, "r")]);
    let vms = sim
        .run(async move { manual::list_instances(&client, "my_domain").await })
        .expect("listed");
    let ids: Vec<(&str, &str)> = vms
        .iter()
        .map(|i| (i.instance_id.as_str(), i.availability_zone.as_str()))
        .collect();
    assert_eq!(ids, [("i-1", "hotel"), ("i-2", "sierra")]);
    let sent = server.sent.borrow();
    assert_eq!(sent[0].1.method, Method::Get);
    let params = params_of(&sent[0].1);
    assert_eq!(param(&params, "Action"), Some("DescribeAutoScalingGroups"));
    assert_eq!(
        param(&params, "AutoScalingGroupNames.member.1"),
        Some("my_domain")
    );
}

#[test]
fn a_failed_listing_says_why() {
    let (mut sim, _server, client) = setup(vec![phantom_error(403, "AccessDenied", None)]);
    let error = sim
        .run(async move { manual::list_instances(&client, "my_domain").await })
        .expect_err("refused");
    assert_eq!(error.class(), ErrorClass::Authentication);
}

#[test]
fn requests_by_hand_are_numbered_above_any_run() {
    let sent = |no: u32| {
        Event::RequestSent(RequestSent {
            no,
            stage: Stage::Ramp,
            action: "SetDesiredCapacity".into(),
            target: Target::Other {
                detail: String::new(),
            },
            at_ms: EPOCH_MS,
        })
    };
    assert_eq!(manual::next_number(&[]), MANUAL_NUMBERS + 1);
    assert_eq!(
        manual::next_number(&[sent(1), sent(2), sent(40)]),
        MANUAL_NUMBERS + 1
    );
    assert_eq!(
        manual::next_number(&[sent(3), sent(MANUAL_NUMBERS + 2), sent(4)]),
        MANUAL_NUMBERS + 3
    );
}

#[test]
fn test_connection_tells_each_attempt_in_words() {
    let lcs = "<DescribeLaunchConfigurationsResult><LaunchConfigurations>\
        <member><LaunchConfigurationName>lc@hotel</LaunchConfigurationName></member>\
        <member><LaunchConfigurationName>lc@sierra</LaunchConfigurationName></member>\
        </LaunchConfigurations></DescribeLaunchConfigurationsResult>";
    let groups = "<DescribeAutoScalingGroupsResult><AutoScalingGroups><member>\
        <AutoScalingGroupName>my_domain</AutoScalingGroupName>\
        </member></AutoScalingGroups></DescribeAutoScalingGroupsResult>";
    let (mut sim, _server, client) = setup(vec![
        phantom_error(503, "ServiceUnavailable", None),
        ok("DescribeLaunchConfigurations", lcs, "a"),
        ok("DescribeAutoScalingGroups", groups, "b"),
    ]);
    let (report, progress) = sim.run(async move {
        let mut progress = Vec::new();
        let report = manual::test_connection(&client, &mut |text| progress.push(text)).await;
        (report, progress)
    });
    let report = report.expect("connected");
    assert_eq!(
        report.summary(),
        "Connected: 2 launch configurations and 1 domain exist."
    );
    assert_eq!(progress.len(), 3, "{progress:?}");
    assert!(
        progress[0].starts_with("DescribeLaunchConfigurations attempt 1 failed (")
            && progress[0].ends_with("); retrying in 100 ms…"),
        "{}",
        progress[0]
    );
    assert_eq!(
        &progress[1..],
        [
            "DescribeLaunchConfigurations answered; continuing…",
            "DescribeAutoScalingGroups answered; continuing…",
        ]
    );
    assert!(manual::TESTING.starts_with("Sending DescribeLaunchConfigurations"));
}

#[test]
fn test_connection_tells_a_clock_correction() {
    let (mut sim, _server, client) = setup(vec![
        phantom_error(400, "RequestExpired", Some("Fri, 02 Jan 2026 04:04:05 GMT")),
        ok("DescribeLaunchConfigurations", "", "a"),
        ok("DescribeAutoScalingGroups", "", "b"),
    ]);
    let (report, progress) = sim.run(async move {
        let mut progress = Vec::new();
        let report = manual::test_connection(&client, &mut |text| progress.push(text)).await;
        (report, progress)
    });
    assert_eq!(report.expect("connected").clock_offset_seconds, 3600);
    assert_eq!(
        progress[0],
        "The server's clock differs by 3600 s; signing again with its time…"
    );
}

#[test]
fn a_clock_correction_is_journaled_and_the_step_log_says_it() {
    let (mut sim, _server, client) = setup(vec![
        phantom_error(400, "RequestExpired", Some("Fri, 02 Jan 2026 03:09:17 GMT")),
        ok("SetDesiredCapacity", "", "req-1"),
    ]);
    let events = sim.run(async move {
        let mut events = Vec::new();
        let request = phantom_de::api::Request::set_capacity("my_domain", 2);
        manual::send(&client, Stage::Manual, &request, 1_000_001, &mut |e| {
            events.push(e.clone())
        })
        .await
        .expect("done");
        events
    });
    let (_, done) = pair(&events);
    assert_eq!(
        done.attempts[0].retry,
        Some(Retry::ClockCorrected { seconds: 312 })
    );
    let lines = log_lines(&events);
    assert_eq!(
        lines[0].outcome,
        "ok after correcting the clock by +312 s (server Date)"
    );
    assert_eq!(lines[0].retries, 1);
}
