//! The dry run: a plan's policy on a virtual clock against a model of the domain, before
//! any request is sent, so a person sees what their policy would do (the chart of
//! decided capacity, running VMs and the metric, and the decisions as log lines) in
//! well under a second for a simulated hour.
//!
//! Why it can be trusted: every tick is the live run's tick
//! (`engine::run::decide`) with the server and the metric URL swapped for the
//! [`SimModel`]. The same [`decider_for`] makes the policy, the same
//! [`Tracker`] says how long each VM has been in its state, and the same
//! [`Ticker`](crate::engine::policy::Ticker) counts faults, keeps memory and holds the
//! decision to the rails; the journal entries are the live run's
//! [`Event::Decision`]s, so `report::decisions::decision_line` writes the same lines.
//! Time does not pass between ticks (no sleeping): the model is read at each tick's
//! due time, and answers take no time, so no tick is late or dropped.
//!
//! What the model plays ([`model`]): Phantom's n-preserving domain filling the clouds
//! in rank order, VMs pending for the boot time, failures at a rate per VM drawn from a
//! seeded generator ([`rng`]), replacements. The metric is the model's [`MetricTrace`] at the
//! tick (read only when the policy has a metric, as the live run reads its URL only
//! then); the host serves only a custom policy's sandbox and time-zone offsets.
//!
//! The end is the live run's: after the run length, the final capacity; after
//! [`MAX_FAULTS_IN_A_ROW`](crate::engine::policy::MAX_FAULTS_IN_A_ROW) faults in a row, the teardown's capacity 0.

pub mod model;
pub mod rng;

use serde::{Deserialize, Serialize};

use crate::engine::journal::{DecisionOutcome, Event};
use crate::engine::plan::PlannedPolicy;
use crate::engine::policy::tick::{decision_made, next_tick, with_metric};
use crate::engine::policy::{
    decider_for, CloudMax, MetricReading, Observation, PolicyHost, Ticker, Tracker,
};
use crate::settings::ValidSimulation;

pub use crate::settings::trace::{MetricTrace, Pattern, TraceError};
pub use model::SimDomain;

/// The domain the dry run plays.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SimModel {
    /// A VM is pending this long after it is started, s.
    pub boot_s: f64,
    /// The clouds with their maxima, in rank order.
    pub clouds: Vec<CloudMax>,
    /// Failures per VM per hour once it runs (0: none); each VM's time of failure is
    /// drawn when it starts.
    pub failure_rate_per_hour: f64,
    /// The generator's seed: the same seed, the same failures.
    pub seed: u64,
    /// The metric.
    pub trace: MetricTrace,
}

impl SimModel {
    /// The model a person described in the Simulation section, on the plan's clouds
    /// (their maxima in rank order, as the live domain fills them).
    pub fn of(valid: &ValidSimulation, clouds: &[CloudMax]) -> Self {
        Self {
            boot_s: valid.boot_s,
            clouds: clouds.to_vec(),
            failure_rate_per_hour: valid.failure_rate_per_hour,
            seed: valid.seed,
            trace: valid.trace.clone(),
        }
    }
}

/// The chart's values at one tick (and a last point at the end).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimPoint {
    /// Seconds since the policy's start.
    pub t_s: f64,
    /// The desired capacity after this tick's decision and the rails.
    pub decided: u32,
    /// VMs running as the policy saw them at this tick.
    pub running: u32,
    /// The metric as the policy saw it; `None` when it reads none.
    pub metric: Option<f64>,
}

/// What a dry run did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SimOutcome {
    /// One point per tick, then one at the end with the final capacity.
    pub series: Vec<SimPoint>,
    /// [`Event::Decision`] per tick, exactly as the live run journals them.
    pub events: Vec<Event>,
    /// Faults in all (not only in a row).
    pub faults: u32,
    /// The faults in a row ended the run (then the capacity went to 0, as a teardown).
    pub ended_by_faults: bool,
    /// Why the run failed, in the live run's words: the policy could not start, or
    /// gave no decision too many times in a row; `None` when it completed.
    pub failure: Option<String>,
    /// When it ended, s since the policy's start.
    pub end_s: f64,
    /// VMs the model started in all (replacements included).
    pub vms_started: u64,
}

/// Runs `plan`'s policy against `model` from `start_ms` (ms since the epoch: what the
/// policy sees as the wall clock, which matters to schedule windows) until its run
/// length, then sets `final_capacity`. `host` starts a custom policy and answers
/// time-zone offsets; its metric is never read (the model's trace is).
pub async fn simulate(
    plan: &PlannedPolicy,
    final_capacity: u32,
    model: &SimModel,
    host: &dyn PolicyHost,
    start_ms: f64,
) -> SimOutcome {
    let policy = &plan.policy;
    let mut out = SimOutcome::default();
    let mut domain = SimDomain::new(
        &model.clouds,
        model.boot_s,
        model.failure_rate_per_hour,
        model.seed,
    );
    let mut decider = match decider_for(policy, host).await {
        Ok(d) => d,
        Err(e) => {
            out.failure = Some(format!("{} could not start: {e}", policy.policy.label()));
            return out;
        }
    };
    let mut ticker = Ticker::new(policy.rails.clone());
    let mut tracker = Tracker::new();
    let mut metric: Option<MetricReading> = None;
    let every = policy.every_ms.max(1000) as f64;
    let end = start_ms + policy.run_for_ms as f64;
    let seconds = |ms: f64| (ms - start_ms) / 1000.0;
    let mut tick: u64 = 0;
    loop {
        let due = start_ms + tick as f64 * every;
        if due >= end {
            break;
        }
        // No time passes within a tick: it wakes, looks, reads and decides at `due`.
        let now = due;
        let t_s = seconds(now);
        let mut observation = Observation::empty(t_s, now);
        observation.clouds = plan.clouds.clone();
        observation.memory = ticker.memory().clone();
        let group = domain.group(t_s);
        observation.desired = domain.desired();
        observation.set_instances(tracker.observe(&group, now));
        if policy.metric.is_some() {
            match model.trace.at(t_s) {
                Some(value) => {
                    metric = Some(MetricReading {
                        value,
                        read_ms: now,
                    })
                }
                None => {
                    observation.metric_problem =
                        Some("the simulation has no metric trace".to_string())
                }
            }
        }
        let brief = with_metric(&mut observation, metric, now, None);
        let decided = decider.decide(&observation).await;
        let settled = ticker.settle(now, &observation, decided);
        if matches!(settled.outcome, DecisionOutcome::Fault { .. }) {
            out.faults += 1;
        }
        out.events.push(Event::Decision(decision_made(
            now,
            tick,
            start_ms,
            due,
            now,
            brief,
            settled.outcome,
        )));
        if let Some(reason) = settled.give_up {
            // The live run's teardown: capacity 0.
            domain.set_desired(t_s, 0);
            out.series.push(SimPoint {
                t_s,
                decided: 0,
                running: observation.running,
                metric: observation.metric,
            });
            out.ended_by_faults = true;
            out.failure = Some(reason);
            out.end_s = t_s;
            out.vms_started = domain.started();
            return out;
        }
        if let Some(governed) = settled.governed {
            if let Some(capacity) = governed.capacity {
                domain.set_desired(t_s, capacity);
            }
            for id in &governed.replace {
                domain.replace(t_s, id);
            }
        }
        out.series.push(SimPoint {
            t_s,
            decided: domain.desired(),
            running: observation.running,
            metric: observation.metric,
        });
        tick = next_tick(tick, now, start_ms, every);
    }
    let t_end = seconds(end);
    domain.set_desired(t_end, final_capacity);
    out.series.push(SimPoint {
        t_s: t_end,
        decided: final_capacity,
        running: domain.running_at(t_end),
        metric: metric.map(|m| m.value),
    });
    out.end_s = t_end;
    out.vms_started = domain.started();
    out
}
