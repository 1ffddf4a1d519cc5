//! Authentication as PHANTOM.md describes pyhantom's `get_aws_access_key`
//! and `authenticate_user`: Signature Version 2 when `AWSAccessKeyId` is a
//! parameter, else Phantom's reading of Version 4 when an `Authorization`
//! header is present. This is an independent reading of PHANTOM.md; it
//! shares no code with the app's signer on purpose.

use crate::clock;
use crate::errors::PhantomError;
use crate::http::Request;
use crate::params::{canonical_params, Params};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    V2,
    V4,
    None,
}

impl AuthKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::V2 => "v2",
            AuthKind::V4 => "v4",
            AuthKind::None => "none",
        }
    }

    /// Which path pyhantom would take for this request.
    pub fn of(req: &Request, params: &Params) -> AuthKind {
        if params.contains("AWSAccessKeyId") {
            AuthKind::V2
        } else if req.header("Authorization").is_some() {
            AuthKind::V4
        } else {
            AuthKind::None
        }
    }
}

/// What the parsers extract (pyhantom's `access_dict`).
#[derive(Debug, Default)]
struct Access {
    access_key: String,
    signature: Option<String>,
    signature_method: String,
    signature_version: String,
    signed_headers: Option<String>,
    credential_scope: String,
    expires: Option<String>,
    timestamp: Option<String>,
}

fn key_error(k: &str) -> PhantomError {
    PhantomError::internal(&format!("'{k}'"))
}

const INDEX_ERROR: &str = "list index out of range";

fn hmac256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("hmac accepts any key length");
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn hmac1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m =
        <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(key).expect("hmac accepts any key length");
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Version 2 parameters (`_get_aws_access_key_method_one`).
fn access_v2(params: &Params) -> Result<Access, PhantomError> {
    let get = |k: &str| {
        params
            .get(k)
            .map(str::to_string)
            .ok_or_else(|| key_error(k))
    };
    let signature = get("Signature")?;
    let access_key = get("AWSAccessKeyId")?;
    let signature_method = get("SignatureMethod")?;
    let signature_version = get("SignatureVersion")?;
    Ok(Access {
        access_key,
        signature: Some(signature),
        signature_method,
        signature_version,
        expires: params.get("Expires").map(str::to_string),
        timestamp: params.get("Timestamp").map(str::to_string),
        ..Access::default()
    })
}

/// Phantom's Version 4 header parse (`_get_aws_access_key_method_two`):
/// split on whitespace first, take the second word, split it on commas.
fn access_v4(req: &Request, params: &Params) -> Result<Access, PhantomError> {
    let auth = req.header("Authorization").unwrap_or("");
    let words: Vec<&str> = auth.split_whitespace().collect();
    let first = words
        .first()
        .ok_or_else(|| PhantomError::internal(INDEX_ERROR))?;
    let (method, version) = match first.split_once('-') {
        Some((m, v)) => (m.to_string(), v.to_string()),
        None => return Err(PhantomError::internal(INDEX_ERROR)),
    };
    let second = words
        .get(1)
        .ok_or_else(|| PhantomError::internal(INDEX_ERROR))?;
    let mut found: HashMap<&str, String> = HashMap::new();
    for tok in second.split(',') {
        for k in [
            "Credential",
            "Signature",
            "SignedHeaders",
            "SignatureMethod",
            "SignatureVersion",
        ] {
            if tok.starts_with(k) {
                found.insert(k, tok.get(k.len() + 1..).unwrap_or("").to_string());
            }
        }
    }
    let mut a = Access {
        signature: found.get("Signature").cloned(),
        signed_headers: found.get("SignedHeaders").cloned(),
        signature_method: found.get("SignatureMethod").cloned().unwrap_or(method),
        signature_version: found.get("SignatureVersion").cloned().unwrap_or(version),
        expires: params.get("Expires").map(str::to_string),
        timestamp: params.get("Timestamp").map(str::to_string),
        ..Access::default()
    };
    if a.expires.is_none() && a.timestamp.is_none() {
        let d = req
            .header("X-Amz-Date")
            .ok_or_else(|| key_error(&environ_name("X-Amz-Date")))?;
        let secs = clock::parse_amz_date(d).map_err(|e| PhantomError::internal(&e))?;
        let s = clock::make_time_us(secs * 1_000_000);
        a.timestamp = Some(format!("{}Z", &s[..19]));
    }
    // pyhantom means to raise "The key %s is required…" here, but building
    // that PhantomAWSException fails its own lookup: a KeyError, i.e. 500.
    if ["Credential", "Signature", "SignedHeaders"]
        .iter()
        .any(|k| !found.contains_key(k))
    {
        return Err(PhantomError::internal(
            "'The key %s is required in the Authorization parameter.'",
        ));
    }
    let cred = &found["Credential"];
    let (ak, scope) = cred
        .split_once('/')
        .ok_or_else(|| PhantomError::internal(INDEX_ERROR))?;
    a.access_key = ak.to_string();
    a.credential_scope = scope.to_string();
    Ok(a)
}

fn v2_signature(
    secret: &str,
    req: &Request,
    params: &Params,
    method: &str,
) -> Result<String, PhantomError> {
    let host = req
        .header("Host")
        .ok_or_else(|| key_error(&environ_name("host")))?;
    let sts = format!(
        "{}\n{}\n{}\n{}",
        req.method,
        host.to_ascii_lowercase(),
        req.path,
        canonical_params(params)
    );
    let mac = if method == "HmacSHA256" {
        hmac256(secret.as_bytes(), sts.as_bytes())
    } else {
        hmac1(secret.as_bytes(), sts.as_bytes())
    };
    Ok(base64::engine::general_purpose::STANDARD.encode(mac))
}

/// WSGI environ name WebOb looks a header up by (for the KeyError text).
fn environ_name(h: &str) -> String {
    let up = h.to_ascii_uppercase().replace('-', "_");
    if up == "CONTENT_TYPE" || up == "CONTENT_LENGTH" {
        up
    } else {
        format!("HTTP_{up}")
    }
}

/// What Python 2's `str.strip()` removes: space, tab, LF, VT, FF, CR.
fn is_python2_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

fn v4_signature(
    secret: &str,
    req: &Request,
    params: &Params,
    a: &Access,
) -> Result<String, PhantomError> {
    // Only the V2 parameter path lacks the key (a KeyError in pyhantom).
    let signed = a
        .signed_headers
        .as_deref()
        .ok_or_else(|| key_error("SignedHeaders"))?;
    let mut lines = Vec::new();
    for n in signed.split(';') {
        let v = req
            .header(n)
            .filter(|_| !n.is_empty())
            .ok_or_else(|| key_error(&environ_name(n)))?;
        // `get_and_normalize_header`: `value.strip()` on a Python 2 byte string
        // trims ASCII whitespace at the ends only (inner runs of spaces stay);
        // `host` is cut at its first ':', so `[::1]:8445` reads `[`.
        let mut v = v.trim_matches(is_python2_whitespace).to_string();
        if n.eq_ignore_ascii_case("host") {
            if let Some(i) = v.find(':') {
                if i > 0 {
                    v.truncate(i);
                }
            }
        }
        lines.push(format!("{}:{}", n.to_lowercase().trim(), v));
    }
    lines.sort();
    let payload: Vec<u8> = if req.method == "POST" {
        canonical_params(params).into_bytes()
    } else {
        req.body.clone()
    };
    let canonical = [
        req.method.to_ascii_uppercase(),
        req.path.clone(),
        req.query.clone(),
        format!("{}\n", lines.join("\n")),
        signed.to_string(),
        hex(&Sha256::digest(&payload)),
    ]
    .join("\n");
    let amz_date = req
        .header("X-Amz-Date")
        .ok_or_else(|| key_error(&environ_name("X-Amz-Date")))?;
    let sts = format!(
        "AWS4-HMAC-SHA256\n{}\n{}\n{}",
        amz_date,
        a.credential_scope,
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let parts: Vec<&str> = a.credential_scope.split('/').collect();
    if parts.len() < 4 {
        return Err(PhantomError::internal(INDEX_ERROR));
    }
    let k_date = hmac256(format!("AWS4{secret}").as_bytes(), parts[0].as_bytes());
    let k_region = hmac256(&k_date, parts[1].as_bytes());
    let k_service = hmac256(&k_region, parts[2].as_bytes());
    let k_signing = hmac256(&k_service, parts[3].as_bytes());
    Ok(hex(&hmac256(&k_signing, sts.as_bytes())))
}

/// The outcome of a successful check: the access key that signed.
pub struct Authenticated {
    pub access_key: String,
}

/// pyhantom's authentication, in its order: extract, look the key up
/// (403 InvalidClientTokenId), compute and compare the signature (400
/// IncompleteSignature), then the 15-minute window (RequestExpired /
/// MissingParameter). `now_us` is the server's clock.
pub fn authenticate(
    req: &Request,
    params: &Params,
    credentials: &HashMap<String, String>,
    now_us: i64,
) -> Result<Authenticated, PhantomError> {
    let access =
        match AuthKind::of(req, params) {
            AuthKind::V2 => access_v2(params)?,
            AuthKind::V4 => access_v4(req, params)?,
            AuthKind::None => return Err(PhantomError::internal(
                "'Unable to find the information needed to authenticate the user in the request'",
            )),
        };
    let Some(secret) = credentials.get(&access.access_key) else {
        return Err(PhantomError::aws("InvalidClientTokenId", ""));
    };
    // get_auth_hash dispatches on the version string.
    let proper = match access.signature_version.as_str() {
        "2" => Some(v2_signature(secret, req, params, &access.signature_method)?),
        // pyhantom's V1/V0 "signatures" are the constants "X" and "Y"; the
        // simulator never accepts them (a client sending them is broken).
        "1" | "0" => None,
        _ => Some(v4_signature(secret, req, params, &access)?),
    };
    if proper.is_none() || access.signature != proper {
        return Err(PhantomError::aws("IncompleteSignature", ""));
    }
    check_time(&access, now_us)?;
    Ok(Authenticated {
        access_key: access.access_key,
    })
}

fn check_time(a: &Access, now_us: i64) -> Result<(), PhantomError> {
    let delta = 15 * 60 * 1_000_000i64;
    let parse = |s: &str| {
        clock::parse_phantom_time(s)
            .map(|secs| secs * 1_000_000)
            .map_err(|e| PhantomError::internal(&e))
    };
    let mut expr: Option<i64> = None;
    if let Some(e) = &a.expires {
        let t = parse(e)?;
        if t > now_us + delta {
            return Err(PhantomError::aws("RequestExpired", ""));
        }
        expr = Some(t);
    }
    if expr.is_none() {
        if let Some(ts) = &a.timestamp {
            let t = parse(ts)?;
            if t > now_us + delta {
                return Err(PhantomError::aws("RequestExpired", ""));
            }
            expr = Some(t + delta);
        }
    }
    match expr {
        None => Err(PhantomError::aws("MissingParameter", "")),
        Some(e) if now_us > e => Err(PhantomError::aws("RequestExpired", "")),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_documented_v2_example() {
        // TOOLCHAIN.md's known answer from the AWS documentation.
        let sts = "GET\nelasticmapreduce.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeJobFlows&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2011-10-03T15%3A19%3A30&Version=2009-03-31";
        let mac = hmac256(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sts.as_bytes());
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(mac),
            "i91nKc4PWAt0JJIdXwz9HxZCJDdiy6cf/Mj6vPxyYIs="
        );
    }

    #[test]
    fn time_window() {
        let a = Access {
            timestamp: Some("1970-01-01T01:00:00Z".into()),
            ..Access::default()
        };
        let hour = 3600 * 1_000_000i64;
        assert!(check_time(&a, hour).is_ok());
        assert!(check_time(&a, hour + 14 * 60 * 1_000_000).is_ok());
        assert_eq!(
            check_time(&a, hour + 16 * 60 * 1_000_000)
                .unwrap_err()
                .title,
            "RequestExpired"
        );
        assert_eq!(
            check_time(&a, hour - 16 * 60 * 1_000_000)
                .unwrap_err()
                .title,
            "RequestExpired"
        );
        let none = Access::default();
        assert_eq!(
            check_time(&none, hour).unwrap_err().title,
            "MissingParameter"
        );
    }
}
