//! A policy's decision as one log line: the tick, what it saw ("desired 2, running 1,
//! pending 1, metric 37"), what it asked and why, what the rails changed, and what was
//! sent; a fault as a warning with its line in the person's code.

use crate::engine::journal::{DecisionMade, DecisionOutcome, ObservedBrief};
use crate::engine::plan::PlannedPolicy;
use crate::engine::policy::builtin::metric::trim_number;
use crate::engine::policy::PolicyKind;
use crate::settings::num::format_seconds;

use super::steplog::{LineKind, LogLine};
use super::time::seconds;

/// "desired 2, running 1, pending 1, failed 0, metric 37 (4 s old)".
pub fn observed_text(o: &ObservedBrief) -> String {
    let mut s = format!(
        "desired {}, running {}, pending {}, failed {}",
        o.desired, o.running, o.pending, o.failed
    );
    if let Some(m) = o.metric {
        s.push_str(&format!(", metric {}", trim_number(m)));
        if let Some(age) = o.metric_age_ms.filter(|&a| a >= 1000) {
            s.push_str(&format!(" ({} s old)", age / 1000));
        }
    }
    if let Some(why) = &o.look_failed {
        s.push_str(&format!("; the domain could not be described: {why}"));
    }
    s
}

/// The decision's line.
pub fn decision_line(e: &DecisionMade) -> LogLine {
    let timing = if e.lateness_ms > 0 {
        format!(
            "ramp time {}, late {} ms",
            seconds(e.offset_ms),
            e.lateness_ms
        )
    } else {
        format!("ramp time {}", seconds(e.offset_ms))
    };
    let (kind, target, outcome) = match &e.outcome {
        DecisionOutcome::Decided {
            asked,
            reason,
            set,
            replace,
            rails,
        } => {
            let mut outcome = match (asked, set) {
                (_, Some(c)) => format!("set {c}: {reason}"),
                (Some(a), None) if rails.is_empty() => format!("keep {a}: {reason}"),
                (Some(_), None) => format!("no change: {reason}"),
                (None, None) => format!("hold: {reason}"),
            };
            if !rails.is_empty() {
                let notes: Vec<String> = rails.iter().map(|r| r.text()).collect();
                outcome.push_str(&format!(" [rails: {}]", notes.join("; ")));
            }
            if !replace.is_empty() {
                outcome.push_str(&format!("; replacing {}", replace.join(", ")));
            }
            (LineKind::Decision, observed_text(&e.observed), outcome)
        }
        DecisionOutcome::Fault {
            message,
            consecutive,
            ..
        } => (
            LineKind::Warning,
            observed_text(&e.observed),
            format!("no decision ({consecutive} in a row), holding: {message}"),
        ),
    };
    LogLine {
        timing,
        target,
        outcome,
        ..LogLine::new(e.at_ms, kind, format!("Decision {}", e.tick + 1))
    }
}

/// What the plan preview says of a policy, where a ramp lists its timed steps: how
/// often it decides, for how long, within which rails, and what each tick sends.
/// "Follow a metric every 10 s for 10 min, capacity 0–8: 60 decisions from the ramp's
/// start. Each tick describes the domain, reads the metric at /metrics/q.json, and sets
/// the capacity only when it changes; then the final capacity."
pub fn policy_plan_text(p: &PlannedPolicy) -> String {
    let policy = &p.policy;
    let ticks = policy.run_for_ms.div_ceil(policy.every_ms.max(1000));
    let decisions = if ticks == 1 {
        "1 decision".to_string()
    } else {
        format!("{ticks} decisions")
    };
    let metric = policy
        .metric
        .as_ref()
        .map(|m| format!(", reads the metric at {}", m.url))
        .unwrap_or_default();
    let replaces = matches!(
        policy.policy,
        PolicyKind::KeepHealthy { .. } | PolicyKind::Custom { .. }
    )
    .then(|| {
        format!(
            ", replaces at most {} VMs per {} (TerminateInstanceInAutoScalingGroup without decrement)",
            policy.rails.max_replacements,
            format_seconds(policy.rails.replacement_window_ms)
        )
    })
    .unwrap_or_default();
    format!(
        "{}: {decisions} from the ramp's start. Each tick describes the domain{metric}, sets the capacity only when it changes{replaces}; then the final capacity.",
        policy.summary()
    )
}
