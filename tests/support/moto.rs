//! Starts moto (from the project's venv) on 127.0.0.1 with authentication enforced after
//! the IAM set-up calls, and creates a user, an access key and a policy allowing
//! `autoscaling:*` and `ec2:*`. The server stops when the guard drops, and by itself after
//! five minutes (`timeout`) should the test process die.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use phantom_de::api::xml::Element;
use phantom_de::api::HttpRequest;
use phantom_de::sign::{
    sign_query, Credentials, Endpoint, Method, QueryRequest, Scheme, SigningContext, SigningTime,
};

use super::native::{send_blocking, SystemClock};
use phantom_de::api::Clock as _;

/// A running moto server and the credentials of a user allowed to use Auto Scaling.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    /// The IAM user's access key ID.
    pub access_key: String,
    /// Its secret.
    pub secret_key: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: `timeout` forwards TERM to moto_server, whereas a killed
        // `timeout` would leave moto running with no time limit.
        let terminated = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !terminated {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn iam_call(url: &str, params: &[(&str, &str)]) -> Element {
    let endpoint = Endpoint::parse(url).expect("endpoint");
    let mut all: Vec<(String, String)> = vec![("Version".into(), "2010-05-08".into())];
    all.extend(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    // Before authentication is enforced any key works; the scope routes the call to IAM.
    let credentials = Credentials::new("AKIDSETUP", "setup-secret", None).expect("credentials");
    let context = SigningContext {
        time: SigningTime::from_unix_millis(SystemClock.now_ms()),
        region: "us-east-1".into(),
        service: "iam".into(),
    };
    let signed = sign_query(
        Scheme::V4,
        QueryRequest {
            method: Method::Post,
            endpoint: &endpoint,
            params: &all,
        },
        &credentials,
        &context,
    )
    .expect("signs");
    let request = HttpRequest {
        method: signed.method,
        url: signed.url.clone(),
        headers: signed
            .headers
            .iter()
            .filter(|(n, _)| n != "Host")
            .cloned()
            .collect(),
        body: signed.body.clone(),
        timeout_ms: 10_000,
    };
    let response = send_blocking(&request, None).expect("IAM call answered");
    assert_eq!(response.status, 200, "IAM {params:?}: {}", response.body);
    Element::parse(&response.body).expect("IAM XML")
}

/// Starts moto and prepares an IAM user. Panics with a clear message when moto is missing.
pub fn start() -> Moto {
    let root = env!("CARGO_MANIFEST_DIR");
    let server = format!("{root}/.venv/bin/moto_server");
    assert!(
        std::path::Path::new(&server).exists(),
        "{server} not found: run scripts/setup (it installs moto into .venv)"
    );
    let port = free_port();
    let child = Command::new("timeout")
        .args(["300", &server, "-H", "127.0.0.1", "-p", &port.to_string()])
        .env("INITIAL_NO_AUTH_ACTION_COUNT", "4")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let url = format!("http://127.0.0.1:{port}/");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "moto did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut moto = Moto {
        child,
        url,
        access_key: String::new(),
        secret_key: String::new(),
    };
    iam_call(
        &moto.url,
        &[("Action", "CreateUser"), ("UserName", "pde-test")],
    );
    let key = iam_call(
        &moto.url,
        &[("Action", "CreateAccessKey"), ("UserName", "pde-test")],
    );
    moto.access_key = key
        .find("AccessKeyId")
        .expect("AccessKeyId")
        .text
        .trim()
        .to_string();
    moto.secret_key = key
        .find("SecretAccessKey")
        .expect("SecretAccessKey")
        .text
        .trim()
        .to_string();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["autoscaling:*","ec2:*"],"Resource":"*"}]}"#;
    let created = iam_call(
        &moto.url,
        &[
            ("Action", "CreatePolicy"),
            ("PolicyName", "pde-autoscaling"),
            ("PolicyDocument", policy),
        ],
    );
    let arn = created
        .find("Arn")
        .expect("policy Arn")
        .text
        .trim()
        .to_string();
    iam_call(
        &moto.url,
        &[
            ("Action", "AttachUserPolicy"),
            ("UserName", "pde-test"),
            ("PolicyArn", &arn),
        ],
    );
    moto
}
