//! Every happening of a run as one [`Event`], and the events that are not about a
//! single request ([`RunStarted`], the ramp, the monitor, Stop; the teardown's are in
//! [`super::teardown`], the convergence watch's in [`super::settle`]).

use serde::Serialize;

use crate::engine::options::RunOptions;
use crate::engine::plan::Phase;

use super::attempt::ErrorInfo;
use super::decision::DecisionMade;
use super::instances::InstanceCount;
use super::report::RunFinished;
use super::request::{RequestDone, RequestSent};
use super::settle::{NotSettled, Settled};
use super::stage::Stage;
use super::teardown::{Teardown, TeardownRetry, TeardownStarted};

/// The version of the journal format this app writes (in [`RunStarted::version`]).
pub const JOURNAL_VERSION: u32 = 1;

/// One happening of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Event {
    /// The run began: what it will do.
    RunStarted(RunStarted),
    /// A request was sent (its [`Event::RequestDone`] follows, also after a Stop).
    RequestSent(RequestSent),
    /// A request of the plan ended: done, skipped, failed or cancelled.
    RequestDone(RequestDone),
    /// The domain is ready: the ramp's time 0.
    RampStarted(RampStarted),
    /// A timed capacity step fired (its request follows).
    RampStep(RampStep),
    /// What the domain's VMs were doing.
    Monitor(MonitorSnapshot),
    /// A policy decided (its request, when one is sent, follows).
    Decision(DecisionMade),
    /// Stop was pressed.
    StopRequested(StopRequested),
    /// A teardown began: capacity 0 is pursued until the server confirms it (its
    /// requests follow, then [`Event::TeardownRetry`] after each failed attempt, then
    /// [`Event::Teardown`]).
    TeardownStarted(TeardownStarted),
    /// An attempt of the teardown failed; when the next one is due.
    TeardownRetry(TeardownRetry),
    /// What was done to leave no capacity running after a stop or a failure (or by
    /// hand): the teardown's end.
    Teardown(Teardown),
    /// The run is over (the last event of a run; a convergence watch, requests by hand
    /// or their teardown may follow).
    RunFinished(RunFinished),
    /// After the run: the domain reached the capacity asked for.
    Settled(Settled),
    /// After the run: the domain did not reach the capacity asked for in time (a
    /// warning).
    NotSettled(NotSettled),
}

impl Event {
    /// When it happened (ms since the epoch).
    pub fn at_ms(&self) -> f64 {
        match self {
            Event::RunStarted(e) => e.at_ms,
            Event::RequestSent(e) => e.at_ms,
            Event::RequestDone(e) => e.ended_ms,
            Event::RampStarted(e) => e.at_ms,
            Event::RampStep(e) => e.at_ms,
            Event::Monitor(e) => e.at_ms,
            Event::Decision(e) => e.at_ms,
            Event::StopRequested(e) => e.at_ms,
            Event::TeardownStarted(e) => e.at_ms,
            Event::TeardownRetry(e) => e.at_ms,
            Event::Teardown(e) => e.at_ms,
            Event::RunFinished(e) => e.at_ms,
            Event::Settled(e) => e.at_ms,
            Event::NotSettled(e) => e.at_ms,
        }
    }
}

/// One timed capacity change of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScheduledStep {
    /// Its place in the schedule (0 for the first step).
    pub index: usize,
    /// [`Phase::Ramp`] for a ramp step, [`Phase::End`] for the final capacity.
    pub phase: Phase,
    /// Planned offset from the ramp's start, ms.
    pub at_ms: u64,
    /// The capacity it sets.
    pub capacity: u32,
}

/// [`Event::RunStarted`]: the plan in brief, enough to resume or tear down after a
/// page reload without the plan itself.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunStarted {
    /// [`JOURNAL_VERSION`].
    pub version: u32,
    /// When the run started.
    pub at_ms: f64,
    /// The domain (auto scaling group) name.
    pub domain: String,
    /// The launch configurations the plan creates when missing (`name@cloud`).
    pub launch_configurations: Vec<String>,
    /// Whether an existing domain is deleted and created again.
    pub replace_existing: bool,
    /// Every timed capacity step, the final capacity last.
    pub schedule: Vec<ScheduledStep>,
    /// Whether the domain is deleted at the end.
    pub delete_domain: bool,
    /// How many requests the plan holds.
    pub planned_requests: usize,
    /// The options of the run.
    pub options: RunOptions,
    /// The policy that decides the capacity, in words, when a policy does (older
    /// journals: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

/// [`Event::RampStarted`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RampStarted {
    /// The ramp's time 0: every step is due at this plus its offset.
    pub at_ms: f64,
    /// Whether this run created the domain (false: an existing one was kept).
    pub domain_created: bool,
}

/// A step that was due but not applied because a newer one was due too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SupersededStep {
    /// Its place in the schedule.
    pub index: usize,
    /// Its planned offset, ms.
    pub planned_offset_ms: u64,
    /// The capacity it would have set.
    pub capacity: u32,
    /// How late it was when the runner woke, ms.
    pub late_by_ms: u64,
}

/// [`Event::RampStep`]: a timed step fired (after a late wake-up, only the newest due
/// one, with the ones it replaced).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RampStep {
    /// Its place in the schedule.
    pub index: usize,
    /// [`Phase::Ramp`], or [`Phase::End`] for the final capacity.
    pub phase: Phase,
    /// The capacity it sets.
    pub capacity: u32,
    /// Planned offset from the ramp's start, ms.
    pub planned_offset_ms: u64,
    /// Actual offset when it fired, ms.
    pub actual_offset_ms: u64,
    /// Actual minus planned, ms (0 when on time).
    pub lateness_ms: u64,
    /// Earlier due steps it replaced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<SupersededStep>,
    /// When it fired.
    pub at_ms: f64,
}

/// What one look at the domain found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MonitorResult {
    /// The domain as described.
    Domain {
        /// Its DesiredCapacity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        desired_capacity: Option<u32>,
        /// All its instances.
        instances: u32,
        /// Instances by cloud × state.
        counts: Vec<InstanceCount>,
    },
    /// The domain is not listed.
    Missing,
    /// The describe failed after the client's retries.
    Failed {
        /// The final error.
        error: ErrorInfo,
        /// Attempts made.
        attempts: u32,
    },
}

/// [`Event::Monitor`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonitorSnapshot {
    /// When the answer came.
    pub at_ms: f64,
    /// Offset from the ramp's start, ms.
    pub offset_ms: u64,
    /// What it found.
    pub result: MonitorResult,
}

/// [`Event::StopRequested`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StopRequested {
    /// When the runner saw it.
    pub at_ms: f64,
    /// The stage the run was in.
    pub stage: Stage,
}
