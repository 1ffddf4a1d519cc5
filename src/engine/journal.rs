//! The run journal: every happening of a run as a typed, serializable [`Event`], and a
//! pure [`JournalSummary`] of a journal (ended? capacity? remaining steps?).
//!
//! The page renders the journal and keeps it in `localStorage` as it grows, so every
//! event is self-contained: it names its action, target and times itself and never
//! points into the plan or into another event (the `no` of a request only pairs its
//! [`Event::RequestSent`] with its [`Event::RequestDone`]). Times are milliseconds since
//! the Unix epoch (`*_ms` of the clock, as [`crate::api::Attempt`] has them); offsets are
//! milliseconds from the ramp's start. No event ever holds a credential: errors come
//! from the client already redacted, and requests are recorded by target, not by
//! parameters.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::api::{ApiError, Attempt, ErrorClass, Instance, NextStep};

use super::plan::Phase;
use super::run::RunOptions;

/// The version of the journal format this app writes (in [`RunStarted::version`]).
pub const JOURNAL_VERSION: u32 = 1;

/// One happening of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// Stop was pressed.
    StopRequested(StopRequested),
    /// What was done to leave no capacity running after a stop or a failure.
    Teardown(Teardown),
    /// The run is over (always the last event).
    RunFinished(RunFinished),
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
            Event::StopRequested(e) => e.at_ms,
            Event::Teardown(e) => e.at_ms,
            Event::RunFinished(e) => e.at_ms,
        }
    }
}

/// The part of a run an event belongs to: the plan's phases, the monitor and the
/// teardown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Describe and create the launch configurations.
    LaunchConfigurations,
    /// Describe, delete and create the domain.
    Domain,
    /// The timed capacity steps.
    Ramp,
    /// The final capacity and the optional domain deletion.
    End,
    /// The periodic look at the domain's VMs.
    Monitor,
    /// Capacity 0 after a stop or a failure.
    Teardown,
    /// A request the person asked for outside a plan (scale to 0 after a reload,
    /// terminate or replace one VM).
    Manual,
}

impl Stage {
    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Stage::LaunchConfigurations => "Launch configurations",
            Stage::Domain => "Domain",
            Stage::Ramp => "Ramp",
            Stage::End => "End",
            Stage::Monitor => "Monitor",
            Stage::Teardown => "Teardown",
            Stage::Manual => "By hand",
        }
    }
}

impl From<Phase> for Stage {
    fn from(phase: Phase) -> Self {
        match phase {
            Phase::LaunchConfigurations => Stage::LaunchConfigurations,
            Phase::Domain => Stage::Domain,
            Phase::Ramp => Stage::Ramp,
            Phase::End => Stage::End,
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One timed capacity change of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
}

/// What a request is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Target {
    /// All launch configurations (a describe).
    LaunchConfigurations,
    /// One launch configuration `name@cloud`.
    LaunchConfiguration {
        /// The full name, `base@cloud` on Phantom.
        name: String,
        /// The part after `@` (empty when there is none).
        cloud: String,
    },
    /// A domain (describe or delete).
    Domain {
        /// Domain name.
        name: String,
    },
    /// A domain being created.
    NewDomain {
        /// Domain name.
        name: String,
        /// MinSize (Phantom: the VMs it starts with).
        min_size: u32,
        /// MaxSize.
        max_size: u32,
        /// DesiredCapacity, when given (Phantom ignores it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        desired_capacity: Option<u32>,
    },
    /// A capacity change.
    Capacity {
        /// Domain name.
        domain: String,
        /// The capacity asked for.
        capacity: u32,
    },
    /// Any other action.
    Other {
        /// A short description.
        detail: String,
    },
}

impl Target {
    /// The capacity a request for this target asks for: the capacity of a
    /// SetDesiredCapacity, the VMs a new domain starts with (when above 0).
    pub fn capacity(&self) -> Option<u32> {
        match self {
            Target::Capacity { capacity, .. } => Some(*capacity),
            Target::NewDomain {
                min_size,
                desired_capacity,
                ..
            } => Some(desired_capacity.unwrap_or(0).max(*min_size)).filter(|&c| c > 0),
            _ => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::LaunchConfigurations => f.write_str("all launch configurations"),
            Target::LaunchConfiguration { name, .. } => f.write_str(name),
            Target::Domain { name } => f.write_str(name),
            Target::NewDomain {
                name,
                min_size,
                max_size,
                ..
            } => write!(f, "{name} (MinSize {min_size}, MaxSize {max_size})"),
            Target::Capacity { domain, capacity } => write!(f, "{domain} → {capacity}"),
            Target::Other { detail } => f.write_str(detail),
        }
    }
}

/// An [`ApiError`] as the journal keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// The server's error code, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The whole explanation (the error's text).
    pub message: String,
    /// What kind of failure it is.
    pub class: ErrorClass,
    /// HTTP status, when an answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The server's request id, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// What to do about it.
    pub hint: String,
}

impl From<&ApiError> for ErrorInfo {
    fn from(e: &ApiError) -> Self {
        Self {
            code: e.code().map(str::to_string),
            message: e.to_string(),
            class: e.class(),
            status: e.status(),
            request_id: e.request_id().map(str::to_string),
            hint: e.hint().to_string(),
        }
    }
}

impl fmt::Display for ErrorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl ErrorInfo {
    /// `Code: message`, or the message alone when the server gave no code: a failure in
    /// one line, as the step log shows it (the code is what a person searches for).
    pub fn summary(&self) -> String {
        match &self.code {
            Some(code) => format!("{code}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// What the client did after a failed attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Retry {
    /// Waited this long, then tried again.
    After {
        /// The wait, ms.
        wait_ms: u64,
    },
    /// Corrected its clock by this many seconds and tried again at once.
    ClockCorrected {
        /// The correction, seconds.
        seconds: i64,
    },
    /// Gave up: this error is the request's.
    GaveUp,
}

/// One attempt of a request ([`Attempt`], serializable).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptRecord {
    /// 1 for the first attempt.
    pub number: u32,
    /// When it was sent.
    pub started_ms: f64,
    /// How long it took.
    pub duration_ms: f64,
    /// HTTP status, when an answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error (`None` on success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    /// What the client did next (`None` on success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
}

impl From<&Attempt> for AttemptRecord {
    fn from(a: &Attempt) -> Self {
        Self {
            number: a.number,
            started_ms: a.started_ms,
            duration_ms: a.duration_ms,
            status: a.status,
            error: a.error.as_ref().map(ErrorInfo::from),
            retry: a.next.as_ref().map(|n| match n {
                NextStep::RetryAfter(ms) => Retry::After { wait_ms: *ms },
                NextStep::RetryWithClockOffset(s) => Retry::ClockCorrected { seconds: *s },
                NextStep::GiveUp => Retry::GaveUp,
            }),
        }
    }
}

/// [`Event::RequestSent`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestSent {
    /// Pairs it with its [`RequestDone`] (1, 2, … in sending order).
    pub no: u32,
    /// The part of the run.
    pub stage: Stage,
    /// The action name.
    pub action: String,
    /// What it is about.
    pub target: Target,
    /// When it was sent.
    pub at_ms: f64,
}

/// Why a request of the plan was not needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// DescribeLaunchConfigurations listed the launch configuration: not sent.
    Listed,
    /// The server answered that it exists already (e.g. "Name already in use").
    AlreadyExists,
    /// The domain did not exist: nothing to delete or wait for.
    DomainMissing,
    /// The domain exists and "replace" is off: it is kept as it is.
    DomainKept,
}

impl SkipReason {
    /// A human explanation.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::Listed => "already listed, not created again",
            SkipReason::AlreadyExists => "the server says it exists already",
            SkipReason::DomainMissing => "the domain does not exist",
            SkipReason::DomainKept => "the domain exists and is kept (replace is off)",
        }
    }
}

/// How a request ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    /// Done.
    Ok {
        /// The server's request id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
        /// What the answer said, for reads ("my_domain listed, 3 instances").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// Not needed (not sent, or answered "exists already").
    Skipped {
        /// Why.
        reason: SkipReason,
        /// The server's answer, when one was sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<ErrorInfo>,
    },
    /// Failed after the client's retries.
    Failed {
        /// The final error.
        error: ErrorInfo,
    },
    /// Cancelled by Stop while in flight (the server may still have acted on it).
    Cancelled,
}

impl Outcome {
    /// Whether it succeeded or was not needed.
    pub fn is_ok_or_skipped(&self) -> bool {
        matches!(self, Outcome::Ok { .. } | Outcome::Skipped { .. })
    }
}

/// [`Event::RequestDone`]: self-contained, it repeats what [`RequestSent`] said.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestDone {
    /// The [`RequestSent::no`]; 0 when it was never sent (skipped by the plan's condition).
    pub no: u32,
    /// The part of the run.
    pub stage: Stage,
    /// The action name.
    pub action: String,
    /// What it is about.
    pub target: Target,
    /// Every attempt (empty when never sent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<AttemptRecord>,
    /// How it ended.
    pub outcome: Outcome,
    /// When it was sent (or decided, when never sent).
    pub started_ms: f64,
    /// When it ended.
    pub ended_ms: f64,
}

/// [`Event::RampStarted`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RampStarted {
    /// The ramp's time 0: every step is due at this plus its offset.
    pub at_ms: f64,
    /// Whether this run created the domain (false: an existing one was kept).
    pub domain_created: bool,
}

/// A step that was due but not applied because a newer one was due too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

/// An instance state, the same for Phantom (`600-RUNNING`) and AWS (`InService`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
        .map(|((cloud, state), count)| InstanceCount {
            cloud: cloud.to_string(),
            state: state.to_string(),
            category: InstanceState::from_lifecycle(state),
            count,
        })
        .collect()
}

/// What one look at the domain found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonitorSnapshot {
    /// When the answer came.
    pub at_ms: f64,
    /// Offset from the ramp's start, ms.
    pub offset_ms: u64,
    /// What it found.
    pub result: MonitorResult,
}

/// [`Event::StopRequested`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StopRequested {
    /// When the runner saw it.
    pub at_ms: f64,
    /// The stage the run was in.
    pub stage: Stage,
}

/// Why a teardown was needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TeardownCause {
    /// Stop was pressed.
    Stopped,
    /// The run failed.
    Failed,
}

/// Why no capacity-0 request was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TeardownSkip {
    /// The run never asked for capacity.
    NoCapacityRequested,
    /// The last capacity asked for is 0 and the server confirmed it.
    AlreadyZero,
    /// The run deleted the domain.
    DomainDeleted,
    /// The options say to leave it running after a stop.
    LeaveRunning,
}

impl TeardownSkip {
    /// A human explanation.
    pub fn label(self) -> &'static str {
        match self {
            TeardownSkip::NoCapacityRequested => "no capacity was ever requested",
            TeardownSkip::AlreadyZero => "the capacity is already 0",
            TeardownSkip::DomainDeleted => "the domain was deleted",
            TeardownSkip::LeaveRunning => "left running, as the run options ask",
        }
    }
}

/// What the teardown did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TeardownOutcome {
    /// Capacity 0 was set.
    Done,
    /// Nothing needed doing (or the options said not to).
    Skipped {
        /// Why.
        reason: TeardownSkip,
    },
    /// Capacity 0 could not be set even after the client's retries: VMs may be running.
    Failed {
        /// The final error.
        error: ErrorInfo,
    },
}

/// [`Event::Teardown`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Teardown {
    /// When it ended.
    pub at_ms: f64,
    /// Why it was needed.
    pub cause: TeardownCause,
    /// What it did.
    pub outcome: TeardownOutcome,
}

/// Why the plan cannot be executed (nothing is sent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// What the run left the domain's capacity at, as far as this run knows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CapacityState {
    /// The run never asked for capacity.
    #[default]
    Untouched,
    /// The last capacity asked for, confirmed by the server.
    Confirmed {
        /// The capacity.
        capacity: u32,
    },
    /// The last capacity asked for, without a confirmation (failed, cancelled, or
    /// still in flight): the server may have applied it, or kept an earlier one.
    Unconfirmed {
        /// The capacity asked for.
        capacity: u32,
    },
    /// The run deleted the domain after asking for capacity.
    Deleted,
}

impl CapacityState {
    /// Whether VMs this run asked for may still be running (a confirmed capacity above
    /// 0, or anything unconfirmed).
    pub fn may_be_running(self) -> bool {
        match self {
            CapacityState::Untouched | CapacityState::Deleted => false,
            CapacityState::Confirmed { capacity } => capacity > 0,
            CapacityState::Unconfirmed { .. } => true,
        }
    }

    /// Why no teardown is needed, or `None` when one is.
    pub fn teardown_skip(self) -> Option<TeardownSkip> {
        match self {
            CapacityState::Untouched => Some(TeardownSkip::NoCapacityRequested),
            CapacityState::Deleted => Some(TeardownSkip::DomainDeleted),
            CapacityState::Confirmed { capacity: 0 } => Some(TeardownSkip::AlreadyZero),
            CapacityState::Confirmed { .. } | CapacityState::Unconfirmed { .. } => None,
        }
    }
}

/// What [`crate::engine::run::run`] returns, and [`RunFinished`] records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// above 0, as planned; after a stop or failure, only if the teardown failed or was
    /// left out on purpose.
    pub fn capacity_may_be_running(&self) -> bool {
        self.capacity.may_be_running()
    }
}

/// [`Event::RunFinished`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunFinished {
    /// When.
    pub at_ms: f64,
    /// The outcome.
    pub report: RunReport,
}

/// What a journal (complete, or cut short by a page reload) says about its run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JournalSummary {
    /// When the run started (`None`: the journal is empty).
    pub started_ms: Option<f64>,
    /// The domain.
    pub domain: Option<String>,
    /// The whole schedule.
    pub schedule: Vec<ScheduledStep>,
    /// The ramp's time 0, once the domain was ready.
    pub ramp_started_ms: Option<f64>,
    /// The highest schedule index that fired (or was superseded).
    pub last_step: Option<usize>,
    /// The capacity as far as the journal knows.
    pub capacity: CapacityState,
    /// The last capacity sent (ramp, end or teardown), confirmed or not.
    pub last_capacity_requested: Option<u32>,
    /// Requests sent without an answer in the journal (in flight at the cut).
    pub in_flight: Vec<u32>,
    /// Whether Stop was pressed.
    pub stop_requested: bool,
    /// Timed capacity steps whose request failed for good.
    pub failed_steps: u32,
    /// The outcome, once the run ended.
    pub finished: Option<RunReport>,
}

impl JournalSummary {
    /// The summary of `events`.
    pub fn of(events: &[Event]) -> Self {
        let mut s = Self::default();
        for e in events {
            s.apply(e);
        }
        s
    }

    /// Takes one more event into account.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::RunStarted(e) => {
                *self = Self {
                    started_ms: Some(e.at_ms),
                    domain: Some(e.domain.clone()),
                    schedule: e.schedule.clone(),
                    // A resumed run owns what the interrupted one may have left running.
                    capacity: e.options.resume.map(|r| r.capacity).unwrap_or_default(),
                    ..Self::default()
                };
            }
            Event::RequestSent(e) => {
                self.in_flight.push(e.no);
                if let Some(capacity) = e.target.capacity() {
                    self.capacity = CapacityState::Unconfirmed { capacity };
                    self.last_capacity_requested = Some(capacity);
                }
            }
            Event::RequestDone(e) => {
                self.in_flight.retain(|&n| n != e.no);
                let ok = matches!(e.outcome, Outcome::Ok { .. });
                if let (true, Some(capacity)) = (ok, e.target.capacity()) {
                    self.capacity = CapacityState::Confirmed { capacity };
                }
                if ok
                    && e.action == "DeleteAutoScalingGroup"
                    && self.capacity != CapacityState::Untouched
                {
                    self.capacity = CapacityState::Deleted;
                }
                if e.stage == Stage::Ramp || e.stage == Stage::End {
                    if let (Target::Capacity { .. }, Outcome::Failed { .. }) =
                        (&e.target, &e.outcome)
                    {
                        self.failed_steps += 1;
                    }
                }
            }
            Event::RampStarted(e) => self.ramp_started_ms = Some(e.at_ms),
            Event::RampStep(e) => {
                self.last_step = Some(self.last_step.map_or(e.index, |l| l.max(e.index)));
            }
            Event::Monitor(_) => {}
            Event::StopRequested(_) => self.stop_requested = true,
            Event::Teardown(_) => {}
            Event::RunFinished(e) => {
                self.in_flight.clear();
                self.finished = Some(e.report.clone());
            }
        }
    }

    /// Whether the run ended (a [`RunFinished`] is in the journal). A journal cut
    /// short by a page reload has not: the run was interrupted.
    pub fn ended(&self) -> bool {
        self.finished.is_some()
    }

    /// Whether VMs this run asked for may still be running: offer "scale to 0".
    pub fn capacity_may_be_running(&self) -> bool {
        self.capacity.may_be_running()
    }

    /// The steps that neither fired nor were superseded, in order (for "resume the
    /// remaining steps").
    pub fn remaining_steps(&self) -> Vec<ScheduledStep> {
        let from = self.last_step.map_or(0, |l| l + 1);
        self.schedule
            .iter()
            .filter(|s| s.index >= from)
            .cloned()
            .collect()
    }
}

/// A run's events in order, as the page keeps them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    /// The events, oldest first.
    pub events: Vec<Event>,
}

/// Why a stored journal could not be read.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Not a journal in this format.
    #[error("the stored run journal cannot be read: {0}")]
    Malformed(String),
    /// Written by a newer version of the app.
    #[error(
        "the stored run journal has version {found}; this app reads version {JOURNAL_VERSION}"
    )]
    Version {
        /// The version found.
        found: u32,
    },
}

impl Journal {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an event.
    pub fn push(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Its summary.
    pub fn summary(&self) -> JournalSummary {
        JournalSummary::of(&self.events)
    }

    /// As JSON for storage.
    pub fn to_json(&self) -> Result<String, JournalError> {
        serde_json::to_string(self).map_err(|e| JournalError::Malformed(e.to_string()))
    }

    /// Reads [`Journal::to_json`].
    pub fn from_json(text: &str) -> Result<Self, JournalError> {
        let journal: Journal =
            serde_json::from_str(text).map_err(|e| JournalError::Malformed(e.to_string()))?;
        if let Some(Event::RunStarted(s)) = journal.events.first() {
            if s.version > JOURNAL_VERSION {
                return Err(JournalError::Version { found: s.version });
            }
        }
        Ok(journal)
    }
}

/// The summary of `events` (see [`JournalSummary`]).
pub fn summarize(events: &[Event]) -> JournalSummary {
    JournalSummary::of(events)
}
