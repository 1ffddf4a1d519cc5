"""The seed tutorial's sequence (decision-engine-tutorial.rst) as a short
script with botocore V2 signing: GET for Describe*, POST for the rest."""

from simclient import NS, call, control

LC = "my_launch_config"
DOMAIN = "my_domain"
CLOUDS = ["hotel", "sierra"]


def tag_params(n, key, value):
    p = f"Tags.member.{n}."
    return {
        p + "Key": key,
        p + "Value": value,
        p + "ResourceId": DOMAIN,
        p + "ResourceType": "auto-scaling-group",
        p + "PropagateAtLaunch": "true",
    }


def ok(r):
    assert r.status == 200, r
    return r


def instances(port):
    r = ok(call(port, {"Action": "DescribeAutoScalingGroups", "AutoScalingGroupNames.member.1": DOMAIN,
                       "Version": "2011-01-01"}))
    groups = r.xml().findall("a:DescribeAutoScalingGroupsResult/a:AutoScalingGroups/a:member", NS)
    assert len(groups) == 1
    g = groups[0]
    out = [
        (m.findtext("a:AvailabilityZone", namespaces=NS), m.findtext("a:LifecycleState", namespaces=NS),
         m.findtext("a:HealthStatus", namespaces=NS))
        for m in g.findall("a:Instances/a:member", NS)
    ]
    return g, out


def run_tutorial(port):
    # create_launch_configuration
    r = ok(call(port, {"Action": "DescribeLaunchConfigurations", "Version": "2011-01-01"}))
    existing = [e.text for e in r.xml().iter("{%s}LaunchConfigurationName" % NS["a"])]
    for cloud in CLOUDS:
        full = f"{LC}@{cloud}"
        if full not in existing:
            ok(call(port, {
                "Action": "CreateLaunchConfiguration", "LaunchConfigurationName": full,
                "ImageId": "hello-phantom.gz", "KeyName": "phantomkey",
                "SecurityGroups.member.1": "default", "InstanceType": "m1.small", "Version": "2011-01-01",
            }))
    r = ok(call(port, {"Action": "DescribeLaunchConfigurations",
                       "LaunchConfigurationNames.member.1": f"{LC}@hotel", "Version": "2011-01-01"}))
    assert len(r.xml().findall(".//a:LaunchConfigurations/a:member", NS)) == 1

    # create_domain: remove any existing one, then create
    r = ok(call(port, {"Action": "DescribeAutoScalingGroups", "AutoScalingGroupNames.member.1": DOMAIN}))
    for _ in r.xml().findall(".//a:AutoScalingGroups/a:member", NS):
        ok(call(port, {"Action": "DeleteAutoScalingGroup", "AutoScalingGroupName": DOMAIN}))
    params = {
        "Action": "CreateAutoScalingGroup", "AutoScalingGroupName": DOMAIN,
        "LaunchConfigurationName": f"{LC}@hotel", "MinSize": "0", "MaxSize": "0",
        "AvailabilityZones.member.1": "us-east-1", "Version": "2011-01-01",
    }
    params.update(tag_params(1, "PHANTOM_DEFINITION", "error_overflow_n_preserving"))
    params.update(tag_params(2, "clouds", ",".join(f"{c}:4" for c in CLOUDS)))
    params.update(tag_params(3, "minimum_vms", "0"))
    ok(call(port, params))

    # run_policy (without the sleeps)
    for capacity in (1, 2, 3, 4):
        ok(call(port, {"Action": "SetDesiredCapacity", "AutoScalingGroupName": DOMAIN,
                       "DesiredCapacity": str(capacity), "HonorCooldown": "false"}))


def test_tutorial_four_vms_on_hotel_then_none(sim):
    port = sim.port
    run_tutorial(port)
    group, vms = instances(port)
    assert group.findtext("a:DesiredCapacity", namespaces=NS) == "4"
    assert group.findtext("a:LaunchConfigurationName", namespaces=NS) == LC
    assert group.find("a:Tags", NS) is not None and len(group.find("a:Tags", NS)) == 0
    assert [v[0] for v in vms] == ["hotel"] * 4
    assert all(v[2] == "Healthy" for v in vms)
    state = control(port, "/__sim/state")
    (domain,) = state["domains"]
    assert domain["desired"] == 4
    assert [i["cloud"] for i in domain["instances"]] == ["hotel"] * 4
    assert [t["key"] for t in domain["tags"]] == ["PHANTOM_DEFINITION", "clouds", "minimum_vms"]
    assert domain["config"]["clouds"] == [
        {"site_name": "hotel", "size": "4", "rank": 1},
        {"site_name": "sierra", "size": "4", "rank": 2},
    ]
    # Running again finds the launch configurations and replaces the domain.
    run_tutorial(port)
    assert [v[0] for v in instances(port)[1]] == ["hotel"] * 4
    state = control(port, "/__sim/state")  # the deleted domain's VMs terminate
    assert len(state["detached_instances"]) == 4

    ok(call(port, {"Action": "SetDesiredCapacity", "AutoScalingGroupName": DOMAIN, "DesiredCapacity": "0"}))
    group, vms = instances(port)
    assert group.findtext("a:DesiredCapacity", namespaces=NS) == "0"
    assert all(state_ in ("800-TERMINATING", "900-TERMINATED") and health == "Unhealthy"
               for _, state_, health in vms), vms
    state = control(port, "/__sim/state")
    assert all(i["state"] in ("800-TERMINATING", "900-TERMINATED") for i in state["domains"][0]["instances"])


def test_tutorial_overflows_when_hotel_holds_two(start_sim):
    sim = start_sim("--boot-seconds", "0.2", "--cloud-capacity", "hotel=2")
    run_tutorial(sim.port)
    _, vms = instances(sim.port)
    assert sorted(v[0] for v in vms) == ["hotel", "hotel", "sierra", "sierra"]
    state = control(sim.port, "/__sim/state")
    assert state["clouds"]["hotel"] == {"in_use": 2, "capacity": 2}
    assert state["clouds"]["sierra"]["in_use"] == 2
