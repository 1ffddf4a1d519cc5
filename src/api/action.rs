//! The ten Auto Scaling actions Phantom supports, as typed inputs that encode to Query
//! parameters and typed outputs parsed from the answer. The same actions as data, and
//! their dispatch, are [`super::request`].

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::sign::Method;

use super::model::{AutoScalingGroup, AutoScalingInstance, LaunchConfiguration, Tag};
use super::xml::Element;

/// The API version every request names (Phantom does not read it).
pub const API_VERSION: &str = "2011-01-01";

/// Query parameters under construction.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    fn new(action: &str) -> Self {
        let mut p = Self::default();
        p.push("Action", action);
        p.push("Version", API_VERSION);
        p
    }

    fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_string(), value.into()));
    }

    /// `Name.member.1`, `Name.member.2`, … (from 1, as the Query API numbers lists).
    fn list(&mut self, name: &str, values: &[String]) {
        for (i, value) in values.iter().enumerate() {
            self.push(&format!("{name}.member.{}", i + 1), value.clone());
        }
    }

    /// All five fields of every tag (Phantom fails with a 500 if one is missing).
    fn tags(&mut self, tags: &[Tag]) {
        for (i, tag) in tags.iter().enumerate() {
            let prefix = format!("Tags.member.{}", i + 1);
            self.push(&format!("{prefix}.Key"), tag.key.clone());
            self.push(&format!("{prefix}.Value"), tag.value.clone());
            self.push(&format!("{prefix}.ResourceId"), tag.resource_id.clone());
            self.push(&format!("{prefix}.ResourceType"), tag.resource_type.clone());
            self.push(
                &format!("{prefix}.PropagateAtLaunch"),
                if tag.propagate_at_launch {
                    "true"
                } else {
                    "false"
                },
            );
        }
    }

    /// The finished list.
    pub fn into_vec(self) -> Vec<(String, String)> {
        self.0
    }
}

fn bool_param(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

/// One Auto Scaling action: its parameters and how its answer is read.
pub trait Action {
    /// The typed result.
    type Output;
    /// The `Action` parameter value.
    const NAME: &'static str;
    /// The Query parameters, `Action` and `Version` included.
    fn params(&self) -> Vec<(String, String)>;
    /// GET for reads, POST for changes.
    fn method(&self) -> Method {
        if Self::NAME.starts_with("Describe") {
            Method::Get
        } else {
            Method::Post
        }
    }
    /// Whether sending it twice is harmless, so a failed attempt may be retried.
    fn repeatable(&self) -> bool {
        true
    }
    /// Reads the typed result from the answer's root element.
    fn parse(root: &Element) -> Result<Self::Output, String>;
}

/// CreateLaunchConfiguration. On Phantom the name is `name@cloud`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateLaunchConfiguration {
    /// `name@cloud` on Phantom.
    pub name: String,
    /// Image id, e.g. `hello-phantom.gz`.
    pub image_id: String,
    /// Instance type, e.g. `m1.small`.
    pub instance_type: String,
    /// Key name (Phantom stores it but always launches with `phantomkey`).
    pub key_name: Option<String>,
    /// Security groups.
    pub security_groups: Vec<String>,
    /// User data, sent base64-encoded.
    pub user_data: Option<String>,
}

impl Action for CreateLaunchConfiguration {
    type Output = ();
    const NAME: &'static str = "CreateLaunchConfiguration";
    fn params(&self) -> Vec<(String, String)> {
        let mut p = Params::new(Self::NAME);
        p.push("LaunchConfigurationName", self.name.clone());
        p.push("ImageId", self.image_id.clone());
        p.push("InstanceType", self.instance_type.clone());
        if let Some(key) = &self.key_name {
            p.push("KeyName", key.clone());
        }
        p.list("SecurityGroups", &self.security_groups);
        if let Some(data) = &self.user_data {
            p.push(
                "UserData",
                base64::engine::general_purpose::STANDARD.encode(data.as_bytes()),
            );
        }
        p.into_vec()
    }
    fn parse(_: &Element) -> Result<(), String> {
        Ok(())
    }
}

/// DescribeLaunchConfigurations (all, or the named ones).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DescribeLaunchConfigurations {
    /// Names to describe; empty for all.
    pub names: Vec<String>,
}

impl Action for DescribeLaunchConfigurations {
    type Output = Vec<LaunchConfiguration>;
    const NAME: &'static str = "DescribeLaunchConfigurations";
    fn params(&self) -> Vec<(String, String)> {
        let mut p = Params::new(Self::NAME);
        p.list("LaunchConfigurationNames", &self.names);
        p.into_vec()
    }
    fn parse(root: &Element) -> Result<Self::Output, String> {
        list(root, "LaunchConfigurations")
            .map(LaunchConfiguration::from_xml)
            .collect()
    }
}

/// DeleteLaunchConfiguration (on Phantom, `name@cloud` removes that cloud).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteLaunchConfiguration {
    /// The name.
    pub name: String,
}

impl Action for DeleteLaunchConfiguration {
    type Output = ();
    const NAME: &'static str = "DeleteLaunchConfiguration";
    fn params(&self) -> Vec<(String, String)> {
        let mut p = Params::new(Self::NAME);
        p.push("LaunchConfigurationName", self.name.clone());
        p.into_vec()
    }
    fn parse(_: &Element) -> Result<(), String> {
        Ok(())
    }
}

/// CreateAutoScalingGroup: creates a domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateAutoScalingGroup {
    /// Domain name.
    pub name: String,
    /// Launch configuration (Phantom uses the part before `@`).
    pub launch_configuration_name: String,
    /// MinSize (Phantom: becomes `minimum_vms`).
    pub min_size: u32,
    /// MaxSize (Phantom: becomes `maximum_vms`).
    pub max_size: u32,
    /// DesiredCapacity (Phantom ignores it).
    pub desired_capacity: Option<u32>,
    /// At least one zone (Phantom ignores the value).
    pub availability_zones: Vec<String>,
    /// Domain settings (Phantom policy tags).
    pub tags: Vec<Tag>,
}

impl Action for CreateAutoScalingGroup {
    type Output = ();
    const NAME: &'static str = "CreateAutoScalingGroup";
    fn params(&self) -> Vec<(String, String)> {
        let mut p = Params::new(Self::NAME);
        p.push("AutoScalingGroupName", self.name.clone());
        p.push(
            "LaunchConfigurationName",
            self.launch_configuration_name.clone(),
        );
        p.push("MinSize", self.min_size.to_string());
        p.push("MaxSize", self.max_size.to_string());
        if let Some(desired) = self.desired_capacity {
            p.push("DesiredCapacity", desired.to_string());
        }
        p.list("AvailabilityZones", &self.availability_zones);
        p.tags(&self.tags);
        p.into_vec()
    }
    fn parse(_: &Element) -> Result<(), String> {
        Ok(())
    }
}

/// DescribeAutoScalingGroups (all, or the named ones).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DescribeAutoScalingGroups {
    /// Names to describe; empty for all.
    pub names: Vec<String>,
}

impl Action for DescribeAutoScalingGroups {
    type Output = Vec<AutoScalingGroup>;
    const NAME: &'static str = "DescribeAutoScalingGroups";
    fn params(&self) -> Vec<(String, String)> {
        let mut p = Params::new(Self::NAME);
        p.list("AutoScalingGroupNames", &self.names);
        p.into_vec()
    }
    fn parse(root: &Element) -> Result<Self::Output, String> {
        list(root, "AutoScalingGroups")
            .map(AutoScalingGroup::from_xml)
            .collect()
    }
}

/// DeleteAutoScalingGroup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteAutoScalingGroup {
    /// Domain name.
    pub name: String,
    /// AWS: delete even with instances running (they are terminated). Phantom always
    /// terminates them and does not read the parameter.
    pub force_delete: Option<bool>,
}

impl Action for DeleteAutoScalingGroup {
    type Output = ();
    const NAME: &'static str = "DeleteAutoScalingGroup";
    fn params(&self) -> Vec<(String, String)> {
        let mut p = Params::new(Self::NAME);
        p.push("AutoScalingGroupName", self.name.clone());
        if let Some(force) = self.force_delete {
            p.push("ForceDelete", bool_param(force));
        }
        p.into_vec()
    }
    fn parse(_: &Element) -> Result<(), String> {
        Ok(())
    }
}

/// SetDesiredCapacity (Phantom: sets `minimum_vms` and `maximum_vms`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetDesiredCapacity {
    /// Domain name.
    pub name: String,
    /// The capacity.
    pub desired_capacity: u32,
    /// HonorCooldown (no effect on Phantom); omitted when `None`.
    pub honor_cooldown: Option<bool>,
}

impl Action for SetDesiredCapacity {
    type Output = ();
    const NAME: &'static str = "SetDesiredCapacity";
    fn params(&self) -> Vec<(String, String)> {
        let mut p = Params::new(Self::NAME);
        p.push("AutoScalingGroupName", self.name.clone());
        p.push("DesiredCapacity", self.desired_capacity.to_string());
        if let Some(honor) = self.honor_cooldown {
            p.push("HonorCooldown", bool_param(honor));
        }
        p.into_vec()
    }
    fn parse(_: &Element) -> Result<(), String> {
        Ok(())
    }
}

/// CreateOrUpdateTags (Phantom: reconfigures a domain; must carry PHANTOM_DEFINITION).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrUpdateTags {
    /// The tags.
    pub tags: Vec<Tag>,
}

impl Action for CreateOrUpdateTags {
    type Output = ();
    const NAME: &'static str = "CreateOrUpdateTags";
    fn params(&self) -> Vec<(String, String)> {
        let mut p = Params::new(Self::NAME);
        p.tags(&self.tags);
        p.into_vec()
    }
    fn parse(_: &Element) -> Result<(), String> {
        Ok(())
    }
}

/// DescribeAutoScalingInstances (all, or the given ids).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DescribeAutoScalingInstances {
    /// Instance ids; empty for all.
    pub instance_ids: Vec<String>,
}

impl Action for DescribeAutoScalingInstances {
    type Output = Vec<AutoScalingInstance>;
    const NAME: &'static str = "DescribeAutoScalingInstances";
    fn params(&self) -> Vec<(String, String)> {
        let mut p = Params::new(Self::NAME);
        p.list("InstanceIds", &self.instance_ids);
        p.into_vec()
    }
    fn parse(root: &Element) -> Result<Self::Output, String> {
        Ok(list(root, "AutoScalingInstances")
            .map(AutoScalingInstance::from_xml)
            .collect())
    }
}

/// TerminateInstanceInAutoScalingGroup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminateInstanceInAutoScalingGroup {
    /// The instance.
    pub instance_id: String,
    /// true: the domain shrinks by one; false: the VM is replaced.
    pub should_decrement_desired_capacity: bool,
}

impl Action for TerminateInstanceInAutoScalingGroup {
    type Output = ();
    const NAME: &'static str = "TerminateInstanceInAutoScalingGroup";
    fn params(&self) -> Vec<(String, String)> {
        let mut p = Params::new(Self::NAME);
        p.push("InstanceId", self.instance_id.clone());
        p.push(
            "ShouldDecrementDesiredCapacity",
            bool_param(self.should_decrement_desired_capacity),
        );
        p.into_vec()
    }
    /// Terminating twice could take two VMs down (or shrink twice): never retried.
    fn repeatable(&self) -> bool {
        false
    }
    fn parse(_: &Element) -> Result<(), String> {
        Ok(())
    }
}

/// The `member`s of the first element named `list` anywhere in the answer (so the
/// `...Result` wrapper, Phantom's bare roots and element order do not matter).
fn list<'a>(root: &'a Element, list: &str) -> impl Iterator<Item = &'a Element> + 'a {
    root.find(list)
        .into_iter()
        .flat_map(|l| l.children_named("member"))
}
