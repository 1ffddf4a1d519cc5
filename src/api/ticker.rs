//! Sleeps that keep their time in a hidden tab: timers run in a dedicated worker
//! (`worker/ticker.js`, served same-origin beside the page).
//!
//! Why: the page's own `setTimeout` is aligned to 1 s in a hidden tab and, after 5 minutes
//! hidden, to 1 minute (Chromium's intensive throttling), so a ramp step due at 12:00:00.250
//! would go out up to a minute late. A dedicated worker's timers are not throttled that
//! way. A frozen tab (discarded or frozen by the browser to save power) freezes the worker
//! too: then nothing is sent, and the engine, which computes every deadline from the wall
//! clock (`sleep_until` loops), sends late steps as soon as the page runs again. An early
//! or late wake is therefore always safe; this only makes wakes timely.
//!
//! One worker per page ([`Ticker::shared`], started at its first use). The page posts
//! `{id, ms}`, the worker posts `{id}` back when it fires; dropping a sleep posts
//! `{id, cancel: true}`. The page's CSP must allow it (`worker-src 'self'`), and a blob:
//! worker is out of the question under that CSP, hence the file.
//!
//! Fallback: when the worker cannot be started (constructor refused) or fails later (its
//! script missing, blocked or broken: an `error` event), the ticker switches to the page's
//! timers (gloo-timers) for good, and sleeps already waiting on the worker continue there
//! for their remaining time. Sleeps then are on time in a visible tab and late in a hidden
//! one, as before the worker existed; [`Ticker::mode`] tells the page, to warn.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use gloo_timers::future::TimeoutFuture;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

/// Where the worker is served, relative to the page (Trunk copies `worker/ticker.js`
/// there; `wasm-bindgen-test-runner` serves it from the crate root).
pub const WORKER_URL: &str = "worker/ticker.js";

/// The longest single timer: `setTimeout` fires at once beyond 2³¹ − 1 ms (24.8 days), so
/// longer sleeps are made of several.
pub const MAX_TIMER_MS: u64 = i32::MAX as u64;

/// What the ticker's sleeps run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TickerMode {
    /// The dedicated worker (on time in a hidden tab).
    Worker,
    /// The page's own timers: the worker could not start or failed.
    PageTimers,
}

/// How a sleep waiting on the worker ended.
enum Woke {
    /// Its timer fired.
    Fired,
    /// The worker failed: continue on the page's timers.
    WorkerFailed,
}

struct State {
    worker: Option<Worker>,
    next_id: u32,
    pending: HashMap<u32, oneshot::Sender<Woke>>,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    _on_error: Option<Closure<dyn FnMut(JsValue)>>,
}

impl State {
    /// Stops using the worker: every waiting sleep continues on the page's timers.
    fn fail(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.set_onmessage(None);
            worker.set_onerror(None);
            worker.terminate();
        }
        for (_, waiting) in self.pending.drain() {
            let _ = waiting.send(Woke::WorkerFailed);
        }
    }
}

/// Sleeps on a timer worker, or on the page's timers when it is unavailable. Cheap to
/// clone (one worker, shared).
#[derive(Clone)]
pub struct Ticker {
    state: Rc<RefCell<State>>,
}

thread_local! {
    static SHARED: Ticker = Ticker::start(WORKER_URL);
}

impl Ticker {
    /// The page's ticker, on [`WORKER_URL`]; the worker starts at the first call.
    pub fn shared() -> Ticker {
        SHARED.with(Ticker::clone)
    }

    /// A ticker on the worker script at `url` (tests start one on a missing script to see
    /// the fallback).
    pub fn start(url: &str) -> Ticker {
        let ticker = Ticker {
            state: Rc::new(RefCell::new(State {
                worker: None,
                next_id: 0,
                pending: HashMap::new(),
                _on_message: None,
                _on_error: None,
            })),
        };
        let Ok(worker) = Worker::new(url) else {
            return ticker;
        };
        // The closures hold the state weakly: a dropped ticker drops its worker.
        let weak = Rc::downgrade(&ticker.state);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(state) = weak.upgrade() else {
                return;
            };
            let id = Reflect::get(&event.data(), &JsValue::from_str("id"))
                .ok()
                .and_then(|id| id.as_f64());
            let Some(id) = id.filter(|id| (0.0..=f64::from(u32::MAX)).contains(id)) else {
                return;
            };
            let fired = state.borrow_mut().pending.remove(&(id as u32));
            if let Some(waiting) = fired {
                let _ = waiting.send(Woke::Fired);
            }
        });
        let weak = Rc::downgrade(&ticker.state);
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_event: JsValue| {
            if let Some(state) = weak.upgrade() {
                state.borrow_mut().fail();
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        {
            let mut state = ticker.state.borrow_mut();
            state.worker = Some(worker);
            state._on_message = Some(on_message);
            state._on_error = Some(on_error);
        }
        ticker
    }

    /// What the sleeps run on now.
    pub fn mode(&self) -> TickerMode {
        if self.state.borrow().worker.is_some() {
            TickerMode::Worker
        } else {
            TickerMode::PageTimers
        }
    }

    /// How many sleeps wait on the worker now (dropped sleeps are not counted).
    pub fn waiting(&self) -> usize {
        self.state.borrow().pending.len()
    }

    /// Resolves after `ms` milliseconds; dropping it cancels the timer.
    pub async fn sleep(&self, ms: u64) {
        let mut left = ms;
        loop {
            let chunk = left.min(MAX_TIMER_MS);
            self.sleep_once(chunk).await;
            left -= chunk;
            if left == 0 {
                break;
            }
        }
    }

    /// One timer of at most [`MAX_TIMER_MS`].
    async fn sleep_once(&self, ms: u64) {
        let started = monotonic_ms();
        if let Some((id, woke)) = self.schedule(ms) {
            let cancel = CancelOnDrop {
                ticker: self.clone(),
                id,
            };
            let woke = woke.await;
            drop(cancel);
            if let Ok(Woke::Fired) = woke {
                return;
            }
        }
        let spent = (monotonic_ms() - started).max(0.0) as u64;
        let rest = ms.saturating_sub(spent);
        TimeoutFuture::new(u32::try_from(rest).unwrap_or(u32::MAX)).await;
    }

    /// Starts timer `id` on the worker; `None` when there is no worker (page timers).
    fn schedule(&self, ms: u64) -> Option<(u32, oneshot::Receiver<Woke>)> {
        let mut state = self.state.borrow_mut();
        let worker = state.worker.clone()?;
        let id = state.next_id;
        state.next_id = state.next_id.wrapping_add(1);
        let message = Object::new();
        let set =
            Reflect::set(&message, &JsValue::from_str("id"), &JsValue::from(id)).and_then(|_| {
                Reflect::set(
                    &message,
                    &JsValue::from_str("ms"),
                    &JsValue::from(ms as f64),
                )
            });
        if set.is_err() || worker.post_message(&message).is_err() {
            state.fail();
            return None;
        }
        let (tx, rx) = oneshot::channel();
        state.pending.insert(id, tx);
        Some((id, rx))
    }

    fn cancel(&self, id: u32) {
        let mut state = self.state.borrow_mut();
        if state.pending.remove(&id).is_none() {
            return;
        }
        if let Some(worker) = &state.worker {
            let message = Object::new();
            let set = Reflect::set(&message, &JsValue::from_str("id"), &JsValue::from(id))
                .and_then(|_| Reflect::set(&message, &JsValue::from_str("cancel"), &JsValue::TRUE));
            if set.is_ok() {
                // A cancel the worker never gets only costs one ignored `{id}` later.
                let _ = worker.post_message(&message);
            }
        }
    }
}

impl std::fmt::Debug for Ticker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticker")
            .field("mode", &self.mode())
            .field("waiting", &self.waiting())
            .finish()
    }
}

/// Cancels a worker timer whose sleep is dropped before it fired.
struct CancelOnDrop {
    ticker: Ticker,
    id: u32,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.ticker.cancel(self.id);
    }
}

/// Milliseconds on a clock that never jumps (`performance.now()`), for the part of a
/// sleep already spent when the worker fails.
fn monotonic_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}
