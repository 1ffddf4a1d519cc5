//! Keep healthy: hold a capacity and replace the VMs that will not serve, failed ones
//! and ones stuck booting, by terminating them without lowering the desired capacity
//! (the domain then starts new ones). The rails bound how many per window, so a cloud
//! that fails every VM is not asked for an endless stream of them.

use super::Builtin;
use crate::engine::journal::InstanceState;
use crate::engine::policy::decision::Decision;
use crate::engine::policy::observation::Observation;

/// The keep-healthy policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeepHealthy {
    /// The capacity to keep.
    pub capacity: u32,
    /// A VM pending for longer than this is replaced, ms.
    pub stuck_after_ms: u64,
}

impl Builtin for KeepHealthy {
    fn decide_now(&mut self, o: &Observation) -> Decision {
        let mut failed = Vec::new();
        let mut stuck = Vec::new();
        for vm in o.instances.iter().filter(|vm| !vm.id.is_empty()) {
            match vm.state {
                InstanceState::Failed => failed.push(vm.id.clone()),
                InstanceState::Pending if vm.since_s * 1000.0 > self.stuck_after_ms as f64 => {
                    stuck.push(vm.id.clone())
                }
                _ => {}
            }
        }
        // The reason says what the policy saw: the log line already reads
        // "keep N" (or "set N") before it.
        let mut problems = Vec::new();
        if !failed.is_empty() {
            problems.push(format!("failed {}", failed.join(", ")));
        }
        if !stuck.is_empty() {
            problems.push(format!(
                "{} booting for over {} s",
                stuck.join(", "),
                self.stuck_after_ms / 1000
            ));
        }
        let reason = if problems.is_empty() {
            "all healthy".to_string()
        } else {
            problems.join("; ")
        };
        let mut decision = Decision::set(self.capacity, reason);
        decision.replace = failed.into_iter().chain(stuck).collect();
        decision
    }
}
