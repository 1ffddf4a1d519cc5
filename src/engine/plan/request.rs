//! One request of a plan: its [`Phase`], its [`Condition`], its round, and how the
//! preview shows it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::api::Request;
use crate::settings::num::format_seconds;

/// The part of a run a request belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Describe and create the launch configurations.
    LaunchConfigurations,
    /// Describe, delete and create the domain.
    Domain,
    /// The timed capacity steps.
    Ramp,
    /// The final capacity and the optional teardown.
    End,
}

impl Phase {
    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Phase::LaunchConfigurations => "Launch configurations",
            Phase::Domain => "Domain",
            Phase::Ramp => "Ramp",
            Phase::End => "End",
        }
    }
}

/// When a request is sent at all (or how often): decided by the answers of earlier
/// requests in the same run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Condition {
    /// Only if the launch configuration `name` is missing. Sent without a describe
    /// first: the server refuses a name it has ("Name already in use", AWS
    /// `AlreadyExists`), which counts as skipped. (A plan with a
    /// DescribeLaunchConfigurations in an earlier round skips what it listed.)
    LaunchConfigurationMissing {
        /// `base@cloud`.
        name: String,
    },
    /// Only if DescribeAutoScalingGroups listed the domain.
    DomainExists {
        /// Domain name.
        name: String,
    },
    /// Only if the domain existed (and was deleted): repeated until it is no longer
    /// listed.
    UntilDomainGone {
        /// Domain name.
        name: String,
    },
    /// Only if DescribeAutoScalingGroups did not list the domain (replace is off).
    DomainMissing {
        /// Domain name.
        name: String,
    },
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::LaunchConfigurationMissing { name } => {
                write!(f, "only if {name} is missing")
            }
            Condition::DomainExists { name } => write!(f, "only if {name} exists"),
            Condition::UntilDomainGone { name } => {
                write!(f, "only if {name} existed; repeated until it is gone")
            }
            Condition::DomainMissing { name } => write!(f, "only if {name} is missing"),
        }
    }
}

/// One request of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRequest {
    /// The part of the run.
    pub phase: Phase,
    /// For ramp and end requests: the planned offset from the ramp's start, in ms.
    /// `None`: as soon as the previous request (or round) is done.
    pub at_ms: Option<u64>,
    /// The setup's round, 1, 2, …: the consecutive requests of one round do not depend
    /// on each other and go out together; the next round starts when all of them are
    /// answered (see [`super`]). `None` (timed steps, the end): one after the other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// The request, exactly as it will be signed.
    pub request: Request,
    /// When it is sent; `None`: always.
    pub condition: Option<Condition>,
}

impl PlannedRequest {
    /// A setup request of round `round`, untimed.
    pub fn in_round(
        round: u32,
        phase: Phase,
        request: Request,
        condition: Option<Condition>,
    ) -> Self {
        Self {
            phase,
            at_ms: None,
            round: Some(round),
            request,
            condition,
        }
    }

    /// A one-line summary of the request's content for a table.
    pub fn summary(&self) -> String {
        match &self.request {
            Request::DescribeLaunchConfigurations(r) if r.names.is_empty() => {
                "all launch configurations".to_string()
            }
            Request::DescribeLaunchConfigurations(r) => r.names.join(", "),
            Request::CreateLaunchConfiguration(r) => {
                let mut s = format!("{}: image {}, {}", r.name, r.image_id, r.instance_type);
                if let Some(k) = &r.key_name {
                    s.push_str(&format!(", key {k}"));
                }
                if !r.security_groups.is_empty() {
                    s.push_str(&format!(", groups {}", r.security_groups.join(" ")));
                }
                if let Some(u) = &r.user_data {
                    s.push_str(&format!(", user data {} bytes", u.len()));
                }
                s
            }
            Request::DescribeAutoScalingGroups(r) => r.names.join(", "),
            Request::DeleteAutoScalingGroup(r) => match r.force_delete {
                Some(true) => format!("{} (ForceDelete)", r.name),
                _ => r.name.clone(),
            },
            Request::CreateAutoScalingGroup(r) => {
                let tags: Vec<String> = r
                    .tags
                    .iter()
                    .map(|t| format!("{}={}", t.key, t.value))
                    .collect();
                format!(
                    "{} from {}, MinSize {}, MaxSize {}, zone {}; tags {}",
                    r.name,
                    r.launch_configuration_name,
                    r.min_size,
                    r.max_size,
                    r.availability_zones.join(" "),
                    tags.join(", ")
                )
            }
            Request::SetDesiredCapacity(r) => format!("{} → {}", r.name, r.desired_capacity),
            other => other.name().to_string(),
        }
    }

    /// "+10 s", "+1 min 30 s"; for the setup "at the start" or "after round 1";
    /// otherwise "after the previous".
    pub fn when(&self) -> String {
        match (self.at_ms, self.round) {
            (Some(ms), _) => format!("+{}", format_seconds(ms)),
            (None, Some(0 | 1)) => "at the start".to_string(),
            (None, Some(round)) => format!("after round {}", round - 1),
            (None, None) => "after the previous".to_string(),
        }
    }

    /// The round as the preview shows it: "1", or "" without one.
    pub fn round_label(&self) -> String {
        self.round.map(|r| r.to_string()).unwrap_or_default()
    }
}
