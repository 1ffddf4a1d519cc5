//! Ramp and end: every timed step fires at its absolute deadline, ramp start + offset,
//! so request latency never accumulates. Waking late with several steps due, only the
//! newest is applied, once; the others are recorded as superseded. A ramp step that
//! still fails goes on or ends the run as [`OnStepFailure`] says; a failed final
//! capacity always ends it.

use crate::api::{Clock, Transport};
use crate::engine::journal::{Event, RampStep, Stage, SupersededStep};
use crate::engine::options::OnStepFailure;
use crate::engine::plan::Phase;
use crate::engine::timing::{sleep_until, whole_ms};

use super::runner::{Failure, Runner};
use super::shape::Timed;

impl<T: Transport, C: Clock> Runner<'_, T, C> {
    /// The timed steps, each at ramp start + its offset.
    pub(super) async fn timed(&self, steps: &[Timed<'_>], ramp_start: f64) -> Result<(), Failure> {
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
}
