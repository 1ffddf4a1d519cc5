//! Any of the ten actions as data ([`Request`]), and the one place that sends one:
//! [`Client::send`] dispatches it to the typed [`Client::call`] of its action and hands back
//! the typed result as an [`Answer`], so code that handles requests as data (the plan, the
//! runner, requests by hand) never names the actions' output types.

use serde::{Deserialize, Serialize};

// Through the re-export: its stable path, whichever file of `api` defines it.
use crate::api::ApiError;
use crate::sign::Method;

use super::action::{
    Action, CreateAutoScalingGroup, CreateLaunchConfiguration, CreateOrUpdateTags,
    DeleteAutoScalingGroup, DeleteLaunchConfiguration, DescribeAutoScalingGroups,
    DescribeAutoScalingInstances, DescribeLaunchConfigurations, SetDesiredCapacity,
    TerminateInstanceInAutoScalingGroup,
};
use super::client::{Attempt, Call, Client, Response};
use super::clock::Clock;
use super::model::{AutoScalingGroup, AutoScalingInstance, LaunchConfiguration};
use super::transport::Transport;
use super::xml::Element;

/// Any of the ten actions, for code that handles requests as data (the plan preview,
/// the step log).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action")]
pub enum Request {
    /// See [`CreateLaunchConfiguration`].
    CreateLaunchConfiguration(CreateLaunchConfiguration),
    /// See [`DescribeLaunchConfigurations`].
    DescribeLaunchConfigurations(DescribeLaunchConfigurations),
    /// See [`DeleteLaunchConfiguration`].
    DeleteLaunchConfiguration(DeleteLaunchConfiguration),
    /// See [`CreateAutoScalingGroup`].
    CreateAutoScalingGroup(CreateAutoScalingGroup),
    /// See [`DescribeAutoScalingGroups`].
    DescribeAutoScalingGroups(DescribeAutoScalingGroups),
    /// See [`DeleteAutoScalingGroup`].
    DeleteAutoScalingGroup(DeleteAutoScalingGroup),
    /// See [`SetDesiredCapacity`].
    SetDesiredCapacity(SetDesiredCapacity),
    /// See [`CreateOrUpdateTags`].
    CreateOrUpdateTags(CreateOrUpdateTags),
    /// See [`DescribeAutoScalingInstances`].
    DescribeAutoScalingInstances(DescribeAutoScalingInstances),
    /// See [`TerminateInstanceInAutoScalingGroup`].
    TerminateInstanceInAutoScalingGroup(TerminateInstanceInAutoScalingGroup),
}

macro_rules! dispatch {
    ($self:ident, $a:ident => $body:expr) => {
        match $self {
            Request::CreateLaunchConfiguration($a) => $body,
            Request::DescribeLaunchConfigurations($a) => $body,
            Request::DeleteLaunchConfiguration($a) => $body,
            Request::CreateAutoScalingGroup($a) => $body,
            Request::DescribeAutoScalingGroups($a) => $body,
            Request::DeleteAutoScalingGroup($a) => $body,
            Request::SetDesiredCapacity($a) => $body,
            Request::CreateOrUpdateTags($a) => $body,
            Request::DescribeAutoScalingInstances($a) => $body,
            Request::TerminateInstanceInAutoScalingGroup($a) => $body,
        }
    };
}

fn name_of<A: Action>(_: &A) -> &'static str {
    A::NAME
}

impl Request {
    /// The action name.
    pub fn name(&self) -> &'static str {
        dispatch!(self, a => name_of(a))
    }
    /// The Query parameters.
    pub fn params(&self) -> Vec<(String, String)> {
        dispatch!(self, a => a.params())
    }
    /// GET or POST.
    pub fn method(&self) -> Method {
        dispatch!(self, a => a.method())
    }
    /// Whether a failed attempt may be retried.
    pub fn repeatable(&self) -> bool {
        dispatch!(self, a => a.repeatable())
    }
}

impl Request {
    /// SetDesiredCapacity of `domain` to `capacity` (no cooldown asked for).
    pub fn set_capacity(domain: &str, capacity: u32) -> Self {
        Request::SetDesiredCapacity(SetDesiredCapacity {
            name: domain.to_string(),
            desired_capacity: capacity,
            honor_cooldown: None,
        })
    }
}

/// The typed result of any of the ten actions ([`Action::Output`] as one type).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The action answers nothing but success (every action that changes something).
    Done,
    /// DescribeLaunchConfigurations.
    LaunchConfigurations(Vec<LaunchConfiguration>),
    /// DescribeAutoScalingGroups.
    AutoScalingGroups(Vec<AutoScalingGroup>),
    /// DescribeAutoScalingInstances.
    AutoScalingInstances(Vec<AutoScalingInstance>),
}

impl From<()> for Answer {
    fn from((): ()) -> Self {
        Answer::Done
    }
}

impl From<Vec<LaunchConfiguration>> for Answer {
    fn from(list: Vec<LaunchConfiguration>) -> Self {
        Answer::LaunchConfigurations(list)
    }
}

impl From<Vec<AutoScalingGroup>> for Answer {
    fn from(list: Vec<AutoScalingGroup>) -> Self {
        Answer::AutoScalingGroups(list)
    }
}

impl From<Vec<AutoScalingInstance>> for Answer {
    fn from(list: Vec<AutoScalingInstance>) -> Self {
        Answer::AutoScalingInstances(list)
    }
}

impl<T: Transport, C: Clock> Client<T, C> {
    /// Signs, sends and reads `request` exactly as [`Client::call`] does its action (same
    /// retries, same attempts reported), the typed result as an [`Answer`].
    pub async fn send(
        &self,
        request: &Request,
        on_attempt: &mut dyn FnMut(&Attempt),
    ) -> Result<Response<Answer>, ApiError> {
        let call = dispatch!(request, a => Call::of(a, answer_parser(a)));
        self.call_with(call, on_attempt).await
    }
}

/// The reader of `A`'s answer as an [`Answer`] (a plain function: [`Call`] keeps no
/// action type).
fn answer_parser<A: Action>(_: &A) -> fn(&Element) -> Result<Answer, String>
where
    A::Output: Into<Answer>,
{
    |root| A::parse(root).map(Into::into)
}
