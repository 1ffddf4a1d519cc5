//! Clock helpers the engine's timed parts share (the runner's ramp and monitor, the
//! teardown's backoff, the convergence watch): whole milliseconds for the journal, and a
//! sleep until an absolute time.

use crate::api::Clock;

/// Milliseconds, rounded, never negative.
pub(crate) fn whole_ms(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        ms.round() as u64
    } else {
        0
    }
}

/// Sleeps until the clock reads `deadline` (ms since the epoch): one sleep for the
/// remaining time, again if the clock woke early.
pub(crate) async fn sleep_until<C: Clock>(clock: &C, deadline: f64) {
    loop {
        let left = deadline - clock.now_ms();
        if !left.is_finite() || left <= 0.0 {
            return;
        }
        clock.sleep(left.ceil() as u64).await;
    }
}
