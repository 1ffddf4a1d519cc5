//! One request in the journal: what it is about ([`Target`]), its
//! [`RequestSent`] and its [`RequestDone`] with every attempt and how it ended
//! ([`Outcome`]). Requests are recorded by target, never by parameters.

use std::fmt;

use serde::Serialize;

use super::attempt::{AttemptRecord, ErrorInfo};
use super::stage::Stage;

/// What a request is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Target {
    /// All launch configurations (a describe).
    LaunchConfigurations,
    /// One launch configuration `name@cloud`.
    LaunchConfiguration {
        /// The full name, `base@cloud` on Phantom.
        name: String,
        /// The part after `@` (empty when there is none).
        cloud: String,
    },
    /// A domain (describe or delete).
    Domain {
        /// Domain name.
        name: String,
    },
    /// A domain being created.
    NewDomain {
        /// Domain name.
        name: String,
        /// MinSize (Phantom: the VMs it starts with).
        min_size: u32,
        /// MaxSize.
        max_size: u32,
        /// DesiredCapacity, when given (Phantom ignores it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        desired_capacity: Option<u32>,
    },
    /// A capacity change.
    Capacity {
        /// Domain name.
        domain: String,
        /// The capacity asked for.
        capacity: u32,
    },
    /// Any other action.
    Other {
        /// A short description.
        detail: String,
    },
}

impl Target {
    /// The capacity a request for this target asks for: the capacity of a
    /// SetDesiredCapacity, the VMs a new domain starts with (when above 0).
    pub fn capacity(&self) -> Option<u32> {
        match self {
            Target::Capacity { capacity, .. } => Some(*capacity),
            Target::NewDomain {
                min_size,
                desired_capacity,
                ..
            } => Some(desired_capacity.unwrap_or(0).max(*min_size)).filter(|&c| c > 0),
            _ => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::LaunchConfigurations => f.write_str("all launch configurations"),
            Target::LaunchConfiguration { name, .. } => f.write_str(name),
            Target::Domain { name } => f.write_str(name),
            Target::NewDomain {
                name,
                min_size,
                max_size,
                ..
            } => write!(f, "{name} (MinSize {min_size}, MaxSize {max_size})"),
            Target::Capacity { domain, capacity } => write!(f, "{domain} → {capacity}"),
            Target::Other { detail } => f.write_str(detail),
        }
    }
}

/// [`Event::RequestSent`](super::events::Event::RequestSent).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestSent {
    /// Pairs it with its [`RequestDone`] (1, 2, … in sending order).
    pub no: u32,
    /// The part of the run.
    pub stage: Stage,
    /// The action name.
    pub action: String,
    /// What it is about.
    pub target: Target,
    /// When it was sent.
    pub at_ms: f64,
}

/// Why a request of the plan was not needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// DescribeLaunchConfigurations listed the launch configuration: not sent.
    Listed,
    /// The server answered that it exists already (e.g. "Name already in use").
    AlreadyExists,
    /// The domain did not exist: nothing to delete or wait for.
    DomainMissing,
    /// The domain exists and "replace" is off: it is kept as it is.
    DomainKept,
}

impl SkipReason {
    /// A human explanation.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::Listed => "already listed, not created again",
            SkipReason::AlreadyExists => "the server says it exists already",
            SkipReason::DomainMissing => "the domain does not exist",
            SkipReason::DomainKept => "the domain exists and is kept (replace is off)",
        }
    }
}

/// How a request ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    /// Done.
    Ok {
        /// The server's request id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
        /// What the answer said, for reads ("my_domain listed, 3 instances").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// Not needed (not sent, or answered "exists already").
    Skipped {
        /// Why.
        reason: SkipReason,
        /// The server's answer, when one was sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<ErrorInfo>,
    },
    /// Failed after the client's retries.
    Failed {
        /// The final error.
        error: ErrorInfo,
    },
    /// Cancelled by Stop while in flight (the server may still have acted on it).
    Cancelled,
}

impl Outcome {
    /// Whether it succeeded or was not needed.
    pub fn is_ok_or_skipped(&self) -> bool {
        matches!(self, Outcome::Ok { .. } | Outcome::Skipped { .. })
    }
}

/// [`Event::RequestDone`](super::events::Event::RequestDone): self-contained, it repeats what [`RequestSent`] said.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestDone {
    /// The [`RequestSent::no`]; 0 when it was never sent (skipped by the plan's condition).
    pub no: u32,
    /// The part of the run.
    pub stage: Stage,
    /// The action name.
    pub action: String,
    /// What it is about.
    pub target: Target,
    /// Every attempt (empty when never sent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<AttemptRecord>,
    /// How it ended.
    pub outcome: Outcome,
    /// When it was sent (or decided, when never sent).
    pub started_ms: f64,
    /// When it ended.
    pub ended_ms: f64,
}
