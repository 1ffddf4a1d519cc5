//! Validation: every problem, each with the field it belongs to and a specific message;
//! and the typed values valid settings stand for.
//!
//! One file per form section, as the page has them (`ui/endpoint.rs` and so on):
//! `endpoint`, `credentials`, `clouds`, `launch`, `domain`, `ramp` and `run` (the run
//! options); `check` is what they share (the problem type, the collector, number and
//! text rules). This file puts them together in form order; [`Field`] names the fields.

mod check;
mod clouds;
mod credentials;
mod domain;
mod endpoint;
mod launch;
mod policy;
mod policy_spec;
mod ramp;
mod run;
mod simulate;

use serde::Serialize;

use crate::api::{ClientConfig, Profile};
use crate::sign::Credentials;

use super::field::{CredentialField, Field};
use super::num::parse_int;
use super::Settings;

pub use super::field::field_label;
pub(crate) use check::invisible;
pub use check::FieldError;
pub use clouds::{ValidCloud, MAX_CLOUDS, MAX_VMS_PER_CLOUD};
pub use credentials::check_secret;
pub use domain::{ValidDomain, ValidSensor};
pub use endpoint::{MAX_URL_LEN, TIMEOUT_RANGE_S};
pub use launch::{ValidLaunch, MAX_USER_DATA_BYTES};
pub use policy::{parse_weekdays, MAX_CODE_BYTES, TIME_LIMIT_MS};
pub(crate) use policy::{policy_numbers, policy_texts};
pub use policy_spec::{MetricSpec, PolicyKind, Rails, ValidPolicy, Weekdays};
pub use ramp::{ValidRamp, MAX_RUN_MS, MAX_STEPS};
pub use simulate::{ValidSimulation, MAX_TRACE_VALUES};

use check::{upper_first, Check};

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
            .chain(self.ramp.policy.as_ref().map(|p| p.rails.max))
            .max()
            .unwrap_or(0)
    }
}

impl Settings {
    /// Every problem, in form order, each with its field: endpoint, credentials (the
    /// access key ID and session token; the secret is checked by [`check_secret`]),
    /// clouds, launch configuration, domain, ramp. Empty when the settings can run.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut c = Check::default();
        endpoint::check_endpoint(&self.endpoint, &mut c);
        credentials::check_access_key(&self.credentials, &mut c);
        run::check_run(&self.run, &mut c);
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
                !matches!(
                    e.field,
                    Field::Endpoint(_) | Field::Credentials(CredentialField::AccessKeyId)
                )
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
        let clouds = clouds::check_clouds(&self.clouds, &mut c);
        let cap = clouds::capacity_cap(self.domain.policy, &self.clouds);
        let launch = launch::check_launch(&self.launch, &mut c);
        let domain = domain::check_domain(&self.domain, profile, cap.as_ref(), &mut c);
        let limits = ramp::Limits {
            cap: cap.as_ref(),
            aws_min: match profile {
                Profile::AwsCompatible => parse_int(&self.domain.minimum_vms, 0, u32::MAX).ok(),
                Profile::Phantom => None,
            },
        };
        let ramp = ramp::check_ramp(&self.ramp, &limits, &mut c);
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
        let config = endpoint::check_endpoint(&self.endpoint, &mut c);
        c.finish(config)
    }

    /// The signing credentials: the access key ID and session token from here, the
    /// secret from the caller. Errors never quote the secret or the token.
    pub fn credentials(&self, secret: &str) -> Result<Credentials, Vec<FieldError>> {
        let mut c = Check::default();
        credentials::check_access_key(&self.credentials, &mut c);
        c.errors.extend(check_secret(secret));
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        let token = Some(self.credentials.session_token.clone()).filter(|t| !t.is_empty());
        Credentials::new(self.credentials.access_key_id.clone(), secret, token).map_err(|e| {
            vec![FieldError::new(
                CredentialField::AccessKeyId,
                upper_first(&e.to_string()),
            )]
        })
    }
}
