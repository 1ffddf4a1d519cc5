//! The run's journal as it grows, and its file (`--journal FILE`): the JSON the page
//! keeps for a run ([`Journal::to_json`], which [`Journal::from_json`] reads back),
//! rewritten whole through a temporary file and a rename so the file is always a
//! complete journal. Written at once for the events that change what a reader must do
//! (the start, a stop, a teardown's start and end, the end), otherwise at most once a
//! second ([`Recorder::flush_if_due`], called by the runner's ticks): a long run's
//! monitor looks do not rewrite the file every time.
//!
//! Shared with the signal thread, which writes the journal as it stands before an exit
//! at once (a third signal): a journal cut in a teardown is one whose pending teardown
//! the page resumes.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::engine::journal::{Event, Journal};

/// How often the file is rewritten at most for ordinary events.
pub const WRITE_EVERY: Duration = Duration::from_secs(1);

/// The journal and, optionally, its file.
#[derive(Debug, Default)]
pub struct Recorder {
    journal: Journal,
    file: Option<PathBuf>,
    last_write: Option<Instant>,
    dirty: bool,
    /// The last write's failure, said once.
    failure: Option<String>,
}

impl Recorder {
    /// A recorder that keeps the journal in memory only.
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// A recorder writing to `path`; an empty journal is written at once, so a file
    /// that cannot be written is found before anything is sent.
    pub fn to_file(path: &Path) -> Result<Self, String> {
        let mut recorder = Self {
            file: Some(path.to_path_buf()),
            ..Self::default()
        };
        recorder.write()?;
        Ok(recorder)
    }

    /// The events so far.
    pub fn events(&self) -> &[Event] {
        &self.journal.events
    }

    /// Appends `event`; writes the file when the event matters or the last write is a
    /// while ago. A failed write is returned once (the run goes on: a full disk must not
    /// leave capacity running).
    pub fn push(&mut self, event: &Event) -> Option<String> {
        let key = matches!(
            event,
            Event::RunStarted(_)
                | Event::StopRequested(_)
                | Event::TeardownStarted(_)
                | Event::Teardown(_)
                | Event::RunFinished(_)
        );
        self.journal.push(event.clone());
        self.dirty = true;
        if key {
            self.flush()
        } else {
            self.flush_if_due()
        }
    }

    /// Writes the file when it is behind and the last write is [`WRITE_EVERY`] ago.
    pub fn flush_if_due(&mut self) -> Option<String> {
        let due = self.last_write.is_none_or(|t| t.elapsed() >= WRITE_EVERY);
        if self.dirty && due {
            self.flush()
        } else {
            None
        }
    }

    /// Writes the file now if it is behind.
    pub fn flush(&mut self) -> Option<String> {
        if !self.dirty {
            return None;
        }
        match self.write() {
            Ok(()) => {
                self.failure = None;
                None
            }
            Err(e) if self.failure.as_ref() == Some(&e) => None,
            Err(e) => {
                self.failure = Some(e.clone());
                Some(e)
            }
        }
    }

    fn write(&mut self) -> Result<(), String> {
        let Some(path) = &self.file else {
            self.dirty = false;
            return Ok(());
        };
        let shown = path.display();
        let text = self
            .journal
            .to_json()
            .map_err(|e| format!("cannot write the journal {shown}: {e}"))?;
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        let temporary = PathBuf::from(temporary);
        std::fs::write(&temporary, text)
            .and_then(|()| std::fs::rename(&temporary, path))
            .map_err(|e| format!("cannot write the journal {shown}: {e}"))?;
        self.last_write = Some(Instant::now());
        self.dirty = false;
        Ok(())
    }
}
