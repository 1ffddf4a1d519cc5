//! Instance counting for the monitor: a lifecycle state in either dialect
//! ([`InstanceState`]) and the instances of a domain counted by cloud × state.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api::Instance;

/// An instance state, the same for Phantom (`600-RUNNING`) and AWS (`InService`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceState {
    /// Requested or starting (Phantom below 600, AWS `Pending…`).
    Pending,
    /// Running (Phantom 600, AWS `InService`).
    Running,
    /// Failed (Phantom 700 and 850).
    Failed,
    /// Being terminated (Phantom 800, AWS `Terminating…`).
    Terminating,
    /// Terminated (Phantom 900 and above, AWS `Terminated`).
    Terminated,
    /// Anything else (AWS standby, detaching, warm pool…).
    Other,
}

impl InstanceState {
    /// Reads a `LifecycleState` in either dialect.
    pub fn from_lifecycle(state: &str) -> Self {
        let state = state.trim();
        let digits: String = state.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(code) = digits.parse::<u32>() {
            return match code {
                0..=599 => InstanceState::Pending,
                600..=699 => InstanceState::Running,
                700..=799 | 850..=899 => InstanceState::Failed,
                800..=849 => InstanceState::Terminating,
                _ => InstanceState::Terminated,
            };
        }
        let lower = state.to_ascii_lowercase();
        if lower.starts_with("pending") || lower == "quarantined" {
            InstanceState::Pending
        } else if lower == "inservice" {
            InstanceState::Running
        } else if lower.starts_with("terminating") {
            InstanceState::Terminating
        } else if lower == "terminated" {
            InstanceState::Terminated
        } else if lower.contains("fail") {
            InstanceState::Failed
        } else {
            InstanceState::Other
        }
    }
}

/// How many instances of a cloud are in one lifecycle state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InstanceCount {
    /// The cloud (Phantom) or availability zone (AWS).
    pub cloud: String,
    /// The lifecycle state as the server wrote it.
    pub state: String,
    /// The state in either dialect.
    pub category: InstanceState,
    /// How many.
    pub count: u32,
}

impl InstanceCount {
    /// `count` instances of `cloud` in lifecycle `state`, its category read from the state.
    pub fn new(cloud: &str, state: &str, count: u32) -> Self {
        Self {
            cloud: cloud.to_string(),
            state: state.to_string(),
            category: InstanceState::from_lifecycle(state),
            count,
        }
    }
}

/// Counts instances by cloud × lifecycle state, sorted by cloud, then state.
pub fn count_instances(instances: &[Instance]) -> Vec<InstanceCount> {
    let mut counts: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for i in instances {
        *counts
            .entry((i.availability_zone.as_str(), i.lifecycle_state.as_str()))
            .or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((cloud, state), count)| InstanceCount::new(cloud, state, count))
        .collect()
}
