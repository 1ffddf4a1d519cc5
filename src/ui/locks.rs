//! Web Locks (`navigator.locks`): one run per domain across every tab of this origin.
//!
//! Why: two tabs could drive one domain at once, each setting capacity on its own
//! schedule. A run takes the lock [`domain_lock_name`] for its domain with
//! [`try_acquire`] (`ifAvailable`: a second tab is told at once, it never waits) and holds
//! it for as long as it runs: the browser releases it when the [`HeldLock`] is dropped, and
//! also when the tab closes, reloads or crashes, so a lock never outlives its run's page.
//! [`held_names`] lists the locks held by the whole origin (every tab), for the page to
//! show which domains are being driven elsewhere.
//!
//! web-sys's `LockManager` is behind `--cfg=web_sys_unstable_apis`, so the two methods used
//! are bound here by hand.
//!
//! Unavailable (an insecure context such as a page served over plain HTTP from another
//! host, or an old browser): [`LockError::Unavailable`], which the page shows as a warning
//! and then runs without a lock. Refusing to run would lock people out of a working
//! setup for want of a safety net; the cross-tab announcements (`ui::channel`) still
//! tell tabs about each other's runs, only without the guarantee.

use futures::channel::oneshot;
use futures::future::{select, Either};
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::report::history::domain_key;

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    type LockManager;

    /// `request(name, options, callback)`: its promise settles when the callback's
    /// result does (for a granted lock: when we release it).
    #[wasm_bindgen(method, catch)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &Object,
        callback: &Function,
    ) -> Result<Promise, JsValue>;

    /// `query()`: `{held: [{name, mode, clientId}], pending: [...]}` for the origin.
    #[wasm_bindgen(method, catch)]
    fn query(this: &LockManager) -> Result<Promise, JsValue>;
}

/// Why a lock could not be asked for or listed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    /// `navigator.locks` does not exist here.
    #[error("this browser offers no Web Locks here (they need a secure context: https or localhost), so nothing stops another tab from driving the same domain")]
    Unavailable,
    /// The browser refused the request or the query.
    #[error("the browser refused the lock: {0}")]
    Refused(String),
}

/// The resolve function of the promise a granted lock's callback returned: calling it
/// ends the lock. Called when dropped, so a grant that never reaches a [`HeldLock`] (the
/// caller's future dropped in between) is given back rather than held until the tab
/// closes.
struct ReleaseOnDrop(Function);

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::UNDEFINED);
    }
}

/// A lock this page holds; released when dropped (or by [`HeldLock::release`]).
#[must_use = "the lock is released as soon as this is dropped"]
pub struct HeldLock {
    name: String,
    release: Option<ReleaseOnDrop>,
    /// `request()`'s promise: settles once the lock manager has released the lock.
    released: Promise,
}

impl HeldLock {
    /// The lock's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Releases the lock and waits until the browser has: a [`try_acquire`] of the same
    /// name afterwards succeeds. (Dropping releases too, a moment later.)
    pub async fn release(mut self) {
        self.resolve();
        // It settles once released, whether it resolved or rejected.
        let _ = JsFuture::from(self.released.clone()).await;
    }

    fn resolve(&mut self) {
        // Dropping it releases.
        self.release.take();
    }
}

impl std::fmt::Debug for HeldLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldLock")
            .field("name", &self.name)
            .finish()
    }
}

/// The lock name of one domain on one server: `pde.domain ` followed by
/// `report::history::domain_key` (the endpoint normalized: scheme and host lowercased,
/// default port and trailing `/` dropped; a space; the domain name as given). The same
/// in every tab however the endpoint was typed; never holds a credential.
pub fn domain_lock_name(endpoint: &str, domain: &str) -> String {
    format!("pde.domain {}", domain_key(endpoint, domain))
}

fn lock_manager() -> Result<LockManager, LockError> {
    let window = web_sys::window().ok_or(LockError::Unavailable)?;
    let locks = Reflect::get(&window.navigator(), &JsValue::from_str("locks"))
        .map_err(|_| LockError::Unavailable)?;
    if locks.is_undefined() || locks.is_null() {
        return Err(LockError::Unavailable);
    }
    Ok(locks.unchecked_into())
}

fn refused(error: &JsValue) -> LockError {
    let text = Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_string());
    LockError::Refused(text)
}

/// Takes the exclusive lock `name` if no one (in any tab) holds it: `Ok(None)` when
/// someone does. The lock is held until the [`HeldLock`] is dropped or released.
pub async fn try_acquire(name: &str) -> Result<Option<HeldLock>, LockError> {
    let locks = lock_manager()?;
    let options = Object::new();
    Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE)
        .map_err(|e| refused(&e))?;

    // The callback runs once, with the lock or with null (not available). When granted
    // it returns a promise whose resolve function goes to the HeldLock: the lock lasts
    // until that promise resolves.
    let (tx, granted_rx) = oneshot::channel::<Option<ReleaseOnDrop>>();
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        if lock.is_null() || lock.is_undefined() {
            let _ = tx.send(None);
            return JsValue::UNDEFINED;
        }
        let mut resolve_slot: Option<Function> = None;
        let held = Promise::new(&mut |resolve, _reject| resolve_slot = Some(resolve));
        match resolve_slot {
            // When the caller's future is gone already, the failed send drops the
            // release and the lock is given back at once.
            Some(resolve) => {
                let _ = tx.send(Some(ReleaseOnDrop(resolve)));
                held.into()
            }
            // (A promise's executor always runs at once; if not, the lock is not kept.)
            None => {
                let _ = tx.send(None);
                JsValue::UNDEFINED
            }
        }
    });
    let released = locks
        .request(name, &options, callback.unchecked_ref())
        .map_err(|e| refused(&e))?;

    // A rejected request (e.g. a sandboxed document) settles `released` before any grant.
    match select(granted_rx, JsFuture::from(released.clone())).await {
        Either::Left((Ok(Some(release)), _)) => Ok(Some(HeldLock {
            name: name.to_string(),
            release: Some(release),
            released,
        })),
        Either::Left((Ok(None), _)) => Ok(None),
        Either::Left((Err(_), _)) => Err(LockError::Refused(
            "the browser never answered the lock request".to_string(),
        )),
        Either::Right((Err(e), _)) => Err(refused(&e)),
        Either::Right((Ok(_), _)) => Ok(None),
    }
}

/// The names of every lock held by this origin right now, in every tab (including this
/// page's own), in the browser's order.
pub async fn held_names() -> Result<Vec<String>, LockError> {
    let locks = lock_manager()?;
    let snapshot = JsFuture::from(locks.query().map_err(|e| refused(&e))?)
        .await
        .map_err(|e| refused(&e))?;
    let held = Reflect::get(&snapshot, &JsValue::from_str("held")).map_err(|e| refused(&e))?;
    if !Array::is_array(&held) {
        return Ok(Vec::new());
    }
    Ok(Array::from(&held)
        .iter()
        .filter_map(|info| Reflect::get(&info, &JsValue::from_str("name")).ok())
        .filter_map(|name| name.as_string())
        .collect())
}
