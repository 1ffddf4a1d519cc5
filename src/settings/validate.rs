//! Validation: every problem, each with the field it belongs to and a specific message;
//! and the typed values valid settings stand for.

use std::fmt;

use serde::Serialize;

use crate::api::{ClientConfig, Connection, Profile};
use crate::sign::{Credentials, Endpoint, SignError};

use super::num::{format_seconds, parse_decimal, parse_int, parse_seconds_ms, NumError};
use super::{
    CloudSettings, ConnectionMode, CredentialSettings, DomainSettings, EndpointSettings,
    LaunchSettings, NumText, Policy, RampSettings, RampShape, Settings, SAMPLE_FUNCTIONS,
};

/// At most this many clouds.
pub const MAX_CLOUDS: usize = 64;
/// At most this many ramp steps.
pub const MAX_STEPS: usize = 1000;
/// At most this many VMs on one cloud.
pub const MAX_VMS_PER_CLOUD: u32 = 1000;
/// A run (ramp and hold) lasts at most a week.
pub const MAX_RUN_MS: u64 = 7 * 24 * 3600 * 1000;
/// User data is at most 16 KB before base64 (the AWS limit).
pub const MAX_USER_DATA_BYTES: usize = 16 * 1024;
/// The longest URL accepted.
pub const MAX_URL_LEN: usize = 2048;
/// The request timeout range, in seconds.
pub const TIMEOUT_RANGE_S: (u32, u32) = (1, 300);

/// One problem with the settings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct FieldError {
    /// A stable path such as `endpoint.url`, `clouds[1].name` or
    /// `ramp.steps[2].offset`; a list-level problem names the list (`clouds`).
    pub field: String,
    /// What is wrong, in a sentence; never contains a secret.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", field_label(&self.field), self.message)
    }
}

/// One cloud of valid settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidCloud {
    /// Cloud name.
    pub name: String,
    /// Maximum VMs there.
    pub max_vms: u32,
}

/// A valid launch configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidLaunch {
    /// Base name (without `@cloud`).
    pub base_name: String,
    /// Image id.
    pub image_id: String,
    /// Instance type.
    pub instance_type: String,
    /// Key name, when given.
    pub key_name: Option<String>,
    /// Security groups, trimmed.
    pub security_groups: Vec<String>,
    /// User data, when given (raw; the request encodes it).
    pub user_data: Option<String>,
}

/// Valid sensor settings; the numbers are kept as the text a tag carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidSensor {
    /// Metric.
    pub metric: String,
    /// Sample function.
    pub sample_function: String,
    /// Scale-up threshold (a finite decimal).
    pub scale_up_threshold: String,
    /// Scale-down threshold (a finite decimal, below the scale-up one).
    pub scale_down_threshold: String,
    /// VMs per scale-up.
    pub scale_up_n_vms: u32,
    /// VMs per scale-down.
    pub scale_down_n_vms: u32,
    /// Cooldown in seconds.
    pub cooldown_s: u32,
}

/// A valid domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidDomain {
    /// Domain name.
    pub name: String,
    /// Policy.
    pub policy: Policy,
    /// `minimum_vms`.
    pub minimum_vms: u32,
    /// Availability zone.
    pub availability_zone: String,
    /// Replace an existing domain of that name.
    pub replace_existing: bool,
    /// Sensor settings, with [`Policy::SensorEngine`] only.
    pub sensor: Option<ValidSensor>,
}

/// A valid ramp: capacities at offsets from the ramp's start, then the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidRamp {
    /// `(offset in ms, capacity)`, offsets strictly increasing, the first usually 0.
    pub steps: Vec<(u64, u32)>,
    /// When the final capacity is set (last step + hold), in ms.
    pub end_ms: u64,
    /// The capacity set at the end.
    pub final_capacity: u32,
    /// Delete the domain after the end.
    pub delete_domain: bool,
}

/// The sections a plan is made of, checked and typed (see [`Settings::validated`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Validated {
    /// The kind of server (it changes MinSize/MaxSize and ForceDelete).
    pub profile: Profile,
    /// Clouds in rank order.
    pub clouds: Vec<ValidCloud>,
    /// The launch configuration.
    pub launch: ValidLaunch,
    /// The domain.
    pub domain: ValidDomain,
    /// The ramp.
    pub ramp: ValidRamp,
}

impl Validated {
    /// The highest capacity the run asks for (ramp steps and the final capacity), at
    /// least `minimum_vms`: the MaxSize an AWS-compatible domain needs.
    pub fn highest_capacity(&self) -> u32 {
        self.ramp
            .steps
            .iter()
            .map(|s| s.1)
            .chain([self.ramp.final_capacity, self.domain.minimum_vms])
            .max()
            .unwrap_or(0)
    }
}

/// Collects problems in form order.
#[derive(Default)]
struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    fn int(&mut self, field: &str, label: &str, text: &NumText, min: u32, max: u32) -> Option<u32> {
        parse_int(text, min, max)
            .map_err(|e| self.add(field, num_message(label, &e)))
            .ok()
    }

    fn secs(
        &mut self,
        field: &str,
        label: &str,
        text: &NumText,
        min: u64,
        max: u64,
    ) -> Option<u64> {
        parse_seconds_ms(text, min, max)
            .map_err(|e| self.add(field, num_message(label, &e)))
            .ok()
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ if self.errors.is_empty() => Err(vec![FieldError::new(
                "settings",
                "The settings could not be checked",
            )]),
            _ => Err(self.errors),
        }
    }
}

fn num_message(label: &str, e: &NumError) -> String {
    format!("{label} {e}")
}

/// Characters that hide or reorder text: C0/C1 controls, zero-width and bidi controls.
pub(crate) fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

fn has_invisible(s: &str) -> bool {
    s.chars().any(invisible)
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The endpoint parser's reason, as a sentence about "the URL".
fn url_message(e: &SignError) -> String {
    match e {
        SignError::InvalidUrl(why) => match why.strip_prefix("it ") {
            Some(rest) => format!("The URL {rest}"),
            None => upper_first(why),
        },
        other => upper_first(&other.to_string()),
    }
}

fn check_endpoint(e: &EndpointSettings, c: &mut Check) -> Option<ClientConfig> {
    let before = c.errors.len();
    let url = e.url.trim();
    let endpoint = if url.is_empty() {
        c.add(
            "endpoint.url",
            "Enter the Phantom URL, e.g. https://svc.example.org:8445/",
        );
        None
    } else if url.len() > MAX_URL_LEN {
        c.add(
            "endpoint.url",
            format!(
                "The URL is {} characters long; at most {MAX_URL_LEN} are accepted",
                url.len()
            ),
        );
        None
    } else if has_invisible(url) {
        c.add(
            "endpoint.url",
            "The URL cannot contain spaces or control characters",
        );
        None
    } else {
        match Endpoint::parse(url) {
            Ok(ep) if e.profile == Profile::Phantom && ep.path() != "/" => {
                c.add(
                    "endpoint.url",
                    format!(
                        "Phantom answers only at the path /; remove \"{}\" from the URL",
                        ep.path()
                    ),
                );
                None
            }
            Ok(ep) => Some(ep),
            Err(err) => {
                c.add("endpoint.url", url_message(&err));
                None
            }
        }
    };
    if !e.profile.schemes().contains(&e.scheme) {
        let accepted: Vec<&str> = e
            .profile
            .schemes()
            .iter()
            .map(|s| super::scheme_label(*s))
            .collect();
        c.add(
            "endpoint.scheme",
            format!(
                "{} servers do not accept {}; choose {}",
                e.profile.label(),
                super::scheme_label(e.scheme),
                accepted.join(" or ")
            ),
        );
    }
    // A scheme the profile accepts may still be unable to sign for this endpoint
    // (Phantom's V4 dialect and an IPv6 host): say so on the scheme.
    if let Some(Err(err)) = endpoint
        .as_ref()
        .filter(|_| e.profile.schemes().contains(&e.scheme))
        .map(|ep| e.scheme.check_endpoint(ep))
    {
        c.add("endpoint.scheme", upper_first(&err.to_string()));
    }
    let region = e.region.trim();
    if region.is_empty() {
        c.add("endpoint.region", "Enter a region, e.g. us-east-1");
    } else if region.len() > 32 {
        c.add(
            "endpoint.region",
            "A region is at most 32 characters, e.g. us-east-1",
        );
    } else if !region
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        c.add(
            "endpoint.region",
            "A region has only lowercase letters, digits and '-', e.g. us-east-1",
        );
    }
    let connection = match e.connection {
        ConnectionMode::Direct => Some(Connection::Direct),
        ConnectionMode::Proxy => {
            check_prefix(&e.proxy_prefix, c).map(|prefix| Connection::Proxy { prefix })
        }
    };
    let (lo, hi) = TIMEOUT_RANGE_S;
    let timeout = c.int(
        "endpoint.timeout",
        "The timeout (seconds)",
        &e.timeout,
        lo,
        hi,
    );
    let (endpoint, connection, timeout) = (endpoint?, connection?, timeout?);
    if c.errors.len() != before {
        return None;
    }
    let mut config = ClientConfig::new(endpoint, e.profile);
    config.scheme = e.scheme;
    config.region = region.to_string();
    config.connection = connection;
    config.timeout_ms = timeout * 1000;
    Some(config)
}

fn check_prefix(prefix: &str, c: &mut Check) -> Option<String> {
    let f = "endpoint.proxy_prefix";
    let p = prefix.trim();
    let problem = if p.is_empty() {
        Some("Enter the proxy's path prefix, e.g. /phantom/".to_string())
    } else if p.len() > 100 {
        Some("The prefix is at most 100 characters".to_string())
    } else if !p.starts_with('/') {
        Some("The prefix must start with '/', e.g. /phantom/".to_string())
    } else if !p.ends_with('/') {
        Some("The prefix must end with '/', e.g. /phantom/".to_string())
    } else if p == "/" {
        Some("The prefix cannot be / alone: that is the page itself".to_string())
    } else if !p
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/'))
    {
        Some("The prefix has only letters, digits, '-', '_', '.', '~' and '/'".to_string())
    } else if p[1..p.len() - 1]
        .split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        Some("The prefix cannot contain empty, '.' or '..' segments".to_string())
    } else if p.starts_with("/__pde/") {
        Some("/__pde/ is reserved for the page's own configuration".to_string())
    } else {
        None
    };
    match problem {
        Some(m) => {
            c.add(f, m);
            None
        }
        None => Some(p.to_string()),
    }
}

fn check_access_key(cr: &CredentialSettings, c: &mut Check) {
    let f = "credentials.access_key_id";
    let k = cr.access_key_id.as_str();
    if k.is_empty() {
        c.add(f, "Enter the access key ID");
    } else if k.len() > 128 {
        c.add(f, "An access key ID is at most 128 characters");
    } else if k.chars().any(char::is_whitespace) {
        c.add(f, "An access key ID cannot contain spaces");
    } else if has_invisible(k) {
        c.add(f, "An access key ID cannot contain control characters");
    } else if k.contains(['/', ',', '=']) {
        c.add(f, "An access key ID cannot contain '/', ',' or '='");
    }
    let t = cr.session_token.as_str();
    if !t.is_empty() {
        if t.len() > 4096 {
            c.add(
                "credentials.session_token",
                "The session token is too long (at most 4096 characters)",
            );
        } else if t.chars().any(char::is_control) {
            c.add(
                "credentials.session_token",
                "The session token cannot contain line breaks or control characters",
            );
        }
    }
}

/// Problems with the secret key (it is not part of [`Settings`]). The messages never
/// quote it.
pub fn check_secret(secret: &str) -> Vec<FieldError> {
    let f = "credentials.secret";
    let message = if secret.is_empty() {
        "Enter the secret access key"
    } else if secret.len() > 1024 {
        "The secret access key is too long (at most 1024 characters)"
    } else if secret.chars().any(char::is_control) {
        "The secret access key cannot contain line breaks or control characters"
    } else if secret.trim() != secret {
        "The secret access key starts or ends with a space; remove it"
    } else {
        return Vec::new();
    };
    vec![FieldError::new(f, message)]
}

fn check_clouds(s: &Settings, c: &mut Check) -> Option<Vec<ValidCloud>> {
    if s.clouds.is_empty() {
        c.add("clouds", "Add at least one cloud");
        return None;
    }
    if s.clouds.len() > MAX_CLOUDS {
        c.add(
            "clouds",
            format!(
                "{} clouds; at most {MAX_CLOUDS} are allowed",
                s.clouds.len()
            ),
        );
        return None;
    }
    let before = c.errors.len();
    let mut out = Vec::new();
    for (i, cloud) in s.clouds.iter().enumerate() {
        let f = format!("clouds[{i}].name");
        let n = cloud.name.as_str();
        let problem = if n.is_empty() {
            Some("Enter a cloud name, e.g. hotel".to_string())
        } else if n.chars().count() > 64 {
            Some("A cloud name is at most 64 characters".to_string())
        } else if n.contains('@') {
            Some("A cloud name cannot contain '@': it separates the launch configuration from the cloud".to_string())
        } else if n.contains(':') {
            Some(
                "A cloud name cannot contain ':': the clouds tag puts it between name and maximum"
                    .to_string(),
            )
        } else if n.contains(',') {
            Some(
                "A cloud name cannot contain ',': the clouds tag separates clouds with it"
                    .to_string(),
            )
        } else if n.chars().any(char::is_whitespace) {
            Some("A cloud name cannot contain spaces".to_string())
        } else if has_invisible(n) {
            Some("A cloud name cannot contain control or invisible characters".to_string())
        } else {
            s.clouds[..i]
                .iter()
                .position(|o| o.name == n)
                .map(|j| format!("{n} is already cloud {}; cloud names must be unique", j + 1))
        };
        if let Some(m) = problem {
            c.add(f, m);
        }
        let max = c.int(
            &format!("clouds[{i}].max_vms"),
            "Maximum VMs",
            &cloud.max_vms,
            1,
            MAX_VMS_PER_CLOUD,
        );
        if let Some(max_vms) = max {
            out.push(ValidCloud {
                name: n.to_string(),
                max_vms,
            });
        }
    }
    (c.errors.len() == before).then_some(out)
}

/// The rules of a single-line text field.
struct TextRule<'a> {
    /// The message when empty; `None` when the field is optional.
    required: Option<&'a str>,
    max_chars: usize,
    /// "A domain name", to start messages with.
    what: &'a str,
    allowed: fn(char) -> bool,
    /// The message when a character is not allowed.
    rule: &'a str,
}

fn text_field(c: &mut Check, field: &str, value: &str, r: TextRule<'_>) -> Option<String> {
    let what = r.what;
    if value.is_empty() {
        return match r.required {
            Some(m) => {
                c.add(field, m);
                None
            }
            None => Some(String::new()),
        };
    }
    let problem = if value.chars().count() > r.max_chars {
        Some(format!("{what} is at most {} characters", r.max_chars))
    } else if has_invisible(value) {
        Some(format!(
            "{what} cannot contain control or invisible characters"
        ))
    } else if value.trim() != value {
        Some(format!("{what} starts or ends with a space; remove it"))
    } else if !value.chars().all(r.allowed) {
        Some(r.rule.to_string())
    } else {
        None
    };
    match problem {
        Some(m) => {
            c.add(field, m);
            None
        }
        None => Some(value.to_string()),
    }
}

fn simple_name(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.')
}

fn check_launch(l: &LaunchSettings, c: &mut Check) -> Option<ValidLaunch> {
    let before = c.errors.len();
    let base_name = if l.base_name.contains('@') {
        c.add(
            "launch.base_name",
            "Leave out '@': the app appends @cloud for every cloud itself",
        );
        None
    } else {
        text_field(
            c,
            "launch.base_name",
            &l.base_name,
            TextRule {
                required: Some("Enter a launch configuration name, e.g. my_launch_config"),
                max_chars: 128,
                what: "A launch configuration name",
                allowed: |ch| !ch.is_whitespace() && ch != ',' && ch != ':',
                rule: "A launch configuration name cannot contain spaces, ',' or ':'",
            },
        )
    };
    let image_id = text_field(
        c,
        "launch.image_id",
        &l.image_id,
        TextRule {
            required: Some("Enter the image to boot, e.g. hello-phantom.gz"),
            max_chars: 255,
            what: "An image id",
            allowed: |ch| !ch.is_whitespace(),
            rule: "An image id cannot contain spaces",
        },
    );
    let instance_type = text_field(
        c,
        "launch.instance_type",
        &l.instance_type,
        TextRule {
            required: Some("Enter an instance type, e.g. m1.small"),
            max_chars: 64,
            what: "An instance type",
            allowed: simple_name,
            rule: "An instance type has only letters, digits, '.', '-' and '_', e.g. m1.small",
        },
    );
    let key_name = text_field(
        c,
        "launch.key_name",
        &l.key_name,
        TextRule {
            required: None,
            max_chars: 255,
            what: "A key name",
            allowed: |_| true,
            rule: "",
        },
    );
    let mut groups = Vec::new();
    if !l.security_groups.trim().is_empty() {
        let f = "launch.security_groups";
        let items: Vec<&str> = l.security_groups.split(',').map(str::trim).collect();
        if has_invisible(&l.security_groups) {
            c.add(
                f,
                "Security groups cannot contain control or invisible characters",
            );
        } else if items.len() > 32 {
            c.add(
                f,
                format!("{} security groups; at most 32 are allowed", items.len()),
            );
        } else if let Some(i) = items.iter().position(|g| g.is_empty()) {
            c.add(
                f,
                format!("Security group {} is empty: remove the extra comma", i + 1),
            );
        } else if let Some(g) = items.iter().find(|g| g.chars().count() > 255) {
            c.add(
                f,
                format!(
                    "A security group name is at most 255 characters ({} has {})",
                    g.chars().take(12).collect::<String>() + "…",
                    g.chars().count()
                ),
            );
        } else {
            groups = items.into_iter().map(String::from).collect();
        }
    }
    let user_data = if l.user_data.len() > MAX_USER_DATA_BYTES {
        c.add(
            "launch.user_data",
            format!(
                "User data is {} bytes; at most {MAX_USER_DATA_BYTES} (16 KB) are allowed",
                l.user_data.len()
            ),
        );
        None
    } else if l
        .user_data
        .chars()
        .any(|ch| invisible(ch) && !matches!(ch, '\n' | '\r' | '\t'))
    {
        c.add(
            "launch.user_data",
            "User data cannot contain control or invisible characters other than tabs and line breaks",
        );
        None
    } else {
        Some((!l.user_data.is_empty()).then(|| l.user_data.clone()))
    };
    let done = c.errors.len() == before;
    Some(ValidLaunch {
        base_name: base_name?,
        image_id: image_id?,
        instance_type: instance_type?,
        key_name: key_name.filter(|k| !k.is_empty()),
        security_groups: groups,
        user_data: user_data?,
    })
    .filter(|_| done)
}

/// The most VMs a ramp may ask for, and how to say so.
struct Cap {
    total: u32,
    why: String,
}

/// The cap follows from the clouds' maxima alone, so a bad cloud *name* does not hide
/// a capacity problem; a bad maximum does (its own message says why).
fn capacity_cap(policy: Policy, clouds: &[CloudSettings]) -> Option<Cap> {
    let maxima: Option<Vec<u32>> = clouds
        .iter()
        .map(|c| parse_int(&c.max_vms, 1, MAX_VMS_PER_CLOUD).ok())
        .collect();
    let maxima = maxima?;
    if maxima.is_empty() || clouds.len() > MAX_CLOUDS {
        return None;
    }
    match policy {
        Policy::ErrorOverflowNPreserving => Some(Cap {
            total: maxima.iter().sum(),
            why: "the total of the clouds' maxima".to_string(),
        }),
        Policy::SensorEngine => Some(Cap {
            total: maxima[0],
            why: format!(
                "the maximum of {}, the one cloud sensor_engine launches on",
                clouds[0].name
            ),
        }),
    }
}

fn check_domain(
    d: &DomainSettings,
    profile: Profile,
    cap: Option<&Cap>,
    c: &mut Check,
) -> Option<ValidDomain> {
    let before = c.errors.len();
    let name = text_field(
        c,
        "domain.name",
        &d.name,
        TextRule {
            required: Some("Enter a domain name, e.g. my_domain"),
            max_chars: 128,
            what: "A domain name",
            allowed: simple_name,
            rule: "A domain name has only letters, digits, '-', '_' and '.'",
        },
    );
    let minimum = c.int(
        "domain.minimum_vms",
        "Minimum VMs",
        &d.minimum_vms,
        0,
        MAX_VMS_PER_CLOUD * MAX_CLOUDS as u32,
    );
    if let (Some(m), Some(cap)) = (minimum, cap) {
        if m > cap.total {
            c.add(
                "domain.minimum_vms",
                format!("Minimum VMs ({m}) is above {} ({})", cap.why, cap.total),
            );
        }
    }
    let zone_example = profile.default_availability_zone();
    let zone = text_field(
        c,
        "domain.availability_zone",
        &d.availability_zone,
        TextRule {
            required: Some(&format!("Enter an availability zone, e.g. {zone_example}")),
            max_chars: 64,
            what: "An availability zone",
            allowed: |ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-',
            rule: &format!("An availability zone has only lowercase letters, digits and '-', e.g. {zone_example}"),
        },
    );
    let sensor = match d.policy {
        Policy::ErrorOverflowNPreserving => Some(None),
        Policy::SensorEngine => check_sensor(d, c).map(Some),
    };
    let done = c.errors.len() == before;
    Some(ValidDomain {
        name: name?,
        policy: d.policy,
        minimum_vms: minimum?,
        availability_zone: zone?,
        replace_existing: d.replace_existing,
        sensor: sensor?,
    })
    .filter(|_| done)
}

fn check_sensor(d: &DomainSettings, c: &mut Check) -> Option<ValidSensor> {
    let s = &d.sensor;
    let metric = text_field(
        c,
        "domain.sensor.metric",
        &s.metric,
        TextRule {
            required: Some("Enter the metric to scale on, e.g. CPUUtilization"),
            max_chars: 255,
            what: "A metric name",
            allowed: |ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.' | ':' | '/'),
            rule: "A metric name has only letters, digits, '-', '_', '.', ':' and '/'",
        },
    );
    let sample_function = if SAMPLE_FUNCTIONS.contains(&s.sample_function.as_str()) {
        Some(s.sample_function.clone())
    } else {
        c.add(
            "domain.sensor.sample_function",
            format!("Choose one of {}", SAMPLE_FUNCTIONS.join(", ")),
        );
        None
    };
    let mut decimal = |field: &str, label: &str, text: &NumText| {
        parse_decimal(text, -1e12, 1e12)
            .map_err(|e| c.add(field, num_message(label, &e)))
            .ok()
    };
    let up = decimal(
        "domain.sensor.scale_up_threshold",
        "The scale-up threshold",
        &s.scale_up_threshold,
    );
    let down = decimal(
        "domain.sensor.scale_down_threshold",
        "The scale-down threshold",
        &s.scale_down_threshold,
    );
    if let (Some((u, ut)), Some((dn, dt))) = (&up, &down) {
        if dn >= u {
            c.add(
                "domain.sensor.scale_down_threshold",
                format!(
                    "The scale-down threshold ({dt}) must be below the scale-up threshold ({ut})"
                ),
            );
        }
    }
    let up_n = c.int(
        "domain.sensor.scale_up_n_vms",
        "VMs per scale-up",
        &s.scale_up_n_vms,
        1,
        MAX_VMS_PER_CLOUD,
    );
    let down_n = c.int(
        "domain.sensor.scale_down_n_vms",
        "VMs per scale-down",
        &s.scale_down_n_vms,
        1,
        MAX_VMS_PER_CLOUD,
    );
    let cooldown = c.int(
        "domain.sensor.cooldown",
        "The cooldown (seconds)",
        &s.cooldown,
        0,
        86_400,
    );
    Some(ValidSensor {
        metric: metric?,
        sample_function: sample_function?,
        scale_up_threshold: up?.1,
        scale_down_threshold: down?.1,
        scale_up_n_vms: up_n?,
        scale_down_n_vms: down_n?,
        cooldown_s: cooldown?,
    })
}

/// Parses a capacity and checks it against the cap and, for AWS-compatible servers,
/// against MinSize.
fn capacity(
    c: &mut Check,
    field: &str,
    label: &str,
    text: &NumText,
    cap: Option<&Cap>,
    aws_min: Option<u32>,
) -> Option<u32> {
    let v = c.int(field, label, text, 0, MAX_VMS_PER_CLOUD * MAX_CLOUDS as u32)?;
    if let Some(cap) = cap {
        if v > cap.total {
            c.add(
                field,
                format!("{label} ({v}) is above {} ({})", cap.why, cap.total),
            );
            return None;
        }
    }
    if let Some(min) = aws_min {
        if v < min {
            c.add(
                field,
                format!(
                    "{label} ({v}) is below Minimum VMs ({min}): an AWS-compatible server rejects a desired capacity below MinSize"
                ),
            );
            return None;
        }
    }
    Some(v)
}

fn check_ramp(
    r: &RampSettings,
    cap: Option<&Cap>,
    aws_min: Option<u32>,
    c: &mut Check,
) -> Option<ValidRamp> {
    let before = c.errors.len();
    let steps = match r.shape {
        RampShape::Tutorial => tutorial_steps(r, cap, aws_min, c),
        RampShape::Steps => explicit_steps(r, cap, aws_min, c),
    };
    let hold = c.secs(
        "ramp.hold",
        "The hold time (seconds)",
        &r.hold,
        0,
        MAX_RUN_MS,
    );
    let final_capacity = capacity(
        c,
        "ramp.final_capacity",
        "The final capacity",
        &r.final_capacity,
        cap,
        aws_min,
    );
    let (steps, hold, final_capacity) = (steps?, hold?, final_capacity?);
    let last = steps.last().map_or(0, |s| s.0);
    let end_ms = last + hold;
    if end_ms > MAX_RUN_MS {
        c.add(
            "ramp.hold",
            format!(
                "The run would end after {}; a run lasts at most {}",
                format_seconds(end_ms),
                format_seconds(MAX_RUN_MS)
            ),
        );
        return None;
    }
    (c.errors.len() == before).then_some(ValidRamp {
        steps,
        end_ms,
        final_capacity,
        delete_domain: r.delete_domain,
    })
}

fn tutorial_steps(
    r: &RampSettings,
    cap: Option<&Cap>,
    aws_min: Option<u32>,
    c: &mut Check,
) -> Option<Vec<(u64, u32)>> {
    let start = capacity(
        c,
        "ramp.start",
        "The start capacity",
        &r.start,
        cap,
        aws_min,
    );
    let increment = c.int("ramp.increment", "The increment", &r.increment, 1, 64_000);
    let interval = c.secs(
        "ramp.interval",
        "The interval (seconds)",
        &r.interval,
        1,
        MAX_RUN_MS,
    );
    let peak = capacity(c, "ramp.peak", "The peak", &r.peak, cap, aws_min);
    let (start, increment, interval, peak) = (start?, increment?, interval?, peak?);
    if start > peak {
        c.add(
            "ramp.start",
            format!("The start capacity ({start}) is above the peak ({peak})"),
        );
        return None;
    }
    let count = 1 + u64::from(peak - start).div_ceil(u64::from(increment));
    if count > MAX_STEPS as u64 {
        c.add(
            "ramp.increment",
            format!(
                "This ramp has {count} steps; at most {MAX_STEPS} are allowed: raise the increment"
            ),
        );
        return None;
    }
    let last_at = (count - 1) * interval;
    if last_at > MAX_RUN_MS {
        c.add(
            "ramp.interval",
            format!(
                "The peak would come after {}; a run lasts at most {}",
                format_seconds(last_at),
                format_seconds(MAX_RUN_MS)
            ),
        );
        return None;
    }
    let mut steps = Vec::new();
    let mut capacity = start;
    let mut at = 0;
    loop {
        steps.push((at, capacity));
        if capacity >= peak {
            break;
        }
        capacity = capacity.saturating_add(increment).min(peak);
        at += interval;
    }
    Some(steps)
}

fn explicit_steps(
    r: &RampSettings,
    cap: Option<&Cap>,
    aws_min: Option<u32>,
    c: &mut Check,
) -> Option<Vec<(u64, u32)>> {
    if r.steps.is_empty() {
        c.add("ramp.steps", "Add at least one step");
        return None;
    }
    if r.steps.len() > MAX_STEPS {
        c.add(
            "ramp.steps",
            format!("{} steps; at most {MAX_STEPS} are allowed", r.steps.len()),
        );
        return None;
    }
    let before = c.errors.len();
    let mut out: Vec<(u64, u32)> = Vec::new();
    let mut previous: Option<(usize, u64)> = None;
    for (i, step) in r.steps.iter().enumerate() {
        let at = c.secs(
            &format!("ramp.steps[{i}].offset"),
            &format!("Step {} time (seconds)", i + 1),
            &step.offset,
            0,
            MAX_RUN_MS,
        );
        let cap_v = capacity(
            c,
            &format!("ramp.steps[{i}].capacity"),
            &format!("Step {} capacity", i + 1),
            &step.capacity,
            cap,
            aws_min,
        );
        if let Some(at) = at {
            if let Some((j, prev)) = previous {
                if at <= prev {
                    c.add(
                        format!("ramp.steps[{i}].offset"),
                        format!(
                            "Step {} at {} is not after step {} at {}: steps must be in time order",
                            i + 1,
                            format_seconds(at),
                            j + 1,
                            format_seconds(prev)
                        ),
                    );
                }
            }
            previous = Some((i, at));
        }
        if let (Some(at), Some(v)) = (at, cap_v) {
            out.push((at, v));
        }
    }
    (c.errors.len() == before).then_some(out)
}

impl Settings {
    /// Every problem, in form order, each with its field: endpoint, credentials (the
    /// access key ID and session token; the secret is checked by [`check_secret`]),
    /// clouds, launch configuration, domain, ramp. Empty when the settings can run.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut c = Check::default();
        check_endpoint(&self.endpoint, &mut c);
        check_access_key(&self.credentials, &mut c);
        if self.run.monitor_interval_ms().is_none() {
            c.errors.push(FieldError {
                field: "run.monitor_seconds".into(),
                message: "The monitor interval must be a number of seconds from 0 (never) to 3600."
                    .into(),
            });
        }
        let mut errors = c.errors;
        if let Err(more) = self.validated() {
            errors.extend(more);
        }
        errors
    }

    /// [`Settings::validate`] plus the secret key's problems.
    pub fn validate_with_secret(&self, secret: &str) -> Vec<FieldError> {
        let mut errors = self.validate();
        let secret_errors = check_secret(secret);
        // Keep form order: the secret comes right after the access key ID.
        let at = errors
            .iter()
            .position(|e| {
                !e.field.starts_with("endpoint.") && e.field != "credentials.access_key_id"
            })
            .unwrap_or(errors.len());
        errors.splice(at..at, secret_errors);
        errors
    }

    /// The sections a plan is made of (the profile, clouds, launch configuration,
    /// domain and ramp), checked and typed. The endpoint and the credentials are not
    /// needed to plan; [`Settings::client_config`] and [`Settings::credentials`] check
    /// them.
    pub fn validated(&self) -> Result<Validated, Vec<FieldError>> {
        let mut c = Check::default();
        let profile = self.endpoint.profile;
        let clouds = check_clouds(self, &mut c);
        let cap = capacity_cap(self.domain.policy, &self.clouds);
        let launch = check_launch(&self.launch, &mut c);
        let domain = check_domain(&self.domain, profile, cap.as_ref(), &mut c);
        let aws_min = match profile {
            Profile::AwsCompatible => parse_int(&self.domain.minimum_vms, 0, u32::MAX).ok(),
            Profile::Phantom => None,
        };
        let ramp = check_ramp(&self.ramp, cap.as_ref(), aws_min, &mut c);
        let value = (|| {
            Some(Validated {
                profile,
                clouds: clouds?,
                launch: launch?,
                domain: domain?,
                ramp: ramp?,
            })
        })();
        c.finish(value)
    }

    /// What the API client needs, from the endpoint section alone (so "Test connection"
    /// works while, say, the ramp is still being edited).
    pub fn client_config(&self) -> Result<ClientConfig, Vec<FieldError>> {
        let mut c = Check::default();
        let config = check_endpoint(&self.endpoint, &mut c);
        c.finish(config)
    }

    /// The signing credentials: the access key ID and session token from here, the
    /// secret from the caller. Errors never quote the secret or the token.
    pub fn credentials(&self, secret: &str) -> Result<Credentials, Vec<FieldError>> {
        let mut c = Check::default();
        check_access_key(&self.credentials, &mut c);
        c.errors.extend(check_secret(secret));
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        let token = Some(self.credentials.session_token.clone()).filter(|t| !t.is_empty());
        Credentials::new(self.credentials.access_key_id.clone(), secret, token).map_err(|e| {
            vec![FieldError::new(
                "credentials.access_key_id",
                upper_first(&e.to_string()),
            )]
        })
    }
}

/// A short human name for a field path, as the form labels it (`clouds[1].name` →
/// "Cloud 2 name").
pub fn field_label(path: &str) -> String {
    let indexed = |prefix: &str| -> Option<(usize, &str)> {
        let rest = path.strip_prefix(prefix)?.strip_prefix('[')?;
        let (i, rest) = rest.split_once(']')?;
        Some((i.parse().ok()?, rest.strip_prefix('.').unwrap_or(rest)))
    };
    if let Some((i, leaf)) = indexed("clouds") {
        let what = match leaf {
            "name" => "name",
            "max_vms" => "maximum VMs",
            _ => leaf,
        };
        return format!("Cloud {} {what}", i + 1);
    }
    if let Some((i, leaf)) = indexed("ramp.steps") {
        let what = match leaf {
            "offset" => "time",
            "capacity" => "capacity",
            _ => leaf,
        };
        return format!("Step {} {what}", i + 1);
    }
    match path {
        "endpoint.url" => "Phantom URL",
        "endpoint.profile" => "Profile",
        "endpoint.scheme" => "Signature",
        "endpoint.region" => "Region",
        "endpoint.connection" => "Connection",
        "endpoint.proxy_prefix" => "Proxy path prefix",
        "endpoint.timeout" => "Request timeout",
        "credentials.access_key_id" => "Access key ID",
        "credentials.secret" => "Secret access key",
        "credentials.session_token" => "Session token",
        "clouds" => "Clouds",
        "launch.base_name" => "Launch configuration name",
        "launch.image_id" => "Image",
        "launch.instance_type" => "Instance type",
        "launch.key_name" => "Key name",
        "launch.security_groups" => "Security groups",
        "launch.user_data" => "User data",
        "domain.name" => "Domain name",
        "domain.policy" => "Policy",
        "domain.minimum_vms" => "Minimum VMs",
        "domain.availability_zone" => "Availability zone",
        "domain.sensor.metric" => "Metric",
        "domain.sensor.sample_function" => "Sample function",
        "domain.sensor.scale_up_threshold" => "Scale-up threshold",
        "domain.sensor.scale_down_threshold" => "Scale-down threshold",
        "domain.sensor.scale_up_n_vms" => "VMs per scale-up",
        "domain.sensor.scale_down_n_vms" => "VMs per scale-down",
        "domain.sensor.cooldown" => "Cooldown",
        "ramp.shape" => "Ramp shape",
        "ramp.start" => "Start capacity",
        "ramp.increment" => "Increment",
        "ramp.interval" => "Interval",
        "ramp.peak" => "Peak",
        "ramp.steps" => "Steps",
        "ramp.hold" => "Hold",
        "ramp.final_capacity" => "Final capacity",
        "version" => "Version",
        "import" => "Import",
        other => other,
    }
    .to_string()
}
