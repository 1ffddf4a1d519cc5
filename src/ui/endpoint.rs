//! The Endpoint section: URL, profile, signature, region, connection, timeout.

use leptos::prelude::*;

use crate::api::Profile;
use crate::settings::{csp_allows_connect, scheme_label, ConnectionMode, EndpointField, Settings};
use crate::sign::Endpoint;
use crate::sign::Scheme;

use super::fields::{select_field, text_field, Kind};
use super::state::AppState;
use super::storage;

fn profile_value(p: Profile) -> &'static str {
    match p {
        Profile::Phantom => "phantom",
        Profile::AwsCompatible => "aws-compatible",
    }
}

fn connection_value(c: ConnectionMode) -> &'static str {
    match c {
        ConnectionMode::Proxy => "proxy",
        ConnectionMode::Direct => "direct",
    }
}

/// The Endpoint fieldset.
#[component]
pub fn EndpointSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let profiles = Signal::derive(|| {
        Profile::ALL
            .iter()
            .map(|p| (profile_value(*p).to_string(), p.label().to_string()))
            .collect()
    });
    let schemes = Signal::derive(move || {
        state.settings.with(|s| {
            let mut list: Vec<Scheme> = s.endpoint.profile.schemes().to_vec();
            if !list.contains(&s.endpoint.scheme) {
                list.push(s.endpoint.scheme);
            }
            list.into_iter()
                .map(|sc| (sc.as_str().to_string(), scheme_label(sc).to_string()))
                .collect()
        })
    });
    let connections = Signal::derive(|| {
        [ConnectionMode::Proxy, ConnectionMode::Direct]
            .iter()
            .map(|c| (connection_value(*c).to_string(), c.label().to_string()))
            .collect()
    });
    let show_region = move || {
        state
            .settings
            .with(|s| s.endpoint.profile == Profile::AwsCompatible)
            || state.error_of(EndpointField::Region.into()).is_some()
    };
    let is_proxy = move || {
        state
            .settings
            .with(|s| s.endpoint.connection == ConnectionMode::Proxy)
    };
    let offer_text = move || {
        state.offers.with(|offers| match offers.first() {
            Some(o) => format!(
                "This page's server offers a proxy at {} to {}.",
                o.prefix, o.target
            ),
            None => "This page's server offers no proxy: requests go straight to the URL, which must send CORS headers (Phantom does not) and be allowed by this page's Content-Security-Policy.".to_string(),
        })
    };
    // A direct endpoint the page's policy does not allow would fail on every request.
    let policy = storage::page_policy();
    let csp_blocked = move || {
        let (policy, page_origin) = policy.as_ref()?;
        let origin = state.settings.with(|s| {
            (s.endpoint.connection == ConnectionMode::Direct)
                .then(|| Endpoint::parse(&s.endpoint.url).ok().map(|e| e.origin()))
                .flatten()
        })?;
        (csp_allows_connect(policy, page_origin, &origin) == Some(false)).then(|| {
            format!(
                "This page's Content-Security-Policy does not allow connections to {origin}: the browser would block every request. Use the proxy, or build the page with PDE_CONNECT_SRC=\"{origin}\"."
            )
        })
    };
    view! {
        <fieldset class="section" id=state.id("endpoint")>
            <legend>"Endpoint"</legend>
            {text_field(
                EndpointField::Url,
                "Phantom URL",
                Kind::Url,
                Some("The URL requests are signed for, e.g. https://svc.example.org:8445/".into()),
                |s: &Settings| s.endpoint.url.clone(),
                |s: &mut Settings, v| s.endpoint.url = v,
            )}
            {select_field(
                EndpointField::Profile,
                "Profile",
                profiles,
                |s: &Settings| profile_value(s.endpoint.profile).to_string(),
                |s: &mut Settings, v: String| {
                    let p = if v == "aws-compatible" { Profile::AwsCompatible } else { Profile::Phantom };
                    s.set_profile(p);
                },
            )}
            {select_field(
                EndpointField::Scheme,
                "Signature",
                schemes,
                |s: &Settings| s.endpoint.scheme.as_str().to_string(),
                |s: &mut Settings, v: String| {
                    if let Some(sc) = Scheme::parse(&v) {
                        s.endpoint.scheme = sc;
                    }
                },
            )}
            {move || {
                show_region()
                    .then(|| {
                        text_field(
                            EndpointField::Region,
                            "Region",
                            Kind::Text,
                            Some("SigV4 region, e.g. us-east-1".into()),
                            |s: &Settings| s.endpoint.region.clone(),
                            |s: &mut Settings, v| s.endpoint.region = v,
                        )
                    })
            }}
            {select_field(
                EndpointField::Connection,
                "Connection",
                connections,
                |s: &Settings| connection_value(s.endpoint.connection).to_string(),
                |s: &mut Settings, v: String| {
                    s.endpoint.connection = if v == "direct" {
                        ConnectionMode::Direct
                    } else {
                        ConnectionMode::Proxy
                    };
                },
            )}
            <p class="hint">{offer_text}</p>
            {move || csp_blocked().map(|text| view! { <p class="warning" id=state.id("csp-warning")>{text}</p> })}
            {move || {
                is_proxy()
                    .then(|| {
                        text_field(
                            EndpointField::ProxyPrefix,
                            "Proxy path prefix",
                            Kind::Text,
                            Some("Path on this page's server that forwards to the URL, e.g. /phantom/".into()),
                            |s: &Settings| s.endpoint.proxy_prefix.clone(),
                            |s: &mut Settings, v| s.endpoint.proxy_prefix = v,
                        )
                    })
            }}
            {text_field(
                EndpointField::Timeout,
                "Request timeout (seconds)",
                Kind::Integer,
                None,
                |s: &Settings| s.endpoint.timeout.0.clone(),
                |s: &mut Settings, v| s.endpoint.timeout.0 = v,
            )}
        </fieldset>
    }
}
