//! What the page shows of a run, as plain data: built from the journal (and the plan or
//! an instance list) only, rendered by `ui`'s components, tested on the host.
//!
//! * [`time`]: wall-clock times and durations as the log and the live view write them.
//! * [`steplog`]: the step log's lines (one per request and per ramp step) and its
//!   outcome filter; how a run ended, in words.
//! * [`logbook`]: the step log kept as the journal grows (only new events' lines are
//!   made), filtered and searched a chunk at a time, and the arithmetic of a windowed list.
//! * [`decisions`]: a policy's decision as a log line (what it saw, asked, and what the
//!   rails changed).
//! * [`export`]: the step log as text (Copy, Download text) and the journal as JSON.
//! * [`series`]: planned capacity, requested capacity and running instances over time.
//! * [`simulation`]: a dry run's chart lines (decided capacity, running VMs, the
//!   metric) and its decisions as log lines.
//! * [`chart`]: the geometry of the two SVG charts (plan preview and live view).
//! * [`html`]: the run report, one self-contained HTML file (Download report), with
//!   its summary ([`summary`], [`figures`]) and the facts the journal lacks ([`facts`]).
//! * [`vms`]: the live view's instance counts per cloud and state, and the VM list's rows.
//! * [`history`]: the runs kept in the browser: their storage keys, the index, which
//!   runs to let go when space runs out, and the key that names one domain on one server.

pub mod chart;
pub mod decisions;
pub mod export;
pub mod facts;
pub mod figures;
pub mod history;
pub mod html;
pub mod limits;
pub mod logbook;
pub mod overview;
pub mod series;
pub mod simulation;
pub mod steplog;
pub mod summary;
pub mod time;
pub mod vms;
