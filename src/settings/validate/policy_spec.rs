//! A valid policy, as the plan carries it: which one with its settings ([`PolicyKind`]),
//! how often it decides, for how long, between which [`Rails`], and where its metric
//! comes from. Checked from the form by [`super::check_policy`].

use serde::{Deserialize, Serialize};

/// A set of weekdays, Monday first (bit 0) to Sunday (bit 6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Weekdays(pub u8);

impl Weekdays {
    /// Short English names, Monday first, as the form and the log spell them.
    pub const NAMES: [&'static str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    /// Monday to Friday.
    pub const WORKDAYS: Weekdays = Weekdays(0b001_1111);
    /// Every day.
    pub const ALL: Weekdays = Weekdays(0b111_1111);

    /// Whether `day` (0 = Monday … 6 = Sunday) is in the set.
    pub fn has(self, day: u32) -> bool {
        day < 7 && self.0 & (1 << day) != 0
    }

    /// "Mon–Fri", "Sat, Sun", "every day", "no day".
    pub fn text(self) -> String {
        match self.0 & 0x7f {
            0 => return "no day".to_string(),
            0x7f => return "every day".to_string(),
            _ => {}
        }
        let days: Vec<u32> = (0..7).filter(|&d| self.has(d)).collect();
        let contiguous = days.windows(2).all(|w| w[1] == w[0] + 1);
        if contiguous && days.len() >= 3 {
            let (first, last) = (days[0] as usize, days[days.len() - 1] as usize);
            return format!("{}–{}", Self::NAMES[first], Self::NAMES[last]);
        }
        days.iter()
            .map(|&d| Self::NAMES[d as usize])
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The bounds every decision is held to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rails {
    /// The lowest capacity a decision may set.
    pub min: u32,
    /// The highest.
    pub max: u32,
    /// The largest change per decision; `None`: any.
    pub max_change: Option<u32>,
    /// After a change, no increase for this long, ms.
    pub up_cooldown_ms: u64,
    /// After a change, no decrease for this long, ms.
    pub down_cooldown_ms: u64,
    /// At most this many VMs replaced per [`Rails::replacement_window_ms`].
    pub max_replacements: u32,
    /// The window replacements are counted over, ms.
    pub replacement_window_ms: u64,
}

/// Where a metric is read, every tick.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MetricSpec {
    /// The JSON document's URL (a same-origin path through the page server's proxy, or
    /// an absolute URL the page's CSP allows).
    pub url: String,
    /// The number's JSON pointer in it (`/queue/length`; `` for the document itself).
    pub pointer: String,
    /// A value older than this (ms since its last good read) makes the policy hold.
    pub max_age_ms: u64,
}

/// Which policy, with its own settings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PolicyKind {
    /// Capacity = ceil(metric ÷ per-VM amount).
    FollowMetric {
        /// The metric one VM handles, in thousandths (0.5 → 500): kept whole so plans
        /// compare exactly.
        per_vm_milli: u64,
    },
    /// Capacity `inside` during a window on chosen weekdays in a time zone, `outside`
    /// otherwise.
    Schedule {
        /// IANA time zone (`Europe/Paris`).
        zone: String,
        /// The days the window opens on.
        days: Weekdays,
        /// Opens at this minute of the local day (0–1439).
        from_min: u32,
        /// Closes at this minute; at or before `from_min` the window runs past midnight.
        to_min: u32,
        /// Capacity inside the window.
        inside: u32,
        /// Capacity outside it.
        outside: u32,
    },
    /// Keep `capacity` VMs, replacing failed ones and ones stuck booting.
    KeepHealthy {
        /// The capacity to keep.
        capacity: u32,
        /// A VM still pending after this long is replaced, ms.
        stuck_after_ms: u64,
    },
    /// A person's `decide(observation)` in JavaScript, run in a sandbox.
    Custom {
        /// The code.
        code: String,
        /// Each decision's time limit, ms.
        limit_ms: u32,
    },
}

impl PolicyKind {
    /// The policy's name, as the Shape select offers it.
    pub fn label(&self) -> &'static str {
        match self {
            PolicyKind::FollowMetric { .. } => "Follow a metric",
            PolicyKind::Schedule { .. } => "Schedule windows",
            PolicyKind::KeepHealthy { .. } => "Keep healthy",
            PolicyKind::Custom { .. } => "Custom policy",
        }
    }
}

/// A valid policy.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ValidPolicy {
    /// Which policy.
    pub policy: PolicyKind,
    /// A decision this often, ms (at least 1 s), from the ramp's start.
    pub every_ms: u64,
    /// The policy decides for this long; then the plan's final capacity is set, ms.
    pub run_for_ms: u64,
    /// What every decision is held to.
    pub rails: Rails,
    /// The metric read every tick, when there is one.
    pub metric: Option<MetricSpec>,
}

impl ValidPolicy {
    /// One line for the plan preview and the log: "Follow a metric every 5 s for 10 min,
    /// capacity 0–8".
    pub fn summary(&self) -> String {
        use crate::settings::num::format_seconds;
        format!(
            "{} every {} for {}, capacity {}–{}",
            self.policy.label(),
            format_seconds(self.every_ms),
            format_seconds(self.run_for_ms),
            self.rails.min,
            self.rails.max
        )
    }
}
