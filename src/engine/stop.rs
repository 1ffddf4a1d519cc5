//! The Stop button's handle: a flag and the wakers of whoever waits for it. Works with
//! any executor (it only uses [`Waker`](std::task::Waker)s); stopping twice, or after the
//! run ended, is harmless.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::engine::wakers::Wakers;

#[derive(Debug, Default)]
struct Inner {
    stopped: AtomicBool,
    wakers: Wakers,
}

/// Asks a run to stop. Clones share the same flag: the page keeps one, the runner
/// another.
#[derive(Clone, Debug, Default)]
pub struct StopHandle {
    inner: Arc<Inner>,
}

impl StopHandle {
    /// A handle not yet stopped.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the run to stop. Returns whether this call was the first to ask.
    pub fn stop(&self) -> bool {
        let first = !self.inner.stopped.swap(true, Ordering::SeqCst);
        if first {
            self.inner.wakers.wake_all();
        }
        first
    }

    /// Whether stop was asked for.
    pub fn is_stopped(&self) -> bool {
        self.inner.stopped.load(Ordering::SeqCst)
    }

    /// A future that resolves once stop is asked for.
    pub fn stopped(&self) -> Stopped {
        Stopped {
            handle: self.clone(),
        }
    }
}

/// See [`StopHandle::stopped`].
#[derive(Debug)]
pub struct Stopped {
    handle: StopHandle,
}

impl Future for Stopped {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.handle.is_stopped() {
            return Poll::Ready(());
        }
        self.handle.inner.wakers.register(cx.waker());
        // Stop may have come between the check and the registration.
        if self.handle.is_stopped() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
