//! The two corners where Phantom's own server reads Signature V4 differently from AWS and
//! which our Phantom dialect must follow (PHANTOM.md, end of "Version 4"): a header value
//! is stripped at its ends only, and the host is cut at its first ':' (so an IPv6 literal
//! host is refused, with a pointer to Signature V2). Also the endpoint parser's messages
//! for blanks and control characters, which come before any other reading of the URL.

use phantom_de::sign::input::SigningInput;
use phantom_de::sign::v4::{CanonicalRequest, HeaderValues};
use phantom_de::sign::{Endpoint, Scheme, SignError, SignedRequest};

fn input(scheme: &str, url: &str, token: Option<&str>) -> SigningInput {
    SigningInput {
        scheme: scheme.into(),
        method: "GET".into(),
        url: url.into(),
        params: vec![("Action".into(), "DescribeAutoScalingGroups".into())],
        access_key: "AKIDEXAMPLE".into(),
        secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: token.map(str::to_string),
        region: "us-east-1".into(),
        service: "autoscaling".into(),
        time: "2026-01-02T03:04:05Z".into(),
    }
}

fn authorization(signed: &SignedRequest) -> &str {
    signed
        .headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .map(|(_, v)| v.as_str())
        .expect("an Authorization header")
}

fn header_lines(values: HeaderValues, headers: &[(&str, &str)]) -> Vec<String> {
    let creq = CanonicalRequest::with_values(
        values,
        "GET",
        "/".into(),
        String::new(),
        headers,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
    )
    .to_string();
    creq.lines()
        .skip(3)
        .take_while(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn phantom_strips_header_values_at_the_ends_only() {
    let headers = [("X-Token", " \t a  b \t c  \r\n"), ("Host", "h")];
    assert_eq!(
        header_lines(HeaderValues::StripEnds, &headers),
        ["host:h", "x-token:a  b \t c"]
    );
    assert_eq!(
        header_lines(HeaderValues::TrimAll, &headers),
        ["host:h", "x-token:a b c"]
    );
    // `new` is the standard reading, as the AWS suite expects.
    let standard = CanonicalRequest::new("GET", "/".into(), String::new(), &headers, "0".into());
    assert!(standard.to_string().contains("\nx-token:a b c\n"));
    // Python 2's byte-string strip() leaves non-ASCII spaces alone.
    assert_eq!(
        header_lines(HeaderValues::StripEnds, &[("x", "\u{a0}v\u{a0}")]),
        ["x:\u{a0}v\u{a0}"]
    );
}

#[test]
fn phantom_dialect_signs_inner_spaces_of_a_token_as_sent() {
    let url = "https://phantom.example.org:8445/";
    let sign = |scheme: &str, token: &str| input(scheme, url, Some(token)).sign().expect("signs");
    // Phantom keeps the runs: a collapsed token is a different signature...
    let spaced = sign("v4-phantom", "tok  en   x");
    let collapsed = sign("v4-phantom", "tok en x");
    assert_ne!(authorization(&spaced), authorization(&collapsed));
    // ...the token is sent exactly as given...
    assert!(spaced
        .headers
        .contains(&("X-Amz-Security-Token".into(), "tok  en   x".into())));
    // ...and spaces at the ends (which HTTP drops anyway) do not count.
    let padded = sign("v4-phantom", "  tok  en   x ");
    assert_eq!(authorization(&padded), authorization(&spaced));
    // Standard SigV4 collapses: both tokens sign alike.
    assert_eq!(
        authorization(&sign("v4", "tok  en   x")),
        authorization(&sign("v4", "tok en x"))
    );
}

#[test]
fn phantom_dialect_refuses_an_ipv6_host_and_points_to_signature_v2() {
    for url in [
        "http://[::1]:8445/",
        "https://[2001:DB8::5]/",
        "http://[::ffff:127.0.0.1]:80",
    ] {
        let err = input("v4-phantom", url, None)
            .sign()
            .expect_err("refused")
            .to_string();
        assert!(err.contains("Signature V2"), "{url}: {err}");
        assert!(err.contains("IPv6 address ["), "{url}: {err}");
        let endpoint = Endpoint::parse(url).expect("a valid URL");
        assert!(endpoint.is_ipv6_literal());
        assert!(matches!(
            Scheme::V4Phantom.check_endpoint(&endpoint),
            Err(SignError::Ipv6HostInPhantomV4(host)) if host == endpoint.host()
        ));
        // Every other scheme signs for it.
        for scheme in ["v2-hmac-sha256", "v2-hmac-sha1", "v4"] {
            assert!(input(scheme, url, None).sign().is_ok(), "{scheme} {url}");
            let scheme = Scheme::parse(scheme).expect("a scheme");
            assert_eq!(scheme.check_endpoint(&endpoint), Ok(()));
        }
    }
    // IPv4 addresses and names are fine in the Phantom dialect.
    for url in [
        "http://127.0.0.1:8445/",
        "https://svc.uc.futuregrid.org:8445",
    ] {
        let endpoint = Endpoint::parse(url).expect("a valid URL");
        assert!(!endpoint.is_ipv6_literal());
        assert_eq!(Scheme::V4Phantom.check_endpoint(&endpoint), Ok(()));
        assert!(input("v4-phantom", url, None).sign().is_ok(), "{url}");
    }
}

#[test]
fn endpoint_blanks_and_control_characters_are_named_before_anything_else() {
    let space = "it contains a space; remove it";
    let tab = "it contains a tab or a line break; remove it";
    let control = "it contains a control character; remove it";
    let special = "it contains a non-breaking or other special space; remove it";
    let invisible =
        "it contains an invisible character (a zero-width or text-direction mark); remove it";
    for (url, why) in [
        ("http://host:8445 /x", space),
        ("http://host :8445/", space),
        ("https://exa mple.org/", space),
        ("https://example.org/a b", space),
        ("https://example.org:8445/ ?Action=x", space),
        ("http://host:8445\t/x", tab),
        ("http://host:8445/\nx", tab),
        ("http://host:8445\r\n/x", tab),
        ("http://host\u{0}:8445/", control),
        ("http://host:8445/\u{7f}", control),
        ("http://host:8445/\u{85}x", control),
        ("http://host:8445\u{a0}/", special),
        ("http://host\u{3000}/", special),
        ("http://host:8445/\u{200b}", invisible),
        ("http://\u{feff}host/", invisible),
        ("http://host:8445/\u{202e}", invisible),
    ] {
        assert_eq!(
            Endpoint::parse(url),
            Err(SignError::InvalidUrl(why)),
            "{url:?}"
        );
    }
    // Blanks at the ends are trimmed, as before.
    assert_eq!(
        Endpoint::parse(" \thttp://host:8445/ \n").map(|e| e.url()),
        Ok("http://host:8445/".to_string())
    );
    // Other mistakes keep their own message.
    assert_eq!(
        Endpoint::parse("http://host:84x5/"),
        Err(SignError::InvalidUrl(
            "the port must be a number from 1 to 65535"
        ))
    );
}
