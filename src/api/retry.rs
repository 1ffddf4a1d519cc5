//! Bounded retries with full-jitter exponential backoff.

use serde::{Deserialize, Serialize};

/// How often and how patiently a failed request is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Backoff base in milliseconds: attempt n waits up to `base * 2^(n-1)`.
    pub base_ms: u32,
    /// Upper bound of any single wait, in milliseconds.
    pub cap_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_ms: 200,
            cap_ms: 5_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before the attempt after `failed_attempt` (1-based): full jitter, i.e.
    /// `random * min(cap, base * 2^(failed_attempt-1))`, with `random` in `[0, 1)`.
    pub fn backoff_ms(&self, failed_attempt: u32, random: f64) -> u64 {
        let exp = failed_attempt.saturating_sub(1).min(30);
        let ceiling = (u64::from(self.base_ms) << exp).min(u64::from(self.cap_ms));
        let random = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.0
        };
        (ceiling as f64 * random) as u64
    }
}
