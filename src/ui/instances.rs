//! The domain's VMs, one per row, with "Terminate" (the domain shrinks by one) and
//! "Replace" (Phantom starts another) — TerminateInstanceInAutoScalingGroup with
//! ShouldDecrementDesiredCapacity true or false. The list is read on request; the actions
//! are journaled by the engine like any other request.

use leptos::prelude::*;

use crate::report::vms::{vm_rows, VmRow};

use super::runner::RunState;
use super::state::AppState;

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
            let rows = vm_rows(&instances)
                .into_iter()
                .map(|vm: VmRow| {
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
                        <tr>
                            <td class="mono">{vm.shown_id}</td>
                            <td>{vm.zone}</td>
                            <td>{vm.state}</td>
                            <td>{vm.health}</td>
                            <td class="row-buttons">{buttons}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="instances vm-list">
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
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
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
