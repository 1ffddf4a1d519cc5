//! Requests leave in the order the engine sent them. Each request has its own thread
//! (so the setup's concurrent requests overlap their round trips, as the page's do),
//! and threads start in no particular order; so each request takes a ticket when the
//! engine sends it and writes its bytes only after the requests before it have written
//! theirs, or after [`MAX_WAIT`] (a slow connect never holds the others up for long).
//! The server then sees the plan's order, as in the page's step log, as far as its own
//! threads keep it (a server reading connections on threads of its own may still log
//! two requests written microseconds apart the other way round).

use std::collections::BTreeSet;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// The longest a request waits for the ones before it.
pub const MAX_WAIT: Duration = Duration::from_millis(200);

/// Tickets in sending order.
#[derive(Debug, Default)]
pub struct Sequence {
    state: Mutex<State>,
    turn: Condvar,
}

#[derive(Debug, Default)]
struct State {
    next: u64,
    /// Every ticket below this has written (or given up).
    written_below: u64,
    /// Tickets at or above `written_below` that have written.
    written: BTreeSet<u64>,
}

impl Sequence {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next ticket (taken on the engine's thread, in sending order).
    pub fn ticket(&self) -> u64 {
        let mut state = self.lock();
        let ticket = state.next;
        state.next += 1;
        ticket
    }

    /// Waits until every ticket before `ticket` has written, at most [`MAX_WAIT`].
    pub fn wait_turn(&self, ticket: u64) {
        let until = Instant::now() + MAX_WAIT;
        let mut state = self.lock();
        while state.written_below < ticket {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            state = self
                .turn
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// `ticket` has written its request (or failed before): the next may go.
    pub fn written(&self, ticket: u64) {
        let mut state = self.lock();
        state.written.insert(ticket);
        loop {
            let below = state.written_below;
            if !state.written.remove(&below) {
                break;
            }
            state.written_below += 1;
        }
        drop(state);
        self.turn.notify_all();
    }
}

/// Marks its ticket written when dropped, whatever path the request took.
pub struct Turn<'a> {
    sequence: &'a Sequence,
    ticket: u64,
    done: bool,
}

impl<'a> Turn<'a> {
    /// The turn of `ticket`.
    pub fn new(sequence: &'a Sequence, ticket: u64) -> Self {
        Self {
            sequence,
            ticket,
            done: false,
        }
    }

    /// Waits for the requests before this one (see [`Sequence::wait_turn`]).
    pub fn wait(&self) {
        self.sequence.wait_turn(self.ticket);
    }

    /// The request is written: the next may go.
    pub fn written(&mut self) {
        if !self.done {
            self.done = true;
            self.sequence.written(self.ticket);
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.written();
    }
}
