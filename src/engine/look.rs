//! One look at a domain: DescribeAutoScalingGroups of it, with the client's retries, as
//! a [`MonitorResult`] (its DesiredCapacity and VMs counted by cloud × state, "not
//! listed", or why the describe failed). The run's monitor and the convergence watch
//! after a run journal it as an [`Event::Monitor`](crate::engine::journal::Event::Monitor).
//! A read: no request is journaled.

use crate::api::action::DescribeAutoScalingGroups;
use crate::api::{Client, Clock, Transport};
use crate::engine::journal::{count_instances, ErrorInfo, InstanceState, MonitorResult};

/// Describes `domain` once and says what it found.
pub(crate) async fn look_at_domain<T: Transport, C: Clock>(
    client: &Client<T, C>,
    domain: &str,
) -> MonitorResult {
    let describe = DescribeAutoScalingGroups {
        names: vec![domain.to_string()],
    };
    let mut attempts = 0;
    match client.call(&describe, &mut |_| attempts += 1).await {
        Ok(r) => match r.output.iter().find(|g| g.name == domain) {
            Some(g) => MonitorResult::Domain {
                desired_capacity: g.desired_capacity,
                instances: u32::try_from(g.instances.len()).unwrap_or(u32::MAX),
                counts: count_instances(&g.instances),
            },
            None => MonitorResult::Missing,
        },
        Err(e) => MonitorResult::Failed {
            error: ErrorInfo::from(&e),
            attempts,
        },
    }
}

/// The VMs a look counted that are neither terminating nor terminated (requested,
/// starting, running, failed, other): what still runs, or will. `None` when the look
/// failed; 0 when the domain is not listed.
pub(crate) fn live_vms(result: &MonitorResult) -> Option<u32> {
    match result {
        MonitorResult::Domain { counts, .. } => Some(
            counts
                .iter()
                .filter(|c| {
                    !matches!(
                        c.category,
                        InstanceState::Terminating | InstanceState::Terminated
                    )
                })
                .map(|c| c.count)
                .sum(),
        ),
        MonitorResult::Missing => Some(0),
        MonitorResult::Failed { .. } => None,
    }
}
