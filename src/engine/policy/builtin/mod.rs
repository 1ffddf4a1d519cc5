//! The built-in policies, one per file: [`metric`] (follow a metric), [`schedule`]
//! (schedule windows), [`healthy`] (keep healthy); and [`decider_for`], which makes the
//! policy a plan names, a person's code through the host's sandbox.

pub mod healthy;
pub mod metric;
pub mod schedule;

use futures::future::LocalBoxFuture;

use super::decision::{Decision, PolicyFault};
use super::host::{Decide, PolicyHost};
use super::observation::Observation;
use crate::settings::{PolicyKind, ValidPolicy};

pub use healthy::KeepHealthy;
pub use metric::FollowMetric;
pub use schedule::{local_time, Schedule};

/// A built-in policy: answers at once.
pub trait Builtin {
    /// Decides from `observation`.
    fn decide_now(&mut self, observation: &Observation) -> Decision;
}

/// Wraps a [`Builtin`] as a [`Decide`].
struct Ready<B>(B);

impl<B: Builtin> Decide for Ready<B> {
    fn decide<'a>(
        &'a mut self,
        observation: &'a Observation,
    ) -> LocalBoxFuture<'a, Result<Decision, PolicyFault>> {
        let decision = self.0.decide_now(observation);
        Box::pin(async move { Ok(decision) })
    }
}

/// The policy `plan` names, ready to decide; a custom one started in `host`'s sandbox.
pub async fn decider_for<'a>(
    plan: &'a ValidPolicy,
    host: &'a dyn PolicyHost,
) -> Result<Box<dyn Decide + 'a>, PolicyFault> {
    Ok(match &plan.policy {
        PolicyKind::FollowMetric { per_vm_milli } => Box::new(Ready(FollowMetric {
            per_vm_milli: *per_vm_milli,
            max_age_ms: plan.metric.as_ref().map_or(u64::MAX, |m| m.max_age_ms),
        })),
        PolicyKind::Schedule {
            zone,
            days,
            from_min,
            to_min,
            inside,
            outside,
        } => Box::new(Ready(Schedule {
            zone: zone.clone(),
            days: *days,
            from_min: *from_min,
            to_min: *to_min,
            inside: *inside,
            outside: *outside,
            host,
        })),
        PolicyKind::KeepHealthy {
            capacity,
            stuck_after_ms,
        } => Box::new(Ready(KeepHealthy {
            capacity: *capacity,
            stuck_after_ms: *stuck_after_ms,
        })),
        PolicyKind::Custom { code, limit_ms } => host.start_custom(code, *limit_ms).await?,
    })
}
