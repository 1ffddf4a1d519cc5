//! The built `phantom-de-run` binary against the local Phantom-compatible endpoint
//! (`tests/phantom-sim`, on 127.0.0.1 port 0), checked against the endpoint's own record
//! (`/__sim/log`, `/__sim/state`): the page's exported tutorial settings, compressed,
//! complete with exit status 0 and exactly the plan's requests in the plan's order; its
//! stdout is the page's step-log text of the journal it writes (or, with `--json`, the
//! journal's events); SIGINT mid-ramp ends at capacity 0; a second signal during the
//! teardown is ignored and a third exits at once with status 3; a throttled endpoint
//! still completes; a bad secret is exit 1 with the server's message; bad settings and
//! flags are exit 2 with nothing sent; `--dry-run` prints the plan and sends nothing.
//! The secret never appears in anything the runner writes.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/native.rs"]
mod native;
#[path = "support/sim.rs"]
mod sim;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use phantom_de::api::HttpRequest;
use phantom_de::engine::journal::{Event, Journal, RunEnd};
use phantom_de::engine::{Condition, Plan};
use phantom_de::headless::plan_text::plan_lines;
use phantom_de::report::export::log_text;
use phantom_de::report::steplog::log_lines;
use phantom_de::settings::{export_json, Settings};
use phantom_de::sign::Method;
use serde_json::Value;

const AK: &str = "PDEHEADLESSKEY";
const SECRET: &str = "headless-sim-secret/with+odd=chars";
const RUNNER: &str = env!("CARGO_BIN_EXE_phantom-de-run");

fn start_sim(extra: &[&str]) -> sim::Sim {
    let credentials = format!("{AK}:{SECRET}");
    let mut args = vec![
        "--credentials",
        &credentials,
        "--control",
        "--boot-seconds",
        "0.5",
    ];
    args.extend_from_slice(extra);
    sim::start(&args)
}

fn sim_get(sim: &sim::Sim, path: &str) -> Value {
    let request = HttpRequest {
        method: Method::Get,
        url: format!("{}{path}", sim.url),
        headers: Vec::new(),
        body: String::new(),
        timeout_ms: 5_000,
    };
    let answer = native::send_blocking(&request, None).expect("the simulator answers");
    serde_json::from_str(&answer.body).expect("JSON")
}

/// `PUT /__sim/faults` (the test support's client speaks GET and POST only).
fn sim_faults(sim: &sim::Sim, faults: &str) {
    let authority = sim.url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).expect("connects");
    let request = format!(
        "PUT /__sim/faults HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{faults}",
        faults.len()
    );
    stream.write_all(request.as_bytes()).expect("writes");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// The requests the simulator received: (action, params).
fn sim_log(sim: &sim::Sim) -> Vec<(String, serde_json::Map<String, Value>)> {
    let log = sim_get(sim, "/__sim/log");
    let entries = log
        .as_array()
        .cloned()
        .or_else(|| log.get("requests").and_then(Value::as_array).cloned())
        .expect("a list of requests");
    entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_string(),
                e["params"].as_object().cloned().unwrap_or_default(),
            )
        })
        .collect()
}

fn desired(sim: &sim::Sim, domain: &str) -> Option<u64> {
    let state = sim_get(sim, "/__sim/state");
    state["domains"]
        .as_array()?
        .iter()
        .find(|d| d["name"] == domain)
        .and_then(|d| d["desired"].as_u64())
}

/// The tutorial defaults as the page exports them, with a compressed ramp.
fn tutorial(interval: &str, hold: &str, monitor: u32) -> Settings {
    let mut s = Settings::tutorial_defaults();
    s.ramp.interval = interval.into();
    s.ramp.hold = hold.into();
    s.run.monitor_seconds = monitor.into();
    s
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pde-headless-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write_settings(dir: &Path, settings: &Settings) -> PathBuf {
    let path = dir.join("settings.json");
    std::fs::write(&path, export_json(settings).expect("exports")).expect("writes");
    path
}

/// The runner with the tutorial's environment variables (and nothing inherited that
/// could change its behaviour).
fn runner(url: &str, secret: &str, args: &[&str]) -> Command {
    let mut command = Command::new(RUNNER);
    for name in [
        "PHANTOM_URL",
        "EC2_ACCESS_KEY",
        "EC2_SECRET_KEY",
        "EC2_SESSION_TOKEN",
        "PHANTOM_INSECURE",
    ] {
        command.env_remove(name);
    }
    command
        .env("PHANTOM_URL", url)
        .env("EC2_ACCESS_KEY", AK)
        .env("EC2_SECRET_KEY", secret)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

struct Ran {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn code(&self) -> Option<i32> {
        self.status.code()
    }

    fn assert_no_secret(&self, secret: &str) {
        assert!(!self.stdout.contains(secret), "stdout shows the secret");
        assert!(!self.stderr.contains(secret), "stderr shows the secret");
    }
}

fn run(mut command: Command) -> Ran {
    let out = command.output().expect("phantom-de-run runs");
    Ran {
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Waits for a spawned runner, reading its output meanwhile; at most `limit`.
fn wait(mut child: Child, limit: Duration) -> Ran {
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let until = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("phantom-de-run did not end within {limit:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    Ran {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    }
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
}

fn wait_until(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let until = Instant::now() + limit;
    while !ready() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(25));
    }
}

fn read_journal(path: &Path) -> Journal {
    Journal::from_json(&std::fs::read_to_string(path).expect("the journal file")).expect("parses")
}

/// The plan's requests that an empty server gets: every request whose condition holds
/// when nothing exists yet.
/// A request as the server saw it: its action and parameters.
type Seen = (String, Vec<(String, String)>);

/// With each, its setup round.
fn expected_requests(plan: &Plan) -> (Vec<Seen>, Vec<Option<u32>>) {
    plan.requests
        .iter()
        .filter(|p| {
            !matches!(
                p.condition,
                Some(Condition::DomainExists { .. } | Condition::UntilDomainGone { .. })
            )
        })
        .map(|p| ((p.request.name().to_string(), p.request.params()), p.round))
        .unzip()
}

/// The requests of one setup round (`rounds`, the plan's, one per request) are sent at
/// once, so their order between themselves is the server's: each round is sorted (by
/// action, then `key`); everything else is compared in order.
fn in_plan_order<T: Clone>(
    list: &[(String, T)],
    rounds: &[Option<u32>],
    key: impl Fn(&T) -> String,
) -> Vec<(String, T)> {
    let mut out = list.to_vec();
    let mut i = 0;
    while i < out.len() {
        let mut j = i + 1;
        while j < out.len()
            && rounds.get(i).copied().flatten().is_some()
            && rounds.get(j) == rounds.get(i)
        {
            j += 1;
        }
        out[i..j].sort_by_key(|(a, t)| (a.clone(), key(t)));
        i = j;
    }
    out
}

/// One run's setting: its own simulator, scratch directory, settings file and journal.
struct Case {
    sim: sim::Sim,
    dir: PathBuf,
    settings: PathBuf,
    journal: PathBuf,
}

impl Case {
    fn new(name: &str, sim_args: &[&str], settings: &Settings) -> Self {
        let dir = scratch(name);
        Self {
            sim: start_sim(sim_args),
            settings: write_settings(&dir, settings),
            journal: dir.join("journal.json"),
            dir,
        }
    }

    /// The runner with `secret`, `extra` flags, `--journal` and the settings file.
    fn runner(&self, secret: &str, extra: &[&str]) -> Command {
        let mut command = runner(&self.sim.url, secret, extra);
        command
            .arg("--journal")
            .arg(&self.journal)
            .arg(&self.settings);
        command
    }

    /// Starts the runner and waits until the domain's capacity is at least `capacity`.
    fn spawn_until(&self, capacity: u64) -> Child {
        let child = self.runner(SECRET, &[]).spawn().expect("starts");
        wait_until(
            &format!("capacity {capacity}"),
            Duration::from_secs(15),
            || desired(&self.sim, "my_domain").is_some_and(|d| d >= capacity),
        );
        child
    }

    fn journal(&self) -> Journal {
        read_journal(&self.journal)
    }

    fn journal_text(&self) -> String {
        std::fs::read_to_string(&self.journal).expect("the journal file")
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn the_exported_tutorial_ramp_completes_with_the_pages_requests_in_the_pages_order() {
    let settings = tutorial("0.25", "0.5", 0);
    let case = Case::new("tutorial", &[], &settings);
    let sim = &case.sim;
    let ran = run(case.runner(SECRET, &[]));
    assert_eq!(ran.code(), Some(0), "{}\n{}", ran.stdout, ran.stderr);
    ran.assert_no_secret(SECRET);
    assert_eq!(desired(sim, "my_domain"), Some(0));

    // The same requests, in the same order, as the page's plan of the same settings.
    let plan = Plan::from_settings(&settings).expect("plans");
    let (expected, rounds) = expected_requests(&plan);
    let log = sim_log(sim);
    let got: Vec<(String, Vec<(String, String)>)> = log
        .iter()
        .map(|(action, params)| {
            let wanted = expected
                .iter()
                .find(|(a, _)| a == action)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            let picked = wanted
                .iter()
                .map(|(k, _)| {
                    let v = params.get(k).and_then(Value::as_str).unwrap_or("<absent>");
                    (k.clone(), v.to_string())
                })
                .collect();
            (action.clone(), picked)
        })
        .collect();
    let lc_name = |p: &Vec<(String, String)>| {
        p.iter()
            .find(|(k, _)| k == "LaunchConfigurationName")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let names = |l: &[(String, Vec<(String, String)>)]| {
        l.iter().map(|(a, _)| a.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        names(&in_plan_order(&got, &rounds, lc_name)),
        names(&in_plan_order(&expected, &rounds, lc_name)),
        "the actions in order, round by round"
    );
    assert_eq!(
        in_plan_order(&got, &rounds, lc_name),
        in_plan_order(&expected, &rounds, lc_name),
        "every parameter the plan sends, in order"
    );
    assert!(log
        .iter()
        .all(|(_, p)| p.get("AWSAccessKeyId").and_then(Value::as_str) == Some(AK)));

    // stdout is the page's "Download text" of the journal the runner wrote.
    let journal = case.journal();
    assert_eq!(ran.stdout, log_text(&log_lines(&journal.events)));
    assert!(journal.summary().ended());
    assert!(
        !case.journal_text().contains(SECRET),
        "the journal holds no secret"
    );
    assert!(ran
        .stdout
        .contains("CreateLaunchConfiguration\tmy_launch_config@hotel\tok"));
    assert!(ran.stdout.contains("Run finished\t\tcompleted"));
    assert!(
        ran.stderr.contains("run completed (exit status 0)"),
        "{}",
        ran.stderr
    );
}

#[test]
fn json_lines_are_the_journals_events_and_timing_is_reported() {
    let case = Case::new("json", &[], &tutorial("0.2", "0.6", 1));
    let ran = run(case.runner(SECRET, &["--json", "--timing"]));
    assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
    ran.assert_no_secret(SECRET);
    let events: Vec<Event> = ran
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(events, case.journal().events);
    assert!(
        events.iter().any(|e| matches!(e, Event::Monitor(_))),
        "the monitor looked"
    );
    assert!(
        matches!(events.last(), Some(Event::RunFinished(f)) if f.report.end == RunEnd::Completed)
    );
    assert!(
        ran.stderr.contains("timing: setup latency"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("timing: 5 timed steps"),
        "{}",
        ran.stderr
    );
}

#[test]
fn sigint_mid_ramp_ends_with_capacity_zero() {
    let case = Case::new("sigint", &[], &tutorial("1", "30", 1));
    let sim = &case.sim;
    let child = case.spawn_until(2);
    signal(&child, "INT");
    let ran = wait(child, Duration::from_secs(20));
    assert_eq!(
        ran.code(),
        Some(1),
        "stopped, teardown done\n{}",
        ran.stderr
    );
    ran.assert_no_secret(SECRET);
    assert_eq!(desired(sim, "my_domain"), Some(0));
    assert!(ran.stderr.contains("SIGINT: stopping"), "{}", ran.stderr);
    assert!(ran.stdout.contains("\tStop\t"), "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains("capacity 0 set and confirmed by the server"),
        "{}",
        ran.stdout
    );
    let journal = case.journal();
    assert_eq!(ran.stdout, log_text(&log_lines(&journal.events)));
    assert!(journal.summary().ended());
    let last = sim_log(sim)
        .into_iter()
        .rev()
        .find(|(a, _)| a == "SetDesiredCapacity")
        .expect("a SetDesiredCapacity");
    assert_eq!(
        last.1.get("DesiredCapacity").and_then(Value::as_str),
        Some("0")
    );
}

#[test]
fn a_second_signal_in_the_teardown_is_ignored_and_a_third_gives_up() {
    let case = Case::new("give-up", &[], &tutorial("1", "30", 0));
    let sim = &case.sim;
    let child = case.spawn_until(1);
    // From now on every SetDesiredCapacity fails: the teardown cannot succeed.
    sim_faults(
        sim,
        r#"{"force": [{"action": "SetDesiredCapacity", "kind": "html400"}]}"#,
    );
    signal(&child, "TERM");
    wait_until("a teardown attempt", Duration::from_secs(10), || {
        sim_log(sim).iter().rev().any(|(a, p)| {
            a == "SetDesiredCapacity"
                && p.get("DesiredCapacity").and_then(Value::as_str) == Some("0")
        })
    });
    signal(&child, "INT");
    thread::sleep(Duration::from_millis(300));
    let given_up_at = Instant::now();
    signal(&child, "INT");
    let ran = wait(child, Duration::from_secs(10));
    assert!(
        given_up_at.elapsed() < Duration::from_secs(3),
        "exits at once"
    );
    assert_eq!(ran.code(), Some(3), "{}", ran.stderr);
    ran.assert_no_secret(SECRET);
    assert!(ran.stderr.contains("SIGTERM: stopping"), "{}", ran.stderr);
    assert!(ran.stderr.contains("SIGINT ignored"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("capacity may be running"),
        "{}",
        ran.stderr
    );
    assert!(desired(sim, "my_domain").is_some_and(|d| d >= 1));
    // The journal is whole and says what happened (given up, or a teardown pending).
    let journal = case.journal();
    let summary = journal.summary();
    assert!(
        summary.pending_teardown.is_some() || ran.stdout.contains("STOPPED TRYING"),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_throttled_endpoint_still_completes() {
    let case = Case::new(
        "throttled",
        &["--force", "SetDesiredCapacity=throttlex2"],
        &tutorial("0.3", "0.5", 0),
    );
    let sim = &case.sim;
    let ran = run(case.runner(SECRET, &[]));
    assert_eq!(ran.code(), Some(0), "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("ok after retrying 2 times"),
        "{}",
        ran.stdout
    );
    assert_eq!(desired(sim, "my_domain"), Some(0));
    let throttled = sim_log(sim)
        .iter()
        .filter(|(a, _)| a == "SetDesiredCapacity")
        .count();
    assert_eq!(throttled, 5 + 2, "five steps, two of them throttled first");
}

#[test]
fn a_bad_secret_is_exit_1_with_the_servers_message_and_never_shown() {
    let case = Case::new("bad-secret", &[], &tutorial("0.25", "0.5", 0));
    let wrong = "not-the-secret/0123456789+abcdefghij=";
    let ran = run(case.runner(wrong, &[]));
    assert_eq!(ran.code(), Some(1), "{}\n{}", ran.stdout, ran.stderr);
    ran.assert_no_secret(wrong);
    ran.assert_no_secret(SECRET);
    assert!(
        ran.stdout.contains("IncompleteSignature") && ran.stderr.contains("IncompleteSignature"),
        "the server's code, in the log and the last line:\n{}\n{}",
        ran.stdout,
        ran.stderr
    );
    assert!(ran.stderr.contains("failed during"), "{}", ran.stderr);
    assert!(!case.journal_text().contains(wrong));
    assert!(sim_log(&case.sim)
        .iter()
        .all(|(a, _)| a != "SetDesiredCapacity"));
}

#[test]
fn bad_settings_or_flags_are_exit_2_before_any_request() {
    let sim = start_sim(&[]);
    let dir = scratch("bad-settings");
    let good = tutorial("0.25", "0.5", 0);
    let good_path = write_settings(&dir, &good);
    let good_text = std::fs::read_to_string(&good_path).expect("settings");
    let case = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("writes");
        path.to_str().expect("path").to_string()
    };
    let bad_peak = case(
        "bad-peak.json",
        &good_text.replace("\"peak\": 4", "\"peak\": \"four\""),
    );
    let custom = case(
        "custom.json",
        &good_text.replace("\"shape\": \"tutorial\"", "\"shape\": \"custom\""),
    );
    let not_json = case("not.json", "{ this is not json");
    let mut cases: Vec<(Command, &str)> = vec![
        (runner(&sim.url, SECRET, &[&bad_peak]), "ramp.peak"),
        (
            runner(&sim.url, SECRET, &[&custom]),
            "runs only in the page",
        ),
        (runner(&sim.url, SECRET, &[&not_json]), "not valid JSON"),
        (
            runner(&sim.url, SECRET, &["/no/such/settings.json"]),
            "cannot read the settings file",
        ),
        (
            runner(
                &sim.url,
                SECRET,
                &["--bogus", good_path.to_str().expect("path")],
            ),
            "unknown option --bogus",
        ),
        (
            runner(
                &sim.url,
                SECRET,
                &["--secret", SECRET, good_path.to_str().expect("path")],
            ),
            "never taken from the command line",
        ),
        (
            runner(
                "ftp://127.0.0.1/",
                SECRET,
                &[good_path.to_str().expect("path")],
            ),
            "endpoint.url",
        ),
        (
            runner(&sim.url, "", &[good_path.to_str().expect("path")]),
            "EC2_SECRET_KEY",
        ),
    ];
    let mut no_key = runner(&sim.url, SECRET, &[good_path.to_str().expect("path")]);
    no_key.env_remove("EC2_ACCESS_KEY");
    cases.push((no_key, "EC2_ACCESS_KEY"));
    for (command, says) in cases {
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let ran = run(command);
        assert_eq!(ran.code(), Some(2), "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains(says),
            "{args:?} should say {says:?}: {}",
            ran.stderr
        );
        ran.assert_no_secret(SECRET);
        assert!(ran.stdout.is_empty(), "{args:?}: {}", ran.stdout);
    }
    assert!(sim_log(&sim).is_empty(), "nothing was sent");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_dry_run_prints_the_plan_and_sends_nothing() {
    let sim = start_sim(&[]);
    let dir = scratch("dry-run");
    let settings = tutorial("0.25", "0.5", 0);
    let path = write_settings(&dir, &settings);
    let ran = run(runner(
        &sim.url,
        SECRET,
        &["--dry-run", path.to_str().expect("path")],
    ));
    assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
    let plan = Plan::from_settings(&settings).expect("plans");
    let expected: String = plan_lines(&plan).iter().map(|l| format!("{l}\n")).collect();
    assert_eq!(ran.stdout, expected);
    assert!(ran.stderr.contains("nothing was sent"), "{}", ran.stderr);
    // Without any environment the plan still prints, and says what a run would need.
    let mut bare = Command::new(RUNNER);
    for name in ["PHANTOM_URL", "EC2_ACCESS_KEY", "EC2_SECRET_KEY"] {
        bare.env_remove(name);
    }
    let ran = run({
        bare.args(["--dry-run", path.to_str().expect("path")]);
        bare
    });
    assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
    assert_eq!(ran.stdout, expected);
    assert!(
        ran.stderr.contains("a run would need endpoint.url"),
        "{}",
        ran.stderr
    );
    assert!(sim_log(&sim).is_empty(), "nothing was sent");
    let _ = std::fs::remove_dir_all(&dir);
}
