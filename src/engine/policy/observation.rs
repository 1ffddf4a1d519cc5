//! What a policy sees at a tick: the domain as just described, the metric, and its own
//! memory. Serialized as is for a person's code (`observation.elapsed_s`, …), so the
//! field names are a contract.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::api::AutoScalingGroup;
use crate::engine::journal::InstanceState;

/// One VM of the domain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObservedInstance {
    /// Its instance id (Phantom: may be empty while it boots).
    pub id: String,
    /// The cloud (Phantom) or zone (AWS).
    pub cloud: String,
    /// Its state in either dialect: `pending`, `running`, `failed`, `terminating`,
    /// `terminated`, `other`.
    pub state: InstanceState,
    /// How long it has been in that state as far as this run has seen, in seconds (0 the
    /// first time it is seen in it).
    pub since_s: f64,
}

/// A cloud and its maximum VMs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct CloudMax {
    /// The cloud's name.
    pub name: String,
    /// Its maximum.
    pub max: u32,
}

/// The metric's latest good value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricReading {
    /// The number read.
    pub value: f64,
    /// When it was read, ms since the epoch.
    pub read_ms: f64,
}

/// Everything a policy decides from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Observation {
    /// Seconds since the ramp's start (the policy's time 0).
    pub elapsed_s: f64,
    /// The wall clock, ms since the epoch (schedule windows read their weekday and hour
    /// from it).
    pub now_ms: f64,
    /// The domain's desired capacity: as described, or the last one this run set when
    /// the server does not report it.
    pub desired: u32,
    /// VMs running.
    pub running: u32,
    /// VMs requested or starting.
    pub pending: u32,
    /// VMs failed.
    pub failed: u32,
    /// VMs being terminated.
    pub terminating: u32,
    /// Every VM listed, in the server's order.
    pub instances: Vec<ObservedInstance>,
    /// The clouds with their maxima, in rank order.
    pub clouds: Vec<CloudMax>,
    /// The metric's latest good value; `None` without a metric or before a first read.
    pub metric: Option<f64>,
    /// Seconds since that value was read.
    pub metric_age_s: Option<f64>,
    /// Why the metric could not be read at this tick, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_problem: Option<String>,
    /// What the policy's previous decision asked to remember (`{}` at first).
    pub memory: Value,
}

impl Observation {
    /// An observation of nothing at `elapsed_s` (no VMs, desired 0): a base for tests and
    /// for the dry run's model.
    pub fn empty(elapsed_s: f64, now_ms: f64) -> Self {
        Self {
            elapsed_s,
            now_ms,
            desired: 0,
            running: 0,
            pending: 0,
            failed: 0,
            terminating: 0,
            instances: Vec::new(),
            clouds: Vec::new(),
            metric: None,
            metric_age_s: None,
            metric_problem: None,
            memory: Value::Object(Default::default()),
        }
    }

    /// Sets the VMs and recounts them by state.
    pub fn set_instances(&mut self, instances: Vec<ObservedInstance>) {
        let count = |state| {
            let n = instances.iter().filter(|i| i.state == state).count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        self.running = count(InstanceState::Running);
        self.pending = count(InstanceState::Pending);
        self.failed = count(InstanceState::Failed);
        self.terminating = count(InstanceState::Terminating);
        self.instances = instances;
    }

    /// The observation as JSON for a person's code.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }
}

/// Remembers since when every VM has been in its state, across ticks, so a policy can
/// tell a VM stuck booting from one that just started.
#[derive(Clone, Debug, Default)]
pub struct Tracker {
    seen: HashMap<String, (InstanceState, f64)>,
}

impl Tracker {
    /// A tracker that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The VMs of `group` at `now_ms`, each with its time in its state. VMs without an
    /// id (Phantom, while booting) are keyed by cloud and position.
    pub fn observe(&mut self, group: &AutoScalingGroup, now_ms: f64) -> Vec<ObservedInstance> {
        let mut next = HashMap::with_capacity(group.instances.len());
        let out = group
            .instances
            .iter()
            .enumerate()
            .map(|(i, vm)| {
                let state = InstanceState::from_lifecycle(&vm.lifecycle_state);
                let key = if vm.instance_id.is_empty() {
                    format!("#{}@{}", i, vm.availability_zone)
                } else {
                    vm.instance_id.clone()
                };
                let since = match self.seen.get(&key) {
                    Some((s, since)) if *s == state => *since,
                    _ => now_ms,
                };
                next.insert(key, (state, since));
                ObservedInstance {
                    id: vm.instance_id.clone(),
                    cloud: vm.availability_zone.clone(),
                    state,
                    since_s: ((now_ms - since) / 1000.0).max(0.0),
                }
            })
            .collect();
        self.seen = next;
        out
    }
}
