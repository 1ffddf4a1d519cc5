//! The progress line shown on a terminal (never when stderr is not one): what the run is
//! doing, the next timed step with its countdown, the capacity asked for and what the
//! domain shows; during a teardown, its target and the countdown to its next attempt.
//! Pure: fed the journal's events and the time.

use crate::engine::journal::{Event, InstanceState, MonitorResult, ScheduledStep};
use crate::engine::timing::whole_ms;
use crate::engine::Phase;
use crate::report::time::seconds;

/// What the progress line knows of the run.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    domain: String,
    schedule: Vec<ScheduledStep>,
    ramp_started_ms: Option<f64>,
    /// The schedule's index of the next step not yet fired.
    next: usize,
    /// The last capacity a step asked for.
    asked: Option<u32>,
    /// The last look at the domain: (desired, running, all instances).
    seen: Option<(Option<u32>, u32, u32)>,
    /// A teardown under way: its target and when its next attempt is due.
    teardown: Option<(u32, Option<f64>)>,
    finished: bool,
}

impl Progress {
    /// Takes in one event of the journal.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::RunStarted(s) => {
                self.domain = s.domain.clone();
                self.schedule = s.schedule.clone();
            }
            Event::RampStarted(r) => self.ramp_started_ms = Some(r.at_ms),
            Event::RampStep(s) => {
                self.next = self
                    .schedule
                    .iter()
                    .position(|p| p.index > s.index)
                    .unwrap_or(self.schedule.len());
                self.asked = Some(s.capacity);
            }
            Event::Monitor(m) => {
                if let MonitorResult::Domain {
                    desired_capacity,
                    instances,
                    counts,
                } = &m.result
                {
                    let running = counts
                        .iter()
                        .filter(|c| c.category == InstanceState::Running)
                        .map(|c| c.count)
                        .sum();
                    self.seen = Some((*desired_capacity, running, *instances));
                }
            }
            Event::TeardownStarted(t) => self.teardown = Some((t.target, None)),
            Event::TeardownRetry(r) => {
                if let Some((_, next)) = &mut self.teardown {
                    *next = Some(r.next_attempt_ms);
                }
            }
            Event::Teardown(_) => self.teardown = None,
            Event::RunFinished(_) => self.finished = true,
            _ => {}
        }
    }

    /// The line at `now_ms` (no line break; empty once the run finished).
    pub fn line(&self, now_ms: f64) -> String {
        if self.finished {
            return String::new();
        }
        let mut parts = Vec::new();
        if let Some((target, next)) = self.teardown {
            parts.push(format!(
                "teardown: capacity {target} until the server confirms it"
            ));
            if let Some(at) = next.filter(|at| *at > now_ms) {
                parts.push(format!(
                    "next attempt in {}",
                    seconds(whole_ms(at - now_ms))
                ));
            }
        } else {
            match (self.ramp_started_ms, self.schedule.get(self.next)) {
                (None, _) => parts.push(format!("setting up {}", self.domain)),
                (Some(start), Some(step)) => {
                    let due = start + step.at_ms as f64;
                    let what = match step.phase {
                        Phase::End => "final capacity".to_string(),
                        _ => format!("step {}/{}", step.index + 1, self.ramp_steps()),
                    };
                    parts.push(format!(
                        "{what} → capacity {} in {}",
                        step.capacity,
                        seconds(whole_ms(due - now_ms))
                    ));
                }
                (Some(_), None) => parts.push("ending".to_string()),
            }
        }
        if let Some(asked) = self.asked {
            parts.push(format!("asked {asked}"));
        }
        if let Some((desired, running, all)) = self.seen {
            let desired = desired.map_or_else(|| "?".to_string(), |d| d.to_string());
            parts.push(format!(
                "domain: desired {desired}, {running} running of {all}"
            ));
        }
        parts.join(" · ")
    }

    fn ramp_steps(&self) -> usize {
        self.schedule
            .iter()
            .filter(|s| s.phase == Phase::Ramp)
            .count()
    }
}
