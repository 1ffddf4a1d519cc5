//! The custom policy's sandbox: the JavaScript a person wrote runs in a dedicated worker
//! (`worker/policy.js`, served same-origin beside the page), one decision at a time, each
//! within a time limit.
//!
//! Why a worker: it has no DOM and no view of the page's memory, so the secret key, which
//! lives in the page, cannot be read by the code; this API only ever posts the code and an
//! observation (there is no parameter that could carry more). The worker deletes every way
//! to the network, to storage and back to the page before the code runs, and its server sends
//! it with a CSP of its own that connects nowhere (see `worker/policy.js` and
//! `scripts/lib/server.mjs`). And a worker is a thread of its own: a decision that never
//! returns cannot freeze the page. After the time limit the page `terminate()`s the worker
//! (the one way to stop a running script) and starts a fresh one with the same code, so the
//! next decision runs again; what the code kept in its own variables is lost then, which is
//! why the observation carries the policy's `memory`. No second language runtime goes into
//! the `.wasm`: the browser's own JavaScript engine runs the code.
//!
//! The lifecycle of one worker: the worker posts `ready` once sealed ([`START_LIMIT_MS`] to
//! load), the page posts the code, the worker answers `compiled` or an error
//! ([`COMPILE_LIMIT_MS`]: the code's top level runs then); then `decide` messages, each
//! answered by `result` or an error with the same id. A worker that never compiled is never
//! asked to decide: a start cut short (its future dropped) leaves no worker behind to use.
//! Dropping the [`Sandbox`] terminates its worker; so does dropping a decision before its
//! answer (the code may be looping), and the next decision starts a fresh worker.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;

use futures::channel::{mpsc, oneshot};
use futures::future::{select, Either};
use futures::lock::Mutex;
use futures::StreamExt;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

use super::ticker::Ticker;

/// Where the sandbox worker is served, relative to the page (Trunk copies
/// `worker/policy.js` there; `wasm-bindgen-test-runner` serves it from the crate root).
pub const POLICY_WORKER_URL: &str = "worker/policy.js";

/// How long a fresh worker may take to load and seal itself before the sandbox counts as
/// unavailable (a script fetched over a slow link, a busy machine).
pub const START_LIMIT_MS: u32 = 10_000;

/// How long the code's top level may run when it is compiled (it defines `decide`; heavy
/// work there is as wrong as an endless loop).
pub const COMPILE_LIMIT_MS: u32 = 2_000;

/// Why the sandbox gave no decision. The `Display` text is for the person who wrote the
/// code, as the run's log shows it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SandboxFault {
    /// The code does not compile, its top level threw, or it defines no `decide`.
    #[error("{}{message}", line_prefix(*.line))]
    Compile {
        /// The engine's message, such as `SyntaxError: Unexpected token ','`.
        message: String,
        /// The line in the code (1-based), when known.
        line: Option<u32>,
    },
    /// `decide` threw.
    #[error("{}{message}", line_prefix(*.line))]
    Threw {
        /// What was thrown, such as `ReferenceError: x is not defined`.
        message: String,
        /// The line in the code (1-based) of the innermost frame, when known.
        line: Option<u32>,
    },
    /// `decide` returned something that is not a JSON value (undefined, a function, a
    /// promise, a cycle, a BigInt) or is too large.
    #[error("{message}")]
    Malformed {
        /// What is wrong with it.
        message: String,
    },
    /// The code ran past the limit; its worker was stopped.
    #[error("took longer than {limit_ms} ms")]
    TimedOut {
        /// The limit it ran past.
        limit_ms: u32,
    },
    /// The sandbox itself could not run: the worker refused, missing or broken.
    #[error("the sandbox is unavailable: {message}")]
    Unavailable {
        /// Why.
        message: String,
    },
}

fn line_prefix(line: Option<u32>) -> String {
    line.map(|line| format!("line {line}: "))
        .unwrap_or_default()
}

impl SandboxFault {
    /// The line of the code it points at, when known (1-based).
    pub fn line(&self) -> Option<u32> {
        match self {
            SandboxFault::Compile { line, .. } | SandboxFault::Threw { line, .. } => *line,
            _ => None,
        }
    }
}

/// What the worker said about its own lifecycle.
enum Lifecycle {
    Ready,
    Compiled,
    /// It cannot run code at all: its script failed to load, or it could not seal itself.
    Failed(String),
    CompileError {
        message: String,
        line: Option<u32>,
    },
}

/// The worker's answer to one decision.
enum Answer {
    Json(String),
    Threw { message: String, line: Option<u32> },
    Malformed(String),
}

/// One worker, with its handlers (kept alive as long as it is).
struct Live {
    worker: Worker,
    /// Whether it compiled the code: only then may it be asked to decide.
    compiled: bool,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

struct State {
    url: String,
    code: String,
    live: Option<Live>,
    next_id: u32,
    /// The decisions waiting for their answer, by id (ids never repeat across workers, so
    /// a late answer of a stopped worker finds nobody).
    waiting: HashMap<u32, oneshot::Sender<Answer>>,
}

impl State {
    /// Terminates the worker, if any; waiting decisions see their answer dropped.
    fn stop(&mut self) {
        if let Some(live) = self.live.take() {
            live.worker.set_onmessage(None);
            live.worker.set_onerror(None);
            live.worker.terminate();
        }
        self.waiting.clear();
    }
}

impl Drop for State {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A person's policy code, compiled in its own worker. Not `Send` (a worker belongs to the
/// page's thread); dropping it terminates the worker.
pub struct Sandbox {
    state: Rc<RefCell<State>>,
    /// One decision at a time: a restart after a timeout must not stop a worker another
    /// decision is using.
    turn: Mutex<()>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Sandbox")
            .field("url", &state.url)
            .field("code_chars", &state.code.chars().count())
            .field("running", &state.live.as_ref().is_some_and(|l| l.compiled))
            .finish()
    }
}

impl Sandbox {
    /// Starts a worker on [`POLICY_WORKER_URL`] and compiles `code` in it.
    pub fn start(code: &str) -> impl Future<Output = Result<Sandbox, SandboxFault>> + 'static {
        Sandbox::start_at(POLICY_WORKER_URL, code)
    }

    /// As [`Sandbox::start`], on the worker script at `url` (tests start one on a missing
    /// script to see it unavailable).
    pub fn start_at(
        url: &str,
        code: &str,
    ) -> impl Future<Output = Result<Sandbox, SandboxFault>> + 'static {
        let sandbox = Sandbox {
            state: Rc::new(RefCell::new(State {
                url: url.to_owned(),
                code: code.to_owned(),
                live: None,
                next_id: 0,
                waiting: HashMap::new(),
            })),
            turn: Mutex::new(()),
        };
        async move {
            launch(&sandbox.state).await?;
            Ok(sandbox)
        }
    }

    /// The code this sandbox runs.
    pub fn code(&self) -> String {
        self.state.borrow().code.clone()
    }

    /// Calls `decide(observation)` with `observation_json` parsed, and returns the result
    /// as JSON text, or why there is none. At most `limit_ms` for the decision itself;
    /// past it the worker is stopped and a fresh one compiles the code again before this
    /// returns [`SandboxFault::TimedOut`], so the next decision runs.
    pub async fn decide(
        &self,
        observation_json: &str,
        limit_ms: u32,
    ) -> Result<String, SandboxFault> {
        let observation =
            js_sys::JSON::parse(observation_json).map_err(|e| SandboxFault::Unavailable {
                message: format!("the observation is not JSON ({})", js_message(&e)),
            })?;
        let _turn = self.turn.lock().await;
        let usable = self
            .state
            .borrow()
            .live
            .as_ref()
            .is_some_and(|l| l.compiled);
        if !usable {
            launch(&self.state).await?;
        }

        let (id, answer) = {
            let mut state = self.state.borrow_mut();
            let id = state.next_id;
            state.next_id = state.next_id.wrapping_add(1);
            let message = message("decide");
            let set = Reflect::set(&message, &JsValue::from_str("id"), &JsValue::from(id))
                .and_then(|_| {
                    Reflect::set(&message, &JsValue::from_str("observation"), &observation)
                });
            let worker = state.live.as_ref().map(|l| l.worker.clone());
            let posted = match (set, worker) {
                (Ok(_), Some(worker)) => worker.post_message(&message),
                (Err(e), _) => Err(e),
                (_, None) => Err(JsValue::from_str("no worker")),
            };
            if let Err(e) = posted {
                state.stop();
                return Err(SandboxFault::Unavailable {
                    message: format!("the observation could not be posted ({})", js_message(&e)),
                });
            }
            let (tx, rx) = oneshot::channel();
            state.waiting.insert(id, tx);
            (id, rx)
        };
        // Dropped before the answer (the caller gave up): the code may be looping, so its
        // worker goes too.
        let mut abandon = StopUnlessAnswered {
            state: &self.state,
            answered: false,
        };

        let answer = within(answer, limit_ms).await;
        abandon.answered = true;
        self.state.borrow_mut().waiting.remove(&id);
        match answer {
            Some(Ok(Answer::Json(json))) => Ok(json),
            Some(Ok(Answer::Threw { message, line })) => Err(SandboxFault::Threw { message, line }),
            Some(Ok(Answer::Malformed(message))) => Err(SandboxFault::Malformed { message }),
            Some(Err(oneshot::Canceled)) => {
                self.state.borrow_mut().stop();
                Err(SandboxFault::Unavailable {
                    message: "the worker stopped before it answered".into(),
                })
            }
            None => {
                self.state.borrow_mut().stop();
                // A failed restart is left to the next decision, which tries again and
                // says why it cannot.
                let _ = launch(&self.state).await;
                Err(SandboxFault::TimedOut { limit_ms })
            }
        }
    }
}

/// Stops the worker when a decision's future is dropped before its answer.
struct StopUnlessAnswered<'a> {
    state: &'a Rc<RefCell<State>>,
    answered: bool,
}

impl Drop for StopUnlessAnswered<'_> {
    fn drop(&mut self) {
        if !self.answered {
            if let Ok(mut state) = self.state.try_borrow_mut() {
                state.stop();
            }
        }
    }
}

/// `future`'s output, or `None` after `ms` (on the page's timer worker, on time in a
/// hidden tab).
async fn within<F: Future>(future: F, ms: u32) -> Option<F::Output> {
    let ticker = Ticker::shared();
    let future = pin!(future);
    let timer = pin!(ticker.sleep(u64::from(ms)));
    match select(future, timer).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(((), _)) => None,
    }
}

fn message(kind: &str) -> Object {
    let message = Object::new();
    let _ = Reflect::set(
        &message,
        &JsValue::from_str("kind"),
        &JsValue::from_str(kind),
    );
    message
}

fn js_message(value: &JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            Reflect::get(value, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "unknown error".to_string())
}

fn field_string(data: &JsValue, name: &str) -> Option<String> {
    Reflect::get(data, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_string())
}

fn field_line(data: &JsValue) -> Option<u32> {
    Reflect::get(data, &JsValue::from_str("line"))
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|l| l.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(l))
        .map(|l| l as u32)
}

/// Stops any worker, starts a fresh one on the state's URL and compiles the state's code.
async fn launch(state: &Rc<RefCell<State>>) -> Result<(), SandboxFault> {
    let (url, code) = {
        let mut state = state.borrow_mut();
        state.stop();
        (state.url.clone(), state.code.clone())
    };
    let (lifecycle, mut heard) = mpsc::unbounded::<Lifecycle>();
    let worker = Worker::new(&url).map_err(|e| SandboxFault::Unavailable {
        message: format!(
            "the browser refused to start the policy worker ({})",
            js_message(&e)
        ),
    })?;

    // The handlers hold the state weakly: a dropped sandbox drops its worker.
    let weak = Rc::downgrade(state);
    let told = lifecycle.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let kind = field_string(&data, "kind").unwrap_or_default();
        let phase = field_string(&data, "phase").unwrap_or_default();
        let text = || field_string(&data, "message").unwrap_or_else(|| "no message".into());
        let answer = match (kind.as_str(), phase.as_str()) {
            ("ready", _) => {
                let _ = told.unbounded_send(Lifecycle::Ready);
                return;
            }
            ("compiled", _) => {
                let _ = told.unbounded_send(Lifecycle::Compiled);
                return;
            }
            ("error", "start") => {
                let _ = told.unbounded_send(Lifecycle::Failed(text()));
                return;
            }
            ("error", "compile") => {
                let _ = told.unbounded_send(Lifecycle::CompileError {
                    message: text(),
                    line: field_line(&data),
                });
                return;
            }
            ("result", _) => match field_string(&data, "json") {
                Some(json) => Answer::Json(json),
                None => Answer::Malformed("the sandbox answered without JSON".into()),
            },
            ("error", "decide") => Answer::Threw {
                message: text(),
                line: field_line(&data),
            },
            ("error", "result") => Answer::Malformed(text()),
            _ => return,
        };
        let id = Reflect::get(&data, &JsValue::from_str("id"))
            .ok()
            .and_then(|id| id.as_f64())
            .filter(|id| (0.0..=f64::from(u32::MAX)).contains(id));
        let (Some(id), Some(state)) = (id, weak.upgrade()) else {
            return;
        };
        let waiting = state.borrow_mut().waiting.remove(&(id as u32));
        if let Some(waiting) = waiting {
            let _ = waiting.send(answer);
        }
    });
    // The worker cancels its own uncaught errors, so an error event here means its script
    // did not load or run. Heard only while starting; later it is nobody's.
    let told = lifecycle;
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let detail = field_string(&event, "message")
            .filter(|m| !m.is_empty())
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let _ = told.unbounded_send(Lifecycle::Failed(format!(
            "the policy worker could not be loaded{detail}"
        )));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    state.borrow_mut().live = Some(Live {
        worker: worker.clone(),
        compiled: false,
        _on_message: on_message,
        _on_error: on_error,
    });

    let failed = |fault: SandboxFault| {
        state.borrow_mut().stop();
        Err(fault)
    };
    match within(heard.next(), START_LIMIT_MS).await {
        Some(Some(Lifecycle::Ready)) => {}
        Some(Some(Lifecycle::Failed(message))) => {
            return failed(SandboxFault::Unavailable { message })
        }
        Some(Some(_)) | Some(None) => {
            return failed(SandboxFault::Unavailable {
                message: "the policy worker did not follow its protocol".into(),
            })
        }
        None => {
            return failed(SandboxFault::Unavailable {
                message: format!("the policy worker did not start within {START_LIMIT_MS} ms"),
            })
        }
    }

    let compile = message("compile");
    let posted = Reflect::set(
        &compile,
        &JsValue::from_str("code"),
        &JsValue::from_str(&code),
    )
    .and_then(|_| worker.post_message(&compile));
    if let Err(e) = posted {
        return failed(SandboxFault::Unavailable {
            message: format!("the code could not be posted ({})", js_message(&e)),
        });
    }
    match within(heard.next(), COMPILE_LIMIT_MS).await {
        Some(Some(Lifecycle::Compiled)) => {
            if let Some(live) = state.borrow_mut().live.as_mut() {
                live.compiled = true;
            }
            Ok(())
        }
        Some(Some(Lifecycle::CompileError { message, line })) => {
            failed(SandboxFault::Compile { message, line })
        }
        Some(Some(Lifecycle::Failed(message))) => failed(SandboxFault::Unavailable { message }),
        Some(Some(Lifecycle::Ready)) | Some(None) => failed(SandboxFault::Unavailable {
            message: "the policy worker did not follow its protocol".into(),
        }),
        None => failed(SandboxFault::TimedOut {
            limit_ms: COMPILE_LIMIT_MS,
        }),
    }
}
