//! The policy's ticks: from the ramp's start until the run length is over, at every
//! tick (ramp start + k × interval, so ticks never drift; ticks missed by a slow answer
//! are dropped, never bunched) the domain is described and the metric read, the policy
//! decides, the [`Governor`] holds the decision to the rails, and what is left is sent:
//! a SetDesiredCapacity when the capacity changes, a TerminateInstanceInAutoScalingGroup
//! without decrement per VM replaced. Every decision is journaled, what was sent or not
//! and why.
//!
//! Safety: a policy fault (a throw, a time-out, a malformed answer) holds the capacity
//! at that tick; [`MAX_FAULTS_IN_A_ROW`] in a row end the run with the teardown a
//! failed step gets. A capacity that still fails after the client's retries does what
//! [`OnStepFailure`] says; a replacement that fails is logged and the run goes on (the
//! VM is no worse off than before). A describe that fails makes the policy decide from
//! the last capacity this run knew, and the log says so.

use serde_json::Value;

use crate::api::action::TerminateInstanceInAutoScalingGroup;
use crate::api::{Answer, Clock, Request, Transport};
use crate::engine::journal::{DecisionMade, DecisionOutcome, Event, ObservedBrief, Stage};
use crate::engine::options::OnStepFailure;
use crate::engine::plan::PlannedPolicy;
use crate::engine::policy::{
    decider_for, Governor, MetricReading, Observation, PolicyHost, Tracker,
};
use crate::engine::timing::{sleep_until, whole_ms};

use super::runner::{Failure, Reply, Runner};

/// Policy faults in a row that end the run.
pub const MAX_FAULTS_IN_A_ROW: u32 = 3;

impl<T: Transport, C: Clock> Runner<'_, T, C> {
    /// Lets the policy decide until `ramp_start` + its run length.
    pub(super) async fn decide(
        &self,
        planned: &PlannedPolicy,
        host: &dyn PolicyHost,
        ramp_start: f64,
    ) -> Result<(), Failure> {
        let plan = &planned.policy;
        self.stage.set(Stage::Ramp);
        let mut decider = decider_for(plan, host).await.map_err(|e| Failure {
            stage: Stage::Ramp,
            reason: format!("{} could not start: {e}", plan.policy.label()),
        })?;
        let mut governor = Governor::new(plan.rails.clone());
        let mut tracker = Tracker::new();
        let mut memory = Value::Object(Default::default());
        let mut metric: Option<MetricReading> = None;
        let mut known_capacity = self.summary(|s| s.last_capacity_requested).unwrap_or(0);
        let mut faults = 0u32;
        let every = plan.every_ms.max(1000) as f64;
        let end = ramp_start + plan.run_for_ms as f64;
        let mut tick: u64 = 0;
        loop {
            let due = ramp_start + tick as f64 * every;
            if due >= end {
                return Ok(());
            }
            sleep_until(self.client.clock(), due).await;
            let now = self.now();
            if now >= end {
                return Ok(());
            }
            let mut observation = Observation::empty((now - ramp_start) / 1000.0, now);
            observation.clouds = planned.clouds.clone();
            observation.memory = memory.clone();
            observation.desired = known_capacity;
            let look_failed = self.observe(&mut tracker, &mut observation).await;
            if let Some(spec) = &plan.metric {
                match host.read_metric(&spec.url, &spec.pointer).await {
                    Ok(value) => {
                        metric = Some(MetricReading {
                            value,
                            read_ms: self.now(),
                        })
                    }
                    Err(why) => observation.metric_problem = Some(why),
                }
            }
            let now = self.now();
            observation.metric = metric.map(|m| m.value);
            observation.metric_age_s = metric.map(|m| ((now - m.read_ms) / 1000.0).max(0.0));
            let brief = ObservedBrief {
                desired: observation.desired,
                running: observation.running,
                pending: observation.pending,
                failed: observation.failed,
                terminating: observation.terminating,
                metric: observation.metric,
                metric_age_ms: metric.map(|m| whole_ms(now - m.read_ms)),
                look_failed,
            };
            let decided = decider.decide(&observation).await;
            let now = self.now();
            let event = |outcome| {
                Event::Decision(DecisionMade {
                    at_ms: now,
                    tick,
                    offset_ms: whole_ms(due - ramp_start),
                    lateness_ms: whole_ms(observation.now_ms - due),
                    observed: brief.clone(),
                    outcome,
                })
            };
            match decided {
                Err(fault) => {
                    faults += 1;
                    self.emit(event(DecisionOutcome::Fault {
                        message: fault.to_string(),
                        line: fault.line(),
                        consecutive: faults,
                    }));
                    if faults >= MAX_FAULTS_IN_A_ROW {
                        return Err(Failure {
                            stage: Stage::Ramp,
                            reason: format!(
                                "the policy gave no decision {faults} times in a row (last: {fault})"
                            ),
                        });
                    }
                }
                Ok(decision) => {
                    faults = 0;
                    if let Some(m) = &decision.memory {
                        memory = m.clone();
                    }
                    let governed =
                        governor.govern(now, observation.desired, &observation, &decision);
                    self.emit(event(DecisionOutcome::Decided {
                        asked: decision.capacity,
                        reason: decision.reason.clone(),
                        set: governed.capacity,
                        replace: governed.replace.clone(),
                        rails: governed.notes.clone(),
                    }));
                    if let Some(capacity) = governed.capacity {
                        let request = Request::set_capacity(&self.domain, capacity);
                        match self.send_or_fail(Stage::Ramp, &request, false).await {
                            Ok(_) => known_capacity = capacity,
                            Err(failure)
                                if self.options.on_step_failure
                                    == OnStepFailure::StopAndTearDown =>
                            {
                                return Err(failure)
                            }
                            Err(_) => {}
                        }
                    }
                    for id in governed.replace {
                        let request = Request::TerminateInstanceInAutoScalingGroup(
                            TerminateInstanceInAutoScalingGroup {
                                instance_id: id,
                                should_decrement_desired_capacity: false,
                            },
                        );
                        // Journaled either way; a failed replacement leaves the VM as it was.
                        let _ = self.send(Stage::Ramp, &request, false).await;
                    }
                }
            }
            let behind = ((self.now() - ramp_start) / every).floor() as u64 + 1;
            tick = (tick + 1).max(behind);
        }
    }

    /// Describes the domain into `observation` (its desired capacity and VMs); the
    /// reason when it could not.
    async fn observe(
        &self,
        tracker: &mut Tracker,
        observation: &mut Observation,
    ) -> Option<String> {
        let describe =
            Request::DescribeAutoScalingGroups(crate::api::action::DescribeAutoScalingGroups {
                names: vec![self.domain.clone()],
            });
        match self.client.send(&describe, &mut |_| {}).await {
            Ok(response) => {
                let reply = Reply::Answer(response.output);
                let Reply::Answer(Answer::AutoScalingGroups(groups)) = reply else {
                    return Some("the describe answered something else".to_string());
                };
                match groups.iter().find(|g| g.name == self.domain) {
                    Some(group) => {
                        if let Some(d) = group.desired_capacity {
                            observation.desired = d;
                        }
                        let vms = tracker.observe(group, observation.now_ms);
                        observation.set_instances(vms);
                        None
                    }
                    None => Some(format!("domain {} is not listed", self.domain)),
                }
            }
            Err(e) => Some(e.to_string()),
        }
    }
}
