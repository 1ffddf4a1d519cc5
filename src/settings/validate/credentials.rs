//! The credentials section: the access key ID and the session token from the settings,
//! the secret key from the caller (it is not part of the settings). No message quotes a
//! secret or a token.

use crate::settings::field::CredentialField;
use crate::settings::CredentialSettings;

use super::check::{has_invisible, Check, FieldError};

/// Checks the access key ID and the session token.
pub(super) fn check_access_key(cr: &CredentialSettings, c: &mut Check) {
    let f = CredentialField::AccessKeyId;
    let k = cr.access_key_id.as_str();
    if k.is_empty() {
        c.add(f, "Enter the access key ID");
    } else if k.len() > 128 {
        c.add(f, "An access key ID is at most 128 characters");
    } else if k.chars().any(char::is_whitespace) {
        c.add(f, "An access key ID cannot contain spaces");
    } else if has_invisible(k) {
        c.add(f, "An access key ID cannot contain control characters");
    } else if k.contains(['/', ',', '=']) {
        c.add(f, "An access key ID cannot contain '/', ',' or '='");
    }
    let t = cr.session_token.as_str();
    let f = CredentialField::SessionToken;
    if !t.is_empty() {
        if t.len() > 4096 {
            c.add(f, "The session token is too long (at most 4096 characters)");
        } else if t.chars().any(char::is_control) {
            c.add(
                f,
                "The session token cannot contain line breaks or control characters",
            );
        }
    }
}

/// Problems with the secret key (it is not part of [`Settings`](crate::settings::Settings)).
/// The messages never quote it.
pub fn check_secret(secret: &str) -> Vec<FieldError> {
    let message = if secret.is_empty() {
        "Enter the secret access key"
    } else if secret.len() > 1024 {
        "The secret access key is too long (at most 1024 characters)"
    } else if secret.chars().any(char::is_control) {
        "The secret access key cannot contain line breaks or control characters"
    } else if secret.trim() != secret {
        "The secret access key starts or ends with a space; remove it"
    } else {
        return Vec::new();
    };
    vec![FieldError::new(CredentialField::Secret, message)]
}
