//! The run options: only the monitor interval can be wrong.

use crate::settings::field::RunField;
use crate::settings::RunSettings;

use super::check::Check;

/// Checks the run options.
pub(super) fn check_run(r: &RunSettings, c: &mut Check) {
    if r.monitor_interval_ms().is_none() {
        c.add(
            RunField::MonitorSeconds,
            "The monitor interval must be a number of seconds from 0 (never) to 3600.",
        );
    }
}
