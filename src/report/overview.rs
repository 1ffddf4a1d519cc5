//! What the engines' overview and the run bar show of one engine's journal beyond its
//! summary: the domain's desired and running capacity as last looked at, and the last
//! problem of the run. Kept incrementally ([`Glance::sync`] reads only the events added
//! since it last read), so the overview costs nothing per event however long the run.

use crate::engine::journal::{Event, InstanceState, MonitorResult, Outcome, Stage};
use crate::engine::CapacityState;

/// One engine at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Glance {
    /// The domain's DesiredCapacity as last looked at (`None`: not looked at yet).
    pub desired: Option<u32>,
    /// Its running VMs as last looked at.
    pub running: Option<u32>,
    /// The last problem of the run, in one line.
    pub problem: Option<String>,
    /// The stage of the last request sent.
    pub stage: Option<Stage>,
}

/// The capacity a run last asked for, in words (the overview's "requested").
pub fn requested_text(capacity: CapacityState) -> String {
    match capacity {
        CapacityState::Untouched => "–".to_string(),
        CapacityState::Confirmed { capacity } => capacity.to_string(),
        CapacityState::Unconfirmed { capacity } => format!("{capacity} (unconfirmed)"),
        CapacityState::Deleted => "deleted".to_string(),
    }
}

/// Desired and running capacity in one cell: "desired 3 / running 2", with what the
/// run asked for when the domain has not been looked at.
pub fn capacity_text(glance: &Glance, capacity: CapacityState) -> String {
    let desired = match glance.desired {
        Some(d) => d.to_string(),
        None => requested_text(capacity),
    };
    let running = glance
        .running
        .map_or_else(|| "–".to_string(), |r| r.to_string());
    format!("{desired} / {running}")
}

/// [`Glance`] kept as a journal grows.
#[derive(Clone, Debug, Default)]
pub struct GlanceWatch {
    /// How many events have been read.
    seen: usize,
    /// The journal's first event when read: another first event means another journal.
    first: Option<Event>,
    glance: Glance,
}

impl GlanceWatch {
    /// Reads the events added since the last call (all of them when `events` is another
    /// journal than last time) and returns the glance.
    pub fn sync(&mut self, events: &[Event]) -> &Glance {
        if events.len() < self.seen || events.first() != self.first.as_ref() {
            *self = Self::default();
            self.first = events.first().cloned();
        }
        for event in &events[self.seen..] {
            self.glance.apply(event);
        }
        self.seen = events.len();
        &self.glance
    }
}

impl Glance {
    /// Of a whole journal.
    pub fn of(events: &[Event]) -> Self {
        GlanceWatch::default().sync(events).clone()
    }

    fn apply(&mut self, event: &Event) {
        match event {
            // A new run in the same journal (resumed runs append) starts clean.
            Event::RunStarted(_) => *self = Self::default(),
            Event::RequestSent(sent) => self.stage = Some(sent.stage),
            Event::Monitor(m) => match &m.result {
                MonitorResult::Domain {
                    desired_capacity,
                    counts,
                    ..
                } => {
                    self.desired = *desired_capacity;
                    self.running = Some(
                        counts
                            .iter()
                            .filter(|c| c.category == InstanceState::Running)
                            .map(|c| c.count)
                            .sum(),
                    );
                }
                MonitorResult::Missing => {
                    self.desired = None;
                    self.running = Some(0);
                }
                MonitorResult::Failed { error, .. } => {
                    self.problem =
                        Some(format!("Looking at the domain failed: {}", error.summary()));
                }
            },
            Event::RequestDone(done) => {
                if let Outcome::Failed { error } = &done.outcome {
                    self.problem = Some(format!("{} failed: {}", done.action, error.summary()));
                }
            }
            Event::TeardownRetry(retry) => {
                self.problem = Some(format!(
                    "Teardown attempt {} failed: {}",
                    retry.attempt,
                    retry.error.summary()
                ));
            }
            Event::Teardown(t) if t.outcome.may_leave_running() => {
                self.problem =
                    Some("The teardown ended without capacity 0: VMs may be running".to_string());
            }
            Event::NotSettled(n) => {
                self.problem = Some(format!(
                    "The domain did not show capacity {} in time",
                    n.capacity
                ));
            }
            _ => {}
        }
    }
}
