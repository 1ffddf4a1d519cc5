//! Stop and teardown: after a stop (unless [`RunOptions::leave_running`]) or a failure
//! once capacity was asked for, capacity 0, pursued until the server confirms it (see
//! [`crate::engine::pursuit`]: retried with a growing wait, journaled as the run's own
//! requests, ended early only by "Stop trying"). Nothing is sent when the journal shows
//! nothing needs it (see [`CapacityState::teardown_skip`]); then only the
//! [`Event::Teardown`] saying why is journaled.
//!
//! [`RunOptions::leave_running`]: crate::engine::options::RunOptions::leave_running
//! [`CapacityState::teardown_skip`]: crate::engine::capacity::CapacityState::teardown_skip

use crate::api::{Clock, Transport};
use crate::engine::capacity::TeardownSkip;
use crate::engine::journal::{Event, Stage, Teardown, TeardownCause, TeardownOutcome};
use crate::engine::pursuit::{pursue_capacity, Pursuit, TeardownControl};

use super::runner::Runner;

impl<T: Transport, C: Clock> Runner<'_, T, C> {
    /// Capacity 0 unless nothing needs it (or the options say to leave it after a stop),
    /// until the server confirms it or `control` says to stop trying.
    pub(super) async fn teardown(
        &self,
        cause: TeardownCause,
        control: &TeardownControl,
    ) -> TeardownOutcome {
        let skip = self.summary(|s| s.capacity.teardown_skip());
        let reason = match skip {
            Some(reason) => reason,
            None if cause == TeardownCause::Stopped && self.options.leave_running => {
                TeardownSkip::LeaveRunning
            }
            None => {
                self.stage.set(Stage::Teardown);
                let pursuit = Pursuit::new(self.domain.clone(), 0, cause);
                return pursue_capacity(
                    self.client,
                    &pursuit,
                    control,
                    &mut || self.next_number(),
                    &mut |e| self.emit(e.clone()),
                )
                .await;
            }
        };
        let outcome = TeardownOutcome::Skipped { reason };
        self.emit(Event::Teardown(Teardown {
            at_ms: self.now(),
            cause,
            target: 0,
            outcome: outcome.clone(),
        }));
        outcome
    }
}
