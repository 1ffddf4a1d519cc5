//! The four signature schemes the app speaks, their names, and which endpoints each one
//! can sign for.

use std::fmt;

use super::endpoint::Endpoint;
use super::SignError;

/// How a request is authenticated. Serialized with the names of [`Scheme::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Scheme {
    /// Signature Version 2 with HmacSHA256.
    #[serde(rename = "v2-hmac-sha256")]
    V2HmacSha256,
    /// Signature Version 2 with HmacSHA1.
    #[serde(rename = "v2-hmac-sha1")]
    V2HmacSha1,
    /// Signature Version 4 as AWS (and moto) verify it.
    #[serde(rename = "v4")]
    V4,
    /// Signature Version 4 as Phantom reads it: host without port in the canonical
    /// headers, header values trimmed at the ends only, no spaces after the commas of
    /// `Authorization`.
    #[serde(rename = "v4-phantom")]
    V4Phantom,
}

impl Scheme {
    /// Every scheme, in the order a settings form lists them.
    pub const ALL: [Scheme; 4] = [
        Scheme::V2HmacSha256,
        Scheme::V2HmacSha1,
        Scheme::V4Phantom,
        Scheme::V4,
    ];

    /// The short name used in JSON (`v2-hmac-sha256`, `v2-hmac-sha1`, `v4`, `v4-phantom`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::V2HmacSha256 => "v2-hmac-sha256",
            Scheme::V2HmacSha1 => "v2-hmac-sha1",
            Scheme::V4 => "v4",
            Scheme::V4Phantom => "v4-phantom",
        }
    }

    /// Parses the short name of [`Scheme::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Can this scheme sign requests for `endpoint`? Every scheme can, except Phantom's
    /// V4 dialect for an IPv6 literal host: Phantom cuts the `Host` header at its first
    /// `:` (pyhantom's `get_and_normalize_header`), so `[::1]:8445` is read as `[` and a
    /// signature would cover a lone bracket instead of the host. Rather than sign for a
    /// mangled host we refuse; Signature V2 signs the `Host` header as sent and handles
    /// such hosts. Settings validation asks this too, so the user sees the refusal on
    /// the scheme before anything is sent.
    pub fn check_endpoint(self, endpoint: &Endpoint) -> Result<(), SignError> {
        if self == Scheme::V4Phantom && endpoint.is_ipv6_literal() {
            return Err(SignError::Ipv6HostInPhantomV4(endpoint.host().to_string()));
        }
        Ok(())
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
