//! How long a teardown waits after a failed attempt: doubling from
//! [`TEARDOWN_FIRST_WAIT_MS`] up to [`TEARDOWN_WAIT_CEILING_MS`] (1, 2, 4, 8, 16, 30,
//! 30, … s), without jitter. One page tears down one domain, so there is no crowd of
//! clients to spread out, and exact times let the page say when the next attempt is
//! due. An answer that will not change by itself (a 4xx other than throttling or an
//! expired signature: wrong credentials, a refused parameter, a redirect) waits the
//! ceiling at once: it is still retried, because the person may fix the cause (a proxy,
//! a permission) while the pursuit goes on, but not hammered.

use crate::api::ErrorClass;

/// The wait after the first failed attempt, ms.
pub const TEARDOWN_FIRST_WAIT_MS: u64 = 1_000;

/// The longest wait between two attempts, ms: how long a VM may run unnoticed once the
/// endpoint is back.
pub const TEARDOWN_WAIT_CEILING_MS: u64 = 30_000;

/// Whether a failure of this class waits the ceiling at once (it will not go away
/// soon by itself) rather than the growing wait.
pub fn waits_at_ceiling(class: ErrorClass) -> bool {
    !matches!(class, ErrorClass::Retryable | ErrorClass::ClockSkew)
}

/// The wait after failed attempt number `attempt` (1-based), ms: the ceiling when
/// `at_ceiling`, else [`TEARDOWN_FIRST_WAIT_MS`] × 2^(attempt−1) up to the ceiling.
pub fn teardown_wait_ms(attempt: u32, at_ceiling: bool) -> u64 {
    if at_ceiling {
        return TEARDOWN_WAIT_CEILING_MS;
    }
    let doublings = attempt.saturating_sub(1).min(32);
    TEARDOWN_FIRST_WAIT_MS
        .saturating_mul(1u64 << doublings)
        .min(TEARDOWN_WAIT_CEILING_MS)
}
