//! The domain's VMs, one per row, with "Terminate" (the domain shrinks by one) and
//! "Replace" (Phantom starts another) — TerminateInstanceInAutoScalingGroup with
//! ShouldDecrementDesiredCapacity true or false. The list is read on request; the actions
//! are journaled by the engine like any other request.
//!
//! A long list (more than [`WINDOWED_FROM`] VMs) is windowed as the step log is: it
//! scrolls in a box of its own, every row has the same height, and only the rows in view
//! (and [`OVERSCAN`] more) are in the page, between two spacer rows.

use leptos::prelude::*;

use crate::api::Instance;
use crate::report::logbook::window;
use crate::report::vms::{vm_rows, VmRow};

use super::measure::{used_height, viewport_of};
use super::runner::RunState;
use super::state::AppState;

/// From this many VMs on, the list is windowed (below it every row is in the page).
pub const WINDOWED_FROM: usize = 100;
/// Rows drawn beyond the box's viewport on either side.
const OVERSCAN: usize = 20;
/// A row's height until one is measured (the stylesheet's `.vm-list.windowed` rows).
const ROW_PX_GUESS: f64 = 38.4;
/// The box's height until it is measured (the stylesheet's 24 rem).
const VIEWPORT_PX_GUESS: f64 = 384.0;

/// The instance list of the current domain.
#[component]
pub fn InstanceList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let run = expect_context::<RunState>();
    let list = run.instances;
    let rows = move || {
        list.get().map(|instances| {
            if instances.is_empty() {
                return view! { <p class="hint">"No VMs are listed for this domain."</p> }
                    .into_any();
            }
            view! { <VmTable instances=instances/> }.into_any()
        })
    };
    view! {
        <div class="instance-list">
            <button
                type="button"
                class="secondary"
                disabled=move || run.listing.get()
                on:click=move |_| run.list_instances(state)
            >
                "List VMs"
            </button>
            <p class="hint">
                "Terminate: the domain shrinks by one. Replace: the VM is terminated and another started."
            </p>
            {rows}
        </div>
    }
}

/// One VM's row, with its Terminate and Replace buttons; `at`, its place in a windowed
/// list (numbered for assistive technology, the header being row 1).
fn vm_row(state: AppState, run: RunState, vm: VmRow, at: Option<usize>) -> impl IntoView {
    let usable = vm.usable();
    // Terminate: ShouldDecrementDesiredCapacity true; Replace: false.
    let buttons = [
        ("danger", "Terminate", vm.terminate_label(), true),
        ("secondary", "Replace", vm.replace_label(), false),
    ]
    .into_iter()
    .map(|(class, text, label, decrement)| {
        let id = vm.id.clone();
        view! {
            <button
                type="button"
                class=class
                disabled=move || !usable || run.manual.get()
                aria-label=label
                on:click=move |_| run.terminate(state, id.clone(), decrement)
            >
                {text}
            </button>
        }
    })
    .collect_view();
    view! {
        <tr class=at.map(|_| "vm-row") aria-rowindex=at.map(|at| at + 2)>
            <td class="mono">{vm.shown_id}</td>
            <td>{vm.zone}</td>
            <td>{vm.state}</td>
            <td>{vm.health}</td>
            <td class="row-buttons">{buttons}</td>
        </tr>
    }
}

/// The table of `instances`: every row when few, windowed when long.
#[component]
pub fn VmTable(
    /// The VMs, as listed.
    instances: Vec<Instance>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let run = expect_context::<RunState>();
    let all = StoredValue::new(vm_rows(&instances));
    let total = instances.len();
    let head = view! {
        <caption>"VMs of the domain"</caption>
        <thead>
            <tr>
                <th scope="col">"Instance"</th>
                <th scope="col">"Cloud / zone"</th>
                <th scope="col">"State"</th>
                <th scope="col">"Health"</th>
                <th scope="col">"Action"</th>
            </tr>
        </thead>
    };
    if total < WINDOWED_FROM {
        let rows = all
            .get_value()
            .into_iter()
            .map(|vm| vm_row(state, run, vm, None))
            .collect_view();
        return view! {
            <table class="instances vm-list">
                {head}
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any();
    }
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(VIEWPORT_PX_GUESS);
    let row_px = RwSignal::new(ROW_PX_GUESS);
    let scroller = NodeRef::<leptos::html::Div>::new();
    let body = NodeRef::<leptos::html::Tbody>::new();
    let range = Memo::new(move |_| {
        window(
            total,
            scroll_top.get(),
            viewport.get(),
            row_px.get(),
            OVERSCAN,
        )
    });
    // The first drawn row tells the row height, once.
    Effect::new(move |measured: Option<bool>| {
        range.track();
        if measured == Some(true) {
            return true;
        }
        let row = body
            .get()
            .and_then(|b| b.query_selector("tr.vm-row").ok().flatten());
        match row.and_then(|r| used_height(&r)) {
            Some(h) => {
                row_px.set(h);
                true
            }
            None => false,
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            if let Some(h) = viewport_of(&el).filter(|h| *h != viewport.get_untracked()) {
                viewport.set(h);
            }
        }
    };
    // Its height through the CSS object model (`style:`), which the page's
    // Content-Security-Policy allows where a style attribute is not.
    let spacer = move |rows: usize| {
        let height = format!("{}px", rows as f64 * row_px.get());
        view! {
            <tr class="vm-spacer" aria-hidden="true">
                <td colspan="5" style:height=height></td>
            </tr>
        }
    };
    let drawn = move || {
        let r = range.get();
        all.with_value(|rows| {
            rows[r.start..r.end]
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, vm)| (r.start + i, vm))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="vm-scroll" node_ref=scroller on:scroll=on_scroll>
            <table class="instances vm-list windowed" aria-rowcount=total + 1>
                {head}
                <tbody node_ref=body>
                    {move || spacer(range.get().start)}
                    <For
                        each=drawn
                        key=|(at, _)| *at
                        children=move |(at, vm)| vm_row(state, run, vm, Some(at))
                    />
                    {move || spacer(total - range.get().end)}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
