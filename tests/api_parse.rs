//! Every captured moto answer (tests/data/moto/) parses to the right typed value or typed
//! error; a table below names the expectation for each file, and a guard test fails if a
//! sample is added without one.

use std::fs;
use std::path::Path;

use phantom_de::api::action::{
    CreateAutoScalingGroup, CreateLaunchConfiguration, DeleteAutoScalingGroup,
    DeleteLaunchConfiguration, DescribeAutoScalingGroups, DescribeLaunchConfigurations,
    SetDesiredCapacity,
};
use phantom_de::api::client::read_response;
use phantom_de::api::{
    Action, ApiError, AutoScalingGroup, ErrorClass, HttpResponse, LaunchConfiguration,
};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/moto");

/// A sample: the Action it answered, and the response.
struct Sample {
    action: String,
    response: HttpResponse,
}

fn header_value(comment: &str, name: &str) -> Option<String> {
    for quote in ['"', '\''] {
        let key = format!("{quote}{name}{quote}: {quote}");
        if let Some(start) = comment.find(&key) {
            let rest = &comment[start + key.len()..];
            return rest.find(quote).map(|end| rest[..end].to_string());
        }
    }
    None
}

fn load(file: &str) -> Sample {
    let text = fs::read_to_string(Path::new(DIR).join(file)).expect("sample");
    let Some(comment_end) = text.rfind("-->") else {
        // The IAM set-up captures hold only the body.
        return Sample {
            action: "(IAM)".to_string(),
            response: HttpResponse {
                status: 200,
                body: text,
                ..HttpResponse::default()
            },
        };
    };
    let body_start = comment_end + 3;
    let comments = &text[..body_start];
    let body = text[body_start..].trim_start_matches('\n').to_string();
    let action = comments
        .split(['&', '\n', '?'])
        .find_map(|p| p.strip_prefix("Action="))
        .expect("Action in the request")
        .to_string();
    let status_at = comments.rfind("HTTP ").expect("status") + 5;
    let status: u16 = comments[status_at..status_at + 3]
        .parse()
        .expect("status number");
    let mut headers = Vec::new();
    for name in ["Date", "x-amzn-requestid", "Content-Type"] {
        if let Some(v) = header_value(comments, name) {
            headers.push((name.to_string(), v));
        }
    }
    Sample {
        action,
        response: HttpResponse {
            status,
            reason: String::new(),
            headers,
            body,
        },
    }
}

/// What a sample parsed to, reduced to what the tests look at.
#[derive(Debug)]
enum Parsed {
    Done,
    LaunchConfigurations(Vec<LaunchConfiguration>),
    Groups(Vec<AutoScalingGroup>),
}

fn parse(sample: &Sample) -> Result<(Parsed, Option<String>), ApiError> {
    let r = &sample.response;
    fn unit<A: Action<Output = ()>>(
        r: &HttpResponse,
    ) -> Result<(Parsed, Option<String>), ApiError> {
        read_response::<A>(r).map(|x| (Parsed::Done, x.request_id))
    }
    match sample.action.as_str() {
        "DescribeLaunchConfigurations" => read_response::<DescribeLaunchConfigurations>(r)
            .map(|x| (Parsed::LaunchConfigurations(x.output), x.request_id)),
        "DescribeAutoScalingGroups" => read_response::<DescribeAutoScalingGroups>(r)
            .map(|x| (Parsed::Groups(x.output), x.request_id)),
        "CreateLaunchConfiguration" => unit::<CreateLaunchConfiguration>(r),
        "DeleteLaunchConfiguration" => unit::<DeleteLaunchConfiguration>(r),
        "CreateAutoScalingGroup" => unit::<CreateAutoScalingGroup>(r),
        "DeleteAutoScalingGroup" => unit::<DeleteAutoScalingGroup>(r),
        "SetDesiredCapacity" => unit::<SetDesiredCapacity>(r),
        // Unknown actions (edge_unknown_action) and IAM set-up calls: read as a plain
        // acknowledgement, which fails unless the answer is an error.
        _ => unit::<SetDesiredCapacity>(r),
    }
}

fn ok(file: &str) -> (Parsed, Option<String>) {
    match parse(&load(file)) {
        Ok(parsed) => parsed,
        Err(e) => panic!("{file}: expected success, got {e:?}"),
    }
}

fn err(file: &str) -> ApiError {
    match parse(&load(file)) {
        Ok(parsed) => panic!("{file}: expected an error, got {parsed:?}"),
        Err(e) => e,
    }
}

fn groups(file: &str) -> Vec<AutoScalingGroup> {
    match ok(file).0 {
        Parsed::Groups(g) => g,
        other => panic!("{file}: {other:?}"),
    }
}

fn assert_service(e: &ApiError, status: u16, code: Option<&str>, class: ErrorClass) {
    assert_eq!(e.status(), Some(status), "{e:?}");
    assert_eq!(e.code(), code, "{e:?}");
    assert_eq!(e.class(), class, "{e:?}");
}

#[test]
fn empty_describes() {
    for file in [
        "01_DescribeLaunchConfigurations_empty.xml",
        "az1a_01_DescribeLaunchConfigurations_empty.xml",
    ] {
        match ok(file) {
            (Parsed::LaunchConfigurations(l), Some(id)) => {
                assert!(l.is_empty());
                assert!(!id.is_empty());
            }
            other => panic!("{file}: {other:?}"),
        }
    }
    for file in [
        "05_DescribeAutoScalingGroups_empty.xml",
        "az1a_05_DescribeAutoScalingGroups_empty.xml",
        "wrapper_sigv2_good.xml",
    ] {
        assert!(groups(file).is_empty(), "{file}");
    }
}

#[test]
fn acknowledgements_carry_their_request_id() {
    for file in [
        "02_CreateLaunchConfiguration.xml",
        "03_CreateLaunchConfiguration_duplicate.xml",
        "07_CreateAutoScalingGroup.xml",
        "11_SetDesiredCapacity_0.xml",
        "az1a_02_CreateLaunchConfiguration.xml",
        "az1a_03_CreateLaunchConfiguration_duplicate.xml",
        "az1a_07_CreateAutoScalingGroup.xml",
        "az1a_09_SetDesiredCapacity_1.xml",
        "az1a_09_SetDesiredCapacity_2.xml",
        "az1a_09_SetDesiredCapacity_3.xml",
        "az1a_09_SetDesiredCapacity_4.xml",
        "az1a_11_SetDesiredCapacity_0.xml",
        "edge_asg_az_eu-west-1a.xml",
        "edge_asg_az_moon-9z.xml",
        "edge_asg_az_us-east-1.xml",
        "edge_asg_az_us-east-1a.xml",
        "edge_asg_duplicate.xml",
        "edge_asg_min_gt_max.xml",
        "edge_delete_asg_with_instances.xml",
        "edge_delete_lc_nonexistent.xml",
        "edge_lc_create.xml",
        "edge_setdesired_above_max.xml",
        "auth_05_sigv4_good.xml",
    ] {
        let sample = load(file);
        let (parsed, id) = ok(file);
        if sample.action.starts_with("Describe") {
            continue;
        }
        assert!(matches!(parsed, Parsed::Done), "{file}");
        let id = id.unwrap_or_else(|| panic!("{file}: no request id"));
        assert!(
            sample.response.body.contains(&id),
            "{file}: request id {id} not from the body"
        );
    }
}

#[test]
fn launch_configuration_fields() {
    for file in [
        "04_DescribeLaunchConfigurations.xml",
        "az1a_04_DescribeLaunchConfigurations.xml",
    ] {
        match ok(file) {
            (Parsed::LaunchConfigurations(l), _) => {
                assert_eq!(l.len(), 1);
                let lc = &l[0];
                assert_eq!(lc.name, "my_launch_config@hotel");
                assert_eq!(lc.image_id, "hello-phantom.gz");
                assert_eq!(lc.instance_type, "m1.small");
                assert_eq!(lc.key_name, "phantomkey");
                assert_eq!(lc.security_groups, ["default"]);
                assert!(
                    lc.created_time.starts_with("2026-11-24T16:0"),
                    "{}",
                    lc.created_time
                );
            }
            other => panic!("{file}: {other:?}"),
        }
    }
}

#[test]
fn domain_with_tags_and_no_instances() {
    for file in [
        "08_DescribeAutoScalingGroups.xml",
        "az1a_08_DescribeAutoScalingGroups.xml",
    ] {
        check_tutorial_domain(&groups(file), file);
    }
}

fn check_tutorial_domain(g: &[AutoScalingGroup], file: &str) {
    assert_eq!(g.len(), 1, "{file}");
    let d = &g[0];
    assert_eq!(d.name, "my_domain");
    assert_eq!(d.launch_configuration_name, "my_launch_config@hotel");
    assert_eq!(
        (d.min_size, d.max_size, d.desired_capacity),
        (Some(0), Some(0), Some(0))
    );
    assert!(
        d.availability_zones == ["us-east-1"] || d.availability_zones == ["us-east-1a"],
        "{file}"
    );
    assert!(d.instances.is_empty());
    let tags: Vec<(&str, &str)> = d
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    assert_eq!(
        tags,
        [
            ("PHANTOM_DEFINITION", "error_overflow_n_preserving"),
            ("clouds", "hotel:4,sierra:4"),
            ("minimum_vms", "0")
        ]
    );
    assert!(d.tags.iter().all(|t| t.resource_id == "my_domain"
        && t.resource_type == "auto-scaling-group"
        && t.propagate_at_launch));
}

#[test]
fn domain_with_four_running_instances() {
    let g = groups("az1a_10_DescribeAutoScalingGroups_after_set.xml");
    let d = &g[0];
    assert_eq!(d.desired_capacity, Some(4));
    assert_eq!(d.instances.len(), 4);
    assert!(d.instances.iter().all(|i| i.lifecycle_state == "InService"
        && i.health_status == "Healthy"
        && i.availability_zone == "us-east-1a"
        && i.instance_id.starts_with("i-")));
    let after_zero = groups("az1a_12_DescribeAutoScalingGroups_after_0.xml");
    assert_eq!(after_zero[0].desired_capacity, Some(0));
    // moto stores the capacity even where SetDesiredCapacity failed (zone us-east-1).
    let stored = groups("10_DescribeAutoScalingGroups_after_set.xml");
    assert_eq!(stored[0].desired_capacity, Some(4));
    assert!(stored[0].instances.is_empty());
    assert_eq!(
        groups("12_DescribeAutoScalingGroups_after_0.xml")[0].desired_capacity,
        Some(0)
    );
}

#[test]
fn several_domains_in_one_answer() {
    let g = groups("edge_no_version.xml");
    let names: Vec<&str> = g.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        ["g-moon-9z", "g-us-east-1", "g-eu-west-1a", "g-minmax"]
    );
    let minmax = &g[3];
    assert_eq!(
        (minmax.min_size, minmax.max_size, minmax.desired_capacity),
        (Some(3), Some(1), Some(3))
    );
    assert_eq!(minmax.instances.len(), 3);
    assert_eq!(
        groups("cors_post_with_origin_5000.xml")[0].name,
        "my_domain"
    );
    assert_eq!(groups("cors_post_with_origin_5001_signed.xml").len(), 0);
}

#[test]
fn moto_service_errors() {
    let e = err("06_DeleteAutoScalingGroup_nonexistent.xml");
    assert_service(&e, 400, Some("ValidationError"), ErrorClass::InvalidInput);
    assert_eq!(
        e.request_id(),
        Some("0NZ1fvlPU4qvnUHU7HrtMcr4hZIh45UJtNgS3VVru9WJ2K4iBP6J")
    );
    assert!(
        e.to_string()
            .contains("AutoScalingGroup 'my_domain' not found"),
        "{e}"
    );
    assert_service(
        &err("az1a_06_DeleteAutoScalingGroup_nonexistent.xml"),
        400,
        Some("ValidationError"),
        ErrorClass::InvalidInput,
    );
    // moto answers InvalidInput for a zone that is not a zone (us-east-1), yet stores the capacity.
    for file in [
        "09_SetDesiredCapacity_1.xml",
        "09_SetDesiredCapacity_2.xml",
        "09_SetDesiredCapacity_3.xml",
        "09_SetDesiredCapacity_4.xml",
    ] {
        let e = err(file);
        assert_service(&e, 400, Some("InvalidInput"), ErrorClass::InvalidInput);
        assert!(e.to_string().contains("No default subnet"), "{e}");
    }
    let e = err("edge_asg_no_az.xml");
    assert_service(&e, 400, Some("ValidationError"), ErrorClass::InvalidInput);
}

#[test]
fn moto_authentication_errors_in_both_shapes() {
    for file in [
        "auth_06_sigv4_bad_signature.xml",
        "auth_07_sigv4_wrong_secret.xml",
        "cors_post_with_origin_5001_badsig.xml",
    ] {
        let e = err(file);
        assert_service(
            &e,
            403,
            Some("SignatureDoesNotMatch"),
            ErrorClass::Authentication,
        );
        // The auth shape has no RequestId element; the header provides it.
        assert!(e.request_id().is_some(), "{file}");
    }
    for file in ["auth_08_sigv4_unknown_key.xml", "auth_09_dummy_sig.xml"] {
        assert_service(
            &err(file),
            403,
            Some("InvalidClientTokenId"),
            ErrorClass::Authentication,
        );
    }
    assert_service(
        &err("wrapper_sigv2_bad.xml"),
        403,
        Some("SignatureDoesNotMatch"),
        ErrorClass::Authentication,
    );
}

#[test]
fn moto_html_errors_are_typed_by_status() {
    for file in [
        "edge_asg_missing_lc.xml",
        "edge_setdesired_nonexistent.xml",
        "edge_setdesired_nonint.xml",
        "edge_unknown_action.xml",
    ] {
        let e = err(file);
        // A bare "500 Internal Server Error" page carries no error code.
        assert_service(&e, 500, None, ErrorClass::Retryable);
        assert!(e.to_string().contains("internal error"), "{file}: {e}");
    }
    let e = err("route_C_noauth_path.xml");
    assert_service(&e, 404, None, ErrorClass::Other);
}

#[test]
fn an_unsigned_request_answered_by_motos_s3_backend_is_not_mistaken_for_success() {
    for file in [
        "route_A_noauth_root.xml",
        "route_B_noauth_hostheader.xml",
        "route_D_sigv2_root.xml",
    ] {
        match err(file) {
            ApiError::UnexpectedResponse { status, detail, .. } => {
                assert_eq!(status, 200);
                assert!(
                    detail.contains("ListAllMyBucketsResult"),
                    "{file}: {detail}"
                );
            }
            other => panic!("{file}: {other:?}"),
        }
    }
}

#[test]
fn iam_setup_answers_parse_as_xml() {
    for file in [
        "auth_01_iam_CreateUser.xml",
        "auth_02_iam_CreateAccessKey.xml",
        "auth_03_iam_CreatePolicy.xml",
        "auth_04_iam_AttachUserPolicy.xml",
    ] {
        let body = load(file).response.body;
        let root =
            phantom_de::api::xml::Element::parse(&body).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(root.name.ends_with("Response"), "{file}: {}", root.name);
    }
}

#[test]
fn every_sample_has_an_expectation() {
    let source = include_str!("api_parse.rs");
    let mut missing = Vec::new();
    for entry in fs::read_dir(DIR).expect("samples") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".xml") && !source.contains(&format!("\"{name}\"")) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "samples without an expectation: {missing:?}"
    );
}
