//! The settings model: every invalid input gives exactly one problem, on the right field,
//! with a specific message; imported files are checked as hostile; export never carries
//! a secret.

use phantom_de::api::{Connection, Profile};
use phantom_de::settings::{
    csp_allows_connect, export_json, field_label, import_json, parse_server_config, ConnectionMode,
    Field, FieldError, ImportError, Policy, ProxyOffer, RampShape, RampStep, Settings,
};
use phantom_de::sign::Scheme;

/// The tutorial's settings plus what the tutorial reads from the environment.
fn valid() -> Settings {
    let mut s = Settings::tutorial_defaults();
    s.endpoint.url = "http://127.0.0.1:8445".to_string();
    s.credentials.access_key_id = "AKIDEXAMPLE".to_string();
    s
}

fn problems(s: &Settings) -> Vec<(String, String)> {
    s.validate()
        .into_iter()
        .map(|FieldError { field, message }| (field.to_string(), message))
        .collect()
}

/// The field a path names (the path must be exactly how the field is written).
fn field(path: &str) -> Field {
    let field: Field = path.parse().expect("a field path");
    assert_eq!(field.to_string(), path);
    field
}

/// A problem with the field at `path`.
fn field_error(path: &str, message: &str) -> FieldError {
    FieldError::new(field(path), message)
}

fn expect_one(s: &Settings, field: &str, message: &str) {
    assert_eq!(
        problems(s),
        vec![(field.to_string(), message.to_string())],
        "settings: {s:#?}"
    );
}

/// `invalid!(name, |s| change, "field.path", "message")`: one test per invalid input.
macro_rules! invalid {
    ($name:ident, |$s:ident| $change:expr, $field:expr, $message:expr) => {
        #[test]
        fn $name() {
            let mut $s = valid();
            $change;
            expect_one(&$s, $field, $message);
        }
    };
}

#[test]
fn tutorial_defaults_with_url_and_key_are_valid() {
    assert_eq!(problems(&valid()), vec![]);
    assert_eq!(
        valid().validate_with_secret("wJalrXUtnFEMI/K7MDENG"),
        vec![]
    );
}

#[test]
fn tutorial_defaults_alone_ask_for_url_and_access_key_and_secret() {
    let s = Settings::tutorial_defaults();
    let fields: Vec<String> = s
        .validate_with_secret("")
        .into_iter()
        .map(|e| e.field.to_string())
        .collect();
    assert_eq!(
        fields,
        [
            "endpoint.url",
            "credentials.access_key_id",
            "credentials.secret"
        ]
    );
}

#[test]
fn tutorial_defaults_are_the_tutorials_values() {
    let s = Settings::tutorial_defaults();
    let clouds: Vec<(&str, &str)> = s
        .clouds
        .iter()
        .map(|c| (c.name.as_str(), c.max_vms.as_str()))
        .collect();
    assert_eq!(clouds, [("hotel", "4"), ("sierra", "4")]);
    assert_eq!(s.launch.base_name, "my_launch_config");
    assert_eq!(s.launch.image_id, "hello-phantom.gz");
    assert_eq!(s.launch.instance_type, "m1.small");
    assert_eq!(s.launch.key_name, "phantomkey");
    assert_eq!(s.launch.security_groups, "default");
    assert_eq!(s.domain.name, "my_domain");
    assert_eq!(s.domain.policy, Policy::ErrorOverflowNPreserving);
    assert_eq!(s.domain.minimum_vms.as_str(), "0");
    assert_eq!(s.domain.availability_zone, "us-east-1");
    assert!(s.domain.replace_existing);
    assert_eq!(s.ramp.shape, RampShape::Tutorial);
    assert_eq!(
        [
            &s.ramp.start,
            &s.ramp.increment,
            &s.ramp.interval,
            &s.ramp.peak,
            &s.ramp.hold,
            &s.ramp.final_capacity
        ]
        .map(|n| n.as_str()),
        ["1", "1", "10", "4", "60", "0"]
    );
    assert!(!s.ramp.delete_domain);
    assert_eq!(s.endpoint.profile, Profile::Phantom);
    assert_eq!(s.endpoint.scheme, Scheme::V2HmacSha256);
    assert_eq!(s.version, 1);
}

#[test]
fn every_problem_is_reported_in_form_order() {
    let mut s = valid();
    s.endpoint.url = "ftp://x".into();
    s.clouds[1].name = "hotel".into();
    s.launch.image_id = String::new();
    s.ramp.peak = "20".into();
    let fields: Vec<String> = s
        .validate()
        .into_iter()
        .map(|e| e.field.to_string())
        .collect();
    assert_eq!(
        fields,
        [
            "endpoint.url",
            "clouds[1].name",
            "launch.image_id",
            "ramp.peak"
        ]
    );
}

// ------------------------------------------------------------------- endpoint

invalid!(
    url_empty,
    |s| s.endpoint.url = String::new(),
    "endpoint.url",
    "Enter the Phantom URL, e.g. https://svc.example.org:8445/"
);
invalid!(
    url_blank,
    |s| s.endpoint.url = "   ".into(),
    "endpoint.url",
    "Enter the Phantom URL, e.g. https://svc.example.org:8445/"
);
invalid!(
    url_without_scheme,
    |s| s.endpoint.url = "svc.example.org:8445".into(),
    "endpoint.url",
    "The URL must start with http:// or https://"
);
invalid!(
    url_other_scheme,
    |s| s.endpoint.url = "ftp://svc.example.org/".into(),
    "endpoint.url",
    "Only http:// and https:// are supported"
);
invalid!(
    url_with_query,
    |s| s.endpoint.url = "https://svc.example.org:8445/?Action=DescribeAutoScalingGroups".into(),
    "endpoint.url",
    "The URL must not carry a query string (remove the part from '?')"
);
invalid!(
    url_with_fragment,
    |s| s.endpoint.url = "https://svc.example.org/#top".into(),
    "endpoint.url",
    "The URL must not carry a fragment (remove the part from '#')"
);
invalid!(
    url_with_path_phantom_cannot_take,
    |s| s.endpoint.url = "https://svc.example.org:8445/api".into(),
    "endpoint.url",
    "Phantom answers only at the path /; remove \"/api\" from the URL"
);
invalid!(
    url_with_user_info,
    |s| s.endpoint.url = "https://user:pw@svc.example.org/".into(),
    "endpoint.url",
    "User names or passwords do not belong in the URL"
);
invalid!(
    url_port_zero,
    |s| s.endpoint.url = "https://svc.example.org:0/".into(),
    "endpoint.url",
    "The port must be a number from 1 to 65535"
);
invalid!(
    url_port_out_of_range,
    |s| s.endpoint.url = "https://svc.example.org:70000/".into(),
    "endpoint.url",
    "The port must be a number from 1 to 65535"
);
invalid!(
    url_port_not_numeric,
    |s| s.endpoint.url = "https://svc.example.org:https/".into(),
    "endpoint.url",
    "The port must be a number from 1 to 65535"
);
invalid!(
    url_host_missing,
    |s| s.endpoint.url = "https:///".into(),
    "endpoint.url",
    "The host name is missing"
);
invalid!(
    url_host_with_space,
    |s| s.endpoint.url = "https://svc example.org/".into(),
    "endpoint.url",
    "The URL contains a space; remove it"
);
invalid!(
    url_space_after_port,
    |s| s.endpoint.url = "http://127.0.0.1:8445 /x".into(),
    "endpoint.url",
    "The URL contains a space; remove it"
);
invalid!(
    url_non_breaking_space,
    |s| s.endpoint.url = "http://127.0.0.1:8445\u{a0}/".into(),
    "endpoint.url",
    "The URL contains a non-breaking or other special space; remove it"
);
invalid!(
    url_with_control_character,
    |s| s.endpoint.url = "https://svc.example.org/\u{0}".into(),
    "endpoint.url",
    "The URL cannot contain spaces or control characters"
);
invalid!(
    url_absurdly_long,
    |s| s.endpoint.url = format!("https://svc.example.org/{}", "a".repeat(2100)),
    "endpoint.url",
    "The URL is 2124 characters long; at most 2048 are accepted"
);
invalid!(
    url_dot_segments_aws,
    |s| {
        s.set_profile(Profile::AwsCompatible);
        s.endpoint.url = "https://as.example.org/a/../b".into()
    },
    "endpoint.url",
    "The path must not contain empty, '.' or '..' segments"
);
invalid!(
    scheme_v2_on_aws,
    |s| {
        s.set_profile(Profile::AwsCompatible);
        s.endpoint.scheme = Scheme::V2HmacSha256
    },
    "endpoint.scheme",
    "AWS-compatible servers do not accept Signature V2, HmacSHA256; choose Signature V4, standard"
);
invalid!(scheme_v4_standard_on_phantom, |s| s.endpoint.scheme = Scheme::V4, "endpoint.scheme",
    "Phantom servers do not accept Signature V4, standard; choose Signature V2, HmacSHA256 or Signature V2, HmacSHA1 or Signature V4, Phantom dialect");
invalid!(
    scheme_v4_phantom_with_ipv6_host,
    |s| {
        s.endpoint.url = "http://[::1]:8445".into();
        s.endpoint.scheme = Scheme::V4Phantom
    },
    "endpoint.scheme",
    "Signature V4 in Phantom's dialect cannot sign for the IPv6 address [::1]: Phantom cuts the Host header at its first ':'. Choose Signature V2, which signs the host as sent, or reach the server by a host name"
);

#[test]
fn ipv6_host_is_fine_with_signature_v2() {
    let mut s = valid();
    s.endpoint.url = "http://[::1]:8445".into();
    for scheme in [Scheme::V2HmacSha256, Scheme::V2HmacSha1] {
        s.endpoint.scheme = scheme;
        assert_eq!(problems(&s), vec![], "{scheme}");
    }
}

invalid!(
    region_empty,
    |s| {
        s.set_profile(Profile::AwsCompatible);
        s.endpoint.region = String::new()
    },
    "endpoint.region",
    "Enter a region, e.g. us-east-1"
);
invalid!(
    region_malformed,
    |s| s.endpoint.region = "US East 1".into(),
    "endpoint.region",
    "A region has only lowercase letters, digits and '-', e.g. us-east-1"
);
invalid!(
    proxy_prefix_empty,
    |s| s.endpoint.proxy_prefix = String::new(),
    "endpoint.proxy_prefix",
    "Enter the proxy's path prefix, e.g. /phantom/"
);
invalid!(
    proxy_prefix_relative,
    |s| s.endpoint.proxy_prefix = "phantom/".into(),
    "endpoint.proxy_prefix",
    "The prefix must start with '/', e.g. /phantom/"
);
invalid!(
    proxy_prefix_unterminated,
    |s| s.endpoint.proxy_prefix = "/phantom".into(),
    "endpoint.proxy_prefix",
    "The prefix must end with '/', e.g. /phantom/"
);
invalid!(
    proxy_prefix_root,
    |s| s.endpoint.proxy_prefix = "/".into(),
    "endpoint.proxy_prefix",
    "The prefix cannot be / alone: that is the page itself"
);
invalid!(
    proxy_prefix_dot_dot,
    |s| s.endpoint.proxy_prefix = "/a/../".into(),
    "endpoint.proxy_prefix",
    "The prefix cannot contain empty, '.' or '..' segments"
);
invalid!(
    proxy_prefix_query,
    |s| s.endpoint.proxy_prefix = "/p?x=1/".into(),
    "endpoint.proxy_prefix",
    "The prefix has only letters, digits, '-', '_', '.', '~' and '/'"
);
invalid!(
    timeout_not_numeric,
    |s| s.endpoint.timeout = "abc".into(),
    "endpoint.timeout",
    "The timeout (seconds) must be a number, not \"abc\""
);
invalid!(
    timeout_negative,
    |s| s.endpoint.timeout = "-5".into(),
    "endpoint.timeout",
    "The timeout (seconds) cannot be negative"
);
invalid!(
    timeout_zero,
    |s| s.endpoint.timeout = "0".into(),
    "endpoint.timeout",
    "The timeout (seconds) must be at least 1"
);
invalid!(
    timeout_absurd,
    |s| s.endpoint.timeout = "100000".into(),
    "endpoint.timeout",
    "The timeout (seconds) must be at most 300"
);
invalid!(
    timeout_fraction,
    |s| s.endpoint.timeout = "1.5".into(),
    "endpoint.timeout",
    "The timeout (seconds) must be a whole number"
);
invalid!(
    timeout_empty,
    |s| s.endpoint.timeout = "".into(),
    "endpoint.timeout",
    "The timeout (seconds) is required"
);

// ---------------------------------------------------------------- credentials

invalid!(
    access_key_empty,
    |s| s.credentials.access_key_id = String::new(),
    "credentials.access_key_id",
    "Enter the access key ID"
);
invalid!(
    access_key_with_space,
    |s| s.credentials.access_key_id = "AKID EXAMPLE".into(),
    "credentials.access_key_id",
    "An access key ID cannot contain spaces"
);
invalid!(
    access_key_with_slash,
    |s| s.credentials.access_key_id = "AKID/EXAMPLE".into(),
    "credentials.access_key_id",
    "An access key ID cannot contain '/', ',' or '='"
);
invalid!(
    session_token_with_line_break,
    |s| s.credentials.session_token = "tok\nen".into(),
    "credentials.session_token",
    "The session token cannot contain line breaks or control characters"
);

#[test]
fn secret_empty() {
    assert_eq!(
        valid().validate_with_secret(""),
        vec![field_error(
            "credentials.secret",
            "Enter the secret access key"
        )]
    );
}

#[test]
fn secret_with_line_break_is_refused_without_quoting_it() {
    let secret = "wJalrXUtnFEMI\nK7MDENG";
    let errors = valid().validate_with_secret(secret);
    assert_eq!(
        errors,
        vec![field_error(
            "credentials.secret",
            "The secret access key cannot contain line breaks or control characters"
        )]
    );
    assert!(!format!("{errors:?}").contains("wJalr"));
}

#[test]
fn credentials_never_leak_the_secret() {
    let s = valid();
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let creds = s.credentials(secret).expect("valid credentials");
    assert_eq!(creds.access_key(), "AKIDEXAMPLE");
    assert!(!format!("{creds:?}").contains(secret));
    let mut bad = s.clone();
    bad.credentials.access_key_id = String::new();
    let errors = bad.credentials(secret).expect_err("no access key");
    assert_eq!(errors[0].field, "credentials.access_key_id");
    assert!(!format!("{errors:?}").contains(secret));
    assert_eq!(
        s.credentials("").expect_err("no secret"),
        vec![field_error(
            "credentials.secret",
            "Enter the secret access key"
        )]
    );
}

// --------------------------------------------------------------------- clouds

invalid!(
    zero_clouds,
    |s| s.clouds.clear(),
    "clouds",
    "Add at least one cloud"
);
invalid!(
    too_many_clouds,
    |s| s.clouds = (0..65)
        .map(|i| phantom_de::settings::CloudSettings::new(&format!("c{i}"), 1))
        .collect(),
    "clouds",
    "65 clouds; at most 64 are allowed"
);
invalid!(
    cloud_name_empty,
    |s| s.clouds[1].name = String::new(),
    "clouds[1].name",
    "Enter a cloud name, e.g. hotel"
);
invalid!(
    cloud_name_with_at,
    |s| s.clouds[1].name = "sier@ra".into(),
    "clouds[1].name",
    "A cloud name cannot contain '@': it separates the launch configuration from the cloud"
);
invalid!(
    cloud_name_with_colon,
    |s| s.clouds[1].name = "sierra:4".into(),
    "clouds[1].name",
    "A cloud name cannot contain ':': the clouds tag puts it between name and maximum"
);
invalid!(
    cloud_name_with_comma,
    |s| s.clouds[0].name = "hotel,sierra".into(),
    "clouds[0].name",
    "A cloud name cannot contain ',': the clouds tag separates clouds with it"
);
invalid!(
    cloud_name_with_space,
    |s| s.clouds[1].name = "sierra 2".into(),
    "clouds[1].name",
    "A cloud name cannot contain spaces"
);
invalid!(
    cloud_name_duplicate,
    |s| s.clouds[1].name = "hotel".into(),
    "clouds[1].name",
    "hotel is already cloud 1; cloud names must be unique"
);
invalid!(
    cloud_name_with_bidi_override,
    |s| s.clouds[1].name = "sier\u{202E}ra".into(),
    "clouds[1].name",
    "A cloud name cannot contain control or invisible characters"
);
invalid!(
    cloud_name_too_long,
    |s| s.clouds[0].name = "h".repeat(65),
    "clouds[0].name",
    "A cloud name is at most 64 characters"
);
invalid!(
    max_vms_not_numeric,
    |s| s.clouds[0].max_vms = "four".into(),
    "clouds[0].max_vms",
    "Maximum VMs must be a number, not \"four\""
);
invalid!(
    max_vms_negative,
    |s| s.clouds[0].max_vms = "-1".into(),
    "clouds[0].max_vms",
    "Maximum VMs cannot be negative"
);
invalid!(
    max_vms_zero,
    |s| s.clouds[0].max_vms = "0".into(),
    "clouds[0].max_vms",
    "Maximum VMs must be at least 1"
);
invalid!(
    max_vms_absurd,
    |s| s.clouds[0].max_vms = "99999999999999999999999".into(),
    "clouds[0].max_vms",
    "Maximum VMs must be at most 1000"
);
invalid!(
    max_vms_exponent,
    |s| s.clouds[0].max_vms = "1e3".into(),
    "clouds[0].max_vms",
    "Maximum VMs must be a number, not \"1e3\""
);
invalid!(
    max_vms_fraction,
    |s| s.clouds[0].max_vms = "2.5".into(),
    "clouds[0].max_vms",
    "Maximum VMs must be a whole number"
);
invalid!(
    max_vms_empty,
    |s| s.clouds[1].max_vms = "".into(),
    "clouds[1].max_vms",
    "Maximum VMs is required"
);

// ------------------------------------------------------- launch configuration

invalid!(
    base_name_empty,
    |s| s.launch.base_name = String::new(),
    "launch.base_name",
    "Enter a launch configuration name, e.g. my_launch_config"
);
invalid!(
    base_name_with_cloud,
    |s| s.launch.base_name = "my_launch_config@hotel".into(),
    "launch.base_name",
    "Leave out '@': the app appends @cloud for every cloud itself"
);
invalid!(
    base_name_with_space,
    |s| s.launch.base_name = "my launch config".into(),
    "launch.base_name",
    "A launch configuration name cannot contain spaces, ',' or ':'"
);
invalid!(
    image_empty,
    |s| s.launch.image_id = String::new(),
    "launch.image_id",
    "Enter the image to boot, e.g. hello-phantom.gz"
);
invalid!(
    instance_type_malformed,
    |s| s.launch.instance_type = "m1 small".into(),
    "launch.instance_type",
    "An instance type has only letters, digits, '.', '-' and '_', e.g. m1.small"
);
invalid!(
    key_name_padded,
    |s| s.launch.key_name = " phantomkey".into(),
    "launch.key_name",
    "A key name starts or ends with a space; remove it"
);
invalid!(
    security_groups_empty_item,
    |s| s.launch.security_groups = "default,,web".into(),
    "launch.security_groups",
    "Security group 2 is empty: remove the extra comma"
);
invalid!(
    user_data_too_large,
    |s| s.launch.user_data = "x".repeat(20_000),
    "launch.user_data",
    "User data is 20000 bytes; at most 16384 (16 KB) are allowed"
);
invalid!(
    user_data_with_nul,
    |s| s.launch.user_data = "#!/bin/sh\n\u{0}".into(),
    "launch.user_data",
    "User data cannot contain control or invisible characters other than tabs and line breaks"
);

// --------------------------------------------------------------------- domain

invalid!(
    domain_name_empty,
    |s| s.domain.name = String::new(),
    "domain.name",
    "Enter a domain name, e.g. my_domain"
);
invalid!(
    domain_name_markup,
    |s| s.domain.name = "<script>alert(1)</script>".into(),
    "domain.name",
    "A domain name has only letters, digits, '-', '_' and '.'"
);
invalid!(
    minimum_vms_above_total,
    |s| s.domain.minimum_vms = "9".into(),
    "domain.minimum_vms",
    "Minimum VMs (9) is above the total of the clouds' maxima (8)"
);
invalid!(
    minimum_vms_negative,
    |s| s.domain.minimum_vms = "-2".into(),
    "domain.minimum_vms",
    "Minimum VMs cannot be negative"
);
invalid!(
    zone_empty,
    |s| s.domain.availability_zone = String::new(),
    "domain.availability_zone",
    "Enter an availability zone, e.g. us-east-1"
);
invalid!(
    zone_malformed,
    |s| s.domain.availability_zone = "US-EAST-1".into(),
    "domain.availability_zone",
    "An availability zone has only lowercase letters, digits and '-', e.g. us-east-1"
);

fn sensor() -> Settings {
    let mut s = valid();
    s.domain.policy = Policy::SensorEngine;
    s
}

macro_rules! invalid_sensor {
    ($name:ident, |$s:ident| $change:expr, $field:expr, $message:expr) => {
        #[test]
        fn $name() {
            let mut $s = sensor();
            $change;
            expect_one(&$s, $field, $message);
        }
    };
}

#[test]
fn sensor_defaults_are_valid() {
    assert_eq!(problems(&sensor()), vec![]);
}

invalid_sensor!(
    sensor_threshold_nan,
    |s| s.domain.sensor.scale_up_threshold = "NaN".into(),
    "domain.sensor.scale_up_threshold",
    "The scale-up threshold must be a number, not \"NaN\""
);
invalid_sensor!(
    sensor_threshold_infinite,
    |s| s.domain.sensor.scale_down_threshold = "inf".into(),
    "domain.sensor.scale_down_threshold",
    "The scale-down threshold must be a number, not \"inf\""
);
invalid_sensor!(
    sensor_thresholds_inverted,
    |s| {
        s.domain.sensor.scale_up_threshold = "20".into();
        s.domain.sensor.scale_down_threshold = "80".into()
    },
    "domain.sensor.scale_down_threshold",
    "The scale-down threshold (80) must be below the scale-up threshold (20)"
);
invalid_sensor!(
    sensor_sample_function_unknown,
    |s| s.domain.sensor.sample_function = "Median".into(),
    "domain.sensor.sample_function",
    "Choose one of Average, Sum, SampleCount, Maximum, Minimum"
);
invalid_sensor!(
    sensor_scale_up_zero,
    |s| s.domain.sensor.scale_up_n_vms = "0".into(),
    "domain.sensor.scale_up_n_vms",
    "VMs per scale-up must be at least 1"
);
invalid_sensor!(
    sensor_cooldown_negative,
    |s| s.domain.sensor.cooldown = "-60".into(),
    "domain.sensor.cooldown",
    "The cooldown (seconds) cannot be negative"
);
invalid_sensor!(
    sensor_metric_empty,
    |s| s.domain.sensor.metric = String::new(),
    "domain.sensor.metric",
    "Enter the metric to scale on, e.g. CPUUtilization"
);
invalid_sensor!(
    sensor_peak_above_first_cloud,
    |s| s.ramp.peak = "5".into(),
    "ramp.peak",
    "The peak (5) is above the maximum of hotel, the one cloud sensor_engine launches on (4)"
);

#[test]
fn sensor_fields_are_ignored_with_the_overflow_policy() {
    let mut s = valid();
    s.domain.sensor.scale_up_threshold = "NaN".into();
    assert_eq!(problems(&s), vec![]);
}

// ----------------------------------------------------------------------- ramp

invalid!(
    peak_above_cloud_total,
    |s| s.ramp.peak = "9".into(),
    "ramp.peak",
    "The peak (9) is above the total of the clouds' maxima (8)"
);
invalid!(
    start_above_peak,
    |s| s.ramp.start = "5".into(),
    "ramp.start",
    "The start capacity (5) is above the peak (4)"
);
invalid!(
    increment_zero,
    |s| s.ramp.increment = "0".into(),
    "ramp.increment",
    "The increment must be at least 1"
);
invalid!(
    interval_zero,
    |s| s.ramp.interval = "0".into(),
    "ramp.interval",
    "The interval (seconds) must be at least 0.001 s"
);
invalid!(
    interval_not_numeric,
    |s| s.ramp.interval = "ten".into(),
    "ramp.interval",
    "The interval (seconds) must be a number, not \"ten\""
);
invalid!(
    ramp_with_too_many_steps,
    |s| {
        for c in &mut s.clouds {
            c.max_vms = "1000".into();
        }
        s.ramp.start = "0".into();
        s.ramp.peak = "2000".into();
    },
    "ramp.increment",
    "This ramp has 2001 steps; at most 1000 are allowed: raise the increment"
);
invalid!(
    hold_absurd,
    |s| s.ramp.hold = "1000000".into(),
    "ramp.hold",
    "The hold time (seconds) must be at most 7 d"
);
invalid!(
    ramp_longer_than_a_week,
    |s| s.ramp.interval = "259200".into(),
    "ramp.interval",
    "The peak would come after 9 d; a run lasts at most 7 d"
);
invalid!(
    hold_past_a_week,
    |s| {
        s.ramp.interval = "200000".into();
        s.ramp.hold = "5000".into()
    },
    "ramp.hold",
    "The run would end after 7 d 3 min 20 s; a run lasts at most 7 d"
);
invalid!(
    final_capacity_above_total,
    |s| s.ramp.final_capacity = "10".into(),
    "ramp.final_capacity",
    "The final capacity (10) is above the total of the clouds' maxima (8)"
);
invalid!(final_capacity_below_minimum_on_aws, |s| {
        s.set_profile(Profile::AwsCompatible);
        s.endpoint.url = "https://autoscaling.us-east-1.amazonaws.com".into();
        s.domain.minimum_vms = "1".into();
    }, "ramp.final_capacity",
    "The final capacity (0) is below Minimum VMs (1): an AWS-compatible server rejects a desired capacity below MinSize");

fn explicit() -> Settings {
    let mut s = valid();
    s.ramp.shape = RampShape::Steps;
    s
}

macro_rules! invalid_steps {
    ($name:ident, |$s:ident| $change:expr, $field:expr, $message:expr) => {
        #[test]
        fn $name() {
            let mut $s = explicit();
            $change;
            expect_one(&$s, $field, $message);
        }
    };
}

invalid_steps!(
    steps_out_of_time_order,
    |s| s.ramp.steps[2].offset = "5".into(),
    "ramp.steps[2].offset",
    "Step 3 at 5 s is not after step 2 at 10 s: steps must be in time order"
);
invalid_steps!(
    steps_at_the_same_time,
    |s| s.ramp.steps[2].offset = "10".into(),
    "ramp.steps[2].offset",
    "Step 3 at 10 s is not after step 2 at 10 s: steps must be in time order"
);
invalid_steps!(
    step_capacity_above_total,
    |s| s.ramp.steps[1].capacity = "9".into(),
    "ramp.steps[1].capacity",
    "Step 2 capacity (9) is above the total of the clouds' maxima (8)"
);
invalid_steps!(
    step_capacity_not_numeric,
    |s| s.ramp.steps[3].capacity = "lots".into(),
    "ramp.steps[3].capacity",
    "Step 4 capacity must be a number, not \"lots\""
);
invalid_steps!(
    steps_empty,
    |s| s.ramp.steps.clear(),
    "ramp.steps",
    "Add at least one step"
);
invalid_steps!(
    steps_too_many,
    |s| s.ramp.steps = (0..1001).map(|i| RampStep::new(i, 1)).collect(),
    "ramp.steps",
    "1001 steps; at most 1000 are allowed"
);
invalid_steps!(
    step_offset_negative,
    |s| s.ramp.steps[0].offset = "-10".into(),
    "ramp.steps[0].offset",
    "Step 1 time (seconds) cannot be negative"
);
invalid_steps!(
    step_offset_too_precise,
    |s| s.ramp.steps[1].offset = "10.0005".into(),
    "ramp.steps[1].offset",
    "Step 2 time (seconds) cannot be more precise than a millisecond (3 decimals)"
);

#[test]
fn explicit_steps_are_valid_and_tutorial_fields_are_ignored() {
    let mut s = explicit();
    s.ramp.peak = "not used".into();
    assert_eq!(problems(&s), vec![]);
}

// ------------------------------------------------------------- client config

#[test]
fn client_config_of_the_defaults() {
    let c = valid().client_config().expect("valid endpoint");
    assert_eq!(c.endpoint.url(), "http://127.0.0.1:8445/");
    assert_eq!(c.profile, Profile::Phantom);
    assert_eq!(c.scheme, Scheme::V2HmacSha256);
    assert_eq!(c.region, "us-east-1");
    assert_eq!(
        c.connection,
        Connection::Proxy {
            prefix: "/phantom/".into()
        }
    );
    assert_eq!(c.timeout_ms, 15_000);
}

#[test]
fn client_config_ignores_other_sections_but_reports_the_endpoints() {
    let mut s = valid();
    s.ramp.peak = "99".into();
    s.endpoint.connection = ConnectionMode::Direct;
    assert_eq!(
        s.client_config().expect("endpoint valid").connection,
        Connection::Direct
    );
    s.endpoint.url = "nope".into();
    s.endpoint.timeout = "0".into();
    let fields: Vec<String> = s
        .client_config()
        .expect_err("bad")
        .into_iter()
        .map(|e| e.field.to_string())
        .collect();
    assert_eq!(fields, ["endpoint.url", "endpoint.timeout"]);
}

#[test]
fn switching_profile_keeps_scheme_and_zone_sensible() {
    let mut s = valid();
    s.endpoint.scheme = Scheme::V2HmacSha1;
    s.set_profile(Profile::AwsCompatible);
    assert_eq!(s.endpoint.scheme, Scheme::V4);
    assert_eq!(s.domain.availability_zone, "us-east-1a");
    s.domain.availability_zone = "eu-west-1b".into();
    s.set_profile(Profile::Phantom);
    assert_eq!(s.endpoint.scheme, Scheme::V2HmacSha256);
    assert_eq!(s.domain.availability_zone, "eu-west-1b");
}

#[test]
fn server_offer_fills_only_what_is_unset() {
    let offers = parse_server_config(
        r#"{"proxies":[{"prefix":"/phantom/","target":"http://127.0.0.1:8445"}]}"#,
    );
    assert_eq!(
        offers,
        vec![ProxyOffer {
            prefix: "/phantom/".into(),
            target: "http://127.0.0.1:8445".into()
        }]
    );
    let mut s = Settings::tutorial_defaults();
    s.endpoint.connection = ConnectionMode::Direct;
    s.apply_server_offer(&offers);
    assert_eq!(s.endpoint.connection, ConnectionMode::Proxy);
    assert_eq!(s.endpoint.url, "http://127.0.0.1:8445");
    let mut typed = Settings::tutorial_defaults();
    typed.endpoint.url = "https://svc.example.org:8445".into();
    typed.apply_server_offer(&offers);
    assert_eq!(typed.endpoint.url, "https://svc.example.org:8445");
    let mut none = Settings::tutorial_defaults();
    none.apply_server_offer(&parse_server_config(r#"{"proxies":[]}"#));
    assert_eq!(none.endpoint.connection, ConnectionMode::Direct);
    assert_eq!(none.endpoint.url, "");
}

#[test]
fn malformed_server_configs_offer_nothing() {
    for text in [
        "",
        "not json",
        "<html>404</html>",
        r#"{"proxies":"x"}"#,
        r#"{"proxies":[{"prefix":"phantom","target":"http://127.0.0.1:8445"}]}"#,
        r#"{"proxies":[{"prefix":"/phantom/","target":"javascript:alert(1)"}]}"#,
        r#"{"proxies":[{"prefix":"/","target":"http://127.0.0.1:8445"}]}"#,
    ] {
        assert_eq!(parse_server_config(text), vec![], "{text}");
    }
}

#[test]
fn field_labels_name_what_the_form_shows() {
    assert_eq!(field_label(&field("endpoint.url")), "Phantom URL");
    assert_eq!(field_label(&field("clouds[1].name")), "Cloud 2 name");
    assert_eq!(
        field_label(&field("clouds[0].max_vms")),
        "Cloud 1 maximum VMs"
    );
    assert_eq!(field_label(&field("ramp.steps[2].offset")), "Step 3 time");
    assert_eq!(
        field_label(&field("credentials.secret")),
        "Secret access key"
    );
}

// ---------------------------------------------------------------- field paths

/// Every field's path, in form order, with one cloud and one step: the spelling the page's
/// DOM ids and the browser tests rely on.
const PATHS: [&str; 87] = [
    "settings",
    "endpoint.url",
    "endpoint.profile",
    "endpoint.scheme",
    "endpoint.region",
    "endpoint.connection",
    "endpoint.proxy_prefix",
    "endpoint.timeout",
    "credentials.access_key_id",
    "credentials.secret",
    "credentials.session_token",
    "credentials.remember_secret",
    "clouds",
    "clouds[0].name",
    "clouds[0].max_vms",
    "launch.base_name",
    "launch.image_id",
    "launch.instance_type",
    "launch.key_name",
    "launch.security_groups",
    "launch.user_data",
    "domain.name",
    "domain.policy",
    "domain.minimum_vms",
    "domain.availability_zone",
    "domain.replace_existing",
    "domain.sensor.metric",
    "domain.sensor.sample_function",
    "domain.sensor.scale_up_threshold",
    "domain.sensor.scale_down_threshold",
    "domain.sensor.scale_up_n_vms",
    "domain.sensor.scale_down_n_vms",
    "domain.sensor.cooldown",
    "ramp.shape",
    "ramp.start",
    "ramp.increment",
    "ramp.interval",
    "ramp.peak",
    "ramp.steps",
    "ramp.hold",
    "ramp.final_capacity",
    "ramp.delete_domain",
    "ramp.policy.every",
    "ramp.policy.run_for",
    "ramp.policy.min_capacity",
    "ramp.policy.max_capacity",
    "ramp.policy.max_change",
    "ramp.policy.up_cooldown",
    "ramp.policy.down_cooldown",
    "ramp.policy.metric_url",
    "ramp.policy.json_pointer",
    "ramp.policy.metric_per_vm",
    "ramp.policy.metric_max_age",
    "ramp.policy.code",
    "ramp.policy.time_limit_ms",
    "ramp.policy.zone",
    "ramp.policy.days",
    "ramp.policy.window_from",
    "ramp.policy.window_to",
    "ramp.policy.inside_capacity",
    "ramp.policy.outside_capacity",
    "ramp.policy.healthy_capacity",
    "ramp.policy.stuck_after",
    "ramp.policy.max_replacements",
    "ramp.policy.replacement_window",
    "ramp.steps[0].offset",
    "ramp.steps[0].capacity",
    "run.leave_running",
    "run.continue_on_failed_step",
    "run.monitor_seconds",
    "run.own_connection",
    "simulate.boot",
    "simulate.failures_per_hour",
    "simulate.seed",
    "simulate.trace",
    "simulate.values",
    "simulate.value_every",
    "simulate.sine_base",
    "simulate.sine_amplitude",
    "simulate.sine_period",
    "simulate.ramp_from",
    "simulate.ramp_to",
    "simulate.ramp_over",
    "simulate.spike_base",
    "simulate.spike_peak",
    "simulate.spike_every",
    "simulate.spike_width",
];

/// Rows beyond the first.
const MORE_ROWS: [&str; 6] = [
    "clouds[1].name",
    "clouds[63].max_vms",
    "ramp.steps[1].offset",
    "ramp.steps[10].capacity",
    "ramp.steps[999].offset",
    "clouds[10].name",
];

#[test]
fn every_field_is_spelled_as_before() {
    let written: Vec<String> = Field::all(1).iter().map(ToString::to_string).collect();
    assert_eq!(written, PATHS);
}

#[test]
fn every_field_path_parses_back_to_its_field() {
    for f in Field::all(3) {
        let path = f.to_string();
        assert_eq!(path.parse::<Field>(), Ok(f), "{path}");
        assert_eq!(f, path.as_str());
    }
    for path in PATHS.into_iter().chain(MORE_ROWS) {
        assert_eq!(field(path).to_string(), path);
    }
    for bad in [
        "",
        "endpoint",
        "endpoint.URL",
        "clouds[01].name",
        "clouds.1.name",
        "ramp.steps[x].offset",
        "run.monitor",
    ] {
        assert!(bad.parse::<Field>().is_err(), "{bad}");
    }
}

#[test]
fn every_field_has_its_own_label() {
    let fields = Field::all(2);
    let labels: Vec<String> = fields.iter().map(field_label).collect();
    for (f, label) in fields.iter().zip(&labels) {
        assert!(!label.is_empty(), "{f}");
        assert_ne!(*label, f.to_string(), "{f} has no label");
        assert!(
            label.starts_with(|c: char| c.is_uppercase()),
            "{f}: {label}"
        );
        let same = labels.iter().filter(|l| *l == label).count();
        assert_eq!(same, 1, "{f}: {label} is not unique");
    }
    assert_eq!(
        field_label(&field("run.monitor_seconds")),
        "Monitor interval"
    );
    assert_eq!(
        field_label(&field("ramp.steps[1].capacity")),
        "Step 2 capacity"
    );
}

#[test]
fn a_problem_is_written_with_its_path_and_shown_with_its_label() {
    let e = field_error("clouds[1].name", "Enter a cloud name, e.g. hotel");
    assert_eq!(
        serde_json::to_string(&e).expect("JSON"),
        r#"{"field":"clouds[1].name","message":"Enter a cloud name, e.g. hotel"}"#
    );
    assert_eq!(
        e.to_string(),
        "Cloud 2 name: Enter a cloud name, e.g. hotel"
    );
    assert!(format!("{e:?}").contains(r#"field: "clouds[1].name""#));
}

// ---------------------------------------------------------------- import/export

fn exported() -> serde_json::Value {
    serde_json::from_str(&export_json(&valid()).expect("export")).expect("JSON")
}

fn import_value(v: &serde_json::Value) -> Result<Settings, ImportError> {
    import_json(&v.to_string())
}

#[test]
fn export_never_contains_the_secret_or_token_and_round_trips() {
    let mut s = valid();
    s.credentials.session_token = "FQoGZXIvYXdzEXAMPLETOKEN".into();
    s.credentials.remember_secret = true;
    let text = export_json(&s).expect("export");
    assert!(!text.contains("FQoGZXIvYXdzEXAMPLETOKEN"));
    assert!(!text.contains("session_token"));
    assert!(!text.contains("remember"));
    assert!(text.contains("\"version\": 1"));
    assert!(text.contains("\"max_vms\": 4"));
    let back = import_json(&text).expect("import");
    let mut expected = s.clone();
    expected.credentials.session_token = String::new();
    expected.credentials.remember_secret = false;
    assert_eq!(back, expected);
}

#[test]
fn import_accepts_numbers_as_text_and_reports_them_later() {
    let mut v = exported();
    v["clouds"][0]["max_vms"] = serde_json::json!("four");
    let s = import_value(&v).expect("imports");
    expect_one(
        &s,
        "clouds[0].max_vms",
        "Maximum VMs must be a number, not \"four\"",
    );
}

#[test]
fn import_hostile_markup_is_kept_as_text_and_flagged() {
    let mut v = exported();
    v["domain"]["name"] = serde_json::json!("<img src=x onerror=alert(1)>");
    let s = import_value(&v).expect("imports");
    expect_one(
        &s,
        "domain.name",
        "A domain name has only letters, digits, '-', '_' and '.'",
    );
}

#[test]
fn import_malformed() {
    assert_eq!(
        import_json("{\"version\": 1,"),
        Err(ImportError::Malformed(
            "EOF while parsing a value at line 1 column 14".into()
        ))
    );
}

#[test]
fn import_empty() {
    assert_eq!(import_json(" \n"), Err(ImportError::Empty));
}

#[test]
fn import_too_large() {
    let text = format!("{{\"version\":1,\"pad\":\"{}\"}}", "x".repeat(300_000));
    assert_eq!(import_json(&text), Err(ImportError::TooLarge(text.len())));
}

#[test]
fn import_other_version() {
    let mut v = exported();
    v["version"] = serde_json::json!(3);
    assert_eq!(import_value(&v), Err(ImportError::UnsupportedVersion(3)));
    assert_eq!(
        ImportError::UnsupportedVersion(3).to_string(),
        "Settings version 3 is not supported; this app reads versions 1 and 2"
    );
}

#[test]
fn import_without_version() {
    let mut v = exported();
    v.as_object_mut().expect("object").remove("version");
    assert_eq!(import_value(&v), Err(ImportError::MissingVersion));
}

#[test]
fn import_version_as_text() {
    let mut v = exported();
    v["version"] = serde_json::json!("1");
    assert_eq!(
        import_value(&v),
        Err(ImportError::BadVersion("the text \"1\"".into()))
    );
}

#[test]
fn import_version_fraction() {
    assert_eq!(
        import_json(r#"{"version": 1.5}"#),
        Err(ImportError::BadVersion("1.5".into()))
    );
}

#[test]
fn import_not_an_object() {
    assert_eq!(import_json("[1, 2, 3]"), Err(ImportError::NotAnObject));
}

#[test]
fn import_unknown_field() {
    let mut v = exported();
    v["endpoint"]["colour"] = serde_json::json!("red");
    match import_value(&v) {
        Err(ImportError::Format(m)) => assert!(m.starts_with("unknown field `colour`"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn import_with_a_secret_is_refused_by_name() {
    let mut v = exported();
    v["credentials"]["secret_access_key"] = serde_json::json!("wJalrXUtnFEMI/K7MDENG");
    let err = import_value(&v).expect_err("refused");
    assert_eq!(err, ImportError::ContainsSecret("secret_access_key".into()));
    assert!(!err.to_string().contains("wJalr"));
}

#[test]
fn import_with_a_session_token_is_refused() {
    let mut v = exported();
    v["credentials"]["SessionToken"] = serde_json::json!("FQoG");
    assert_eq!(
        import_value(&v),
        Err(ImportError::ContainsSecret("SessionToken".into()))
    );
}

/// Any case spelling of a credential key is caught, the Kelvin sign's `K` included
/// (Unicode lower-cases it to an ASCII `k`), while a key that only looks alike is not.
#[test]
fn import_with_a_secret_in_any_case_is_refused() {
    for key in [
        "AWS_SECRET_ACCESS_KEY",
        "Secret-Key",
        "secret\u{212A}ey",
        "PASSWORD",
    ] {
        let mut v = exported();
        v["credentials"][key] = serde_json::json!("wJalrXUtnFEMI/K7MDENG");
        assert_eq!(
            import_value(&v),
            Err(ImportError::ContainsSecret(key.into())),
            "{key}"
        );
    }
    let mut v = exported();
    v["credentials"]["secr\u{0130}tkey"] = serde_json::json!("x");
    assert!(!matches!(
        import_value(&v),
        Err(ImportError::ContainsSecret(_))
    ));
}

#[test]
fn import_too_many_clouds() {
    let mut v = exported();
    v["clouds"] = serde_json::Value::Array(
        (0..100)
            .map(|i| serde_json::json!({"name": format!("c{i}"), "max_vms": 1}))
            .collect(),
    );
    assert_eq!(
        import_value(&v),
        Err(ImportError::Limits(vec![field_error(
            "clouds",
            "100 clouds; at most 64 are allowed"
        )]))
    );
}

#[test]
fn import_too_many_steps() {
    let mut v = exported();
    v["ramp"]["steps"] = serde_json::Value::Array(
        (0..5000)
            .map(|i| serde_json::json!({"offset": i, "capacity": 1}))
            .collect(),
    );
    assert_eq!(
        import_value(&v),
        Err(ImportError::Limits(vec![field_error(
            "ramp.steps",
            "5000 steps; at most 1000 are allowed"
        )]))
    );
}

#[test]
fn import_huge_string() {
    let mut v = exported();
    v["launch"]["image_id"] = serde_json::json!("x".repeat(5000));
    assert_eq!(
        import_value(&v),
        Err(ImportError::Limits(vec![field_error(
            "launch.image_id",
            "5000 characters; at most 1024 are allowed"
        )]))
    );
}

#[test]
fn import_bidi_override() {
    let mut v = exported();
    v["clouds"][1]["name"] = serde_json::json!("sier\u{202E}ra");
    assert_eq!(
        import_value(&v),
        Err(ImportError::Limits(vec![field_error(
            "clouds[1].name",
            "Contains control or invisible characters (such as bidi overrides)"
        )]))
    );
}

#[test]
fn import_number_text_too_long() {
    let mut v = exported();
    v["ramp"]["peak"] = serde_json::json!("9".repeat(100));
    assert_eq!(
        import_value(&v),
        Err(ImportError::Limits(vec![field_error(
            "ramp.peak",
            "100 characters is too long for a number (at most 32)"
        )]))
    );
}

#[test]
fn import_deeply_nested() {
    let text = format!(
        "{{\"version\":1,\"x\":{}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    match import_json(&text) {
        Err(ImportError::Malformed(m)) => assert!(m.starts_with("recursion limit exceeded"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn import_number_out_of_range() {
    let text = exported()
        .to_string()
        .replace("\"max_vms\":4", "\"max_vms\":1e400");
    match import_json(&text) {
        Err(ImportError::Malformed(m)) => assert!(m.starts_with("number out of range"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn import_wrong_type() {
    let mut v = exported();
    v["clouds"] = serde_json::json!("hotel:4,sierra:4");
    match import_value(&v) {
        Err(ImportError::Format(m)) => {
            assert!(
                m.starts_with("invalid type: string \"hotel:4,sierra:4\", expected a sequence"),
                "{m}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn import_duplicate_field() {
    let text = exported()
        .to_string()
        .replacen("\"url\":", "\"url\":\"http://a\",\"url\":", 1);
    match import_json(&text) {
        Err(ImportError::Format(m)) => assert!(m.starts_with("duplicate field `url`"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn import_unknown_enum_value() {
    let mut v = exported();
    v["domain"]["policy"] = serde_json::json!("single_site_n_preserving");
    match import_value(&v) {
        Err(ImportError::Format(m)) => {
            assert!(
                m.starts_with("unknown variant `single_site_n_preserving`"),
                "{m}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn import_strips_a_byte_order_mark() {
    let text = format!("\u{feff}{}", export_json(&valid()).expect("export"));
    assert_eq!(
        import_json(&text).expect("imports").domain.name,
        "my_domain"
    );
}

#[test]
fn the_page_policy_decides_which_direct_endpoints_can_be_reached() {
    let page = "http://127.0.0.1:8080";
    let policy = "default-src 'none'; script-src 'self'; connect-src 'self' https://svc.example.org:8445 https://*.amazonaws.com";
    let allows = |origin: &str| csp_allows_connect(policy, page, origin);
    assert_eq!(allows("http://127.0.0.1:8080"), Some(true));
    assert_eq!(allows("https://svc.example.org:8445"), Some(true));
    assert_eq!(
        allows("https://autoscaling.us-east-1.amazonaws.com"),
        Some(true)
    );
    assert_eq!(allows("http://127.0.0.1:8445"), Some(false));
    assert_eq!(allows("http://svc.example.org:8445"), Some(false));
    assert_eq!(
        csp_allows_connect("default-src 'none'", page, "http://127.0.0.1:8445"),
        Some(false)
    );
    assert_eq!(
        csp_allows_connect("connect-src https:", page, "https://a.example"),
        Some(true)
    );
    assert_eq!(
        csp_allows_connect("script-src 'self'", page, "http://127.0.0.1:8445"),
        None
    );
}

// ---------------------------------------------------------------- run options

const MONITOR: &str = "The monitor interval must be a number of seconds from 0 (never) to 3600.";
invalid!(
    run_monitor_interval_text,
    |s| s.run.monitor_seconds.0 = "often".into(),
    "run.monitor_seconds",
    MONITOR
);
invalid!(
    run_monitor_interval_negative,
    |s| s.run.monitor_seconds.0 = "-1".into(),
    "run.monitor_seconds",
    MONITOR
);
invalid!(
    run_monitor_interval_absurd,
    |s| s.run.monitor_seconds.0 = "3601".into(),
    "run.monitor_seconds",
    MONITOR
);

#[test]
fn run_options_map_to_the_engine_and_default_to_the_safe_choices() {
    use phantom_de::engine::{OnStepFailure, RunOptions};
    let mut s = valid();
    let defaults = RunOptions::from_settings(&s.run);
    assert_eq!(
        (
            defaults.leave_running,
            defaults.on_step_failure,
            defaults.monitor_interval_ms
        ),
        (false, OnStepFailure::StopAndTearDown, 3_000)
    );
    s.run.leave_running = true;
    s.run.continue_on_failed_step = true;
    s.run.monitor_seconds.0 = "0".into();
    assert!(problems(&s).is_empty());
    let chosen = RunOptions::from_settings(&s.run);
    assert_eq!(
        (
            chosen.leave_running,
            chosen.on_step_failure,
            chosen.monitor_interval_ms
        ),
        (true, OnStepFailure::Continue, 0)
    );
}

#[test]
fn a_settings_file_from_before_the_run_options_still_imports_with_the_defaults() {
    let mut v = exported();
    assert!(v.get("run").is_some());
    v.as_object_mut().expect("object").remove("run");
    let s = import_value(&v).expect("imports");
    assert_eq!(s.run, phantom_de::settings::RunSettings::default());
}
