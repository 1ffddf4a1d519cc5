//! The native clock: the system's wall clock for `now_ms` (as `Date.now()` in the page),
//! and sleeps that wake the executor from a timer thread, so a sleep never blocks the
//! thread the engine runs on (Stop, a signal, another request's answer all go on) and a
//! dropped sleep ends its thread at once.
//!
//! One short-lived thread per sleep: a run has a handful of sleeps pending at a time
//! (the next step, the monitor, a retry's backoff), and a thread parked with a timeout
//! wakes within a fraction of a millisecond of its deadline.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::api::Clock;

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }

    async fn sleep(&self, ms: u64) {
        Sleep::new(Duration::from_millis(ms)).await;
    }
}

/// What a sleep and its timer thread share.
#[derive(Debug, Default)]
struct Shared {
    done: bool,
    cancelled: bool,
    waker: Option<Waker>,
}

/// A sleep for a duration, measured on the monotonic clock.
#[derive(Debug)]
pub struct Sleep {
    deadline: Instant,
    shared: Arc<Mutex<Shared>>,
    timer: Option<Thread>,
}

impl Sleep {
    /// A sleep of `duration`, starting now (its thread starts at the first poll).
    pub fn new(duration: Duration) -> Self {
        Self {
            deadline: Instant::now() + duration,
            shared: Arc::default(),
            timer: None,
        }
    }

    fn start_timer(&mut self) -> std::io::Result<()> {
        let shared = Arc::clone(&self.shared);
        let deadline = self.deadline;
        let handle = thread::Builder::new()
            .name("pde-sleep".into())
            .spawn(move || loop {
                let left = deadline.saturating_duration_since(Instant::now());
                let mut state = lock(&shared);
                if state.cancelled {
                    return;
                }
                if left.is_zero() {
                    state.done = true;
                    if let Some(waker) = state.waker.take() {
                        waker.wake();
                    }
                    return;
                }
                drop(state);
                thread::park_timeout(left);
            })?;
        self.timer = Some(handle.thread().clone());
        Ok(())
    }
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        {
            let mut state = lock(&self.shared);
            if state.done {
                return Poll::Ready(());
            }
            state.waker = Some(cx.waker().clone());
        }
        if self.timer.is_none() && self.start_timer().is_err() {
            // No thread to be had: sleep on this one rather than never wake.
            thread::sleep(self.deadline.saturating_duration_since(Instant::now()));
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        lock(&self.shared).cancelled = true;
        if let Some(timer) = &self.timer {
            timer.unpark();
        }
    }
}
