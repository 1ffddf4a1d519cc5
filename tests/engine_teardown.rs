//! The teardown that persists (`engine::pursuit`) on virtual time against a scripted
//! Phantom: its exact schedule (1, 2, 4 … 30 s), an answer that will not change waiting
//! the ceiling, an outage of minutes, a describe that does not show the capacity yet, a
//! domain that is gone, "Try now" and "Stop trying", and what the journal (and its
//! summary) says meanwhile.

#[path = "support/query.rs"]
mod query;
#[path = "support/scripted_phantom.rs"]
mod scripted_phantom;
#[path = "support/virtual_time.rs"]
mod virtual_time;

use std::cell::RefCell;
use std::rc::Rc;

use phantom_de::api::ErrorClass;
use phantom_de::engine::journal::{
    CapacityState, Event, JournalSummary, Stage, TeardownCause, TeardownOutcome, TeardownRetry,
};
use phantom_de::engine::manual::numbers_from;
use phantom_de::engine::pursuit::{
    pursue_capacity, teardown_wait_ms, waits_at_ceiling, Pursuit, TeardownControl,
    TEARDOWN_FIRST_WAIT_MS, TEARDOWN_WAIT_CEILING_MS,
};
use scripted_phantom::{
    client_with_attempts, error, tutorial_settings, Answer, Sent, Server, TestClient,
};
use virtual_time::{Sim, VirtualClock, EPOCH_MS};

/// A pursuit of capacity 0 for `my_domain` against a server holding it with 3 VMs.
struct Case {
    clock: VirtualClock,
    server: Rc<Server>,
    sim: Sim,
    control: TeardownControl,
    /// Attempts the client makes per request (the settings' 3 unless told).
    client_attempts: Option<u32>,
}

/// What a pursuit did.
struct Pursued {
    outcome: TeardownOutcome,
    /// (virtual time heard, event)
    events: Vec<(u64, Event)>,
    log: Vec<Sent>,
    server: Rc<Server>,
    clock: VirtualClock,
}

impl Case {
    fn new() -> Self {
        let clock = VirtualClock::new();
        let server = Server::new(clock.clone()).with_existing(3);
        Self {
            sim: Sim::new(clock.clone()),
            clock,
            server,
            control: TeardownControl::new(),
            client_attempts: None,
        }
    }

    /// The client makes a single attempt per request: only the pursuit retries.
    fn single_attempts(mut self) -> Self {
        self.client_attempts = Some(1);
        self
    }

    fn client(&self) -> TestClient {
        client_with_attempts(
            &tutorial_settings(),
            &self.server,
            self.client_attempts.unwrap_or(3),
        )
    }

    /// Presses "Try now" at `at_ms`.
    fn try_now_at(&mut self, at_ms: u64) {
        let control = self.control.clone();
        self.sim.at(at_ms, move || control.try_now());
    }

    /// Presses "Stop trying" at `at_ms`.
    fn stop_trying_at(&mut self, at_ms: u64) {
        let control = self.control.clone();
        self.sim.at(at_ms, move || {
            control.stop_trying();
        });
    }

    fn run(mut self) -> Pursued {
        let client = self.client();
        let events = Rc::new(RefCell::new(Vec::new()));
        let sink = events.clone();
        let clock = self.clock.clone();
        let control = self.control.clone();
        let outcome = self.sim.run(async move {
            let pursuit = Pursuit::new("my_domain", 0, TeardownCause::Stopped);
            pursue_capacity(
                &client,
                &pursuit,
                &control,
                &mut numbers_from(1),
                &mut |e| sink.borrow_mut().push((clock.now(), e.clone())),
            )
            .await
        });
        let done = Pursued {
            outcome,
            events: events.take(),
            log: self.server.log.take(),
            server: self.server,
            clock: self.clock,
        };
        done.check_invariants();
        done
    }
}

impl Pursued {
    /// What holds for every pursuit: TeardownStarted first, Teardown with the outcome
    /// last, every request in the teardown stage and answered, numbered 1, 2, …, no
    /// timer left.
    fn check_invariants(&self) {
        assert!(matches!(
            self.events.first(),
            Some((_, Event::TeardownStarted(_)))
        ));
        match self.events.last() {
            Some((_, Event::Teardown(t))) => assert_eq!(t.outcome, self.outcome),
            other => panic!("the last event is {other:?}"),
        }
        let sent: Vec<u32> = self
            .events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::RequestSent(s) => {
                    assert_eq!(s.stage, Stage::Teardown);
                    Some(s.no)
                }
                _ => None,
            })
            .collect();
        assert_eq!(sent, (1..=sent.len() as u32).collect::<Vec<_>>());
        let done = self
            .events
            .iter()
            .filter(|(_, e)| matches!(e, Event::RequestDone(_)))
            .count();
        assert_eq!(done, sent.len(), "every RequestSent has its RequestDone");
        assert_eq!(self.clock.pending_timers(), 0, "no timer outlives it");
        assert_eq!(self.summary().pending_teardown, None);
    }

    fn summary(&self) -> JournalSummary {
        JournalSummary::of(&self.journal())
    }

    fn journal(&self) -> Vec<Event> {
        self.events.iter().map(|(_, e)| e.clone()).collect()
    }

    /// Virtual times of the requests of `action` the server saw.
    fn times(&self, action: &str) -> Vec<u64> {
        self.log
            .iter()
            .filter(|s| s.action == action)
            .map(|s| s.at)
            .collect()
    }

    fn retries(&self) -> Vec<&TeardownRetry> {
        self.events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::TeardownRetry(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    /// When the pursuit ended (virtual ms).
    fn ended_at(&self) -> u64 {
        self.events.last().map(|(t, _)| *t).expect("events")
    }
}

fn failures(n: usize, answer: Answer) -> Vec<Answer> {
    vec![answer; n]
}

fn unavailable() -> Answer {
    error(503, "ServiceUnavailable", "try later")
}

fn refused() -> Answer {
    error(400, "ValidationError", "rejected")
}

#[test]
fn the_wait_doubles_from_one_second_to_a_ceiling_of_thirty() {
    assert_eq!(
        (TEARDOWN_FIRST_WAIT_MS, TEARDOWN_WAIT_CEILING_MS),
        (1_000, 30_000)
    );
    let waits: Vec<u64> = (1..=9).map(|n| teardown_wait_ms(n, false)).collect();
    assert_eq!(
        waits,
        [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]
    );
    assert_eq!(teardown_wait_ms(u32::MAX, false), 30_000);
    assert_eq!(teardown_wait_ms(1, true), 30_000);
    assert!(!waits_at_ceiling(ErrorClass::Retryable));
    assert!(!waits_at_ceiling(ErrorClass::ClockSkew));
    for class in [
        ErrorClass::Authentication,
        ErrorClass::InvalidInput,
        ErrorClass::AlreadyExists,
        ErrorClass::Other,
    ] {
        assert!(waits_at_ceiling(class), "{class}");
    }
}

#[test]
fn a_set_desired_capacity_failing_7_times_is_attempted_at_0_1_3_7_15_31_61_91_s() {
    let case = Case::new().single_attempts();
    case.server
        .script("SetDesiredCapacity:0", failures(7, unavailable()));
    let done = case.run();
    assert_eq!(
        done.times("SetDesiredCapacity"),
        [0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000, 91_000]
    );
    assert_eq!(
        done.times("DescribeAutoScalingGroups"),
        [91_000],
        "a retryable failure says nothing about the domain: no describe"
    );
    let retries = done.retries();
    let journaled: Vec<(u32, u64, u64)> = retries
        .iter()
        .map(|r| {
            (
                r.attempt,
                done.clock.virtual_of(r.at_ms),
                done.clock.virtual_of(r.next_attempt_ms),
            )
        })
        .collect();
    assert_eq!(
        journaled,
        [
            (1, 0, 1_000),
            (2, 1_000, 3_000),
            (3, 3_000, 7_000),
            (4, 7_000, 15_000),
            (5, 15_000, 31_000),
            (6, 31_000, 61_000),
            (7, 61_000, 91_000),
        ]
    );
    assert!(retries
        .iter()
        .all(|r| r.error.code.as_deref() == Some("ServiceUnavailable")
            && r.desired_capacity.is_none()));
    assert_eq!(done.outcome, TeardownOutcome::Done);
    assert_eq!(done.ended_at(), 91_000);
    assert_eq!(done.server.desired(), Some(0));
    let summary = done.summary();
    assert_eq!(summary.capacity, CapacityState::Confirmed { capacity: 0 });
    assert!(!summary.capacity_may_be_running());
}

#[test]
fn an_answer_that_will_not_change_is_retried_at_the_ceiling_and_throttling_is_not() {
    // ValidationError (400): 30 s at once, and each refusal is followed by a describe
    // (a refused capacity may mean the domain is gone).
    let case = Case::new();
    case.server
        .script("SetDesiredCapacity:0", failures(2, refused()));
    let done = case.run();
    assert_eq!(done.times("SetDesiredCapacity"), [0, 30_000, 60_000]);
    assert_eq!(done.times("DescribeAutoScalingGroups"), [0, 30_000, 60_000]);
    let retries = done.retries();
    assert_eq!(retries.len(), 2);
    assert_eq!(retries[0].error.class, ErrorClass::InvalidInput);
    assert_eq!(retries[0].error.status, Some(400));
    assert_eq!(
        retries[0].desired_capacity,
        Some(3),
        "what the describe showed"
    );
    assert_eq!(done.outcome, TeardownOutcome::Done);

    // Throttling is a 400 too, but it passes: the growing wait.
    let case = Case::new().single_attempts();
    case.server.script(
        "SetDesiredCapacity:0",
        failures(2, error(400, "Throttling", "Rate exceeded")),
    );
    let done = case.run();
    assert_eq!(done.times("SetDesiredCapacity"), [0, 1_000, 3_000]);
    assert_eq!(done.outcome, TeardownOutcome::Done);
}

#[test]
fn connection_refused_for_five_minutes_then_the_endpoint_recovers_and_0_is_confirmed() {
    let case = Case::new();
    case.server.down_until.set(300_000);
    let done = case.run();
    let sets = done.times("SetDesiredCapacity");
    // Each attempt is the client's three (0, +100, +300 ms); the pursuit's waits after.
    let firsts: Vec<u64> = sets.chunks(3).map(|c| c[0]).collect();
    assert_eq!(
        firsts[..8],
        [0, 1_300, 3_600, 7_900, 16_200, 32_500, 62_800, 93_100]
    );
    assert!(
        firsts
            .windows(2)
            .all(|w| w[1] - w[0] <= TEARDOWN_WAIT_CEILING_MS + 300),
        "never more than the ceiling apart: {firsts:?}"
    );
    let last = *sets.last().expect("sent");
    assert!(
        (300_000..300_000 + TEARDOWN_WAIT_CEILING_MS + 300).contains(&last),
        "the first attempt after the outage: {last}"
    );
    assert_eq!(done.times("DescribeAutoScalingGroups"), [last]);
    let retries = done.retries();
    assert_eq!(retries.len(), firsts.len() - 1);
    assert!(retries
        .iter()
        .all(|r| r.error.class == ErrorClass::Retryable
            && r.error.message.contains("connection refused")));
    assert_eq!(done.outcome, TeardownOutcome::Done);
    assert_eq!(done.server.desired(), Some(0));
    assert_eq!(
        done.summary().capacity,
        CapacityState::Confirmed { capacity: 0 }
    );
}

#[test]
fn a_describe_still_showing_the_old_capacity_means_another_attempt() {
    let case = Case::new();
    // Answered OK, but not applied: the describe still shows 3.
    case.server
        .script("SetDesiredCapacity:0", vec![Answer::AckOnly]);
    let done = case.run();
    assert_eq!(done.times("SetDesiredCapacity"), [0, 1_000]);
    assert_eq!(done.times("DescribeAutoScalingGroups"), [0, 1_000]);
    let retries = done.retries();
    assert_eq!(retries.len(), 1);
    assert_eq!(retries[0].desired_capacity, Some(3));
    assert!(
        retries[0].error.message.contains("shows DesiredCapacity 3"),
        "{}",
        retries[0].error.message
    );
    assert!(retries[0].error.request_id.is_some(), "the describe's id");
    assert_eq!(done.clock.virtual_of(retries[0].next_attempt_ms), 1_000);
    assert_eq!(done.outcome, TeardownOutcome::Done);
    assert_eq!(done.server.desired(), Some(0));
}

#[test]
fn a_domain_no_longer_listed_counts_as_confirmed_even_when_the_set_is_refused() {
    let clock = VirtualClock::new();
    let mut case = Case::new();
    case.server = Server::new(clock.clone()); // no domain: SetDesiredCapacity is refused
    case.sim = Sim::new(clock.clone());
    case.clock = clock;
    let done = case.run();
    assert_eq!(done.times("SetDesiredCapacity"), [0]);
    assert_eq!(done.times("DescribeAutoScalingGroups"), [0]);
    assert!(done.retries().is_empty());
    assert_eq!(done.outcome, TeardownOutcome::Done);
}

#[test]
fn try_now_cuts_the_wait_short_but_never_a_later_one() {
    let mut case = Case::new();
    case.server.script("SetDesiredCapacity:0", vec![refused()]);
    case.try_now_at(5_000);
    let done = case.run();
    assert_eq!(done.times("SetDesiredCapacity"), [0, 5_000]);
    assert_eq!(done.outcome, TeardownOutcome::Done);
    assert_eq!(done.ended_at(), 5_000);

    // Pressed during an attempt: the wait after it is the whole 30 s.
    let mut case = Case::new();
    case.server.script("SetDesiredCapacity:0", vec![refused()]);
    case.server.latency("SetDesiredCapacity:0", 2_000);
    case.try_now_at(1_000);
    let done = case.run();
    assert_eq!(done.times("SetDesiredCapacity"), [0, 32_000]);
    assert_eq!(done.outcome, TeardownOutcome::Done);
}

#[test]
fn stop_trying_ends_the_pursuit_and_says_what_may_still_be_running() {
    let mut case = Case::new();
    case.server
        .script("SetDesiredCapacity:0", failures(10, refused()));
    case.stop_trying_at(45_000);
    let done = case.run();
    assert_eq!(done.times("SetDesiredCapacity"), [0, 30_000]);
    assert_eq!(done.ended_at(), 45_000, "the wait was cut short");
    let TeardownOutcome::Abandoned {
        attempts,
        last_error,
        last_desired,
    } = &done.outcome
    else {
        panic!("{:?}", done.outcome);
    };
    assert_eq!(*attempts, 2);
    assert_eq!(
        last_error.as_ref().and_then(|e| e.code.as_deref()),
        Some("ValidationError")
    );
    assert_eq!(*last_desired, Some(3));
    let label = done.outcome.label(0);
    assert!(
        label.starts_with("STOPPED TRYING after 2 attempt(s) to set capacity 0: VMs may still be running (the domain last showed DesiredCapacity 3); last error: ValidationError"),
        "{label}"
    );
    assert!(done.outcome.may_leave_running());
    let summary = done.summary();
    assert_eq!(summary.capacity, CapacityState::Unconfirmed { capacity: 0 });
    assert!(summary.capacity_may_be_running());
    assert_eq!(done.server.desired(), Some(3));
}

#[test]
fn stop_trying_during_an_attempt_lets_it_finish_and_its_answer_counts() {
    // The attempt under way confirms 0: done, not abandoned.
    let mut case = Case::new();
    case.server.latency("SetDesiredCapacity:0", 2_000);
    case.stop_trying_at(1_000);
    let done = case.run();
    assert_eq!(done.outcome, TeardownOutcome::Done);
    assert_eq!(done.ended_at(), 2_000);

    // It fails: abandoned at once, without a retry journaled.
    let mut case = Case::new();
    case.server.latency("SetDesiredCapacity:0", 2_000);
    case.server
        .script("SetDesiredCapacity:0", failures(3, unavailable()));
    case.stop_trying_at(1_000);
    let done = case.run();
    assert!(matches!(
        done.outcome,
        TeardownOutcome::Abandoned { attempts: 1, .. }
    ));
    assert!(done.retries().is_empty());
    assert_eq!(done.times("SetDesiredCapacity"), [0, 2_100, 4_300]);
}

#[test]
fn the_first_attempt_is_made_even_when_stop_trying_came_before() {
    let case = Case::new();
    assert!(case.control.stop_trying());
    assert!(
        !case.control.stop_trying(),
        "the second press changes nothing"
    );
    case.server.script("SetDesiredCapacity:0", vec![refused()]);
    let done = case.run();
    assert_eq!(done.times("SetDesiredCapacity"), [0]);
    assert!(matches!(
        done.outcome,
        TeardownOutcome::Abandoned { attempts: 1, .. }
    ));
}

#[test]
fn while_it_waits_the_summary_shows_a_pending_teardown_for_the_banner() {
    let mut case = Case::new().single_attempts();
    case.server
        .script("SetDesiredCapacity:0", failures(2, unavailable()));
    case.try_now_at(500);
    let done = case.run();
    let journal = done.journal();
    let cut_after = |n: usize| {
        let i = journal
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, Event::TeardownRetry(_)))
            .nth(n)
            .map(|(i, _)| i)
            .expect("a retry");
        JournalSummary::of(&journal[..=i])
    };
    let first = cut_after(0).pending_teardown.expect("pending");
    assert_eq!(
        (
            first.domain.as_str(),
            first.target,
            first.cause,
            first.since_ms,
            first.attempts
        ),
        ("my_domain", 0, TeardownCause::Stopped, EPOCH_MS, 1)
    );
    assert_eq!(first.next_attempt_ms, Some(EPOCH_MS + 1_000.0));
    assert_eq!(first.next_attempt_in_ms(EPOCH_MS + 400.0), Some(600.0));
    assert_eq!(first.next_attempt_in_ms(EPOCH_MS + 5_000.0), Some(0.0));
    assert!(!first.attempt_under_way());
    assert_eq!(
        first.label(EPOCH_MS + 400.0),
        "Setting capacity 0 on my_domain (after Stop): attempt 1 failed (ServiceUnavailable: ServiceUnavailable (HTTP 503): try later); next attempt in 1 s."
    );
    // "Try now" at 0.5 s: the second attempt failed then, the next one 2 s later.
    let second = cut_after(1).pending_teardown.expect("pending");
    assert_eq!(second.attempts, 2);
    assert_eq!(second.since_ms, EPOCH_MS);
    assert_eq!(second.next_attempt_ms, Some(EPOCH_MS + 2_500.0));
    assert_eq!(done.times("SetDesiredCapacity"), [0, 500, 2_500]);

    // The third attempt is under way once its request is sent.
    let sent = journal
        .iter()
        .rposition(|e| matches!(e, Event::RequestSent(_)))
        .expect("sent");
    let under_way = JournalSummary::of(&journal[..=sent])
        .pending_teardown
        .expect("pending");
    assert!(under_way.attempt_under_way());
    assert_eq!(under_way.next_attempt_in_ms(EPOCH_MS), None);
    assert!(under_way
        .label(EPOCH_MS)
        .ends_with("; attempt 3 under way…"));
}
