//! The run options: how a run behaves beyond its plan.

use serde::{Deserialize, Serialize};

use super::num;
use super::NumText;

/// How a run behaves beyond its plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunSettings {
    /// After Stop, leave the VMs running instead of setting capacity 0.
    pub leave_running: bool,
    /// A ramp step that still fails after the retries is logged and the run goes on
    /// (off: the run stops and sets capacity 0).
    pub continue_on_failed_step: bool,
    /// Look at the domain's VMs this often while running, in seconds (0: never).
    pub monitor_seconds: NumText,
    /// On a page of several engines: this engine has its own endpoint and credentials
    /// (off: the page's, copied in). Left out of the file when off, so a one-engine
    /// file is what it always was.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub own_connection: bool,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            leave_running: false,
            continue_on_failed_step: false,
            monitor_seconds: 3.into(),
            own_connection: false,
        }
    }
}

impl RunSettings {
    /// The monitor interval in ms, when valid (see `Settings::validate`).
    pub fn monitor_interval_ms(&self) -> Option<u64> {
        num::parse_seconds_ms(&self.monitor_seconds, 0, 3_600_000).ok()
    }
}
