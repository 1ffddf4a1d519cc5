//! Signature Version 4: the canonical request, the string to sign, the signing key.
//!
//! The pieces are general (any method, path, headers and payload) so that the AWS SigV4
//! test suite runs against them unchanged; [`super::request`] assembles them into the two
//! dialects the app speaks (AWS standard and Phantom).

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::encode::{hex, percent_encode_except};
use super::time::SigningTime;

/// The algorithm name in the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// How header values are normalized in the canonical headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeaderValues {
    /// SigV4 "trimall", as AWS, moto and botocore read it: the ends trimmed and every
    /// inner run of whitespace collapsed to one space.
    TrimAll,
    /// Phantom's reading: Python's `value.strip()` on the header as received, so only
    /// the ends are trimmed and inner runs of spaces stay as sent. (pyhantom runs on
    /// Python 2 with byte-string headers, whose `strip()` removes ASCII whitespace only.)
    StripEnds,
}

impl HeaderValues {
    fn normalize(self, value: &str) -> String {
        match self {
            HeaderValues::TrimAll => value.split_whitespace().collect::<Vec<_>>().join(" "),
            HeaderValues::StripEnds => value.trim_matches(is_python2_whitespace).to_string(),
        }
    }
}

/// The bytes Python 2's `str.strip()` removes: space, tab, LF, VT, FF, CR.
fn is_python2_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// A SigV4 canonical request. Its `Display` is exactly the text that gets hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalRequest {
    method: String,
    uri: String,
    query: String,
    /// Lowercase names, normalized values, sorted by name, repeated names merged.
    headers: Vec<(String, String)>,
    payload_hash: String,
}

impl CanonicalRequest {
    /// Builds a standard (AWS) canonical request from an already canonical URI and query
    /// string, the headers to sign (any case, any order, repeated names allowed) and the
    /// payload hash. Header values are normalized with [`HeaderValues::TrimAll`].
    pub fn new(
        method: &str,
        canonical_uri: String,
        canonical_query: String,
        headers: &[(&str, &str)],
        payload_hash: String,
    ) -> Self {
        Self::with_values(
            HeaderValues::TrimAll,
            method,
            canonical_uri,
            canonical_query,
            headers,
            payload_hash,
        )
    }

    /// Like [`CanonicalRequest::new`], with header values normalized by `values`.
    pub fn with_values(
        values: HeaderValues,
        method: &str,
        canonical_uri: String,
        canonical_query: String,
        headers: &[(&str, &str)],
        payload_hash: String,
    ) -> Self {
        let mut merged: Vec<(String, String)> = Vec::with_capacity(headers.len());
        let mut sorted: Vec<(String, String)> = headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), values.normalize(value)))
            .collect();
        // Stable: repeated headers keep the order in which they appeared.
        crate::order::sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
        for (name, value) in sorted {
            match merged.last_mut() {
                Some((last, joined)) if *last == name => {
                    joined.push(',');
                    joined.push_str(&value);
                }
                _ => merged.push((name, value)),
            }
        }
        Self {
            method: method.to_string(),
            uri: canonical_uri,
            query: canonical_query,
            headers: merged,
            payload_hash,
        }
    }

    /// `name1;name2;…`, the SignedHeaders list.
    pub fn signed_headers(&self) -> String {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        names.join(";")
    }

    /// Hex SHA-256 of the canonical request text.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.to_string().as_bytes()))
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.method)?;
        writeln!(f, "{}", self.uri)?;
        writeln!(f, "{}", self.query)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}:{value}")?;
        }
        writeln!(f)?;
        writeln!(f, "{}", self.signed_headers())?;
        f.write_str(&self.payload_hash)
    }
}

/// The AWS canonical URI: dot segments removed, repeated slashes collapsed, then every
/// byte outside the unreserved set and `/` percent-encoded (so an already encoded `%20`
/// becomes `%2520`, as AWS does for every service but S3).
pub fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut normalized = String::from("/");
    normalized.push_str(&segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        normalized.push('/');
    }
    percent_encode_except(&normalized, |b| b == b'/')
}

/// Hex SHA-256 of a payload.
pub fn payload_hash(payload: &[u8]) -> String {
    hex(&Sha256::digest(payload))
}

/// The credential scope `YYYYMMDD/region/service/aws4_request`.
pub fn credential_scope(time: SigningTime, region: &str, service: &str) -> String {
    format!("{}/{region}/{service}/aws4_request", time.date_stamp())
}

/// The string to sign for a canonical request.
pub fn string_to_sign(time: SigningTime, scope: &str, canonical: &CanonicalRequest) -> String {
    format!(
        "{ALGORITHM}\n{}\n{scope}\n{}",
        time.amz_date(),
        canonical.hash()
    )
}

/// The `Authorization` header value. `separator` goes between its three fields: `", "`
/// as AWS writes it, `","` for Phantom (which splits the header on whitespace first).
pub fn authorization(
    access_key: &str,
    scope: &str,
    signed_headers: &str,
    signature: &str,
    separator: &str,
) -> String {
    format!(
        "{ALGORITHM} Credential={access_key}/{scope}{separator}SignedHeaders={signed_headers}{separator}Signature={signature}"
    )
}

/// Hex signature of `string_to_sign` with the key derived from `secret` for the scope's
/// date, region and service. The derived key never leaves this function.
pub fn signature(
    secret: &str,
    time: SigningTime,
    region: &str,
    service: &str,
    string_to_sign: &str,
) -> String {
    let k_date = hmac_sha256(
        format!("AWS4{secret}").as_bytes(),
        time.date_stamp().as_bytes(),
    );
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"aws4_request");
    hex(&hmac_sha256(&k_signing, string_to_sign.as_bytes()))
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    }
}
