//! Failing VMs on purpose: `POST /__sim/fail` (a given or a random VM) and
//! `--vm-failures-per-minute` / `vm_failures_per_minute`. A failed VM is 850-FAILED and
//! Unhealthy until terminated and is not replaced by itself; Terminate without decrement
//! replaces it (what a client's "keep healthy" policy does).

mod common;
use common::*;
use serde_json::{json, Value};
use std::time::Duration;

fn fail(port: u16, body: &Value) -> (u16, Value) {
    let r = request(
        port,
        "POST",
        "/__sim/fail",
        &[("Content-Type", "application/json")],
        &body.to_string(),
    );
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

fn terminate(port: u16, id: &str, decrement: &str) -> Resp {
    call(
        port,
        &[
            ("Action", "TerminateInstanceInAutoScalingGroup"),
            ("InstanceId", id),
            ("ShouldDecrementDesiredCapacity", decrement),
        ],
    )
}

/// A sim with domain `d` on hotel at `capacity`, VMs running at once.
fn domain_at(capacity: &str, extra: &[&str]) -> Sim {
    let mut args = vec!["--control", "--boot-seconds", "0"];
    args.extend_from_slice(extra);
    let sim = start(&args);
    create_lc(sim.port, "lc@hotel");
    create_domain(sim.port, "d", "lc@hotel", "hotel:-1", "0");
    assert_eq!(set_capacity(sim.port, "d", capacity).status, 200);
    sim
}

fn count(v: &[(String, String, String)], state: &str) -> usize {
    v.iter().filter(|i| i.1 == state).count()
}

#[test]
fn a_failed_vm_stays_failed_until_terminated_without_decrement_then_is_replaced() {
    let sim = domain_at("3", &[]);
    let port = sim.port;
    let v = instances(port, "d");
    assert_eq!(count(&v, "600-RUNNING"), 3);
    let id = v[1].2.clone();

    let (status, body) = fail(port, &json!({"domain": "d", "instance_id": id}));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["instance_id"], id.as_str());
    assert_eq!(body["state"], "850-FAILED");
    assert_eq!(body["health"], "Unhealthy");
    assert_eq!(body["changed"], true);
    assert!(body["failed_ms"].as_i64().is_some());

    // Listed, Unhealthy, not replaced, not running; it stays so.
    for _ in 0..2 {
        let v = instances(port, "d");
        assert_eq!(v.len(), 3, "{v:?}");
        assert_eq!(count(&v, "600-RUNNING"), 2);
        assert_eq!(v.iter().find(|i| i.2 == id).unwrap().1, "850-FAILED");
        std::thread::sleep(Duration::from_millis(150));
    }
    let r = call(
        port,
        &[
            ("Action", "DescribeAutoScalingInstances"),
            ("InstanceIds.member.1", &id),
        ],
    );
    assert_eq!(tag(&r.body, "LifecycleState").unwrap(), "850-FAILED");
    assert_eq!(tag(&r.body, "HealthStatus").unwrap(), "Unhealthy");
    let st = control_json(port, "/__sim/state");
    assert_eq!(st["domains"][0]["desired"], 3);
    let failed: Vec<&Value> = st["domains"][0]["instances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["state"] == "850-FAILED")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["health"], "Unhealthy");

    // Failing it again changes nothing.
    let (status, again) = fail(port, &json!({"domain": "d", "instance_id": id}));
    assert_eq!(status, 200);
    assert_eq!(again["changed"], false);
    assert_eq!(again["failed_ms"], body["failed_ms"]);

    // Terminate without decrement: it goes, a replacement boots, desired stays 3.
    let r = terminate(port, &id, "false");
    assert_eq!(r.status, 200, "{}", r.body);
    let v = instances(port, "d");
    assert_eq!(count(&v, "600-RUNNING"), 3, "{v:?}");
    assert_eq!(v.iter().find(|i| i.2 == id).unwrap().1, "800-TERMINATING");
    assert_eq!(count(&v, "850-FAILED"), 0);
    assert_eq!(
        control_json(port, "/__sim/state")["domains"][0]["desired"],
        3
    );
}

#[test]
fn terminate_with_decrement_removes_a_failed_vm_without_replacement() {
    let sim = domain_at("2", &[]);
    let port = sim.port;
    let (status, body) = fail(port, &json!({"domain": "d"}));
    assert_eq!(status, 200, "{body}");
    let id = body["instance_id"].as_str().unwrap().to_string();
    assert_eq!(terminate(port, &id, "true").status, 200);
    let v = instances(port, "d");
    assert_eq!(count(&v, "600-RUNNING"), 1, "{v:?}");
    assert_eq!(v.len(), 2);
}

#[test]
fn random_fails_running_vms_only_and_refusals_say_why() {
    let sim = domain_at("2", &[]);
    let port = sim.port;
    let (s1, a) = fail(port, &json!({"domain": "d"}));
    let (s2, b) = fail(port, &json!({"domain": "d", "instance_id": null}));
    assert_eq!((s1, s2), (200, 200), "{a} {b}");
    assert_ne!(a["instance_id"], b["instance_id"]);
    assert_eq!(count(&instances(port, "d"), "850-FAILED"), 2);
    // Nothing running is left to fail.
    let (status, e) = fail(port, &json!({"domain": "d"}));
    assert_eq!(status, 409, "{e}");
    assert!(e["error"].as_str().unwrap().contains("600-RUNNING"), "{e}");

    let (status, e) = fail(port, &json!({"domain": "nope"}));
    assert_eq!(status, 404, "{e}");
    let (status, _) = fail(port, &json!({"domain": "d", "instance_id": "i-nothere"}));
    assert_eq!(status, 404);
    for bad in [json!({}), json!({"domain": "d", "vm": "x"}), json!([1])] {
        let (status, e) = fail(port, &bad);
        assert_eq!(status, 400, "{bad}: {e}");
    }
    let r = request(port, "POST", "/__sim/fail", &[], "not json");
    assert_eq!(r.status, 400);
    assert_eq!(request(port, "GET", "/__sim/fail", &[], "").status, 405);
    // A VM on its way out cannot fail.
    let id = instances(port, "d")[0].2.clone();
    terminate(port, &id, "true");
    let (status, e) = fail(port, &json!({"domain": "d", "instance_id": id}));
    assert_eq!(status, 409, "{e}");
    assert!(e["error"].as_str().unwrap().contains("800-TERMINATING"));

    let plain = start(&["--boot-seconds", "0"]);
    assert_eq!(fail(plain.port, &json!({"domain": "d"})).0, 404);
}

#[test]
fn a_booting_vm_can_fail_and_never_becomes_running() {
    let sim = start(&["--control", "--boot-seconds", "1"]);
    let port = sim.port;
    create_lc(port, "lc@hotel");
    create_domain(port, "d", "lc@hotel", "hotel:-1", "1");
    // 200-REQUESTED: no id yet, nothing running.
    assert_eq!(fail(port, &json!({"domain": "d"})).0, 409);
    assert!(wait_until(Duration::from_secs(3), || instances(port, "d")
        [0]
    .1 == "400-PENDING"));
    let id = instances(port, "d")[0].2.clone();
    assert_eq!(
        fail(port, &json!({"domain": "d", "instance_id": id})).0,
        200
    );
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(instances(port, "d")[0].1, "850-FAILED");
}

#[test]
fn scale_down_terminates_failed_vms_first() {
    let sim = domain_at("3", &[]);
    let port = sim.port;
    let oldest = instances(port, "d")[0].2.clone();
    fail(port, &json!({"domain": "d", "instance_id": oldest}));
    set_capacity(port, "d", "2");
    let v = instances(port, "d");
    assert_eq!(
        v.iter().find(|i| i.2 == oldest).unwrap().1,
        "800-TERMINATING"
    );
    assert_eq!(count(&v, "600-RUNNING"), 2);
}

#[test]
fn a_failed_vm_survives_a_restart() {
    let (dir, file) = fresh_state_file("fail");
    let path = file.to_str().unwrap();
    let id;
    {
        let sim = domain_at("2", &["--state", path]);
        let (_, body) = fail(sim.port, &json!({"domain": "d"}));
        id = body["instance_id"].as_str().unwrap().to_string();
    }
    let sim = start(&["--control", "--boot-seconds", "0", "--state", path]);
    let v = instances(sim.port, "d");
    assert_eq!(v.iter().find(|i| i.2 == id).unwrap().1, "850-FAILED");
    assert_eq!(count(&v, "600-RUNNING"), 1);
    drop(sim);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failure_rate_from_the_flag_and_from_put_faults() {
    // 6000 per minute: a running VM fails within a few ms.
    let sim = domain_at("3", &["--vm-failures-per-minute", "6000"]);
    let port = sim.port;
    assert_eq!(
        control_json(port, "/__sim/faults")["vm_failures_per_minute"],
        6000.0
    );
    assert!(wait_until(Duration::from_secs(3), || count(
        &instances(port, "d"),
        "850-FAILED"
    ) == 3));
    // Not replaced by itself.
    assert_eq!(instances(port, "d").len(), 3);

    let sim = domain_at("2", &[]);
    let port = sim.port;
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(count(&instances(port, "d"), "850-FAILED"), 0);
    let put = |body: &str| {
        request(
            port,
            "PUT",
            "/__sim/faults",
            &[("Content-Type", "application/json")],
            body,
        )
    };
    assert_eq!(put(r#"{"vm_failures_per_minute": -1}"#).status, 400);
    assert_eq!(put(r#"{"vm_failures_per_minute": 6000}"#).status, 200);
    assert!(wait_until(Duration::from_secs(3), || count(
        &instances(port, "d"),
        "850-FAILED"
    ) == 2));
}
