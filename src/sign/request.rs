//! Signing one Auto Scaling Query request in any of the four schemes the app speaks.
//!
//! Every scheme produces the request exactly as it is sent: for GET the parameters are in
//! the query string, for POST in an `application/x-www-form-urlencoded` body written in
//! the canonical V2 order (which is also what Phantom rebuilds for its V4 payload hash).

use std::fmt;

use super::credentials::Credentials;
use super::encode::{percent_encode, v2_form, v4_query};
use super::endpoint::Endpoint;
use super::scheme::Scheme;
use super::time::SigningTime;
use super::v2::{self, V2Method};
use super::v4::{self, CanonicalRequest, HeaderValues};
use super::SignError;

/// The content type of every POST body we send.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// Parameter names the signer adds itself; a caller must not pass them.
pub const RESERVED_PARAMS: [&str; 6] = [
    "AWSAccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "Timestamp",
    "SecurityToken",
];

/// HTTP method of a Query request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// Parameters in the query string.
    Get,
    /// Parameters in a form body.
    Post,
}

impl Method {
    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Where and when a request is signed: the clock reading, and the SigV4 scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningContext {
    /// The signing time (already corrected by any known clock offset).
    pub time: SigningTime,
    /// SigV4 region (not checked by Phantom; `us-east-1` is customary).
    pub region: String,
    /// SigV4 service name (`autoscaling`).
    pub service: String,
}

/// A request to sign: the endpoint it is signed for and its parameters (unencoded,
/// unique names, without authentication parameters).
#[derive(Clone, Copy, Debug)]
pub struct QueryRequest<'a> {
    /// GET or POST.
    pub method: Method,
    /// The endpoint the signature is computed for (the `Host` the server will see).
    pub endpoint: &'a Endpoint,
    /// `(name, value)` pairs, e.g. `("Action", "DescribeAutoScalingGroups")`.
    pub params: &'a [(String, String)],
}

/// A signed request, ready to send.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// GET or POST.
    pub method: Method,
    /// The full URL, with the query string for GET.
    pub url: String,
    /// Headers in sending order; the first is `Host` (which a browser sets by itself).
    pub headers: Vec<(String, String)>,
    /// The form body for POST, empty for GET.
    pub body: String,
    /// What was signed, with credentials redacted.
    pub debug: SigningDebug,
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body and URL may carry a session token (V2 `SecurityToken`); show the debug
        // view, which is redacted, rather than the raw request.
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("debug", &self.debug)
            .finish_non_exhaustive()
    }
}

impl SignedRequest {
    /// The URL path and query, as a same-origin proxy would need them (`/` + `?...`).
    pub fn path_and_query(&self) -> &str {
        // The URL always has the form scheme://authority/path[?query].
        let after_scheme = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |x| x.1);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }
}

/// A redacted view of one signing, for display and debugging: never the secret, never a
/// derived key, and the session token replaced by `<redacted>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningDebug {
    /// The scheme used.
    pub scheme: Scheme,
    /// The SigV4 canonical request (`None` for V2, whose string to sign is the canonical form).
    pub canonical_request: Option<String>,
    /// The string that was signed.
    pub string_to_sign: String,
    /// The SigV4 SignedHeaders list (`None` for V2).
    pub signed_headers: Option<String>,
}

impl fmt::Display for SigningDebug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "scheme: {}", self.scheme)?;
        if let Some(creq) = &self.canonical_request {
            writeln!(f, "canonical request:\n{creq}\n")?;
        }
        if let Some(signed) = &self.signed_headers {
            writeln!(f, "signed headers: {signed}")?;
        }
        write!(f, "string to sign:\n{}", self.string_to_sign)
    }
}

/// Signs `request` with `credentials` under `scheme`.
pub fn sign_query(
    scheme: Scheme,
    request: QueryRequest<'_>,
    credentials: &Credentials,
    context: &SigningContext,
) -> Result<SignedRequest, SignError> {
    check_params(request.params)?;
    scheme.check_endpoint(request.endpoint)?;
    let signed = match scheme {
        Scheme::V2HmacSha256 => sign_v2(V2Method::HmacSha256, request, credentials, context),
        Scheme::V2HmacSha1 => sign_v2(V2Method::HmacSha1, request, credentials, context),
        Scheme::V4 => sign_v4(false, request, credentials, context)?,
        Scheme::V4Phantom => sign_v4(true, request, credentials, context)?,
    };
    Ok(signed)
}

fn check_params(params: &[(String, String)]) -> Result<(), SignError> {
    let mut names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    if names.iter().any(|n| n.is_empty()) {
        return Err(SignError::InvalidParameter(
            "a parameter has an empty name".to_string(),
        ));
    }
    if let Some(reserved) = names.iter().find(|n| RESERVED_PARAMS.contains(n)) {
        return Err(SignError::InvalidParameter(format!(
            "{reserved} is added by the signer and must not be passed in"
        )));
    }
    crate::order::sort(&mut names);
    if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(SignError::InvalidParameter(format!(
            "{} appears more than once",
            pair[0]
        )));
    }
    Ok(())
}

fn sign_v2(
    method: V2Method,
    request: QueryRequest<'_>,
    credentials: &Credentials,
    context: &SigningContext,
) -> SignedRequest {
    let endpoint = request.endpoint;
    let mut params: Vec<(&str, &str)> = request
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let timestamp = context.time.iso8601();
    params.push(("AWSAccessKeyId", credentials.access_key()));
    params.push(("SignatureMethod", method.as_str()));
    params.push(("SignatureVersion", "2"));
    params.push(("Timestamp", &timestamp));
    if let Some(token) = credentials.session_token() {
        params.push(("SecurityToken", token));
    }
    let host = endpoint.host_header();
    let sts = v2::string_to_sign(request.method.as_str(), &host, endpoint.path(), &params);
    let signature = v2::signature(method, credentials.secret_key(), &sts);
    let form = format!(
        "{}&Signature={}",
        v2_form(&params),
        percent_encode(&signature)
    );
    let debug = SigningDebug {
        scheme: match method {
            V2Method::HmacSha256 => Scheme::V2HmacSha256,
            V2Method::HmacSha1 => Scheme::V2HmacSha1,
        },
        canonical_request: None,
        string_to_sign: redact(&sts, credentials),
        signed_headers: None,
    };
    let mut headers = vec![("Host".to_string(), host)];
    match request.method {
        Method::Get => SignedRequest {
            method: Method::Get,
            url: format!("{}?{form}", endpoint.url()),
            headers,
            body: String::new(),
            debug,
        },
        Method::Post => {
            headers.push(("Content-Type".to_string(), FORM_CONTENT_TYPE.to_string()));
            SignedRequest {
                method: Method::Post,
                url: endpoint.url(),
                headers,
                body: form,
                debug,
            }
        }
    }
}

fn sign_v4(
    phantom: bool,
    request: QueryRequest<'_>,
    credentials: &Credentials,
    context: &SigningContext,
) -> Result<SignedRequest, SignError> {
    for (what, value) in [("region", &context.region), ("service", &context.service)] {
        if value.is_empty()
            || value.contains(|c: char| c == '/' || c.is_whitespace() || c.is_control())
        {
            return Err(SignError::InvalidScope(what));
        }
    }
    let endpoint = request.endpoint;
    let (query, body) = match request.method {
        Method::Get => (v4_query(request.params), String::new()),
        Method::Post => (String::new(), v2_form(request.params)),
    };
    let host = endpoint.host_header();
    // Phantom compares against the Host header cut at its first ':', i.e. without its
    // port (IPv6 literal hosts, where that cut goes wrong, were refused above).
    let signed_host = if phantom {
        endpoint.host().to_string()
    } else {
        host.clone()
    };
    let amz_date = context.time.amz_date();
    let mut signed: Vec<(&str, &str)> = vec![("host", &signed_host), ("x-amz-date", &amz_date)];
    if let Some(token) = credentials.session_token() {
        signed.push(("x-amz-security-token", token));
    }
    // Phantom takes the raw path; AWS normalizes and encodes it. Endpoint paths are
    // restricted to unreserved characters, so both readings agree; keep each faithful.
    let uri = if phantom {
        endpoint.path().to_string()
    } else {
        v4::canonical_uri(endpoint.path())
    };
    // Phantom strips a header value at its ends only (Python's `value.strip()`): a
    // session token with inner runs of spaces is signed as sent, not collapsed.
    let values = if phantom {
        HeaderValues::StripEnds
    } else {
        HeaderValues::TrimAll
    };
    let canonical = CanonicalRequest::with_values(
        values,
        request.method.as_str(),
        uri,
        query.clone(),
        &signed,
        v4::payload_hash(body.as_bytes()),
    );
    let scope = v4::credential_scope(context.time, &context.region, &context.service);
    let sts = v4::string_to_sign(context.time, &scope, &canonical);
    let signature = v4::signature(
        credentials.secret_key(),
        context.time,
        &context.region,
        &context.service,
        &sts,
    );
    let separator = if phantom { "," } else { ", " };
    let signed_headers = canonical.signed_headers();
    let authorization = v4::authorization(
        credentials.access_key(),
        &scope,
        &signed_headers,
        &signature,
        separator,
    );
    let mut headers = vec![
        ("Host".to_string(), host),
        ("X-Amz-Date".to_string(), amz_date),
    ];
    if let Some(token) = credentials.session_token() {
        headers.push(("X-Amz-Security-Token".to_string(), token.to_string()));
    }
    if request.method == Method::Post {
        headers.push(("Content-Type".to_string(), FORM_CONTENT_TYPE.to_string()));
    }
    headers.push(("Authorization".to_string(), authorization));
    let url = match request.method {
        Method::Get if !query.is_empty() => format!("{}?{query}", endpoint.url()),
        _ => endpoint.url(),
    };
    Ok(SignedRequest {
        method: request.method,
        url,
        headers,
        body,
        debug: SigningDebug {
            scheme: if phantom {
                Scheme::V4Phantom
            } else {
                Scheme::V4
            },
            canonical_request: Some(redact(&canonical.to_string(), credentials)),
            string_to_sign: sts,
            signed_headers: Some(signed_headers),
        },
    })
}

/// Replaces the session token (raw and encoded) and, defensively, the secret (should a
/// user ever paste it into a parameter) with `<redacted>`.
fn redact(text: &str, credentials: &Credentials) -> String {
    let mut out = text.to_string();
    let mut secrets: Vec<String> = Vec::new();
    if let Some(token) = credentials.session_token() {
        secrets.push(percent_encode(token));
        secrets.push(token.to_string());
    }
    let secret = credentials.secret_key();
    if secret.chars().count() >= 8 {
        secrets.push(percent_encode(secret));
        secrets.push(secret.to_string());
    }
    for s in secrets {
        if !s.is_empty() {
            out = out.replace(&s, "<redacted>");
        }
    }
    out
}
