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

/// The lines as tab-separated text with a header, one per line; what Copy puts on the
/// clipboard.
pub fn log_text(lines: &[LogLine]) -> String {
    let mut out = String::from("time (UTC)\ttiming\taction\ttarget\toutcome\trequest id\n");
    for l in lines {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            l.time, l.timing, l.action, l.target, l.outcome, l.request_id
        ));
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
