//! The browser transport (`fetch`) against a CORS-enabled server on 127.0.0.1 that
//! scripts/test starts (tests/support/fetch-test-server.mjs) and names at compile time in
//! `PDE_FETCH_TEST_URL`.
#![cfg(target_arch = "wasm32")]

use phantom_de::api::action::DescribeAutoScalingGroups;
use phantom_de::api::client::read_response;
use phantom_de::api::fetch::{BrowserClock, FetchTransport};
use phantom_de::api::transport::MAX_ANSWER_BYTES;
use phantom_de::api::{
    ApiError, Client, ClientConfig, Clock, Connection, HttpRequest, Profile, Transport,
    TransportError,
};
use phantom_de::sign::{Credentials, Endpoint, Method};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn base() -> &'static str {
    // Deliberately a test failure, not a skip, when the server was not named.
    match option_env!("PDE_FETCH_TEST_URL") {
        Some(url) => url,
        None => panic!(
            "PDE_FETCH_TEST_URL must name the fetch test server (scripts/test wasm starts it)"
        ),
    }
}

fn request(method: Method, path: &str, timeout_ms: u32) -> HttpRequest {
    HttpRequest {
        method,
        url: format!("{}{path}", base()),
        headers: vec![
            (
                "Accept".into(),
                "text/xml, application/xml, text/plain".into(),
            ),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            ),
            ("X-Amz-Date".into(), "20260102T030405Z".into()),
        ],
        body: if method == Method::Post {
            "Action=X&Version=2011-01-01".into()
        } else {
            String::new()
        },
        timeout_ms,
    }
}

#[wasm_bindgen_test]
async fn sends_method_headers_and_body_as_given() {
    let r = FetchTransport
        .send(request(Method::Post, "/echo", 5_000))
        .await
        .expect("answer");
    assert_eq!(r.status, 200);
    let echo: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body"], "Action=X&Version=2011-01-01");
    assert_eq!(echo["headers"]["x-amz-date"], "20260102T030405Z");
    assert_eq!(
        echo["headers"]["accept"],
        "text/xml, application/xml, text/plain"
    );
    assert!(echo["headers"]["cookie"].is_null());
}

#[wasm_bindgen_test]
async fn hands_status_reason_headers_and_body_to_the_parser() {
    let r = FetchTransport
        .send(request(Method::Get, "/xml", 5_000))
        .await
        .expect("answer");
    assert_eq!(r.header("x-amzn-requestid"), Some("fetch-test"));
    assert!(
        r.server_time().is_some(),
        "Date header readable: {:?}",
        r.headers
    );
    let parsed = read_response::<DescribeAutoScalingGroups>(&r).expect("parses");
    assert_eq!(parsed.output[0].desired_capacity, Some(2));

    let e = FetchTransport
        .send(request(Method::Get, "/phantom-error", 5_000))
        .await
        .expect("answer");
    assert_eq!((e.status, e.reason.as_str()), (400, "IncompleteSignature"));
    match read_response::<DescribeAutoScalingGroups>(&e) {
        Err(err) => assert_eq!(err.code(), Some("IncompleteSignature")),
        Ok(_) => panic!("an error answer parsed as success"),
    }
}

#[wasm_bindgen_test]
async fn a_body_that_is_not_xml_is_an_unexpected_response() {
    let r = FetchTransport
        .send(request(Method::Get, "/text", 5_000))
        .await
        .expect("answer");
    match read_response::<DescribeAutoScalingGroups>(&r) {
        Err(ApiError::UnexpectedResponse { status: 200, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_slow_answer_times_out_on_time() {
    let started = BrowserClock.now_ms();
    let r = FetchTransport
        .send(request(Method::Get, "/slow?ms=3000", 300))
        .await;
    let took = BrowserClock.now_ms() - started;
    assert_eq!(r, Err(TransportError::Timeout(300)));
    assert!(took < 2_500.0, "timed out after {took} ms");
}

#[wasm_bindgen_test]
async fn a_closed_port_is_reported_not_panicked() {
    let mut req = request(Method::Get, "/", 5_000);
    req.url = "http://127.0.0.1:9/".into();
    match FetchTransport.send(req).await {
        Err(TransportError::Blocked(detail)) => assert!(!detail.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn redirects_are_not_followed() {
    match FetchTransport
        .send(request(Method::Get, "/redirect", 5_000))
        .await
    {
        Err(TransportError::Redirect { .. }) => {}
        other => panic!("{other:?}"),
    }
}

/// One DescribeAutoScalingGroups through the client, straight to `{base}{path}`.
async fn describe_directly(path: &str) -> Result<usize, ApiError> {
    let endpoint = Endpoint::parse(&format!("{}{path}", base())).expect("endpoint");
    let mut config = ClientConfig::new(endpoint, Profile::Phantom);
    config.connection = Connection::Direct;
    config.timeout_ms = 10_000;
    let credentials = Credentials::new("AKIDEXAMPLE", "secret", None).expect("credentials");
    let client = Client::new(
        config,
        credentials,
        FetchTransport,
        BrowserClock,
        Box::new(|| 0.5),
    );
    client
        .call(&DescribeAutoScalingGroups::default(), &mut |_| {})
        .await
        .map(|r| r.output.len())
}

#[wasm_bindgen_test]
async fn a_redirect_is_reported_as_one_never_as_http_0() {
    // Cross-origin with Location: the browser makes it an opaque redirect and hides
    // status and target, so the text names the redirect without them.
    let error = describe_directly("/redirect/")
        .await
        .expect_err("a redirect");
    assert!(matches!(error, ApiError::Redirect { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("redirect") && !text.contains("HTTP 0"),
        "{text}"
    );
    // As the page server's proxy passes a redirect on, status and target stay readable.
    let error = describe_directly("/proxied-redirect/")
        .await
        .expect_err("a redirect");
    assert_eq!(
        error,
        ApiError::Redirect {
            status: 302,
            location: Some("/xml".into())
        }
    );
    assert!(error.to_string().contains("HTTP 302 to /xml"), "{error}");
}

#[wasm_bindgen_test]
async fn an_answer_declared_over_the_cap_is_refused_before_its_body_is_read() {
    match FetchTransport
        .send(request(Method::Get, "/big", 10_000))
        .await
    {
        Err(TransportError::TooLarge { limit, size }) => {
            assert_eq!((limit, size), (MAX_ANSWER_BYTES, Some(9 * 1024 * 1024)));
        }
        other => panic!("{:?}", other.map(|r| r.body.len())),
    }
}

#[wasm_bindgen_test]
async fn a_streamed_answer_is_cut_at_the_cap_not_buffered() {
    match FetchTransport
        .send(request(Method::Get, "/huge", 20_000))
        .await
    {
        Err(TransportError::TooLarge { limit, size }) => {
            assert_eq!((limit, size), (MAX_ANSWER_BYTES, None));
        }
        other => panic!("{:?}", other.map(|r| r.body.len())),
    }
    // The download was aborted: the server never wrote its 256 MiB.
    let mut report = serde_json::Value::Null;
    for _ in 0..40 {
        let r = FetchTransport
            .send(request(Method::Get, "/huge-report", 5_000))
            .await
            .expect("report");
        report = serde_json::from_str(&r.body).expect("json");
        if report["closed"] == true {
            break;
        }
        BrowserClock.sleep(50).await;
    }
    assert_eq!(report["closed"], true, "{report}");
    assert_eq!(report["finished"], false, "{report}");
    let written = report["written"].as_u64().expect("written");
    assert!(written < 256 * 1024 * 1024, "{report}");
}

#[wasm_bindgen_test]
async fn the_browser_clock_sleeps() {
    let started = BrowserClock.now_ms();
    BrowserClock.sleep(50).await;
    assert!(BrowserClock.now_ms() - started >= 45.0);
}
