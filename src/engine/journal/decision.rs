//! A policy's decision as journaled ([`DecisionMade`]): what the policy saw (in brief),
//! what it asked and why, what the rails changed, and what was sent.

use serde::Serialize;

/// What the policy saw, in brief (the full observation is not kept: a VM list per tick
/// would make an hour's journal hundreds of megabytes).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ObservedBrief {
    /// The domain's desired capacity.
    pub desired: u32,
    /// VMs running.
    pub running: u32,
    /// VMs requested or starting.
    pub pending: u32,
    /// VMs failed.
    pub failed: u32,
    /// VMs being terminated.
    #[serde(default)]
    pub terminating: u32,
    /// The metric's latest good value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<f64>,
    /// Its age, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_age_ms: Option<u64>,
    /// Why the domain could not be described at this tick (the policy then decided
    /// from the last capacity it knew).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look_failed: Option<String>,
}

/// How the decision came out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DecisionOutcome {
    /// The policy decided.
    Decided {
        /// The capacity it asked; `None`: hold.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        asked: Option<u32>,
        /// Its reason.
        reason: String,
        /// The capacity set now after the rails; `None`: no request.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        set: Option<u32>,
        /// The VMs replaced now.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        replace: Vec<String>,
        /// What the rails changed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rails: Vec<RailNote>,
    },
    /// The policy gave no decision (it holds).
    Fault {
        /// What went wrong.
        message: String,
        /// The line in the person's code, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
        /// Faults in a row so far (the run ends at the limit).
        consecutive: u32,
    },
}

/// [`Event::Decision`](super::Event::Decision).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DecisionMade {
    /// When it was made.
    pub at_ms: f64,
    /// The tick's number, from 0.
    pub tick: u64,
    /// Offset from the ramp's start, ms.
    pub offset_ms: u64,
    /// How late the tick woke, ms.
    #[serde(default)]
    pub lateness_ms: u64,
    /// What the policy saw.
    pub observed: ObservedBrief,
    /// How it came out.
    pub outcome: DecisionOutcome,
}

/// Up or down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// An increase.
    Up,
    /// A decrease.
    Down,
}

/// What the rails changed of a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "rail", rename_all = "kebab-case")]
pub enum RailNote {
    /// Raised to the minimum.
    RaisedToMinimum {
        /// What the policy asked.
        asked: u32,
        /// The minimum.
        min: u32,
    },
    /// Lowered to the maximum.
    LoweredToMaximum {
        /// What the policy asked.
        asked: u32,
        /// The maximum.
        max: u32,
    },
    /// The change was cut to the largest allowed.
    ChangeLimited {
        /// Capacity before the cut.
        asked: u32,
        /// After.
        to: u32,
        /// The largest change.
        max_change: u32,
    },
    /// A cooldown held the change back.
    CoolingDown {
        /// Which cooldown.
        direction: Direction,
        /// The capacity wanted.
        wanted: u32,
        /// Time left, ms.
        remaining_ms: u64,
    },
    /// Fewer VMs replaced than asked.
    ReplacementsLimited {
        /// How many were asked.
        asked: u32,
        /// How many the window still allowed.
        allowed: u32,
    },
    /// A VM asked to be replaced is not one to replace (not listed, already
    /// terminating, or replaced already).
    NotReplaced {
        /// Its id.
        id: String,
    },
}

impl RailNote {
    /// The note as a log phrase.
    pub fn text(&self) -> String {
        match self {
            RailNote::RaisedToMinimum { asked, min } => {
                format!("{asked} raised to the minimum {min}")
            }
            RailNote::LoweredToMaximum { asked, max } => {
                format!("{asked} lowered to the maximum {max}")
            }
            RailNote::ChangeLimited {
                asked,
                to,
                max_change,
            } => format!("{asked} limited to {to} (at most {max_change} per decision)"),
            RailNote::CoolingDown {
                direction,
                wanted,
                remaining_ms,
            } => format!(
                "{wanted} held back: scale-{} cooldown, {} s left",
                match direction {
                    Direction::Up => "up",
                    Direction::Down => "down",
                },
                remaining_ms.div_ceil(1000)
            ),
            RailNote::ReplacementsLimited { asked, allowed } => {
                format!("{asked} replacements asked, {allowed} allowed in the window")
            }
            RailNote::NotReplaced { id } => format!("{id} not replaced (not a VM to replace)"),
        }
    }
}
