//! The settings a person describes a decision engine with, as they typed them; pure Rust.
//!
//! [`Settings`] mirrors the form one to one (numbers stay text, see [`NumText`]) so that
//! nothing a person types is lost before [`Settings::validate`] can say what is wrong with
//! it, next to the right field ([`FieldError::field`] is a stable path such as
//! `clouds[1].name`). [`Settings::validated`] turns valid settings into typed values for
//! the plan, [`Settings::client_config`] and [`Settings::credentials`] into what the API
//! client needs. [`io`] reads and writes the JSON file a person can export and import;
//! it never contains the secret key or the session token.
//!
//! The secret access key is not a field here at all: the page keeps it in memory, apart.

pub mod io;
pub mod num;
pub mod offer;
pub mod validate;

use serde::{Deserialize, Serialize};

use crate::api::Profile;
use crate::sign::Scheme;

pub use io::{export_json, import_json, ImportError};
pub use num::NumText;
pub use offer::{csp_allows_connect, parse_server_config, ProxyOffer};
pub use validate::{
    check_secret, field_label, FieldError, ValidCloud, ValidDomain, ValidLaunch, ValidRamp,
    ValidSensor, Validated,
};

/// The version of the settings format this app reads and writes.
pub const SETTINGS_VERSION: u32 = 1;

/// Everything that describes a run, except the secret key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Format version ([`SETTINGS_VERSION`]).
    pub version: u32,
    /// Where the server is and how to reach it.
    pub endpoint: EndpointSettings,
    /// Who signs (the access key ID; the secret is kept apart).
    pub credentials: CredentialSettings,
    /// The clouds, in rank order.
    pub clouds: Vec<CloudSettings>,
    /// The launch configuration created on every cloud.
    pub launch: LaunchSettings,
    /// The domain.
    pub domain: DomainSettings,
    /// The capacity ramp and what happens at its end.
    pub ramp: RampSettings,
    /// How a run behaves beyond its plan (absent in older files: the defaults).
    #[serde(default)]
    pub run: RunSettings,
}

/// How a run behaves beyond its plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunSettings {
    /// After Stop, leave the VMs running instead of setting capacity 0.
    pub leave_running: bool,
    /// A ramp step that still fails after the retries is logged and the run goes on
    /// (off: the run stops and sets capacity 0).
    pub continue_on_failed_step: bool,
    /// Look at the domain's VMs this often while running, in seconds (0: never).
    pub monitor_seconds: NumText,
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            leave_running: false,
            continue_on_failed_step: false,
            monitor_seconds: 3.into(),
        }
    }
}

impl RunSettings {
    /// The monitor interval in ms, when valid (see `Settings::validate`).
    pub fn monitor_interval_ms(&self) -> Option<u64> {
        num::parse_seconds_ms(&self.monitor_seconds, 0, 3_600_000).ok()
    }
}

/// How the browser reaches the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConnectionMode {
    /// Through the page's own server at a path prefix (Phantom sends no CORS headers).
    #[default]
    Proxy,
    /// Straight to the endpoint (it must send CORS headers, and the page's
    /// Content-Security-Policy must allow its origin).
    Direct,
}

impl ConnectionMode {
    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            ConnectionMode::Proxy => "Same-origin proxy",
            ConnectionMode::Direct => "Direct",
        }
    }
}

/// The endpoint section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointSettings {
    /// The URL requests are signed for, e.g. `https://svc.example.org:8445/`.
    pub url: String,
    /// Phantom or AWS-compatible.
    pub profile: Profile,
    /// How requests are signed; one of `profile.schemes()`.
    pub scheme: Scheme,
    /// SigV4 region (AWS-compatible servers check it; Phantom does not).
    pub region: String,
    /// Direct or through the same-origin proxy.
    pub connection: ConnectionMode,
    /// The proxy's path prefix on the page's origin, `/phantom/` by convention.
    pub proxy_prefix: String,
    /// Per-request timeout in seconds.
    pub timeout: NumText,
}

/// The credentials section, without the secret key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSettings {
    /// The access key ID (not secret; saved with the settings).
    pub access_key_id: String,
    /// The optional session token. Treated like the secret: never written to the
    /// settings JSON, stored only when the person asks to be remembered.
    #[serde(skip)]
    pub session_token: String,
    /// Whether the secret (and token) are kept on this device. Not written to the
    /// settings JSON either: the page derives it from whether a secret is stored.
    #[serde(skip)]
    pub remember_secret: bool,
}

/// One cloud (site) of the domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudSettings {
    /// The cloud name Phantom knows, e.g. `hotel`.
    pub name: String,
    /// How many VMs the domain may run there.
    pub max_vms: NumText,
}

impl CloudSettings {
    /// A cloud named `name` allowing `max_vms` VMs.
    pub fn new(name: &str, max_vms: u32) -> Self {
        Self {
            name: name.to_string(),
            max_vms: max_vms.into(),
        }
    }
}

/// The launch configuration section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchSettings {
    /// Base name; the app creates `base_name@cloud` for every cloud.
    pub base_name: String,
    /// Image id, e.g. `hello-phantom.gz`.
    pub image_id: String,
    /// Instance type, e.g. `m1.small`.
    pub instance_type: String,
    /// SSH key name (optional; Phantom always launches with `phantomkey`).
    pub key_name: String,
    /// Security groups, comma-separated (optional).
    pub security_groups: String,
    /// User data (optional), sent base64-encoded.
    pub user_data: String,
}

/// The Phantom policy (`PHANTOM_DEFINITION`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Policy {
    /// Fills the clouds in rank order up to each cloud's maximum (the tutorial's).
    #[default]
    #[serde(rename = "error_overflow_n_preserving")]
    ErrorOverflowNPreserving,
    /// Scales on a sensor metric; runs on the cloud of the launch configuration it was
    /// created with (the first cloud).
    #[serde(rename = "sensor_engine")]
    SensorEngine,
}

impl Policy {
    /// Both policies, in the order a form lists them.
    pub const ALL: [Policy; 2] = [Policy::ErrorOverflowNPreserving, Policy::SensorEngine];

    /// The `PHANTOM_DEFINITION` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::ErrorOverflowNPreserving => "error_overflow_n_preserving",
            Policy::SensorEngine => "sensor_engine",
        }
    }

    /// Parses [`Policy::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// The sensor settings of the `sensor_engine` policy (PHANTOM.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorSettings {
    /// The metric, e.g. `CPUUtilization`.
    pub metric: String,
    /// How samples are combined: `Average`, `Sum`, `SampleCount`, `Maximum`, `Minimum`.
    pub sample_function: String,
    /// Scale up when the metric is above this.
    pub scale_up_threshold: NumText,
    /// Scale down when the metric is below this.
    pub scale_down_threshold: NumText,
    /// VMs added per scale-up.
    pub scale_up_n_vms: NumText,
    /// VMs removed per scale-down.
    pub scale_down_n_vms: NumText,
    /// Seconds between two scaling decisions.
    pub cooldown: NumText,
}

/// The sample functions Phantom's sensor engine understands.
pub const SAMPLE_FUNCTIONS: [&str; 5] = ["Average", "Sum", "SampleCount", "Maximum", "Minimum"];

/// The domain section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSettings {
    /// The domain (auto scaling group) name.
    pub name: String,
    /// The policy.
    pub policy: Policy,
    /// `minimum_vms` (the tutorial's `n_preserve`, 0).
    pub minimum_vms: NumText,
    /// The availability zone (Phantom ignores it; AWS needs a real one).
    pub availability_zone: String,
    /// Delete an existing domain of that name first (the tutorial does). Off: an
    /// existing domain is kept as it is and driven by the ramp.
    pub replace_existing: bool,
    /// Used with [`Policy::SensorEngine`] only.
    pub sensor: SensorSettings,
}

/// The shape of the capacity ramp.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RampShape {
    /// Start, add `increment` every `interval` up to `peak` (the tutorial: 1, 2, 3, 4
    /// every 10 s).
    #[default]
    Tutorial,
    /// An explicit list of (time offset, capacity) steps.
    Steps,
}

/// One explicit ramp step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RampStep {
    /// Seconds after the ramp's start.
    pub offset: NumText,
    /// The capacity set at that time.
    pub capacity: NumText,
}

impl RampStep {
    /// A step at `offset_s` seconds setting `capacity`.
    pub fn new(offset_s: u32, capacity: u32) -> Self {
        Self {
            offset: offset_s.into(),
            capacity: capacity.into(),
        }
    }
}

/// The ramp section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RampSettings {
    /// Tutorial shape or explicit steps.
    pub shape: RampShape,
    /// Tutorial shape: the first capacity (1).
    pub start: NumText,
    /// Tutorial shape: added at every step (1).
    pub increment: NumText,
    /// Tutorial shape: seconds between steps (10).
    pub interval: NumText,
    /// Tutorial shape: the highest capacity (4).
    pub peak: NumText,
    /// Explicit shape: the steps.
    pub steps: Vec<RampStep>,
    /// Seconds the last step is held before the end (60).
    pub hold: NumText,
    /// The capacity set at the end (0).
    pub final_capacity: NumText,
    /// Delete the domain after the final capacity is set.
    pub delete_domain: bool,
}

impl RampSettings {
    /// Appends a step 10 s after the last one (when its time is a whole number of
    /// seconds) with the same capacity; or, for an empty list, capacity 1 at 0 s.
    pub fn push_step(&mut self) {
        let next = match self.steps.last() {
            None => RampStep::new(0, 1),
            Some(last) => RampStep {
                offset: last
                    .offset
                    .as_str()
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .and_then(|t| t.checked_add(10))
                    .map(NumText::from)
                    .unwrap_or_default(),
                capacity: last.capacity.clone(),
            },
        };
        self.steps.push(next);
    }
}

impl Settings {
    /// The seed tutorial's decision engine: clouds hotel and sierra with 4 VMs each,
    /// `my_launch_config` from `hello-phantom.gz` (`m1.small`, key `phantomkey`, group
    /// `default`), domain `my_domain` with `error_overflow_n_preserving`, minimum 0,
    /// replacing an existing one, and the ramp 1, 2, 3, 4 every 10 s, held 60 s, then 0.
    /// The Phantom URL and the access key ID are empty: the tutorial reads them from the
    /// environment.
    pub fn tutorial_defaults() -> Self {
        let profile = Profile::Phantom;
        Self {
            version: SETTINGS_VERSION,
            endpoint: EndpointSettings {
                url: String::new(),
                profile,
                scheme: profile.default_scheme(),
                region: "us-east-1".to_string(),
                connection: ConnectionMode::Proxy,
                proxy_prefix: "/phantom/".to_string(),
                timeout: 15.into(),
            },
            credentials: CredentialSettings::default(),
            clouds: vec![
                CloudSettings::new("hotel", 4),
                CloudSettings::new("sierra", 4),
            ],
            launch: LaunchSettings {
                base_name: "my_launch_config".to_string(),
                image_id: "hello-phantom.gz".to_string(),
                instance_type: "m1.small".to_string(),
                key_name: "phantomkey".to_string(),
                security_groups: "default".to_string(),
                user_data: String::new(),
            },
            domain: DomainSettings {
                name: "my_domain".to_string(),
                policy: Policy::ErrorOverflowNPreserving,
                minimum_vms: 0.into(),
                availability_zone: profile.default_availability_zone().to_string(),
                replace_existing: true,
                sensor: SensorSettings {
                    metric: "CPUUtilization".to_string(),
                    sample_function: "Average".to_string(),
                    scale_up_threshold: "80".into(),
                    scale_down_threshold: "20".into(),
                    scale_up_n_vms: 1.into(),
                    scale_down_n_vms: 1.into(),
                    cooldown: 60.into(),
                },
            },
            ramp: RampSettings {
                shape: RampShape::Tutorial,
                start: 1.into(),
                increment: 1.into(),
                interval: 10.into(),
                peak: 4.into(),
                steps: (0..4).map(|i| RampStep::new(i * 10, i + 1)).collect(),
                hold: 60.into(),
                final_capacity: 0.into(),
                delete_domain: false,
            },
            run: RunSettings::default(),
        }
    }

    /// Switches the profile and keeps the rest sensible: a signature scheme the new
    /// profile does not accept becomes its default, and an availability zone still at
    /// the old profile's default becomes the new one's.
    pub fn set_profile(&mut self, profile: Profile) {
        let old = self.endpoint.profile;
        self.endpoint.profile = profile;
        if !profile.schemes().contains(&self.endpoint.scheme) {
            self.endpoint.scheme = profile.default_scheme();
        }
        if self.domain.availability_zone == old.default_availability_zone() {
            self.domain.availability_zone = profile.default_availability_zone().to_string();
        }
    }

    /// Resets everything to the tutorial's values except the credentials (access key
    /// ID, session token, remember flag), which belong to the person, not the engine.
    pub fn reset_keeping_credentials(&mut self) {
        let credentials = std::mem::take(&mut self.credentials);
        *self = Self::tutorial_defaults();
        self.credentials = credentials;
    }

    /// Applies what the page's server offers (`GET /__pde/config.json`) to settings
    /// nobody has edited yet: the first offered proxy becomes the connection, and its
    /// target fills an empty URL; with no proxy on offer the connection is direct.
    pub fn apply_server_offer(&mut self, offers: &[ProxyOffer]) {
        match offers.first() {
            Some(offer) => {
                self.endpoint.connection = ConnectionMode::Proxy;
                self.endpoint.proxy_prefix = offer.prefix.clone();
                if self.endpoint.url.trim().is_empty() {
                    self.endpoint.url = offer.target.clone();
                }
            }
            None => self.endpoint.connection = ConnectionMode::Direct,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self::tutorial_defaults()
    }
}

/// A human name for a signature scheme, as the form shows it.
pub fn scheme_label(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::V2HmacSha256 => "Signature V2, HmacSHA256",
        Scheme::V2HmacSha1 => "Signature V2, HmacSHA1",
        Scheme::V4Phantom => "Signature V4, Phantom dialect",
        Scheme::V4 => "Signature V4, standard",
    }
}
