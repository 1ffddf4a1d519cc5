//! The plan checks: a plan cut in three ([`Shape`]), untimed setup, timed capacity
//! steps in order, untimed end requests; or the [`PlanProblem`] that stops it before
//! anything is sent.

use crate::api::Request;
use crate::engine::journal::{PlanProblem, ScheduledStep};
use crate::engine::plan::{Phase, Plan, PlannedRequest};

/// One timed step of the plan.
pub(super) struct Timed<'p> {
    /// The step, as the journal names it.
    pub(super) step: ScheduledStep,
    /// Its SetDesiredCapacity.
    pub(super) request: &'p Request,
}

/// The plan cut in three: untimed setup, timed steps, untimed end requests.
pub(super) struct Shape<'p> {
    /// Launch configurations and domain.
    pub(super) setup: &'p [PlannedRequest],
    /// The ramp's steps and the final capacity.
    pub(super) timed: Vec<Timed<'p>>,
    /// The untimed end requests (e.g. deleting the domain).
    pub(super) post: &'p [PlannedRequest],
}

impl<'p> Shape<'p> {
    /// Checks `plan` and cuts it.
    pub(super) fn of(plan: &'p Plan) -> Result<Self, PlanProblem> {
        if plan.domain().is_none() {
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
