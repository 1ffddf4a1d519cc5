//! The process and its switches: command line, --exit-after,
//! --exit-with-stdin, --state persistence, fault injection (flags and
//! PUT /__sim/faults), the control API, and HTTP/1.1 plumbing.

mod common;
use common::*;
use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_phantom-sim"))
}

const DESCRIBE: &[(&str, &str)] = &[("Action", "DescribeLaunchConfigurations")];

#[test]
fn command_line_errors_exit_2_with_one_line() {
    for args in [
        vec!["--listen", "0.0.0.0:0"],
        vec!["--listen", "192.0.2.1:8445"],
        vec!["--no-such-flag"],
        vec!["--boot-seconds", "soon"],
        vec!["--error-rate", "*=1.5"],
        vec!["--force", "SetDesiredCapacity=explode"],
        vec!["--cloud-capacity", "hotel"],
        vec!["--credentials", "nocolon"],
        vec!["--latency-ms"],
        vec!["--vm-failures-per-minute", "-1"],
        vec!["--vm-failures-per-minute", "often"],
    ] {
        let out = bin().args(&args).stdin(Stdio::null()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    let out = bin().args(["--listen", "0.0.0.0:0"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));
}

#[test]
fn help_explains_every_flag() {
    let out = bin().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--listen",
        "--allow-remote",
        "--credentials",
        "--boot-seconds",
        "--cloud-capacity",
        "--state",
        "--latency-ms",
        "--error-rate",
        "--force",
        "--clock-offset",
        "--seed",
        "--vm-failures-per-minute",
        "--control",
        "--exit-after",
        "--exit-with-stdin",
        "/__sim/state",
        "/__sim/log",
        "/__sim/faults",
        "/__sim/reset",
        "/__sim/fail",
        "html400",
    ] {
        assert!(help.contains(flag), "help lacks {flag}");
    }
}

#[test]
fn exit_after_and_exit_with_stdin() {
    let t = Instant::now();
    let mut sim = start_raw(&["--listen", "127.0.0.1:0", "--exit-after", "0.5"]);
    let status = sim.child.wait().unwrap();
    assert!(status.success());
    assert!(t.elapsed() < Duration::from_secs(10));

    let mut child = bin()
        .args([
            "--listen",
            "127.0.0.1:0",
            "--exit-after",
            "60",
            "--exit-with-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = [0u8; 20];
    child.stdout.take().unwrap().read_exact(&mut line).unwrap();
    assert_eq!(&line, b"phantom-sim listenin");
    drop(child.stdin.take());
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "did not exit on stdin EOF"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
}

#[test]
fn state_survives_a_restart() {
    let (dir, file) = fresh_state_file("test");
    let path = file.to_str().unwrap();
    let before;
    {
        let sim = start(&["--state", path, "--boot-seconds", "0", "--control"]);
        create_lc(sim.port, "lc@hotel");
        create_lc(sim.port, "lc@sierra");
        create_domain(sim.port, "d", "lc@hotel", "hotel:1,sierra:3", "0");
        set_capacity(sim.port, "d", "2");
        before = instances(sim.port, "d");
        assert_eq!(before.len(), 2);
    }
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(saved["domains"]["d"]["tags"].as_array().unwrap().len() == 3);
    let sim = start(&["--state", path, "--boot-seconds", "0", "--control"]);
    assert_eq!(instances(sim.port, "d"), before);
    let r = call(sim.port, DESCRIBE);
    assert_eq!(
        tags(&r.body, "LaunchConfigurationName"),
        ["lc@hotel", "lc@sierra"]
    );
    let st = control_json(sim.port, "/__sim/state");
    let tags_after: Vec<_> = st["domains"][0]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].clone())
        .collect();
    assert_eq!(tags_after, ["PHANTOM_DEFINITION", "clouds", "minimum_vms"]);
    // The restored domain keeps working.
    set_capacity(sim.port, "d", "3");
    assert_eq!(
        instances(sim.port, "d")
            .iter()
            .filter(|i| i.0 == "sierra")
            .count(),
        2
    );
    drop(sim);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The e2e tests kill the endpoint mid-run and start it again on the same port with
/// the same `--state`, as a crashed or restarted Phantom would come back: the domain
/// must come back with its desired capacity and the very same VMs (ids, clouds,
/// timestamps), and VMs still booting at the kill go on booting by their timestamps.
#[test]
fn state_survives_a_kill_and_restart_on_the_same_port() {
    let (dir, file) = fresh_state_file("kill");
    let path = file.to_str().unwrap();
    let args = ["--state", path, "--boot-seconds", "1", "--control"];
    let mut sim = start(&args);
    let port = sim.port;
    create_lc(port, "lc@hotel");
    create_domain(port, "d", "lc@hotel", "hotel:4", "0");
    assert_eq!(set_capacity(port, "d", "2").status, 200);
    let before = control_json(port, "/__sim/state");
    let vms_before = before["domains"][0]["instances"].clone();
    assert_eq!(vms_before.as_array().unwrap().len(), 2);
    // SIGKILL: no chance to write anything more; the file written after the last
    // change is all there is.
    sim.child.kill().unwrap();
    sim.child.wait().unwrap();
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "still listening"
    );

    let listen = format!("127.0.0.1:{port}");
    let mut again = args.to_vec();
    again.extend_from_slice(&["--listen", &listen]);
    let sim = start(&again);
    assert_eq!(sim.port, port);
    let after = control_json(port, "/__sim/state");
    let d = &after["domains"][0];
    assert_eq!(d["name"], "d");
    assert_eq!(d["desired"], 2);
    let ids = |vms: &serde_json::Value| -> Vec<(String, String, String)> {
        vms.as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["iaas_id"].as_str().unwrap_or_default().to_string(),
                    i["cloud"].as_str().unwrap_or_default().to_string(),
                    i["requested_ms"].to_string(),
                )
            })
            .collect()
    };
    assert_eq!(ids(&d["instances"]), ids(&vms_before), "{after:#}");
    // Booting goes on from the saved timestamps.
    assert!(
        wait_until(Duration::from_secs(5), || {
            let vms = instances(port, "d");
            vms.len() == 2 && vms.iter().all(|v| v.1 == "600-RUNNING")
        }),
        "{:?}",
        instances(port, "d")
    );
    let r = call(
        port,
        &[
            ("Action", "DescribeAutoScalingGroups"),
            ("AutoScalingGroupNames.member.1", "d"),
        ],
    );
    assert_eq!(r.tag("DesiredCapacity").as_deref(), Some("2"));
    // And the restored domain scales down as usual.
    assert_eq!(set_capacity(port, "d", "0").status, 200);
    assert_eq!(
        control_json(port, "/__sim/state")["domains"][0]["desired"],
        0
    );
    drop(sim);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `html400`: a proxy's HTML error page instead of Phantom's answer.
#[test]
fn html400_is_a_proxy_page_without_an_aws_code() {
    let sim = start(&["--control", "--force", "SetDesiredCapacity=html400x2"]);
    let port = sim.port;
    create_lc(port, "lc@hotel");
    create_domain(port, "d", "lc@hotel", "hotel:4", "0");
    for _ in 0..2 {
        let r = set_capacity(port, "d", "3");
        assert_eq!((r.status, r.reason.as_str()), (400, "Bad Request"));
        assert_eq!(r.header("Content-Type"), Some("text/html"));
        assert!(r.body.starts_with("<html>"), "{}", r.body);
        assert!(
            r.body.contains("<title>400 Bad Request</title>"),
            "{}",
            r.body
        );
        assert!(r.header("x-amzn-RequestId").is_none());
        assert!(!r.body.contains("<Code>") && !r.body.contains("Phantom"));
    }
    // Not executed: the capacity is still 0. The third request goes through.
    assert_eq!(
        control_json(port, "/__sim/state")["domains"][0]["desired"],
        0
    );
    assert_eq!(set_capacity(port, "d", "3").status, 200);
    assert_eq!(
        control_json(port, "/__sim/state")["domains"][0]["desired"],
        3
    );
    let log = control_json(port, "/__sim/log");
    let sets: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "SetDesiredCapacity")
        .map(|e| (e["status"].clone(), e["fault"].clone()))
        .collect();
    assert_eq!(
        sets,
        [
            (400.into(), "html400".into()),
            (400.into(), "html400".into()),
            (200.into(), serde_json::Value::Null)
        ]
    );
    // The same through PUT /__sim/faults, and as an error rate.
    let r = put_faults(
        port,
        r#"{"force": [{"action": "DescribeLaunchConfigurations", "kind": "html400", "count": 1}]}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        control_json(port, "/__sim/faults")["force"][0]["kind"],
        "html400"
    );
    let r = call(port, DESCRIBE);
    assert_eq!(
        (r.status, r.header("Content-Type")),
        (400, Some("text/html"))
    );
    assert_eq!(call(port, DESCRIBE).status, 200);
    put_faults(
        port,
        r#"{"error_rates": [{"action": "*", "probability": 1, "kind": "html400"}]}"#,
    );
    assert_eq!(call(port, DESCRIBE).reason, "Bad Request");
}

fn timed(f: impl FnOnce() -> Resp) -> (Resp, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

#[test]
fn latency_global_and_per_action() {
    let sim = start(&[
        "--latency-ms",
        "250",
        "--latency-ms",
        "SetDesiredCapacity=300",
    ]);
    let (r, d) = timed(|| call(sim.port, DESCRIBE));
    assert_eq!(r.status, 200);
    assert!(d >= Duration::from_millis(250), "{d:?}");
    assert!(d < Duration::from_millis(2000), "{d:?}");
    let (r, d) = timed(|| set_capacity(sim.port, "nope", "1"));
    assert_eq!(r.status, 500);
    assert!(d >= Duration::from_millis(550), "{d:?}");
}

#[test]
fn error_rates_are_seeded_and_kinded() {
    let sim = start(&["--error-rate", "*=1:throttle"]);
    let r = call(sim.port, DESCRIBE);
    assert_eq!((r.status, r.reason.as_str()), (400, "Throttling"));
    assert!(r
        .body
        .contains("Request was denied due to request throttling."));

    let outcomes = |seed: &str| {
        let sim = start(&[
            "--error-rate",
            "DescribeLaunchConfigurations=0.5",
            "--seed",
            seed,
        ]);
        let v: Vec<u16> = (0..40).map(|_| call(sim.port, DESCRIBE).status).collect();
        // Other actions are untouched.
        assert_eq!(set_capacity(sim.port, "x", "1").reason, "InternalFailure");
        v
    };
    let a = outcomes("7");
    let fails = a.iter().filter(|s| **s == 500).count();
    assert!((5..=35).contains(&fails), "{fails} of 40 failed");
    assert!(a.iter().all(|s| *s == 200 || *s == 500));
    assert_eq!(a, outcomes("7"), "same seed, same faults");
}

#[test]
fn forced_faults_count_down() {
    let sim = start(&[
        "--force",
        "DescribeLaunchConfigurations=500x2",
        "--force",
        "DeleteAutoScalingGroup=throttle",
        "--force",
        "DescribeAutoScalingGroups=resetx1",
    ]);
    let a = call(sim.port, DESCRIBE);
    assert_eq!((a.status, a.reason.as_str()), (500, "InternalFailure"));
    assert_eq!(call(sim.port, DESCRIBE).status, 500);
    assert_eq!(call(sim.port, DESCRIBE).status, 200);
    for _ in 0..3 {
        let r = call(
            sim.port,
            &[
                ("Action", "DeleteAutoScalingGroup"),
                ("AutoScalingGroupName", "x"),
            ],
        );
        assert_eq!(r.reason, "Throttling");
    }
    // reset: the connection closes with no answer, once.
    let p = sign_v2(
        "GET",
        &format!("127.0.0.1:{}", sim.port),
        &[("Action", "DescribeAutoScalingGroups")],
        false,
        &iso(now_secs()),
        SECRET,
    );
    let r = try_request(sim.port, "GET", &format!("/?{}", form(&p)), &[], "");
    assert!(r.is_err(), "expected a reset, got {r:?}");
    assert_eq!(
        call(sim.port, &[("Action", "DescribeAutoScalingGroups")]).status,
        200
    );
}

fn parse_http_date(s: &str) -> i64 {
    // "Thu, 01 Jan 1970 00:00:00 GMT"
    let p: Vec<&str> = s.split_whitespace().collect();
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = months.iter().position(|x| *x == p[2]).unwrap() as i64 + 1;
    let (d, y): (i64, i64) = (p[1].parse().unwrap(), p[3].parse().unwrap());
    let hms: Vec<i64> = p[4].split(':').map(|x| x.parse().unwrap()).collect();
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    days * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2]
}

#[test]
fn clock_offset_moves_the_window_and_date() {
    let sim = start(&["--clock-offset", "1200"]);
    let h = format!("127.0.0.1:{}", sim.port);
    let p = sign_v2("GET", &h, DESCRIBE, false, &iso(now_secs()), SECRET);
    let r = request(sim.port, "GET", &format!("/?{}", form(&p)), &[], "");
    assert_eq!(r.reason, "RequestExpired");
    let date = parse_http_date(r.header("Date").unwrap());
    assert!(
        (date - now_secs() - 1200).abs() <= 5,
        "Date {date} vs now {}",
        now_secs()
    );
    let p = sign_v2("GET", &h, DESCRIBE, false, &iso(now_secs() + 1200), SECRET);
    assert_eq!(
        request(sim.port, "GET", &format!("/?{}", form(&p)), &[], "").status,
        200
    );

    let behind = start(&["--clock-offset", "-1200"]);
    let h = format!("127.0.0.1:{}", behind.port);
    let p = sign_v2("GET", &h, DESCRIBE, false, &iso(now_secs()), SECRET);
    assert_eq!(
        request(behind.port, "GET", &format!("/?{}", form(&p)), &[], "").reason,
        "RequestExpired"
    );
}

fn put_faults(port: u16, json: &str) -> Resp {
    request(
        port,
        "PUT",
        "/__sim/faults",
        &[("Content-Type", "application/json")],
        json,
    )
}

#[test]
fn faults_can_be_replaced_at_run_time() {
    let sim = start(&["--control", "--latency-ms", "1000"]);
    let port = sim.port;
    assert_eq!(control_json(port, "/__sim/faults")["latency_ms"], 1000);
    let r = put_faults(
        port,
        r#"{"force": [{"action": "*", "kind": "throttle", "count": 1}]}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let (r, d) = timed(|| call(port, DESCRIBE));
    assert_eq!(r.reason, "Throttling");
    assert!(
        d < Duration::from_millis(100),
        "latency was replaced too: {d:?}"
    );
    assert_eq!(call(port, DESCRIBE).status, 200);
    assert_eq!(control_json(port, "/__sim/faults")["force"][0]["count"], 0);

    put_faults(
        port,
        r#"{"latency_ms_by_action": {"DescribeLaunchConfigurations": 200}}"#,
    );
    let (_, d) = timed(|| call(port, DESCRIBE));
    assert!(d >= Duration::from_millis(200));

    put_faults(
        port,
        r#"{"error_rates": [{"action": "*", "probability": 1, "kind": "500"}]}"#,
    );
    assert_eq!(call(port, DESCRIBE).reason, "InternalFailure");

    put_faults(port, r#"{"clock_offset_seconds": -1200}"#);
    assert_eq!(call(port, DESCRIBE).reason, "RequestExpired");

    put_faults(
        port,
        r#"{"force": [{"action": "DescribeLaunchConfigurations", "kind": "reset"}]}"#,
    );
    let p = sign_v2(
        "GET",
        &format!("127.0.0.1:{port}"),
        DESCRIBE,
        false,
        &iso(now_secs()),
        SECRET,
    );
    assert!(try_request(port, "GET", &format!("/?{}", form(&p)), &[], "").is_err());

    put_faults(port, "{}");
    assert_eq!(call(port, DESCRIBE).status, 200);
    // Bad bodies are refused and change nothing.
    assert_eq!(put_faults(port, r#"{"latency": 5}"#).status, 400);
    assert_eq!(
        put_faults(
            port,
            r#"{"error_rates": [{"action": "*", "probability": 3}]}"#
        )
        .status,
        400
    );
    assert_eq!(put_faults(port, "not json").status, 400);
    assert_eq!(call(port, DESCRIBE).status, 200);
}

#[test]
fn control_log_and_reset() {
    let sim = start(&["--control", "--boot-seconds", "0"]);
    let port = sim.port;
    create_lc(port, "lc@hotel");
    create_domain(port, "d", "lc@hotel", "hotel:-1", "0");
    set_capacity(port, "d", "2");
    V4::new("GET", port, "Action=DescribeAutoScalingGroups", "").send(port);
    let log = control_json(port, "/__sim/log");
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 4);
    let set = &log[2];
    assert_eq!(set["action"], "SetDesiredCapacity");
    assert_eq!(set["method"], "POST");
    assert_eq!(set["auth"], "v2");
    assert_eq!(set["params"]["DesiredCapacity"], "2");
    assert_eq!(set["status"], 200);
    assert!(set["params"].get("Signature").is_none());
    assert_eq!(log[3]["auth"], "v4");
    assert_eq!(log[3]["access_key"], AK);
    let t0 = log[0]["received_ms"].as_i64().unwrap();
    assert!((t0 / 1000 - now_secs()).abs() < 60);
    assert!(log
        .windows(2)
        .all(|w| w[0]["received_ms"].as_i64() <= w[1]["received_ms"].as_i64()));
    let body = serde_json::to_string(&log).unwrap();
    assert!(!body.contains(SECRET));

    let st = control_json(port, "/__sim/state");
    assert_eq!(st["domains"][0]["desired"], 2);
    assert_eq!(st["domains"][0]["instances"].as_array().unwrap().len(), 2);
    assert_eq!(st["domains"][0]["instances"][0]["health"], "Healthy");
    assert_eq!(st["launch_configurations"][0]["name"], "lc@hotel");
    assert_eq!(st["launch_configurations"][0]["key_name"], "phantomkey");

    let r = request(port, "POST", "/__sim/reset", &[], "");
    assert_eq!(r.status, 200);
    assert!(r.header("Date").is_some());
    let st = control_json(port, "/__sim/state");
    assert!(st["domains"].as_array().unwrap().is_empty());
    assert!(st["launch_configurations"].as_array().unwrap().is_empty());
    assert!(control_json(port, "/__sim/log")
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(request(port, "DELETE", "/__sim/state", &[], "").status, 405);
    assert_eq!(request(port, "GET", "/__sim/nothing", &[], "").status, 404);
}

#[test]
fn keep_alive_chunked_and_expect_continue() {
    let sim = start(&[]);
    let port = sim.port;
    let host = format!("127.0.0.1:{port}");
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    // Two requests on one connection.
    for _ in 0..2 {
        let p = sign_v2("GET", &host, DESCRIBE, false, &iso(now_secs()), SECRET);
        write!(s, "GET /?{} HTTP/1.1\r\nHost: {host}\r\n\r\n", form(&p)).unwrap();
        let resp = read_response(&mut r).unwrap();
        assert_eq!(resp.status, 200);
        assert!(resp.header("Connection").is_none());
    }
    // A chunked POST body after Expect: 100-continue on the same connection.
    let p = sign_v2("POST", &host, DESCRIBE, true, &iso(now_secs()), SECRET);
    let body = form(&p);
    let (a, b) = body.split_at(body.len() / 2);
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
    )
    .unwrap();
    let interim = read_response_interim(&mut r);
    assert_eq!(interim, "HTTP/1.1 100 Continue");
    write!(
        s,
        "{:x}\r\n{a}\r\n{:x};ext=1\r\n{b}\r\n0\r\nX-Trailer: 1\r\n\r\n",
        a.len(),
        b.len()
    )
    .unwrap();
    let resp = read_response(&mut r).unwrap();
    assert_eq!(resp.status, 200, "{}", resp.body);
    // HTTP/1.0 without keep-alive closes.
    let p = sign_v2("GET", &host, DESCRIBE, false, &iso(now_secs()), SECRET);
    write!(s, "GET /?{} HTTP/1.0\r\nHost: {host}\r\n\r\n", form(&p)).unwrap();
    let resp = read_response(&mut r).unwrap();
    assert_eq!(resp.header("Connection"), Some("close"));
    assert!(read_response(&mut r).is_err());
    // Garbage gets a 400.
    let resp = raw(port, b"NONSENSE\r\n\r\n").unwrap();
    assert_eq!(resp.status, 400);
    assert!(resp.header("Date").is_some());
}

fn read_response_interim(r: &mut BufReader<TcpStream>) -> String {
    use std::io::BufRead;
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let mut blank = String::new();
    r.read_line(&mut blank).unwrap();
    assert_eq!(blank, "\r\n");
    line.trim_end().to_string()
}
