//! Request signing, pure Rust: canonical query encoding, Signature Version 2 and
//! Signature Version 4 in its AWS and Phantom dialects.
//!
//! Nothing here reads a clock or touches the browser: the time and the credentials are
//! inputs, so every signature is reproducible in a host test.

pub mod credentials;
pub mod encode;
pub mod endpoint;
pub mod input;
pub mod request;
pub mod scheme;
pub mod time;
pub mod v2;
pub mod v4;

pub use credentials::Credentials;
pub use endpoint::{Endpoint, UrlScheme};
pub use request::{sign_query, Method, QueryRequest, SignedRequest, SigningContext, SigningDebug};
pub use scheme::Scheme;
pub use time::SigningTime;

/// Why a request could not be signed. Messages never contain credentials.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The endpoint URL cannot be signed for.
    #[error("the endpoint URL is not usable: {0}")]
    InvalidUrl(&'static str),
    /// An access key, secret or token that cannot be carried in a request.
    #[error("the credentials are not usable: {0}")]
    InvalidCredentials(&'static str),
    /// A parameter list the signer refuses (duplicate or reserved names).
    #[error("the request parameters are not usable: {0}")]
    InvalidParameter(String),
    /// A SigV4 region or service that cannot appear in a credential scope.
    #[error("the SigV4 {0} must be non-empty, without '/' or spaces")]
    InvalidScope(&'static str),
    /// A time that is not `YYYY-MM-DDTHH:MM:SSZ`.
    #[error("not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ: {0:?}")]
    InvalidTime(String),
    /// Phantom's V4 dialect and an IPv6 literal host (see [`Scheme::check_endpoint`]).
    #[error(
        "Signature V4 in Phantom's dialect cannot sign for the IPv6 address {0}: Phantom \
         cuts the Host header at its first ':'. Choose Signature V2, which signs the host \
         as sent, or reach the server by a host name"
    )]
    Ipv6HostInPhantomV4(String),
}
