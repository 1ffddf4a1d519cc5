//! The exit status of a run, from its report: what a script or a service manager reads.

use crate::engine::journal::{RunEnd, RunReport};

/// How the runner ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: the run completed.
    Completed,
    /// 1: the run failed or was stopped, and its teardown is done (or was not needed, or
    /// the settings said to leave the VMs running after a stop).
    NotCompleted,
    /// 2: bad settings or flags; nothing was sent.
    BadInput,
    /// 3: the teardown was given up: capacity may be running.
    MayBeRunning,
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> i32 {
        match self {
            Exit::Completed => 0,
            Exit::NotCompleted => 1,
            Exit::BadInput => 2,
            Exit::MayBeRunning => 3,
        }
    }

    /// The status a finished run ends the process with.
    pub fn of(report: &RunReport) -> Self {
        let given_up = report
            .teardown
            .as_ref()
            .is_some_and(|t| t.may_leave_running());
        match &report.end {
            RunEnd::Completed => Exit::Completed,
            RunEnd::Rejected { .. } => Exit::BadInput,
            RunEnd::Stopped { .. } | RunEnd::Failed { .. } if given_up => Exit::MayBeRunning,
            RunEnd::Stopped { .. } | RunEnd::Failed { .. } => Exit::NotCompleted,
        }
    }
}
