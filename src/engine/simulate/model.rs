//! The dry run's domain: Phantom's `error_overflow_n_preserving` as the local endpoint
//! (`tests/phantom-sim`) plays it, reduced to what a policy can see. The desired
//! capacity is kept by count: clouds are filled in rank order up to each maximum, a
//! scale-down starts from the lowest-ranked cloud (a failed VM first, then the newest),
//! and a failed VM still counts, so only a replacement (a terminate without decrement)
//! brings a healthy one back. A VM is `400-PENDING` for the boot time, then
//! `600-RUNNING`, then perhaps `850-FAILED` at a time drawn when it was started.
//!
//! Simplified on purpose: a terminated VM is gone at once (no `800-TERMINATING` phase,
//! so its slot is free for its replacement at once), and a VM has its id from the start
//! (real Phantom may list it without one while it boots).

use crate::api::{AutoScalingGroup, Instance};
use crate::engine::policy::CloudMax;

use super::rng::SplitMix64;

/// Phantom's states, as the live run reads them.
const PENDING: &str = "400-PENDING";
const RUNNING: &str = "600-RUNNING";
const FAILED: &str = "850-FAILED";

/// One simulated VM.
#[derive(Clone, Debug)]
struct SimVm {
    /// Start order, from 1 (its id is `sim-<seq>`).
    seq: u64,
    id: String,
    /// Its cloud's rank, from 0.
    cloud: usize,
    /// Running from then on, s since the start.
    running_s: f64,
    /// Failed from then on, if ever.
    failed_s: Option<f64>,
}

impl SimVm {
    fn failed_at(&self, t_s: f64) -> bool {
        self.failed_s.is_some_and(|f| t_s >= f)
    }

    fn state_at(&self, t_s: f64) -> &'static str {
        if t_s < self.running_s {
            PENDING
        } else if self.failed_at(t_s) {
            FAILED
        } else {
            RUNNING
        }
    }
}

/// The simulated domain.
#[derive(Clone, Debug)]
pub struct SimDomain {
    clouds: Vec<CloudMax>,
    boot_s: f64,
    failures_per_s: f64,
    rng: SplitMix64,
    desired: u32,
    vms: Vec<SimVm>,
    started: u64,
}

impl SimDomain {
    /// An empty domain (desired 0, as the plan creates it) on `clouds` in rank order;
    /// a VM boots for `boot_s` and then fails at `failure_rate_per_hour` on average,
    /// drawn from `seed`.
    pub fn new(clouds: &[CloudMax], boot_s: f64, failure_rate_per_hour: f64, seed: u64) -> Self {
        Self {
            clouds: clouds.to_vec(),
            boot_s: if boot_s.is_finite() {
                boot_s.max(0.0)
            } else {
                0.0
            },
            failures_per_s: failure_rate_per_hour / 3600.0,
            rng: SplitMix64::new(seed),
            desired: 0,
            vms: Vec::new(),
            started: 0,
        }
    }

    /// The desired capacity (what the last SetDesiredCapacity set).
    pub fn desired(&self) -> u32 {
        self.desired
    }

    /// VMs started so far.
    pub fn started(&self) -> u64 {
        self.started
    }

    /// SetDesiredCapacity `capacity` at `t_s`.
    pub fn set_desired(&mut self, t_s: f64, capacity: u32) {
        self.desired = capacity;
        self.reconcile(t_s);
    }

    /// TerminateInstanceInAutoScalingGroup `id` without decrement at `t_s`: the VM goes
    /// and another starts. Whether there was such a VM.
    pub fn replace(&mut self, t_s: f64, id: &str) -> bool {
        let before = self.vms.len();
        self.vms.retain(|vm| vm.id != id);
        let found = self.vms.len() != before;
        if found {
            self.reconcile(t_s);
        }
        found
    }

    /// VMs running at `t_s`.
    pub fn running_at(&self, t_s: f64) -> u32 {
        let n = self
            .vms
            .iter()
            .filter(|vm| vm.state_at(t_s) == RUNNING)
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The domain as DescribeAutoScalingGroups would list it at `t_s`, VMs in start
    /// order.
    pub fn group(&self, t_s: f64) -> AutoScalingGroup {
        AutoScalingGroup {
            name: "simulation".to_string(),
            desired_capacity: Some(self.desired),
            min_size: Some(self.desired),
            max_size: Some(self.desired),
            instances: self
                .vms
                .iter()
                .map(|vm| {
                    let state = vm.state_at(t_s);
                    Instance {
                        instance_id: vm.id.clone(),
                        availability_zone: self.clouds[vm.cloud].name.clone(),
                        lifecycle_state: state.to_string(),
                        health_status: if state == FAILED {
                            "Unhealthy"
                        } else {
                            "Healthy"
                        }
                        .to_string(),
                        launch_configuration_name: String::new(),
                    }
                })
                .collect(),
            ..AutoScalingGroup::default()
        }
    }

    /// Phantom's decision round: as many VMs as desired, within the clouds' maxima.
    fn reconcile(&mut self, t_s: f64) {
        let desired = self.desired as usize;
        let count = |vms: &[SimVm], k: usize| vms.iter().filter(|vm| vm.cloud == k).count();
        if self.vms.len() < desired {
            let mut left = desired - self.vms.len();
            for k in 0..self.clouds.len() {
                let room = (self.clouds[k].max as usize).saturating_sub(count(&self.vms, k));
                for _ in 0..room.min(left) {
                    self.start(t_s, k);
                }
                left -= room.min(left);
                if left == 0 {
                    break;
                }
            }
        } else if self.vms.len() > desired {
            let mut left = self.vms.len() - desired;
            for k in (0..self.clouds.len()).rev() {
                // Failed first, then the newest.
                let mut here: Vec<(bool, u64)> = self
                    .vms
                    .iter()
                    .filter(|vm| vm.cloud == k)
                    .map(|vm| (!vm.failed_at(t_s), u64::MAX - vm.seq))
                    .collect();
                here.sort_unstable();
                let gone: Vec<u64> = here
                    .iter()
                    .take(left)
                    .map(|&(_, rev)| u64::MAX - rev)
                    .collect();
                left -= gone.len();
                self.vms.retain(|vm| !gone.contains(&vm.seq));
                if left == 0 {
                    break;
                }
            }
        }
    }

    fn start(&mut self, t_s: f64, cloud: usize) {
        self.started += 1;
        let running_s = t_s + self.boot_s;
        let failed_s = self
            .rng
            .exponential(self.failures_per_s)
            .map(|after| running_s + after);
        self.vms.push(SimVm {
            seq: self.started,
            id: format!("sim-{}", self.started),
            cloud,
            running_s,
            failed_s,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clouds() -> Vec<CloudMax> {
        vec![
            CloudMax {
                name: "hotel".into(),
                max: 2,
            },
            CloudMax {
                name: "sierra".into(),
                max: 3,
            },
        ]
    }

    fn per_cloud(d: &SimDomain) -> Vec<String> {
        d.group(0.0)
            .instances
            .into_iter()
            .map(|i| format!("{}@{}", i.instance_id, i.availability_zone))
            .collect()
    }

    #[test]
    fn fills_in_rank_order_and_shrinks_from_the_lowest_rank() {
        let mut d = SimDomain::new(&clouds(), 0.0, 0.0, 1);
        d.set_desired(0.0, 9);
        assert_eq!(d.group(0.0).instances.len(), 5, "capped by the maxima");
        d.set_desired(0.0, 3);
        assert_eq!(
            per_cloud(&d),
            ["sim-1@hotel", "sim-2@hotel", "sim-3@sierra"]
        );
        d.set_desired(0.0, 1);
        assert_eq!(per_cloud(&d), ["sim-1@hotel"]);
    }

    #[test]
    fn boots_then_runs_and_a_replacement_boots_anew() {
        let mut d = SimDomain::new(&clouds(), 30.0, 0.0, 1);
        d.set_desired(0.0, 1);
        assert_eq!(d.group(29.0).instances[0].lifecycle_state, PENDING);
        assert_eq!(d.running_at(30.0), 1);
        assert!(d.replace(40.0, "sim-1"));
        assert!(!d.replace(40.0, "sim-1"));
        let g = d.group(41.0);
        assert_eq!(g.instances[0].instance_id, "sim-2");
        assert_eq!(g.instances[0].lifecycle_state, PENDING);
    }
}
