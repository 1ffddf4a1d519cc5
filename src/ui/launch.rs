//! The Launch configuration section.

use leptos::prelude::*;

use crate::settings::{LaunchField, Settings};

use super::fields::{text_area, text_field, Kind};

/// The Launch configuration fieldset.
#[component]
pub fn LaunchSection() -> impl IntoView {
    view! {
        <fieldset class="section" id="launch-configuration">
            <legend>"Launch configuration"</legend>
            {text_field(
                LaunchField::BaseName,
                "Name",
                Kind::Text,
                Some("The app creates name@cloud on every cloud.".into()),
                |s: &Settings| s.launch.base_name.clone(),
                |s: &mut Settings, v| s.launch.base_name = v,
            )}
            {text_field(
                LaunchField::ImageId,
                "Image",
                Kind::Text,
                None,
                |s: &Settings| s.launch.image_id.clone(),
                |s: &mut Settings, v| s.launch.image_id = v,
            )}
            {text_field(
                LaunchField::InstanceType,
                "Instance type",
                Kind::Text,
                None,
                |s: &Settings| s.launch.instance_type.clone(),
                |s: &mut Settings, v| s.launch.instance_type = v,
            )}
            {text_field(
                LaunchField::KeyName,
                "Key name (optional)",
                Kind::Text,
                Some("Phantom stores it but launches every VM with phantomkey.".into()),
                |s: &Settings| s.launch.key_name.clone(),
                |s: &mut Settings, v| s.launch.key_name = v,
            )}
            {text_field(
                LaunchField::SecurityGroups,
                "Security groups (optional)",
                Kind::Text,
                Some("Comma-separated, e.g. default, web".into()),
                |s: &Settings| s.launch.security_groups.clone(),
                |s: &mut Settings, v| s.launch.security_groups = v,
            )}
            {text_area(
                LaunchField::UserData,
                "User data (optional)",
                Some("Sent base64-encoded; at most 16 KB.".into()),
                |s: &Settings| s.launch.user_data.clone(),
                |s: &mut Settings, v| s.launch.user_data = v,
            )}
        </fieldset>
    }
}
