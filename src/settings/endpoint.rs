//! The endpoint section: where the server is, what kind it is, how requests are signed
//! and how the browser reaches it.

use serde::{Deserialize, Serialize};

use crate::api::Profile;
use crate::sign::Scheme;

use super::NumText;

/// How the browser reaches the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConnectionMode {
    /// Through the page's own server at a path prefix (Phantom sends no CORS headers).
    #[default]
    Proxy,
    /// Straight to the endpoint (it must send CORS headers, and the page's
    /// Content-Security-Policy must allow its origin).
    Direct,
}

impl ConnectionMode {
    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            ConnectionMode::Proxy => "Same-origin proxy",
            ConnectionMode::Direct => "Direct",
        }
    }
}

/// The endpoint section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointSettings {
    /// The URL requests are signed for, e.g. `https://svc.example.org:8445/`.
    pub url: String,
    /// Phantom or AWS-compatible.
    pub profile: Profile,
    /// How requests are signed; one of `profile.schemes()`.
    pub scheme: Scheme,
    /// SigV4 region (AWS-compatible servers check it; Phantom does not).
    pub region: String,
    /// Direct or through the same-origin proxy.
    pub connection: ConnectionMode,
    /// The proxy's path prefix on the page's origin, `/phantom/` by convention.
    pub proxy_prefix: String,
    /// Per-request timeout in seconds.
    pub timeout: NumText,
}

/// A human name for a signature scheme, as the form shows it.
pub fn scheme_label(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::V2HmacSha256 => "Signature V2, HmacSHA256",
        Scheme::V2HmacSha1 => "Signature V2, HmacSHA1",
        Scheme::V4Phantom => "Signature V4, Phantom dialect",
        Scheme::V4 => "Signature V4, standard",
    }
}
