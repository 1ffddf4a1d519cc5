//! Phantom-format answers, written from PHANTOM.md and pyhantom's output code: the
//! 2009-05-15 namespace, ResponseMetadata before the Result, empty elements, elements in
//! any order, a bare `DescribeAutoScalingInstances` root, pretty-printed
//! acknowledgements, and plain-text / HTML errors whose code is in the status line.

use phantom_de::api::action::{
    CreateLaunchConfiguration, DescribeAutoScalingGroups, DescribeAutoScalingInstances,
    DescribeLaunchConfigurations, SetDesiredCapacity,
};
use phantom_de::api::client::read_response;
use phantom_de::api::error::parse_error_response;
use phantom_de::api::{ApiError, ErrorClass, HttpResponse};

fn ok_response(body: &str) -> HttpResponse {
    HttpResponse {
        status: 200,
        reason: "OK".into(),
        headers: vec![
            ("Content-Type".into(), "text/html;charset=utf-8".into()),
            ("x-amzn-RequestId".into(), "hdr-id".into()),
        ],
        body: body.into(),
    }
}

const GROUPS: &str = r#"<?xml version="1.0" ?><DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2009-05-15/"><ResponseMetadata><RequestId>5b4d1f0e-0000-4c1a-9d8e-1f2e3d4c5b6a</RequestId></ResponseMetadata><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><Status>Healthy</Status><Tags/><MaxSize>3</MaxSize><VPCZoneIdentifier/><Instances><member><AutoScalingGroupName>my_domain</AutoScalingGroupName><LifecycleState>600-RUNNING</LifecycleState><HealthStatus>Healthy</HealthStatus><InstanceId>i-4a2b1c</InstanceId><LaunchConfigurationName>my_launch_config</LaunchConfigurationName><AvailabilityZone>hotel</AvailabilityZone></member><member><AvailabilityZone>hotel</AvailabilityZone><InstanceId/><LifecycleState>200-REQUESTED</LifecycleState><HealthStatus>Healthy</HealthStatus><LaunchConfigurationName>my_launch_config</LaunchConfigurationName><AutoScalingGroupName>my_domain</AutoScalingGroupName></member><member><HealthStatus>Unhealthy the VM failed to contextualize</HealthStatus><LifecycleState>850-FAILED</LifecycleState><AvailabilityZone>sierra</AvailabilityZone><InstanceId>i-9f8e7d</InstanceId><LaunchConfigurationName>my_launch_config</LaunchConfigurationName><AutoScalingGroupName>my_domain</AutoScalingGroupName></member></Instances><MinSize>3</MinSize><LaunchConfigurationName>my_launch_config</LaunchConfigurationName><CreatedTime>2013-05-02T16:31:40.123456Z</CreatedTime><AvailabilityZones/><PlacementGroup/><DesiredCapacity>3</DesiredCapacity><AutoScalingGroupName>my_domain</AutoScalingGroupName><Cooldown>0</Cooldown><HealthCheckGracePeriod>0</HealthCheckGracePeriod><SuspendedProcesses/><LoadBalancerNames/><EnabledMetrics/><AutoScalingGroupARN>arn:phantom:my_domain</AutoScalingGroupARN><HealthCheckType/></member></AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>"#;

#[test]
fn describe_groups_in_phantom_shape() {
    let r = read_response::<DescribeAutoScalingGroups>(&ok_response(GROUPS)).expect("parses");
    assert_eq!(
        r.request_id.as_deref(),
        Some("5b4d1f0e-0000-4c1a-9d8e-1f2e3d4c5b6a")
    );
    let d = &r.output[0];
    assert_eq!(d.name, "my_domain");
    assert_eq!(d.launch_configuration_name, "my_launch_config");
    assert_eq!(
        (d.min_size, d.max_size, d.desired_capacity),
        (Some(3), Some(3), Some(3))
    );
    assert!(d.tags.is_empty() && d.availability_zones.is_empty());
    let states: Vec<(&str, &str, &str)> = d
        .instances
        .iter()
        .map(|i| {
            (
                i.instance_id.as_str(),
                i.availability_zone.as_str(),
                i.lifecycle_state.as_str(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("i-4a2b1c", "hotel", "600-RUNNING"),
            ("", "hotel", "200-REQUESTED"),
            ("i-9f8e7d", "sierra", "850-FAILED")
        ]
    );
    assert_eq!(
        d.instances[2].health_status,
        "Unhealthy the VM failed to contextualize"
    );
}

#[test]
fn describe_launch_configurations_in_phantom_shape() {
    let body = r#"<DescribeLaunchConfigurationsResponse xmlns="http://autoscaling.amazonaws.com/doc/2009-05-15/"><ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata><DescribeLaunchConfigurationsResult><LaunchConfigurations><member><UserData/><KernelId/><SecurityGroups/><LaunchConfigurationName>my_launch_config@hotel</LaunchConfigurationName><ImageId>hello-phantom.gz</ImageId><KeyName>phantomkey</KeyName><InstanceType>m1.small</InstanceType><RamdiskId/><BlockDeviceMappings/><InstanceMonitoring><Enabled>False</Enabled></InstanceMonitoring><CreatedTime>2013-05-02T16:31:40Z</CreatedTime><LaunchConfigurationARN>arn:phantom:lc</LaunchConfigurationARN></member><member><LaunchConfigurationName>my_launch_config@sierra</LaunchConfigurationName><ImageId>hello-phantom.gz</ImageId><KeyName>phantomkey</KeyName><InstanceType>m1.small</InstanceType><SecurityGroups/></member></LaunchConfigurations></DescribeLaunchConfigurationsResult></DescribeLaunchConfigurationsResponse>"#;
    let r = read_response::<DescribeLaunchConfigurations>(&ok_response(body)).expect("parses");
    let names: Vec<&str> = r.output.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["my_launch_config@hotel", "my_launch_config@sierra"]);
    assert!(r
        .output
        .iter()
        .all(|l| l.key_name == "phantomkey" && l.security_groups.is_empty()));
}

#[test]
fn describe_auto_scaling_instances_with_a_bare_root() {
    let body = r#"<DescribeAutoScalingInstances xmlns="http://autoscaling.amazonaws.com/doc/2009-05-15/"><ResponseMetadata><RequestId>rid-2</RequestId></ResponseMetadata><AutoScalingInstances><member><AutoScalingGroupName>my_domain</AutoScalingGroupName><AvailabilityZone>sierra</AvailabilityZone><HealthStatus>Healthy</HealthStatus><InstanceId>i-1</InstanceId><LaunchConfigurationName>my_launch_config</LaunchConfigurationName><LifecycleState>400-PENDING</LifecycleState></member></AutoScalingInstances></DescribeAutoScalingInstances>"#;
    let r = read_response::<DescribeAutoScalingInstances>(&ok_response(body)).expect("parses");
    assert_eq!(r.request_id.as_deref(), Some("rid-2"));
    assert_eq!(r.output.len(), 1);
    assert_eq!(r.output[0].group_name, "my_domain");
    assert_eq!(r.output[0].instance.lifecycle_state, "400-PENDING");
}

#[test]
fn pretty_printed_acknowledgements() {
    let body = "<?xml version=\"1.0\" ?>\n<CreateLaunchConfigurationResponse xmlns=\"http://autoscaling.amazonaws.com/doc/2009-05-15/\">\n\t<ResponseMetadata>\n\t\t<RequestId>\n\t\t\tabc-123\n\t\t</RequestId>\n\t</ResponseMetadata>\n</CreateLaunchConfigurationResponse>\n";
    let r = read_response::<CreateLaunchConfiguration>(&ok_response(body)).expect("parses");
    assert_eq!(r.request_id.as_deref(), Some("abc-123"));
    // An answer for another action is not taken as this one's.
    match read_response::<SetDesiredCapacity>(&ok_response(body)) {
        Err(ApiError::UnexpectedResponse { detail, .. }) => {
            assert!(
                detail.contains("CreateLaunchConfigurationResponse"),
                "{detail}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn request_id_falls_back_to_the_header() {
    let body =
        "<SetDesiredCapacityResponse xmlns=\"x\"><ResponseMetadata/></SetDesiredCapacityResponse>";
    let r = read_response::<SetDesiredCapacity>(&ok_response(body)).expect("parses");
    assert_eq!(r.request_id.as_deref(), Some("hdr-id"));
}

fn phantom_error(status: u16, reason: &str, body: &str) -> ApiError {
    parse_error_response(status, reason, &[], body)
}

#[test]
fn plain_text_errors_with_the_code_in_the_status_line() {
    let body = "400 IncompleteSignature\n\nThe request signature does not conform to AWS standards.\nSignature mismatch for key AKID";
    for reason in ["IncompleteSignature", ""] {
        // With the reason phrase (HTTP/1.1) and without it (HTTP/2): the body has it too.
        let e = phantom_error(400, reason, body);
        assert_eq!(e.code(), Some("IncompleteSignature"));
        assert_eq!(e.class(), ErrorClass::Authentication);
        assert!(e.to_string().contains("does not conform"), "{e}");
        assert!(
            e.to_string().contains("Signature mismatch for key AKID"),
            "{e}"
        );
    }
}

#[test]
fn html_errors_with_the_code_in_the_title() {
    let body = r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8"></meta>
    <title>403 InvalidClientTokenId</title>
</head>
    <body>
        <h2>403 InvalidClientTokenId</h2>
        <p>The AWS Access Key Id you provided does not exist in our records.</p>
        <pre id="traceback">Traceback (most recent call last): secret stuff</pre>
    <div id="powered_by"><span>Powered by <a href="http://www.cherrypy.org">CherryPy 3.2.2</a></span></div>
    </body>
</html>"#;
    for reason in ["InvalidClientTokenId", ""] {
        let e = phantom_error(403, reason, body);
        assert_eq!(e.code(), Some("InvalidClientTokenId"));
        assert_eq!(e.class(), ErrorClass::Authentication);
        let text = e.to_string();
        assert!(text.contains("does not exist in our records"), "{text}");
        assert!(!text.contains("Traceback"), "{text}");
    }
}

#[test]
fn phantom_codes_are_classified() {
    let cases = [
        (
            400,
            "RequestExpired",
            "Request has expired",
            ErrorClass::ClockSkew,
        ),
        (
            400,
            "InvalidParameterValue",
            "LaunchConfigurationName must contain @",
            ErrorClass::InvalidInput,
        ),
        (
            400,
            "MissingParameter",
            "ImageId is required",
            ErrorClass::InvalidInput,
        ),
        (
            500,
            "InternalFailure",
            "an internal error",
            ErrorClass::Retryable,
        ),
        (
            400,
            "Name already in use",
            "my_launch_config@hotel",
            ErrorClass::AlreadyExists,
        ),
        (400, "Throttling", "Rate exceeded", ErrorClass::Retryable),
        (404, "", "", ErrorClass::Other),
    ];
    for (status, code, message, class) in cases {
        let body = format!("{status} {code}\n\n{message}\n");
        let e = phantom_error(status, code, &body);
        assert_eq!(e.class(), class, "{status} {code}: {e:?}");
    }
    // "Name already in use" may also come as a plain 400 with the phrase in the message.
    let e = phantom_error(
        400,
        "Bad Request",
        "400 Bad Request\n\nName already in use\n",
    );
    assert_eq!(e.class(), ErrorClass::AlreadyExists);
    assert_eq!(e.code(), None);
}

#[test]
fn aws_style_errors_and_transport_failures_are_classified() {
    let aws = |code: &str, message: &str| {
        let body = format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>");
        phantom_error(400, "", &body)
    };
    assert_eq!(
        aws("Throttling", "Rate exceeded").class(),
        ErrorClass::Retryable
    );
    assert_eq!(
        aws(
            "AlreadyExists",
            "Launch Configuration by this name already exists"
        )
        .class(),
        ErrorClass::AlreadyExists
    );
    assert_eq!(
        aws(
            "SignatureDoesNotMatch",
            "Signature expired: 20130524T000000Z is now earlier than 20130524T000100Z"
        )
        .class(),
        ErrorClass::ClockSkew
    );
    assert_eq!(
        aws("SignatureDoesNotMatch", "does not match").class(),
        ErrorClass::Authentication
    );
    assert_eq!(
        aws("ValidationError", "bad").class(),
        ErrorClass::InvalidInput
    );
    assert_eq!(aws("SomethingNew", "?").class(), ErrorClass::Other);
    // EC2-style <Response><Errors><Error> with RequestID.
    let ec2 = phantom_error(
        401,
        "",
        "<Response><Errors><Error><Code>AuthFailure</Code><Message>no</Message></Error></Errors><RequestID>ec2-id</RequestID></Response>",
    );
    assert_eq!(
        (ec2.code(), ec2.request_id(), ec2.class()),
        (
            Some("AuthFailure"),
            Some("ec2-id"),
            ErrorClass::Authentication
        )
    );
    assert_eq!(ApiError::Timeout(1000).class(), ErrorClass::Retryable);
    assert_eq!(
        ApiError::Network("reset".into()).class(),
        ErrorClass::Retryable
    );
    let blocked = ApiError::Blocked("Failed to fetch".into());
    assert_eq!(blocked.class(), ErrorClass::Other);
    assert!(blocked.to_string().contains("CORS") && blocked.to_string().contains("proxy"));
    assert!(blocked.hint().contains("proxy"));
    // A non-XML, non-error-page body on an error status still gives a readable message.
    let e = phantom_error(
        502,
        "Bad Gateway",
        "502 Bad Gateway\n\nThe proxy could not reach http://127.0.0.1:1: ECONNREFUSED\n",
    );
    assert_eq!(e.class(), ErrorClass::Retryable);
    assert!(e.to_string().contains("ECONNREFUSED"), "{e}");
}

#[test]
fn redaction_removes_the_secret_everywhere() {
    let e = phantom_error(
        400,
        "IncompleteSignature",
        "400 IncompleteSignature\n\nbad signature for SECRETKEY123\n",
    );
    let clean = e.redact("SECRETKEY123");
    assert!(!clean.to_string().contains("SECRETKEY123"));
    assert!(clean.to_string().contains("<redacted>"));
}
