//! The runner: executes a [`Plan`] over the client's [`Transport`] and [`Clock`], tells
//! every happening to a callback as an [`Event`], and returns a [`RunReport`]. One file
//! per part of a run (private modules):
//!
//! * `shape`, the plan checks: setup, timed steps and end in order, or the
//!   [`PlanProblem`] that refuses the plan.
//! * `setup`, **launch configurations** and **domain**, round by round: the requests of
//!   a round together (every `name@cloud` created if missing, beside the domain's
//!   describe); the domain deleted and waited for, or kept, then created.
//! * `ramp`, **ramp and end**: every timed step at its absolute deadline, ramp start +
//!   offset; after a late wake-up only the newest due step, once.
//! * `decide`: for a policy shape, the policy's ticks from the ramp's start until its
//!   run length is over (then the end's final capacity, as for a ramp).
//! * `monitor`: meanwhile, DescribeAutoScalingGroups at the options' interval.
//! * `teardown`, **stop** ([`StopHandle`]): the run is dropped at once (pending timers
//!   and requests are cancelled), then capacity 0 is pursued until the server confirms
//!   it ([`crate::engine::pursuit`]; "Try now" and "Stop trying" through
//!   [`TeardownControl`]) unless the options say to leave it running. A failure after
//!   capacity was asked for ends with the same teardown (always). A setup failure or a
//!   stop before any capacity change sends no SetDesiredCapacity. Stop pressed during
//!   the teardown changes nothing; [`Event::RunFinished`] follows the teardown's end.
//! * `runner`, the core the parts share: the journal sink and the one way a request
//!   is sent and journaled.
//!
//! This file starts a run, races it against Stop, and finishes it. Pure: no browser
//! API; nothing here needs `Send`. After the run, the page watches the domain settle
//! with [`crate::engine::settle`].
//!
//! [`PlanProblem`]: crate::engine::journal::PlanProblem

mod decide;
mod monitor;
mod ramp;
mod runner;
mod setup;
mod shape;
mod teardown;

use std::pin::pin;

use futures::future::{select, Either};

use crate::api::{Client, Clock, Request, Transport};
use crate::engine::journal::{
    Event, RampStarted, RunEnd, RunReport, RunStarted, Stage, StopRequested, TeardownCause,
    JOURNAL_VERSION,
};
use crate::engine::options::RunOptions;
use crate::engine::plan::PlannedPolicy;
use crate::engine::plan::{Condition, Plan};
use crate::engine::policy::{NoHost, PolicyHost};
use crate::engine::pursuit::TeardownControl;
use crate::engine::stop::StopHandle;

use runner::{Failure, Runner};
use setup::Facts;
use shape::Shape;

/// The buttons a page holds over one run: Stop, and the teardown's "Try now" and "Stop
/// trying". Clones share their state; make new ones for every run.
#[derive(Clone, Debug, Default)]
pub struct RunControls {
    /// Stop.
    pub stop: StopHandle,
    /// The teardown's buttons.
    pub teardown: TeardownControl,
}

impl RunControls {
    /// Controls with no button pressed.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Executes `plan` with `client` (and its clock), telling `on_event` every happening as
/// it happens, until it completes, fails, or Stop is pressed (`controls.stop`); a
/// teardown then goes on until the server confirms capacity 0 or "Stop trying" is
/// pressed (`controls.teardown`). Always ends with an [`Event::RunFinished`] carrying
/// the returned report.
pub async fn run<T: Transport, C: Clock>(
    client: &Client<T, C>,
    plan: &Plan,
    options: &RunOptions,
    controls: &RunControls,
    on_event: &mut dyn FnMut(&Event),
) -> RunReport {
    run_with(client, plan, options, controls, &NoHost, on_event).await
}

/// [`run`], with what a policy needs from outside the engine (a sandbox for a person's
/// code, the metric, time zones) from `host`.
pub async fn run_with<T: Transport, C: Clock>(
    client: &Client<T, C>,
    plan: &Plan,
    options: &RunOptions,
    controls: &RunControls,
    host: &dyn PolicyHost,
    on_event: &mut dyn FnMut(&Event),
) -> RunReport {
    let shape = Shape::of(plan);
    let domain = plan.domain().unwrap_or_default();
    let runner = Runner::new(client, options, domain.clone(), on_event);
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
        policy: plan.policy.as_ref().map(|p| p.policy.summary()),
    }));
    let shape = match shape {
        Ok(shape) => shape,
        Err(problem) => return runner.finish(RunEnd::Rejected { problem }, None),
    };

    let result = {
        let main = pin!(runner.main(&shape, plan.policy.as_ref(), host));
        let stopped = pin!(controls.stop.stopped());
        match select(stopped, main).await {
            Either::Left(((), _)) => None,
            Either::Right((result, _)) => Some(result),
        }
        // The run's future is dropped here: its timers and requests are cancelled.
    };
    match result {
        Some(Ok(())) => runner.finish(RunEnd::Completed, None),
        Some(Err(Failure { stage, reason })) => {
            let teardown = runner
                .teardown(TeardownCause::Failed, &controls.teardown)
                .await;
            runner.finish(RunEnd::Failed { stage, reason }, Some(teardown))
        }
        None => {
            let stage = runner.stage.get();
            runner.emit(Event::StopRequested(StopRequested {
                at_ms: runner.now(),
                stage,
            }));
            runner.cancel_in_flight();
            let teardown = runner
                .teardown(TeardownCause::Stopped, &controls.teardown)
                .await;
            runner.finish(RunEnd::Stopped { stage }, Some(teardown))
        }
    }
}

impl<T: Transport, C: Clock> Runner<'_, T, C> {
    /// Setup, ramp (or the policy's decisions) and end, with the monitor alongside the
    /// ramp and end.
    async fn main(
        &self,
        shape: &Shape<'_>,
        policy: Option<&PlannedPolicy>,
        host: &dyn PolicyHost,
    ) -> Result<(), Failure> {
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
            if let Some(policy) = policy {
                self.decide(policy, host, ramp_start).await?;
            }
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
}
