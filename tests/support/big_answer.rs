//! A Phantom-shaped DescribeAutoScalingGroups answer with many instances, shared by the
//! robustness test and the benchmark.
#![allow(dead_code)]

/// An answer for one domain with `n` instances spread over hotel and sierra, in four states.
pub fn describe_groups_answer(n: usize) -> String {
    let mut body = String::from(
        "<DescribeAutoScalingGroupsResponse xmlns=\"http://autoscaling.amazonaws.com/doc/2009-05-15/\"><ResponseMetadata><RequestId>big</RequestId></ResponseMetadata><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>big_domain</AutoScalingGroupName><LaunchConfigurationName>lc</LaunchConfigurationName><MinSize>1000</MinSize><MaxSize>1000</MaxSize><DesiredCapacity>1000</DesiredCapacity><AvailabilityZones/><Tags/><Instances>",
    );
    let states = ["200-REQUESTED", "400-PENDING", "600-RUNNING", "850-FAILED"];
    for i in 0..n {
        let cloud = if i % 3 == 0 { "sierra" } else { "hotel" };
        let state = states[i % states.len()];
        let health = if i % 4 == 3 { "Unhealthy" } else { "Healthy" };
        body.push_str(&format!(
            "<member><AutoScalingGroupName>big_domain</AutoScalingGroupName><InstanceId>i-{i:08x}</InstanceId><AvailabilityZone>{cloud}</AvailabilityZone><LifecycleState>{state}</LifecycleState><HealthStatus>{health}</HealthStatus><LaunchConfigurationName>lc</LaunchConfigurationName></member>"
        ));
    }
    body.push_str("</Instances></member></AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>");
    body
}
