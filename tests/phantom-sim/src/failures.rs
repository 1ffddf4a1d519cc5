//! Making VMs fail: `POST /__sim/fail` (a given VM, or a random running VM of a
//! domain) and `vm_failures_per_minute` (`--vm-failures-per-minute`, or
//! `PUT /__sim/faults`: running VMs fail at random, at a rate).
//!
//! A failed VM is `850-FAILED` (HealthStatus `Unhealthy`) until it is terminated, and it
//! keeps its slot: the engine still counts it, so nothing replaces it by itself. Real EPU
//! would count a VM it saw fail out and launch another; the simulator does not, on
//! purpose: a VM that is broken while the service still counts it is exactly the case a
//! client's "keep healthy" policy exists for, and it makes the replacement the client's
//! visible act — TerminateInstanceInAutoScalingGroup with
//! ShouldDecrementDesiredCapacity=false terminates it and the engine boots a replacement
//! at once (a scale-down also terminates failed VMs first).

use crate::faults::Rng;
use crate::model::{Instance, State, STATE_FAILED, STATE_PENDING, STATE_RUNNING};
use std::fmt;

/// Why a VM could not be made to fail; each maps to an HTTP status of the control API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailError {
    NoDomain(String),
    NoInstance {
        domain: String,
        instance_id: String,
    },
    /// Only a booting (400-PENDING) or running VM can fail: a 200-REQUESTED one has no
    /// instance id a client could ever name, a terminating one is going anyway.
    NotFailable {
        instance_id: String,
        state: String,
    },
    NoneRunning(String),
}

impl FailError {
    pub fn status(&self) -> (u16, &'static str) {
        match self {
            FailError::NoDomain(_) | FailError::NoInstance { .. } => (404, "Not Found"),
            FailError::NotFailable { .. } | FailError::NoneRunning(_) => (409, "Conflict"),
        }
    }
}

impl fmt::Display for FailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailError::NoDomain(d) => write!(f, "no domain {d:?}"),
            FailError::NoInstance {
                domain,
                instance_id,
            } => write!(f, "domain {domain:?} has no instance {instance_id:?}"),
            FailError::NotFailable { instance_id, state } => write!(
                f,
                "instance {instance_id:?} is {state}: only a 400-PENDING or 600-RUNNING VM can fail"
            ),
            FailError::NoneRunning(d) => {
                write!(f, "domain {d:?} has no 600-RUNNING VM that has not failed")
            }
        }
    }
}

/// The VM made to fail (or found failed already: `changed` false).
#[derive(Debug, Clone)]
pub struct Failed {
    pub instance: Instance,
    pub changed: bool,
}

/// Marks `instance_id` of `domain` (the id Describe shows), or with `None` a random
/// 600-RUNNING VM of it that has not failed, `850-FAILED` from `now` on. Failing a VM
/// that has failed already changes nothing and is not an error (a test may repeat it).
pub fn fail_vm(
    state: &mut State,
    domain: &str,
    instance_id: Option<&str>,
    now: i64,
    rng: &mut Rng,
) -> Result<Failed, FailError> {
    let d = state
        .domains
        .get_mut(domain)
        .ok_or_else(|| FailError::NoDomain(domain.to_string()))?;
    let k = match instance_id {
        Some(id) => {
            let k = d
                .instances
                .iter()
                .position(|i| i.instance_id == id && i.state_at(now).is_some())
                .ok_or_else(|| FailError::NoInstance {
                    domain: domain.to_string(),
                    instance_id: id.to_string(),
                })?;
            match d.instances[k].state_at(now) {
                Some(STATE_FAILED) => {
                    return Ok(Failed {
                        instance: d.instances[k].clone(),
                        changed: false,
                    })
                }
                Some(STATE_PENDING | STATE_RUNNING) => k,
                other => {
                    return Err(FailError::NotFailable {
                        instance_id: id.to_string(),
                        state: other.unwrap_or("gone").to_string(),
                    })
                }
            }
        }
        None => {
            let running: Vec<usize> = (0..d.instances.len())
                .filter(|&k| d.instances[k].state_at(now) == Some(STATE_RUNNING))
                .collect();
            if running.is_empty() {
                return Err(FailError::NoneRunning(domain.to_string()));
            }
            running[(rng.next_u64() % running.len() as u64) as usize]
        }
    };
    d.instances[k].failed_ms = Some(now);
    Ok(Failed {
        instance: d.instances[k].clone(),
        changed: true,
    })
}

/// `vm_failures_per_minute`: every VM of a domain that was 600-RUNNING (and not failed)
/// during `(since, now]` fails at `now` with probability `1 - exp(-rate × minutes it ran
/// in that span)`, so each running VM lives an exponential time of mean `1/rate`
/// minutes. Rolled lazily at each request, like everything else time-driven here, so a
/// failure is seen (and dated) at the first request after it. Returns how many failed.
pub fn roll_failures(
    state: &mut State,
    per_minute: f64,
    since: i64,
    now: i64,
    rng: &mut Rng,
) -> usize {
    if per_minute <= 0.0 || now <= since {
        return 0;
    }
    let mut n = 0;
    for d in state.domains.values_mut() {
        for i in d.instances.iter_mut() {
            if i.state_at(now) != Some(STATE_RUNNING) {
                continue;
            }
            let ran_ms = now - since.max(i.running_ms);
            if ran_ms <= 0 {
                continue;
            }
            let p = 1.0 - (-per_minute * ran_ms as f64 / 60_000.0).exp();
            if rng.next_f64() < p {
                i.failed_ms = Some(now);
                n += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Domain, STATE_TERMINATING};

    fn vm(seq: u64, running_ms: i64) -> Instance {
        Instance {
            seq,
            instance_id: format!("i-{seq:08x}"),
            domain: "d".into(),
            cloud: "hotel".into(),
            pending_ms: running_ms / 2,
            running_ms,
            ..Instance::default()
        }
    }

    fn state(vms: Vec<Instance>) -> State {
        let mut s = State::default();
        s.domains.insert(
            "d".into(),
            Domain {
                name: "d".into(),
                instances: vms,
                ..Domain::default()
            },
        );
        s
    }

    #[test]
    fn a_given_vm_fails_and_stays_failed_until_terminated() {
        let mut s = state(vec![vm(0, 100), vm(1, 100)]);
        let mut rng = Rng::new(1);
        let f = fail_vm(&mut s, "d", Some("i-00000001"), 500, &mut rng).unwrap();
        assert!(f.changed);
        let i = &s.domains["d"].instances[1];
        assert_eq!(i.state_at(499), Some(STATE_RUNNING));
        assert_eq!(i.state_at(500), Some(STATE_FAILED));
        assert_eq!(i.state_at(1_000_000), Some(STATE_FAILED));
        assert!(i.healthy(), "a failed VM keeps its slot");
        // Again: no change, no error.
        let again = fail_vm(&mut s, "d", Some("i-00000001"), 600, &mut rng).unwrap();
        assert!(!again.changed);
        assert_eq!(again.instance.failed_ms, Some(500));
        let cfg = crate::model::SimConfig {
            boot_ms: 0,
            terminate_ms: 10,
            linger_ms: 10,
            cloud_capacity: Default::default(),
        };
        s.domains.get_mut("d").unwrap().instances[1].terminate(700, &cfg);
        let i = &s.domains["d"].instances[1];
        assert_eq!(i.state_at(700), Some(STATE_TERMINATING));
        assert_eq!(i.state_at(720), None);
    }

    #[test]
    fn refusals_say_why() {
        let mut s = state(vec![vm(0, 100)]);
        let mut rng = Rng::new(1);
        assert_eq!(
            fail_vm(&mut s, "x", None, 500, &mut rng).unwrap_err(),
            FailError::NoDomain("x".into())
        );
        assert_eq!(
            fail_vm(&mut s, "d", Some("i-nothere"), 500, &mut rng)
                .unwrap_err()
                .status()
                .0,
            404
        );
        // Still 200-REQUESTED at 10: not failable; none running either.
        let e = fail_vm(&mut s, "d", Some("i-00000000"), 10, &mut rng).unwrap_err();
        assert_eq!(e.status().0, 409);
        assert!(e.to_string().contains("200-REQUESTED"), "{e}");
        assert_eq!(
            fail_vm(&mut s, "d", None, 10, &mut rng).unwrap_err(),
            FailError::NoneRunning("d".into())
        );
        // 400-PENDING can fail (a boot that never completes).
        assert!(fail_vm(&mut s, "d", Some("i-00000000"), 60, &mut rng).is_ok());
        assert_eq!(
            s.domains["d"].instances[0].state_at(200),
            Some(STATE_FAILED)
        );
        // The only VM has failed: no running one is left to pick.
        assert_eq!(
            fail_vm(&mut s, "d", None, 500, &mut rng)
                .unwrap_err()
                .status()
                .0,
            409
        );
    }

    #[test]
    fn random_picks_only_running_vms_that_have_not_failed() {
        let mut s = state(vec![vm(0, 100), vm(1, 100), vm(2, 10_000)]);
        let mut rng = Rng::new(7);
        let a = fail_vm(&mut s, "d", None, 500, &mut rng).unwrap();
        let b = fail_vm(&mut s, "d", None, 500, &mut rng).unwrap();
        assert_ne!(a.instance.seq, b.instance.seq);
        assert!(a.instance.seq < 2 && b.instance.seq < 2);
        assert!(fail_vm(&mut s, "d", None, 500, &mut rng).is_err());
    }

    #[test]
    fn failure_rate_is_exponential_per_running_vm() {
        // 1000 VMs running since 0, rate 1/min, rolled over one minute: about 63 % fail.
        let vms: Vec<Instance> = (0..1000).map(|k| vm(k, 0)).collect();
        let mut s = state(vms);
        let mut rng = Rng::new(3);
        let n = roll_failures(&mut s, 1.0, 0, 60_000, &mut rng);
        assert!((560..700).contains(&n), "{n}");
        // Rolled again for no time: nothing more; a zero rate: nothing.
        assert_eq!(roll_failures(&mut s, 1.0, 60_000, 60_000, &mut rng), 0);
        assert_eq!(roll_failures(&mut s, 0.0, 60_000, 120_000, &mut rng), 0);
        // Failed VMs are not rolled again and keep their time.
        let failed: Vec<_> = s.domains["d"]
            .instances
            .iter()
            .filter(|i| i.failed_ms.is_some())
            .collect();
        assert!(failed.iter().all(|i| i.failed_ms == Some(60_000)));
        // A VM still booting does not fail.
        let mut s = state(vec![vm(0, 1_000_000)]);
        assert_eq!(roll_failures(&mut s, 1000.0, 0, 60_000, &mut rng), 0);
    }
}
