//! Requests a person asks for outside a plan: list the domain's VMs, terminate or
//! replace one, scale the domain to 0 after a reload (pursued until the server confirms
//! it, like a run's teardown: see [`crate::engine::pursuit`]), test the connection. Each
//! builds its request, sends it with the client and, except the reads, journals it
//! exactly like the runner's requests (a
//! [`RequestSent`](crate::engine::journal::RequestSent), then a
//! [`RequestDone`](crate::engine::journal::RequestDone) with every attempt). The page
//! only supplies the client and shows the outcome.
//!
//! Pure: over the client's `Transport` and `Clock`, so the host tests run it on virtual
//! time.

use crate::api::action::{DescribeAutoScalingGroups, TerminateInstanceInAutoScalingGroup};
use crate::api::{
    test_connection as probe, ApiError, Attempt, Client, Clock, ConnectionReport, Instance,
    NextStep, Request, Transport,
};
use crate::engine::journal::{Event, Stage, TeardownCause, TeardownOutcome};
use crate::engine::pursuit::{pursue_capacity, Pursuit, TeardownControl};
use crate::engine::record::send_recorded;

/// Requests by hand are numbered above this, apart from a run's own numbers.
pub const MANUAL_NUMBERS: u32 = 1_000_000;

/// What "Test connection" shows while its first request is on its way.
pub const TESTING: &str = "Sending DescribeLaunchConfigurations…";

/// The number for the next request by hand in a journal holding `events`: above every
/// number sent so far and above [`MANUAL_NUMBERS`], so it never collides with the
/// numbers of a run going on in the same journal.
pub fn next_number(events: &[Event]) -> u32 {
    events
        .iter()
        .filter_map(|e| match e {
            Event::RequestSent(s) => Some(s.no),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .max(MANUAL_NUMBERS)
        + 1
}

/// Numbers `first`, `first + 1`, … for the requests of a teardown by hand. While one
/// is pursued, other requests by hand are better numbered from the journal as it is
/// then (`|| events.with(next_number)`): [`next_number`] always lies above what the
/// pursuit sent so far, and a fixed sequence could meet it.
pub fn numbers_from(first: u32) -> impl FnMut() -> u32 {
    let mut next = first;
    move || {
        let no = next;
        next = next.saturating_add(1);
        no
    }
}

/// Sends one request outside a plan and journals it numbered `no` in `stage`. Returns
/// the request id.
pub async fn send<T: Transport, C: Clock>(
    client: &Client<T, C>,
    stage: Stage,
    request: &Request,
    no: u32,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Option<String>, ApiError> {
    send_recorded(client, stage, request, no, on_event)
        .await
        .map(|r| r.request_id)
}

/// After an interrupted run: capacity 0 for `domain`, pursued until the server confirms
/// it or `control` says to stop trying, journaled as a teardown by hand
/// ([`TeardownCause::ByHand`]; its requests numbered by `next_no`, e.g.
/// [`numbers_from`]`(`[`next_number`]`(events))`).
pub async fn scale_to_zero<T: Transport, C: Clock>(
    client: &Client<T, C>,
    domain: &str,
    control: &TeardownControl,
    next_no: &mut dyn FnMut() -> u32,
    on_event: &mut dyn FnMut(&Event),
) -> TeardownOutcome {
    let pursuit = Pursuit::new(domain, 0, TeardownCause::ByHand);
    pursue_capacity(client, &pursuit, control, next_no, on_event).await
}

/// Terminates one VM: `decrement` shrinks the domain by one, otherwise Phantom replaces
/// it (TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity true or
/// false). Journaled; never retried, as the client never repeats a terminate.
pub async fn terminate<T: Transport, C: Clock>(
    client: &Client<T, C>,
    instance_id: &str,
    decrement: bool,
    no: u32,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Option<String>, ApiError> {
    let request =
        Request::TerminateInstanceInAutoScalingGroup(TerminateInstanceInAutoScalingGroup {
            instance_id: instance_id.to_string(),
            should_decrement_desired_capacity: decrement,
        });
    send(client, Stage::Manual, &request, no, on_event).await
}

/// The VMs of `domain` (a read; not journaled).
pub async fn list_instances<T: Transport, C: Clock>(
    client: &Client<T, C>,
    domain: &str,
) -> Result<Vec<Instance>, ApiError> {
    let describe = DescribeAutoScalingGroups {
        names: vec![domain.to_string()],
    };
    let answer = client.call(&describe, &mut |_| {}).await?;
    Ok(answer
        .output
        .into_iter()
        .flat_map(|g| g.instances)
        .collect())
}

/// "Test connection" (see [`crate::api::test_connection`]), telling `on_progress` which
/// attempt is under way in words as each one ends.
pub async fn test_connection<T: Transport, C: Clock>(
    client: &Client<T, C>,
    on_progress: &mut dyn FnMut(String),
) -> Result<ConnectionReport, ApiError> {
    probe(client, &mut |attempt| on_progress(progress(attempt))).await
}

/// What happens after `attempt`, in words, while a connection test goes on.
pub fn progress(attempt: &Attempt) -> String {
    match &attempt.next {
        Some(NextStep::RetryAfter(ms)) => format!(
            "{} attempt {} failed ({}); retrying in {ms} ms…",
            attempt.action,
            attempt.number,
            attempt
                .error
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
        Some(NextStep::RetryWithClockOffset(s)) => {
            format!("The server's clock differs by {s} s; signing again with its time…")
        }
        _ => format!("{} answered; continuing…", attempt.action),
    }
}
