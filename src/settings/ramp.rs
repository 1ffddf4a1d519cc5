//! The ramp section: the capacity over time, and the end.

use serde::{Deserialize, Serialize};

use super::NumText;

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
