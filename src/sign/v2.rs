//! Signature Version 2 (HmacSHA256 and HmacSHA1), as AWS documents it and Phantom checks it.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use super::encode::v2_form;
use super::v4::hmac_sha256;

/// The HMAC a Signature Version 2 request names in `SignatureMethod`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum V2Method {
    /// `HmacSHA256` (the default everywhere).
    HmacSha256,
    /// `HmacSHA1` (older servers).
    HmacSha1,
}

impl V2Method {
    /// The `SignatureMethod` parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            V2Method::HmacSha256 => "HmacSHA256",
            V2Method::HmacSha1 => "HmacSHA1",
        }
    }
}

/// `METHOD\nhost\npath\nparams`, params in the V2 form (sorted by raw name, then encoded).
/// `params` must already hold the authentication parameters and no `Signature`.
pub fn string_to_sign<K: AsRef<str>, V: AsRef<str>>(
    method: &str,
    host: &str,
    path: &str,
    params: &[(K, V)],
) -> String {
    format!(
        "{method}\n{}\n{path}\n{}",
        host.to_ascii_lowercase(),
        v2_form(params)
    )
}

/// Base64 of the HMAC of `string_to_sign` under `secret`.
pub fn signature(method: V2Method, secret: &str, string_to_sign: &str) -> String {
    let digest = match method {
        V2Method::HmacSha256 => hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes()),
        V2Method::HmacSha1 => match <Hmac<Sha1> as KeyInit>::new_from_slice(secret.as_bytes()) {
            Ok(mut mac) => {
                mac.update(string_to_sign.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => unreachable!("HMAC accepts keys of every length"),
        },
    };
    base64::engine::general_purpose::STANDARD.encode(digest)
}
