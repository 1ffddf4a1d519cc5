//! Fault injection settings (flags or `PUT /__sim/faults`) and the seeded
//! RNG that rolls the error rates.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// 400 Throttling.
    #[serde(rename = "throttle")]
    Throttle,
    /// 500 InternalFailure.
    #[serde(rename = "500")]
    Internal,
    /// Close the connection without answering.
    #[serde(rename = "reset")]
    Reset,
    /// 400 Bad Request with an HTML page (`Content-Type: text/html`) that carries
    /// no AWS error code: what a reverse proxy or a web server in front of Phantom
    /// answers when it refuses a request itself. A client cannot tell from it
    /// whether the action ran, so it is the hard case for a teardown's retries.
    #[serde(rename = "html400")]
    Html400,
}

impl FaultKind {
    /// Every kind, in the order `--force` tries their names as prefixes.
    pub const ALL: [FaultKind; 4] = [
        FaultKind::Throttle,
        FaultKind::Internal,
        FaultKind::Reset,
        FaultKind::Html400,
    ];

    pub fn parse(s: &str) -> Option<FaultKind> {
        FaultKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Throttle => "throttle",
            FaultKind::Internal => "500",
            FaultKind::Reset => "reset",
            FaultKind::Html400 => "html400",
        }
    }
}

fn default_kind() -> FaultKind {
    FaultKind::Internal
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ErrorRate {
    /// Action name, or `*` for every request.
    pub action: String,
    /// 0..=1.
    pub probability: f64,
    #[serde(default = "default_kind")]
    pub kind: FaultKind,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Force {
    /// Action name, or `*`.
    pub action: String,
    pub kind: FaultKind,
    /// Requests still to fail; absent/null = every one.
    #[serde(default)]
    pub count: Option<u64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added to every answer.
    pub latency_ms: u64,
    /// Added on top of `latency_ms` for these actions.
    pub latency_ms_by_action: BTreeMap<String, u64>,
    pub error_rates: Vec<ErrorRate>,
    pub force: Vec<Force>,
    /// The server clock runs this far ahead (negative: behind).
    pub clock_offset_seconds: f64,
    /// Reseeds the error-rate RNG (and the one that rolls VM failures) when set.
    pub seed: Option<u64>,
    /// Each 600-RUNNING VM fails (`850-FAILED`) at this rate per minute, i.e. after an
    /// exponential time of mean `1/rate` minutes (see `failures.rs`). 0: never.
    pub vm_failures_per_minute: f64,
}

fn matches(pattern: &str, action: &str) -> bool {
    pattern == "*" || pattern == action
}

impl Faults {
    pub fn validate(&self) -> Result<(), String> {
        for r in &self.error_rates {
            if !(0.0..=1.0).contains(&r.probability) {
                return Err(format!(
                    "error rate probability {} is not within 0..1",
                    r.probability
                ));
            }
        }
        if !self.clock_offset_seconds.is_finite() {
            return Err("clock_offset_seconds must be finite".into());
        }
        if !(self.vm_failures_per_minute.is_finite() && self.vm_failures_per_minute >= 0.0) {
            return Err(format!(
                "vm_failures_per_minute {} is not a rate (a finite number >= 0)",
                self.vm_failures_per_minute
            ));
        }
        Ok(())
    }

    pub fn latency_for(&self, action: &str) -> u64 {
        self.latency_ms + self.latency_ms_by_action.get(action).copied().unwrap_or(0)
    }

    /// The fault (if any) this request of `action` gets; consumes a forced
    /// count and rolls the rates.
    pub fn pick(&mut self, action: &str, rng: &mut Rng) -> Option<FaultKind> {
        for f in self.force.iter_mut() {
            if !matches(&f.action, action) {
                continue;
            }
            match f.count {
                None => return Some(f.kind),
                Some(0) => continue,
                Some(n) => {
                    f.count = Some(n - 1);
                    return Some(f.kind);
                }
            }
        }
        for r in &self.error_rates {
            if matches(&r.action, action) && rng.next_f64() < r.probability {
                return Some(r.kind);
            }
        }
        None
    }
}

/// splitmix64: small, seedable, good enough for fault rolls and ids.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A random (version 4) UUID, as pyhantom's request ids are.
    pub fn uuid4(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&a.to_be_bytes());
        bytes[8..].copy_from_slice(&b.to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let h: String = bytes.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn force_counts_down_then_rates_apply() {
        let mut f = Faults {
            force: vec![Force {
                action: "SetDesiredCapacity".into(),
                kind: FaultKind::Throttle,
                count: Some(2),
            }],
            error_rates: vec![ErrorRate {
                action: "*".into(),
                probability: 0.0,
                kind: FaultKind::Internal,
            }],
            ..Faults::default()
        };
        let mut rng = Rng::new(1);
        assert_eq!(
            f.pick("SetDesiredCapacity", &mut rng),
            Some(FaultKind::Throttle)
        );
        assert_eq!(f.pick("DescribeAutoScalingGroups", &mut rng), None);
        assert_eq!(
            f.pick("SetDesiredCapacity", &mut rng),
            Some(FaultKind::Throttle)
        );
        assert_eq!(f.pick("SetDesiredCapacity", &mut rng), None);
    }

    #[test]
    fn json_shape() {
        let f: Faults = serde_json::from_str(
            r#"{"latency_ms": 5, "error_rates": [{"action": "*", "probability": 0.5}],
                "force": [{"action": "X", "kind": "reset"}], "clock_offset_seconds": -30}"#,
        )
        .unwrap();
        assert_eq!(f.error_rates[0].kind, FaultKind::Internal);
        assert_eq!(f.force[0].count, None);
        assert!(serde_json::from_str::<Faults>(r#"{"latency": 5}"#).is_err());
        let f: Faults =
            serde_json::from_str(r#"{"force": [{"action": "X", "kind": "html400", "count": 2}]}"#)
                .unwrap();
        assert_eq!(f.force[0].kind, FaultKind::Html400);
        assert_eq!(
            serde_json::to_value(&f).unwrap()["force"][0]["kind"],
            "html400"
        );
    }

    #[test]
    fn every_kind_parses_back_from_its_name() {
        for k in FaultKind::ALL {
            assert_eq!(FaultKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(FaultKind::parse("teapot"), None);
    }

    #[test]
    fn uuid_shape() {
        let u = Rng::new(7).uuid4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
