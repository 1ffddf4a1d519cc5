//! The domain section: name, minimum VMs (within the clouds' [`Cap`]), availability
//! zone, and the sensor settings of `sensor_engine`.

use serde::Serialize;

use crate::api::Profile;
use crate::settings::field::{DomainField, SensorField};
use crate::settings::num::parse_decimal;
use crate::settings::{DomainSettings, NumText, Policy, SAMPLE_FUNCTIONS};

use super::check::{num_message, simple_name, text_field, Check, TextRule};
use super::clouds::{Cap, MAX_CLOUDS, MAX_VMS_PER_CLOUD};

/// Valid sensor settings; the numbers are kept as the text a tag carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidSensor {
    /// Metric.
    pub metric: String,
    /// Sample function.
    pub sample_function: String,
    /// Scale-up threshold (a finite decimal).
    pub scale_up_threshold: String,
    /// Scale-down threshold (a finite decimal, below the scale-up one).
    pub scale_down_threshold: String,
    /// VMs per scale-up.
    pub scale_up_n_vms: u32,
    /// VMs per scale-down.
    pub scale_down_n_vms: u32,
    /// Cooldown in seconds.
    pub cooldown_s: u32,
}

/// A valid domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidDomain {
    /// Domain name.
    pub name: String,
    /// Policy.
    pub policy: Policy,
    /// `minimum_vms`.
    pub minimum_vms: u32,
    /// Availability zone.
    pub availability_zone: String,
    /// Replace an existing domain of that name.
    pub replace_existing: bool,
    /// Sensor settings, with [`Policy::SensorEngine`] only.
    pub sensor: Option<ValidSensor>,
}

/// Checks the domain section; `cap` is the clouds' (when their maxima are valid).
pub(super) fn check_domain(
    d: &DomainSettings,
    profile: Profile,
    cap: Option<&Cap>,
    c: &mut Check,
) -> Option<ValidDomain> {
    let before = c.errors.len();
    let name = text_field(
        c,
        DomainField::Name,
        &d.name,
        TextRule {
            required: Some("Enter a domain name, e.g. my_domain"),
            max_chars: 128,
            what: "A domain name",
            allowed: simple_name,
            rule: "A domain name has only letters, digits, '-', '_' and '.'",
        },
    );
    let minimum = c.int(
        DomainField::MinimumVms,
        "Minimum VMs",
        &d.minimum_vms,
        0,
        MAX_VMS_PER_CLOUD * MAX_CLOUDS as u32,
    );
    if let (Some(m), Some(cap)) = (minimum, cap) {
        if m > cap.total {
            c.add(
                DomainField::MinimumVms,
                format!("Minimum VMs ({m}) is above {} ({})", cap.why, cap.total),
            );
        }
    }
    let zone_example = profile.default_availability_zone();
    let zone = text_field(
        c,
        DomainField::AvailabilityZone,
        &d.availability_zone,
        TextRule {
            required: Some(&format!("Enter an availability zone, e.g. {zone_example}")),
            max_chars: 64,
            what: "An availability zone",
            allowed: |ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-',
            rule: &format!("An availability zone has only lowercase letters, digits and '-', e.g. {zone_example}"),
        },
    );
    let sensor = match d.policy {
        Policy::ErrorOverflowNPreserving => Some(None),
        Policy::SensorEngine => check_sensor(d, c).map(Some),
    };
    let done = c.errors.len() == before;
    Some(ValidDomain {
        name: name?,
        policy: d.policy,
        minimum_vms: minimum?,
        availability_zone: zone?,
        replace_existing: d.replace_existing,
        sensor: sensor?,
    })
    .filter(|_| done)
}

fn check_sensor(d: &DomainSettings, c: &mut Check) -> Option<ValidSensor> {
    let s = &d.sensor;
    let metric = text_field(
        c,
        SensorField::Metric,
        &s.metric,
        TextRule {
            required: Some("Enter the metric to scale on, e.g. CPUUtilization"),
            max_chars: 255,
            what: "A metric name",
            allowed: |ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.' | ':' | '/'),
            rule: "A metric name has only letters, digits, '-', '_', '.', ':' and '/'",
        },
    );
    let sample_function = if SAMPLE_FUNCTIONS.contains(&s.sample_function.as_str()) {
        Some(s.sample_function.clone())
    } else {
        c.add(
            SensorField::SampleFunction,
            format!("Choose one of {}", SAMPLE_FUNCTIONS.join(", ")),
        );
        None
    };
    let mut decimal = |field: SensorField, label: &str, text: &NumText| {
        parse_decimal(text, -1e12, 1e12)
            .map_err(|e| c.add(field, num_message(label, &e)))
            .ok()
    };
    let up = decimal(
        SensorField::ScaleUpThreshold,
        "The scale-up threshold",
        &s.scale_up_threshold,
    );
    let down = decimal(
        SensorField::ScaleDownThreshold,
        "The scale-down threshold",
        &s.scale_down_threshold,
    );
    if let (Some((u, ut)), Some((dn, dt))) = (&up, &down) {
        if dn >= u {
            c.add(
                SensorField::ScaleDownThreshold,
                format!(
                    "The scale-down threshold ({dt}) must be below the scale-up threshold ({ut})"
                ),
            );
        }
    }
    let up_n = c.int(
        SensorField::ScaleUpNVms,
        "VMs per scale-up",
        &s.scale_up_n_vms,
        1,
        MAX_VMS_PER_CLOUD,
    );
    let down_n = c.int(
        SensorField::ScaleDownNVms,
        "VMs per scale-down",
        &s.scale_down_n_vms,
        1,
        MAX_VMS_PER_CLOUD,
    );
    let cooldown = c.int(
        SensorField::Cooldown,
        "The cooldown (seconds)",
        &s.cooldown,
        0,
        86_400,
    );
    Some(ValidSensor {
        metric: metric?,
        sample_function: sample_function?,
        scale_up_threshold: up?.1,
        scale_down_threshold: down?.1,
        scale_up_n_vms: up_n?,
        scale_down_n_vms: down_n?,
        cooldown_s: cooldown?,
    })
}
