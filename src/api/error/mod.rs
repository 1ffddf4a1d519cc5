//! What a failed request *is*: one error type for everything that can go wrong, classified
//! so the engine knows whether to retry, correct the clock, or stop and tell the user, with
//! a hint for the user and the secret redacted. How servers *spell* their errors (XML
//! documents, Phantom's text and HTML pages) is read in `error/page.rs`.

use std::fmt;

use crate::sign::SignError;

mod page;

pub(in crate::api) use page::header_request_id;
pub use page::parse_error_response;

/// What kind of failure an [`ApiError`] is, for deciding what to do next. Serialized in
/// kebab-case (the run journal keeps it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorClass {
    /// Throttling, a 5xx answer, a network failure or a timeout: worth retrying.
    Retryable,
    /// The server thinks our clock is off (RequestExpired, "Signature expired").
    ClockSkew,
    /// Unknown key, wrong secret or signature, missing permission.
    Authentication,
    /// The thing we create exists already (AlreadyExists, "Name already in use").
    AlreadyExists,
    /// The server rejected a parameter.
    InvalidInput,
    /// Anything else.
    Other,
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorClass::Retryable => "retryable",
            ErrorClass::ClockSkew => "clock skew",
            ErrorClass::Authentication => "authentication",
            ErrorClass::AlreadyExists => "already exists",
            ErrorClass::InvalidInput => "invalid input",
            ErrorClass::Other => "other",
        })
    }
}

/// Why a request failed. Never holds credentials: the client strips the secret from any
/// text before it gets here.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with an error (AWS XML, moto's auth shape, or Phantom's
    /// plain-text/HTML error).
    #[error("{}", service_text(*status, code.as_deref(), message, request_id.as_deref()))]
    Service {
        /// HTTP status.
        status: u16,
        /// Error code such as `IncompleteSignature`, when the server gave one.
        code: Option<String>,
        /// The server's explanation.
        message: String,
        /// Request id, when present.
        request_id: Option<String>,
    },
    /// A success status with a body we cannot read (not XML, or not the expected answer).
    #[error("the server answered HTTP {status} with something that is not the expected {expected} answer: {detail}")]
    UnexpectedResponse {
        /// HTTP status.
        status: u16,
        /// The root element we expected.
        expected: String,
        /// What was wrong.
        detail: String,
    },
    /// The request did not reach the server or the answer did not come back.
    #[error("network failure: {0}")]
    Network(String),
    /// No answer within the timeout.
    #[error("no answer within {0} ms")]
    Timeout(u32),
    /// The browser refused to let the page read the answer: most likely the endpoint
    /// sends no CORS headers.
    #[error("the browser could not complete the request ({0}): the endpoint is unreachable or, most likely, sends no CORS headers (Phantom never does); choose the same-origin proxy connection")]
    Blocked(String),
    /// The server answered with a redirect, which is never followed silently.
    #[error("{}", redirect_text(*status, location.as_deref()))]
    Redirect {
        /// HTTP status (0 when the browser hides it).
        status: u16,
        /// Target, when visible.
        location: Option<String>,
    },
    /// The answer is larger than any Auto Scaling answer should be: refused before being
    /// parsed (see [`crate::api::transport::MAX_ANSWER_BYTES`]).
    #[error("{}", too_large_text(*limit, *size))]
    TooLarge {
        /// The cap, in bytes.
        limit: u64,
        /// The answer's size when known; `None` when reading stopped at the cap.
        size: Option<u64>,
    },
    /// The request was cancelled (Stop).
    #[error("cancelled")]
    Cancelled,
    /// The request could not be signed.
    #[error(transparent)]
    Sign(#[from] SignError),
}

fn service_text(
    status: u16,
    code: Option<&str>,
    message: &str,
    request_id: Option<&str>,
) -> String {
    let mut out = match code {
        Some(code) => format!("{code} (HTTP {status})"),
        None => format!("HTTP {status}"),
    };
    if !message.is_empty() {
        out.push_str(": ");
        out.push_str(message);
    }
    if let Some(id) = request_id {
        out.push_str(&format!(" [request id {id}]"));
    }
    out
}

/// A browser hides an opaque redirect's status (0) and target: then the text says so
/// instead of "HTTP 0".
fn redirect_text(status: u16, location: Option<&str>) -> String {
    let detail = match (status, location) {
        (0, None) => " (the browser hides its status and target)".to_string(),
        (0, Some(l)) => format!(" to {l}"),
        (s, None) => format!(" (HTTP {s})"),
        (s, Some(l)) => format!(" (HTTP {s} to {l})"),
    };
    format!("the server answered with a redirect{detail}; check the endpoint URL")
}

fn too_large_text(limit: u64, size: Option<u64>) -> String {
    let limit = if limit.is_multiple_of(1024 * 1024) {
        format!("{} MiB", limit / (1024 * 1024))
    } else {
        format!("{limit} bytes")
    };
    match size {
        Some(size) => format!(
            "the answer ({size} bytes) is larger than the {limit} this client reads; it was refused before being parsed"
        ),
        None => format!(
            "the answer is larger than the {limit} this client reads; reading stopped there and it was refused"
        ),
    }
}

const RETRYABLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "ServiceUnavailable",
    "InternalFailure",
    "InternalError",
    "InternalServerError",
];
const CLOCK_CODES: &[&str] = &[
    "RequestExpired",
    "RequestTimeTooSkewed",
    "RequestInTheFuture",
];
const AUTH_CODES: &[&str] = &[
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "AuthFailure",
    "MissingAuthenticationToken",
    "InvalidSignatureException",
    "ExpiredToken",
    "AccessDenied",
    "AccessDeniedException",
    "NotAuthorized",
];
const EXISTS_CODES: &[&str] = &[
    "AlreadyExists",
    "AlreadyExistsFault",
    "ResourceAlreadyExists",
];
const INPUT_CODES: &[&str] = &[
    "InvalidParameterValue",
    "InvalidParameterCombination",
    "MissingParameter",
    "ValidationError",
    "InvalidInput",
    "MalformedQueryString",
    "InvalidQueryParameter",
    "InvalidAction",
    "ResourceInUse",
    "ScalingActivityInProgress",
];

impl ApiError {
    /// What kind of failure this is.
    pub fn class(&self) -> ErrorClass {
        match self {
            ApiError::Service {
                status,
                code,
                message,
                ..
            } => classify(*status, code.as_deref(), message),
            ApiError::Network(_) | ApiError::Timeout(_) => ErrorClass::Retryable,
            ApiError::UnexpectedResponse { status, .. } if *status >= 500 => ErrorClass::Retryable,
            ApiError::UnexpectedResponse { .. }
            | ApiError::Blocked(_)
            | ApiError::Redirect { .. }
            | ApiError::TooLarge { .. }
            | ApiError::Cancelled => ErrorClass::Other,
            ApiError::Sign(_) => ErrorClass::InvalidInput,
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Service { status, .. } | ApiError::UnexpectedResponse { status, .. } => {
                Some(*status)
            }
            ApiError::Redirect { status, .. } if *status != 0 => Some(*status),
            _ => None,
        }
    }

    /// The server's error code, when it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Service { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The request id, when the server gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::Service { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// A sentence telling the user what to do about this kind of failure.
    pub fn hint(&self) -> &'static str {
        match self {
            ApiError::Blocked(_) => {
                return "Use the same-origin proxy connection (scripts/serve provides one at /phantom/).";
            }
            ApiError::Redirect { .. } => {
                return "Enter the URL the server redirects to (often https:// instead of http://, or another path).";
            }
            ApiError::TooLarge { .. } => {
                return "An Auto Scaling answer is far smaller: check that the endpoint URL points at the service, not at a download or a web page.";
            }
            _ => {}
        }
        match self.class() {
            ErrorClass::Retryable => "The server or the network had a passing problem; it was retried.",
            ErrorClass::ClockSkew => "This computer's clock differs from the server's by more than the server allows; the client corrects it once from the server's Date header. Check the system clock.",
            ErrorClass::Authentication => "Check the access key ID, the secret access key and the signature scheme (Phantom: Signature V2 or the Phantom V4 dialect; AWS: V4 with the right region).",
            ErrorClass::AlreadyExists => "It exists already; nothing needed creating.",
            ErrorClass::InvalidInput => "The server rejected a setting; correct it and try again.",
            ErrorClass::Other => "Check the endpoint URL and the connection setting.",
        }
    }

    /// The same error with every occurrence of `secret` replaced (defence in depth: a
    /// server should never echo a secret, but a message must never show one).
    pub fn redact(self, secret: &str) -> Self {
        if secret.is_empty() {
            return self;
        }
        let clean = |s: String| s.replace(secret, "<redacted>");
        match self {
            ApiError::Service {
                status,
                code,
                message,
                request_id,
            } => ApiError::Service {
                status,
                code: code.map(clean),
                message: clean(message),
                request_id: request_id.map(clean),
            },
            ApiError::UnexpectedResponse {
                status,
                expected,
                detail,
            } => ApiError::UnexpectedResponse {
                status,
                expected,
                detail: clean(detail),
            },
            ApiError::Network(d) => ApiError::Network(clean(d)),
            ApiError::Blocked(d) => ApiError::Blocked(clean(d)),
            other => other,
        }
    }
}

fn classify(status: u16, code: Option<&str>, message: &str) -> ErrorClass {
    let lower = message.to_ascii_lowercase();
    let code_is =
        |set: &[&str]| code.is_some_and(|c| set.iter().any(|k| k.eq_ignore_ascii_case(c)));
    if code_is(CLOCK_CODES)
        || lower.contains("signature expired")
        || lower.contains("request has expired")
        || lower.contains("timestamp") && lower.contains("expired")
    {
        ErrorClass::ClockSkew
    } else if code_is(AUTH_CODES)
        // Phantom crashes (500) on an Authorization header it cannot split, e.g. standard
        // SigV4's ", " separators: a signing-scheme problem, not worth retrying.
        || lower.contains("required in the authorization parameter")
        || lower.contains("needed to authenticate")
    {
        ErrorClass::Authentication
    } else if code_is(EXISTS_CODES)
        || lower.contains("already in use")
        || lower.contains("already exists")
        || code.is_some_and(|c| {
            let c = c.to_ascii_lowercase();
            c.contains("already in use") || c.contains("already exists")
        })
    {
        ErrorClass::AlreadyExists
    } else if code_is(RETRYABLE_CODES) || status >= 500 || status == 429 {
        ErrorClass::Retryable
    } else if code_is(INPUT_CODES) {
        ErrorClass::InvalidInput
    } else {
        ErrorClass::Other
    }
}
