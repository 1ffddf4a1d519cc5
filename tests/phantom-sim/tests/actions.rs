//! The ten actions over real HTTP: happy paths, Phantom's errors, name@cloud
//! launch configurations, tag policies, placement, lifecycle, scale-down.

mod common;
use common::*;
use std::time::Duration;

fn child_names(member: &str) -> Vec<String> {
    // Names of the direct children of a <member> body (flat scan).
    let mut out = Vec::new();
    let mut depth = 0;
    let mut rest = member;
    while let Some(i) = rest.find('<') {
        let tail = &rest[i + 1..];
        let end = tail.find('>').unwrap();
        let t = &tail[..end];
        if let Some(_close) = t.strip_prefix('/') {
            depth -= 1;
        } else if let Some(name) = t.strip_suffix('/') {
            if depth == 0 {
                out.push(name.to_string());
            }
        } else {
            if depth == 0 {
                out.push(t.to_string());
            }
            depth += 1;
        }
        rest = &tail[end + 1..];
    }
    out
}

fn first_member(body: &str, list: &str) -> String {
    let l = tag(body, list).unwrap();
    let start = l.find("<member>").unwrap() + "<member>".len();
    let mut depth = 1;
    let mut pos = start;
    loop {
        let open = l[pos..].find("<member>").map(|i| i + pos);
        let close = l[pos..].find("</member>").map(|i| i + pos).unwrap();
        match open {
            Some(o) if o < close => {
                depth += 1;
                pos = o + "<member>".len();
            }
            _ => {
                depth -= 1;
                if depth == 0 {
                    return l[start..close].to_string();
                }
                pos = close + "</member>".len();
            }
        }
    }
}

fn describe_lcs(port: u16, names: &[&str]) -> Resp {
    let keys: Vec<String> = (1..=names.len())
        .map(|i| format!("LaunchConfigurationNames.member.{i}"))
        .collect();
    let mut p: Vec<(&str, &str)> = vec![("Action", "DescribeLaunchConfigurations")];
    for (k, v) in keys.iter().zip(names) {
        p.push((k.as_str(), v));
    }
    call(port, &p)
}

#[test]
fn launch_configurations_name_at_cloud() {
    let sim = start(&[]);
    let port = sim.port;
    assert_eq!(create_lc(port, "my_launch_config@sierra").status, 200);
    let r = create_lc(port, "my_launch_config@hotel");
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with(
        "<CreateLaunchConfigurationResponse xmlns=\"http://autoscaling.amazonaws.com/doc/2009-05-15/\">\n\t<ResponseMetadata>\n\t\t<RequestId>"
    ));
    assert!(r
        .body
        .ends_with("</RequestId>\n\t</ResponseMetadata>\n</CreateLaunchConfigurationResponse>\n"));
    assert_eq!(create_lc(port, "other@hotel").status, 200);

    let r = describe_lcs(port, &[]);
    assert_eq!(
        tags(&r.body, "LaunchConfigurationName"),
        [
            "my_launch_config@hotel",
            "my_launch_config@sierra",
            "other@hotel"
        ]
    );
    let m = first_member(&r.body, "LaunchConfigurations");
    assert_eq!(
        child_names(&m),
        [
            "LaunchConfigurationARN",
            "InstanceMonitoring",
            "CreatedTime",
            "BlockDeviceMappings",
            "LaunchConfigurationName",
            "KernelId",
            "RamdiskId",
            "UserData",
            "ImageId",
            "KeyName",
            "SecurityGroups",
            "InstanceType"
        ]
    );
    assert_eq!(tag(&m, "KeyName").unwrap(), "phantomkey");
    assert!(
        m.contains("<SecurityGroups/>") && m.contains("<KernelId/>") && m.contains("<UserData/>")
    );
    assert!(m.contains("<InstanceMonitoring><Enabled>False</Enabled></InstanceMonitoring>"));
    assert_eq!(tag(&m, "ImageId").unwrap(), "hello-phantom.gz");
    assert!(tag(&m, "CreatedTime").unwrap().ends_with(".000000Z"));
    assert!(tag(&m, "LaunchConfigurationARN")
        .unwrap()
        .starts_with("arn:phantom:autoscaling:AZ:000000000000:launchConfiguration:"));

    // Filter by name.
    let r = describe_lcs(port, &["my_launch_config@sierra", "nope@x"]);
    assert_eq!(
        tags(&r.body, "LaunchConfigurationName"),
        ["my_launch_config@sierra"]
    );

    // Same name@cloud twice.
    let r = create_lc(port, "my_launch_config@hotel");
    assert_eq!(
        (r.status, r.reason.as_str()),
        (400, "InvalidParameterValue")
    );
    assert!(
        r.body.ends_with("\n\n Name already in use  "),
        "{:?}",
        r.body
    );
    // No @.
    let r = create_lc(port, "my_launch_config");
    assert_eq!(r.reason, "InvalidParameterValue");
    assert!(
        r.body
            .contains("is not in the proper format.  It must be @"),
        "{}",
        r.body
    );

    // Delete removes that cloud only.
    let del = |name: &str| {
        call(
            port,
            &[
                ("Action", "DeleteLaunchConfiguration"),
                ("LaunchConfigurationName", name),
            ],
        )
    };
    assert_eq!(del("my_launch_config@hotel").status, 200);
    let r = describe_lcs(port, &[]);
    assert_eq!(
        tags(&r.body, "LaunchConfigurationName"),
        ["my_launch_config@sierra", "other@hotel"]
    );
    let r = del("my_launch_config@hotel");
    assert_eq!(r.reason, "InvalidParameterValue");
    assert!(r.body.contains("Name my_launch_config@hotel not found"));
    assert_eq!(del("nothing").reason, "InvalidParameterValue");

    // MissingParameter names the parameter.
    let r = call(
        port,
        &[
            ("Action", "CreateLaunchConfiguration"),
            ("LaunchConfigurationName", "x@y"),
            ("ImageId", "i"),
        ],
    );
    assert_eq!((r.status, r.reason.as_str()), (400, "MissingParameter"));
    assert!(r.body.contains("parameter InstanceType missing"));
}

#[test]
fn launch_configuration_user_data() {
    let sim = start(&[]);
    let mk = |name: &str, ud: &str| {
        call(
            sim.port,
            &[
                ("Action", "CreateLaunchConfiguration"),
                ("LaunchConfigurationName", name),
                ("ImageId", "img"),
                ("InstanceType", "m1.small"),
                ("UserData", ud),
            ],
        )
    };
    assert_eq!(mk("u@a", "aGVsbG8=").status, 200);
    let r = mk("u@b", "aGVsbG8");
    assert_eq!(r.reason, "InvalidParameterValue");
    assert!(r.body.contains("UserData should be base64-encoded"));
    let r = describe_lcs(sim.port, &["u@a"]);
    assert_eq!(tag(&r.body, "UserData").unwrap(), "aGVsbG8=");
}

fn domain_member(port: u16, name: &str) -> String {
    let r = call(
        port,
        &[
            ("Action", "DescribeAutoScalingGroups"),
            ("AutoScalingGroupNames.member.1", name),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    first_member(&r.body, "AutoScalingGroups")
}

#[test]
fn domains_create_describe_delete() {
    let sim = start(&["--control", "--boot-seconds", "0"]);
    let port = sim.port;
    create_lc(port, "my_launch_config@hotel");
    create_lc(port, "my_launch_config@sierra");
    let r = create_domain(
        port,
        "my_domain",
        "my_launch_config@hotel",
        "hotel:4,sierra:4",
        "0",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.starts_with("<CreateAutoScalingGroupResponse xmlns="));

    let r = call(port, &[("Action", "DescribeAutoScalingGroups")]);
    assert!(r.body.starts_with("<DescribeAutoScalingGroupsResponse xmlns=\"http://autoscaling.amazonaws.com/doc/2009-05-15/\"><ResponseMetadata>"));
    assert!(
        r.body.find("</ResponseMetadata>").unwrap()
            < r.body.find("<DescribeAutoScalingGroupsResult>").unwrap()
    );
    let m = first_member(&r.body, "AutoScalingGroups");
    assert_eq!(
        child_names(&m),
        [
            "Status",
            "AutoScalingGroupARN",
            "VPCZoneIdentifier",
            "HealthCheckGracePeriod",
            "PlacementGroup",
            "DesiredCapacity",
            "Tags",
            "EnabledMetrics",
            "LoadBalancerNames",
            "AutoScalingGroupName",
            "MinSize",
            "Instances",
            "MaxSize",
            "Cooldown",
            "LaunchConfigurationName",
            "CreatedTime",
            "SuspendedProcesses",
            "AvailabilityZones",
            "HealthCheckType"
        ]
    );
    assert!(
        m.contains("<Tags/>") && m.contains("<AvailabilityZones/>") && m.contains("<Instances/>")
    );
    assert_eq!(
        tag(&m, "LaunchConfigurationName").unwrap(),
        "my_launch_config"
    );
    assert_eq!(tag(&m, "DesiredCapacity").unwrap(), "0");
    assert_eq!(tag(&m, "MinSize").unwrap(), "0");
    assert_eq!(tag(&m, "MaxSize").unwrap(), "0");

    // Duplicate name.
    let r = create_domain(port, "my_domain", "my_launch_config@hotel", "hotel:4", "0");
    assert_eq!(r.reason, "InvalidParameterValue");
    assert!(r.body.contains("auto scale name already exists"));

    // MinSize/MaxSize override the minimum_vms tag; DesiredCapacity is ignored.
    let r = call(
        port,
        &[
            ("Action", "CreateAutoScalingGroup"),
            ("AutoScalingGroupName", "d2"),
            ("LaunchConfigurationName", "my_launch_config"),
            ("MinSize", "2"),
            ("MaxSize", "3"),
            ("DesiredCapacity", "3"),
            ("AvailabilityZones.member.1", "us-east-1"),
            ("Tags.member.1.Key", "PHANTOM_DEFINITION"),
            ("Tags.member.1.Value", "error_overflow_n_preserving"),
            ("Tags.member.1.ResourceId", "d2"),
            ("Tags.member.1.ResourceType", "auto-scaling-group"),
            ("Tags.member.1.PropagateAtLaunch", "true"),
            ("Tags.member.2.Key", "clouds"),
            ("Tags.member.2.Value", "sierra:-1"),
            ("Tags.member.2.ResourceId", "d2"),
            ("Tags.member.2.ResourceType", "auto-scaling-group"),
            ("Tags.member.2.PropagateAtLaunch", "true"),
            ("Tags.member.3.Key", "minimum_vms"),
            ("Tags.member.3.Value", "7"),
            ("Tags.member.3.ResourceId", "d2"),
            ("Tags.member.3.ResourceType", "auto-scaling-group"),
            ("Tags.member.3.PropagateAtLaunch", "true"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let m = domain_member(port, "d2");
    assert_eq!(tag(&m, "DesiredCapacity").unwrap(), "2");
    assert_eq!(tag(&m, "MaxSize").unwrap(), "3");
    assert_eq!(instances(port, "d2").len(), 2);
    let st = control_json(port, "/__sim/state");
    let d2 = st["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "d2")
        .unwrap();
    assert_eq!(d2["MinSize"], 2);
    assert_eq!(d2["desired_capacity_param"], 3);
    assert_eq!(d2["tags"].as_array().unwrap().len(), 3);
    assert_eq!(d2["config"]["clouds"][0]["site_name"], "sierra");

    // Delete with VMs terminates them.
    let r = call(
        port,
        &[
            ("Action", "DeleteAutoScalingGroup"),
            ("AutoScalingGroupName", "d2"),
        ],
    );
    assert_eq!(r.status, 200);
    let r = call(port, &[("Action", "DescribeAutoScalingGroups")]);
    assert_eq!(tags(&r.body, "AutoScalingGroupName"), ["my_domain"]);
    let st = control_json(port, "/__sim/state");
    let detached = st["detached_instances"].as_array().unwrap();
    assert_eq!(detached.len(), 2);
    assert!(detached.iter().all(|i| i["state"] == "800-TERMINATING"));
    // Deleting an unknown domain is fine (EPUM ignores it).
    assert_eq!(
        call(
            port,
            &[
                ("Action", "DeleteAutoScalingGroup"),
                ("AutoScalingGroupName", "zz")
            ]
        )
        .status,
        200
    );
}

fn asg_with_tags(port: u16, name: &str, tags: &[(&str, &str)]) -> Resp {
    let mut owned: Vec<(String, String)> = vec![
        ("Action".into(), "CreateAutoScalingGroup".into()),
        ("AutoScalingGroupName".into(), name.into()),
        ("LaunchConfigurationName".into(), "lc@hotel".into()),
        ("MinSize".into(), "0".into()),
        ("MaxSize".into(), "0".into()),
        ("AvailabilityZones.member.1".into(), "us-east-1".into()),
    ];
    for (i, (k, v)) in tags.iter().enumerate() {
        let n = i + 1;
        owned.push((format!("Tags.member.{n}.Key"), k.to_string()));
        owned.push((format!("Tags.member.{n}.Value"), v.to_string()));
        owned.push((format!("Tags.member.{n}.ResourceId"), name.to_string()));
        owned.push((
            format!("Tags.member.{n}.ResourceType"),
            "auto-scaling-group".to_string(),
        ));
        owned.push((
            format!("Tags.member.{n}.PropagateAtLaunch"),
            "true".to_string(),
        ));
    }
    let refs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    call(port, &refs)
}

#[test]
fn tag_validation_per_policy() {
    let sim = start(&[]);
    let port = sim.port;
    create_lc(port, "lc@hotel");
    let ok = |name: &str, tags: &[(&str, &str)]| {
        let r = asg_with_tags(port, name, tags);
        assert_eq!(r.status, 200, "{name}: {}", r.body);
    };
    let bad = |name: &str, tags: &[(&str, &str)], detail: &str| {
        let r = asg_with_tags(port, name, tags);
        assert_eq!(
            (r.status, r.reason.as_str()),
            (400, "InvalidParameterValue"),
            "{name}: {}",
            r.body
        );
        assert!(r.body.contains(detail), "{name}: {}", r.body);
    };
    let eo = ("PHANTOM_DEFINITION", "error_overflow_n_preserving");
    ok(
        "eo_full",
        &[
            eo,
            ("clouds", "hotel:4,sierra:-1"),
            ("minimum_vms", "1"),
            ("maximum_vms", "3"),
            ("cooldown_period", "0"),
            ("scale_up_threshold", "0.5"),
            ("scale_down_threshold", "1e-1"),
            ("scale_up_n_vms", "1"),
            ("scale_down_n_vms", "1"),
            ("metric", "cpu"),
            ("sample_function", "Average"),
            ("sensor_type", "opentsdb"),
            ("phantom_de_name", "sensor"),
            ("monitor_sensors", "cpu,mem"),
            ("monitor_domain_sensors", "queue"),
        ],
    );
    bad(
        "eo_unknown",
        &[eo, ("clouds", "hotel:1"), ("flavor", "x")],
        "error_overflow_n_preserving does not take a parameter of flavor",
    );
    bad(
        "eo_int",
        &[eo, ("clouds", "hotel:1"), ("minimum_vms", "two")],
        "The tag minimum_vms has a value two that could not be understood",
    );
    bad(
        "eo_float",
        &[eo, ("clouds", "hotel:1"), ("scale_up_threshold", "high")],
        "The tag scale_up_threshold has a value high",
    );
    // WebOb's plain-text page strips anything that looks like a tag.
    bad(
        "eo_clouds",
        &[eo, ("clouds", "hotel")],
        "The format is :.  You sent hotel",
    );
    bad(
        "eo_clouds2",
        &[eo, ("clouds", "hotel:many")],
        "You sent hotel:many",
    );

    let se = ("PHANTOM_DEFINITION", "sensor_engine");
    ok(
        "se_ok",
        &[
            se,
            ("minimum_vms", "1"),
            ("iaas_allocation", "m1.large"),
            ("metric", "cpu"),
        ],
    );
    bad(
        "se_clouds",
        &[se, ("clouds", "hotel:1")],
        "sensor_engine does not take a parameter of clouds",
    );
    bad(
        "se_mds",
        &[se, ("monitor_domain_sensors", "x")],
        "does not take a parameter of monitor_domain_sensors",
    );

    // Default policy takes no keys.
    bad(
        "default",
        &[("minimum_vms", "1")],
        "single_site_n_preserving does not take a parameter of minimum_vms",
    );
    ok("default_ok", &[]);
    ok(
        "test_ok",
        &[
            ("PHANTOM_DEFINITION", "test"),
            ("number", "4"),
            ("string", "s"),
        ],
    );
    ok(
        "ms_ok",
        &[
            ("PHANTOM_DEFINITION", "multi_site_n_preserving"),
            ("cloud", "hotel:2"),
        ],
    );
    bad(
        "unknown_def",
        &[("PHANTOM_DEFINITION", "nope")],
        "nope is an unknown definition type",
    );

    // A tag with one of the five fields missing: 500.
    let r = call(
        port,
        &[
            ("Action", "CreateAutoScalingGroup"),
            ("AutoScalingGroupName", "t"),
            ("LaunchConfigurationName", "lc@hotel"),
            ("MinSize", "0"),
            ("MaxSize", "0"),
            ("AvailabilityZones.member.1", "us-east-1"),
            ("Tags.member.1.Key", "PHANTOM_DEFINITION"),
            ("Tags.member.1.Value", "error_overflow_n_preserving"),
            ("Tags.member.1.ResourceId", "t"),
        ],
    );
    assert_eq!((r.status, r.reason.as_str()), (500, "InternalFailure"));
    // AvailabilityZones is required.
    let r = call(
        port,
        &[
            ("Action", "CreateAutoScalingGroup"),
            ("AutoScalingGroupName", "t"),
            ("LaunchConfigurationName", "lc@hotel"),
            ("MinSize", "0"),
            ("MaxSize", "0"),
        ],
    );
    assert_eq!(r.reason, "MissingParameter");
    assert!(r.body.contains("parameter AvailabilityZones missing"));
    // The launch configuration must exist.
    let r = call(
        port,
        &[
            ("Action", "CreateAutoScalingGroup"),
            ("AutoScalingGroupName", "t"),
            ("LaunchConfigurationName", "nolc@hotel"),
            ("MinSize", "0"),
            ("MaxSize", "0"),
            ("AvailabilityZones.member.1", "us-east-1"),
        ],
    );
    assert_eq!(r.reason, "InvalidParameterValue");
    // A non-integer MinSize is a Python ValueError: 500.
    let r = call(
        port,
        &[
            ("Action", "CreateAutoScalingGroup"),
            ("AutoScalingGroupName", "t"),
            ("LaunchConfigurationName", "lc@hotel"),
            ("MinSize", "zero"),
            ("MaxSize", "0"),
            ("AvailabilityZones.member.1", "us-east-1"),
        ],
    );
    assert_eq!(r.status, 500);
    assert!(r
        .body
        .contains("invalid literal for int() with base 10: 'zero'"));
}

fn clouds_of(v: &[(String, String, String)]) -> Vec<String> {
    v.iter()
        .filter(|i| i.1[..3].parse::<u32>().unwrap() <= 600)
        .map(|i| i.0.clone())
        .collect()
}

#[test]
fn placement_in_rank_order_with_capacity_overflow() {
    let sim = start(&["--boot-seconds", "0"]);
    let port = sim.port;
    create_lc(port, "my_launch_config@hotel");
    create_lc(port, "my_launch_config@sierra");
    create_domain(
        port,
        "my_domain",
        "my_launch_config@hotel",
        "hotel:4,sierra:4",
        "0",
    );
    for n in ["1", "2", "3", "4"] {
        assert_eq!(set_capacity(port, "my_domain", n).status, 200);
    }
    assert_eq!(clouds_of(&instances(port, "my_domain")), ["hotel"; 4]);
    set_capacity(port, "my_domain", "6");
    let c = clouds_of(&instances(port, "my_domain"));
    assert_eq!(c.iter().filter(|c| *c == "hotel").count(), 4);
    assert_eq!(c.iter().filter(|c| *c == "sierra").count(), 2);
    // Both clouds full: no more than 8.
    set_capacity(port, "my_domain", "10");
    assert_eq!(clouds_of(&instances(port, "my_domain")).len(), 8);
    assert_eq!(
        tag(&domain_member(port, "my_domain"), "DesiredCapacity").unwrap(),
        "10"
    );

    let capped = start(&["--boot-seconds", "0", "--cloud-capacity", "hotel=2"]);
    let port = capped.port;
    create_lc(port, "my_launch_config@hotel");
    create_lc(port, "my_launch_config@sierra");
    create_domain(
        port,
        "my_domain",
        "my_launch_config@hotel",
        "hotel:4,sierra:4",
        "0",
    );
    for n in ["1", "2", "3", "4"] {
        set_capacity(port, "my_domain", n);
    }
    let c = clouds_of(&instances(port, "my_domain"));
    assert_eq!(c, ["hotel", "hotel", "sierra", "sierra"]);
}

#[test]
fn boot_progression_and_describe_instances() {
    let sim = start(&["--boot-seconds", "3"]);
    let port = sim.port;
    create_lc(port, "lc@hotel");
    create_domain(port, "d", "lc@hotel", "hotel:-1", "0");
    set_capacity(port, "d", "1");
    let v = instances(port, "d");
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].1.as_str(), v[0].2.as_str()), ("200-REQUESTED", ""));
    let r = call(port, &[("Action", "DescribeAutoScalingGroups")]);
    assert!(r.body.contains("<InstanceId></InstanceId>"));
    assert!(r.body.contains("<HealthStatus>Healthy</HealthStatus>"));
    // Not yet in DescribeAutoScalingInstances (no cloud id yet).
    let r = call(port, &[("Action", "DescribeAutoScalingInstances")]);
    assert!(r.body.starts_with("<DescribeAutoScalingInstances xmlns=\"http://autoscaling.amazonaws.com/doc/2009-05-15/\"><ResponseMetadata>"));
    assert!(r.body.contains("<AutoScalingInstances/>"));
    assert!(wait_until(Duration::from_secs(5), || instances(port, "d")
        [0]
    .1 == "400-PENDING"));
    let v = instances(port, "d");
    assert!(v[0].2.starts_with("i-"));
    let r = call(port, &[("Action", "DescribeAutoScalingInstances")]);
    let m = first_member(&r.body, "AutoScalingInstances");
    assert_eq!(
        child_names(&m),
        [
            "AvailabilityZone",
            "InstanceId",
            "AutoScalingGroupName",
            "HealthStatus",
            "LifecycleState",
            "LaunchConfigurationName"
        ]
    );
    assert_eq!(tag(&m, "AvailabilityZone").unwrap(), "hotel");
    assert_eq!(tag(&m, "LaunchConfigurationName").unwrap(), "lc");
    assert!(wait_until(Duration::from_secs(5), || instances(port, "d")
        [0]
    .1 == "600-RUNNING"));
    // Filter by InstanceIds.
    let r = call(
        port,
        &[
            ("Action", "DescribeAutoScalingInstances"),
            ("InstanceIds.member.1", "i-nothere"),
        ],
    );
    assert!(r.body.contains("<AutoScalingInstances/>"));
    let r = call(
        port,
        &[
            ("Action", "DescribeAutoScalingInstances"),
            ("InstanceIds.member.1", &v[0].2),
        ],
    );
    assert_eq!(tags(&r.body, "InstanceId"), [v[0].2.clone()]);
}

#[test]
fn scale_down_lowest_rank_first_then_terminated_then_gone() {
    let sim = start(&[
        "--boot-seconds",
        "0",
        "--terminate-seconds",
        "1",
        "--linger-seconds",
        "1",
    ]);
    let port = sim.port;
    create_lc(port, "lc@hotel");
    create_lc(port, "lc@sierra");
    create_domain(port, "d", "lc@hotel", "hotel:2,sierra:4", "0");
    set_capacity(port, "d", "5");
    let v = instances(port, "d");
    assert_eq!(v.iter().filter(|i| i.0 == "sierra").count(), 3);
    set_capacity(port, "d", "1");
    let v = instances(port, "d");
    let healthy: Vec<_> = v.iter().filter(|i| i.1 == "600-RUNNING").collect();
    assert_eq!(healthy.len(), 1);
    assert_eq!(healthy[0].0, "hotel");
    let dying: Vec<_> = v.iter().filter(|i| i.1 == "800-TERMINATING").collect();
    assert_eq!(dying.len(), 4);
    assert_eq!(dying.iter().filter(|i| i.0 == "sierra").count(), 3);
    let r = call(port, &[("Action", "DescribeAutoScalingGroups")]);
    assert_eq!(
        r.body
            .matches("<HealthStatus>Unhealthy</HealthStatus>")
            .count(),
        4
    );
    assert!(wait_until(Duration::from_secs(5), || instances(port, "d")
        .iter()
        .filter(|i| i.1 == "900-TERMINATED")
        .count()
        == 4));
    assert!(wait_until(Duration::from_secs(5), || instances(port, "d")
        .len()
        == 1));
}

#[test]
fn terminate_instance_with_and_without_decrement() {
    let sim = start(&["--boot-seconds", "0", "--control"]);
    let port = sim.port;
    create_lc(port, "lc@hotel");
    create_domain(port, "d", "lc@hotel", "hotel:-1", "0");
    set_capacity(port, "d", "3");
    let v = instances(port, "d");
    let term = |id: &str, dec: &str| {
        call(
            port,
            &[
                ("Action", "TerminateInstanceInAutoScalingGroup"),
                ("InstanceId", id),
                ("ShouldDecrementDesiredCapacity", dec),
            ],
        )
    };
    // Decrement ("TRUE" is true): size 2, the VM is not replaced.
    let r = term(&v[0].2, "TRUE");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r
        .body
        .starts_with("<TerminateInstanceInAutoScalingGroupResponse"));
    assert_eq!(
        tag(&domain_member(port, "d"), "DesiredCapacity").unwrap(),
        "2"
    );
    let v2 = instances(port, "d");
    assert_eq!(v2.iter().filter(|i| i.1 == "600-RUNNING").count(), 2);
    assert_eq!(
        v2.iter().find(|i| i.2 == v[0].2).unwrap().1,
        "800-TERMINATING"
    );
    // No decrement ("yes" is false): replaced.
    let r = term(&v[1].2, "yes");
    assert_eq!(r.status, 200);
    assert_eq!(
        tag(&domain_member(port, "d"), "DesiredCapacity").unwrap(),
        "2"
    );
    let v3 = instances(port, "d");
    assert_eq!(v3.iter().filter(|i| i.1 == "600-RUNNING").count(), 2);
    assert_eq!(v3.len(), 4);
    // Unknown id.
    let r = term("i-00000000", "false");
    assert_eq!(r.reason, "InvalidParameterValue");
    assert!(r
        .body
        .contains("There is no domain associated with that instnace id"));
    let r = call(
        port,
        &[
            ("Action", "TerminateInstanceInAutoScalingGroup"),
            ("InstanceId", "x"),
        ],
    );
    assert_eq!(r.reason, "MissingParameter");
}

#[test]
fn set_desired_capacity_and_tags_reconfigure() {
    let sim = start(&["--boot-seconds", "0", "--control"]);
    let port = sim.port;
    create_lc(port, "lc@hotel");
    create_lc(port, "lc@sierra");
    create_domain(port, "d", "lc@hotel", "hotel:1", "0");
    // Unknown domain: the EPUM error surfaces as a 500.
    let r = set_capacity(port, "nope", "1");
    assert_eq!((r.status, r.reason.as_str()), (500, "InternalFailure"));
    assert!(r.body.contains("Domain does not exist: nope"));
    let r = set_capacity(port, "d", "x");
    assert_eq!(r.status, 500);

    let tagged = |tags: &[(&str, &str)]| {
        let mut owned: Vec<(String, String)> = vec![("Action".into(), "CreateOrUpdateTags".into())];
        for (i, (k, v)) in tags.iter().enumerate() {
            let n = i + 1;
            owned.push((format!("Tags.member.{n}.Key"), k.to_string()));
            owned.push((format!("Tags.member.{n}.Value"), v.to_string()));
            owned.push((format!("Tags.member.{n}.ResourceId"), "d".to_string()));
            owned.push((
                format!("Tags.member.{n}.ResourceType"),
                "auto-scaling-group".to_string(),
            ));
            owned.push((
                format!("Tags.member.{n}.PropagateAtLaunch"),
                "true".to_string(),
            ));
        }
        let refs: Vec<(&str, &str)> = owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        call(port, &refs)
    };
    // Without PHANTOM_DEFINITION the keys are checked against the default.
    let r = tagged(&[("minimum_vms", "2")]);
    assert_eq!(r.reason, "InvalidParameterValue");
    assert!(r
        .body
        .contains("single_site_n_preserving does not take a parameter of minimum_vms"));
    // With it: hotel holds 1, the second VM overflows to the new sierra.
    let r = tagged(&[
        ("PHANTOM_DEFINITION", "error_overflow_n_preserving"),
        ("clouds", "hotel:1,sierra:2"),
        ("minimum_vms", "2"),
        ("maximum_vms", "2"),
    ]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.starts_with("<CreateOrUpdateTagsResponse"));
    let v = instances(port, "d");
    assert_eq!(clouds_of(&v), ["hotel", "sierra"]);
    assert_eq!(
        tag(&domain_member(port, "d"), "DesiredCapacity").unwrap(),
        "2"
    );
    let st = control_json(port, "/__sim/state");
    let d = &st["domains"][0];
    let clouds_tag = d["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "clouds")
        .unwrap();
    assert_eq!(clouds_tag["value"], "hotel:1,sierra:2");
    assert_eq!(d["config"]["minimum_vms"], 2);
    // Tags for an unknown domain: 500.
    let r = call(
        port,
        &[
            ("Action", "CreateOrUpdateTags"),
            ("Tags.member.1.Key", "PHANTOM_DEFINITION"),
            ("Tags.member.1.Value", "error_overflow_n_preserving"),
            ("Tags.member.1.ResourceId", "ghost"),
            ("Tags.member.1.ResourceType", "auto-scaling-group"),
            ("Tags.member.1.PropagateAtLaunch", "true"),
            ("Tags.member.2.Key", "minimum_vms"),
            ("Tags.member.2.Value", "1"),
            ("Tags.member.2.ResourceId", "ghost"),
            ("Tags.member.2.ResourceType", "auto-scaling-group"),
            ("Tags.member.2.PropagateAtLaunch", "true"),
        ],
    );
    assert_eq!(r.status, 500);
    // Tags is required.
    assert_eq!(
        call(port, &[("Action", "CreateOrUpdateTags")]).reason,
        "MissingParameter"
    );
}
