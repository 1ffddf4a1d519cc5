//! The plan of a run: the exact requests, in order, as data.
//!
//! The setup does the seed tutorial's work at the round-trip limit: requests that do not
//! depend on each other form one **round** ([`PlannedRequest::round`]) and go out
//! together; a round starts when the previous one is answered.
//! 1. **Round 1**: CreateLaunchConfiguration `base@cloud` for every cloud, and
//!    DescribeAutoScalingGroups [domain]. A launch configuration that exists already is
//!    refused by the server ("Name already in use", AWS `AlreadyExists`) and counts as
//!    skipped: the server's own answer is what the tutorial's DescribeLaunchConfigurations
//!    was asked first for, so that describe is not sent, and the creates need not wait
//!    for it. (It also closes the gap between a describe and a create in which someone
//!    else could create the name.)
//! 2. **Round 2**: when the domain exists and "replace" is on, DeleteAutoScalingGroup;
//!    when "replace" is off, CreateAutoScalingGroup if the domain is missing (an
//!    existing one is kept as it is).
//! 3. **Round 3** (only after a delete): DescribeAutoScalingGroups until the domain is
//!    gone. Neither Phantom nor AWS says in the delete's answer that it is gone (AWS
//!    deletes a group with instances for minutes), and creating the name again before
//!    is refused or, worse, races the deletion.
//! 4. **Round 4**: CreateAutoScalingGroup with the policy tags.
//!
//! CreateAutoScalingGroup names its launch configuration (Phantom and AWS refuse one they
//! do not know), so it waits for the creates, which the describe does not gate: two
//! round trips where nothing exists is the limit; four where a domain is replaced
//! (describe, delete, describe, create; the launch configurations go with the first).
//! Skipped rounds cost nothing: a fresh server sees rounds 1 and 4 only.
//!
//! Then:
//! 5. **Ramp**: one SetDesiredCapacity per step, at its offset from the ramp's start;
//!    or, for a policy shape, no fixed step: the [`PlannedPolicy`] decides every tick
//!    until the run length is over.
//! 6. **End**: SetDesiredCapacity with the final capacity after the hold; optionally
//!    DeleteAutoScalingGroup. These have no round: one after the other.
//!
//! Offsets ([`PlannedRequest::at_ms`]) count from the ramp's start: time 0 is the moment
//! the first SetDesiredCapacity is due, right after the domain is ready. The tutorial's
//! plan: capacities 1, 2, 3, 4 at 0, 10, 20, 30 s, then 0 at 90 s.

mod request;

use serde::{Deserialize, Serialize};

use crate::api::action::{
    CreateAutoScalingGroup, CreateLaunchConfiguration, DeleteAutoScalingGroup,
    DescribeAutoScalingGroups, SetDesiredCapacity,
};
use crate::api::{Profile, Request, Tag};
use crate::engine::policy::CloudMax;
use crate::settings::{FieldError, Policy, Settings, ValidPolicy, Validated};

pub use request::{Condition, Phase, PlannedRequest};

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

        // Round 1: the launch configurations, and whether the domain exists.
        for cloud in &v.clouds {
            let name = lc_name(&cloud.name);
            requests.push(PlannedRequest::in_round(
                1,
                Phase::LaunchConfigurations,
                Request::CreateLaunchConfiguration(CreateLaunchConfiguration {
                    name: name.clone(),
                    image_id: v.launch.image_id.clone(),
                    instance_type: v.launch.instance_type.clone(),
                    key_name: v.launch.key_name.clone(),
                    security_groups: v.launch.security_groups.clone(),
                    user_data: v.launch.user_data.clone(),
                }),
                Some(Condition::LaunchConfigurationMissing { name }),
            ));
        }
        requests.push(PlannedRequest::in_round(
            1,
            Phase::Domain,
            Request::DescribeAutoScalingGroups(DescribeAutoScalingGroups {
                names: vec![domain.clone()],
            }),
            None,
        ));
        // Rounds 2 and 3: an existing domain deleted and waited for, or kept.
        let (create_round, create_condition) = if v.domain.replace_existing {
            requests.push(PlannedRequest::in_round(
                2,
                Phase::Domain,
                Request::DeleteAutoScalingGroup(delete(&domain, aws)),
                Some(Condition::DomainExists {
                    name: domain.clone(),
                }),
            ));
            requests.push(PlannedRequest::in_round(
                3,
                Phase::Domain,
                Request::DescribeAutoScalingGroups(DescribeAutoScalingGroups {
                    names: vec![domain.clone()],
                }),
                Some(Condition::UntilDomainGone {
                    name: domain.clone(),
                }),
            ));
            (4, None)
        } else {
            (
                2,
                Some(Condition::DomainMissing {
                    name: domain.clone(),
                }),
            )
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
        // The last round: the domain, once its launch configurations exist.
        requests.push(PlannedRequest::in_round(
            create_round,
            Phase::Domain,
            Request::CreateAutoScalingGroup(CreateAutoScalingGroup {
                name: domain.clone(),
                launch_configuration_name: lc_name(first_cloud),
                min_size,
                max_size,
                desired_capacity: None,
                availability_zones: vec![v.domain.availability_zone.clone()],
                tags: domain_tags(v),
            }),
            create_condition,
        ));

        // The ramp.
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
                round: None,
                request: set(capacity),
                condition: None,
            });
        }

        // The end.
        requests.push(PlannedRequest {
            phase: Phase::End,
            at_ms: Some(v.ramp.end_ms),
            round: None,
            request: set(v.ramp.final_capacity),
            condition: None,
        });
        if v.ramp.delete_domain {
            requests.push(PlannedRequest {
                phase: Phase::End,
                at_ms: None,
                round: None,
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
