//! The launch configuration section: what every cloud boots.

use serde::{Deserialize, Serialize};

/// The launch configuration section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchSettings {
    /// Base name; the app creates `base_name@cloud` for every cloud.
    pub base_name: String,
    /// Image id, e.g. `hello-phantom.gz`.
    pub image_id: String,
    /// Instance type, e.g. `m1.small`.
    pub instance_type: String,
    /// SSH key name (optional; Phantom always launches with `phantomkey`).
    pub key_name: String,
    /// Security groups, comma-separated (optional).
    pub security_groups: String,
    /// User data (optional), sent base64-encoded.
    pub user_data: String,
}
