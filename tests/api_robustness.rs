//! Nothing panics on arbitrary bytes: every sample truncated at many points, random byte
//! soup, random mutations of valid answers, hostile nesting; a 1,000-instance answer
//! parses correctly; and, through the client over a scripted transport, an answer over the
//! size cap is refused before it is parsed and a redirect says so (never "HTTP 0").

#[path = "support/big_answer.rs"]
mod big_answer;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fs;

use futures::executor::block_on;
use phantom_de::api::action::{
    DescribeAutoScalingGroups, DescribeAutoScalingInstances, DescribeLaunchConfigurations,
    SetDesiredCapacity,
};
use phantom_de::api::client::read_response;
use phantom_de::api::error::parse_error_response;
use phantom_de::api::transport::MAX_ANSWER_BYTES;
use phantom_de::api::xml::Element;
use phantom_de::api::{
    ApiError, Client, ClientConfig, Clock, ErrorClass, HttpRequest, HttpResponse, Profile,
    Transport, TransportError,
};
use phantom_de::sign::{Credentials, Endpoint};

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// Feeds `body` with several statuses to every reader; only panics count as failures.
fn exercise(body: &str) {
    for status in [200, 400, 403, 500] {
        let r = HttpResponse {
            status,
            reason: "X".into(),
            headers: vec![],
            body: body.to_string(),
        };
        let _ = read_response::<DescribeAutoScalingGroups>(&r);
        let _ = read_response::<DescribeLaunchConfigurations>(&r);
        let _ = read_response::<DescribeAutoScalingInstances>(&r);
        let _ = read_response::<SetDesiredCapacity>(&r);
        let _ = parse_error_response(status, "", &[], body);
    }
    let _ = Element::parse(body);
}

fn samples() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/moto");
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("samples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "xml") {
            let text = fs::read_to_string(&path).expect("sample");
            let body = text.rfind("-->").map_or(text.as_str(), |i| &text[i + 3..]);
            out.push(body.trim().to_string());
        }
    }
    out
}

#[test]
fn truncated_samples_never_panic() {
    for body in samples() {
        let chars: Vec<(usize, char)> = body.char_indices().collect();
        let step = (chars.len() / 97).max(1);
        for &(i, _) in chars.iter().step_by(step) {
            exercise(&body[..i]);
        }
    }
}

#[test]
fn mutated_samples_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let alphabet: Vec<char> = "<>/&;=\"' \n#xX0123456789abcdefABCDEF:!?[]-é😀\u{0}"
        .chars()
        .collect();
    for body in samples() {
        for _ in 0..40 {
            let mut chars: Vec<char> = body.chars().collect();
            for _ in 0..1 + rng.below(6) {
                let at = rng.below(chars.len() + 1);
                match rng.below(3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = alphabet[rng.below(alphabet.len())],
                    _ => chars.insert(at.min(chars.len()), alphabet[rng.below(alphabet.len())]),
                }
            }
            exercise(&chars.into_iter().collect::<String>());
        }
    }
}

#[test]
fn random_soup_never_panics() {
    let mut rng = Rng(42);
    for _ in 0..3_000 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
        exercise(&String::from_utf8_lossy(&bytes));
    }
    let tags = [
        "<a>",
        "</a>",
        "<b/>",
        "&amp;",
        "&#x41;",
        "&#0;",
        "&nope;",
        "<![CDATA[x]]>",
        "<!--c-->",
        "<?pi?>",
        "text",
    ];
    for _ in 0..3_000 {
        let doc: String = (0..rng.below(30))
            .map(|_| tags[rng.below(tags.len())])
            .collect();
        exercise(&doc);
    }
}

#[test]
fn hostile_nesting_is_refused_not_overflowed() {
    let deep = "<a>".repeat(100_000);
    assert!(Element::parse(&deep).is_err());
    let deep_closed = format!("{}{}", "<a>".repeat(5_000), "</a>".repeat(5_000));
    assert!(Element::parse(&deep_closed)
        .unwrap_err()
        .contains("nested deeper"));
}

#[test]
fn a_thousand_instances_parse_correctly() {
    let body = big_answer::describe_groups_answer(1_000);
    let r = HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![],
        body,
    };
    let groups = read_response::<DescribeAutoScalingGroups>(&r)
        .expect("parses")
        .output;
    let d = &groups[0];
    assert_eq!(d.instances.len(), 1_000);
    assert_eq!(d.instances[999].instance_id, "i-000003e7");
    assert_eq!(
        d.instances
            .iter()
            .filter(|i| i.availability_zone == "sierra")
            .count(),
        334
    );
    assert_eq!(
        d.instances
            .iter()
            .filter(|i| i.lifecycle_state == "600-RUNNING")
            .count(),
        250
    );
    assert_eq!(
        d.instances
            .iter()
            .filter(|i| i.health_status == "Unhealthy")
            .count(),
        250
    );
}

/// Gives one scripted answer per request and counts the requests.
struct Scripted {
    answers: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
    sent: Cell<usize>,
}

impl Transport for Scripted {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.set(self.sent.get() + 1);
        self.answers
            .borrow_mut()
            .pop_front()
            .expect("a scripted answer")
    }
}

/// A clock that never waits (2026-01-02T03:04:05Z).
struct NoWait;

impl Clock for NoWait {
    fn now_ms(&self) -> f64 {
        1_767_323_045_000.0
    }
    async fn sleep(&self, _ms: u64) {}
}

/// One DescribeAutoScalingGroups call through the client (default retry policy: three
/// attempts for what is retryable); the scripted answers repeat `answer`.
fn describe_through_client(
    answer: Result<HttpResponse, TransportError>,
) -> (Result<usize, ApiError>, usize) {
    let transport = Scripted {
        answers: RefCell::new(vec![answer; 3].into()),
        sent: Cell::new(0),
    };
    let config = ClientConfig::new(
        Endpoint::parse("https://svc.example.org:8445/").expect("endpoint"),
        Profile::Phantom,
    );
    let credentials = Credentials::new("AKIDEXAMPLE", "secret", None).expect("credentials");
    let client = Client::new(config, credentials, &transport, NoWait, Box::new(|| 0.5));
    let result = block_on(client.call(&DescribeAutoScalingGroups::default(), &mut |_| {}))
        .map(|r| r.output.len());
    drop(client);
    (result, transport.sent.get())
}

fn answer(status: u16, headers: &[(&str, &str)], body: String) -> HttpResponse {
    HttpResponse {
        status,
        reason: String::new(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body,
    }
}

/// A valid, empty DescribeAutoScalingGroups answer padded with `padding` spaces.
fn padded_describe(padding: usize) -> String {
    format!(
        "<DescribeAutoScalingGroupsResponse>{}<DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>",
        " ".repeat(padding)
    )
}

#[test]
fn an_answer_over_the_size_cap_is_refused_before_it_is_parsed() {
    let cap = MAX_ANSWER_BYTES as usize;
    assert_eq!(cap, 8 * 1024 * 1024);
    // Valid XML that would parse: refused for its size alone, and not retried.
    let body = padded_describe(9 * 1024 * 1024);
    let size = body.len() as u64;
    let (result, sent) = describe_through_client(Ok(answer(200, &[], body)));
    let error = result.expect_err("refused");
    assert_eq!(
        error,
        ApiError::TooLarge {
            limit: MAX_ANSWER_BYTES,
            size: Some(size)
        }
    );
    assert_eq!((sent, error.class()), (1, ErrorClass::Other));
    let text = error.to_string();
    assert!(
        text.contains("8 MiB") && text.contains("refused before being parsed"),
        "{text}"
    );
    assert!(error.hint().contains("endpoint URL"), "{}", error.hint());

    // A 5xx error page would be retried; one over the cap is refused at once.
    let (result, sent) = describe_through_client(Ok(answer(500, &[], "x".repeat(cap + 1))));
    assert!(
        matches!(result, Err(ApiError::TooLarge { .. })),
        "{result:?}"
    );
    assert_eq!(sent, 1);

    // Just at the cap the size is fine.
    assert_eq!(answer(200, &[], " ".repeat(cap)).check_size(), Ok(()));
    let (result, _) = describe_through_client(Ok(answer(200, &[], padded_describe(1_000))));
    assert_eq!(result, Ok(0));
}

#[test]
fn a_declared_length_over_the_cap_is_refused_whatever_was_read() {
    let declared = (9 * 1024 * 1024).to_string();
    let (result, sent) = describe_through_client(Ok(answer(
        200,
        &[("Content-Length", &declared)],
        padded_describe(0),
    )));
    assert_eq!(
        result,
        Err(ApiError::TooLarge {
            limit: MAX_ANSWER_BYTES,
            size: Some(9 * 1024 * 1024)
        })
    );
    assert_eq!(sent, 1);
    // A readable Content-Length under the cap changes nothing.
    let body = padded_describe(0);
    let length = format!(" {} ", body.len());
    let (result, _) =
        describe_through_client(Ok(answer(200, &[("content-length", &length)], body)));
    assert_eq!(result, Ok(0));
}

#[test]
fn a_transport_that_stopped_reading_at_the_cap_is_reported_not_retried() {
    let (result, sent) = describe_through_client(Err(TransportError::TooLarge {
        limit: MAX_ANSWER_BYTES,
        size: None,
    }));
    let error = result.expect_err("refused");
    assert_eq!(
        error,
        ApiError::TooLarge {
            limit: MAX_ANSWER_BYTES,
            size: None
        }
    );
    assert_eq!(sent, 1);
    assert!(error.to_string().contains("reading stopped"), "{error}");
}

#[test]
fn a_redirect_says_so_with_its_target_when_known_and_never_http_0() {
    // A native transport hands the 3xx on: status and Location are known.
    let (result, sent) = describe_through_client(Ok(answer(
        302,
        &[("Location", "https://svc.example.org:8445/new/")],
        String::new(),
    )));
    let error = result.expect_err("a redirect");
    assert_eq!(
        error,
        ApiError::Redirect {
            status: 302,
            location: Some("https://svc.example.org:8445/new/".into())
        }
    );
    assert_eq!(
        (sent, error.class(), error.status()),
        (1, ErrorClass::Other, Some(302))
    );
    assert_eq!(
        error.to_string(),
        "the server answered with a redirect (HTTP 302 to https://svc.example.org:8445/new/); check the endpoint URL"
    );
    assert!(error.hint().contains("redirects to"), "{}", error.hint());

    // The same-origin proxy answers a redirect with a 502 that names it (a 502 alone
    // would be retried): still the redirect, with status and target, tried once.
    let (result, sent) = describe_through_client(Ok(answer(
        502,
        &[
            ("X-PDE-Redirect-Status", "301"),
            ("X-PDE-Redirect-Location", "https://other.example.org/"),
        ],
        "502 Bad Gateway\n\nThe endpoint answered with a redirect (HTTP 301 to https://other.example.org/); the proxy does not follow redirects.\n".into(),
    )));
    assert_eq!(
        result,
        Err(ApiError::Redirect {
            status: 301,
            location: Some("https://other.example.org/".into())
        })
    );
    assert_eq!(sent, 1);
    let (result, _) = describe_through_client(Ok(answer(
        502,
        &[("x-pde-redirect-status", "307")],
        String::new(),
    )));
    assert_eq!(
        result,
        Err(ApiError::Redirect {
            status: 307,
            location: None
        })
    );

    // The browser's opaque redirect hides status and target: still named a redirect.
    let (result, sent) = describe_through_client(Err(TransportError::Redirect {
        status: 0,
        location: None,
    }));
    let error = result.expect_err("a redirect");
    let text = error.to_string();
    assert!(
        text.contains("redirect") && !text.contains("HTTP 0"),
        "{text}"
    );
    assert_eq!((sent, error.status()), (1, None));
    let text = ApiError::Redirect {
        status: 0,
        location: Some("/elsewhere".into()),
    }
    .to_string();
    assert!(
        text.contains("to /elsewhere") && !text.contains("HTTP 0"),
        "{text}"
    );
    let text = ApiError::Redirect {
        status: 307,
        location: None,
    }
    .to_string();
    assert!(text.contains("(HTTP 307)"), "{text}");
}
