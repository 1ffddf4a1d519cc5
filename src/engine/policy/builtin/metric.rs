//! Follow a metric: capacity = ceil(metric ÷ per-VM amount). A metric that cannot be
//! read, or is older than its allowed age, makes the policy hold and say why (scaling
//! on a number nobody can vouch for is how a dashboard outage becomes a bill).

use super::Builtin;
use crate::engine::policy::decision::Decision;
use crate::engine::policy::observation::Observation;

/// The follow-a-metric policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowMetric {
    /// The metric one VM handles, in thousandths.
    pub per_vm_milli: u64,
    /// A value older than this makes the policy hold, ms.
    pub max_age_ms: u64,
}

/// ceil(`metric` ÷ `per_vm_milli`/1000), 0 for a metric at or below 0.
pub fn vms_for(metric: f64, per_vm_milli: u64) -> u32 {
    if metric.is_nan() || metric <= 0.0 || per_vm_milli == 0 {
        return 0;
    }
    let vms = (metric * 1000.0 / per_vm_milli as f64).ceil();
    // A float's ceil can land one above on an exact multiple (0.3 ÷ 0.1); allow for it.
    let exact = ((vms - 1.0) * per_vm_milli as f64 / 1000.0 - metric).abs() < 1e-9;
    let vms = if exact { vms - 1.0 } else { vms };
    if vms >= u32::MAX as f64 {
        u32::MAX
    } else {
        vms as u32
    }
}

fn amount(per_vm_milli: u64) -> String {
    let whole = per_vm_milli / 1000;
    let frac = per_vm_milli % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{frac:03}").trim_end_matches('0'))
    }
}

impl Builtin for FollowMetric {
    fn decide_now(&mut self, o: &Observation) -> Decision {
        let Some(value) = o.metric else {
            return Decision::hold(match &o.metric_problem {
                Some(p) => format!("holding: no metric yet ({p})"),
                None => "holding: no metric yet".to_string(),
            });
        };
        let age_ms = o.metric_age_s.unwrap_or(0.0) * 1000.0;
        if age_ms > self.max_age_ms as f64 {
            let why = o
                .metric_problem
                .as_deref()
                .map(|p| format!("; {p}"))
                .unwrap_or_default();
            return Decision::hold(format!(
                "holding: the metric is {} s old, older than {} s{why}",
                (age_ms / 1000.0).round(),
                self.max_age_ms / 1000
            ));
        }
        let vms = vms_for(value, self.per_vm_milli);
        Decision::set(
            vms,
            format!(
                "metric {} ÷ {} per VM → {vms}",
                trim_number(value),
                amount(self.per_vm_milli)
            ),
        )
    }
}

/// A number as a person would write it: 12, 12.5, not 12.000000001.
pub fn trim_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_of_the_ratio() {
        assert_eq!(vms_for(0.0, 1000), 0);
        assert_eq!(vms_for(-3.0, 1000), 0);
        assert_eq!(vms_for(f64::NAN, 1000), 0);
        assert_eq!(vms_for(1.0, 10_000), 1);
        assert_eq!(vms_for(10.0, 10_000), 1);
        assert_eq!(vms_for(11.0, 10_000), 2);
        assert_eq!(vms_for(0.3, 100), 3);
        assert_eq!(vms_for(2.5, 500), 5);
    }
}
