//! "Test connection": placeholder until the api layer's component lands (owned by the
//! api work, not the settings work).

use leptos::prelude::*;

/// Signs a DescribeLaunchConfigurations and a DescribeAutoScalingGroups and reports.
#[component]
pub fn TestConnection() -> impl IntoView {
    view! { <div class="test-connection"></div> }
}
