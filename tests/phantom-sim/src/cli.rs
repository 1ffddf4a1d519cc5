//! Command line (hand-rolled to keep the build light). Any problem is one
//! line on stderr and exit status 2.

use crate::faults::{ErrorRate, FaultKind, Faults, Force};
use std::collections::{BTreeMap, HashMap};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

pub const HELP: &str = "\
phantom-sim: a local Phantom-compatible endpoint (the Phantom dialect of the
AWS Auto Scaling Query API, as /work/shared/PHANTOM.md describes it).

USAGE: phantom-sim [OPTIONS]

On start it prints exactly one line to stdout,
  phantom-sim listening on http://127.0.0.1:PORT
then serves HTTP/1.1 on path / until it is stopped.

OPTIONS
  --listen ADDR:PORT     Address to bind (default 127.0.0.1:8445). Port 0 picks
                         a free port (read it from the stdout line). Only
                         loopback addresses unless --allow-remote.
  --allow-remote         Allow a non-loopback --listen address.
  --credentials AK:SECRET
                         An access key and its secret (split at the first ':').
                         Repeatable. With none, every signed request fails
                         403 InvalidClientTokenId (a warning is printed).
  --boot-seconds S       Seconds from 200-REQUESTED to 600-RUNNING (float,
                         default 5). A VM is 400-PENDING (and has its
                         InstanceId) from the first fifth of that on.
  --terminate-seconds S  Seconds a VM stays 800-TERMINATING before
                         900-TERMINATED (float, default 1).
  --linger-seconds S     Seconds a 900-TERMINATED VM stays visible in Describe
                         (float, default 10).
  --cloud-capacity NAME=N
                         The simulated cloud NAME holds at most N VMs across
                         all domains (VMs count until 900-TERMINATED).
                         Repeatable; clouds not named are unlimited.
  --state FILE           Persist launch configurations, domains (with tags)
                         and VMs as JSON in FILE: loaded at start, rewritten
                         atomically after each change.
  --latency-ms N         Add N ms to every answer.
  --latency-ms ACTION=N  Add N ms more to answers of ACTION. Repeatable.
  --error-rate ACTION=P[:KIND]
                         Fail requests of ACTION (or * for all) with
                         probability P (0..1). KIND: throttle (400 Throttling),
                         500 (500 InternalFailure, the default), reset (close
                         the connection without answering) or html400 (400 Bad
                         Request with an HTML page, Content-Type text/html and
                         no AWS error code, as a proxy in front of Phantom
                         answers). Repeatable.
  --force ACTION=KIND[xN]
                         The next N requests of ACTION (or *) fail with KIND
                         (without xN: every one). KIND as for --error-rate.
                         E.g. SetDesiredCapacity=throttlex2,
                         SetDesiredCapacity=html400x2.
                         Repeatable; forced faults win over error rates.
                         Faulted requests are not executed.
  --clock-offset SECONDS The server clock runs this far ahead (negative:
                         behind) of the real clock: used for the signature
                         time window, the Date header and CreatedTime.
  --seed N               Seed of the RNGs that roll --error-rate and VM failures
                         (default: time).
  --vm-failures-per-minute R
                         Each 600-RUNNING VM fails (850-FAILED, Unhealthy) at
                         rate R per minute (mean time to failure 1/R minutes),
                         rolled at each request. A failed VM keeps its slot
                         until it is terminated (default 0: never).
  --control              Enable the test-only endpoints below (never reachable
                         otherwise).
  --exit-after SECONDS   Exit by itself after that long (float).
  --exit-with-stdin      Exit when stdin reaches end of file.
  --verbose              Log each request to stderr.
  -h, --help             Show this help.

CONTROL ENDPOINTS (only with --control)
  GET  /__sim/state   JSON of the full state: launch configurations per name
                      and cloud with all fields; domains with MinSize, MaxSize,
                      desired, all tags as received, the parsed engine conf,
                      the engine, and VMs with id, cloud, state, health, times.
  GET  /__sim/log     JSON list of received requests: received_ms (ms since
                      epoch, real clock), method, path, action, auth
                      (v2/v4/none), access_key, params (all but Signature),
                      status (0 = connection reset), error, fault, latency_ms.
  GET  /__sim/faults  The fault settings as JSON.
  PUT  /__sim/faults  Replace the fault settings with a JSON body:
                        {\"latency_ms\": 0,
                         \"latency_ms_by_action\": {\"SetDesiredCapacity\": 200},
                         \"error_rates\": [{\"action\": \"*\", \"probability\": 0.1,
                                          \"kind\": \"throttle\"}],
                         \"force\": [{\"action\": \"SetDesiredCapacity\",
                                    \"kind\": \"500\", \"count\": 2}],
                         \"clock_offset_seconds\": 0,
                         \"seed\": 42,
                         \"vm_failures_per_minute\": 0}
                      Every field is optional (absent = none/0); kind is
                      \"throttle\", \"500\" (default), \"reset\" or \"html400\";
                      count absent or null = every request; seed reseeds the RNG.
  POST /__sim/fail    Make a VM fail: body {\"domain\": \"NAME\"} (a random
                      600-RUNNING VM of it) or {\"domain\": \"NAME\",
                      \"instance_id\": \"i-...\"} (that VM, 400-PENDING or
                      600-RUNNING). It is 850-FAILED (Unhealthy) until it is
                      terminated and is not replaced by itself: Terminate-
                      InstanceInAutoScalingGroup without decrement replaces it.
                      Answers the VM as /__sim/state shows it plus \"changed\"
                      (false when it had failed already); 404 unknown domain or
                      VM, 409 nothing to fail, 400 bad body.
  POST /__sim/reset   Clear the state and the request log (faults stay).
";

#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    pub allow_remote: bool,
    pub credentials: HashMap<String, String>,
    pub boot_seconds: f64,
    pub terminate_seconds: f64,
    pub linger_seconds: f64,
    pub cloud_capacity: BTreeMap<String, i64>,
    pub state: Option<PathBuf>,
    pub faults: Faults,
    pub seed: Option<u64>,
    pub control: bool,
    pub exit_after: Option<f64>,
    pub exit_with_stdin: bool,
    pub verbose: bool,
}

pub enum Parsed {
    Run(Box<Options>),
    Help,
}

fn seconds(flag: &str, v: &str, allow_negative: bool) -> Result<f64, String> {
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && (allow_negative || x >= 0.0) => Ok(x),
        _ => Err(format!(
            "{flag}: bad value {v:?} (expected a number of seconds)"
        )),
    }
}

fn split_eq<'a>(flag: &str, v: &'a str, what: &str) -> Result<(&'a str, &'a str), String> {
    match v.split_once('=') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => Ok((a, b)),
        _ => Err(format!("{flag}: bad value {v:?} (expected {what})")),
    }
}

fn parse_listen(v: &str) -> Result<SocketAddr, String> {
    if let Ok(a) = v.parse::<SocketAddr>() {
        return Ok(a);
    }
    v.to_socket_addrs()
        .ok()
        .and_then(|mut it| it.next())
        .ok_or_else(|| format!("--listen: bad address {v:?} (expected HOST:PORT)"))
}

pub fn parse(args: Vec<String>) -> Result<Parsed, String> {
    let mut o = Options {
        listen: "127.0.0.1:8445".parse().expect("valid default"),
        allow_remote: false,
        credentials: HashMap::new(),
        boot_seconds: 5.0,
        terminate_seconds: 1.0,
        linger_seconds: 10.0,
        cloud_capacity: BTreeMap::new(),
        state: None,
        faults: Faults::default(),
        seed: None,
        control: false,
        exit_after: None,
        exit_with_stdin: false,
        verbose: false,
    };
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let takes_value = matches!(
            flag.as_str(),
            "--listen"
                | "--credentials"
                | "--boot-seconds"
                | "--terminate-seconds"
                | "--linger-seconds"
                | "--cloud-capacity"
                | "--state"
                | "--latency-ms"
                | "--error-rate"
                | "--force"
                | "--clock-offset"
                | "--seed"
                | "--vm-failures-per-minute"
                | "--exit-after"
        );
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => it.next().ok_or_else(|| format!("{flag} needs a value"))?,
            }
        } else {
            if inline.is_some() {
                return Err(format!("{flag} takes no value"));
            }
            String::new()
        };
        let v = value.as_str();
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--listen" => o.listen = parse_listen(v)?,
            "--allow-remote" => o.allow_remote = true,
            "--credentials" => {
                let (ak, secret) = match v.split_once(':') {
                    Some((a, s)) if !a.is_empty() && !s.is_empty() => (a, s),
                    _ => return Err("--credentials: expected ACCESS:SECRET".to_string()),
                };
                o.credentials.insert(ak.to_string(), secret.to_string());
            }
            "--boot-seconds" => o.boot_seconds = seconds(&flag, v, false)?,
            "--terminate-seconds" => o.terminate_seconds = seconds(&flag, v, false)?,
            "--linger-seconds" => o.linger_seconds = seconds(&flag, v, false)?,
            "--cloud-capacity" => {
                let (name, n) = split_eq(&flag, v, "NAME=N")?;
                let n: i64 = n
                    .parse()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| format!("{flag}: bad count in {v:?}"))?;
                o.cloud_capacity.insert(name.to_string(), n);
            }
            "--state" => o.state = Some(PathBuf::from(v)),
            "--latency-ms" => match v.split_once('=') {
                None => {
                    o.faults.latency_ms =
                        v.parse().map_err(|_| format!("{flag}: bad value {v:?}"))?;
                }
                Some(_) => {
                    let (action, n) = split_eq(&flag, v, "N or ACTION=N")?;
                    let n = n.parse().map_err(|_| format!("{flag}: bad value {v:?}"))?;
                    o.faults.latency_ms_by_action.insert(action.to_string(), n);
                }
            },
            "--error-rate" => {
                let (action, rest) = split_eq(&flag, v, "ACTION=P[:KIND]")?;
                let (p, kind) = match rest.split_once(':') {
                    Some((p, k)) => (
                        p,
                        FaultKind::parse(k).ok_or_else(|| format!("{flag}: unknown kind {k:?}"))?,
                    ),
                    None => (rest, FaultKind::Internal),
                };
                let probability: f64 = p
                    .parse()
                    .ok()
                    .filter(|p: &f64| (0.0..=1.0).contains(p))
                    .ok_or_else(|| format!("{flag}: probability {p:?} is not within 0..1"))?;
                o.faults.error_rates.push(ErrorRate {
                    action: action.to_string(),
                    probability,
                    kind,
                });
            }
            "--force" => {
                let (action, rest) = split_eq(&flag, v, "ACTION=KIND[xN]")?;
                let (kind, count) = FaultKind::ALL
                    .into_iter()
                    .find_map(|k| {
                        let tail = rest.strip_prefix(k.as_str())?;
                        let count = if tail.is_empty() {
                            None
                        } else {
                            Some(tail.strip_prefix('x')?.parse::<u64>().ok()?)
                        };
                        Some((k, count))
                    })
                    .ok_or_else(|| format!("{flag}: bad value {v:?} (expected ACTION=KIND[xN])"))?;
                o.faults.force.push(Force {
                    action: action.to_string(),
                    kind,
                    count,
                });
            }
            "--clock-offset" => o.faults.clock_offset_seconds = seconds(&flag, v, true)?,
            "--seed" => o.seed = Some(v.parse().map_err(|_| format!("{flag}: bad value {v:?}"))?),
            "--vm-failures-per-minute" => {
                o.faults.vm_failures_per_minute = v
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r >= 0.0)
                    .ok_or_else(|| format!("{flag}: bad value {v:?} (expected a rate >= 0)"))?;
            }
            "--control" => o.control = true,
            "--exit-after" => o.exit_after = Some(seconds(&flag, v, false)?),
            "--exit-with-stdin" => o.exit_with_stdin = true,
            "--verbose" => o.verbose = true,
            _ => return Err(format!("unknown argument {arg:?} (see --help)")),
        }
    }
    if !o.allow_remote && !o.listen.ip().is_loopback() {
        return Err(format!(
            "--listen {}: not a loopback address (pass --allow-remote to allow it)",
            o.listen
        ));
    }
    Ok(Parsed::Run(Box::new(o)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, String> {
        match parse(args.iter().map(|s| s.to_string()).collect())? {
            Parsed::Run(o) => Ok(*o),
            Parsed::Help => Err("help".into()),
        }
    }

    #[test]
    fn flags() {
        let o = run(&[
            "--listen=127.0.0.1:0",
            "--credentials",
            "AK:se:cret",
            "--force",
            "SetDesiredCapacity=throttlex2",
            "--force",
            "*=reset",
            "--force",
            "SetDesiredCapacity=html400x2",
            "--error-rate",
            "DescribeAutoScalingGroups=0.1:html400",
            "--error-rate",
            "*=0.5:throttle",
            "--latency-ms",
            "10",
            "--latency-ms",
            "SetDesiredCapacity=5",
            "--cloud-capacity",
            "hotel=2",
            "--clock-offset",
            "-30",
        ])
        .unwrap();
        assert_eq!(o.credentials["AK"], "se:cret");
        assert_eq!(o.faults.force[0].count, Some(2));
        assert_eq!(o.faults.force[1].kind, FaultKind::Reset);
        assert_eq!(o.faults.force[2].kind, FaultKind::Html400);
        assert_eq!(o.faults.force[2].count, Some(2));
        assert_eq!(o.faults.error_rates[0].kind, FaultKind::Html400);
        assert_eq!(o.faults.error_rates[1].kind, FaultKind::Throttle);
        assert_eq!(o.faults.latency_for("SetDesiredCapacity"), 15);
        assert_eq!(o.cloud_capacity["hotel"], 2);
        assert_eq!(o.faults.clock_offset_seconds, -30.0);
    }

    #[test]
    fn refusals() {
        assert!(run(&["--listen", "0.0.0.0:1"]).is_err());
        assert!(run(&["--listen", "0.0.0.0:1", "--allow-remote"]).is_ok());
        assert!(run(&["--bogus"]).is_err());
        assert!(run(&["--error-rate", "*=2"]).is_err());
        assert!(run(&["--force", "X=teapot"]).is_err());
        assert!(run(&["--force", "X=html400x"]).is_err());
        assert!(run(&["--force", "X=html4000"]).is_err());
        assert!(run(&["--boot-seconds", "-1"]).is_err());
        assert!(run(&["--boot-seconds"]).is_err());
    }
}
