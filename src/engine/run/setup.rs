//! The setup, and any other untimed requests, as the plan's rounds and conditions say.
//!
//! The requests of one round ([`PlannedRequest::round`]) go out together
//! (`join_all`, no thread: the transports are concurrent by themselves); the next round
//! starts when every request of this one has ended. A request's condition reads what
//! the earlier rounds' answers said ([`Facts`]), never its own round's. Every request is
//! journaled on its own, with its own timing and retries: the `RequestSent` events of a
//! round in plan order (numbered so), the `RequestDone` events as the answers come. When
//! one of a round fails, the others (already in flight) still end and are journaled;
//! then the setup fails with the first failure in plan order.
//!
//! * **Launch configurations**: created if missing; "already exists" counts as skipped,
//!   as does one listed by a DescribeLaunchConfigurations of an earlier round.
//! * **Domain**: delete an existing domain and poll until it is gone (at most
//!   [`RunOptions::domain_gone_timeout_ms`], then the setup fails), or keep it when
//!   "replace" is off; then create it.
//!
//! Requests without a round go one after the other.
//!
//! [`RunOptions::domain_gone_timeout_ms`]: crate::engine::options::RunOptions::domain_gone_timeout_ms

use std::collections::{BTreeMap, BTreeSet};

use futures::future::join_all;

use crate::api::{Answer, Clock, Request, Transport};
use crate::engine::journal::{SkipReason, Stage};
use crate::engine::plan::{Condition, PlannedRequest};
use crate::engine::timing::sleep_until;

use super::runner::{Failure, Reply, Runner};

/// What the answers so far said, for the plan's conditions.
#[derive(Default)]
pub(super) struct Facts {
    /// The launch configurations a DescribeLaunchConfigurations listed.
    launch_configurations: Option<BTreeSet<String>>,
    /// Domain name → listed by the last describe.
    domains: BTreeMap<String, bool>,
    /// Domains this run deleted.
    deleted: BTreeSet<String>,
}

/// What one request of a round did, for the facts after the round.
enum Effect {
    /// Not sent, or nothing to learn.
    Nothing,
    /// Sent without a condition: its answer.
    Answered(Reply),
    /// The domain was deleted.
    Deleted(String),
    /// The deleted domain is no longer listed.
    Gone(String),
    /// A conditional CreateAutoScalingGroup created the domain.
    Created(String),
}

/// The plan's requests cut into rounds: consecutive requests of one round together, a
/// request without a round alone.
fn rounds(requests: &[PlannedRequest]) -> impl Iterator<Item = &[PlannedRequest]> {
    requests.chunk_by(|a, b| a.round.is_some() && a.round == b.round)
}

impl<T: Transport, C: Clock> Runner<'_, T, C> {
    /// The untimed requests round by round, as their conditions say. Returns whether a
    /// domain was created.
    pub(super) async fn untimed(
        &self,
        requests: &[PlannedRequest],
        facts: &mut Facts,
    ) -> Result<bool, Failure> {
        let mut created = false;
        for round in rounds(requests) {
            if let Some(first) = round.first() {
                self.stage.set(Stage::from(first.phase));
            }
            let known: &Facts = facts;
            let results = join_all(round.iter().map(|p| self.one(p, known))).await;
            let mut failure = None;
            for (p, result) in round.iter().zip(results) {
                match result {
                    Ok(effect) => created |= learn(facts, &p.request, effect),
                    Err(e) => {
                        failure.get_or_insert(e);
                    }
                }
            }
            if let Some(failure) = failure {
                return Err(failure);
            }
        }
        Ok(created)
    }

    /// One request of a round: sent, skipped or repeated as its condition says.
    async fn one(&self, p: &PlannedRequest, facts: &Facts) -> Result<Effect, Failure> {
        let stage = Stage::from(p.phase);
        let listed = |name: &String| facts.domains.get(name) == Some(&true);
        match &p.condition {
            Some(Condition::LaunchConfigurationMissing { name }) => {
                if facts
                    .launch_configurations
                    .as_ref()
                    .is_some_and(|names| names.contains(name))
                {
                    self.skip(stage, &p.request, SkipReason::Listed);
                } else {
                    self.send_or_fail(stage, &p.request, true).await?;
                }
                Ok(Effect::Nothing)
            }
            Some(Condition::DomainExists { name }) => {
                if listed(name) {
                    self.send_or_fail(stage, &p.request, false).await?;
                    Ok(Effect::Deleted(name.clone()))
                } else {
                    self.skip(stage, &p.request, SkipReason::DomainMissing);
                    Ok(Effect::Nothing)
                }
            }
            Some(Condition::UntilDomainGone { name }) => {
                if facts.deleted.contains(name) {
                    self.wait_until_gone(stage, &p.request, name).await?;
                    Ok(Effect::Gone(name.clone()))
                } else {
                    self.skip(stage, &p.request, SkipReason::DomainMissing);
                    Ok(Effect::Nothing)
                }
            }
            Some(Condition::DomainMissing { name }) => {
                if listed(name) {
                    self.skip(stage, &p.request, SkipReason::DomainKept);
                    return Ok(Effect::Nothing);
                }
                // Appeared since the describe: kept, as "replace" is off.
                let reply = self.send_or_fail(stage, &p.request, true).await?;
                Ok(match (&p.request, reply) {
                    (Request::CreateAutoScalingGroup(a), Reply::Answer(_)) => {
                        Effect::Created(a.name.clone())
                    }
                    _ => Effect::Nothing,
                })
            }
            None => {
                let reply = self.send_or_fail(stage, &p.request, false).await?;
                Ok(Effect::Answered(reply))
            }
        }
    }

    /// Describes the domain until it is no longer listed, at most
    /// [`RunOptions::domain_gone_timeout_ms`].
    ///
    /// [`RunOptions::domain_gone_timeout_ms`]: crate::engine::options::RunOptions::domain_gone_timeout_ms
    async fn wait_until_gone(
        &self,
        stage: Stage,
        request: &Request,
        name: &str,
    ) -> Result<(), Failure> {
        let timeout = self.options.domain_gone_timeout_ms;
        let deadline = self.now() + timeout as f64;
        loop {
            let polled = self.now();
            let reply = self.send_or_fail(stage, request, false).await?;
            if !reply.lists_domain(name) {
                return Ok(());
            }
            if self.now() >= deadline {
                return Err(Failure {
                    stage,
                    reason: format!(
                        "{name} was still listed {} s after DeleteAutoScalingGroup; the run \
                         stops before any capacity change",
                        timeout / 1000
                    ),
                });
            }
            let next = (polled + self.options.domain_gone_poll_ms.max(1) as f64).min(deadline);
            sleep_until(self.client.clock(), next).await;
        }
    }
}

/// Learns from what one request of a round did; returns whether it created the domain.
fn learn(facts: &mut Facts, request: &Request, effect: Effect) -> bool {
    let reply = match effect {
        Effect::Nothing => return false,
        Effect::Deleted(name) => {
            facts.deleted.insert(name);
            return false;
        }
        Effect::Gone(name) => {
            facts.domains.insert(name, false);
            return false;
        }
        Effect::Created(name) => {
            facts.domains.insert(name, true);
            return true;
        }
        Effect::Answered(reply) => reply,
    };
    match (request, reply) {
        (
            Request::DescribeLaunchConfigurations(_),
            Reply::Answer(Answer::LaunchConfigurations(list)),
        ) => {
            // Inserted one by one: collecting sorts first (a copy of the standard
            // library's sort, see crate::order).
            let mut names = BTreeSet::new();
            for l in list {
                names.insert(l.name);
            }
            facts.launch_configurations = Some(names);
        }
        (
            Request::DescribeAutoScalingGroups(a),
            Reply::Answer(Answer::AutoScalingGroups(groups)),
        ) => {
            if a.names.is_empty() {
                for g in &groups {
                    facts.domains.insert(g.name.clone(), true);
                }
            }
            for name in &a.names {
                let listed = groups.iter().any(|g| &g.name == name);
                facts.domains.insert(name.clone(), listed);
            }
        }
        (Request::CreateAutoScalingGroup(a), _) => {
            facts.domains.insert(a.name.clone(), true);
            return true;
        }
        (Request::DeleteAutoScalingGroup(a), _) => {
            facts.deleted.insert(a.name.clone());
        }
        _ => {}
    }
    false
}
