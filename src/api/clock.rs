//! Time as an input: the browser reads `Date.now()` and sleeps with timers; host tests use
//! a fake clock that moves only when told.

/// A wall clock that can also wait.
#[allow(async_fn_in_trait)]
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> f64;
    /// Resolves after `ms` milliseconds. Dropping the future cancels the wait.
    async fn sleep(&self, ms: u64);
}

impl<C: Clock> Clock for &C {
    fn now_ms(&self) -> f64 {
        (**self).now_ms()
    }
    async fn sleep(&self, ms: u64) {
        (**self).sleep(ms).await
    }
}
