//! What one tick does with a policy's answer, shared by the live run
//! (`engine::run::decide`) and the dry run ([`crate::engine::simulate`]) so the two
//! cannot drift apart: the metric put into the observation and its brief for the
//! journal ([`with_metric`]), faults counted and memory kept ([`Ticker`]), the decision
//! held to the rails, the journal entry ([`decision_made`]), and the next tick's number
//! ([`next_tick`]). What is *sent* (or, in the dry run, applied to the model) stays with
//! each caller.

use serde_json::Value;

use super::decision::{Decision, PolicyFault};
use super::observation::{MetricReading, Observation};
use super::rails::{Governed, Governor};
use crate::engine::journal::{DecisionMade, DecisionOutcome, ObservedBrief};
use crate::engine::timing::whole_ms;
use crate::settings::Rails;

/// Policy faults in a row that end the run.
pub const MAX_FAULTS_IN_A_ROW: u32 = 3;

/// A policy's state across ticks: its memory, its faults in a row, and the governor.
#[derive(Clone, Debug)]
pub struct Ticker {
    governor: Governor,
    memory: Value,
    faults: u32,
}

/// One answer, settled.
#[derive(Clone, Debug, PartialEq)]
pub struct Settled {
    /// What the journal records.
    pub outcome: DecisionOutcome,
    /// What the rails let through, when the policy decided.
    pub governed: Option<Governed>,
    /// Why the run ends now ([`MAX_FAULTS_IN_A_ROW`] faults in a row), when it does.
    pub give_up: Option<String>,
}

impl Ticker {
    /// A ticker with empty memory (`{}`), no fault and a fresh governor.
    pub fn new(rails: Rails) -> Self {
        Self {
            governor: Governor::new(rails),
            memory: Value::Object(Default::default()),
            faults: 0,
        }
    }

    /// What the policy's last decision asked to remember (`{}` at first).
    pub fn memory(&self) -> &Value {
        &self.memory
    }

    /// Faults in a row so far.
    pub fn faults(&self) -> u32 {
        self.faults
    }

    /// Takes the policy's answer at `now_ms` to `observation`: a fault is counted (and
    /// ends the run at the limit); a decision resets the count, keeps its memory and is
    /// held to the rails against the observed desired capacity.
    pub fn settle(
        &mut self,
        now_ms: f64,
        observation: &Observation,
        decided: Result<Decision, PolicyFault>,
    ) -> Settled {
        match decided {
            Err(fault) => {
                self.faults += 1;
                let faults = self.faults;
                Settled {
                    outcome: DecisionOutcome::Fault {
                        message: fault.to_string(),
                        line: fault.line(),
                        consecutive: faults,
                    },
                    governed: None,
                    give_up: (faults >= MAX_FAULTS_IN_A_ROW).then(|| {
                        format!(
                            "the policy gave no decision {faults} times in a row (last: {fault})"
                        )
                    }),
                }
            }
            Ok(decision) => {
                self.faults = 0;
                if let Some(m) = &decision.memory {
                    self.memory = m.clone();
                }
                let governed =
                    self.governor
                        .govern(now_ms, observation.desired, observation, &decision);
                Settled {
                    outcome: DecisionOutcome::Decided {
                        asked: decision.capacity,
                        reason: decision.reason,
                        set: governed.capacity,
                        replace: governed.replace.clone(),
                        rails: governed.notes.clone(),
                    },
                    governed: Some(governed),
                    give_up: None,
                }
            }
        }
    }
}

/// Puts the latest good `metric` into `observation` (its value and age at `now_ms`) and
/// returns the observation in brief for the journal; `look_failed` says why the domain
/// could not be described, when it could not.
pub fn with_metric(
    observation: &mut Observation,
    metric: Option<MetricReading>,
    now_ms: f64,
    look_failed: Option<String>,
) -> ObservedBrief {
    observation.metric = metric.map(|m| m.value);
    observation.metric_age_s = metric.map(|m| ((now_ms - m.read_ms) / 1000.0).max(0.0));
    ObservedBrief {
        desired: observation.desired,
        running: observation.running,
        pending: observation.pending,
        failed: observation.failed,
        terminating: observation.terminating,
        metric: observation.metric,
        metric_age_ms: metric.map(|m| whole_ms(now_ms - m.read_ms)),
        look_failed,
    }
}

/// The journal entry of tick `tick`, due at `due_ms`, woken at `woke_ms`, decided at
/// `at_ms`, of a policy started at `ramp_start`.
pub fn decision_made(
    at_ms: f64,
    tick: u64,
    ramp_start: f64,
    due_ms: f64,
    woke_ms: f64,
    observed: ObservedBrief,
    outcome: DecisionOutcome,
) -> DecisionMade {
    DecisionMade {
        at_ms,
        tick,
        offset_ms: whole_ms(due_ms - ramp_start),
        lateness_ms: whole_ms(woke_ms - due_ms),
        observed,
        outcome,
    }
}

/// The tick after `tick` at `now_ms`: the next one, or the next one still ahead when a
/// slow answer made some pass (they are dropped, never bunched).
pub fn next_tick(tick: u64, now_ms: f64, ramp_start: f64, every_ms: f64) -> u64 {
    let behind = ((now_ms - ramp_start) / every_ms).floor() as u64 + 1;
    (tick + 1).max(behind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rails() -> Rails {
        Rails {
            min: 0,
            max: 10,
            max_change: None,
            up_cooldown_ms: 0,
            down_cooldown_ms: 0,
            max_replacements: 1,
            replacement_window_ms: 60_000,
        }
    }

    #[test]
    fn faults_count_in_a_row_and_a_decision_resets_them() {
        let mut t = Ticker::new(rails());
        let o = Observation::empty(0.0, 0.0);
        let fault = || Err(PolicyFault::TimedOut { limit_ms: 10 });
        assert!(t.settle(0.0, &o, fault()).give_up.is_none());
        let mut d = Decision::set(2, "two");
        d.memory = Some(serde_json::json!({"n": 1}));
        let s = t.settle(0.0, &o, Ok(d));
        assert_eq!(s.governed.and_then(|g| g.capacity), Some(2));
        assert_eq!(t.memory(), &serde_json::json!({"n": 1}));
        assert_eq!(t.faults(), 0);
        for _ in 1..MAX_FAULTS_IN_A_ROW {
            assert!(t.settle(0.0, &o, fault()).give_up.is_none());
        }
        let end = t.settle(0.0, &o, fault()).give_up.unwrap();
        assert!(end.contains("3 times in a row"), "{end}");
    }

    #[test]
    fn missed_ticks_are_dropped() {
        assert_eq!(next_tick(0, 0.0, 0.0, 5000.0), 1);
        assert_eq!(next_tick(0, 12_000.0, 0.0, 5000.0), 3);
    }
}
