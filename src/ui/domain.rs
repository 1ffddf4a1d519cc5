//! The Domain section: name, policy, minimum VMs, zone, replace, and the sensor settings
//! of `sensor_engine`.

use leptos::prelude::*;

use crate::settings::{DomainField, Policy, SensorField, Settings, SAMPLE_FUNCTIONS};

use super::fields::{checkbox_field, select_field, text_field, Kind};
use super::state::AppState;

/// The Domain fieldset.
#[component]
pub fn DomainSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let policies = Signal::derive(|| {
        Policy::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), p.as_str().to_string()))
            .collect()
    });
    let samples = Signal::derive(|| {
        SAMPLE_FUNCTIONS
            .iter()
            .map(|f| (f.to_string(), f.to_string()))
            .collect()
    });
    let sensor = move || {
        state
            .settings
            .with(|s| s.domain.policy == Policy::SensorEngine)
    };
    view! {
        <fieldset class="section" id="domain">
            <legend>"Domain"</legend>
            {text_field(
                DomainField::Name,
                "Domain name",
                Kind::Text,
                None,
                |s: &Settings| s.domain.name.clone(),
                |s: &mut Settings, v| s.domain.name = v,
            )}
            {select_field(
                DomainField::Policy,
                "Policy",
                policies,
                |s: &Settings| s.domain.policy.as_str().to_string(),
                |s: &mut Settings, v: String| {
                    if let Some(p) = Policy::parse(&v) {
                        s.domain.policy = p;
                    }
                },
            )}
            {text_field(
                DomainField::MinimumVms,
                "Minimum VMs",
                Kind::Integer,
                Some("minimum_vms when the domain is created (the tutorial: 0).".into()),
                |s: &Settings| s.domain.minimum_vms.0.clone(),
                |s: &mut Settings, v| s.domain.minimum_vms.0 = v,
            )}
            {text_field(
                DomainField::AvailabilityZone,
                "Availability zone",
                Kind::Text,
                Some("Phantom ignores it; AWS needs a real zone such as us-east-1a.".into()),
                |s: &Settings| s.domain.availability_zone.clone(),
                |s: &mut Settings, v| s.domain.availability_zone = v,
            )}
            {checkbox_field(
                DomainField::ReplaceExisting,
                "Replace an existing domain of this name",
                Some("Off: an existing domain is kept as it is and driven by the ramp.".into()),
                |s: &Settings| s.domain.replace_existing,
                |s: &mut Settings, v| s.domain.replace_existing = v,
            )}
            {move || {
                sensor()
                    .then(|| {
                        view! {
                            <div class="group" role="group" aria-labelledby="sensor-heading">
                                <h3 id="sensor-heading">"Sensor"</h3>
                                <p class="hint">
                                    "sensor_engine runs on the first cloud only (the cloud of the launch configuration the domain is created with)."
                                </p>
                                {text_field(
                                    SensorField::Metric,
                                    "Metric",
                                    Kind::Text,
                                    None,
                                    |s: &Settings| s.domain.sensor.metric.clone(),
                                    |s: &mut Settings, v| s.domain.sensor.metric = v,
                                )}
                                {select_field(
                                    SensorField::SampleFunction,
                                    "Sample function",
                                    samples,
                                    |s: &Settings| s.domain.sensor.sample_function.clone(),
                                    |s: &mut Settings, v| s.domain.sensor.sample_function = v,
                                )}
                                {text_field(
                                    SensorField::ScaleUpThreshold,
                                    "Scale-up threshold",
                                    Kind::Decimal,
                                    None,
                                    |s: &Settings| s.domain.sensor.scale_up_threshold.0.clone(),
                                    |s: &mut Settings, v| s.domain.sensor.scale_up_threshold.0 = v,
                                )}
                                {text_field(
                                    SensorField::ScaleDownThreshold,
                                    "Scale-down threshold",
                                    Kind::Decimal,
                                    None,
                                    |s: &Settings| s.domain.sensor.scale_down_threshold.0.clone(),
                                    |s: &mut Settings, v| s.domain.sensor.scale_down_threshold.0 = v,
                                )}
                                {text_field(
                                    SensorField::ScaleUpNVms,
                                    "VMs per scale-up",
                                    Kind::Integer,
                                    None,
                                    |s: &Settings| s.domain.sensor.scale_up_n_vms.0.clone(),
                                    |s: &mut Settings, v| s.domain.sensor.scale_up_n_vms.0 = v,
                                )}
                                {text_field(
                                    SensorField::ScaleDownNVms,
                                    "VMs per scale-down",
                                    Kind::Integer,
                                    None,
                                    |s: &Settings| s.domain.sensor.scale_down_n_vms.0.clone(),
                                    |s: &mut Settings, v| s.domain.sensor.scale_down_n_vms.0 = v,
                                )}
                                {text_field(
                                    SensorField::Cooldown,
                                    "Cooldown (seconds)",
                                    Kind::Integer,
                                    None,
                                    |s: &Settings| s.domain.sensor.cooldown.0.clone(),
                                    |s: &mut Settings, v| s.domain.sensor.cooldown.0 = v,
                                )}
                            </div>
                        }
                    })
            }}
        </fieldset>
    }
}
