//! The plan: the tutorial's work in rounds by default (what goes together), and what each
//! setting changes.

use phantom_de::api::action::{
    CreateAutoScalingGroup, CreateLaunchConfiguration, DeleteAutoScalingGroup,
    DescribeAutoScalingGroups, SetDesiredCapacity,
};
use phantom_de::api::{Profile, Request, Tag};
use phantom_de::engine::{example_signing, Condition, Phase, Plan, PlannedRequest};
use phantom_de::settings::{Policy, RampShape, RampStep, Settings};
use phantom_de::sign::Scheme;

fn tutorial() -> Settings {
    let mut s = Settings::tutorial_defaults();
    s.endpoint.url = "http://127.0.0.1:8445".into();
    s.credentials.access_key_id = "AKIDEXAMPLE".into();
    s
}

fn plan(s: &Settings) -> Plan {
    Plan::from_settings(s).expect("valid settings")
}

fn set(capacity: u32) -> Request {
    Request::SetDesiredCapacity(SetDesiredCapacity {
        name: "my_domain".into(),
        desired_capacity: capacity,
        honor_cooldown: None,
    })
}

fn step(
    phase: Phase,
    at_ms: Option<u64>,
    request: Request,
    condition: Option<Condition>,
) -> PlannedRequest {
    PlannedRequest {
        phase,
        at_ms,
        round: None,
        request,
        condition,
    }
}

/// `request` in the setup's round `round`.
fn in_round(round: u32, request: PlannedRequest) -> PlannedRequest {
    PlannedRequest {
        round: Some(round),
        ..request
    }
}

/// The rounds of the setup and the actions in each, in plan order.
fn rounds(p: &Plan) -> Vec<(u32, Vec<&str>)> {
    let mut out: Vec<(u32, Vec<&str>)> = Vec::new();
    for r in &p.requests {
        let Some(round) = r.round else { continue };
        match out.last_mut() {
            Some((last, actions)) if *last == round => actions.push(r.request.name()),
            _ => out.push((round, vec![r.request.name()])),
        }
    }
    out
}

fn create_lc(cloud: &str) -> PlannedRequest {
    let name = format!("my_launch_config@{cloud}");
    step(
        Phase::LaunchConfigurations,
        None,
        Request::CreateLaunchConfiguration(CreateLaunchConfiguration {
            name: name.clone(),
            image_id: "hello-phantom.gz".into(),
            instance_type: "m1.small".into(),
            key_name: Some("phantomkey".into()),
            security_groups: vec!["default".into()],
            user_data: None,
        }),
        Some(Condition::LaunchConfigurationMissing { name }),
    )
}

fn describe_domain(condition: Option<Condition>) -> PlannedRequest {
    step(
        Phase::Domain,
        None,
        Request::DescribeAutoScalingGroups(DescribeAutoScalingGroups {
            names: vec!["my_domain".into()],
        }),
        condition,
    )
}

fn find<'a>(p: &'a Plan, name: &str) -> Vec<&'a Request> {
    p.requests
        .iter()
        .map(|r| &r.request)
        .filter(|r| r.name() == name)
        .collect()
}

#[test]
fn the_default_plan_is_the_tutorial_in_rounds() {
    let tag = |k: &str, v: &str| Tag::for_domain("my_domain", k, v);
    let expected = vec![
        in_round(1, create_lc("hotel")),
        in_round(1, create_lc("sierra")),
        in_round(1, describe_domain(None)),
        in_round(
            2,
            step(
                Phase::Domain,
                None,
                Request::DeleteAutoScalingGroup(DeleteAutoScalingGroup {
                    name: "my_domain".into(),
                    force_delete: None,
                }),
                Some(Condition::DomainExists {
                    name: "my_domain".into(),
                }),
            ),
        ),
        in_round(
            3,
            describe_domain(Some(Condition::UntilDomainGone {
                name: "my_domain".into(),
            })),
        ),
        in_round(
            4,
            step(
                Phase::Domain,
                None,
                Request::CreateAutoScalingGroup(CreateAutoScalingGroup {
                    name: "my_domain".into(),
                    launch_configuration_name: "my_launch_config@hotel".into(),
                    min_size: 0,
                    max_size: 0,
                    desired_capacity: None,
                    availability_zones: vec!["us-east-1".into()],
                    tags: vec![
                        tag("PHANTOM_DEFINITION", "error_overflow_n_preserving"),
                        tag("clouds", "hotel:4,sierra:4"),
                        tag("minimum_vms", "0"),
                    ],
                }),
                None,
            ),
        ),
        step(Phase::Ramp, Some(0), set(1), None),
        step(Phase::Ramp, Some(10_000), set(2), None),
        step(Phase::Ramp, Some(20_000), set(3), None),
        step(Phase::Ramp, Some(30_000), set(4), None),
        step(Phase::End, Some(90_000), set(0), None),
    ];
    let p = plan(&tutorial());
    assert_eq!(p.requests, expected);
    assert_eq!(
        p.schedule,
        vec![(0, 1), (10_000, 2), (20_000, 3), (30_000, 4), (90_000, 0)]
    );
    assert_eq!(p.end_ms, 90_000);
    assert_eq!(p.peak(), 4);
}

#[test]
fn the_tutorial_domain_request_has_every_tag_field() {
    let p = plan(&tutorial());
    let create = find(&p, "CreateAutoScalingGroup")[0].params();
    let get = |k: &str| create.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("MinSize"), Some("0"));
    assert_eq!(get("MaxSize"), Some("0"));
    assert_eq!(get("AvailabilityZones.member.1"), Some("us-east-1"));
    assert_eq!(get("Tags.member.2.Key"), Some("clouds"));
    assert_eq!(get("Tags.member.2.Value"), Some("hotel:4,sierra:4"));
    assert_eq!(
        get("Tags.member.3.ResourceType"),
        Some("auto-scaling-group")
    );
    assert_eq!(get("Tags.member.3.PropagateAtLaunch"), Some("true"));
    assert_eq!(get("Tags.member.4.Key"), None);
}

#[test]
fn summaries_and_times_read_like_the_tutorial() {
    let p = plan(&tutorial());
    let rows: Vec<(String, String, String)> = p
        .requests
        .iter()
        .map(|r| {
            (
                r.when(),
                r.request.name().to_string(),
                r.condition
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(rows[0].2, "only if my_launch_config@hotel is missing");
    assert_eq!(rows[3].2, "only if my_domain exists");
    assert_eq!(
        rows[4].2,
        "only if my_domain existed; repeated until it is gone"
    );
    let when: Vec<&str> = rows[..6].iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        when,
        [
            "at the start",
            "at the start",
            "at the start",
            "after round 1",
            "after round 2",
            "after round 3"
        ]
    );
    assert_eq!(rows[7].0, "+10 s");
    assert_eq!(
        rows[10],
        ("+90 s".into(), "SetDesiredCapacity".into(), String::new())
    );
    assert_eq!(p.requests[7].summary(), "my_domain → 2");
    assert_eq!(
        p.requests[0].summary(),
        "my_launch_config@hotel: image hello-phantom.gz, m1.small, key phantomkey, groups default"
    );
}

#[test]
fn aws_compatible_max_size_covers_the_ramp_and_delete_is_forced() {
    let mut s = tutorial();
    s.set_profile(Profile::AwsCompatible);
    s.endpoint.url = "http://127.0.0.1:5000".into();
    s.domain.minimum_vms = "1".into();
    s.ramp.final_capacity = "1".into();
    s.ramp.peak = "6".into();
    let p = plan(&s);
    let Request::CreateAutoScalingGroup(create) = find(&p, "CreateAutoScalingGroup")[0] else {
        panic!("no create");
    };
    assert_eq!((create.min_size, create.max_size), (1, 6));
    assert_eq!(create.availability_zones, vec!["us-east-1a".to_string()]);
    let Request::DeleteAutoScalingGroup(delete) = find(&p, "DeleteAutoScalingGroup")[0] else {
        panic!("no delete");
    };
    assert_eq!(delete.force_delete, Some(true));
    let capacities: Vec<u32> = p.schedule.iter().map(|s| s.1).collect();
    assert_eq!(capacities, [1, 2, 3, 4, 5, 6, 1]);
    assert!(capacities
        .iter()
        .all(|c| *c <= create.max_size && *c >= create.min_size));
}

#[test]
fn aws_compatible_max_size_counts_explicit_steps_and_the_end() {
    let mut s = tutorial();
    s.set_profile(Profile::AwsCompatible);
    s.ramp.shape = RampShape::Steps;
    s.ramp.steps = vec![
        RampStep::new(0, 2),
        RampStep::new(5, 7),
        RampStep::new(9, 3),
    ];
    s.ramp.final_capacity = "0".into();
    let p = plan(&s);
    let Request::CreateAutoScalingGroup(create) = find(&p, "CreateAutoScalingGroup")[0] else {
        panic!("no create");
    };
    assert_eq!((create.min_size, create.max_size), (0, 7));
}

#[test]
fn sensor_mode_sends_the_sensor_keys_and_no_clouds_key() {
    let mut s = tutorial();
    s.domain.policy = Policy::SensorEngine;
    s.domain.sensor.metric = "CPUUtilization".into();
    s.domain.sensor.scale_up_threshold = "75.5".into();
    s.domain.sensor.scale_down_threshold = "10".into();
    s.domain.sensor.scale_up_n_vms = "2".into();
    s.domain.sensor.cooldown = "120".into();
    let p = plan(&s);
    let Request::CreateAutoScalingGroup(create) = find(&p, "CreateAutoScalingGroup")[0] else {
        panic!("no create");
    };
    let tags: Vec<(&str, &str)> = create
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    assert_eq!(
        tags,
        [
            ("PHANTOM_DEFINITION", "sensor_engine"),
            ("minimum_vms", "0"),
            ("metric", "CPUUtilization"),
            ("sample_function", "Average"),
            ("sensor_type", "opentsdb"),
            ("scale_up_threshold", "75.5"),
            ("scale_down_threshold", "10"),
            ("scale_up_n_vms", "2"),
            ("scale_down_n_vms", "1"),
            ("cooldown_period", "120"),
        ]
    );
    assert_eq!(create.launch_configuration_name, "my_launch_config@hotel");
    assert!(create.tags.iter().all(|t| t.resource_id == "my_domain"));
}

#[test]
fn explicit_steps_keep_their_offsets_and_the_hold_follows_the_last() {
    let mut s = tutorial();
    s.ramp.shape = RampShape::Steps;
    s.ramp.steps = vec![
        RampStep {
            offset: "0".into(),
            capacity: "2".into(),
        },
        RampStep {
            offset: "5.5".into(),
            capacity: "8".into(),
        },
        RampStep {
            offset: "20".into(),
            capacity: "3".into(),
        },
    ];
    s.ramp.hold = "10".into();
    let p = plan(&s);
    assert_eq!(
        p.schedule,
        vec![(0, 2), (5_500, 8), (20_000, 3), (30_000, 0)]
    );
    let ramp: Vec<(Option<u64>, Request)> = p
        .requests
        .iter()
        .filter(|r| r.phase == Phase::Ramp)
        .map(|r| (r.at_ms, r.request.clone()))
        .collect();
    assert_eq!(
        ramp,
        vec![
            (Some(0), set(2)),
            (Some(5_500), set(8)),
            (Some(20_000), set(3))
        ]
    );
    assert_eq!(p.requests[p.requests.len() - 1].when(), "+30 s");
}

#[test]
fn a_tutorial_shape_with_a_bigger_increment_ends_exactly_at_the_peak() {
    let mut s = tutorial();
    s.ramp.start = "1".into();
    s.ramp.increment = "3".into();
    s.ramp.peak = "8".into();
    s.ramp.interval = "2.5".into();
    s.ramp.hold = "0".into();
    assert_eq!(
        plan(&s).schedule,
        vec![(0, 1), (2_500, 4), (5_000, 7), (7_500, 8), (7_500, 0)]
    );
}

#[test]
fn the_end_can_keep_capacity_and_delete_the_domain() {
    let mut s = tutorial();
    s.ramp.final_capacity = "2".into();
    s.ramp.delete_domain = true;
    let p = plan(&s);
    let end: Vec<(Option<u64>, Request)> = p
        .requests
        .iter()
        .filter(|r| r.phase == Phase::End)
        .map(|r| (r.at_ms, r.request.clone()))
        .collect();
    assert_eq!(
        end,
        vec![
            (Some(90_000), set(2)),
            (
                None,
                Request::DeleteAutoScalingGroup(DeleteAutoScalingGroup {
                    name: "my_domain".into(),
                    force_delete: None
                })
            ),
        ]
    );
}

#[test]
fn without_replace_an_existing_domain_is_kept() {
    let mut s = tutorial();
    s.domain.replace_existing = false;
    let p = plan(&s);
    assert!(find(&p, "DeleteAutoScalingGroup").is_empty());
    let create = p
        .requests
        .iter()
        .find(|r| r.request.name() == "CreateAutoScalingGroup")
        .expect("create");
    assert_eq!(
        create.condition,
        Some(Condition::DomainMissing {
            name: "my_domain".into()
        })
    );
    assert_eq!(p.requests.len(), 9);
}

#[test]
fn launch_configuration_options_reach_the_request() {
    let mut s = tutorial();
    s.launch.key_name = String::new();
    s.launch.security_groups = " default , web ".into();
    s.launch.user_data = "#!/bin/sh\necho hi\n".into();
    s.clouds
        .push(phantom_de::settings::CloudSettings::new("alamo", 2));
    let p = plan(&s);
    let creates = find(&p, "CreateLaunchConfiguration");
    assert_eq!(creates.len(), 3);
    let params = creates[2].params();
    let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    assert!(!names.contains(&"KeyName"));
    assert!(params.contains(&(
        "LaunchConfigurationName".into(),
        "my_launch_config@alamo".into()
    )));
    assert!(params.contains(&("SecurityGroups.member.2".into(), "web".into())));
    assert!(params.contains(&("UserData".into(), "IyEvYmluL3NoCmVjaG8gaGkK".into())));
    let Request::CreateAutoScalingGroup(create) = find(&p, "CreateAutoScalingGroup")[0] else {
        panic!("no create");
    };
    assert_eq!(create.tags[1].value, "hotel:4,sierra:4,alamo:2");
}

#[test]
fn invalid_settings_give_no_plan() {
    let mut s = tutorial();
    s.ramp.peak = "9".into();
    let errors = Plan::from_settings(&s).expect_err("invalid");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "ramp.peak");
}

#[test]
fn the_plan_round_trips_through_json() {
    let p = plan(&tutorial());
    let text = serde_json::to_string(&p).expect("serialize");
    assert!(text.contains("\"phase\":\"launch-configurations\""));
    assert!(text.contains("\"kind\":\"launch-configuration-missing\""));
    let back: Plan = serde_json::from_str(&text).expect("parse");
    assert_eq!(back, p);
}

#[test]
fn the_signed_preview_is_redacted_and_fixed_in_time() {
    let s = tutorial();
    let p = plan(&s);
    let config = s.client_config().expect("endpoint");
    let create = &p.requests[5].request;
    let v2 = example_signing(&config, create, "AKIDEXAMPLE", false).expect("signs");
    assert!(
        v2.debug
            .starts_with("scheme: v2-hmac-sha256\nstring to sign:\nPOST\n127.0.0.1:8445\n/\n"),
        "{}",
        v2.debug
    );
    assert!(v2.debug.contains("AWSAccessKeyId=AKIDEXAMPLE"));
    assert!(v2.debug.contains("Timestamp=2026-01-02T03%3A04%3A05Z"));
    assert!(v2
        .debug
        .contains("Tags.member.2.Value=hotel%3A4%2Csierra%3A4"));
    assert_eq!(
        v2.target,
        "POST http://127.0.0.1:8445/ (sent to /phantom/ on this page's server)"
    );

    let mut v4s = s.clone();
    v4s.endpoint.scheme = Scheme::V4Phantom;
    let v4 = example_signing(
        &v4s.client_config().expect("endpoint"),
        &p.requests[2].request,
        "",
        true,
    )
    .expect("signs");
    assert_eq!(v4.access_key, "AKIDEXAMPLE");
    assert!(v4.debug.contains("canonical request:\nGET\n/\nAction=DescribeAutoScalingGroups&AutoScalingGroupNames.member.1=my_domain&Version=2011-01-01\nhost:127.0.0.1\n"), "{}", v4.debug);
    assert!(
        v4.debug.contains("x-amz-security-token:<redacted>"),
        "{}",
        v4.debug
    );
    assert!(v4.debug.contains("20260102T030405Z"));
    assert!(!v4.debug.contains("placeholder"));
}

#[test]
fn a_policy_plan_says_how_often_it_decides_and_what_each_tick_sends() {
    use phantom_de::report::decisions::policy_plan_text;
    let mut s = tutorial();
    s.ramp.shape = RampShape::FollowMetric;
    let p = &mut s.ramp.policy;
    p.every = "10".into();
    p.run_for = "600".into();
    p.min_capacity = "0".into();
    p.max_capacity = "8".into();
    p.metric_url = "/metrics/q.json".into();
    let planned = plan(&s).policy.expect("a policy plan");
    let text = policy_plan_text(&planned);
    assert!(
        text.starts_with("Follow a metric every 10 s for 10 min, capacity 0–8: 60 decisions from the ramp's start."),
        "{text}"
    );
    assert!(
        text.contains("reads the metric at /metrics/q.json"),
        "{text}"
    );
    assert!(!text.contains("replaces"), "{text}");
    assert!(text.ends_with("then the final capacity."), "{text}");

    // Keep healthy reads no metric and says how many it may replace; a run length that is
    // not a whole number of intervals still has its last, partial tick.
    s.ramp.shape = RampShape::KeepHealthy;
    s.ramp.policy.run_for = "65".into();
    s.ramp.policy.max_replacements = "2".into();
    s.ramp.policy.replacement_window = "300".into();
    let text = policy_plan_text(&plan(&s).policy.expect("a policy plan"));
    assert!(text.contains(": 7 decisions"), "{text}");
    assert!(!text.contains("metric at"), "{text}");
    assert!(text.contains("replaces at most 2 VMs per 5 min"), "{text}");
}

#[test]
fn the_setup_goes_in_rounds_of_requests_that_do_not_depend_on_each_other() {
    // Replace on: the creates beside the describe; delete; wait; create.
    let p = plan(&tutorial());
    let both = vec![
        "CreateLaunchConfiguration",
        "CreateLaunchConfiguration",
        "DescribeAutoScalingGroups",
    ];
    assert_eq!(
        rounds(&p),
        [
            (1, both.clone()),
            (2, vec!["DeleteAutoScalingGroup"]),
            (3, vec!["DescribeAutoScalingGroups"]),
            (4, vec!["CreateAutoScalingGroup"]),
        ]
    );
    // The ramp and the end have no round.
    assert!(p
        .requests
        .iter()
        .filter(|r| matches!(r.phase, Phase::Ramp | Phase::End))
        .all(|r| r.round.is_none()));

    // Replace off: the create right after the describe, if the domain is missing.
    let mut s = tutorial();
    s.domain.replace_existing = false;
    assert_eq!(
        rounds(&plan(&s)),
        [(1, both), (2, vec!["CreateAutoScalingGroup"])]
    );

    // Eight clouds: eight creates in the first round, still four rounds.
    let mut s = tutorial();
    s.clouds = ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .map(|c| phantom_de::settings::CloudSettings::new(c, 1))
        .collect();
    let eight = plan(&s);
    let r = rounds(&eight);
    assert_eq!(r.len(), 4);
    assert_eq!(r[0].1.len(), 9);

    // The delete at the end is one after the other, as before.
    let mut s = tutorial();
    s.ramp.delete_domain = true;
    let p = plan(&s);
    let last = p.requests.last().expect("requests");
    assert_eq!(
        (last.request.name(), last.round, last.when().as_str()),
        ("DeleteAutoScalingGroup", None, "after the previous")
    );
}

#[test]
fn a_plan_without_rounds_still_reads() {
    // A plan saved before rounds existed: every request one after the other.
    let p = plan(&tutorial());
    let mut json = serde_json::to_value(&p).expect("json");
    for r in json["requests"].as_array_mut().expect("requests") {
        r.as_object_mut().expect("object").remove("round");
    }
    let old: Plan = serde_json::from_value(json).expect("reads");
    assert!(old.requests.iter().all(|r| r.round.is_none()));
    assert_eq!(old.requests[0].when(), "after the previous");
}
