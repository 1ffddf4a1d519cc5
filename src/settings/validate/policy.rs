//! The policy shapes of the Ramp section: how often the policy decides and for how long,
//! the rails every decision is held to, and each policy's own fields; valid, they make
//! the [`ValidPolicy`] the plan carries. Capacities are checked against the clouds'
//! [`Cap`](super::clouds::Cap) like a ramp's.

use crate::settings::field::PolicyField;
use crate::settings::num::format_seconds;
use crate::settings::{NumText, PolicySettings, RampShape};

use super::check::Check;
use super::policy_spec::{MetricSpec, PolicyKind, Rails, ValidPolicy, Weekdays};
use super::ramp::{capacity, Limits, MAX_RUN_MS};

/// A person's code is at most this long.
pub const MAX_CODE_BYTES: usize = 64 * 1024;
/// A decision's time limit, ms.
pub const TIME_LIMIT_MS: (u32, u32) = (10, 10_000);

/// Checks the policy fields `shape` uses.
pub(super) fn check_policy(
    shape: RampShape,
    p: &PolicySettings,
    limits: &Limits<'_>,
    c: &mut Check,
) -> Option<ValidPolicy> {
    let before = c.errors.len();
    let every = c.secs(
        PolicyField::Every,
        "Decide every",
        &p.every,
        1000,
        MAX_RUN_MS,
    );
    let run_for = c.secs(PolicyField::RunFor, "Run for", &p.run_for, 1000, MAX_RUN_MS);
    if let (Some(every), Some(run_for)) = (every, run_for) {
        if every > run_for {
            c.add(
                PolicyField::Every,
                format!(
                    "Decide every ({}) is longer than Run for ({}): the policy would never decide",
                    format_seconds(every),
                    format_seconds(run_for)
                ),
            );
        }
    }
    let rails = rails(shape, p, limits, c);
    let metric = match shape {
        RampShape::FollowMetric => metric(p, c),
        RampShape::Custom if !p.metric_url.trim().is_empty() => metric(p, c),
        _ => None,
    };
    let policy = match shape {
        RampShape::FollowMetric => c
            .secs(
                PolicyField::MetricPerVm,
                "Metric per VM",
                &p.metric_per_vm,
                1,
                1_000_000_000_000,
            )
            .map(|per_vm_milli| PolicyKind::FollowMetric { per_vm_milli }),
        RampShape::Schedule => schedule(p, limits, c),
        RampShape::KeepHealthy => keep_healthy(p, limits, c),
        RampShape::Custom => custom(p, every, c),
        RampShape::Tutorial | RampShape::Steps => return None,
    };
    let value = ValidPolicy {
        policy: policy?,
        every_ms: every?,
        run_for_ms: run_for?,
        rails: rails?,
        metric: match shape {
            RampShape::FollowMetric => Some(metric?),
            _ => metric,
        },
    };
    (c.errors.len() == before).then_some(value)
}

fn rails(
    shape: RampShape,
    p: &PolicySettings,
    limits: &Limits<'_>,
    c: &mut Check,
) -> Option<Rails> {
    let min = capacity(
        c,
        PolicyField::MinCapacity,
        "The minimum capacity",
        &p.min_capacity,
        limits,
    );
    let max = capacity(
        c,
        PolicyField::MaxCapacity,
        "The maximum capacity",
        &p.max_capacity,
        limits,
    );
    if let (Some(min), Some(max)) = (min, max) {
        if min > max {
            c.add(
                PolicyField::MinCapacity,
                format!("The minimum capacity ({min}) is above the maximum ({max})"),
            );
        }
    }
    let max_change = if p.max_change.as_str().trim().is_empty() {
        Some(None)
    } else {
        c.int(
            PolicyField::MaxChange,
            "The largest change per decision",
            &p.max_change,
            1,
            64_000,
        )
        .map(Some)
    };
    let up = c.secs(
        PolicyField::UpCooldown,
        "The scale-up cooldown",
        &p.up_cooldown,
        0,
        MAX_RUN_MS,
    );
    let down = c.secs(
        PolicyField::DownCooldown,
        "The scale-down cooldown",
        &p.down_cooldown,
        0,
        MAX_RUN_MS,
    );
    // Replacements: keep healthy's own fields; a custom policy may replace too, within
    // the same fields; the others replace nothing.
    let (max_replacements, window) = match shape {
        RampShape::KeepHealthy | RampShape::Custom => (
            c.int(
                PolicyField::MaxReplacements,
                "Replacements per window",
                &p.max_replacements,
                0,
                1000,
            ),
            c.secs(
                PolicyField::ReplacementWindow,
                "The replacement window",
                &p.replacement_window,
                1000,
                MAX_RUN_MS,
            ),
        ),
        _ => (Some(0), Some(60_000)),
    };
    Some(Rails {
        min: min?,
        max: max?.max(min?),
        max_change: max_change?,
        up_cooldown_ms: up?,
        down_cooldown_ms: down?,
        max_replacements: max_replacements?,
        replacement_window_ms: window?,
    })
}

fn metric(p: &PolicySettings, c: &mut Check) -> Option<MetricSpec> {
    let url = p.metric_url.trim();
    let url_ok = if url.is_empty() {
        c.add(
            PolicyField::MetricUrl,
            "Enter the metric's URL (a path such as /metrics/queue.json, or http(s)://…)",
        );
        false
    } else if url.chars().any(char::is_whitespace) {
        c.add(PolicyField::MetricUrl, "The metric URL contains spaces");
        false
    } else if !is_metric_url(url) {
        c.add(
            PolicyField::MetricUrl,
            "The metric URL must be a path on this page's server (/metrics/…) or start with http:// or https://",
        );
        false
    } else {
        true
    };
    let pointer = p.json_pointer.trim();
    let pointer_ok = pointer.is_empty() || pointer.starts_with('/');
    if !pointer_ok {
        c.add(
            PolicyField::JsonPointer,
            "A JSON pointer is empty (the whole document) or starts with / (such as /queue/length)",
        );
    }
    let max_age = c.secs(
        PolicyField::MetricMaxAge,
        "Metric too old after",
        &p.metric_max_age,
        1000,
        MAX_RUN_MS,
    );
    (url_ok && pointer_ok).then_some(MetricSpec {
        url: url.to_string(),
        pointer: pointer.to_string(),
        max_age_ms: max_age?,
    })
}

/// A same-origin path (not `//host`, which is another origin) or an absolute http(s) URL.
fn is_metric_url(url: &str) -> bool {
    let path = url.starts_with('/') && !url.starts_with("//");
    path || url.starts_with("http://") || url.starts_with("https://")
}

/// "09:00" → 540.
fn minute_of_day(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60)
        .then_some(h * 60 + m)
        .or((h == 24 && m == 0).then_some(1440))
}

/// "Mon-Fri", "Sat, Sun", "Mon,Wed,Fri", "every day".
pub fn parse_weekdays(text: &str) -> Result<Weekdays, String> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err("Enter the weekdays, such as Mon-Fri or Sat, Sun".to_string());
    }
    if t == "every day" || t == "daily" || t == "all" {
        return Ok(Weekdays::ALL);
    }
    const FULL: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let day = |s: &str| {
        let s = s.trim();
        FULL.iter()
            .position(|f| s.len() >= 3 && f.starts_with(s))
            .ok_or_else(|| format!("\"{s}\" is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun)"))
    };
    let mut bits = 0u8;
    for part in t.split(',').filter(|p| !p.trim().is_empty()) {
        match part.split_once(['-', '–']) {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut d = a;
                loop {
                    bits |= 1 << d;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => bits |= 1 << day(part)?,
        }
    }
    Ok(Weekdays(bits))
}

fn schedule(p: &PolicySettings, limits: &Limits<'_>, c: &mut Check) -> Option<PolicyKind> {
    let zone = p.zone.trim();
    let zone_ok = !zone.is_empty()
        && zone.len() <= 64
        && zone
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '/' | '_' | '-' | '+'));
    if !zone_ok {
        c.add(
            PolicyField::Zone,
            "Enter an IANA time zone, such as Europe/Paris or UTC",
        );
    }
    let days = parse_weekdays(&p.days)
        .map_err(|e| c.add(PolicyField::Days, e))
        .ok();
    let from = minute_of_day(&p.window_from);
    if from.is_none_or(|m| m >= 1440) {
        c.add(
            PolicyField::WindowFrom,
            "Enter a time of day as HH:MM, such as 09:00",
        );
    }
    let to = minute_of_day(&p.window_to);
    if to.is_none() {
        c.add(
            PolicyField::WindowTo,
            "Enter a time of day as HH:MM, such as 17:00 (24:00 for midnight)",
        );
    }
    if from.is_some() && from == to {
        c.add(
            PolicyField::WindowTo,
            "The window closes when it opens: it would never be open",
        );
    }
    let inside = capacity(
        c,
        PolicyField::InsideCapacity,
        "The capacity inside the window",
        &p.inside_capacity,
        limits,
    );
    let outside = capacity(
        c,
        PolicyField::OutsideCapacity,
        "The capacity outside the window",
        &p.outside_capacity,
        limits,
    );
    let to_min = to? % 1440;
    zone_ok.then_some(PolicyKind::Schedule {
        zone: zone.to_string(),
        days: days?,
        from_min: from.filter(|&m| m < 1440)?,
        to_min,
        inside: inside?,
        outside: outside?,
    })
}

fn keep_healthy(p: &PolicySettings, limits: &Limits<'_>, c: &mut Check) -> Option<PolicyKind> {
    let capacity = capacity(
        c,
        PolicyField::HealthyCapacity,
        "The capacity to keep",
        &p.healthy_capacity,
        limits,
    );
    let stuck = c.secs(
        PolicyField::StuckAfter,
        "Replace a VM booting for over",
        &p.stuck_after,
        1000,
        MAX_RUN_MS,
    );
    Some(PolicyKind::KeepHealthy {
        capacity: capacity?,
        stuck_after_ms: stuck?,
    })
}

fn custom(p: &PolicySettings, every: Option<u64>, c: &mut Check) -> Option<PolicyKind> {
    let code = p.code.as_str();
    let code_ok = if code.trim().is_empty() {
        c.add(
            PolicyField::Code,
            "Write a function decide(observation), or start from a template",
        );
        false
    } else if code.len() > MAX_CODE_BYTES {
        c.add(
            PolicyField::Code,
            format!(
                "The code is {} bytes; at most {MAX_CODE_BYTES} are allowed",
                code.len()
            ),
        );
        false
    } else if !code.contains("decide") {
        c.add(
            PolicyField::Code,
            "The code defines no function decide(observation)",
        );
        false
    } else {
        true
    };
    let limit = c.int(
        PolicyField::TimeLimit,
        "The time limit per decision",
        &p.time_limit_ms,
        TIME_LIMIT_MS.0,
        TIME_LIMIT_MS.1,
    );
    if let (Some(limit), Some(every)) = (limit, every) {
        if u64::from(limit) >= every {
            c.add(
                PolicyField::TimeLimit,
                format!(
                    "The time limit ({limit} ms) must be shorter than Decide every ({})",
                    format_seconds(every)
                ),
            );
        }
    }
    code_ok.then_some(PolicyKind::Custom {
        code: code.to_string(),
        limit_ms: limit?,
    })
}

/// Text fields of the policy for the import's length checks: (field, value, max chars,
/// multiline).
pub(crate) fn policy_texts(p: &PolicySettings) -> [(PolicyField, &str, usize, bool); 7] {
    [
        (PolicyField::MetricUrl, &p.metric_url, 2048, false),
        (PolicyField::JsonPointer, &p.json_pointer, 512, false),
        (PolicyField::Code, &p.code, MAX_CODE_BYTES, true),
        (PolicyField::Zone, &p.zone, 64, false),
        (PolicyField::Days, &p.days, 64, false),
        (PolicyField::WindowFrom, &p.window_from, 8, false),
        (PolicyField::WindowTo, &p.window_to, 8, false),
    ]
}

/// Number fields of the policy for the import's length checks.
pub(crate) fn policy_numbers(p: &PolicySettings) -> [(PolicyField, &NumText); 16] {
    [
        (PolicyField::Every, &p.every),
        (PolicyField::RunFor, &p.run_for),
        (PolicyField::MinCapacity, &p.min_capacity),
        (PolicyField::MaxCapacity, &p.max_capacity),
        (PolicyField::MaxChange, &p.max_change),
        (PolicyField::UpCooldown, &p.up_cooldown),
        (PolicyField::DownCooldown, &p.down_cooldown),
        (PolicyField::MetricPerVm, &p.metric_per_vm),
        (PolicyField::MetricMaxAge, &p.metric_max_age),
        (PolicyField::TimeLimit, &p.time_limit_ms),
        (PolicyField::InsideCapacity, &p.inside_capacity),
        (PolicyField::OutsideCapacity, &p.outside_capacity),
        (PolicyField::HealthyCapacity, &p.healthy_capacity),
        (PolicyField::StuckAfter, &p.stuck_after),
        (PolicyField::MaxReplacements, &p.max_replacements),
        (PolicyField::ReplacementWindow, &p.replacement_window),
    ]
}
