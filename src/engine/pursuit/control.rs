//! The teardown's buttons: [`TeardownControl`], a handle the page keeps while a
//! teardown is pursued. "Try now" cuts the current wait short; "Stop trying" ends the
//! pursuit. Like [`StopHandle`](crate::engine::StopHandle) it only uses wakers, so it
//! works with any executor and from any thread; pressing either button when no teardown
//! is under way is harmless.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::engine::wakers::Wakers;

#[derive(Debug, Default)]
struct Inner {
    abandoned: AtomicBool,
    /// How often "Try now" was pressed: a wait ends when this changes.
    nudges: AtomicU64,
    wakers: Wakers,
}

/// Controls a teardown pursued by [`pursue_capacity`](super::pursue_capacity). Clones
/// share the same state: the page keeps one, the pursuit another. Make a new one for
/// every run: once "Stop trying" was pressed, every later pursuit with this handle
/// stops after its first attempt.
#[derive(Clone, Debug, Default)]
pub struct TeardownControl {
    inner: Arc<Inner>,
}

impl TeardownControl {
    /// A handle with neither button pressed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cuts the wait under way short: the next attempt starts at once. During an
    /// attempt (or with no teardown) it does nothing, and it never shortens a later wait.
    pub fn try_now(&self) {
        self.inner.nudges.fetch_add(1, Ordering::SeqCst);
        self.inner.wakers.wake_all();
    }

    /// Ends the pursuit: a wait under way ends at once, an attempt under way is
    /// finished (its answer may still confirm the capacity), and no further attempt is
    /// made; the outcome is then
    /// [`TeardownOutcome::Abandoned`](crate::engine::journal::TeardownOutcome::Abandoned).
    /// Returns whether this call was the first.
    pub fn stop_trying(&self) -> bool {
        let first = !self.inner.abandoned.swap(true, Ordering::SeqCst);
        if first {
            self.inner.wakers.wake_all();
        }
        first
    }

    /// Whether "Stop trying" was pressed.
    pub fn is_abandoned(&self) -> bool {
        self.inner.abandoned.load(Ordering::SeqCst)
    }

    /// A future that resolves at the next "Try now" or "Stop trying" after this call
    /// (at once when "Stop trying" was pressed already).
    pub fn interrupted(&self) -> Interrupted {
        Interrupted {
            control: self.clone(),
            seen: self.inner.nudges.load(Ordering::SeqCst),
        }
    }

    fn is_interrupted(&self, seen: u64) -> bool {
        self.is_abandoned() || self.inner.nudges.load(Ordering::SeqCst) != seen
    }
}

/// See [`TeardownControl::interrupted`].
#[derive(Debug)]
pub struct Interrupted {
    control: TeardownControl,
    seen: u64,
}

impl Future for Interrupted {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.control.is_interrupted(self.seen) {
            return Poll::Ready(());
        }
        self.control.inner.wakers.register(cx.waker());
        // A button may have been pressed between the check and the registration.
        if self.control.is_interrupted(self.seen) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
