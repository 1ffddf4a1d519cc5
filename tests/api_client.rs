//! The client over a scripted transport and a fake clock: what is sent, which failures are
//! retried (and how long it waits), the one-time clock correction, and redaction.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use futures::executor::block_on;
use phantom_de::api::action::{
    CreateAutoScalingGroup, CreateLaunchConfiguration, CreateOrUpdateTags, DeleteAutoScalingGroup,
    DeleteLaunchConfiguration, DescribeAutoScalingGroups, DescribeAutoScalingInstances,
    DescribeLaunchConfigurations, SetDesiredCapacity, TerminateInstanceInAutoScalingGroup,
};
use phantom_de::api::client::ACCEPT;
use phantom_de::api::{
    Answer, ApiError, Attempt, Client, ClientConfig, Clock, Connection, ErrorClass, HttpRequest,
    HttpResponse, NextStep, Profile, Request, RetryPolicy, Tag, Transport, TransportError,
};
use phantom_de::sign::{Credentials, Endpoint, Method, Scheme};

/// 2026-01-02T03:04:05Z
const START_MS: f64 = 1_767_323_045_000.0;

struct FakeClock {
    now: Cell<f64>,
    sleeps: RefCell<Vec<u64>>,
}

impl Clock for FakeClock {
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    async fn sleep(&self, ms: u64) {
        self.sleeps.borrow_mut().push(ms);
        self.now.set(self.now.get() + ms as f64);
    }
}

struct FakeTransport<'c> {
    clock: &'c FakeClock,
    answers: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
    sent: RefCell<Vec<HttpRequest>>,
}

impl Transport for FakeTransport<'_> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.borrow_mut().push(request);
        self.clock.now.set(self.clock.now.get() + 25.0); // latency
        self.answers
            .borrow_mut()
            .pop_front()
            .expect("a scripted answer")
    }
}

fn ok(action: &str) -> Result<HttpResponse, TransportError> {
    let body = if action == "DescribeAutoScalingGroups" {
        "<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>ok-id</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>".to_string()
    } else {
        format!("<{action}Response><ResponseMetadata><RequestId>ok-id</RequestId></ResponseMetadata></{action}Response>")
    };
    Ok(HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![],
        body,
    })
}

fn phantom_error(
    status: u16,
    code: &str,
    date: Option<&str>,
) -> Result<HttpResponse, TransportError> {
    let mut headers = vec![];
    if let Some(d) = date {
        headers.push(("Date".to_string(), d.to_string()));
    }
    Ok(HttpResponse {
        status,
        reason: code.into(),
        headers,
        body: format!("{status} {code}\n\nexplanation\n"),
    })
}

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

struct Harness {
    clock: FakeClock,
}

impl Harness {
    fn new() -> Self {
        Self {
            clock: FakeClock {
                now: Cell::new(START_MS),
                sleeps: RefCell::new(vec![]),
            },
        }
    }

    fn run<R>(
        &self,
        scheme: Scheme,
        connection: Connection,
        answers: Vec<Result<HttpResponse, TransportError>>,
        body: impl FnOnce(&Client<&FakeTransport<'_>, &FakeClock>, &mut Vec<Attempt>) -> R,
    ) -> (R, Vec<HttpRequest>, Vec<Attempt>) {
        let transport = FakeTransport {
            clock: &self.clock,
            answers: RefCell::new(answers.into()),
            sent: RefCell::new(vec![]),
        };
        let mut config = ClientConfig::new(
            Endpoint::parse("https://svc.example.org:8445/").expect("endpoint"),
            Profile::Phantom,
        );
        config.scheme = scheme;
        config.connection = connection;
        config.retry = RetryPolicy {
            max_attempts: 3,
            base_ms: 200,
            cap_ms: 5_000,
        };
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET, None).expect("credentials");
        let client = Client::new(
            config,
            credentials,
            &transport,
            &self.clock,
            Box::new(|| 0.5),
        );
        let mut attempts = vec![];
        let result = body(&client, &mut attempts);
        drop(client);
        (result, transport.sent.into_inner(), attempts)
    }
}

fn describe(
    client: &Client<&FakeTransport<'_>, &FakeClock>,
    attempts: &mut Vec<Attempt>,
) -> Result<usize, ApiError> {
    block_on(
        client.call(&DescribeAutoScalingGroups::default(), &mut |a| {
            attempts.push(a.clone())
        }),
    )
    .map(|r| r.output.len())
}

fn query_param(url: &str, name: &str) -> Option<String> {
    url.split_once('?')?.1.split('&').find_map(|p| {
        p.strip_prefix(&format!("{name}="))
            .map(phantom_de::sign::encode::percent_decode)
    })
}

#[test]
fn a_describe_goes_through_the_proxy_signed_for_the_endpoint() {
    let h = Harness::new();
    let (result, sent, attempts) = h.run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        vec![ok("DescribeAutoScalingGroups")],
        describe,
    );
    assert_eq!(result, Ok(0));
    assert_eq!(sent.len(), 1);
    let req = &sent[0];
    assert_eq!(req.method, Method::Get);
    assert!(
        req.url
            .starts_with("/phantom/?AWSAccessKeyId=AKIDEXAMPLE&Action=DescribeAutoScalingGroups"),
        "{}",
        req.url
    );
    assert_eq!(
        query_param(&req.url, "Timestamp").as_deref(),
        Some("2026-01-02T03:04:05Z")
    );
    assert!(req.headers.iter().all(|(n, _)| n != "Host"));
    assert!(req
        .headers
        .contains(&("Accept".to_string(), ACCEPT.to_string())));
    assert!(!ACCEPT.contains("html") && !ACCEPT.contains("*/*"));
    assert_eq!(req.timeout_ms, 15_000);
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        (attempts[0].number, attempts[0].status, &attempts[0].error),
        (1, Some(200), &None)
    );
    assert_eq!(attempts[0].duration_ms, 25.0);
}

#[test]
fn a_direct_post_carries_its_form_and_authorization() {
    let h = Harness::new();
    let create = CreateLaunchConfiguration {
        name: "lc@hotel".into(),
        image_id: "hello-phantom.gz".into(),
        instance_type: "m1.small".into(),
        key_name: Some("phantomkey".into()),
        security_groups: vec!["default".into()],
        user_data: Some("#!/bin/sh\necho hi".into()),
    };
    let (result, sent, _) = h.run(
        Scheme::V4Phantom,
        Connection::Direct,
        vec![ok("CreateLaunchConfiguration")],
        |c, a| block_on(c.call(&create, &mut |x| a.push(x.clone()))),
    );
    assert_eq!(result.expect("ok").request_id.as_deref(), Some("ok-id"));
    let req = &sent[0];
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://svc.example.org:8445/");
    assert!(
        req.body.contains("LaunchConfigurationName=lc%40hotel"),
        "{}",
        req.body
    );
    assert!(
        req.body.contains("UserData=IyEvYmluL3NoCmVjaG8gaGk%3D"),
        "{}",
        req.body
    );
    assert!(req.body.contains("SecurityGroups.member.1=default"));
    let auth = req
        .headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .expect("auth")
        .1
        .clone();
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/autoscaling/aws4_request,SignedHeaders=host;x-amz-date,Signature="));
}

#[test]
fn a_server_error_is_retried_after_a_jittered_backoff() {
    let h = Harness::new();
    let answers = vec![
        phantom_error(500, "InternalFailure", None),
        ok("DescribeAutoScalingGroups"),
    ];
    let (result, sent, attempts) = h.run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        answers,
        describe,
    );
    assert_eq!(result, Ok(0));
    assert_eq!(sent.len(), 2);
    // Full jitter with random 0.5: half of min(cap, base * 2^0) = 100 ms.
    assert_eq!(*h.clock.sleeps.borrow(), [100]);
    assert_eq!(attempts[0].next, Some(NextStep::RetryAfter(100)));
    assert_eq!(
        attempts[0].error.as_ref().map(ApiError::class),
        Some(ErrorClass::Retryable)
    );
    // Re-signed: the second attempt carries a later signature time is not required at
    // this resolution, but its signature must be freshly computed from the same params.
    assert_eq!(
        query_param(&sent[1].url, "Action").as_deref(),
        Some("DescribeAutoScalingGroups")
    );
}

#[test]
fn retries_stop_after_the_maximum_number_of_attempts() {
    let h = Harness::new();
    let answers = vec![
        phantom_error(400, "Throttling", None),
        phantom_error(400, "Throttling", None),
        phantom_error(400, "Throttling", None),
    ];
    let (result, sent, attempts) = h.run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        answers,
        describe,
    );
    assert_eq!(result.expect_err("fails").code(), Some("Throttling"));
    assert_eq!(sent.len(), 3);
    assert_eq!(*h.clock.sleeps.borrow(), [100, 200]);
    let nexts: Vec<_> = attempts.iter().map(|a| a.next.clone()).collect();
    assert_eq!(
        nexts,
        [
            Some(NextStep::RetryAfter(100)),
            Some(NextStep::RetryAfter(200)),
            Some(NextStep::GiveUp)
        ]
    );
}

#[test]
fn timeouts_and_network_failures_are_retried() {
    let h = Harness::new();
    let answers = vec![
        Err(TransportError::Timeout(15_000)),
        Err(TransportError::Network("connection reset".into())),
        ok("DescribeAutoScalingGroups"),
    ];
    let (result, _, attempts) = h.run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        answers,
        describe,
    );
    assert_eq!(result, Ok(0));
    assert_eq!(attempts.len(), 3);
    assert_eq!(attempts[0].error, Some(ApiError::Timeout(15_000)));
    assert_eq!(attempts[1].status, None);
}

#[test]
fn authentication_errors_and_blocked_requests_are_not_retried() {
    for answer in [
        phantom_error(400, "IncompleteSignature", None),
        phantom_error(403, "InvalidClientTokenId", None),
        Err(TransportError::Blocked("Failed to fetch".into())),
        phantom_error(400, "InvalidParameterValue", None),
    ] {
        let h = Harness::new();
        let (result, sent, _) = h.run(
            Scheme::V2HmacSha256,
            Connection::Direct,
            vec![answer],
            describe,
        );
        assert!(result.is_err());
        assert_eq!(sent.len(), 1);
        assert!(h.clock.sleeps.borrow().is_empty());
    }
}

#[test]
fn a_terminate_is_never_repeated() {
    let h = Harness::new();
    let terminate = TerminateInstanceInAutoScalingGroup {
        instance_id: "i-1".into(),
        should_decrement_desired_capacity: true,
    };
    let (result, sent, attempts) = h.run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        vec![phantom_error(500, "InternalFailure", None)],
        |c, a| block_on(c.call(&terminate, &mut |x| a.push(x.clone()))),
    );
    assert!(result.is_err());
    assert_eq!(sent.len(), 1);
    assert_eq!(attempts[0].next, Some(NextStep::GiveUp));
}

#[test]
fn a_clock_skew_error_corrects_the_clock_once_from_the_date_header() {
    let h = Harness::new();
    // The server's clock is one hour ahead of ours.
    let answers = vec![
        phantom_error(400, "RequestExpired", Some("Fri, 02 Jan 2026 04:04:05 GMT")),
        ok("DescribeAutoScalingGroups"),
        ok("DescribeAutoScalingGroups"),
    ];
    let ((first, second, offset), sent, attempts) = h.run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        answers,
        |c, a| {
            let first = describe(c, a);
            let second = describe(c, a);
            (first, second, c.clock_offset_seconds())
        },
    );
    assert_eq!((first, second), (Ok(0), Ok(0)));
    assert_eq!(offset, 3600);
    assert_eq!(attempts[0].next, Some(NextStep::RetryWithClockOffset(3600)));
    assert!(
        h.clock.sleeps.borrow().is_empty(),
        "a clock correction retries at once"
    );
    assert_eq!(
        query_param(&sent[0].url, "Timestamp").as_deref(),
        Some("2026-01-02T03:04:05Z")
    );
    assert_eq!(
        query_param(&sent[1].url, "Timestamp").as_deref(),
        Some("2026-01-02T04:04:05Z")
    );
    // Later calls keep the correction.
    assert_eq!(
        query_param(&sent[2].url, "Timestamp").as_deref(),
        Some("2026-01-02T04:04:05Z")
    );
}

#[test]
fn a_clock_skew_error_is_corrected_only_once_per_call_and_needs_a_date() {
    let h = Harness::new();
    let answers = vec![
        phantom_error(400, "RequestExpired", Some("Fri, 02 Jan 2026 04:04:05 GMT")),
        phantom_error(400, "RequestExpired", Some("Fri, 02 Jan 2026 05:04:05 GMT")),
    ];
    let (result, sent, _) = h.run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        answers,
        describe,
    );
    assert_eq!(result.expect_err("fails").class(), ErrorClass::ClockSkew);
    assert_eq!(sent.len(), 2);

    let h = Harness::new();
    let (result, sent, attempts) = h.run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        vec![phantom_error(400, "RequestExpired", None)],
        describe,
    );
    assert!(result.is_err());
    assert_eq!(sent.len(), 1);
    assert_eq!(attempts[0].next, Some(NextStep::GiveUp));
}

#[test]
fn a_secret_echoed_by_a_server_never_reaches_the_error() {
    let h = Harness::new();
    let answer = Ok(HttpResponse {
        status: 400,
        reason: "IncompleteSignature".into(),
        headers: vec![],
        body: format!("400 IncompleteSignature\n\nyour secret was {SECRET}\n"),
    });
    let (result, _, attempts) = h.run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        vec![answer],
        describe,
    );
    let e = result.expect_err("fails");
    assert!(!e.to_string().contains(SECRET));
    assert!(!format!("{e:?}").contains(SECRET));
    assert!(!format!("{attempts:?}").contains(SECRET));
}

#[test]
fn backoff_is_bounded_by_the_cap_and_jitter() {
    let p = RetryPolicy {
        max_attempts: 10,
        base_ms: 200,
        cap_ms: 1_000,
    };
    assert_eq!(p.backoff_ms(1, 0.999_999), 199);
    assert_eq!(p.backoff_ms(2, 0.5), 200);
    assert_eq!(p.backoff_ms(5, 0.999_999), 999);
    assert_eq!(p.backoff_ms(40, 1.0), 1_000);
    assert_eq!(p.backoff_ms(3, 0.0), 0);
    assert_eq!(p.backoff_ms(3, f64::NAN), 0);
}

// ---------------------------------------------------------------------------------------
// Client::send: any Request, dispatched to its action.

/// One of each of the ten actions.
fn every_request() -> Vec<Request> {
    let tag = Tag {
        key: "PHANTOM_DEFINITION".into(),
        value: "error_overflow_n_preserving".into(),
        resource_id: "my_domain".into(),
        resource_type: "auto-scaling-group".into(),
        propagate_at_launch: true,
    };
    vec![
        Request::CreateLaunchConfiguration(CreateLaunchConfiguration {
            name: "lc@hotel".into(),
            image_id: "hello-phantom.gz".into(),
            instance_type: "m1.small".into(),
            key_name: Some("key".into()),
            security_groups: vec!["default".into()],
            user_data: Some("#!/bin/sh".into()),
        }),
        Request::DescribeLaunchConfigurations(DescribeLaunchConfigurations {
            names: vec!["lc@hotel".into()],
        }),
        Request::DeleteLaunchConfiguration(DeleteLaunchConfiguration {
            name: "lc@hotel".into(),
        }),
        Request::CreateAutoScalingGroup(CreateAutoScalingGroup {
            name: "my_domain".into(),
            launch_configuration_name: "lc".into(),
            min_size: 0,
            max_size: 4,
            desired_capacity: Some(0),
            availability_zones: vec!["hotel".into()],
            tags: vec![tag.clone()],
        }),
        Request::DescribeAutoScalingGroups(DescribeAutoScalingGroups {
            names: vec!["my_domain".into()],
        }),
        Request::DeleteAutoScalingGroup(DeleteAutoScalingGroup {
            name: "my_domain".into(),
            force_delete: Some(true),
        }),
        Request::set_capacity("my_domain", 3),
        Request::CreateOrUpdateTags(CreateOrUpdateTags { tags: vec![tag] }),
        Request::DescribeAutoScalingInstances(DescribeAutoScalingInstances {
            instance_ids: vec!["i-1".into()],
        }),
        Request::TerminateInstanceInAutoScalingGroup(TerminateInstanceInAutoScalingGroup {
            instance_id: "i-1".into(),
            should_decrement_desired_capacity: false,
        }),
    ]
}

/// `request` sent with the typed action's own `call` (the oracle for `send`).
fn call_typed(
    c: &Client<&FakeTransport<'_>, &FakeClock>,
    request: &Request,
    attempts: &mut Vec<Attempt>,
) -> Result<Option<String>, ApiError> {
    let mut on = |a: &Attempt| attempts.push(a.clone());
    block_on(async {
        Ok(match request {
            Request::CreateLaunchConfiguration(a) => c.call(a, &mut on).await?.request_id,
            Request::DescribeLaunchConfigurations(a) => c.call(a, &mut on).await?.request_id,
            Request::DeleteLaunchConfiguration(a) => c.call(a, &mut on).await?.request_id,
            Request::CreateAutoScalingGroup(a) => c.call(a, &mut on).await?.request_id,
            Request::DescribeAutoScalingGroups(a) => c.call(a, &mut on).await?.request_id,
            Request::DeleteAutoScalingGroup(a) => c.call(a, &mut on).await?.request_id,
            Request::SetDesiredCapacity(a) => c.call(a, &mut on).await?.request_id,
            Request::CreateOrUpdateTags(a) => c.call(a, &mut on).await?.request_id,
            Request::DescribeAutoScalingInstances(a) => c.call(a, &mut on).await?.request_id,
            Request::TerminateInstanceInAutoScalingGroup(a) => c.call(a, &mut on).await?.request_id,
        })
    })
}

fn answer(body: &str) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![],
        body: body.to_string(),
    })
}

#[test]
fn send_signs_and_sends_every_request_exactly_as_its_action_does() {
    for scheme in [Scheme::V2HmacSha256, Scheme::V4Phantom] {
        for request in every_request() {
            let name = request.name();
            let (by_send, sent, attempts) =
                Harness::new().run(scheme, Connection::Direct, vec![ok(name)], |c, a| {
                    block_on(c.send(&request, &mut |x| a.push(x.clone())))
                });
            let (by_call, expected, expected_attempts) =
                Harness::new().run(scheme, Connection::Direct, vec![ok(name)], |c, a| {
                    call_typed(c, &request, a)
                });
            assert_eq!(sent, expected, "{name} in {scheme:?}");
            assert_eq!(attempts, expected_attempts, "{name}");
            let by_send = by_send.expect("answered");
            assert_eq!(by_send.request_id, by_call.expect("answered"), "{name}");
            assert_eq!(by_send.request_id.as_deref(), Some("ok-id"), "{name}");
            let method = if name.starts_with("Describe") {
                Method::Get
            } else {
                Method::Post
            };
            assert_eq!(sent[0].method, method, "{name}");
        }
    }
}

#[test]
fn send_answers_each_read_with_its_typed_result() {
    let lcs = "<DescribeLaunchConfigurationsResponse><DescribeLaunchConfigurationsResult><LaunchConfigurations><member><LaunchConfigurationName>lc@hotel</LaunchConfigurationName><ImageId>img</ImageId></member><member><LaunchConfigurationName>lc@sierra</LaunchConfigurationName></member></LaunchConfigurations></DescribeLaunchConfigurationsResult></DescribeLaunchConfigurationsResponse>";
    let groups = "<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>my_domain</AutoScalingGroupName><DesiredCapacity>2</DesiredCapacity><Instances><member><InstanceId>i-1</InstanceId><AvailabilityZone>hotel</AvailabilityZone><LifecycleState>600-RUNNING</LifecycleState></member></Instances></member></AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>";
    // Phantom's bare root for this one.
    let instances = "<DescribeAutoScalingInstances><AutoScalingInstances><member><InstanceId>i-1</InstanceId><AutoScalingGroupName>my_domain</AutoScalingGroupName></member></AutoScalingInstances></DescribeAutoScalingInstances>";
    let requests = every_request();
    let send = |request: &Request, body: Result<HttpResponse, TransportError>| {
        Harness::new()
            .run(
                Scheme::V2HmacSha256,
                Connection::default_proxy(),
                vec![body],
                |c, _| block_on(c.send(request, &mut |_| {})),
            )
            .0
            .expect("answered")
            .output
    };
    let Answer::LaunchConfigurations(list) = send(&requests[1], answer(lcs)) else {
        panic!("not launch configurations");
    };
    let names: Vec<&str> = list.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["lc@hotel", "lc@sierra"]);
    assert_eq!(list[0].image_id, "img");
    let Answer::AutoScalingGroups(groups) = send(&requests[4], answer(groups)) else {
        panic!("not domains");
    };
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].desired_capacity, Some(2));
    assert_eq!(groups[0].instances[0].lifecycle_state, "600-RUNNING");
    let Answer::AutoScalingInstances(rows) = send(&requests[8], answer(instances)) else {
        panic!("not instances");
    };
    assert_eq!(
        (
            rows[0].instance.instance_id.as_str(),
            rows[0].group_name.as_str()
        ),
        ("i-1", "my_domain")
    );
    for i in [0, 2, 3, 5, 6, 7, 9] {
        let request = &requests[i];
        assert_eq!(
            send(request, ok(request.name())),
            Answer::Done,
            "{}",
            request.name()
        );
    }
}

#[test]
fn send_keeps_each_actions_retry_rule() {
    // A capacity change may be repeated: retried after a server error.
    let set = Request::set_capacity("my_domain", 0);
    let (result, sent, attempts) = Harness::new().run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        vec![
            phantom_error(500, "InternalFailure", None),
            ok("SetDesiredCapacity"),
        ],
        |c, a| block_on(c.send(&set, &mut |x| a.push(x.clone()))),
    );
    assert_eq!(result.expect("answered").output, Answer::Done);
    assert_eq!(sent.len(), 2);
    assert_eq!(attempts[0].next, Some(NextStep::RetryAfter(100)));
    // A terminate never is.
    let terminate = &every_request()[9];
    let (result, sent, attempts) = Harness::new().run(
        Scheme::V2HmacSha256,
        Connection::default_proxy(),
        vec![phantom_error(500, "InternalFailure", None)],
        |c, a| block_on(c.send(terminate, &mut |x| a.push(x.clone()))),
    );
    assert_eq!(result.map_err(|e| e.class()), Err(ErrorClass::Retryable));
    assert_eq!(sent.len(), 1);
    assert_eq!(attempts[0].next, Some(NextStep::GiveUp));
}

#[test]
fn set_capacity_asks_for_no_cooldown() {
    assert_eq!(
        Request::set_capacity("my_domain", 2),
        Request::SetDesiredCapacity(SetDesiredCapacity {
            name: "my_domain".into(),
            desired_capacity: 2,
            honor_cooldown: None,
        })
    );
}
