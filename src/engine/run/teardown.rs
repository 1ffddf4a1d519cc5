//! Stop and teardown: after a stop (unless [`RunOptions::leave_running`]) or a failure
//! once capacity was asked for, capacity 0 (with the client's retries). Nothing is sent
//! when the journal shows nothing needs it (see [`CapacityState::teardown_skip`]).
//!
//! [`RunOptions::leave_running`]: crate::engine::options::RunOptions::leave_running
//! [`CapacityState::teardown_skip`]: crate::engine::capacity::CapacityState::teardown_skip

use crate::api::{Clock, Request, Transport};
use crate::engine::capacity::TeardownSkip;
use crate::engine::journal::{ErrorInfo, Event, Stage, Teardown, TeardownCause, TeardownOutcome};

use super::runner::Runner;

impl<T: Transport, C: Clock> Runner<'_, T, C> {
    /// Capacity 0 unless nothing needs it (or the options say to leave it after a stop).
    pub(super) async fn teardown(&self, cause: TeardownCause) -> TeardownOutcome {
        let skip = self.summary(|s| s.capacity.teardown_skip());
        let outcome = match skip {
            Some(reason) => TeardownOutcome::Skipped { reason },
            None if cause == TeardownCause::Stopped && self.options.leave_running => {
                TeardownOutcome::Skipped {
                    reason: TeardownSkip::LeaveRunning,
                }
            }
            None => {
                self.stage.set(Stage::Teardown);
                let zero = Request::set_capacity(&self.domain, 0);
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
