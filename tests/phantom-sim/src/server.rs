//! Request handling: routing, faults, authentication, actions, the
//! request log, persistence and the `/__sim/` control endpoints.

use crate::actions::{self, Ctx, ACTIONS};
use crate::auth::{self, AuthKind};
use crate::cli::Options;
use crate::clock;
use crate::errors::PhantomError;
use crate::failures::{self, FailError};
use crate::faults::{FaultKind, Faults, Rng};
use crate::http::{self, ReadError, Request, Response};
use crate::model::{health_of, Instance, SimConfig, State};
use crate::params::{parse_qsl, Params};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::BufReader;
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

const MAX_LOG: usize = 10_000;

#[derive(Serialize, Clone, Debug)]
pub struct LogEntry {
    pub seq: u64,
    pub received_ms: i64,
    pub method: String,
    pub path: String,
    pub action: Option<String>,
    pub auth: &'static str,
    pub access_key: Option<String>,
    pub params: BTreeMap<String, String>,
    pub status: u16,
    pub error: Option<String>,
    pub fault: Option<&'static str>,
    pub latency_ms: u64,
}

pub struct Inner {
    pub state: State,
    pub log: Vec<LogEntry>,
    pub log_seq: u64,
    pub faults: Faults,
    pub fault_rng: Rng,
    pub id_rng: Rng,
    /// Picks the VM of `POST /__sim/fail` without an id and rolls
    /// `vm_failures_per_minute` (apart from `fault_rng`, so failing VMs does not change
    /// which requests a seeded error rate hits).
    pub vm_fail_rng: Rng,
    /// Up to when (real clock, ms) `vm_failures_per_minute` has been rolled.
    pub vm_failures_rolled_ms: i64,
}

impl Inner {
    /// Brings the simulation up to `now`: the engines (`State::advance`), then the
    /// random VM failures since the last request. Returns whether the state changed.
    fn advance(&mut self, now: i64, sim: &SimConfig) -> bool {
        let mut dirty = self.state.advance(now, sim);
        let since = self.vm_failures_rolled_ms;
        self.vm_failures_rolled_ms = self.vm_failures_rolled_ms.max(now);
        dirty |= failures::roll_failures(
            &mut self.state,
            self.faults.vm_failures_per_minute,
            since,
            now,
            &mut self.vm_fail_rng,
        ) > 0;
        dirty
    }
}

/// `POST /__sim/fail` body: the domain, and the VM (as Describe shows its InstanceId);
/// without `instance_id` a random 600-RUNNING VM of the domain.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailRequest {
    domain: String,
    #[serde(default)]
    instance_id: Option<String>,
}

pub struct Shared {
    pub opts: Options,
    pub sim: SimConfig,
    pub inner: Mutex<Inner>,
}

enum Outcome {
    Respond(Response, u64),
    Reset(u64),
}

impl Shared {
    pub fn new(opts: Options, state: State, seed: u64) -> Shared {
        let sim = SimConfig {
            boot_ms: (opts.boot_seconds * 1000.0).round() as i64,
            terminate_ms: (opts.terminate_seconds * 1000.0).round() as i64,
            linger_ms: (opts.linger_seconds * 1000.0).round() as i64,
            cloud_capacity: opts.cloud_capacity.clone(),
        };
        let faults = opts.faults.clone();
        Shared {
            opts,
            sim,
            inner: Mutex::new(Inner {
                state,
                log: Vec::new(),
                log_seq: 0,
                faults,
                fault_rng: Rng::new(seed),
                id_rng: Rng::new(seed ^ 0x05EE_D1D5),
                vm_fail_rng: Rng::new(seed ^ 0x0FA1_1ED0),
                vm_failures_rolled_ms: clock::real_now_ms(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic in one connection must not take the server down.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Load `--state FILE` (absent file: empty state).
pub fn load_state(path: &Path) -> Result<State, String> {
    match std::fs::read(path) {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Ok(State::default()),
        Ok(bytes) => {
            serde_json::from_slice(&bytes).map_err(|e| format!("--state {}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(format!("--state {}: {e}", path.display())),
    }
}

fn save_state(path: &Path, state: &State) {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let result = serde_json::to_vec_pretty(state)
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&tmp, bytes))
        .and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        eprintln!("phantom-sim: cannot write state {}: {e}", path.display());
    }
}

pub fn serve_connection(shared: Arc<Shared>, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let req = match http::read_request(&mut reader, &mut writer) {
            Ok(r) => r,
            Err(ReadError::Closed) | Err(ReadError::Io) => return,
            Err(ReadError::Bad(msg)) => {
                let now = server_now_us(&shared.lock().faults);
                let resp = Response::new(400, "Bad Request", "text/plain", msg.into_bytes())
                    .header("Date", &clock::http_date_ms(now / 1000));
                let _ = http::write_response(&mut writer, &resp, true, false);
                return;
            }
        };
        let keep = req.keep_alive();
        match handle(&shared, &req) {
            Outcome::Reset(delay) => {
                std::thread::sleep(Duration::from_millis(delay));
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
            Outcome::Respond(mut resp, delay) => {
                if delay > 0 {
                    std::thread::sleep(Duration::from_millis(delay));
                }
                if !resp.headers.iter().any(|(k, _)| k == "Date") {
                    let now = server_now_us(&shared.lock().faults);
                    resp = resp.header("Date", &clock::http_date_ms(now / 1000));
                }
                let head = req.method.eq_ignore_ascii_case("HEAD");
                if http::write_response(&mut writer, &resp, !keep, head).is_err() || !keep {
                    return;
                }
            }
        }
    }
}

fn server_now_us(faults: &Faults) -> i64 {
    clock::real_now_us() + (faults.clock_offset_seconds * 1_000_000.0).round() as i64
}

fn request_params(req: &Request) -> Params {
    let mut p = Params {
        query: parse_qsl(req.query.as_bytes()),
        body: Vec::new(),
    };
    let ct = req
        .header("Content-Type")
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let is_form = ct.is_empty() || ct == "application/x-www-form-urlencoded";
    if (req.method == "POST" || req.method == "PUT") && is_form {
        p.body = parse_qsl(&req.body);
    }
    p
}

fn error_response(e: &PhantomError, req: &Request, server_us: i64) -> Response {
    let (ct, body) = e.render(req.header("Accept"));
    Response::new(e.status, &e.title, &ct, body.into_bytes())
        .header("Date", &clock::http_date_ms(server_us / 1000))
        .header("Server", "phantom")
}

/// The `html400` fault: the page nginx (the usual proxy in front of a service
/// like Phantom) sends when it refuses a request itself, `400 Bad Request` as
/// `text/html` with no AWS error code and no request id, so a client can only
/// go by the status and must not mistake it for Phantom's own answer.
fn proxy_error_page(server_us: i64) -> Response {
    let body = "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n\
                <center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx</center>\r\n\
                </body>\r\n</html>\r\n";
    Response::new(400, "Bad Request", "text/html", body.as_bytes().to_vec())
        .header("Date", &clock::http_date_ms(server_us / 1000))
        .header("Server", "nginx")
}

fn handle(shared: &Shared, req: &Request) -> Outcome {
    let received_ms = clock::real_now_ms();
    if shared.opts.control && req.path.starts_with("/__sim/") {
        return Outcome::Respond(control(shared, req), 0);
    }
    let params = request_params(req);
    let action = params.get("Action").map(str::to_string);
    let kind = AuthKind::of(req, &params);
    let mut inner = shared.lock();
    let inner = &mut *inner;
    let latency = inner.faults.latency_for(action.as_deref().unwrap_or(""));
    let fault = if req.path == "/" {
        inner
            .faults
            .pick(action.as_deref().unwrap_or(""), &mut inner.fault_rng)
    } else {
        None
    };
    let server_us = server_now_us(&inner.faults);
    let mut entry = LogEntry {
        seq: inner.log_seq,
        received_ms,
        method: req.method.clone(),
        path: req.path.clone(),
        action: action.clone(),
        auth: kind.as_str(),
        access_key: match kind {
            AuthKind::V2 => params.get("AWSAccessKeyId").map(str::to_string),
            _ => None,
        },
        params: params
            .pairs()
            .filter(|(k, _)| k != "Signature")
            .map(|(k, _)| (k.clone(), params.get(k).unwrap_or("").to_string()))
            .collect(),
        status: 0,
        error: None,
        fault: fault.map(FaultKind::as_str),
        latency_ms: latency,
    };
    inner.log_seq += 1;

    let result: Result<(String, String), PhantomError> = if req.path != "/" {
        Err(PhantomError::not_found(&format!(
            "The path '{}' was not found.",
            req.path
        )))
    } else {
        match fault {
            Some(FaultKind::Reset) => {
                push_log(inner, entry);
                return Outcome::Reset(latency);
            }
            Some(FaultKind::Html400) => {
                entry.status = 400;
                entry.error = Some("Bad Request".to_string());
                push_log(inner, entry);
                return Outcome::Respond(proxy_error_page(server_us), latency);
            }
            Some(FaultKind::Throttle) => Err(PhantomError::aws("Throttling", "")),
            Some(FaultKind::Internal) => Err(PhantomError::internal("injected fault")),
            None => run_action(
                shared,
                inner,
                req,
                &params,
                action.as_deref(),
                server_us,
                &mut entry,
            ),
        }
    };
    let resp = match result {
        Ok((request_id, body)) => {
            entry.status = 200;
            Response::new(200, "OK", "text/html; charset=UTF-8", body.into_bytes())
                .header("x-amzn-RequestId", &request_id)
                .header("Date", &clock::http_date_ms(server_us / 1000))
                .header("Server", "phantom")
        }
        Err(e) => {
            entry.status = e.status;
            entry.error = Some(e.code().to_string());
            error_response(&e, req, server_us)
        }
    };
    if shared.opts.verbose {
        eprintln!(
            "phantom-sim: {} {} action={} auth={} -> {}{}",
            entry.method,
            entry.path,
            entry.action.as_deref().unwrap_or("-"),
            entry.auth,
            entry.status,
            entry
                .error
                .as_deref()
                .map(|e| format!(" {e}"))
                .unwrap_or_default()
        );
    }
    push_log(inner, entry);
    Outcome::Respond(resp, latency)
}

fn push_log(inner: &mut Inner, entry: LogEntry) {
    inner.log.push(entry);
    if inner.log.len() > MAX_LOG {
        let drop = inner.log.len() - MAX_LOG;
        inner.log.drain(..drop);
    }
}

/// MainRouter: authenticate, check the action, run it.
fn run_action(
    shared: &Shared,
    inner: &mut Inner,
    req: &Request,
    params: &Params,
    action: Option<&str>,
    server_us: i64,
    entry: &mut LogEntry,
) -> Result<(String, String), PhantomError> {
    let now_ms = clock::real_now_ms();
    let mut dirty = inner.advance(now_ms, &shared.sim);
    let outcome = (|| {
        let who = auth::authenticate(req, params, &shared.opts.credentials, server_us)?;
        entry.access_key = Some(who.access_key);
        let action = action.ok_or_else(|| PhantomError::aws("InvalidParameterValue", ""))?;
        if !ACTIONS.contains(&action) {
            return Err(PhantomError::not_found(&format!("No action {action}")));
        }
        let request_id = inner.id_rng.uuid4();
        let mut ctx = Ctx {
            state: &mut inner.state,
            cfg: &shared.sim,
            now_ms,
            server_now_us: server_us,
            request_id: request_id.clone(),
            dirty: false,
        };
        let body = actions::dispatch(action, &mut ctx, params);
        dirty |= ctx.dirty;
        body.map(|b| (request_id, b))
    })();
    if dirty {
        if let Some(path) = &shared.opts.state {
            save_state(path, &inner.state);
        }
    }
    outcome
}

fn json_response(status: u16, reason: &str, v: &Value) -> Response {
    let mut body = serde_json::to_vec_pretty(v).unwrap_or_default();
    body.push(b'\n');
    Response::new(status, reason, "application/json", body)
}

fn instance_view(i: &Instance, now: i64) -> Value {
    let state = i.state_at(now).unwrap_or("gone");
    json!({
        "instance_id": i.iaas_id_at(now).unwrap_or(""),
        "iaas_id": i.instance_id,
        "seq": i.seq,
        "domain": i.domain,
        "cloud": i.cloud,
        "launch_configuration": i.dt_name,
        "state": state,
        "health": health_of(state),
        "requested_ms": i.requested_ms,
        "pending_ms": i.pending_ms,
        "running_ms": i.running_ms,
        "terminate_ms": i.terminate_ms,
        "terminated_ms": i.terminated_ms,
        "gone_ms": i.gone_ms,
        "failed_ms": i.failed_ms,
    })
}

/// `GET /__sim/state`.
pub fn state_view(shared: &Shared, inner: &Inner, now: i64) -> Value {
    let s = &inner.state;
    let mut lcs = Vec::new();
    for (dt, lc) in &s.launch_configurations {
        for (cloud, m) in &lc.clouds {
            lcs.push(json!({
                "name": format!("{dt}@{cloud}"),
                "dt_name": dt,
                "cloud": cloud,
                "image_id": m.image_id,
                "instance_type": m.instance_type,
                "key_name": m.key_name,
                "requested_key_name": m.requested_key_name,
                "kernel_id": m.kernel_id,
                "ramdisk_id": m.ramdisk_id,
                "security_groups": m.security_groups,
                "block_device_mappings": m.block_device_mappings,
                "user_data": lc.user_data,
                "created_time": m.created_time,
                "arn": m.arn,
            }));
        }
    }
    let domains: Vec<Value> = s
        .domains
        .values()
        .map(|d| {
            json!({
                "name": d.name,
                "definition": d.definition,
                "launch_configuration_name": d.launch_configuration_name,
                "dt_name": d.dt_name,
                "MinSize": d.min_size,
                "MaxSize": d.max_size,
                "desired": d.engine_conf.get("minimum_vms"),
                "minimum_vms": d.engine_conf.get("minimum_vms"),
                "maximum_vms": d.engine_conf.get("maximum_vms"),
                "desired_capacity_param": d.desired_capacity_param,
                "availability_zones": d.availability_zones,
                "tags": d.tags,
                "config": d.engine_conf,
                "engine": d.engine,
                "created_time": d.created_time,
                "arn": d.arn,
                "instances": d.instances.iter().map(|i| instance_view(i, now)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut clouds = BTreeMap::new();
    for i in s
        .domains
        .values()
        .flat_map(|d| d.instances.iter())
        .chain(s.detached_instances.iter())
        .filter(|i| i.occupies(now))
    {
        *clouds.entry(i.cloud.clone()).or_insert(0i64) += 1;
    }
    for name in shared.sim.cloud_capacity.keys() {
        clouds.entry(name.clone()).or_insert(0);
    }
    let clouds: BTreeMap<String, Value> = clouds
        .into_iter()
        .map(|(k, n)| {
            let cap = shared.sim.cloud_capacity.get(&k);
            (k, json!({"in_use": n, "capacity": cap}))
        })
        .collect();
    json!({
        "now_ms": now,
        "server_time": clock::make_time_us(server_now_us(&inner.faults)),
        "launch_configurations": lcs,
        "domains": domains,
        "detached_instances": s.detached_instances.iter().map(|i| instance_view(i, now)).collect::<Vec<_>>(),
        "clouds": clouds,
    })
}

fn control(shared: &Shared, req: &Request) -> Response {
    let mut guard = shared.lock();
    let inner = &mut *guard;
    let now = clock::real_now_ms();
    let method = req.method.as_str();
    match (method, req.path.as_str()) {
        ("GET", "/__sim/state") => {
            if inner.advance(now, &shared.sim) {
                if let Some(p) = &shared.opts.state {
                    save_state(p, &inner.state);
                }
            }
            json_response(200, "OK", &state_view(shared, inner, now))
        }
        ("GET", "/__sim/log") => json_response(200, "OK", &json!(inner.log)),
        ("GET", "/__sim/faults") => json_response(200, "OK", &json!(inner.faults)),
        ("PUT", "/__sim/faults") => match serde_json::from_slice::<Faults>(&req.body)
            .map_err(|e| e.to_string())
            .and_then(|f| f.validate().map(|_| f))
        {
            Ok(f) => {
                // Failures up to now are rolled at the rate that was in force.
                if inner.advance(now, &shared.sim) {
                    if let Some(p) = &shared.opts.state {
                        save_state(p, &inner.state);
                    }
                }
                if let Some(seed) = f.seed {
                    inner.fault_rng = Rng::new(seed);
                    inner.vm_fail_rng = Rng::new(seed ^ 0x0FA1_1ED0);
                }
                inner.faults = f;
                json_response(200, "OK", &json!(inner.faults))
            }
            Err(e) => json_response(400, "Bad Request", &json!({"error": e})),
        },
        ("POST", "/__sim/fail") => fail_control(shared, inner, req, now),
        ("POST", "/__sim/reset") => {
            inner.state = State::default();
            inner.log.clear();
            if let Some(p) = &shared.opts.state {
                save_state(p, &inner.state);
            }
            json_response(200, "OK", &json!({"reset": true}))
        }
        (_, "/__sim/state" | "/__sim/log" | "/__sim/faults" | "/__sim/fail" | "/__sim/reset") => {
            json_response(
                405,
                "Method Not Allowed",
                &json!({"error": "method not allowed"}),
            )
        }
        _ => json_response(
            404,
            "Not Found",
            &json!({"error": "no such control endpoint"}),
        ),
    }
}

/// `POST /__sim/fail`: brings the state up to `now`, then fails the VM the body names
/// (see `failures.rs`); answers that VM as `/__sim/state` shows it, plus `changed`.
fn fail_control(shared: &Shared, inner: &mut Inner, req: &Request, now: i64) -> Response {
    let body: FailRequest = match serde_json::from_slice(&req.body) {
        Ok(b) => b,
        Err(e) => {
            return json_response(
                400,
                "Bad Request",
                &json!({"error": format!("body must be {{\"domain\": NAME, \"instance_id\": ID (optional)}}: {e}")}),
            )
        }
    };
    let mut dirty = inner.advance(now, &shared.sim);
    let result = failures::fail_vm(
        &mut inner.state,
        &body.domain,
        body.instance_id.as_deref(),
        now,
        &mut inner.vm_fail_rng,
    );
    dirty |= result.as_ref().is_ok_and(|f| f.changed);
    if dirty {
        if let Some(p) = &shared.opts.state {
            save_state(p, &inner.state);
        }
    }
    match result {
        Ok(f) => {
            let mut v = instance_view(&f.instance, now);
            v["changed"] = json!(f.changed);
            json_response(200, "OK", &v)
        }
        Err(e) => fail_error(&e),
    }
}

fn fail_error(e: &FailError) -> Response {
    let (status, reason) = e.status();
    json_response(status, reason, &json!({"error": e.to_string()}))
}
