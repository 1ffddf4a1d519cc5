//! A scripted Phantom for the engine's host tests: a small model of launch
//! configurations and one domain, answering in Phantom's XML and error shapes after a
//! latency awaited on the virtual clock, with scripted errors, answers that are
//! acknowledged but not applied, outages by time, and VMs that linger after a capacity
//! decrease. Included with `#[path]` after `query` and `virtual_time`.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;

use phantom_de::api::{Client, Clock, HttpRequest, HttpResponse, Transport, TransportError};
use phantom_de::settings::Settings;

use crate::query::{param, params_of};
use crate::virtual_time::VirtualClock;

/// The secret of [`tutorial_settings`]' credentials.
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const NS: &str = "http://autoscaling.amazonaws.com/doc/2009-05-15/";

/// A scripted answer that replaces the model's.
#[derive(Clone)]
pub enum Answer {
    /// Phantom's plain-text error: the code in the status line and the body.
    Error(u16, &'static str, String),
    /// No answer.
    Transport(TransportError),
    /// The model's OK, without the model acting on it (a server that applies it late,
    /// or never).
    AckOnly,
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Sent {
    pub at: u64,
    pub action: String,
    pub params: Vec<(String, String)>,
    pub answered: Option<u64>,
}

impl Sent {
    pub fn param(&self, name: &str) -> Option<&str> {
        param(&self.params, name)
    }

    pub fn capacity(&self) -> Option<u32> {
        self.param("DesiredCapacity").and_then(|c| c.parse().ok())
    }

    /// "SetDesiredCapacity my_domain 3", "CreateLaunchConfiguration lc@hotel", …
    pub fn line(&self) -> String {
        let mut line = self.action.clone();
        for name in [
            "LaunchConfigurationName",
            "AutoScalingGroupName",
            "AutoScalingGroupNames.member.1",
            "DesiredCapacity",
        ] {
            if let Some(v) = self.param(name) {
                line.push(' ');
                line.push_str(v);
            }
        }
        line
    }
}

pub struct Vm {
    pub id: u32,
    pub cloud: String,
    pub started: u64,
    /// When a capacity decrease removed it (it lingers [`Server::linger_ms`]).
    pub removed: Option<u64>,
    /// Marked `850-FAILED` ([`Server::fail_vm`]); it still counts toward the capacity.
    pub failed: bool,
}

pub struct Domain {
    pub name: String,
    pub launch_configuration: String,
    pub clouds: Vec<(String, i64)>,
    pub desired: u32,
    pub vms: Vec<Vm>,
    /// After DeleteAutoScalingGroup: describes that still list it (`None`: forever).
    pub deleting: Option<Option<u32>>,
}

#[derive(Default)]
pub struct Model {
    pub launch_configurations: BTreeSet<String>,
    pub domain: Option<Domain>,
    /// Describes that still list a deleted domain (`None`: it never goes away).
    pub listed_after_delete: Option<u32>,
    pub next_vm: u32,
}

pub struct Server {
    pub clock: VirtualClock,
    pub model: RefCell<Model>,
    pub log: RefCell<Vec<Sent>>,
    pub latency_ms: Cell<u64>,
    /// key ("SetDesiredCapacity:2" or "SetDesiredCapacity") → latency
    pub latency_for: RefCell<BTreeMap<String, u64>>,
    /// key → answers to give instead of the model's, in order
    pub script: RefCell<BTreeMap<String, VecDeque<Answer>>>,
    pub in_flight: RefCell<BTreeMap<String, usize>>,
    pub max_in_flight: RefCell<BTreeMap<String, usize>>,
    pub next_request: Cell<u32>,
    /// Until this virtual time every request fails: connection refused.
    pub down_until: Cell<u64>,
    /// How long a VM removed by a capacity decrease stays `600-RUNNING` before it shows
    /// `900-TERMINATED` (0: it disappears at once).
    pub linger_ms: Cell<u64>,
}

impl Server {
    pub fn new(clock: VirtualClock) -> Rc<Self> {
        Rc::new(Self {
            clock,
            model: RefCell::new(Model {
                listed_after_delete: Some(0),
                ..Model::default()
            }),
            log: RefCell::new(Vec::new()),
            latency_ms: Cell::new(0),
            latency_for: RefCell::new(BTreeMap::new()),
            script: RefCell::new(BTreeMap::new()),
            in_flight: RefCell::new(BTreeMap::new()),
            max_in_flight: RefCell::new(BTreeMap::new()),
            next_request: Cell::new(0),
            down_until: Cell::new(0),
            linger_ms: Cell::new(0),
        })
    }

    /// The tutorial's second run: both launch configurations and the domain exist, the
    /// domain with `capacity` VMs.
    pub fn with_existing(self: &Rc<Self>, capacity: u32) -> Rc<Self> {
        {
            let mut m = self.model.borrow_mut();
            for cloud in ["hotel", "sierra"] {
                m.launch_configurations
                    .insert(format!("my_launch_config@{cloud}"));
            }
            m.domain = Some(Domain {
                name: "my_domain".into(),
                launch_configuration: "my_launch_config".into(),
                clouds: vec![("hotel".into(), 4), ("sierra".into(), 4)],
                desired: 0,
                vms: Vec::new(),
                deleting: None,
            });
        }
        self.set_capacity(capacity);
        self.clone()
    }

    pub fn latency(&self, key: &str, ms: u64) {
        self.latency_for.borrow_mut().insert(key.to_string(), ms);
    }

    pub fn script(&self, key: &str, answers: Vec<Answer>) {
        self.script
            .borrow_mut()
            .entry(key.to_string())
            .or_default()
            .extend(answers);
    }

    fn keys(action: &str, params: &[(String, String)]) -> Vec<String> {
        let mut keys = Vec::new();
        for name in ["DesiredCapacity", "LaunchConfigurationName"] {
            if let Some((_, v)) = params.iter().find(|(n, _)| n == name) {
                keys.push(format!("{action}:{v}"));
            }
        }
        keys.push(action.to_string());
        keys
    }

    async fn handle(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let params = params_of(&request);
        let action = params
            .iter()
            .find(|(n, _)| n == "Action")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let keys = Self::keys(&action, &params);
        let index = {
            let mut log = self.log.borrow_mut();
            log.push(Sent {
                at: self.clock.now(),
                action: action.clone(),
                params: params.clone(),
                answered: None,
            });
            log.len() - 1
        };
        let down = self.clock.now() < self.down_until.get();
        let scripted = keys.iter().find_map(|k| {
            if down {
                return None;
            }
            self.script
                .borrow_mut()
                .get_mut(k)
                .and_then(VecDeque::pop_front)
        });
        // The server acts when the request arrives; the answer travels back later.
        let result = match scripted {
            _ if down => Err(TransportError::Network("connection refused".into())),
            Some(Answer::Error(status, code, message)) => Ok(phantom_error(status, code, &message)),
            Some(Answer::Transport(e)) => Err(e),
            Some(Answer::AckOnly) => Ok(self.ack(&action)),
            None => Ok(self.answer(&action, &params)),
        };
        let latency = keys
            .iter()
            .find_map(|k| self.latency_for.borrow().get(k).copied())
            .unwrap_or(self.latency_ms.get());
        let _guard = InFlight::enter(self, &action);
        self.clock.sleep(latency).await;
        self.log.borrow_mut()[index].answered = Some(self.clock.now());
        result
    }

    fn request_id(&self) -> String {
        self.next_request.set(self.next_request.get() + 1);
        format!("5b4d1f0e-0000-4c1a-9d8e-{:012}", self.next_request.get())
    }

    fn ack(&self, action: &str) -> HttpResponse {
        ok(format!(
            "<?xml version=\"1.0\" ?><{action}Response xmlns=\"{NS}\"><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{action}Response>",
            self.request_id()
        ))
    }

    fn answer(&self, action: &str, params: &[(String, String)]) -> HttpResponse {
        let get = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        match action {
            "DescribeLaunchConfigurations" => {
                let members: String = self
                    .model
                    .borrow()
                    .launch_configurations
                    .iter()
                    .map(|name| format!("<member><UserData/><KernelId/><SecurityGroups/><LaunchConfigurationName>{name}</LaunchConfigurationName><ImageId>hello-phantom.gz</ImageId><KeyName>phantomkey</KeyName><InstanceType>m1.small</InstanceType><RamdiskId/><BlockDeviceMappings/><CreatedTime>2013-05-02T16:31:40Z</CreatedTime></member>"))
                    .collect();
                ok(format!("<DescribeLaunchConfigurationsResponse xmlns=\"{NS}\"><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata><DescribeLaunchConfigurationsResult><LaunchConfigurations>{members}</LaunchConfigurations></DescribeLaunchConfigurationsResult></DescribeLaunchConfigurationsResponse>", self.request_id()))
            }
            "CreateLaunchConfiguration" => {
                let name = get("LaunchConfigurationName");
                if !self
                    .model
                    .borrow_mut()
                    .launch_configurations
                    .insert(name.clone())
                {
                    return phantom_error(400, "Name already in use", &name);
                }
                self.ack(action)
            }
            "DescribeAutoScalingGroups" => {
                let wanted = get("AutoScalingGroupNames.member.1");
                let now = self.clock.now();
                let mut members = String::new();
                let mut m = self.model.borrow_mut();
                let mut gone = false;
                if let Some(d) = m
                    .domain
                    .as_mut()
                    .filter(|d| wanted.is_empty() || d.name == wanted)
                {
                    match &mut d.deleting {
                        Some(Some(0)) => gone = true,
                        Some(Some(n)) => *n -= 1,
                        _ => {}
                    }
                    if !gone {
                        let instances: String = d
                            .vms
                            .iter()
                            .map(|vm| {
                                let age = now - vm.started;
                                let state = if d.deleting.is_some() {
                                    "800-TERMINATING"
                                } else if vm.failed {
                                    "850-FAILED"
                                } else if let Some(removed) = vm.removed {
                                    if now < removed + self.linger_ms.get() {
                                        "600-RUNNING"
                                    } else {
                                        "900-TERMINATED"
                                    }
                                } else if age < 1_000 {
                                    "200-REQUESTED"
                                } else if age < 5_000 {
                                    "400-PENDING"
                                } else {
                                    "600-RUNNING"
                                };
                                format!("<member><AutoScalingGroupName>{}</AutoScalingGroupName><LifecycleState>{state}</LifecycleState><HealthStatus>Healthy</HealthStatus><InstanceId>i-{:06x}</InstanceId><LaunchConfigurationName>{}</LaunchConfigurationName><AvailabilityZone>{}</AvailabilityZone></member>", d.name, vm.id, d.launch_configuration, vm.cloud)
                            })
                            .collect();
                        members = format!("<member><Status>Healthy</Status><Tags/><MaxSize>{desired}</MaxSize><VPCZoneIdentifier/><Instances>{instances}</Instances><MinSize>{desired}</MinSize><LaunchConfigurationName>{}</LaunchConfigurationName><CreatedTime>2013-05-02T16:31:40.123456Z</CreatedTime><AvailabilityZones/><PlacementGroup/><DesiredCapacity>{desired}</DesiredCapacity><AutoScalingGroupName>{}</AutoScalingGroupName><Cooldown>0</Cooldown><HealthCheckGracePeriod>0</HealthCheckGracePeriod><SuspendedProcesses/><LoadBalancerNames/><EnabledMetrics/><AutoScalingGroupARN>arn:phantom:{}</AutoScalingGroupARN><HealthCheckType/></member>", d.launch_configuration, d.name, d.name, desired = d.desired);
                    }
                }
                if gone {
                    m.domain = None;
                }
                drop(m);
                ok(format!("<?xml version=\"1.0\" ?><DescribeAutoScalingGroupsResponse xmlns=\"{NS}\"><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata><DescribeAutoScalingGroupsResult><AutoScalingGroups>{members}</AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>", self.request_id()))
            }
            "DeleteAutoScalingGroup" => {
                let mut m = self.model.borrow_mut();
                let after = m.listed_after_delete;
                match m.domain.as_mut() {
                    Some(d) if d.name == get("AutoScalingGroupName") => {
                        d.deleting = Some(after);
                        drop(m);
                        self.ack(action)
                    }
                    _ => phantom_error(400, "InvalidParameterValue", "no such domain"),
                }
            }
            "CreateAutoScalingGroup" => {
                if self.model.borrow().domain.is_some() {
                    return phantom_error(400, "Name already in use", "domain exists");
                }
                let mut clouds = Vec::new();
                for i in 1.. {
                    let Some((_, key)) = params
                        .iter()
                        .find(|(n, _)| *n == format!("Tags.member.{i}.Key"))
                    else {
                        break;
                    };
                    if key == "clouds" {
                        clouds = get(&format!("Tags.member.{i}.Value"))
                            .split(',')
                            .filter_map(|c| c.split_once(':'))
                            .map(|(c, n)| (c.to_string(), n.parse().unwrap_or(-1)))
                            .collect();
                    }
                }
                let lc = get("LaunchConfigurationName");
                // Phantom refuses a launch configuration it does not know (by the part
                // before `@`): the domain must wait for its creates.
                let base = lc.split('@').next().unwrap_or_default();
                let known = self
                    .model
                    .borrow()
                    .launch_configurations
                    .iter()
                    .any(|n| n.split('@').next() == Some(base));
                if !known {
                    return phantom_error(
                        400,
                        "InvalidParameterValue",
                        &format!("Launch configuration {base} not found"),
                    );
                }
                self.model.borrow_mut().domain = Some(Domain {
                    name: get("AutoScalingGroupName"),
                    launch_configuration: lc.split('@').next().unwrap_or_default().to_string(),
                    clouds,
                    desired: 0,
                    vms: Vec::new(),
                    deleting: None,
                });
                self.set_capacity(get("MinSize").parse().unwrap_or(0));
                self.ack(action)
            }
            "SetDesiredCapacity" => {
                let exists =
                    self.model.borrow().domain.as_ref().is_some_and(|d| {
                        d.name == get("AutoScalingGroupName") && d.deleting.is_none()
                    });
                if !exists {
                    return phantom_error(400, "InvalidParameterValue", "no such domain");
                }
                self.set_capacity(get("DesiredCapacity").parse().unwrap_or(0));
                self.ack(action)
            }
            "TerminateInstanceInAutoScalingGroup" => {
                let id = get("InstanceId");
                let decrement = get("ShouldDecrementDesiredCapacity") == "true";
                let desired = {
                    let mut m = self.model.borrow_mut();
                    let Some(d) = m.domain.as_mut() else {
                        return phantom_error(400, "InvalidParameterValue", "no such domain");
                    };
                    let Some(at) = d.vms.iter().position(|vm| format!("i-{:06x}", vm.id) == id)
                    else {
                        return phantom_error(400, "InvalidParameterValue", "no such instance");
                    };
                    d.vms.remove(at);
                    if decrement {
                        d.desired = d.desired.saturating_sub(1);
                    }
                    d.desired
                };
                // Without decrement the domain starts a replacement.
                self.set_capacity(desired);
                self.ack(action)
            }
            _ => phantom_error(404, "Not Found", "unknown action"),
        }
    }

    /// Phantom's error_overflow_n_preserving: fill the clouds in rank order up to each
    /// one's maximum; remove the newest VMs first.
    pub fn set_capacity(&self, capacity: u32) {
        let now = self.clock.now();
        let linger = self.linger_ms.get();
        let mut m = self.model.borrow_mut();
        let mut next = m.next_vm;
        if let Some(d) = m.domain.as_mut() {
            d.desired = capacity;
            let live = |vms: &[Vm]| vms.iter().filter(|v| v.removed.is_none()).count();
            while live(&d.vms) > capacity as usize {
                if linger == 0 {
                    d.vms.pop();
                } else if let Some(vm) = d.vms.iter_mut().rev().find(|v| v.removed.is_none()) {
                    vm.removed = Some(now);
                }
            }
            while live(&d.vms) < capacity as usize {
                let Some(cloud) = d.clouds.iter().find(|(c, max)| {
                    *max < 0
                        || d.vms
                            .iter()
                            .filter(|v| &v.cloud == c && v.removed.is_none())
                            .count()
                            < *max as usize
                }) else {
                    break;
                };
                next += 1;
                d.vms.push(Vm {
                    id: next,
                    cloud: cloud.0.clone(),
                    started: now,
                    removed: None,
                    failed: false,
                });
            }
        }
        m.next_vm = next;
    }

    /// Marks the domain's VM at `index` (in start order) `850-FAILED`.
    pub fn fail_vm(&self, index: usize) {
        if let Some(vm) = self
            .model
            .borrow_mut()
            .domain
            .as_mut()
            .and_then(|d| d.vms.get_mut(index))
        {
            vm.failed = true;
        }
    }

    /// The domain's DesiredCapacity in the model (`None`: no domain).
    pub fn desired(&self) -> Option<u32> {
        self.model.borrow().domain.as_ref().map(|d| d.desired)
    }
}

/// Counts requests of an action in flight at once (also when cancelled).
struct InFlight<'a> {
    server: &'a Server,
    action: String,
}

impl<'a> InFlight<'a> {
    fn enter(server: &'a Server, action: &str) -> Self {
        let mut current = server.in_flight.borrow_mut();
        let n = current.entry(action.to_string()).or_default();
        *n += 1;
        let mut max = server.max_in_flight.borrow_mut();
        let m = max.entry(action.to_string()).or_default();
        *m = (*m).max(*n);
        Self {
            server,
            action: action.to_string(),
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(n) = self.server.in_flight.borrow_mut().get_mut(&self.action) {
            *n -= 1;
        }
    }
}

pub fn ok(body: String) -> HttpResponse {
    HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![("Content-Type".into(), "text/html;charset=utf-8".into())],
        body,
    }
}

pub fn phantom_error(status: u16, code: &str, message: &str) -> HttpResponse {
    HttpResponse {
        status,
        reason: code.into(),
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: format!("{status} {code}\n\n{message}\n"),
    }
}

/// A scripted Phantom error.
pub fn error(status: u16, code: &'static str, message: &str) -> Answer {
    Answer::Error(status, code, message.to_string())
}

/// The transport to a [`Server`].
#[derive(Clone)]
pub struct Net(pub Rc<Server>);

impl Transport for Net {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.0.handle(request).await
    }
}

/// The tutorial's settings for `https://svc.example.org:8445`.
pub fn tutorial_settings() -> Settings {
    let mut s = Settings::tutorial_defaults();
    s.endpoint.url = "https://svc.example.org:8445".into();
    s.credentials.access_key_id = "AKIDEXAMPLE".into();
    s
}

pub type TestClient = Client<Net, VirtualClock>;

/// A client of `settings` talking to `server` on its clock, jitter always one half.
pub fn client(settings: &Settings, server: &Rc<Server>) -> TestClient {
    let config = settings.client_config().expect("valid endpoint");
    let attempts = config.retry.max_attempts;
    client_with_attempts(settings, server, attempts)
}

/// [`client`], making at most `max_attempts` attempts per request (1: no retries of its
/// own, so a teardown's schedule shows alone).
pub fn client_with_attempts(
    settings: &Settings,
    server: &Rc<Server>,
    max_attempts: u32,
) -> TestClient {
    let mut config = settings.client_config().expect("valid endpoint");
    config.retry.max_attempts = max_attempts;
    Client::new(
        config,
        settings.credentials(SECRET).expect("valid credentials"),
        Net(server.clone()),
        server.clock.clone(),
        Box::new(|| 0.5),
    )
}
