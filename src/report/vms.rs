//! The domain's VMs as the live view shows them: the latest look's instance counts per
//! cloud and state (Phantom `600-RUNNING` and AWS `InService` alike), and the rows of
//! the VM list read on request.

use crate::api::Instance;
use crate::engine::journal::{Event, MonitorResult};

use super::time::{clock_time, seconds};

/// The latest look at the domain (the journal's last `Monitor` event).
#[derive(Clone, Debug, PartialEq)]
pub struct Look {
    /// `As of 03:04:08.000 UTC (ramp time 2.900 s)`.
    pub as_of: String,
    /// What it saw.
    pub seen: Seen,
}

/// What a look saw.
#[derive(Clone, Debug, PartialEq)]
pub enum Seen {
    /// The domain, with its instances counted.
    Domain {
        /// `Desired capacity 1, 3 instance(s)`.
        summary: String,
        /// One row per cloud and state, in the order the engine counted them.
        rows: Vec<CountRow>,
    },
    /// The domain is not listed.
    Missing,
    /// The look failed after its retries; the sentence says how.
    Failed(String),
}

/// How many instances of a cloud are in a state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountRow {
    /// The cloud (Phantom) or availability zone (AWS).
    pub cloud: String,
    /// The state as the server spells it.
    pub state: String,
    /// What the state means, in one word: `pending`, `running`, …
    pub meaning: String,
    /// The number of instances.
    pub count: u32,
}

/// The latest look of a journal, if the monitor looked at all.
pub fn latest_look(events: &[Event]) -> Option<Look> {
    let m = events.iter().rev().find_map(|e| match e {
        Event::Monitor(m) => Some(m),
        _ => None,
    })?;
    let seen = match &m.result {
        MonitorResult::Domain {
            desired_capacity,
            instances,
            counts,
        } => Seen::Domain {
            summary: format!(
                "Desired capacity {}, {instances} instance(s)",
                desired_capacity.map_or("unknown".to_string(), |d| d.to_string())
            ),
            rows: counts
                .iter()
                .map(|c| CountRow {
                    cloud: c.cloud.clone(),
                    state: c.state.clone(),
                    meaning: format!("{:?}", c.category).to_ascii_lowercase(),
                    count: c.count,
                })
                .collect(),
        },
        MonitorResult::Missing => Seen::Missing,
        MonitorResult::Failed { error, attempts } => Seen::Failed(format!(
            "The last look failed after {attempts} attempt(s): {}",
            error.message
        )),
    };
    Some(Look {
        as_of: format!(
            "As of {} UTC (ramp time {})",
            clock_time(m.at_ms),
            seconds(m.offset_ms)
        ),
        seen,
    })
}

/// One VM of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VmRow {
    /// The instance id (empty while Phantom is still booting it).
    pub id: String,
    /// The id as shown: `(booting)` while there is none.
    pub shown_id: String,
    /// The zone (AWS) or cloud (Phantom).
    pub zone: String,
    /// Its lifecycle state.
    pub state: String,
    /// Its health.
    pub health: String,
}

impl VmRow {
    /// Whether Terminate and Replace can name it (a VM without an id cannot be).
    pub fn usable(&self) -> bool {
        !self.id.is_empty()
    }

    /// The Terminate button's accessible name.
    pub fn terminate_label(&self) -> String {
        format!("Terminate {}", self.id)
    }

    /// The Replace button's accessible name.
    pub fn replace_label(&self) -> String {
        format!("Replace {}", self.id)
    }
}

/// The rows of an instance list, in its order.
pub fn vm_rows(instances: &[Instance]) -> Vec<VmRow> {
    instances
        .iter()
        .map(|i| VmRow {
            id: i.instance_id.clone(),
            shown_id: if i.instance_id.is_empty() {
                "(booting)".to_string()
            } else {
                i.instance_id.clone()
            },
            zone: i.availability_zone.clone(),
            state: i.lifecycle_state.clone(),
            health: i.health_status.clone(),
        })
        .collect()
}
