//! "Test connection": the first thing a user does with new credentials. Two signed reads
//! that change nothing, reported in plain words.

use super::action::{DescribeAutoScalingGroups, DescribeLaunchConfigurations};
use super::client::{Attempt, Client};
use super::clock::Clock;
use super::error::ApiError;
use super::transport::Transport;

/// What a successful connection test found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionReport {
    /// Launch configurations visible to these credentials.
    pub launch_configurations: usize,
    /// Domains (auto scaling groups) visible to these credentials.
    pub domains: usize,
    /// Correction applied to the local clock, in seconds (0 when none was needed).
    pub clock_offset_seconds: i64,
}

impl ConnectionReport {
    /// One sentence for the page.
    pub fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut text = format!(
            "Connected: {} and {} exist.",
            plural(
                self.launch_configurations,
                "launch configuration",
                "launch configurations"
            ),
            plural(self.domains, "domain", "domains"),
        );
        if self.clock_offset_seconds != 0 {
            text.push_str(&format!(
                " This computer's clock is {} s {} the server's; requests are signed with the server's time.",
                self.clock_offset_seconds.abs(),
                if self.clock_offset_seconds > 0 { "behind" } else { "ahead of" },
            ));
        }
        text
    }
}

/// Signs and sends DescribeLaunchConfigurations and DescribeAutoScalingGroups.
pub async fn test_connection<T: Transport, C: Clock>(
    client: &Client<T, C>,
    on_attempt: &mut dyn FnMut(&Attempt),
) -> Result<ConnectionReport, ApiError> {
    let launch_configurations = client
        .call(&DescribeLaunchConfigurations::default(), on_attempt)
        .await?
        .output
        .len();
    let domains = client
        .call(&DescribeAutoScalingGroups::default(), on_attempt)
        .await?
        .output
        .len();
    Ok(ConnectionReport {
        launch_configurations,
        domains,
        clock_offset_seconds: client.clock_offset_seconds(),
    })
}
