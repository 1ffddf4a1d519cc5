//! The ramp section: the capacity over time, and the end.

use serde::{Deserialize, Serialize};

use super::{NumText, PolicySettings};

/// The shape of the capacity ramp.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RampShape {
    /// Start, add `increment` every `interval` up to `peak` (the tutorial: 1, 2, 3, 4
    /// every 10 s).
    #[default]
    Tutorial,
    /// An explicit list of (time offset, capacity) steps.
    Steps,
    /// A policy: capacity = ceil(metric ÷ per-VM amount), read every tick.
    FollowMetric,
    /// A policy: one capacity inside a weekly window, another outside.
    Schedule,
    /// A policy: hold a capacity, replacing failed and stuck VMs.
    KeepHealthy,
    /// A policy: a person's `decide(observation)` in JavaScript.
    Custom,
}

impl RampShape {
    /// Every shape, in the Shape select's order.
    pub const ALL: [RampShape; 6] = [
        RampShape::Tutorial,
        RampShape::Steps,
        RampShape::FollowMetric,
        RampShape::Schedule,
        RampShape::KeepHealthy,
        RampShape::Custom,
    ];

    /// Whether a policy decides (rather than a fixed schedule).
    pub fn is_policy(self) -> bool {
        !matches!(self, RampShape::Tutorial | RampShape::Steps)
    }

    /// The value the settings file and the select use.
    pub fn key(self) -> &'static str {
        match self {
            RampShape::Tutorial => "tutorial",
            RampShape::Steps => "steps",
            RampShape::FollowMetric => "follow-metric",
            RampShape::Schedule => "schedule",
            RampShape::KeepHealthy => "keep-healthy",
            RampShape::Custom => "custom",
        }
    }

    /// What the Shape select calls it.
    pub fn label(self) -> &'static str {
        match self {
            RampShape::Tutorial => "Tutorial: step up to a peak",
            RampShape::Steps => "Explicit steps",
            RampShape::FollowMetric => "Follow a metric",
            RampShape::Schedule => "Schedule windows",
            RampShape::KeepHealthy => "Keep healthy",
            RampShape::Custom => "Custom policy",
        }
    }

    /// The shape whose [`RampShape::key`] is `key`.
    pub fn from_key(key: &str) -> Option<RampShape> {
        RampShape::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// One explicit ramp step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RampStep {
    /// Seconds after the ramp's start.
    pub offset: NumText,
    /// The capacity set at that time.
    pub capacity: NumText,
}

impl RampStep {
    /// A step at `offset_s` seconds setting `capacity`.
    pub fn new(offset_s: u32, capacity: u32) -> Self {
        Self {
            offset: offset_s.into(),
            capacity: capacity.into(),
        }
    }
}

/// The ramp section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RampSettings {
    /// Tutorial shape or explicit steps.
    pub shape: RampShape,
    /// Tutorial shape: the first capacity (1).
    pub start: NumText,
    /// Tutorial shape: added at every step (1).
    pub increment: NumText,
    /// Tutorial shape: seconds between steps (10).
    pub interval: NumText,
    /// Tutorial shape: the highest capacity (4).
    pub peak: NumText,
    /// Explicit shape: the steps.
    pub steps: Vec<RampStep>,
    /// Seconds the last step is held before the end (60).
    pub hold: NumText,
    /// The capacity set at the end (0).
    pub final_capacity: NumText,
    /// Delete the domain after the final capacity is set.
    pub delete_domain: bool,
    /// The policy shapes' fields (absent in older files: the defaults).
    #[serde(default)]
    pub policy: PolicySettings,
}

impl RampSettings {
    /// Appends a step 10 s after the last one (when its time is a whole number of
    /// seconds) with the same capacity; or, for an empty list, capacity 1 at 0 s.
    pub fn push_step(&mut self) {
        let next = match self.steps.last() {
            None => RampStep::new(0, 1),
            Some(last) => RampStep {
                offset: last
                    .offset
                    .as_str()
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .and_then(|t| t.checked_add(10))
                    .map(NumText::from)
                    .unwrap_or_default(),
                capacity: last.capacity.clone(),
            },
        };
        self.steps.push(next);
    }
}
