//! The step log at scale, as plain data: its lines kept as the journal grows
//! ([`LogBook`]: only the new events' lines are made, never the whole log again), the
//! lines shown under a filter and a text search ([`LogView`], scanned a chunk at a time
//! so that searching 100,000 lines never holds the page), and the arithmetic of a
//! windowed list ([`window`]: which rows of a list of fixed-height rows are in view).
//!
//! [`LogBook`] writes exactly the lines of [`log_lines`] for every prefix of a journal:
//! a request sent gets its "no answer recorded yet" line until its answer comes, and
//! then that line is hidden and the answer's line appended. A hidden line keeps its
//! position, so positions (a line's key) never change while the journal only grows.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::engine::journal::Event;

use super::steplog::{event_line, Filter, LogLine};

#[cfg(doc)]
use super::steplog::log_lines;

/// A line's key: the book's generation (a new one after every reset) and its position.
pub type LineKey = (u64, u32);

/// What [`LogBook::sync`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// No new event.
    Unchanged,
    /// The journal is not the one the book was reading (a new run, a file opened):
    /// every line was made again.
    Reset,
    /// New events: lines from position `from` on are new, and the lines at `hidden`
    /// (pending requests now answered) are no longer shown.
    Grew {
        /// The first new position.
        from: usize,
        /// Positions hidden by this sync, ascending.
        hidden: Vec<usize>,
    },
}

/// The step log's lines, kept in step with a growing journal.
#[derive(Clone, Debug, Default)]
pub struct LogBook {
    lines: Vec<LogLine>,
    /// Whether the line at a position is shown (false: a pending line since answered).
    live: Vec<bool>,
    /// Each line's text in lower case, what the search looks in.
    hay: Vec<String>,
    /// Positions of pending lines by request number.
    pending: BTreeMap<u32, Vec<usize>>,
    /// Request numbers answered so far.
    answered: BTreeSet<u32>,
    live_count: usize,
    /// Events read so far.
    seen: usize,
    /// The first and the last event read: a journal whose first `seen` events do not
    /// start and end with them is another journal.
    first: Option<Event>,
    last: Option<Event>,
    generation: u64,
}

impl LogBook {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the events of `events` not read yet (all of them again when `events` is
    /// not the journal read so far). The cost is the new events', not the journal's.
    pub fn sync(&mut self, events: &[Event]) -> Change {
        self.sync_some(events, usize::MAX).0
    }

    /// [`Self::sync`], reading at most `budget` events (a journal of 100,000 opened at
    /// once is read over several frames); true when every event of `events` is read.
    pub fn sync_some(&mut self, events: &[Event], budget: usize) -> (Change, bool) {
        let same = events.len() >= self.seen
            && (self.seen == 0
                || (events.first() == self.first.as_ref()
                    && events.get(self.seen - 1) == self.last.as_ref()));
        let change = if !same {
            let generation = self.generation + 1;
            *self = Self {
                generation,
                ..Self::default()
            };
            self.read(&events[..events.len().min(budget)]);
            Change::Reset
        } else if events.len() == self.seen {
            Change::Unchanged
        } else {
            let from = self.lines.len();
            let end = events.len().min(self.seen.saturating_add(budget));
            let hidden = self.read(&events[self.seen..end]);
            Change::Grew { from, hidden }
        };
        (change, self.seen == events.len())
    }

    fn read(&mut self, events: &[Event]) -> Vec<usize> {
        let mut hidden = Vec::new();
        for event in events {
            let keep = match event {
                Event::RequestSent(e) if self.answered.contains(&e.no) => false,
                Event::RequestSent(e) => {
                    self.pending.entry(e.no).or_default().push(self.lines.len());
                    true
                }
                Event::RequestDone(d) => {
                    self.answered.insert(d.no);
                    for at in self.pending.remove(&d.no).unwrap_or_default() {
                        self.live[at] = false;
                        self.live_count -= 1;
                        hidden.push(at);
                    }
                    true
                }
                _ => true,
            };
            if let Some(line) = event_line(event).filter(|_| keep) {
                self.hay.push(haystack(&line));
                self.lines.push(line);
                self.live.push(true);
                self.live_count += 1;
            }
        }
        if self.first.is_none() {
            self.first = events.first().cloned();
        }
        if let Some(last) = events.last() {
            self.last = Some(last.clone());
        }
        self.seen += events.len();
        hidden.sort_unstable();
        hidden
    }

    /// Every position ever written (shown or hidden).
    pub fn positions(&self) -> usize {
        self.lines.len()
    }

    /// How many lines are shown (the "M" of "N of M lines").
    pub fn len(&self) -> usize {
        self.live_count
    }

    /// Whether no line is shown.
    pub fn is_empty(&self) -> bool {
        self.live_count == 0
    }

    /// The line at `position` (shown or not).
    pub fn line(&self, position: usize) -> Option<&LogLine> {
        self.lines.get(position)
    }

    /// Whether the line at `position` is shown.
    pub fn is_live(&self, position: usize) -> bool {
        self.live.get(position).copied().unwrap_or(false)
    }

    /// The key of the line at `position`, unique across resets.
    pub fn key(&self, position: usize) -> LineKey {
        (self.generation, position as u32)
    }

    /// The shown lines, in order: the same as [`log_lines`] of the events read.
    pub fn lines(&self) -> impl Iterator<Item = &LogLine> {
        self.lines
            .iter()
            .zip(&self.live)
            .filter_map(|(line, live)| live.then_some(line))
    }

    /// Whether the line at `position` is shown under `filter` and contains `query`
    /// (already in lower case; empty: every line).
    pub fn admits(&self, position: usize, filter: Filter, query: &str) -> bool {
        self.is_live(position)
            && self.lines.get(position).is_some_and(|l| filter.admits(l))
            && (query.is_empty() || self.hay.get(position).is_some_and(|h| h.contains(query)))
    }
}

/// What the search looks in: the line's fields, as the log shows them, in lower case.
///
/// ASCII letters only: the log's fields are action names, names the settings allow,
/// request ids and the servers' English messages, and Unicode's case tables would add
/// 30 KB to the page (16 KB gzip, issue 12). Another letter matches as typed.
fn haystack(line: &LogLine) -> String {
    [
        line.time.as_str(),
        &line.timing,
        &line.action,
        &line.target,
        &line.outcome,
        &line.request_id,
    ]
    .join(" ")
    .to_ascii_lowercase()
}

/// A search as typed, as the book compares it (trimmed, ASCII letters in lower case, as
/// in [`haystack`]).
pub fn normalize_query(typed: &str) -> String {
    typed.trim().to_ascii_lowercase()
}

/// The lines shown under a filter and a search: positions in the book, ascending.
/// Built a chunk at a time ([`LogView::scan`]); new lines join it the same way.
#[derive(Clone, Debug)]
pub struct LogView {
    filter: Filter,
    query: String,
    rows: Vec<u32>,
    /// Book positions looked at so far.
    scanned: usize,
}

impl Default for LogView {
    fn default() -> Self {
        Self::new(Filter::All, "")
    }
}

impl LogView {
    /// Nothing scanned yet, for `filter` and `query` (as typed).
    pub fn new(filter: Filter, query: &str) -> Self {
        Self {
            filter,
            query: normalize_query(query),
            rows: Vec::new(),
            scanned: 0,
        }
    }

    /// The filter.
    pub fn filter(&self) -> Filter {
        self.filter
    }

    /// The search (normalized).
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Starts again for another filter or search (nothing is kept of the old one).
    pub fn set(&mut self, filter: Filter, query: &str) {
        let query = normalize_query(query);
        if filter != self.filter || query != self.query {
            *self = Self {
                filter,
                query,
                rows: Vec::new(),
                scanned: 0,
            };
        }
    }

    /// Follows what a sync of the book changed: hides answered pending lines, and
    /// after a reset starts again. New lines are picked up by the next [`Self::scan`].
    pub fn apply(&mut self, change: &Change) {
        match change {
            Change::Unchanged => {}
            Change::Reset => {
                self.rows.clear();
                self.scanned = 0;
            }
            Change::Grew { hidden, .. } => {
                for &at in hidden {
                    if let Ok(i) = self.rows.binary_search(&(at as u32)) {
                        self.rows.remove(i);
                    }
                }
            }
        }
    }

    /// Looks at up to `budget` more lines of `book`; true when every line is looked at.
    pub fn scan(&mut self, book: &LogBook, budget: usize) -> bool {
        let end = book.positions().min(self.scanned.saturating_add(budget));
        for at in self.scanned..end {
            if book.admits(at, self.filter, &self.query) {
                self.rows.push(at as u32);
            }
        }
        self.scanned = end;
        self.is_complete(book)
    }

    /// Whether every line of `book` has been looked at.
    pub fn is_complete(&self, book: &LogBook) -> bool {
        self.scanned >= book.positions()
    }

    /// How many lines are shown so far (the "N" of "N of M lines").
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no line is shown.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The book positions of the shown rows in `range` (clamped).
    pub fn rows(&self, range: Range<usize>) -> &[u32] {
        let end = range.end.min(self.rows.len());
        let start = range.start.min(end);
        &self.rows[start..end]
    }
}

/// The rows of a list of `total` rows of `row_px` each that are in view when it is
/// scrolled to `scroll_top` in a viewport `viewport_px` high, with `overscan` rows more
/// on either side. A row height that is not positive (not measured yet) shows the first
/// rows only.
pub fn window(
    total: usize,
    scroll_top: f64,
    viewport_px: f64,
    row_px: f64,
    overscan: usize,
) -> Range<usize> {
    let usable = row_px.is_finite() && row_px > 0.0;
    if !usable || !scroll_top.is_finite() || !viewport_px.is_finite() {
        return 0..total.min(overscan.saturating_mul(2));
    }
    let top = scroll_top.max(0.0);
    let first = ((top / row_px).floor() as usize).min(total);
    let past = (((top + viewport_px.max(0.0)) / row_px).ceil() as usize).min(total);
    let start = first.saturating_sub(overscan);
    let end = past.saturating_add(overscan).min(total);
    start..end.max(start)
}

/// The scroll position that shows the end of a list of `total` rows of `row_px` in a
/// viewport `viewport_px` high: what "follow the end" scrolls to, known without asking
/// the page for its layout.
pub fn end_scroll_top(total: usize, row_px: f64, viewport_px: f64) -> f64 {
    (total as f64 * row_px - viewport_px).max(0.0)
}

/// Whether a list scrolled to `scroll_top` shows its end (within `slack_px`): scrolling
/// there turns "follow the end" on again, scrolling away turns it off.
pub fn at_end(total: usize, row_px: f64, scroll_top: f64, viewport_px: f64, slack_px: f64) -> bool {
    scroll_top + slack_px >= end_scroll_top(total, row_px, viewport_px)
}
