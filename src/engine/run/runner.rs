//! The runner's core, which every part of a run works through: the client and options,
//! the journal sink (every event also updates the run's own [`JournalSummary`]), the
//! current stage, the requests in flight, and [`Runner::send`], which sends one request
//! and journals it.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use crate::api::{Answer, ApiError, Client, Clock, ErrorClass, Request, Transport};
use crate::engine::journal::{
    Event, JournalSummary, Outcome, RunEnd, RunFinished, RunReport, SkipReason, Stage,
    TeardownOutcome,
};
use crate::engine::options::RunOptions;
use crate::engine::record::{outcome, target_of, Record};

/// A request failed for good: the run ends.
pub(super) struct Failure {
    pub(super) stage: Stage,
    pub(super) reason: String,
}

/// What an answered request of the plan gave.
pub(super) enum Reply {
    /// The typed answer.
    Answer(Answer),
    /// The server said it exists already (and "already exists" was acceptable).
    Exists,
}

impl Reply {
    /// Whether a describe listed the domain `name`.
    pub(super) fn lists_domain(&self, name: &str) -> bool {
        matches!(self, Reply::Answer(Answer::AutoScalingGroups(groups))
            if groups.iter().any(|g| g.name == name))
    }
}

/// Where events go: the caller's callback, and the summary the runner decides by.
struct Sink<'a> {
    on_event: &'a mut dyn FnMut(&Event),
    summary: JournalSummary,
    next_no: u32,
}

/// A run under way.
pub(super) struct Runner<'a, T, C> {
    pub(super) client: &'a Client<T, C>,
    pub(super) options: &'a RunOptions,
    /// The domain the plan drives.
    pub(super) domain: String,
    sink: RefCell<Sink<'a>>,
    /// The stage the run is in (a Stop names it).
    pub(super) stage: Cell<Stage>,
    in_flight: RefCell<BTreeMap<u32, Record>>,
}

impl<'a, T: Transport, C: Clock> Runner<'a, T, C> {
    /// A runner telling `on_event` every event.
    pub(super) fn new(
        client: &'a Client<T, C>,
        options: &'a RunOptions,
        domain: String,
        on_event: &'a mut dyn FnMut(&Event),
    ) -> Self {
        Self {
            client,
            options,
            domain,
            sink: RefCell::new(Sink {
                on_event,
                summary: JournalSummary::default(),
                next_no: 0,
            }),
            stage: Cell::new(Stage::LaunchConfigurations),
            in_flight: RefCell::new(BTreeMap::new()),
        }
    }

    /// The client's clock, ms since the epoch.
    pub(super) fn now(&self) -> f64 {
        self.client.clock().now_ms()
    }

    /// Journals `event`.
    pub(super) fn emit(&self, event: Event) {
        let mut sink = self.sink.borrow_mut();
        sink.summary.apply(&event);
        (sink.on_event)(&event);
    }

    /// Reads the summary of the events so far.
    pub(super) fn summary<R>(&self, read: impl FnOnce(&JournalSummary) -> R) -> R {
        read(&self.sink.borrow().summary)
    }

    /// Journals the end of the run and returns its report.
    pub(super) fn finish(&self, end: RunEnd, teardown: Option<TeardownOutcome>) -> RunReport {
        let report = self.summary(|summary| RunReport {
            end,
            capacity: summary.capacity,
            teardown,
            failed_steps: summary.failed_steps,
        });
        self.emit(Event::RunFinished(RunFinished {
            at_ms: self.now(),
            report: report.clone(),
        }));
        report
    }

    /// The number of the run's next request (1, 2, … in sending order).
    pub(super) fn next_number(&self) -> u32 {
        let mut sink = self.sink.borrow_mut();
        sink.next_no += 1;
        sink.next_no
    }

    /// Sends one request and records it. `exists_ok`: an "already exists" answer is a
    /// skip, not a failure.
    pub(super) async fn send(
        &self,
        stage: Stage,
        request: &Request,
        exists_ok: bool,
    ) -> Result<Reply, ApiError> {
        let no = self.next_number();
        let record = Record::new(no, stage, request, self.now());
        self.in_flight.borrow_mut().insert(no, record.clone());
        self.emit(record.sent());
        let result = self
            .client
            .send(request, &mut |a| {
                if let Some(f) = self.in_flight.borrow_mut().get_mut(&no) {
                    f.attempts.push(a.into());
                }
            })
            .await;
        let attempts = self
            .in_flight
            .borrow_mut()
            .remove(&no)
            .map(|f| f.attempts)
            .unwrap_or_default();
        let (outcome, result) = match result {
            Err(e) if exists_ok && e.class() == ErrorClass::AlreadyExists => (
                Outcome::Skipped {
                    reason: SkipReason::AlreadyExists,
                    error: Some((&e).into()),
                },
                Ok(Reply::Exists),
            ),
            result => (
                outcome(&result),
                result.map(|response| Reply::Answer(response.output)),
            ),
        };
        self.emit(Record { attempts, ..record }.done(outcome, self.now()));
        result
    }

    /// [`Runner::send`], a failure ending the run.
    pub(super) async fn send_or_fail(
        &self,
        stage: Stage,
        request: &Request,
        exists_ok: bool,
    ) -> Result<Reply, Failure> {
        self.send(stage, request, exists_ok)
            .await
            .map_err(|e| Failure {
                stage,
                reason: format!("{} {} failed: {e}", request.name(), target_of(request)),
            })
    }

    /// Records a request of the plan that is not needed.
    pub(super) fn skip(&self, stage: Stage, request: &Request, reason: SkipReason) {
        self.emit(Record::skipped(stage, request, reason, self.now()));
    }

    /// Records every request still in flight as cancelled (after the run was dropped).
    pub(super) fn cancel_in_flight(&self) {
        let cancelled = std::mem::take(&mut *self.in_flight.borrow_mut());
        let now = self.now();
        for record in cancelled.into_values() {
            self.emit(record.done(Outcome::Cancelled, now));
        }
    }
}
