//! The convergence watch after a run (`engine::settle`) on virtual time against a
//! scripted Phantom whose VMs linger after a capacity decrease: it waits until the
//! domain shows the capacity asked for (for 0: nothing left), warns when the bound
//! passes, keeps looking through failed looks, and reads its target from the journal.

#[path = "support/query.rs"]
mod query;
#[path = "support/scripted_phantom.rs"]
mod scripted_phantom;
#[path = "support/virtual_time.rs"]
mod virtual_time;

use std::rc::Rc;

use phantom_de::engine::journal::{
    CapacityState, Event, JournalSummary, MonitorResult, NotSettled, RequestSent, Settled,
    Settlement, Stage, Target,
};
use phantom_de::engine::settle::{settle, Watch, SETTLE_BOUND_MS, SETTLE_INTERVAL_MS};
use scripted_phantom::{client, tutorial_settings, Server};
use virtual_time::{Sim, VirtualClock, EPOCH_MS};

/// A server holding `my_domain` with `vms` VMs that linger `linger_ms` once removed.
fn domain_with(vms: u32, linger_ms: u64) -> (VirtualClock, Rc<Server>) {
    let clock = VirtualClock::new();
    let server = Server::new(clock.clone());
    server.linger_ms.set(linger_ms);
    (clock, server.with_existing(vms))
}

/// Runs the watch; returns its end and every (virtual time, event).
fn watch(
    clock: &VirtualClock,
    server: &Rc<Server>,
    watch: Watch,
) -> (Settlement, Vec<(u64, Event)>) {
    let client = client(&tutorial_settings(), server);
    let mut sim = Sim::new(clock.clone());
    let clock = clock.clone();
    let (end, events) = sim.run(async move {
        let mut events = Vec::new();
        let end = settle(&client, &watch, &mut |e| {
            events.push((clock.now(), e.clone()))
        })
        .await;
        (end, events)
    });
    assert_eq!(
        server.clock.pending_timers(),
        0,
        "no timer outlives the watch"
    );
    (end, events)
}

/// (virtual time, VMs not terminating) of every look that saw the domain.
fn looks(events: &[(u64, Event)]) -> Vec<(u64, Option<u32>)> {
    events
        .iter()
        .filter_map(|(t, e)| match e {
            Event::Monitor(m) => Some((
                *t,
                match &m.result {
                    MonitorResult::Domain { counts, .. } => Some(
                        counts
                            .iter()
                            .filter(|c| c.state == "600-RUNNING")
                            .map(|c| c.count)
                            .sum(),
                    ),
                    _ => None,
                },
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn after_capacity_0_the_watch_waits_until_every_vm_is_terminated() {
    let (clock, server) = domain_with(3, 10_000);
    server.set_capacity(0);
    let (end, events) = watch(&clock, &server, Watch::new("my_domain", 0));
    assert_eq!(SETTLE_INTERVAL_MS, 3_000);
    assert_eq!(
        looks(&events),
        [
            (0, Some(3)),
            (3_000, Some(3)),
            (6_000, Some(3)),
            (9_000, Some(3)),
            (12_000, Some(0))
        ],
        "removed VMs run 10 s, then show 900-TERMINATED"
    );
    let settled = Settled {
        at_ms: EPOCH_MS + 12_000.0,
        capacity: 0,
        running: 0,
    };
    assert_eq!(end, Settlement::Settled(settled.clone()));
    assert_eq!(
        events.last().map(|(_, e)| e),
        Some(&Event::Settled(settled))
    );
    assert_eq!(end.label(), "0 running — nothing left");
    assert!(!end.is_warning());
}

#[test]
fn a_domain_no_longer_listed_has_nothing_left_at_once() {
    let clock = VirtualClock::new();
    let server = Server::new(clock.clone());
    let (end, events) = watch(&clock, &server, Watch::new("my_domain", 0));
    assert_eq!(events.len(), 2, "one look, then the end");
    assert!(matches!(
        &events[0].1,
        Event::Monitor(m) if m.result == MonitorResult::Missing
    ));
    assert!(matches!(
        end,
        Settlement::Settled(Settled { capacity: 0, .. })
    ));

    // For a capacity above 0, a missing domain has not settled.
    let watch_3 = Watch {
        bound_ms: 6_000,
        ..Watch::new("my_domain", 3)
    };
    let (end, _) = watch(&clock, &server, watch_3);
    assert!(matches!(
        end,
        Settlement::NotSettled(NotSettled {
            running: Some(0),
            desired_capacity: None,
            ..
        })
    ));
}

#[test]
fn a_final_capacity_above_0_settles_once_that_many_vms_are_not_terminating() {
    let (clock, server) = domain_with(3, 10_000);
    server.set_capacity(1);
    let (end, events) = watch(
        &clock,
        &server,
        Watch {
            interval_ms: 4_000,
            ..Watch::new("my_domain", 1)
        },
    );
    let times: Vec<u64> = looks(&events).iter().map(|(t, _)| *t).collect();
    assert_eq!(times, [0, 4_000, 8_000, 12_000]);
    assert_eq!(
        end,
        Settlement::Settled(Settled {
            at_ms: EPOCH_MS + 12_000.0,
            capacity: 1,
            running: 1
        })
    );
    assert_eq!(end.label(), "1 running, as asked");
}

#[test]
fn a_domain_that_does_not_settle_within_the_bound_is_a_warning() {
    assert_eq!(SETTLE_BOUND_MS, 600_000);
    let (clock, server) = domain_with(3, 10_000_000);
    server.set_capacity(0);
    let (end, events) = watch(
        &clock,
        &server,
        Watch {
            interval_ms: 20_000,
            bound_ms: 60_000,
            ..Watch::new("my_domain", 0)
        },
    );
    let times: Vec<u64> = looks(&events).iter().map(|(t, _)| *t).collect();
    assert_eq!(times, [0, 20_000, 40_000, 60_000]);
    let not = NotSettled {
        at_ms: EPOCH_MS + 60_000.0,
        capacity: 0,
        desired_capacity: Some(0),
        running: Some(3),
        waited_ms: 60_000,
    };
    assert_eq!(end, Settlement::NotSettled(not.clone()));
    assert_eq!(events.last().map(|(_, e)| e), Some(&Event::NotSettled(not)));
    assert!(end.is_warning());
    assert_eq!(
        end.label(),
        "WARNING: not settled at capacity 0 after 1 min: 3 VM(s) not terminating, DesiredCapacity 0; look at the domain"
    );

    // A bound between two looks: the last look is at the bound.
    let (end, events) = watch(
        &clock,
        &server,
        Watch {
            interval_ms: 20_000,
            bound_ms: 50_000,
            ..Watch::new("my_domain", 0)
        },
    );
    let times: Vec<u64> = looks(&events).iter().map(|(t, _)| t - 60_000).collect();
    assert_eq!(times, [0, 20_000, 40_000, 50_000]);
    assert!(end.label().contains("after 50 s"), "{}", end.label());
}

#[test]
fn failed_looks_are_journaled_and_the_watch_goes_on() {
    let (clock, server) = domain_with(0, 0);
    server.down_until.set(5_000);
    let (end, events) = watch(&clock, &server, Watch::new("my_domain", 0));
    let failed: Vec<u64> = events
        .iter()
        .filter_map(|(t, e)| match e {
            Event::Monitor(m) if matches!(m.result, MonitorResult::Failed { .. }) => Some(*t),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        [300, 3_300],
        "each after the client's three attempts"
    );
    assert!(matches!(
        end,
        Settlement::Settled(Settled { at_ms, .. }) if at_ms == EPOCH_MS + 6_000.0
    ));

    // Never seen: the warning says so.
    let (clock, server) = domain_with(0, 0);
    server.down_until.set(u64::MAX);
    let (end, _) = watch(
        &clock,
        &server,
        Watch {
            bound_ms: 9_000,
            ..Watch::new("my_domain", 0)
        },
    );
    assert!(matches!(
        end,
        Settlement::NotSettled(NotSettled { running: None, .. })
    ));
    assert!(end.label().contains("the domain could not be described"));
}

fn sent(capacity: u32) -> Event {
    Event::RequestSent(RequestSent {
        no: 1,
        stage: Stage::Ramp,
        action: "SetDesiredCapacity".into(),
        target: Target::Capacity {
            domain: "my_domain".into(),
            capacity,
        },
        at_ms: EPOCH_MS,
    })
}

#[test]
fn the_watch_after_a_run_takes_its_target_and_time_line_from_the_summary() {
    let mut summary = JournalSummary {
        domain: Some("my_domain".into()),
        ramp_started_ms: Some(EPOCH_MS - 90_000.0),
        ..JournalSummary::default()
    };
    assert_eq!(Watch::after(&summary, 3_000), None, "no capacity asked for");
    for (capacity, target) in [
        (CapacityState::Confirmed { capacity: 4 }, 4),
        (CapacityState::Unconfirmed { capacity: 0 }, 0),
        (CapacityState::Deleted, 0),
    ] {
        summary.capacity = capacity;
        let watch = Watch::after(&summary, 5_000).expect("a watch");
        assert_eq!(
            (watch.capacity, watch.interval_ms, watch.bound_ms),
            (target, 5_000, SETTLE_BOUND_MS)
        );
        assert_eq!(watch.ramp_started_ms, summary.ramp_started_ms);
    }

    // Its looks continue the live chart's ramp time.
    let (clock, server) = domain_with(0, 0);
    let (_, events) = watch(
        &clock,
        &server,
        Watch::after(&summary, 3_000).expect("a watch"),
    );
    assert!(matches!(&events[0].1, Event::Monitor(m) if m.offset_ms == 90_000));

    // The summary keeps the end, until a new capacity request makes it stale.
    let mut journal: Vec<Event> = events.into_iter().map(|(_, e)| e).collect();
    let kept = JournalSummary::of(&journal).settled.expect("settled");
    assert_eq!(kept.label(), "0 running — nothing left");
    journal.push(sent(2));
    assert_eq!(JournalSummary::of(&journal).settled, None);
}
