//! Where the run shows itself. **stdout** carries the log: the page's step-log lines in
//! its text form (the header, then one tab-separated line per line of the log as the
//! events come; the whole is exactly the page's "Download text" of the same journal),
//! or with `--json` one JSON event per line (every event of the journal). **stderr**
//! carries the runner's own messages and, on a terminal only, the progress line
//! ([`super::progress`]), cleared before any other line is written.
//!
//! A closed stdout (a pipe whose reader went away) stops the log, never the run: the
//! run still tears down what it asked for.

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex};

use crate::engine::journal::Event;
use crate::report::export::{log_line_text, LOG_TEXT_HEADER};
use crate::report::steplog::event_line;

use super::progress::Progress;
use super::recorder::Recorder;

/// Clears the terminal's current line.
const CLEAR_LINE: &str = "\r\x1b[2K";

/// The log's form on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogForm {
    /// The step log's text lines.
    Text,
    /// One JSON event per line.
    Json,
}

/// The stdout lines of one event: none, or the step log's line (text; a request's line
/// comes with its answer), or the event as JSON.
pub fn event_lines(form: LogForm, event: &Event) -> Option<String> {
    match form {
        LogForm::Json => serde_json::to_string(event).ok(),
        LogForm::Text => match event {
            Event::RequestSent(_) => None,
            _ => event_line(event).map(|l| one_line(&log_line_text(&l))),
        },
    }
}

/// The first line of the text log.
pub fn text_header() -> &'static str {
    LOG_TEXT_HEADER
}

/// Server text may hold line breaks; a log line never does.
fn one_line(text: &str) -> String {
    if text.contains(['\n', '\r']) {
        text.replace(['\n', '\r'], " ")
    } else {
        text.to_string()
    }
}

/// The runner's output.
pub struct Output {
    form: LogForm,
    stdout_open: bool,
    header_written: bool,
    /// The progress model, when stderr is a terminal and progress is wanted.
    progress: Option<Progress>,
    /// Whether a progress line is on the screen now.
    progress_shown: bool,
    recorder: Arc<Mutex<Recorder>>,
}

impl Output {
    /// Output in `form`, recording into `recorder`; a progress line when `progress` and
    /// stderr is a terminal.
    pub fn new(form: LogForm, progress: bool, recorder: Arc<Mutex<Recorder>>) -> Self {
        Self {
            form,
            stdout_open: true,
            header_written: false,
            progress: (progress && io::stderr().is_terminal()).then(Progress::default),
            progress_shown: false,
            recorder,
        }
    }

    /// Whether the progress line is drawn (stderr is a terminal).
    pub fn shows_progress(&self) -> bool {
        self.progress.is_some()
    }

    /// Does `write` with the recorder, and says a failed write of the journal file.
    fn record(&mut self, write: impl FnOnce(&mut Recorder) -> Option<String>) {
        let failure = write(&mut self.recorder.lock().unwrap_or_else(|p| p.into_inner()));
        if let Some(failure) = failure {
            self.message(&format!("warning: {failure}"));
        }
    }

    /// One event of the journal: recorded, logged, and taken into the progress.
    pub fn event(&mut self, event: &Event) {
        self.record(|r| r.push(event));
        if let Some(progress) = &mut self.progress {
            progress.apply(event);
        }
        if self.form == LogForm::Text && !self.header_written {
            self.header_written = true;
            self.stdout_line(text_header());
        }
        if let Some(line) = event_lines(self.form, event) {
            self.stdout_line(&line);
        }
    }

    /// A line of the runner's own on stderr.
    pub fn message(&mut self, text: &str) {
        self.clear_progress();
        let mut stderr = io::stderr().lock();
        let _ = writeln!(stderr, "phantom-de-run: {text}");
    }

    /// Redraws the progress line for `now_ms` and writes the journal file if it is
    /// behind.
    pub fn tick(&mut self, now_ms: f64) {
        self.record(Recorder::flush_if_due);
        let Some(progress) = &self.progress else {
            return;
        };
        let line = progress.line(now_ms);
        let mut stderr = io::stderr().lock();
        let _ = write!(stderr, "{CLEAR_LINE}{line}");
        let _ = stderr.flush();
        self.progress_shown = !line.is_empty();
    }

    /// Clears the progress line and writes the journal file's last state.
    pub fn finish(&mut self) {
        self.clear_progress();
        self.record(Recorder::flush);
        let _ = io::stdout().flush();
    }

    fn clear_progress(&mut self) {
        if self.progress_shown {
            let mut stderr = io::stderr().lock();
            let _ = write!(stderr, "{CLEAR_LINE}");
            let _ = stderr.flush();
            self.progress_shown = false;
        }
    }

    fn stdout_line(&mut self, line: &str) {
        if !self.stdout_open {
            return;
        }
        self.clear_progress();
        let mut stdout = io::stdout().lock();
        if writeln!(stdout, "{line}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            self.stdout_open = false;
        }
    }
}
