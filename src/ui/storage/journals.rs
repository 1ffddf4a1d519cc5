//! Run journals in IndexedDB, one record per event: appending costs what the new events
//! cost, whatever the run's length, and a reload reads the whole journal back in order.
//!
//! Why IndexedDB and not chunked `localStorage`: a run of 100,000 events is tens of
//! megabytes of JSON, beyond `localStorage`'s 5–10 MiB per origin, while IndexedDB's
//! quota is a share of the disk; and `localStorage` writes block the page, IndexedDB's
//! are committed off the main thread. `localStorage` keeps what must be written first and
//! synchronously: the recovery records and the index of runs (`super::runs`).
//!
//! Each event is stored as its JSON text (`engine::journal::Event`, the journal file's
//! format), under `[run id, sequence number]`; beside them each run has a
//! [`JournalMeta`], written in the same transaction as the events it counts, so that the
//! count and the events never disagree.

use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbTransaction, IdbTransactionMode};

use super::idb::{
    committed, database, event_key, run_range, settle, transaction, IdbError, EVENTS_STORE,
    RUNS_STORE,
};
use crate::report::history::is_run_id;

/// What is stored of one run's journal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalMeta {
    /// Events stored: sequence numbers `0..events`.
    pub events: u64,
    /// Characters of their JSON (UTF-16 code units), for the history's size bound.
    pub chars: u64,
}

/// One batch of a run's events, as JSON texts, to append.
pub struct Batch<'a> {
    /// The run.
    pub run_id: &'a str,
    /// The sequence number of the first event of `events`.
    pub first: u64,
    /// The events' JSON.
    pub events: &'a [String],
    /// What the run's journal will be once the batch is stored.
    pub after: JournalMeta,
}

/// The length of `text` as JavaScript counts it (UTF-16 code units).
pub fn js_chars(text: &str) -> u64 {
    text.chars().map(|c| c.len_utf16() as u64).sum()
}

/// A transaction over both stores for one run's journal (refused for a name that is
/// not a run id).
async fn run_transaction(
    run_id: &str,
    mode: IdbTransactionMode,
) -> Result<IdbTransaction, IdbError> {
    if !is_run_id(run_id) {
        return Err(IdbError::Refused("not a run id".into()));
    }
    let db = database().await?;
    transaction(&db, &[EVENTS_STORE, RUNS_STORE], mode)
}

/// Appends `batch` in one transaction (its events and the run's [`JournalMeta`]); `Ok`
/// once committed.
pub async fn append(batch: Batch<'_>) -> Result<(), IdbError> {
    write(batch.run_id, |tx| {
        let events = tx.object_store(EVENTS_STORE)?;
        for (i, text) in batch.events.iter().enumerate() {
            let key = event_key(batch.run_id, (batch.first + i as u64) as f64);
            events.put_with_key(&JsValue::from_str(text), &key)?;
        }
        let meta = serde_json::to_string(&batch.after).unwrap_or_default();
        tx.object_store(RUNS_STORE)?
            .put_with_key(&JsValue::from_str(&meta), &JsValue::from_str(batch.run_id))?;
        Ok(())
    })
    .await
}

/// Runs `change` in one read-write transaction over both stores, for `run_id`; `Ok` once
/// committed. A request `change` cannot make aborts the transaction: nothing of it is
/// written.
async fn write(
    run_id: &str,
    change: impl FnOnce(&IdbTransaction) -> Result<(), JsValue>,
) -> Result<(), IdbError> {
    let tx = run_transaction(run_id, IdbTransactionMode::Readwrite).await?;
    let done = committed(&tx);
    if let Err(error) = change(&tx) {
        let _ = tx.abort();
        let _ = done.await;
        return Err(IdbError::of(&error));
    }
    done.await
}

/// The stored events (JSON texts, in order) of `run_id`'s journal, as many as its count
/// says; `None` when it has none here (or its count cannot be read).
pub async fn read(run_id: &str) -> Result<Option<Vec<String>>, IdbError> {
    let tx = run_transaction(run_id, IdbTransactionMode::Readonly).await?;
    let store = |name| tx.object_store(name).map_err(|e| IdbError::of(&e));
    let meta = store(RUNS_STORE)?
        .get(&JsValue::from_str(run_id))
        .map_err(|e| IdbError::of(&e))?;
    let events = store(EVENTS_STORE)?
        .get_all_with_key(&run_range(run_id)?.into())
        .map_err(|e| IdbError::of(&e))?;
    let meta = settle(&meta).await?;
    let events = settle(&events).await?;
    let Some(meta) = meta
        .as_string()
        .and_then(|t| serde_json::from_str::<JournalMeta>(&t).ok())
    else {
        return Ok(None);
    };
    let events: js_sys::Array = events
        .dyn_into()
        .map_err(|_| IdbError::Refused("getAll gave no list".into()))?;
    // Events beyond the count are left over from a journal written again shorter.
    let count = usize::try_from(meta.events).unwrap_or(usize::MAX);
    Ok(Some(
        events
            .iter()
            .take(count)
            .map(|v| v.as_string().unwrap_or_default())
            .collect(),
    ))
}

/// Every run journal stored here, by run id (an entry whose id or count cannot be read is
/// skipped: [`forget`] still removes it by id).
pub async fn list() -> Result<Vec<(String, JournalMeta)>, IdbError> {
    let db = database().await?;
    let tx = transaction(&db, &[RUNS_STORE], IdbTransactionMode::Readonly)?;
    let store = tx.object_store(RUNS_STORE).map_err(|e| IdbError::of(&e))?;
    let keys = store.get_all_keys().map_err(|e| IdbError::of(&e))?;
    let values = store.get_all().map_err(|e| IdbError::of(&e))?;
    let keys: js_sys::Array = settle(&keys).await?.dyn_into().unwrap_or_default();
    let values: js_sys::Array = settle(&values).await?.dyn_into().unwrap_or_default();
    Ok(keys
        .iter()
        .zip(values.iter())
        .filter_map(|(key, value)| {
            let id = key.as_string().filter(|id| is_run_id(id))?;
            let meta = serde_json::from_str(&value.as_string()?).ok()?;
            Some((id, meta))
        })
        .collect())
}

/// Removes `run_id`'s journal (its events and its count) in one transaction.
pub async fn forget(run_id: &str) -> Result<(), IdbError> {
    let range: JsValue = run_range(run_id)?.into();
    write(run_id, |tx| {
        tx.object_store(EVENTS_STORE)?.delete(&range)?;
        tx.object_store(RUNS_STORE)?
            .delete(&JsValue::from_str(run_id))?;
        Ok(())
    })
    .await
}

/// [`forget`], without waiting: for the synchronous paths that let a run go from
/// `localStorage` (a failure leaves a journal the next load lists and prunes).
pub fn forget_later(run_id: &str) {
    let run_id = run_id.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = forget(&run_id).await;
    });
}
