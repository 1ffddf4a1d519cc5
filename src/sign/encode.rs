//! Canonical query encoding shared by every signature version.
//!
//! Two orders matter and they are easy to confuse:
//! * [`v2_form`] sorts parameters by the **raw** name's UTF-8 bytes and then encodes them.
//!   Signature Version 2 uses it, and so does Phantom when it rebuilds a V4 POST payload.
//! * [`v4_query`] encodes first and sorts the encoded `(name, value)` pairs, as the
//!   SigV4 canonical query string requires.
//!
//! They disagree for names holding non-ASCII or reserved characters, e.g. `a~` and `a+`:
//! raw `+` (0x2B) sorts before `~` (0x7E) but encoded `%2B` (0x25…) sorts before `~` too,
//! while `é` (0xC3 0xA9) sorts after `z` raw yet `%C3%A9` sorts before any letter.

use std::fmt::Write as _;

/// Is `byte` one of the characters RFC 3986 calls unreserved (`A-Z a-z 0-9 - _ . ~`)?
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes every byte of `text`'s UTF-8 form outside `A-Z a-z 0-9 - _ . ~`,
/// with uppercase hex digits (a space becomes `%20`, never `+`).
pub fn percent_encode(text: &str) -> String {
    percent_encode_except(text, |_| false)
}

/// Like [`percent_encode`], but also leaves the bytes for which `keep` is true alone
/// (the SigV4 canonical URI keeps `/`).
pub(crate) fn percent_encode_except(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for &byte in text.as_bytes() {
        if is_unreserved(byte) || keep(byte) {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Decodes `%XX` escapes (and nothing else: `+` stays `+`). Invalid escapes are kept
/// literally; bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query parameter: a name and its value, both unencoded.
pub type Param = (String, String);

/// Signature Version 2 form: sorted by raw name (UTF-8 bytes), then `enc(k)=enc(v)`
/// joined by `&`. Parameters with equal names keep their relative order.
pub fn v2_form<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut sorted: Vec<&(K, V)> = params.iter().collect();
    crate::order::sort_by(&mut sorted, |a, b| {
        a.0.as_ref().as_bytes().cmp(b.0.as_ref().as_bytes())
    });
    join_pairs(
        sorted
            .into_iter()
            .map(|(k, v)| (percent_encode(k.as_ref()), percent_encode(v.as_ref()))),
    )
}

/// SigV4 canonical query string: each pair encoded, the encoded pairs sorted by name and
/// then by value (bytewise), joined as `k=v` with `&`.
pub fn v4_query<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (percent_encode(k.as_ref()), percent_encode(v.as_ref())))
        .collect();
    crate::order::sort(&mut encoded);
    join_pairs(encoded.into_iter())
}

fn join_pairs(pairs: impl Iterator<Item = (String, String)>) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&k);
        out.push('=');
        out.push_str(&v);
    }
    out
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}
