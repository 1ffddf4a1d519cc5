//! The AWS Signature Version 4 test suite (vendored from botocore 1.44.8 under
//! `tests/data/aws4_testsuite/`, Apache-2.0), one test per case: the canonical request,
//! the string to sign and the `Authorization` header must equal the suite's files byte for
//! byte. Every case applies; `NOT_APPLICABLE` lists any that could not, with the reason.

use std::fs;
use std::path::{Path, PathBuf};

use phantom_de::sign::encode::{percent_decode, v4_query};
use phantom_de::sign::v4::{self, CanonicalRequest};
use phantom_de::sign::SigningTime;

const SUITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/aws4_testsuite");
// The suite's fixed inputs (tests/data/aws4_testsuite/README.md).
const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const SERVICE: &str = "service";

/// Cases present in the suite that are deliberately not run, with the reason.
const NOT_APPLICABLE: &[(&str, &str)] = &[];

/// A `.req` file: request line, `Name:value` headers (continuation lines start with
/// whitespace), a blank line, the body.
struct SuiteRequest {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: String,
}

fn parse_req(text: &str) -> SuiteRequest {
    let (head, body) = match text.split_once("\n\n") {
        Some((h, b)) => (h, b),
        None => (text, ""),
    };
    let mut lines = head.lines();
    let request_line = lines.next().expect("request line");
    let (method, rest) = request_line.split_once(' ').expect("method");
    let target = rest
        .strip_suffix(" HTTP/1.1")
        .expect("HTTP/1.1 request line");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().expect("continuation after a header");
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            let (name, value) = line.split_once(':').expect("header line");
            headers.push((name.to_string(), value.to_string()));
        }
    }
    SuiteRequest {
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        headers,
        body: body.to_string(),
    }
}

fn case_dir(name: &str) -> PathBuf {
    let top = Path::new(SUITE).join(name);
    if top.is_dir() {
        return top;
    }
    for group in ["normalize-path", "post-sts-token"] {
        let nested = Path::new(SUITE).join(group).join(name);
        if nested.is_dir() {
            return nested;
        }
    }
    panic!("suite case {name} not found under {SUITE}");
}

fn read(dir: &Path, name: &str, ext: &str) -> String {
    let file = dir.join(format!("{name}.{ext}"));
    fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn run_case(name: &str) {
    let dir = case_dir(name);
    let mut req = parse_req(&read(&dir, name, "req"));
    let expected_creq = read(&dir, name, "creq");
    // Cases signed with a session token (get-vanilla-with-session-token) leave the header
    // out of the .req: the signer adds it from the credentials, as ours does.
    let token = expected_creq
        .lines()
        .find_map(|l| l.strip_prefix("x-amz-security-token:"))
        .map(str::to_string);
    if let Some(token) = token {
        if !req
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("x-amz-security-token"))
        {
            req.headers
                .push(("X-Amz-Security-Token".to_string(), token));
        }
    }
    let amz_date = req
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-date"))
        .map(|(_, v)| v.clone())
        .expect("X-Amz-Date header");
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &amz_date[0..4],
        &amz_date[4..6],
        &amz_date[6..8],
        &amz_date[9..11],
        &amz_date[11..13],
        &amz_date[13..15]
    );
    let time = SigningTime::parse_iso8601(&iso).expect("suite date");

    let params: Vec<(String, String)> = req
        .query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let canonical = CanonicalRequest::new(
        &req.method,
        v4::canonical_uri(&req.path),
        v4_query(&params),
        &headers,
        v4::payload_hash(req.body.as_bytes()),
    );
    assert_eq!(
        canonical.to_string(),
        expected_creq,
        "{name}: canonical request"
    );

    let scope = v4::credential_scope(time, REGION, SERVICE);
    let sts = v4::string_to_sign(time, &scope, &canonical);
    assert_eq!(sts, read(&dir, name, "sts"), "{name}: string to sign");

    let signature = v4::signature(SECRET, time, REGION, SERVICE, &sts);
    let authz = v4::authorization(
        ACCESS_KEY,
        &scope,
        &canonical.signed_headers(),
        &signature,
        ", ",
    );
    assert_eq!(authz, read(&dir, name, "authz"), "{name}: Authorization");
}

macro_rules! suite_cases {
    ($($test:ident => $name:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_case($name);
            }
        )*

        const RUN: &[&str] = &[$($name),*];
    };
}

suite_cases! {
    get_header_key_duplicate => "get-header-key-duplicate",
    get_header_value_multiline => "get-header-value-multiline",
    get_header_value_order => "get-header-value-order",
    get_header_value_trim => "get-header-value-trim",
    get_unreserved => "get-unreserved",
    get_utf8 => "get-utf8",
    get_vanilla => "get-vanilla",
    get_vanilla_empty_query_key => "get-vanilla-empty-query-key",
    get_vanilla_query => "get-vanilla-query",
    get_vanilla_query_order_encoded => "get-vanilla-query-order-encoded",
    get_vanilla_query_order_key => "get-vanilla-query-order-key",
    get_vanilla_query_order_key_case => "get-vanilla-query-order-key-case",
    get_vanilla_query_order_value => "get-vanilla-query-order-value",
    get_vanilla_query_unreserved => "get-vanilla-query-unreserved",
    get_vanilla_utf8_query => "get-vanilla-utf8-query",
    get_vanilla_with_session_token => "get-vanilla-with-session-token",
    normalize_path_get_relative => "get-relative",
    normalize_path_get_relative_relative => "get-relative-relative",
    normalize_path_get_slash => "get-slash",
    normalize_path_get_slash_dot_slash => "get-slash-dot-slash",
    normalize_path_get_slash_pointless_dot => "get-slash-pointless-dot",
    normalize_path_get_slashes => "get-slashes",
    normalize_path_get_space => "get-space",
    normalize_path_get_special_character => "get-special-character",
    post_header_key_case => "post-header-key-case",
    post_header_key_sort => "post-header-key-sort",
    post_header_value_case => "post-header-value-case",
    post_sts_header_after => "post-sts-header-after",
    post_sts_header_before => "post-sts-header-before",
    post_vanilla => "post-vanilla",
    post_vanilla_empty_query_value => "post-vanilla-empty-query-value",
    post_vanilla_query => "post-vanilla-query",
    post_x_www_form_urlencoded => "post-x-www-form-urlencoded",
    post_x_www_form_urlencoded_parameters => "post-x-www-form-urlencoded-parameters",
}

fn collect_cases(dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).expect("suite dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if path.join(format!("{name}.req")).is_file() {
                out.push(name);
            } else {
                collect_cases(&path, out);
            }
        }
    }
}

#[test]
fn every_vendored_case_is_run_or_listed_as_not_applicable() {
    let mut found = Vec::new();
    collect_cases(Path::new(SUITE), &mut found);
    assert!(found.len() >= 30, "suite looks incomplete: {found:?}");
    for name in &found {
        let skipped = NOT_APPLICABLE.iter().any(|(n, _)| n == name);
        assert!(
            RUN.contains(&name.as_str()) || skipped,
            "suite case {name} is neither run nor listed"
        );
    }
}
