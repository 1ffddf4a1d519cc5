//! Authentication over real HTTP: Signature V2 (SHA256 and SHA1), Phantom's
//! V4 dialect, the time window, keys, and Phantom's error answers.

mod common;
use common::*;

const DESCRIBE: &[(&str, &str)] = &[
    ("Action", "DescribeLaunchConfigurations"),
    ("Version", "2011-01-01"),
];

fn get_signed(port: u16, p: &[(String, String)], headers: &[(&str, &str)]) -> Resp {
    request(port, "GET", &format!("/?{}", form(p)), headers, "")
}

fn host(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

fn ts() -> String {
    iso(now_secs())
}

#[test]
fn v2_sha256_get_is_accepted_with_phantom_headers() {
    let sim = start(&[]);
    let p = sign_v2("GET", &host(sim.port), DESCRIBE, false, &ts(), SECRET);
    let r = get_signed(sim.port, &p, &[]);
    assert_eq!((r.status, r.reason.as_str()), (200, "OK"), "{}", r.body);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=UTF-8"));
    assert!(r.header("Date").unwrap().ends_with(" GMT"));
    assert!(r
        .headers
        .iter()
        .all(|(k, _)| !k.to_ascii_lowercase().starts_with("access-control")));
    let rid = r.tag("RequestId").unwrap();
    assert_eq!(r.header("x-amzn-RequestId"), Some(rid.as_str()));
    assert!(r.body.starts_with(
        "<DescribeLaunchConfigurationsResponse xmlns=\"http://autoscaling.amazonaws.com/doc/2009-05-15/\"><ResponseMetadata><RequestId>"
    ));
    assert!(r.body.ends_with(
        "</ResponseMetadata><DescribeLaunchConfigurationsResult><LaunchConfigurations/></DescribeLaunchConfigurationsResult></DescribeLaunchConfigurationsResponse>"
    ));
}

#[test]
fn v2_sha1_post_is_accepted() {
    let sim = start(&[]);
    let p = sign_v2("POST", &host(sim.port), DESCRIBE, true, &ts(), SECRET);
    let r = request(
        sim.port,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &form(&p),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn v2_altered_requests_are_incomplete_signature() {
    let sim = start(&[]);
    let h = host(sim.port);
    // One byte of the signature.
    let mut p = sign_v2("GET", &h, DESCRIBE, false, &ts(), SECRET);
    let sig = p.last_mut().unwrap();
    let first = if sig.1.starts_with('A') { "B" } else { "A" };
    sig.1.replace_range(0..1, first);
    let r = get_signed(sim.port, &p, &[]);
    assert_eq!((r.status, r.reason.as_str()), (400, "IncompleteSignature"));
    // A parameter changed after signing.
    let mut p = sign_v2("GET", &h, DESCRIBE, false, &ts(), SECRET);
    p[1].1 = "2011-01-02".into();
    assert_eq!(get_signed(sim.port, &p, &[]).reason, "IncompleteSignature");
    // Signed for the host without its port (the port was sent).
    let p = sign_v2("GET", "127.0.0.1", DESCRIBE, false, &ts(), SECRET);
    assert_eq!(get_signed(sim.port, &p, &[]).reason, "IncompleteSignature");
    // Signed for another port.
    let p = sign_v2("GET", "127.0.0.1:1", DESCRIBE, false, &ts(), SECRET);
    assert_eq!(get_signed(sim.port, &p, &[]).reason, "IncompleteSignature");
    // Wrong secret.
    let p = sign_v2("GET", &h, DESCRIBE, false, &ts(), "not-the-secret");
    assert_eq!(get_signed(sim.port, &p, &[]).reason, "IncompleteSignature");
    // Signed as POST, sent as GET.
    let p = sign_v2("POST", &h, DESCRIBE, false, &ts(), SECRET);
    assert_eq!(get_signed(sim.port, &p, &[]).reason, "IncompleteSignature");
}

#[test]
fn v2_host_is_lowercased_and_keys_sort_decoded() {
    let sim = start(&[]);
    // Host header sent in upper case, signed lower case.
    let p = sign_v2(
        "GET",
        &format!("localhost:{}", sim.port),
        DESCRIBE,
        false,
        &ts(),
        SECRET,
    );
    let r = get_signed(
        sim.port,
        &p,
        &[("Host", &format!("LOCALHOST:{}", sim.port))],
    );
    assert_eq!(r.status, 200, "{}", r.body);

    // Keys "a/" and "a-": decoded order is a- < a/, encoded a%2F < a-.
    let extra: Vec<(&str, &str)> = DESCRIBE
        .iter()
        .copied()
        .chain([("a/", "1"), ("a-", "2")])
        .collect();
    let p = sign_v2("GET", &host(sim.port), &extra, false, &ts(), SECRET);
    assert_eq!(get_signed(sim.port, &p, &[]).status, 200);
    // A signer that sorts the encoded keys gets a different string to sign.
    let mut p = owned(&extra);
    p.push(("AWSAccessKeyId".into(), AK.into()));
    p.push(("SignatureVersion".into(), "2".into()));
    p.push(("SignatureMethod".into(), "HmacSHA256".into()));
    p.push(("Timestamp".into(), ts()));
    let mut encoded: Vec<String> = p
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    encoded.sort();
    let sts = format!("GET\n{}\n/\n{}", host(sim.port), encoded.join("&"));
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD
        .encode(hmac256(SECRET.as_bytes(), sts.as_bytes()));
    p.push(("Signature".into(), sig));
    assert_eq!(get_signed(sim.port, &p, &[]).reason, "IncompleteSignature");
}

#[test]
fn v2_time_window() {
    let sim = start(&[]);
    let h = host(sim.port);
    let at = |secs: i64| {
        let p = sign_v2("GET", &h, DESCRIBE, false, &iso(secs), SECRET);
        get_signed(sim.port, &p, &[])
    };
    let now = now_secs();
    assert_eq!(at(now - 10 * 60).status, 200);
    assert_eq!(at(now + 10 * 60).status, 200);
    let r = at(now - 16 * 60);
    assert_eq!((r.status, r.reason.as_str()), (400, "RequestExpired"));
    assert_eq!(at(now + 16 * 60).reason, "RequestExpired");
    // Fractional seconds are accepted.
    let p = sign_v2(
        "GET",
        &h,
        DESCRIBE,
        false,
        &iso(now).replace('Z', ".123Z"),
        SECRET,
    );
    assert_eq!(get_signed(sim.port, &p, &[]).status, 200);
    // A +00:00 offset crashes Phantom's parser: 500.
    let p = sign_v2(
        "GET",
        &h,
        DESCRIBE,
        false,
        &iso(now).replace('Z', "+00:00"),
        SECRET,
    );
    let r = get_signed(sim.port, &p, &[]);
    assert_eq!((r.status, r.reason.as_str()), (500, "InternalFailure"));
    // Expires instead of Timestamp.
    let with_expires = |secs: i64| {
        let e = iso(secs);
        let params: Vec<(&str, &str)> = DESCRIBE
            .iter()
            .copied()
            .chain([("Expires", e.as_str())])
            .collect();
        let p = sign_v2("GET", &h, &params, false, "", SECRET);
        get_signed(sim.port, &p, &[])
    };
    assert_eq!(with_expires(now + 5 * 60).status, 200);
    assert_eq!(with_expires(now - 60).reason, "RequestExpired");
    assert_eq!(with_expires(now + 20 * 60).reason, "RequestExpired");
}

#[test]
fn v2_without_timestamp_is_missing_parameter() {
    let sim = start(&[]);
    let mut p = owned(DESCRIBE);
    p.push(("AWSAccessKeyId".into(), AK.into()));
    p.push(("SignatureVersion".into(), "2".into()));
    p.push(("SignatureMethod".into(), "HmacSHA256".into()));
    let sts = format!("GET\n{}\n/\n{}", host(sim.port), canonical(&p));
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD
        .encode(hmac256(SECRET.as_bytes(), sts.as_bytes()));
    p.push(("Signature".into(), sig));
    let r = get_signed(sim.port, &p, &[]);
    assert_eq!((r.status, r.reason.as_str()), (400, "MissingParameter"));
}

#[test]
fn unknown_key_is_invalid_client_token_id() {
    let sim = start(&[]);
    let mut p = sign_v2("GET", &host(sim.port), DESCRIBE, false, &ts(), SECRET);
    for kv in p.iter_mut() {
        if kv.0 == "AWSAccessKeyId" {
            kv.1 = "NOSUCHKEY".into();
        }
    }
    let r = get_signed(sim.port, &p, &[]);
    assert_eq!((r.status, r.reason.as_str()), (403, "InvalidClientTokenId"));
    assert!(!r.body.contains(SECRET));
    // Without any --credentials every key is unknown.
    let bare = start_raw(&["--listen", "127.0.0.1:0", "--exit-after", "60"]);
    let p = sign_v2("GET", &host(bare.port), DESCRIBE, false, &ts(), SECRET);
    assert_eq!(
        get_signed(bare.port, &p, &[]).reason,
        "InvalidClientTokenId"
    );
}

#[test]
fn no_auth_options_action_and_path_errors() {
    let sim = start(&[]);
    // No credentials at all: Phantom fails with a 500.
    let r = request(
        sim.port,
        "GET",
        "/?Action=DescribeLaunchConfigurations",
        &[],
        "",
    );
    assert_eq!((r.status, r.reason.as_str()), (500, "InternalFailure"));
    assert!(r
        .body
        .contains("Unable to find the information needed to authenticate"));
    // A CORS preflight: 500 and never an Access-Control-* header.
    let r = request(
        sim.port,
        "OPTIONS",
        "/",
        &[
            ("Origin", "http://127.0.0.1:8080"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "authorization,x-amz-date"),
        ],
        "",
    );
    assert_eq!(r.status, 500);
    assert!(r
        .headers
        .iter()
        .all(|(k, _)| !k.to_ascii_lowercase().starts_with("access-control")));
    // Signed but no Action.
    let p = sign_v2(
        "GET",
        &host(sim.port),
        &[("Version", "2011-01-01")],
        false,
        &ts(),
        SECRET,
    );
    let r = get_signed(sim.port, &p, &[]);
    assert_eq!(
        (r.status, r.reason.as_str()),
        (400, "InvalidParameterValue")
    );
    // Unknown action: 404.
    let p = sign_v2(
        "GET",
        &host(sim.port),
        &[("Action", "DescribePolicies")],
        false,
        &ts(),
        SECRET,
    );
    let r = get_signed(sim.port, &p, &[]);
    assert_eq!(r.status, 404);
    assert!(r.body.contains("No action DescribePolicies"));
    // Authentication comes first: an unknown action with a bad signature.
    let mut p = sign_v2(
        "GET",
        &host(sim.port),
        &[("Action", "DescribePolicies")],
        false,
        &ts(),
        SECRET,
    );
    p.last_mut().unwrap().1 = "AAAA".into();
    assert_eq!(get_signed(sim.port, &p, &[]).reason, "IncompleteSignature");
    // Other paths: 404.
    let p = sign_v2("GET", &host(sim.port), DESCRIBE, false, &ts(), SECRET);
    let r = request(sim.port, "GET", &format!("/phantom/?{}", form(&p)), &[], "");
    assert_eq!(r.status, 404);
    // /__sim/ is not reachable without --control.
    assert_eq!(
        request(sim.port, "GET", "/__sim/state", &[], "").status,
        404
    );
}

#[test]
fn error_body_is_html_or_plain_by_accept() {
    let sim = start(&[]);
    let mut p = sign_v2("GET", &host(sim.port), DESCRIBE, false, &ts(), SECRET);
    p.last_mut().unwrap().1 = "AAAA".into();
    let plain = get_signed(sim.port, &p, &[("Accept", "text/plain")]);
    assert_eq!(
        plain.header("Content-Type"),
        Some("text/plain; charset=UTF-8")
    );
    assert_eq!(
        plain.body,
        "400 IncompleteSignature\n\nThe request signature does not conform to AWS standards.\n\n   "
    );
    let none = get_signed(sim.port, &p, &[]);
    assert_eq!(none.body, plain.body);
    for accept in ["text/html,application/xhtml+xml", "*/*"] {
        let html = get_signed(sim.port, &p, &[("Accept", accept)]);
        assert_eq!(html.status, 400);
        assert_eq!(
            html.header("Content-Type"),
            Some("text/html; charset=UTF-8")
        );
        assert!(html
            .body
            .starts_with("<html>\n <head>\n  <title>400 IncompleteSignature</title>"));
        assert!(html.body.contains("<h1>400 IncompleteSignature</h1>"));
        assert!(html
            .body
            .contains("The request signature does not conform to AWS standards.<br /><br />"));
    }
}

#[test]
fn v4_phantom_dialect_is_accepted() {
    let sim = start(&[]);
    let q = "Action=DescribeLaunchConfigurations&Version=2011-01-01";
    let r = V4::new("GET", sim.port, q, "").send(sim.port);
    assert_eq!(r.status, 200, "{}", r.body);
    // POST: the payload hash is over the parameters rebuilt in canonical
    // V2 form, so a body in any order and encoding still verifies.
    let body = "Version=2011-01-01&Action=DescribeLaunchConfigurations&Extra=a+b%7e";
    let r = V4::new("POST", sim.port, "", body).send(sim.port);
    assert_eq!(r.status, 200, "{}", r.body);
    // Query as sent, not re-sorted: an unsorted query verifies as sent.
    let r = V4::new(
        "GET",
        sim.port,
        "Version=2011-01-01&Action=DescribeLaunchConfigurations",
        "",
    )
    .send(sim.port);
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn v4_standard_aws_habits_are_rejected() {
    let sim = start(&[]);
    let q = "Action=DescribeLaunchConfigurations&Version=2011-01-01";
    // `, ` after the commas: Phantom splits on whitespace first and then
    // fails reading the header (a 500).
    let mut v = V4::new("GET", sim.port, q, "");
    v.comma_space = true;
    let r = v.send(sim.port);
    assert_eq!(
        (r.status, r.reason.as_str()),
        (500, "InternalFailure"),
        "{}",
        r.body
    );
    // host keeps its port in the canonical headers (AWS, moto).
    let mut v = V4::new("GET", sim.port, q, "");
    v.keep_port = true;
    assert_eq!(v.send(sim.port).reason, "IncompleteSignature");
    // Payload hash of the raw body (AWS) with a body not in canonical form.
    let mut v = V4::new(
        "POST",
        sim.port,
        "",
        "Version=2011-01-01&Action=DescribeLaunchConfigurations",
    );
    v.hash_raw_body = true;
    assert_eq!(v.send(sim.port).reason, "IncompleteSignature");
    // ... which passes when the body already is canonical (PHANTOM.md's advice).
    let mut v = V4::new("POST", sim.port, "", q);
    v.hash_raw_body = true;
    assert_eq!(v.send(sim.port).status, 200);
    // Signed for a re-sorted query but sent unsorted.
    let v = V4::new("GET", sim.port, q, "");
    let auth = v.authorization();
    let r = request(
        sim.port,
        "GET",
        "/?Version=2011-01-01&Action=DescribeLaunchConfigurations",
        &[("X-Amz-Date", &v.amz_date), ("Authorization", &auth)],
        "",
    );
    assert_eq!(r.reason, "IncompleteSignature");
    // Wrong secret.
    let mut v = V4::new("GET", sim.port, q, "");
    v.secret = "nope".into();
    assert_eq!(v.send(sim.port).reason, "IncompleteSignature");
    // Outside the window.
    let mut v = V4::new("GET", sim.port, q, "");
    v.amz_date = amz(now_secs() - 20 * 60);
    assert_eq!(v.send(sim.port).reason, "RequestExpired");
    // No X-Amz-Date: Phantom fails with a 500.
    let v = V4::new("GET", sim.port, q, "");
    let auth = v.authorization();
    let r = request(
        sim.port,
        "GET",
        &format!("/?{q}"),
        &[("Authorization", &auth)],
        "",
    );
    assert_eq!((r.status, r.reason.as_str()), (500, "InternalFailure"));
    // Unknown key.
    let v = V4::new("GET", sim.port, q, "");
    let auth = v.authorization().replace(AK, "NOSUCHKEY");
    let r = request(
        sim.port,
        "GET",
        &format!("/?{q}"),
        &[("X-Amz-Date", &v.amz_date), ("Authorization", &auth)],
        "",
    );
    assert_eq!((r.status, r.reason.as_str()), (403, "InvalidClientTokenId"));
}

/// Phantom's V4 reading over any signed headers, for a GET of `query`: `signed` holds
/// `(lowercase name, value as it enters the canonical headers)`, sorted by name.
fn v4_get_authorization(query: &str, amz_date: &str, signed: &[(&str, &str)]) -> String {
    use sha2::{Digest, Sha256};
    let lines: String = signed.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let names: Vec<&str> = signed.iter().map(|(n, _)| *n).collect();
    let names = names.join(";");
    let cr = format!(
        "GET\n/\n{query}\n{lines}\n{names}\n{}",
        hex(&Sha256::digest(b""))
    );
    let date = &amz_date[..8];
    let scope = format!("{date}/nimbus/autoscaling/aws4_request");
    let sts = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(cr.as_bytes()))
    );
    let mut k = hmac256(format!("AWS4{SECRET}").as_bytes(), date.as_bytes());
    for part in ["nimbus", "autoscaling", "aws4_request"] {
        k = hmac256(&k, part.as_bytes());
    }
    let sig = hex(&hmac256(&k, sts.as_bytes()));
    format!("AWS4-HMAC-SHA256 Credential={AK}/{scope},SignedHeaders={names},Signature={sig}")
}

#[test]
fn v4_signed_header_value_is_stripped_at_the_ends_only() {
    let sim = start(&[]);
    let q = "Action=DescribeLaunchConfigurations&Version=2011-01-01";
    let date = amz(now_secs());
    let h = host(sim.port);
    let token = "tok  en   with    runs";
    let send = |sent_token: &str, signed_token: &str| {
        let auth = v4_get_authorization(
            q,
            &date,
            &[
                ("host", "127.0.0.1"),
                ("x-amz-date", &date),
                ("x-amz-security-token", signed_token),
            ],
        );
        request(
            sim.port,
            "GET",
            &format!("/?{q}"),
            &[
                ("Host", &h),
                ("X-Amz-Date", &date),
                ("X-Amz-Security-Token", sent_token),
                ("Authorization", &auth),
                ("Accept", "text/plain"),
            ],
            "",
        )
    };
    // Inner runs signed as sent: accepted.
    let r = send(token, token);
    assert_eq!(r.status, 200, "{}", r.body);
    // Spaces and tabs at the ends do not count.
    assert_eq!(send(&format!(" \t{token}  "), token).status, 200);
    // Collapsed like standard SigV4 ("trimall"): rejected.
    let r = send(token, "tok en with runs");
    assert_eq!((r.status, r.reason.as_str()), (400, "IncompleteSignature"));
}

#[test]
fn v4_host_is_cut_at_its_first_colon_even_for_ipv6() {
    let sim = start(&[]);
    let q = "Action=DescribeLaunchConfigurations&Version=2011-01-01";
    let ipv6 = format!("[::1]:{}", sim.port);
    let date = amz(now_secs());
    let send = |signed_host: &str| {
        let auth = v4_get_authorization(q, &date, &[("host", signed_host), ("x-amz-date", &date)]);
        request(
            sim.port,
            "GET",
            &format!("/?{q}"),
            &[
                ("Host", &ipv6),
                ("X-Amz-Date", &date),
                ("Authorization", &auth),
                ("Accept", "text/plain"),
            ],
            "",
        )
    };
    // Signed for the host a client means: rejected, the server read '['.
    let r = send("[::1]");
    assert_eq!((r.status, r.reason.as_str()), (400, "IncompleteSignature"));
    assert_eq!(send(&ipv6).reason, "IncompleteSignature");
    // What the cut leaves is all the server compares.
    assert_eq!(send("[").status, 200);
    // Signature V2 signs the Host as sent and handles it.
    let p = sign_v2("GET", &ipv6, DESCRIBE, false, &ts(), SECRET);
    let r = get_signed(sim.port, &p, &[("Host", &ipv6)]);
    assert_eq!(r.status, 200, "{}", r.body);
}
