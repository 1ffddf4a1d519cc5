//! Resuming an interrupted run: the plan of the steps its journal has not fired, at the
//! original ramp's deadlines ([`resume_plan`]), or why there is nothing to resume
//! ([`ResumeProblem`]).

use crate::api::Request;
use crate::engine::journal::JournalSummary;
use crate::engine::options::Resume;
use crate::engine::plan::{Phase, Plan, PlannedRequest};

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
    /// The interrupted run's policy decided; the settings now hold a ramp.
    #[error("the interrupted run was driven by a policy ({was}); the settings now hold a fixed ramp: choose the policy again to resume")]
    PolicyGone {
        /// The policy, in words.
        was: String,
    },
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
    let current_domain = current.domain().unwrap_or_default();
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
            round: None,
            request: Request::set_capacity(&journal, step.capacity),
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
    // A policy run goes on deciding with the current settings' policy (its memory
    // starts afresh) until its original end.
    let policy = match (&summary.policy, &current.policy) {
        (None, _) => None,
        (Some(_), Some(p)) => Some(p.clone()),
        (Some(was), None) => return Err(ResumeProblem::PolicyGone { was: was.clone() }),
    };
    let plan = Plan {
        requests,
        schedule: remaining.iter().map(|s| (s.at_ms, s.capacity)).collect(),
        end_ms,
        policy,
    };
    Ok((
        plan,
        Resume {
            ramp_started_ms,
            capacity: summary.capacity,
        },
    ))
}
