//! The shown run's journal, appended to IndexedDB ([`super::journals`]) in batches that
//! never hold up the caller: [`Appender::append`] serializes only the events after those
//! already handed over, queues them, and returns; one task writes the queue, one
//! transaction for everything queued since the last one committed. So the cost per event
//! is its own JSON, whatever the run's length, and the engine never awaits storage.
//!
//! Why one transaction at a time: a batch that fails is written again, whole, before
//! anything after it, so the stored journal is always a prefix of the run's, without
//! gaps, and its count ([`JournalMeta`]) says how long.
//!
//! A full storage first lets ended runs' journals go, oldest first (`report::history`'s
//! order), retrying after each; when nothing is left to let go, or the browser refuses
//! for another reason (no IndexedDB in private mode, an error), the run goes on in memory:
//! [`Status::Refused`] once, for the page to warn, and nothing more is written for this
//! run (a new run tries again).

use std::cell::RefCell;
use std::rc::Rc;

use super::idb::IdbError;
use super::journals::{self, js_chars, Batch, JournalMeta};
use super::raw::{local_storage, read_index};
use crate::engine::journal::Event;
use crate::report::history::{eviction_order, part_key, RunPart};

/// What became of the journal, for the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every event up to `events` is stored.
    Stored {
        /// Events stored.
        events: u64,
    },
    /// Storage refused: the rest of the run is kept in memory only.
    Refused(IdbError),
}

type Report = Rc<dyn Fn(&str, Status)>;

/// The writer of the shown run's journal. Clones share it.
#[derive(Clone)]
pub struct Appender {
    state: Rc<RefCell<State>>,
    report: Report,
}

#[derive(Default)]
struct State {
    /// The run written; `None`: nothing is.
    run_id: Option<String>,
    /// Bumped whenever the run changes, so a batch of the previous one that commits late
    /// is not counted for this one.
    generation: u64,
    /// How many of the run's events were handed over (stored or queued).
    handed: usize,
    /// What is stored, as last committed.
    stored: JournalMeta,
    /// What will be stored once the queue is.
    queued_meta: JournalMeta,
    /// The JSON of events `stored.events..handed`, not yet in a committed transaction.
    queue: Vec<String>,
    /// A task is writing.
    writing: bool,
    /// Storage refused this run's journal.
    refused: bool,
}

impl Appender {
    /// A writer with nothing to write; `report` hears of each commit and refusal, with
    /// the run id.
    pub fn new(report: impl Fn(&str, Status) + 'static) -> Self {
        Self {
            state: Rc::new(RefCell::new(State::default())),
            report: Rc::new(report),
        }
    }

    /// Takes on `run_id` (`None`: writes nothing), whose first `stored.events` events are
    /// stored already (a run found at load; a new run has none). The run it writes
    /// already (a resumed run) goes on from what is committed, and is tried again after a
    /// refusal; `stored` is then not needed.
    pub fn start(&self, run_id: Option<&str>, stored: JournalMeta) {
        let mut state = self.state.borrow_mut();
        let stored = match (&state.run_id, run_id) {
            (Some(current), Some(id)) if current == id => state.stored,
            _ => stored,
        };
        // A batch in flight is counted for no one: what it wrote is written again (the
        // same keys), which costs a batch, never a gap.
        let generation = state.generation + 1;
        let writing = state.writing;
        *state = State {
            run_id: run_id.map(str::to_string),
            generation,
            handed: usize::try_from(stored.events).unwrap_or(usize::MAX),
            stored,
            queued_meta: stored,
            writing,
            ..State::default()
        };
    }

    /// Queues the events of `events` after those already handed over, and starts writing
    /// them. `events` is the run's whole journal, oldest first; one shorter than what was
    /// handed over (replaced, not appended to) is written again from its start.
    pub fn append(&self, events: &[Event]) {
        {
            let mut state = self.state.borrow_mut();
            if state.run_id.is_none() || state.refused {
                return;
            }
            if events.len() < state.handed {
                // The stored events beyond the new count are left; reads stop at the count.
                state.generation += 1;
                state.handed = 0;
                state.stored = JournalMeta::default();
                state.queued_meta = JournalMeta::default();
                state.queue.clear();
            }
            let from = state.handed;
            for event in &events[from..] {
                // An event always serializes (plain data); a failure would lose one line
                // of the log, never the order of the others.
                let Ok(text) = serde_json::to_string(event) else {
                    continue;
                };
                state.queued_meta.events += 1;
                state.queued_meta.chars += js_chars(&text);
                state.queue.push(text);
            }
            state.handed = events.len();
            if state.writing || state.queue.is_empty() {
                return;
            }
            state.writing = true;
        }
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move { this.write().await });
    }

    /// What is stored of the current run, as last committed.
    pub fn stored(&self) -> JournalMeta {
        self.state.borrow().stored
    }

    /// Whether everything handed over is committed.
    pub fn is_idle(&self) -> bool {
        !self.state.borrow().writing
    }

    /// Writes the queue, one transaction per turn, until it is empty.
    async fn write(&self) {
        loop {
            let (run_id, generation, first, batch, after) = {
                let mut state = self.state.borrow_mut();
                let run_id = match &state.run_id {
                    Some(id) if !state.refused && !state.queue.is_empty() => id.clone(),
                    _ => {
                        state.writing = false;
                        return;
                    }
                };
                let batch = std::mem::take(&mut state.queue);
                (
                    run_id,
                    state.generation,
                    state.stored.events,
                    batch,
                    state.queued_meta,
                )
            };
            let result = self.store(&run_id, first, &batch, after).await;
            let mut state = self.state.borrow_mut();
            if state.generation != generation {
                continue;
            }
            match result {
                Ok(()) => {
                    state.stored = after;
                    drop(state);
                    if first == 0 {
                        // A journal of before (in `localStorage`) now lives here.
                        if let Some(local) = local_storage() {
                            let _ = local.remove_item(&part_key(&run_id, RunPart::Journal));
                        }
                    }
                    (self.report)(
                        &run_id,
                        Status::Stored {
                            events: after.events,
                        },
                    );
                }
                Err(error) => {
                    state.refused = true;
                    state.queue.clear();
                    state.writing = false;
                    drop(state);
                    (self.report)(&run_id, Status::Refused(error));
                    return;
                }
            }
        }
    }

    /// Appends one batch, letting ended runs' journals go while storage is full.
    async fn store(
        &self,
        run_id: &str,
        first: u64,
        events: &[String],
        after: JournalMeta,
    ) -> Result<(), IdbError> {
        let batch = || Batch {
            run_id,
            first,
            events,
            after,
        };
        let mut victims = None;
        loop {
            match journals::append(batch()).await {
                Err(IdbError::Quota) => {}
                done => return done,
            }
            let victims = victims.get_or_insert_with(|| {
                let index = local_storage().map(|l| read_index(&l)).unwrap_or_default();
                eviction_order(&index, run_id).into_iter()
            });
            let Some(victim) = victims.next() else {
                return Err(IdbError::Quota);
            };
            // A failed removal frees nothing: the next victim is tried.
            let _ = journals::forget(&victim).await;
        }
    }
}
