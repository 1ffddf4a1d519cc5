//! The browser's two storages as the run records use them: reading and writing one key
//! (a full storage told apart from other refusals, [`is_quota`]), a value's length
//! without copying it into wasm, the keys, and the index of runs.

use js_sys::{Function, JsString, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Storage;

use crate::report::history::{self, parse_index, RunEntry, INDEX_KEY};

/// Why a write failed.
#[derive(Debug)]
pub(super) enum WriteError {
    /// The storage is full.
    Quota,
    /// Anything else (storage disabled, a security error): letting runs go won't help.
    Other,
}

pub(super) fn local_storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub(super) fn session_storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub(super) fn read(storage: &Storage, key: &str) -> Option<String> {
    storage.get_item(key).ok().flatten()
}

pub(super) fn write(storage: &Storage, key: &str, value: &str) -> Result<(), WriteError> {
    storage.set_item(key, value).map_err(|e| {
        if is_quota(&e) {
            WriteError::Quota
        } else {
            WriteError::Other
        }
    })
}

/// Whether a `setItem` failure means the storage is full: `QuotaExceededError` (Chromium,
/// WebKit, Firefox today), Firefox's older `NS_ERROR_DOM_QUOTA_REACHED`, or the legacy
/// code 22.
pub fn is_quota(error: &JsValue) -> bool {
    let name = Reflect::get(error, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string());
    let code = Reflect::get(error, &JsValue::from_str("code"))
        .ok()
        .and_then(|c| c.as_f64());
    matches!(
        name.as_deref(),
        Some("QuotaExceededError") | Some("NS_ERROR_DOM_QUOTA_REACHED")
    ) || code == Some(22.0)
}

/// The length (UTF-16 code units) of the value at `key`, measured in JavaScript so that a
/// megabyte journal is not copied into wasm to be counted.
pub(super) fn read_length(storage: &Storage, key: &str) -> Option<u64> {
    let get_item: Function = Reflect::get(storage, &JsValue::from_str("getItem"))
        .ok()?
        .dyn_into()
        .ok()?;
    let value: JsString = get_item
        .call1(storage, &JsValue::from_str(key))
        .ok()?
        .dyn_into()
        .ok()?;
    Some(u64::from(value.length()))
}

pub(super) fn keys(storage: &Storage) -> Vec<String> {
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .collect()
}

pub(super) fn read_index(storage: &Storage) -> Vec<RunEntry> {
    read(storage, INDEX_KEY)
        .map(|text| parse_index(&text))
        .unwrap_or_default()
}

/// Reads the index, changes it and writes it back (the key is removed when it is empty).
pub(super) fn update_index(
    storage: &Storage,
    change: impl FnOnce(&mut Vec<RunEntry>),
) -> Result<(), WriteError> {
    let mut index = read_index(storage);
    change(&mut index);
    if index.is_empty() {
        let _ = storage.remove_item(INDEX_KEY);
        return Ok(());
    }
    write(storage, INDEX_KEY, &history::index_json(&index))
}
