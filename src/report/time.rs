//! Times and durations as the step log and the live view write them.

/// `HH:MM:SS.mmm` (UTC) of a time in ms since the epoch; dashes for a time that is not
/// one (negative, NaN), so a damaged journal still renders.
pub fn clock_time(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "--:--:--.---".to_string();
    }
    let ms = ms.round() as u64;
    let day = ms % 86_400_000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        day / 3_600_000,
        day / 60_000 % 60,
        day / 1000 % 60,
        day % 1000
    )
}

/// Seconds with milliseconds: `12.345 s`.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// `2026-01-02 03:04:05.123 UTC` of a time in ms since the epoch (dashes for a time that
/// is not one): the date as well, for a report read days later.
pub fn date_time(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "---------- --:--:--.--- UTC".to_string();
    }
    let date = crate::sign::SigningTime::from_unix_millis(ms).iso8601();
    let day = date.split('T').next().unwrap_or_default();
    format!("{day} {} UTC", clock_time(ms))
}
