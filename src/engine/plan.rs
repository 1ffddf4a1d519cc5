//! The plan of a run: the exact requests, in order, as data.
//!
//! The sequence is the seed tutorial's, fixed:
//! 1. **Launch configurations**: DescribeLaunchConfigurations; then
//!    CreateLaunchConfiguration `base@cloud` for every cloud that is missing.
//! 2. **Domain**: DescribeAutoScalingGroups [domain]; when it exists and "replace" is on,
//!    DeleteAutoScalingGroup and DescribeAutoScalingGroups until it is gone; then
//!    CreateAutoScalingGroup with the policy tags (when "replace" is off, only if the
//!    domain is missing: an existing one is kept as it is).
//! 3. **Ramp**: one SetDesiredCapacity per step, at its offset from the ramp's start;
//!    or, for a policy shape, no fixed step: the [`PlannedPolicy`] decides every tick
//!    until the run length is over.
//! 4. **End**: SetDesiredCapacity with the final capacity after the hold; optionally
//!    DeleteAutoScalingGroup.
//!
//! Offsets ([`PlannedRequest::at_ms`]) count from the ramp's start: time 0 is the moment
//! the first SetDesiredCapacity is due, right after the domain is ready. The tutorial's
//! plan: capacities 1, 2, 3, 4 at 0, 10, 20, 30 s, then 0 at 90 s.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::api::action::{
    CreateAutoScalingGroup, CreateLaunchConfiguration, DeleteAutoScalingGroup,
    DescribeAutoScalingGroups, DescribeLaunchConfigurations, SetDesiredCapacity,
};
use crate::api::{Profile, Request, Tag};
use crate::engine::policy::CloudMax;
use crate::settings::num::format_seconds;
use crate::settings::{FieldError, Policy, Settings, ValidPolicy, Validated};

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
    /// Only if DescribeLaunchConfigurations did not list `name`.
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
    /// `None`: as soon as the previous request is done.
    pub at_ms: Option<u64>,
    /// The request, exactly as it will be signed.
    pub request: Request,
    /// When it is sent; `None`: always.
    pub condition: Option<Condition>,
}

impl PlannedRequest {
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

    /// "+10 s", "+1 min 30 s", or "after the previous" when not timed.
    pub fn when(&self) -> String {
        match self.at_ms {
            Some(ms) => format!("+{}", format_seconds(ms)),
            None => "after the previous".to_string(),
        }
    }
}

/// Everything a run will do, as data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The requests in order.
    pub requests: Vec<PlannedRequest>,
    /// Planned capacity over time: `(offset ms from the ramp's start, capacity)`, the
    /// ramp's steps and then the end.
    pub schedule: Vec<(u64, u32)>,
    /// The end's offset (last step + hold), in ms.
    pub end_ms: u64,
    /// The policy that decides from the ramp's start until the end, when the shape is a
    /// policy (then the only timed request is the end's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PlannedPolicy>,
}

/// A policy in a plan, with what its observations need from the settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPolicy {
    /// The policy, its rails and its metric.
    pub policy: ValidPolicy,
    /// The clouds and their maxima, in rank order.
    pub clouds: Vec<CloudMax>,
}

impl Plan {
    /// The plan of valid settings (see [`Settings::validated`]).
    pub fn build(v: &Validated) -> Plan {
        let mut requests = Vec::new();
        let aws = v.profile == Profile::AwsCompatible;
        let domain = v.domain.name.clone();
        let lc_name = |cloud: &str| format!("{}@{cloud}", v.launch.base_name);

        // 1. Launch configurations.
        requests.push(PlannedRequest {
            phase: Phase::LaunchConfigurations,
            at_ms: None,
            request: Request::DescribeLaunchConfigurations(DescribeLaunchConfigurations::default()),
            condition: None,
        });
        for cloud in &v.clouds {
            let name = lc_name(&cloud.name);
            requests.push(PlannedRequest {
                phase: Phase::LaunchConfigurations,
                at_ms: None,
                request: Request::CreateLaunchConfiguration(CreateLaunchConfiguration {
                    name: name.clone(),
                    image_id: v.launch.image_id.clone(),
                    instance_type: v.launch.instance_type.clone(),
                    key_name: v.launch.key_name.clone(),
                    security_groups: v.launch.security_groups.clone(),
                    user_data: v.launch.user_data.clone(),
                }),
                condition: Some(Condition::LaunchConfigurationMissing { name }),
            });
        }

        // 2. Domain.
        requests.push(PlannedRequest {
            phase: Phase::Domain,
            at_ms: None,
            request: Request::DescribeAutoScalingGroups(DescribeAutoScalingGroups {
                names: vec![domain.clone()],
            }),
            condition: None,
        });
        let create_condition = if v.domain.replace_existing {
            requests.push(PlannedRequest {
                phase: Phase::Domain,
                at_ms: None,
                request: Request::DeleteAutoScalingGroup(delete(&domain, aws)),
                condition: Some(Condition::DomainExists {
                    name: domain.clone(),
                }),
            });
            requests.push(PlannedRequest {
                phase: Phase::Domain,
                at_ms: None,
                request: Request::DescribeAutoScalingGroups(DescribeAutoScalingGroups {
                    names: vec![domain.clone()],
                }),
                condition: Some(Condition::UntilDomainGone {
                    name: domain.clone(),
                }),
            });
            None
        } else {
            Some(Condition::DomainMissing {
                name: domain.clone(),
            })
        };
        let minimum = v.domain.minimum_vms;
        let (min_size, max_size) = if aws {
            (minimum, v.highest_capacity())
        } else {
            (minimum, minimum)
        };
        let first_cloud = v
            .clouds
            .first()
            .map(|c| c.name.as_str())
            .unwrap_or_default();
        requests.push(PlannedRequest {
            phase: Phase::Domain,
            at_ms: None,
            request: Request::CreateAutoScalingGroup(CreateAutoScalingGroup {
                name: domain.clone(),
                launch_configuration_name: lc_name(first_cloud),
                min_size,
                max_size,
                desired_capacity: None,
                availability_zones: vec![v.domain.availability_zone.clone()],
                tags: domain_tags(v),
            }),
            condition: create_condition,
        });

        // 3. Ramp.
        let set = |capacity: u32| {
            Request::SetDesiredCapacity(SetDesiredCapacity {
                name: domain.clone(),
                desired_capacity: capacity,
                honor_cooldown: None,
            })
        };
        for &(at, capacity) in &v.ramp.steps {
            requests.push(PlannedRequest {
                phase: Phase::Ramp,
                at_ms: Some(at),
                request: set(capacity),
                condition: None,
            });
        }

        // 4. End.
        requests.push(PlannedRequest {
            phase: Phase::End,
            at_ms: Some(v.ramp.end_ms),
            request: set(v.ramp.final_capacity),
            condition: None,
        });
        if v.ramp.delete_domain {
            requests.push(PlannedRequest {
                phase: Phase::End,
                at_ms: None,
                request: Request::DeleteAutoScalingGroup(delete(&domain, aws)),
                condition: None,
            });
        }

        let mut schedule = v.ramp.steps.clone();
        schedule.push((v.ramp.end_ms, v.ramp.final_capacity));
        Plan {
            requests,
            schedule,
            end_ms: v.ramp.end_ms,
            policy: v.ramp.policy.clone().map(|policy| PlannedPolicy {
                policy,
                clouds: v
                    .clouds
                    .iter()
                    .map(|c| CloudMax {
                        name: c.name.clone(),
                        max: c.max_vms,
                    })
                    .collect(),
            }),
        }
    }

    /// Validates `settings` and plans them; the problems otherwise.
    pub fn from_settings(settings: &Settings) -> Result<Plan, Vec<FieldError>> {
        settings.validated().map(|v| Plan::build(&v))
    }

    /// The highest planned capacity.
    pub fn peak(&self) -> u32 {
        self.schedule.iter().map(|s| s.1).max().unwrap_or(0)
    }

    /// The domain the plan drives: the first one a request names.
    pub fn domain(&self) -> Option<String> {
        self.requests.iter().find_map(|p| match &p.request {
            Request::SetDesiredCapacity(a) => Some(a.name.clone()),
            Request::CreateAutoScalingGroup(a) => Some(a.name.clone()),
            Request::DeleteAutoScalingGroup(a) => Some(a.name.clone()),
            Request::DescribeAutoScalingGroups(a) => a.names.first().cloned(),
            _ => None,
        })
    }
}

fn delete(domain: &str, aws: bool) -> DeleteAutoScalingGroup {
    DeleteAutoScalingGroup {
        name: domain.to_string(),
        // AWS refuses to delete a group with instances unless forced; Phantom always
        // terminates them and does not read the parameter.
        force_delete: aws.then_some(true),
    }
}

/// The domain's tags, in the tutorial's order: `PHANTOM_DEFINITION`, `clouds`,
/// `minimum_vms`. `sensor_engine` takes no `clouds` key (Phantom rejects unknown keys;
/// it runs on the first cloud, named by the launch configuration) but its sensor keys.
fn domain_tags(v: &Validated) -> Vec<Tag> {
    let d = &v.domain;
    let tag = |k: &str, val: &str| Tag::for_domain(&d.name, k, val);
    let mut tags = vec![tag("PHANTOM_DEFINITION", d.policy.as_str())];
    if d.policy == Policy::ErrorOverflowNPreserving {
        let clouds: Vec<String> = v
            .clouds
            .iter()
            .map(|c| format!("{}:{}", c.name, c.max_vms))
            .collect();
        tags.push(tag("clouds", &clouds.join(",")));
    }
    tags.push(tag("minimum_vms", &d.minimum_vms.to_string()));
    if let Some(s) = &d.sensor {
        tags.push(tag("metric", &s.metric));
        tags.push(tag("sample_function", &s.sample_function));
        tags.push(tag("sensor_type", "opentsdb"));
        tags.push(tag("scale_up_threshold", &s.scale_up_threshold));
        tags.push(tag("scale_down_threshold", &s.scale_down_threshold));
        tags.push(tag("scale_up_n_vms", &s.scale_up_n_vms.to_string()));
        tags.push(tag("scale_down_n_vms", &s.scale_down_n_vms.to_string()));
        tags.push(tag("cooldown_period", &s.cooldown_s.to_string()));
    }
    tags
}
