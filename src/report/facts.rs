//! What a report says beyond the journal: the endpoint's address, the profile and
//! signing scheme, the policy and the ramp's settings ([`ReportFacts`]). The journal
//! holds neither, so the page takes them from its settings. Only these few typed facts
//! are taken: the facts cannot carry an access key, a secret, a token, a user name in
//! the URL or its query, because no field holds one (the address is host and port only,
//! the ramp is numbers).

use crate::api::Profile;
use crate::settings::num::{format_seconds, parse_int, parse_seconds_ms};
use crate::settings::validate::MAX_RUN_MS;
use crate::settings::{
    scheme_label, NumText, Policy, PolicySettings, RampSettings, RampShape, Settings,
};
use crate::sign::{Endpoint, Scheme};

/// Where the endpoint is, as text: `host:port`, without scheme, user, path or query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointAddress {
    /// `host:port` (an IPv6 host keeps its brackets); empty when no URL was given.
    pub host_port: String,
    /// `HTTPS` or `HTTP`, when the URL said which.
    pub transport: Option<&'static str>,
}

impl EndpointAddress {
    /// The address of the endpoint URL `url`. One the strict parser refuses is cut down
    /// by hand: whatever precedes `://`, a user part before `@`, a path, query or
    /// fragment are dropped, so nothing but the host and port is ever kept.
    pub fn of_url(url: &str) -> Self {
        if let Ok(e) = Endpoint::parse(url) {
            return Self {
                host_port: format!("{}:{}", e.host(), e.effective_port()),
                transport: Some(match e.scheme() {
                    crate::sign::UrlScheme::Http => "HTTP",
                    crate::sign::UrlScheme::Https => "HTTPS",
                }),
            };
        }
        let rest = url.trim();
        let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        Self {
            host_port: host.chars().filter(|c| !c.is_whitespace()).collect(),
            transport: None,
        }
    }
}

/// The ramp's settings, as numbers (`None` where the form holds no valid number).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RampFacts {
    /// The tutorial's shape: `start`, plus `increment` every `interval` up to `peak`.
    Tutorial {
        /// The first capacity.
        start: Option<u32>,
        /// Added at every step.
        increment: Option<u32>,
        /// Between steps, ms.
        interval_ms: Option<u64>,
        /// The highest capacity.
        peak: Option<u32>,
    },
    /// Explicit steps: `(offset ms, capacity)`.
    Steps {
        /// The steps, in the form's order.
        steps: Vec<(Option<u64>, Option<u32>)>,
    },
    /// A policy decides: its settings in words (never its code: a report is for a
    /// colleague, and the code is in the exported settings).
    Policy {
        /// "Follow a metric /metrics/q.json at /queue/length, 10 per VM; every 5 s for
        /// 600 s, capacity 0–4, cooldowns up 10 s, down 30 s".
        words: String,
    },
}

/// A policy's settings in words, as typed.
fn policy_words(shape: RampShape, p: &PolicySettings) -> String {
    let own = match shape {
        RampShape::FollowMetric => format!(
            "Follow a metric {} at {}, {} per VM (too old after {} s)",
            p.metric_url, p.json_pointer, p.metric_per_vm.as_str(), p.metric_max_age.as_str()
        ),
        RampShape::Schedule => format!(
            "Schedule windows: {} {}–{} {}, capacity {} inside, {} outside",
            p.days,
            p.window_from,
            p.window_to,
            p.zone,
            p.inside_capacity.as_str(),
            p.outside_capacity.as_str()
        ),
        RampShape::KeepHealthy => format!(
            "Keep healthy: capacity {}, replacing failed VMs and VMs booting for over {} s, at most {} per {} s",
            p.healthy_capacity.as_str(),
            p.stuck_after.as_str(),
            p.max_replacements.as_str(),
            p.replacement_window.as_str()
        ),
        RampShape::Custom => format!(
            "Custom policy ({} lines of JavaScript, {} ms per decision{})",
            p.code.lines().count(),
            p.time_limit_ms.as_str(),
            if p.metric_url.trim().is_empty() {
                String::new()
            } else {
                format!(", metric {} at {}", p.metric_url, p.json_pointer)
            }
        ),
        RampShape::Tutorial | RampShape::Steps => String::new(),
    };
    let change = if p.max_change.as_str().trim().is_empty() {
        String::new()
    } else {
        format!(", at most {} per decision", p.max_change.as_str())
    };
    format!(
        "{own}; every {} s for {} s, capacity {}–{}{change}, cooldowns up {} s, down {} s",
        p.every.as_str(),
        p.run_for.as_str(),
        p.min_capacity.as_str(),
        p.max_capacity.as_str(),
        p.up_cooldown.as_str(),
        p.down_cooldown.as_str()
    )
}

/// The ramp's shape and its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RampSummary {
    /// The shape.
    pub shape: RampFacts,
    /// How long the last step is held, ms.
    pub hold_ms: Option<u64>,
    /// The capacity set at the end.
    pub final_capacity: Option<u32>,
    /// Whether the domain is deleted at the end.
    pub delete_domain: bool,
}

fn int(text: &NumText) -> Option<u32> {
    parse_int(text, 0, u32::MAX).ok()
}

fn ms(text: &NumText) -> Option<u64> {
    parse_seconds_ms(text, 0, MAX_RUN_MS).ok()
}

fn or_unknown<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "?".to_string(), |v| v.to_string())
}

fn seconds_or_unknown(value: Option<u64>) -> String {
    value.map_or_else(|| "? s".to_string(), format_seconds)
}

impl RampSummary {
    /// The ramp section's numbers.
    pub fn of(r: &RampSettings) -> Self {
        let shape = match r.shape {
            RampShape::Tutorial => RampFacts::Tutorial {
                start: int(&r.start),
                increment: int(&r.increment),
                interval_ms: ms(&r.interval),
                peak: int(&r.peak),
            },
            shape if shape.is_policy() => RampFacts::Policy {
                words: policy_words(shape, &r.policy),
            },
            _ => RampFacts::Steps {
                steps: r
                    .steps
                    .iter()
                    .map(|s| (ms(&s.offset), int(&s.capacity)))
                    .collect(),
            },
        };
        Self {
            shape,
            hold_ms: ms(&r.hold),
            final_capacity: int(&r.final_capacity),
            delete_domain: r.delete_domain,
        }
    }

    /// In words: `start at 1, add 1 every 10 s up to 4; hold 60 s; then capacity 0`.
    pub fn words(&self) -> String {
        let shape = match &self.shape {
            RampFacts::Tutorial {
                start,
                increment,
                interval_ms,
                peak,
            } => format!(
                "start at {}, add {} every {} up to {}",
                or_unknown(*start),
                or_unknown(*increment),
                seconds_or_unknown(*interval_ms),
                or_unknown(*peak)
            ),
            RampFacts::Policy { words } => {
                return format!(
                    "{words}; then capacity {}{}",
                    or_unknown(self.final_capacity),
                    if self.delete_domain {
                        "; then the domain is deleted"
                    } else {
                        ""
                    }
                )
            }
            RampFacts::Steps { steps } => {
                let step = |s: &(Option<u64>, Option<u32>)| {
                    format!("{} at +{}", or_unknown(s.1), seconds_or_unknown(s.0))
                };
                let highest = steps.iter().filter_map(|s| s.1).max();
                match steps.as_slice() {
                    [] => "no explicit steps".to_string(),
                    [only] => format!("1 explicit step: {}", step(only)),
                    [first, .., last] => format!(
                        "{} explicit steps from {} to {} (highest {})",
                        steps.len(),
                        step(first),
                        step(last),
                        or_unknown(highest)
                    ),
                }
            }
        };
        let end = if self.delete_domain {
            "; then the domain is deleted"
        } else {
            ""
        };
        format!(
            "{shape}; hold {}; then capacity {}{end}",
            seconds_or_unknown(self.hold_ms),
            or_unknown(self.final_capacity)
        )
    }
}

/// The facts a report adds to its journal. Built from the settings (never the secret:
/// there is no field for it).
#[derive(Clone, Debug, PartialEq)]
pub struct ReportFacts {
    /// The endpoint's address.
    pub endpoint: EndpointAddress,
    /// Phantom or AWS-compatible.
    pub profile: Profile,
    /// How requests were signed.
    pub scheme: Scheme,
    /// The domain's policy.
    pub policy: Policy,
    /// The ramp's settings.
    pub ramp: RampSummary,
    /// What the engine launches where, in words (no key name or user data: they are the
    /// person's, not the run's story).
    pub engine: String,
    /// When the report was written, ms since the epoch.
    pub written_ms: f64,
}

/// "launch configuration lc on hotel (at most 4 VMs), sierra (at most 4 VMs): image
/// hello-phantom.gz, m1.small".
fn engine_words(settings: &Settings) -> String {
    let clouds: Vec<String> = settings
        .clouds
        .iter()
        .map(|c| format!("{} (at most {} VMs)", c.name.trim(), c.max_vms.0.trim()))
        .collect();
    format!(
        "launch configuration {} on {}: image {}, {}",
        settings.launch.base_name.trim(),
        if clouds.is_empty() {
            "no cloud".to_string()
        } else {
            clouds.join(", ")
        },
        settings.launch.image_id.trim(),
        settings.launch.instance_type.trim()
    )
}

impl ReportFacts {
    /// The facts of `settings` for the run at `endpoint_url` (the run's own endpoint
    /// when known, else the settings'), written at `written_ms`.
    pub fn of(settings: &Settings, endpoint_url: &str, written_ms: f64) -> Self {
        Self {
            endpoint: EndpointAddress::of_url(endpoint_url),
            profile: settings.endpoint.profile,
            scheme: settings.endpoint.scheme,
            policy: settings.domain.policy,
            ramp: RampSummary::of(&settings.ramp),
            engine: engine_words(settings),
            written_ms,
        }
    }

    /// `Phantom, Signature V2, HmacSHA256`.
    pub fn signing_words(&self) -> String {
        format!("{}, {}", self.profile.label(), scheme_label(self.scheme))
    }
}
