//! The ramp section: the tutorial's shape or explicit steps, the hold and the final
//! capacity, every capacity within the clouds' [`Cap`] (and, on AWS-compatible servers,
//! not below MinSize); valid, they make the [`ValidRamp`] the plan schedules.

use serde::Serialize;

use crate::settings::field::{Field, RampField, StepField};
use crate::settings::num::format_seconds;
use crate::settings::{NumText, RampSettings, RampShape};

use super::check::Check;
use super::clouds::{Cap, MAX_CLOUDS, MAX_VMS_PER_CLOUD};
use super::policy::check_policy;
use super::policy_spec::ValidPolicy;

/// At most this many ramp steps.
pub const MAX_STEPS: usize = 1000;
/// A run (ramp and hold) lasts at most a week.
pub const MAX_RUN_MS: u64 = 7 * 24 * 3600 * 1000;

/// A valid ramp: capacities at offsets from the ramp's start, then the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidRamp {
    /// `(offset in ms, capacity)`, offsets strictly increasing, the first usually 0.
    pub steps: Vec<(u64, u32)>,
    /// When the final capacity is set (last step + hold), in ms.
    pub end_ms: u64,
    /// The capacity set at the end.
    pub final_capacity: u32,
    /// Delete the domain after the end.
    pub delete_domain: bool,
    /// The policy that decides until the end, for a policy shape (then `steps` is
    /// empty and `end_ms` is its run length).
    pub policy: Option<ValidPolicy>,
}

/// What every capacity of the ramp is checked against.
pub(super) struct Limits<'a> {
    /// The clouds' cap, when their maxima are valid.
    pub(super) cap: Option<&'a Cap>,
    /// MinSize (`minimum_vms`) on an AWS-compatible server; Phantom has none.
    pub(super) aws_min: Option<u32>,
}

/// Parses a capacity and checks it against the cap and, for AWS-compatible servers,
/// against MinSize.
pub(super) fn capacity(
    c: &mut Check,
    field: impl Into<Field>,
    label: &str,
    text: &NumText,
    limits: &Limits<'_>,
) -> Option<u32> {
    let field = field.into();
    let v = c.int(field, label, text, 0, MAX_VMS_PER_CLOUD * MAX_CLOUDS as u32)?;
    if let Some(cap) = limits.cap {
        if v > cap.total {
            c.add(
                field,
                format!("{label} ({v}) is above {} ({})", cap.why, cap.total),
            );
            return None;
        }
    }
    if let Some(min) = limits.aws_min {
        if v < min {
            c.add(
                field,
                format!(
                    "{label} ({v}) is below Minimum VMs ({min}): an AWS-compatible server rejects a desired capacity below MinSize"
                ),
            );
            return None;
        }
    }
    Some(v)
}

/// Checks the ramp section.
pub(super) fn check_ramp(
    r: &RampSettings,
    limits: &Limits<'_>,
    c: &mut Check,
) -> Option<ValidRamp> {
    let before = c.errors.len();
    if r.shape.is_policy() {
        let policy = check_policy(r.shape, &r.policy, limits, c);
        let final_capacity = capacity(
            c,
            RampField::FinalCapacity,
            "The final capacity",
            &r.final_capacity,
            limits,
        );
        let (policy, final_capacity) = (policy?, final_capacity?);
        return (c.errors.len() == before).then_some(ValidRamp {
            steps: Vec::new(),
            end_ms: policy.run_for_ms,
            final_capacity,
            delete_domain: r.delete_domain,
            policy: Some(policy),
        });
    }
    let steps = match r.shape {
        RampShape::Tutorial => tutorial_steps(r, limits, c),
        _ => explicit_steps(r, limits, c),
    };
    let hold = c.secs(
        RampField::Hold,
        "The hold time (seconds)",
        &r.hold,
        0,
        MAX_RUN_MS,
    );
    let final_capacity = capacity(
        c,
        RampField::FinalCapacity,
        "The final capacity",
        &r.final_capacity,
        limits,
    );
    let (steps, hold, final_capacity) = (steps?, hold?, final_capacity?);
    let last = steps.last().map_or(0, |s| s.0);
    let end_ms = last + hold;
    if end_ms > MAX_RUN_MS {
        c.add(
            RampField::Hold,
            format!(
                "The run would end after {}; a run lasts at most {}",
                format_seconds(end_ms),
                format_seconds(MAX_RUN_MS)
            ),
        );
        return None;
    }
    (c.errors.len() == before).then_some(ValidRamp {
        steps,
        end_ms,
        final_capacity,
        delete_domain: r.delete_domain,
        policy: None,
    })
}

fn tutorial_steps(r: &RampSettings, limits: &Limits<'_>, c: &mut Check) -> Option<Vec<(u64, u32)>> {
    let start = capacity(c, RampField::Start, "The start capacity", &r.start, limits);
    let increment = c.int(
        RampField::Increment,
        "The increment",
        &r.increment,
        1,
        64_000,
    );
    let interval = c.secs(
        RampField::Interval,
        "The interval (seconds)",
        &r.interval,
        1,
        MAX_RUN_MS,
    );
    let peak = capacity(c, RampField::Peak, "The peak", &r.peak, limits);
    let (start, increment, interval, peak) = (start?, increment?, interval?, peak?);
    if start > peak {
        c.add(
            RampField::Start,
            format!("The start capacity ({start}) is above the peak ({peak})"),
        );
        return None;
    }
    let count = 1 + u64::from(peak - start).div_ceil(u64::from(increment));
    if count > MAX_STEPS as u64 {
        c.add(
            RampField::Increment,
            format!(
                "This ramp has {count} steps; at most {MAX_STEPS} are allowed: raise the increment"
            ),
        );
        return None;
    }
    let last_at = (count - 1) * interval;
    if last_at > MAX_RUN_MS {
        c.add(
            RampField::Interval,
            format!(
                "The peak would come after {}; a run lasts at most {}",
                format_seconds(last_at),
                format_seconds(MAX_RUN_MS)
            ),
        );
        return None;
    }
    let mut steps = Vec::new();
    let mut capacity = start;
    let mut at = 0;
    loop {
        steps.push((at, capacity));
        if capacity >= peak {
            break;
        }
        capacity = capacity.saturating_add(increment).min(peak);
        at += interval;
    }
    Some(steps)
}

fn explicit_steps(r: &RampSettings, limits: &Limits<'_>, c: &mut Check) -> Option<Vec<(u64, u32)>> {
    if r.steps.is_empty() {
        c.add(RampField::Steps, "Add at least one step");
        return None;
    }
    if r.steps.len() > MAX_STEPS {
        c.add(
            RampField::Steps,
            format!("{} steps; at most {MAX_STEPS} are allowed", r.steps.len()),
        );
        return None;
    }
    let before = c.errors.len();
    let mut out: Vec<(u64, u32)> = Vec::new();
    let mut previous: Option<(usize, u64)> = None;
    for (i, step) in r.steps.iter().enumerate() {
        let offset = Field::step(i, StepField::Offset);
        let at = c.secs(
            offset,
            &format!("Step {} time (seconds)", i + 1),
            &step.offset,
            0,
            MAX_RUN_MS,
        );
        let cap_v = capacity(
            c,
            Field::step(i, StepField::Capacity),
            &format!("Step {} capacity", i + 1),
            &step.capacity,
            limits,
        );
        if let Some(at) = at {
            if let Some((j, prev)) = previous {
                if at <= prev {
                    c.add(
                        offset,
                        format!(
                            "Step {} at {} is not after step {} at {}: steps must be in time order",
                            i + 1,
                            format_seconds(at),
                            j + 1,
                            format_seconds(prev)
                        ),
                    );
                }
            }
            previous = Some((i, at));
        }
        if let (Some(at), Some(v)) = (at, cap_v) {
            out.push((at, v));
        }
    }
    (c.errors.len() == before).then_some(out)
}
