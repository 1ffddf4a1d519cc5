//! What a policy needs from outside the engine: a person's code run in a sandbox, a
//! metric read over the network, a time zone's offset. The page provides them from the
//! browser, the headless runner natively, tests and the dry run with fakes.

use futures::future::LocalBoxFuture;

use super::decision::{Decision, PolicyFault};
use super::observation::Observation;

/// A policy: one decision per observation. Asynchronous because a person's code
/// answers from a sandbox; the built-ins answer at once.
pub trait Decide {
    /// Decides from `observation`.
    fn decide<'a>(
        &'a mut self,
        observation: &'a Observation,
    ) -> LocalBoxFuture<'a, Result<Decision, PolicyFault>>;
}

/// Where policies reach the world.
pub trait PolicyHost {
    /// Reads the number at JSON `pointer` of the document at `url`; the error says why
    /// it could not (not reachable, not JSON, no such pointer, not a number).
    fn read_metric<'a>(
        &'a self,
        url: &'a str,
        pointer: &'a str,
    ) -> LocalBoxFuture<'a, Result<f64, String>>;

    /// Starts a person's policy `code`, each decision limited to `limit_ms`.
    fn start_custom<'a>(
        &'a self,
        code: &'a str,
        limit_ms: u32,
    ) -> LocalBoxFuture<'a, Result<Box<dyn Decide + 'a>, PolicyFault>>;

    /// The offset from UTC, in minutes, of IANA time zone `zone` at `utc_ms` (ms since
    /// the epoch); `None` when the zone is unknown.
    fn utc_offset_minutes(&self, zone: &str, utc_ms: f64) -> Option<i32>;
}

/// A host with nothing: no metric, no sandbox, only UTC. What a plan without a policy
/// runs with, and a safe default.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHost;

impl PolicyHost for NoHost {
    fn read_metric<'a>(
        &'a self,
        _url: &'a str,
        _pointer: &'a str,
    ) -> LocalBoxFuture<'a, Result<f64, String>> {
        Box::pin(async { Err("no metric source here".to_string()) })
    }

    fn start_custom<'a>(
        &'a self,
        _code: &'a str,
        _limit_ms: u32,
    ) -> LocalBoxFuture<'a, Result<Box<dyn Decide + 'a>, PolicyFault>> {
        Box::pin(async {
            Err(PolicyFault::Unavailable {
                message: "custom policies need a sandbox, and there is none here".to_string(),
            })
        })
    }

    fn utc_offset_minutes(&self, zone: &str, _utc_ms: f64) -> Option<i32> {
        matches!(zone, "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT").then_some(0)
    }
}
