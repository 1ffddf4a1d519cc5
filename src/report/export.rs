//! What leaves the page from the step log: the lines as tab-separated text (Copy and
//! Download text) and the whole journal as JSON (Download JSON), which the page can
//! read back.

use crate::engine::journal::{Event, Journal, JournalError};

use super::steplog::LogLine;

/// A file to offer for download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    /// The suggested file name.
    pub file_name: String,
    /// Its media type.
    pub mime: &'static str,
    /// Its content.
    pub text: String,
}

/// The header line of [`log_text`] (without its line break).
pub const LOG_TEXT_HEADER: &str = "time (UTC)\ttiming\taction\ttarget\toutcome\trequest id";

/// One line of [`log_text`] (without its line break): the fields, tab-separated.
pub fn log_line_text(l: &LogLine) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}",
        l.time, l.timing, l.action, l.target, l.outcome, l.request_id
    )
}

/// The lines as tab-separated text with a header, one per line; what Copy puts on the
/// clipboard.
pub fn log_text(lines: &[LogLine]) -> String {
    let mut out = format!("{LOG_TEXT_HEADER}\n");
    for l in lines {
        out.push_str(&log_line_text(l));
        out.push('\n');
    }
    out
}

/// "Download text": every line of the log, whatever the filter shows.
pub fn text_download(lines: &[LogLine]) -> Download {
    Download {
        file_name: "phantom-run-log.txt".to_string(),
        mime: "text/plain",
        text: log_text(lines),
    }
}

/// "Download JSON": the journal itself, in the format [`Journal::from_json`] reads.
pub fn journal_download(events: &[Event]) -> Result<Download, JournalError> {
    let journal = Journal {
        events: events.to_vec(),
    };
    Ok(Download {
        file_name: "phantom-run-journal.json".to_string(),
        mime: "application/json",
        text: journal.to_json()?,
    })
}
