//! The wakers of whoever waits for a button (Stop, Try now, Stop trying): a list that
//! only uses [`Waker`]s, so the handles work with any executor and from any thread.

use std::sync::{Mutex, PoisonError};
use std::task::Waker;

/// The tasks waiting for a handle, each once.
#[derive(Debug, Default)]
pub(crate) struct Wakers {
    list: Mutex<Vec<Waker>>,
}

impl Wakers {
    /// Remembers `waker` (once, however often a future polls).
    pub(crate) fn register(&self, waker: &Waker) {
        let mut list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        if !list.iter().any(|w| w.will_wake(waker)) {
            list.push(waker.clone());
        }
    }

    /// Wakes every waiting task and forgets them (a future still pending registers
    /// again when polled).
    pub(crate) fn wake_all(&self) {
        let list = std::mem::take(&mut *self.list.lock().unwrap_or_else(PoisonError::into_inner));
        for w in list {
            w.wake();
        }
    }
}
