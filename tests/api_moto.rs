//! The client against moto with authentication enforced (standard SigV4, AWS-compatible
//! profile): all ten actions, and a wrong secret / unknown key classified as
//! authentication errors. Built only with `--features moto` (it needs moto from `.venv`):
//! `scripts/test python` runs it.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/moto.rs"]
mod moto;
#[path = "support/native.rs"]
mod native;

use futures::executor::block_on;
use native::{NativeTransport, SystemClock};
use phantom_de::api::action::*;
use phantom_de::api::{
    test_connection, Action, ApiError, Client, ClientConfig, Connection, ErrorClass, Profile,
    Response, Tag,
};
use phantom_de::sign::{Credentials, Endpoint};

fn client(url: &str, access_key: &str, secret: &str) -> Client<NativeTransport, SystemClock> {
    let mut config = ClientConfig::new(
        Endpoint::parse(url).expect("endpoint"),
        Profile::AwsCompatible,
    );
    config.connection = Connection::Direct;
    let credentials = Credentials::new(access_key, secret, None).expect("credentials");
    Client::new(
        config,
        credentials,
        native::transport(),
        SystemClock,
        Box::new(|| 0.5),
    )
}

fn call<A: Action>(
    c: &Client<NativeTransport, SystemClock>,
    action: &A,
) -> Result<Response<A::Output>, ApiError> {
    block_on(c.call(action, &mut |_| {}))
}

fn must<A: Action>(c: &Client<NativeTransport, SystemClock>, action: &A) -> A::Output {
    match call(c, action) {
        Ok(r) => {
            assert!(r.request_id.is_some(), "{}: no request id", A::NAME);
            r.output
        }
        Err(e) => panic!("{} failed: {e}", A::NAME),
    }
}

#[test]
fn all_ten_actions_against_moto_with_authentication_enforced() {
    let moto = moto::start();
    let c = client(&moto.url, &moto.access_key, &moto.secret_key);
    let domain = "pde_domain";
    let tag = |k: &str, v: &str| Tag::for_domain(domain, k, v);

    // 1. CreateLaunchConfiguration, and 2. DescribeLaunchConfigurations.
    must(
        &c,
        &CreateLaunchConfiguration {
            name: "my_launch_config@hotel".into(),
            image_id: "hello-phantom.gz".into(),
            instance_type: "m1.small".into(),
            key_name: Some("phantomkey".into()),
            security_groups: vec!["default".into()],
            user_data: Some("#cloud-config\n".into()),
        },
    );
    let lcs = must(
        &c,
        &DescribeLaunchConfigurations {
            names: vec!["my_launch_config@hotel".into()],
        },
    );
    assert_eq!(lcs.len(), 1);
    assert_eq!(
        (lcs[0].image_id.as_str(), lcs[0].instance_type.as_str()),
        ("hello-phantom.gz", "m1.small")
    );

    // 3. CreateAutoScalingGroup with Phantom's tags, and 5. DescribeAutoScalingGroups.
    must(
        &c,
        &CreateAutoScalingGroup {
            name: domain.into(),
            launch_configuration_name: "my_launch_config@hotel".into(),
            min_size: 0,
            max_size: 4,
            desired_capacity: Some(0),
            availability_zones: vec!["us-east-1a".into()],
            tags: vec![
                tag("PHANTOM_DEFINITION", "error_overflow_n_preserving"),
                tag("clouds", "hotel:4,sierra:4"),
                tag("minimum_vms", "0"),
            ],
        },
    );
    let groups = must(
        &c,
        &DescribeAutoScalingGroups {
            names: vec![domain.into()],
        },
    );
    assert_eq!(groups.len(), 1);
    assert_eq!((groups[0].min_size, groups[0].max_size), (Some(0), Some(4)));
    assert_eq!(groups[0].tags.len(), 3);

    // 4. SetDesiredCapacity: moto starts instances.
    must(
        &c,
        &SetDesiredCapacity {
            name: domain.into(),
            desired_capacity: 2,
            honor_cooldown: None,
        },
    );
    let groups = must(
        &c,
        &DescribeAutoScalingGroups {
            names: vec![domain.into()],
        },
    );
    assert_eq!(groups[0].desired_capacity, Some(2));
    assert_eq!(groups[0].instances.len(), 2);

    // 6. CreateOrUpdateTags.
    must(
        &c,
        &CreateOrUpdateTags {
            tags: vec![tag("clouds", "hotel:2,sierra:4")],
        },
    );
    let groups = must(
        &c,
        &DescribeAutoScalingGroups {
            names: vec![domain.into()],
        },
    );
    assert!(groups[0]
        .tags
        .iter()
        .any(|t| t.key == "clouds" && t.value == "hotel:2,sierra:4"));

    // 7. DescribeAutoScalingInstances.
    let instances = must(&c, &DescribeAutoScalingInstances::default());
    assert_eq!(instances.len(), 2);
    assert!(instances.iter().all(|i| i.group_name == domain));

    // 8. TerminateInstanceInAutoScalingGroup, decrementing the capacity.
    let victim = instances[0].instance.instance_id.clone();
    must(
        &c,
        &TerminateInstanceInAutoScalingGroup {
            instance_id: victim,
            should_decrement_desired_capacity: true,
        },
    );
    let groups = must(
        &c,
        &DescribeAutoScalingGroups {
            names: vec![domain.into()],
        },
    );
    assert_eq!(groups[0].desired_capacity, Some(1));

    // 9. DeleteAutoScalingGroup (with instances: ForceDelete), 10. DeleteLaunchConfiguration.
    must(
        &c,
        &DeleteAutoScalingGroup {
            name: domain.into(),
            force_delete: Some(true),
        },
    );
    assert!(must(
        &c,
        &DescribeAutoScalingGroups {
            names: vec![domain.into()]
        }
    )
    .is_empty());
    must(
        &c,
        &DeleteLaunchConfiguration {
            name: "my_launch_config@hotel".into(),
        },
    );
    assert!(must(&c, &DescribeLaunchConfigurations::default()).is_empty());
}

#[test]
fn a_wrong_secret_and_an_unknown_key_are_authentication_errors() {
    let moto = moto::start();
    let wrong = client(&moto.url, &moto.access_key, "not-the-secret-at-all");
    let e = call(&wrong, &DescribeAutoScalingGroups::default()).expect_err("rejected");
    assert_eq!(
        (e.status(), e.code(), e.class()),
        (
            Some(403),
            Some("SignatureDoesNotMatch"),
            ErrorClass::Authentication
        )
    );
    assert!(!e.to_string().contains("not-the-secret-at-all"));

    let unknown = client(&moto.url, "AKIDUNKNOWN00000000", &moto.secret_key);
    let e = call(&unknown, &DescribeAutoScalingGroups::default()).expect_err("rejected");
    assert_eq!(
        (e.code(), e.class()),
        (Some("InvalidClientTokenId"), ErrorClass::Authentication)
    );

    // The right credentials still work on the same server: the connection test counts.
    let right = client(&moto.url, &moto.access_key, &moto.secret_key);
    must(
        &right,
        &CreateLaunchConfiguration {
            name: "probe@hotel".into(),
            image_id: "img".into(),
            instance_type: "m1.small".into(),
            key_name: None,
            security_groups: vec![],
            user_data: None,
        },
    );
    let report = block_on(test_connection(&right, &mut |_| {})).expect("connects");
    assert_eq!((report.launch_configurations, report.domains), (1, 0));
    assert_eq!(
        report.summary(),
        "Connected: 1 launch configuration and 0 domains exist."
    );
    let e = block_on(test_connection(&wrong, &mut |_| {})).expect_err("rejected");
    assert_eq!(e.class(), ErrorClass::Authentication);
}
