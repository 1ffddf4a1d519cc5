//! What the server tells us, as typed values.

use serde::{Deserialize, Serialize};

use super::xml::Element;

/// A domain setting carried as an Auto Scaling tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Tag key, e.g. `PHANTOM_DEFINITION`.
    pub key: String,
    /// Tag value.
    pub value: String,
    /// The domain (auto scaling group) name.
    pub resource_id: String,
    /// Always `auto-scaling-group` here.
    pub resource_type: String,
    /// Phantom needs it sent; `true` as the tutorial's boto did.
    pub propagate_at_launch: bool,
}

impl Tag {
    /// A tag on domain `domain`, as Phantom expects every tag to be sent.
    pub fn for_domain(domain: &str, key: &str, value: &str) -> Self {
        Self {
            key: key.to_string(),
            value: value.to_string(),
            resource_id: domain.to_string(),
            resource_type: "auto-scaling-group".to_string(),
            propagate_at_launch: true,
        }
    }
}

/// A launch configuration as described by the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchConfiguration {
    /// The name (`name@cloud` on Phantom).
    pub name: String,
    /// Image id.
    pub image_id: String,
    /// Instance type.
    pub instance_type: String,
    /// Key name (Phantom always reports `phantomkey`).
    pub key_name: String,
    /// Security groups (Phantom reports none).
    pub security_groups: Vec<String>,
    /// Creation time as the server wrote it.
    pub created_time: String,
}

/// One VM of a domain.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// The cloud's instance id (Phantom: may be empty while booting).
    pub instance_id: String,
    /// AWS: the zone; Phantom: the cloud name.
    pub availability_zone: String,
    /// AWS `InService`…, Phantom `600-RUNNING`….
    pub lifecycle_state: String,
    /// `Healthy` / `Unhealthy` (Phantom may append a description).
    pub health_status: String,
    /// The launch configuration it was started from, when reported.
    pub launch_configuration_name: String,
}

/// A domain (auto scaling group) as described by the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoScalingGroup {
    /// Domain name.
    pub name: String,
    /// Launch configuration name (Phantom: without `@cloud`).
    pub launch_configuration_name: String,
    /// MinSize (Phantom: `minimum_vms`).
    pub min_size: Option<u32>,
    /// MaxSize (Phantom: `maximum_vms`).
    pub max_size: Option<u32>,
    /// DesiredCapacity (Phantom: `minimum_vms`).
    pub desired_capacity: Option<u32>,
    /// Zones (Phantom: always empty).
    pub availability_zones: Vec<String>,
    /// Instances, in the order the server listed them.
    pub instances: Vec<Instance>,
    /// Tags (Phantom: always empty; settings cannot be read back).
    pub tags: Vec<Tag>,
    /// Creation time as the server wrote it.
    pub created_time: String,
}

/// One row of DescribeAutoScalingInstances.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoScalingInstance {
    /// The instance.
    pub instance: Instance,
    /// The domain it belongs to.
    pub group_name: String,
}

fn text(e: &Element, name: &str) -> String {
    e.child_text(name).unwrap_or_default().to_string()
}

fn number(e: &Element, name: &str) -> Result<Option<u32>, String> {
    match e.child_text(name) {
        None | Some("") => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| {
            format!(
                "{name} is not a non-negative integer: {:?}",
                t.chars().take(20).collect::<String>()
            )
        }),
    }
}

fn texts(e: &Element, list: &str) -> Vec<String> {
    e.members(list).map(|m| m.text.trim().to_string()).collect()
}

impl LaunchConfiguration {
    pub(super) fn from_xml(e: &Element) -> Result<Self, String> {
        let name = text(e, "LaunchConfigurationName");
        if name.is_empty() {
            return Err("a launch configuration without LaunchConfigurationName".into());
        }
        Ok(Self {
            name,
            image_id: text(e, "ImageId"),
            instance_type: text(e, "InstanceType"),
            key_name: text(e, "KeyName"),
            security_groups: texts(e, "SecurityGroups"),
            created_time: text(e, "CreatedTime"),
        })
    }
}

impl Instance {
    fn from_xml(e: &Element) -> Self {
        Self {
            instance_id: text(e, "InstanceId"),
            availability_zone: text(e, "AvailabilityZone"),
            lifecycle_state: text(e, "LifecycleState"),
            health_status: text(e, "HealthStatus"),
            launch_configuration_name: text(e, "LaunchConfigurationName"),
        }
    }
}

impl Tag {
    fn from_xml(e: &Element) -> Self {
        Self {
            key: text(e, "Key"),
            value: text(e, "Value"),
            resource_id: text(e, "ResourceId"),
            resource_type: text(e, "ResourceType"),
            propagate_at_launch: e
                .child_text("PropagateAtLaunch")
                .is_some_and(|v| v.eq_ignore_ascii_case("true")),
        }
    }
}

impl AutoScalingGroup {
    pub(super) fn from_xml(e: &Element) -> Result<Self, String> {
        let name = text(e, "AutoScalingGroupName");
        if name.is_empty() {
            return Err("a domain without AutoScalingGroupName".into());
        }
        Ok(Self {
            name,
            launch_configuration_name: text(e, "LaunchConfigurationName"),
            min_size: number(e, "MinSize")?,
            max_size: number(e, "MaxSize")?,
            desired_capacity: number(e, "DesiredCapacity")?,
            availability_zones: texts(e, "AvailabilityZones"),
            instances: e.members("Instances").map(Instance::from_xml).collect(),
            tags: e.members("Tags").map(Tag::from_xml).collect(),
            created_time: text(e, "CreatedTime"),
        })
    }
}

impl AutoScalingInstance {
    pub(super) fn from_xml(e: &Element) -> Self {
        Self {
            instance: Instance::from_xml(e),
            group_name: text(e, "AutoScalingGroupName"),
        }
    }
}
