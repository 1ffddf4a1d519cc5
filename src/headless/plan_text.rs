//! `--dry-run`: the plan as text, one tab-separated line per request in sending order
//! (the page's plan preview, minus the signing): number, phase, round (the setup's
//! requests of one round go out together; empty outside the setup), when, action, what
//! it carries, and when it is sent at all; then the schedule in one line.

use crate::engine::Plan;
use crate::report::time::seconds;

/// The header line of [`plan_lines`].
pub const PLAN_HEADER: &str = "#\tphase\tround\twhen\taction\trequest\tsent";

/// The plan's lines, the header first.
pub fn plan_lines(plan: &Plan) -> Vec<String> {
    let mut lines = vec![PLAN_HEADER.to_string()];
    for (i, p) in plan.requests.iter().enumerate() {
        lines.push(format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            i + 1,
            p.phase.label(),
            p.round_label(),
            p.when(),
            p.request.name(),
            p.summary(),
            p.condition
                .as_ref()
                .map_or_else(|| "always".to_string(), ToString::to_string),
        ));
    }
    let steps: Vec<String> = plan
        .schedule
        .iter()
        .map(|(at, capacity)| format!("{capacity}@+{}", seconds(*at)))
        .collect();
    lines.push(format!(
        "schedule: {} (peak {}, the end at +{})",
        steps.join(", "),
        plan.peak(),
        seconds(plan.end_ms)
    ));
    lines
}
