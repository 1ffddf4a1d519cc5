//! The setup, and any other untimed requests, as the plan's conditions say:
//!
//! * **Launch configurations**: the describe, then every missing `name@cloud` created
//!   concurrently; "already exists" counts as skipped.
//! * **Domain**: delete an existing domain and poll until it is gone (at most
//!   [`RunOptions::domain_gone_timeout_ms`], then the setup fails), or keep it when
//!   "replace" is off; then create it.
//!
//! What the answers said is kept as [`Facts`] for the conditions that follow.
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
    /// The launch configurations DescribeLaunchConfigurations listed.
    launch_configurations: Option<BTreeSet<String>>,
    /// Domain name → listed by the last describe.
    domains: BTreeMap<String, bool>,
    /// Domains this run deleted.
    deleted: BTreeSet<String>,
}

impl<T: Transport, C: Clock> Runner<'_, T, C> {
    /// Untimed requests in order, as their conditions say. Returns whether a domain was
    /// created.
    pub(super) async fn untimed(
        &self,
        requests: &[PlannedRequest],
        facts: &mut Facts,
    ) -> Result<bool, Failure> {
        let mut created = false;
        let mut i = 0;
        while i < requests.len() {
            let p = &requests[i];
            let stage = Stage::from(p.phase);
            self.stage.set(stage);
            match &p.condition {
                Some(Condition::LaunchConfigurationMissing { .. }) => {
                    let batch = requests[i..]
                        .iter()
                        .take_while(|q| {
                            matches!(
                                q.condition,
                                Some(Condition::LaunchConfigurationMissing { .. })
                            )
                        })
                        .count();
                    self.create_missing(&requests[i..i + batch], facts).await?;
                    i += batch;
                    continue;
                }
                Some(Condition::DomainExists { name }) => {
                    if facts.domains.get(name) == Some(&true) {
                        self.send_or_fail(stage, &p.request, false).await?;
                        facts.deleted.insert(name.clone());
                    } else {
                        self.skip(stage, &p.request, SkipReason::DomainMissing);
                    }
                }
                Some(Condition::UntilDomainGone { name }) => {
                    if facts.deleted.contains(name) {
                        self.wait_until_gone(stage, &p.request, name).await?;
                        facts.domains.insert(name.clone(), false);
                    } else {
                        self.skip(stage, &p.request, SkipReason::DomainMissing);
                    }
                }
                Some(Condition::DomainMissing { name }) => {
                    if facts.domains.get(name) == Some(&true) {
                        self.skip(stage, &p.request, SkipReason::DomainKept);
                    } else {
                        // Appeared since the describe: kept, as "replace" is off.
                        let reply = self.send_or_fail(stage, &p.request, true).await?;
                        created |= matches!(
                            (&p.request, reply),
                            (Request::CreateAutoScalingGroup(_), Reply::Answer(_))
                        );
                    }
                }
                None => {
                    let reply = self.send_or_fail(stage, &p.request, false).await?;
                    created |= matches!(p.request, Request::CreateAutoScalingGroup(_));
                    learn(facts, &p.request, reply);
                }
            }
            i += 1;
        }
        Ok(created)
    }

    /// The consecutive "create if missing" launch configurations, concurrently.
    async fn create_missing(&self, batch: &[PlannedRequest], facts: &Facts) -> Result<(), Failure> {
        let results = join_all(batch.iter().map(|p| async move {
            let stage = Stage::from(p.phase);
            let listed = match (&p.condition, &facts.launch_configurations) {
                (Some(Condition::LaunchConfigurationMissing { name }), Some(names)) => {
                    names.contains(name)
                }
                _ => false,
            };
            if listed {
                self.skip(stage, &p.request, SkipReason::Listed);
                Ok(())
            } else {
                self.send_or_fail(stage, &p.request, true).await.map(|_| ())
            }
        }))
        .await;
        results.into_iter().collect()
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

/// Learns from an unconditional request's answer.
fn learn(facts: &mut Facts, request: &Request, reply: Reply) {
    match (request, reply) {
        (
            Request::DescribeLaunchConfigurations(_),
            Reply::Answer(Answer::LaunchConfigurations(list)),
        ) => {
            facts.launch_configurations = Some(list.into_iter().map(|l| l.name).collect());
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
        }
        (Request::DeleteAutoScalingGroup(a), _) => {
            facts.deleted.insert(a.name.clone());
        }
        _ => {}
    }
}
