//! The built `phantom-de-run` against moto with authentication enforced (standard SigV4,
//! the AWS-compatible profile): the page's exported tutorial settings, compressed, run to
//! the end with the plan's requests in the plan's order, and the domain is at capacity 0
//! by moto's own account; a wrong secret is exit 1 with moto's message. Built only with
//! `--features moto` (moto from `.venv`), like `tests/api_moto.rs`.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/moto.rs"]
mod moto;
#[path = "support/native.rs"]
mod native;

use std::process::{Command, Stdio};

use futures::executor::block_on;
use native::SystemClock;
use phantom_de::api::action::DescribeAutoScalingGroups;
use phantom_de::api::{Client, ClientConfig, Connection, Profile};
use phantom_de::engine::journal::{Event, Journal, Outcome};
use phantom_de::engine::{Condition, Plan};
use phantom_de::settings::{export_json, Settings};
use phantom_de::sign::{Credentials, Endpoint};

const RUNNER: &str = env!("CARGO_BIN_EXE_phantom-de-run");

fn aws_tutorial() -> Settings {
    let mut s = Settings::tutorial_defaults();
    s.set_profile(Profile::AwsCompatible);
    s.ramp.interval = "0.5".into();
    s.ramp.hold = "1".into();
    s.run.monitor_seconds = 0.into();
    s
}

fn run(moto: &moto::Moto, secret: &str, dir: &std::path::Path) -> (Option<i32>, String, String) {
    let settings = dir.join("settings.json");
    std::fs::write(&settings, export_json(&aws_tutorial()).expect("exports")).expect("writes");
    let out = Command::new(RUNNER)
        .env("PHANTOM_URL", &moto.url)
        .env("EC2_ACCESS_KEY", &moto.access_key)
        .env("EC2_SECRET_KEY", secret)
        .env_remove("EC2_SESSION_TOKEN")
        .args([
            "--journal",
            dir.join("journal.json").to_str().expect("path"),
        ])
        .arg(&settings)
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_exported_tutorial_runs_against_moto_with_authentication_enforced() {
    let moto = moto::start();
    let dir = std::env::temp_dir().join(format!("pde-headless-moto-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");

    let (code, stdout, stderr) = run(&moto, "wrong-secret-for-moto-0123456789", &dir);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("SignatureDoesNotMatch") || stderr.contains("InvalidClientTokenId"),
        "{stderr}"
    );
    assert!(!stdout.contains("wrong-secret") && !stderr.contains("wrong-secret"));

    let (code, stdout, stderr) = run(&moto, &moto.secret_key, &dir);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(!stdout.contains(&moto.secret_key) && !stderr.contains(&moto.secret_key));

    // The requests the runner answered for, in order, are the plan's for an empty server.
    let journal =
        Journal::from_json(&std::fs::read_to_string(dir.join("journal.json")).expect("journal"))
            .expect("parses");
    let plan = Plan::from_settings(&aws_tutorial()).expect("plans");
    let expected: Vec<(String, String)> = plan
        .requests
        .iter()
        .filter(|p| {
            !matches!(
                p.condition,
                Some(Condition::DomainExists { .. } | Condition::UntilDomainGone { .. })
            )
        })
        .map(|p| (p.request.name().to_string(), p.summary()))
        .collect();
    let mut sent: Vec<(String, String)> = Vec::new();
    for event in &journal.events {
        if let Event::RequestDone(done) = event {
            if matches!(done.outcome, Outcome::Skipped { .. }) {
                continue;
            }
            assert!(matches!(done.outcome, Outcome::Ok { .. }), "{done:?}");
            sent.push((done.action.clone(), done.target.to_string()));
        }
    }
    // The first round's requests (the creates and the describe) go out together, so
    // they end in any order: compared as a set; from CreateAutoScalingGroup on, in order.
    let actions = |l: &[(String, String)]| {
        let mut a: Vec<String> = l.iter().map(|(a, _)| a.clone()).collect();
        let round = a
            .iter()
            .position(|x| x == "CreateAutoScalingGroup")
            .unwrap_or(a.len());
        a[..round].sort();
        a
    };
    assert_eq!(actions(&sent), actions(&expected));

    // moto's own account: the domain is at 0.
    let mut config = ClientConfig::new(
        Endpoint::parse(&moto.url).expect("url"),
        Profile::AwsCompatible,
    );
    config.connection = Connection::Direct;
    let client = Client::new(
        config,
        Credentials::new(&moto.access_key, &moto.secret_key, None).expect("credentials"),
        native::transport(),
        SystemClock,
        Box::new(|| 0.5),
    );
    let groups = block_on(client.call(
        &DescribeAutoScalingGroups {
            names: vec!["my_domain".into()],
        },
        &mut |_| {},
    ))
    .expect("describes")
    .output;
    assert_eq!(groups.first().and_then(|g| g.desired_capacity), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
