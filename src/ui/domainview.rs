//! The live domain view, from the journal only: the latest look's instances per cloud
//! and state ([`crate::report::vms`]), a small SVG chart of planned capacity, requested
//! capacity (ramp steps) and running instances ([`crate::report::chart`]), and the VM
//! list.

use leptos::prelude::*;

use crate::report::chart::DomainChart;
use crate::report::series::series;
use crate::report::vms::{latest_look, Seen};

use super::chart::domain_chart;
use super::runner::RunState;

/// The live domain view.
#[component]
pub fn DomainView() -> impl IntoView {
    let run = expect_context::<RunState>();
    let latest = Memo::new(move |_| run.events.with(|e| latest_look(e)));
    let data = Memo::new(move |_| run.events.with(|e| DomainChart::of(&series(e))));
    let table = move || {
        latest.get().map(|look| {
            let body = match look.seen {
                Seen::Domain { summary, rows } => {
                    let rows = rows
                        .into_iter()
                        .map(|c| {
                            view! {
                                <tr>
                                    <td>{c.cloud}</td>
                                    <td>{c.state}</td>
                                    <td>{c.meaning}</td>
                                    <td>{c.count}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <p class="domain-summary">{summary}</p>
                        <div class="table-wrap">
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
                        </div>
                    }
                    .into_any()
                }
                Seen::Missing => {
                    view! { <p class="domain-summary">"The domain is not listed."</p> }.into_any()
                }
                Seen::Failed(text) => {
                    view! { <p class="domain-summary error">{text}</p> }.into_any()
                }
            };
            view! {
                <p class="hint as-of">{look.as_of}</p>
                {body}
            }
        })
    };
    let chart = move || {
        data.get().map(|c| {
            view! {
                {domain_chart(
                    c,
                    "domain-chart",
                    "Planned capacity, requested capacity and running instances over time",
                    None,
                )}
                <p class="legend hint">
                    "Dashed grey: planned capacity; blue: requested (ramp steps); green: running instances."
                </p>
            }
        })
    };
    // After the end: whether the domain reached what was asked for, or is still watched.
    let settled = move || match run.summary.with(|s| s.settled.clone()) {
        Some(end) => {
            let class = if end.is_warning() {
                "settled warn"
            } else {
                "settled"
            };
            Some(view! { <p class=class role="status">{end.label()}</p> }.into_any())
        }
        None => run.settling.get().then(|| {
            let target = run.summary.with(|s| s.settle_target()).unwrap_or_default();
            view! {
                <p class="settled hint" role="status">
                    {format!("Watching the domain until it shows capacity {target}…")}
                </p>
            }
            .into_any()
        }),
    };
    let visible = move || run.events.with(|e| !e.is_empty());
    view! {
        <Show when=visible>
            <section class="domain-view" aria-label="Domain">
                <h2>"Domain"</h2>
                {settled}
                {table}
                {chart}
                <super::instances::InstanceList/>
            </section>
        </Show>
    }
}
