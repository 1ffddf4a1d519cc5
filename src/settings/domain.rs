//! The domain section: its name, the Phantom policy and the sensor settings.

use serde::{Deserialize, Serialize};

use super::NumText;

/// The Phantom policy (`PHANTOM_DEFINITION`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Policy {
    /// Fills the clouds in rank order up to each cloud's maximum (the tutorial's).
    #[default]
    #[serde(rename = "error_overflow_n_preserving")]
    ErrorOverflowNPreserving,
    /// Scales on a sensor metric; runs on the cloud of the launch configuration it was
    /// created with (the first cloud).
    #[serde(rename = "sensor_engine")]
    SensorEngine,
}

impl Policy {
    /// Both policies, in the order a form lists them.
    pub const ALL: [Policy; 2] = [Policy::ErrorOverflowNPreserving, Policy::SensorEngine];

    /// The `PHANTOM_DEFINITION` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::ErrorOverflowNPreserving => "error_overflow_n_preserving",
            Policy::SensorEngine => "sensor_engine",
        }
    }

    /// Parses [`Policy::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// The sensor settings of the `sensor_engine` policy (PHANTOM.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorSettings {
    /// The metric, e.g. `CPUUtilization`.
    pub metric: String,
    /// How samples are combined: `Average`, `Sum`, `SampleCount`, `Maximum`, `Minimum`.
    pub sample_function: String,
    /// Scale up when the metric is above this.
    pub scale_up_threshold: NumText,
    /// Scale down when the metric is below this.
    pub scale_down_threshold: NumText,
    /// VMs added per scale-up.
    pub scale_up_n_vms: NumText,
    /// VMs removed per scale-down.
    pub scale_down_n_vms: NumText,
    /// Seconds between two scaling decisions.
    pub cooldown: NumText,
}

/// The sample functions Phantom's sensor engine understands.
pub const SAMPLE_FUNCTIONS: [&str; 5] = ["Average", "Sum", "SampleCount", "Maximum", "Minimum"];

/// The domain section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSettings {
    /// The domain (auto scaling group) name.
    pub name: String,
    /// The policy.
    pub policy: Policy,
    /// `minimum_vms` (the tutorial's `n_preserve`, 0).
    pub minimum_vms: NumText,
    /// The availability zone (Phantom ignores it; AWS needs a real one).
    pub availability_zone: String,
    /// Delete an existing domain of that name first (the tutorial does). Off: an
    /// existing domain is kept as it is and driven by the ramp.
    pub replace_existing: bool,
    /// Used with [`Policy::SensorEngine`] only.
    pub sensor: SensorSettings,
}
