//! Deterministic virtual time for async tests: a [`VirtualClock`] whose sleeps are timers
//! in a queue, and a [`Sim`] that runs futures on a `LocalPool` until they stall, then
//! moves the clock to the next timer (or scheduled action) and wakes what is due.
//! Concurrency and latency are real; time is simulated, so a 90 s run takes
//! milliseconds.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures::executor::LocalPool;
use futures::task::LocalSpawnExt;
use phantom_de::api::Clock;

/// Virtual time 0 on the wall clock: 2026-01-02T03:04:05Z.
pub const EPOCH_MS: f64 = 1_767_323_045_000.0;

#[derive(Default)]
struct State {
    now: u64,
    next_id: u64,
    /// id → (deadline, waker)
    timers: BTreeMap<u64, (u64, Option<Waker>)>,
}

/// A clock that moves only when the [`Sim`] (or a test) moves it.
#[derive(Clone, Default)]
pub struct VirtualClock {
    state: Rc<RefCell<State>>,
}

impl VirtualClock {
    /// A clock at virtual time 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Virtual milliseconds since the start.
    pub fn now(&self) -> u64 {
        self.state.borrow().now
    }

    /// Virtual time of a wall-clock reading of this clock.
    pub fn virtual_of(&self, wall_ms: f64) -> u64 {
        (wall_ms - EPOCH_MS).round() as u64
    }

    /// Moves the clock forward by `ms` at once, as a laptop waking from sleep sees it;
    /// timers that fell due meanwhile are woken (late).
    pub fn jump(&self, ms: u64) {
        self.state.borrow_mut().now += ms;
        self.wake_due();
    }

    /// Timers not yet fired.
    pub fn pending_timers(&self) -> usize {
        self.state.borrow().timers.len()
    }

    fn next_deadline(&self) -> Option<u64> {
        self.state.borrow().timers.values().map(|t| t.0).min()
    }

    fn advance_to(&self, t: u64) {
        let mut s = self.state.borrow_mut();
        s.now = s.now.max(t);
    }

    fn wake_due(&self) {
        let wakers: Vec<Waker> = {
            let mut s = self.state.borrow_mut();
            let now = s.now;
            s.timers
                .values_mut()
                .filter(|t| t.0 <= now)
                .filter_map(|t| t.1.take())
                .collect()
        };
        for w in wakers {
            w.wake();
        }
    }
}

impl Clock for VirtualClock {
    fn now_ms(&self) -> f64 {
        EPOCH_MS + self.now() as f64
    }

    async fn sleep(&self, ms: u64) {
        Sleep {
            clock: self.clone(),
            deadline: self.now() + ms,
            id: None,
        }
        .await
    }
}

struct Sleep {
    clock: VirtualClock,
    deadline: u64,
    id: Option<u64>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.clock.state.borrow_mut();
        if s.now >= self.deadline {
            if let Some(id) = self.id {
                s.timers.remove(&id);
            }
            drop(s);
            self.id = None;
            return Poll::Ready(());
        }
        let id = match self.id {
            Some(id) => id,
            None => {
                s.next_id += 1;
                s.next_id
            }
        };
        s.timers
            .insert(id, (self.deadline, Some(cx.waker().clone())));
        drop(s);
        self.id = Some(id);
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            self.clock.state.borrow_mut().timers.remove(&id);
        }
    }
}

type Action = Box<dyn FnOnce()>;

/// A run still going after this much virtual time is stuck.
pub const LIMIT_MS: u64 = 3_600_000;

/// Runs futures in virtual time.
pub struct Sim {
    /// The clock everything sleeps on.
    pub clock: VirtualClock,
    pool: LocalPool,
    /// (virtual time, insertion order) → action
    actions: BTreeMap<(u64, u64), Action>,
    order: u64,
}

impl Sim {
    /// A simulation on `clock`.
    pub fn new(clock: VirtualClock) -> Self {
        Self {
            clock,
            pool: LocalPool::new(),
            actions: BTreeMap::new(),
            order: 0,
        }
    }

    /// Does `action` when the virtual clock reaches `at_ms` (before timers due then).
    pub fn at(&mut self, at_ms: u64, action: impl FnOnce() + 'static) {
        self.order += 1;
        self.actions.insert((at_ms, self.order), Box::new(action));
    }

    /// Runs `future` to completion in virtual time. Panics if it waits on nothing.
    pub fn run<T: 'static>(&mut self, future: impl Future<Output = T> + 'static) -> T {
        let out = Rc::new(RefCell::new(None));
        let slot = out.clone();
        self.pool
            .spawner()
            .spawn_local(async move {
                *slot.borrow_mut() = Some(future.await);
            })
            .expect("spawn");
        for _ in 0..1_000_000 {
            self.pool.run_until_stalled();
            if let Some(value) = out.borrow_mut().take() {
                return value;
            }
            let timer = self.clock.next_deadline();
            let action = self.actions.keys().next().copied();
            match (timer, action) {
                (Some(t), Some(key)) if t < key.0 => self.clock.advance_to(t),
                (_, Some(key)) => {
                    self.clock.advance_to(key.0);
                    if let Some(action) = self.actions.remove(&key) {
                        action();
                    }
                }
                (Some(t), None) => self.clock.advance_to(t),
                (None, None) => panic!(
                    "stalled at {} ms: the future waits on nothing and nothing is scheduled",
                    self.clock.now()
                ),
            }
            assert!(
                self.clock.now() <= LIMIT_MS,
                "still running after {LIMIT_MS} virtual ms"
            );
            self.clock.wake_due();
        }
        panic!("the simulation did not finish");
    }
}

/// The virtual time at which a run's ramp started (Run → domain ready): its
/// `RampStarted` event's.
pub fn ramp_start(clock: &VirtualClock, events: &[phantom_de::engine::journal::Event]) -> u64 {
    events
        .iter()
        .find_map(|e| match e {
            phantom_de::engine::journal::Event::RampStarted(r) => Some(clock.virtual_of(r.at_ms)),
            _ => None,
        })
        .expect("the ramp started")
}
