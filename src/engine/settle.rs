//! After the end: the convergence watch. A run (or a teardown by hand) only asks for a
//! capacity; the VMs follow later, or not. [`settle`] keeps looking at the domain at the
//! monitor's interval (each look journaled as an [`Event::Monitor`], as during the run)
//! until it shows the capacity asked for — its DesiredCapacity is that capacity and that
//! many VMs are neither terminating nor terminated (for 0: every VM gone, terminating or
//! terminated, or the domain no longer listed) — then journals [`Event::Settled`]. If
//! the domain has not settled within the watch's bound ([`SETTLE_BOUND_MS`] unless
//! told otherwise), it journals the warning [`Event::NotSettled`] with what it saw last.
//! The page calls it after [`run`](crate::engine::run::run) returns and after a
//! teardown by hand; the summary keeps the result ([`JournalSummary::settled`]).
//!
//! Pure: over the client's `Transport` and `Clock`. Dropping the future ends the watch
//! (a new run starts, the page closes) without a trace.

use crate::api::{Client, Clock, Transport};
use crate::engine::journal::{
    Event, JournalSummary, MonitorResult, MonitorSnapshot, NotSettled, Settled, Settlement,
};
use crate::engine::look::{live_vms, look_at_domain};
use crate::engine::timing::{sleep_until, whole_ms};

/// How long the watch waits for the domain to settle before it warns, ms: Phantom
/// takes a few minutes to terminate VMs on a slow cloud; ten is well past that.
pub const SETTLE_BOUND_MS: u64 = 600_000;

/// How often the watch looks when the run's monitor is off, ms (the monitor's default).
pub const SETTLE_INTERVAL_MS: u64 = 3_000;

/// What the watch waits for.
#[derive(Clone, Debug, PartialEq)]
pub struct Watch {
    /// The domain.
    pub domain: String,
    /// The capacity asked for.
    pub capacity: u32,
    /// The run's ramp start, so the looks continue the live chart's time line (`None`:
    /// offsets from the watch's own start).
    pub ramp_started_ms: Option<f64>,
    /// How often to look, ms (0: [`SETTLE_INTERVAL_MS`]).
    pub interval_ms: u64,
    /// How long to wait before [`Event::NotSettled`], ms.
    pub bound_ms: u64,
}

impl Watch {
    /// A watch of `domain` for `capacity`, at [`SETTLE_INTERVAL_MS`] within
    /// [`SETTLE_BOUND_MS`].
    pub fn new(domain: impl Into<String>, capacity: u32) -> Self {
        Self {
            domain: domain.into(),
            capacity,
            ramp_started_ms: None,
            interval_ms: SETTLE_INTERVAL_MS,
            bound_ms: SETTLE_BOUND_MS,
        }
    }

    /// The watch after the run `summary` describes, looking every `interval_ms` (the
    /// run's monitor interval): for the capacity it should settle at
    /// ([`JournalSummary::settle_target`]). `None` when there is nothing to watch (no
    /// run, or no capacity ever asked for).
    pub fn after(summary: &JournalSummary, interval_ms: u64) -> Option<Self> {
        let domain = summary.domain.clone()?;
        let capacity = summary.settle_target()?;
        Some(Self {
            ramp_started_ms: summary.ramp_started_ms,
            interval_ms,
            ..Self::new(domain, capacity)
        })
    }

    /// Whether one look shows the domain settled at the capacity asked for.
    fn settled(&self, result: &MonitorResult) -> bool {
        match result {
            MonitorResult::Missing => self.capacity == 0,
            MonitorResult::Domain {
                desired_capacity, ..
            } => {
                desired_capacity.is_none_or(|d| d == self.capacity)
                    && live_vms(result) == Some(self.capacity)
            }
            MonitorResult::Failed { .. } => false,
        }
    }
}

/// Looks at `watch.domain` at once and then every interval until it settles or the
/// bound passes, journaling every look and the end to `on_event`; returns the end.
pub async fn settle<T: Transport, C: Clock>(
    client: &Client<T, C>,
    watch: &Watch,
    on_event: &mut dyn FnMut(&Event),
) -> Settlement {
    let clock = client.clock();
    let interval = match watch.interval_ms {
        0 => SETTLE_INTERVAL_MS,
        n => n,
    };
    let start = clock.now_ms();
    let bound = start + watch.bound_ms as f64;
    let origin = watch.ramp_started_ms.unwrap_or(start);
    // What the last successful look showed: (DesiredCapacity, VMs not terminating).
    let mut last_seen: Option<(Option<u32>, u32)> = None;
    let mut tick: u64 = 0;
    loop {
        sleep_until(
            clock,
            (start + tick.saturating_mul(interval) as f64).min(bound),
        )
        .await;
        let result = look_at_domain(client, &watch.domain).await;
        let now = clock.now_ms();
        if let Some(running) = live_vms(&result) {
            let desired = match &result {
                MonitorResult::Domain {
                    desired_capacity, ..
                } => *desired_capacity,
                _ => None,
            };
            last_seen = Some((desired, running));
        }
        let settled = watch.settled(&result);
        on_event(&Event::Monitor(MonitorSnapshot {
            at_ms: now,
            offset_ms: whole_ms(now - origin),
            result,
        }));
        let end = if settled {
            Settlement::Settled(Settled {
                at_ms: now,
                capacity: watch.capacity,
                running: watch.capacity,
            })
        } else if now >= bound {
            Settlement::NotSettled(NotSettled {
                at_ms: now,
                capacity: watch.capacity,
                desired_capacity: last_seen.and_then(|(d, _)| d),
                running: last_seen.map(|(_, r)| r),
                waited_ms: whole_ms(now - start),
            })
        } else {
            // The next tick not yet past (ticks missed by a slow answer are dropped).
            let due = ((now - start).max(0.0) / interval as f64).ceil() as u64;
            tick = (tick + 1).max(due);
            continue;
        };
        on_event(&match &end {
            Settlement::Settled(s) => Event::Settled(s.clone()),
            Settlement::NotSettled(n) => Event::NotSettled(n.clone()),
        });
        return end;
    }
}
