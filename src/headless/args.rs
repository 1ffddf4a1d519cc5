//! The command line and the environment, read into plain data ([`Args`],
//! [`Environment`]) without touching the file system or the network, so that host tests
//! cover every flag. Flags win over the environment, the environment over the file.
//!
//! There is deliberately no flag for the secret key itself: a command line is visible to
//! every user of the machine (`ps`), so the secret comes from `EC2_SECRET_KEY` or from a
//! file (`--secret-file`), and a `--secret…` flag is refused with a message saying so.

use std::path::PathBuf;

/// The endpoint, overriding the settings file's (the seed tutorial's variable).
pub const ENV_URL: &str = "PHANTOM_URL";
/// The access key ID (the seed tutorial's variable).
pub const ENV_ACCESS_KEY: &str = "EC2_ACCESS_KEY";
/// The secret access key (the seed tutorial's variable).
pub const ENV_SECRET_KEY: &str = "EC2_SECRET_KEY";
/// An optional session token.
pub const ENV_SESSION_TOKEN: &str = "EC2_SESSION_TOKEN";
/// `1` accepts any TLS certificate, as `--insecure` (the name `scripts/serve` uses).
pub const ENV_INSECURE: &str = "PHANTOM_INSECURE";

/// The help text (`--help`).
pub const HELP: &str = "\
phantom-de-run: runs a Phantom Decision Engine settings file without a browser.

USAGE: phantom-de-run [OPTIONS] SETTINGS.json

SETTINGS.json is what the page's Export settings writes (`-` reads it from stdin).
The run is the page's: the same requests in the same order, the ramp on absolute
deadlines, Stop's teardown as the file's run options say. Requests go straight
to the endpoint (the file's proxy choice applies to the page only).

OPTIONS
  --domain NAME        With a file of several engines (the page's Export settings
                       with several domains), run the one of domain NAME.
  --url URL            The endpoint (default: $PHANTOM_URL, else the file's).
  --access-key ID      The access key ID (default: $EC2_ACCESS_KEY, else the file's).
  --secret-file FILE   Read the secret key from the first line of FILE (default:
                       $EC2_SECRET_KEY). There is no flag for the secret itself.
  --insecure           Accept any TLS certificate (a self-signed one); off by
                       default ($PHANTOM_INSECURE=1 does the same).
  --ca-file FILE       Also trust the PEM certificates in FILE.
  --json               One JSON journal event per line on stdout instead of the
                       step log's text lines.
  --journal FILE       Write the run's journal (the page's JSON) to FILE, kept
                       up to date while the run goes on.
  --dry-run            Print the plan and send nothing.
  --timing             At the end, print setup latency and step lateness.
  --no-progress        No progress line (it is shown only when stderr is a
                       terminal anyway).
  -h, --help           Show this help.
  -V, --version        Show the version.

ENVIRONMENT
  PHANTOM_URL, EC2_ACCESS_KEY, EC2_SECRET_KEY, EC2_SESSION_TOKEN (optional),
  PHANTOM_INSECURE.

SIGNALS
  SIGINT or SIGTERM is Stop: capacity 0 is pursued until the server confirms it
  (unless the file says to leave the VMs running). A second signal during that
  teardown is ignored with a message; a third exits at once (capacity may be
  running).

EXIT STATUS
  0  the run completed
  1  the run failed or was stopped, and its teardown is done (or was not needed)
  2  bad settings or flags: nothing was sent
  3  the teardown was given up: capacity may be running
";

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Run (or plan) a settings file.
    Run(Args),
    /// `--help`.
    Help,
    /// `--version`.
    Version,
}

/// The flags of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// The settings file (`-`: stdin).
    pub settings: PathBuf,
    /// `--domain`: which engine of a file of several.
    pub domain: Option<String>,
    /// `--url`.
    pub url: Option<String>,
    /// `--access-key`.
    pub access_key: Option<String>,
    /// `--secret-file`.
    pub secret_file: Option<PathBuf>,
    /// `--insecure`.
    pub insecure: bool,
    /// `--ca-file`.
    pub ca_file: Option<PathBuf>,
    /// `--json`.
    pub json: bool,
    /// `--journal`.
    pub journal: Option<PathBuf>,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--timing`.
    pub timing: bool,
    /// `--no-progress`.
    pub no_progress: bool,
}

/// A command line that cannot be run (exit status 2).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsageError {
    /// A flag this program does not have.
    #[error("unknown option {0} (see --help)")]
    UnknownFlag(String),
    /// A flag without its value.
    #[error("{0} needs a value (see --help)")]
    MissingValue(&'static str),
    /// A flag that takes no value was given one (`--json=yes`).
    #[error("{0} takes no value")]
    UnexpectedValue(&'static str),
    /// A flag given twice.
    #[error("{0} is given twice")]
    Repeated(&'static str),
    /// No settings file.
    #[error("no settings file given: phantom-de-run [OPTIONS] SETTINGS.json (see --help)")]
    NoSettingsFile,
    /// More than one settings file.
    #[error("one settings file only; also given: {0}")]
    ExtraArgument(String),
    /// A flag that would put the secret on the command line.
    #[error(
        "{0}: the secret key is never taken from the command line (every user can read it); set EC2_SECRET_KEY or use --secret-file FILE"
    )]
    SecretOnCommandLine(String),
    /// An empty value where a value is needed.
    #[error("{0} needs a non-empty value")]
    EmptyValue(&'static str),
}

/// The flags that take a value, by name.
const VALUE_FLAGS: [&str; 6] = [
    "--domain",
    "--url",
    "--access-key",
    "--secret-file",
    "--ca-file",
    "--journal",
];
/// The flags that take none.
const SWITCHES: [&str; 5] = [
    "--insecure",
    "--json",
    "--dry-run",
    "--timing",
    "--no-progress",
];

/// Reads the command line (without the program name). `--flag VALUE` and
/// `--flag=VALUE` both work; `--` ends the options.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, UsageError> {
    let mut out = Args::default();
    let mut settings: Option<PathBuf> = None;
    let mut args = args.into_iter();
    let mut only_files = false;
    while let Some(arg) = args.next() {
        if only_files || arg == "-" || !arg.starts_with('-') {
            positional(arg, &mut settings)?;
            continue;
        }
        if arg == "--" {
            only_files = true;
            continue;
        }
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            _ => {}
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        if name.starts_with("--secret") && name != "--secret-file" {
            return Err(UsageError::SecretOnCommandLine(name));
        }
        if let Some(&flag) = SWITCHES.iter().find(|f| **f == name) {
            if inline.is_some() {
                return Err(UsageError::UnexpectedValue(flag));
            }
            let slot = match flag {
                "--insecure" => &mut out.insecure,
                "--json" => &mut out.json,
                "--dry-run" => &mut out.dry_run,
                "--timing" => &mut out.timing,
                _ => &mut out.no_progress,
            };
            if *slot {
                return Err(UsageError::Repeated(flag));
            }
            *slot = true;
            continue;
        }
        let Some(&flag) = VALUE_FLAGS.iter().find(|f| **f == name) else {
            return Err(UsageError::UnknownFlag(name));
        };
        let value = match inline {
            Some(v) => v,
            None => args.next().ok_or(UsageError::MissingValue(flag))?,
        };
        if value.trim().is_empty() {
            return Err(UsageError::EmptyValue(flag));
        }
        let repeated = match flag {
            "--domain" => out.domain.replace(value).is_some(),
            "--url" => out.url.replace(value).is_some(),
            "--access-key" => out.access_key.replace(value).is_some(),
            "--secret-file" => out.secret_file.replace(value.into()).is_some(),
            "--ca-file" => out.ca_file.replace(value.into()).is_some(),
            _ => out.journal.replace(value.into()).is_some(),
        };
        if repeated {
            return Err(UsageError::Repeated(flag));
        }
    }
    out.settings = settings.ok_or(UsageError::NoSettingsFile)?;
    Ok(Command::Run(out))
}

/// The settings file, once.
fn positional(arg: String, settings: &mut Option<PathBuf>) -> Result<(), UsageError> {
    match settings {
        Some(_) => Err(UsageError::ExtraArgument(arg)),
        None => {
            *settings = Some(PathBuf::from(arg));
            Ok(())
        }
    }
}

/// The environment variables the runner reads; empty ones count as unset.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// `PHANTOM_URL`.
    pub url: Option<String>,
    /// `EC2_ACCESS_KEY`.
    pub access_key: Option<String>,
    /// `EC2_SECRET_KEY`.
    pub secret_key: Option<String>,
    /// `EC2_SESSION_TOKEN`.
    pub session_token: Option<String>,
    /// `PHANTOM_INSECURE` is `1`, `true` or `yes`.
    pub insecure: bool,
}

impl Environment {
    /// Reads the variables through `lookup` (`std::env::var` in the binary, a map in
    /// tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        Self {
            url: get(ENV_URL).map(|v| v.trim().to_string()),
            access_key: get(ENV_ACCESS_KEY).map(|v| v.trim().to_string()),
            secret_key: get(ENV_SECRET_KEY),
            session_token: get(ENV_SESSION_TOKEN),
            insecure: get(ENV_INSECURE).is_some_and(|v| {
                matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes")
            }),
        }
    }

    /// The process's own environment.
    pub fn from_process() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }
}

/// Never shows the secret or the token: only whether they are set.
impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Environment")
            .field("url", &self.url)
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<set>"))
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<set>"),
            )
            .field("insecure", &self.insecure)
            .finish()
    }
}
