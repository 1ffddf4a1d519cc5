//! The part of a run an event belongs to ([`Stage`]): the plan's phases, the monitor,
//! the teardown and requests by hand.

use std::fmt;

use serde::Serialize;

use crate::engine::plan::Phase;

/// The part of a run an event belongs to: the plan's phases, the monitor and the
/// teardown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Describe and create the launch configurations.
    LaunchConfigurations,
    /// Describe, delete and create the domain.
    Domain,
    /// The timed capacity steps.
    Ramp,
    /// The final capacity and the optional domain deletion.
    End,
    /// The periodic look at the domain's VMs.
    Monitor,
    /// Capacity 0 after a stop or a failure, by hand ("Scale this domain to 0"), or
    /// resumed after a reload: the requests of a teardown's attempts.
    Teardown,
    /// A request the person asked for outside a plan (terminate or replace one VM).
    Manual,
}

impl Stage {
    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Stage::LaunchConfigurations => "Launch configurations",
            Stage::Domain => "Domain",
            Stage::Ramp => "Ramp",
            Stage::End => "End",
            Stage::Monitor => "Monitor",
            Stage::Teardown => "Teardown",
            Stage::Manual => "By hand",
        }
    }
}

impl From<Phase> for Stage {
    fn from(phase: Phase) -> Self {
        match phase {
            Phase::LaunchConfigurations => Stage::LaunchConfigurations,
            Phase::Domain => Stage::Domain,
            Phase::Ramp => Stage::Ramp,
            Phase::End => Stage::End,
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
