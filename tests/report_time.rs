//! Times and durations as the step log and the live view write them.

use phantom_de::report::time::{clock_time, seconds};

#[test]
fn wall_clock_times_are_utc_with_milliseconds() {
    // 2026-01-02T03:04:05Z
    assert_eq!(clock_time(1_767_323_045_000.0), "03:04:05.000");
    assert_eq!(clock_time(1_767_323_045_007.4), "03:04:05.007");
    assert_eq!(clock_time(1_767_323_045_999.6), "03:04:06.000");
    assert_eq!(clock_time(0.0), "00:00:00.000");
    assert_eq!(clock_time(86_399_999.0), "23:59:59.999");
    assert_eq!(clock_time(86_400_001.0), "00:00:00.001");
}

#[test]
fn a_time_that_is_not_one_renders_as_dashes() {
    for ms in [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(clock_time(ms), "--:--:--.---", "{ms}");
    }
}

#[test]
fn durations_are_seconds_with_milliseconds() {
    assert_eq!(seconds(0), "0.000 s");
    assert_eq!(seconds(7), "0.007 s");
    assert_eq!(seconds(12_345), "12.345 s");
    assert_eq!(seconds(61_005), "61.005 s");
    assert_eq!(seconds(3_600_000), "3600.000 s");
}
