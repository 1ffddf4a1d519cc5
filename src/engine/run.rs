//! The runner: executes a [`Plan`] over the client's [`Transport`] and [`Clock`], tells
//! every happening to a callback as an [`Event`], and returns a [`RunReport`].
//!
//! * **Launch configurations**: the describe, then every missing `name@cloud` created
//!   concurrently; "already exists" counts as skipped.
//! * **Domain**: as the plan's conditions say: delete an existing domain and poll until
//!   it is gone (at most [`RunOptions::domain_gone_timeout_ms`], then the setup fails),
//!   or keep it when "replace" is off; then create it.
//! * **Ramp and end**: every timed step fires at its absolute deadline, ramp start +
//!   offset, so request latency never accumulates. Waking late with several steps due,
//!   only the newest is applied, once; the others are recorded as superseded.
//! * **Monitor**: meanwhile, DescribeAutoScalingGroups every
//!   [`RunOptions::monitor_interval_ms`].
//! * **Stop** ([`StopHandle`]): the run is dropped at once (pending timers and requests
//!   are cancelled), then capacity 0 is set unless [`RunOptions::leave_running`].
//!   A failure after capacity was asked for ends with the same teardown (always). A
//!   setup failure or a stop before any capacity change sends no SetDesiredCapacity.
//!
//! Pure: no browser API; nothing here needs `Send`.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::pin::pin;

use futures::future::{join_all, select, Either};
use serde::{Deserialize, Serialize};

use crate::api::action::{DescribeAutoScalingGroups, SetDesiredCapacity};
use crate::api::{
    ApiError, Attempt, AutoScalingGroup, Client, Clock, ErrorClass, Request, Response, Transport,
};

use super::journal::{
    count_instances, AttemptRecord, CapacityState, ErrorInfo, Event, JournalSummary, MonitorResult,
    MonitorSnapshot, Outcome, PlanProblem, RampStarted, RampStep, RequestDone, RequestSent, RunEnd,
    RunFinished, RunReport, RunStarted, ScheduledStep, SkipReason, Stage, StopRequested,
    SupersededStep, Target, Teardown, TeardownCause, TeardownOutcome, TeardownSkip,
    JOURNAL_VERSION,
};
use super::plan::{Condition, Phase, Plan, PlannedRequest};
use super::stop::StopHandle;

/// What a ramp step that still fails after the client's retries does to the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// [`resume_plan`]): its steps keep the original ramp's absolute deadlines, and the
    /// capacity the interrupted run may have left running counts as this run's, so a stop
    /// or failure tears it down.
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
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resume {
    /// The interrupted run's ramp start (ms since the epoch): the deadlines stay absolute.
    pub ramp_started_ms: f64,
    /// The capacity as the interrupted run's journal knew it.
    pub capacity: CapacityState,
}

// `RunOptions` compares its resume time as a number; the journal never holds NaN.
impl Eq for Resume {}

/// Why the remaining steps of an interrupted run cannot be resumed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResumeProblem {
    /// The journal holds no run.
    #[error("there is no interrupted run to resume")]
    NoRun,
    /// The run finished (completed, stopped or failed).
    #[error("the run has ended; there is nothing to resume")]
    Ended,
    /// The run never got past its setup: run it again instead.
    #[error("the run stopped before its ramp began; start a new run instead")]
    NoRamp,
    /// Every step fired already.
    #[error("no ramp steps remain")]
    NothingLeft,
    /// The settings now drive another domain.
    #[error("the settings now drive domain {current:?}, the interrupted run drove {journal:?}; set the domain back to resume")]
    OtherDomain {
        /// The domain of the current settings.
        current: String,
        /// The domain of the interrupted run.
        journal: String,
    },
}

/// The plan and options that resume an interrupted run: the steps its journal has not fired
/// (with the capacities and times it planned), then the current plan's untimed end requests
/// (e.g. deleting the domain), at the original ramp's deadlines. Steps already due when
/// the resumed run starts are coalesced like any late wake-up: the newest applies once.
pub fn resume_plan(
    current: &Plan,
    summary: &JournalSummary,
) -> Result<(Plan, Resume), ResumeProblem> {
    if summary.started_ms.is_none() {
        return Err(ResumeProblem::NoRun);
    }
    if summary.ended() {
        return Err(ResumeProblem::Ended);
    }
    let journal = summary.domain.clone().ok_or(ResumeProblem::NoRun)?;
    let ramp_started_ms = summary.ramp_started_ms.ok_or(ResumeProblem::NoRamp)?;
    let current_domain = domain_of(current).unwrap_or_default();
    if current_domain != journal {
        return Err(ResumeProblem::OtherDomain {
            current: current_domain,
            journal,
        });
    }
    let remaining = summary.remaining_steps();
    let Some(last) = remaining.last() else {
        return Err(ResumeProblem::NothingLeft);
    };
    let end_ms = last.at_ms;
    let mut requests: Vec<PlannedRequest> = remaining
        .iter()
        .map(|step| PlannedRequest {
            phase: step.phase,
            at_ms: Some(step.at_ms),
            request: Request::SetDesiredCapacity(SetDesiredCapacity {
                name: journal.clone(),
                desired_capacity: step.capacity,
                honor_cooldown: None,
            }),
            condition: None,
        })
        .collect();
    requests.extend(
        current
            .requests
            .iter()
            .filter(|p| p.phase == Phase::End && p.at_ms.is_none())
            .cloned(),
    );
    let plan = Plan {
        requests,
        schedule: remaining.iter().map(|s| (s.at_ms, s.capacity)).collect(),
        end_ms,
    };
    Ok((
        plan,
        Resume {
            ramp_started_ms,
            capacity: summary.capacity,
        },
    ))
}

/// Executes `plan` with `client` (and its clock), telling `on_event` every happening as
/// it happens, until it completes, fails, or `stop` is asked for. Always ends with an
/// [`Event::RunFinished`] carrying the returned report.
pub async fn run<T: Transport, C: Clock>(
    client: &Client<T, C>,
    plan: &Plan,
    options: &RunOptions,
    stop: &StopHandle,
    on_event: &mut dyn FnMut(&Event),
) -> RunReport {
    let shape = Shape::of(plan);
    let domain = domain_of(plan).unwrap_or_default();
    let runner = Runner {
        client,
        options,
        domain: domain.clone(),
        sink: RefCell::new(Sink {
            on_event,
            summary: JournalSummary::default(),
            next_no: 0,
        }),
        stage: Cell::new(Stage::LaunchConfigurations),
        in_flight: RefCell::new(BTreeMap::new()),
    };
    runner.emit(Event::RunStarted(RunStarted {
        version: JOURNAL_VERSION,
        at_ms: runner.now(),
        domain,
        launch_configurations: plan
            .requests
            .iter()
            .filter_map(|p| match &p.request {
                Request::CreateLaunchConfiguration(a) => Some(a.name.clone()),
                _ => None,
            })
            .collect(),
        replace_existing: plan
            .requests
            .iter()
            .any(|p| matches!(p.condition, Some(Condition::DomainExists { .. }))),
        schedule: shape
            .as_ref()
            .map(|s| s.timed.iter().map(|t| t.step.clone()).collect())
            .unwrap_or_default(),
        delete_domain: shape.as_ref().is_ok_and(|s| {
            s.post
                .iter()
                .any(|p| matches!(p.request, Request::DeleteAutoScalingGroup(_)))
        }),
        planned_requests: plan.requests.len(),
        options: options.clone(),
    }));
    let shape = match shape {
        Ok(shape) => shape,
        Err(problem) => return runner.finish(RunEnd::Rejected { problem }, None),
    };

    let result = {
        let main = pin!(runner.main(&shape));
        let stopped = pin!(stop.stopped());
        match select(stopped, main).await {
            Either::Left(((), _)) => None,
            Either::Right((result, _)) => Some(result),
        }
        // The run's future is dropped here: its timers and requests are cancelled.
    };
    match result {
        Some(Ok(())) => runner.finish(RunEnd::Completed, None),
        Some(Err(Failure { stage, reason })) => {
            let teardown = runner.teardown(TeardownCause::Failed).await;
            runner.finish(RunEnd::Failed { stage, reason }, Some(teardown))
        }
        None => {
            let stage = runner.stage.get();
            runner.emit(Event::StopRequested(StopRequested {
                at_ms: runner.now(),
                stage,
            }));
            runner.cancel_in_flight();
            let teardown = runner.teardown(TeardownCause::Stopped).await;
            runner.finish(RunEnd::Stopped { stage }, Some(teardown))
        }
    }
}

/// The domain a plan drives: the first one a request names.
pub fn domain_of(plan: &Plan) -> Option<String> {
    plan.requests.iter().find_map(|p| match &p.request {
        Request::SetDesiredCapacity(a) => Some(a.name.clone()),
        Request::CreateAutoScalingGroup(a) => Some(a.name.clone()),
        Request::DeleteAutoScalingGroup(a) => Some(a.name.clone()),
        Request::DescribeAutoScalingGroups(a) => a.names.first().cloned(),
        _ => None,
    })
}

/// What a request is about, for the journal.
pub fn target_of(request: &Request) -> Target {
    let lc = |name: &str| Target::LaunchConfiguration {
        name: name.to_string(),
        cloud: name
            .split_once('@')
            .map(|(_, c)| c.to_string())
            .unwrap_or_default(),
    };
    match request {
        Request::DescribeLaunchConfigurations(a) if a.names.is_empty() => {
            Target::LaunchConfigurations
        }
        Request::DescribeLaunchConfigurations(a) => Target::Other {
            detail: a.names.join(", "),
        },
        Request::CreateLaunchConfiguration(a) => lc(&a.name),
        Request::DeleteLaunchConfiguration(a) => lc(&a.name),
        Request::CreateAutoScalingGroup(a) => Target::NewDomain {
            name: a.name.clone(),
            min_size: a.min_size,
            max_size: a.max_size,
            desired_capacity: a.desired_capacity,
        },
        Request::DescribeAutoScalingGroups(a) if a.names.len() == 1 => Target::Domain {
            name: a.names[0].clone(),
        },
        Request::DescribeAutoScalingGroups(a) => Target::Other {
            detail: if a.names.is_empty() {
                "all domains".to_string()
            } else {
                a.names.join(", ")
            },
        },
        Request::DeleteAutoScalingGroup(a) => Target::Domain {
            name: a.name.clone(),
        },
        Request::SetDesiredCapacity(a) => Target::Capacity {
            domain: a.name.clone(),
            capacity: a.desired_capacity,
        },
        Request::TerminateInstanceInAutoScalingGroup(a) => Target::Other {
            detail: format!(
                "{} ({})",
                a.instance_id,
                if a.should_decrement_desired_capacity {
                    "terminate, capacity - 1"
                } else {
                    "replace"
                }
            ),
        },
        other => Target::Other {
            detail: other.name().to_string(),
        },
    }
}

/// Sends one request outside a plan — scale a domain to 0 after a reload, terminate or
/// replace one VM — and journals it exactly like the runner's requests (a `RequestSent`,
/// then a `RequestDone` with every attempt), numbered `no`. Returns the request id.
pub async fn one_off<T: Transport, C: Clock>(
    client: &Client<T, C>,
    stage: Stage,
    request: &Request,
    no: u32,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Option<String>, ApiError> {
    let target = target_of(request);
    let action = request.name().to_string();
    let started_ms = client.clock().now_ms();
    on_event(&Event::RequestSent(RequestSent {
        no,
        stage,
        action: action.clone(),
        target: target.clone(),
        at_ms: started_ms,
    }));
    let mut attempts = Vec::new();
    let result = call_request(client, request, &mut |a| {
        attempts.push(AttemptRecord::from(a))
    })
    .await;
    let outcome = match &result {
        Ok((_, request_id)) => Outcome::Ok {
            request_id: request_id.clone(),
            detail: None,
        },
        Err(error) => Outcome::Failed {
            error: ErrorInfo::from(error),
        },
    };
    on_event(&Event::RequestDone(RequestDone {
        no,
        stage,
        action,
        target,
        attempts,
        outcome,
        started_ms,
        ended_ms: client.clock().now_ms(),
    }));
    result.map(|(_, request_id)| request_id)
}

/// One timed step of the plan.
struct Timed<'p> {
    step: ScheduledStep,
    request: &'p Request,
}

/// The plan cut in three: untimed setup, timed steps, untimed end requests.
struct Shape<'p> {
    setup: &'p [PlannedRequest],
    timed: Vec<Timed<'p>>,
    post: &'p [PlannedRequest],
}

impl<'p> Shape<'p> {
    fn of(plan: &'p Plan) -> Result<Self, PlanProblem> {
        if domain_of(plan).is_none() {
            return Err(PlanProblem::NoDomain);
        }
        let requests = &plan.requests;
        let first_timed = requests
            .iter()
            .position(|p| p.at_ms.is_some())
            .unwrap_or(requests.len());
        let after_timed = requests[first_timed..]
            .iter()
            .position(|p| p.at_ms.is_none())
            .map_or(requests.len(), |i| first_timed + i);
        let (setup, rest) = requests.split_at(first_timed);
        let (timed, post) = rest.split_at(after_timed - first_timed);
        if let Some(i) = setup.iter().position(|p| p.phase == Phase::Ramp) {
            return Err(PlanProblem::OutOfPlace { index: i });
        }
        let mut steps = Vec::with_capacity(timed.len());
        let mut previous = 0;
        for (i, p) in timed.iter().enumerate() {
            let index = first_timed + i;
            let (Request::SetDesiredCapacity(set), Some(at_ms)) = (&p.request, p.at_ms) else {
                return Err(PlanProblem::TimedNotCapacity { index });
            };
            if at_ms < previous {
                return Err(PlanProblem::OutOfOrder { index });
            }
            previous = at_ms;
            steps.push(Timed {
                step: ScheduledStep {
                    index: i,
                    phase: p.phase,
                    at_ms,
                    capacity: set.desired_capacity,
                },
                request: &p.request,
            });
        }
        if let Some(i) = post
            .iter()
            .position(|p| p.at_ms.is_some() || p.phase != Phase::End)
        {
            return Err(PlanProblem::OutOfPlace {
                index: after_timed + i,
            });
        }
        Ok(Self {
            setup,
            timed: steps,
            post,
        })
    }
}

/// A request failed for good: the run ends.
struct Failure {
    stage: Stage,
    reason: String,
}

/// What the answers so far said, for the plan's conditions.
#[derive(Default)]
struct Facts {
    /// The launch configurations DescribeLaunchConfigurations listed.
    launch_configurations: Option<BTreeSet<String>>,
    /// Domain name → listed by the last describe.
    domains: BTreeMap<String, bool>,
    /// Domains this run deleted.
    deleted: BTreeSet<String>,
}

/// A typed answer, whatever the action.
enum Reply {
    Done,
    Exists,
    LaunchConfigurations(Vec<String>),
    Groups(Vec<AutoScalingGroup>),
    Instances(usize),
}

impl Reply {
    fn detail(&self) -> Option<String> {
        match self {
            Reply::Done | Reply::Exists => None,
            Reply::LaunchConfigurations(names) => {
                Some(format!("{} launch configurations listed", names.len()))
            }
            Reply::Groups(groups) if groups.is_empty() => Some("not listed".to_string()),
            Reply::Groups(groups) => Some(
                groups
                    .iter()
                    .map(|g| {
                        let desired = g
                            .desired_capacity
                            .map(|d| format!("desired {d}, "))
                            .unwrap_or_default();
                        format!(
                            "{} listed ({desired}{} instances)",
                            g.name,
                            g.instances.len()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Reply::Instances(n) => Some(format!("{n} instances")),
        }
    }

    fn lists_domain(&self, name: &str) -> bool {
        matches!(self, Reply::Groups(groups) if groups.iter().any(|g| g.name == name))
    }
}

async fn call_request<T: Transport, C: Clock>(
    client: &Client<T, C>,
    request: &Request,
    on_attempt: &mut dyn FnMut(&Attempt),
) -> Result<(Reply, Option<String>), ApiError> {
    fn done<O>(r: Response<O>) -> (Reply, Option<String>) {
        (Reply::Done, r.request_id)
    }
    Ok(match request {
        Request::CreateLaunchConfiguration(a) => done(client.call(a, on_attempt).await?),
        Request::DescribeLaunchConfigurations(a) => {
            let r = client.call(a, on_attempt).await?;
            let names = r.output.into_iter().map(|l| l.name).collect();
            (Reply::LaunchConfigurations(names), r.request_id)
        }
        Request::DeleteLaunchConfiguration(a) => done(client.call(a, on_attempt).await?),
        Request::CreateAutoScalingGroup(a) => done(client.call(a, on_attempt).await?),
        Request::DescribeAutoScalingGroups(a) => {
            let r = client.call(a, on_attempt).await?;
            (Reply::Groups(r.output), r.request_id)
        }
        Request::DeleteAutoScalingGroup(a) => done(client.call(a, on_attempt).await?),
        Request::SetDesiredCapacity(a) => done(client.call(a, on_attempt).await?),
        Request::CreateOrUpdateTags(a) => done(client.call(a, on_attempt).await?),
        Request::DescribeAutoScalingInstances(a) => {
            let r = client.call(a, on_attempt).await?;
            (Reply::Instances(r.output.len()), r.request_id)
        }
        Request::TerminateInstanceInAutoScalingGroup(a) => done(client.call(a, on_attempt).await?),
    })
}

/// Milliseconds, rounded, never negative.
fn whole_ms(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        ms.round() as u64
    } else {
        0
    }
}

/// Sleeps until the clock reads `deadline` (ms since the epoch): one sleep for the
/// remaining time, again if the clock woke early.
async fn sleep_until<C: Clock>(clock: &C, deadline: f64) {
    loop {
        let left = deadline - clock.now_ms();
        if !left.is_finite() || left <= 0.0 {
            return;
        }
        clock.sleep(left.ceil() as u64).await;
    }
}

struct Sink<'a> {
    on_event: &'a mut dyn FnMut(&Event),
    summary: JournalSummary,
    next_no: u32,
}

struct InFlight {
    stage: Stage,
    action: &'static str,
    target: Target,
    started_ms: f64,
    attempts: Vec<AttemptRecord>,
}

struct Runner<'a, T, C> {
    client: &'a Client<T, C>,
    options: &'a RunOptions,
    domain: String,
    sink: RefCell<Sink<'a>>,
    stage: Cell<Stage>,
    in_flight: RefCell<BTreeMap<u32, InFlight>>,
}

impl<T: Transport, C: Clock> Runner<'_, T, C> {
    fn now(&self) -> f64 {
        self.client.clock().now_ms()
    }

    fn emit(&self, event: Event) {
        let mut sink = self.sink.borrow_mut();
        sink.summary.apply(&event);
        (sink.on_event)(&event);
    }

    fn finish(&self, end: RunEnd, teardown: Option<TeardownOutcome>) -> RunReport {
        let report = {
            let sink = self.sink.borrow();
            RunReport {
                end,
                capacity: sink.summary.capacity,
                teardown,
                failed_steps: sink.summary.failed_steps,
            }
        };
        self.emit(Event::RunFinished(RunFinished {
            at_ms: self.now(),
            report: report.clone(),
        }));
        report
    }

    /// Sends one request and records it. `exists_ok`: an "already exists" answer is a
    /// skip, not a failure.
    async fn send(
        &self,
        stage: Stage,
        request: &Request,
        exists_ok: bool,
    ) -> Result<Reply, ApiError> {
        let target = target_of(request);
        let action = request.name();
        let started_ms = self.now();
        let no = {
            let mut sink = self.sink.borrow_mut();
            sink.next_no += 1;
            sink.next_no
        };
        self.in_flight.borrow_mut().insert(
            no,
            InFlight {
                stage,
                action,
                target: target.clone(),
                started_ms,
                attempts: Vec::new(),
            },
        );
        self.emit(Event::RequestSent(RequestSent {
            no,
            stage,
            action: action.to_string(),
            target: target.clone(),
            at_ms: started_ms,
        }));
        let result = call_request(self.client, request, &mut |a| {
            if let Some(f) = self.in_flight.borrow_mut().get_mut(&no) {
                f.attempts.push(a.into());
            }
        })
        .await;
        let attempts = self
            .in_flight
            .borrow_mut()
            .remove(&no)
            .map(|f| f.attempts)
            .unwrap_or_default();
        let (outcome, result) = match result {
            Ok((reply, request_id)) => (
                Outcome::Ok {
                    request_id,
                    detail: reply.detail(),
                },
                Ok(reply),
            ),
            Err(e) if exists_ok && e.class() == ErrorClass::AlreadyExists => (
                Outcome::Skipped {
                    reason: SkipReason::AlreadyExists,
                    error: Some((&e).into()),
                },
                Ok(Reply::Exists),
            ),
            Err(e) => (Outcome::Failed { error: (&e).into() }, Err(e)),
        };
        self.emit(Event::RequestDone(RequestDone {
            no,
            stage,
            action: action.to_string(),
            target,
            attempts,
            outcome,
            started_ms,
            ended_ms: self.now(),
        }));
        result
    }

    /// [`Runner::send`], a failure ending the run.
    async fn send_or_fail(
        &self,
        stage: Stage,
        request: &Request,
        exists_ok: bool,
    ) -> Result<Reply, Failure> {
        self.send(stage, request, exists_ok)
            .await
            .map_err(|e| Failure {
                stage,
                reason: format!("{} {} failed: {e}", request.name(), target_of(request)),
            })
    }

    /// Records a request of the plan that is not needed.
    fn skip(&self, stage: Stage, request: &Request, reason: SkipReason) {
        let now = self.now();
        self.emit(Event::RequestDone(RequestDone {
            no: 0,
            stage,
            action: request.name().to_string(),
            target: target_of(request),
            attempts: Vec::new(),
            outcome: Outcome::Skipped {
                reason,
                error: None,
            },
            started_ms: now,
            ended_ms: now,
        }));
    }

    /// Records every request still in flight as cancelled (after the run was dropped).
    fn cancel_in_flight(&self) {
        let cancelled = std::mem::take(&mut *self.in_flight.borrow_mut());
        let now = self.now();
        for (no, f) in cancelled {
            self.emit(Event::RequestDone(RequestDone {
                no,
                stage: f.stage,
                action: f.action.to_string(),
                target: f.target,
                attempts: f.attempts,
                outcome: Outcome::Cancelled,
                started_ms: f.started_ms,
                ended_ms: now,
            }));
        }
    }

    /// Setup, ramp and end, with the monitor alongside the ramp and end.
    async fn main(&self, shape: &Shape<'_>) -> Result<(), Failure> {
        let mut facts = Facts::default();
        let domain_created = self.untimed(shape.setup, &mut facts).await?;
        let ramp_start = self
            .options
            .resume
            .map_or_else(|| self.now(), |r| r.ramp_started_ms);
        self.emit(Event::RampStarted(RampStarted {
            at_ms: ramp_start,
            domain_created,
        }));
        let work = pin!(async {
            self.timed(&shape.timed, ramp_start).await?;
            self.stage.set(Stage::End);
            self.untimed(shape.post, &mut facts).await.map(|_| ())
        });
        let monitor = pin!(self.monitor(ramp_start));
        match select(work, monitor).await {
            Either::Left((result, _)) => result,
            Either::Right((never, _)) => match never {},
        }
    }

    /// Untimed requests in order, as their conditions say. Returns whether a domain was
    /// created.
    async fn untimed(
        &self,
        requests: &[PlannedRequest],
        facts: &mut Facts,
    ) -> Result<bool, Failure> {
        let mut created = false;
        let mut i = 0;
        while i < requests.len() {
            let p = &requests[i];
            let stage = Stage::from(p.phase);
            self.stage.set(stage);
            match &p.condition {
                Some(Condition::LaunchConfigurationMissing { .. }) => {
                    let batch = requests[i..]
                        .iter()
                        .take_while(|q| {
                            matches!(
                                q.condition,
                                Some(Condition::LaunchConfigurationMissing { .. })
                            )
                        })
                        .count();
                    self.create_missing(&requests[i..i + batch], facts).await?;
                    i += batch;
                    continue;
                }
                Some(Condition::DomainExists { name }) => {
                    if facts.domains.get(name) == Some(&true) {
                        self.send_or_fail(stage, &p.request, false).await?;
                        facts.deleted.insert(name.clone());
                    } else {
                        self.skip(stage, &p.request, SkipReason::DomainMissing);
                    }
                }
                Some(Condition::UntilDomainGone { name }) => {
                    if facts.deleted.contains(name) {
                        self.wait_until_gone(stage, &p.request, name).await?;
                        facts.domains.insert(name.clone(), false);
                    } else {
                        self.skip(stage, &p.request, SkipReason::DomainMissing);
                    }
                }
                Some(Condition::DomainMissing { name }) => {
                    if facts.domains.get(name) == Some(&true) {
                        self.skip(stage, &p.request, SkipReason::DomainKept);
                    } else {
                        // Appeared since the describe: kept, as "replace" is off.
                        let reply = self.send_or_fail(stage, &p.request, true).await?;
                        created |= matches!(
                            (&p.request, reply),
                            (Request::CreateAutoScalingGroup(_), Reply::Done)
                        );
                    }
                }
                None => {
                    let reply = self.send_or_fail(stage, &p.request, false).await?;
                    created |= matches!(p.request, Request::CreateAutoScalingGroup(_));
                    learn(facts, &p.request, reply);
                }
            }
            i += 1;
        }
        Ok(created)
    }

    /// The consecutive "create if missing" launch configurations, concurrently.
    async fn create_missing(&self, batch: &[PlannedRequest], facts: &Facts) -> Result<(), Failure> {
        let results = join_all(batch.iter().map(|p| async move {
            let stage = Stage::from(p.phase);
            let listed = match (&p.condition, &facts.launch_configurations) {
                (Some(Condition::LaunchConfigurationMissing { name }), Some(names)) => {
                    names.contains(name)
                }
                _ => false,
            };
            if listed {
                self.skip(stage, &p.request, SkipReason::Listed);
                Ok(())
            } else {
                self.send_or_fail(stage, &p.request, true).await.map(|_| ())
            }
        }))
        .await;
        results.into_iter().collect()
    }

    /// Describes the domain until it is no longer listed, at most
    /// [`RunOptions::domain_gone_timeout_ms`].
    async fn wait_until_gone(
        &self,
        stage: Stage,
        request: &Request,
        name: &str,
    ) -> Result<(), Failure> {
        let timeout = self.options.domain_gone_timeout_ms;
        let deadline = self.now() + timeout as f64;
        loop {
            let polled = self.now();
            let reply = self.send_or_fail(stage, request, false).await?;
            if !reply.lists_domain(name) {
                return Ok(());
            }
            if self.now() >= deadline {
                return Err(Failure {
                    stage,
                    reason: format!(
                        "{name} was still listed {} s after DeleteAutoScalingGroup; the run \
                         stops before any capacity change",
                        timeout / 1000
                    ),
                });
            }
            let next = (polled + self.options.domain_gone_poll_ms.max(1) as f64).min(deadline);
            sleep_until(self.client.clock(), next).await;
        }
    }

    /// The timed steps, each at ramp start + its offset.
    async fn timed(&self, steps: &[Timed<'_>], ramp_start: f64) -> Result<(), Failure> {
        let mut next = 0;
        while let Some(first) = steps.get(next) {
            self.stage.set(first.step.phase.into());
            sleep_until(self.client.clock(), ramp_start + first.step.at_ms as f64).await;
            let now = self.now();
            // The newest step already due wins; the others are superseded.
            let mut newest = next;
            while steps
                .get(newest + 1)
                .is_some_and(|s| ramp_start + s.step.at_ms as f64 <= now)
            {
                newest += 1;
            }
            let late = |at_ms: u64| whole_ms(now - (ramp_start + at_ms as f64));
            let Timed { step, request } = &steps[newest];
            let stage = Stage::from(step.phase);
            self.stage.set(stage);
            self.emit(Event::RampStep(RampStep {
                index: step.index,
                phase: step.phase,
                capacity: step.capacity,
                planned_offset_ms: step.at_ms,
                actual_offset_ms: whole_ms(now - ramp_start),
                lateness_ms: late(step.at_ms),
                superseded: steps[next..newest]
                    .iter()
                    .map(|s| SupersededStep {
                        index: s.step.index,
                        planned_offset_ms: s.step.at_ms,
                        capacity: s.step.capacity,
                        late_by_ms: late(s.step.at_ms),
                    })
                    .collect(),
                at_ms: now,
            }));
            if let Err(failure) = self.send_or_fail(stage, request, false).await {
                let go_on = self.options.on_step_failure == OnStepFailure::Continue
                    && step.phase == Phase::Ramp;
                if !go_on {
                    return Err(failure);
                }
            }
            next = newest + 1;
        }
        Ok(())
    }

    /// Describes the domain every [`RunOptions::monitor_interval_ms`] from the ramp's
    /// start on; never ends by itself.
    async fn monitor(&self, ramp_start: f64) -> Infallible {
        let interval = self.options.monitor_interval_ms;
        if interval == 0 {
            return futures::future::pending().await;
        }
        let describe = DescribeAutoScalingGroups {
            names: vec![self.domain.clone()],
        };
        let mut tick: u64 = 1;
        loop {
            sleep_until(
                self.client.clock(),
                ramp_start + tick.saturating_mul(interval) as f64,
            )
            .await;
            let mut attempts = 0;
            let answer = self.client.call(&describe, &mut |_| attempts += 1).await;
            let now = self.now();
            let result = match answer {
                Ok(r) => match r.output.iter().find(|g| g.name == self.domain) {
                    Some(g) => MonitorResult::Domain {
                        desired_capacity: g.desired_capacity,
                        instances: u32::try_from(g.instances.len()).unwrap_or(u32::MAX),
                        counts: count_instances(&g.instances),
                    },
                    None => MonitorResult::Missing,
                },
                Err(e) => MonitorResult::Failed {
                    error: ErrorInfo::from(&e),
                    attempts,
                },
            };
            self.emit(Event::Monitor(MonitorSnapshot {
                at_ms: now,
                offset_ms: whole_ms(now - ramp_start),
                result,
            }));
            // The next tick not yet past (ticks missed by a slow answer are dropped).
            let due = ((now - ramp_start).max(0.0) / interval as f64).ceil() as u64;
            tick = (tick + 1).max(due);
        }
    }

    /// Capacity 0 unless nothing needs it (or the options say to leave it after a stop).
    async fn teardown(&self, cause: TeardownCause) -> TeardownOutcome {
        let skip = self.sink.borrow().summary.capacity.teardown_skip();
        let outcome = match skip {
            Some(reason) => TeardownOutcome::Skipped { reason },
            None if cause == TeardownCause::Stopped && self.options.leave_running => {
                TeardownOutcome::Skipped {
                    reason: TeardownSkip::LeaveRunning,
                }
            }
            None => {
                self.stage.set(Stage::Teardown);
                let zero = Request::SetDesiredCapacity(SetDesiredCapacity {
                    name: self.domain.clone(),
                    desired_capacity: 0,
                    honor_cooldown: None,
                });
                match self.send(Stage::Teardown, &zero, false).await {
                    Ok(_) => TeardownOutcome::Done,
                    Err(e) => TeardownOutcome::Failed {
                        error: ErrorInfo::from(&e),
                    },
                }
            }
        };
        self.emit(Event::Teardown(Teardown {
            at_ms: self.now(),
            cause,
            outcome: outcome.clone(),
        }));
        outcome
    }
}

/// Learns from an unconditional request's answer.
fn learn(facts: &mut Facts, request: &Request, reply: Reply) {
    match (request, reply) {
        (Request::DescribeLaunchConfigurations(_), Reply::LaunchConfigurations(names)) => {
            facts.launch_configurations = Some(names.into_iter().collect());
        }
        (Request::DescribeAutoScalingGroups(a), Reply::Groups(groups)) => {
            if a.names.is_empty() {
                for g in &groups {
                    facts.domains.insert(g.name.clone(), true);
                }
            }
            for name in &a.names {
                let listed = groups.iter().any(|g| &g.name == name);
                facts.domains.insert(name.clone(), listed);
            }
        }
        (Request::CreateAutoScalingGroup(a), _) => {
            facts.domains.insert(a.name.clone(), true);
        }
        (Request::DeleteAutoScalingGroup(a), _) => {
            facts.deleted.insert(a.name.clone());
        }
        _ => {}
    }
}
