//! The live domain view, from the journal only: the latest `Monitor` event's instances
//! per cloud and state (Phantom `600-RUNNING` and AWS `InService` alike), and a small
//! SVG chart of planned capacity, requested capacity (ramp steps) and running instances.

use leptos::prelude::*;

use crate::engine::journal::{Event, InstanceState, MonitorResult};

use super::runner::RunState;
use super::steplog::{clock_time, seconds};

const W: f64 = 640.0;
const H: f64 = 180.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 24.0;

/// The chart's three step lines, as `(offset ms from the ramp's start, value)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// The schedule of the run.
    pub planned: Vec<(u64, u32)>,
    /// What the ramp steps asked for, when they fired.
    pub requested: Vec<(u64, u32)>,
    /// Running instances as the monitor saw them.
    pub running: Vec<(u64, u32)>,
}

/// The series of a journal (its last run).
pub fn series(events: &[Event]) -> Series {
    let mut s = Series::default();
    for e in events {
        match e {
            Event::RunStarted(r) => {
                s = Series::default();
                s.planned = r.schedule.iter().map(|x| (x.at_ms, x.capacity)).collect();
            }
            Event::RampStep(r) => s.requested.push((r.actual_offset_ms, r.capacity)),
            Event::Monitor(m) => {
                if let MonitorResult::Domain { counts, .. } = &m.result {
                    let running = counts
                        .iter()
                        .filter(|c| c.category == InstanceState::Running)
                        .map(|c| c.count)
                        .sum();
                    s.running.push((m.offset_ms, running));
                }
            }
            _ => {}
        }
    }
    s
}

fn path(points: &[(u64, u32)], t_max: f64, c_max: f64, end: f64) -> String {
    let x = |t: u64| LEFT + (t as f64 / t_max) * (W - LEFT - RIGHT);
    let y = |c: u32| H - BOTTOM - (f64::from(c) / c_max) * (H - TOP - BOTTOM);
    let mut d = String::new();
    for (i, (t, c)) in points.iter().enumerate() {
        if i == 0 {
            d.push_str(&format!("M{:.1},{:.1}", x(*t), y(*c)));
        } else {
            d.push_str(&format!(" H{:.1} V{:.1}", x(*t), y(*c)));
        }
    }
    if !points.is_empty() {
        d.push_str(&format!(" H{:.1}", x(end as u64)));
    }
    d
}

/// The live domain view.
#[component]
pub fn DomainView() -> impl IntoView {
    let run = expect_context::<RunState>();
    let latest = Memo::new(move |_| {
        run.events.with(|events| {
            events.iter().rev().find_map(|e| match e {
                Event::Monitor(m) => Some(m.clone()),
                _ => None,
            })
        })
    });
    let data = Memo::new(move |_| run.events.with(|e| series(e)));
    let table = move || {
        latest.get().map(|m| {
            let as_of = format!(
                "As of {} UTC (ramp time {})",
                clock_time(m.at_ms),
                seconds(m.offset_ms)
            );
            let body = match m.result {
            MonitorResult::Domain {
                desired_capacity,
                instances,
                counts,
            } => {
                let rows = counts
                    .into_iter()
                    .map(|c| {
                        view! {
                            <tr>
                                <td>{c.cloud}</td>
                                <td>{c.state}</td>
                                <td>{format!("{:?}", c.category).to_lowercase()}</td>
                                <td>{c.count}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <p class="domain-summary">
                        {format!(
                            "Desired capacity {}, {instances} instance(s)",
                            desired_capacity.map_or("unknown".to_string(), |d| d.to_string())
                        )}
                    </p>
                    <table class="instances">
                        <thead>
                            <tr>
                                <th>"Cloud"</th>
                                <th>"State"</th>
                                <th>"Meaning"</th>
                                <th>"Instances"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }
            MonitorResult::Missing => {
                view! { <p class="domain-summary">"The domain is not listed."</p> }.into_any()
            }
            MonitorResult::Failed { error, attempts } => view! {
                <p class="domain-summary error">
                    {format!("The last look failed after {attempts} attempt(s): {}", error.message)}
                </p>
            }
            .into_any(),
            };
            view! {
                <p class="hint as-of">{as_of}</p>
                {body}
            }
        })
    };
    let chart = move || {
        data.with(|s| {
            let t_end = s
                .planned
                .iter()
                .chain(&s.requested)
                .chain(&s.running)
                .map(|p| p.0)
                .max()
                .unwrap_or(0)
                .max(1000);
            let t_max = t_end as f64 * 1.05;
            let c_max = f64::from(
                s.planned
                    .iter()
                    .chain(&s.requested)
                    .chain(&s.running)
                    .map(|p| p.1)
                    .max()
                    .unwrap_or(0)
                    .max(1),
            );
            let planned = path(&s.planned, t_max, c_max, t_end as f64);
            let requested = path(&s.requested, t_max, c_max, t_end as f64);
            let running = path(&s.running, t_max, c_max, t_end as f64);
            (!s.planned.is_empty()).then(|| {
                view! {
                    <svg
                        class="domain-chart"
                        viewBox=format!("0 0 {W} {H}")
                        role="img"
                        aria-label="Planned capacity, requested capacity and running instances over time"
                    >
                        <line class="axis" x1=LEFT y1=H - BOTTOM x2=W - RIGHT y2=H - BOTTOM stroke="currentColor" />
                        <line class="axis" x1=LEFT y1=TOP x2=LEFT y2=H - BOTTOM stroke="currentColor" />
                        <text x=4 y=TOP + 8.0 font-size="11" fill="currentColor">{format!("{c_max}")}</text>
                        <text x=W - RIGHT y=H - 6.0 font-size="11" text-anchor="end" fill="currentColor">
                            {format!("{:.0} s", t_end as f64 / 1000.0)}
                        </text>
                        <path class="planned" d=planned fill="none" stroke="#8a94a3" stroke-dasharray="4 3" stroke-width="2" />
                        <path class="requested" d=requested fill="none" stroke="#2457c5" stroke-width="2" />
                        <path class="running" d=running fill="none" stroke="#2e9e5b" stroke-width="2" />
                    </svg>
                    <p class="legend hint">
                        "Dashed grey: planned capacity; blue: requested (ramp steps); green: running instances."
                    </p>
                }
            })
        })
    };
    let visible = move || run.events.with(|e| !e.is_empty());
    view! {
        <Show when=visible>
            <section class="domain-view" aria-label="Domain">
                <h2>"Domain"</h2>
                {table}
                {chart}
                <super::instances::InstanceList/>
            </section>
        </Show>
    }
}
