//! A self-contained description of one request to sign, and of the request as sent, in
//! the JSON shape `examples/sign.rs` reads and writes and the test vectors use:
//!
//! ```json
//! {"scheme": "v2-hmac-sha256", "method": "GET", "url": "https://host:8445/",
//!  "params": [["Action", "DescribeAutoScalingGroups"]], "access_key": "AK",
//!  "secret_key": "…", "session_token": null, "region": "us-east-1",
//!  "service": "autoscaling", "time": "2026-01-02T03:04:05Z"}
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{
    sign_query, Credentials, Endpoint, Method, QueryRequest, Scheme, SignError, SignedRequest,
    SigningContext, SigningTime,
};

/// Everything needed to sign one request. `Debug` redacts the secret and the token.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningInput {
    /// `v2-hmac-sha256`, `v2-hmac-sha1`, `v4` or `v4-phantom`.
    pub scheme: String,
    /// `GET` or `POST`.
    pub method: String,
    /// The endpoint URL signed for, e.g. `https://host:8445/`.
    pub url: String,
    /// Parameters, unencoded, in any order.
    pub params: Vec<(String, String)>,
    /// Access key ID.
    pub access_key: String,
    /// Secret access key.
    pub secret_key: String,
    /// Optional session token.
    #[serde(default)]
    pub session_token: Option<String>,
    /// SigV4 region (ignored by V2).
    #[serde(default = "default_region")]
    pub region: String,
    /// SigV4 service (ignored by V2).
    #[serde(default = "default_service")]
    pub service: String,
    /// Signing time, `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
}

fn default_region() -> String {
    "us-east-1".to_string()
}

fn default_service() -> String {
    "autoscaling".to_string()
}

impl fmt::Debug for SigningInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningInput")
            .field("scheme", &self.scheme)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("params", &self.params)
            .field("access_key", &self.access_key)
            .field("secret_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("region", &self.region)
            .field("service", &self.service)
            .field("time", &self.time)
            .finish()
    }
}

/// Why a [`SigningInput`] could not be signed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// `scheme` is not one of the four names.
    #[error("unknown scheme {0:?} (expected v2-hmac-sha256, v2-hmac-sha1, v4 or v4-phantom)")]
    Scheme(String),
    /// `method` is neither GET nor POST.
    #[error("unknown method {0:?} (expected GET or POST)")]
    Method(String),
    /// The signer refused the request.
    #[error(transparent)]
    Sign(#[from] SignError),
}

impl SigningInput {
    /// Signs the described request.
    pub fn sign(&self) -> Result<SignedRequest, InputError> {
        let scheme =
            Scheme::parse(&self.scheme).ok_or_else(|| InputError::Scheme(self.scheme.clone()))?;
        let method = match self.method.as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            other => return Err(InputError::Method(other.chars().take(20).collect())),
        };
        let endpoint = Endpoint::parse(&self.url)?;
        let credentials = Credentials::new(
            self.access_key.clone(),
            self.secret_key.clone(),
            self.session_token.clone(),
        )?;
        let context = SigningContext {
            time: SigningTime::parse_iso8601(&self.time)?,
            region: self.region.clone(),
            service: self.service.clone(),
        };
        let request = QueryRequest {
            method,
            endpoint: &endpoint,
            params: &self.params,
        };
        Ok(sign_query(scheme, request, &credentials, &context)?)
    }
}

/// A request exactly as it is sent, in the JSON shape `examples/sign.rs` prints.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// Full URL with the query as sent.
    pub url: String,
    /// Headers in sending order, `Host` first.
    pub headers: Vec<(String, String)>,
    /// Form body (empty for GET).
    pub body: String,
}

impl From<&SignedRequest> for SentRequest {
    fn from(signed: &SignedRequest) -> Self {
        Self {
            method: signed.method.as_str().to_string(),
            url: signed.url.clone(),
            headers: signed.headers.clone(),
            body: signed.body.clone(),
        }
    }
}

impl fmt::Debug for SentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may include a session token; the secret is never in a request.
        f.debug_struct("SentRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(n, v)| {
                        if n.eq_ignore_ascii_case("x-amz-security-token") {
                            (n.as_str(), "** redacted **")
                        } else {
                            (n.as_str(), v.as_str())
                        }
                    })
                    .collect::<Vec<_>>(),
            )
            .field("body", &self.body)
            .finish()
    }
}
