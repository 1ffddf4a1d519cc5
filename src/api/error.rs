//! One error type for everything that can go wrong with a request, classified so the
//! engine knows whether to retry, correct the clock, or stop and tell the user.

use std::fmt;

use crate::sign::SignError;

use super::xml::Element;

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
    #[error("the server answered with a redirect (HTTP {status}{}); check the endpoint URL", location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default())]
    Redirect {
        /// HTTP status (0 when the browser hides it).
        status: u16,
        /// Target, when visible.
        location: Option<String>,
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
        if let ApiError::Blocked(_) = self {
            return "Use the same-origin proxy connection (scripts/serve provides one at /phantom/).";
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

/// The standard reason phrase of a status: a reason equal to it carries no error code.
fn standard_reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// A request id from the headers AWS-style servers send.
pub(super) fn header_request_id(headers: &[(String, String)]) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| {
            n.eq_ignore_ascii_case("x-amzn-requestid") || n.eq_ignore_ascii_case("x-amz-request-id")
        })
        .map(|(_, v)| v.clone())
}

/// Longest message kept from a server's error page.
const MAX_MESSAGE: usize = 600;

/// Reads an error answer (any status outside 2xx) in every shape we know:
/// AWS `<ErrorResponse><Error>`, moto's `<ErrorResponse><Errors><Error>`, EC2-style
/// `<Response><Errors>`, Phantom's plain text and HTML (code in the reason phrase or in
/// the body's first line / title), and anything else as a bare status.
pub fn parse_error_response(
    status: u16,
    reason: &str,
    headers: &[(String, String)],
    body: &str,
) -> ApiError {
    let header_id = header_request_id(headers);
    let trimmed = body.trim_start_matches('\u{feff}').trim();
    if trimmed.starts_with("<?xml")
        || trimmed.starts_with("<ErrorResponse")
        || trimmed.starts_with("<Response")
    {
        if let Ok(root) = Element::parse(trimmed) {
            if let Some(error) = root.find("Error") {
                let code = error
                    .child_text("Code")
                    .filter(|c| !c.is_empty())
                    .map(str::to_string);
                let message = error.child_text("Message").unwrap_or_default();
                let request_id = root
                    .find("RequestId")
                    .or_else(|| root.find("RequestID"))
                    .map(|e| e.text.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .or(header_id);
                return ApiError::Service {
                    status,
                    code,
                    message: truncate(message),
                    request_id,
                };
            }
        }
    }
    // Phantom (CherryPy): the status line reads "400 IncompleteSignature"; HTTP/2 drops
    // the reason, so fall back to the body's "400 Code" line or <title>.
    let reason = reason.trim();
    let mut code =
        (!reason.is_empty() && reason != standard_reason(status)).then(|| reason.to_string());
    let (body_code, message) = if looks_like_html(trimmed) {
        html_error(trimmed)
    } else {
        text_error(trimmed)
    };
    if code.is_none() {
        code = body_code.filter(|c| c != standard_reason(status));
    }
    let message = if message.is_empty() && code.is_none() {
        standard_reason(status).to_string()
    } else {
        message
    };
    ApiError::Service {
        status,
        code,
        message: truncate(&message),
        request_id: header_id,
    }
}

fn looks_like_html(body: &str) -> bool {
    let head: String = body
        .chars()
        .take(200)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.contains("<html")
        || head.starts_with("<title")
        || head.starts_with("<h1")
}

/// "NNN Code words" → "Code words".
fn code_from_status_line(line: &str) -> Option<String> {
    let line = line.trim();
    let (num, rest) = line.split_once(' ')?;
    (num.len() == 3 && num.bytes().all(|b| b.is_ascii_digit()) && !rest.trim().is_empty())
        .then(|| rest.trim().to_string())
}

/// Phantom's plain-text error: status line, blank line, explanation, detail.
fn text_error(body: &str) -> (Option<String>, String) {
    let mut lines = body.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default();
    match code_from_status_line(first) {
        Some(code) => (Some(code), lines.collect::<Vec<_>>().join(" ")),
        None => (None, body.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

/// An HTML error page: the code from <title> (or <h1>/<h2>), the message from the first
/// <p> elements; tracebacks (<pre>) are left out.
fn html_error(body: &str) -> (Option<String>, String) {
    let title = between(body, "<title>", "</title>")
        .or_else(|| between(body, "<h2>", "</h2>"))
        .or_else(|| between(body, "<h1>", "</h1>"))
        .map(|t| strip_tags(&t));
    let code = title
        .as_deref()
        .and_then(code_from_status_line)
        .or(title.clone());
    let mut paragraphs = Vec::new();
    let mut rest = body;
    while let Some(start) = find_paragraph(rest) {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let inner = &after[open_end + 1..];
        let end = find_ci(inner, "</p>").unwrap_or(inner.len());
        let text = strip_tags(&inner[..end]);
        if !text.is_empty() {
            paragraphs.push(text);
        }
        rest = &inner[end..];
        if paragraphs.len() >= 3 {
            break;
        }
    }
    (code, paragraphs.join(" "))
}

/// The next `<p>` or `<p attr…>` (not `<pre>` or `<param>`).
fn find_paragraph(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<p") {
        let at = from + i;
        match lower.as_bytes().get(at + 2) {
            Some(b'>') | Some(b' ') | Some(b'\t') | Some(b'\n') => return Some(at),
            _ => from = at + 2,
        }
    }
    None
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .to_ascii_lowercase()
        .find(&needle.to_ascii_lowercase())
}

fn between(body: &str, open: &str, close: &str) -> Option<String> {
    let start = find_ci(body, open)? + open.len();
    let end = find_ci(&body[start..], close)? + start;
    Some(body[start..end].to_string())
}

/// Drops tags, decodes the common entities and collapses whitespace.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(text: &str) -> String {
    if text.chars().count() <= MAX_MESSAGE {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(MAX_MESSAGE).collect();
        t.push('…');
        t
    }
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
