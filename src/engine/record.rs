//! One request in the journal, as the runner and the requests by hand record it: what it
//! is about ([`target_of`]), and its [`RequestSent`] and [`RequestDone`], which repeat
//! the same number, stage, action, target and start ([`Record`]), with the answer's
//! detail for reads ([`detail`]); and [`send_recorded`], the one way a request outside
//! the runner (by hand, a teardown pursued after a reload) is sent and journaled.

use crate::api::{Answer, ApiError, Client, Clock, Request, Response, Transport};
use crate::engine::journal::{
    AttemptRecord, Event, Outcome, RequestDone, RequestSent, SkipReason, Stage, Target,
};

/// What a request is about, for the journal.
pub fn target_of(request: &Request) -> Target {
    let lc = |name: &str| Target::LaunchConfiguration {
        name: name.to_string(),
        cloud: name
            .split_once('@')
            .map(|(_, c)| c.to_string())
            .unwrap_or_default(),
    };
    match request {
        Request::DescribeLaunchConfigurations(a) if a.names.is_empty() => {
            Target::LaunchConfigurations
        }
        Request::DescribeLaunchConfigurations(a) => Target::Other {
            detail: a.names.join(", "),
        },
        Request::CreateLaunchConfiguration(a) => lc(&a.name),
        Request::DeleteLaunchConfiguration(a) => lc(&a.name),
        Request::CreateAutoScalingGroup(a) => Target::NewDomain {
            name: a.name.clone(),
            min_size: a.min_size,
            max_size: a.max_size,
            desired_capacity: a.desired_capacity,
        },
        Request::DescribeAutoScalingGroups(a) if a.names.len() == 1 => Target::Domain {
            name: a.names[0].clone(),
        },
        Request::DescribeAutoScalingGroups(a) => Target::Other {
            detail: if a.names.is_empty() {
                "all domains".to_string()
            } else {
                a.names.join(", ")
            },
        },
        Request::DeleteAutoScalingGroup(a) => Target::Domain {
            name: a.name.clone(),
        },
        Request::SetDesiredCapacity(a) => Target::Capacity {
            domain: a.name.clone(),
            capacity: a.desired_capacity,
        },
        Request::TerminateInstanceInAutoScalingGroup(a) => Target::Other {
            detail: format!(
                "{} ({})",
                a.instance_id,
                if a.should_decrement_desired_capacity {
                    "terminate, capacity - 1"
                } else {
                    "replace"
                }
            ),
        },
        other => Target::Other {
            detail: other.name().to_string(),
        },
    }
}

/// A request between its [`RequestSent`] and its [`RequestDone`]: what the done repeats,
/// and the attempts so far (a request cancelled by Stop is recorded with them).
#[derive(Clone, Debug)]
pub struct Record {
    /// Pairs the two events; 0 for a request never sent.
    pub no: u32,
    /// The part of the run.
    pub stage: Stage,
    /// The action name.
    pub action: &'static str,
    /// What it is about.
    pub target: Target,
    /// When it was sent (or decided, when never sent).
    pub started_ms: f64,
    /// Every attempt so far.
    pub attempts: Vec<AttemptRecord>,
}

impl Record {
    /// `request`, numbered `no`, sent (or decided) at `started_ms`.
    pub fn new(no: u32, stage: Stage, request: &Request, started_ms: f64) -> Self {
        Self {
            no,
            stage,
            action: request.name(),
            target: target_of(request),
            started_ms,
            attempts: Vec::new(),
        }
    }

    /// Its [`Event::RequestSent`].
    pub fn sent(&self) -> Event {
        Event::RequestSent(RequestSent {
            no: self.no,
            stage: self.stage,
            action: self.action.to_string(),
            target: self.target.clone(),
            at_ms: self.started_ms,
        })
    }

    /// Its [`Event::RequestDone`], ended at `ended_ms`.
    pub fn done(self, outcome: Outcome, ended_ms: f64) -> Event {
        Event::RequestDone(RequestDone {
            no: self.no,
            stage: self.stage,
            action: self.action.to_string(),
            target: self.target,
            attempts: self.attempts,
            outcome,
            started_ms: self.started_ms,
            ended_ms,
        })
    }

    /// The [`Event::RequestDone`] of a request of the plan that is not needed (never sent:
    /// number 0, no attempt), decided at `now`.
    pub fn skipped(stage: Stage, request: &Request, reason: SkipReason, now: f64) -> Event {
        Record::new(0, stage, request, now).done(
            Outcome::Skipped {
                reason,
                error: None,
            },
            now,
        )
    }
}

/// How an answered request ended: done (with its request id and, for reads, what the
/// answer said) or failed.
pub fn outcome(result: &Result<Response<Answer>, ApiError>) -> Outcome {
    match result {
        Ok(response) => Outcome::Ok {
            request_id: response.request_id.clone(),
            detail: detail(&response.output),
        },
        Err(error) => Outcome::Failed {
            error: error.into(),
        },
    }
}

/// What an answer said, for reads ("my_domain listed (desired 2, 3 instances)").
pub fn detail(answer: &Answer) -> Option<String> {
    match answer {
        Answer::Done => None,
        Answer::LaunchConfigurations(list) => {
            Some(format!("{} launch configurations listed", list.len()))
        }
        Answer::AutoScalingGroups(groups) if groups.is_empty() => Some("not listed".to_string()),
        Answer::AutoScalingGroups(groups) => Some(
            groups
                .iter()
                .map(|g| {
                    let desired = g
                        .desired_capacity
                        .map(|d| format!("desired {d}, "))
                        .unwrap_or_default();
                    format!(
                        "{} listed ({desired}{} instances)",
                        g.name,
                        g.instances.len()
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Answer::AutoScalingInstances(list) => Some(format!("{} instances", list.len())),
    }
}

/// Sends `request` numbered `no` in `stage` and journals it to `on_event` (its
/// [`RequestSent`], then its [`RequestDone`] with every attempt), returning the answer.
pub async fn send_recorded<T: Transport, C: Clock>(
    client: &Client<T, C>,
    stage: Stage,
    request: &Request,
    no: u32,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Response<Answer>, ApiError> {
    let record = Record::new(no, stage, request, client.clock().now_ms());
    on_event(&record.sent());
    let mut attempts = Vec::new();
    let result = client.send(request, &mut |a| attempts.push(a.into())).await;
    let done = Record { attempts, ..record }.done(outcome(&result), client.clock().now_ms());
    on_event(&done);
    result
}
