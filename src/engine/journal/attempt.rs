//! How the journal keeps a failure ([`ErrorInfo`], from an already redacted
//! [`ApiError`]) and each attempt of a request ([`AttemptRecord`]).

use std::fmt;

use serde::Serialize;

use crate::api::{ApiError, Attempt, ErrorClass, NextStep};

/// An [`ApiError`] as the journal keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorInfo {
    /// The server's error code, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The whole explanation (the error's text).
    pub message: String,
    /// What kind of failure it is.
    pub class: ErrorClass,
    /// HTTP status, when an answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The server's request id, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// What to do about it.
    pub hint: String,
}

impl From<&ApiError> for ErrorInfo {
    fn from(e: &ApiError) -> Self {
        Self {
            code: e.code().map(str::to_string),
            message: e.to_string(),
            class: e.class(),
            status: e.status(),
            request_id: e.request_id().map(str::to_string),
            hint: e.hint().to_string(),
        }
    }
}

impl fmt::Display for ErrorInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl ErrorInfo {
    /// `Code: message`, or the message alone when the server gave no code: a failure in
    /// one line, as the step log shows it (the code is what a person searches for).
    pub fn summary(&self) -> String {
        match &self.code {
            Some(code) => format!("{code}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// What the client did after a failed attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Retry {
    /// Waited this long, then tried again.
    After {
        /// The wait, ms.
        wait_ms: u64,
    },
    /// Corrected its clock by this many seconds and tried again at once.
    ClockCorrected {
        /// The correction, seconds.
        seconds: i64,
    },
    /// Gave up: this error is the request's.
    GaveUp,
}

/// One attempt of a request ([`Attempt`], serializable).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttemptRecord {
    /// 1 for the first attempt.
    pub number: u32,
    /// When it was sent.
    pub started_ms: f64,
    /// How long it took.
    pub duration_ms: f64,
    /// HTTP status, when an answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error (`None` on success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    /// What the client did next (`None` on success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
}

impl From<&Attempt> for AttemptRecord {
    fn from(a: &Attempt) -> Self {
        Self {
            number: a.number,
            started_ms: a.started_ms,
            duration_ms: a.duration_ms,
            status: a.status,
            error: a.error.as_ref().map(ErrorInfo::from),
            retry: a.next.as_ref().map(|n| match n {
                NextStep::RetryAfter(ms) => Retry::After { wait_ms: *ms },
                NextStep::RetryWithClockOffset(s) => Retry::ClockCorrected { seconds: *s },
                NextStep::GiveUp => Retry::GaveUp,
            }),
        }
    }
}
