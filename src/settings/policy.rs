//! The policy part of the Ramp section: how a policy that watches the domain decides
//! (not to be confused with the domain's Phantom [`Policy`](super::Policy), which is how
//! Phantom places VMs on clouds). Used when the ramp's shape is a policy
//! ([`RampShape::is_policy`](super::RampShape::is_policy)); numbers stay text as
//! everywhere in the form.

use serde::{Deserialize, Serialize};

use super::field::PolicyField;
use super::{NumText, RampShape};

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

impl PolicySettings {
    /// The text of `field`, as the form shows it.
    pub fn text(&self, field: PolicyField) -> &str {
        use PolicyField as F;
        match field {
            F::Every => self.every.as_str(),
            F::RunFor => self.run_for.as_str(),
            F::MinCapacity => self.min_capacity.as_str(),
            F::MaxCapacity => self.max_capacity.as_str(),
            F::MaxChange => self.max_change.as_str(),
            F::UpCooldown => self.up_cooldown.as_str(),
            F::DownCooldown => self.down_cooldown.as_str(),
            F::MetricUrl => &self.metric_url,
            F::JsonPointer => &self.json_pointer,
            F::MetricPerVm => self.metric_per_vm.as_str(),
            F::MetricMaxAge => self.metric_max_age.as_str(),
            F::Code => &self.code,
            F::TimeLimit => self.time_limit_ms.as_str(),
            F::Zone => &self.zone,
            F::Days => &self.days,
            F::WindowFrom => &self.window_from,
            F::WindowTo => &self.window_to,
            F::InsideCapacity => self.inside_capacity.as_str(),
            F::OutsideCapacity => self.outside_capacity.as_str(),
            F::HealthyCapacity => self.healthy_capacity.as_str(),
            F::StuckAfter => self.stuck_after.as_str(),
            F::MaxReplacements => self.max_replacements.as_str(),
            F::ReplacementWindow => self.replacement_window.as_str(),
        }
    }

    /// Sets `field` to `value` as typed.
    pub fn set_text(&mut self, field: PolicyField, value: String) {
        use PolicyField as F;
        let slot: &mut String = match field {
            F::Every => &mut self.every.0,
            F::RunFor => &mut self.run_for.0,
            F::MinCapacity => &mut self.min_capacity.0,
            F::MaxCapacity => &mut self.max_capacity.0,
            F::MaxChange => &mut self.max_change.0,
            F::UpCooldown => &mut self.up_cooldown.0,
            F::DownCooldown => &mut self.down_cooldown.0,
            F::MetricUrl => &mut self.metric_url,
            F::JsonPointer => &mut self.json_pointer,
            F::MetricPerVm => &mut self.metric_per_vm.0,
            F::MetricMaxAge => &mut self.metric_max_age.0,
            F::Code => &mut self.code,
            F::TimeLimit => &mut self.time_limit_ms.0,
            F::Zone => &mut self.zone,
            F::Days => &mut self.days,
            F::WindowFrom => &mut self.window_from,
            F::WindowTo => &mut self.window_to,
            F::InsideCapacity => &mut self.inside_capacity.0,
            F::OutsideCapacity => &mut self.outside_capacity.0,
            F::HealthyCapacity => &mut self.healthy_capacity.0,
            F::StuckAfter => &mut self.stuck_after.0,
            F::MaxReplacements => &mut self.max_replacements.0,
            F::ReplacementWindow => &mut self.replacement_window.0,
        };
        *slot = value;
    }

    /// The fields `shape` shows, its own first, then the rails every policy has; empty
    /// for the ramp shapes.
    pub fn fields_of(shape: RampShape) -> Vec<PolicyField> {
        use PolicyField as F;
        let own: &[F] = match shape {
            RampShape::FollowMetric => &[
                F::MetricUrl,
                F::JsonPointer,
                F::MetricPerVm,
                F::MetricMaxAge,
            ],
            RampShape::Schedule => &[
                F::Zone,
                F::Days,
                F::WindowFrom,
                F::WindowTo,
                F::InsideCapacity,
                F::OutsideCapacity,
            ],
            RampShape::KeepHealthy => &[
                F::HealthyCapacity,
                F::StuckAfter,
                F::MaxReplacements,
                F::ReplacementWindow,
            ],
            RampShape::Custom => &[
                F::Code,
                F::TimeLimit,
                F::MetricUrl,
                F::JsonPointer,
                F::MetricMaxAge,
                F::MaxReplacements,
                F::ReplacementWindow,
            ],
            RampShape::Tutorial | RampShape::Steps => return Vec::new(),
        };
        own.iter()
            .copied()
            .chain([
                F::Every,
                F::RunFor,
                F::MinCapacity,
                F::MaxCapacity,
                F::MaxChange,
                F::UpCooldown,
                F::DownCooldown,
            ])
            .collect()
    }
}
