//! "Show signed request": a planned request signed at a fixed example time, shown through
//! the signer's redacted debug view.
//!
//! The canonical request and the string to sign do not depend on the secret key (only
//! the signature does, and it is not shown), so the preview signs with a placeholder
//! secret: the real one never reaches this code.

use serde::Serialize;

use crate::api::{ClientConfig, Connection, Request};
use crate::sign::{sign_query, Credentials, QueryRequest, SignError, SigningContext, SigningTime};

/// The example signing time: fixed, so the view is reproducible.
pub const EXAMPLE_TIME: &str = "2026-01-02T03:04:05Z";
/// Shown when no usable access key ID is entered yet.
pub const EXAMPLE_ACCESS_KEY: &str = "AKIDEXAMPLE";
/// Stands in for the secret; it only changes the signature, which is not shown.
const PLACEHOLDER_SECRET: &str = "placeholder-secret-not-shown";
/// Stands in for a session token; the debug view shows it as `<redacted>`.
const PLACEHOLDER_TOKEN: &str = "placeholder-session-token";

/// What the preview shows for one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignedPreview {
    /// `GET https://host:8445/` and, through a proxy, where the browser sends it.
    pub target: String,
    /// The access key ID used (the person's, or [`EXAMPLE_ACCESS_KEY`]).
    pub access_key: String,
    /// The redacted canonical request (SigV4) and string to sign, as text.
    pub debug: String,
}

/// Signs `request` as `config` would at [`EXAMPLE_TIME`], with the person's access key
/// ID when it is usable, and a redacted token when they have one.
pub fn example_signing(
    config: &ClientConfig,
    request: &Request,
    access_key_id: &str,
    has_session_token: bool,
) -> Result<SignedPreview, SignError> {
    let token = has_session_token.then(|| PLACEHOLDER_TOKEN.to_string());
    let credentials = Credentials::new(access_key_id, PLACEHOLDER_SECRET, token.clone())
        .or_else(|_| Credentials::new(EXAMPLE_ACCESS_KEY, PLACEHOLDER_SECRET, token))?;
    let context = SigningContext {
        time: SigningTime::parse_iso8601(EXAMPLE_TIME)?,
        region: config.region.clone(),
        service: config.service.clone(),
    };
    let params = request.params();
    let signed = sign_query(
        config.scheme,
        QueryRequest {
            method: request.method(),
            endpoint: &config.endpoint,
            params: &params,
        },
        &credentials,
        &context,
    )?;
    let mut target = format!("{} {}", request.method().as_str(), config.endpoint.url());
    if let Connection::Proxy { prefix } = &config.connection {
        target.push_str(&format!(" (sent to {prefix} on this page's server)"));
    }
    Ok(SignedPreview {
        target,
        access_key: credentials.access_key().to_string(),
        debug: signed.debug.to_string(),
    })
}
