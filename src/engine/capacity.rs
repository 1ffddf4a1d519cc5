//! What a run left the domain's capacity at, as far as its journal knows
//! ([`CapacityState`]), and why no teardown is needed ([`TeardownSkip`]).

use serde::Serialize;

/// Why no capacity-0 request was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TeardownSkip {
    /// The run never asked for capacity.
    NoCapacityRequested,
    /// The last capacity asked for is 0 and the server confirmed it.
    AlreadyZero,
    /// The run deleted the domain.
    DomainDeleted,
    /// The options say to leave it running after a stop.
    LeaveRunning,
}

impl TeardownSkip {
    /// A human explanation.
    pub fn label(self) -> &'static str {
        match self {
            TeardownSkip::NoCapacityRequested => "no capacity was ever requested",
            TeardownSkip::AlreadyZero => "the capacity is already 0",
            TeardownSkip::DomainDeleted => "the domain was deleted",
            TeardownSkip::LeaveRunning => "left running, as the run options ask",
        }
    }
}

/// What the run left the domain's capacity at, as far as this run knows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CapacityState {
    /// The run never asked for capacity.
    #[default]
    Untouched,
    /// The last capacity asked for, confirmed by the server.
    Confirmed {
        /// The capacity.
        capacity: u32,
    },
    /// The last capacity asked for, without a confirmation (failed, cancelled, or
    /// still in flight): the server may have applied it, or kept an earlier one.
    Unconfirmed {
        /// The capacity asked for.
        capacity: u32,
    },
    /// The run deleted the domain after asking for capacity.
    Deleted,
}

impl CapacityState {
    /// Whether VMs this run asked for may still be running (a confirmed capacity above
    /// 0, or anything unconfirmed).
    pub fn may_be_running(self) -> bool {
        match self {
            CapacityState::Untouched | CapacityState::Deleted => false,
            CapacityState::Confirmed { capacity } => capacity > 0,
            CapacityState::Unconfirmed { .. } => true,
        }
    }

    /// Why no teardown is needed, or `None` when one is.
    pub fn teardown_skip(self) -> Option<TeardownSkip> {
        match self {
            CapacityState::Untouched => Some(TeardownSkip::NoCapacityRequested),
            CapacityState::Deleted => Some(TeardownSkip::DomainDeleted),
            CapacityState::Confirmed { capacity: 0 } => Some(TeardownSkip::AlreadyZero),
            CapacityState::Confirmed { .. } | CapacityState::Unconfirmed { .. } => None,
        }
    }
}
