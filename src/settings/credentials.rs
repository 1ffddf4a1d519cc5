//! The credentials section, as far as it is settings: the secret key is not here.

use serde::{Deserialize, Serialize};

/// The credentials section, without the secret key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSettings {
    /// The access key ID (not secret; saved with the settings).
    pub access_key_id: String,
    /// The optional session token. Treated like the secret: never written to the
    /// settings JSON, stored only when the person asks to be remembered.
    #[serde(skip)]
    pub session_token: String,
    /// Whether the secret (and token) are kept on this device. Not written to the
    /// settings JSON either: the page derives it from whether a secret is stored.
    #[serde(skip)]
    pub remember_secret: bool,
}
