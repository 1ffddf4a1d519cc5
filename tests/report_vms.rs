//! The live view's VMs on the host: the latest look at the domain (counts per cloud and
//! state in both dialects, a missing domain, a failed look) and the VM list's rows.

use phantom_de::api::{ErrorClass, Instance};
use phantom_de::engine::journal::{
    ErrorInfo, Event, InstanceCount, MonitorResult, MonitorSnapshot, RampStarted,
};
use phantom_de::report::vms::{latest_look, vm_rows, CountRow, Look, Seen, VmRow};

const T0: f64 = 1_767_323_045_000.0; // 2026-01-02T03:04:05Z

fn look(at: f64, offset_ms: u64, result: MonitorResult) -> Event {
    Event::Monitor(MonitorSnapshot {
        at_ms: T0 + at,
        offset_ms,
        result,
    })
}

fn count(cloud: &str, state: &str, count: u32) -> InstanceCount {
    InstanceCount::new(cloud, state, count)
}

fn row(cloud: &str, state: &str, meaning: &str, count: u32) -> CountRow {
    CountRow {
        cloud: cloud.into(),
        state: state.into(),
        meaning: meaning.into(),
        count,
    }
}

fn domain(desired_capacity: Option<u32>) -> MonitorResult {
    MonitorResult::Domain {
        desired_capacity,
        instances: 5,
        counts: vec![
            count("hotel", "400-PENDING", 1),
            count("hotel", "600-RUNNING", 1),
            count("sierra", "700-FAILED", 1),
            count("us-east-1a", "InService", 1),
            count("us-east-1a", "Standby", 1),
        ],
    }
}

#[test]
fn the_latest_look_counts_instances_per_cloud_and_state() {
    let events = [
        look(1000.0, 900, MonitorResult::Missing),
        Event::RampStarted(RampStarted {
            at_ms: T0,
            domain_created: true,
        }),
        look(3000.0, 2900, domain(Some(2))),
    ];
    assert_eq!(
        latest_look(&events),
        Some(Look {
            as_of: "As of 03:04:08.000 UTC (ramp time 2.900 s)".into(),
            seen: Seen::Domain {
                summary: "Desired capacity 2, 5 instance(s)".into(),
                rows: vec![
                    row("hotel", "400-PENDING", "pending", 1),
                    row("hotel", "600-RUNNING", "running", 1),
                    row("sierra", "700-FAILED", "failed", 1),
                    row("us-east-1a", "InService", "running", 1),
                    row("us-east-1a", "Standby", "other", 1),
                ],
            },
        })
    );
}

#[test]
fn an_unknown_capacity_a_missing_domain_and_a_failed_look() {
    let seen = |result| latest_look(&[look(0.0, 0, result)]).map(|l| l.seen);
    let Some(Seen::Domain { summary, .. }) = seen(domain(None)) else {
        panic!("a domain");
    };
    assert_eq!(summary, "Desired capacity unknown, 5 instance(s)");
    assert_eq!(seen(MonitorResult::Missing), Some(Seen::Missing));
    let error = ErrorInfo {
        code: Some("Throttling".into()),
        message: "Rate exceeded".into(),
        class: ErrorClass::Retryable,
        status: Some(400),
        request_id: Some("req-1".into()),
        hint: "Wait and try again.".into(),
    };
    assert_eq!(
        seen(MonitorResult::Failed { error, attempts: 4 }),
        Some(Seen::Failed(
            "The last look failed after 4 attempt(s): Rate exceeded".into()
        ))
    );
}

#[test]
fn no_look_before_the_monitor_looked() {
    let events = [Event::RampStarted(RampStarted {
        at_ms: T0,
        domain_created: true,
    })];
    assert_eq!(latest_look(&events), None);
    assert_eq!(latest_look(&[]), None);
}

#[test]
fn vm_rows_name_their_vm_and_a_booting_one_cannot_be_acted_on() {
    let instance = |id: &str, zone: &str, state: &str| Instance {
        instance_id: id.into(),
        availability_zone: zone.into(),
        lifecycle_state: state.into(),
        health_status: "Healthy".into(),
        launch_configuration_name: "my_launch_config@hotel".into(),
    };
    let rows = vm_rows(&[
        instance("i-1a2b3c", "hotel", "600-RUNNING"),
        instance("", "sierra", "400-PENDING"),
    ]);
    assert_eq!(
        rows,
        [
            VmRow {
                id: "i-1a2b3c".into(),
                shown_id: "i-1a2b3c".into(),
                zone: "hotel".into(),
                state: "600-RUNNING".into(),
                health: "Healthy".into(),
            },
            VmRow {
                id: String::new(),
                shown_id: "(booting)".into(),
                zone: "sierra".into(),
                state: "400-PENDING".into(),
                health: "Healthy".into(),
            },
        ]
    );
    assert!(rows[0].usable());
    assert!(!rows[1].usable());
    assert_eq!(rows[0].terminate_label(), "Terminate i-1a2b3c");
    assert_eq!(rows[0].replace_label(), "Replace i-1a2b3c");
    assert!(vm_rows(&[]).is_empty());
}
