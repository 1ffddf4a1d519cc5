//! A small SVG chart of the planned capacity over time (a step line).

use leptos::prelude::*;

use crate::settings::num::format_seconds;

const W: f64 = 640.0;
const H: f64 = 180.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// Scales `(ms, capacity)` into the drawing area.
struct Scale {
    t_max: f64,
    c_max: f64,
}

impl Scale {
    fn x(&self, ms: u64) -> f64 {
        LEFT + (ms as f64 / self.t_max) * (W - LEFT - RIGHT)
    }
    fn y(&self, capacity: u32) -> f64 {
        H - BOTTOM - (f64::from(capacity) / self.c_max) * (H - TOP - BOTTOM)
    }
}

/// The step line's SVG path: horizontal to each step's time, then vertical to its capacity.
fn step_path(schedule: &[(u64, u32)], scale: &Scale) -> String {
    let mut d = String::new();
    for (i, (t, c)) in schedule.iter().enumerate() {
        let (x, y) = (scale.x(*t), scale.y(*c));
        if i == 0 {
            d.push_str(&format!("M{x:.1},{y:.1}"));
        } else {
            d.push_str(&format!(" H{x:.1} V{y:.1}"));
        }
    }
    d.push_str(&format!(" H{:.1}", W - RIGHT));
    d
}

/// The planned capacity over time. `schedule` is the plan's `(offset ms, capacity)` list.
#[component]
pub fn CapacityChart(
    /// The plan's `(offset ms, capacity)` list, in time order.
    schedule: Vec<(u64, u32)>,
) -> impl IntoView {
    let end = schedule.last().map_or(0, |s| s.0);
    let peak = schedule.iter().map(|s| s.1).max().unwrap_or(0);
    let scale = Scale {
        t_max: (end.max(1) as f64) * 1.08,
        c_max: f64::from(peak.max(1)),
    };
    let path = step_path(&schedule, &scale);
    let mut label: Vec<String> = schedule
        .iter()
        .take(20)
        .map(|(t, c)| format!("{c} at +{}", format_seconds(*t)))
        .collect();
    if schedule.len() > 20 {
        label.push(format!("and {} more steps", schedule.len() - 20));
    }
    let aria = format!("Planned capacity over time: {}", label.join(", "));
    let y_ticks: Vec<u32> = if peak <= 4 {
        (0..=peak.max(1)).collect()
    } else {
        vec![0, peak / 2, peak]
    };
    let x_ticks: Vec<u64> = if end == 0 {
        vec![0]
    } else {
        vec![0, end / 2, end]
    };
    let baseline = H - BOTTOM;
    view! {
        <svg
            class="chart"
            viewBox=format!("0 0 {W} {H}")
            role="img"
            aria-label=aria
            preserveAspectRatio="xMidYMid meet"
        >
            {y_ticks
                .into_iter()
                .map(|c| {
                    let y = scale.y(c);
                    view! {
                        <line class="grid" x1=LEFT x2=W - RIGHT y1=y y2=y></line>
                        <text class="tick" x=LEFT - 6.0 y=y + 4.0 text-anchor="end">
                            {c.to_string()}
                        </text>
                    }
                })
                .collect_view()}
            {x_ticks
                .into_iter()
                .map(|t| {
                    let x = scale.x(t);
                    view! {
                        <text class="tick" x=x y=baseline + 18.0 text-anchor="middle">
                            {format!("+{}", format_seconds(t))}
                        </text>
                    }
                })
                .collect_view()}
            <line class="axis" x1=LEFT x2=W - RIGHT y1=baseline y2=baseline></line>
            <path class="capacity" d=path></path>
            {schedule
                .iter()
                .map(|(t, c)| {
                    view! {
                        <circle class="point" cx=scale.x(*t) cy=scale.y(*c) r="3">
                            <title>{format!("{c} at +{}", format_seconds(*t))}</title>
                        </circle>
                    }
                })
                .collect_view()}
        </svg>
    }
}
