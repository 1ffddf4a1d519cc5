//! How a run behaves beyond its plan ([`RunOptions`]): the monitor's interval, what a
//! failed ramp step does ([`OnStepFailure`]), Stop's teardown, the wait for a deleted
//! domain, and what a resumed run carries over from the interrupted one ([`Resume`]).
//! Kept in the journal's [`RunStarted`](crate::engine::journal::RunStarted), so a reload
//! knows them.

use serde::Serialize;

use crate::engine::capacity::CapacityState;

/// What a ramp step that still fails after the client's retries does to the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnStepFailure {
    /// Stop the run and set capacity 0.
    #[default]
    StopAndTearDown,
    /// Log it and go on with the next step. (A failed final capacity always stops and
    /// tears down.)
    Continue,
}

/// How a run behaves, beyond its plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(default)]
pub struct RunOptions {
    /// Describe the domain this often while the ramp runs, ms (0: never).
    pub monitor_interval_ms: u64,
    /// A ramp step that fails for good: stop and tear down, or continue.
    pub on_step_failure: OnStepFailure,
    /// After Stop, leave the capacity as it is instead of setting 0. (A failure always
    /// tears down.)
    pub leave_running: bool,
    /// How long to wait for a deleted domain to disappear before the setup fails, ms.
    pub domain_gone_timeout_ms: u64,
    /// How often to look whether a deleted domain is gone, ms.
    pub domain_gone_poll_ms: u64,
    /// Set when this run resumes the remaining steps of an interrupted one (see
    /// [`resume_plan`](crate::engine::resume::resume_plan)): its steps keep the original
    /// ramp's absolute deadlines, and the capacity the interrupted run may have left
    /// running counts as this run's, so a stop or failure tears it down.
    pub resume: Option<Resume>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            monitor_interval_ms: 3_000,
            on_step_failure: OnStepFailure::StopAndTearDown,
            leave_running: false,
            domain_gone_timeout_ms: 120_000,
            domain_gone_poll_ms: 3_000,
            resume: None,
        }
    }
}

impl RunOptions {
    /// The options a person chose in the settings' run section (defaults where a number
    /// is not valid; validation reports it before a run can start).
    pub fn from_settings(run: &crate::settings::RunSettings) -> Self {
        Self {
            monitor_interval_ms: run.monitor_interval_ms().unwrap_or(3_000),
            on_step_failure: if run.continue_on_failed_step {
                OnStepFailure::Continue
            } else {
                OnStepFailure::StopAndTearDown
            },
            leave_running: run.leave_running,
            ..Self::default()
        }
    }
}

/// What a resumed run carries over from the interrupted one.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Resume {
    /// The interrupted run's ramp start (ms since the epoch): the deadlines stay absolute.
    pub ramp_started_ms: f64,
    /// The capacity as the interrupted run's journal knew it.
    pub capacity: CapacityState,
}

// `RunOptions` compares its resume time as a number; the journal never holds NaN.
impl Eq for Resume {}
