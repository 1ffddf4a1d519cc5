//! Endpoint profiles and connections: what kind of server the app talks to, how it signs
//! for it, and how the browser reaches it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::sign::{Endpoint, Method, Scheme, SignedRequest};

use super::retry::RetryPolicy;

/// The kind of server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Phantom (or the local Phantom-compatible endpoint): Signature V2 by default, the
    /// availability zone is ignored, SetDesiredCapacity sets MinSize and MaxSize together.
    #[default]
    Phantom,
    /// AWS, moto or any AWS-compatible Auto Scaling endpoint: standard SigV4 with a
    /// region, a real availability zone, and MaxSize must cover every requested capacity.
    AwsCompatible,
}

impl Profile {
    /// Both profiles, in the order a form lists them.
    pub const ALL: [Profile; 2] = [Profile::Phantom, Profile::AwsCompatible];

    /// The signature scheme a new configuration starts with.
    pub fn default_scheme(self) -> Scheme {
        match self {
            Profile::Phantom => Scheme::V2HmacSha256,
            Profile::AwsCompatible => Scheme::V4,
        }
    }

    /// The schemes this kind of server accepts.
    pub fn schemes(self) -> &'static [Scheme] {
        match self {
            Profile::Phantom => &[Scheme::V2HmacSha256, Scheme::V2HmacSha1, Scheme::V4Phantom],
            Profile::AwsCompatible => &[Scheme::V4],
        }
    }

    /// The availability zone a new domain gets: Phantom ignores it (the tutorial sends
    /// `us-east-1`); AWS-compatible servers need a real zone.
    pub fn default_availability_zone(self) -> &'static str {
        match self {
            Profile::Phantom => "us-east-1",
            Profile::AwsCompatible => "us-east-1a",
        }
    }

    /// The HTTP method for an action whose natural method is `preferred` (GET for reads).
    /// AWS-compatible servers get POST for everything, as botocore sends it: moto rebuilds
    /// a GET's payload from its query string and so rejects every signed GET. Phantom gets
    /// GET for reads, as the tutorial's boto did.
    pub fn method_for(self, preferred: Method) -> Method {
        match self {
            Profile::Phantom => preferred,
            Profile::AwsCompatible => Method::Post,
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Profile::Phantom => "Phantom",
            Profile::AwsCompatible => "AWS-compatible",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How requests reach the server. The URL that is *signed* is always the endpoint's;
/// this only decides where the browser sends them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Connection {
    /// Straight to the endpoint (it must send CORS headers; Phantom does not).
    Direct,
    /// Through the page's own server at `prefix` (e.g. `/phantom/`), which forwards the
    /// path and query unchanged and sets `Host` to the signed value.
    Proxy {
        /// Path prefix on the page's origin, starting and ending with `/`.
        prefix: String,
    },
}

impl Connection {
    /// The conventional proxy at `/phantom/` that `scripts/serve` provides.
    pub fn default_proxy() -> Self {
        Connection::Proxy {
            prefix: "/phantom/".to_string(),
        }
    }

    /// The URL the browser requests for `signed`: the signed URL itself when direct, or
    /// the proxy prefix followed by the signed path and query (a same-origin URL).
    pub fn request_url(&self, signed: &SignedRequest) -> String {
        match self {
            Connection::Direct => signed.url.clone(),
            Connection::Proxy { prefix } => {
                format!(
                    "{}{}",
                    prefix.trim_end_matches('/'),
                    signed.path_and_query()
                )
            }
        }
    }
}

/// Everything the client needs to know about the server, except the credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// The endpoint signed for.
    pub endpoint: Endpoint,
    /// The kind of server.
    pub profile: Profile,
    /// How requests are signed.
    pub scheme: Scheme,
    /// SigV4 region (`us-east-1` when the server does not care).
    pub region: String,
    /// SigV4 service name, `autoscaling`.
    pub service: String,
    /// How requests reach the server.
    pub connection: Connection,
    /// Per-request timeout in milliseconds.
    pub timeout_ms: u32,
    /// Retry policy for failed requests.
    pub retry: RetryPolicy,
}

impl ClientConfig {
    /// A configuration with the profile's defaults: its default scheme, region
    /// `us-east-1`, the default proxy, a 15 s timeout and the default retry policy.
    pub fn new(endpoint: Endpoint, profile: Profile) -> Self {
        Self {
            endpoint,
            profile,
            scheme: profile.default_scheme(),
            region: "us-east-1".to_string(),
            service: "autoscaling".to_string(),
            connection: Connection::default_proxy(),
            timeout_ms: 15_000,
            retry: RetryPolicy::default(),
        }
    }
}
