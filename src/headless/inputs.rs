//! From a settings file, the flags and the environment to what a run needs, exactly as
//! the page gets there: the file read by the page's own import ([`import_engines`]), the
//! shape checked ([`super::shape`]), the endpoint and credentials filled in from flags
//! and environment, every problem found by the page's own validation
//! ([`Settings::validate_with_secret`]), the plan by the page's own
//! [`Plan::from_settings`] and the options by [`RunOptions::from_settings`].
//!
//! The one departure from the page: requests go straight to the endpoint
//! ([`ConnectionMode::Direct`]); the file's same-origin proxy exists only beside a page.
//! Pure: reading files is the caller's.

use std::fmt;

use serde_json::Value;

use crate::api::ClientConfig;
use crate::engine::{Plan, RunOptions};
use crate::settings::io::MAX_IMPORT_BYTES;
use crate::settings::{
    import_engines, ConnectionMode, CredentialField, EndpointField, Field, FieldError, ImportError,
    Settings,
};
use crate::sign::Credentials;

use super::args::{Args, Environment};
use super::secret::SecretText;
use super::shape::{check_runnable, refuse_unknown_shape, Refusal};

/// Where a value came from (said on stderr at the start, never the secret's value).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Source {
    /// A flag.
    Flag,
    /// An environment variable.
    Environment,
    /// The settings file.
    File,
    /// Nowhere.
    #[default]
    Missing,
}

impl Source {
    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            Source::Flag => "command line",
            Source::Environment => "environment",
            Source::File => "settings file",
            Source::Missing => "not given",
        }
    }
}

/// Where the endpoint, the access key and the secret came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    /// The endpoint URL.
    pub url: Source,
    /// The access key ID.
    pub access_key: Source,
    /// The secret key.
    pub secret: Source,
}

/// One problem of the settings, as the runner prints it: the field's path in the file
/// (`ramp.steps[2].offset`), the page's message, and where a headless value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The field's path.
    pub field: String,
    /// The page's message for it.
    pub message: String,
    /// How to give the value headless (the variable or flag), or empty.
    pub hint: &'static str,
}

impl Problem {
    fn of(e: &FieldError) -> Self {
        let hint = match e.field {
            Field::Endpoint(EndpointField::Url) => " (set PHANTOM_URL or pass --url)",
            Field::Credentials(CredentialField::AccessKeyId) => {
                " (set EC2_ACCESS_KEY or pass --access-key)"
            }
            Field::Credentials(CredentialField::Secret) => {
                " (set EC2_SECRET_KEY or pass --secret-file FILE)"
            }
            Field::Credentials(CredentialField::SessionToken) => " (from EC2_SESSION_TOKEN)",
            _ => "",
        };
        Self {
            field: e.field.to_string(),
            message: e.message.clone(),
            hint,
        }
    }

    /// Whether the environment (or a flag) supplies this field rather than the file.
    fn is_environment(e: &FieldError) -> bool {
        matches!(
            e.field,
            Field::Endpoint(EndpointField::Url) | Field::Credentials(_)
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}{}", self.field, self.message, self.hint)
    }
}

/// Why the runner cannot start (exit status 2; nothing was sent).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The settings file could not be read.
    #[error("cannot read the settings file {path}: {detail}")]
    Read {
        /// The path as given.
        path: String,
        /// The system's reason.
        detail: String,
    },
    /// The page's import refused the file.
    #[error("the settings file cannot be imported: {0}")]
    Import(#[from] ImportError),
    /// A shape this runner does not run.
    #[error("{0}")]
    Refused(#[from] Refusal),
    /// The page's validation found problems.
    #[error("the settings cannot run:\n{}", list(.0))]
    Invalid(Vec<Problem>),
    /// The secret could not be read (the message names the file, never the secret).
    #[error("{0}")]
    Secret(String),
    /// No engine of the file, or several, answer to `--domain`.
    #[error("{0}")]
    Engine(String),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads a settings file of one engine with the page's import (see [`read_engine`]).
pub fn read_settings(text: &str) -> Result<Settings, InputError> {
    read_engine(text, None)
}

/// Reads a settings file with the page's import, after refusing a shape this runner
/// does not run (with its own message): its one engine, or, from a file of several (the
/// page's Export settings with several domains), the engine of `domain` (`--domain`).
pub fn read_engine(text: &str, domain: Option<&str>) -> Result<Settings, InputError> {
    let bare = text.strip_prefix('\u{feff}').unwrap_or(text);
    if bare.len() <= MAX_IMPORT_BYTES {
        if let Ok(value) = serde_json::from_str::<Value>(bare) {
            match value.get("engines").and_then(Value::as_array) {
                Some(engines) => engines.iter().try_for_each(refuse_unknown_shape)?,
                None => refuse_unknown_shape(&value)?,
            }
        }
    }
    let mut engines = import_engines(text)?;
    let names = || {
        engines
            .iter()
            .map(|e| e.domain.name.trim().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let settings = match domain.map(str::trim) {
        Some(wanted) => match engines.iter().position(|e| e.domain.name.trim() == wanted) {
            Some(i) => engines.swap_remove(i),
            None => {
                return Err(InputError::Engine(format!(
                    "the settings file has no engine of domain {wanted} (its domains: {})",
                    names()
                )))
            }
        },
        None if engines.len() == 1 => engines.remove(0),
        None => {
            return Err(InputError::Engine(format!(
                "the settings file holds {} engines (domains {}): choose one with --domain NAME",
                engines.len(),
                names()
            )))
        }
    };
    check_runnable(&settings)?;
    Ok(settings)
}

/// Fills in the endpoint, access key and session token from the flags and environment
/// (flags first, then the environment, then the file) and makes the connection direct.
pub fn apply_overrides(settings: &mut Settings, args: &Args, env: &Environment) -> Sources {
    let mut sources = Sources::default();
    let file_url = !settings.endpoint.url.trim().is_empty();
    (settings.endpoint.url, sources.url) = match (&args.url, &env.url) {
        (Some(url), _) => (url.clone(), Source::Flag),
        (None, Some(url)) => (url.clone(), Source::Environment),
        (None, None) if file_url => (settings.endpoint.url.clone(), Source::File),
        (None, None) => (String::new(), Source::Missing),
    };
    let file_key = !settings.credentials.access_key_id.is_empty();
    (settings.credentials.access_key_id, sources.access_key) =
        match (&args.access_key, &env.access_key) {
            (Some(key), _) => (key.clone(), Source::Flag),
            (None, Some(key)) => (key.clone(), Source::Environment),
            (None, None) if file_key => (settings.credentials.access_key_id.clone(), Source::File),
            (None, None) => (String::new(), Source::Missing),
        };
    settings.credentials.session_token = env.session_token.clone().unwrap_or_default();
    settings.endpoint.connection = ConnectionMode::Direct;
    sources
}

/// The secret: `--secret-file` (read by `read_file`), else `EC2_SECRET_KEY`.
pub fn find_secret(
    args: &Args,
    env: &Environment,
    read_file: impl FnOnce(&std::path::Path) -> Result<SecretText, String>,
) -> Result<(Option<SecretText>, Source), InputError> {
    match (&args.secret_file, &env.secret_key) {
        (Some(path), _) => read_file(path)
            .map(|s| (Some(s), Source::Flag))
            .map_err(InputError::Secret),
        (None, Some(secret)) => Ok((Some(SecretText::new(secret.clone())), Source::Environment)),
        (None, None) => Ok((None, Source::Missing)),
    }
}

/// What a run needs, checked.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The settings with the headless values filled in.
    pub settings: Settings,
    /// The plan, as the page builds it.
    pub plan: Plan,
    /// The run options, as the page takes them.
    pub options: RunOptions,
    /// The client's configuration (direct), `None` for a dry run without an endpoint.
    pub config: Option<ClientConfig>,
    /// The signing credentials, `None` for a dry run.
    pub credentials: Option<Credentials>,
    /// What a real run would still need (a dry run only): the problems of the values the
    /// environment supplies.
    pub missing: Vec<Problem>,
}

/// Checks `settings` (with the headless values applied) as the page does before Run and
/// builds the plan. A dry run does not need the endpoint or the credentials: their
/// problems are listed in [`Prepared::missing`] instead.
pub fn prepare(
    settings: Settings,
    secret: Option<&SecretText>,
    dry_run: bool,
) -> Result<Prepared, InputError> {
    let secret_text = secret.map_or("", SecretText::expose);
    let errors = settings.validate_with_secret(secret_text);
    let mut problems = Vec::new();
    let mut missing = Vec::new();
    for e in &errors {
        let problem = Problem::of(e);
        if dry_run && Problem::is_environment(e) {
            missing.push(problem);
        } else {
            problems.push(problem);
        }
    }
    if !problems.is_empty() {
        return Err(InputError::Invalid(problems));
    }
    let invalid = |e: Vec<FieldError>| InputError::Invalid(e.iter().map(Problem::of).collect());
    let plan = Plan::from_settings(&settings).map_err(invalid)?;
    let options = RunOptions::from_settings(&settings.run);
    let config = match settings.client_config() {
        Ok(config) => Some(config),
        Err(_) if dry_run => None,
        Err(e) => return Err(invalid(e)),
    };
    let credentials = match settings.credentials(secret_text) {
        Ok(credentials) if !dry_run => Some(credentials),
        Ok(_) => None,
        Err(_) if dry_run => None,
        Err(e) => return Err(invalid(e)),
    };
    Ok(Prepared {
        settings,
        plan,
        options,
        config,
        credentials,
        missing,
    })
}
