//! A small SVG chart of the planned capacity over time (a step line), drawn from
//! [`PlanChart`].

use leptos::prelude::*;

use crate::report::chart::{DomainChart, PlanChart};

/// The planned capacity over time. `schedule` is the plan's `(offset ms, capacity)` list.
#[component]
pub fn CapacityChart(
    /// The plan's `(offset ms, capacity)` list, in time order.
    schedule: Vec<(u64, u32)>,
) -> impl IntoView {
    let chart = PlanChart::of(&schedule);
    let f = chart.frame;
    let baseline = f.baseline();
    view! {
        <svg
            class="chart"
            viewBox=f.view_box()
            role="img"
            aria-label=chart.aria_label
            preserveAspectRatio="xMidYMid meet"
        >
            {chart
                .y_ticks
                .into_iter()
                .map(|tick| {
                    let y = tick.at;
                    view! {
                        <line class="grid" x1=f.left x2=f.right_edge() y1=y y2=y></line>
                        <text class="tick" x=f.left - 6.0 y=y + 4.0 text-anchor="end">
                            {tick.label}
                        </text>
                    }
                })
                .collect_view()}
            {chart
                .x_ticks
                .into_iter()
                .map(|tick| {
                    view! {
                        <text class="tick" x=tick.at y=baseline + 18.0 text-anchor="middle">
                            {tick.label}
                        </text>
                    }
                })
                .collect_view()}
            <line class="axis" x1=f.left x2=f.right_edge() y1=baseline y2=baseline></line>
            <path class="capacity" d=chart.path></path>
            {chart
                .points
                .into_iter()
                .map(|p| {
                    view! {
                        <circle class="point" cx=p.x cy=p.y r="3">
                            <title>{p.title}</title>
                        </circle>
                    }
                })
                .collect_view()}
        </svg>
    }
}

/// The live view's chart (planned, requested and running step lines over their axes),
/// with `under` drawn beneath the lines (the dry run's metric).
pub fn domain_chart(
    c: DomainChart,
    class: &'static str,
    label: &'static str,
    under: Option<AnyView>,
) -> impl IntoView {
    let f = c.frame;
    view! {
        <svg class=class viewBox=f.view_box() role="img" aria-label=label>
            <line class="axis" x1=f.left y1=f.baseline() x2=f.right_edge() y2=f.baseline() stroke="currentColor" />
            <line class="axis" x1=f.left y1=f.top x2=f.left y2=f.baseline() stroke="currentColor" />
            <text x=4 y=f.top + 8.0 font-size="11" fill="currentColor">{c.peak_label}</text>
            <text x=f.right_edge() y=f.height - 6.0 font-size="11" text-anchor="end" fill="currentColor">
                {c.end_label}
            </text>
            {under}
            <path class="planned" d=c.planned fill="none" stroke="#8a94a3" stroke-dasharray="4 3" stroke-width="2" />
            <path class="requested" d=c.requested fill="none" stroke="#2457c5" stroke-width="2" />
            <path class="running" d=c.running fill="none" stroke="#2e9e5b" stroke-width="2" />
        </svg>
    }
}
