//! Our client against the local Phantom-compatible endpoint, whose signature check is an
//! independent reading of PHANTOM.md: every Phantom scheme is accepted, the ten actions
//! behave as Phantom's do, errors come back typed, the clock is corrected from the
//! server's Date, and forced faults are retried.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/native.rs"]
mod native;
#[path = "support/sim.rs"]
mod sim;

use futures::executor::block_on;
use native::{NativeTransport, SystemClock};
use phantom_de::api::action::*;
use phantom_de::api::{
    test_connection, Action, ApiError, Attempt, Client, ClientConfig, Connection, ErrorClass,
    NextStep, Profile, Response, RetryPolicy, Tag,
};
use phantom_de::sign::{Credentials, Endpoint, Scheme};

const AK: &str = "PDETESTKEY";
const SECRET: &str = "sim-secret/with+odd=chars";

fn client(url: &str, scheme: Scheme, secret: &str) -> Client<NativeTransport, SystemClock> {
    let mut config = ClientConfig::new(Endpoint::parse(url).expect("endpoint"), Profile::Phantom);
    config.scheme = scheme;
    config.connection = Connection::Direct;
    config.retry = RetryPolicy {
        max_attempts: 3,
        base_ms: 20,
        cap_ms: 100,
    };
    Client::new(
        config,
        Credentials::new(AK, secret, None).expect("credentials"),
        native::transport(),
        SystemClock,
        Box::new(|| 0.5),
    )
}

fn call<A: Action>(
    c: &Client<NativeTransport, SystemClock>,
    a: &A,
) -> Result<Response<A::Output>, ApiError> {
    block_on(c.call(a, &mut |_| {}))
}

fn must<A: Action>(c: &Client<NativeTransport, SystemClock>, a: &A) -> A::Output {
    call(c, a)
        .unwrap_or_else(|e| panic!("{} failed: {e}", A::NAME))
        .output
}

fn lc(name: &str) -> CreateLaunchConfiguration {
    CreateLaunchConfiguration {
        name: name.into(),
        image_id: "hello-phantom.gz".into(),
        instance_type: "m1.small".into(),
        key_name: Some("phantomkey".into()),
        security_groups: vec!["default".into()],
        user_data: Some("#!/bin/sh\necho 'hello phantom'\n".into()),
    }
}

fn domain(name: &str, clouds: &str) -> CreateAutoScalingGroup {
    let tag = |k: &str, v: &str| Tag::for_domain(name, k, v);
    CreateAutoScalingGroup {
        name: name.into(),
        launch_configuration_name: "my_launch_config@hotel".into(),
        min_size: 0,
        max_size: 0,
        desired_capacity: None,
        availability_zones: vec!["us-east-1".into()],
        tags: vec![
            tag("PHANTOM_DEFINITION", "error_overflow_n_preserving"),
            tag("clouds", clouds),
            tag("minimum_vms", "0"),
        ],
    }
}

fn run_sequence(scheme: Scheme) {
    let credentials = format!("{AK}:{SECRET}");
    let sim = sim::start(&[
        "--credentials",
        &credentials,
        "--boot-seconds",
        "0.3",
        "--cloud-capacity",
        "hotel=2",
    ]);
    let c = client(&sim.url, scheme, SECRET);
    let report = block_on(test_connection(&c, &mut |_| {})).expect("connects");
    assert_eq!(
        (report.launch_configurations, report.domains),
        (0, 0),
        "{scheme}"
    );

    must(&c, &lc("my_launch_config@sierra"));
    must(&c, &lc("my_launch_config@hotel"));
    let again = call(&c, &lc("my_launch_config@hotel")).expect_err("duplicate");
    assert_eq!(
        again.class(),
        ErrorClass::AlreadyExists,
        "{scheme}: {again}"
    );
    let names: Vec<String> = must(&c, &DescribeLaunchConfigurations::default())
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(
        names,
        ["my_launch_config@hotel", "my_launch_config@sierra"],
        "{scheme}"
    );

    must(&c, &domain("my_domain", "hotel:4,sierra:4"));
    must(
        &c,
        &SetDesiredCapacity {
            name: "my_domain".into(),
            desired_capacity: 3,
            honor_cooldown: None,
        },
    );
    let g = must(
        &c,
        &DescribeAutoScalingGroups {
            names: vec!["my_domain".into()],
        },
    );
    assert_eq!(
        (g[0].min_size, g[0].max_size, g[0].desired_capacity),
        (Some(3), Some(3), Some(3)),
        "{scheme}"
    );
    assert!(
        g[0].tags.is_empty() && g[0].availability_zones.is_empty(),
        "Phantom cannot read settings back"
    );
    // hotel holds at most 2 (simulated capacity): the third VM overflows to sierra.
    let mut clouds: Vec<String> = g[0]
        .instances
        .iter()
        .map(|i| i.availability_zone.clone())
        .collect();
    clouds.sort();
    assert_eq!(clouds, ["hotel", "hotel", "sierra"], "{scheme}");

    std::thread::sleep(std::time::Duration::from_millis(400));
    let instances = must(&c, &DescribeAutoScalingInstances::default());
    assert_eq!(instances.len(), 3);
    assert!(
        instances
            .iter()
            .all(|i| i.instance.lifecycle_state == "600-RUNNING"),
        "{instances:?}"
    );
    let victim = instances
        .iter()
        .find(|i| i.instance.availability_zone == "sierra")
        .expect("sierra VM");
    must(
        &c,
        &TerminateInstanceInAutoScalingGroup {
            instance_id: victim.instance.instance_id.clone(),
            should_decrement_desired_capacity: true,
        },
    );
    let g = must(
        &c,
        &DescribeAutoScalingGroups {
            names: vec!["my_domain".into()],
        },
    );
    assert_eq!(g[0].desired_capacity, Some(2), "{scheme}");

    must(
        &c,
        &CreateOrUpdateTags {
            tags: vec![
                Tag::for_domain(
                    "my_domain",
                    "PHANTOM_DEFINITION",
                    "error_overflow_n_preserving",
                ),
                Tag::for_domain("my_domain", "clouds", "hotel:1,sierra:4"),
            ],
        },
    );
    must(
        &c,
        &SetDesiredCapacity {
            name: "my_domain".into(),
            desired_capacity: 0,
            honor_cooldown: None,
        },
    );
    must(
        &c,
        &DeleteAutoScalingGroup {
            name: "my_domain".into(),
            force_delete: None,
        },
    );
    assert!(must(&c, &DescribeAutoScalingGroups::default()).is_empty());
    must(
        &c,
        &DeleteLaunchConfiguration {
            name: "my_launch_config@sierra".into(),
        },
    );
    let left: Vec<String> = must(&c, &DescribeLaunchConfigurations::default())
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(left, ["my_launch_config@hotel"]);

    // A wrong secret is an authentication error in Phantom's own format.
    let wrong = client(&sim.url, scheme, "not-the-secret");
    let e = call(&wrong, &DescribeAutoScalingGroups::default()).expect_err("rejected");
    assert_eq!(
        (e.status(), e.code(), e.class()),
        (
            Some(400),
            Some("IncompleteSignature"),
            ErrorClass::Authentication
        ),
        "{scheme}"
    );
}

#[test]
fn v2_hmac_sha256_is_accepted_for_every_action() {
    run_sequence(Scheme::V2HmacSha256);
}

#[test]
fn v2_hmac_sha1_is_accepted_for_every_action() {
    run_sequence(Scheme::V2HmacSha1);
}

#[test]
fn v4_phantom_dialect_is_accepted_for_every_action() {
    run_sequence(Scheme::V4Phantom);
}

#[test]
fn standard_v4_is_not_what_phantom_reads() {
    // Phantom compares the host without its port: the AWS reading fails against it.
    let credentials = format!("{AK}:{SECRET}");
    let sim = sim::start(&["--credentials", &credentials]);
    let e = call(
        &client(&sim.url, Scheme::V4, SECRET),
        &DescribeAutoScalingGroups::default(),
    )
    .expect_err("rejected");
    // Phantom crashes on the ", " separators with a 500; it is still a signing problem.
    assert_eq!(
        (e.status(), e.class()),
        (Some(500), ErrorClass::Authentication),
        "{e}"
    );
    assert!(e.hint().contains("Phantom V4 dialect"), "{}", e.hint());
}

#[test]
fn phantom_errors_arrive_typed() {
    let credentials = format!("{AK}:{SECRET}");
    let sim = sim::start(&["--credentials", &credentials]);
    let c = client(&sim.url, Scheme::V2HmacSha256, SECRET);
    let e = call(&c, &lc("no_cloud_in_this_name")).expect_err("rejected");
    assert_eq!(
        (e.code(), e.class()),
        (Some("InvalidParameterValue"), ErrorClass::InvalidInput),
        "{e}"
    );
    let e = call(
        &client(&sim.url, Scheme::V2HmacSha256, SECRET),
        &domain("d", "hotel:4"),
    );
    assert!(
        e.is_err(),
        "a domain whose launch configuration does not exist is refused"
    );
    let unknown = Client::new(
        {
            let mut cfg = ClientConfig::new(
                Endpoint::parse(&sim.url).expect("endpoint"),
                Profile::Phantom,
            );
            cfg.connection = Connection::Direct;
            cfg
        },
        Credentials::new("NOSUCHKEY", SECRET, None).expect("credentials"),
        native::transport(),
        SystemClock,
        Box::new(|| 0.5),
    );
    let e = call(&unknown, &DescribeAutoScalingGroups::default()).expect_err("rejected");
    assert_eq!(
        (e.status(), e.code(), e.class()),
        (
            Some(403),
            Some("InvalidClientTokenId"),
            ErrorClass::Authentication
        )
    );
}

#[test]
fn a_server_clock_an_hour_ahead_is_corrected_from_its_date_header() {
    let credentials = format!("{AK}:{SECRET}");
    let sim = sim::start(&["--credentials", &credentials, "--clock-offset", "3600"]);
    for scheme in [Scheme::V2HmacSha256, Scheme::V4Phantom] {
        let c = client(&sim.url, scheme, SECRET);
        let mut attempts: Vec<Attempt> = vec![];
        let r = block_on(c.call(&DescribeAutoScalingGroups::default(), &mut |a| {
            attempts.push(a.clone())
        }));
        assert!(r.is_ok(), "{scheme}: {r:?}");
        assert_eq!(
            attempts[0].error.as_ref().map(ApiError::class),
            Some(ErrorClass::ClockSkew),
            "{scheme}"
        );
        let offset = c.clock_offset_seconds();
        assert!((3595..=3605).contains(&offset), "{scheme}: offset {offset}");
        assert!(matches!(
            attempts[0].next,
            Some(NextStep::RetryWithClockOffset(_))
        ));
    }
}

#[test]
fn forced_throttling_500s_and_resets_are_retried() {
    let credentials = format!("{AK}:{SECRET}");
    for kind in ["throttle", "500", "reset"] {
        let force = format!("SetDesiredCapacity={kind}x2");
        let sim = sim::start(&["--credentials", &credentials, "--force", &force]);
        let c = client(&sim.url, Scheme::V2HmacSha256, SECRET);
        must(&c, &lc("my_launch_config@hotel"));
        must(&c, &domain("my_domain", "hotel:4"));
        let mut attempts: Vec<Attempt> = vec![];
        let r = block_on(c.call(
            &SetDesiredCapacity {
                name: "my_domain".into(),
                desired_capacity: 1,
                honor_cooldown: None,
            },
            &mut |a| attempts.push(a.clone()),
        ));
        assert!(r.is_ok(), "{kind}: {r:?}");
        assert_eq!(attempts.len(), 3, "{kind}: {attempts:?}");
        assert!(
            attempts[..2]
                .iter()
                .all(|a| matches!(a.next, Some(NextStep::RetryAfter(_)))),
            "{kind}"
        );
        let g = must(&c, &DescribeAutoScalingGroups::default());
        assert_eq!(g[0].desired_capacity, Some(1), "{kind}");
    }
}
