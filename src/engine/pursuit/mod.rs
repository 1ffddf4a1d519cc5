//! A teardown that persists: a capacity (0) pursued until the server confirms it, used
//! by the runner's teardown, by "Scale this domain to 0" after a reload, and to resume a
//! teardown a reload interrupted ([`resume_teardown`]). Pure: over the client's
//! `Transport` and `Clock`.
//!
//! One **attempt** is a SetDesiredCapacity (with the client's few retries) and, unless
//! it failed in a way that says the endpoint is unreachable or busy (a retryable error),
//! a DescribeAutoScalingGroups of the domain. The capacity is **confirmed** when the
//! SetDesiredCapacity was answered OK and the describe shows it as the domain's
//! DesiredCapacity (or shows none: the server cannot confirm more), or whenever the
//! describe no longer lists the domain: nothing is left to run. A failed attempt is
//! journaled as an [`Event::TeardownRetry`] with the time of the next one, after the
//! wait of [`backoff`] (which "Try now" cuts short). There is no overall give-up: VMs
//! cost money for as long as they run, so only the person ends the pursuit early
//! ("Stop trying", [`TeardownControl::stop_trying`]).
//!
//! Every request is journaled like the runner's (a `RequestSent`, then a `RequestDone`
//! with every attempt), in [`Stage::Teardown`], between an [`Event::TeardownStarted`]
//! and the [`Event::Teardown`] with the outcome: a journal cut in between shows a
//! pending teardown ([`JournalSummary::pending_teardown`]).

pub mod backoff;
pub mod control;

use crate::api::action::DescribeAutoScalingGroups;
use crate::api::{Answer, ApiError, Client, Clock, ErrorClass, Request, Transport};
use crate::engine::journal::{
    ErrorInfo, Event, JournalSummary, PendingTeardown, Stage, Teardown, TeardownCause,
    TeardownOutcome, TeardownRetry, TeardownStarted,
};
use crate::engine::record::send_recorded;
use crate::engine::timing::sleep_until;

pub use backoff::{
    teardown_wait_ms, waits_at_ceiling, TEARDOWN_FIRST_WAIT_MS, TEARDOWN_WAIT_CEILING_MS,
};
pub use control::{Interrupted, TeardownControl};

/// What a pursuit is after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pursuit {
    /// The domain.
    pub domain: String,
    /// The capacity to reach (0 for a teardown).
    pub target: u32,
    /// Why.
    pub cause: TeardownCause,
    /// Failed attempts of the interrupted pursuit this one resumes (0 for a new one):
    /// numbering and waits go on from there.
    pub attempts_before: u32,
    /// It resumes a pending teardown of the same journal.
    pub resumed: bool,
}

impl Pursuit {
    /// A new pursuit of `target` for `domain`.
    pub fn new(domain: impl Into<String>, target: u32, cause: TeardownCause) -> Self {
        Self {
            domain: domain.into(),
            target,
            cause,
            attempts_before: 0,
            resumed: false,
        }
    }

    /// The pursuit that resumes `pending` (see [`resume_teardown`]).
    pub fn resuming(pending: &PendingTeardown) -> Self {
        Self {
            domain: pending.domain.clone(),
            target: pending.target,
            cause: pending.cause,
            attempts_before: pending.attempts,
            resumed: true,
        }
    }
}

/// Why an attempt did not confirm the capacity.
enum Setback {
    /// A request failed (after the client's retries).
    Failed(ApiError),
    /// The SetDesiredCapacity was answered OK, but the describe shows another
    /// DesiredCapacity.
    NotShown {
        desired: u32,
        request_id: Option<String>,
    },
}

impl Setback {
    /// Whether the next attempt waits the ceiling at once.
    fn waits_at_ceiling(&self) -> bool {
        match self {
            Setback::Failed(e) => waits_at_ceiling(e.class()),
            // The server took it and may apply it late: the growing wait.
            Setback::NotShown { .. } => false,
        }
    }

    /// As the journal keeps it.
    fn info(&self, target: u32) -> ErrorInfo {
        match self {
            Setback::Failed(e) => ErrorInfo::from(e),
            Setback::NotShown {
                desired,
                request_id,
            } => ErrorInfo {
                code: None,
                message: format!(
                    "SetDesiredCapacity {target} was answered OK, but DescribeAutoScalingGroups shows DesiredCapacity {desired}"
                ),
                class: ErrorClass::Other,
                status: None,
                request_id: request_id.clone(),
                hint: "The server may apply it late, or something else set the capacity; trying again.".to_string(),
            },
        }
    }
}

/// What one attempt found.
struct Attempt {
    /// `None`: confirmed.
    setback: Option<Setback>,
    /// The DesiredCapacity the describe showed, when it got that far.
    desired: Option<u32>,
}

/// Pursues `pursuit.target` for `pursuit.domain` until the server confirms it or
/// `control` says to stop trying (the first attempt is always made), journaling
/// everything to `on_event` (the requests numbered by `next_no`, see the module
/// documentation). Returns [`TeardownOutcome::Done`] or
/// [`TeardownOutcome::Abandoned`], also journaled as the closing [`Event::Teardown`].
pub async fn pursue_capacity<T: Transport, C: Clock>(
    client: &Client<T, C>,
    pursuit: &Pursuit,
    control: &TeardownControl,
    next_no: &mut dyn FnMut() -> u32,
    on_event: &mut dyn FnMut(&Event),
) -> TeardownOutcome {
    let clock = client.clock();
    on_event(&Event::TeardownStarted(TeardownStarted {
        at_ms: clock.now_ms(),
        domain: pursuit.domain.clone(),
        cause: pursuit.cause,
        target: pursuit.target,
        resumed: pursuit.resumed,
    }));
    let mut number = pursuit.attempts_before;
    let mut last_desired = None;
    let outcome = loop {
        number += 1;
        let attempt = attempt(client, pursuit, next_no, on_event).await;
        last_desired = attempt.desired.or(last_desired);
        let Some(setback) = attempt.setback else {
            break TeardownOutcome::Done;
        };
        let error = setback.info(pursuit.target);
        let abandoned = |error| TeardownOutcome::Abandoned {
            attempts: number,
            last_error: Some(error),
            last_desired,
        };
        if control.is_abandoned() {
            break abandoned(error);
        }
        // Listening before the retry is journaled: a "Try now" pressed as soon as the
        // page shows the wait is not lost.
        let interrupted = control.interrupted();
        let now = clock.now_ms();
        let next_attempt_ms = now + teardown_wait_ms(number, setback.waits_at_ceiling()) as f64;
        on_event(&Event::TeardownRetry(TeardownRetry {
            at_ms: now,
            attempt: number,
            error: error.clone(),
            desired_capacity: attempt.desired,
            next_attempt_ms,
        }));
        {
            let wait = std::pin::pin!(sleep_until(clock, next_attempt_ms));
            futures::future::select(wait, interrupted).await;
        }
        if control.is_abandoned() {
            break abandoned(error);
        }
    };
    on_event(&Event::Teardown(Teardown {
        at_ms: clock.now_ms(),
        cause: pursuit.cause,
        target: pursuit.target,
        outcome: outcome.clone(),
    }));
    outcome
}

/// One attempt: SetDesiredCapacity, then (unless it failed as retryable) the describe
/// that confirms it.
async fn attempt<T: Transport, C: Clock>(
    client: &Client<T, C>,
    pursuit: &Pursuit,
    next_no: &mut dyn FnMut() -> u32,
    on_event: &mut dyn FnMut(&Event),
) -> Attempt {
    let set = Request::set_capacity(&pursuit.domain, pursuit.target);
    let refused = match send_recorded(client, Stage::Teardown, &set, next_no(), on_event).await {
        Ok(_) => None,
        // Unreachable or busy: a describe would fail the same way.
        Err(e) if !waits_at_ceiling(e.class()) => {
            return Attempt {
                setback: Some(Setback::Failed(e)),
                desired: None,
            }
        }
        // Refused: perhaps because the domain is gone, which the describe tells.
        Err(e) => Some(e),
    };
    let shown = describe(client, pursuit, next_no, on_event).await;
    let (setback, desired) = match (refused, shown) {
        (_, Ok(Shown::Missing)) => (None, None),
        (
            None,
            Ok(Shown::Desired {
                desired,
                request_id,
            }),
        ) => (
            desired
                .filter(|&d| d != pursuit.target)
                .map(|d| Setback::NotShown {
                    desired: d,
                    request_id,
                }),
            desired,
        ),
        (None, Err(e)) => (Some(Setback::Failed(e)), None),
        (Some(e), Ok(Shown::Desired { desired, .. })) => (Some(Setback::Failed(e)), desired),
        (Some(e), Err(_)) => (Some(Setback::Failed(e)), None),
    };
    Attempt { setback, desired }
}

/// What a describe of the domain showed.
enum Shown {
    /// Not listed.
    Missing,
    /// Listed, with this DesiredCapacity (when the server gave one).
    Desired {
        desired: Option<u32>,
        request_id: Option<String>,
    },
}

/// DescribeAutoScalingGroups of the pursued domain, journaled.
async fn describe<T: Transport, C: Clock>(
    client: &Client<T, C>,
    pursuit: &Pursuit,
    next_no: &mut dyn FnMut() -> u32,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Shown, ApiError> {
    let request = Request::DescribeAutoScalingGroups(DescribeAutoScalingGroups {
        names: vec![pursuit.domain.clone()],
    });
    let response = send_recorded(client, Stage::Teardown, &request, next_no(), on_event).await?;
    let group = match &response.output {
        Answer::AutoScalingGroups(groups) => groups.iter().find(|g| g.name == pursuit.domain),
        _ => None,
    };
    Ok(match group {
        None => Shown::Missing,
        Some(g) => Shown::Desired {
            desired: g.desired_capacity,
            request_id: response.request_id.clone(),
        },
    })
}

/// After a page reload: resumes the teardown `summary` shows pending (numbering its
/// attempts on from the interrupted one's; the first one at once), or does nothing when
/// none is. The page calls it by itself for a journal found at load, not for the
/// teardown of a run under way in the same page (the runner pursues that one).
pub async fn resume_teardown<T: Transport, C: Clock>(
    client: &Client<T, C>,
    summary: &JournalSummary,
    control: &TeardownControl,
    next_no: &mut dyn FnMut() -> u32,
    on_event: &mut dyn FnMut(&Event),
) -> Option<TeardownOutcome> {
    let pending = summary.pending_teardown.as_ref()?;
    Some(
        pursue_capacity(
            client,
            &Pursuit::resuming(pending),
            control,
            next_no,
            on_event,
        )
        .await,
    )
}
