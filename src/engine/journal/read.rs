//! The journal's reader: every journal type read by hand from a parsed
//! [`serde_json::Value`] ([`ReadJson`]), in exactly the format `derive(Serialize)` writes
//! and earlier versions wrote (a missing `Option` is `None`, a missing `#[serde(default)]`
//! field its default, unknown fields are ignored, internally tagged enums by their
//! `type`/`kind`/`rail` field).
//!
//! Why by hand: `derive(Deserialize)` on the nine nested internally tagged enums buffers
//! each through serde's `Content` and monomorphizes every visitor for every deserializer;
//! in the page's `.wasm` that reader alone kept about 180 KB (issue 12). This one walks
//! the `Value` that `serde_json` already parses for the settings and the history, and its
//! [`Deserialize`] impls (for `serde_json::from_str::<Event>` and the types that hold
//! journal types, such as the recovery record) go through the same `Value`.

use serde::de::{Deserialize, Deserializer, Error as _};
use serde_json::{Map, Value};

use crate::api::ErrorClass;
use crate::engine::capacity::{CapacityState, TeardownSkip};
use crate::engine::options::{OnStepFailure, Resume, RunOptions};
use crate::engine::plan::Phase;

use super::attempt::{AttemptRecord, ErrorInfo, Retry};
use super::decision::{DecisionMade, DecisionOutcome, Direction, ObservedBrief, RailNote};
use super::events::{
    Event, MonitorResult, MonitorSnapshot, RampStarted, RampStep, RunStarted, ScheduledStep,
    StopRequested, SupersededStep,
};
use super::instances::{InstanceCount, InstanceState};
use super::report::{PlanProblem, RunEnd, RunFinished, RunReport};
use super::request::{Outcome, RequestDone, RequestSent, SkipReason, Target};
use super::settle::{NotSettled, Settled, Settlement};
use super::stage::Stage;
use super::summary::JournalSummary;
use super::teardown::{
    PendingTeardown, Teardown, TeardownCause, TeardownOutcome, TeardownRetry, TeardownStarted,
};
use super::Journal;

/// Why a JSON value is not the journal type asked for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not JSON at all (the parser's message).
    #[error("{0}")]
    Json(String),
    /// A field that must be there is not.
    #[error("{}missing field `{field}`", place(at))]
    Missing {
        /// Where (`events[3].target`, or empty at the top).
        at: String,
        /// The field.
        field: &'static str,
    },
    /// A value of the wrong type or out of range.
    #[error("{}expected {expected}", place(at))]
    Expected {
        /// Where.
        at: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A name (a tag or a unit variant) this version does not know.
    #[error("{}unknown {what} \"{found}\"", place(at))]
    Unknown {
        /// Where.
        at: String,
        /// The kind of name.
        what: &'static str,
        /// The name found (at most 64 characters of it).
        found: String,
    },
}

impl ReadError {
    fn expected(expected: &'static str) -> Self {
        ReadError::Expected {
            at: String::new(),
            expected,
        }
    }

    fn unknown(what: &'static str, found: &str) -> Self {
        ReadError::Unknown {
            at: String::new(),
            what,
            found: found.chars().take(64).collect(),
        }
    }

    /// The same error one level down, under `segment` (a field name or `[i]`).
    fn within(mut self, segment: &str) -> Self {
        if let ReadError::Missing { at, .. }
        | ReadError::Expected { at, .. }
        | ReadError::Unknown { at, .. } = &mut self
        {
            let dot = if at.is_empty() || at.starts_with('[') {
                ""
            } else {
                "."
            };
            *at = format!("{segment}{dot}{at}");
        }
        self
    }
}

/// `at events[3].target: `, or nothing at the top.
fn place(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("at {at}: ")
    }
}

/// A journal type read from a parsed JSON value.
pub trait ReadJson: Sized {
    /// Reads `value`.
    fn read(value: &Value) -> Result<Self, ReadError>;

    /// Parses `text` and reads it.
    fn read_str(text: &str) -> Result<Self, ReadError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| ReadError::Json(e.to_string()))?;
        Self::read(&value)
    }
}

/// A JSON object being read field by field.
struct Obj<'a>(&'a Map<String, Value>);

impl<'a> Obj<'a> {
    fn of(value: &'a Value) -> Result<Self, ReadError> {
        match value {
            Value::Object(map) => Ok(Obj(map)),
            _ => Err(ReadError::expected("an object")),
        }
    }

    /// A field that must be there.
    fn req<T: ReadJson>(&self, field: &'static str) -> Result<T, ReadError> {
        match self.0.get(field) {
            Some(v) => T::read(v).map_err(|e| e.within(field)),
            None => Err(ReadError::Missing {
                at: String::new(),
                field,
            }),
        }
    }

    /// An optional field: absent or `null` is `None`.
    fn opt<T: ReadJson>(&self, field: &'static str) -> Result<Option<T>, ReadError> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::read(v).map(Some).map_err(|e| e.within(field)),
        }
    }

    /// A `#[serde(default)]` field: absent is `default`.
    fn or<T: ReadJson>(&self, field: &'static str, default: T) -> Result<T, ReadError> {
        match self.0.get(field) {
            None => Ok(default),
            Some(v) => T::read(v).map_err(|e| e.within(field)),
        }
    }

    /// An internally tagged enum's tag.
    fn tag(&self, field: &'static str) -> Result<&'a str, ReadError> {
        match self.0.get(field) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(ReadError::expected("a string").within(field)),
            None => Err(ReadError::Missing {
                at: String::new(),
                field,
            }),
        }
    }
}

fn unsigned(value: &Value) -> Result<u64, ReadError> {
    value
        .as_u64()
        .ok_or(ReadError::expected("a whole number ≥ 0"))
}

macro_rules! read_unsigned {
    ($($t:ty),*) => {$(
        impl ReadJson for $t {
            fn read(value: &Value) -> Result<Self, ReadError> {
                <$t>::try_from(unsigned(value)?).map_err(|_| ReadError::expected("a smaller number"))
            }
        }
    )*};
}
read_unsigned!(u16, u32, usize);

impl ReadJson for u64 {
    fn read(value: &Value) -> Result<Self, ReadError> {
        unsigned(value)
    }
}

impl ReadJson for i64 {
    fn read(value: &Value) -> Result<Self, ReadError> {
        value.as_i64().ok_or(ReadError::expected("a whole number"))
    }
}

impl ReadJson for f64 {
    fn read(value: &Value) -> Result<Self, ReadError> {
        value.as_f64().ok_or(ReadError::expected("a number"))
    }
}

impl ReadJson for bool {
    fn read(value: &Value) -> Result<Self, ReadError> {
        value.as_bool().ok_or(ReadError::expected("true or false"))
    }
}

impl ReadJson for String {
    fn read(value: &Value) -> Result<Self, ReadError> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or(ReadError::expected("a string"))
    }
}

impl<T: ReadJson> ReadJson for Option<T> {
    fn read(value: &Value) -> Result<Self, ReadError> {
        match value {
            Value::Null => Ok(None),
            v => T::read(v).map(Some),
        }
    }
}

impl<T: ReadJson> ReadJson for Vec<T> {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let Value::Array(items) = value else {
            return Err(ReadError::expected("a list"));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, v)| T::read(v).map_err(|e| e.within(&format!("[{i}]"))))
            .collect()
    }
}

/// A unit enum kept as a kebab-case string.
macro_rules! read_names {
    ($($t:ident { $($name:literal => $variant:ident),* $(,)? })*) => {$(
        impl ReadJson for $t {
            fn read(value: &Value) -> Result<Self, ReadError> {
                let name = value.as_str().ok_or(ReadError::expected("a string"))?;
                match name {
                    $($name => Ok($t::$variant),)*
                    other => Err(ReadError::unknown(stringify!($t), other)),
                }
            }
        }
    )*};
}

read_names! {
    Phase {
        "launch-configurations" => LaunchConfigurations,
        "domain" => Domain,
        "ramp" => Ramp,
        "end" => End,
    }
    Stage {
        "launch-configurations" => LaunchConfigurations,
        "domain" => Domain,
        "ramp" => Ramp,
        "end" => End,
        "monitor" => Monitor,
        "teardown" => Teardown,
        "manual" => Manual,
    }
    ErrorClass {
        "retryable" => Retryable,
        "clock-skew" => ClockSkew,
        "authentication" => Authentication,
        "already-exists" => AlreadyExists,
        "invalid-input" => InvalidInput,
        "other" => Other,
    }
    SkipReason {
        "listed" => Listed,
        "already-exists" => AlreadyExists,
        "domain-missing" => DomainMissing,
        "domain-kept" => DomainKept,
    }
    InstanceState {
        "pending" => Pending,
        "running" => Running,
        "failed" => Failed,
        "terminating" => Terminating,
        "terminated" => Terminated,
        "other" => Other,
    }
    Direction {
        "up" => Up,
        "down" => Down,
    }
    TeardownCause {
        "stopped" => Stopped,
        "failed" => Failed,
        "by-hand" => ByHand,
    }
    TeardownSkip {
        "no-capacity-requested" => NoCapacityRequested,
        "already-zero" => AlreadyZero,
        "domain-deleted" => DomainDeleted,
        "leave-running" => LeaveRunning,
    }
    OnStepFailure {
        "stop-and-tear-down" => StopAndTearDown,
        "continue" => Continue,
    }
}

impl ReadJson for Journal {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(Journal {
            events: o.req("events")?,
        })
    }
}

impl ReadJson for Event {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let tag = Obj::of(value)?.tag("type")?;
        Ok(match tag {
            "run-started" => Event::RunStarted(ReadJson::read(value)?),
            "request-sent" => Event::RequestSent(ReadJson::read(value)?),
            "request-done" => Event::RequestDone(ReadJson::read(value)?),
            "ramp-started" => Event::RampStarted(ReadJson::read(value)?),
            "ramp-step" => Event::RampStep(ReadJson::read(value)?),
            "monitor" => Event::Monitor(ReadJson::read(value)?),
            "decision" => Event::Decision(ReadJson::read(value)?),
            "stop-requested" => Event::StopRequested(ReadJson::read(value)?),
            "teardown-started" => Event::TeardownStarted(ReadJson::read(value)?),
            "teardown-retry" => Event::TeardownRetry(ReadJson::read(value)?),
            "teardown" => Event::Teardown(ReadJson::read(value)?),
            "run-finished" => Event::RunFinished(ReadJson::read(value)?),
            "settled" => Event::Settled(ReadJson::read(value)?),
            "not-settled" => Event::NotSettled(ReadJson::read(value)?),
            other => return Err(ReadError::unknown("event type", other)),
        })
    }
}

impl ReadJson for ScheduledStep {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(ScheduledStep {
            index: o.req("index")?,
            phase: o.req("phase")?,
            at_ms: o.req("at_ms")?,
            capacity: o.req("capacity")?,
        })
    }
}

impl ReadJson for RunStarted {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(RunStarted {
            version: o.req("version")?,
            at_ms: o.req("at_ms")?,
            domain: o.req("domain")?,
            launch_configurations: o.req("launch_configurations")?,
            replace_existing: o.req("replace_existing")?,
            schedule: o.req("schedule")?,
            delete_domain: o.req("delete_domain")?,
            planned_requests: o.req("planned_requests")?,
            options: o.req("options")?,
            policy: o.opt("policy")?,
        })
    }
}

impl ReadJson for RunOptions {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        let d = RunOptions::default();
        Ok(RunOptions {
            monitor_interval_ms: o.or("monitor_interval_ms", d.monitor_interval_ms)?,
            on_step_failure: o.or("on_step_failure", d.on_step_failure)?,
            leave_running: o.or("leave_running", d.leave_running)?,
            domain_gone_timeout_ms: o.or("domain_gone_timeout_ms", d.domain_gone_timeout_ms)?,
            domain_gone_poll_ms: o.or("domain_gone_poll_ms", d.domain_gone_poll_ms)?,
            resume: o.or("resume", d.resume)?,
        })
    }
}

impl ReadJson for Resume {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(Resume {
            ramp_started_ms: o.req("ramp_started_ms")?,
            capacity: o.req("capacity")?,
        })
    }
}

impl ReadJson for CapacityState {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("kind")? {
            "untouched" => CapacityState::Untouched,
            "confirmed" => CapacityState::Confirmed {
                capacity: o.req("capacity")?,
            },
            "unconfirmed" => CapacityState::Unconfirmed {
                capacity: o.req("capacity")?,
            },
            "deleted" => CapacityState::Deleted,
            other => return Err(ReadError::unknown("capacity state", other)),
        })
    }
}

impl ReadJson for RequestSent {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(RequestSent {
            no: o.req("no")?,
            stage: o.req("stage")?,
            action: o.req("action")?,
            target: o.req("target")?,
            at_ms: o.req("at_ms")?,
        })
    }
}

impl ReadJson for Target {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("kind")? {
            "launch-configurations" => Target::LaunchConfigurations,
            "launch-configuration" => Target::LaunchConfiguration {
                name: o.req("name")?,
                cloud: o.req("cloud")?,
            },
            "domain" => Target::Domain {
                name: o.req("name")?,
            },
            "new-domain" => Target::NewDomain {
                name: o.req("name")?,
                min_size: o.req("min_size")?,
                max_size: o.req("max_size")?,
                desired_capacity: o.opt("desired_capacity")?,
            },
            "capacity" => Target::Capacity {
                domain: o.req("domain")?,
                capacity: o.req("capacity")?,
            },
            "other" => Target::Other {
                detail: o.req("detail")?,
            },
            other => return Err(ReadError::unknown("target kind", other)),
        })
    }
}

impl ReadJson for RequestDone {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(RequestDone {
            no: o.req("no")?,
            stage: o.req("stage")?,
            action: o.req("action")?,
            target: o.req("target")?,
            attempts: o.or("attempts", Vec::new())?,
            outcome: o.req("outcome")?,
            started_ms: o.req("started_ms")?,
            ended_ms: o.req("ended_ms")?,
        })
    }
}

impl ReadJson for AttemptRecord {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(AttemptRecord {
            number: o.req("number")?,
            started_ms: o.req("started_ms")?,
            duration_ms: o.req("duration_ms")?,
            status: o.opt("status")?,
            error: o.opt("error")?,
            retry: o.opt("retry")?,
        })
    }
}

impl ReadJson for ErrorInfo {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(ErrorInfo {
            code: o.opt("code")?,
            message: o.req("message")?,
            class: o.req("class")?,
            status: o.opt("status")?,
            request_id: o.opt("request_id")?,
            hint: o.req("hint")?,
        })
    }
}

impl ReadJson for Retry {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("kind")? {
            "after" => Retry::After {
                wait_ms: o.req("wait_ms")?,
            },
            "clock-corrected" => Retry::ClockCorrected {
                seconds: o.req("seconds")?,
            },
            "gave-up" => Retry::GaveUp,
            other => return Err(ReadError::unknown("retry kind", other)),
        })
    }
}

impl ReadJson for Outcome {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("kind")? {
            "ok" => Outcome::Ok {
                request_id: o.opt("request_id")?,
                detail: o.opt("detail")?,
            },
            "skipped" => Outcome::Skipped {
                reason: o.req("reason")?,
                error: o.opt("error")?,
            },
            "failed" => Outcome::Failed {
                error: o.req("error")?,
            },
            "cancelled" => Outcome::Cancelled,
            other => return Err(ReadError::unknown("outcome kind", other)),
        })
    }
}

impl ReadJson for RampStarted {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(RampStarted {
            at_ms: o.req("at_ms")?,
            domain_created: o.req("domain_created")?,
        })
    }
}

impl ReadJson for SupersededStep {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(SupersededStep {
            index: o.req("index")?,
            planned_offset_ms: o.req("planned_offset_ms")?,
            capacity: o.req("capacity")?,
            late_by_ms: o.req("late_by_ms")?,
        })
    }
}

impl ReadJson for RampStep {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(RampStep {
            index: o.req("index")?,
            phase: o.req("phase")?,
            capacity: o.req("capacity")?,
            planned_offset_ms: o.req("planned_offset_ms")?,
            actual_offset_ms: o.req("actual_offset_ms")?,
            lateness_ms: o.req("lateness_ms")?,
            superseded: o.or("superseded", Vec::new())?,
            at_ms: o.req("at_ms")?,
        })
    }
}

impl ReadJson for MonitorSnapshot {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(MonitorSnapshot {
            at_ms: o.req("at_ms")?,
            offset_ms: o.req("offset_ms")?,
            result: o.req("result")?,
        })
    }
}

impl ReadJson for MonitorResult {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("kind")? {
            "domain" => MonitorResult::Domain {
                desired_capacity: o.opt("desired_capacity")?,
                instances: o.req("instances")?,
                counts: o.req("counts")?,
            },
            "missing" => MonitorResult::Missing,
            "failed" => MonitorResult::Failed {
                error: o.req("error")?,
                attempts: o.req("attempts")?,
            },
            other => return Err(ReadError::unknown("monitor result kind", other)),
        })
    }
}

impl ReadJson for InstanceCount {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(InstanceCount {
            cloud: o.req("cloud")?,
            state: o.req("state")?,
            category: o.req("category")?,
            count: o.req("count")?,
        })
    }
}

impl ReadJson for DecisionMade {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(DecisionMade {
            at_ms: o.req("at_ms")?,
            tick: o.req("tick")?,
            offset_ms: o.req("offset_ms")?,
            lateness_ms: o.or("lateness_ms", 0)?,
            observed: o.req("observed")?,
            outcome: o.req("outcome")?,
        })
    }
}

impl ReadJson for ObservedBrief {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(ObservedBrief {
            desired: o.req("desired")?,
            running: o.req("running")?,
            pending: o.req("pending")?,
            failed: o.req("failed")?,
            terminating: o.or("terminating", 0)?,
            metric: o.opt("metric")?,
            metric_age_ms: o.opt("metric_age_ms")?,
            look_failed: o.opt("look_failed")?,
        })
    }
}

impl ReadJson for DecisionOutcome {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("kind")? {
            "decided" => DecisionOutcome::Decided {
                asked: o.opt("asked")?,
                reason: o.req("reason")?,
                set: o.opt("set")?,
                replace: o.or("replace", Vec::new())?,
                rails: o.or("rails", Vec::new())?,
            },
            "fault" => DecisionOutcome::Fault {
                message: o.req("message")?,
                line: o.opt("line")?,
                consecutive: o.req("consecutive")?,
            },
            other => return Err(ReadError::unknown("decision kind", other)),
        })
    }
}

impl ReadJson for RailNote {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("rail")? {
            "raised-to-minimum" => RailNote::RaisedToMinimum {
                asked: o.req("asked")?,
                min: o.req("min")?,
            },
            "lowered-to-maximum" => RailNote::LoweredToMaximum {
                asked: o.req("asked")?,
                max: o.req("max")?,
            },
            "change-limited" => RailNote::ChangeLimited {
                asked: o.req("asked")?,
                to: o.req("to")?,
                max_change: o.req("max_change")?,
            },
            "cooling-down" => RailNote::CoolingDown {
                direction: o.req("direction")?,
                wanted: o.req("wanted")?,
                remaining_ms: o.req("remaining_ms")?,
            },
            "replacements-limited" => RailNote::ReplacementsLimited {
                asked: o.req("asked")?,
                allowed: o.req("allowed")?,
            },
            "not-replaced" => RailNote::NotReplaced { id: o.req("id")? },
            other => return Err(ReadError::unknown("rail", other)),
        })
    }
}

impl ReadJson for StopRequested {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(StopRequested {
            at_ms: o.req("at_ms")?,
            stage: o.req("stage")?,
        })
    }
}

impl ReadJson for TeardownStarted {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(TeardownStarted {
            at_ms: o.req("at_ms")?,
            domain: o.req("domain")?,
            cause: o.req("cause")?,
            target: o.req("target")?,
            resumed: o.or("resumed", false)?,
        })
    }
}

impl ReadJson for TeardownRetry {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(TeardownRetry {
            at_ms: o.req("at_ms")?,
            attempt: o.req("attempt")?,
            error: o.req("error")?,
            desired_capacity: o.opt("desired_capacity")?,
            next_attempt_ms: o.req("next_attempt_ms")?,
        })
    }
}

impl ReadJson for Teardown {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(Teardown {
            at_ms: o.req("at_ms")?,
            cause: o.req("cause")?,
            target: o.or("target", 0)?,
            outcome: o.req("outcome")?,
        })
    }
}

impl ReadJson for TeardownOutcome {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("kind")? {
            "done" => TeardownOutcome::Done,
            "skipped" => TeardownOutcome::Skipped {
                reason: o.req("reason")?,
            },
            "abandoned" => TeardownOutcome::Abandoned {
                attempts: o.req("attempts")?,
                last_error: o.opt("last_error")?,
                last_desired: o.opt("last_desired")?,
            },
            "failed" => TeardownOutcome::Failed {
                error: o.req("error")?,
            },
            other => return Err(ReadError::unknown("teardown outcome kind", other)),
        })
    }
}

impl ReadJson for PendingTeardown {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(PendingTeardown {
            domain: o.req("domain")?,
            target: o.req("target")?,
            cause: o.req("cause")?,
            since_ms: o.req("since_ms")?,
            attempts: o.req("attempts")?,
            last_error: o.opt("last_error")?,
            next_attempt_ms: o.opt("next_attempt_ms")?,
        })
    }
}

impl ReadJson for RunFinished {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(RunFinished {
            at_ms: o.req("at_ms")?,
            report: o.req("report")?,
        })
    }
}

impl ReadJson for RunReport {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(RunReport {
            end: o.req("end")?,
            capacity: o.req("capacity")?,
            teardown: o.opt("teardown")?,
            failed_steps: o.req("failed_steps")?,
        })
    }
}

impl ReadJson for RunEnd {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("kind")? {
            "completed" => RunEnd::Completed,
            "stopped" => RunEnd::Stopped {
                stage: o.req("stage")?,
            },
            "failed" => RunEnd::Failed {
                stage: o.req("stage")?,
                reason: o.req("reason")?,
            },
            "rejected" => RunEnd::Rejected {
                problem: o.req("problem")?,
            },
            other => return Err(ReadError::unknown("run end kind", other)),
        })
    }
}

impl ReadJson for PlanProblem {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("kind")? {
            "no-domain" => PlanProblem::NoDomain,
            "timed-not-capacity" => PlanProblem::TimedNotCapacity {
                index: o.req("index")?,
            },
            "out-of-order" => PlanProblem::OutOfOrder {
                index: o.req("index")?,
            },
            "out-of-place" => PlanProblem::OutOfPlace {
                index: o.req("index")?,
            },
            other => return Err(ReadError::unknown("plan problem kind", other)),
        })
    }
}

impl ReadJson for Settled {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(Settled {
            at_ms: o.req("at_ms")?,
            capacity: o.req("capacity")?,
            running: o.req("running")?,
        })
    }
}

impl ReadJson for NotSettled {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(NotSettled {
            at_ms: o.req("at_ms")?,
            capacity: o.req("capacity")?,
            desired_capacity: o.opt("desired_capacity")?,
            running: o.opt("running")?,
            waited_ms: o.req("waited_ms")?,
        })
    }
}

impl ReadJson for Settlement {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(match o.tag("kind")? {
            "settled" => Settlement::Settled(ReadJson::read(value)?),
            "not-settled" => Settlement::NotSettled(ReadJson::read(value)?),
            other => return Err(ReadError::unknown("settlement kind", other)),
        })
    }
}

impl ReadJson for JournalSummary {
    fn read(value: &Value) -> Result<Self, ReadError> {
        let o = Obj::of(value)?;
        Ok(JournalSummary {
            started_ms: o.opt("started_ms")?,
            // Both added with the run history; older summaries have neither.
            peak_requested: o.opt("peak_requested")?.unwrap_or(0),
            finished_ms: o.opt("finished_ms")?,
            domain: o.opt("domain")?,
            schedule: o.req("schedule")?,
            policy: o.opt("policy")?,
            ramp_started_ms: o.opt("ramp_started_ms")?,
            last_step: o.opt("last_step")?,
            capacity: o.req("capacity")?,
            last_capacity_requested: o.opt("last_capacity_requested")?,
            last_confirmed_capacity: o.opt("last_confirmed_capacity")?,
            in_flight: o.req("in_flight")?,
            stop_requested: o.req("stop_requested")?,
            failed_steps: o.req("failed_steps")?,
            finished: o.opt("finished")?,
            pending_teardown: o.opt("pending_teardown")?,
            settled: o.opt("settled")?,
        })
    }
}

/// `Deserialize` through a [`Value`] and [`ReadJson`]: one reader whatever the
/// deserializer.
macro_rules! deserialize_via_read {
    ($($t:ty),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(deserializer)?;
                <$t as ReadJson>::read(&value).map_err(D::Error::custom)
            }
        }
    )*};
}

deserialize_via_read!(
    Stage,
    SkipReason,
    InstanceState,
    Direction,
    TeardownCause,
    TeardownSkip,
    OnStepFailure,
    Journal,
    Event,
    ScheduledStep,
    RunStarted,
    RunOptions,
    Resume,
    CapacityState,
    RequestSent,
    Target,
    RequestDone,
    AttemptRecord,
    ErrorInfo,
    Retry,
    Outcome,
    RampStarted,
    SupersededStep,
    RampStep,
    MonitorSnapshot,
    MonitorResult,
    InstanceCount,
    DecisionMade,
    ObservedBrief,
    DecisionOutcome,
    RailNote,
    StopRequested,
    TeardownStarted,
    TeardownRetry,
    Teardown,
    TeardownOutcome,
    PendingTeardown,
    RunFinished,
    RunReport,
    RunEnd,
    PlanProblem,
    Settled,
    NotSettled,
    Settlement,
    JournalSummary,
);
