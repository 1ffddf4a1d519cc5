//! Work for the page done at most once per animation frame, however often it is asked
//! for: [`Frames::ask`] is cheap and never waits (the engine's events ask for the step
//! log's next frame), and the work runs in the next `requestAnimationFrame`. A hidden tab
//! gets no animation frames, so there the work runs on a timer instead (as often as the
//! browser lets a hidden tab's timers run): what was asked for is never lost, only
//! drawn later.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// How long a hidden tab waits for its frame's work (browsers slow hidden tabs' timers
/// further, to once a second or less).
const HIDDEN_DELAY_MS: i32 = 100;

struct Inner {
    /// Work asked for and not done yet.
    asked: Cell<bool>,
    /// The work; `None` once closed.
    work: RefCell<Option<Box<dyn FnMut()>>>,
    /// The `visibilitychange` listener, removed on close.
    listener: RefCell<Option<Closure<dyn FnMut()>>>,
}

/// A frame's work, asked for as often as needed. Cheap to clone.
#[derive(Clone)]
pub struct Frames {
    inner: Rc<Inner>,
}

fn hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

impl Frames {
    /// Frames that run `work`.
    pub fn new(work: impl FnMut() + 'static) -> Self {
        let frames = Self {
            inner: Rc::new(Inner {
                asked: Cell::new(false),
                work: RefCell::new(Some(Box::new(work))),
                listener: RefCell::new(None),
            }),
        };
        // A frame asked for while visible waits for an animation frame that a tab
        // hidden meanwhile does not get: the timer takes over.
        let weak = Rc::downgrade(&frames.inner);
        let listener = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                if inner.asked.get() && hidden() {
                    Frames { inner }.on_timer();
                }
            }
        });
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                listener.as_ref().unchecked_ref(),
            );
        }
        frames.inner.listener.replace(Some(listener));
        frames
    }

    /// Asks for the work to run in the next frame (once, however often asked).
    pub fn ask(&self) {
        if self.inner.asked.replace(true) {
            return;
        }
        if hidden() {
            self.on_timer();
        } else {
            self.on_frame();
        }
    }

    fn on_frame(&self) {
        let me = self.clone();
        let callback = Closure::once_into_js(move |_time: f64| me.run());
        if let Some(window) = web_sys::window() {
            if window
                .request_animation_frame(callback.unchecked_ref())
                .is_err()
            {
                self.on_timer();
            }
        }
    }

    fn on_timer(&self) {
        let me = self.clone();
        let callback = Closure::once_into_js(move || me.run());
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                HIDDEN_DELAY_MS,
            );
        }
    }

    /// Runs the work now if it was asked for (whichever of the frame and the timer comes
    /// first; the other finds nothing to do).
    fn run(&self) {
        if !self.inner.asked.replace(false) {
            return;
        }
        // The work may ask for another frame (more to do): that one comes later.
        let taken = self.inner.work.borrow_mut().take();
        if let Some(mut work) = taken {
            work();
            let mut slot = self.inner.work.borrow_mut();
            if slot.is_none() && !self.is_closed() {
                *slot = Some(work);
            }
        }
    }

    fn is_closed(&self) -> bool {
        self.inner.listener.borrow().is_none()
    }

    /// Stops: nothing runs any more (the component is gone).
    pub fn close(&self) {
        self.inner.work.replace(None);
        if let Some(listener) = self.inner.listener.replace(None) {
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                let _ = document.remove_event_listener_with_callback(
                    "visibilitychange",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    }
}
