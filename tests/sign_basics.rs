//! Host tests of the signing building blocks: encoding, time, endpoints, credentials,
//! the published Signature Version 2 example, and redaction.

use phantom_de::sign::encode::{percent_decode, percent_encode, v2_form, v4_query};
use phantom_de::sign::input::SigningInput;
use phantom_de::sign::{v2, Credentials, Endpoint, SignError, SigningTime};

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn sigv2_published_example_from_the_aws_documentation() {
    // AWS documentation, "Signature Version 2 signing process" (see TOOLCHAIN.md).
    let params = pairs(&[
        ("Action", "DescribeJobFlows"),
        ("Version", "2009-03-31"),
        ("AWSAccessKeyId", "AKIAIOSFODNN7EXAMPLE"),
        ("SignatureVersion", "2"),
        ("SignatureMethod", "HmacSHA256"),
        ("Timestamp", "2011-10-03T15:19:30"),
    ]);
    let sts = v2::string_to_sign("GET", "elasticmapreduce.amazonaws.com", "/", &params);
    assert_eq!(
        sts,
        "GET\nelasticmapreduce.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeJobFlows&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2011-10-03T15%3A19%3A30&Version=2009-03-31"
    );
    let sig = v2::signature(
        v2::V2Method::HmacSha256,
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        &sts,
    );
    assert_eq!(sig, "i91nKc4PWAt0JJIdXwz9HxZCJDdiy6cf/Mj6vPxyYIs=");
}

#[test]
fn hmac_sha1_matches_rfc2202_case_2() {
    // RFC 2202 test case 2: key "Jefe", data "what do ya want for nothing?".
    let sig = v2::signature(
        v2::V2Method::HmacSha1,
        "Jefe",
        "what do ya want for nothing?",
    );
    // effcdf6ae5eb2fa2d27416d5f184df9c259a7c79 in base64:
    assert_eq!(sig, "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

#[test]
fn percent_encoding_keeps_only_unreserved_characters() {
    assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
    assert_eq!(percent_encode(" "), "%20");
    assert_eq!(
        percent_encode("+*/=&%?#@:,"),
        "%2B%2A%2F%3D%26%25%3F%23%40%3A%2C"
    );
    assert_eq!(percent_encode("é"), "%C3%A9");
    assert_eq!(percent_encode("ሴ"), "%E1%88%B4");
    assert_eq!(percent_encode("😀"), "%F0%9F%98%80");
    assert_eq!(percent_encode(""), "");
}

#[test]
fn percent_decoding_inverts_encoding_and_keeps_bad_escapes() {
    for text in ["a b+c", "é/ሴ=&", "100%", "%zz", "😀"] {
        assert_eq!(percent_decode(&percent_encode(text)), text);
    }
    assert_eq!(percent_decode("%zz%4"), "%zz%4");
    assert_eq!(percent_decode("a+b"), "a+b");
}

#[test]
fn v2_form_sorts_raw_names_and_v4_query_sorts_encoded_names() {
    // Raw: "a+" (0x2B) < "a~" (0x7E) < "aé" (0xC3). Encoded: "a%2B" < "a%C3%A9" < "a~".
    let params = pairs(&[("a~", "1"), ("aé", "2"), ("a+", "3")]);
    assert_eq!(v2_form(&params), "a%2B=3&a~=1&a%C3%A9=2");
    assert_eq!(v4_query(&params), "a%2B=3&a%C3%A9=2&a~=1");
}

#[test]
fn v4_query_sorts_by_name_then_value_not_by_joined_text() {
    // Joined text would put "a-b=1" before "a=2" ('-' < '='); AWS sorts by name first.
    let params = pairs(&[("a-b", "1"), ("a", "2")]);
    assert_eq!(v4_query(&params), "a=2&a-b=1");
    assert_eq!(v2_form(&params), "a=2&a-b=1");
}

#[test]
fn v2_form_keeps_empty_values_and_sorts_member_lists_bytewise() {
    let params = pairs(&[
        ("AvailabilityZones.member.10", "j"),
        ("AvailabilityZones.member.2", "b"),
        ("AvailabilityZones.member.1", ""),
    ]);
    assert_eq!(
        v2_form(&params),
        "AvailabilityZones.member.1=&AvailabilityZones.member.10=j&AvailabilityZones.member.2=b"
    );
}

#[test]
fn signing_time_formats_and_parses() {
    let t = SigningTime::parse_iso8601("2026-01-02T03:04:05Z").expect("valid");
    assert_eq!(t.unix_seconds(), 1_767_323_045);
    assert_eq!(t.iso8601(), "2026-01-02T03:04:05Z");
    assert_eq!(t.amz_date(), "20260102T030405Z");
    assert_eq!(t.date_stamp(), "20260102");
    let leap = SigningTime::parse_iso8601("2024-02-29T23:59:59.123Z").expect("leap day");
    assert_eq!(leap.iso8601(), "2024-02-29T23:59:59Z");
    assert_eq!(
        SigningTime::from_unix_seconds(0).iso8601(),
        "1970-01-01T00:00:00Z"
    );
    assert_eq!(
        SigningTime::from_unix_millis(1_000_999.0).unix_seconds(),
        1000
    );
    assert_eq!(t.offset_by(-5).iso8601(), "2026-01-02T03:04:00Z");
}

#[test]
fn signing_time_rejects_malformed_text() {
    for bad in [
        "",
        "2026-01-02T03:04:05",
        "2026-01-02T03:04:05+00:00",
        "2026-13-02T03:04:05Z",
        "2025-02-29T03:04:05Z",
        "2026-01-02 03:04:05Z",
        "2026-01-02T24:00:00Z",
        "2026-01-02T03:04:05.Z",
        "2026-1-02T03:04:05Z",
        "２026-01-02T03:04:05Z",
    ] {
        assert!(
            matches!(
                SigningTime::parse_iso8601(bad),
                Err(SignError::InvalidTime(_))
            ),
            "{bad:?} should be rejected"
        );
    }
}

#[test]
fn every_day_round_trips_through_the_calendar() {
    // 1900..2200 covers century and 400-year leap rules.
    let start = SigningTime::parse_iso8601("1900-01-01T00:00:00Z").expect("valid");
    let end = SigningTime::parse_iso8601("2200-01-01T00:00:00Z").expect("valid");
    let mut t = start.unix_seconds();
    while t < end.unix_seconds() {
        let time = SigningTime::from_unix_seconds(t + 3661);
        assert_eq!(SigningTime::parse_iso8601(&time.iso8601()), Ok(time));
        t += 86_400;
    }
}

#[test]
fn endpoint_keeps_non_default_ports_and_drops_default_ones() {
    let e = Endpoint::parse("https://SVC.uc.futuregrid.org:8445").expect("valid");
    assert_eq!(e.host_header(), "svc.uc.futuregrid.org:8445");
    assert_eq!(e.host(), "svc.uc.futuregrid.org");
    assert_eq!(e.path(), "/");
    assert_eq!(e.url(), "https://svc.uc.futuregrid.org:8445/");
    let e = Endpoint::parse("https://example.com:443/api/").expect("valid");
    assert_eq!(e.host_header(), "example.com");
    assert_eq!(e.effective_port(), 443);
    assert_eq!(e.url(), "https://example.com/api/");
    let e = Endpoint::parse("http://127.0.0.1:80").expect("valid");
    assert_eq!(e.host_header(), "127.0.0.1");
    let e = Endpoint::parse("http://[::1]:5000/").expect("valid");
    assert_eq!(e.host_header(), "[::1]:5000");
    assert_eq!(e.host(), "[::1]");
}

#[test]
fn endpoint_rejects_what_cannot_be_signed() {
    for bad in [
        "",
        "svc.example.org:8445",
        "ftp://example.org/",
        "https://",
        "https://:8445/",
        "https://example.org:0/",
        "https://example.org:65536/",
        "https://example.org:12a/",
        "https://example.org:/",
        "https://example.org/?Action=x",
        "https://example.org/#top",
        "https://user:pw@example.org/",
        "https://exa mple.org/",
        "https://example..org/",
        "https://-example.org/",
        "https://example.org/a b",
        "https://example.org/a//b",
        "https://example.org/a/../b",
        "https://example.org/%41",
        "https://[::1/",
    ] {
        assert!(
            matches!(Endpoint::parse(bad), Err(SignError::InvalidUrl(_))),
            "{bad:?} should be rejected"
        );
    }
}

#[test]
fn credentials_debug_never_shows_the_secret_or_token() {
    let c = Credentials::new("AKID", "s3cr3t-VALUE-xyz", Some("TOKEN-abc".into())).expect("valid");
    let shown = format!("{c:?}");
    assert!(shown.contains("AKID"));
    assert!(!shown.contains("s3cr3t"));
    assert!(!shown.contains("TOKEN-abc"));
}

#[test]
fn credentials_reject_unusable_values() {
    for (ak, sk, token) in [
        ("", "secret", None),
        ("AK ID", "secret", None),
        ("AK/ID", "secret", None),
        ("AK,ID", "secret", None),
        ("AKID", "", None),
        ("AKID", "secret", Some("line\nbreak".to_string())),
    ] {
        assert!(
            matches!(
                Credentials::new(ak, sk, token),
                Err(SignError::InvalidCredentials(_))
            ),
            "{ak:?} should be rejected"
        );
    }
    // An empty token means no token.
    let c = Credentials::new("AKID", "secret", Some(String::new())).expect("valid");
    assert_eq!(c.session_token(), None);
}

fn input(scheme: &str, method: &str, params: &[(&str, &str)]) -> SigningInput {
    SigningInput {
        scheme: scheme.into(),
        method: method.into(),
        url: "https://phantom.example.org:8445/".into(),
        params: pairs(params),
        access_key: "AKIDEXAMPLE".into(),
        secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: Some("FwoGZXIvYXdzEXAMPLETOKEN".into()),
        region: "us-east-1".into(),
        service: "autoscaling".into(),
        time: "2026-01-02T03:04:05Z".into(),
    }
}

#[test]
fn debug_views_redact_secret_and_token_in_every_scheme() {
    for scheme in ["v2-hmac-sha256", "v2-hmac-sha1", "v4", "v4-phantom"] {
        for method in ["GET", "POST"] {
            // A careless user pasting the secret into a parameter must not leak it either.
            let i = input(
                scheme,
                method,
                &[
                    ("Action", "DescribeAutoScalingGroups"),
                    ("UserData", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                ],
            );
            let signed = i.sign().expect("signs");
            let views = [
                format!("{}", signed.debug),
                format!("{:?}", signed.debug),
                format!("{signed:?}"),
                format!("{:?}", input(scheme, method, &[("Action", "X")])),
            ];
            for view in views {
                assert!(
                    !view.contains("wJalrXUtnFEMI"),
                    "{scheme} {method}: secret in {view}"
                );
                assert!(
                    !view.contains("EXAMPLETOKEN"),
                    "{scheme} {method}: token in {view}"
                );
            }
        }
    }
}

#[test]
fn signer_refuses_reserved_duplicate_and_empty_parameter_names() {
    for params in [
        vec![("Action", "X"), ("Signature", "abc")],
        vec![("Timestamp", "2026-01-01T00:00:00Z")],
        vec![("Action", "X"), ("Action", "Y")],
        vec![("", "value")],
    ] {
        for scheme in ["v2-hmac-sha256", "v4"] {
            let err = input(scheme, "GET", &params).sign().expect_err("refused");
            assert!(
                err.to_string().contains("parameters are not usable"),
                "{err}"
            );
        }
    }
}

#[test]
fn v4_refuses_an_unusable_scope() {
    let mut i = input("v4", "GET", &[("Action", "X")]);
    i.region = "us east".into();
    assert!(i.sign().is_err());
    let mut i = input("v4", "GET", &[("Action", "X")]);
    i.service = String::new();
    assert!(i.sign().is_err());
}

#[test]
fn phantom_dialect_differs_from_standard_only_where_phantom_reads_differently() {
    let params = [
        ("Action", "DescribeAutoScalingGroups"),
        ("Version", "2011-01-01"),
    ];
    let std = input("v4", "POST", &params).sign().expect("signs");
    let ph = input("v4-phantom", "POST", &params).sign().expect("signs");
    let auth = |s: &phantom_de::sign::SignedRequest| {
        s.headers
            .iter()
            .find(|(n, _)| n == "Authorization")
            .map(|(_, v)| v.clone())
            .expect("auth")
    };
    assert!(auth(&std).contains(", SignedHeaders="));
    assert!(auth(&ph).contains(",SignedHeaders="));
    assert!(!auth(&ph).contains(", "));
    let creq_std = std.debug.canonical_request.expect("creq");
    let creq_ph = ph.debug.canonical_request.expect("creq");
    assert!(creq_std.contains("\nhost:phantom.example.org:8445\n"));
    assert!(creq_ph.contains("\nhost:phantom.example.org\n"));
    // Same body, same Host header actually sent.
    assert_eq!(std.body, ph.body);
    assert_eq!(std.headers[0], ph.headers[0]);
    assert_eq!(std.headers[0].1, "phantom.example.org:8445");
}

#[test]
fn post_bodies_are_in_canonical_v2_order_for_every_scheme() {
    let params = [
        ("Version", "2011-01-01"),
        ("Action", "X"),
        ("aé", "1"),
        ("a~", "2"),
    ];
    for scheme in ["v4", "v4-phantom"] {
        let signed = input(scheme, "POST", &params).sign().expect("signs");
        assert_eq!(signed.body, "Action=X&Version=2011-01-01&a~=2&a%C3%A9=1");
        assert_eq!(signed.url, "https://phantom.example.org:8445/");
    }
    let signed = input("v2-hmac-sha256", "POST", &params)
        .sign()
        .expect("signs");
    assert!(signed
        .body
        .starts_with("AWSAccessKeyId=AKIDEXAMPLE&Action=X&SecurityToken="));
    assert!(signed.body.contains("&Signature="));
}
