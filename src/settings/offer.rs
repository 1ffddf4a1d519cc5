//! What the page's own server offers: `GET /__pde/config.json` answers
//! `{"proxies":[{"prefix":"/phantom/","target":"http://127.0.0.1:8445"}]}` (an empty list,
//! a 404 or a failure all mean "no proxy").

use serde::Deserialize;

use crate::sign::Endpoint;

/// A same-origin proxy the page's server provides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyOffer {
    /// Path prefix on the page's origin, e.g. `/phantom/`.
    pub prefix: String,
    /// The endpoint it forwards to, e.g. `http://127.0.0.1:8445` (the URL to sign for).
    pub target: String,
}

#[derive(Deserialize)]
struct RawConfig {
    #[serde(default)]
    proxies: Vec<RawOffer>,
}

#[derive(Deserialize)]
struct RawOffer {
    prefix: String,
    target: String,
}

/// The usable offers in the server's answer, at most 16; anything malformed is left out
/// (a broken config must never break the page).
pub fn parse_server_config(json: &str) -> Vec<ProxyOffer> {
    if json.len() > 16 * 1024 {
        return Vec::new();
    }
    let Ok(raw) = serde_json::from_str::<RawConfig>(json) else {
        return Vec::new();
    };
    raw.proxies
        .into_iter()
        .filter(|o| {
            let p = o.prefix.as_str();
            p.len() > 1
                && p.len() <= 100
                && p.starts_with('/')
                && p.ends_with('/')
                && p.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/')
                })
        })
        .filter_map(|o| {
            let endpoint = Endpoint::parse(&o.target).ok()?;
            Some(ProxyOffer {
                prefix: o.prefix,
                target: endpoint.origin(),
            })
        })
        .take(16)
        .collect()
}

/// Whether a Content-Security-Policy lets the page connect to `origin`
/// (`scheme://host[:port]`) from `page_origin`: its `connect-src` (or, without one,
/// `default-src`) must list `'self'` for the page's own origin, `*`, the scheme
/// (`https:`), the origin itself, or a `*.domain` wildcard covering it. `None` when the
/// policy has neither directive (nothing is restricted).
pub fn csp_allows_connect(policy: &str, page_origin: &str, origin: &str) -> Option<bool> {
    let directive = |name: &str| {
        policy.split(';').find_map(|d| {
            let mut words = d.split_whitespace();
            words
                .next()
                .filter(|w| w.eq_ignore_ascii_case(name))
                .map(|_| words.map(str::to_string).collect::<Vec<_>>())
        })
    };
    let sources = directive("connect-src").or_else(|| directive("default-src"))?;
    let origin = origin.to_ascii_lowercase();
    let (scheme, rest) = origin.split_once("://")?;
    let host = rest.split(':').next().unwrap_or(rest);
    let allowed = sources.iter().any(|s| {
        let s = s.to_ascii_lowercase();
        match s.as_str() {
            "'self'" => origin == page_origin.to_ascii_lowercase(),
            "*" => scheme == "http" || scheme == "https",
            _ if s.ends_with(':') && !s.contains('/') => s.trim_end_matches(':') == scheme,
            _ => match s.split_once("://") {
                Some((s_scheme, s_rest)) if s_scheme == scheme => match s_rest.strip_prefix("*.") {
                    Some(domain) => host.ends_with(&format!(".{domain}")),
                    None => s_rest.trim_end_matches('/') == rest,
                },
                _ => false,
            },
        }
    });
    Some(allowed)
}
