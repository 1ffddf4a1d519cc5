//! The settings a person describes a decision engine with, as they typed them; pure Rust.
//!
//! [`Settings`] mirrors the form one to one (numbers stay text, see [`NumText`]) so that
//! nothing a person types is lost before [`Settings::validate`] can say what is wrong with
//! it, next to the right field ([`FieldError::field`] is a typed [`Field`] whose path,
//! such as `clouds[1].name`, is stable). [`Settings::validated`] turns valid settings into
//! typed values for the plan, [`Settings::client_config`] and [`Settings::credentials`]
//! into what the API client needs. [`io`] reads and writes the JSON file a person can
//! export and import; it never contains the secret key or the session token.
//!
//! The model has one file per form section, as the page has (`endpoint`, `credentials`,
//! `clouds`, `launch`, `domain`, `ramp`, `run`), and so has [`validate`]; [`field`] names
//! every field once for validation, import, labels and the page's inputs.
//!
//! The secret access key is not a field here at all: the page keeps it in memory, apart.

mod clouds;
mod credentials;
mod domain;
mod endpoint;
mod engines;
pub mod field;
pub mod float;
pub mod io;
mod launch;
pub mod num;
pub mod offer;
mod policy;
mod ramp;
mod run;
mod simulate;
pub mod templates;
pub mod trace;
pub mod validate;

use serde::{Deserialize, Serialize};

use crate::api::Profile;

pub use clouds::CloudSettings;
pub use credentials::CredentialSettings;
pub use domain::{DomainSettings, Policy, SensorSettings, SAMPLE_FUNCTIONS};
pub use endpoint::{scheme_label, ConnectionMode, EndpointSettings};
pub use engines::{copy_for_new_engine, duplicate_domains, engine_conflicts, share_connection};
pub use field::{
    field_label, CloudField, CredentialField, DomainField, EndpointField, Field, LaunchField,
    PolicyField, RampField, RunField, SensorField, SimulateField, StepField, UnknownField,
};
pub use io::{export_engines, export_json, import_engines, import_json, ImportError, MAX_ENGINES};
pub use launch::LaunchSettings;
pub use num::NumText;
pub use offer::{csp_allows_connect, parse_server_config, ProxyOffer};
pub use policy::PolicySettings;
pub use ramp::{RampSettings, RampShape, RampStep};
pub use run::RunSettings;
pub use simulate::{SimulateSettings, TraceKind};
pub use validate::{
    check_secret, FieldError, MetricSpec, PolicyKind, Rails, ValidCloud, ValidDomain, ValidLaunch,
    ValidPolicy, ValidRamp, ValidSensor, ValidSimulation, Validated, Weekdays,
};

/// The version of one engine's settings (a whole file before several engines).
pub const SETTINGS_VERSION: u32 = 1;
/// The version of a file of several engines (`{"version": 2, "engines": [...]}`).
pub const ENGINES_VERSION: u32 = 2;

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
    /// The dry run's model (absent in older files: the defaults).
    #[serde(default)]
    pub simulate: SimulateSettings,
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
                policy: PolicySettings::default(),
            },
            run: RunSettings::default(),
            simulate: SimulateSettings::default(),
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
