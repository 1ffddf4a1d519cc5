//! The policy part of the Ramp section: how a policy that watches the domain decides
//! (not to be confused with the domain's Phantom [`Policy`](super::Policy), which is how
//! Phantom places VMs on clouds). Used when the ramp's shape is a policy
//! ([`RampShape::is_policy`](super::RampShape::is_policy)); numbers stay text as
//! everywhere in the form.

use serde::{Deserialize, Serialize};

use super::NumText;

/// The fields of every policy shape; each shape uses its own and the shared rails.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicySettings {
    /// Seconds between decisions (at least 1).
    pub every: NumText,
    /// Seconds the policy decides for; then the final capacity is set.
    pub run_for: NumText,
    /// The lowest capacity a decision may set.
    pub min_capacity: NumText,
    /// The highest.
    pub max_capacity: NumText,
    /// The largest change per decision (empty: any).
    pub max_change: NumText,
    /// Seconds after a change before the next increase.
    pub up_cooldown: NumText,
    /// Seconds after a change before the next decrease.
    pub down_cooldown: NumText,
    /// The metric's JSON document (`/metrics/queue.json`, or an absolute URL).
    pub metric_url: String,
    /// The number's JSON pointer in it.
    pub json_pointer: String,
    /// The metric one VM handles.
    pub metric_per_vm: NumText,
    /// Seconds after its last good read the metric counts as too old.
    pub metric_max_age: NumText,
    /// A person's `function decide(observation)`.
    pub code: String,
    /// Each decision's time limit, ms.
    pub time_limit_ms: NumText,
    /// Schedule windows: IANA time zone (empty: the browser's, filled in by the page).
    pub zone: String,
    /// Schedule windows: the weekdays ("Mon-Fri", "Sat, Sun").
    pub days: String,
    /// Schedule windows: opens at ("09:00", local).
    pub window_from: String,
    /// Schedule windows: closes at ("17:00").
    pub window_to: String,
    /// Schedule windows: capacity inside.
    pub inside_capacity: NumText,
    /// Schedule windows: capacity outside.
    pub outside_capacity: NumText,
    /// Keep healthy: the capacity kept.
    pub healthy_capacity: NumText,
    /// Keep healthy: seconds a VM may boot before it is replaced.
    pub stuck_after: NumText,
    /// At most this many replacements per window.
    pub max_replacements: NumText,
    /// The replacement window, seconds.
    pub replacement_window: NumText,
}

impl Default for PolicySettings {
    fn default() -> Self {
        Self {
            every: 5.into(),
            run_for: 600.into(),
            min_capacity: 0.into(),
            max_capacity: 4.into(),
            max_change: NumText::default(),
            up_cooldown: 10.into(),
            down_cooldown: 30.into(),
            metric_url: "/metrics/queue.json".to_string(),
            json_pointer: "/queue/length".to_string(),
            metric_per_vm: 10.into(),
            metric_max_age: 30.into(),
            code: super::templates::TEMPLATES
                .first()
                .map(|t| t.code.to_string())
                .unwrap_or_default(),
            time_limit_ms: 250.into(),
            zone: String::new(),
            days: "Mon-Fri".to_string(),
            window_from: "09:00".to_string(),
            window_to: "17:00".to_string(),
            inside_capacity: 4.into(),
            outside_capacity: 1.into(),
            healthy_capacity: 2.into(),
            stuck_after: 300.into(),
            max_replacements: 2.into(),
            replacement_window: 600.into(),
        }
    }
}
