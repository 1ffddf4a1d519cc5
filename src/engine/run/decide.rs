//! The policy's ticks: from the ramp's start until the run length is over, at every
//! tick (ramp start + k × interval, so ticks never drift; ticks missed by a slow answer
//! are dropped, never bunched) the domain is described and the metric read, the policy
//! decides, the [`Governor`](crate::engine::policy::Governor) holds the decision to the rails, and what is left is sent:
//! a SetDesiredCapacity when the capacity changes, a TerminateInstanceInAutoScalingGroup
//! without decrement per VM replaced. Every decision is journaled, what was sent or not
//! and why.
//!
//! Safety: a policy fault (a throw, a time-out, a malformed answer) holds the capacity
//! at that tick; [`MAX_FAULTS_IN_A_ROW`](crate::engine::policy::MAX_FAULTS_IN_A_ROW) in
//! a row end the run with the teardown a failed step gets. A capacity that still fails after the client's retries does what
//! [`OnStepFailure`] says; a replacement that fails is logged and the run goes on (the
//! VM is no worse off than before). A describe that fails makes the policy decide from
//! the last capacity this run knew, and the log says so.
//!
//! What a tick does with the policy's answer (faults, memory, rails, the journal entry)
//! is [`crate::engine::policy::tick`], which the dry run ([`crate::engine::simulate`])
//! shares, so a simulation decides as the run will.

use crate::api::action::TerminateInstanceInAutoScalingGroup;
use crate::api::{Answer, Clock, Request, Transport};
use crate::engine::journal::{Event, Stage};
use crate::engine::options::OnStepFailure;
use crate::engine::plan::PlannedPolicy;
use crate::engine::policy::tick::{decision_made, next_tick, with_metric};
use crate::engine::policy::{decider_for, MetricReading, Observation, PolicyHost, Ticker, Tracker};
use crate::engine::timing::sleep_until;

use super::runner::{Failure, Reply, Runner};

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
        // Faults, memory and the rails: the same per-tick logic as the dry run's.
        let mut ticker = Ticker::new(plan.rails.clone());
        let mut tracker = Tracker::new();
        let mut metric: Option<MetricReading> = None;
        let mut known_capacity = self.summary(|s| s.last_capacity_requested).unwrap_or(0);
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
            observation.memory = ticker.memory().clone();
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
            let brief = with_metric(&mut observation, metric, self.now(), look_failed);
            let decided = decider.decide(&observation).await;
            let now = self.now();
            let settled = ticker.settle(now, &observation, decided);
            self.emit(Event::Decision(decision_made(
                now,
                tick,
                ramp_start,
                due,
                observation.now_ms,
                brief,
                settled.outcome,
            )));
            if let Some(reason) = settled.give_up {
                return Err(Failure {
                    stage: Stage::Ramp,
                    reason,
                });
            }
            if let Some(governed) = settled.governed {
                if let Some(capacity) = governed.capacity {
                    let request = Request::set_capacity(&self.domain, capacity);
                    match self.send_or_fail(Stage::Ramp, &request, false).await {
                        Ok(_) => known_capacity = capacity,
                        Err(failure)
                            if self.options.on_step_failure == OnStepFailure::StopAndTearDown =>
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
            tick = next_tick(tick, self.now(), ramp_start, every);
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
