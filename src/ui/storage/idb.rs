//! The thin IndexedDB plumbing under the journal store ([`super::journals`]): opening the
//! page's one database, and a request or a transaction as a future.
//!
//! Why raw `web-sys` and no crate (`idb`, `rexie`): the store needs one database, two
//! object stores, put, getAll and delete over a key range; the crates wrap the same
//! bindings with their own error and future types (and their own `web-sys` version to
//! keep in step with the pinned one), which the `.wasm` would carry for nothing.
//!
//! Why a request's handlers are the promise's own `resolve` and `reject`: no Rust closure
//! is kept alive per request, so a hundred thousand writes leak nothing; the request (or
//! transaction) is read again once the promise settles.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbRequestReadyState, IdbTransaction,
    IdbTransactionMode,
};

/// The database of this page's origin that keeps run journals.
pub const DB_NAME: &str = "pde";
/// Its schema version: 1 is [`EVENTS_STORE`] and [`RUNS_STORE`].
const DB_VERSION: u32 = 1;
/// One record per journal event, keyed `[run id, sequence number]`, the value the event's
/// JSON text (the journal file's format, one event at a time).
pub const EVENTS_STORE: &str = "events";
/// One record per run journal, keyed by run id: how many events and characters are
/// stored ([`super::journals::JournalMeta`] as JSON), written in the same transaction as
/// the events it counts.
pub const RUNS_STORE: &str = "journals";

/// Why IndexedDB did not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdbError {
    /// No IndexedDB here (private mode in some browsers, a sandboxed frame, disabled).
    #[error("this browser offers no IndexedDB here")]
    Unavailable,
    /// The origin's storage quota is used up.
    #[error("the browser's storage is full")]
    Quota,
    /// Anything else, with the browser's words.
    #[error("the browser refused to store the journal: {0}")]
    Refused(String),
}

impl IdbError {
    /// Reads a `DOMException` (or whatever was thrown).
    pub fn of(error: &JsValue) -> Self {
        if super::raw::is_quota(error) {
            return IdbError::Quota;
        }
        let text = |field: &str| {
            Reflect::get(error, &JsValue::from_str(field))
                .ok()
                .and_then(|v| v.as_string())
        };
        IdbError::Refused(match (text("name"), text("message")) {
            (Some(name), Some(message)) => format!("{name}: {message}"),
            (Some(name), None) => name,
            _ => format!("{error:?}"),
        })
    }
}

thread_local! {
    /// The open connection, shared by every store and read of this page.
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// The database, opened (and its stores created) on first use. Two callers racing to open
/// get two connections, the last one kept: harmless.
pub async fn database() -> Result<IdbDatabase, IdbError> {
    if let Some(db) = OPEN.with(|open| open.borrow().clone()) {
        return Ok(db);
    }
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or(IdbError::Unavailable)?;
    let request = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(|e| IdbError::of(&e))?;
    let upgrade = Closure::once_into_js(move |event: web_sys::Event| {
        let Some(db) = event
            .target()
            .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
        else {
            return;
        };
        // Version 1 from nothing: both stores; a failure aborts the open, which then
        // reports it.
        let names = db.object_store_names();
        for store in [EVENTS_STORE, RUNS_STORE] {
            if !names.contains(store) {
                let _ = db.create_object_store(store);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db: IdbDatabase = settle(&request)
        .await?
        .dyn_into()
        .map_err(|_| IdbError::Refused("no database was opened".into()))?;
    // Another tab upgrading the schema (a newer version of the page) waits for this
    // connection to close: close it, and open again on the next use.
    let closing = db.clone();
    let on_change = Closure::once_into_js(move || {
        closing.close();
        OPEN.with(|open| open.borrow_mut().take());
    });
    db.set_onversionchange(Some(on_change.unchecked_ref()));
    OPEN.with(|open| *open.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Closes this page's connection; the next use opens a new one, as a reload would (a
/// test reading back what an earlier page wrote).
pub fn close() {
    if let Some(db) = OPEN.with(|open| open.borrow_mut().take()) {
        db.close();
    }
}

/// A transaction over `stores`.
pub fn transaction(
    db: &IdbDatabase,
    stores: &[&str],
    mode: IdbTransactionMode,
) -> Result<IdbTransaction, IdbError> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    db.transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| {
            // A connection closed under us (version change, browser shutdown): the next
            // use opens again.
            OPEN.with(|open| open.borrow_mut().take());
            IdbError::of(&e)
        })
}

/// The result of `request` once it succeeds, or why it failed. A request already done
/// (awaited after another one of its transaction) is read at once: its events have fired.
pub async fn settle(request: &IdbRequest) -> Result<JsValue, IdbError> {
    if request.ready_state() == IdbRequestReadyState::Done {
        return match request.error() {
            Ok(Some(e)) => Err(IdbError::of(&e)),
            _ => request.result().map_err(|e| IdbError::of(&e)),
        };
    }
    let succeeded = first_of(|ok, fail| {
        request.set_onsuccess(ok);
        request.set_onerror(fail);
    })
    .await;
    if succeeded {
        request.result().map_err(|e| IdbError::of(&e))
    } else {
        Err(match request.error() {
            Ok(Some(e)) => IdbError::of(&e),
            _ => IdbError::Refused("the request failed".into()),
        })
    }
}

/// Whether the first of two events that settle something was the good one: `handlers`
/// installs the promise's `resolve` and `reject` as their handlers, and is called again
/// with `None`s once one has fired.
async fn first_of(handlers: impl Fn(Option<&Function>, Option<&Function>)) -> bool {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        handlers(Some(&resolve), Some(&reject));
    });
    let settled = JsFuture::from(promise).await.is_ok();
    handlers(None, None);
    settled
}

/// Waits for `tx` to commit: `Ok` only once its writes are durable as the browser counts
/// it (`complete`); an abort or an error says why. Await it before the page's task ends
/// (no other await first): its handlers are set when it is first polled.
pub async fn committed(tx: &IdbTransaction) -> Result<(), IdbError> {
    let completed = first_of(|ok, fail| {
        tx.set_oncomplete(ok);
        tx.set_onabort(fail);
    })
    .await;
    if completed {
        Ok(())
    } else {
        Err(tx
            .error()
            .map(|e| IdbError::of(&e))
            .unwrap_or_else(|| IdbError::Refused("the transaction was aborted".into())))
    }
}

/// The key of one event: `[run id, sequence number]` (arrays sort element-wise, so a
/// run's events are contiguous and in order).
pub fn event_key(run_id: &str, seq: f64) -> JsValue {
    Array::of2(&JsValue::from_str(run_id), &JsValue::from_f64(seq)).into()
}

/// Every event key of `run_id`: from `[id, 0]` up to `[id, []]` (an array sorts above
/// every number).
pub fn run_range(run_id: &str) -> Result<web_sys::IdbKeyRange, IdbError> {
    let upper: JsValue = Array::of2(&JsValue::from_str(run_id), &Array::new()).into();
    web_sys::IdbKeyRange::bound(&event_key(run_id, 0.0), &upper).map_err(|e| IdbError::of(&e))
}
