//! Field paths: which input of the form a problem belongs to.
//!
//! A [`Field`] is typed, so validation, import, the labels and the form's inputs all name
//! a field the same way and a misspelt field does not compile. Its [`Display`](fmt::Display)
//! is the one place the dotted spelling exists (`endpoint.url`, `clouds[1].name`,
//! `ramp.steps[2].offset`): the page derives its DOM ids from it, and tests and the
//! browser tests find inputs by it, so the spelling is stable. [`Field::label`] is what
//! the form calls the field ("Cloud 2 name").

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// Declares the fields of each form section: each one's name in the path and its label.
macro_rules! section_fields {
    ($($(#[$meta:meta])* $name:ident { $($variant:ident = $path:literal, $label:literal;)+ })+) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $(#[doc = concat!("`", $path, "` (", $label, ").")] $variant,)+
        }

        impl $name {
            /// Every field of the section, in form order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The field's name within its section, as the path spells it.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $path,)+
                }
            }

            /// What the form calls the field.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }
    )+};
}

section_fields! {
    /// A field of the endpoint section (`endpoint.…`).
    EndpointField {
        Url = "url", "Phantom URL";
        Profile = "profile", "Profile";
        Scheme = "scheme", "Signature";
        Region = "region", "Region";
        Connection = "connection", "Connection";
        ProxyPrefix = "proxy_prefix", "Proxy path prefix";
        Timeout = "timeout", "Request timeout";
    }

    /// A field of the credentials section (`credentials.…`); the secret is not part of
    /// the settings but has its input and its problems like any other field.
    CredentialField {
        AccessKeyId = "access_key_id", "Access key ID";
        Secret = "secret", "Secret access key";
        SessionToken = "session_token", "Session token";
        RememberSecret = "remember_secret", "Remember the secret key";
    }

    /// A field of one cloud's row (`clouds[i].…`); the label follows "Cloud 2".
    CloudField {
        Name = "name", "name";
        MaxVms = "max_vms", "maximum VMs";
    }

    /// A field of the launch configuration section (`launch.…`).
    LaunchField {
        BaseName = "base_name", "Launch configuration name";
        ImageId = "image_id", "Image";
        InstanceType = "instance_type", "Instance type";
        KeyName = "key_name", "Key name";
        SecurityGroups = "security_groups", "Security groups";
        UserData = "user_data", "User data";
    }

    /// A field of the domain section (`domain.…`), but the sensor's.
    DomainField {
        Name = "name", "Domain name";
        Policy = "policy", "Policy";
        MinimumVms = "minimum_vms", "Minimum VMs";
        AvailabilityZone = "availability_zone", "Availability zone";
        ReplaceExisting = "replace_existing", "Replace an existing domain";
    }

    /// A sensor setting of the domain (`domain.sensor.…`).
    SensorField {
        Metric = "metric", "Metric";
        SampleFunction = "sample_function", "Sample function";
        ScaleUpThreshold = "scale_up_threshold", "Scale-up threshold";
        ScaleDownThreshold = "scale_down_threshold", "Scale-down threshold";
        ScaleUpNVms = "scale_up_n_vms", "VMs per scale-up";
        ScaleDownNVms = "scale_down_n_vms", "VMs per scale-down";
        Cooldown = "cooldown", "Cooldown";
    }

    /// A field of the ramp section (`ramp.…`); `Steps` is the list as a whole.
    RampField {
        Shape = "shape", "Ramp shape";
        Start = "start", "Start capacity";
        Increment = "increment", "Increment";
        Interval = "interval", "Interval";
        Peak = "peak", "Peak";
        Steps = "steps", "Steps";
        Hold = "hold", "Hold";
        FinalCapacity = "final_capacity", "Final capacity";
        DeleteDomain = "delete_domain", "Delete the domain";
    }

    /// A field of the policy shapes (`ramp.policy.…`).
    PolicyField {
        Every = "every", "Decide every (seconds)";
        RunFor = "run_for", "Run for (seconds)";
        MinCapacity = "min_capacity", "Minimum capacity";
        MaxCapacity = "max_capacity", "Maximum capacity";
        MaxChange = "max_change", "Largest change per decision";
        UpCooldown = "up_cooldown", "Scale-up cooldown (seconds)";
        DownCooldown = "down_cooldown", "Scale-down cooldown (seconds)";
        MetricUrl = "metric_url", "Metric URL";
        JsonPointer = "json_pointer", "JSON pointer";
        MetricPerVm = "metric_per_vm", "Metric per VM";
        MetricMaxAge = "metric_max_age", "Metric too old after (seconds)";
        Code = "code", "Policy code";
        TimeLimit = "time_limit_ms", "Time limit per decision (ms)";
        Zone = "zone", "Time zone";
        Days = "days", "Weekdays";
        WindowFrom = "window_from", "Window opens at";
        WindowTo = "window_to", "Window closes at";
        InsideCapacity = "inside_capacity", "Capacity inside the window";
        OutsideCapacity = "outside_capacity", "Capacity outside the window";
        HealthyCapacity = "healthy_capacity", "Capacity to keep";
        StuckAfter = "stuck_after", "Replace a VM booting for over (seconds)";
        MaxReplacements = "max_replacements", "Replacements per window";
        ReplacementWindow = "replacement_window", "Replacement window (seconds)";
    }

    /// A field of one explicit ramp step (`ramp.steps[i].…`); the label follows "Step 3".
    StepField {
        Offset = "offset", "time";
        Capacity = "capacity", "capacity";
    }

    /// A field of the Simulation section (`simulate.…`): the dry run's model.
    SimulateField {
        Boot = "boot", "Boot time (seconds)";
        FailuresPerHour = "failures_per_hour", "Failures per VM per hour";
        Seed = "seed", "Random seed";
        Trace = "trace", "Metric trace";
        Values = "values", "Metric values";
        ValueEvery = "value_every", "Each value lasts (seconds)";
        SineBase = "sine_base", "Middle";
        SineAmplitude = "sine_amplitude", "Amplitude";
        SinePeriod = "sine_period", "Period (seconds)";
        RampFrom = "ramp_from", "From";
        RampTo = "ramp_to", "To";
        RampOver = "ramp_over", "Over (seconds)";
        SpikeBase = "spike_base", "Between spikes";
        SpikePeak = "spike_peak", "During a spike";
        SpikeEvery = "spike_every", "A spike every (seconds)";
        SpikeWidth = "spike_width", "Each spike lasts (seconds)";
    }

    /// A run option (`run.…`).
    RunField {
        LeaveRunning = "leave_running", "Leave the VMs running";
        ContinueOnFailedStep = "continue_on_failed_step", "Continue after a failed step";
        MonitorSeconds = "monitor_seconds", "Monitor interval";
        OwnConnection = "own_connection", "Its own endpoint and credentials";
    }
}

/// One input of the form (or a list of them), by section.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The settings as a whole: a problem no field explains.
    Settings,
    /// `endpoint.…`
    Endpoint(EndpointField),
    /// `credentials.…`
    Credentials(CredentialField),
    /// `clouds`: the list as a whole (too few, too many).
    Clouds,
    /// `clouds[index].…`
    Cloud {
        /// The cloud's position, from 0.
        index: usize,
        /// Which of its fields.
        part: CloudField,
    },
    /// `launch.…`
    Launch(LaunchField),
    /// `domain.…`
    Domain(DomainField),
    /// `domain.sensor.…`
    Sensor(SensorField),
    /// `ramp.…`, including the list of steps as a whole (`ramp.steps`).
    Ramp(RampField),
    /// `ramp.policy.…`
    Policy(PolicyField),
    /// `ramp.steps[index].…`
    Step {
        /// The step's position, from 0.
        index: usize,
        /// Which of its fields.
        part: StepField,
    },
    /// `run.…`
    Run(RunField),
    /// `simulate.…`
    Simulate(SimulateField),
}

macro_rules! into_field {
    ($($part:ident => $variant:ident),+) => {
        $(impl From<$part> for Field {
            fn from(part: $part) -> Field {
                Field::$variant(part)
            }
        })+
    };
}

into_field!(
    EndpointField => Endpoint,
    CredentialField => Credentials,
    LaunchField => Launch,
    DomainField => Domain,
    SensorField => Sensor,
    RampField => Ramp,
    PolicyField => Policy,
    RunField => Run,
    SimulateField => Simulate
);

impl Field {
    /// Field `part` of cloud `index` (from 0).
    pub const fn cloud(index: usize, part: CloudField) -> Field {
        Field::Cloud { index, part }
    }

    /// Field `part` of ramp step `index` (from 0).
    pub const fn step(index: usize, part: StepField) -> Field {
        Field::Step { index, part }
    }

    /// Whether the field is a list as a whole: it has a message but no input of its own.
    pub fn is_list(self) -> bool {
        matches!(self, Field::Clouds | Field::Ramp(RampField::Steps))
    }

    /// What the form calls the field (`clouds[1].name` → "Cloud 2 name").
    pub fn label(self) -> String {
        match self {
            Field::Settings => "Settings".to_string(),
            Field::Endpoint(p) => p.label().to_string(),
            Field::Credentials(p) => p.label().to_string(),
            Field::Clouds => "Clouds".to_string(),
            Field::Cloud { index, part } => format!("Cloud {} {}", index + 1, part.label()),
            Field::Launch(p) => p.label().to_string(),
            Field::Domain(p) => p.label().to_string(),
            Field::Sensor(p) => p.label().to_string(),
            Field::Ramp(p) => p.label().to_string(),
            Field::Policy(p) => p.label().to_string(),
            Field::Step { index, part } => format!("Step {} {}", index + 1, part.label()),
            Field::Run(p) => p.label().to_string(),
            Field::Simulate(p) => p.label().to_string(),
        }
    }

    /// Every field in form order, with `rows` clouds and `rows` ramp steps.
    pub fn all(rows: usize) -> Vec<Field> {
        fn each<'a, P: Copy>(
            parts: &'a [P],
            to: impl Fn(P) -> Field + 'a,
        ) -> impl Iterator<Item = Field> + 'a {
            parts.iter().map(move |p| to(*p))
        }
        let mut out = vec![Field::Settings];
        out.extend(each(EndpointField::ALL, Field::Endpoint));
        out.extend(each(CredentialField::ALL, Field::Credentials));
        out.push(Field::Clouds);
        for index in 0..rows {
            out.extend(each(CloudField::ALL, |part| Field::Cloud { index, part }));
        }
        out.extend(each(LaunchField::ALL, Field::Launch));
        out.extend(each(DomainField::ALL, Field::Domain));
        out.extend(each(SensorField::ALL, Field::Sensor));
        out.extend(each(RampField::ALL, Field::Ramp));
        out.extend(each(PolicyField::ALL, Field::Policy));
        for index in 0..rows {
            out.extend(each(StepField::ALL, |part| Field::Step { index, part }));
        }
        out.extend(each(RunField::ALL, Field::Run));
        out.extend(each(SimulateField::ALL, Field::Simulate));
        out
    }

    /// The same field in row `index` (fields outside a row are returned unchanged).
    fn in_row(self, index: usize) -> Field {
        match self {
            Field::Cloud { part, .. } => Field::Cloud { index, part },
            Field::Step { part, .. } => Field::Step { index, part },
            other => other,
        }
    }
}

/// The path: `endpoint.url`, `clouds[1].name`, `domain.sensor.metric`,
/// `ramp.steps[2].offset`; a list-level problem names the list (`clouds`, `ramp.steps`).
impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Field::Settings => f.write_str("settings"),
            Field::Endpoint(p) => write!(f, "endpoint.{}", p.name()),
            Field::Credentials(p) => write!(f, "credentials.{}", p.name()),
            Field::Clouds => f.write_str("clouds"),
            Field::Cloud { index, part } => write!(f, "{}[{index}].{}", Field::Clouds, part.name()),
            Field::Launch(p) => write!(f, "launch.{}", p.name()),
            Field::Domain(p) => write!(f, "domain.{}", p.name()),
            Field::Sensor(p) => write!(f, "domain.sensor.{}", p.name()),
            Field::Ramp(p) => write!(f, "ramp.{}", p.name()),
            Field::Policy(p) => write!(f, "ramp.policy.{}", p.name()),
            Field::Step { index, part } => {
                write!(
                    f,
                    "{}[{index}].{}",
                    Field::Ramp(RampField::Steps),
                    part.name()
                )
            }
            Field::Run(p) => write!(f, "run.{}", p.name()),
            Field::Simulate(p) => write!(f, "simulate.{}", p.name()),
        }
    }
}

/// Shown as its path, as the field was shown when it was a string.
impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string(), f)
    }
}

/// Serialized as its path.
impl Serialize for Field {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Compares with a path as written (`field == "ramp.peak"`).
impl PartialEq<&str> for Field {
    fn eq(&self, path: &&str) -> bool {
        /// What is left of the path while the field writes itself over it.
        struct Rest<'a>(&'a str);
        impl fmt::Write for Rest<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
                Ok(())
            }
        }
        let mut rest = Rest(path);
        fmt::write(&mut rest, format_args!("{self}")).is_ok() && rest.0.is_empty()
    }
}

/// A path that names no field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no settings field is called \"{0}\"")]
pub struct UnknownField(pub String);

/// Reads a path back: exactly what [`Display`](fmt::Display) writes, nothing else (an
/// index is written without leading zeros).
impl FromStr for Field {
    type Err = UnknownField;

    fn from_str(path: &str) -> Result<Field, UnknownField> {
        let unknown = || UnknownField(path.chars().take(80).collect());
        // Find the row's index, then the field by its spelling in row 0.
        let (row0, index) = match path.split_once('[') {
            None => (path.to_string(), 0),
            Some((list, rest)) => {
                let (digits, tail) = rest.split_once(']').ok_or_else(unknown)?;
                let index = digits
                    .parse::<usize>()
                    .ok()
                    .filter(|i| i.to_string() == digits)
                    .ok_or_else(unknown)?;
                (format!("{list}[0]{tail}"), index)
            }
        };
        Field::all(1)
            .into_iter()
            .find(|f| *f == row0.as_str())
            .map(|f| f.in_row(index))
            .ok_or_else(unknown)
    }
}

/// A short human name for a field, as the form labels it (see [`Field::label`]).
pub fn field_label(field: &Field) -> String {
    field.label()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_parse_only_as_written() {
        let cloud = Field::Cloud {
            index: 12,
            part: CloudField::MaxVms,
        };
        assert_eq!("clouds[12].max_vms".parse(), Ok(cloud));
        for bad in [
            "clouds[012].max_vms",
            "clouds[].name",
            "clouds[-1].name",
            "clouds[1].nam",
            "clouds[1]name",
            "clouds.1.name",
            "endpoint.url[0]",
            "endpoint",
            "",
        ] {
            assert!(bad.parse::<Field>().is_err(), "{bad}");
        }
    }
}
