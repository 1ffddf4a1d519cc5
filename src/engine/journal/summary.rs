//! What a journal (complete, or cut short by a page reload) says about its run: the
//! pure [`JournalSummary`] that resuming, "scale to 0", a pending teardown's banner and
//! the runner itself read.

use serde::Serialize;

use crate::engine::capacity::CapacityState;

use super::events::{Event, ScheduledStep};
use super::report::RunReport;
use super::request::{Outcome, Target};
use super::settle::Settlement;
use super::stage::Stage;
use super::teardown::PendingTeardown;

/// What a journal (complete, or cut short by a page reload) says about its run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct JournalSummary {
    /// When the run started (`None`: the journal is empty).
    pub started_ms: Option<f64>,
    /// The highest capacity any request of the run asked for (0 before one did): the
    /// run history's "peak".
    #[serde(default)]
    pub peak_requested: u32,
    /// When the run finished (its `RunFinished`), if it has.
    #[serde(default)]
    pub finished_ms: Option<f64>,
    /// The domain.
    pub domain: Option<String>,
    /// The whole schedule.
    pub schedule: Vec<ScheduledStep>,
    /// The policy that decided, in words, when one did.
    pub policy: Option<String>,
    /// The ramp's time 0, once the domain was ready.
    pub ramp_started_ms: Option<f64>,
    /// The highest schedule index that fired (or was superseded).
    pub last_step: Option<usize>,
    /// The capacity as far as the journal knows.
    pub capacity: CapacityState,
    /// The last capacity sent (ramp, end or teardown), confirmed or not.
    pub last_capacity_requested: Option<u32>,
    /// The last capacity the server confirmed (ramp, end, teardown or by hand): after a
    /// teardown given up, what may still be running.
    #[serde(default)]
    pub last_confirmed_capacity: Option<u32>,
    /// Requests sent without an answer in the journal (in flight at the cut).
    pub in_flight: Vec<u32>,
    /// Whether Stop was pressed.
    pub stop_requested: bool,
    /// Timed capacity steps whose request failed for good.
    pub failed_steps: u32,
    /// The outcome, once the run ended.
    pub finished: Option<RunReport>,
    /// A teardown begun and not ended ([`TeardownStarted`](super::teardown::TeardownStarted)
    /// without its [`Teardown`](super::teardown::Teardown)): under way, or, in a journal
    /// found at page load, interrupted, and then the page resumes it.
    pub pending_teardown: Option<PendingTeardown>,
    /// How the convergence watch after the run ended, once it did (cleared by any later
    /// capacity request: it no longer says how the domain is).
    pub settled: Option<Settlement>,
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
                    policy: e.policy.clone(),
                    // A resumed run owns what the interrupted one may have left running.
                    capacity: e.options.resume.map(|r| r.capacity).unwrap_or_default(),
                    last_confirmed_capacity: match e.options.resume.map(|r| r.capacity) {
                        Some(CapacityState::Confirmed { capacity }) => Some(capacity),
                        _ => None,
                    },
                    ..Self::default()
                };
            }
            Event::RequestSent(e) => {
                self.in_flight.push(e.no);
                if let Some(capacity) = e.target.capacity() {
                    self.capacity = CapacityState::Unconfirmed { capacity };
                    self.last_capacity_requested = Some(capacity);
                    self.peak_requested = self.peak_requested.max(capacity);
                    self.settled = None;
                }
                if let (Stage::Teardown, Some(pending)) = (e.stage, &mut self.pending_teardown) {
                    pending.next_attempt_ms = None;
                }
            }
            Event::RequestDone(e) => {
                self.in_flight.retain(|&n| n != e.no);
                let ok = matches!(e.outcome, Outcome::Ok { .. });
                if let (true, Some(capacity)) = (ok, e.target.capacity()) {
                    self.capacity = CapacityState::Confirmed { capacity };
                    self.last_confirmed_capacity = Some(capacity);
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
            Event::Monitor(_) | Event::Decision(_) => {}
            Event::StopRequested(_) => self.stop_requested = true,
            Event::TeardownStarted(e) => {
                self.settled = None;
                match &mut self.pending_teardown {
                    // A resumption goes on with the interrupted teardown's count.
                    Some(p) if e.resumed && p.domain == e.domain && p.target == e.target => {
                        p.next_attempt_ms = None;
                    }
                    _ => {
                        self.pending_teardown = Some(PendingTeardown {
                            domain: e.domain.clone(),
                            target: e.target,
                            cause: e.cause,
                            since_ms: e.at_ms,
                            attempts: 0,
                            last_error: None,
                            next_attempt_ms: None,
                        });
                    }
                }
            }
            Event::TeardownRetry(e) => {
                if let Some(p) = &mut self.pending_teardown {
                    p.attempts = e.attempt;
                    p.last_error = Some(e.error.clone());
                    p.next_attempt_ms = Some(e.next_attempt_ms);
                    // The attempt did not confirm it, whatever its SetDesiredCapacity said.
                    self.capacity = CapacityState::Unconfirmed { capacity: p.target };
                }
            }
            Event::Teardown(_) => self.pending_teardown = None,
            Event::RunFinished(e) => {
                self.in_flight.clear();
                self.finished = Some(e.report.clone());
                self.finished_ms = Some(e.at_ms);
            }
            Event::Settled(e) => self.settled = Some(Settlement::Settled(e.clone())),
            Event::NotSettled(e) => self.settled = Some(Settlement::NotSettled(e.clone())),
        }
    }

    /// Whether the run ended (a [`RunFinished`](super::report::RunFinished) is in the journal). A journal cut
    /// short by a page reload has not: the run was interrupted.
    pub fn ended(&self) -> bool {
        self.finished.is_some()
    }

    /// Whether VMs this run asked for may still be running: offer "scale to 0".
    pub fn capacity_may_be_running(&self) -> bool {
        self.capacity.may_be_running()
    }

    /// The capacity the domain should settle at now (what the convergence watch of
    /// [`crate::engine::settle`] waits for): the last capacity asked for, confirmed or
    /// not (an abandoned teardown's 0 too: the watch then warns about what still runs),
    /// 0 after the domain was deleted; `None` when the run never asked for capacity.
    pub fn settle_target(&self) -> Option<u32> {
        match self.capacity {
            CapacityState::Untouched => None,
            CapacityState::Deleted => Some(0),
            CapacityState::Confirmed { capacity } | CapacityState::Unconfirmed { capacity } => {
                Some(capacity)
            }
        }
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
