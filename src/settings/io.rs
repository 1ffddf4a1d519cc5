//! The settings file: export to JSON, import from JSON.
//!
//! A file holds one engine ([`SETTINGS_VERSION`] 1, every file before several engines)
//! or several ([`ENGINES_VERSION`] 2: `{"version": 2, "engines": [...]}`, each engine a
//! version 1 object).
//!
//! Import treats the file as hostile: it is size-checked before parsing, must be a
//! JSON object of a known version, may carry no field this app does not know (and
//! no secret at all), and every list and string has a bound. What passes is still only
//! *settings*: [`Settings::validate`] then says what, if anything, must be fixed before
//! a run.

use serde_json::Value;

use super::field::{
    CloudField, CredentialField, DomainField, EndpointField, Field, LaunchField, RampField,
    SensorField, StepField,
};
use super::validate::{
    invisible, FieldError, MAX_CLOUDS, MAX_STEPS, MAX_URL_LEN, MAX_USER_DATA_BYTES,
};
use super::{NumText, Settings, ENGINES_VERSION, SETTINGS_VERSION};

/// A settings file is at most this large.
pub const MAX_IMPORT_BYTES: usize = 256 * 1024;
/// Any one text field (but the URL and the user data) is at most this long.
pub const MAX_TEXT_CHARS: usize = 1024;
/// A number field's text is at most this long.
pub const MAX_NUMBER_CHARS: usize = 32;
/// A version 2 file holds at most this many engines (the page has a section for each).
pub const MAX_ENGINES: usize = 20;

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
    #[error("The file must hold a JSON object with \"version\": 1 or 2 at the top")]
    NotAnObject,
    /// No version field.
    #[error("The file has no \"version\": it is not a Phantom Decision Engine settings file")]
    MissingVersion,
    /// A version that is not a whole number.
    #[error("\"version\" must be the number 1 or 2, not {0}")]
    BadVersion(String),
    /// Another version of the format.
    #[error("Settings version {0} is not supported; this app reads versions 1 and 2")]
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
    /// A version 2 file whose `engines` is not a list of 1 to [`MAX_ENGINES`] objects.
    #[error("\"engines\" must be a list of 1 to {MAX_ENGINES} engines ({0})")]
    Engines(String),
    /// One engine of a version 2 file (numbered from 1, in the file's order).
    #[error("Engine {0}: {1}")]
    InEngine(usize, Box<ImportError>),
    /// A version 2 file with several engines where one is wanted ([`import_json`]).
    #[error("The file holds {0} engines ({1}) where one was expected")]
    SeveralEngines(usize, String),
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

/// Key names that mean a credential (compared lowercased, without `_` and `-`); the
/// secret's field path (`credentials.secret`) is one too.
const SECRET_KEYS: [&str; 8] = [
    "secret",
    "secretkey",
    "secretaccesskey",
    "awssecretaccesskey",
    "sessiontoken",
    "securitytoken",
    "token",
    "password",
];

/// A key's letter as [`find_secret`] compares it: ASCII in lower case, and the Kelvin
/// sign as the `k` Unicode lower-cases it to, so that no spelling of an ASCII key
/// escapes; without Unicode's case tables (30 KB of page, issue 12). No other character
/// lower-cases to ASCII letters alone (`İ` gives `i` and a combining dot).
fn ascii_lower(c: char) -> char {
    match c {
        '\u{212A}' => 'k',
        c => c.to_ascii_lowercase(),
    }
}

fn find_secret(v: &Value, depth: usize, secret_path: &str) -> Option<String> {
    if depth > 16 {
        return None;
    }
    match v {
        Value::Object(map) => map.iter().find_map(|(k, child)| {
            let norm: String = k
                .chars()
                .filter(|c| *c != '_' && *c != '-')
                .map(ascii_lower)
                .collect();
            if SECRET_KEYS.contains(&norm.as_str()) || norm == secret_path {
                Some(tidy(k))
            } else {
                find_secret(child, depth + 1, secret_path)
            }
        }),
        Value::Array(items) => items
            .iter()
            .find_map(|i| find_secret(i, depth + 1, secret_path)),
        _ => None,
    }
}

/// Reads a settings file holding one engine: a version 1 file, or a version 2 file
/// with one engine. See [`import_engines`] (the page reads every engine; the headless
/// runner picks one by `--domain`).
pub fn import_json(text: &str) -> Result<Settings, ImportError> {
    let mut engines = import_engines(text)?;
    if engines.len() == 1 {
        return Ok(engines.remove(0));
    }
    let names = engines
        .iter()
        .map(|e| e.domain.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Err(ImportError::SeveralEngines(engines.len(), tidy(&names)))
}

/// Reads a settings file: version 1 (one engine, as every file before several engines
/// were) or version 2 (`{"version": 2, "engines": [...]}`, each engine a version 1
/// object). Each problem has its own message; see [`ImportError`].
pub fn import_engines(text: &str) -> Result<Vec<Settings>, ImportError> {
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
    let version = version_of(map.get("version"))?;
    if version != u64::from(SETTINGS_VERSION) && version != u64::from(ENGINES_VERSION) {
        return Err(ImportError::UnsupportedVersion(version));
    }
    let secret_path = Field::Credentials(CredentialField::Secret).to_string();
    if let Some(key) = find_secret(&value, 0, &secret_path) {
        return Err(ImportError::ContainsSecret(key));
    }
    if version == u64::from(SETTINGS_VERSION) {
        // Parsed from the text, so a format problem says its line and column.
        let settings: Settings =
            serde_json::from_str(text).map_err(|e| ImportError::Format(tidy(&e.to_string())))?;
        return checked(settings).map(|s| vec![s]);
    }
    engines_of(value)
}

/// The `version` of a file, or why it has none that can be read.
fn version_of(version: Option<&Value>) -> Result<u64, ImportError> {
    match version {
        None => Err(ImportError::MissingVersion),
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| ImportError::BadVersion(tidy(&n.to_string()))),
        Some(other) => {
            let shown = match other {
                Value::String(s) => format!("the text \"{}\"", tidy(s)),
                Value::Null => "null".to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Array(_) => "a list".to_string(),
                Value::Object(_) => "an object".to_string(),
                Value::Number(n) => n.to_string(),
            };
            Err(ImportError::BadVersion(shown))
        }
    }
}

/// The engines of a version 2 file, each read as a version 1 object (whose `version`
/// may be left out).
fn engines_of(value: Value) -> Result<Vec<Settings>, ImportError> {
    let Value::Object(mut map) = value else {
        return Err(ImportError::NotAnObject);
    };
    if let Some(key) = map.keys().find(|k| *k != "version" && *k != "engines") {
        return Err(ImportError::Format(format!(
            "unknown field `{}` beside \"engines\"",
            tidy(key)
        )));
    }
    let list = match map.remove("engines") {
        Some(Value::Array(list)) => list,
        None => return Err(ImportError::Engines("there is none".to_string())),
        Some(_) => return Err(ImportError::Engines("it is not a list".to_string())),
    };
    if list.is_empty() || list.len() > MAX_ENGINES {
        return Err(ImportError::Engines(format!("it has {}", list.len())));
    }
    list.into_iter()
        .enumerate()
        .map(|(i, engine)| engine_of(engine).map_err(|e| ImportError::InEngine(i + 1, Box::new(e))))
        .collect()
}

fn engine_of(engine: Value) -> Result<Settings, ImportError> {
    let Value::Object(mut map) = engine else {
        return Err(ImportError::Format(
            "an engine must be a JSON object".to_string(),
        ));
    };
    match version_of(map.get("version")) {
        Err(ImportError::MissingVersion) => {
            map.insert("version".to_string(), Value::from(SETTINGS_VERSION));
        }
        Err(e) => return Err(e),
        Ok(v) if v == u64::from(SETTINGS_VERSION) => {}
        Ok(v) => return Err(ImportError::UnsupportedVersion(v)),
    }
    // Read from text, as a version 1 file is: `serde_json::from_value` would link a
    // second copy of the settings' deserializer into the page.
    let text = Value::Object(map).to_string();
    let settings: Settings =
        serde_json::from_str(&text).map_err(|e| ImportError::Format(tidy(&e.to_string())))?;
    checked(settings)
}

fn checked(settings: Settings) -> Result<Settings, ImportError> {
    let problems = limits(&settings);
    if !problems.is_empty() {
        return Err(ImportError::Limits(problems));
    }
    Ok(settings)
}

/// Every engine as one version 2 file: pretty, each engine as [`export_json`] writes
/// it (no secret key, session token or "remember" flag). Put together as text, each
/// engine's lines indented into the list: serializing through `serde_json::Value`
/// would link a second copy of the settings' serializer into the page.
pub fn export_engines(engines: &[Settings]) -> Result<String, serde_json::Error> {
    let mut text = format!("{{\n  \"version\": {ENGINES_VERSION},\n  \"engines\": [");
    for (i, engine) in engines.iter().enumerate() {
        text.push_str(if i == 0 { "\n" } else { ",\n" });
        let one = export_json(engine)?;
        let lines: Vec<String> = one.trim_end().lines().map(|l| format!("    {l}")).collect();
        text.push_str(&lines.join("\n"));
    }
    text.push_str("\n  ]\n}\n");
    Ok(text)
}

/// Bounds every list and text of imported settings.
fn limits(s: &Settings) -> Vec<FieldError> {
    let mut out = Vec::new();
    if s.clouds.len() > MAX_CLOUDS {
        out.push(FieldError::new(
            Field::Clouds,
            format!(
                "{} clouds; at most {MAX_CLOUDS} are allowed",
                s.clouds.len()
            ),
        ));
    }
    if s.ramp.steps.len() > MAX_STEPS {
        out.push(FieldError::new(
            RampField::Steps,
            format!(
                "{} steps; at most {MAX_STEPS} are allowed",
                s.ramp.steps.len()
            ),
        ));
    }
    if !out.is_empty() {
        return out;
    }
    let mut text = |field: Field, value: &str, max: usize, multiline: bool| {
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
    let strings: [(Field, &str); 14] = [
        (EndpointField::Region.into(), &e.region),
        (EndpointField::ProxyPrefix.into(), &e.proxy_prefix),
        (CredentialField::AccessKeyId.into(), &c.access_key_id),
        (LaunchField::BaseName.into(), &l.base_name),
        (LaunchField::ImageId.into(), &l.image_id),
        (LaunchField::InstanceType.into(), &l.instance_type),
        (LaunchField::KeyName.into(), &l.key_name),
        (LaunchField::SecurityGroups.into(), &l.security_groups),
        (DomainField::Name.into(), &d.name),
        (DomainField::AvailabilityZone.into(), &d.availability_zone),
        (SensorField::Metric.into(), &sn.metric),
        (SensorField::SampleFunction.into(), &sn.sample_function),
        (EndpointField::Url.into(), &e.url),
        (LaunchField::UserData.into(), &l.user_data),
    ];
    let policy_strings = crate::settings::validate::policy_texts(&r.policy)
        .map(|(f, v, max, multiline)| (Field::from(f), v, max, multiline));
    for (field, value, max, multiline) in policy_strings {
        text(field, value, max, multiline);
    }
    for (field, value) in strings {
        let (max, multiline) = match field {
            Field::Endpoint(EndpointField::Url) => (MAX_URL_LEN, false),
            Field::Launch(LaunchField::UserData) => (MAX_USER_DATA_BYTES, true),
            _ => (MAX_TEXT_CHARS, false),
        };
        text(field, value, max, multiline);
    }
    for (i, cloud) in s.clouds.iter().enumerate() {
        let field = Field::cloud(i, CloudField::Name);
        text(field, &cloud.name, MAX_TEXT_CHARS, false);
    }
    let mut numbers: Vec<(Field, &NumText)> = vec![
        (EndpointField::Timeout.into(), &e.timeout),
        (DomainField::MinimumVms.into(), &d.minimum_vms),
        (SensorField::ScaleUpThreshold.into(), &sn.scale_up_threshold),
        (
            SensorField::ScaleDownThreshold.into(),
            &sn.scale_down_threshold,
        ),
        (SensorField::ScaleUpNVms.into(), &sn.scale_up_n_vms),
        (SensorField::ScaleDownNVms.into(), &sn.scale_down_n_vms),
        (SensorField::Cooldown.into(), &sn.cooldown),
        (RampField::Start.into(), &r.start),
        (RampField::Increment.into(), &r.increment),
        (RampField::Interval.into(), &r.interval),
        (RampField::Peak.into(), &r.peak),
        (RampField::Hold.into(), &r.hold),
        (RampField::FinalCapacity.into(), &r.final_capacity),
    ];
    numbers.extend(
        crate::settings::validate::policy_numbers(&r.policy).map(|(f, v)| (Field::from(f), v)),
    );
    for (i, cloud) in s.clouds.iter().enumerate() {
        numbers.push((Field::cloud(i, CloudField::MaxVms), &cloud.max_vms));
    }
    for (i, step) in r.steps.iter().enumerate() {
        numbers.push((Field::step(i, StepField::Offset), &step.offset));
        numbers.push((Field::step(i, StepField::Capacity), &step.capacity));
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
