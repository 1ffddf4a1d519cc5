//! The endpoint section: the URL, the signature the profile accepts, the region, the
//! connection (the proxy's prefix) and the timeout; valid, they make a [`ClientConfig`].

use crate::api::{ClientConfig, Connection, Profile};
use crate::settings::field::EndpointField;
use crate::settings::{scheme_label, ConnectionMode, EndpointSettings};
use crate::sign::{Endpoint, SignError};

use super::check::{has_invisible, upper_first, Check};

/// The longest URL accepted.
pub const MAX_URL_LEN: usize = 2048;
/// The request timeout range, in seconds.
pub const TIMEOUT_RANGE_S: (u32, u32) = (1, 300);

/// The endpoint parser's reason, as a sentence about "the URL".
fn url_message(e: &SignError) -> String {
    match e {
        SignError::InvalidUrl(why) => match why.strip_prefix("it ") {
            Some(rest) => format!("The URL {rest}"),
            None => upper_first(why),
        },
        other => upper_first(&other.to_string()),
    }
}

fn check_url(e: &EndpointSettings, c: &mut Check) -> Option<Endpoint> {
    let f = EndpointField::Url;
    let url = e.url.trim();
    if url.is_empty() {
        c.add(
            f,
            "Enter the Phantom URL, e.g. https://svc.example.org:8445/",
        );
        None
    } else if url.len() > MAX_URL_LEN {
        c.add(
            f,
            format!(
                "The URL is {} characters long; at most {MAX_URL_LEN} are accepted",
                url.len()
            ),
        );
        None
    } else if has_invisible(url) {
        c.add(f, "The URL cannot contain spaces or control characters");
        None
    } else {
        match Endpoint::parse(url) {
            Ok(ep) if e.profile == Profile::Phantom && ep.path() != "/" => {
                c.add(
                    f,
                    format!(
                        "Phantom answers only at the path /; remove \"{}\" from the URL",
                        ep.path()
                    ),
                );
                None
            }
            Ok(ep) => Some(ep),
            Err(err) => {
                c.add(f, url_message(&err));
                None
            }
        }
    }
}

/// Checks the endpoint section; the client configuration when all of it is valid.
pub(super) fn check_endpoint(e: &EndpointSettings, c: &mut Check) -> Option<ClientConfig> {
    let before = c.errors.len();
    let endpoint = check_url(e, c);
    if !e.profile.schemes().contains(&e.scheme) {
        let accepted: Vec<&str> = e
            .profile
            .schemes()
            .iter()
            .map(|s| scheme_label(*s))
            .collect();
        c.add(
            EndpointField::Scheme,
            format!(
                "{} servers do not accept {}; choose {}",
                e.profile.label(),
                scheme_label(e.scheme),
                accepted.join(" or ")
            ),
        );
    }
    // A scheme the profile accepts may still be unable to sign for this endpoint
    // (Phantom's V4 dialect and an IPv6 host): say so on the scheme.
    if let Some(Err(err)) = endpoint
        .as_ref()
        .filter(|_| e.profile.schemes().contains(&e.scheme))
        .map(|ep| e.scheme.check_endpoint(ep))
    {
        c.add(EndpointField::Scheme, upper_first(&err.to_string()));
    }
    let region = e.region.trim();
    let f = EndpointField::Region;
    if region.is_empty() {
        c.add(f, "Enter a region, e.g. us-east-1");
    } else if region.len() > 32 {
        c.add(f, "A region is at most 32 characters, e.g. us-east-1");
    } else if !region
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        c.add(
            f,
            "A region has only lowercase letters, digits and '-', e.g. us-east-1",
        );
    }
    let connection = match e.connection {
        ConnectionMode::Direct => Some(Connection::Direct),
        ConnectionMode::Proxy => {
            check_prefix(&e.proxy_prefix, c).map(|prefix| Connection::Proxy { prefix })
        }
    };
    let (lo, hi) = TIMEOUT_RANGE_S;
    let timeout = c.int(
        EndpointField::Timeout,
        "The timeout (seconds)",
        &e.timeout,
        lo,
        hi,
    );
    let (endpoint, connection, timeout) = (endpoint?, connection?, timeout?);
    if c.errors.len() != before {
        return None;
    }
    let mut config = ClientConfig::new(endpoint, e.profile);
    config.scheme = e.scheme;
    config.region = region.to_string();
    config.connection = connection;
    config.timeout_ms = timeout * 1000;
    Some(config)
}

fn check_prefix(prefix: &str, c: &mut Check) -> Option<String> {
    let p = prefix.trim();
    let problem = if p.is_empty() {
        Some("Enter the proxy's path prefix, e.g. /phantom/".to_string())
    } else if p.len() > 100 {
        Some("The prefix is at most 100 characters".to_string())
    } else if !p.starts_with('/') {
        Some("The prefix must start with '/', e.g. /phantom/".to_string())
    } else if !p.ends_with('/') {
        Some("The prefix must end with '/', e.g. /phantom/".to_string())
    } else if p == "/" {
        Some("The prefix cannot be / alone: that is the page itself".to_string())
    } else if !p
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/'))
    {
        Some("The prefix has only letters, digits, '-', '_', '.', '~' and '/'".to_string())
    } else if p[1..p.len() - 1]
        .split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        Some("The prefix cannot contain empty, '.' or '..' segments".to_string())
    } else if p.starts_with("/__pde/") {
        Some("/__pde/ is reserved for the page's own configuration".to_string())
    } else {
        None
    };
    match problem {
        Some(m) => {
            c.add(EndpointField::ProxyPrefix, m);
            None
        }
        None => Some(p.to_string()),
    }
}
