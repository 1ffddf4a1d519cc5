//! What a journal (complete, or cut short by a page reload) says about its run: the
//! pure [`JournalSummary`] that resuming, "scale to 0" and the runner itself read.

use serde::{Deserialize, Serialize};

use crate::engine::capacity::CapacityState;

use super::events::{Event, ScheduledStep};
use super::report::RunReport;
use super::request::{Outcome, Target};
use super::stage::Stage;

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

    /// Whether the run ended (a [`RunFinished`](super::report::RunFinished) is in the journal). A journal cut
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
