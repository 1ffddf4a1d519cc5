//! How a run ends: why a plan was refused ([`PlanProblem`]), the end ([`RunEnd`]) and
//! the [`RunReport`] that [`RunFinished`] records (with the teardown's outcome, see
//! [`super::teardown`]).

use serde::Serialize;

use crate::engine::capacity::CapacityState;

use super::stage::Stage;
use super::teardown::TeardownOutcome;

/// Why the plan cannot be executed (nothing is sent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PlanProblem {
    /// No request names the domain.
    #[error("the plan names no domain")]
    NoDomain,
    /// A timed request is not a SetDesiredCapacity.
    #[error("request {index} is timed but is not a SetDesiredCapacity")]
    TimedNotCapacity {
        /// Its index in the plan.
        index: usize,
    },
    /// A timed request comes before the previous one's time.
    #[error("request {index} is planned before the previous step")]
    OutOfOrder {
        /// Its index in the plan.
        index: usize,
    },
    /// An untimed ramp request, or a setup request after the ramp began.
    #[error("request {index} is out of place: setup requests come before the timed steps")]
    OutOfPlace {
        /// Its index in the plan.
        index: usize,
    },
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RunEnd {
    /// Every request of the plan was made (with the "continue" option, some ramp steps
    /// may have failed: see [`RunReport::failed_steps`]).
    Completed,
    /// Stop was pressed.
    Stopped {
        /// The stage the run was in.
        stage: Stage,
    },
    /// A request failed for good.
    Failed {
        /// The stage that failed.
        stage: Stage,
        /// What went wrong, in a sentence.
        reason: String,
    },
    /// The plan cannot be executed; nothing was sent.
    Rejected {
        /// Why.
        problem: PlanProblem,
    },
}

/// What [`crate::engine::run::run`] returns, and [`RunFinished`] records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// How it ended.
    pub end: RunEnd,
    /// What the capacity was left at.
    pub capacity: CapacityState,
    /// The teardown's outcome, when the run stopped or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teardown: Option<TeardownOutcome>,
    /// Timed capacity steps whose request failed for good (passed over with the
    /// "continue" option, or the one that ended the run).
    pub failed_steps: u32,
}

impl RunReport {
    /// Whether VMs this run asked for may still be running (see
    /// [`CapacityState::may_be_running`]): after a completed run with a final capacity
    /// above 0, as planned; after a stop or failure, only if the teardown was abandoned
    /// (or, in an older journal, failed) or was left out on purpose.
    pub fn capacity_may_be_running(&self) -> bool {
        self.capacity.may_be_running()
    }
}

/// [`Event::RunFinished`](super::events::Event::RunFinished).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunFinished {
    /// When.
    pub at_ms: f64,
    /// The outcome.
    pub report: RunReport,
}
