//! The clouds section: names and maxima in rank order, and the most VMs they allow
//! together (the [`Cap`] the domain's and the ramp's capacities are checked against).

use serde::Serialize;

use crate::settings::field::{CloudField, Field};
use crate::settings::num::parse_int;
use crate::settings::{CloudSettings, Policy};

use super::check::{has_invisible, Check};

/// At most this many clouds.
pub const MAX_CLOUDS: usize = 64;
/// At most this many VMs on one cloud.
pub const MAX_VMS_PER_CLOUD: u32 = 1000;

/// One cloud of valid settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidCloud {
    /// Cloud name.
    pub name: String,
    /// Maximum VMs there.
    pub max_vms: u32,
}

/// What is wrong with the name of cloud `i`, if anything.
fn name_problem(clouds: &[CloudSettings], i: usize) -> Option<String> {
    let n = clouds[i].name.as_str();
    if n.is_empty() {
        Some("Enter a cloud name, e.g. hotel".to_string())
    } else if n.chars().count() > 64 {
        Some("A cloud name is at most 64 characters".to_string())
    } else if n.contains('@') {
        Some(
            "A cloud name cannot contain '@': it separates the launch configuration from the cloud"
                .to_string(),
        )
    } else if n.contains(':') {
        Some(
            "A cloud name cannot contain ':': the clouds tag puts it between name and maximum"
                .to_string(),
        )
    } else if n.contains(',') {
        Some("A cloud name cannot contain ',': the clouds tag separates clouds with it".to_string())
    } else if n.chars().any(char::is_whitespace) {
        Some("A cloud name cannot contain spaces".to_string())
    } else if has_invisible(n) {
        Some("A cloud name cannot contain control or invisible characters".to_string())
    } else {
        clouds[..i]
            .iter()
            .position(|o| o.name == n)
            .map(|j| format!("{n} is already cloud {}; cloud names must be unique", j + 1))
    }
}

/// Checks the list and every cloud in it.
pub(super) fn check_clouds(clouds: &[CloudSettings], c: &mut Check) -> Option<Vec<ValidCloud>> {
    if clouds.is_empty() {
        c.add(Field::Clouds, "Add at least one cloud");
        return None;
    }
    if clouds.len() > MAX_CLOUDS {
        c.add(
            Field::Clouds,
            format!("{} clouds; at most {MAX_CLOUDS} are allowed", clouds.len()),
        );
        return None;
    }
    let before = c.errors.len();
    let mut out = Vec::new();
    for (index, cloud) in clouds.iter().enumerate() {
        if let Some(m) = name_problem(clouds, index) {
            c.add(Field::cloud(index, CloudField::Name), m);
        }
        let max = c.int(
            Field::cloud(index, CloudField::MaxVms),
            "Maximum VMs",
            &cloud.max_vms,
            1,
            MAX_VMS_PER_CLOUD,
        );
        if let Some(max_vms) = max {
            out.push(ValidCloud {
                name: cloud.name.clone(),
                max_vms,
            });
        }
    }
    (c.errors.len() == before).then_some(out)
}

/// The most VMs a ramp may ask for, and how to say so.
pub(super) struct Cap {
    pub(super) total: u32,
    pub(super) why: String,
}

/// The cap follows from the clouds' maxima alone, so a bad cloud *name* does not hide
/// a capacity problem; a bad maximum does (its own message says why).
pub(super) fn capacity_cap(policy: Policy, clouds: &[CloudSettings]) -> Option<Cap> {
    let maxima: Option<Vec<u32>> = clouds
        .iter()
        .map(|c| parse_int(&c.max_vms, 1, MAX_VMS_PER_CLOUD).ok())
        .collect();
    let maxima = maxima?;
    if maxima.is_empty() || clouds.len() > MAX_CLOUDS {
        return None;
    }
    match policy {
        Policy::ErrorOverflowNPreserving => Some(Cap {
            total: maxima.iter().sum(),
            why: "the total of the clouds' maxima".to_string(),
        }),
        Policy::SensorEngine => Some(Cap {
            total: maxima[0],
            why: format!(
                "the maximum of {}, the one cloud sensor_engine launches on",
                clouds[0].name
            ),
        }),
    }
}
