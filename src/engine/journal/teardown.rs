//! The teardown in the journal: why one was needed ([`TeardownCause`]), its beginning
//! ([`TeardownStarted`]), each failed attempt ([`TeardownRetry`]), its end ([`Teardown`]
//! with its [`TeardownOutcome`]), and what a journal cut short in between says is still
//! under way ([`PendingTeardown`]).
//!
//! A teardown is pursued until the server confirms the capacity (see
//! [`crate::engine::pursuit`]), so it can last as long as the endpoint is unreachable.
//! Its start is journaled before its first request: a page reloaded meanwhile finds a
//! pending teardown in the journal and resumes it.

use serde::Serialize;

use crate::engine::capacity::TeardownSkip;

use super::attempt::ErrorInfo;

/// Why a teardown was needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TeardownCause {
    /// Stop was pressed.
    Stopped,
    /// The run failed.
    Failed,
    /// The person asked for it outside a run ("Scale this domain to 0" after a reload).
    ByHand,
}

impl TeardownCause {
    /// Why, in a few words ("after Stop").
    pub fn label(self) -> &'static str {
        match self {
            TeardownCause::Stopped => "after Stop",
            TeardownCause::Failed => "after the run failed",
            TeardownCause::ByHand => "asked for by hand",
        }
    }
}

/// What the teardown did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TeardownOutcome {
    /// The capacity was set and the server confirmed it: DescribeAutoScalingGroups shows
    /// it as the domain's DesiredCapacity, or no longer lists the domain.
    Done,
    /// Nothing needed doing (or the options said not to).
    Skipped {
        /// Why.
        reason: TeardownSkip,
    },
    /// The person stopped trying before the server confirmed the capacity: VMs may
    /// still be running.
    Abandoned {
        /// Attempts made (each a SetDesiredCapacity and, when it was answered, a
        /// DescribeAutoScalingGroups).
        attempts: u32,
        /// Why the last attempt failed (`None` when none had failed yet).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_error: Option<ErrorInfo>,
        /// The DesiredCapacity the domain showed last, when an attempt saw it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_desired: Option<u32>,
    },
    /// Journals of older versions only (this version never gives up by itself):
    /// capacity 0 could not be set even after the client's retries.
    Failed {
        /// The final error.
        error: ErrorInfo,
    },
}

impl TeardownOutcome {
    /// The outcome in words, for capacity `target`. An abandoned or failed teardown
    /// says what may still be running.
    pub fn label(&self, target: u32) -> String {
        match self {
            TeardownOutcome::Done => {
                format!("capacity {target} set and confirmed by the server")
            }
            TeardownOutcome::Skipped { reason } => format!("not needed: {}", reason.label()),
            TeardownOutcome::Abandoned {
                attempts,
                last_error,
                last_desired,
            } => {
                let running = match last_desired {
                    Some(d) => format!(
                        "VMs may still be running (the domain last showed DesiredCapacity {d})"
                    ),
                    None => "VMs may still be running at the domain's last capacity".to_string(),
                };
                let error = last_error
                    .as_ref()
                    .map(|e| format!("; last error: {}", e.summary()))
                    .unwrap_or_default();
                format!(
                    "STOPPED TRYING after {attempts} attempt(s) to set capacity {target}: {running}{error}"
                )
            }
            TeardownOutcome::Failed { error } => {
                format!("FAILED, VMs may be running: {}", error.summary())
            }
        }
    }

    /// Whether VMs may still be running after it (abandoned, or failed in an older
    /// journal). A skipped teardown says nothing either way: see the run's capacity.
    pub fn may_leave_running(&self) -> bool {
        matches!(
            self,
            TeardownOutcome::Abandoned { .. } | TeardownOutcome::Failed { .. }
        )
    }
}

/// [`Event::TeardownStarted`](super::events::Event::TeardownStarted): a teardown is
/// pursued from now on, until the server confirms `target` or the person stops trying.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeardownStarted {
    /// When it began (for a resumed one: when it was resumed).
    pub at_ms: f64,
    /// The domain.
    pub domain: String,
    /// Why.
    pub cause: TeardownCause,
    /// The capacity pursued (0).
    pub target: u32,
    /// It continues a pending teardown of this journal, interrupted by a page reload.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resumed: bool,
}

/// [`Event::TeardownRetry`](super::events::Event::TeardownRetry): an attempt failed;
/// the next one is due at `next_attempt_ms`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeardownRetry {
    /// When the attempt failed.
    pub at_ms: f64,
    /// Its number (1 for the first; a resumed teardown goes on counting).
    pub attempt: u32,
    /// Why it failed: the server's error, or what the describe showed instead of the
    /// capacity asked for.
    pub error: ErrorInfo,
    /// The DesiredCapacity the describe showed, when this attempt got that far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_capacity: Option<u32>,
    /// When the next attempt is due (ms since the epoch), unless "Try now" comes first.
    pub next_attempt_ms: f64,
}

/// [`Event::Teardown`](super::events::Event::Teardown): the teardown ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Teardown {
    /// When it ended.
    pub at_ms: f64,
    /// Why it was needed.
    pub cause: TeardownCause,
    /// The capacity it was for (0; journals of older versions have none: 0).
    #[serde(default)]
    pub target: u32,
    /// What it did.
    pub outcome: TeardownOutcome,
}

/// A teardown a journal shows begun and not ended: still under way, or interrupted by a
/// page reload (then the page resumes it, see
/// [`crate::engine::pursuit::resume_teardown`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PendingTeardown {
    /// The domain.
    pub domain: String,
    /// The capacity pursued (0).
    pub target: u32,
    /// Why it was needed.
    pub cause: TeardownCause,
    /// When it first began (a resumption keeps it).
    pub since_ms: f64,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<ErrorInfo>,
    /// When the next attempt is due; `None` while an attempt is under way (or before
    /// the first failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_ms: Option<f64>,
}

impl PendingTeardown {
    /// Milliseconds until the next attempt at `now_ms` (0 once it is due), or `None`
    /// while an attempt is under way.
    pub fn next_attempt_in_ms(&self, now_ms: f64) -> Option<f64> {
        self.next_attempt_ms.map(|next| {
            let left = next - now_ms;
            if left.is_finite() && left > 0.0 {
                left
            } else {
                0.0
            }
        })
    }

    /// Whether an attempt is under way (no wait for a next one is journaled).
    pub fn attempt_under_way(&self) -> bool {
        self.next_attempt_ms.is_none()
    }

    /// The banner's sentence at `now_ms`: "Setting capacity 0 on my_domain (after Stop):
    /// attempt 2 failed (ServiceUnavailable: …); next attempt in 4 s."
    pub fn label(&self, now_ms: f64) -> String {
        let head = format!(
            "Setting capacity {} on {} ({})",
            self.target,
            self.domain,
            self.cause.label()
        );
        let failed = self
            .last_error
            .as_ref()
            .map(|e| format!("attempt {} failed ({})", self.attempts, e.summary()));
        match (failed, self.next_attempt_in_ms(now_ms)) {
            (None, _) => format!("{head}: first attempt under way…"),
            (Some(failed), None) => {
                format!("{head}: {failed}; attempt {} under way…", self.attempts + 1)
            }
            (Some(failed), Some(ms)) => format!(
                "{head}: {failed}; next attempt in {} s.",
                (ms / 1000.0).ceil() as u64
            ),
        }
    }
}
