//! After a run: whether the domain reached the capacity the person asked for
//! ([`Settled`]) or not within the bound ([`NotSettled`]), as the convergence watch of
//! [`crate::engine::settle`] journals it, and the two as one [`Settlement`] for the
//! summary.

use serde::Serialize;

/// [`Event::Settled`](super::events::Event::Settled): the domain shows the capacity
/// asked for, and that many VMs are not terminating or terminated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settled {
    /// When the look that showed it came back.
    pub at_ms: f64,
    /// The capacity asked for.
    pub capacity: u32,
    /// The VMs neither terminating nor terminated (equal to `capacity`).
    pub running: u32,
}

/// [`Event::NotSettled`](super::events::Event::NotSettled): a warning; the domain did
/// not reach the capacity asked for within the watch's bound.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NotSettled {
    /// When the watch gave up.
    pub at_ms: f64,
    /// The capacity asked for.
    pub capacity: u32,
    /// The DesiredCapacity the last successful look showed (`None`: no look showed the
    /// domain with one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_capacity: Option<u32>,
    /// The VMs neither terminating nor terminated at the last successful look (`None`:
    /// no look succeeded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<u32>,
    /// How long the watch looked, ms.
    pub waited_ms: u64,
}

/// How the convergence watch ended, as the summary keeps it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Settlement {
    /// See [`Settled`].
    Settled(Settled),
    /// See [`NotSettled`].
    NotSettled(NotSettled),
}

impl Settlement {
    /// Whether the page shows it as a warning.
    pub fn is_warning(&self) -> bool {
        matches!(self, Settlement::NotSettled(_))
    }

    /// In words: "0 running — nothing left", "3 running, as asked", or the warning.
    pub fn label(&self) -> String {
        match self {
            Settlement::Settled(s) if s.capacity == 0 => "0 running — nothing left".to_string(),
            Settlement::Settled(s) => format!("{} running, as asked", s.running),
            Settlement::NotSettled(n) => {
                let seen = match (n.running, n.desired_capacity) {
                    (Some(r), Some(d)) => format!("{r} VM(s) not terminating, DesiredCapacity {d}"),
                    (Some(r), None) => format!("{r} VM(s) not terminating"),
                    (None, _) => "the domain could not be described".to_string(),
                };
                format!(
                    "WARNING: not settled at capacity {} after {}: {seen}; look at the domain",
                    n.capacity,
                    duration(n.waited_ms)
                )
            }
        }
    }
}

/// "10 min", "90 s".
fn duration(ms: u64) -> String {
    if ms >= 60_000 && ms.is_multiple_of(60_000) {
        format!("{} min", ms / 60_000)
    } else {
        format!("{} s", ms.div_ceil(1000))
    }
}
