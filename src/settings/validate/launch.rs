//! The launch configuration section: base name, image, instance type, key, security
//! groups and user data.

use serde::Serialize;

use crate::settings::field::LaunchField;
use crate::settings::LaunchSettings;

use super::check::{has_invisible, invisible, simple_name, text_field, Check, TextRule};

/// User data is at most 16 KB before base64 (the AWS limit).
pub const MAX_USER_DATA_BYTES: usize = 16 * 1024;

/// A valid launch configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidLaunch {
    /// Base name (without `@cloud`).
    pub base_name: String,
    /// Image id.
    pub image_id: String,
    /// Instance type.
    pub instance_type: String,
    /// Key name, when given.
    pub key_name: Option<String>,
    /// Security groups, trimmed.
    pub security_groups: Vec<String>,
    /// User data, when given (raw; the request encodes it).
    pub user_data: Option<String>,
}

/// Checks the launch configuration section.
pub(super) fn check_launch(l: &LaunchSettings, c: &mut Check) -> Option<ValidLaunch> {
    let before = c.errors.len();
    let base_name = if l.base_name.contains('@') {
        c.add(
            LaunchField::BaseName,
            "Leave out '@': the app appends @cloud for every cloud itself",
        );
        None
    } else {
        text_field(
            c,
            LaunchField::BaseName,
            &l.base_name,
            TextRule {
                required: Some("Enter a launch configuration name, e.g. my_launch_config"),
                max_chars: 128,
                what: "A launch configuration name",
                allowed: |ch| !ch.is_whitespace() && ch != ',' && ch != ':',
                rule: "A launch configuration name cannot contain spaces, ',' or ':'",
            },
        )
    };
    let image_id = text_field(
        c,
        LaunchField::ImageId,
        &l.image_id,
        TextRule {
            required: Some("Enter the image to boot, e.g. hello-phantom.gz"),
            max_chars: 255,
            what: "An image id",
            allowed: |ch| !ch.is_whitespace(),
            rule: "An image id cannot contain spaces",
        },
    );
    let instance_type = text_field(
        c,
        LaunchField::InstanceType,
        &l.instance_type,
        TextRule {
            required: Some("Enter an instance type, e.g. m1.small"),
            max_chars: 64,
            what: "An instance type",
            allowed: simple_name,
            rule: "An instance type has only letters, digits, '.', '-' and '_', e.g. m1.small",
        },
    );
    let key_name = text_field(
        c,
        LaunchField::KeyName,
        &l.key_name,
        TextRule {
            required: None,
            max_chars: 255,
            what: "A key name",
            allowed: |_| true,
            rule: "",
        },
    );
    let groups = check_groups(&l.security_groups, c);
    let user_data = check_user_data(&l.user_data, c);
    let done = c.errors.len() == before;
    Some(ValidLaunch {
        base_name: base_name?,
        image_id: image_id?,
        instance_type: instance_type?,
        key_name: key_name.filter(|k| !k.is_empty()),
        security_groups: groups,
        user_data: user_data?,
    })
    .filter(|_| done)
}

/// The comma-separated security groups, trimmed (none when left empty or invalid).
fn check_groups(text: &str, c: &mut Check) -> Vec<String> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let f = LaunchField::SecurityGroups;
    let items: Vec<&str> = text.split(',').map(str::trim).collect();
    if has_invisible(text) {
        c.add(
            f,
            "Security groups cannot contain control or invisible characters",
        );
    } else if items.len() > 32 {
        c.add(
            f,
            format!("{} security groups; at most 32 are allowed", items.len()),
        );
    } else if let Some(i) = items.iter().position(|g| g.is_empty()) {
        c.add(
            f,
            format!("Security group {} is empty: remove the extra comma", i + 1),
        );
    } else if let Some(g) = items.iter().find(|g| g.chars().count() > 255) {
        c.add(
            f,
            format!(
                "A security group name is at most 255 characters ({} has {})",
                g.chars().take(12).collect::<String>() + "…",
                g.chars().count()
            ),
        );
    } else {
        return items.into_iter().map(String::from).collect();
    }
    Vec::new()
}

/// The user data when valid: `Some(None)` when left empty.
fn check_user_data(text: &str, c: &mut Check) -> Option<Option<String>> {
    let f = LaunchField::UserData;
    if text.len() > MAX_USER_DATA_BYTES {
        c.add(
            f,
            format!(
                "User data is {} bytes; at most {MAX_USER_DATA_BYTES} (16 KB) are allowed",
                text.len()
            ),
        );
        None
    } else if text
        .chars()
        .any(|ch| invisible(ch) && !matches!(ch, '\n' | '\r' | '\t'))
    {
        c.add(
            f,
            "User data cannot contain control or invisible characters other than tabs and line breaks",
        );
        None
    } else {
        Some((!text.is_empty()).then(|| text.to_string()))
    }
}
