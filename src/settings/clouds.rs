//! The clouds section: one cloud (site) of the domain per row, in rank order.

use serde::{Deserialize, Serialize};

use super::NumText;

/// One cloud (site) of the domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudSettings {
    /// The cloud name Phantom knows, e.g. `hotel`.
    pub name: String,
    /// How many VMs the domain may run there.
    pub max_vms: NumText,
}

impl CloudSettings {
    /// A cloud named `name` allowing `max_vms` VMs.
    pub fn new(name: &str, max_vms: u32) -> Self {
        Self {
            name: name.to_string(),
            max_vms: max_vms.into(),
        }
    }
}
