//! The endpoint a request is signed for: scheme, host, port and path.
//!
//! Parsed strictly, because everything here ends up inside a signature: the host as the
//! server will see it in the `Host` header, and a path both AWS and Phantom read the same
//! way (so no dot segments, no empty segments, no characters that need escaping).
//! Blanks and control characters are looked for first, anywhere in the URL, so that
//! `http://host:8445 /x` is told about its space rather than about its port.

use std::fmt;

use super::SignError;

/// `http` or `https`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UrlScheme {
    /// Plain HTTP (default port 80).
    Http,
    /// HTTP over TLS (default port 443).
    Https,
}

impl UrlScheme {
    /// `http` or `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            UrlScheme::Http => "http",
            UrlScheme::Https => "https",
        }
    }

    /// 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            UrlScheme::Http => 80,
            UrlScheme::Https => 443,
        }
    }
}

/// A parsed endpoint URL such as `https://svc.uc.futuregrid.org:8445/`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    scheme: UrlScheme,
    host: String,
    port: Option<u16>,
    path: String,
}

impl Endpoint {
    /// Parses `scheme://host[:port][/path]`. The host is lowercased; an explicit default
    /// port is dropped (a browser would not send it); an empty path becomes `/`.
    pub fn parse(url: &str) -> Result<Self, SignError> {
        let url = url.trim();
        let bad = |why: &'static str| SignError::InvalidUrl(why);
        if let Some(why) = url.chars().find_map(unusable_char) {
            return Err(bad(why));
        }
        let (scheme, rest) = url
            .split_once("://")
            .ok_or(bad("it must start with http:// or https://"))?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => UrlScheme::Http,
            "https" => UrlScheme::Https,
            _ => return Err(bad("only http:// and https:// are supported")),
        };
        if rest.contains('?') {
            return Err(bad(
                "it must not carry a query string (remove the part from '?')",
            ));
        }
        if rest.contains('#') {
            return Err(bad(
                "it must not carry a fragment (remove the part from '#')",
            ));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.contains('@') {
            return Err(bad("user names or passwords do not belong in the URL"));
        }
        let (host, port_text) = split_host_port(authority)?;
        let port = match port_text {
            None => None,
            Some(p) => {
                let n: u32 =
                    if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) {
                        p.parse()
                            .map_err(|_| bad("the port must be a number from 1 to 65535"))?
                    } else {
                        return Err(bad("the port must be a number from 1 to 65535"));
                    };
                let n = u16::try_from(n)
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(bad("the port must be a number from 1 to 65535"))?;
                (n != scheme.default_port()).then_some(n)
            }
        };
        validate_path(path)?;
        Ok(Self {
            scheme,
            host,
            port,
            path: path.to_string(),
        })
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> UrlScheme {
        self.scheme
    }

    /// The host name or address, lowercased, without port (IPv6 keeps its brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Is the host an IPv6 address literal such as `[::1]`?
    pub fn is_ipv6_literal(&self) -> bool {
        self.host.starts_with('[')
    }

    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The port requests go to, default or not.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(self.scheme.default_port())
    }

    /// The path requests go to (at least `/`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The `Host` header value a client sends: host plus `:port` when not the default.
    pub fn host_header(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme.as_str(), self.host_header())
    }

    /// `scheme://host[:port]/path`.
    pub fn url(&self) -> String {
        format!("{}{}", self.origin(), self.path)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url())
    }
}

/// Why `c` cannot appear anywhere in an endpoint URL, if it cannot: a blank, a control
/// character or an invisible formatting mark. (Non-ASCII letters get the host's or the
/// path's own message.)
fn unusable_char(c: char) -> Option<&'static str> {
    match c {
        ' ' => Some("it contains a space; remove it"),
        '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' => {
            Some("it contains a tab or a line break; remove it")
        }
        c if c.is_control() => Some("it contains a control character; remove it"),
        c if c.is_whitespace() => {
            Some("it contains a non-breaking or other special space; remove it")
        }
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}' => Some(
            "it contains an invisible character (a zero-width or text-direction mark); remove it",
        ),
        _ => None,
    }
}

fn split_host_port(authority: &str) -> Result<(String, Option<&str>), SignError> {
    let bad = |why: &'static str| SignError::InvalidUrl(why);
    if authority.is_empty() {
        return Err(bad("the host name is missing"));
    }
    if let Some(rest) = authority.strip_prefix('[') {
        let (literal, after) = rest
            .split_once(']')
            .ok_or(bad("an IPv6 address must be closed with ']'"))?;
        if literal.is_empty()
            || !literal
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err(bad("the IPv6 address is not valid"));
        }
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or(bad("unexpected text after the IPv6 address"))?,
            ),
        };
        return Ok((format!("[{}]", literal.to_ascii_lowercase()), port));
    }
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if host.is_empty() {
        return Err(bad("the host name is missing"));
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if host.len() > 253 || !host.split('.').all(label_ok) {
        return Err(bad(
            "the host name may contain only letters, digits, '-', '_' and dots between non-empty labels",
        ));
    }
    Ok((host.to_ascii_lowercase(), port))
}

fn validate_path(path: &str) -> Result<(), SignError> {
    let bad = |why: &'static str| SignError::InvalidUrl(why);
    if !path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/'))
    {
        return Err(bad(
            "the path may contain only letters, digits, '-', '_', '.', '~' and '/'",
        ));
    }
    let inner = path.trim_start_matches('/');
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if path.len() > 1
        && inner
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return Err(bad("the path must not contain empty, '.' or '..' segments"));
    }
    Ok(())
}
