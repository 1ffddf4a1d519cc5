//! The monitor: while the ramp and end run, DescribeAutoScalingGroups every
//! [`RunOptions::monitor_interval_ms`], journaled as a count of the domain's VMs per
//! cloud and state. Its failures are recorded and never stop the run.
//!
//! [`RunOptions::monitor_interval_ms`]: crate::engine::options::RunOptions::monitor_interval_ms

use std::convert::Infallible;

use crate::api::{Clock, Transport};
use crate::engine::journal::{Event, MonitorSnapshot};
use crate::engine::look::look_at_domain;
use crate::engine::timing::{sleep_until, whole_ms};

use super::runner::Runner;

impl<T: Transport, C: Clock> Runner<'_, T, C> {
    /// Describes the domain every [`RunOptions::monitor_interval_ms`] from the ramp's
    /// start on; never ends by itself.
    ///
    /// [`RunOptions::monitor_interval_ms`]: crate::engine::options::RunOptions::monitor_interval_ms
    pub(super) async fn monitor(&self, ramp_start: f64) -> Infallible {
        let interval = self.options.monitor_interval_ms;
        if interval == 0 {
            return futures::future::pending().await;
        }
        let mut tick: u64 = 1;
        loop {
            sleep_until(
                self.client.clock(),
                ramp_start + tick.saturating_mul(interval) as f64,
            )
            .await;
            let result = look_at_domain(self.client, &self.domain).await;
            let now = self.now();
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
}
