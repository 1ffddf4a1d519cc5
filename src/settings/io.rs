//! The settings file: export to JSON, import from JSON.
//!
//! Import treats the file as hostile: it is size-checked before parsing, must be a
//! JSON object of [`SETTINGS_VERSION`], may carry no field this app does not know (and
//! no secret at all), and every list and string has a bound. What passes is still only
//! *settings*: [`Settings::validate`] then says what, if anything, must be fixed before
//! a run.

use serde_json::Value;

use super::validate::{
    invisible, FieldError, MAX_CLOUDS, MAX_STEPS, MAX_URL_LEN, MAX_USER_DATA_BYTES,
};
use super::{NumText, Settings, SETTINGS_VERSION};

/// A settings file is at most this large.
pub const MAX_IMPORT_BYTES: usize = 256 * 1024;
/// Any one text field (but the URL and the user data) is at most this long.
pub const MAX_TEXT_CHARS: usize = 1024;
/// A number field's text is at most this long.
pub const MAX_NUMBER_CHARS: usize = 32;

/// Why a settings file was not imported. Messages quote no secret: a file with a secret
/// in it is refused by the name of the field, never its value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Nothing in the file.
    #[error("The file is empty")]
    Empty,
    /// Too large to be a settings file.
    #[error("The file is {0} bytes; a settings file is at most 256 KB")]
    TooLarge(usize),
    /// Not JSON (the parser's message, with line and column).
    #[error("The file is not valid JSON: {0}")]
    Malformed(String),
    /// JSON, but not an object.
    #[error("The file must hold a JSON object with \"version\": 1 at the top")]
    NotAnObject,
    /// No version field.
    #[error("The file has no \"version\": it is not a Phantom Decision Engine settings file")]
    MissingVersion,
    /// A version that is not a whole number.
    #[error("\"version\" must be the number 1, not {0}")]
    BadVersion(String),
    /// Another version of the format.
    #[error("Settings version {0} is not supported; this app reads version 1")]
    UnsupportedVersion(u64),
    /// A field that looks like a credential.
    #[error(
        "The file contains \"{0}\": settings files never carry secrets; remove it and import again"
    )]
    ContainsSecret(String),
    /// A field this app does not know, a missing field, or a value of the wrong type.
    #[error("The file does not match this app's settings format: {0}")]
    Format(String),
    /// Lists or texts beyond the bounds, or invisible characters.
    #[error("{}", join(.0))]
    Limits(Vec<FieldError>),
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Shortens a parser message (it may quote a hostile key) and drops control characters.
fn tidy(message: &str) -> String {
    let mut s: String = message
        .chars()
        .filter(|c| !invisible(*c))
        .take(240)
        .collect();
    if message.chars().count() > 240 {
        s.push('…');
    }
    s
}

/// The settings as a JSON file: pretty, versioned, without the secret key, the session
/// token or the "remember" flag (they are not serialized at all).
pub fn export_json(settings: &Settings) -> Result<String, serde_json::Error> {
    let mut s = settings.clone();
    s.version = SETTINGS_VERSION;
    serde_json::to_string_pretty(&s).map(|mut t| {
        t.push('\n');
        t
    })
}

/// Key names that mean a credential (compared lowercased, without `_` and `-`).
const SECRET_KEYS: [&str; 9] = [
    "secret",
    "secretkey",
    "secretaccesskey",
    "awssecretaccesskey",
    "sessiontoken",
    "securitytoken",
    "token",
    "password",
    "credentials.secret",
];

fn find_secret(v: &Value, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    match v {
        Value::Object(map) => map.iter().find_map(|(k, child)| {
            let norm: String = k
                .chars()
                .filter(|c| *c != '_' && *c != '-')
                .flat_map(char::to_lowercase)
                .collect();
            if SECRET_KEYS.contains(&norm.as_str()) {
                Some(tidy(k))
            } else {
                find_secret(child, depth + 1)
            }
        }),
        Value::Array(items) => items.iter().find_map(|i| find_secret(i, depth + 1)),
        _ => None,
    }
}

/// Reads a settings file. Each problem has its own message; see [`ImportError`].
pub fn import_json(text: &str) -> Result<Settings, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge(text.len()));
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| ImportError::Malformed(tidy(&e.to_string())))?;
    let Value::Object(map) = &value else {
        return Err(ImportError::NotAnObject);
    };
    match map.get("version") {
        None => return Err(ImportError::MissingVersion),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if v == u64::from(SETTINGS_VERSION) => {}
            Some(v) => return Err(ImportError::UnsupportedVersion(v)),
            None => return Err(ImportError::BadVersion(tidy(&n.to_string()))),
        },
        Some(other) => {
            let shown = match other {
                Value::String(s) => format!("the text \"{}\"", tidy(s)),
                Value::Null => "null".to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Array(_) => "a list".to_string(),
                Value::Object(_) => "an object".to_string(),
                Value::Number(n) => n.to_string(),
            };
            return Err(ImportError::BadVersion(shown));
        }
    }
    if let Some(key) = find_secret(&value, 0) {
        return Err(ImportError::ContainsSecret(key));
    }
    let settings: Settings =
        serde_json::from_str(text).map_err(|e| ImportError::Format(tidy(&e.to_string())))?;
    let problems = limits(&settings);
    if !problems.is_empty() {
        return Err(ImportError::Limits(problems));
    }
    Ok(settings)
}

/// Bounds every list and text of imported settings.
fn limits(s: &Settings) -> Vec<FieldError> {
    let mut out = Vec::new();
    if s.clouds.len() > MAX_CLOUDS {
        out.push(FieldError::new(
            "clouds",
            format!(
                "{} clouds; at most {MAX_CLOUDS} are allowed",
                s.clouds.len()
            ),
        ));
    }
    if s.ramp.steps.len() > MAX_STEPS {
        out.push(FieldError::new(
            "ramp.steps",
            format!(
                "{} steps; at most {MAX_STEPS} are allowed",
                s.ramp.steps.len()
            ),
        ));
    }
    if !out.is_empty() {
        return out;
    }
    let mut text = |field: String, value: &str, max: usize, multiline: bool| {
        let n = value.chars().count();
        if n > max {
            out.push(FieldError::new(
                field,
                format!("{n} characters; at most {max} are allowed"),
            ));
        } else if value
            .chars()
            .any(|c| invisible(c) && !(multiline && matches!(c, '\n' | '\r' | '\t')))
        {
            out.push(FieldError::new(
                field,
                "Contains control or invisible characters (such as bidi overrides)",
            ));
        }
    };
    let e = &s.endpoint;
    let c = &s.credentials;
    let l = &s.launch;
    let d = &s.domain;
    let sn = &d.sensor;
    let r = &s.ramp;
    let strings: [(&str, &str); 14] = [
        ("endpoint.region", &e.region),
        ("endpoint.proxy_prefix", &e.proxy_prefix),
        ("credentials.access_key_id", &c.access_key_id),
        ("launch.base_name", &l.base_name),
        ("launch.image_id", &l.image_id),
        ("launch.instance_type", &l.instance_type),
        ("launch.key_name", &l.key_name),
        ("launch.security_groups", &l.security_groups),
        ("domain.name", &d.name),
        ("domain.availability_zone", &d.availability_zone),
        ("domain.sensor.metric", &sn.metric),
        ("domain.sensor.sample_function", &sn.sample_function),
        ("endpoint.url", &e.url),
        ("launch.user_data", &l.user_data),
    ];
    for (field, value) in strings {
        let (max, multiline) = match field {
            "endpoint.url" => (MAX_URL_LEN, false),
            "launch.user_data" => (MAX_USER_DATA_BYTES, true),
            _ => (MAX_TEXT_CHARS, false),
        };
        text(field.to_string(), value, max, multiline);
    }
    for (i, cloud) in s.clouds.iter().enumerate() {
        text(
            format!("clouds[{i}].name"),
            &cloud.name,
            MAX_TEXT_CHARS,
            false,
        );
    }
    let mut numbers: Vec<(String, &NumText)> = vec![
        ("endpoint.timeout".into(), &e.timeout),
        ("domain.minimum_vms".into(), &d.minimum_vms),
        (
            "domain.sensor.scale_up_threshold".into(),
            &sn.scale_up_threshold,
        ),
        (
            "domain.sensor.scale_down_threshold".into(),
            &sn.scale_down_threshold,
        ),
        ("domain.sensor.scale_up_n_vms".into(), &sn.scale_up_n_vms),
        (
            "domain.sensor.scale_down_n_vms".into(),
            &sn.scale_down_n_vms,
        ),
        ("domain.sensor.cooldown".into(), &sn.cooldown),
        ("ramp.start".into(), &r.start),
        ("ramp.increment".into(), &r.increment),
        ("ramp.interval".into(), &r.interval),
        ("ramp.peak".into(), &r.peak),
        ("ramp.hold".into(), &r.hold),
        ("ramp.final_capacity".into(), &r.final_capacity),
    ];
    for (i, cloud) in s.clouds.iter().enumerate() {
        numbers.push((format!("clouds[{i}].max_vms"), &cloud.max_vms));
    }
    for (i, step) in r.steps.iter().enumerate() {
        numbers.push((format!("ramp.steps[{i}].offset"), &step.offset));
        numbers.push((format!("ramp.steps[{i}].capacity"), &step.capacity));
    }
    for (field, value) in numbers {
        let n = value.as_str().chars().count();
        if n > MAX_NUMBER_CHARS {
            out.push(FieldError::new(
                field,
                format!("{n} characters is too long for a number (at most {MAX_NUMBER_CHARS})"),
            ));
        } else if value.as_str().chars().any(invisible) {
            out.push(FieldError::new(
                field,
                "Contains control or invisible characters (such as bidi overrides)",
            ));
        }
    }
    out
}
