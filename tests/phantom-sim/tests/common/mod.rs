//! Shared helpers for the phantom-sim integration tests: start the binary
//! on port 0, a raw HTTP/1.1 client, and a small signer written from
//! PHANTOM.md (independent of both the simulator and the app).
#![allow(dead_code)]

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const AK: &str = "AKIDSIMTEST";
pub const SECRET: &str = "s3cr3t/Key+With=Chars";

pub struct Sim {
    pub child: Child,
    pub port: u16,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start phantom-sim with `--listen 127.0.0.1:0 --exit-after 120
/// --credentials AK:SECRET` plus `extra`; read the port from stdout.
pub fn start(extra: &[&str]) -> Sim {
    let mut args = vec![
        "--listen",
        "127.0.0.1:0",
        "--exit-after",
        "120",
        "--credentials",
        "AKIDSIMTEST:s3cr3t/Key+With=Chars",
    ];
    args.extend_from_slice(extra);
    start_raw(&args)
}

pub fn start_raw(args: &[&str]) -> Sim {
    let mut child = Command::new(env!("CARGO_BIN_EXE_phantom-sim"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn phantom-sim");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read listen line");
    let prefix = "phantom-sim listening on http://127.0.0.1:";
    assert!(line.starts_with(prefix), "unexpected first line {line:?}");
    let port = line[prefix.len()..].trim().parse().expect("port");
    Sim { child, port }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, k: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    }

    /// Text of the first `<name>…</name>` in the body.
    pub fn tag(&self, name: &str) -> Option<String> {
        tag(&self.body, name)
    }
}

pub fn tag(body: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let i = body.find(&open)? + open.len();
    let j = body[i..].find(&close)? + i;
    Some(body[i..j].to_string())
}

/// Every `<name>…</name>` text in order.
pub fn tags(body: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(&close) else { break };
        out.push(after[..j].to_string());
        rest = &after[j + close.len()..];
    }
    out
}

pub fn read_response(r: &mut BufReader<TcpStream>) -> std::io::Result<Resp> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "closed",
        ));
    }
    let line = line.trim_end();
    let mut parts = line.splitn(3, ' ');
    parts.next();
    let status: u16 = parts.next().unwrap_or("0").parse().unwrap_or(0);
    let reason = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').expect("header");
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
        .map(|(_, v)| v.parse().unwrap())
        .expect("Content-Length always present");
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    Ok(Resp {
        status,
        reason,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Send raw bytes on a new connection and read one response.
pub fn raw(port: u16, bytes: &[u8]) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.write_all(bytes)?;
    let mut r = BufReader::new(s);
    read_response(&mut r)
}

/// A request: method, path+query, headers, body.
pub fn request(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Resp {
    try_request(port, method, target, headers, body).expect("request")
}

pub fn try_request(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Resp> {
    let mut req = format!("{method} {target} HTTP/1.1\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" || method == "PUT" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("Connection: close\r\n\r\n");
    req.push_str(body);
    raw(port, req.as_bytes())
}

// ------------------------------------------------------------------ signing

pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for epoch seconds.
pub fn iso(secs: i64) -> String {
    let (y, m, d) = civil(secs.div_euclid(86400));
    let r = secs.rem_euclid(86400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        r / 3600,
        r % 3600 / 60,
        r % 60
    )
}

/// `YYYYMMDDTHHMMSSZ`.
pub fn amz(secs: i64) -> String {
    iso(secs).replace(['-', ':'], "")
}

pub fn hmac256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

pub fn hmac1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Canonical V2 query: sorted by key, `enc(k)=enc(v)`.
pub fn canonical(params: &[(String, String)]) -> String {
    let mut p: Vec<&(String, String)> = params.iter().collect();
    p.sort_by(|a, b| a.0.cmp(&b.0));
    p.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn owned(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Add the V2 auth parameters and the signature; returns the full
/// parameter list (canonical order, Signature last).
pub fn sign_v2(
    method: &str,
    host: &str,
    params: &[(&str, &str)],
    sha1: bool,
    timestamp: &str,
    secret: &str,
) -> Vec<(String, String)> {
    let mut p = owned(params);
    p.push(("AWSAccessKeyId".into(), AK.into()));
    p.push(("SignatureVersion".into(), "2".into()));
    p.push((
        "SignatureMethod".into(),
        if sha1 { "HmacSHA1" } else { "HmacSHA256" }.into(),
    ));
    if !p.iter().any(|(k, _)| k == "Timestamp" || k == "Expires") {
        p.push(("Timestamp".into(), timestamp.into()));
    }
    let sts = format!(
        "{method}\n{}\n/\n{}",
        host.to_ascii_lowercase(),
        canonical(&p)
    );
    let mac = if sha1 {
        hmac1(secret.as_bytes(), sts.as_bytes())
    } else {
        hmac256(secret.as_bytes(), sts.as_bytes())
    };
    p.push((
        "Signature".into(),
        base64::engine::general_purpose::STANDARD.encode(mac),
    ));
    p
}

pub fn form(p: &[(String, String)]) -> String {
    p.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A V2-signed call with the current time; GET for Describe*, else POST.
pub fn call(port: u16, params: &[(&str, &str)]) -> Resp {
    let action = params
        .iter()
        .find(|(k, _)| *k == "Action")
        .map(|(_, v)| *v)
        .unwrap_or("");
    let method = if action.starts_with("Describe") {
        "GET"
    } else {
        "POST"
    };
    let host = format!("127.0.0.1:{port}");
    let p = sign_v2(method, &host, params, false, &iso(now_secs()), SECRET);
    if method == "GET" {
        request(
            port,
            "GET",
            &format!("/?{}", form(&p)),
            &[("Accept", "text/plain")],
            "",
        )
    } else {
        request(
            port,
            "POST",
            "/",
            &[
                (
                    "Content-Type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ),
                ("Accept", "text/plain"),
            ],
            &form(&p),
        )
    }
}

/// Phantom's V4 reading (PHANTOM.md): returns the headers to send.
/// `query` is sent as-is; for POST the payload hash is over the canonical
/// V2-encoded parameters, not the body.
pub struct V4 {
    pub method: &'static str,
    pub host_header: String,
    pub query: String,
    pub body: String,
    pub amz_date: String,
    pub secret: String,
    /// AWS style `, ` separators (Phantom splits on whitespace first).
    pub comma_space: bool,
    /// AWS style: keep the `:port` of host in the canonical headers.
    pub keep_port: bool,
    /// AWS style: hash the raw body bytes instead of the rebuilt params.
    pub hash_raw_body: bool,
}

impl V4 {
    pub fn new(method: &'static str, port: u16, query: &str, body: &str) -> V4 {
        V4 {
            method,
            host_header: format!("127.0.0.1:{port}"),
            query: query.to_string(),
            body: body.to_string(),
            amz_date: amz(now_secs()),
            secret: SECRET.to_string(),
            comma_space: false,
            keep_port: false,
            hash_raw_body: false,
        }
    }

    pub fn authorization(&self) -> String {
        let host = if self.keep_port {
            self.host_header.clone()
        } else {
            self.host_header.split(':').next().unwrap().to_string()
        };
        let canonical_headers = format!("host:{host}\nx-amz-date:{}\n", self.amz_date);
        let payload = if self.hash_raw_body {
            self.body.clone()
        } else if self.method == "POST" {
            let mut params = Vec::new();
            for part in self.query.split('&').chain(self.body.split('&')) {
                if part.is_empty() {
                    continue;
                }
                let (k, v) = part.split_once('=').unwrap_or((part, ""));
                params.push((unescape(k), unescape(v)));
            }
            canonical(&params)
        } else {
            String::new()
        };
        let cr = format!(
            "{}\n/\n{}\n{}\nhost;x-amz-date\n{}",
            self.method,
            self.query,
            canonical_headers,
            hex(&Sha256::digest(payload.as_bytes()))
        );
        let date = &self.amz_date[..8];
        let scope = format!("{date}/nimbus/autoscaling/aws4_request");
        let sts = format!(
            "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
            self.amz_date,
            hex(&Sha256::digest(cr.as_bytes()))
        );
        let mut k = hmac256(format!("AWS4{}", self.secret).as_bytes(), date.as_bytes());
        for part in ["nimbus", "autoscaling", "aws4_request"] {
            k = hmac256(&k, part.as_bytes());
        }
        let sig = hex(&hmac256(&k, sts.as_bytes()));
        let sep = if self.comma_space { ", " } else { "," };
        format!(
            "AWS4-HMAC-SHA256 Credential={AK}/{scope}{sep}SignedHeaders=host;x-amz-date{sep}Signature={sig}"
        )
    }

    pub fn send(&self, port: u16) -> Resp {
        let auth = self.authorization();
        let target = if self.query.is_empty() {
            "/".to_string()
        } else {
            format!("/?{}", self.query)
        };
        let mut headers = vec![
            ("Host", self.host_header.as_str()),
            ("X-Amz-Date", self.amz_date.as_str()),
            ("Authorization", auth.as_str()),
            ("Accept", "text/plain"),
        ];
        if self.method == "POST" {
            headers.push(("Content-Type", "application/x-www-form-urlencoded"));
        }
        request(port, self.method, &target, &headers, &self.body)
    }
}

pub fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else if b[i] == b'+' {
            out.push(b' ');
            i += 1;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// GET a control endpoint and parse the JSON.
pub fn control_json(port: u16, path: &str) -> serde_json::Value {
    let r = request(port, "GET", path, &[], "");
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// A fresh directory with no `state.json` in it yet: (the directory, the file).
pub fn fresh_state_file(tag: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("phantom-sim-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let _ = std::fs::remove_file(&file);
    (dir, file)
}

/// Poll until `f` holds or `timeout` passes.
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    f()
}

/// Create `name@cloud` launch configurations.
pub fn create_lc(port: u16, full: &str) -> Resp {
    call(
        port,
        &[
            ("Action", "CreateLaunchConfiguration"),
            ("LaunchConfigurationName", full),
            ("ImageId", "hello-phantom.gz"),
            ("InstanceType", "m1.small"),
            ("KeyName", "phantomkey"),
            ("SecurityGroups.member.1", "default"),
            ("Version", "2011-01-01"),
        ],
    )
}

/// The tutorial's domain: error_overflow_n_preserving over `clouds`.
pub fn create_domain(port: u16, name: &str, lc: &str, clouds: &str, size: &str) -> Resp {
    call(
        port,
        &[
            ("Action", "CreateAutoScalingGroup"),
            ("AutoScalingGroupName", name),
            ("LaunchConfigurationName", lc),
            ("MinSize", size),
            ("MaxSize", size),
            ("AvailabilityZones.member.1", "us-east-1"),
            ("Tags.member.1.Key", "PHANTOM_DEFINITION"),
            ("Tags.member.1.Value", "error_overflow_n_preserving"),
            ("Tags.member.1.ResourceId", name),
            ("Tags.member.1.ResourceType", "auto-scaling-group"),
            ("Tags.member.1.PropagateAtLaunch", "true"),
            ("Tags.member.2.Key", "clouds"),
            ("Tags.member.2.Value", clouds),
            ("Tags.member.2.ResourceId", name),
            ("Tags.member.2.ResourceType", "auto-scaling-group"),
            ("Tags.member.2.PropagateAtLaunch", "true"),
            ("Tags.member.3.Key", "minimum_vms"),
            ("Tags.member.3.Value", size),
            ("Tags.member.3.ResourceId", name),
            ("Tags.member.3.ResourceType", "auto-scaling-group"),
            ("Tags.member.3.PropagateAtLaunch", "true"),
            ("Version", "2011-01-01"),
        ],
    )
}

pub fn set_capacity(port: u16, name: &str, n: &str) -> Resp {
    call(
        port,
        &[
            ("Action", "SetDesiredCapacity"),
            ("AutoScalingGroupName", name),
            ("DesiredCapacity", n),
            ("HonorCooldown", "false"),
        ],
    )
}

/// (cloud, state, instance id) of each instance of a domain, in order.
pub fn instances(port: u16, name: &str) -> Vec<(String, String, String)> {
    let r = call(
        port,
        &[
            ("Action", "DescribeAutoScalingGroups"),
            ("AutoScalingGroupNames.member.1", name),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let inst = tag(&r.body, "Instances").unwrap_or_default();
    tags(&inst, "member")
        .iter()
        .map(|m| {
            (
                tag(m, "AvailabilityZone").unwrap(),
                tag(m, "LifecycleState").unwrap(),
                tag(m, "InstanceId").unwrap_or_default(),
            )
        })
        .collect()
}
